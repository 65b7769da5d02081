/* SPDX-License-Identifier: MIT */
/* Strict recursive-descent JSON validator (see json_check.h). Written for the fuzz properties: no
 * allocation beyond a bounded member-name table per object, no recursion deeper than MAX_DEPTH. */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include "json_check.h"

#include <stdint.h>
#include <string.h>

#include "fuzz_common.h"

#define MAX_DEPTH 64
#define MAX_KEYS 256

typedef struct {
    const char *s;
    size_t len, pos;
    const char *why;
    int top_key_seen;
    const char *want_key;
} parser;

static int fail(parser *p, const char *why)
{
    if (!p->why)
        p->why = why;
    return 0;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int hex4(parser *p, uint32_t *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        if (p->pos >= p->len)
            return fail(p, "truncated \\u escape");
        char c = p->s[p->pos++];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return fail(p, "bad hex digit in \\u escape");
        *v = *v << 4 | d;
    }
    return 1;
}

/* Parse a string; on success [*start, *end) is its raw content (between the quotes). */
static int parse_string(parser *p, size_t *start, size_t *end)
{
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return fail(p, "expected string");
    p->pos++;
    *start = p->pos;
    while (p->pos < p->len) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == '"') {
            *end = p->pos++;
            return 1;
        }
        if (c < 0x20)
            return fail(p, "raw control character in string");
        if (c == '\\') {
            p->pos++;
            if (p->pos >= p->len)
                return fail(p, "truncated escape");
            char e = p->s[p->pos++];
            if (e == 'u') {
                uint32_t v;
                if (!hex4(p, &v))
                    return 0;
                if (v >= 0xDC00 && v <= 0xDFFF)
                    return fail(p, "lone low surrogate escape");
                if (v >= 0xD800 && v <= 0xDBFF) {
                    uint32_t w;
                    if (p->pos + 2 > p->len || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
                        return fail(p, "lone high surrogate escape");
                    p->pos += 2;
                    if (!hex4(p, &w))
                        return 0;
                    if (w < 0xDC00 || w > 0xDFFF)
                        return fail(p, "high surrogate not followed by a low one");
                }
            } else if (!strchr("\"\\/bfnrt", e) || e == '\0') {
                return fail(p, "invalid escape");
            }
            continue;
        }
        uint32_t cp;
        size_t n = fuzz_utf8_decode((const unsigned char *)p->s + p->pos, p->len - p->pos, &cp);
        if (!n)
            return fail(p, "invalid UTF-8 in string");
        p->pos += n;
    }
    return fail(p, "unterminated string");
}

static int digits(parser *p)
{
    size_t s = p->pos;
    while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
        p->pos++;
    return p->pos > s;
}

static int parse_number(parser *p)
{
    if (p->pos < p->len && p->s[p->pos] == '-')
        p->pos++;
    if (p->pos < p->len && p->s[p->pos] == '0') {
        p->pos++;
    } else if (!digits(p)) {
        return fail(p, "bad number");
    }
    if (p->pos < p->len && p->s[p->pos] == '.') {
        p->pos++;
        if (!digits(p))
            return fail(p, "bad fraction");
    }
    if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
            p->pos++;
        if (!digits(p))
            return fail(p, "bad exponent");
    }
    return 1;
}

static int parse_value(parser *p, int depth);

static int parse_object(parser *p, int depth)
{
    size_t ks[MAX_KEYS], ke[MAX_KEYS];
    size_t nkeys = 0;
    p->pos++; /* '{' */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return 1;
    }
    for (;;) {
        size_t a, b;
        skip_ws(p);
        if (!parse_string(p, &a, &b))
            return 0;
        for (size_t i = 0; i < nkeys; i++)
            if (ke[i] - ks[i] == b - a && memcmp(p->s + ks[i], p->s + a, b - a) == 0)
                return fail(p, "duplicate member name");
        if (nkeys == MAX_KEYS)
            return fail(p, "too many members");
        ks[nkeys] = a;
        ke[nkeys++] = b;
        if (depth == 1 && p->want_key && strlen(p->want_key) == b - a && memcmp(p->want_key, p->s + a, b - a) == 0)
            p->top_key_seen = 1;
        skip_ws(p);
        if (p->pos >= p->len || p->s[p->pos] != ':')
            return fail(p, "expected ':'");
        p->pos++;
        if (!parse_value(p, depth))
            return 0;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == '}') {
            p->pos++;
            return 1;
        }
        return fail(p, "expected ',' or '}'");
    }
}

static int parse_array(parser *p, int depth)
{
    p->pos++; /* '[' */
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return 1;
    }
    for (;;) {
        if (!parse_value(p, depth))
            return 0;
        skip_ws(p);
        if (p->pos < p->len && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->len && p->s[p->pos] == ']') {
            p->pos++;
            return 1;
        }
        return fail(p, "expected ',' or ']'");
    }
}

static int literal(parser *p, const char *word)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail(p, "unexpected character");
    p->pos += n;
    return 1;
}

static int parse_value(parser *p, int depth)
{
    skip_ws(p);
    if (p->pos >= p->len)
        return fail(p, "unexpected end");
    if (depth >= MAX_DEPTH)
        return fail(p, "nesting too deep");
    char c = p->s[p->pos];
    size_t a, b;
    switch (c) {
    case '{': return parse_object(p, depth + 1);
    case '[': return parse_array(p, depth + 1);
    case '"': return parse_string(p, &a, &b);
    case 't': return literal(p, "true");
    case 'f': return literal(p, "false");
    case 'n': return literal(p, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return parse_number(p);
        return fail(p, "unexpected character");
    }
}

static int run(parser *p)
{
    if (!parse_value(p, 0))
        return 0;
    skip_ws(p);
    if (p->pos != p->len)
        return fail(p, "trailing data after the value");
    return 1;
}

int json_check(const char *s, size_t len, size_t *err_at, const char **why)
{
    parser p = {s, len, 0, NULL, 0, NULL};
    int ok = run(&p);
    if (!ok) {
        if (err_at)
            *err_at = p.pos;
        if (why)
            *why = p.why;
    }
    return ok;
}

int json_has_top_key(const char *s, size_t len, const char *key)
{
    parser p = {s, len, 0, NULL, 0, key};
    return run(&p) && p.top_key_seen;
}
