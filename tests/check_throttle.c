/* SPDX-License-Identifier: MIT */
/* Tests for lib/throttle.c: per-connector, per-event suppression windows with the suppressed count
 * reported when the window closes. */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"

#define MIN_MS INT64_C(60000)

static dw_throttle *make(unsigned seconds)
{
    dw_throttle *t = NULL;
    ck_assert_int_eq(dw_throttle_new(&t, seconds), DW_OK);
    ck_assert_ptr_nonnull(t);
    return t;
}

static int check(dw_throttle *t, const char *conn, unsigned ev, int64_t now, dw_throttle_result *r)
{
    ck_assert_int_eq(dw_throttle_check(t, conn, ev, now, r), DW_OK);
    return r->log;
}

START_TEST(test_window_suppresses_and_reports)
{
    dw_throttle *t = make(900);
    ck_assert_uint_eq(dw_throttle_window_seconds(t), 900);
    dw_throttle_result r;
    int64_t t0 = INT64_C(1795581000000);
    ck_assert_int_eq(check(t, "Fax", 8004, t0, &r), 1); /* the first occurrence is logged */
    ck_assert_uint_eq(r.closed.suppressed, 0);
    for (int i = 1; i <= 5; i++)
        ck_assert_int_eq(check(t, "Fax", 8004, t0 + i * MIN_MS, &r), 0); /* repeats within 15 minutes */
    ck_assert_int_eq(check(t, "Fax", 8004, t0 + 900000 - 1, &r), 0);
    /* other keys are independent: another event, another connector */
    ck_assert_int_eq(check(t, "Fax", 8005, t0 + MIN_MS, &r), 1);
    ck_assert_int_eq(check(t, "X400", 8004, t0 + MIN_MS, &r), 1);
    /* the window's end: logged again, and the closed window reports its count */
    ck_assert_int_eq(check(t, "Fax", 8004, t0 + 900000, &r), 1);
    ck_assert_uint_eq(r.closed.suppressed, 6);
    ck_assert_str_eq(r.closed.connector, "Fax");
    ck_assert_uint_eq(r.closed.event_id, 8004);
    ck_assert_int_eq(r.closed.opened_ms, t0);
    ck_assert_int_eq(r.closed.closed_ms, t0 + 900000);
    /* a window without repeats reports nothing when it closes */
    ck_assert_int_eq(check(t, "Fax", 8005, t0 + 2000000, &r), 1);
    ck_assert_uint_eq(r.closed.suppressed, 0);
    ck_assert_uint_eq(r.closed.event_id, 0);
    dw_throttle_free(t);
}
END_TEST

START_TEST(test_next_expired)
{
    dw_throttle *t = make(60);
    dw_throttle_result r;
    dw_throttle_window w;
    check(t, "A", 8004, 0, &r);
    check(t, "A", 8004, 1000, &r);
    check(t, "A", 8004, 2000, &r);
    check(t, "B", 8008, 0, &r); /* no repeats */
    check(t, "C", 8009, 30000, &r);
    check(t, "C", 8009, 31000, &r);
    /* nothing has closed yet */
    ck_assert_int_eq(dw_throttle_next_expired(t, 59999, &w), DW_OK);
    ck_assert_uint_eq(w.event_id, 0);
    /* A closes with 2 suppressed; B closes silently */
    ck_assert_int_eq(dw_throttle_next_expired(t, 60000, &w), DW_OK);
    ck_assert_str_eq(w.connector, "A");
    ck_assert_uint_eq(w.event_id, 8004);
    ck_assert_uint_eq(w.suppressed, 2);
    ck_assert_int_eq(dw_throttle_next_expired(t, 60000, &w), DW_OK);
    ck_assert_uint_eq(w.event_id, 0);
    /* A is gone: its next occurrence opens a fresh window and reports nothing more */
    ck_assert_int_eq(check(t, "A", 8004, 61000, &r), 1);
    ck_assert_uint_eq(r.closed.suppressed, 0);
    /* closing everything (the monitor stops) */
    check(t, "A", 8004, 62000, &r);
    ck_assert_int_eq(dw_throttle_next_expired(t, INT64_MAX, &w), DW_OK);
    int seen_a = 0, seen_c = 0;
    for (int i = 0; i < 2; i++) {
        if (!strcmp(w.connector, "A"))
            seen_a = (int)w.suppressed;
        if (!strcmp(w.connector, "C"))
            seen_c = (int)w.suppressed;
        ck_assert_int_eq(dw_throttle_next_expired(t, INT64_MAX, &w), DW_OK);
    }
    ck_assert_int_eq(seen_a, 1);
    ck_assert_int_eq(seen_c, 1);
    ck_assert_uint_eq(w.event_id, 0);
    dw_throttle_free(t);
}
END_TEST

