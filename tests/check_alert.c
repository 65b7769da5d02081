/* SPDX-License-Identifier: MIT */
/* Tests for lib/alert.c: every format and field, golden files, sibling events, adversarial input,
 * caller buffers, determinism and thread safety. */
#define _POSIX_C_SOURCE 200809L /* gmtime_r under -std=c11 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dropwatch.h"
#include "alert/golden_record.h"

static const dw_format all_formats[DW_FORMAT_COUNT] = {DW_FORMAT_TEXT, DW_FORMAT_XML, DW_FORMAT_JSON,
                                                       DW_FORMAT_SYSLOG};

static char *fmt(const dw_alert *a, dw_format f)
{
    char *out = NULL;
    size_t len = 0;
    ck_assert_int_eq(dw_alert_format_alloc(a, f, &out, &len), DW_OK);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(len, strlen(out));
    return out;
}

static size_t count_str(const char *hay, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + k, needle))
        n++;
    return n;
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

#ifndef _WIN32 /* only the golden files are read */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (buf)
        buf[n] = '\0';
    *len = n;
    return buf;
}
#endif

/* A benign record used as a base by most tests. */
static void base_record(dw_alert *a)
{
    golden_record(a, GOLDEN_8004);
}

/* ---- API basics ---- */

START_TEST(test_init_defaults)
{
    dw_alert a;
    memset(&a, 0x5A, sizeof a);
    dw_alert_init(&a);
    ck_assert_ptr_null(a.connector);
    ck_assert_ptr_null(a.drop_path);
    ck_assert_ptr_null(a.root);
    ck_assert_ptr_null(a.drop_dir);
    ck_assert_ptr_null(a.computer);
    ck_assert_ptr_null(a.exception_text);
    ck_assert_ptr_null(a.app_name);
    ck_assert_int_lt(a.time_ms, 0);
    ck_assert_int_eq(a.event_mode, DW_EVENT_AUTO); /* the event Exchange would log, by default */
    ck_assert_int_eq(a.exchange_version, DW_EXCHANGE_2007);
    ck_assert_int_eq(a.syslog_facility, 16);
    ck_assert_int_eq(a.syslog_facility, DW_SYSLOG_FACILITY_DEFAULT);
    ck_assert_int_eq(a.has_record_id, 0);
    ck_assert_int_eq(a.error.io_class, DW_CLASS_NONE);
    ck_assert_uint_eq(a.version, DW_ALERT_VERSION);
    dw_alert_init(NULL); /* ignored */
    /* The static initialiser agrees; an unset or future version is refused (doc/abi.md). */
    dw_alert s = DW_ALERT_INIT;
    ck_assert(s.version == a.version && s.time_ms == a.time_ms && s.event_mode == a.event_mode &&
              s.syslog_facility == a.syslog_facility && s.connector == NULL);
    char buf[64];
    ck_assert_int_eq(dw_alert_format(&s, DW_FORMAT_TEXT, buf, 0, NULL), DW_E_BUFFER);
    s.version = 0;
    ck_assert_int_eq(dw_alert_format(&s, DW_FORMAT_TEXT, buf, sizeof buf, NULL), DW_E_INVAL);
    ck_assert_uint_eq(dw_alert_event_id(&s), 0);
    s.version = DW_ALERT_VERSION + 1;
    char *out = NULL;
    ck_assert_int_eq(dw_alert_format_alloc(&s, DW_FORMAT_JSON, &out, NULL), DW_E_INVAL);
    ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_format_names)
{
    static const char *const names[] = {"text", "xml", "json", "syslog"};
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        ck_assert_str_eq(dw_format_name((dw_format)f), names[f]);
        dw_format out = (dw_format)99;
        ck_assert_int_eq(dw_format_from_name(names[f], &out), DW_OK);
        ck_assert_int_eq(out, f);
    }
    ck_assert_ptr_null(dw_format_name((dw_format)DW_FORMAT_COUNT));
    ck_assert_ptr_null(dw_format_name((dw_format)-1));
    dw_format out = DW_FORMAT_TEXT;
    ck_assert_int_eq(dw_format_from_name("XML", &out), DW_OK);
    ck_assert_int_eq(out, DW_FORMAT_XML);
    ck_assert_int_eq(dw_format_from_name("SysLog", &out), DW_OK);
    ck_assert_int_eq(out, DW_FORMAT_SYSLOG);
    ck_assert_int_eq(dw_format_from_name("yaml", &out), DW_E_PARSE);
    ck_assert_int_eq(dw_format_from_name("", &out), DW_E_PARSE);
    ck_assert_int_eq(dw_format_from_name("xm", &out), DW_E_PARSE);
    ck_assert_int_eq(dw_format_from_name("xmlx", &out), DW_E_PARSE);
    ck_assert_int_eq(dw_format_from_name("json ", &out), DW_E_PARSE);
    ck_assert_int_eq(out, DW_FORMAT_SYSLOG); /* untouched on failure */
    ck_assert_int_eq(dw_format_from_name(NULL, &out), DW_E_INVAL);
    ck_assert_int_eq(dw_format_from_name("xml", NULL), DW_E_INVAL);
}
END_TEST

START_TEST(test_event_names)
{
    ck_assert_str_eq(dw_event_name(8004), "NonSmtpGWBadDropDirectory");
    ck_assert_str_eq(dw_event_name(8005), "NonSmtpGWQuotaExceeded");
    ck_assert_str_eq(dw_event_name(8007), "NonSmtpGWPathTooLongException");
    ck_assert_str_eq(dw_event_name(8008), "NonSmtpGWNoDropDirectory");
    ck_assert_str_eq(dw_event_name(8009), "NonSmtpGWUnauthorizedAccess");
    ck_assert_ptr_null(dw_event_name(8006));
    ck_assert_ptr_null(dw_event_name(0));
    ck_assert_ptr_null(dw_event_name(8010));
}
END_TEST

START_TEST(test_invalid_arguments)
{
    dw_alert a;
    base_record(&a);
    char buf[64];
    size_t needed = 7;
    char *out = (char *)buf;
    size_t len = 9;
    ck_assert_int_eq(dw_alert_format(NULL, DW_FORMAT_XML, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_alert_format(&a, (dw_format)DW_FORMAT_COUNT, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_alert_format(&a, (dw_format)-1, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_XML, NULL, 10, &needed), DW_E_INVAL);
    a.syslog_facility = 24;
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_SYSLOG, buf, sizeof buf, &needed), DW_E_INVAL);
    a.syslog_facility = -1;
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_TEXT, buf, sizeof buf, &needed), DW_E_INVAL);
    a.syslog_facility = 16;
    a.event_mode = (dw_event_mode)7;
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_JSON, buf, sizeof buf, &needed), DW_E_INVAL);
    ck_assert_int_eq(dw_alert_format_alloc(&a, DW_FORMAT_JSON, &out, &len), DW_E_INVAL);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
    a.event_mode = DW_EVENT_8004;
    ck_assert_int_eq(dw_alert_format_alloc(&a, DW_FORMAT_JSON, NULL, &len), DW_E_INVAL);
    ck_assert_int_eq(dw_alert_format_alloc(NULL, DW_FORMAT_JSON, &out, NULL), DW_E_INVAL);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(dw_alert_event_id(NULL), 0);
    /* len may be NULL */
    ck_assert_int_eq(dw_alert_format_alloc(&a, DW_FORMAT_JSON, &out, NULL), DW_OK);
    dw_free(out);
}
END_TEST

