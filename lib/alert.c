/* SPDX-License-Identifier: MIT */
/*
 * Event 8004 alert records (and the sibling events 8005/8007/8008/8009) in four formats: text, Windows
 * Event XML, JSON Lines and RFC 5424 syslog.
 *
 * Safety by construction: every byte that reaches the output either is a constant of this file or passes
 * through one per-format escaper after strict UTF-8 decoding (invalid bytes become U+FFFD) and a length
 * cap (DW_ALERT_FIELD_MAX). The classification strings from classify.c take the same path, so no field can
 * break a format whatever it contains. For speed (issue 8) the escaper copies runs of ASCII bytes its
 * format's table marks safe in one piece; everything else goes through it one code point at a time.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dropwatch/alert.h"
#include "dropwatch/guard.h"
#include "guard_internal.h"
#include "internal.h"
#include "platform.h"
#include "utf8.h"

#define RULE_PATH_2007 \
    "Microsoft Exchange Server/Exchange 2007/Common Components/Hub Transport and Edge Transport/Transport"
#define RULE_PATH_2010 \
    "Microsoft Exchange Server/Exchange 2010/Common Components/Hub Transport and Edge Transport/Transport"
#define TRUNC_MARK "...[truncated]"
#define DW_STR_(x) #x
#define DW_STR(x) DW_STR_(x)
/* 9999-12-31T23:59:59.999Z: the last instant RFC 3339 / RFC 5424 (four-digit years) can express. */
#define MAX_TIME_MS INT64_C(253402300799999)
/* Win32 codes the event selection looks at (winerror.h). */
#define W32_FILE_NOT_FOUND 2u
#define W32_PATH_NOT_FOUND 3u
#define W32_ACCESS_DENIED 5u
#define W32_NETWORK_ACCESS_DENIED 65u
#define W32_FILENAME_EXCED_RANGE 206u
#define W32_DIRECTORY 267u
#define W32_PRIVILEGE_NOT_HELD 1314u
/* Where the explanation or an action names the cmdlet that sets RootDropDirectoryPath. */
#define CMDLET_MARK "@CMDLET@"

/* The event itself: what Exchange logs (TransportEventLogConstants), the same for every version. */
typedef struct event_info {
    unsigned id;
    const char *name;        /* Exchange's symbolic name */
    const char *message;     /* with %1 %2 %3 insertion strings */
    int nparams;             /* insertion strings Exchange passes (unnamed Data items) */
    const char *explanation; /* CMDLET_MARK stands for the version's cmdlet */
    const char *actions[3];  /* the event's own user actions (8004 builds its list from the class) */
} event_info;

static const event_info events[] = {
    {8004, "NonSmtpGWBadDropDirectory",
     /* Exchange's own text, including its space before the final period. */
     "A non-SMTP gateway connection failure occurred on connector %1. When writing to the drop directory %2, "
     "an I/O exception %3 occurred .",
     3,
     "The Foreign connector experienced an I/O exception while writing a message file to its Drop directory. "
     "The location is RootDropDirectoryPath (" CMDLET_MARK ") joined with the connector's DropDirectory "
     "(Set-ForeignConnector). Causes: physical hard-disk problems (the drive or its controller); logical "
     "disk-structure problems (file-system errors or corruption); transient software errors (intense "
     "read/write activity).",
     {NULL, NULL, NULL}},
    {8005, "NonSmtpGWQuotaExceeded",
     "A non-SMTP gateway connection failure occurred on connector %1. The drop directory quota limit of "
     "%2(MB) has been exceeded.",
     2,
     "The files directly in the connector's Drop directory add up to its DropDirectoryQuota or more. No new "
     "files are written until the foreign gateway deletes existing ones; messages wait in the queue and are "
     "retried (444 4.4.4 NONSMTPGW.QuotaExceeded), nothing bounces.",
     {"Remove files from the Drop directory until their total size is below the quota (make sure the foreign "
      "gateway picks up and deletes its files).",
      "Raise the connector's DropDirectoryQuota (Set-ForeignConnector -DropDirectoryQuota).", NULL}},
    {8007, "NonSmtpGWPathTooLongException",
     /* Exchange does not publish this text; the wording is libdropwatch's, the insertion strings Exchange's. */
     "A non-SMTP gateway connection failure occurred on connector %1 because a file name in the drop "
     "directory %2 exceeds the system-defined maximum length.",
     2,
     "The full path of a message file in the Drop directory exceeds the maximum path length of the system "
     "(MAX_PATH, 260 characters, on Windows): Exchange caught a PathTooLongException.",
     {"Shorten RootDropDirectoryPath (" CMDLET_MARK ").",
      "Shorten the connector's DropDirectory (Set-ForeignConnector -DropDirectory).", NULL}},
    {8008, "NonSmtpGWNoDropDirectory",
     "A connection failure occurred on the foreign connector %1. The Drop directory %2 does not exist.",
     2,
     "The connector's Drop directory does not exist, is not visible to the account of the transport "
     "service, or DropDirectory is empty. Exchange never creates the directory and writes nothing.",
     {"Create the Drop directory that matches DropDirectory (Set-ForeignConnector) in the location "
      "RootDropDirectoryPath (" CMDLET_MARK ") names; Exchange never creates it.",
      "Or correct DropDirectory (Set-ForeignConnector) or RootDropDirectoryPath (" CMDLET_MARK ").", NULL}},
    {8009, "NonSmtpGWUnauthorizedAccess",
     "Non-SMTP connector %1 failed because the Drop directory %2 does not have the correct access "
     "permissions. Change the access permissions for directory %2 or use another directory.",
     2,
     "The account of the transport service may not create files in the connector's Drop directory: Exchange "
     "caught an UnauthorizedAccessException.",
     {"Grant the account of the Microsoft Exchange Transport service write access to the Drop directory: "
      "Network Service when the directory is on the Exchange server, the server's computer account "
      "(DOMAIN\\SERVER$) when it is on a network share.",
      "Or use another directory (DropDirectory with Set-ForeignConnector, RootDropDirectoryPath with "
      CMDLET_MARK ").", NULL}},
};
#define EVENT_COUNT (sizeof events / sizeof events[0])

/* What one management pack says about an event. rule_name NULL: the pack has no rule for it. */
typedef struct pack_rule {
    const char *alert_type;
    int syslog_severity; /* follows alert_type: crit 2, err 3, warning 4 */
    const char *rule_name;
} pack_rule;

typedef struct pack_info {
    const char *product_version;
    const char *rule_path;
    const char *cmdlet;      /* sets RootDropDirectoryPath in the versions this pack stands for */
    pack_rule rules[EVENT_COUNT];
} pack_info;

/* Without a rule, the event's own level (Error) is the alert type. */
#define NO_RULE {"Error", 3, NULL}

/* The Exchange 2010 pack's rules: used for 2010 and for 2013 and later. */
#define PACK_2010_RULES \
    {{"Error", 3, \
      "The specified connector experienced a non-SMTP gateway connection failure. An I/O exception occurred " \
      "when writing to the drop directory."}, \
     {"Warning", 4, \
      "A non-SMTP Gateway Connection failure has occurred on the specified connector: The Drop Directory " \
      "Quota limit has been exceeded."}, \
     {"Warning", 4, \
      "The Non-SMTP Gateway Connection failed because the drop directory filename exceeds the system-defined " \
      "maximum length."}, \
     {"Warning", 4, \
      "A Non-SMTP Gateway Connection failure has occurred on the specified connector: the drop directory does " \
      "not exist."}, \
     NO_RULE}

/* One pack per configured version: 2007 for 2007; the 2010 pack for 2010 and for 2013 and later, which
 * got no event-rule pages of their own (their cmdlet is Set-TransportService). The 2007 pack's page is
 * known only for 8004, the 2010 pack's for 8004, 8005, 8007 and 8008. */
static const pack_info packs[3] = {
    {"8.0", RULE_PATH_2007, "Set-TransportServer",
     {{"Critical Error", 2,
       "A non-SMTP gateway connection failure occurred on the specified connector. An I/O exception occurred "
       "when writing to the Drop directory."},
      NO_RULE, NO_RULE, NO_RULE, NO_RULE}},
    {"14.0", RULE_PATH_2010, "Set-TransportServer", PACK_2010_RULES},
    {"14.0", RULE_PATH_2010, "Set-TransportService", PACK_2010_RULES},
};

