/* SPDX-License-Identifier: MIT */
/*
 * Drop-path resolution: the strict resolver (validate the root and the DropDirectory, join with exactly
 * one separator) and the explain mode (what Exchange's own Path.Combine would produce, compared with the
 * strict result).
 *
 * No heap: the strict resolver writes through a small "sink" that either appends to the caller's buffer or
 * compares, byte by byte, against Exchange's path (which is never materialised: it is at most three slices
 * of the caller's strings). That is how dw_path_explain() can compare two paths of any length without a
 * buffer of its own.
 */
#include <string.h>

#include "dropwatch/path.h"
#include "internal.h"
#include "utf8.h"

/* Longest path the \\?\ form allows (UNICODE_STRING limit), in UTF-16 units including the NUL. */
#define DW_WIN_LONG_MAX 32767

/* ---- small helpers ---------------------------------------------------------------------------------- */

static int is_wsep(unsigned char c)
{
    return c == '\\' || c == '/';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

/* UTF-16 units of a byte string; invalid bytes count one unit each (what a replacement would cost). */
static size_t utf16_len_lenient(const char *s, size_t len)
{
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t cp;
        dwi_utf8_next(s, len, &i, &cp); /* an invalid byte becomes U+FFFD: one unit */
        n += dwi_utf16_units(cp);
    }
    return n;
}

/* UTF-16 units of the longest file name Exchange generates on a machine: its NetBIOS name (first label, at
 * most 15 characters; unknown = 15) and the fixed part. */
static size_t exchange_name_units(const char *machine)
{
    size_t n = 0;
    while (machine && machine[n] && machine[n] != '.' && n < DW_NETBIOS_NAME_MAX)
        n++;
    return (n ? n : DW_NETBIOS_NAME_MAX) + DW_EXCHANGE_NAME_FIXED;
}

/* A Windows directory of `units` that may not hold "\<the longest message file name>": .NET's
 * PathTooLongException fires for a full path of 260 units or more, or a directory of 248 or more. */
static int win_too_long(size_t units, size_t longest_name)
{
    return units > DW_WIN_MAX_DIR || units + 1 + longest_name > DW_WIN_MAX_PATH - 1;
}

const char *dw_exchange_install_dir(dw_exchange_version version)
{
    switch (version) {
    case DW_EXCHANGE_2007:
        return "C:\\Program Files\\Microsoft\\Exchange Server\\";
    case DW_EXCHANGE_2010:
        return "C:\\Program Files\\Microsoft\\Exchange Server\\V14\\";
    case DW_EXCHANGE_2013:
        return "C:\\Program Files\\Microsoft\\Exchange Server\\V15\\";
    }
    return NULL;
}

dw_status dw_exchange_version_from_build(const char *text, dw_exchange_version *out)
{
    if (!text || !out)
        return DW_E_INVAL;
    /* The first "<major>.<minor>" anywhere in the text ("Version 15.1 (Build 2507.6)", "14.3.123.4"). */
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9')
            continue;
        unsigned long major = 0;
        const char *q = p;
        for (; *q >= '0' && *q <= '9'; q++)
            major = major > 1000 ? major : major * 10 + (unsigned long)(*q - '0'); /* saturates: any large major is >= 15 */
        if (q[0] == '.' && q[1] >= '0' && q[1] <= '9') {
            /* 8.x is Exchange 2007, 14.x 2010, 15.x (2013, 2016, 2019, SE) and later share the V15 layout. */
            if (major == 8)
                *out = DW_EXCHANGE_2007;
            else if (major == 14)
                *out = DW_EXCHANGE_2010;
            else if (major >= 15)
                *out = DW_EXCHANGE_2013;
            else
                return DW_E_PARSE;
            return DW_OK;
        }
        p = q - 1; /* the rest of this digit run cannot start a match either */
    }
    return DW_E_PARSE;
}

void dw_resolve_options_init(dw_resolve_options *opts)
{
    if (!opts)
        return;
    opts->version = DW_RESOLVE_OPTIONS_VERSION;
    opts->install_dir = NULL;
    opts->exchange_version = DW_EXCHANGE_2007;
    opts->style = DW_STYLE_AUTO;
    opts->machine_name = NULL;
}

static int options_ok(const dw_resolve_options *o)
{
    return dwi_version_ok(o->version, DW_RESOLVE_OPTIONS_VERSION) &&
           dw_exchange_install_dir(o->exchange_version) != NULL && (unsigned)o->style <= DW_STYLE_POSIX;
}

