/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/throttle.h - suppression of repeated alert records, as Exchange throttles its own events.
 *
 * Exchange logs events 8004-8009 periodically per connector (ExEventLog's LogPeriodic: the first
 * occurrence is logged, repeats with the same key are suppressed for a period). A dw_throttle does the
 * same for a monitor: per connector and event ID, the first occurrence opens a window of window_seconds
 * and is logged; further occurrences inside the window are counted, not logged. The count is reported
 * when the window closes: by the first occurrence after it (dw_throttle_check()), or by
 * dw_throttle_next_expired() once the time has passed. Times are passed in, so the object never reads a
 * clock. Thread-safe (one internal mutex); no global state.
 */
#ifndef DROPWATCH_THROTTLE_H
#define DROPWATCH_THROTTLE_H

#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Default suppression window, in seconds (15 minutes; see doc/alerts.md for why). */
#define DW_THROTTLE_DEFAULT_SECONDS 900

/** Longest suppression window dw_throttle_new() accepts, in seconds (31 days). */
#define DW_THROTTLE_MAX_SECONDS 2678400

/** Capacity of dw_throttle_window.connector in bytes, including the NUL (longer names are cut safely). */
#define DW_THROTTLE_NAME_MAX 256

/** A throttle. Create with dw_throttle_new(), release with dw_throttle_free(). */
typedef struct dw_throttle dw_throttle;

/** A suppression window that closed. suppressed == 0 (and event_id 0) when there is nothing to report. */
typedef struct dw_throttle_window {
    char connector[DW_THROTTLE_NAME_MAX]; /**< the connector (UTF-8, possibly cut at a character boundary) */
    unsigned event_id;                    /**< the event ID of the key */
    uint64_t suppressed;                  /**< occurrences inside the window that were not logged */
    int64_t opened_ms;                    /**< time of the logged occurrence that opened the window */
    int64_t closed_ms;                    /**< opened_ms + the window length */
} dw_throttle_window;

/** What dw_throttle_check() decided. */
typedef struct dw_throttle_result {
    int log;                   /**< 1: log this occurrence (it opened a window); 0: suppressed and counted */
    dw_throttle_window closed; /**< the previous window of this key, when this occurrence closed it and it
                                    had suppressed occurrences (else closed.suppressed == 0) */
} dw_throttle_result;

/**
 * Create a throttle with a window of window_seconds (0 = no suppression: every occurrence is logged).
 * @return DW_OK, DW_E_INVAL (out NULL or window above DW_THROTTLE_MAX_SECONDS, 31 days), DW_E_NOMEM.
 */
DW_API dw_status dw_throttle_new(dw_throttle **out, unsigned window_seconds);

/** Free a throttle. NULL is ignored. */
DW_API void dw_throttle_free(dw_throttle *t);

/** The window length in seconds. 0 for NULL. */
DW_API unsigned dw_throttle_window_seconds(const dw_throttle *t);

/**
 * One occurrence of `event_id` on `connector` (NULL is the empty name) at now_ms (milliseconds since the
 * epoch). Fills *out: log 1 when it is the first of a window (an occurrence at or after the end of the
 * key's window opens a new one and reports the old one in out->closed), log 0 when suppressed.
 * @return DW_OK, DW_E_INVAL (t or out NULL, event_id 0), DW_E_NOMEM (a new key could not be stored; the
 *         occurrence is then to be logged: out->log is 1).
 */
DW_API dw_status dw_throttle_check(dw_throttle *t, const char *connector, unsigned event_id, int64_t now_ms,
                                   dw_throttle_result *out);

/**
 * Take one window that has closed by now_ms (its end <= now_ms) and had suppressed occurrences, removing
 * it; windows without suppressed occurrences are dropped silently. out->event_id is 0 when there is none
 * left. Pass INT64_MAX to close every window (e.g. when the monitor stops).
 * @return DW_OK, DW_E_INVAL (t or out NULL).
 */
DW_API dw_status dw_throttle_next_expired(dw_throttle *t, int64_t now_ms, dw_throttle_window *out);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_THROTTLE_H */