static const char ACT_DRIVERS[] =
    "Verify that the disk drivers and the firmware of the drive and of its controller are up to date.";
static const char ACT_CHKDSK[] =
    "Run CHKDSK <drive letter>: /F /R on the volume that holds the Drop directory (fsck on POSIX systems).";
static const char ACT_MOVE[] =
    "Change the location of the connector's Drop directory to another disk (see \"How to Configure the Drop "
    "Directory of a Foreign Connector\").";
#define ACTION_COUNT 4
#define ACTION_BUF 400

/* ---- input fields: bounded, decoded lazily, flagged ---- */

typedef struct field {
    const char *s;   /* never NULL */
    size_t len;      /* bytes used (<= DW_ALERT_FIELD_MAX) */
    int null;        /* the input was NULL */
    int truncated;   /* cut at DW_ALERT_FIELD_MAX; the marker is appended on output */
} field;

/* `cap` bounds the scan for arrays that might not be NUL-terminated (dw_io_error.path/detail). */
static void field_set(field *f, const char *s, size_t cap)
{
    f->null = s == NULL;
    f->s = s ? s : "";
    f->truncated = 0;
    size_t limit = cap < DW_ALERT_FIELD_MAX + 1 ? cap : DW_ALERT_FIELD_MAX + 1;
    const char *nul = s ? memchr(s, '\0', limit) : f->s;
    f->len = nul ? (size_t)(nul - f->s) : limit;
    if (f->len > DW_ALERT_FIELD_MAX) {
        size_t cut = DW_ALERT_FIELD_MAX;
        /* Back up to a sequence boundary so the cut itself does not create an invalid sequence. */
        for (int i = 0; i < 3 && cut > 0 && ((unsigned char)f->s[cut] & 0xC0u) == 0x80u; i++)
            cut--;
        f->len = cut;
        f->truncated = 1;
    }
}

/* A code point XML 1.0 cannot carry even as a character reference. */
static int xml_forbidden(uint32_t cp)
{
    return (cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) || cp == 0xFFFEu || cp == 0xFFFFu;
}

/* 128-entry tables of "safe" ASCII bytes, built from a predicate at compile time. */
#define T8(F, b) F(b), F(b + 1), F(b + 2), F(b + 3), F(b + 4), F(b + 5), F(b + 6), F(b + 7)
#define T128(F) \
    T8(F, 0), T8(F, 8), T8(F, 16), T8(F, 24), T8(F, 32), T8(F, 40), T8(F, 48), T8(F, 56), T8(F, 64), \
        T8(F, 72), T8(F, 80), T8(F, 88), T8(F, 96), T8(F, 104), T8(F, 112), T8(F, 120)
/* Field scan: ASCII that is neither invalid nor forbidden in XML. */
#define SAFE_SCAN(c) ((c) >= 0x20 || (c) == '\t' || (c) == '\n' || (c) == '\r')
static const unsigned char scan_safe[128] = {T128(SAFE_SCAN)};

/* Pre-pass: does the field hold invalid UTF-8 / characters XML must replace? Plain ASCII is skipped in
 * runs; only control characters and bytes >= 0x80 are looked at. */
static void field_scan(const field *f, int *invalid, int *xml_bad)
{
    size_t i = 0;
    while (i < f->len) {
        i += dwi_safe_run(f->s + i, f->len - i, scan_safe);
        if (i == f->len)
            break;
        uint32_t cp = (unsigned char)f->s[i];
        if (cp < 0x80) {
            *xml_bad = 1; /* a control character other than TAB, LF, CR */
            i++;
        } else if (!dwi_utf8_next(f->s, f->len, &i, &cp))
            *invalid = 1;
        else if (xml_forbidden(cp))
            *xml_bad = 1;
    }
}

/* ---- per-format escapers (one code point at a time) ---- */

static void put_utf8(dwi_out *o, uint32_t cp)
{
    char b[4];
    dwi_out_bytes(o, b, dwi_utf8_encode(cp, b));
}

static void put_hex(dwi_out *o, const char *prefix, uint32_t v, int digits)
{
    static const char hex[] = "0123456789ABCDEF";
    char b[8];
    dwi_out_str(o, prefix);
    for (int i = digits - 1; i >= 0; i--) {
        b[i] = hex[v & 0xFu];
        v >>= 4;
    }
    dwi_out_bytes(o, b, (size_t)digits);
}

/* Characters that move the cursor to a new line or reorder text in a terminal or viewer. */
static int invisible_or_breaking(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

/* Text and syslog MSG: human-readable, one line per field; backslash stays literal (Windows paths). */
static void esc_text_cp(dwi_out *o, uint32_t cp)
{
    switch (cp) {
    case '\n': dwi_out_str(o, "\\n"); return;
    case '\r': dwi_out_str(o, "\\r"); return;
    case '\t': dwi_out_str(o, "\\t"); return;
    default: break;
    }
    if (cp < 0x20 || cp == 0x7F)
        put_hex(o, "\\x", cp, 2);
    else if (invisible_or_breaking(cp))
        put_hex(o, "\\u", cp, 4);
    else
        put_utf8(o, cp);
}

/* RFC 5424 PARAM-VALUE: '"', '\' and ']' must be escaped; control characters get the text escapes so the
 * line stays one line (and, since '\' itself is escaped, the value stays lossless). */
static void esc_sd_cp(dwi_out *o, uint32_t cp)
{
    if (cp == '"' || cp == '\\' || cp == ']') {
        dwi_out_char(o, '\\');
        dwi_out_char(o, (char)cp);
        return;
    }
    esc_text_cp(o, cp);
}

static void esc_xml_cp(dwi_out *o, uint32_t cp)
{
    switch (cp) {
    case '&': dwi_out_str(o, "&amp;"); return;
    case '<': dwi_out_str(o, "&lt;"); return;
    case '>': dwi_out_str(o, "&gt;"); return;
    case '"': dwi_out_str(o, "&quot;"); return;
    /* References, not raw characters: parsers normalise raw CR/LF/TAB (attributes, line ends). */
    case '\t': dwi_out_str(o, "&#x9;"); return;
    case '\n': dwi_out_str(o, "&#xA;"); return;
    case '\r': dwi_out_str(o, "&#xD;"); return;
    default: break;
    }
    if (xml_forbidden(cp))
        put_utf8(o, DWI_UTF8_REPLACEMENT); /* not representable in XML 1.0, even as a reference */
    else if (cp == 0x7F || invisible_or_breaking(cp)) {
        put_hex(o, "&#x", cp, 4);
        dwi_out_char(o, ';');
    } else
        put_utf8(o, cp);
}

static void esc_json_cp(dwi_out *o, uint32_t cp)
{
    switch (cp) {
    case '"': dwi_out_str(o, "\\\""); return;
    case '\\': dwi_out_str(o, "\\\\"); return;
    case '\b': dwi_out_str(o, "\\b"); return;
    case '\f': dwi_out_str(o, "\\f"); return;
    case '\n': dwi_out_str(o, "\\n"); return;
    case '\r': dwi_out_str(o, "\\r"); return;
    case '\t': dwi_out_str(o, "\\t"); return;
    default: break;
    }
    /* U+2028/2029 too: valid JSON, but they end lines in JavaScript and in some line-oriented readers. */
    if (cp < 0x20 || cp == 0x7F || invisible_or_breaking(cp))
        put_hex(o, "\\u", cp, 4);
    else
        put_utf8(o, cp);
}

/*
 * A format's escaping: the ASCII bytes that go out verbatim (copied in runs) and the escaper for every
 * other code point. The tables must agree with the escapers: a byte marked safe is one its escaper would
 * emit unchanged, so the fast path is byte-identical to escaping each code point.
 */
typedef struct esc_fmt {
    void (*cp)(dwi_out *o, uint32_t cp);
    unsigned char safe[128];
} esc_fmt;
typedef const esc_fmt *escaper;

#define SAFE_TEXT(c) ((c) >= 0x20 && (c) != 0x7F)
#define SAFE_SD(c) (SAFE_TEXT(c) && (c) != '"' && (c) != '\\' && (c) != ']')
#define SAFE_XML(c) (SAFE_TEXT(c) && (c) != '&' && (c) != '<' && (c) != '>' && (c) != '"')
#define SAFE_JSON(c) (SAFE_TEXT(c) && (c) != '"' && (c) != '\\')

static const esc_fmt ESC_TEXT = {esc_text_cp, {T128(SAFE_TEXT)}};
static const esc_fmt ESC_SD = {esc_sd_cp, {T128(SAFE_SD)}};
static const esc_fmt ESC_XML = {esc_xml_cp, {T128(SAFE_XML)}};
static const esc_fmt ESC_JSON = {esc_json_cp, {T128(SAFE_JSON)}};
#define esc_text (&ESC_TEXT)
#define esc_sd (&ESC_SD)
#define esc_xml (&ESC_XML)
#define esc_json (&ESC_JSON)

/* Emit bytes through an escaper, replacing invalid UTF-8 by U+FFFD: runs of safe ASCII in one piece,
 * other ASCII through the escaper, and only bytes >= 0x80 through the decoder. */
static void put_esc_n(dwi_out *o, escaper esc, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t n = dwi_safe_run(s + i, len - i, esc->safe);
        if (n) {
            dwi_out_bytes(o, s + i, n);
            i += n;
            if (i == len)
                break;
        }
        uint32_t cp = (unsigned char)s[i];
        if (cp < 0x80)
            i++;
        else
            dwi_utf8_next(s, len, &i, &cp);
        esc->cp(o, cp);
    }
}

