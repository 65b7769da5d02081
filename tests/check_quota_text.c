/* SPDX-License-Identifier: MIT */
/* Tests for lib/quota_text.c: DropDirectoryQuota parsing (every accepted form, bad input) and formatting. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

#define KB UINT64_C(1024)
#define MB (KB * 1024)
#define GB (MB * 1024)
#define TB (GB * 1024)
#define MAXQ (UINT64_C(1) << 63)

/* Hand-picked cases; tests/quota/bqs_parse.tsv (generated with .NET) is the full reference. */
static const struct {
    const char *text;
    uint64_t bytes;
} good[] = {
    {"unlimited", 0},
    {"UNLIMITED", 0},
    {"  unlimited\t", 0},
    {"1", 1},
    {"1048576", MB},
    {"10,485,760", 10 * MB},
    {"1,0000", 10000},            /* .NET takes a comma anywhere after the first digit */
    {"10MB", 10 * MB},
    {"10 mb", 10 * MB},
    {"  10 MB  ", 10 * MB},
    {"10 MB\n", 10 * MB},         /* trimmed like .NET's String.Trim */
    {"512B", 512},
    {"1.5 GB", GB + GB / 2},
    {"1.001 KB", 1025},           /* 1025.024 bytes: the fraction of a byte is cut off */
    {"1.5", 1},                   /* a bare number is bytes */
    {".5 KB", 512},
    {"1e6", 1000000},             /* an exponent is allowed */
    {"1.5E+2 MB", 150 * MB},
    {"10 MB (10,485,760 bytes)", 10 * MB},
    {"10 MB(10,485,760 bytes)", 10 * MB},
    {"9.766 KB (10,000 bytes)", 10000},          /* the exact count wins over the rounded amount */
    {"10485760 (10,485,760 bytes)", 10 * MB},
    {"8388608 TB", MAXQ},
    {"1.678E+07 TB (9,223,372,036,854,775,808 bytes)", MAXQ},
};

static const char *const bad[] = {
    "", "   ", "abc", "unlimitedx", "unlimited 5", "-5", "+5", "0", "0 MB", "10 MB (0 bytes)",
    "10  MB",                     /* one space at most before the unit */
    "10\tMB", "512 bytes", "10 KiB", "10 M", "8 EB", "1. MB", "1..5 GB", "10 MB (10,485,760 bytes",
    "10 MB ( 10,485,760 bytes )", "10 MB (10,485,760)", "10 MB (10,485,760 bytes) x",
    "1234567890123456",           /* 16 characters: a number has at most 15 */
    "1.9999999999999999 B", "1E", "1E+ MB", "1E20", "0x100", "8388609 TB", "16777216 TB",
    "1e-400 KB",                  /* .NET reads 0 bytes; libdropwatch refuses a zero quota */
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
    {512, "512 B (512 bytes)"},
    {1024, "1 KB (1,024 bytes)"},
    {10000, "9.766 KB (10,000 bytes)"},
    {1048575, "1024 KB (1,048,575 bytes)"},   /* G4 rounds 1023.999 up within the unit */
    {10 * MB, "10 MB (10,485,760 bytes)"},
    {1024 * KB + 512 - 1024 * 24, "1000 KB (1,024,512 bytes)"}, /* 1000.5 KB: a tie goes to the even digit */
    {10000 * TB, "1E+04 TB (10,995,116,277,760,000 bytes)"},
    {UINT64_MAX, "1.678E+07 TB (18,446,744,073,709,551,615 bytes)"},
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

/* ---- the tables generated with the real .NET formatter (tests/quota/gen, tests/quota/regen_table.sh) ---- */

static FILE *open_table(const char *name)
{
    const char *srcdir = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/quota/%s", srcdir ? srcdir : "..", name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    return f;
}

START_TEST(test_dotnet_format_table)
{
    FILE *f = open_table("bqs_table.tsv");
    char line[256];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        ck_assert_ptr_nonnull(tab);
        *tab = '\0';
        char *want = tab + 1;
        want[strcspn(want, "\n")] = '\0';
        uint64_t bytes = strtoull(line, NULL, 10);
        char buf[80];
        ck_assert_int_eq(dw_quota_format(bytes, buf, sizeof buf, NULL), DW_OK);
        ck_assert_msg(strcmp(buf, want) == 0, "%s: \"%s\", .NET prints \"%s\"", line, buf, want);
        /* and it parses back (the byte count wins), unless libdropwatch refuses the value */
        uint64_t back = 0;
        if (bytes <= MAXQ) {
            ck_assert_int_eq(dw_quota_parse(buf, &back), DW_OK);
            ck_assert_uint_eq(back, bytes);
        } else {
            ck_assert_int_eq(dw_quota_parse(buf, &back), DW_E_PARSE);
        }
        rows++;
    }
    fclose(f);
    ck_assert_int_ge(rows, 200);
}
END_TEST

