/* SPDX-License-Identifier: MIT */
/* Status codes, version and memory helpers shared by every part of the library. */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "dropwatch/common.h"
#include "dropwatch/version.h"
#include "internal.h"

static const struct {
    const char *name;
    const char *text;
} status_table[DW_STATUS_COUNT] = {
    [DW_OK] = {"DW_OK", "success"},
    [DW_E_INVAL] = {"DW_E_INVAL", "invalid argument"},
    [DW_E_BUFFER] = {"DW_E_BUFFER", "buffer too small"},
    [DW_E_NOMEM] = {"DW_E_NOMEM", "out of memory"},
    [DW_E_ROOT] = {"DW_E_ROOT", "invalid RootDropDirectoryPath"},
    [DW_E_NAME] = {"DW_E_NAME", "invalid DropDirectory value"},
    [DW_E_TOOLONG] = {"DW_E_TOOLONG", "drop path exceeds the Windows path length limit"},
    [DW_E_IO] = {"DW_E_IO", "I/O exception writing to the drop directory"},
    [DW_E_STATE] = {"DW_E_STATE", "call out of sequence"},
    [DW_E_UNSUPPORTED] = {"DW_E_UNSUPPORTED", "not supported on this platform or build"},
    [DW_E_PARSE] = {"DW_E_PARSE", "malformed value"},
    [DW_E_ENVELOPE] = {"DW_E_ENVELOPE", "invalid envelope address or parameter"},
};

const char *dw_status_str(dw_status status)
{
    if ((unsigned)status >= DW_STATUS_COUNT)
        return "unknown status";
    return status_table[status].text;
}

const char *dw_status_name(dw_status status)
{
    if ((unsigned)status >= DW_STATUS_COUNT)
        return "DW_E_UNKNOWN";
    return status_table[status].name;
}

void dw_free(void *ptr)
{
    free(ptr);
}

const char *dw_version_string(void)
{
    return DW_VERSION_STRING;
}

int dw_version_number(void)
{
    return DW_VERSION_NUMBER;
}

/* ---- caller-buffer output (lib/internal.h) ---- */

void dwi_out_init(dwi_out *o, char *buf, size_t size)
{
    o->buf = size ? buf : NULL;
    o->size = buf ? size : 0;
    o->len = 0;
}

void dwi_out_u64(dwi_out *o, unsigned long long v)
{
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    dwi_out_bytes(o, tmp + i, sizeof tmp - i);
}

void dwi_out_i64(dwi_out *o, long long v)
{
    if (v < 0) {
        dwi_out_char(o, '-');
        dwi_out_u64(o, 0ULL - (unsigned long long)v);
    } else {
        dwi_out_u64(o, (unsigned long long)v);
    }
}

size_t dwi_decimal_digits(uint64_t v)
{
    size_t d = 1;
    while (v >= 10) {
        v /= 10;
        d++;
    }
    return d;
}

dw_status dwi_out_finish(dwi_out *o, size_t *needed)
{
    if (needed)
        *needed = o->len + 1;
    if (o->size == 0)
        return DW_E_BUFFER;
    if (o->len + 1 > o->size) {
        o->buf[o->size - 1] = '\0';
        return DW_E_BUFFER;
    }
    o->buf[o->len] = '\0';
    return DW_OK;
}

size_t dwi_safe_run(const char *s, size_t len, const unsigned char safe[128])
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    /* Eight bytes per step: no byte >= 0x80 (one mask test), then the eight table entries ANDed without
     * a branch per byte. The byte loop below finishes the run exactly. */
    while (len - i >= 8) {
        uint64_t w;
        memcpy(&w, p + i, sizeof w);
        if (w & UINT64_C(0x8080808080808080))
            break;
        if (!(safe[p[i]] & safe[p[i + 1]] & safe[p[i + 2]] & safe[p[i + 3]] & safe[p[i + 4]] & safe[p[i + 5]] &
              safe[p[i + 6]] & safe[p[i + 7]]))
            break;
        i += 8;
    }
    while (i < len && p[i] < 0x80 && safe[p[i]])
        i++;
    return i;
}

dw_status dwi_copy_out(const char *src, size_t len, char *buf, size_t size, size_t *needed)
{
    dwi_out o;
    dwi_out_init(&o, buf, size);
    dwi_out_bytes(&o, src, len);
    return dwi_out_finish(&o, needed);
}

dw_status dwi_alloc_text(dwi_fill_fn fill, const void *args, dw_status keep, char **out, size_t *len)
{
    if (!out)
        return DW_E_INVAL;
    *out = NULL;
    size_t size = 256, needed = 0;
    dw_status st = DW_E_BUFFER;
    char *buf = NULL;
    /* The size asked for is exact; a second round only happens when the text changed in between. */
    for (int round = 0; round < 4 && st == DW_E_BUFFER; round++) {
        char *nb = realloc(buf, size);
        if (!nb) {
            free(buf);
            return DW_E_NOMEM;
        }
        buf = nb;
        buf[0] = '\0';
        needed = 0;
        st = fill(args, buf, size, &needed);
        if (st == DW_E_BUFFER && needed > size)
            size = needed;
        else if (st == DW_E_BUFFER)
            break; /* no progress possible */
    }
    if (st != DW_OK && st != keep) {
        free(buf);
        return st;
    }
    if (len)
        *len = strlen(buf);
    *out = buf;
    return st;
}