/* ---- golden files ---- */

#ifndef _WIN32
START_TEST(test_golden_files)
{
    const char *srcdir = getenv("top_srcdir");
    ck_assert_msg(srcdir != NULL, "top_srcdir not exported by the test environment");
    for (int v = 0; v < GOLDEN_COUNT; v++) {
        for (int f = 0; f < DW_FORMAT_COUNT; f++) {
            char path[4096];
            snprintf(path, sizeof path, "%s/tests/alert/golden/%s.%s", srcdir, golden_names[v],
                     dw_format_name((dw_format)f));
            size_t glen = 0;
            char *golden = read_file(path, &glen);
            ck_assert_msg(golden != NULL, "cannot read %s", path);
            dw_alert a;
            golden_record(&a, v);
            char *out = fmt(&a, (dw_format)f);
            ck_assert_msg(glen == strlen(out) && memcmp(golden, out, glen) == 0,
                          "%s differs from the output (regenerate with tests/alert/regen_golden.sh "
                          "after an intended change):\n%s",
                          path, out);
            free(golden);
            dw_free(out);
        }
    }
}
END_TEST
#endif

/* ---- fields ---- */

START_TEST(test_every_field_in_every_format)
{
    dw_alert a;
    base_record(&a);
    a.root = "D:\\Exchange";
    snprintf(a.error.detail, sizeof a.error.detail, "some detail");
    a.error.retryable = 1;
    a.error.attempts = 3;
    char errtext[256];
    ck_assert_int_eq(dw_errno_str(ENOSPC, errtext, sizeof errtext, NULL), DW_OK);
    const char *must[] = {"Fax Connector", "C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector",
                          "D:\\Exchange", "capacity", "write", "ENOSPC", "28", "ERROR_DISK_FULL", "112",
                          "some detail", "HUB01.contoso.com", "2026-11-25T04:30:00.123Z", "123456",
                          "Critical Error", "Exchange", "8.0", "MSExchangeTransport", "8004",
                          "Microsoft Exchange Server/Exchange 2007/Common Components/Hub Transport and Edge "
                          "Transport/Transport",
                          "An I/O exception occurred when writing to the Drop directory.", "CHKDSK",
                          ".dwtmp-4242-1-0123456789abcdef.tmp", errtext};
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = fmt(&a, all_formats[f]);
        for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
            const char *want = must[i];
            char esc[512];
            /* JSON and SD values escape the backslash. */
            if ((all_formats[f] == DW_FORMAT_JSON || all_formats[f] == DW_FORMAT_SYSLOG) && strchr(want, '\\')) {
                size_t k = 0;
                for (const char *p = want; *p && k < sizeof esc - 2; p++) {
                    if (*p == '\\')
                        esc[k++] = '\\';
                    esc[k++] = *p;
                }
                esc[k] = '\0';
                want = esc;
            }
            ck_assert_msg(strstr(out, want) != NULL, "%s lacks \"%s\"", dw_format_name(all_formats[f]), want);
        }
        /* The class action comes from the classification, first among the user actions. */
        ck_assert_ptr_nonnull(strstr(out, f == DW_FORMAT_TEXT ? "Retryable:              yes"
                                       : f == DW_FORMAT_XML  ? "<Data Name=\"Retryable\">true</Data>"
                                       : f == DW_FORMAT_JSON ? "\"retryable\":true"
                                                             : "retryable=\"true\""));
        ck_assert_ptr_nonnull(strstr(out, f == DW_FORMAT_TEXT ? "Attempts:               3"
                                       : f == DW_FORMAT_XML  ? "<Data Name=\"Attempts\">3</Data>"
                                       : f == DW_FORMAT_JSON ? "\"attempts\":3"
                                                             : "attempts=\"3\""));
        dw_free(out);
    }
}
END_TEST

START_TEST(test_xml_system_shape)
{
    dw_alert a;
    base_record(&a);
    char *out = fmt(&a, DW_FORMAT_XML);
    ck_assert_ptr_eq(strstr(out, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"), out);
    const char *order[] = {"<Provider Name=\"MSExchangeTransport\" />", "<EventID Qualifiers=\"49156\">8004</EventID>",
                           "<Level>2</Level>", "<Task>7</Task>", "<Keywords>0x80000000000000</Keywords>",
                           "<TimeCreated SystemTime=\"2026-11-25T04:30:00.123Z\" />",
                           "<EventRecordID>123456</EventRecordID>", "<Channel>Application</Channel>",
                           "<Computer>HUB01.contoso.com</Computer>", "<Security />", "<EventData>",
                           "<Data>Fax Connector</Data>",
                           "<Data>C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector</Data>",
                           "<Data>There is not enough space on the disk.</Data>", "<Data Name=\"EventName\">", "</EventData>", "</Event>\n"};
    const char *p = out;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *q = strstr(p, order[i]);
        ck_assert_msg(q != NULL, "missing or out of order: %s", order[i]);
        p = q + strlen(order[i]);
    }
    ck_assert_uint_eq(count_str(out, "<Data>"), 3);
    dw_free(out);
    /* EventRecordID only when supplied. */
    a.has_record_id = 0;
    out = fmt(&a, DW_FORMAT_XML);
    ck_assert_ptr_null(strstr(out, "EventRecordID"));
    dw_free(out);
}
END_TEST

START_TEST(test_record_id_optional_everywhere)
{
    dw_alert a;
    base_record(&a);
    a.has_record_id = 0;
    a.record_id = 987654321;
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = fmt(&a, all_formats[f]);
        ck_assert_ptr_null(strstr(out, "987654321"));
        dw_free(out);
    }
    a.has_record_id = 1;
    a.record_id = UINT64_MAX;
    const char *want[] = {"Record ID:              18446744073709551615\n",
                          "<EventRecordID>18446744073709551615</EventRecordID>",
                          "\"record_id\":\"18446744073709551615\"", "recordID=\"18446744073709551615\""};
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = fmt(&a, all_formats[f]);
        ck_assert_msg(strstr(out, want[f]) != NULL, "%s", out);
        dw_free(out);
    }
}
END_TEST

