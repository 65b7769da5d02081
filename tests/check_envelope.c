/* SPDX-License-Identifier: MIT */
/* Tests for lib/envelope.c: byte-exact X-Sender/X-Receiver/X-EndOfInjectedXHeaders and injection refusal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "../lib/envelope.h"

static dw_envelope *env_new(void)
{
    dw_envelope *e = NULL;
    ck_assert_int_eq(dw_envelope_new(&e), DW_OK);
    ck_assert_ptr_nonnull(e);
    return e;
}

/* Format into a static-size buffer and return it (asserting DW_OK and the needed size). */
static const char *fmt(const dw_envelope *e, uint64_t mime_len)
{
    static char buf[8192];
    size_t needed = 0;
    ck_assert_int_eq(dw_envelope_format(e, mime_len, buf, sizeof buf, &needed), DW_OK);
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    return buf;
}

START_TEST(test_basic_format)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "sender@contoso.com", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "fax@contoso.com", NULL), DW_OK);
    ck_assert_str_eq(fmt(e, 1234), "X-sender: <sender@contoso.com>\r\n"
                                   "X-Receiver: <fax@contoso.com>\r\n"
                                   "X-EndOfInjectedXHeaders: 1234\r\n");
    ck_assert_str_eq(fmt(e, 0), "X-sender: <sender@contoso.com>\r\n"
                                "X-Receiver: <fax@contoso.com>\r\n"
                                "X-EndOfInjectedXHeaders: 0\r\n");
    ck_assert_str_eq(fmt(e, UINT64_MAX), "X-sender: <sender@contoso.com>\r\n"
                                         "X-Receiver: <fax@contoso.com>\r\n"
                                         "X-EndOfInjectedXHeaders: 18446744073709551615\r\n");
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_params_and_order)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "a@x.example", "SIZE=2048 BODY=8BITMIME"), DW_OK);
    char addr[32];
    for (int i = 0; i < 10; i++) { /* more than the initial capacity */
        snprintf(addr, sizeof addr, "r%d@y.example", i);
        ck_assert_int_eq(dw_envelope_add_recipient(e, addr, i == 3 ? "ORCPT=rfc822;r3@y.example NOTIFY=NEVER" : ""),
                         DW_OK);
    }
    char want[2048];
    size_t n = (size_t)snprintf(want, sizeof want, "X-sender: <a@x.example> SIZE=2048 BODY=8BITMIME\r\n");
    for (int i = 0; i < 10; i++)
        n += (size_t)snprintf(want + n, sizeof want - n, "X-Receiver: <r%d@y.example>%s\r\n", i,
                              i == 3 ? " ORCPT=rfc822;r3@y.example NOTIFY=NEVER" : "");
    snprintf(want + n, sizeof want - n, "X-EndOfInjectedXHeaders: 777\r\n");
    ck_assert_str_eq(fmt(e, 777), want);
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_brackets_and_null_sender)
{
    dw_envelope *e = env_new();
    /* one enclosing pair is not doubled */
    ck_assert_int_eq(dw_envelope_set_sender(e, "<a@b.example>", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "<c@d.example>", "  ORCPT=rfc822;c@d.example  "), DW_OK);
    ck_assert_str_eq(fmt(e, 5), "X-sender: <a@b.example>\r\n"
                                "X-Receiver: <c@d.example> ORCPT=rfc822;c@d.example\r\n"
                                "X-EndOfInjectedXHeaders: 5\r\n");
    /* the null reverse-path of bounces */
    ck_assert_int_eq(dw_envelope_set_sender(e, "<>", NULL), DW_OK);
    ck_assert_str_eq(fmt(e, 5), "X-sender: <>\r\n"
                                "X-Receiver: <c@d.example> ORCPT=rfc822;c@d.example\r\n"
                                "X-EndOfInjectedXHeaders: 5\r\n");
    /* blank parameters write nothing, not a trailing space */
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@e.example", "   "), DW_OK);
    ck_assert_str_eq(fmt(e, 5), "X-sender: <s@e.example>\r\n"
                                "X-Receiver: <c@d.example> ORCPT=rfc822;c@d.example\r\n"
                                "X-EndOfInjectedXHeaders: 5\r\n");
    /* a quoted local part with an inner space is printable ASCII */
    ck_assert_int_eq(dw_envelope_set_sender(e, "\"john doe\"@e.example", NULL), DW_OK);
    ck_assert_ptr_nonnull(strstr(fmt(e, 5), "X-sender: <\"john doe\"@e.example>\r\n"));
    /* X.400 / FAX style addresses pass as long as they are printable ASCII */
    ck_assert_int_eq(dw_envelope_add_recipient(e, "FAX:+1 (425) 555-0100", NULL), DW_OK);
    ck_assert_ptr_nonnull(strstr(fmt(e, 5), "X-Receiver: <FAX:+1 (425) 555-0100>\r\n"));
    dw_envelope_free(e);
}
END_TEST

