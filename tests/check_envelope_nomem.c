/* SPDX-License-Identifier: MIT */
/* Out-of-memory paths of lib/envelope.c, driven by libfiu's POSIX preload (run through tests/envelope_nomem.sh):
 * every allocation failure returns DW_E_NOMEM and leaves the envelope exactly as it was. */
#include <check.h>
#include <fiu-control.h>
#include <fiu.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "../lib/envelope.h"

/* Fail only the n-th call of the enabled point (1-based) counted from enable_nth(). While a point is
 * enabled nothing but the call under test may run: Check's own assertions allocate too. */
static int calls, fail_at;

static int nth_cb(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
    (void)name;
    (void)failnum;
    (void)failinfo;
    (void)flags;
    return ++calls == fail_at;
}

static int enable_nth(const char *point, int n)
{
    calls = 0;
    fail_at = n;
    return fiu_enable_external(point, 1, NULL, 0, nth_cb);
}

START_TEST(test_preload_active)
{
    int en = fiu_enable("libc/mm/malloc", 1, NULL, 0);
    void *p = malloc(16);
    fiu_disable("libc/mm/malloc");
    ck_assert_int_eq(en, 0);
    ck_assert_msg(p == NULL, "libfiu's POSIX preload is not active: run this through fiu-run -x");
}
END_TEST

START_TEST(test_new_nomem)
{
    dw_envelope *e = (dw_envelope *)&e;
    int en = fiu_enable("libc/mm/calloc", 1, NULL, 0);
    dw_status st = dw_envelope_new(&e);
    fiu_disable("libc/mm/calloc");
    ck_assert_int_eq(en, 0);
    ck_assert_int_eq(st, DW_E_NOMEM);
    ck_assert_ptr_null(e);
}
END_TEST

START_TEST(test_sender_nomem_keeps_previous)
{
    dw_envelope *e = NULL;
    ck_assert_int_eq(dw_envelope_new(&e), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(e, "old@x.example", "SIZE=1"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x.example", NULL), DW_OK);
    for (int n = 1; n <= 2; n++) { /* the address copy, then the parameters copy */
        int en = enable_nth("libc/mm/malloc", n);
        dw_status st = dw_envelope_set_sender(e, "new@x.example", "SIZE=2");
        fiu_disable("libc/mm/malloc");
        ck_assert_int_eq(en, 0);
        ck_assert_int_eq(calls, 2);
        ck_assert_int_eq(st, DW_E_NOMEM);
    }
    char buf[256];
    ck_assert_int_eq(dw_envelope_format(e, 9, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, "X-sender: <old@x.example> SIZE=1\r\nX-Receiver: <r@x.example>\r\nX-EndOfInjectedXHeaders: 9\r\n");
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_recipient_nomem_keeps_list)
{
    dw_envelope *e = NULL;
    ck_assert_int_eq(dw_envelope_new(&e), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@x.example", NULL), DW_OK);
    /* copies fail */
    for (int n = 1; n <= 2; n++) {
        int en = enable_nth("libc/mm/malloc", n);
        dw_status st = dw_envelope_add_recipient(e, "r@x.example", "NOTIFY=NEVER");
        fiu_disable("libc/mm/malloc");
        ck_assert_int_eq(en, 0);
        ck_assert_int_eq(st, DW_E_NOMEM);
        ck_assert_int_eq(dwi_envelope_complete(e), 0);
    }
    /* growing the list fails: the first growth, then a later one */
    int en = fiu_enable("libc/mm/realloc", 1, NULL, 0);
    dw_status st = dw_envelope_add_recipient(e, "r0@x.example", NULL);
    fiu_disable("libc/mm/realloc");
    ck_assert_int_eq(en, 0);
    ck_assert_int_eq(st, DW_E_NOMEM);
    ck_assert_int_eq(dwi_envelope_complete(e), 0);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x.example", NULL), DW_OK);
    en = fiu_enable("libc/mm/realloc", 1, NULL, 0);
    st = dw_envelope_add_recipient(e, "fifth@x.example", NULL);
    fiu_disable("libc/mm/realloc");
    ck_assert_int_eq(en, 0);
    ck_assert_int_eq(st, DW_E_NOMEM);
    char buf[512];
    ck_assert_int_eq(dw_envelope_format(e, 1, buf, sizeof buf, NULL), DW_OK);
    ck_assert_ptr_null(strstr(buf, "fifth"));
    /* and it recovers once memory is back */
    ck_assert_int_eq(dw_envelope_add_recipient(e, "fifth@x.example", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_format(e, 1, buf, sizeof buf, NULL), DW_OK);
    ck_assert_ptr_nonnull(strstr(buf, "X-Receiver: <fifth@x.example>\r\n"));
    dw_envelope_free(e);
}
END_TEST

int main(void)
{
    fiu_init(0);
    Suite *s = suite_create("envelope_nomem");
    TCase *tc = tcase_create("nomem");
    tcase_add_test(tc, test_preload_active);
    tcase_add_test(tc, test_new_nomem);
    tcase_add_test(tc, test_sender_nomem_keeps_previous);
    tcase_add_test(tc, test_recipient_nomem_keeps_list);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
