/* SPDX-License-Identifier: MIT */
/* Helpers shared by the library's .c files (internal, hidden). Internal cross-file symbols use the
 * dwi_ prefix so the version script, which exports dw_*, never exports them. */
#ifndef DW_LIB_INTERNAL_H
#define DW_LIB_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dropwatch/common.h"

/*
 * Output writer for the "caller buffer + size needed" convention. Appends as long as there is room and
 * keeps counting past the end, so one formatting pass yields both the text and the size needed.
 */
typedef struct dwi_out {
    char *buf;     /* may be NULL when size is 0 */
    size_t size;   /* capacity including the NUL */
    size_t len;    /* bytes produced so far (may exceed size - 1) */
} dwi_out;

void dwi_out_init(dwi_out *o, char *buf, size_t size);

/* Inline: the formatters append thousands of short pieces per record (issue 8, alert formatting). */
static inline void dwi_out_bytes(dwi_out *o, const char *s, size_t n)
{
    if (o->len < o->size) {
        size_t room = o->size - 1 - o->len; /* keep one byte for the NUL */
        size_t k = n < room ? n : room;
        if (k)
            memcpy(o->buf + o->len, s, k);
    }
    o->len += n;
}

static inline void dwi_out_str(dwi_out *o, const char *s)
{
    dwi_out_bytes(o, s, strlen(s));
}

static inline void dwi_out_char(dwi_out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}
/* Append an unsigned decimal number. */
void dwi_out_u64(dwi_out *o, unsigned long long v);
/* Append a signed decimal number ('-' first when negative). */
void dwi_out_i64(dwi_out *o, long long v);
/* Number of decimal digits of v (1 for 0). */
size_t dwi_decimal_digits(uint64_t v);
/*
 * Finish: NUL-terminate, store len + 1 in *needed (when not NULL) and return DW_OK, or DW_E_BUFFER when
 * the text did not fit (the buffer then holds a truncated, NUL-terminated prefix when size > 0).
 */
dw_status dwi_out_finish(dwi_out *o, size_t *needed);

/*
 * Length of the longest prefix of s[0..len) made of ASCII bytes whose entry in `safe` is 1, i.e.
 * the bytes a formatter may copy verbatim in one piece. Stops at the first byte >= 0x80 (the caller
 * decodes those) or the first byte whose entry is 0 (the caller escapes it). 0 when len is 0. Entries
 * must be 0 or 1 (they are ANDed eight at a time).
 */
size_t dwi_safe_run(const char *s, size_t len, const unsigned char safe[128]);

/* UTC calendar fields (year, month, day, hour, minute, second) of Unix seconds (lib/guard.c). */
void dwi_utc_fields(int64_t t, unsigned f[6]);

/*
 * The allocating variant of a caller-buffer call, written once: `fill` is called with a growing heap buffer
 * until the text fits. *out receives the text (free with dw_free()) when the status is DW_OK or `keep`
 * (e.g. DW_E_TOOLONG, whose path is written too), else NULL. *len (may be NULL) gets its length.
 */
typedef dw_status (*dwi_fill_fn)(const void *args, char *buf, size_t size, size_t *needed);
dw_status dwi_alloc_text(dwi_fill_fn fill, const void *args, dw_status keep, char **out, size_t *len);

/* Caller input quoted for an error description, at most DW_QUOTE_MAX bytes of it (dw_quote(), lib/text.c):
 * every description that shows a caller's value goes through this one function. */
void dwi_quote(dwi_out *o, const char *s, size_t len);

/* Copy a whole string into a caller buffer under the same convention. */
dw_status dwi_copy_out(const char *src, size_t len, char *buf, size_t size, size_t *needed);

/* A caller-allocated struct's `version` field is one this library knows (1..current; doc/abi.md). A later
 * version that grows the struct copies only the caller's version's fields. */
static inline int dwi_version_ok(unsigned version, unsigned current)
{
    return version >= 1 && version <= current;
}
/* The Windows Event Log form of an alert (lib/alert.c, for lib/eventlog.c): the event ID, error or
 * warning, Exchange's insertion strings first in %1.. order, then libdropwatch's fields as "Name: value".
 * The strings live in `block` (free() it). */
#define DWI_EVENT_STRINGS_MAX 16
typedef struct dwi_event_strings {
    unsigned id;
    int is_error;
    size_t count;
    const char *s[DWI_EVENT_STRINGS_MAX];
    char *block;
} dwi_event_strings;
struct dw_alert;
dw_status dwi_alert_event_strings(const struct dw_alert *alert, dwi_event_strings *out);
/* 1 when s holds a character .NET Framework's path checks refuse ('"', '<', '>', '|', controls): its
 * Path.Combine and GetFullPath throw ArgumentException. (lib/path_full.c) */
int dwi_net_invalid_path_char(const char *s);
/* How every refusal of dw_drop_options.temp_dir by dw_drop_open() starts its detail (lib/drop.c): the
 * drop directory itself opened, so lib/alert.c does not report it missing (event 8008). */
#define DWI_TEMP_DIR_DETAIL "temp_dir "

#endif /* DW_LIB_INTERNAL_H */
