/* SPDX-License-Identifier: MIT */
/*
 * The folder Exchange really opens: after Path.Combine, Exchange hands the path to DirectoryInfo, whose
 * Path.GetFullPath normalises it with Win32's GetFullPathNameW. This file reproduces that normalisation
 * (the algorithm of Wine's RtlGetFullPathName_U, which the tests check against .NET on Windows under Wine),
 * plus the checks by which .NET Framework's GetFullPath refuses a path before normalising it.
 *
 * Everything special is ASCII ('\\', '/', '.', ' ', ':'), so the UTF-8 bytes are worked on directly, in
 * the caller's buffer: no heap.
 */
#include <string.h>

#include "dropwatch/path.h"
#include "internal.h"

#define DW_DEFAULT_CWD "C:\\Windows\\System32"

static int is_sep(char c)
{
    return c == '\\' || c == '/';
}

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* "\\?\" or "\\.\" (either separator for the device form, as Win32 accepts). */
static int device_prefix(const char *p)
{
    return is_sep(p[0]) && is_sep(p[1]) && (p[2] == '?' || p[2] == '.') && is_sep(p[3]);
}

/* .NET Framework refuses before normalising: invalid path characters (ArgumentException) and a ':' that
 * is not right after a drive letter at the start (NotSupportedException; device paths after their prefix). */
int dwi_net_invalid_path_char(const char *s)
{
    for (const unsigned char *u = (const unsigned char *)s; *u; u++)
        if (*u < 0x20 || *u == '"' || *u == '<' || *u == '>' || *u == '|')
            return 1;
    return 0;
}

static int framework_refuses(const char *p)
{
    if (dwi_net_invalid_path_char(p))
        return 1;
    const char *b = device_prefix(p) ? p + 4 : p;
    for (const char *c = strchr(b, ':'); c; c = strchr(c + 1, ':'))
        if (!(c == b + 1 && is_letter(b[0])))
            return 1;
    return 0;
}

/* After "\\server\share\" (any separators): what ".." can never climb above. */
static size_t skip_unc_prefix(const char *p)
{
    size_t i = 2;
    while (p[i] && !is_sep(p[i]))
        i++;
    while (is_sep(p[i]))
        i++;
    while (p[i] && !is_sep(p[i]))
        i++;
    while (is_sep(p[i]))
        i++;
    return i;
}

/* Win32's normalisation of everything after `mark`: '/' becomes '\', runs of separators collapse, "."
 * and ".." components go, a component's single trailing '.' goes, and the path loses its trailing dots
 * and spaces. */
static void collapse(char *path, size_t mark)
{
    char *p, *next;
    for (p = path; *p; p++)
        if (*p == '/')
            *p = '\\';
    next = path + (mark > 1 ? mark : 1);
    for (p = next; *p; p++)
        if (*p != '\\' || next[-1] != '\\')
            *next++ = *p;
    *next = '\0';

    char *start = path + mark;
    p = start;
    while (*p) {
        if (*p == '.') {
            if (p[1] == '\\') { /* ".\" */
                next = p + 2;
                memmove(p, next, strlen(next) + 1);
                continue;
            }
            if (p[1] == '\0') { /* final "." */
                if (p > start)
                    p--;
                *p = '\0';
                continue;
            }
            if (p[1] == '.' && (p[2] == '\\' || p[2] == '\0')) { /* "..\" or a final ".." */
                int final = p[2] == '\0';
                next = p + (final ? 2 : 3);
                if (p > start) {
                    p--;
                    while (p > start && p[-1] != '\\')
                        p--;
                    if (final && p > start)
                        p--;
                }
                if (final)
                    *p = '\0';
                else
                    memmove(p, next, strlen(next) + 1);
                continue;
            }
        }
        while (*p && *p != '\\')
            p++;
        if (*p == '\\') {
            if (p > start && p[-1] == '.') /* one trailing dot of a directory name goes */
                memmove(p - 1, p, strlen(p) + 1);
            else
                p++;
        }
    }
    while (p > start && (p[-1] == ' ' || p[-1] == '.'))
        p--;
    *p = '\0';
}

dw_status dw_path_full(const char *path, const char *cwd, char *buf, size_t size, size_t *needed)
{
    if (needed)
        *needed = 0;
    if (!path || (!buf && size))
        return DW_E_INVAL;
    if (!cwd || !*cwd)
        cwd = DW_DEFAULT_CWD;
    if (!is_letter(cwd[0]) || cwd[1] != ':' || !is_sep(cwd[2]) || framework_refuses(cwd))
        return DW_E_INVAL;
    if (!*path || framework_refuses(path)) {
        if (size)
            buf[0] = '\0';
        return DW_E_NAME;
    }

    /* What goes before the path (ins), how many of its leading bytes it replaces (skip), and the part
     * ".." cannot remove (mark), per Win32 path type. */
    char drive[3] = {0, ':', '\\'};
    const char *ins = "";
    size_t ins_len = 0, skip = 0, mark = 0;
    int add_sep = 0, copy_only = 0;
    if (is_sep(path[0]) && is_sep(path[1])) {
        if (path[0] == '\\' && path[1] == '\\' && path[2] == '?' && path[3] == '\\')
            copy_only = 1; /* .NET returns \\?\ paths untouched */
        else if (device_prefix(path))
            mark = 4;
        else
            mark = skip_unc_prefix(path);
    } else if (is_sep(path[0])) { /* rooted: the current drive */
        drive[0] = cwd[0];
        ins = drive;
        ins_len = 2;
        mark = 3;
    } else if (path[1] == ':' && is_sep(path[2])) { /* drive-absolute (the letter keeps its case) */
        mark = 3;
    } else if (path[1] == ':' && upper(path[0]) != upper(cwd[0])) {
        /* drive-relative on another drive: no per-drive directory is set for a service, so its root */
        drive[0] = path[0];
        ins = drive;
        ins_len = 3;
        skip = 2;
        mark = 3;
    } else { /* relative, or drive-relative on the current drive: the current directory */
        ins = cwd;
        ins_len = strlen(cwd);
        skip = path[1] == ':' ? 2 : 0;
        add_sep = !is_sep(cwd[ins_len - 1]);
        mark = 3;
    }

    size_t plen = strlen(path) - skip;
    size_t raw = ins_len + (size_t)add_sep + plen;
    if (raw + 1 > size || !buf) {
        /* enough room, not the exact size: the normalised path is never longer than the raw one */
        if (needed)
            *needed = raw + 1;
        return DW_E_BUFFER;
    }
    memcpy(buf, ins, ins_len);
    if (add_sep)
        buf[ins_len] = '\\';
    memcpy(buf + ins_len + add_sep, path + skip, plen + 1);
    if (!copy_only)
        collapse(buf, mark);
    if (needed)
        *needed = strlen(buf) + 1;
    return DW_OK;
}

typedef struct full_args {
    const char *path, *cwd;
} full_args;

static dw_status fill_full(const void *args, char *buf, size_t size, size_t *needed)
{
    const full_args *a = args;
    return dw_path_full(a->path, a->cwd, buf, size, needed);
}

dw_status dw_path_full_alloc(const char *path, const char *cwd, char **out)
{
    full_args a = {path, cwd};
    return dwi_alloc_text(fill_full, &a, DW_OK, out, NULL);
}
