/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/eventlog.h - the Windows Event Log (what SCOM and administrators read).
 *
 * An alert (dropwatch/alert.h) is written as a record of the Application log with Exchange's event ID
 * and qualifiers (Event Viewer shows 8004, 8005, 8007, 8008 or 8009), category 7 "RemoteDelivery", and
 * Exchange's insertion strings first, in %1.. order, followed by libdropwatch's own fields. The texts come
 * from a message file, dropwatch-messages.dll (built with windmc/windres), that dw_eventlog_install()
 * registers for the event source. Windows only: elsewhere every call returns DW_E_UNSUPPORTED.
 */
#ifndef DROPWATCH_EVENTLOG_H
#define DROPWATCH_EVENTLOG_H

#include <dropwatch/common.h>
#include <dropwatch/alert.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The event source used when the caller gives none (never "MSExchangeTransport" unless asked for). */
#define DW_EVENTLOG_DEFAULT_SOURCE "DropWatch"
/** Category of every record: Exchange's 7, "RemoteDelivery". */
#define DW_EVENTLOG_CATEGORY 7

/**
 * Write `alert` to the Application log under `source` (UTF-8; NULL = DW_EVENTLOG_DEFAULT_SOURCE) with
 * RegisterEventSourceW/ReportEventW. `err` (may be NULL) receives the Win32 code of a failure.
 * @return DW_OK; DW_E_INVAL (alert NULL or invalid, empty source); DW_E_NOMEM; DW_E_IO (ReportEventW
 * failed; err->win32 holds GetLastError()); DW_E_UNSUPPORTED on any platform but Windows.
 */
DW_API dw_status dw_eventlog_report(const dw_alert *alert, const char *source, dw_io_error *err);

/**
 * Register `source` (NULL = default) in HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application:
 * EventMessageFile and CategoryMessageFile = `message_file` (the full path of dropwatch-messages.dll),
 * CategoryCount = 7, TypesSupported = error|warning|information. Needs administrator rights.
 * @return DW_OK, DW_E_INVAL, DW_E_IO (err->win32: the registry's code), DW_E_UNSUPPORTED (not Windows).
 */
DW_API dw_status dw_eventlog_install(const char *source, const char *message_file, dw_io_error *err);

/** Remove the registration of `source` (NULL = default). Same returns as dw_eventlog_install(). */
DW_API dw_status dw_eventlog_uninstall(const char *source, dw_io_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_EVENTLOG_H */