/* The root that is really used: a blank root stands for the install folder (caller's, else the default). */
static const char *effective_root(const char *root, const dw_resolve_options *o, int *defaulted)
{
    if (!is_blank(root)) {
        *defaulted = 0;
        return root;
    }
    *defaulted = 1;
    if (!is_blank(o->install_dir))
        return o->install_dir;
    return dw_exchange_install_dir(o->exchange_version);
}

static dw_path_style effective_style(const char *root, dw_path_style requested)
{
    if (requested != DW_STYLE_AUTO)
        return requested;
    /* "/x" is POSIX; "//server/share" is a UNC path written with forward slashes */
    return (root[0] == '/' && root[1] != '/') ? DW_STYLE_POSIX : DW_STYLE_WINDOWS;
}

/* ---- Exchange's path as slices, and a normalising reader over it ------------------------------------ */

typedef struct seg_iter {
    const char *s[3];
    size_t n[3];
    int i;
    size_t off;
} seg_iter;

static int seg_peek(seg_iter *it)
{
    while (it->i < 3 && it->off >= it->n[it->i]) {
        it->i++;
        it->off = 0;
    }
    return it->i < 3 ? (unsigned char)it->s[it->i][it->off] : -1;
}

static int seg_next(seg_iter *it)
{
    int c = seg_peek(it);
    if (c >= 0)
        it->off++;
    return c;
}

/*
 * Reads Exchange's path the way Windows would see it: '/' as '\', runs of separators as one (except the
 * leading "\\" of UNC and device paths), no trailing separator. Compared against the strict output, which
 * is already in that canonical form, so "D:/x//Drop\" and "D:\x\Drop" count as the same place.
 */
typedef struct cmp_state {
    seg_iter it;
    int posix;
    size_t pos;
    int pending;
    int mismatch;
} cmp_state;

static int cmp_is_sep(const cmp_state *c, int ch)
{
    return c->posix ? ch == '/' : (ch == '\\' || ch == '/');
}

static int cmp_next(cmp_state *c)
{
    char sep = c->posix ? '/' : '\\';
    if (c->pending) {
        c->pending--;
        c->pos++;
        return sep;
    }
    int ch = seg_next(&c->it);
    if (ch < 0)
        return -1;
    if (!cmp_is_sep(c, ch)) {
        c->pos++;
        return ch;
    }
    size_t run = 1;
    while (cmp_is_sep(c, seg_peek(&c->it))) {
        seg_next(&c->it);
        run++;
    }
    if (seg_peek(&c->it) < 0 && c->pos > 0)
        return -1; /* trailing separators */
    if (!c->posix && c->pos == 0 && run >= 2)
        c->pending = 1;
    c->pos++;
    return sep;
}

/* ---- the sink the strict resolver writes to --------------------------------------------------------- */

typedef struct sink {
    dwi_out *out;     /* append to the caller's buffer, or */
    cmp_state *cmp;   /* compare with Exchange's path */
    size_t bytes;
    size_t units;
} sink;

/* Pieces reaching the sink are validated UTF-8 already. */
static void emit(sink *k, const char *s, size_t n)
{
    k->bytes += n;
    k->units += utf16_len_lenient(s, n);
    if (k->out)
        dwi_out_bytes(k->out, s, n);
    if (k->cmp && !k->cmp->mismatch) {
        for (size_t i = 0; i < n; i++) {
            if (cmp_next(k->cmp) != (unsigned char)s[i]) {
                k->cmp->mismatch = 1;
                break;
            }
        }
    }
}

/* ---- strict resolution ------------------------------------------------------------------------------ */

typedef struct root_err {
    dw_reason reason;
    size_t offset;
    uint32_t cp;
} root_err;

static int fail(root_err *e, dw_reason r, size_t off, uint32_t cp)
{
    e->reason = r;
    e->offset = off;
    e->cp = cp;
    return 0;
}

/* One component of a Windows root (a server, share or directory name): the DropDirectory rules apply. */
static int win_component(const char *r, size_t p, size_t q, root_err *e)
{
    dw_name_check c;
    if (dw_name_validate_n(r + p, q - p, &c) == DW_OK)
        return 1;
    if (c.reason == DW_REASON_DOT_NAME)
        return fail(e, DW_REASON_ROOT_DOT_COMPONENT, p, '.');
    return fail(e, DW_REASON_ROOT_INVALID, p + c.offset, c.codepoint);
}