START_TEST(test_no_window_and_bad_input)
{
    dw_throttle *t = make(0);
    dw_throttle_result r;
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(check(t, "Fax", 8004, 1000, &r), 1); /* window 0: no suppression */
    dw_throttle_free(t);
    t = make(10);
    ck_assert_int_eq(dw_throttle_check(t, "Fax", 0, 0, &r), DW_E_INVAL);
    ck_assert_int_eq(dw_throttle_check(NULL, "Fax", 8004, 0, &r), DW_E_INVAL);
    ck_assert_int_eq(r.log, 1);
    ck_assert_int_eq(dw_throttle_check(t, "Fax", 8004, 0, NULL), DW_E_INVAL);
    ck_assert_int_eq(check(t, NULL, 8004, 0, &r), 1);  /* NULL is the empty name */
    ck_assert_int_eq(check(t, "", 8004, 1, &r), 0);
    /* slightly out-of-order times (threads) stay in the window; a clock stepped back by more than a
     * window starts a new one instead of suppressing until it catches up */
    ck_assert_int_eq(check(t, "", 8004, -5000, &r), 0);
    ck_assert_int_eq(check(t, "", 8004, -10001, &r), 1);
    ck_assert_uint_eq(r.closed.suppressed, 2);
    dw_throttle_window w;
    ck_assert_int_eq(dw_throttle_next_expired(NULL, 0, &w), DW_E_INVAL);
    ck_assert_int_eq(dw_throttle_next_expired(t, 0, NULL), DW_E_INVAL);
    dw_throttle_free(t);
    dw_throttle_free(NULL);
    dw_throttle *x = (dw_throttle *)1;
    ck_assert_uint_eq(DW_THROTTLE_MAX_SECONDS, 31u * 24u * 3600u); /* the header says 31 days */
    ck_assert_int_eq(dw_throttle_new(&x, DW_THROTTLE_MAX_SECONDS + 1), DW_E_INVAL);
    ck_assert_ptr_null(x);
    ck_assert_int_eq(dw_throttle_new(&x, DW_THROTTLE_MAX_SECONDS), DW_OK); /* the limit itself is accepted */
    ck_assert_uint_eq(dw_throttle_window_seconds(x), DW_THROTTLE_MAX_SECONDS);
    dw_throttle_free(x);
    ck_assert_int_eq(dw_throttle_new(NULL, 1), DW_E_INVAL);
    ck_assert_uint_eq(dw_throttle_window_seconds(NULL), 0);
    /* the far end of time does not overflow */
    t = make(60);
    ck_assert_int_eq(check(t, "Fax", 8004, INT64_MAX - 10, &r), 1);
    ck_assert_int_eq(check(t, "Fax", 8004, INT64_MAX - 1, &r), 0);
    dw_throttle_free(t);
}
END_TEST

START_TEST(test_long_names_cut_at_a_character)
{
    dw_throttle *t = make(60);
    char name[600];
    size_t n = 0;
    while (n + 2 < sizeof name - 1) { /* "é" repeated: two bytes each */
        name[n++] = '\xC3';
        name[n++] = '\xA9';
    }
    name[n] = '\0';
    dw_throttle_result r;
    check(t, name, 8004, 0, &r);
    check(t, name, 8004, 1, &r);
    /* a different long name with the same first 255 bytes is its own key */
    char other[600];
    memcpy(other, name, n + 1);
    other[n - 1] = '\xA8';
    ck_assert_int_eq(check(t, other, 8004, 2, &r), 1);
    dw_throttle_window w;
    ck_assert_int_eq(dw_throttle_next_expired(t, INT64_MAX, &w), DW_OK);
    ck_assert_uint_eq(w.suppressed, 1);
    size_t len = strlen(w.connector);
    ck_assert_uint_le(len, DW_THROTTLE_NAME_MAX - 1);
    ck_assert_uint_eq(len % 2, 0); /* never half a character */
    ck_assert_int_eq(memcmp(w.connector, name, len), 0);
    dw_throttle_free(t);
}
END_TEST

typedef struct hammer_arg {
    dw_throttle *t;
    int logged, suppressed;
} hammer_arg;

static void *hammer(void *p)
{
    hammer_arg *a = p;
    for (int i = 0; i < 2000; i++) {
        dw_throttle_result r;
        /* 20 windows of 100 ms over the run, shared by every thread */
        if (dw_throttle_check(a->t, i % 2 ? "Fax" : "X400", 8004, (int64_t)(i / 100) * 100, &r) != DW_OK)
            abort();
        if (r.log)
            a->logged++;
        else
            a->suppressed++;
    }
    return NULL;
}

START_TEST(test_threads)
{
    dw_throttle *t = NULL;
    ck_assert_int_eq(dw_throttle_new(&t, 0), DW_OK);
    dw_throttle_free(t);
    t = make(1);
    enum { N = 4 };
    pthread_t th[N];
    hammer_arg a[N];
    for (int i = 0; i < N; i++) {
        a[i] = (hammer_arg){t, 0, 0};
        pthread_create(&th[i], NULL, hammer, &a[i]);
    }
    int logged = 0, suppressed = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        logged += a[i].logged;
        suppressed += a[i].suppressed;
    }
    ck_assert_int_eq(logged + suppressed, N * 2000);
    /* times 0..1900 ms: windows open at 0 and 1000 for each of the two connectors */
    ck_assert_int_eq(logged, 4);
    dw_throttle_free(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("throttle");
    TCase *tc = tcase_create("throttle");
    tcase_add_test(tc, test_window_suppresses_and_reports);
    tcase_add_test(tc, test_next_expired);
    tcase_add_test(tc, test_no_window_and_bad_input);
    tcase_add_test(tc, test_long_names_cut_at_a_character);
    tcase_add_test(tc, test_threads);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