START_TEST(test_json_names)
{
    dw_alert a;
    base_record(&a);
    char *out = fmt(&a, DW_FORMAT_JSON);
    const char *must[] = {"{\"@timestamp\":\"2026-11-25T04:30:00.123Z\"", "\"event\":{\"code\":\"8004\"",
                          "\"kind\":\"event\"", "\"action\":\"RemoteDelivery\"", "\"provider\":\"MSExchangeTransport\"",
                          "\"log\":{\"level\":\"error\"}", "\"host\":{\"name\":\"HUB01.contoso.com\"}",
                          "\"message\":\"A non-SMTP gateway connection failure occurred on connector Fax Connector.",
                          "\"winlog\":{\"channel\":\"Application\",\"event_id\":\"8004\"",
                          "\"provider_name\":\"MSExchangeTransport\"", "\"computer_name\":\"HUB01.contoso.com\"",
                          "\"task\":\"RemoteDelivery\"", "\"keywords\":[\"Classic\"]",
                          "\"event_data\":{\"param1\":\"Fax Connector\",\"param2\":\"C:\\\\Program Files",
                          "\"param3\":\"There is not enough space on the disk.\"}", "\"dropwatch\":{\"event_name\":\"NonSmtpGWBadDropDirectory\"",
                          "\"errno\":28", "\"win32\":112", a.error.retryable ? "\"retryable\":true" : "\"retryable\":false",
                          "\"replaced\":false",
                          "\"truncated\":false}}\n"};
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++)
        ck_assert_msg(strstr(out, must[i]) != NULL, "json lacks %s", must[i]);
    ck_assert_uint_eq(count_char(out, '\n'), 1);
    dw_free(out);

    /* NULL strings are null in JSON, empty elsewhere. */
    dw_alert_init(&a);
    a.time_ms = 0;
    out = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(out, "\"connector\":null"));
    ck_assert_ptr_nonnull(strstr(out, "\"root\":null"));
    ck_assert_ptr_nonnull(strstr(out, "\"errno_name\":null"));
    ck_assert_ptr_nonnull(strstr(out, "\"host\":{\"name\":\"localhost\"}"));
    ck_assert_ptr_nonnull(strstr(out, "\"param1\":\"\""));
    dw_free(out);
}
END_TEST

START_TEST(test_syslog_header)
{
    dw_alert a;
    base_record(&a);
    char *out = fmt(&a, DW_FORMAT_SYSLOG);
    /* local0 (16) * 8 + crit (2): 8004 is a "Critical Error" alert. */
    ck_assert_ptr_eq(strstr(out, "<130>1 2026-11-25T04:30:00.123Z HUB01.contoso.com dropwatch - "
                                 "NonSmtpGWBadDropDirectory [dropwatch@32473 eventID=\"8004\""),
                     out);
    ck_assert_uint_eq(count_char(out, '\n'), 1);
    ck_assert_ptr_null(strstr(out, "\xEF\xBB\xBF")); /* ASCII message: no BOM */
    dw_free(out);

    a.syslog_facility = 0;
    out = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_eq(strstr(out, "<2>1 "), out);
    dw_free(out);
    a.syslog_facility = 23;
    a.exchange_version = DW_EXCHANGE_2010; /* the 2010 pack's 8008 rule raises a Warning */
    dw_io_error_set(&a.error, DW_OP_OPEN_DIR, ENOENT, 0, "/x"); /* 8008: warning (4) */
    out = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_eq(strstr(out, "<188>1 "), out);
    dw_free(out);
    dw_io_error_set(&a.error, DW_OP_CREATE, EACCES, 0, "/x"); /* 8009: err (3) */
    out = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_eq(strstr(out, "<187>1 "), out);
    dw_free(out);

    a.app_name = "my app";
    a.computer = "";
    out = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_nonnull(strstr(out, "Z - my_app - NonSmtpGWUnauthorizedAccess ["));
    ck_assert_ptr_nonnull(strstr(out, " computer=\"\""));
    dw_free(out);
}
END_TEST

START_TEST(test_syslog_names_sanitised)
{
    dw_alert a;
    base_record(&a);
    char host[400], app[100];
    memset(host, 'h', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    memset(app, 'a', sizeof app - 1);
    app[sizeof app - 1] = '\0';
    host[3] = ' ', host[4] = '\n', host[5] = '\xff', host[6] = '"';
    memcpy(host + 7, "\xc3\xa9", 2); /* one code point, one '_' */
    a.computer = host;
    a.app_name = app;
    char *out = fmt(&a, DW_FORMAT_SYSLOG);
    char *sp1 = strchr(out, ' '), *sp2 = strchr(sp1 + 1, ' '), *sp3 = strchr(sp2 + 1, ' ');
    char *sp4 = strchr(sp3 + 1, ' ');
    ck_assert_uint_eq((size_t)(sp3 - sp2 - 1), 255);
    ck_assert_int_eq(strncmp(sp2 + 1, "hhh___\"_hh", 10), 0); /* '"' is PRINTUSASCII */
    ck_assert_uint_eq((size_t)(sp4 - sp3 - 1), 48);
    for (char *p = sp2 + 1; p < sp4; p++)
        ck_assert(p == sp3 || (*p >= 33 && *p <= 126));
    dw_free(out);
}
END_TEST

START_TEST(test_text_layout)
{
    dw_alert a;
    base_record(&a);
    char *out = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_ptr_eq(strstr(out, "Critical Error - 2026-11-25T04:30:00.123Z - HUB01.contoso.com - "
                                 "MSExchangeTransport 8004: A non-SMTP gateway connection failure occurred on the "
                                 "specified connector."),
                     out);
    const char *order[] = {"\nMessage:", "\nEvent ID:               8004 (NonSmtpGWBadDropDirectory)\n",
                           "\nAlert Type:             Critical Error\n", "\nErrno:                  ENOSPC (28): ",
                           "\nWin32 Code:             ERROR_DISK_FULL (112)\n", "\n\nExplanation:\n  ",
                           "\n\nUser Action:\n  1. ", "\n  2. Change the location", "\n  3. Verify",
                           "\n  4. Run CHKDSK"};
    const char *p = out;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const char *q = strstr(p, order[i]);
        ck_assert_msg(q != NULL, "missing or out of order: %s", order[i]);
        p = q + 1;
    }
    ck_assert_ptr_null(strstr(out, "Notes:"));
    ck_assert(out[strlen(out) - 1] == '\n');
    dw_free(out);
}
END_TEST

/* The user actions: the class action first, then the event page's three ordered by the class, leaving
 * out the page action that the class action already states (physical: drivers; logical: CHKDSK). */
START_TEST(test_action_order_by_class)
{
    static const struct {
        int err;
        const char *second;
        int count;
    } cases[] = {
        {EIO, "Run CHKDSK", 3},                     /* physical: its action is the drivers/firmware one */
#ifdef EUCLEAN
        {EUCLEAN, "Verify that the disk drivers", 3}, /* logical: its action is CHKDSK */
#else
        {EROFS, "Verify that the disk drivers", 3}, /* logical (Windows has no EUCLEAN) */
#endif
        {ENOSPC, "Change the location", 4},         /* capacity: move the drop directory first */
        {EAGAIN, "Verify that the disk drivers", 4}, /* others: the event page's order */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dw_alert a;
        base_record(&a);
        dw_io_error_set(&a.error, DW_OP_WRITE, cases[i].err, 0, "/d/x");
        char *out = fmt(&a, DW_FORMAT_XML);
        char want1[600];
        snprintf(want1, sizeof want1, "<Data Name=\"Action1\">%s", dw_class_action(a.error.io_class));
        /* The class action might contain XML specials; compare only up to the first one. */
        size_t cut = strcspn(want1 + 21, "<>&\"");
        want1[21 + cut] = '\0';
        ck_assert_msg(strstr(out, want1) != NULL, "%s", want1);
        char want2[200];
        snprintf(want2, sizeof want2, "<Data Name=\"Action2\">%s", cases[i].second);
        ck_assert_msg(strstr(out, want2) != NULL, "errno %d: %s", cases[i].err, want2);
        ck_assert_ptr_nonnull(strstr(out, "Data Name=\"Action3\">"));
        if (cases[i].count == 4)
            ck_assert_ptr_nonnull(strstr(out, "Data Name=\"Action4\">"));
        else
            ck_assert_ptr_null(strstr(out, "Data Name=\"Action4\">"));
        /* No action is listed twice. */
        char *text = fmt(&a, DW_FORMAT_TEXT);
        const char *ua = strstr(text, "User Action:");
        ck_assert_ptr_nonnull(ua);
        ck_assert_ptr_null(strstr(ua, "  5. "));
        ck_assert_ptr_nonnull(strstr(ua, cases[i].count == 4 ? "  4. " : "  3. "));
        dw_free(text);
        dw_free(out);
    }
}
END_TEST