/* Directory components after the root prefix: separators collapse, each one validated. */
static int win_components(const char *r, size_t len, size_t p, sink *k, root_err *e)
{
    for (;;) {
        while (p < len && is_wsep((unsigned char)r[p]))
            p++;
        if (p >= len)
            return 1;
        size_t q = p;
        while (q < len && !is_wsep((unsigned char)r[q]))
            q++;
        if (!win_component(r, p, q, e))
            return 0;
        emit(k, "\\", 1);
        emit(k, r + p, q - p);
        p = q;
    }
}

/* "\\server\share" (p points after the leading separators, prefix already emitted). */
static int win_unc(const char *r, size_t len, size_t p, sink *k, root_err *e)
{
    size_t q = p;
    while (q < len && !is_wsep((unsigned char)r[q]))
        q++;
    if (q == p)
        return fail(e, DW_REASON_ROOT_INVALID, p, p < len ? (unsigned char)r[p] : 0); /* no server */
    if (!win_component(r, p, q, e))
        return 0;
    emit(k, r + p, q - p);
    p = q;
    while (p < len && is_wsep((unsigned char)r[p]))
        p++;
    q = p;
    while (q < len && !is_wsep((unsigned char)r[q]))
        q++;
    if (q == p)
        return fail(e, DW_REASON_ROOT_INVALID, p, 0); /* no share */
    if (!win_component(r, p, q, e))
        return 0;
    emit(k, "\\", 1);
    emit(k, r + p, q - p);
    return win_components(r, len, q, k, e);
}

static int win_root(const char *r, sink *k, int *long_path, root_err *e)
{
    size_t len = strlen(r);
    const unsigned char *u = (const unsigned char *)r;
    *long_path = 0;
    if (len >= 2 && is_wsep(u[0]) && is_wsep(u[1])) {
        if (len >= 4 && (u[2] == '?' || u[2] == '.') && is_wsep(u[3])) {
            if (u[2] == '.')
                return fail(e, DW_REASON_DEVICE_PREFIX, 0, u[0]); /* \\.\ names devices, not folders */
            *long_path = 1;
            emit(k, "\\\\?\\", 4);
            size_t p = 4;
            if (len >= p + 4 && (u[p] == 'U' || u[p] == 'u') && (u[p + 1] == 'N' || u[p + 1] == 'n') &&
                (u[p + 2] == 'C' || u[p + 2] == 'c') && is_wsep(u[p + 3])) {
                emit(k, r + p, 3); /* kept as written: the namespace is case-insensitive */
                emit(k, "\\", 1);
                return win_unc(r, len, p + 4, k, e);
            }
            /* "\\?\D:" without the separator names the volume device, not its root folder */
            if (len >= p + 3 && is_alpha(u[p]) && u[p + 1] == ':' && is_wsep(u[p + 2])) {
                emit(k, r + p, 2);
                return win_components(r, len, p + 2, k, e);
            }
            /* volume GUID paths and other namespaces are not drop roots */
            return fail(e, DW_REASON_ROOT_INVALID, p, p < len ? u[p] : 0);
        }
        emit(k, "\\\\", 2);
        return win_unc(r, len, 2, k, e);
    }
    if (len >= 4 && is_wsep(u[0]) && u[1] == '?' && u[2] == '?' && is_wsep(u[3]))
        return fail(e, DW_REASON_DEVICE_PREFIX, 0, u[0]);
    if (len >= 1 && is_wsep(u[0]))
        return fail(e, DW_REASON_ROOT_ROOTED_RELATIVE, 0, u[0]);
    if (len >= 2 && is_alpha(u[0]) && u[1] == ':') {
        if (len == 2 || !is_wsep(u[2]))
            return fail(e, DW_REASON_ROOT_DRIVE_RELATIVE, 1, ':');
        emit(k, r, 2);
        return win_components(r, len, 2, k, e);
    }
    return fail(e, DW_REASON_ROOT_RELATIVE, 0, len ? u[0] : 0);
}

