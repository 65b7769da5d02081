/* Helpers shared by the library's .c files (internal, hidden). Internal cross-file symbols use the
 * dwi_ prefix so the version script, which exports dw_*, never exports them. */
#ifndef DW_LIB_INTERNAL_H
#define DW_LIB_INTERNAL_H

#include <stddef.h>

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
void dwi_out_bytes(dwi_out *o, const char *s, size_t n);
void dwi_out_str(dwi_out *o, const char *s);
void dwi_out_char(dwi_out *o, char c);
/* Append an unsigned decimal number. */
void dwi_out_u64(dwi_out *o, unsigned long long v);
/*
 * Finish: NUL-terminate, store len + 1 in *needed (when not NULL) and return DW_OK, or DW_E_BUFFER when
 * the text did not fit (the buffer then holds a truncated, NUL-terminated prefix when size > 0).
 */
dw_status dwi_out_finish(dwi_out *o, size_t *needed);

/* Copy a whole string into a caller buffer under the same convention. */
dw_status dwi_copy_out(const char *src, size_t len, char *buf, size_t size, size_t *needed);

#endif /* DW_LIB_INTERNAL_H */
