/* SPDX-License-Identifier: MIT */
/*
 * DropDirectoryQuota as text, exactly as Exchange's ByteQuantifiedSize parses and prints it (read from
 * the decompiled class; ../shared/exchange.md). tests/quota/ holds the generator that runs the real .NET
 * formatter and parser over several hundred values, and the committed tables the C tests compare with.
 *
 * Printing: the largest unit among TB, GB, MB, KB whose whole count (bytes >> 40/30/20/10) is not zero,
 * else B; the quotient as a .NET double formatted "G4" (four significant digits, ties to even on the
 * exact binary value, no trailing zeros, exponent form "1.024E+04" from five integer digits on); a space,
 * the unit, " (", the byte count with comma thousands separators, " bytes)".
 *
 * Parsing (after trimming white space): "unlimited" (any case), or
 *   number [ " " ] [ unit ] [ [ " " ] "(" count " bytes)" ]
 * where number is at most 15 characters, starts with a digit, '.' or ',' and ends in a digit, and reads
 * as .NET's Float | AllowThousands number (commas anywhere after the first integer digit, one '.', an
 * exponent "e[+-]d"); unit is B, KB, MB, GB or TB in any case (binary multiples); a bare number is bytes.
 * The value is the number as a double times the unit, the fraction of a byte cut off; a count in
 * parentheses, when present, wins. libdropwatch adds two refusals of its own: zero (its "unlimited" is
 * spelled out) and more than 2^63 bytes.
 */
#include <string.h>

#include "dropwatch/quota.h"
#include "internal.h"

#define QUOTA_MAX (UINT64_C(1) << 63)
#define NUMBER_MAX 15
/* DropDirectoryQuota's stored range: 1 MB to 2,147,483,647 MB. */
#define DROP_QUOTA_MIN (UINT64_C(1) << 20)
#define DROP_QUOTA_MAX (UINT64_C(2147483647) << 20)

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static int is_number_char(char c)
{
    return is_digit(c) || c == '.' || c == ',' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* Exact powers of ten as doubles (10^22 is the largest a double holds exactly). */
static const double pow10_tab[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
 * .NET's Float | AllowThousands number over [s, s+n), times 2^shift, cut to an integer, as .NET computes
 * it: the decimal rounded once to a double, then multiplied (exactly) by the power of two. With at most
 * 15 characters the digits fit a double exactly and a single multiplication or division by an exact
 * power of ten is that correctly rounded double (Clinger's fast path), so no locale-dependent strtod is
 * needed. Returns 0 when the text is not such a number or the result reaches 2^64.
 */
static int number_value(const char *s, size_t n, unsigned shift, uint64_t *out)
{
    uint64_t mant = 0;
    int digits = 0, frac = 0, seen_point = 0;
    size_t i = 0;
    for (; i < n; i++) {
        char c = s[i];
        if (is_digit(c)) {
            mant = mant * 10 + (uint64_t)(c - '0');
            digits++;
            if (seen_point)
                frac++;
        } else if (c == ',' && digits > 0 && !seen_point) {
            /* .NET accepts a group separator anywhere after the first integer digit */
        } else if (c == '.' && !seen_point) {
            seen_point = 1;
        } else {
            break;
        }
    }
    if (digits == 0)
        return 0;
    long exp = 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int neg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            neg = s[i++] == '-';
        if (i == n || !is_digit(s[i]))
            return 0;
        for (; i < n && is_digit(s[i]); i++)
            if (exp < 100000)
                exp = exp * 10 + (s[i] - '0');
        if (neg)
            exp = -exp;
    }
    if (i != n)
        return 0;
    long e10 = exp - frac;
    if (mant == 0) {
        *out = 0;
        return 1;
    }
    if (e10 > 22)
        return 0; /* at least 10^23: beyond 2^64 whatever the unit */
    double x;
    if (e10 >= 0) {
        x = (double)mant * pow10_tab[e10];
    } else if (e10 >= -22) {
        x = (double)mant / pow10_tab[-e10];
    } else {
        /* below 10^-7 (15 digits at most): even times 2^40 it stays under 2^17, far from a rounding edge
         * that could move the truncated integer */
        x = (double)mant;
        for (long k = e10; k < 0; k++) {
            x /= 10.0;
            if (x < 1e-30) {
                x = 0;
                break;
            }
        }
    }
    double v = x * (double)(UINT64_C(1) << shift);
    if (!(v < 18446744073709551616.0))
        return 0;
    *out = (uint64_t)v;
    return 1;
}

/* .NET's ulong parse with AllowThousands over [s, s+n): digits, commas after the first digit. */
static int count_value(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i])) {
            unsigned d = (unsigned)(s[i] - '0');
            if (v > (UINT64_MAX - d) / 10)
                return 0;
            v = v * 10 + d;
            digits++;
        } else if (s[i] != ',' || digits == 0) {
            return 0;
        }
    }
    if (!digits)
        return 0;
    *out = v;
    return 1;
}