/* POSIX root: absolute, '/'-separated, valid UTF-8 without control characters, no dot components. */
static int posix_root(const char *r, sink *k, root_err *e)
{
    size_t len = strlen(r), p = 0;
    const unsigned char *u = (const unsigned char *)r;
    if (len == 0 || u[0] != '/')
        return fail(e, DW_REASON_ROOT_RELATIVE, 0, len ? u[0] : 0);
    for (;;) {
        while (p < len && u[p] == '/')
            p++;
        if (p >= len)
            return 1;
        size_t q = p;
        while (q < len && u[q] != '/')
            q++;
        if ((q - p == 1 && u[p] == '.') || (q - p == 2 && u[p] == '.' && u[p + 1] == '.'))
            return fail(e, DW_REASON_ROOT_DOT_COMPONENT, p, '.');
        for (size_t i = p; i < q;) {
            uint32_t cp;
            size_t n = dwi_utf8_decode(u + i, q - i, &cp);
            if (n == 0)
                return fail(e, DW_REASON_ROOT_INVALID, i, u[i]);
            if (cp < 0x20)
                return fail(e, DW_REASON_ROOT_INVALID, i, cp);
            i += n;
        }
        emit(k, "/", 1);
        emit(k, r + p, q - p);
        p = q;
    }
}

static void info_reset(dw_resolve_info *info)
{
    memset(info, 0, sizeof *info);
    info->reason = DW_REASON_OK;
    info->input = DW_INPUT_NONE;
}

/* The strict resolver proper; output goes to the sink. Returns DW_OK, DW_E_ROOT, DW_E_NAME or DW_E_TOOLONG. */
static dw_status resolve_core(const char *root, const char *drop_dir, const dw_resolve_options *o, sink *k,
                              dw_resolve_info *info)
{
    const char *r = effective_root(root, o, &info->root_defaulted);
    dw_path_style style = effective_style(r, o->style);
    info->style = style;

    root_err e = {DW_REASON_OK, 0, 0};
    int ok = style == DW_STYLE_POSIX ? posix_root(r, k, &e) : win_root(r, k, &info->long_path, &e);
    if (!ok) {
        info->reason = e.reason;
        info->input = DW_INPUT_ROOT;
        info->offset = e.offset;
        info->codepoint = e.cp;
        info->long_path = 0;
        return DW_E_ROOT;
    }
    size_t root_units = k->units;

    dw_name_check c;
    if (dw_name_validate(drop_dir, &c) != DW_OK) {
        info->reason = c.reason;
        info->input = DW_INPUT_DROP_DIR;
        info->offset = c.offset;
        info->codepoint = c.codepoint;
        info->long_path = 0;
        return DW_E_NAME;
    }
    emit(k, style == DW_STYLE_POSIX ? "/" : "\\", 1);
    emit(k, drop_dir, strlen(drop_dir));
    info->length = k->bytes;
    info->utf16_length = k->units;

    if (style == DW_STYLE_POSIX)
        return DW_OK;
    if (info->long_path) {
        /* no MAX_PATH, but the \\?\ form still has the UNICODE_STRING limit */
        if (k->units + 1 > DW_WIN_LONG_MAX) {
            info->reason = root_units + 1 > DW_WIN_LONG_MAX ? DW_REASON_ROOT_TOO_LONG : DW_REASON_PATH_TOO_LONG;
            info->input = info->reason == DW_REASON_ROOT_TOO_LONG ? DW_INPUT_ROOT : DW_INPUT_RESULT;
            return DW_E_TOOLONG;
        }
        return DW_OK;
    }
    info->file_name_room = k->units + 1 < DW_WIN_MAX_PATH ? DW_WIN_MAX_PATH - 1 - k->units : 0;
    if (root_units + 1 >= DW_WIN_MAX_PATH) {
        info->reason = DW_REASON_ROOT_TOO_LONG;
        info->input = DW_INPUT_ROOT;
        return DW_E_TOOLONG;
    }
    if (win_too_long(k->units, exchange_name_units(o->machine_name))) {
        info->reason = DW_REASON_PATH_TOO_LONG;
        info->input = DW_INPUT_RESULT;
        return DW_E_TOOLONG;
    }
    return DW_OK;
}

static int take_options(const dw_resolve_options *opts, dw_resolve_options *o)
{
    if (opts)
        *o = *opts;
    else
        dw_resolve_options_init(o);
    return options_ok(o);
}

dw_path_style dw_resolve_style(const char *root, const dw_resolve_options *opts)
{
    dw_resolve_options o;
    int defaulted;
    if (!take_options(opts, &o))
        return DW_STYLE_AUTO;
    return effective_style(effective_root(root, &o, &defaulted), o.style);
}

