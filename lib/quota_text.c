/* SPDX-License-Identifier: MIT */
/*
 * DropDirectoryQuota as text: parsing what Exchange and its cmdlets write, and printing it the way
 * Get-ForeignConnector does.
 *
 * Grammar (ASCII, case-insensitive, surrounding spaces/tabs ignored):
 *   quota  = "unlimited" | amount [ spaces "(" spaces integer spaces "bytes" spaces ")" ]
 *   amount = number [ spaces ] [ unit ]          (no unit: bytes, and the number must be whole)
 *   number = integer [ "." 1*18DIGIT ]
 *   integer = 1*DIGIT | 1*3DIGIT 1*( "," 3DIGIT ) (thousands separators only in whole groups)
 *   unit   = "B" | "bytes" | "KB" | "MB" | "GB" | "TB"   (binary multiples: KB = 1024 bytes)
 * When the parenthesised byte count is present it wins (the leading amount is rounded for display).
 * Fractions of a byte are truncated. Zero, negative values and values above 2^63 are rejected.
 */
#include <string.h>

#include "dropwatch/guard.h"
#include "internal.h"

#define QUOTA_MAX (UINT64_C(1) << 63)
#define MAX_DECIMALS 18

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static void skip_spaces(const char **p)
{
    while (is_space(**p))
        (*p)++;
}

/* Case-insensitive keyword match that does not run into a following letter. */
static int keyword(const char **p, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i < n; i++)
        if (lower((*p)[i]) != word[i])
            return 0;
    char next = lower((*p)[n]);
    if (next >= 'a' && next <= 'z')
        return 0;
    *p += n;
    return 1;
}

/* Whole number with optional thousands separators; 0 on overflow or malformed grouping. */
static int parse_integer(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    size_t group = 0, groups = 0;
    int grouped = 0;
    if (!(*s >= '0' && *s <= '9'))
        return 0;
    for (;;) {
        if (*s >= '0' && *s <= '9') {
            unsigned d = (unsigned)(*s - '0');
            if (v > (UINT64_MAX - d) / 10)
                return 0;
            v = v * 10 + d;
            group++;
            s++;
        } else if (*s == ',' && s[1] >= '0' && s[1] <= '9') {
            /* the first group has 1..3 digits, every later one exactly 3 */
            if ((groups == 0 && group > 3) || (groups > 0 && group != 3))
                return 0;
            grouped = 1;
            groups++;
            group = 0;
            s++;
        } else {
            break;
        }
    }
    if (grouped && group != 3)
        return 0;
    *out = v;
    *p = s;
    return 1;
}

/* floor(frac / 10^digits * 2^shift) without overflow: doubling with a remainder. */
static uint64_t scaled_fraction(uint64_t frac, uint64_t pow10, unsigned shift)
{
    uint64_t q = 0, r = frac;
    for (unsigned i = 0; i < shift; i++) {
        q <<= 1;
        r <<= 1;
        if (r >= pow10) {
            q++;
            r -= pow10;
        }
    }
    return q;
}

dw_status dw_quota_parse(const char *text, uint64_t *bytes)
{
    if (!text || !bytes)
        return DW_E_INVAL;
    *bytes = 0;
    const char *p = text;
    skip_spaces(&p);
    if (keyword(&p, "unlimited")) {
        skip_spaces(&p);
        return *p ? DW_E_PARSE : DW_OK;
    }

    uint64_t whole, frac = 0, pow10 = 1;
    unsigned decimals = 0;
    if (!parse_integer(&p, &whole))
        return DW_E_PARSE;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return DW_E_PARSE;
        while (*p >= '0' && *p <= '9') {
            if (++decimals > MAX_DECIMALS)
                return DW_E_PARSE;
            frac = frac * 10 + (uint64_t)(*p - '0');
            pow10 *= 10;
            p++;
        }
    }
    skip_spaces(&p);
    unsigned shift = 0;
    int has_unit = 1;
    if (keyword(&p, "bytes") || keyword(&p, "b"))
        shift = 0;
    else if (keyword(&p, "kb"))
        shift = 10;
    else if (keyword(&p, "mb"))
        shift = 20;
    else if (keyword(&p, "gb"))
        shift = 30;
    else if (keyword(&p, "tb"))
        shift = 40;
    else
        has_unit = 0;
    if (!has_unit && decimals)
        return DW_E_PARSE; /* "1.5" is neither bytes nor a size */

    uint64_t value;
    if (whole > (QUOTA_MAX >> shift))
        return DW_E_PARSE;
    value = (whole << shift) + scaled_fraction(frac, pow10, shift);

    skip_spaces(&p);
    if (*p == '(') {
        /* Get-ForeignConnector's "10 MB (10,485,760 bytes)": the exact count wins */
        if (!has_unit)
            return DW_E_PARSE;
        p++;
        skip_spaces(&p);
        if (!parse_integer(&p, &value))
            return DW_E_PARSE;
        skip_spaces(&p);
        if (!keyword(&p, "bytes"))
            return DW_E_PARSE;
        skip_spaces(&p);
        if (*p != ')')
            return DW_E_PARSE;
        p++;
        skip_spaces(&p);
    }
    if (*p)
        return DW_E_PARSE;
    if (value == 0 || value > QUOTA_MAX)
        return DW_E_PARSE;
    *bytes = value;
    return DW_OK;
}

/* Decimal with thousands separators: 10485760 -> "10,485,760". */
static void out_grouped(dwi_out *o, uint64_t v)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        dwi_out_char(o, digits[--n]);
        if (n && n % 3 == 0)
            dwi_out_char(o, ',');
    }
}

dw_status dw_quota_format(uint64_t bytes, char *buf, size_t size, size_t *needed)
{
    if (!buf && size)
        return DW_E_INVAL;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    if (bytes == 0) {
        dwi_out_str(&o, "unlimited");
        return dwi_out_finish(&o, needed);
    }
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
    unsigned u = 0;
    while (u < 4 && bytes >= (UINT64_C(1) << (10 * (u + 1))))
        u++;
    uint64_t whole = bytes >> (10 * u);
    uint64_t rem = bytes - (whole << (10 * u));
    /* two decimals, truncated (never rounded up into the next unit), trailing zeros dropped */
    uint64_t hundredths = u ? (rem * 100) >> (10 * u) : 0;
    dwi_out_u64(&o, whole);
    if (hundredths) {
        dwi_out_char(&o, '.');
        dwi_out_char(&o, (char)('0' + hundredths / 10));
        if (hundredths % 10)
            dwi_out_char(&o, (char)('0' + hundredths % 10));
    }
    dwi_out_char(&o, ' ');
    dwi_out_str(&o, units[u]);
    dwi_out_str(&o, " (");
    out_grouped(&o, bytes);
    dwi_out_str(&o, " bytes)");
    return dwi_out_finish(&o, needed);
}
