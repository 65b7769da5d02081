/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding shared by the validator, the resolver and the alert formatter (internal). */
#ifndef DW_LIB_UTF8_H
#define DW_LIB_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Replacement character used when invalid input is replaced. */
#define DWI_UTF8_REPLACEMENT 0xFFFDu

/*
 * Decode one code point from s[0..len). Rejects overlong forms, UTF-16 surrogates (U+D800..U+DFFF),
 * values above U+10FFFF, stray continuation bytes and truncated sequences.
 * Returns the number of bytes consumed (1..4) and stores the code point in *cp; returns 0 when the bytes
 * at s are not valid UTF-8 (then *cp is undefined and the caller should skip exactly one byte). len must
 * be > 0.
 */
size_t dwi_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);

/*
 * Lenient walk for output and length counting: decode the code point at s[*pos] and advance *pos past it.
 * An invalid byte yields U+FFFD and advances one byte; returns 0 then, 1 for a valid code point.
 * *pos must be < len.
 */
int dwi_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp);

/* Number of UTF-16 code units of a code point (2 above the BMP). */
static inline size_t dwi_utf16_units(uint32_t cp) { return cp > 0xFFFFu ? 2 : 1; }

/*
 * Count UTF-16 code units of a valid UTF-8 string of len bytes. Returns 0 and sets *bad_offset when the
 * input is not valid UTF-8 (bad_offset may be NULL).
 */
int dwi_utf8_utf16_length(const char *s, size_t len, size_t *units, size_t *bad_offset);

/* Encode cp (must be a valid scalar value) as UTF-8 into out (4 bytes of room). Returns the byte count. */
size_t dwi_utf8_encode(uint32_t cp, char out[4]);

#endif /* DW_LIB_UTF8_H */
