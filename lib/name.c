/* SPDX-License-Identifier: MIT */
/*
 * DropDirectory validation: one Windows path component, checked against every naming rule.
 *
 * The checks run in three stages so the reason names what the administrator actually typed:
 *   1. absolute-path prefixes, recognised on the first bytes (device "\\?\", UNC "\\srv", rooted "\x",
 *      drive "C:"), because "C:\x" is a drive path, not merely "a name with a colon";
 *   2. one scan over the code points, reporting the first bad character by position (invalid UTF-8, NUL,
 *      control characters, separators, stream colons, forbidden characters, separator look-alikes);
 *   3. whole-name rules: blank, too long, dot names, reserved device names, trailing dot/space.
 * Nothing is allocated; everything works on the caller's bytes.
 */
#include <string.h>

#include "dropwatch/name.h"
#include "utf8.h"

static const struct {
    const char *name;
    const char *text;
} reason_table[DW_REASON_COUNT] = {
    [DW_REASON_OK] = {"DW_REASON_OK", "valid"},
    [DW_REASON_EMPTY] = {"DW_REASON_EMPTY", "the value is empty"},
    [DW_REASON_BLANK] = {"DW_REASON_BLANK", "the value contains only spaces"},
    [DW_REASON_SEPARATOR] = {"DW_REASON_SEPARATOR",
                             "contains a path separator ('\\' or '/'): a DropDirectory must be a simple directory name"},
    [DW_REASON_DRIVE] = {"DW_REASON_DRIVE",
                         "starts with a drive letter (\"C:\" or drive-relative \"C:foo\"): absolute path information is not allowed"},
    [DW_REASON_UNC] = {"DW_REASON_UNC", "starts with a UNC prefix (\"\\\\server\\share\"): absolute path information is not allowed"},
    [DW_REASON_DEVICE_PREFIX] = {"DW_REASON_DEVICE_PREFIX",
                                 "starts with a Win32 device or namespace prefix (\"\\\\?\\\", \"\\\\.\\\" or \"\\??\\\")"},
    [DW_REASON_ROOTED] = {"DW_REASON_ROOTED", "starts with a path separator: a rooted path, not a simple directory name"},
    [DW_REASON_DOT_NAME] = {"DW_REASON_DOT_NAME",
                            "is \".\" or \"..\" (or only dots and spaces, which Windows reduces to a dot name)"},
    [DW_REASON_FORBIDDEN_CHAR] = {"DW_REASON_FORBIDDEN_CHAR", "contains a character Windows forbids in names (< > : \" | ? *)"},
    [DW_REASON_STREAM] = {"DW_REASON_STREAM", "contains ':' (\"name:stream\" addresses an NTFS alternate data stream)"},
    [DW_REASON_CONTROL_CHAR] = {"DW_REASON_CONTROL_CHAR", "contains a control character (U+0001 to U+001F)"},
    [DW_REASON_EMBEDDED_NUL] = {"DW_REASON_EMBEDDED_NUL", "contains a NUL character"},
    [DW_REASON_TRAILING_DOT] = {"DW_REASON_TRAILING_DOT", "ends with a dot, which Windows silently strips"},
    [DW_REASON_TRAILING_SPACE] = {"DW_REASON_TRAILING_SPACE", "ends with a space, which Windows silently strips"},
    [DW_REASON_RESERVED_NAME] = {"DW_REASON_RESERVED_NAME",
                                 "is a reserved device name (CON, PRN, AUX, NUL, COM0-9, LPT0-9, COM/LPT with superscript digits, CONIN$, CONOUT$), with or without an extension"},
    [DW_REASON_TOO_LONG] = {"DW_REASON_TOO_LONG", "is longer than 255 UTF-16 code units"},
    [DW_REASON_INVALID_UTF8] = {"DW_REASON_INVALID_UTF8", "is not valid UTF-8 (overlong form, surrogate, truncated sequence or beyond U+10FFFF)"},
    [DW_REASON_LOOKALIKE] = {"DW_REASON_LOOKALIKE",
                             "contains a look-alike of a path separator that best-fit conversion to an ANSI code page turns into a real '\\' or '/'"},
    [DW_REASON_PATH_TOO_LONG] = {"DW_REASON_PATH_TOO_LONG",
                                 "root plus name exceed the Windows MAX_PATH limit (260 with the NUL) or leave no room for a message file name"},
    [DW_REASON_ROOT_RELATIVE] = {"DW_REASON_ROOT_RELATIVE", "RootDropDirectoryPath is a relative path; it must be absolute"},
    [DW_REASON_ROOT_DRIVE_RELATIVE] = {"DW_REASON_ROOT_DRIVE_RELATIVE",
                                       "RootDropDirectoryPath is drive-relative (\"C:foo\"): it depends on the current directory of the drive"},
    [DW_REASON_ROOT_ROOTED_RELATIVE] = {"DW_REASON_ROOT_ROOTED_RELATIVE",
                                        "RootDropDirectoryPath is rooted but has no drive (\"\\foo\"): it depends on the current drive"},
    [DW_REASON_ROOT_DOT_COMPONENT] = {"DW_REASON_ROOT_DOT_COMPONENT",
                                      "RootDropDirectoryPath contains a \".\" or \"..\" component (never resolved silently)"},
    [DW_REASON_ROOT_INVALID] = {"DW_REASON_ROOT_INVALID",
                                "RootDropDirectoryPath contains an invalid character, invalid UTF-8, an invalid component, or a malformed UNC/device form"},
    [DW_REASON_ROOT_TOO_LONG] = {"DW_REASON_ROOT_TOO_LONG", "RootDropDirectoryPath alone exceeds the Windows path length limit"},
};

