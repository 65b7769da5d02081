/* SPDX-License-Identifier: MIT */
/* The Windows Event Log (dropwatch/eventlog.h). The records carry Exchange's event IDs with its
 * qualifiers (0xC004: severity error, facility 4), category 7, and Exchange's insertion strings first; the
 * texts are in dropwatch-messages.dll (lib/dropwatch-messages.mc). Elsewhere every call is
 * DW_E_UNSUPPORTED: the arguments are still checked, so a caller's mistake shows on every platform. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch/eventlog.h"
#include "guard_internal.h"
#include "internal.h"

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

/* Exchange's message ID high word: severity error (3 << 30) and facility 4. */
#define DWI_EVENT_QUALIFIERS 0xC0040000u
#define DWI_SOURCE_MAX 255
#define DWI_REG_APPLICATION "SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\"

/* A source name is one registry key name: not empty, no backslash, bounded. */
static int source_ok(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= DWI_SOURCE_MAX && !strchr(s, '\\');
}

static dw_status invalid(dw_io_error *err, const char *what)
{
    dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
    dwi_io_error_detail(err, what);
    return DW_E_INVAL;
}

#ifdef _WIN32
static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = n > 0 ? malloc((size_t)n * sizeof *w) : NULL;
    if (w)
        MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static dw_status win_fail(dw_io_error *err, uint32_t code, const char *path, const char *what)
{
    dw_io_error_set(err, DW_OP_NONE, 0, code, path);
    dwi_io_error_detail(err, what);
    return DW_E_IO;
}

/* The registry key of a source, as UTF-16. */
static wchar_t *source_key(const char *source)
{
    size_t n = strlen(DWI_REG_APPLICATION) + strlen(source) + 1;
    char *k = malloc(n);
    if (!k)
        return NULL;
    memcpy(k, DWI_REG_APPLICATION, strlen(DWI_REG_APPLICATION));
    memcpy(k + strlen(DWI_REG_APPLICATION), source, strlen(source) + 1);
    wchar_t *w = wide(k);
    free(k);
    return w;
}
#endif

dw_status dw_eventlog_report(const dw_alert *alert, const char *source, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!source)
        source = DW_EVENTLOG_DEFAULT_SOURCE;
    if (!alert || !source_ok(source))
        return invalid(err, "an alert and a valid event source name are needed");
    dwi_event_strings ev;
    dw_status st = dwi_alert_event_strings(alert, &ev);
    if (st != DW_OK)
        return st == DW_E_INVAL ? invalid(err, "invalid alert") : st;
#ifdef _WIN32
    wchar_t *wsrc = wide(source);
    const wchar_t *ws[DWI_EVENT_STRINGS_MAX];
    size_t made = 0;
    while (wsrc && made < ev.count && (ws[made] = wide(ev.s[made])) != NULL)
        made++;
    if (!wsrc || made < ev.count) {
        st = DW_E_NOMEM;
    } else {
        HANDLE h = RegisterEventSourceW(NULL, wsrc);
        if (!h) {
            st = win_fail(err, GetLastError(), source, "RegisterEventSourceW failed");
        } else {
            WORD type = ev.is_error ? EVENTLOG_ERROR_TYPE : EVENTLOG_WARNING_TYPE;
            if (!ReportEventW(h, type, DW_EVENTLOG_CATEGORY, DWI_EVENT_QUALIFIERS | ev.id, NULL, (WORD)ev.count, 0,
                              ws, NULL))
                st = win_fail(err, GetLastError(), source, "ReportEventW failed");
            DeregisterEventSource(h);
        }
    }
    for (size_t i = 0; i < made; i++)
        free((void *)ws[i]);
    free(wsrc);
#else
    st = DW_E_UNSUPPORTED;
#endif
    free(ev.block);
    return st;
}

dw_status dw_eventlog_install(const char *source, const char *message_file, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!source)
        source = DW_EVENTLOG_DEFAULT_SOURCE;
    if (!source_ok(source) || !message_file || !*message_file)
        return invalid(err, "a valid event source name and the message file's path are needed");
#ifdef _WIN32
    wchar_t *key = source_key(source), *file = wide(message_file);
    dw_status st = DW_OK;
    HKEY h = NULL;
    LONG rc = key && file ? RegCreateKeyExW(HKEY_LOCAL_MACHINE, key, 0, NULL, 0, KEY_SET_VALUE, NULL, &h, NULL)
                          : ERROR_NOT_ENOUGH_MEMORY;
    if (rc == ERROR_SUCCESS) {
        DWORD bytes = (DWORD)((wcslen(file) + 1) * sizeof(wchar_t));
        DWORD count = DW_EVENTLOG_CATEGORY;
        DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
        rc = RegSetValueExW(h, L"EventMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)file, bytes);
        if (rc == ERROR_SUCCESS)
            rc = RegSetValueExW(h, L"CategoryMessageFile", 0, REG_EXPAND_SZ, (const BYTE *)file, bytes);
        if (rc == ERROR_SUCCESS)
            rc = RegSetValueExW(h, L"CategoryCount", 0, REG_DWORD, (const BYTE *)&count, sizeof count);
        if (rc == ERROR_SUCCESS)
            rc = RegSetValueExW(h, L"TypesSupported", 0, REG_DWORD, (const BYTE *)&types, sizeof types);
        RegCloseKey(h);
    }
    if (rc != ERROR_SUCCESS)
        st = rc == ERROR_NOT_ENOUGH_MEMORY ? DW_E_NOMEM : win_fail(err, (uint32_t)rc, source, "registry write failed");
    free(key);
    free(file);
    return st;
#else
    return DW_E_UNSUPPORTED;
#endif
}

dw_status dw_eventlog_uninstall(const char *source, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!source)
        source = DW_EVENTLOG_DEFAULT_SOURCE;
    if (!source_ok(source))
        return invalid(err, "a valid event source name is needed");
#ifdef _WIN32
    wchar_t *key = source_key(source);
    if (!key)
        return DW_E_NOMEM;
    LONG rc = RegDeleteKeyW(HKEY_LOCAL_MACHINE, key);
    free(key);
    return rc == ERROR_SUCCESS ? DW_OK : win_fail(err, (uint32_t)rc, source, "registry delete failed");
#else
    return DW_E_UNSUPPORTED;
#endif
}