static void put_esc(dwi_out *o, escaper esc, const char *s)
{
    if (s)
        put_esc_n(o, esc, s, strlen(s));
}

static void put_field(dwi_out *o, escaper esc, const field *f)
{
    put_esc_n(o, esc, f->s, f->len);
    if (f->truncated)
        put_esc(o, esc, TRUNC_MARK);
}

/* ---- the record, resolved once per call ---- */

#define EXPLAIN_BUF 1024
/* The outcome sentence: the drop path, two names and fixed text. */
#define OUTCOME_BUF (DW_IO_PATH_MAX + 2 * DW_IO_NAME_MAX + 512)

typedef struct record {
    const dw_alert *a;
    const event_info *ev;
    const pack_info *pack;
    const pack_rule *rule;
    const char *rule_name;  /* "" when the pack has no rule for the event */
    const char *exc_type;   /* the .NET exception type Exchange would have caught */
    const char *explanation;
    field connector, drop_path, root, drop_dir, computer, exception, path, detail, app;
    field params[3];
    int errnum;
    uint32_t win32;
    const char *class_name, *class_desc, *op_name, *errno_name, *win32_name;
    const char *actions[ACTION_COUNT];
    int action_count;
    int replaced;   /* invalid UTF-8 somewhere */
    int xml_bad;    /* a character XML 1.0 cannot carry somewhere */
    int truncated;
    char time[64];
    char errtext[256];
    char quota[64];
    char explain[EXPLAIN_BUF];
    char actbuf[ACTION_COUNT][ACTION_BUF];
    field outcome;  /* empty when the error is not about a guarded write */
    char outcome_txt[OUTCOME_BUF];
} record;

static const char *nz(const char *s, const char *dflt)
{
    return s ? s : dflt;
}

static const event_info *event_lookup(unsigned id)
{
    for (size_t i = 0; i < EVENT_COUNT; i++)
        if (events[i].id == id)
            return &events[i];
    return NULL;
}

/* Bounded length of a fixed-size char array that a caller might not have terminated. */
static size_t arr_len(const char *s, size_t cap)
{
    const char *nul = memchr(s, '\0', cap);
    return nul ? (size_t)(nul - s) : cap;
}

static uint32_t effective_win32(const dw_io_error *e)
{
    return e->win32 ? e->win32 : (e->sys_errno ? dw_win32_from_errno(e->sys_errno) : 0);
}

/* "quota N bytes, used U" in a DropDirectoryQuota refusal's detail (how the guarded writer reports one).
 * Returns 1 and the numbers found (used stays UINT64_MAX when absent), 0 when there is no quota figure. */
