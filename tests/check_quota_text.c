/* SPDX-License-Identifier: MIT */
/* Tests for lib/quota_text.c: DropDirectoryQuota parsing (every accepted form, bad input) and formatting. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

#define KB UINT64_C(1024)
#define MB (KB * 1024)
#define GB (MB * 1024)
#define TB (GB * 1024)
#define MAXQ (UINT64_C(1) << 63)

static const struct {
    const char *text;
    uint64_t bytes;
} good[] = {
    {"unlimited", 0},
    {"Unlimited", 0},
    {"UNLIMITED", 0},
    {"  unlimited\t", 0},
    {"1", 1},
    {"1048576", MB},
    {"007", 7},
    {"10,485,760", 10 * MB},
    {"1,000", 1000},
    {"123,456,789,012", UINT64_C(123456789012)},
    {"10MB", 10 * MB},
    {"10 MB", 10 * MB},
    {"10 mb", 10 * MB},
    {"10 Mb", 10 * MB},
    {"10  MB", 10 * MB},
    {"10\tMB", 10 * MB},
    {"  10 MB  ", 10 * MB},
    {"512 B", 512},
    {"512B", 512},
    {"512 bytes", 512},
    {"512 Bytes", 512},
    {"2 KB", 2 * KB},
    {"2kb", 2 * KB},
    {"3 GB", 3 * GB},
    {"1 TB", TB},
    {"1.5 GB", GB + GB / 2},
    {"1.5GB", GB + GB / 2},
    {"0.5 KB", 512},
    {"1.25 KB", 1280},
    {"1.001 KB", 1025},          /* 1025.024 bytes: fractions of a byte are truncated */
    {"1,234.5 KB", 1264128},
    {"1.5 B", 1},
    {"1.999999999999999999 B", 1}, /* 18 decimals are the most accepted */
    {"10 MB (10,485,760 bytes)", 10 * MB},
    {"10MB (10,485,760 bytes)", 10 * MB},
    {"  10 MB ( 10,485,760 bytes )  ", 10 * MB},
    {"9.766 KB (10,000 bytes)", 10000},          /* the exact count wins over the rounded amount */
    {"2 GB (2,147,483,648 bytes)", 2 * GB},
    {"1.5 GB (1610612736 bytes)", GB + GB / 2},
    {"512 B (512 bytes)", 512},
    {"8388608 TB", MAXQ},
    {"9223372036854775808", MAXQ},
    {"9,223,372,036,854,775,808", MAXQ},
};

static const char *const bad[] = {
    "",
    "   ",
    "abc",
    "unlimitedx",
    "unlimited 5",
    "un limited",
    "-5",
    "-1 MB",
    "+5",
    "0",
    "0 MB",
    "0.0 GB",
    "0 B (0 bytes)",
    "10 MB (0 bytes)",
    "0.000000000000000001 TB",   /* truncates to zero bytes */
    "10 MBx",
    "10 XB",
    "10 M",
    "10 K",
    "10 KiB",
    "8 EB",
    "1.5",                       /* fractional bytes without a unit */
    "1.0",
    "1.",
    "1. MB",
    ".5 GB",
    "1..5 GB",
    "1.5.2 GB",
    "10 MB (10,485,760 bytes",
    "10 MB (10,485,760)",
    "10 MB (abc bytes)",
    "10 MB (10,485,760 bytes) x",
    "10 MB (10,485,760 bytes)(1 bytes)",
    "10485760 (10,485,760 bytes)", /* the parenthesised form always follows an amount with a unit */
    "10 MB ()",
    "1,0000",
    "10,48",
    ",100",
    "1,,000",
    "1000,000",
    "100,",
    "1, 000",
    "18446744073709551616",      /* 2^64 */
    "9223372036854775809",       /* 2^63 + 1 */
    "8388609 TB",
    "8388608.5 TB",
    "99999999999999999999 KB",
    "1.0000000000000000001 KB",  /* 19 decimals */
    "5 MB MB",
    "10 MB\n",
    "10\n",
    "1e6",
    "0x100",
    "ten MB",
};

START_TEST(test_parse_good)
{
    uint64_t b = 12345;
    ck_assert_msg(dw_quota_parse(good[_i].text, &b) == DW_OK, "\"%s\" rejected", good[_i].text);
    ck_assert_msg(b == good[_i].bytes, "\"%s\": %llu, want %llu", good[_i].text, (unsigned long long)b,
                  (unsigned long long)good[_i].bytes);
}
END_TEST

START_TEST(test_parse_bad)
{
    uint64_t b = 12345;
    dw_status st = dw_quota_parse(bad[_i], &b);
    ck_assert_msg(st == DW_E_PARSE, "\"%s\": %s, want DW_E_PARSE", bad[_i], dw_status_name(st));
    ck_assert_uint_eq(b, 0);
}
END_TEST

