/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: DropDirectory validation (dw_name_validate, dw_name_validate_n, dw_name_is_reserved).
 * Property: a name that is accepted is a simple Windows directory name, judged by an independent
 * re-implementation of the rules in doc/libdropwatch.3 — never empty or blank, no '\' or '/', no
 * < > : " | ? *, no control character, no NUL, valid UTF-8, no separator look-alike, no trailing dot or
 * space (so never "." or ".." in any spelling), not a reserved device name (per dw_name_is_reserved and
 * per an independent check), at most 255 UTF-16 units. Rejections carry a name reason and an in-range
 * offset, and the NUL-terminated and length-delimited entry points agree.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include <string.h>

#include "dropwatch.h"
#include "fuzz_common.h"

/* Independent reserved-name check: the part before the first '.', trailing spaces removed, compared
 * case-insensitively (ASCII) with the device names, including the superscript-digit forms. */
static int independent_reserved(const char *s, size_t len)
{
    static const char *const names[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
    size_t base = 0;
    while (base < len && s[base] != '.')
        base++;
    while (base > 0 && s[base - 1] == ' ')
        base--;
    char up[16];
    if (base >= sizeof up)
        return 0;
    for (size_t i = 0; i < base; i++) {
        char c = s[i];
        up[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    up[base] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(up, names[i]) == 0)
            return 1;
    if (base == 4 && (memcmp(up, "COM", 3) == 0 || memcmp(up, "LPT", 3) == 0) && up[3] >= '0' && up[3] <= '9')
        return 1;
    /* COM¹ COM² COM³ LPT¹ LPT² LPT³: the superscript digit is two UTF-8 bytes (C2 B9 / C2 B2 / C2 B3). */
    if (base == 5 && (memcmp(up, "COM", 3) == 0 || memcmp(up, "LPT", 3) == 0) && (unsigned char)up[3] == 0xC2 &&
        ((unsigned char)up[4] == 0xB9 || (unsigned char)up[4] == 0xB2 || (unsigned char)up[4] == 0xB3))
        return 1;
    return 0;
}

static void check_accepted(const char *s, size_t len, const dw_name_check *chk)
{
    FUZZ_CHECK(chk->reason == DW_REASON_OK, "accepted with reason %d", (int)chk->reason);
    FUZZ_CHECK(len > 0, "empty name accepted");
    FUZZ_CHECK(memchr(s, '\0', len) == NULL, "name with NUL accepted");
    size_t spaces = 0;
    while (spaces < len && s[spaces] == ' ')
        spaces++;
    FUZZ_CHECK(spaces < len, "blank name accepted");
    FUZZ_CHECK(s[len - 1] != '.' && s[len - 1] != ' ', "name ending in dot or space accepted ('.'/'..' family)");
    FUZZ_CHECK(!(len == 1 && s[0] == '.') && !(len == 2 && s[0] == '.' && s[1] == '.'), "dot name accepted");

    size_t units = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = fuzz_utf8_decode(p + i, len - i, &cp);
        FUZZ_CHECK(n != 0, "invalid UTF-8 at byte %zu accepted", i);
        FUZZ_CHECK(cp != '\\' && cp != '/', "separator at byte %zu accepted", i);
        FUZZ_CHECK(cp >= 0x20, "control character U+%04X at byte %zu accepted", (unsigned)cp, i);
        FUZZ_CHECK(cp >= 0x80 || strchr("<>:\"|?*", (int)cp) == NULL, "forbidden character '%c' accepted", (char)cp);
        FUZZ_CHECK(cp != 0xFF0F && cp != 0xFF3C && cp != 0x2215, "separator look-alike U+%04X accepted", (unsigned)cp);
        units += cp > 0xFFFF ? 2 : 1;
        i += n;
    }
    FUZZ_CHECK(units <= DW_NAME_MAX_UTF16, "name of %zu UTF-16 units accepted", units);
    FUZZ_CHECK(chk->utf16_units == units, "utf16_units %zu, expected %zu", chk->utf16_units, units);

    char *z = malloc(len + 1);
    FUZZ_CHECK(z != NULL, "out of memory");
    memcpy(z, s, len);
    z[len] = '\0';
    FUZZ_CHECK(!dw_name_is_reserved(z), "name reserved per dw_name_is_reserved accepted: '%s'", z);
    FUZZ_CHECK(!independent_reserved(s, len), "reserved device name accepted: '%s'", z);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    dw_name_check chk;
    memset(&chk, 0xA5, sizeof chk); /* the call must fill every field */
    dw_status st = dw_name_validate_n(size ? s : NULL, size, &chk);
    FUZZ_CHECK(st == DW_OK || st == DW_E_NAME, "dw_name_validate_n returned %d", (int)st);
    if (st == DW_OK) {
        check_accepted(s, size, &chk);
    } else {
        FUZZ_CHECK(chk.reason > DW_REASON_OK && chk.reason < DW_REASON_PATH_TOO_LONG,
                   "rejected with a non-name reason %d", (int)chk.reason);
        FUZZ_CHECK(chk.offset <= size, "offset %zu beyond input of %zu bytes", chk.offset, size);
        FUZZ_CHECK(dw_reason_str(chk.reason) != NULL && dw_reason_name(chk.reason) != NULL, "reason without text");
    }
    /* A NULL result pointer gives the same verdict. */
    FUZZ_CHECK(dw_name_validate_n(size ? s : NULL, size, NULL) == st, "verdict depends on the out pointer");

    /* The NUL-terminated entry point agrees whenever the input has no NUL. */
    char *z = malloc(size + 1);
    FUZZ_CHECK(z != NULL, "out of memory");
    memcpy(z, data, size);
    z[size] = '\0';
    if (memchr(data, '\0', size) == NULL) {
        dw_name_check chk2;
        dw_status st2 = dw_name_validate(z, &chk2);
        FUZZ_CHECK(st2 == st, "dw_name_validate %d vs dw_name_validate_n %d", (int)st2, (int)st);
        FUZZ_CHECK(chk2.reason == chk.reason && chk2.offset == chk.offset, "reason/offset differ between entry points");
    }
    /* dw_name_is_reserved is total: any string, 0 or 1. */
    int r = dw_name_is_reserved(z);
    FUZZ_CHECK(r == 0 || r == 1, "dw_name_is_reserved returned %d", r);
    free(z);
    return 0;
}