const char *dw_reason_str(dw_reason reason)
{
    if ((unsigned)reason >= DW_REASON_COUNT)
        return "unknown reason";
    return reason_table[reason].text;
}

const char *dw_reason_name(dw_reason reason)
{
    if ((unsigned)reason >= DW_REASON_COUNT)
        return "DW_REASON_UNKNOWN";
    return reason_table[reason].name;
}

static int is_sep(unsigned char c)
{
    return c == '\\' || c == '/';
}

static int is_ascii_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static unsigned char ascii_upper(unsigned char c)
{
    return (c >= 'a' && c <= 'z') ? (unsigned char)(c - 'a' + 'A') : c;
}

/*
 * Separator look-alikes. Each is an ordinary character on NTFS, but Windows' "best-fit" conversion to an
 * ANSI code page (the "WorstFit" class of bugs) or the code page itself maps it onto 0x5C or 0x2F, so a
 * program that reaches the directory through ANSI APIs would see a real separator. U+00A5 (yen) and
 * U+20A9 (won) are included because code pages 932 and 949 put them on 0x5C, the byte Windows treats as
 * the path separator.
 */
static int is_lookalike(uint32_t cp)
{
    switch (cp) {
    case 0x00A5: /* YEN SIGN (0x5C in code page 932) */
    case 0x20A9: /* WON SIGN (0x5C in code page 949) */
    case 0x2044: /* FRACTION SLASH */
    case 0x2215: /* DIVISION SLASH */
    case 0x29F5: /* REVERSE SOLIDUS OPERATOR */
    case 0xFE68: /* SMALL REVERSE SOLIDUS */
    case 0xFF0F: /* FULLWIDTH SOLIDUS */
    case 0xFF3C: /* FULLWIDTH REVERSE SOLIDUS */
        return 1;
    default:
        return 0;
    }
}

/*
 * Per-byte class for the scan's fast path: 0 for an ASCII character with no rule of its own (the common
 * case, skipped without decoding), else the reason it raises. ':' gets its own mark (STREAM, or FORBIDDEN
 * at offset 0) and bytes >= 0x80 a "decode me" mark; both are out of dw_reason's range.
 */
enum { CLASS_COLON = 0xFE, CLASS_NONASCII = 0xFF };
#define NL_ DW_REASON_EMBEDDED_NUL
#define CC_ DW_REASON_CONTROL_CHAR
#define SP_ DW_REASON_SEPARATOR
#define FB_ DW_REASON_FORBIDDEN_CHAR
#define CO_ CLASS_COLON
#define NA_ CLASS_NONASCII
static const unsigned char byte_class[256] = {
    NL_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, /* 0x00 */
    CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, CC_, /* 0x10 */
    0  , 0  , FB_, 0  , 0  , 0  , 0  , 0  , 0  , 0  , FB_, 0  , 0  , 0  , 0  , SP_, /* 0x20 */
    0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , CO_, 0  , FB_, 0  , FB_, FB_, /* 0x30 */
    0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , /* 0x40 */
    0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , SP_, 0  , 0  , 0  , /* 0x50 */
    0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , /* 0x60 */
    0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , 0  , FB_, 0  , 0  , 0  , /* 0x70 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0x80 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0x90 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0xA0 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0xB0 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0xC0 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0xD0 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, /* 0xE0 */
    NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_, NA_  /* 0xF0 */
};
#undef NL_
#undef CC_
#undef SP_
#undef FB_
#undef CO_
#undef NA_

