/* SPDX-License-Identifier: MIT */
/* Strict UTF-8 decoding (internal). Strictness matters: an overlong "/" (C0 AF) must never slip past the
 * separator check of the DropDirectory validator. */
#include "utf8.h"

size_t dwi_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned char b0 = s[0];
    if (b0 < 0x80) {
        *cp = b0;
        return 1;
    }
    size_t need;
    uint32_t min, v;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 2; min = 0x80; v = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 3; min = 0x800; v = b0 & 0x0Fu;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 4; min = 0x10000; v = b0 & 0x07u;
    } else {
        return 0; /* continuation byte, C0/C1 overlong lead, or F5..FF */
    }
    if (len < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFFu || (v >= 0xD800u && v <= 0xDFFFu))
        return 0;
    *cp = v;
    return need;
}

int dwi_utf8_next(const char *s, size_t len, size_t *pos, uint32_t *cp)
{
    size_t k = dwi_utf8_decode((const unsigned char *)s + *pos, len - *pos, cp);
    if (k == 0) {
        *cp = DWI_UTF8_REPLACEMENT;
        *pos += 1;
        return 0;
    }
    *pos += k;
    return 1;
}

int dwi_utf8_utf16_length(const char *s, size_t len, size_t *units, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = dwi_utf8_decode(p + i, len - i, &cp);
        if (k == 0) {
            if (bad_offset)
                *bad_offset = i;
            if (units)
                *units = n;
            return 0;
        }
        n += dwi_utf16_units(cp);
        i += k;
    }
    if (units)
        *units = n;
    return 1;
}

size_t dwi_utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}
