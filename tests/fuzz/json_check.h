/* SPDX-License-Identifier: MIT */
/* A small strict JSON (RFC 8259 / I-JSON) validator for the alert properties. */
#ifndef DW_JSON_CHECK_H
#define DW_JSON_CHECK_H

#include <stddef.h>

/*
 * Validate s[0..len) as exactly one JSON value with optional surrounding whitespace. Strict: valid UTF-8
 * only, no raw control characters in strings, no lone surrogate escapes, no duplicate member names, no
 * leading zeros, nesting at most 64 deep. Returns 1 when valid; else 0 with the byte offset of the error
 * in *err_at (may be NULL) and a short reason in *why (may be NULL).
 */
int json_check(const char *s, size_t len, size_t *err_at, const char **why);

/* 1 when the document is a JSON object whose top level has a member named `key` (raw, unescaped). */
int json_has_top_key(const char *s, size_t len, const char *key);

#endif