static void set_check(dw_name_check *c, dw_reason r, size_t off, uint32_t cp)
{
    c->reason = r;
    c->offset = off;
    c->codepoint = cp;
}

/* Absolute-path prefixes: reported before any character rule so "C:\x" reads as DRIVE, not SEPARATOR. */
static int check_prefix(const unsigned char *s, size_t len, dw_name_check *c)
{
    if (len >= 2 && is_sep(s[0]) && is_sep(s[1])) {
        if (len >= 4 && (s[2] == '?' || s[2] == '.') && is_sep(s[3])) {
            set_check(c, DW_REASON_DEVICE_PREFIX, 0, s[0]);
            return 1;
        }
        set_check(c, DW_REASON_UNC, 0, s[0]);
        return 1;
    }
    if (len >= 4 && is_sep(s[0]) && s[1] == '?' && s[2] == '?' && is_sep(s[3])) {
        set_check(c, DW_REASON_DEVICE_PREFIX, 0, s[0]);
        return 1;
    }
    if (len >= 1 && is_sep(s[0])) {
        set_check(c, DW_REASON_ROOTED, 0, s[0]);
        return 1;
    }
    if (len >= 2 && is_ascii_alpha(s[0]) && s[1] == ':') {
        set_check(c, DW_REASON_DRIVE, 1, ':');
        return 1;
    }
    return 0;
}

/*
 * Reserved device names: the part before the first '.', with trailing spaces removed, compared
 * case-insensitively (what Windows and CPython's ntpath.isreserved do), so "CON .txt" and "nul.tar.gz"
 * are caught. CLOCK$ is deliberately absent: it was reserved only before Windows NT.
 */
static int is_reserved_n(const unsigned char *s, size_t len)
{
    /* Every reserved name starts with C, P, A, N or L: most names are decided by their first byte. */
    if (len < 3)
        return 0;
    switch (ascii_upper(s[0])) {
    case 'C': case 'P': case 'A': case 'N': case 'L':
        break;
    default:
        return 0;
    }
    size_t base = 0;
    while (base < len && s[base] != '.' && s[base] != ':') { /* "CON:x" opens the device too */
        /* The longest reserved base is 7 bytes; a non-space past it cannot be trimmed away. */
        if (base >= 7 && s[base] != ' ')
            return 0;
        base++;
    }
    while (base > 0 && s[base - 1] == ' ')
        base--;
    if (base < 3)
        return 0;
    unsigned char u[8];
    size_t n = base < sizeof u ? base : sizeof u;
    for (size_t i = 0; i < n; i++)
        u[i] = ascii_upper(s[i]);
    if (base == 3)
        return !memcmp(u, "CON", 3) || !memcmp(u, "PRN", 3) || !memcmp(u, "AUX", 3) || !memcmp(u, "NUL", 3);
    int com_lpt = !memcmp(u, "COM", 3) || !memcmp(u, "LPT", 3);
    if (base == 4)
        return com_lpt && u[3] >= '0' && u[3] <= '9';
    /* superscript one, two, three: U+00B9, U+00B2, U+00B3 (C2 B9, C2 B2, C2 B3) */
    if (base == 5 && com_lpt && s[3] == 0xC2 && (s[4] == 0xB9 || s[4] == 0xB2 || s[4] == 0xB3))
        return 1;
    if (base == 6)
        return !memcmp(u, "CONIN$", 6);
    if (base == 7)
        return !memcmp(u, "CONOUT$", 7);
    return 0;
}

int dw_name_is_reserved(const char *name)
{
    if (!name)
        return 0;
    return is_reserved_n((const unsigned char *)name, strlen(name));
}