/* ---- time ---- */

static void time_of(int64_t ms, char out[32])
{
    dw_alert a;
    base_record(&a);
    a.time_ms = ms;
    char *x = fmt(&a, DW_FORMAT_XML);
    const char *p = strstr(x, "SystemTime=\"");
    ck_assert_ptr_nonnull(p);
    p += strlen("SystemTime=\"");
    size_t n = strcspn(p, "\"");
    ck_assert_uint_lt(n, 32);
    memcpy(out, p, n);
    out[n] = '\0';
    dw_free(x);
}

START_TEST(test_time_formatting)
{
    char t[32];
    time_of(0, t);
    ck_assert_str_eq(t, "1970-01-01T00:00:00.000Z");
    time_of(999, t);
    ck_assert_str_eq(t, "1970-01-01T00:00:00.999Z");
    time_of(INT64_C(1709251199999), t);
    ck_assert_str_eq(t, "2024-02-29T23:59:59.999Z");
    time_of(INT64_C(253402300799999), t);
    ck_assert_str_eq(t, "9999-12-31T23:59:59.999Z");
    /* Beyond four-digit years RFC 3339 has no form: clamped, never garbage. */
    time_of(INT64_C(253402300800000), t);
    ck_assert_str_eq(t, "9999-12-31T23:59:59.999Z");
    time_of(INT64_MAX, t);
    ck_assert_str_eq(t, "9999-12-31T23:59:59.999Z");
}
END_TEST

START_TEST(test_time_negative_means_now)
{
    char before[32], after[32], got[32];
    time_t t0 = time(NULL);
    time_of(-1, got);
    time_t t1 = time(NULL);
    struct tm tm;
    gmtime_r(&t0, &tm);
    strftime(before, sizeof before, "%Y-%m-%dT%H:%M:%S", &tm);
    gmtime_r(&t1, &tm);
    strftime(after, sizeof after, "%Y-%m-%dT%H:%M:%S", &tm);
    got[19] = '\0';
    ck_assert_msg(strcmp(before, got) <= 0 && strcmp(got, after) <= 0, "%s not in [%s, %s]", got, before, after);
    time_of(INT64_MIN, got);
    ck_assert_int_ge(strcmp(got, before), 0);
    /* The caller-buffer path resolves "now" itself. */
    dw_alert a;
    base_record(&a);
    a.time_ms = -1;
    char buf[16384];
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_JSON, buf, sizeof buf, NULL), DW_OK);
    ck_assert_int_eq(strncmp(buf, "{\"@timestamp\":\"", 15), 0);
    ck_assert_int_ge(strncmp(buf + 15, before, 19), 0);
}
END_TEST

/* ---- sibling events ---- */

START_TEST(test_auto_event_selection)
{
    static const struct {
        dw_op op;
        int err;
        uint32_t win32;
        int cls; /* -1: from dw_io_error_set */
        unsigned want;
    } cases[] = {
        {DW_OP_OPEN_DIR, ENOENT, 0, -1, 8008},
        {DW_OP_STAT, ENOENT, 0, -1, 8008},
        {DW_OP_OPEN_DIR, 0, 3, -1, 8008},   /* ERROR_PATH_NOT_FOUND */
        {DW_OP_OPEN_DIR, ENOTDIR, 0, -1, 8008}, /* a file where the directory should be */
        {DW_OP_OPEN_DIR, 0, 267, -1, 8008}, /* ERROR_DIRECTORY */
        {DW_OP_CREATE, ENOENT, 0, -1, 8004}, /* Exchange: DirectoryNotFoundException while writing is an IOException */
        {DW_OP_QUOTA, 0, 0, DW_CLASS_CAPACITY, 8005},
#ifdef EDQUOT
        {DW_OP_WRITE, EDQUOT, 0, -1, 8004},  /* a file-system quota is not DropDirectoryQuota */
#endif
        {DW_OP_WRITE, 0, 1295, -1, 8004},  /* nor is ERROR_DISK_QUOTA_EXCEEDED */
        {DW_OP_CREATE, ENAMETOOLONG, 0, -1, 8007},
        {DW_OP_RESOLVE, 0, 206, -1, 8007},   /* ERROR_FILENAME_EXCED_RANGE */
        {DW_OP_CREATE, EACCES, 0, -1, 8009},
        {DW_OP_RENAME, EPERM, 0, -1, 8009},
        {DW_OP_CREATE, 0, 5, -1, 8009},      /* ERROR_ACCESS_DENIED */
        {DW_OP_NONE, 0, 0, DW_CLASS_ACCESS, 8009},
        {DW_OP_OPEN_DIR, EACCES, 0, -1, 8009}, /* exists, may not be opened: UnauthorizedAccessException */
        {DW_OP_STAT, EACCES, 0, -1, 8008},     /* invisible: DirectoryInfo.Exists is false */
        {DW_OP_STAT, 0, 5, -1, 8008},
        {DW_OP_WRITE, ENOSPC, 0, -1, 8004},
        {DW_OP_FSYNC, EIO, 0, -1, 8004},
        {DW_OP_NONE, 0, 0, DW_CLASS_NONE, 8004},
        {DW_OP_VALIDATE, ENOENT, 0, -1, 8008}, /* DropDirectory empty: Exchange writes nothing, logs 8008 */
        {DW_OP_CREATE, 0, 65, -1, 8009},     /* ERROR_NETWORK_ACCESS_DENIED: UnauthorizedAccessException too */
        {DW_OP_WRITE, 0, 32, -1, 8004},      /* sharing violation: any other IOException */
        {DW_OP_CREATE, EEXIST, 0, -1, 8004}, /* a name clash on CreateNew is an IOException */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dw_alert a;
        base_record(&a);
        dw_io_error_set(&a.error, cases[i].op, cases[i].err, cases[i].win32, "/d");
        if (cases[i].cls >= 0)
            a.error.io_class = (dw_class)cases[i].cls;
        /* the default mode picks what Exchange catches */
        ck_assert_msg(dw_alert_event_id(&a) == cases[i].want, "case %zu: got %u want %u", i,
                      dw_alert_event_id(&a), cases[i].want);
        a.event_mode = DW_EVENT_8004; /* forced: one event ID for everything */
        ck_assert_uint_eq(dw_alert_event_id(&a), 8004);
        a.event_mode = DW_EVENT_AUTO;
        char *x = fmt(&a, DW_FORMAT_XML);
        char want[64];
        snprintf(want, sizeof want, "<EventID Qualifiers=\"49156\">%u</EventID>", cases[i].want);
        ck_assert_ptr_nonnull(strstr(x, want));
        ck_assert_uint_eq(count_str(x, "<Data>"), cases[i].want == 8004 ? 3 : 2);
        dw_free(x);
    }
}
END_TEST