/* Exchange's parse (see the top of this file); *bytes may be 0. DW_E_PARSE when not accepted. */
static dw_status parse_exchange(const char *text, uint64_t *bytes, int *unlimited)
{
    const char *p = text, *end = text + strlen(text);
    while (p < end && is_space(*p))
        p++;
    while (end > p && is_space(end[-1]))
        end--;
    *unlimited = 0;
    static const char word[] = "UNLIMITED";
    if ((size_t)(end - p) == sizeof word - 1) {
        size_t k = 0;
        while (k < sizeof word - 1 && upper(p[k]) == word[k])
            k++;
        if (k == sizeof word - 1) {
            *unlimited = 1;
            *bytes = 0;
            return DW_OK;
        }
    }
    /* the number: the longest run of number characters, which must end in a digit */
    const char *num = p;
    while (p < end && is_number_char(*p))
        p++;
    size_t nlen = (size_t)(p - num);
    if (nlen == 0 || nlen > NUMBER_MAX || !is_digit(num[nlen - 1]) || num[0] == '+' || num[0] == '-' ||
        num[0] == 'e' || num[0] == 'E')
        return DW_E_PARSE;
    /* optional space, optional unit */
    unsigned shift = 0;
    const char *q = p;
    if (q < end && *q == ' ')
        q++;
    const char *u = q;
    if (u < end && (upper(*u) == 'K' || upper(*u) == 'M' || upper(*u) == 'G' || upper(*u) == 'T'))
        u++;
    if (u < end && upper(*u) == 'B') {
        switch (upper(*q)) {
        case 'K': shift = 10; break;
        case 'M': shift = 20; break;
        case 'G': shift = 30; break;
        case 'T': shift = 40; break;
        default: break;
        }
        p = u + 1;
    }
    /* optional " (N bytes)" */
    const char *count = NULL;
    size_t clen = 0;
    q = p;
    if (q < end && *q == ' ')
        q++;
    if (q < end && *q == '(') {
        static const char tail[] = " BYTES)";
        const char *c = q + 1, *ce = c;
        while (ce < end && (is_digit(*ce) || *ce == ','))
            ce++;
        if ((size_t)(end - ce) < sizeof tail - 1)
            return DW_E_PARSE;
        for (size_t k = 0; k < sizeof tail - 1; k++)
            if (upper(ce[k]) != tail[k])
                return DW_E_PARSE;
        count = c;
        clen = (size_t)(ce - c);
        p = ce + sizeof tail - 1;
    }
    if (p != end)
        return DW_E_PARSE;
    if (count)
        return count_value(count, clen, bytes) ? DW_OK : DW_E_PARSE;
    return number_value(num, nlen, shift, bytes) ? DW_OK : DW_E_PARSE;
}

dw_status dw_quota_parse(const char *text, uint64_t *bytes)
{
    if (!text || !bytes)
        return DW_E_INVAL;
    *bytes = 0;
    uint64_t v = 0;
    int unlimited = 0;
    dw_status st = parse_exchange(text, &v, &unlimited);
    if (st != DW_OK)
        return st;
    if (unlimited)
        return DW_OK;
    if (v == 0 || v > QUOTA_MAX)
        return DW_E_PARSE;
    *bytes = v;
    return DW_OK;
}