static const char *const bad_addresses[] = {
    "",
    "a@b\r\nX-Receiver: <evil@x>",
    "a@b\n",
    "a@b\r",
    "\r\n",
    "a\tb@c",
    "\xC3\xA9@b.example",          /* UTF-8 (SMTPUTF8 is not written) */
    "a@b\x7F",                      /* DEL */
    "a@b\x80",
    "a>b@c",
    "<a@b",
    "a@b>",
    "<<a@b>>",
    "<a@b> SIZE=1",                 /* parameters belong in the params argument */
    " a@b",
    "a@b ",
    "< a@b>",
};

START_TEST(test_bad_sender)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "good@x.example", "SIZE=1"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x.example", NULL), DW_OK);
    ck_assert_msg(dw_envelope_set_sender(e, bad_addresses[_i], NULL) == DW_E_ENVELOPE, "sender \"%s\" accepted",
                  bad_addresses[_i]);
    /* the previous sender stays */
    ck_assert_str_eq(fmt(e, 1), "X-sender: <good@x.example> SIZE=1\r\n"
                                "X-Receiver: <r@x.example>\r\n"
                                "X-EndOfInjectedXHeaders: 1\r\n");
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_bad_recipient)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@x.example", NULL), DW_OK);
    ck_assert_msg(dw_envelope_add_recipient(e, bad_addresses[_i], NULL) == DW_E_ENVELOPE,
                  "recipient \"%s\" accepted", bad_addresses[_i]);
    /* nothing was added: the envelope is still incomplete */
    ck_assert_int_eq(dwi_envelope_complete(e), 0);
    ck_assert_int_eq(dw_envelope_format(e, 1, NULL, 0, NULL), DW_E_ENVELOPE);
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_null_recipient_refused)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_add_recipient(e, "<>", NULL), DW_E_ENVELOPE);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "", NULL), DW_E_ENVELOPE);
    dw_envelope_free(e);
}
END_TEST

static const char *const bad_params[] = {
    "SIZE=1\r\nX-Receiver: <evil@x>",
    "SIZE=1\n",
    "\rSIZE=1",
    "SIZE=1\tBODY=7BIT",
    "ORCPT=rfc822;\xC3\xA9@x",
    "SIZE=\x7F",
};

START_TEST(test_bad_params)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@x.example", bad_params[_i]), DW_E_ENVELOPE);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x.example", bad_params[_i]), DW_E_ENVELOPE);
    ck_assert_int_eq(dwi_envelope_complete(e), 0);
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_incomplete_and_null)
{
    dw_envelope *e = env_new();
    char buf[256];
    size_t needed = 99;
    ck_assert_int_eq(dwi_envelope_complete(e), 0);
    ck_assert_int_eq(dw_envelope_format(e, 1, buf, sizeof buf, &needed), DW_E_ENVELOPE);
    ck_assert_uint_eq(needed, 0);
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@x.example", NULL), DW_OK);
    ck_assert_int_eq(dwi_envelope_complete(e), 0); /* no recipient yet */
    ck_assert_int_eq(dw_envelope_format(e, 1, buf, sizeof buf, &needed), DW_E_ENVELOPE);
    dw_envelope_free(e);

    e = env_new();
    ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x.example", NULL), DW_OK);
    ck_assert_int_eq(dwi_envelope_complete(e), 0); /* no sender */
    ck_assert_int_eq(dw_envelope_format(e, 1, buf, sizeof buf, &needed), DW_E_ENVELOPE);
    ck_assert_int_eq(dw_envelope_set_sender(e, "s@x.example", NULL), DW_OK);
    ck_assert_int_eq(dwi_envelope_complete(e), 1);

    /* NULL arguments */
    ck_assert_int_eq(dw_envelope_new(NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_set_sender(NULL, "a@b", NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_set_sender(e, NULL, NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_add_recipient(NULL, "a@b", NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_add_recipient(e, NULL, "X=1"), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(NULL, DW_EOH_HEADER_LENGTH), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, (dw_eoh_mode)2), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, (dw_eoh_mode)-1), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_format(NULL, 1, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_envelope_format(e, 1, NULL, 3, &needed), DW_E_INVAL);
    ck_assert_int_eq(dwi_envelope_complete(NULL), 0);
    ck_assert_int_eq(dwi_envelope_eoh_mode(NULL), DW_EOH_MIME_LENGTH);
    dw_envelope_free(e);
    dw_envelope_free(NULL);
}
END_TEST

START_TEST(test_buffers)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_sender(e, "a@b", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "c@d", NULL), DW_OK);
    const char *want = "X-sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 42\r\n";
    size_t len = strlen(want), needed = 0;
    ck_assert_int_eq(dw_envelope_format(e, 42, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    char *exact = malloc(len + 1);
    ck_assert_int_eq(dw_envelope_format(e, 42, exact, len + 1, &needed), DW_OK);
    ck_assert_str_eq(exact, want);
    ck_assert_int_eq(dw_envelope_format(e, 42, exact, len, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, len + 1);
    ck_assert_uint_eq(strlen(exact), len - 1);
    free(exact);
    dw_envelope_free(e);
}
END_TEST

/* Parse the number on the X-EndOfInjectedXHeaders line. */
static uint64_t eoh_value(const char *text)
{
    const char *p = strstr(text, "X-EndOfInjectedXHeaders: ");
    ck_assert_ptr_nonnull(p);
    return strtoull(p + strlen("X-EndOfInjectedXHeaders: "), NULL, 10);
}

START_TEST(test_header_length_mode)
{
    dw_envelope *e = env_new();
    ck_assert_int_eq(dwi_envelope_eoh_mode(e), DW_EOH_MIME_LENGTH);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, DW_EOH_HEADER_LENGTH), DW_OK);
    ck_assert_int_eq(dwi_envelope_eoh_mode(e), DW_EOH_HEADER_LENGTH);
    ck_assert_int_eq(dw_envelope_set_sender(e, "a@b", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "c@d", NULL), DW_OK);
    /* 17 + 19 + 25 + 2 digits + 2 = 65: the count includes its own line; the MIME length is ignored */
    ck_assert_str_eq(fmt(e, 999999), "X-sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 65\r\n");
    dw_envelope_free(e);

    /* across every digit-count boundary the number equals the length of the text it ends */
    char addr[1200];
    for (size_t n = 1; n < 1100; n++) {
        e = env_new();
        ck_assert_int_eq(dw_envelope_set_eoh_mode(e, DW_EOH_HEADER_LENGTH), DW_OK);
        memset(addr, 'a', n);
        strcpy(addr + n, "@x");
        ck_assert_int_eq(dw_envelope_set_sender(e, addr, NULL), DW_OK);
        ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x", NULL), DW_OK);
        const char *t = fmt(e, 0);
        ck_assert_uint_eq(eoh_value(t), strlen(t));
        dw_envelope_free(e);
    }

    /* and back to the default mode */
    e = env_new();
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, DW_EOH_HEADER_LENGTH), DW_OK);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, DW_EOH_MIME_LENGTH), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(e, "a@b", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "c@d", NULL), DW_OK);
    ck_assert_uint_eq(eoh_value(fmt(e, 31337)), 31337);
    dw_envelope_free(e);
}
END_TEST