START_TEST(test_sibling_texts_and_params)
{
    dw_alert a;
    golden_record(&a, GOLDEN_8008);
    a.exchange_version = DW_EXCHANGE_2010;
    char *j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(j, "\"message\":\"A connection failure occurred on the foreign connector Fax "
                                    "Connector. The Drop directory C:\\\\Program Files\\\\Microsoft\\\\Exchange "
                                    "Server\\\\Fax Connector does not exist.\""));
    ck_assert_ptr_nonnull(strstr(j, "\"event_data\":{\"param1\":\"Fax Connector\",\"param2\":\"C:"));
    ck_assert_ptr_null(strstr(j, "param3"));
    ck_assert_ptr_nonnull(strstr(j, "\"alert_type\":\"Warning\""));
    ck_assert_ptr_nonnull(strstr(j, "\"log\":{\"level\":\"error\"}")); /* Exchange logs it as an Error */
    dw_free(j);

    golden_record(&a, GOLDEN_8009);
    char *t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_uint_eq(count_str(t, "Change the access permissions for directory C:\\Program Files"), 1);
    ck_assert_ptr_eq(strstr(t, "Error - "), t);
    dw_free(t);

    golden_record(&a, GOLDEN_8005);
    char *x = fmt(&a, DW_FORMAT_XML);
    /* %2 is the quota as ByteQuantifiedSize prints it, so the logged text reads "...of 10 MB (...)(MB)" */
    ck_assert_ptr_nonnull(strstr(x, "<Data>Fax Connector</Data>\n    <Data>10 MB (10,485,760 bytes)</Data>\n    <Data Name="));
    dw_free(x);
    char *s = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_nonnull(strstr(s, "] A non-SMTP gateway connection failure occurred on connector Fax Connector. "
                                    "The drop directory quota limit of 10 MB (10,485,760 bytes)(MB) has been exceeded.\n"));
    dw_free(s);

    golden_record(&a, GOLDEN_8007);
    x = fmt(&a, DW_FORMAT_XML);
    ck_assert_ptr_nonnull(strstr(x, ">8007</EventID>"));
    ck_assert_ptr_nonnull(strstr(x, "PathTooLongException"));
    dw_free(x);
}
END_TEST

START_TEST(test_quota_param)
{
    static const struct {
        const char *detail;
        const char *want;
        unsigned event;
    } cases[] = {
        {"quota 10485760 bytes, used 10485760, message 9000", "of 10 MB (10,485,760 bytes)(MB)", 8005},
        {"quota 10485760 bytes, used 20000000, message 1", "of 10 MB (10,485,760 bytes)(MB)", 8005},
        {"quota 1572864 bytes", "of 1.5 MB (1,572,864 bytes)(MB)", 8005},
        {"refused: quota 10000 bytes", "of 9.766 KB (10,000 bytes)(MB)", 8005},
        {"quota 0 bytes", "of unknown(MB)", 8005},
        {"no number here", "of unknown(MB)", 8005},
        {"quota 99999999999999999999999 bytes", "of unknown(MB)", 8005},
        {"", "of unknown(MB)", 8005},
        /* the never-exceed mode refused with room left: Exchange would have written, so no 8005 */
        {"quota 10485760 bytes, used 10480000, message 9000", "an I/O exception", 8004},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dw_alert a;
        golden_record(&a, GOLDEN_8005);
        snprintf(a.error.detail, sizeof a.error.detail, "%s", cases[i].detail);
        ck_assert_uint_eq(dw_alert_event_id(&a), cases[i].event);
        char *t = fmt(&a, DW_FORMAT_SYSLOG);
        ck_assert_msg(strstr(t, cases[i].want) != NULL, "%s: %s", cases[i].detail, t);
        dw_free(t);
    }
}
END_TEST

/* Whether [s, s+n) contains the string `w`. */
static int span_has(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, w, k) == 0)
            return 1;
    return 0;
}

/* 8004's %3 is the exception's Message alone; the rest are named fields. */
START_TEST(test_derived_exception_text)
{
    static const struct {
        dw_op op;
        int err;
        uint32_t win32;
        const char *param, *type;
    } cases[] = {
        {DW_OP_WRITE, ENOSPC, 0, "There is not enough space on the disk.", "IOException"},
        {DW_OP_WRITE, 0, 112, "There is not enough space on the disk.", "IOException"},
        {DW_OP_CREATE, 0, 32, "The process cannot access the file because it is being used by another process.",
         "IOException"},
        {DW_OP_FSYNC, EIO, 0, "The request could not be performed because of an I/O device error.", "IOException"},
        {DW_OP_CREATE, 0, 80, "The file exists.", "IOException"},
        {DW_OP_WRITE, 0, 99999, "I/O error occurred.", "IOException"}, /* .NET's default message */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dw_alert a;
        base_record(&a);
        dw_io_error_set(&a.error, cases[i].op, cases[i].err, cases[i].win32, "/d/.dwtmp-1-1-00.tmp");
        a.event_mode = DW_EVENT_8004;
        char *j = fmt(&a, DW_FORMAT_JSON);
        char want[512];
        snprintf(want, sizeof want, "\"param3\":\"%s\"}", cases[i].param);
        ck_assert_msg(strstr(j, want) != NULL, "case %zu: %s", i, j);
        snprintf(want, sizeof want, "\"exception_type\":\"%s\"", cases[i].type);
        ck_assert_msg(strstr(j, want) != NULL, "case %zu: %s", i, j);
        /* no type name, errno, Win32 code, operation or path inside %3 */
        const char *p3 = strstr(j, "\"param3\":");
        const char *end = strstr(p3, "\"}");
        size_t n = (size_t)(end - p3);
        ck_assert(!span_has(p3, n, "Exception"));
        ck_assert(!span_has(p3, n, "errno"));
        ck_assert(!span_has(p3, n, "during"));
        ck_assert(!span_has(p3, n, "/d/"));
        /* the message text reads exactly as Exchange's */
        snprintf(want, sizeof want, "an I/O exception %s occurred .\"", cases[i].param);
        ck_assert_msg(strstr(j, want) != NULL, "case %zu: %s", i, j);
        dw_free(j);
    }
    /* the access-denied and path-too-long types are named too (their events carry no %3) */
    dw_alert a;
    base_record(&a);
    dw_io_error_set(&a.error, DW_OP_CREATE, EACCES, 0, "/d/x.tmp");
    char *j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(j, "\"exception_type\":\"UnauthorizedAccessException\""));
    ck_assert_ptr_nonnull(strstr(j, "\"exception\":\"Access is denied.\""));
    ck_assert_ptr_null(strstr(j, "param3"));
    dw_free(j);
    /* A caller-supplied %3 is used verbatim. */
    base_record(&a);
    a.exception_text = "Custom text.";
    j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(j, "\"param3\":\"Custom text.\""));
    dw_free(j);
    ck_assert_str_eq(dw_win32_message(112), "There is not enough space on the disk.");
    ck_assert_ptr_null(dw_win32_message(99999));
}
END_TEST

/* One management pack per configured version; Set-TransportServer for 2007/2010, Set-TransportService
 * for 2013 and later; every sibling event has its own user actions. */
