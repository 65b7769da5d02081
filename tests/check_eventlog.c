/* SPDX-License-Identifier: MIT */
/* Tests for lib/eventlog.c and the message file lib/dropwatch-messages.mc. Everywhere: argument checks and
 * the order of the strings a record carries. POSIX: every call is DW_E_UNSUPPORTED. Windows (under Wine):
 * FormatMessageW renders each event from dropwatch-messages.dll with three sample inserts to exactly
 * Exchange's text, ReportEventW succeeds, and the registry values of an installed source read back. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "../lib/internal.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

static void sample(dw_alert *a, dw_class cls, uint32_t win32, dw_op op)
{
    dw_alert_init(a);
    a->connector = "Fax Connector";
    a->drop_path = "C:\\Drop\\Fax";
    a->event_mode = DW_EVENT_AUTO;
    a->time_ms = 0;
    dw_io_error_set(&a->error, op, 0, win32, "C:\\Drop\\Fax");
    ck_assert_int_eq(a->error.io_class, cls);
}

START_TEST(test_arguments)
{
    dw_alert a;
    sample(&a, DW_CLASS_CAPACITY, 112, DW_OP_WRITE);
    dw_io_error e;
    ck_assert_int_eq(dw_eventlog_report(NULL, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(e.op, DW_OP_VALIDATE);
    ck_assert_int_eq(dw_eventlog_report(&a, "", &e), DW_E_INVAL);
    ck_assert_int_eq(dw_eventlog_report(&a, "a\\b", &e), DW_E_INVAL);
    char long_name[300];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    ck_assert_int_eq(dw_eventlog_report(&a, long_name, &e), DW_E_INVAL);
    a.event_mode = (dw_event_mode)7;
    ck_assert_int_eq(dw_eventlog_report(&a, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_eventlog_install(NULL, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_eventlog_install("DropWatch", "", &e), DW_E_INVAL);
    ck_assert_int_eq(dw_eventlog_uninstall("", &e), DW_E_INVAL);
    ck_assert_int_eq(dw_eventlog_uninstall("a\\b", NULL), DW_E_INVAL);
}
END_TEST

/* Exchange's insertion strings first, in %1.. order; libdropwatch's fields after them. */
START_TEST(test_strings_order)
{
    dw_alert a;
    sample(&a, DW_CLASS_CAPACITY, 112, DW_OP_WRITE);
    a.exception_text = "There is not enough space on the disk.";
    dwi_event_strings ev;
    ck_assert_int_eq(dwi_alert_event_strings(&a, &ev), DW_OK);
    ck_assert_uint_eq(ev.id, 8004);
    ck_assert(ev.is_error);
    ck_assert_uint_ge(ev.count, 3 + 5);
    ck_assert_str_eq(ev.s[0], "Fax Connector");
    ck_assert_str_eq(ev.s[1], "C:\\Drop\\Fax");
    ck_assert_str_eq(ev.s[2], "There is not enough space on the disk.");
    ck_assert_str_eq(ev.s[3], "Class: capacity");
    ck_assert_str_eq(ev.s[4], "Operation: write");
    int win32_seen = 0;
    for (size_t i = 3; i < ev.count; i++)
        win32_seen |= strcmp(ev.s[i], "Win32Code: 112") == 0;
    ck_assert(win32_seen);
    free(ev.block);

    /* 8008 (auto mode, the directory is missing): two insertion strings, logged at level Error as Exchange does */
    sample(&a, DW_CLASS_CONFIGURATION, 3, DW_OP_OPEN_DIR);
    ck_assert_int_eq(dwi_alert_event_strings(&a, &ev), DW_OK);
    ck_assert_uint_eq(ev.id, 8008);
    ck_assert(ev.is_error);
    ck_assert_str_eq(ev.s[0], "Fax Connector");
    ck_assert_str_eq(ev.s[1], "C:\\Drop\\Fax");
    ck_assert_str_eq(ev.s[2], "Class: configuration");
    free(ev.block);
}
END_TEST

#ifndef _WIN32
START_TEST(test_unsupported_elsewhere)
{
    dw_alert a;
    sample(&a, DW_CLASS_CAPACITY, 112, DW_OP_WRITE);
    dw_io_error e;
    ck_assert_int_eq(dw_eventlog_report(&a, NULL, &e), DW_E_UNSUPPORTED);
    ck_assert_int_eq(dw_eventlog_report(&a, "MSExchangeTransport", &e), DW_E_UNSUPPORTED);
    ck_assert_int_eq(dw_eventlog_install(NULL, "/x/dropwatch-messages.dll", &e), DW_E_UNSUPPORTED);
    ck_assert_int_eq(dw_eventlog_uninstall(NULL, &e), DW_E_UNSUPPORTED);
}
END_TEST
#else

static HMODULE messages(void)
{
    const char *p = getenv("DW_MESSAGES_DLL");
    ck_assert_msg(p && *p, "DW_MESSAGES_DLL is not set (tools/test-all.d/20-windows.sh sets it)");
    HMODULE m = LoadLibraryExA(p, NULL, LOAD_LIBRARY_AS_DATAFILE);
    ck_assert_msg(m != NULL, "cannot load %s (%lu)", p, GetLastError());
    return m;
}