dw_status dw_path_resolve(const char *root, const char *drop_dir, const dw_resolve_options *opts, char *buf,
                          size_t size, size_t *needed, dw_resolve_info *info)
{
    dw_resolve_info local;
    if (!info)
        info = &local;
    info_reset(info);
    if (needed)
        *needed = 0;
    dw_resolve_options o;
    if (!drop_dir || (!buf && size) || !take_options(opts, &o))
        return DW_E_INVAL;

    dwi_out out;
    dwi_out_init(&out, buf, size);
    sink k = {&out, NULL, 0, 0};
    dw_status st = resolve_core(root, drop_dir, &o, &k, info);
    if (st == DW_E_ROOT || st == DW_E_NAME) {
        if (size)
            buf[0] = '\0';
        return st;
    }
    /* a too-small buffer wins over DW_E_TOOLONG so the usual "ask, allocate, call again" loop works;
     * the verdict is in *info either way */
    dw_status fst = dwi_out_finish(&out, needed);
    return fst != DW_OK ? fst : st;
}

/* ---- explain: Exchange's Path.Combine ---------------------------------------------------------------- */

/*
 * .NET Framework Path.IsPathRooted on Windows: path[0] is '\' or '/', or path[1] (the second UTF-16
 * unit) is ':' whatever path[0] is. With POSIX semantics (.NET on Unix) only a leading '/' roots a path.
 */
static int net_is_rooted(const char *d, int posix)
{
    const unsigned char *u = (const unsigned char *)d;
    if (!u[0])
        return 0;
    if (posix)
        return u[0] == '/';
    if (is_wsep(u[0]))
        return 1;
    uint32_t cp;
    size_t k = dwi_utf8_decode(u, strlen(d), &cp);
    if (k == 0)
        k = 1; /* an invalid byte stands for one unit */
    else if (cp > 0xFFFF)
        return 0; /* path[1] is the low surrogate */
    return u[k] == ':';
}

/* Lexical walk of a relative DropDirectory: the final depth below the root, and whether ".." ever climbs
 * above the root. */
static void walk_relative(const char *d, int posix, long *final_depth, int *escapes)
{
    long depth = 0;
    *escapes = 0;
    const char *p = d;
    while (*p) {
        while (*p && (posix ? *p == '/' : is_wsep((unsigned char)*p)))
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && !(posix ? *q == '/' : is_wsep((unsigned char)*q)))
            q++;
        size_t len = (size_t)(q - p);
        if (!posix) /* Windows ignores trailing spaces of a component: ".. " is ".." */
            while (len > 0 && p[len - 1] == ' ')
                len--;
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                *escapes = 1;
        } else if (!(len == 1 && p[0] == '.')) {
            depth++;
        }
        p = q;
    }
    *final_depth = depth;
}