static int quota_detail(const char *detail, size_t len, uint64_t *quota, uint64_t *used)
{
    static const char key[] = "quota ", ukey[] = "used ";
    *quota = 0;
    *used = UINT64_MAX;
    const char *p = NULL;
    for (size_t i = 0; i + sizeof key - 1 < len; i++) {
        if (memcmp(detail + i, key, sizeof key - 1) == 0 && detail[i + sizeof key - 1] >= '0' &&
            detail[i + sizeof key - 1] <= '9') {
            p = detail + i + sizeof key - 1;
            break;
        }
    }
    if (!p)
        return 0;
    const char *end = detail + len;
    uint64_t v = 0;
    for (; p < end && *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *quota = v;
    for (; p + sizeof ukey - 1 < end; p++) {
        if (memcmp(p, ukey, sizeof ukey - 1) == 0 && p[sizeof ukey - 1] >= '0' && p[sizeof ukey - 1] <= '9') {
            uint64_t u = 0;
            for (p += sizeof ukey - 1; p < end && *p >= '0' && *p <= '9'; p++) {
                if (u > (UINT64_MAX - 9) / 10)
                    return 1;
                u = u * 10 + (uint64_t)(*p - '0');
            }
            *used = u;
            break;
        }
    }
    return 1;
}

/* Whether Exchange itself would refuse: its test is "the files add up to the quota or more". A refusal by
 * the stricter never-exceed mode with room left is not one Exchange would log (it would write). */
static int exchange_quota_exceeded(const dw_io_error *e)
{
    uint64_t quota, used;
    size_t dlen = arr_len(e->detail, sizeof e->detail);
    if (!quota_detail(e->detail, dlen, &quota, &used) || used == UINT64_MAX)
        return 1; /* no figures to tell: a caller-made quota failure is taken at its word */
    return used >= quota;
}

/* The event Exchange would log, following its own order and the .NET exception types it catches:
 * DropDirectory empty or the directory missing/invisible (DirectoryInfo.Exists false) 8008; quota 8005;
 * then the write's exception: PathTooLongException 8007, UnauthorizedAccessException 8009, any other
 * IOException 8004. */
static unsigned auto_event(const dw_io_error *e)
{
    int en = e->sys_errno;
    uint32_t w = effective_win32(e);
    /* A refused temp_dir is not the drop directory: Exchange would fail creating its file (8004, 8009). */
    int temp_dir = e->op == DW_OP_OPEN_DIR &&
                   strncmp(e->detail, DWI_TEMP_DIR_DETAIL, sizeof DWI_TEMP_DIR_DETAIL - 1) == 0;
    int dir_check = (e->op == DW_OP_OPEN_DIR && !temp_dir) || e->op == DW_OP_STAT || e->op == DW_OP_VALIDATE;
    /* .NET's DirectoryInfo.Exists is false for a missing path, for a file, and for a directory the
     * service account cannot see; an empty DropDirectory is checked before that (both 8008). */
    if (dir_check && (en == ENOENT || en == ENOTDIR ||
                      (en == 0 && (w == W32_PATH_NOT_FOUND || w == W32_FILE_NOT_FOUND || w == W32_DIRECTORY))))
        return 8008;
    /* Not even its attributes can be read (stat denied: a parent the account may not traverse): that
     * is the "invisible" directory for which DirectoryInfo.Exists is false. A directory that exists but
     * may not be opened or written is an UnauthorizedAccessException on the write (8009, below). */
    if (e->op == DW_OP_STAT && (en == EACCES || (en == 0 && w == W32_ACCESS_DENIED)))
        return 8008;
    if (e->op == DW_OP_QUOTA && e->io_class == DW_CLASS_CAPACITY && exchange_quota_exceeded(e))
        return 8005;
    if (en == ENAMETOOLONG || w == W32_FILENAME_EXCED_RANGE)
        return 8007;
    if (en == EACCES || en == EPERM || w == W32_ACCESS_DENIED || w == W32_NETWORK_ACCESS_DENIED ||
        w == W32_PRIVILEGE_NOT_HELD || (en == 0 && w == 0 && e->io_class == DW_CLASS_ACCESS))
        return 8009;
    return 8004;
}

/* The .NET exception type Exchange would have caught for this failure (a named field of its own). */
static const char *exception_type(const dw_io_error *e, uint32_t w)
{
    int en = e->sys_errno;
    if (en == ENAMETOOLONG || w == W32_FILENAME_EXCED_RANGE)
        return "PathTooLongException";
    if (en == EACCES || en == EPERM || w == W32_ACCESS_DENIED || w == W32_NETWORK_ACCESS_DENIED ||
        w == W32_PRIVILEGE_NOT_HELD)
        return "UnauthorizedAccessException";
    if (en == ENOENT || w == W32_PATH_NOT_FOUND || w == W32_FILE_NOT_FOUND) {
        int dir = e->op == DW_OP_OPEN_DIR || e->op == DW_OP_STAT || e->op == DW_OP_SCAN || e->op == DW_OP_MKDIR;
        return dir ? "DirectoryNotFoundException" : "FileNotFoundException";
    }
    return "IOException";
}

/* 8005's %2: the quota as ByteQuantifiedSize prints it ("10 MB (10,485,760 bytes)"), from the detail. */
static void quota_param(const char *detail, size_t len, char *out, size_t size)
{
    uint64_t quota, used;
    if (!quota_detail(detail, len, &quota, &used) || quota == 0 ||
        dw_quota_format(quota, out, size, NULL) != DW_OK) {
        dwi_out o;
        dwi_out_init(&o, out, size);
        dwi_out_str(&o, "unknown");
        dwi_out_finish(&o, NULL);
    }
}

static int64_t now_ms(void)
{
    int64_t sec, nsec;
    if (dwi_default_ops.now(NULL, &sec, &nsec) == 0 && sec >= 0)
        return sec * 1000 + nsec / 1000000;
    return 0; /* a clock that fails or predates 1970: the epoch, still a valid record */
}

static void format_time(int64_t ms, char *out, size_t size)
{
    if (ms < 0)
        ms = now_ms();
    if (ms > MAX_TIME_MS)
        ms = MAX_TIME_MS;
    int milli = (int)(ms % 1000);
    unsigned f[6];
    dwi_utc_fields(ms / 1000, f); /* no libc time zone state, no gmtime_r (absent on Windows) */
    /* Fixed width: 24 characters for every year 0000-9999. */
    dwi_out o;
    dwi_out_init(&o, out, size);
    const unsigned *vals = f;
    static const char seps[] = "--T::.";
    for (int i = 0; i < 6; i++) {
        unsigned v = vals[i];
        if (i == 0) {
            dwi_out_char(&o, (char)('0' + v / 1000 % 10));
            dwi_out_char(&o, (char)('0' + v / 100 % 10));
        }
        dwi_out_char(&o, (char)('0' + v / 10 % 10));
        dwi_out_char(&o, (char)('0' + v % 10));
        dwi_out_char(&o, seps[i]);
    }
    dwi_out_char(&o, (char)('0' + milli / 100));
    dwi_out_char(&o, (char)('0' + milli / 10 % 10));
    dwi_out_char(&o, (char)('0' + milli % 10));
    dwi_out_char(&o, 'Z');
    dwi_out_finish(&o, NULL);
}

/* Copy a constant paragraph into buf with CMDLET_MARK replaced by the pack's cmdlet. */
static const char *with_cmdlet(const char *text, const char *cmdlet, char *buf, size_t size)
{
    if (!text || !strstr(text, CMDLET_MARK))
        return text;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    const char *p = text, *m;
    while ((m = strstr(p, CMDLET_MARK)) != NULL) {
        dwi_out_bytes(&o, p, (size_t)(m - p));
        dwi_out_str(&o, cmdlet);
        p = m + sizeof CMDLET_MARK - 1;
    }
    dwi_out_str(&o, p);
    (void)dwi_out_finish(&o, NULL); /* the buffers are sized for the longest paragraph */
    return buf;
}

/* 8004's %3 when the caller gave none: the exception's Message alone, as .NET builds it from the native
 * code -- the Win32 system text (dw_win32_message(); on POSIX for the Win32 code closest to the errno),
 * else the errno's own text, else .NET's default IOException message. The type, codes, operation and path
 * are named fields of their own. */
static const char *derive_exception(const record *r)
{
    const char *m = r->win32 ? dw_win32_message(r->win32) : NULL;
    if (m)
        return m;
    if (r->errnum && r->errtext[0])
        return r->errtext;
    return "I/O error occurred.";
}

/* The outcome of a failed guarded write, in words: whether the message is in the drop directory (and
 * under which name) and what an undo that failed left where. Empty for other failures. */
static void derive_outcome(record *r)
{
    const dw_io_error *e = &r->a->error;
    r->outcome_txt[0] = '\0';
    if (e->outcome != DW_OUTCOME_NOT_PUBLISHED && e->outcome != DW_OUTCOME_UNCERTAIN)
        return;
    const char *dir = r->a->drop_path ? r->a->drop_path : "the drop directory";
    size_t dlen = strlen(dir) < DW_IO_PATH_MAX ? strlen(dir) : DW_IO_PATH_MAX;
    dwi_out o;
    dwi_out_init(&o, r->outcome_txt, sizeof r->outcome_txt);
    size_t plen = arr_len(e->published, sizeof e->published);
    if (e->outcome == DW_OUTCOME_UNCERTAIN) {
        dwi_out_str(&o, "uncertain: the message is published as ");
        dwi_out_bytes(&o, dir, dlen);
        dwi_out_char(&o, '/');
        dwi_out_bytes(&o, e->published, plen);
        dwi_out_str(&o, " but its durability is unknown; do not deliver it again (duplicate), check that the "
                        "file is still there");
    } else {
        dwi_out_str(&o, "not published: nothing is under a final name; delivering the message again is safe");
    }
    size_t llen = arr_len(e->left_behind, sizeof e->left_behind);
    if (llen) {
        char left[sizeof e->left_behind];
        memcpy(left, e->left_behind, llen < sizeof left ? llen : sizeof left - 1);
        left[llen < sizeof left ? llen : sizeof left - 1] = '\0';
        /* A temporary file is in dw_drop_options.temp_dir when one is set, which the record does not know. */
        int temp = dwi_is_temp_name(left);
        dwi_out_str(&o, "; removing ");
        if (!temp) {
            dwi_out_bytes(&o, dir, dlen);
            dwi_out_char(&o, '/');
        }
        dwi_out_bytes(&o, e->left_behind, llen);
        if (temp) {
            dwi_out_str(&o, " (in the temp_dir, else in ");
            dwi_out_bytes(&o, dir, dlen);
            dwi_out_char(&o, ')');
        }
        dwi_out_str(&o, " failed (");
        const char *en = dw_errno_name(e->left_errno);
        if (en)
            dwi_out_str(&o, en);
        else
            dwi_out_u64(&o, (unsigned long long)(unsigned)e->left_errno);
        dwi_out_str(&o, "), so it is still there");
        if (llen == plen && memcmp(e->left_behind, e->published, plen) == 0)
            dwi_out_str(&o, " (the undo of the publication failed)");
        else
            dwi_out_str(&o, " (a temporary file: dropwatch sweep / dw_drop_sweep() removes it)");
    }
    (void)dwi_out_finish(&o, NULL); /* bounded parts: OUTCOME_BUF holds them all */
}

static void record_build(record *r, const dw_alert *a)
{
    const dw_io_error *e = &a->error;
    r->a = a;
    r->ev = event_lookup(dw_alert_event_id(a));
    unsigned ver = (unsigned)a->exchange_version <= DW_EXCHANGE_2013 ? (unsigned)a->exchange_version : 0;
    r->pack = &packs[ver];
    r->rule = &r->pack->rules[r->ev - events];
    r->rule_name = r->rule->rule_name ? r->rule->rule_name : "";
    field_set(&r->connector, a->connector, SIZE_MAX);
    field_set(&r->drop_path, a->drop_path, SIZE_MAX);
    field_set(&r->root, a->root, SIZE_MAX);
    field_set(&r->drop_dir, a->drop_dir, SIZE_MAX);
    field_set(&r->computer, a->computer ? a->computer : "localhost", SIZE_MAX);
    field_set(&r->app, a->app_name ? a->app_name : "dropwatch", SIZE_MAX);
    field_set(&r->path, e->path, sizeof e->path);
    field_set(&r->detail, e->detail, sizeof e->detail);
    derive_outcome(r);
    field_set(&r->outcome, r->outcome_txt, sizeof r->outcome_txt);

    r->errnum = e->sys_errno;
    r->win32 = effective_win32(e);
    r->exc_type = exception_type(e, r->win32);
    r->class_name = nz(dw_class_name(e->io_class), "unknown");
    r->class_desc = nz(dw_class_str(e->io_class), "");
    r->op_name = nz(dw_op_name(e->op), "unknown");
    r->errno_name = r->errnum ? dw_errno_name(r->errnum) : NULL;
    r->win32_name = r->win32 ? dw_win32_name(r->win32) : NULL;
    r->errtext[0] = '\0';
    if (r->errnum)
        (void)dw_errno_str(r->errnum, r->errtext, sizeof r->errtext, NULL); /* truncation is harmless */

    const char *cmdlet = r->pack->cmdlet;
    r->explanation = with_cmdlet(r->ev->explanation, cmdlet, r->explain, sizeof r->explain);
    r->action_count = 0;
    if (r->ev->id != 8004) {
        /* The siblings' own user actions: the disk-health list of 8004 does not apply to them. */
        for (int i = 0; i < 3 && r->ev->actions[i]; i++)
            r->actions[r->action_count++] = with_cmdlet(r->ev->actions[i], cmdlet, r->actbuf[i], ACTION_BUF);
    } else {
        /* The class action first (the most specific), then the event page's three in the order the class
         * makes most likely to help. */
        static const char *const page_order[3] = {ACT_DRIVERS, ACT_CHKDSK, ACT_MOVE};
        static const char *const logical_order[3] = {ACT_CHKDSK, ACT_DRIVERS, ACT_MOVE};
        static const char *const capacity_order[3] = {ACT_MOVE, ACT_DRIVERS, ACT_CHKDSK};
        const char *const *order = e->io_class == DW_CLASS_LOGICAL    ? logical_order
                                   : e->io_class == DW_CLASS_CAPACITY ? capacity_order
                                                                      : page_order;
        r->actions[0] = nz(dw_class_action(e->io_class), "");
        r->action_count = 1;
        /* Physical and logical class actions already say what the page's first action for them says. */
        const char *covered = e->io_class == DW_CLASS_PHYSICAL  ? ACT_DRIVERS
                              : e->io_class == DW_CLASS_LOGICAL ? ACT_CHKDSK
                                                                : NULL;
        for (int i = 0; i < 3; i++)
            if (order[i] != covered)
                r->actions[r->action_count++] = order[i];
    }

    format_time(a->time_ms, r->time, sizeof r->time);
    if (a->exception_text)
        field_set(&r->exception, a->exception_text, SIZE_MAX);
    else
        field_set(&r->exception, derive_exception(r), SIZE_MAX);
    quota_param(r->detail.s, r->detail.len, r->quota, sizeof r->quota);

    r->params[0] = r->connector;
    if (r->ev->id == 8005)
        field_set(&r->params[1], r->quota, sizeof r->quota);
    else
        r->params[1] = r->drop_path;
    r->params[2] = r->exception;

    r->replaced = r->xml_bad = r->truncated = 0;
    const field *all[] = {&r->connector, &r->drop_path, &r->root, &r->drop_dir, &r->computer,
                          &r->app, &r->path, &r->detail, &r->exception, &r->outcome};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        field_scan(all[i], &r->replaced, &r->xml_bad);
        r->truncated |= all[i]->truncated;
    }
    /* Library strings (strerror text) are scanned too: a locale could in principle yield anything. */
    field f;
    field_set(&f, r->errtext, sizeof r->errtext);
    field_scan(&f, &r->replaced, &r->xml_bad);
}