START_TEST(test_version_metadata)
{
    static const struct {
        dw_exchange_version v;
        const char *product, *path, *cmdlet, *not_path, *not_cmdlet;
    } vs[] = {
        {DW_EXCHANGE_2007, "Product Version:        8.0\n", "Exchange 2007/Common", "(Set-TransportServer)",
         "Exchange 2010", "Set-TransportService"},
        {DW_EXCHANGE_2010, "Product Version:        14.0\n", "Exchange 2010/Common", "(Set-TransportServer)",
         "Exchange 2007", "Set-TransportService"},
        {DW_EXCHANGE_2013, "Product Version:        14.0\n", "Exchange 2010/Common", "(Set-TransportService)",
         "Exchange 2007", "Set-TransportServer"},
    };
    for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) {
        for (int g = 0; g < GOLDEN_COUNT; g++) {
            dw_alert a;
            golden_record(&a, g);
            a.exchange_version = vs[i].v;
            char *t = fmt(&a, DW_FORMAT_TEXT);
            ck_assert_msg(strstr(t, vs[i].product) != NULL, "%zu/%d: %s", i, g, t);
            ck_assert_ptr_nonnull(strstr(t, vs[i].path));
            ck_assert_ptr_null(strstr(t, vs[i].not_path));
            ck_assert_ptr_null(strstr(t, vs[i].not_cmdlet));
            if (g == GOLDEN_8004 || g == GOLDEN_8008 || g == GOLDEN_8007)
                ck_assert_msg(strstr(t, vs[i].cmdlet) != NULL, "%zu/%d: %s", i, g, t);
            /* 8004's disk-health list belongs to 8004 only */
            if (g != GOLDEN_8004)
                ck_assert_ptr_null(strstr(t, "CHKDSK"));
            dw_free(t);
        }
    }
    dw_alert a;
    golden_record(&a, GOLDEN_8005);
    char *t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(t, "1. Remove files from the Drop directory"));
    ck_assert_ptr_nonnull(strstr(t, "2. Raise the connector's DropDirectoryQuota"));
    dw_free(t);
    golden_record(&a, GOLDEN_8008);
    t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(t, "1. Create the Drop directory that matches DropDirectory"));
    dw_free(t);
    golden_record(&a, GOLDEN_8009);
    t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(t, "Network Service"));
    ck_assert_ptr_nonnull(strstr(t, "computer account"));
    dw_free(t);
    golden_record(&a, GOLDEN_8007);
    t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_ptr_nonnull(strstr(t, "1. Shorten RootDropDirectoryPath"));
    ck_assert_ptr_nonnull(strstr(t, "2. Shorten the connector's DropDirectory"));
    dw_free(t);
    /* the 2010 pack's own rule names and alert types */
    golden_record(&a, GOLDEN_8004);
    a.exchange_version = DW_EXCHANGE_2010;
    t = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(t, "\"alert_type\":\"Error\""));
    ck_assert_ptr_nonnull(strstr(t, "\"name\":\"The specified connector experienced a non-SMTP gateway connection "
                                    "failure. An I/O exception occurred when writing to the drop directory.\""));
    dw_free(t);
    a.exchange_version = (dw_exchange_version)3;
    size_t need;
    ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_TEXT, NULL, 0, &need), DW_E_INVAL);
}
END_TEST

/* ---- adversarial input ---- */

START_TEST(test_xml_escaping)
{
    dw_alert a;
    base_record(&a);
    a.connector = "a<b&c>\"d'\x01\n\r\t]]>\xef\xbf\xbe\x7f";
    char *x = fmt(&a, DW_FORMAT_XML);
    ck_assert_ptr_nonnull(strstr(x, "<Data>a&lt;b&amp;c&gt;&quot;d'\xef\xbf\xbd&#xA;&#xD;&#x9;]]&gt;\xef\xbf\xbd&#x007F;</Data>"));
    ck_assert_ptr_nonnull(strstr(x, "<Data Name=\"Replaced\">true</Data>"));
    for (const char *p = x; *p; p++)
        ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "raw control 0x%02x in XML", (unsigned char)*p);
    dw_free(x);
    /* Computer goes into an element too. */
    a.connector = "ok";
    a.computer = "</Computer><Injected/>";
    x = fmt(&a, DW_FORMAT_XML);
    ck_assert_ptr_null(strstr(x, "<Injected/>"));
    ck_assert_ptr_nonnull(strstr(x, "<Computer>&lt;/Computer&gt;&lt;Injected/&gt;</Computer>"));
    dw_free(x);
}
END_TEST

START_TEST(test_json_escaping)
{
    dw_alert a;
    base_record(&a);
    a.connector = "q\"b\\s/\x01\x1f\x7f\b\f\n\r\t\xe2\x80\xa8\xc2\x85\xf0\x9f\x98\x80";
    char *j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(j, "\"connector\":\"q\\\"b\\\\s/\\u0001\\u001F\\u007F\\b\\f\\n\\r\\t\\u2028\\u0085"
                                    "\xf0\x9f\x98\x80\""));
    ck_assert_ptr_nonnull(strstr(j, "\"replaced\":false"));
    ck_assert_uint_eq(count_char(j, '\n'), 1);
    dw_free(j);
}
END_TEST

/* The value between `open` and `close` in out (the first occurrence), as a new string. */
static char *between(const char *out, const char *open, const char *close)
{
    const char *a = strstr(out, open);
    ck_assert_ptr_nonnull(a);
    a += strlen(open);
    const char *b = strstr(a, close);
    ck_assert_ptr_nonnull(b);
    char *v = malloc((size_t)(b - a) + 1);
    ck_assert_ptr_nonnull(v);
    memcpy(v, a, (size_t)(b - a));
    v[b - a] = '\0';
    return v;
}

/* Escaping is per character wherever the character sits: runs of plain bytes are copied in pieces, so an
 * escaped byte or a multi-byte character right before, on or after a piece boundary must come out as it
 * does alone. Checked in JSON and XML for every ASCII byte and a few non-ASCII sequences. */
START_TEST(test_escaping_independent_of_position)
{
    static const char *const extra[] = {"\xc3\xa9", "\xe2\x80\xa8", "\xff", "\xc3", "\xf0\x9f\x98\x80"};
    static const char *const opens[2] = {"\"connector\":\"", "<Data Name=\"Connector\">"};
    static const char *const closes[2] = {"\",\"drop_path\"", "</Data>\n    <Data Name=\"DropPath\">"};
    static const dw_format fmts[2] = {DW_FORMAT_JSON, DW_FORMAT_XML};
    dw_alert a;
    base_record(&a);
    for (int k = 1; k < 128 + 5; k++) {
        char one[8];
        if (k < 128) {
            one[0] = (char)k;
            one[1] = '\0';
        } else {
            snprintf(one, sizeof one, "%s", extra[k - 128]);
        }
        for (int f = 0; f < 2; f++) {
            a.connector = one;
            char *out = fmt(&a, fmts[f]);
            char *alone = between(out, opens[f], closes[f]);
            dw_free(out);
            for (size_t pre = 0; pre <= 17; pre++) {
                char in[64], want[128];
                memset(in, 'p', pre);
                snprintf(in + pre, sizeof in - pre, "%s%s", one, "qrstuvwxy");
                memset(want, 'p', pre);
                snprintf(want + pre, sizeof want - pre, "%s%s", alone, "qrstuvwxy");
                a.connector = in;
                out = fmt(&a, fmts[f]);
                char *got = between(out, opens[f], closes[f]);
                ck_assert_msg(strcmp(got, want) == 0, "%s, byte 0x%02X after %zu bytes: %s", dw_format_name(fmts[f]),
                              (unsigned char)one[0], pre, got);
                free(got);
                dw_free(out);
            }
            free(alone);
        }
    }
}
END_TEST

