/* SPDX-License-Identifier: MIT */
/*
 * text.c - the public UTF-8 walk and the escapers (dropwatch/text.h), for the CLI and any other caller
 * that shows library data: one decoder, one treatment of invalid input, for every output format.
 */
#include <stdlib.h>
#include <string.h>

#include "dropwatch/text.h"
#include "internal.h"
#include "utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

int dw_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
    if (!s || !pos || !cp || *pos >= len)
        return -1;
    return dwi_utf8_next(s, len, pos, cp);
}

int dw_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    if (!s)
        return len == 0;
    return dwi_utf8_utf16_length(s, len, NULL, bad_offset);
}

static const char hex[] = "0123456789ABCDEF";
static const char hex_lower[] = "0123456789abcdef";

/* One code point (raw[0..n) in the input; bad: an invalid byte) in the style. */
static void put(dwi_out *o, dw_escape_style style, const char *raw, size_t n, uint32_t cp, int bad)
{
    switch (style) {
    case DW_ESCAPE_TEXT:
        if (bad || ((cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) && cp != '\n' && cp != '\t' &&
                    cp != '\r')) {
            unsigned v = bad ? (unsigned char)raw[0] : (unsigned)cp;
            char e[4] = {'\\', 'x', hex[(v >> 4) & 0xF], hex[v & 0xF]};
            dwi_out_bytes(o, e, 4);
        } else if (cp == '\n') {
            dwi_out_str(o, "\\n");
        } else if (cp == '\t') {
            dwi_out_str(o, "\\t");
        } else if (cp == '\r') {
            dwi_out_str(o, "\\r");
        } else {
            dwi_out_bytes(o, raw, n);
        }
        return;
    case DW_ESCAPE_JSON:
        if (bad)
            dwi_out_str(o, "\\ufffd");
        else if (cp == '"')
            dwi_out_str(o, "\\\"");
        else if (cp == '\\')
            dwi_out_str(o, "\\\\");
        else if (cp == '\n')
            dwi_out_str(o, "\\n");
        else if (cp == '\t')
            dwi_out_str(o, "\\t");
        else if (cp == '\r')
            dwi_out_str(o, "\\r");
        else if (cp < 0x20 || cp == 0x7F) {
            char e[6] = {'\\', 'u', '0', '0', hex_lower[(cp >> 4) & 0xF], hex_lower[cp & 0xF]};
            dwi_out_bytes(o, e, 6);
        } else
            dwi_out_bytes(o, raw, n);
        return;
    case DW_ESCAPE_XML:
        if (bad || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
            dwi_out_str(o, REPLACEMENT);
        else if (cp == '&')
            dwi_out_str(o, "&amp;");
        else if (cp == '<')
            dwi_out_str(o, "&lt;");
        else if (cp == '>')
            dwi_out_str(o, "&gt;");
        else if (cp == '"')
            dwi_out_str(o, "&quot;");
        else if (cp < 0x20) { /* tab, newline, carriage return: references survive attribute normalisation */
            dwi_out_str(o, "&#");
            dwi_out_u64(o, cp);
            dwi_out_char(o, ';');
        } else
            dwi_out_bytes(o, raw, n);
        return;
    case DW_ESCAPE_SYSLOG:
        if (bad || cp < 0x20 || cp == 0x7F)
            dwi_out_str(o, REPLACEMENT);
        else if (cp == '"' || cp == '\\' || cp == ']') {
            dwi_out_char(o, '\\');
            dwi_out_char(o, (char)cp);
        } else
            dwi_out_bytes(o, raw, n);
        return;
    case DW_ESCAPE_LABEL:
        if (bad)
            dwi_out_str(o, REPLACEMENT);
        else if (cp == '\\')
            dwi_out_str(o, "\\\\");
        else if (cp == '"')
            dwi_out_str(o, "\\\"");
        else if (cp == '\n')
            dwi_out_str(o, "\\n");
        else
            dwi_out_bytes(o, raw, n);
        return;
    }
}

dw_status dw_escape(dw_escape_style style, const char *s, size_t len, char *buf, size_t size, size_t *needed)
{
    if ((!s && len) || (unsigned)style > DW_ESCAPE_LABEL || (!buf && size))
        return DW_E_INVAL;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t cp;
        int ok = dwi_utf8_next(s, len, &i, &cp);
        put(&o, style, s + start, i - start, cp, !ok);
    }
    return dwi_out_finish(&o, needed);
}

dw_status dw_escape_alloc(dw_escape_style style, const char *s, size_t len, char **out, size_t *out_len)
{
    size_t needed = 0;
    if (!out)
        return DW_E_INVAL;
    *out = NULL;
    dw_status st = dw_escape(style, s, len, NULL, 0, &needed);
    if (st != DW_E_BUFFER && st != DW_OK)
        return st;
    char *b = malloc(needed);
    if (!b)
        return DW_E_NOMEM;
    st = dw_escape(style, s, len, b, needed, NULL);
    if (st != DW_OK) {
        free(b);
        return st;
    }
    if (out_len)
        *out_len = needed - 1;
    *out = b;
    return DW_OK;
}

void dwi_quote(dwi_out *o, const char *s, size_t len)
{
    size_t shown = 0, i = 0;
    dwi_out_char(o, '\'');
    while (i < len) {
        /* escape one character apart first, so that the cut never falls inside it */
        char one[8];
        dwi_out t;
        dwi_out_init(&t, one, sizeof one);
        size_t start = i;
        uint32_t cp;
        int ok = dwi_utf8_next(s, len, &i, &cp);
        put(&t, DW_ESCAPE_TEXT, s + start, i - start, cp, !ok);
        if (shown + t.len > DW_QUOTE_MAX) {
            i = start;
            break;
        }
        dwi_out_bytes(o, one, t.len);
        shown += t.len;
    }
    if (i < len) {
        dwi_out_str(o, "...' (");
        dwi_out_u64(o, len);
        dwi_out_str(o, " bytes)");
    } else {
        dwi_out_char(o, '\'');
    }
}

dw_status dw_quote(const char *s, size_t len, char *buf, size_t size, size_t *needed)
{
    if ((!s && len) || (!buf && size))
        return DW_E_INVAL;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    dwi_quote(&o, s, len);
    return dwi_out_finish(&o, needed);
}

typedef struct quote_args {
    const char *s;
    size_t len;
} quote_args;

static dw_status fill_quote(const void *args, char *buf, size_t size, size_t *needed)
{
    const quote_args *a = args;
    return dw_quote(a->s, a->len, buf, size, needed);
}

dw_status dw_quote_alloc(const char *s, size_t len, char **out, size_t *out_len)
{
    quote_args a = {s, len};
    return dwi_alloc_text(fill_quote, &a, DW_OK, out, out_len);
}