/* The event's message with the insertion strings substituted. */
static void put_message(dwi_out *o, escaper esc, const record *r)
{
    const char *m = r->ev->message;
    while (*m) {
        const char *pct = strchr(m, '%');
        if (!pct) {
            put_esc(o, esc, m);
            break;
        }
        put_esc_n(o, esc, m, (size_t)(pct - m));
        int n = pct[1] - '1';
        if (n >= 0 && n < 3) {
            put_field(o, esc, &r->params[n]);
            m = pct + 2;
        } else {
            esc->cp(o, '%');
            m = pct + 1;
        }
    }
}

static const char *bool_str(int v)
{
    return v ? "true" : "false";
}

/* ---- text ---- */

/* Word-wrap one of this file's constant paragraphs (ASCII, no newlines) with an indent. */
static void put_wrapped(dwi_out *o, const char *indent, const char *s, size_t width)
{
    while (*s) {
        size_t n = strlen(s);
        size_t take = n;
        if (n > width) {
            take = width;
            while (take > 0 && s[take] != ' ')
                take--;
            if (take == 0)
                take = width;
        }
        dwi_out_str(o, indent);
        dwi_out_bytes(o, s, take);
        dwi_out_char(o, '\n');
        s += take;
        while (*s == ' ')
            s++;
    }
}

static void text_label(dwi_out *o, const char *label)
{
    size_t n = strlen(label);
    static const char pad[] = "                        "; /* the label column: 24 */
    dwi_out_bytes(o, label, n);
    dwi_out_char(o, ':');
    if (n + 1 < sizeof pad - 1)
        dwi_out_bytes(o, pad, sizeof pad - 1 - (n + 1));
}

static void text_line(dwi_out *o, const char *label, const char *value)
{
    text_label(o, label);
    put_esc(o, esc_text, value);
    dwi_out_char(o, '\n');
}

static void text_field(dwi_out *o, const char *label, const field *f)
{
    text_label(o, label);
    put_field(o, esc_text, f);
    dwi_out_char(o, '\n');
}

static void format_text(dwi_out *o, const record *r)
{
    const dw_alert *a = r->a;
    const dw_io_error *e = &a->error;
    /* Header: one line, like an Operator Console alert; every inserted value is escaped so no input can
     * start a line of its own. */
    put_esc(o, esc_text, r->rule->alert_type);
    dwi_out_str(o, " - ");
    dwi_out_str(o, r->time);
    dwi_out_str(o, " - ");
    put_field(o, esc_text, &r->computer);
    dwi_out_str(o, " - MSExchangeTransport ");
    dwi_out_u64(o, r->ev->id);
    dwi_out_str(o, ": ");
    put_esc(o, esc_text, *r->rule_name ? r->rule_name : r->ev->name);
    dwi_out_char(o, '\n');

    text_label(o, "Message");
    put_message(o, esc_text, r);
    dwi_out_char(o, '\n');
    text_line(o, "Product Name", "Exchange");
    text_line(o, "Product Version", r->pack->product_version);
    text_label(o, "Event ID");
    dwi_out_u64(o, r->ev->id);
    dwi_out_str(o, " (");
    dwi_out_str(o, r->ev->name);
    dwi_out_str(o, ")\n");
    text_line(o, "Event Source", "MSExchangeTransport");
    text_line(o, "Alert Type", r->rule->alert_type);
    text_line(o, "MOM Rule Path", r->pack->rule_path);
    text_line(o, "MOM Rule Name", *r->rule_name ? r->rule_name : "(none in this version's management pack)");
    text_line(o, "Log Name", "Application");
    text_line(o, "Level", "Error");
    text_line(o, "Task Category", "RemoteDelivery (7)");
    text_line(o, "Keywords", "Classic");
    text_line(o, "Time (UTC)", r->time);
    text_field(o, "Computer", &r->computer);
    if (a->has_record_id) {
        text_label(o, "Record ID");
        dwi_out_u64(o, a->record_id);
        dwi_out_char(o, '\n');
    }
    text_field(o, "Connector", &r->connector);
    text_field(o, "Drop Directory Path", &r->drop_path);
    text_field(o, "RootDropDirectoryPath", &r->root);
    text_field(o, "DropDirectory", &r->drop_dir);
    text_label(o, "I/O Class");
    put_esc(o, esc_text, r->class_name);
    if (*r->class_desc) {
        dwi_out_str(o, " (");
        put_esc(o, esc_text, r->class_desc);
        dwi_out_char(o, ')');
    }
    dwi_out_char(o, '\n');
    text_line(o, "Operation", r->op_name);
    text_label(o, "Errno");
    if (r->errno_name) {
        put_esc(o, esc_text, r->errno_name);
        dwi_out_str(o, " (");
        dwi_out_i64(o, r->errnum);
        dwi_out_char(o, ')');
    } else {
        dwi_out_i64(o, r->errnum);
    }
    if (r->errnum) {
        dwi_out_str(o, ": ");
        put_esc(o, esc_text, r->errtext);
    }
    dwi_out_char(o, '\n');
    text_label(o, "Win32 Code");
    if (r->win32_name) {
        put_esc(o, esc_text, r->win32_name);
        dwi_out_str(o, " (");
        dwi_out_u64(o, r->win32);
        dwi_out_char(o, ')');
    } else {
        dwi_out_u64(o, r->win32);
    }
    dwi_out_char(o, '\n');
    text_line(o, "Retryable", e->retryable ? "yes" : "no");
    text_label(o, "Attempts");
    dwi_out_u64(o, e->attempts);
    dwi_out_char(o, '\n');
    text_field(o, "Path", &r->path);
    text_field(o, "Detail", &r->detail);
    if (r->outcome.len)
        text_field(o, "Outcome", &r->outcome);
    text_line(o, "Exception Type", r->exc_type);
    text_field(o, "Exception", &r->exception);
    if (r->replaced || r->truncated) {
        text_label(o, "Notes");
        if (r->replaced)
            dwi_out_str(o, "invalid UTF-8 replaced by U+FFFD");
        if (r->replaced && r->truncated)
            dwi_out_str(o, "; ");
        if (r->truncated)
            dwi_out_str(o, "values longer than " DW_STR(DW_ALERT_FIELD_MAX) " bytes truncated (marked " TRUNC_MARK ")");
        dwi_out_char(o, '\n');
    }
    dwi_out_str(o, "\nExplanation:\n");
    put_wrapped(o, "  ", r->explanation, 100);
    dwi_out_str(o, "\nUser Action:\n");
    for (int i = 0; i < r->action_count; i++) {
        dwi_out_str(o, "  ");
        dwi_out_u64(o, (unsigned long long)i + 1);
        dwi_out_str(o, ". ");
        put_esc(o, esc_text, r->actions[i]);
        dwi_out_char(o, '\n');
    }
}