START_TEST(test_syslog_escaping)
{
    dw_alert a;
    base_record(&a);
    a.connector = "x\"]\\ [y@1 a=\"b\"]\n<13>1 forged";
    char *s = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_nonnull(strstr(s, " connector=\"x\\\"\\]\\\\ [y@1 a=\\\"b\\\"\\]\\n<13>1 forged\""));
    ck_assert_uint_eq(count_char(s, '\n'), 1);
    ck_assert(s[strlen(s) - 1] == '\n');
    /* Exactly one SD element: the only unescaped ']' closes it. */
    size_t closers = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            continue;
        }
        if (*p == '"') { /* skip to the closing quote */
            for (p++; *p && *p != '"'; p++)
                if (*p == '\\' && p[1])
                    p++;
            continue;
        }
        if (*p == ']') {
            closers++;
            break; /* the MSG after it is free text */
        }
    }
    ck_assert_uint_eq(closers, 1);
    dw_free(s);
    /* Non-ASCII in the message brings the BOM (RFC 5424 6.4). */
    a.connector = "Fax \xc3\xa9";
    s = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_nonnull(strstr(s, "] \xEF\xBB\xBF" "A non-SMTP"));
    dw_free(s);
}
END_TEST

START_TEST(test_text_cannot_forge_lines)
{
    dw_alert a;
    base_record(&a);
    char *ref = fmt(&a, DW_FORMAT_TEXT);
    size_t ref_lines = count_char(ref, '\n');
    dw_free(ref);
    a.connector = "x\nCritical Error - 2026-01-01T00:00:00.000Z - forged\r\nMessage: forged\xe2\x80\xa8\xc2\x85\x1b[2J";
    a.computer = "host\nEvent ID: 1";
    a.drop_dir = "\xe2\x80\xae" "evil";
    char *t = fmt(&a, DW_FORMAT_TEXT);
    ck_assert_uint_eq(count_char(t, '\n'), ref_lines);
    ck_assert_uint_eq(count_str(t, "\nCritical Error"), 0);
    ck_assert_uint_eq(count_str(t, "\nMessage:"), 1);
    ck_assert_uint_eq(count_str(t, "\nEvent ID:"), 1);
    ck_assert_ptr_nonnull(strstr(t, "x\\nCritical Error - 2026-01-01T00:00:00.000Z - forged\\r\\nMessage: forged\\u2028\\u0085\\x1B[2J"));
    ck_assert_ptr_nonnull(strstr(t, "\\u202Eevil"));
    ck_assert_ptr_null(strstr(t, "\r"));
    ck_assert_ptr_null(strstr(t, "\x1b"));
    dw_free(t);
}
END_TEST

START_TEST(test_invalid_utf8_replaced_and_flagged)
{
    dw_alert a;
    base_record(&a);
    a.connector = "a\xff" "b\xc0\xaf" "c\xed\xa0\x80" "d\xe2\x82";
    const char *want[] = {"a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                          "d\xef\xbf\xbd\xef\xbf\xbd"};
    const char *flag[] = {"Notes:                  invalid UTF-8 replaced by U+FFFD\n",
                          "<Data Name=\"Replaced\">true</Data>", "\"replaced\":true", "replaced=\"true\""};
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = fmt(&a, all_formats[f]);
        ck_assert_msg(strstr(out, want[0]) != NULL, "%s", dw_format_name(all_formats[f]));
        ck_assert_msg(strstr(out, flag[f]) != NULL, "%s lacks the replacement flag", dw_format_name(all_formats[f]));
        dw_free(out);
    }
    /* The same flag from a field that is not a string member: dw_io_error.path. */
    base_record(&a);
    snprintf(a.error.path, sizeof a.error.path, "/d/\xfe");
    char *j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_nonnull(strstr(j, "\"replaced\":true"));
    ck_assert_ptr_nonnull(strstr(j, "\"path\":\"/d/\xef\xbf\xbd\""));
    dw_free(j);
}
END_TEST

START_TEST(test_long_strings_truncated_and_bounded)
{
    size_t big = 1u << 20;
    char *s = malloc(big + 1);
    ck_assert_ptr_nonnull(s);
    memset(s, 'a', big);
    s[big] = '\0';
    dw_alert a;
    base_record(&a);
    a.connector = a.drop_path = a.root = a.drop_dir = a.computer = a.exception_text = a.app_name = s;
    memset(a.error.path, '<', sizeof a.error.path); /* not terminated: must not be read past its end */
    memset(a.error.detail, '&', sizeof a.error.detail);
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        size_t needed = 0;
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], NULL, 0, &needed), DW_E_BUFFER);
        /* Bounded: a handful of fields, each at most DW_ALERT_FIELD_MAX input bytes escaped. */
        ck_assert_uint_lt(needed, 40 * (size_t)DW_ALERT_FIELD_MAX);
        char *out = fmt(&a, all_formats[f]);
        ck_assert_uint_eq(strlen(out) + 1, needed);
        ck_assert_ptr_nonnull(strstr(out, "...[truncated]"));
        /* exactly DW_ALERT_FIELD_MAX 'a's before each marker */
        for (const char *m = strstr(out, "...[truncated]"); m; m = strstr(m + 1, "...[truncated]")) {
            if (m - out > 7 && strncmp(m - 7, "marked ", 7) == 0)
                continue; /* the text format's Notes line names the marker */
            size_t run = 0;
            while (m - run > out && m[-(ptrdiff_t)run - 1] == 'a')
                run++;
            ck_assert_uint_eq(run, DW_ALERT_FIELD_MAX);
        }
        const char *flag[] = {"values longer than 8192 bytes truncated", "<Data Name=\"Truncated\">true</Data>",
                              "\"truncated\":true", "truncated=\"true\""};
        ck_assert_msg(strstr(out, flag[f]) != NULL, "%s", dw_format_name(all_formats[f]));
        dw_free(out);
    }
    /* Worst case: every byte needs the longest escape. */
    memset(s, '\x01', big);
    memset(a.error.path, '\x01', sizeof a.error.path);
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        size_t needed = 0;
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], NULL, 0, &needed), DW_E_BUFFER);
        ck_assert_uint_lt(needed, 1u << 20);
    }
    free(s);
}
END_TEST

START_TEST(test_truncation_keeps_utf8_whole)
{
    /* 8191 ASCII bytes then a 3-byte character straddling the cap: the character is dropped whole. */
    char s[DW_ALERT_FIELD_MAX + 16];
    memset(s, 'b', DW_ALERT_FIELD_MAX - 1);
    memcpy(s + DW_ALERT_FIELD_MAX - 1, "\xe6\x97\xa5zz", 6);
    dw_alert a;
    base_record(&a);
    a.connector = s;
    char *j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_null(strstr(j, "\xef\xbf\xbd"));
    ck_assert_ptr_nonnull(strstr(j, "\"replaced\":false"));
    ck_assert_ptr_nonnull(strstr(j, "bbb...[truncated]\""));
    dw_free(j);
    /* Exactly DW_ALERT_FIELD_MAX bytes is not truncated. */
    memset(s, 'c', DW_ALERT_FIELD_MAX);
    s[DW_ALERT_FIELD_MAX] = '\0';
    j = fmt(&a, DW_FORMAT_JSON);
    ck_assert_ptr_null(strstr(j, "[truncated]"));
    ck_assert_ptr_nonnull(strstr(j, "\"truncated\":false"));
    dw_free(j);
}
END_TEST

