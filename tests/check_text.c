/* SPDX-License-Identifier: MIT */
/* Tests for lib/text.c: the public UTF-8 walk and the escapers the CLI (and any caller) uses. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

static char *esc(dw_escape_style style, const char *s, size_t len)
{
    char *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(dw_escape_alloc(style, s, len, &out, &n), DW_OK);
    ck_assert_uint_eq(n, strlen(out));
    return out;
}

#define EXPECT(style, in, want)                          \
    do {                                                 \
        char *got_ = esc(style, in, sizeof(in) - 1);     \
        ck_assert_str_eq(got_, want);                    \
        dw_free(got_);                                   \
    } while (0)

START_TEST(test_styles)
{
    /* "a\n\t\x01" + é + an invalid byte + "\"\\<]&" */
    EXPECT(DW_ESCAPE_TEXT, "a\n\t\x01\xC3\xA9\xFF\"", "a\\n\\t\\x01\xC3\xA9\\xFF\"");
    EXPECT(DW_ESCAPE_TEXT, "\xC2\x85", "\\x85"); /* C1 control */
    EXPECT(DW_ESCAPE_JSON, "a\"\\\n\x01\xFF\xC3\xA9", "a\\\"\\\\\\n\\u0001\\ufffd\xC3\xA9");
    EXPECT(DW_ESCAPE_XML, "<a&\"b\">\x01\t\xFF", "&lt;a&amp;&quot;b&quot;&gt;\xEF\xBF\xBD&#9;\xEF\xBF\xBD");
    EXPECT(DW_ESCAPE_SYSLOG, "a\"]\\\n\xFF", "a\\\"\\]\\\\\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT(DW_ESCAPE_LABEL, "a\\\"\n\t\xFF", "a\\\\\\\"\\n\t\xEF\xBF\xBD");
    /* overlong and surrogate forms are invalid bytes, one at a time */
    EXPECT(DW_ESCAPE_TEXT, "\xC0\xAF", "\\xC0\\xAF");
    EXPECT(DW_ESCAPE_TEXT, "\xED\xA0\x80", "\\xED\\xA0\\x80");
    EXPECT(DW_ESCAPE_JSON, "", "");
}
END_TEST

START_TEST(test_buffer_rules)
{
    char buf[4];
    size_t needed = 0;
    ck_assert_int_eq(dw_escape(DW_ESCAPE_JSON, "a\nb", 3, buf, sizeof buf, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, 5);
    ck_assert_str_eq(buf, "a\\n");
    char big[5];
    ck_assert_int_eq(dw_escape(DW_ESCAPE_JSON, "a\nb", 3, big, sizeof big, &needed), DW_OK);
    ck_assert_str_eq(big, "a\\nb");
    ck_assert_int_eq(dw_escape(DW_ESCAPE_JSON, NULL, 0, big, sizeof big, NULL), DW_OK);
    ck_assert_str_eq(big, "");
    ck_assert_int_eq(dw_escape(DW_ESCAPE_JSON, NULL, 1, big, sizeof big, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_escape((dw_escape_style)9, "a", 1, big, sizeof big, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_escape(DW_ESCAPE_JSON, "a", 1, NULL, 3, NULL), DW_E_INVAL);
    char *out = (char *)1;
    ck_assert_int_eq(dw_escape_alloc(DW_ESCAPE_TEXT, NULL, 2, &out, NULL), DW_E_INVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(dw_escape_alloc(DW_ESCAPE_TEXT, "x", 1, NULL, NULL), DW_E_INVAL);
}
END_TEST

START_TEST(test_utf8)
{
    const char s[] = "a\xC3\xA9\xFF\xF0\x9F\x98\x80";
    size_t pos = 0, n = sizeof s - 1;
    uint32_t cp = 0;
    ck_assert_int_eq(dw_utf8_next(s, n, &pos, &cp), 1);
    ck_assert_uint_eq(cp, 'a');
    ck_assert_int_eq(dw_utf8_next(s, n, &pos, &cp), 1);
    ck_assert_uint_eq(cp, 0xE9);
    ck_assert_uint_eq(pos, 3);
    ck_assert_int_eq(dw_utf8_next(s, n, &pos, &cp), 0);
    ck_assert_uint_eq(cp, 0xFFFD);
    ck_assert_uint_eq(pos, 4);
    ck_assert_int_eq(dw_utf8_next(s, n, &pos, &cp), 1);
    ck_assert_uint_eq(cp, 0x1F600);
    ck_assert_uint_eq(pos, n);
    ck_assert_int_eq(dw_utf8_next(s, n, &pos, &cp), -1);
    ck_assert_int_eq(dw_utf8_next(NULL, n, &pos, &cp), -1);

    size_t bad = 99;
    ck_assert_int_eq(dw_utf8_valid(s, n, &bad), 0);
    ck_assert_uint_eq(bad, 3);
    ck_assert_int_eq(dw_utf8_valid(s, 3, NULL), 1);
    ck_assert_int_eq(dw_utf8_valid(NULL, 0, NULL), 1);
    ck_assert_int_eq(dw_utf8_valid(NULL, 1, NULL), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_styles);
    tcase_add_test(tc, test_buffer_rules);
    tcase_add_test(tc, test_utf8);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
