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

static Suite *common_suite(void)
{
    Suite *s = suite_create("common");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_status_texts_cover_every_code);
    tcase_add_test(tc, test_version_matches_header);
    tcase_add_test(tc, test_out_writer_fits);
    tcase_add_test(tc, test_out_writer_reports_needed_when_short);
    tcase_add_test(tc, test_utf8_decoder_is_strict);
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