START_TEST(test_parse_null)
{
    uint64_t b;
    ck_assert_int_eq(dw_quota_parse(NULL, &b), DW_E_INVAL);
    ck_assert_int_eq(dw_quota_parse("10 MB", NULL), DW_E_INVAL);
}
END_TEST

static const struct {
    uint64_t bytes;
    const char *text;
} formats[] = {
    {0, "unlimited"},
    {1, "1 B (1 bytes)"},
    {1023, "1023 B (1,023 bytes)"},
    {1024, "1 KB (1,024 bytes)"},
    {1034, "1 KB (1,034 bytes)"},            /* 1.0097 KB: truncated to 1 */
    {1126, "1.09 KB (1,126 bytes)"},
    {1280, "1.25 KB (1,280 bytes)"},
    {1536, "1.5 KB (1,536 bytes)"},
    {10000, "9.76 KB (10,000 bytes)"},
    {1048575, "1023.99 KB (1,048,575 bytes)"}, /* never rounded up into "1024 KB" or "1 MB" */
    {10 * MB, "10 MB (10,485,760 bytes)"},
    {GB + GB / 2, "1.5 GB (1,610,612,736 bytes)"},
    {2 * GB, "2 GB (2,147,483,648 bytes)"},
    {TB, "1 TB (1,099,511,627,776 bytes)"},
    {1024 * TB, "1024 TB (1,125,899,906,842,624 bytes)"},
    {MAXQ, "8388608 TB (9,223,372,036,854,775,808 bytes)"},
    {UINT64_MAX, "16777215.99 TB (18,446,744,073,709,551,615 bytes)"},
};

START_TEST(test_format)
{
    char buf[80];
    size_t needed = 0;
    ck_assert_int_eq(dw_quota_format(formats[_i].bytes, buf, sizeof buf, &needed), DW_OK);
    ck_assert_str_eq(buf, formats[_i].text);
    ck_assert_uint_eq(needed, strlen(formats[_i].text) + 1);
}
END_TEST

START_TEST(test_format_round_trips)
{
    /* what we print parses back to the same value (the byte count wins) */
    uint64_t values[] = {1, 2, 999, 1000, 1023, 1024, 1025, 4095, 65536, 999999, 10 * MB, 10 * MB + 1, GB - 1,
                         GB, 3 * GB + 17, TB - 1, TB, 5 * TB + 123456789, MAXQ - 1, MAXQ};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char buf[80];
        uint64_t back = 0;
        ck_assert_int_eq(dw_quota_format(values[i], buf, sizeof buf, NULL), DW_OK);
        ck_assert_msg(dw_quota_parse(buf, &back) == DW_OK, "\"%s\" does not parse", buf);
        ck_assert_uint_eq(back, values[i]);
    }
    /* and a deterministic spread over the whole range */
    uint64_t x = UINT64_C(0x9E3779B97F4A7C15);
    for (int i = 0; i < 5000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t v = (x >> (x % 64)) % MAXQ + 1; /* all magnitudes, 1 .. 2^63 */
        char text[80];
        uint64_t back = 0;
        ck_assert_int_eq(dw_quota_format(v, text, sizeof text, NULL), DW_OK);
        ck_assert_int_eq(dw_quota_parse(text, &back), DW_OK);
        ck_assert_uint_eq(back, v);
    }
    char buf[16];
    uint64_t back = 7;
    ck_assert_int_eq(dw_quota_format(0, buf, sizeof buf, NULL), DW_OK);
    ck_assert_int_eq(dw_quota_parse(buf, &back), DW_OK);
    ck_assert_uint_eq(back, 0);
}
END_TEST

START_TEST(test_format_buffers)
{
    const char *want = "10 MB (10,485,760 bytes)";
    size_t len = strlen(want), needed = 0;
    ck_assert_int_eq(dw_quota_format(10 * MB, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    char *exact = malloc(len + 1);
    ck_assert_int_eq(dw_quota_format(10 * MB, exact, len + 1, &needed), DW_OK);
    ck_assert_str_eq(exact, want);
    ck_assert_int_eq(dw_quota_format(10 * MB, exact, len, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(strlen(exact), len - 1);
    ck_assert_uint_eq(needed, len + 1);
    free(exact);
    ck_assert_int_eq(dw_quota_format(10 * MB, NULL, 4, &needed), DW_E_INVAL);
    char tiny[4];
    ck_assert_int_eq(dw_quota_format(0, tiny, sizeof tiny, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, 10);
    ck_assert_str_eq(tiny, "unl");
}
END_TEST

static Suite *quota_text_suite(void)
{
    Suite *s = suite_create("quota_text");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, test_parse_good, 0, (int)(sizeof good / sizeof good[0]));
    tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_parse_null);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("format");
    tcase_add_loop_test(tf, test_format, 0, (int)(sizeof formats / sizeof formats[0]));
    tcase_add_test(tf, test_format_round_trips);
    tcase_add_test(tf, test_format_buffers);
    suite_add_tcase(s, tf);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(quota_text_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