/* ---- XML ---- */

static void xml_data_open(dwi_out *o, const char *name)
{
    dwi_out_str(o, "    <Data Name=\"");
    dwi_out_str(o, name);
    dwi_out_str(o, "\">");
}

static void xml_data(dwi_out *o, const char *name, const char *value)
{
    xml_data_open(o, name);
    put_esc(o, esc_xml, value);
    dwi_out_str(o, "</Data>\n");
}

static void xml_data_field(dwi_out *o, const char *name, const field *f)
{
    xml_data_open(o, name);
    put_field(o, esc_xml, f);
    dwi_out_str(o, "</Data>\n");
}

static void xml_data_int(dwi_out *o, const char *name, long long v)
{
    xml_data_open(o, name);
    dwi_out_i64(o, v);
    dwi_out_str(o, "</Data>\n");
}

static void format_xml(dwi_out *o, const record *r)
{
    const dw_alert *a = r->a;
    const dw_io_error *e = &a->error;
    dwi_out_str(o, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n"
                   "  <System>\n"
                   "    <Provider Name=\"MSExchangeTransport\" />\n"
                   "    <EventID Qualifiers=\"49156\">");
    dwi_out_u64(o, r->ev->id);
    dwi_out_str(o, "</EventID>\n"
                   "    <Level>2</Level>\n"
                   "    <Task>7</Task>\n"
                   "    <Keywords>0x80000000000000</Keywords>\n"
                   "    <TimeCreated SystemTime=\"");
    dwi_out_str(o, r->time);
    dwi_out_str(o, "\" />\n");
    if (a->has_record_id) {
        dwi_out_str(o, "    <EventRecordID>");
        dwi_out_u64(o, a->record_id);
        dwi_out_str(o, "</EventRecordID>\n");
    }
    dwi_out_str(o, "    <Channel>Application</Channel>\n    <Computer>");
    put_field(o, esc_xml, &r->computer);
    dwi_out_str(o, "</Computer>\n    <Security />\n  </System>\n  <EventData>\n");
    /* Exchange's insertion strings first, unnamed and in %1.. order, as Exchange logs them. */
    for (int i = 0; i < r->ev->nparams; i++) {
        dwi_out_str(o, "    <Data>");
        put_field(o, esc_xml, &r->params[i]);
        dwi_out_str(o, "</Data>\n");
    }
    xml_data(o, "EventName", r->ev->name);
    xml_data(o, "Product", "Exchange");
    xml_data(o, "ProductVersion", r->pack->product_version);
    xml_data(o, "AlertType", r->rule->alert_type);
    xml_data(o, "RulePath", r->pack->rule_path);
    xml_data(o, "RuleName", r->rule_name);
    xml_data_field(o, "Connector", &r->connector);
    xml_data_field(o, "DropPath", &r->drop_path);
    xml_data_field(o, "RootDropDirectoryPath", &r->root);
    xml_data_field(o, "DropDirectory", &r->drop_dir);
    xml_data(o, "Class", r->class_name);
    xml_data(o, "Operation", r->op_name);
    xml_data_int(o, "Errno", r->errnum);
    xml_data(o, "ErrnoName", r->errno_name ? r->errno_name : "");
    xml_data(o, "ErrnoText", r->errtext);
    xml_data_int(o, "Win32Code", r->win32);
    xml_data(o, "Win32Name", r->win32_name ? r->win32_name : "");
    xml_data(o, "Retryable", bool_str(e->retryable));
    xml_data_int(o, "Attempts", e->attempts);
    xml_data_field(o, "Path", &r->path);
    xml_data_field(o, "Detail", &r->detail);
    if (r->outcome.len) {
        xml_data(o, "Outcome", dw_outcome_name(e->outcome));
        xml_data_field(o, "OutcomeDetail", &r->outcome);
    }
    xml_data(o, "ExceptionType", r->exc_type);
    xml_data_field(o, "Exception", &r->exception);
    static const char *const action_names[ACTION_COUNT] = {"Action1", "Action2", "Action3", "Action4"};
    for (int i = 0; i < r->action_count; i++)
        xml_data(o, action_names[i], r->actions[i]);
    xml_data(o, "Replaced", bool_str(r->replaced || r->xml_bad));
    xml_data(o, "Truncated", bool_str(r->truncated));
    dwi_out_str(o, "  </EventData>\n</Event>\n");
}

/* ---- JSON ---- */

/* A constant of this file, appended as is (its length known at compile time). Only for literals whose
 * bytes need no escaping in the format at hand. */
#define LIT(o, s) dwi_out_bytes((o), "" s, sizeof(s) - 1)

/* A quoted JSON string (json_str: or null). */
static void json_str_n(dwi_out *o, const char *value, size_t len)
{
    dwi_out_char(o, '"');
    put_esc_n(o, esc_json, value, len);
    dwi_out_char(o, '"');
}

static void json_str(dwi_out *o, const char *value)
{
    if (!value) {
        LIT(o, "null");
        return;
    }
    json_str_n(o, value, strlen(value));
}

static void json_field(dwi_out *o, const field *f)
{
    if (f->null) {
        LIT(o, "null");
        return;
    }
    dwi_out_char(o, '"');
    put_field(o, esc_json, f);
    dwi_out_char(o, '"');
}