START_TEST(test_null_strings_everywhere)
{
    dw_alert a;
    dw_alert_init(&a);
    a.time_ms = 0;
    for (int mode = 0; mode < 2; mode++) {
        a.event_mode = (dw_event_mode)mode;
        for (int f = 0; f < DW_FORMAT_COUNT; f++) {
            char *out = fmt(&a, all_formats[f]);
            ck_assert_uint_gt(strlen(out), 100);
            ck_assert(out[strlen(out) - 1] == '\n');
            dw_free(out);
        }
    }
    /* Out-of-range class and operation values still format. */
    a.error.io_class = (dw_class)1000;
    a.error.op = (dw_op)1000;
    a.error.sys_errno = -5;
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = fmt(&a, all_formats[f]);
        ck_assert_ptr_nonnull(strstr(out, "-5"));
        dw_free(out);
    }
}
END_TEST

START_TEST(test_percent_not_reexpanded)
{
    dw_alert a;
    base_record(&a);
    a.connector = "%2%3%1%%";
    char *s = fmt(&a, DW_FORMAT_SYSLOG);
    ck_assert_ptr_nonnull(strstr(s, "occurred on connector %2%3%1%%. When writing"));
    dw_free(s);
}
END_TEST

/* ---- caller buffers, determinism, threads ---- */

START_TEST(test_buffer_sizes)
{
    dw_alert a;
    base_record(&a);
    a.connector = "Fax \xc3\xa9 <&> \"]";
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *full = fmt(&a, all_formats[f]);
        size_t n = strlen(full);
        size_t needed = 0;
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], NULL, 0, &needed), DW_E_BUFFER);
        ck_assert_uint_eq(needed, n + 1);
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], NULL, 0, NULL), DW_E_BUFFER);
        char *buf = malloc(n + 1);
        for (size_t size = 1; size <= n + 1; size += (size < 64 || size > n - 64) ? 1 : 97) {
            memset(buf, 'X', n + 1);
            needed = 0;
            dw_status st = dw_alert_format(&a, all_formats[f], buf, size, &needed);
            ck_assert_uint_eq(needed, n + 1);
            if (size < n + 1) {
                ck_assert_int_eq(st, DW_E_BUFFER);
                ck_assert_uint_eq(strlen(buf), size - 1); /* terminated prefix */
                ck_assert_int_eq(memcmp(buf, full, size - 1), 0);
            } else {
                ck_assert_int_eq(st, DW_OK);
                ck_assert_str_eq(buf, full);
            }
        }
        /* size 0 with a real buffer: nothing written */
        buf[0] = 'Q';
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], buf, 0, &needed), DW_E_BUFFER);
        ck_assert_int_eq(buf[0], 'Q');
        free(buf);
        dw_free(full);
    }
}
END_TEST

START_TEST(test_deterministic)
{
    dw_alert a;
    base_record(&a);
    a.connector = "x\xff<\n";
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *one = fmt(&a, all_formats[f]);
        char *two = fmt(&a, all_formats[f]);
        ck_assert_str_eq(one, two);
        char buf[16384];
        ck_assert_int_eq(dw_alert_format(&a, all_formats[f], buf, sizeof buf, NULL), DW_OK);
        ck_assert_str_eq(buf, one);
        dw_free(one);
        dw_free(two);
    }
}
END_TEST

typedef struct thread_job {
    dw_format f;
    const char *want;
    int ok;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    dw_alert a;
    job->ok = 1;
    for (int i = 0; i < 200; i++) {
        golden_record(&a, GOLDEN_8004);
        char *out = NULL;
        if (dw_alert_format_alloc(&a, job->f, &out, NULL) != DW_OK || strcmp(out, job->want) != 0)
            job->ok = 0;
        dw_free(out);
    }
    return NULL;
}

START_TEST(test_thread_safe)
{
    dw_alert a;
    base_record(&a);
    char *want[DW_FORMAT_COUNT];
    pthread_t th[8];
    thread_job jobs[8];
    for (int f = 0; f < DW_FORMAT_COUNT; f++)
        want[f] = fmt(&a, all_formats[f]);
    for (int i = 0; i < 8; i++) {
        jobs[i].f = all_formats[i % DW_FORMAT_COUNT];
        jobs[i].want = want[i % DW_FORMAT_COUNT];
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert(jobs[i].ok);
    }
    for (int f = 0; f < DW_FORMAT_COUNT; f++)
        dw_free(want[f]);
}
END_TEST

static Suite *alert_suite(void)
{
    Suite *s = suite_create("alert");
    TCase *api = tcase_create("api");
    tcase_add_test(api, test_init_defaults);
    tcase_add_test(api, test_format_names);
    tcase_add_test(api, test_event_names);
    tcase_add_test(api, test_invalid_arguments);
    suite_add_tcase(s, api);

    TCase *fields = tcase_create("fields");
#ifndef _WIN32
    /* The golden files hold Linux errno numbers (ENAMETOOLONG is 36 there, 38 in the Microsoft C runtime). */
    tcase_add_test(fields, test_golden_files);
#endif
    tcase_add_test(fields, test_every_field_in_every_format);
    tcase_add_test(fields, test_xml_system_shape);
    tcase_add_test(fields, test_record_id_optional_everywhere);
    tcase_add_test(fields, test_json_names);
    tcase_add_test(fields, test_syslog_header);
    tcase_add_test(fields, test_syslog_names_sanitised);
    tcase_add_test(fields, test_text_layout);
    tcase_add_test(fields, test_action_order_by_class);
    tcase_add_test(fields, test_time_formatting);
    tcase_add_test(fields, test_time_negative_means_now);
    suite_add_tcase(s, fields);

    TCase *events = tcase_create("events");
    tcase_add_test(events, test_auto_event_selection);
    tcase_add_test(events, test_sibling_texts_and_params);
    tcase_add_test(events, test_quota_param);
    tcase_add_test(events, test_derived_exception_text);
    tcase_add_test(events, test_version_metadata);
    suite_add_tcase(s, events);

    TCase *adv = tcase_create("adversarial");
    tcase_add_test(adv, test_xml_escaping);
    tcase_add_test(adv, test_json_escaping);
    tcase_add_test(adv, test_escaping_independent_of_position);
    tcase_add_test(adv, test_syslog_escaping);
    tcase_add_test(adv, test_text_cannot_forge_lines);
    tcase_add_test(adv, test_invalid_utf8_replaced_and_flagged);
    tcase_add_test(adv, test_long_strings_truncated_and_bounded);
    tcase_add_test(adv, test_truncation_keeps_utf8_whole);
    tcase_add_test(adv, test_null_strings_everywhere);
    tcase_add_test(adv, test_percent_not_reexpanded);
    suite_add_tcase(s, adv);

    TCase *bufs = tcase_create("buffers");
    tcase_add_test(bufs, test_buffer_sizes);
    tcase_add_test(bufs, test_deterministic);
    tcase_add_test(bufs, test_thread_safe);
    suite_add_tcase(s, bufs);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(alert_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