static char *render(HMODULE m, DWORD id, const char *const *inserts)
{
    wchar_t w[3][128];
    DWORD_PTR args[3];
    for (int i = 0; i < 3; i++) {
        MultiByteToWideChar(CP_UTF8, 0, inserts[i], -1, w[i], 128);
        args[i] = (DWORD_PTR)w[i];
    }
    wchar_t out[2048];
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_ARGUMENT_ARRAY, m, id,
                             MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US), out, 2048, (va_list *)args);
    ck_assert_msg(n > 0, "FormatMessageW(%lx) failed: %lu", (unsigned long)id, GetLastError());
    static char utf8[4096];
    WideCharToMultiByte(CP_UTF8, 0, out, -1, utf8, sizeof utf8, NULL, NULL);
    return utf8;
}

/* Each event renders to exactly the text in ../shared/exchange.md, with three sample inserts. */
START_TEST(test_format_message_texts)
{
    HMODULE m = messages();
    static const char *const ins[3] = {"Fax Connector", "C:\\Drop\\Fax", "There is not enough space on the disk."};
    static const struct {
        DWORD id;
        const char *text;
    } want[] = {
        {8004, "A non-SMTP gateway connection failure occurred on connector Fax Connector. When writing to the drop "
               "directory C:\\Drop\\Fax, an I/O exception There is not enough space on the disk. occurred ."},
        {8005, "A non-SMTP gateway connection failure occurred on connector Fax Connector. The drop directory quota "
               "limit of C:\\Drop\\Fax(MB) has been exceeded."},
        {8007, "A non-SMTP gateway connection failure occurred on connector Fax Connector because a file name in "
               "the drop directory C:\\Drop\\Fax exceeds the system-defined maximum length."},
        {8008, "A connection failure occurred on the foreign connector Fax Connector. The Drop directory "
               "C:\\Drop\\Fax does not exist."},
        {8009, "Non-SMTP connector Fax Connector failed because the Drop directory C:\\Drop\\Fax does not have the "
               "correct access permissions. Change the access permissions for directory C:\\Drop\\Fax or use "
               "another directory."},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        ck_assert_str_eq(render(m, 0xC0040000u | want[i].id, ins), want[i].text);
    /* the category Exchange logs these under */
    ck_assert_str_eq(render(m, DW_EVENTLOG_CATEGORY, ins), "RemoteDelivery\r\n");
    FreeLibrary(m);
}
END_TEST

START_TEST(test_report_and_registry)
{
    const char *p = getenv("DW_MESSAGES_DLL");
    ck_assert_ptr_nonnull(p);
    dw_io_error e;
    ck_assert_int_eq(dw_eventlog_install("DropWatchTest", p, &e), DW_OK);
    wchar_t val[1024];
    DWORD size = sizeof val;
    LONG rc = RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\DropWatchTest",
                           L"EventMessageFile", RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, val, &size);
    ck_assert_int_eq(rc, ERROR_SUCCESS);
    char got[2048];
    WideCharToMultiByte(CP_UTF8, 0, val, -1, got, sizeof got, NULL, NULL);
    ck_assert_str_eq(got, p);
    DWORD count = 0;
    size = sizeof count;
    rc = RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\DropWatchTest",
                      L"CategoryCount", RRF_RT_REG_DWORD, NULL, &count, &size);
    ck_assert_int_eq(rc, ERROR_SUCCESS);
    ck_assert_uint_eq(count, 7);

    dw_alert a;
    sample(&a, DW_CLASS_CAPACITY, 112, DW_OP_WRITE);
    ck_assert_int_eq(dw_eventlog_report(&a, "DropWatchTest", &e), DW_OK);
    ck_assert_int_eq(dw_eventlog_report(&a, NULL, &e), DW_OK); /* the default source, registered or not */
    sample(&a, DW_CLASS_CONFIGURATION, 3, DW_OP_OPEN_DIR);
    ck_assert_int_eq(dw_eventlog_report(&a, "DropWatchTest", &e), DW_OK);

    ck_assert_int_eq(dw_eventlog_uninstall("DropWatchTest", &e), DW_OK);
    size = sizeof count;
    rc = RegGetValueW(HKEY_LOCAL_MACHINE, L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\DropWatchTest",
                      L"CategoryCount", RRF_RT_REG_DWORD, NULL, &count, &size);
    ck_assert_int_ne(rc, ERROR_SUCCESS);
    /* removing it twice: the registry's own code, classified */
    ck_assert_int_eq(dw_eventlog_uninstall("DropWatchTest", &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, 2); /* ERROR_FILE_NOT_FOUND */
}
END_TEST
#endif

static Suite *eventlog_suite(void)
{
    Suite *s = suite_create("eventlog");
    TCase *tc = tcase_create("eventlog");
    tcase_add_test(tc, test_arguments);
    tcase_add_test(tc, test_strings_order);
#ifndef _WIN32
    tcase_add_test(tc, test_unsupported_elsewhere);
#else
    tcase_add_test(tc, test_format_message_texts);
    tcase_add_test(tc, test_report_and_registry);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(eventlog_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
