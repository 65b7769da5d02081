/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: strict drop-path resolution (dw_path_resolve) and Exchange's join (dw_path_explain).
 * Input: one flag byte, then root, DropDirectory and install folder separated by NUL bytes.
 * Property: whenever a path is produced, it is the normalised root (or the install folder standing in
 * for a blank root), exactly one separator, and exactly the DropDirectory, which itself passes
 * dw_name_validate; no "." or ".." component appears; lengths, "needed" and truncation agree; Windows
 * results within MAX_PATH are DW_OK and beyond it DW_E_TOOLONG. dw_path_explain reports the same strict
 * verdict.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include <ctype.h>
#include <string.h>

#include "dropwatch.h"
#include "fuzz_common.h"

/* Next NUL-separated field of the input, as a fresh NUL-terminated string (NULL when exhausted). */
static char *next_field(const uint8_t **p, const uint8_t *end)
{
    if (*p > end)
        return NULL;
    const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
    size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);
    char *s = malloc(n + 1);
    FUZZ_CHECK(s != NULL, "out of memory");
    memcpy(s, *p, n);
    s[n] = '\0';
    *p = nul ? nul + 1 : end + 1;
    return s;
}

/* Windows normalisation promised by path.h: '/' becomes '\', separators collapse except a leading "\\",
 * trailing separators go (the join adds exactly one). */
static size_t norm_windows(const char *root, char *out)
{
    size_t o = 0, i = 0, n = strlen(root);
    size_t lead = 0;
    while (lead < n && (root[lead] == '\\' || root[lead] == '/'))
        lead++;
    if (lead >= 2) {
        out[o++] = '\\';
        out[o++] = '\\';
    } else if (lead == 1) {
        out[o++] = '\\';
    }
    i = lead;
    int prev_sep = 1;
    for (; i < n; i++) {
        char c = root[i] == '/' ? '\\' : root[i];
        if (c == '\\' && prev_sep)
            continue;
        prev_sep = c == '\\';
        out[o++] = c;
    }
    while (o > lead && o > 0 && out[o - 1] == '\\' && !(o <= 2 && lead >= 2))
        o--;
    out[o] = '\0';
    return o;
}

/* POSIX: the root with trailing slashes removed, optionally with repeated slashes collapsed. */
static size_t norm_posix(const char *root, char *out, int collapse)
{
    size_t o = 0, n = strlen(root);
    for (size_t i = 0; i < n; i++) {
        if (collapse && root[i] == '/' && o > 0 && out[o - 1] == '/')
            continue;
        out[o++] = root[i];
    }
    while (o > 0 && out[o - 1] == '/')
        o--;
    out[o] = '\0';
    return o;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return 0;
    return 1;
}

static void check_components(const char *path, size_t len, char sep)
{
    size_t i = 0;
    /* The Win32 device prefixes "\\.\" and "\\?\" are namespaces, not components. */
    if (len >= 4 && sep == '\\' && path[0] == '\\' && path[1] == '\\' && (path[2] == '.' || path[2] == '?') &&
        path[3] == '\\')
        i = 4;
    while (i <= len) {
        size_t j = i;
        while (j < len && path[j] != sep)
            j++;
        size_t c = j - i;
        FUZZ_CHECK(!(c == 1 && path[i] == '.') && !(c == 2 && path[i] == '.' && path[i + 1] == '.'),
                   "dot component at byte %zu of '%s'", i, path);
        i = j + 1;
    }
}

static size_t utf16_len(const char *s, size_t len)
{
    size_t u = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = fuzz_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        FUZZ_CHECK(n != 0, "resolved path is not valid UTF-8 at byte %zu", i);
        u += cp > 0xFFFF ? 2 : 1;
        i += n;
    }
    return u;
}