dw_status dw_quota_validate(uint64_t bytes)
{
    return bytes == 0 || (bytes >= DROP_QUOTA_MIN && bytes <= DROP_QUOTA_MAX) ? DW_OK : DW_E_INVAL;
}

/* Decimal with thousands separators: 10485760 -> "10,485,760" (.NET "N0", invariant culture). */
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

/*
 * (double)bytes / 2^shift formatted "G4" as .NET does. The double is bytes rounded to 53 bits (ties to
 * even, as the conversion does) = mant / 2^s exactly; the four digits are rounded from that exact value,
 * ties to even (what the table generated with .NET shows, e.g. 1000.5 KB prints "1000").
 */
static void out_g4(dwi_out *o, uint64_t bytes, unsigned shift)
{
    uint64_t mant = bytes;
    unsigned dropped = 0;
    while (mant >> 53) {
        mant >>= 1;
        dropped++;
    }
    if (dropped) {
        uint64_t rem = bytes & ((UINT64_C(1) << dropped) - 1), half = UINT64_C(1) << (dropped - 1);
        if (rem > half || (rem == half && (mant & 1)))
            mant++;
        if (mant >> 53) {
            mant >>= 1;
            dropped++;
        }
    }
    /* value = mant * 2^dropped / 2^shift; bytes >= 2^53 only happens with TB (shift 40 > dropped) */
    unsigned s = shift - dropped;
    uint64_t whole = mant >> s; /* >= 1: the unit was chosen so */
    unsigned n = (unsigned)dwi_decimal_digits(whole);
    uint64_t q, r, den;
    int e10; /* value ~ q * 10^e10 */
    if (n <= 4) {
        unsigned p = 4 - n;
        uint64_t scale = p == 3 ? 1000 : p == 2 ? 100 : p == 1 ? 10 : 1;
        uint64_t num = mant * scale; /* < 2^54 * 1000 */
        den = UINT64_C(1) << s;
        q = num >> s;
        r = num & (den - 1);
        e10 = -(int)p;
    } else {
        uint64_t pw = 1;
        for (unsigned k = 4; k < n; k++)
            pw *= 10;
        den = pw << s; /* < 10^4 * 2^40 */
        q = mant / den;
        r = mant % den;
        e10 = (int)n - 4;
    }
    if (2 * r > den || (2 * r == den && (q & 1)))
        q++;
    if (q == 10000) {
        q = 1000;
        e10++;
    }
    char d[4];
    for (int k = 3; k >= 0; k--) {
        d[k] = (char)('0' + q % 10);
        q /= 10;
    }
    int last = 3;
    while (last > 0 && d[last] == '0')
        last--;
    int x = e10 + 3; /* decimal exponent of the leading digit */
    if (x >= 4) {
        dwi_out_char(o, d[0]);
        if (last > 0) {
            dwi_out_char(o, '.');
            dwi_out_bytes(o, d + 1, (size_t)last);
        }
        dwi_out_str(o, "E+");
        if (x < 10)
            dwi_out_char(o, '0');
        dwi_out_u64(o, (uint64_t)x);
        return;
    }
    int int_digits = x + 1; /* 1..4 */
    dwi_out_bytes(o, d, (size_t)int_digits);
    if (last >= int_digits) {
        dwi_out_char(o, '.');
        dwi_out_bytes(o, d + int_digits, (size_t)(last - int_digits + 1));
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
    unsigned u = 4;
    while (u > 0 && (bytes >> (10 * u)) == 0)
        u--;
    out_g4(&o, bytes, 10 * u);
    dwi_out_char(&o, ' ');
    dwi_out_str(&o, units[u]);
    dwi_out_str(&o, " (");
    out_grouped(&o, bytes);
    dwi_out_str(&o, " bytes)");
    return dwi_out_finish(&o, needed);
}

static dw_status fill_quota(const void *args, char *buf, size_t size, size_t *needed)
{
    return dw_quota_format(*(const uint64_t *)args, buf, size, needed);
}

dw_status dw_quota_format_alloc(uint64_t bytes, char **out)
{
    return dwi_alloc_text(fill_quota, &bytes, DW_OK, out, NULL);
}