dw_status dw_path_explain(const char *root, const char *drop_dir, const dw_resolve_options *opts, char *buf,
                          size_t size, size_t *needed, dw_explain_info *info)
{
    dw_explain_info local;
    if (!info)
        info = &local;
    memset(info, 0, sizeof *info);
    info->strict_status = DW_OK;
    info->strict_reason = DW_REASON_OK;
    if (needed)
        *needed = 0;
    dw_resolve_options o;
    if (!drop_dir || (!buf && size) || !take_options(opts, &o))
        return DW_E_INVAL;

    int defaulted;
    const char *r = effective_root(root, &o, &defaulted);
    int posix = effective_style(r, o.style) == DW_STYLE_POSIX;
    size_t rlen = strlen(r), dlen = strlen(drop_dir);
    info->longest_file_name = exchange_name_units(o.machine_name);
    if (dlen == 0) {
        /* Exchange's first check: no DropDirectory, no write, event 8008. There is no drop path. */
        dw_resolve_info ri;
        info->strict_status = dw_path_resolve(root, drop_dir, &o, NULL, 0, NULL, &ri);
        info->strict_reason = ri.reason;
        info->warnings = DW_WARN_NO_DROP_DIRECTORY | DW_WARN_INVALID_NAME | DW_WARN_DIFFERS;
        info->event = 8008;
        dwi_out out;
        dwi_out_init(&out, buf, size);
        return dwi_out_finish(&out, needed);
    }

    /* Path.Combine(root, dropDirectory) */
    seg_iter segs = {{NULL, NULL, NULL}, {0, 0, 0}, 0, 0};
    int rooted = net_is_rooted(drop_dir, posix);
    if (dlen == 0) {
        segs.s[0] = r;
        segs.n[0] = rlen;
    } else if (rooted || rlen == 0) {
        segs.s[0] = drop_dir;
        segs.n[0] = dlen;
    } else {
        unsigned char last = (unsigned char)r[rlen - 1];
        int has_sep = posix ? last == '/' : (is_wsep(last) || last == ':');
        segs.s[0] = r;
        segs.n[0] = rlen;
        segs.s[1] = posix ? "/" : "\\";
        segs.n[1] = has_sep ? 0 : 1;
        segs.s[2] = drop_dir;
        segs.n[2] = dlen;
    }

    dwi_out out;
    dwi_out_init(&out, buf, size);
    size_t units = 0;
    for (int i = 0; i < 3; i++) {
        if (segs.n[i]) {
            dwi_out_bytes(&out, segs.s[i], segs.n[i]);
            units += utf16_len_lenient(segs.s[i], segs.n[i]);
        }
    }
    info->exchange_length = out.len;
    info->exchange_units = units;

    /* the strict result, compared with Exchange's path without materialising either */
    cmp_state cmp;
    memset(&cmp, 0, sizeof cmp);
    cmp.it = segs;
    cmp.posix = posix;
    sink k = {NULL, &cmp, 0, 0};
    dw_resolve_info ri;
    info_reset(&ri);
    dw_status st = resolve_core(root, drop_dir, &o, &k, &ri);
    if (!cmp.mismatch && cmp_next(&cmp) != -1)
        cmp.mismatch = 1;
    info->strict_status = st;
    info->strict_reason = ri.reason;

    unsigned w = 0;
    if (dlen && rooted)
        w |= DW_WARN_ROOT_REPLACED;
    if (dlen && !rooted) {
        long depth;
        int escapes;
        walk_relative(drop_dir, posix, &depth, &escapes);
        if (escapes)
            w |= DW_WARN_PARENT_ESCAPE;
        else if (depth >= 2)
            w |= DW_WARN_SUBDIRECTORY;
    }
    if (dw_name_validate(drop_dir, NULL) != DW_OK)
        w |= DW_WARN_INVALID_NAME;
    if ((st != DW_OK && st != DW_E_TOOLONG) || cmp.mismatch)
        w |= DW_WARN_DIFFERS;
    if (!posix) {
        const unsigned char *e = (const unsigned char *)segs.s[0];
        int long_form = segs.n[0] >= 4 && is_wsep(e[0]) && is_wsep(e[1]) && e[2] == '?' && is_wsep(e[3]);
        /* .NET's PathTooLongException: a full path of 260 units or more, or a directory of 248 or more;
         * the file name is the longest Exchange generates for this machine (the record id's digits vary) */
        if (!long_form && win_too_long(units, info->longest_file_name)) {
            w |= DW_WARN_PATH_TOO_LONG;
            info->event = 8007;
        }
        /* a drive-relative path "C:x": the first three bytes may span slices */
        seg_iter t = segs;
        int c0 = seg_next(&t), c1 = seg_next(&t), c2 = seg_peek(&t);
        if (c0 >= 0 && is_alpha((unsigned char)c0) && c1 == ':' && (c2 < 0 || !is_wsep((unsigned char)c2)))
            w |= DW_WARN_DRIVE_RELATIVE;
        /* .NET Framework's Path.Combine checks both paths for invalid characters (ArgumentException) */
        if (dwi_net_invalid_path_char(r) || dwi_net_invalid_path_char(drop_dir))
            w |= DW_WARN_COMBINE_FAILS;
    }
    info->warnings = w;
    return dwi_out_finish(&out, needed);
}

