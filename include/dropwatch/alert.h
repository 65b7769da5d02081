/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/alert.h - Event 8004 alert records (and the sibling events Exchange logs from the same path).
 *
 * One record describes one occurrence: "A non-SMTP gateway connection failure occurred on the specified
 * connector. An I/O exception occurred when writing to the Drop directory." It is formatted as text (like
 * an Event Viewer alert), XML (the Event Viewer "XML View" shape of a Windows event -- Exchange's unnamed
 * insertion strings first -- with libdropwatch's own fields as named Data extensions, indented, one element
 * per line; NOT a byte-for-byte copy of `wevtutil qe /f:xml` output, which is one line with single-quoted
 * attributes), one-line JSON (field names of Windows-event shippers) or an RFC 5424 syslog line. Every format is well-formed for any input: strings
 * are escaped, invalid UTF-8 is replaced by U+FFFD (and the record says so), nothing can inject a second
 * record or field, and the output size is bounded.
 */
#ifndef DROPWATCH_ALERT_H
#define DROPWATCH_ALERT_H

#include <dropwatch/common.h>
#include <dropwatch/classify.h>
#include <dropwatch/path.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Output format. */
typedef enum dw_format {
    DW_FORMAT_TEXT = 0,
    DW_FORMAT_XML = 1,
    DW_FORMAT_JSON = 2,
    DW_FORMAT_SYSLOG = 3
} dw_format;

#define DW_FORMAT_COUNT 4

/** Which event ID a record carries. */
typedef enum dw_event_mode {
    DW_EVENT_8004 = 0,     /**< always 8004, whatever the failure (for callers that want one event ID) */
    DW_EVENT_AUTO = 1      /**< the ID Exchange logs for what it catches (the default of dw_alert_init()):
                                8008 drop directory missing or not visible, 8005 quota, 8007 path too long
                                (PathTooLongException), 8009 access denied (UnauthorizedAccessException),
                                8004 any other I/O exception */
} dw_event_mode;

/** Longest string field copied into a record, in bytes; longer values are truncated and marked. */
#define DW_ALERT_FIELD_MAX 8192

/** Version of dw_alert this header describes (see doc/abi.md). */
#define DW_ALERT_VERSION 1

/**
 * One alert occurrence. Initialise with dw_alert_init() or DW_ALERT_INIT, set what you know; every string
 * may be NULL (shown as empty or omitted). Strings are borrowed for the duration of the format call only.
 * An unknown `version` is refused with DW_E_INVAL.
 */
/** The highest RFC 5424 facility number (local7); dw_alert.syslog_facility is 0 to this. */
#define DW_SYSLOG_FACILITY_MAX 23

/** The default dw_alert.syslog_facility: 16, local0 (dw_alert_init()). */
#define DW_SYSLOG_FACILITY_DEFAULT 16

typedef struct dw_alert {
    unsigned version;           /**< DW_ALERT_VERSION (set by dw_alert_init()) */
    const char *connector;      /**< Foreign connector name (%1) */
    const char *drop_path;      /**< resolved drop directory (%2) */
    const char *root;           /**< RootDropDirectoryPath as configured */
    const char *drop_dir;       /**< DropDirectory as configured */
    const char *computer;       /**< computer name; NULL = "localhost" */
    const char *exception_text; /**< the I/O exception's message (8004's %3); NULL = derived from `error`: the
                                     Win32 system text of its code (dw_win32_message()), else the errno text */
    dw_io_error error;          /**< the classification (copy a dw_io_error from a failed call here) */
    int64_t time_ms;            /**< event time, milliseconds since the Unix epoch (UTC); < 0 = now */
    uint64_t record_id;         /**< EventRecordID; emitted only when has_record_id is 1 */
    int has_record_id;
    dw_event_mode event_mode;   /**< DW_EVENT_AUTO by default; DW_EVENT_8004 forces 8004 */
    int syslog_facility;        /**< RFC 5424 facility number, 0 to DW_SYSLOG_FACILITY_MAX (default DW_SYSLOG_FACILITY_DEFAULT, local0) */
    const char *app_name;       /**< syslog APP-NAME; NULL = "dropwatch" */
    dw_exchange_version exchange_version; /**< whose management pack supplies Product Version, rule path,
                                               rule names and alert types (2007 pack for 2007; 2010 pack for
                                               2010 and later) and which cmdlet explanations name
                                               (Set-TransportServer 2007/2010, Set-TransportService 2013+);
                                               DW_EXCHANGE_2007 by default */
} dw_alert;

/** The defaults of dw_alert as a static initialiser. */
#define DW_ALERT_INIT \
    { .version = DW_ALERT_VERSION, .time_ms = -1, .event_mode = DW_EVENT_AUTO, .syslog_facility = DW_SYSLOG_FACILITY_DEFAULT }

/** Fill `alert` with the defaults (all strings NULL, time now, DW_EVENT_AUTO, facility local0, Exchange 2007).
 * NULL is ignored. */
DW_API void dw_alert_init(dw_alert *alert);

/**
 * Format an alert record into a caller buffer. The output ends with a newline (text: the block ends with
 * one) and is NUL-terminated.
 * @return DW_OK; DW_E_INVAL (alert NULL, unknown format, facility out of range); DW_E_BUFFER with *needed.
 * Deterministic: the same record with a fixed time_ms formats byte-identically. Thread-safe.
 */
DW_API dw_status dw_alert_format(const dw_alert *alert, dw_format format, char *buf, size_t size, size_t *needed);

/**
 * Format into a newly allocated string (free it with dw_free()). *len (may be NULL) receives its length.
 */
DW_API dw_status dw_alert_format_alloc(const dw_alert *alert, dw_format format, char **out, size_t *len);

/** The event ID the record carries (8004/8005/8007/8008/8009 in DW_EVENT_AUTO mode, 8004 in DW_EVENT_8004
 * mode). 0 for NULL or an unknown version. */
DW_API unsigned dw_alert_event_id(const dw_alert *alert);

/** Symbolic name of an event ID ("NonSmtpGWQuotaExceeded" for 8005, ...), or NULL when not one of ours. */
DW_API const char *dw_event_name(unsigned event_id);

/** Name of a format ("text", "xml", "json", "syslog"), or NULL. */
DW_API const char *dw_format_name(dw_format format);

/** Parse a format name, case-insensitively. DW_E_PARSE when unknown, DW_E_INVAL for NULL arguments. */
DW_API dw_status dw_format_from_name(const char *name, dw_format *out);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_ALERT_H */