dw_status dw_name_validate_n(const char *name, size_t len, dw_name_check *out)
{
    dw_name_check local;
    dw_name_check *c = out ? out : &local;
    set_check(c, DW_REASON_OK, 0, 0);
    c->utf16_units = 0;
    if (!name && len)
        return DW_E_INVAL;
    if (len == 0) {
        c->reason = DW_REASON_EMPTY;
        return DW_E_NAME;
    }
    const unsigned char *s = (const unsigned char *)name;

    /*
     * Stage 2 scan also measures the UTF-16 length, which is reported whatever the verdict. Runs of
     * ordinary ASCII are skipped with one table look-up per byte; only bytes >= 0x80 are decoded. An ASCII
     * byte is one UTF-16 unit, so units = bytes consumed - extra, where extra collects (bytes - units) of
     * every decoded code point.
     */
    dw_name_check ch = {DW_REASON_OK, 0, 0, 0};
    size_t extra = 0, long_at = 0, i = 0, run = 0;
    uint32_t long_cp = 0;
    for (;;) {
        while (i < len && byte_class[s[i]] == 0)
            i++;
        /* The code unit that takes the length past the limit, if it lies in the ASCII run [run, i). */
        if (run - extra <= DW_NAME_MAX_UTF16 && i - extra > DW_NAME_MAX_UTF16) {
            long_at = extra + DW_NAME_MAX_UTF16;
            long_cp = s[long_at];
        }
        if (i >= len)
            break;
        unsigned char cls = byte_class[s[i]];
        size_t k = 1;
        uint32_t cp = s[i];
        dw_reason r = DW_REASON_OK;
        if (cls == CLASS_NONASCII) {
            /* Two-byte forms (Latin, Greek, Cyrillic, ...) inline; C2..DF + continuation is always valid. */
            if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < len && (s[i + 1] & 0xC0u) == 0x80u) {
                cp = ((uint32_t)(s[i] & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
                k = 2;
            } else {
                k = dwi_utf8_decode(s + i, len - i, &cp);
                if (k == 0) {
                    if (ch.reason == DW_REASON_OK)
                        set_check(&ch, DW_REASON_INVALID_UTF8, i, s[i]);
                    break; /* the length cannot be measured past this point */
                }
            }
            if (is_lookalike(cp))
                r = DW_REASON_LOOKALIKE;
        } else if (cls == CLASS_COLON) {
            r = i == 0 ? DW_REASON_FORBIDDEN_CHAR : DW_REASON_STREAM;
        } else {
            r = (dw_reason)cls;
        }
        if (r != DW_REASON_OK && ch.reason == DW_REASON_OK)
            set_check(&ch, r, i, cp);
        size_t u = dwi_utf16_units(cp);
        if (i - extra <= DW_NAME_MAX_UTF16 && i - extra + u > DW_NAME_MAX_UTF16) {
            long_at = i;
            long_cp = cp;
        }
        extra += k - u;
        i += k;
        run = i;
    }
    size_t units = i - extra;
    c->utf16_units = units;

    if (check_prefix(s, len, c))
        return DW_E_NAME;
    if (ch.reason != DW_REASON_OK) {
        set_check(c, ch.reason, ch.offset, ch.codepoint);
        return DW_E_NAME;
    }
    /* Here the name is valid UTF-8 free of rule-breaking characters: only-spaces/only-dots-and-spaces
     * are byte properties, stopped at the first other byte. */
    size_t sp = 0;
    while (sp < len && s[sp] == ' ')
        sp++;
    if (sp == len) {
        c->reason = DW_REASON_BLANK;
        return DW_E_NAME;
    }
    if (units > DW_NAME_MAX_UTF16) {
        set_check(c, DW_REASON_TOO_LONG, long_at, long_cp);
        return DW_E_NAME;
    }
    while (sp < len && (s[sp] == ' ' || s[sp] == '.'))
        sp++;
    if (sp == len) {
        /* "..", "...", ". ." and "..  ." all reduce to a dot name once Windows strips trailing dots/spaces */
        c->reason = DW_REASON_DOT_NAME;
        return DW_E_NAME;
    }
    if (is_reserved_n(s, len)) {
        c->reason = DW_REASON_RESERVED_NAME;
        return DW_E_NAME;
    }
    if (s[len - 1] == '.') {
        set_check(c, DW_REASON_TRAILING_DOT, len - 1, '.');
        return DW_E_NAME;
    }
    if (s[len - 1] == ' ') {
        set_check(c, DW_REASON_TRAILING_SPACE, len - 1, ' ');
        return DW_E_NAME;
    }
    return DW_OK;
}

dw_status dw_name_validate(const char *name, dw_name_check *out)
{
    if (!name) {
        if (out) {
            set_check(out, DW_REASON_OK, 0, 0);
            out->utf16_units = 0;
        }
        return DW_E_INVAL;
    }
    return dw_name_validate_n(name, strlen(name), out);
}
