/* SPDX-License-Identifier: MIT */
/*
 * src/cli_metrics.c still spells the library's UTF-8 walk by its old internal name. This maps it onto the
 * public dw_utf8_next() (dropwatch/text.h), so that the CLI builds against the public API only; remove it
 * once cli_metrics.c calls dw_utf8_next() (or dw_escape(DW_ESCAPE_LABEL, ...)) itself.
 */
#ifndef DW_CLI_UTF8_H
#define DW_CLI_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <dropwatch.h>

/* 1 for a valid code point, 0 for an invalid byte (U+FFFD, one byte skipped); *pos < len. */
static inline int dwi_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
    return dw_utf8_next(s, len, pos, cp) == 1;
}

#endif /* DW_CLI_UTF8_H */