START_TEST(test_header_length_boundaries_exact)
{
    /*
     * Where the digit count changes the fixed point skips a value. Sender line: 14 + L bytes for an
     * address of L bytes; "X-Receiver: <r@x>\r\n" is 19; the last line is 27 + digits. Total: 60 + L + d.
     */
    dw_envelope *e = env_new();
    ck_assert_int_eq(dw_envelope_set_eoh_mode(e, DW_EOH_HEADER_LENGTH), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(e, "r@x", NULL), DW_OK);
    static const struct {
        size_t l;
        uint64_t total;
    } t[] = {
        {37, 99},  /* 60 + 37 + 2 */
        {38, 101}, /* 60 + 38 + 2 = 100 has three digits: 60 + 38 + 3 */
        {39, 102},
        {936, 999},  /* 60 + 936 + 3 */
        {937, 1001}, /* 1000 has four digits */
    };
    char addr[1000];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        memset(addr, 's', t[i].l - 2);
        strcpy(addr + t[i].l - 2, "@x");
        ck_assert_int_eq(dw_envelope_set_sender(e, addr, NULL), DW_OK);
        const char *text = fmt(e, 0);
        ck_assert_uint_eq(eoh_value(text), t[i].total);
        ck_assert_uint_eq(strlen(text), t[i].total);
    }
    dw_envelope_free(e);
}
END_TEST

static Suite *envelope_suite(void)
{
    Suite *s = suite_create("envelope");
    TCase *tc = tcase_create("format");
    tcase_add_test(tc, test_basic_format);
    tcase_add_test(tc, test_params_and_order);
    tcase_add_test(tc, test_brackets_and_null_sender);
    tcase_add_test(tc, test_buffers);
    tcase_add_test(tc, test_header_length_mode);
    tcase_add_test(tc, test_header_length_boundaries_exact);
    suite_add_tcase(s, tc);
    TCase *ti = tcase_create("injection");
    tcase_add_loop_test(ti, test_bad_sender, 0, (int)(sizeof bad_addresses / sizeof bad_addresses[0]));
    tcase_add_loop_test(ti, test_bad_recipient, 0, (int)(sizeof bad_addresses / sizeof bad_addresses[0]));
    tcase_add_test(ti, test_null_recipient_refused);
    tcase_add_loop_test(ti, test_bad_params, 0, (int)(sizeof bad_params / sizeof bad_params[0]));
    tcase_add_test(ti, test_incomplete_and_null);
    suite_add_tcase(s, ti);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(envelope_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