static void format_json(dwi_out *o, const record *r)
{
    const dw_alert *a = r->a;
    const dw_io_error *e = &a->error;

    /* Nested objects, as Winlogbeat emits them (ECS dotted names are paths into these objects). Keys and
     * constant values are literals here; every variable value still goes through the escaper. */
    LIT(o, "{\"@timestamp\":");
    json_str(o, r->time);
    LIT(o, ",\"event\":{\"code\":\"");
    dwi_out_u64(o, r->ev->id);
    LIT(o, "\",\"kind\":\"event\",\"action\":\"RemoteDelivery\",\"provider\":\"MSExchangeTransport\"},"
           "\"log\":{\"level\":\"error\"},\"host\":{\"name\":");
    json_field(o, &r->computer);
    LIT(o, "},\"message\":\"");
    put_message(o, esc_json, r);
    LIT(o, "\",\"winlog\":{\"channel\":\"Application\",\"event_id\":\"");
    dwi_out_u64(o, r->ev->id);
    LIT(o, "\",\"provider_name\":\"MSExchangeTransport\",\"computer_name\":");
    json_field(o, &r->computer);
    if (a->has_record_id) {
        LIT(o, ",\"record_id\":\"");
        dwi_out_u64(o, a->record_id);
        dwi_out_char(o, '"');
    }
    LIT(o, ",\"task\":\"RemoteDelivery\",\"keywords\":[\"Classic\"],\"event_data\":{");
    static const char *const pkeys[3] = {"\"param1\":\"", ",\"param2\":\"", ",\"param3\":\""};
    for (int i = 0; i < r->ev->nparams; i++) {
        dwi_out_str(o, pkeys[i]);
        put_field(o, esc_json, &r->params[i]);
        dwi_out_char(o, '"');
    }
    LIT(o, "}},\"dropwatch\":{\"event_name\":");
    json_str(o, r->ev->name);
    LIT(o, ",\"product\":\"Exchange\",\"product_version\":");
    json_str(o, r->pack->product_version);
    LIT(o, ",\"alert_type\":");
    json_str(o, r->rule->alert_type);
    LIT(o, ",\"rule\":{\"path\":");
    json_str(o, r->pack->rule_path);
    LIT(o, ",\"name\":");
    json_str(o, *r->rule_name ? r->rule_name : NULL);
    LIT(o, "},\"connector\":");
    json_field(o, &r->connector);
    LIT(o, ",\"drop_path\":");
    json_field(o, &r->drop_path);
    LIT(o, ",\"root\":");
    json_field(o, &r->root);
    LIT(o, ",\"drop_directory\":");
    json_field(o, &r->drop_dir);
    LIT(o, ",\"class\":");
    json_str(o, r->class_name);
    LIT(o, ",\"operation\":");
    json_str(o, r->op_name);
    LIT(o, ",\"errno\":");
    dwi_out_i64(o, r->errnum);
    LIT(o, ",\"errno_name\":");
    json_str(o, r->errno_name);
    LIT(o, ",\"errno_text\":");
    json_str(o, r->errnum ? r->errtext : NULL);
    LIT(o, ",\"win32\":");
    dwi_out_i64(o, r->win32);
    LIT(o, ",\"win32_name\":");
    json_str(o, r->win32_name);
    LIT(o, ",\"retryable\":");
    dwi_out_str(o, bool_str(e->retryable));
    LIT(o, ",\"attempts\":");
    dwi_out_i64(o, e->attempts);
    LIT(o, ",\"path\":");
    json_field(o, &r->path);
    LIT(o, ",\"detail\":");
    json_field(o, &r->detail);
    if (r->outcome.len) {
        LIT(o, ",\"outcome\":");
        json_str(o, dw_outcome_name(e->outcome));
        LIT(o, ",\"outcome_detail\":");
        json_field(o, &r->outcome);
    }
    LIT(o, ",\"exception_type\":");
    json_str(o, r->exc_type);
    LIT(o, ",\"exception\":");
    json_field(o, &r->exception);
    LIT(o, ",\"actions\":[");
    for (int i = 0; i < r->action_count; i++) {
        if (i)
            dwi_out_char(o, ',');
        json_str(o, r->actions[i]);
    }
    LIT(o, "],\"replaced\":");
    dwi_out_str(o, bool_str(r->replaced));
    LIT(o, ",\"truncated\":");
    dwi_out_str(o, bool_str(r->truncated));
    LIT(o, "}}\n");
}

/* ---- syslog (RFC 5424) ---- */

/* HOSTNAME / APP-NAME: 1*N PRINTUSASCII (33-126). Anything else becomes '_' (one per code point or
 * invalid byte); empty becomes the NILVALUE "-". */
static void put_printusascii(dwi_out *o, const field *f, size_t max)
{
    size_t i = 0, n = 0;
    while (i < f->len && n < max) {
        uint32_t cp; /* an invalid byte arrives as U+FFFD and becomes '_' like any non-PRINTUSASCII */
        dwi_utf8_next(f->s, f->len, &i, &cp);
        dwi_out_char(o, cp >= 33 && cp <= 126 ? (char)cp : '_');
        n++;
    }
    if (n == 0)
        dwi_out_char(o, '-');
}

static void sd_param(dwi_out *o, const char *name, const char *value)
{
    dwi_out_char(o, ' ');
    dwi_out_str(o, name);
    dwi_out_str(o, "=\"");
    put_esc(o, esc_sd, value);
    dwi_out_char(o, '"');
}

static void sd_field(dwi_out *o, const char *name, const field *f)
{
    dwi_out_char(o, ' ');
    dwi_out_str(o, name);
    dwi_out_str(o, "=\"");
    put_field(o, esc_sd, f);
    dwi_out_char(o, '"');
}

static void sd_int(dwi_out *o, const char *name, long long v)
{
    dwi_out_char(o, ' ');
    dwi_out_str(o, name);
    dwi_out_str(o, "=\"");
    dwi_out_i64(o, v);
    dwi_out_char(o, '"');
}

static int msg_has_non_ascii(const record *r)
{
    const char *m = r->ev->message;
    for (; *m; m++)
        if ((unsigned char)*m >= 0x80)
            return 1;
    for (int i = 0; i < r->ev->nparams; i++)
        for (size_t k = 0; k < r->params[i].len; k++)
            if ((unsigned char)r->params[i].s[k] >= 0x80)
                return 1;
    return 0;
}

static void format_syslog(dwi_out *o, const record *r)
{
    const dw_alert *a = r->a;
    const dw_io_error *e = &a->error;
    dwi_out_char(o, '<');
    dwi_out_u64(o, (unsigned long long)(a->syslog_facility * 8 + r->rule->syslog_severity));
    dwi_out_str(o, ">1 ");
    dwi_out_str(o, r->time);
    dwi_out_char(o, ' ');
    put_printusascii(o, &r->computer, 255);
    dwi_out_char(o, ' ');
    put_printusascii(o, &r->app, 48);
    /* PROCID nil: the record describes an event, not this process; MSGID: Exchange's symbolic name. */
    dwi_out_str(o, " - ");
    dwi_out_str(o, r->ev->name);
    /* 32473 is the example Private Enterprise Number of RFC 5612. */
    dwi_out_str(o, " [dropwatch@32473");
    sd_int(o, "eventID", r->ev->id);
    sd_param(o, "alertType", r->rule->alert_type);
    sd_param(o, "product", "Exchange");
    sd_param(o, "productVersion", r->pack->product_version);
    sd_param(o, "source", "MSExchangeTransport");
    sd_param(o, "rulePath", r->pack->rule_path);
    sd_param(o, "ruleName", r->rule_name);
    if (a->has_record_id) {
        dwi_out_str(o, " recordID=\"");
        dwi_out_u64(o, a->record_id);
        dwi_out_char(o, '"');
    }
    sd_field(o, "computer", &r->computer); /* HOSTNAME is sanitised; this is the value as given */
    sd_field(o, "connector", &r->connector);
    sd_field(o, "dropPath", &r->drop_path);
    sd_field(o, "root", &r->root);
    sd_field(o, "dropDirectory", &r->drop_dir);
    sd_param(o, "class", r->class_name);
    sd_param(o, "operation", r->op_name);
    sd_int(o, "errno", r->errnum);
    sd_param(o, "errnoName", r->errno_name ? r->errno_name : "");
    sd_param(o, "errnoText", r->errtext);
    sd_int(o, "win32", r->win32);
    sd_param(o, "win32Name", r->win32_name ? r->win32_name : "");
    sd_param(o, "retryable", bool_str(e->retryable));
    sd_int(o, "attempts", e->attempts);
    sd_field(o, "path", &r->path);
    sd_field(o, "detail", &r->detail);
    if (r->outcome.len) {
        sd_param(o, "outcome", dw_outcome_name(e->outcome));
        sd_field(o, "outcomeDetail", &r->outcome);
    }
    sd_param(o, "exceptionType", r->exc_type);
    sd_field(o, "exception", &r->exception);
    static const char *const action_names[ACTION_COUNT] = {"action1", "action2", "action3", "action4"};
    for (int i = 0; i < r->action_count; i++)
        sd_param(o, action_names[i], r->actions[i]);
    sd_param(o, "replaced", bool_str(r->replaced));
    sd_param(o, "truncated", bool_str(r->truncated));
    dwi_out_str(o, "] ");
    /* RFC 5424 6.4: a UTF-8 MSG must start with a BOM; a pure-ASCII one is sent without (it reads the same
     * either way and stays friendly to receivers that show the BOM). */
    if (msg_has_non_ascii(r))
        dwi_out_str(o, "\xEF\xBB\xBF");
    put_message(o, esc_text, r);
    dwi_out_char(o, '\n');
}