static void check_result(const char *root, const char *name, const dw_resolve_options *opts, dw_status st,
                         const char *out, size_t needed, const dw_resolve_info *info)
{
    size_t len = strlen(out);
    FUZZ_CHECK(needed == len + 1, "needed %zu for a path of %zu bytes", needed, len);
    FUZZ_CHECK(info->length == len, "info.length %zu vs %zu", info->length, len);
    FUZZ_CHECK(info->style == DW_STYLE_WINDOWS || info->style == DW_STYLE_POSIX, "result style %d", (int)info->style);
    FUZZ_CHECK(dw_name_validate(name, NULL) == DW_OK, "resolved with an invalid DropDirectory '%s'", name);
    char sep = info->style == DW_STYLE_WINDOWS ? '\\' : '/';
    size_t nlen = strlen(name);
    FUZZ_CHECK(len > nlen && memcmp(out + len - nlen, name, nlen) == 0 && out[len - nlen - 1] == sep,
               "'%s' does not end with separator + '%s'", out, name);
    size_t plen = len - nlen - 1;

    const char *eff_root = root;
    if (info->root_defaulted) {
        FUZZ_CHECK(root == NULL || is_blank(root), "root '%s' replaced by the install folder", root);
        /* A blank install folder is treated like NULL: the version's default. */
        eff_root = (opts && opts->install_dir && !is_blank(opts->install_dir))
                       ? opts->install_dir
                       : dw_exchange_install_dir(opts ? opts->exchange_version : DW_EXCHANGE_2007);
        FUZZ_CHECK(eff_root != NULL, "no install folder");
    } else {
        FUZZ_CHECK(root != NULL && !is_blank(root), "blank root not reported as defaulted");
    }
    char *want = malloc(strlen(eff_root) + 3);
    FUZZ_CHECK(want != NULL, "out of memory");
    if (sep == '\\') {
        size_t w = norm_windows(eff_root, want);
        FUZZ_CHECK(w == plen && memcmp(out, want, plen) == 0, "'%s' does not start with normalised root '%s' (from '%s')",
                   out, want, eff_root);
        FUZZ_CHECK(strchr(out, '/') == NULL, "forward slash in Windows result '%s'", out);
    } else {
        size_t w1 = norm_posix(eff_root, want, 0);
        int ok = w1 == plen && memcmp(out, want, plen) == 0;
        if (!ok) {
            size_t w2 = norm_posix(eff_root, want, 1);
            ok = w2 == plen && memcmp(out, want, plen) == 0;
        }
        FUZZ_CHECK(ok, "'%s' does not start with root '%s'", out, eff_root);
        FUZZ_CHECK(out[0] == '/', "POSIX result '%s' is not absolute", out);
    }
    free(want);
    check_components(out, len, sep);

    size_t u16 = utf16_len(out, len);
    FUZZ_CHECK(info->utf16_length == u16, "utf16_length %zu vs %zu", info->utf16_length, u16);
    if (st == DW_E_TOOLONG)
        FUZZ_CHECK(info->style == DW_STYLE_WINDOWS && !info->long_path, "DW_E_TOOLONG for a path without a limit");
    if (info->style == DW_STYLE_WINDOWS && !info->long_path) {
        if (st == DW_OK)
            /* room for "\" + the longest Exchange file name of an unknown (15-character) machine */
            FUZZ_CHECK(u16 <= DW_WIN_MAX_DIR &&
                           info->file_name_room >= 1 + DW_NETBIOS_NAME_MAX + DW_EXCHANGE_NAME_FIXED,
                       "DW_OK for %zu UTF-16 units (room %zu)", u16, info->file_name_room);
        if (u16 + 1 > DW_WIN_MAX_PATH)
            FUZZ_CHECK(st == DW_E_TOOLONG, "%zu UTF-16 units beyond MAX_PATH gave %d", u16, (int)st);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t flags = data[0];
    const uint8_t *p = data + 1, *end = data + size;
    char *root = next_field(&p, end);
    char *name = next_field(&p, end);
    char *inst = next_field(&p, end);
    if (!name) {
        name = malloc(1);
        FUZZ_CHECK(name != NULL, "out of memory");
        name[0] = '\0';
    }

    dw_resolve_options opts;
    dw_resolve_options_init(&opts);
    opts.style = (dw_path_style)((flags & 3) == 3 ? 0 : (flags & 3));
    opts.exchange_version = (dw_exchange_version)(((flags >> 2) & 3) == 3 ? 0 : ((flags >> 2) & 3));
    if ((flags & 0x10) && inst)
        opts.install_dir = inst;
    const char *r = (flags & 0x20) ? NULL : root;
    const dw_resolve_options *o = (flags & 0x40) ? NULL : &opts;

    size_t cap = size * 3 + 1024;
    char *buf = malloc(cap);
    FUZZ_CHECK(buf != NULL, "out of memory");
    size_t needed = 0;
    dw_resolve_info info;
    memset(&info, 0xA5, sizeof info);
    dw_status st = dw_path_resolve(r, name, o, buf, cap, &needed, &info);
    FUZZ_CHECK(st == DW_OK || st == DW_E_ROOT || st == DW_E_NAME || st == DW_E_TOOLONG,
               "dw_path_resolve returned %d", (int)st);
    if (st == DW_OK || st == DW_E_TOOLONG) {
        FUZZ_CHECK(info.reason == DW_REASON_OK || st == DW_E_TOOLONG, "success with reason %d", (int)info.reason);
        check_result(r, name, o, st, buf, needed, &info);
        /* Size probing and truncation agree with the full result. */
        size_t len = strlen(buf), n2 = 0;
        dw_status s0 = dw_path_resolve(r, name, o, NULL, 0, &n2, NULL);
        FUZZ_CHECK(s0 == (st == DW_OK ? DW_E_BUFFER : s0) && n2 == len + 1, "size probe gave %d, needed %zu", (int)s0, n2);
        char *exact = malloc(len + 1);
        FUZZ_CHECK(exact != NULL, "out of memory");
        FUZZ_CHECK(dw_path_resolve(r, name, o, exact, len + 1, NULL, NULL) == st && strcmp(exact, buf) == 0,
                   "exact-size call differs");
        if (st == DW_OK && len > 0) {
            FUZZ_CHECK(dw_path_resolve(r, name, o, exact, len, &n2, NULL) == DW_E_BUFFER && n2 == len + 1 &&
                           exact[len - 1] == '\0' && memcmp(exact, buf, len - 1) == 0,
                       "short buffer not truncated safely");
        }
        free(exact);
    } else {
        FUZZ_CHECK(info.reason != DW_REASON_OK, "failure %d without a reason", (int)st);
        if (st == DW_E_ROOT)
            FUZZ_CHECK(info.input == DW_INPUT_ROOT, "DW_E_ROOT reported on input %d", (int)info.input);
        if (st == DW_E_NAME) {
            FUZZ_CHECK(info.input == DW_INPUT_DROP_DIR, "DW_E_NAME reported on input %d", (int)info.input);
            FUZZ_CHECK(dw_name_validate(name, NULL) == DW_E_NAME, "DW_E_NAME for a valid name '%s'", name);
        }
    }
    if (dw_name_validate(name, NULL) != DW_OK)
        FUZZ_CHECK(st != DW_OK && st != DW_E_TOOLONG, "invalid DropDirectory '%s' resolved", name);

    /* Exchange's join: never fails on these inputs, and reports the same strict verdict. */
    dw_explain_info ex;
    memset(&ex, 0xA5, sizeof ex);
    size_t en = 0;
    dw_status se = dw_path_explain(r, name, o, buf, cap, &en, &ex);
    FUZZ_CHECK(se == DW_OK || se == DW_E_INVAL, "dw_path_explain returned %d", (int)se);
    if (se == DW_OK) {
        FUZZ_CHECK(ex.strict_status == st, "explain strict_status %d, resolve %d", (int)ex.strict_status, (int)st);
        FUZZ_CHECK(strlen(buf) == ex.exchange_length && en == ex.exchange_length + 1, "explain lengths disagree");
        for (unsigned bit = 1; bit <= DW_WARN_DRIVE_RELATIVE; bit <<= 1)
            FUZZ_CHECK(dw_explain_warning_str(bit) != NULL, "warning without text");
    }
    if (flags & 0x80)
        FUZZ_CHECK(dw_path_resolve(r, NULL, o, buf, cap, NULL, NULL) == DW_E_INVAL, "NULL DropDirectory accepted");

    free(buf);
    free(root);
    free(name);
    free(inst);
    return 0;
}