START_TEST(test_dotnet_parse_table)
{
    FILE *f = open_table("bqs_parse.tsv");
    char line[256];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strrchr(line, '\t');
        ck_assert_ptr_nonnull(tab);
        *tab = '\0';
        const char *want = tab + 1;
        /* the generator writes a tab inside an input as the two characters \t */
        char in[256];
        size_t n = 0;
        for (const char *p = line; *p && n + 1 < sizeof in; p++) {
            if (p[0] == '\\' && p[1] == 't') {
                in[n++] = '\t';
                p++;
            } else {
                in[n++] = *p;
            }
        }
        in[n] = '\0';
        uint64_t got = 77;
        dw_status st = dw_quota_parse(in, &got);
        if (strcmp(want, "reject") == 0) {
            ck_assert_msg(st == DW_E_PARSE, "\"%s\": accepted (%llu), Exchange rejects it", in, (unsigned long long)got);
        } else if (strcmp(want, "unlimited") == 0) {
            ck_assert_msg(st == DW_OK && got == 0, "\"%s\": not unlimited", in);
        } else {
            uint64_t v = strtoull(want, NULL, 10);
            if (v == 0 || v > MAXQ) /* libdropwatch's own refusals: a zero quota, more than 2^63 */
                ck_assert_msg(st == DW_E_PARSE, "\"%s\": %s", in, dw_status_name(st));
            else
                ck_assert_msg(st == DW_OK && got == v, "\"%s\": %s %llu, Exchange reads %llu", in, dw_status_name(st),
                              (unsigned long long)got, (unsigned long long)v);
        }
        rows++;
    }
    fclose(f);
    ck_assert_int_ge(rows, 80);
}
END_TEST

START_TEST(test_validate_range)
{
    ck_assert_int_eq(dw_quota_validate(0), DW_OK); /* unlimited */
    ck_assert_int_eq(dw_quota_validate(MB - 1), DW_E_INVAL);
    ck_assert_int_eq(dw_quota_validate(MB), DW_OK);
    ck_assert_int_eq(dw_quota_validate(UINT64_C(2147483647) * MB), DW_OK);
    ck_assert_int_eq(dw_quota_validate(UINT64_C(2147483647) * MB + 1), DW_E_INVAL);
    ck_assert_int_eq(dw_quota_validate(1), DW_E_INVAL);
}
END_TEST

/* The allocating variant gives the caller-buffer text for every value of the table. */
START_TEST(test_format_alloc)
{
    char buf[128], *s = NULL;
    const uint64_t values[] = {0, 1, 1023, 10000, UINT64_C(10485760), UINT64_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        ck_assert_int_eq(dw_quota_format(values[i], buf, sizeof buf, NULL), DW_OK);
        ck_assert_int_eq(dw_quota_format_alloc(values[i], &s), DW_OK);
        ck_assert_str_eq(s, buf);
        dw_free(s);
    }
    ck_assert_int_eq(dw_quota_format_alloc(1, NULL), DW_E_INVAL);
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
    tcase_add_test(tf, test_format_alloc);
    tcase_add_test(tf, test_dotnet_format_table);
    tcase_add_test(tf, test_dotnet_parse_table);
    tcase_add_test(tf, test_validate_range);
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
