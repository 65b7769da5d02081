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


/* dw_quote(): "'" + escaped prefix + "...' (N bytes)"; `fill` repeated to `len` bytes after `head`. */
static char *quote_of(const char *head, size_t head_len, char fill, size_t len)
{
    char *in = malloc(len);
    ck_assert_ptr_nonnull(in);
    memset(in, fill, len);
    memcpy(in, head, head_len);
    char *out = NULL;
    size_t n = 0;
    ck_assert_int_eq(dw_quote_alloc(in, len, &out, &n), DW_OK);
    ck_assert_uint_eq(n, strlen(out));
    ck_assert_uint_lt(n, DW_QUOTE_SIZE);
    free(in);
    return out;
}

/* "'" + n copies of c + tail */
static char *expect_of(size_t n, char c, const char *tail)
{
    char *w = malloc(n + strlen(tail) + 2);
    ck_assert_ptr_nonnull(w);
    w[0] = '\'';
    memset(w + 1, c, n);
    strcpy(w + 1 + n, tail);
    return w;
}

#define QUOTE_EXPECT(head, fill, len, n_fill, tail)                                   \
    do {                                                                            \
        char *got_ = quote_of(head, sizeof(head) - 1, fill, len);                   \
        char *want_ = expect_of(n_fill, fill, tail);                                \
        ck_assert_str_eq(got_, want_);                                              \
        dw_free(got_);                                                              \
        free(want_);                                                                \
    } while (0)

/* 100000 bytes of 'a' with `at` placed at byte `pos`: the quote is n_fill a's, then tail. */
static void expect_cut(const char *at, size_t pos, size_t n_fill, const char *tail)
{
    char head[DW_QUOTE_MAX + 8];
    memset(head, 'a', sizeof head);
    memcpy(head + pos, at, strlen(at));
    char *got = quote_of(head, sizeof head, 'a', 100000);
    char *want = expect_of(n_fill, 'a', tail);
    ck_assert_str_eq(got, want);
    dw_free(got);
    free(want);
}

START_TEST(test_quote_short)
{
    char buf[DW_QUOTE_SIZE];
    size_t needed = 0;
    ck_assert_int_eq(dw_quote("ab'c\n\xFF\xC3\xA9", 8, buf, sizeof buf, &needed), DW_OK);
    ck_assert_str_eq(buf, "'ab'c\\n\\xFF\xC3\xA9'");
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    ck_assert_int_eq(dw_quote(NULL, 0, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, "''");
    ck_assert_int_eq(dw_quote(NULL, 1, buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_quote("a", 1, NULL, 3, NULL), DW_E_INVAL);
    char small[3];
    ck_assert_int_eq(dw_quote("abc", 3, small, sizeof small, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, 6);
    char *out = (char *)1;
    ck_assert_int_eq(dw_quote_alloc(NULL, 2, &out, NULL), DW_E_INVAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(dw_quote_alloc("x", 1, NULL, NULL), DW_E_INVAL);
}
END_TEST

START_TEST(test_quote_ascii_bound)
{
    /* exactly DW_QUOTE_MAX bytes: whole, no marker; one more: cut at DW_QUOTE_MAX with the length */
    QUOTE_EXPECT("", 'a', DW_QUOTE_MAX, DW_QUOTE_MAX, "'");
    QUOTE_EXPECT("", 'a', DW_QUOTE_MAX + 1, DW_QUOTE_MAX, "...' (201 bytes)");
    QUOTE_EXPECT("", 'a', 100000, DW_QUOTE_MAX, "...' (100000 bytes)");
}
END_TEST

START_TEST(test_quote_utf8_cut)
{
    /* a 2-byte character at byte 199 ends at 201: it is left out whole, never split */
    expect_cut("\xC3\xA9", DW_QUOTE_MAX - 1, DW_QUOTE_MAX - 1, "...' (100000 bytes)");
    /* at byte 198 it ends at exactly 200: kept */
    expect_cut("\xC3\xA9", DW_QUOTE_MAX - 2, DW_QUOTE_MAX - 2, "\xC3\xA9...' (100000 bytes)");
    /* a 4-byte character straddling the bound */
    expect_cut("\xF0\x9F\x98\x80", DW_QUOTE_MAX - 2, DW_QUOTE_MAX - 2, "...' (100000 bytes)");
    /* all multi-byte: 66 three-byte characters (198 bytes), the 67th would pass 200 */
    char *in = malloc(99999);
    for (size_t i = 0; i < 99999; i += 3)
        memcpy(in + i, "\xE2\x82\xAC", 3); /* EURO SIGN */
    char *out = NULL;
    ck_assert_int_eq(dw_quote_alloc(in, 99999, &out, NULL), DW_OK);
    ck_assert_uint_eq(strlen(out), 1 + 198 + strlen("...' (99999 bytes)"));
    ck_assert_str_eq(out + 1 + 198, "...' (99999 bytes)");
    ck_assert_int_eq(dw_utf8_valid(out, strlen(out), NULL), 1);
    dw_free(out);
    free(in);
}
END_TEST

START_TEST(test_quote_escape_cut)
{
    /* "\x01" (4 bytes escaped) at byte 197 would end at 201: cut before it, never inside "\x01" */
    expect_cut("\x01", DW_QUOTE_MAX - 3, DW_QUOTE_MAX - 3, "...' (100000 bytes)");
    /* "\n" at byte 194 and "\x01" at 195 end at exactly 200: kept */
    expect_cut("\n\x01", DW_QUOTE_MAX - 6, DW_QUOTE_MAX - 6, "\\n\\x01...' (100000 bytes)");
    /* the worst case (every byte escaped to 4) still fits DW_QUOTE_SIZE: 50 escapes */
    char *in = malloc(100000);
    memset(in, '\xFF', 100000);
    char buf[DW_QUOTE_SIZE];
    size_t needed = 0;
    ck_assert_int_eq(dw_quote(in, 100000, buf, sizeof buf, &needed), DW_OK);
    ck_assert_uint_eq(strlen(buf), 1 + 200 + strlen("...' (100000 bytes)"));
    ck_assert_str_eq(buf + 201, "...' (100000 bytes)");
    ck_assert_int_eq(memcmp(buf + 197, "\\xFF", 4), 0);
    free(in);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("text");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_styles);
    tcase_add_test(tc, test_buffer_rules);
    tcase_add_test(tc, test_utf8);
    tcase_add_test(tc, test_quote_short);
    tcase_add_test(tc, test_quote_ascii_bound);
    tcase_add_test(tc, test_quote_utf8_cut);
    tcase_add_test(tc, test_quote_escape_cut);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
