/* SPDX-License-Identifier: MIT */
/* Tests for lib/path_full.c: the folder DirectoryInfo opens (GetFullPath normalisation of Exchange's path),
 * one row per path type and rule; tests/dotnet-windows/path_corpus.py checks it against .NET on Windows. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

typedef struct full_case {
    const char *path;
    const char *cwd;      /* NULL: the default, C:\Windows\System32 */
    dw_status status;
    const char *full;
} full_case;

static const full_case cases[] = {
    /* drive-absolute: separators, "." and "..", trailing dots and spaces */
    {"D:\\Exchange\\X400", NULL, DW_OK, "D:\\Exchange\\X400"},
    {"D:/Exchange//X400/", NULL, DW_OK, "D:\\Exchange\\X400\\"},
    {"D:\\Exchange\\.\\X400\\..\\Fax", NULL, DW_OK, "D:\\Exchange\\Fax"},
    {"D:\\Exchange\\..\\..\\..\\x", NULL, DW_OK, "D:\\x"},
    {"D:\\Exchange\\X400. .", NULL, DW_OK, "D:\\Exchange\\X400"},
    {"D:\\Exchange\\X400 ", NULL, DW_OK, "D:\\Exchange\\X400"},
    {"D:\\Exchange\\   ", NULL, DW_OK, "D:\\Exchange\\"},
    {"D:\\Sub.\\Dir", NULL, DW_OK, "D:\\Sub\\Dir"},         /* one trailing dot of a directory name */
    {"D:\\Sub..\\Dir", NULL, DW_OK, "D:\\Sub.\\Dir"},
    {"D:\\Out\\Sub. ", NULL, DW_OK, "D:\\Out\\Sub"},
    {"D:\\ X400", NULL, DW_OK, "D:\\ X400"},                 /* leading spaces stay */
    {"d:\\exchange", NULL, DW_OK, "d:\\exchange"},           /* the drive letter keeps its case */
    {"D:\\", NULL, DW_OK, "D:\\"},
    {"D:\\..", NULL, DW_OK, "D:\\"},
    /* drive-relative: the current drive uses the current directory, another drive its root */
    {"D:Fax", NULL, DW_OK, "D:\\Fax"},
    {"d:..\\x", NULL, DW_OK, "d:\\x"},
    {"C:Fax", NULL, DW_OK, "C:\\Windows\\System32\\Fax"},
    {"c:..\\Fax", NULL, DW_OK, "C:\\Windows\\Fax"},
    {"C:Fax", "E:\\Work\\", DW_OK, "C:\\Fax"},
    {"E:Fax", "E:\\Work\\", DW_OK, "E:\\Work\\Fax"},
    /* rooted and relative: the current drive, the current directory */
    {"\\Rooted", NULL, DW_OK, "C:\\Rooted"},
    {"/Rooted/x", "E:\\Work", DW_OK, "E:\\Rooted\\x"},
    {"Fax", NULL, DW_OK, "C:\\Windows\\System32\\Fax"},
    {"..\\..\\..\\Fax", NULL, DW_OK, "C:\\Fax"},
    /* UNC: ".." never climbs above the share */
    {"\\\\hub01\\drops\\X400", NULL, DW_OK, "\\\\hub01\\drops\\X400"},
    {"//hub01/drops/../../x", NULL, DW_OK, "\\\\hub01\\drops\\x"},
    {"\\\\hub01\\drops\\X400. ", NULL, DW_OK, "\\\\hub01\\drops\\X400"},
    /* \\?\ paths are returned as they are */
    {"\\\\?\\D:\\Exchange\\..\\X400. ", NULL, DW_OK, "\\\\?\\D:\\Exchange\\..\\X400. "},
    /* what .NET Framework's GetFullPath refuses */
    {"", NULL, DW_E_NAME, ""},
    {"D:\\a<b", NULL, DW_E_NAME, ""},
    {"D:\\a|b", NULL, DW_E_NAME, ""},
    {"D:\\a\"b", NULL, DW_E_NAME, ""},
    {"D:\\tab\there", NULL, DW_E_NAME, ""},
    {"1:x", NULL, DW_E_NAME, ""},
    {":x", NULL, DW_E_NAME, ""},
    {"D:\\Exchange\\X400:", NULL, DW_E_NAME, ""},
    {"D:\\Exchange\\E:\\Other", NULL, DW_E_NAME, ""},
    {"\\\\?\\D:\\x:y", NULL, DW_E_NAME, ""},
    {"\xc3\xa9:x", NULL, DW_E_NAME, ""},
};

START_TEST(test_full_table)
{
    const full_case *c = &cases[_i];
    char buf[256];
    size_t needed = 99;
    memset(buf, 'x', sizeof buf);
    dw_status st = dw_path_full(c->path, c->cwd, buf, sizeof buf, &needed);
    ck_assert_msg(st == c->status, "%s: status %d, want %d", c->path, st, c->status);
    ck_assert_str_eq(buf, c->full);
    if (st == DW_OK)
        ck_assert_uint_eq(needed, strlen(c->full) + 1);
}
END_TEST