const char *dw_explain_warning_str(unsigned warning)
{
    switch (warning) {
    case DW_WARN_NONE:
        return "no warning: Exchange writes where the validated configuration says";
    case DW_WARN_ROOT_REPLACED:
        return "DropDirectory is absolute or rooted, so Exchange ignores RootDropDirectoryPath and writes there instead";
    case DW_WARN_SUBDIRECTORY:
        return "DropDirectory contains path separators, so Exchange writes into a nested folder";
    case DW_WARN_PARENT_ESCAPE:
        return "DropDirectory contains \"..\" components that lead outside the root";
    case DW_WARN_INVALID_NAME:
        return "DropDirectory breaks a Windows naming rule (see the strict reason)";
    case DW_WARN_DIFFERS:
        return "Exchange's path is not the validated drop directory (they differ, or strict resolution failed)";
    case DW_WARN_PATH_TOO_LONG:
        return "a message file's full path may exceed MAX_PATH: Exchange's path, a backslash and the longest file "
               "name Exchange generates for this machine come to more than 259 characters, or the directory "
               "to more than 247 (Exchange would log event 8007)";
    case DW_WARN_NO_DROP_DIRECTORY:
        return "DropDirectory is empty: Exchange writes nothing and logs event 8008 (there is no drop path)";
    case DW_WARN_DRIVE_RELATIVE:
        return "the path is drive-relative (\"C:x\"): it depends on the current directory of that drive";
    case DW_WARN_COMBINE_FAILS:
        return "Exchange's Path.Combine throws ArgumentException (a '\"', '<', '>', '|' or control character): the connector cannot deliver";
    default:
        return "unknown warning";
    }
}

dw_status dw_resolve_describe(dw_status status, const char *root, const char *drop_dir, const dw_resolve_info *info,
                              char *buf, size_t size, size_t *needed)
{
    if (!info || (!buf && size))
        return DW_E_INVAL;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    if (status == DW_E_ROOT || status == DW_E_NAME) {
        const char *value = status == DW_E_ROOT ? root : drop_dir;
        dwi_out_str(&o, status == DW_E_ROOT ? "Invalid RootDropDirectoryPath " : "Invalid DropDirectory ");
        dwi_quote(&o, value ? value : "", value ? strlen(value) : 0); /* bounded: the value is the caller's */
        dwi_out_str(&o, ": ");
        dwi_out_str(&o, dw_reason_str(info->reason));
        dwi_out_str(&o, " (byte ");
        dwi_out_u64(&o, info->offset);
        dwi_out_char(&o, ')');
    } else if (status == DW_E_TOOLONG) {
        dwi_out_str(&o, "The drop directory path is too long (");
        dwi_out_u64(&o, info->utf16_length);
        dwi_out_str(&o, " UTF-16 units; Exchange would log event 8007): ");
        dwi_out_str(&o, dw_reason_str(info->reason));
    } else {
        dwi_out_str(&o, dw_status_str(status));
    }
    return dwi_out_finish(&o, needed);
}

typedef struct resolve_args {
    const char *root, *drop_dir;
    const dw_resolve_options *opts;
    void *info;
} resolve_args;

static dw_status fill_resolve(const void *args, char *buf, size_t size, size_t *needed)
{
    const resolve_args *a = args;
    return dw_path_resolve(a->root, a->drop_dir, a->opts, buf, size, needed, a->info);
}

static dw_status fill_explain(const void *args, char *buf, size_t size, size_t *needed)
{
    const resolve_args *a = args;
    return dw_path_explain(a->root, a->drop_dir, a->opts, buf, size, needed, a->info);
}

typedef struct describe_args {
    dw_status status;
    const char *root, *drop_dir;
    const dw_resolve_info *info;
} describe_args;

static dw_status fill_describe(const void *args, char *buf, size_t size, size_t *needed)
{
    const describe_args *a = args;
    return dw_resolve_describe(a->status, a->root, a->drop_dir, a->info, buf, size, needed);
}

dw_status dw_resolve_describe_alloc(dw_status status, const char *root, const char *drop_dir,
                                    const dw_resolve_info *info, char **out)
{
    describe_args a = {status, root, drop_dir, info};
    return dwi_alloc_text(fill_describe, &a, DW_OK, out, NULL);
}

dw_status dw_path_resolve_alloc(const char *root, const char *drop_dir, const dw_resolve_options *opts, char **out,
                                dw_resolve_info *info)
{
    resolve_args a = {root, drop_dir, opts, info};
    return dwi_alloc_text(fill_resolve, &a, DW_E_TOOLONG, out, NULL);
}

dw_status dw_path_explain_alloc(const char *root, const char *drop_dir, const dw_resolve_options *opts, char **out,
                                dw_explain_info *info)
{
    resolve_args a = {root, drop_dir, opts, info};
    return dwi_alloc_text(fill_explain, &a, DW_OK, out, NULL);
}
