/* SPDX-License-Identifier: MIT */
/* Tests for lib/common.c: status texts, version, and the caller-buffer writer every formatter uses. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "../lib/internal.h"
#include "../lib/utf8.h"

START_TEST(test_status_texts_cover_every_code)
{
    for (int s = 0; s < DW_STATUS_COUNT; s++) {
        ck_assert_str_ne(dw_status_str((dw_status)s), "unknown status");
        ck_assert_str_ne(dw_status_name((dw_status)s), "DW_E_UNKNOWN");
    }
    ck_assert_str_eq(dw_status_name(DW_E_BUFFER), "DW_E_BUFFER");
    ck_assert_str_eq(dw_status_str((dw_status)999), "unknown status");
    ck_assert_str_eq(dw_status_name((dw_status)-1), "DW_E_UNKNOWN");
}
END_TEST

START_TEST(test_version_matches_header)
{
    ck_assert_str_eq(dw_version_string(), DW_VERSION_STRING);
    ck_assert_int_eq(dw_version_number(), DW_VERSION_NUMBER);
}
END_TEST

START_TEST(test_out_writer_fits)
{
    char buf[16];
    size_t needed = 0;
    dwi_out o;
    dwi_out_init(&o, buf, sizeof buf);
    dwi_out_str(&o, "abc");
    dwi_out_char(&o, '-');
    dwi_out_u64(&o, 1234567890ULL);
    ck_assert_int_eq(dwi_out_finish(&o, &needed), DW_OK);
    ck_assert_str_eq(buf, "abc-1234567890");
    ck_assert_uint_eq(needed, strlen("abc-1234567890") + 1);
}
END_TEST

START_TEST(test_out_writer_reports_needed_when_short)
{
    char buf[4];
    size_t needed = 0;
    ck_assert_int_eq(dwi_copy_out("hello", 5, buf, sizeof buf, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, 6);
    ck_assert_str_eq(buf, "hel"); /* truncated but terminated */
    ck_assert_int_eq(dwi_copy_out("hello", 5, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, 6);
    char exact[6];
    ck_assert_int_eq(dwi_copy_out("hello", 5, exact, sizeof exact, NULL), DW_OK);
    ck_assert_str_eq(exact, "hello");
}
END_TEST

START_TEST(test_utf8_decoder_is_strict)
{
    uint32_t cp;
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp), 2);
    ck_assert_uint_eq(cp, 0xE9);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xF0\x9F\x93\xA7", 4, &cp), 4);
    ck_assert_uint_eq(cp, 0x1F4E7);
    /* overlong '/', surrogate, beyond U+10FFFF, stray continuation, truncated */
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp), 0);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xE0\x80\xAF", 3, &cp), 0);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp), 0);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp), 0);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\x80", 1, &cp), 0);
    ck_assert_uint_eq(dwi_utf8_decode((const unsigned char *)"\xE2\x82", 2, &cp), 0);
    size_t units = 0, bad = 99;
    ck_assert_int_eq(dwi_utf8_utf16_length("a\xF0\x9F\x93\xA7", 5, &units, &bad), 1);
    ck_assert_uint_eq(units, 3);
    ck_assert_int_eq(dwi_utf8_utf16_length("ab\xFF", 3, &units, &bad), 0);
    ck_assert_uint_eq(bad, 2);
    /* the lenient walk: valid code points advance by their length, an invalid byte by one as U+FFFD */
    const char *mixed = "a\xFF\xC3\xA9";
    size_t pos = 0;
    ck_assert_int_eq(dwi_utf8_next(mixed, 4, &pos, &cp), 1);
    ck_assert_uint_eq(cp, 'a');
    ck_assert_uint_eq(pos, 1);
    ck_assert_int_eq(dwi_utf8_next(mixed, 4, &pos, &cp), 0);
    ck_assert_uint_eq(cp, DWI_UTF8_REPLACEMENT);
    ck_assert_uint_eq(pos, 2);
    ck_assert_int_eq(dwi_utf8_next(mixed, 4, &pos, &cp), 1);
    ck_assert_uint_eq(cp, 0xE9);
    ck_assert_uint_eq(pos, 4);
    char enc[4];
    ck_assert_uint_eq(dwi_utf8_encode(0xFFFD, enc), 3);
    ck_assert_int_eq(memcmp(enc, "\xEF\xBF\xBD", 3), 0);
}
END_TEST

/* A table like the formatters': printable ASCII except '"' and '\\'. */
static void quote_table(unsigned char t[128])
{
    for (int c = 0; c < 128; c++)
        t[c] = c >= 0x20 && c != 0x7F && c != '"' && c != '\\';
}

