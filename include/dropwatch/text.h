/* SPDX-License-Identifier: MIT */
/**
 * @file dropwatch/text.h
 * UTF-8 and escaping helpers for callers that show library data (paths, connector names, envelope
 * addresses) on a terminal, in JSON, XML, syslog or metrics output: the library's own strict decoder,
 * so that every caller treats invalid input the same way (doc/dw_escape.3).
 */
#ifndef DROPWATCH_TEXT_H
#define DROPWATCH_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** How dw_escape() writes a text. New styles are only ever appended. */
typedef enum dw_escape_style {
    DW_ESCAPE_TEXT = 0,   /**< terminal: "\n", "\t", "\r"; other control characters and invalid bytes as "\xNN" */
    DW_ESCAPE_JSON = 1,   /**< JSON string content: '"', '\\', control characters escaped; invalid bytes as \ufffd */
    DW_ESCAPE_XML = 2,    /**< XML 1.0 text or attribute: &amp; &lt; &gt; &quot;; characters XML cannot carry become U+FFFD */
    DW_ESCAPE_SYSLOG = 3, /**< RFC 5424 PARAM-VALUE: '"', '\\', ']' escaped; control characters and invalid bytes become U+FFFD */
    DW_ESCAPE_LABEL = 4   /**< Prometheus / OpenMetrics label value: '\\', '"', newline escaped; invalid bytes become U+FFFD */
} dw_escape_style;

/**
 * Lenient UTF-8 walk: decode the code point at s[*pos] (the library's strict decoder: no overlong forms,
 * surrogates or values above U+10FFFF) into *cp and advance *pos past it. Returns 1 for a valid code
 * point; 0 for an invalid byte, with *cp = U+FFFD and *pos advanced by one byte. -1 (nothing read) when
 * an argument is NULL or *pos >= len.
 */
DW_API int dw_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp);

/**
 * 1 when s[0..len) is valid UTF-8 (as above), else 0 with the offset of the first invalid byte in
 * *bad_offset (may be NULL). NULL s with len 0 is valid.
 */
DW_API int dw_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/**
 * Escape s[0..len) in `style` into buf (caller-buffer rules of the API: the text and its NUL, *needed
 * receives the size required; DW_E_BUFFER when it did not fit). DW_E_INVAL for NULL s with len > 0, an
 * unknown style, or NULL buf with size > 0.
 */
DW_API dw_status dw_escape(dw_escape_style style, const char *s, size_t len, char *buf, size_t size,
                           size_t *needed);

/** dw_escape() into a newly allocated string (free it with dw_free()); *out_len (may be NULL) gets its length. */
DW_API dw_status dw_escape_alloc(dw_escape_style style, const char *s, size_t len, char **out, size_t *out_len);

/** At most this many bytes of escaped text stand between the quotes of dw_quote() (so at most this many
 *  bytes of the input are shown). */
#define DW_QUOTE_MAX 200
/** A buffer of this size always holds dw_quote()'s text and its NUL, whatever the input. */
#define DW_QUOTE_SIZE (DW_QUOTE_MAX + 40)

/**
 * Quote caller input for an error description, bounded (doc/dw_quote.3): s[0..len) escaped as
 * DW_ESCAPE_TEXT between single quotes, "'text'"; when the escaped text would exceed DW_QUOTE_MAX bytes it
 * is cut before the first character (or escape sequence) that does not fit and marked with the input's
 * length: "'text...' (100000 bytes)". Caller-buffer rules as dw_escape(); DW_QUOTE_SIZE always fits.
 * DW_E_INVAL for NULL s with len > 0, or NULL buf with size > 0.
 */
DW_API dw_status dw_quote(const char *s, size_t len, char *buf, size_t size, size_t *needed);

/** dw_quote() into a newly allocated string (free it with dw_free()); *out_len (may be NULL) gets its length. */
DW_API dw_status dw_quote_alloc(const char *s, size_t len, char **out, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_TEXT_H */