START_TEST(test_full_buffers)
{
    size_t needed = 0;
    /* asking for the size: enough room comes back, and works */
    ck_assert_int_eq(dw_path_full("D:\\a\\..\\b", NULL, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_uint_ge(needed, strlen("D:\\b") + 1);
    char *buf = malloc(needed);
    ck_assert_ptr_nonnull(buf);
    size_t exact = 0;
    ck_assert_int_eq(dw_path_full("D:\\a\\..\\b", NULL, buf, needed, &exact), DW_OK);
    ck_assert_str_eq(buf, "D:\\b");
    ck_assert_uint_eq(exact, 5);
    free(buf);
    /* the current directory counts: the raw path must fit before it shrinks */
    char small[8];
    ck_assert_int_eq(dw_path_full("Fax", NULL, small, sizeof small, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, strlen("C:\\Windows\\System32\\Fax") + 1);
    ck_assert_int_eq(dw_path_full("Fax", NULL, small, sizeof small, NULL), DW_E_BUFFER);
}
END_TEST

START_TEST(test_full_bad_arguments)
{
    char buf[64];
    size_t needed = 7;
    ck_assert_int_eq(dw_path_full(NULL, NULL, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_uint_eq(needed, 0);
    ck_assert_int_eq(dw_path_full("D:\\x", NULL, NULL, 5, NULL), DW_E_INVAL);
    /* the current directory must be drive-absolute and valid */
    ck_assert_int_eq(dw_path_full("x", "Work", buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_path_full("x", "\\\\srv\\share", buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_path_full("x", "C:", buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_path_full("x", "C:\\a|b", buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_path_full("x", "", buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, "C:\\Windows\\System32\\x");
}
END_TEST

START_TEST(test_explain_then_full)
{
    /* Exchange's whole journey: Path.Combine, then DirectoryInfo */
    char combined[256], full[256];
    dw_explain_info info;
    ck_assert_int_eq(dw_path_explain("D:", "Fax", NULL, combined, sizeof combined, NULL, &info), DW_OK);
    ck_assert_str_eq(combined, "D:Fax");
    ck_assert_int_eq(dw_path_full(combined, NULL, full, sizeof full, NULL), DW_OK);
    ck_assert_str_eq(full, "D:\\Fax");
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "X400. ", NULL, combined, sizeof combined, NULL, &info), DW_OK);
    ck_assert_int_eq(dw_path_full(combined, NULL, full, sizeof full, NULL), DW_OK);
    ck_assert_str_eq(full, "D:\\Exchange\\X400");
    /* an invalid character: Framework's Path.Combine throws, explain says so */
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "a|b", NULL, combined, sizeof combined, NULL, &info), DW_OK);
    ck_assert(info.warnings & DW_WARN_COMBINE_FAILS);
    ck_assert_int_eq(dw_path_explain("D:\\Ex<change", "X400", NULL, combined, sizeof combined, NULL, &info), DW_OK);
    ck_assert(info.warnings & DW_WARN_COMBINE_FAILS);
    ck_assert_int_eq(dw_path_explain("D:\\Exchange", "X400", NULL, combined, sizeof combined, NULL, &info), DW_OK);
    ck_assert(!(info.warnings & DW_WARN_COMBINE_FAILS));
    ck_assert_str_ne(dw_explain_warning_str(DW_WARN_COMBINE_FAILS), dw_explain_warning_str(0x40000000u));
}
END_TEST

/* The allocating variant: the caller-buffer result, long paths included; refusals give no string. */
START_TEST(test_full_alloc)
{
    char buf[1024], *s = NULL, longp[700];
    ck_assert_int_eq(dw_path_full_alloc("D:/Exchange//Drop\\x. ", "C:\\", &s), DW_OK);
    ck_assert_int_eq(dw_path_full("D:/Exchange//Drop\\x. ", "C:\\", buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);
    memcpy(longp, "D:\\", 3);
    memset(longp + 3, 'a', sizeof longp - 4);
    longp[sizeof longp - 1] = '\0';
    ck_assert_int_eq(dw_path_full_alloc(longp, NULL, &s), DW_OK);
    ck_assert_str_eq(s, longp);
    dw_free(s);
    s = (char *)buf;
    ck_assert_int_eq(dw_path_full_alloc("a|b", NULL, &s), DW_E_NAME);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dw_path_full_alloc(NULL, NULL, &s), DW_E_INVAL);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(dw_path_full_alloc("D:\\x", NULL, NULL), DW_E_INVAL);
}
END_TEST

static Suite *path_full_suite(void)
{
    Suite *s = suite_create("path_full");
    TCase *tc = tcase_create("full");
    tcase_add_loop_test(tc, test_full_table, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_full_buffers);
    tcase_add_test(tc, test_full_alloc);
    tcase_add_test(tc, test_full_bad_arguments);
    tcase_add_test(tc, test_explain_then_full);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(path_full_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