START_TEST(test_safe_run_stops_at_every_byte_class)
{
    unsigned char t[128];
    quote_table(t);
    enum { N = 24 };
    char s[N];
    /* Every byte value at every position, so each one lands before, on and after the eight-byte steps. */
    for (int b = 0; b < 256; b++) {
        int safe = b < 0x80 && t[b];
        for (size_t pos = 0; pos < N; pos++) {
            memset(s, 'a', N);
            s[pos] = (char)b;
            size_t want = safe ? N : pos;
            ck_assert_msg(dwi_safe_run(s, N, t) == want, "byte 0x%02X at %zu: got %zu, want %zu", b, pos,
                          dwi_safe_run(s, N, t), want);
        }
    }
}
END_TEST

START_TEST(test_safe_run_stops_at_utf8_and_invalid_bytes)
{
    unsigned char t[128];
    quote_table(t);
    /* Valid and invalid sequences alike end the run: the caller decodes them. */
    ck_assert_uint_eq(dwi_safe_run("abcdefghij\xC3\xA9xyz", 15, t), 10);
    ck_assert_uint_eq(dwi_safe_run("abcdefghij\xFFxyz", 14, t), 10);
    ck_assert_uint_eq(dwi_safe_run("abcdefghij\x80xyz", 14, t), 10);
    ck_assert_uint_eq(dwi_safe_run("abc\xE2\x80", 5, t), 3); /* truncated sequence at the end */
    ck_assert_uint_eq(dwi_safe_run("\xF0\x9F\x98\x80", 4, t), 0);
    ck_assert_uint_eq(dwi_safe_run("0123456789abcde\"", 16, t), 15); /* escapable ASCII ends it too */
}
END_TEST

START_TEST(test_safe_run_ends_exactly_at_len)
{
    unsigned char t[128];
    quote_table(t);
    /* Exactly len bytes allocated: a read past the end shows up under valgrind. */
    for (size_t len = 0; len <= 33; len++) {
        char *s = malloc(len ? len : 1);
        ck_assert_ptr_nonnull(s);
        memset(s, 'x', len);
        ck_assert_uint_eq(dwi_safe_run(s, len, t), len);
        free(s);
    }
    /* Bytes after len are not looked at, whatever they are. */
    ck_assert_uint_eq(dwi_safe_run("abcdefgh\"", 8, t), 8);
    ck_assert_uint_eq(dwi_safe_run("abcdefghijklmnop\xFF", 16, t), 16);
    ck_assert_uint_eq(dwi_safe_run("abc\n", 3, t), 3);
}
END_TEST

START_TEST(test_safe_run_all_or_nothing_tables)
{
    unsigned char none[128] = {0}, all[128];
    memset(all, 1, sizeof all);
    char s[128];
    for (int c = 0; c < 128; c++)
        s[c] = (char)c;
    ck_assert_uint_eq(dwi_safe_run(s, sizeof s, none), 0);
    ck_assert_uint_eq(dwi_safe_run(s, sizeof s, all), sizeof s); /* NUL included: runs are counted, not terminated */
}
END_TEST

START_TEST(test_out_char_matches_bytes_at_the_edge)
{
    /* The inline single-character append keeps the writer's contract at the last byte and beyond. */
    for (size_t size = 0; size <= 6; size++) {
        char a[8], b[8];
        memset(a, '#', sizeof a);
        memset(b, '#', sizeof b);
        dwi_out oa, ob;
        dwi_out_init(&oa, size ? a : NULL, size);
        dwi_out_init(&ob, size ? b : NULL, size);
        for (const char *p = "hello"; *p; p++)
            dwi_out_char(&oa, *p);
        dwi_out_bytes(&ob, "hello", 5);
        size_t na = 0, nb = 0;
        ck_assert_int_eq(dwi_out_finish(&oa, &na), dwi_out_finish(&ob, &nb));
        ck_assert_uint_eq(na, 6);
        ck_assert_uint_eq(na, nb);
        ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    }
}
END_TEST

static Suite *common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_status_texts_cover_every_code);
    tcase_add_test(tc, test_version_matches_header);
    tcase_add_test(tc, test_out_writer_fits);
    tcase_add_test(tc, test_out_writer_reports_needed_when_short);
    tcase_add_test(tc, test_utf8_decoder_is_strict);
    tcase_add_test(tc, test_safe_run_stops_at_every_byte_class);
    tcase_add_test(tc, test_safe_run_stops_at_utf8_and_invalid_bytes);
    tcase_add_test(tc, test_safe_run_ends_exactly_at_len);
    tcase_add_test(tc, test_safe_run_all_or_nothing_tables);
    tcase_add_test(tc, test_out_char_matches_bytes_at_the_edge);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(common_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