/* ---- public API ---- */

void dw_alert_init(dw_alert *alert)
{
    if (!alert)
        return;
    memset(alert, 0, sizeof *alert);
    alert->version = DW_ALERT_VERSION;
    alert->time_ms = -1;
    alert->event_mode = DW_EVENT_AUTO;
    alert->exchange_version = DW_EXCHANGE_2007;
    alert->syslog_facility = DW_SYSLOG_FACILITY_DEFAULT;
}

unsigned dw_alert_event_id(const dw_alert *alert)
{
    if (!alert || !dwi_version_ok(alert->version, DW_ALERT_VERSION))
        return 0;
    return alert->event_mode == DW_EVENT_AUTO ? auto_event(&alert->error) : 8004;
}

const char *dw_event_name(unsigned event_id)
{
    const event_info *ev = event_lookup(event_id);
    return ev ? ev->name : NULL;
}

static const char *const format_names[DW_FORMAT_COUNT] = {"text", "xml", "json", "syslog"};

const char *dw_format_name(dw_format format)
{
    if ((unsigned)format >= DW_FORMAT_COUNT)
        return NULL;
    return format_names[format];
}

dw_status dw_format_from_name(const char *name, dw_format *out)
{
    if (!name || !out)
        return DW_E_INVAL;
    for (unsigned f = 0; f < DW_FORMAT_COUNT; f++) {
        const char *a = name, *b = format_names[f];
        while (*a && *b) {
            char c = *a;
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != *b)
                break;
            a++, b++;
        }
        if (!*a && !*b) {
            *out = (dw_format)f;
            return DW_OK;
        }
    }
    return DW_E_PARSE;
}

static dw_status check_alert(const dw_alert *alert, dw_format format)
{
    if (!alert || (unsigned)format >= DW_FORMAT_COUNT || !dwi_version_ok(alert->version, DW_ALERT_VERSION))
        return DW_E_INVAL;
    if (alert->syslog_facility < 0 || alert->syslog_facility > DW_SYSLOG_FACILITY_MAX)
        return DW_E_INVAL;
    if (alert->event_mode != DW_EVENT_8004 && alert->event_mode != DW_EVENT_AUTO)
        return DW_E_INVAL;
    if ((unsigned)alert->exchange_version > DW_EXCHANGE_2013)
        return DW_E_INVAL;
    return DW_OK;
}

static dw_status format_into(const dw_alert *alert, dw_format format, char *buf, size_t size, size_t *needed)
{
    /* About 6 KiB on the stack: the caller-buffer path never allocates. */
    record r;
    record_build(&r, alert);
    dwi_out o;
    dwi_out_init(&o, buf, size);
    switch (format) {
    case DW_FORMAT_TEXT: format_text(&o, &r); break;
    case DW_FORMAT_XML: format_xml(&o, &r); break;
    case DW_FORMAT_JSON: format_json(&o, &r); break;
    case DW_FORMAT_SYSLOG: format_syslog(&o, &r); break;
    }
    return dwi_out_finish(&o, needed);
}

dw_status dw_alert_format(const dw_alert *alert, dw_format format, char *buf, size_t size, size_t *needed)
{
    dw_status st = check_alert(alert, format);
    if (st != DW_OK)
        return st;
    if (!buf && size)
        return DW_E_INVAL;
    return format_into(alert, format, buf, size, needed);
}

dw_status dw_alert_format_alloc(const dw_alert *alert, dw_format format, char **out, size_t *len)
{
    if (out)
        *out = NULL;
    if (len)
        *len = 0;
    if (!out)
        return DW_E_INVAL;
    dw_status st = check_alert(alert, format);
    if (st != DW_OK)
        return st;
    /* Resolve "now" once so that both passes format the same instant. */
    dw_alert fixed = *alert;
    if (fixed.time_ms < 0)
        fixed.time_ms = now_ms();
    size_t need = 0;
    st = format_into(&fixed, format, NULL, 0, &need);
    if (st != DW_E_BUFFER && st != DW_OK)
        return st;
    char *buf = malloc(need);
    if (!buf)
        return DW_E_NOMEM;
    st = format_into(&fixed, format, buf, need, NULL);
    if (st != DW_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    if (len)
        *len = need - 1;
    return DW_OK;
}

/* ---- the Windows Event Log form (lib/eventlog.c) ---- */

static void ev_str(dwi_out *o, const char *name, const char *s, size_t len)
{
    if (name) {
        dwi_out_str(o, name);
        dwi_out_str(o, ": ");
    }
    dwi_out_bytes(o, s, len);
    dwi_out_bytes(o, "", 1); /* the NUL between strings */
}

static size_t ev_strings(dwi_out *o, const record *r)
{
    const dw_io_error *e = &r->a->error;
    size_t n = 0;
    char num[3][24];
    dwi_out t;
    /* Exchange's insertion strings first, unnamed and in %1.. order; then libdropwatch's own fields. */
    for (int i = 0; i < r->ev->nparams; i++, n++)
        ev_str(o, NULL, r->params[i].s, r->params[i].len);
    const struct {
        const char *name;
        const char *s;
        size_t len;
    } extra[] = {
        {"Class", r->class_name, strlen(r->class_name)},
        {"Operation", r->op_name, strlen(r->op_name)},
        {"Errno", num[0], 0},
        {"Win32Code", num[1], 0},
        {"Retryable", bool_str(e->retryable), strlen(bool_str(e->retryable))},
        {"Attempts", num[2], 0},
        {"Path", r->path.s, r->path.len},
        {"Detail", r->detail.s, r->detail.len},
        {"Action", r->actions[0], strlen(r->actions[0])},
    };
    long long vals[3] = {r->errnum, (long long)r->win32, (long long)e->attempts};
    for (int i = 0; i < 3; i++) {
        dwi_out_init(&t, num[i], sizeof num[i]);
        if (vals[i] < 0)
            dwi_out_char(&t, '-');
        dwi_out_u64(&t, (unsigned long long)(vals[i] < 0 ? -vals[i] : vals[i]));
        (void)dwi_out_finish(&t, NULL);
    }
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++, n++)
        ev_str(o, extra[i].name, extra[i].s, extra[i].len ? extra[i].len : strlen(extra[i].s));
    return n;
}

dw_status dwi_alert_event_strings(const dw_alert *alert, dwi_event_strings *out)
{
    memset(out, 0, sizeof *out);
    dw_status st = check_alert(alert, DW_FORMAT_TEXT);
    if (st != DW_OK)
        return st;
    record *r = malloc(sizeof *r);
    if (!r)
        return DW_E_NOMEM;
    record_build(r, alert);
    dwi_out o;
    dwi_out_init(&o, NULL, 0);
    (void)ev_strings(&o, r);
    char *block = malloc(o.len + 1);
    if (!block) {
        free(r);
        return DW_E_NOMEM;
    }
    dwi_out_init(&o, block, o.len + 1);
    size_t n = ev_strings(&o, r);
    out->id = r->ev->id;
    /* The event's own level: Exchange logs all five at level Error (qualifiers 0xC004); "Warning" is only
     * the monitoring pack's alert severity for some of them. */
    out->is_error = 1;
    out->block = block;
    const char *p = block;
    for (size_t i = 0; i < n && i < DWI_EVENT_STRINGS_MAX; i++) {
        out->s[i] = p;
        p += strlen(p) + 1;
    }
    out->count = n < DWI_EVENT_STRINGS_MAX ? n : DWI_EVENT_STRINGS_MAX;
    free(r);
    return DW_OK;
}
