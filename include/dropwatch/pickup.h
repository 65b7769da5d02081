/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/pickup.h - the gateway's side of a drop directory: taking messages out.
 *
 * A picker lists the ready messages ("*.eml", oldest first; never our temporary files, the quota ledger,
 * hidden files, or a file Exchange is still writing), claims one atomically (a rename into
 * ".dwpickup/claimed/" under a name that records the owner's host, pid and claim time, so two pickers
 * never take the same file), reads its envelope and streams the MIME part without the injected headers,
 * then acknowledges it (delete, or move to an archive folder; durably) or releases it back. A claim whose
 * owner died (same host, pid gone) or that is older than claim_ttl_seconds is taken over by the next
 * picker: delivery is at-least-once, with duplicates only when a picker dies (or exceeds the TTL) after
 * handing a message on and before its acknowledgement is durable. See doc/pickup.md.
 *
 * Files Exchange left broken (a MIME part shorter than X-EndOfInjectedXHeaders announces, a truncated or
 * malformed envelope) are never handed on: once they have not changed for incomplete_after_seconds they
 * are moved to ".dwpickup/quarantine/" with an alert record (JSON) beside them, and reported.
 *
 * A dw_pickup handle and its messages are used by one thread at a time; use one handle per thread or
 * process (any number may work on the same directory).
 */
#ifndef DROPWATCH_PICKUP_H
#define DROPWATCH_PICKUP_H

#include <dropwatch/common.h>
#include <dropwatch/classify.h>
#include <dropwatch/alert.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An open drop directory for pickup. */
typedef struct dw_pickup dw_pickup;

/** A claimed message. End with dw_pickup_ack() or dw_pickup_release(). */
typedef struct dw_pickup_msg dw_pickup_msg;

/** What dw_pickup_ack() does with a message. */
typedef enum dw_pickup_ack_mode {
    DW_PICKUP_DELETE = 0,   /**< unlink it (default) */
    DW_PICKUP_ARCHIVE = 1   /**< move it into archive_dir under its original name */
} dw_pickup_ack_mode;

/** Current version of dw_pickup_options (the struct only ever grows at its end). */
#define DW_PICKUP_OPTIONS_VERSION 1u

/** Default dw_pickup_options.settle_ms (dw_pickup_options_init()). */
#define DW_PICKUP_SETTLE_DEFAULT_MS 2000
/** Default dw_pickup_options.incomplete_after_seconds (dw_pickup_options_init()). */
#define DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS 300
/** Default dw_pickup_options.claim_ttl_seconds (dw_pickup_options_init()). */
#define DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS 600
/** The timeout a follow loop passes to dw_pickup_wait() between scans when nothing is ready (the dropwatch
 * program and every binding): a change ends the wait earlier where change notification works. */
#define DW_PICKUP_WAIT_DEFAULT_MS 1000

/** Options for dw_pickup_open(). Initialise with dw_pickup_options_init(). */
typedef struct dw_pickup_options {
    unsigned version;                  /**< DW_PICKUP_OPTIONS_VERSION (set by init; ABI stability) */
    unsigned settle_ms;                /**< a file whose completeness cannot be checked (no envelope, or the
                                            envelope announces the header length) must be unchanged this
                                            long before it is ready (default DW_PICKUP_SETTLE_DEFAULT_MS) */
    unsigned incomplete_after_seconds; /**< a short or malformed file unchanged this long is quarantined
                                            (default DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS; Exchange writes in 64 KiB blocks without pauses) */
    unsigned claim_ttl_seconds;        /**< a claim older than this is taken over (default DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS) */
    dw_pickup_ack_mode ack_mode;       /**< DW_PICKUP_DELETE by default */
    const char *archive_dir;           /**< DW_PICKUP_ARCHIVE: a subdirectory of the drop directory
                                            (relative, one level, created when missing); NULL =
                                            ".dwpickup/archive". Copied. */
    int durable;                       /**< 1 (default): fsync the directories after ack and release */
    int require_envelope;              /**< 1: quarantine files without an envelope (default 0: hand on) */
} dw_pickup_options;

/** Why a file was quarantined. */
typedef enum dw_pickup_reason {
    DW_PICKUP_INCOMPLETE = 0,   /**< the MIME part is shorter than X-EndOfInjectedXHeaders announces */
    DW_PICKUP_TRUNCATED = 1,    /**< the file ends inside the envelope (empty files included) */
    DW_PICKUP_MALFORMED = 2,    /**< the envelope cannot be parsed */
    DW_PICKUP_OVERSIZE = 3,     /**< the MIME part is longer than announced */
    DW_PICKUP_NO_ENVELOPE = 4   /**< no envelope while require_envelope is set */
} dw_pickup_reason;

/** Longest file name pickup handles, with the NUL. */
#define DW_PICKUP_NAME_MAX 256

/** One quarantined file (see dw_pickup_quarantined()). */
typedef struct dw_pickup_quarantine {
    char name[DW_PICKUP_NAME_MAX];     /**< the file's name in the drop directory */
    char moved_to[DW_PICKUP_NAME_MAX]; /**< its name inside ".dwpickup/quarantine/" */
    dw_pickup_reason reason;
    uint64_t file_size;                /**< bytes in the file */
    uint64_t header_size;              /**< bytes of the envelope (0 when there is none / it is truncated) */
    uint64_t mime_expected;            /**< MIME bytes announced by X-EndOfInjectedXHeaders (0 when unknown) */
    uint64_t mime_actual;              /**< MIME bytes present */
    int64_t mtime_sec;                 /**< last modification (Unix seconds) */
    char text[256];                    /**< one-line explanation */
} dw_pickup_quarantine;

/** Counters of one dw_pickup_scan(). */
typedef struct dw_pickup_stats {
    uint64_t ready;        /**< ready messages now listed (dw_pickup_ready_name()) */
    uint64_t not_ready;    /**< message files still being written or not yet settled */
    uint64_t quarantined;  /**< files quarantined by this scan (dw_pickup_quarantined()) */
    uint64_t claimed;      /**< live claims of other pickers */
    uint64_t expired;      /**< expired claims found (taken over by dw_pickup_next()) */
} dw_pickup_stats;

/** Numbers describing a claimed message. */
typedef struct dw_pickup_info {
    uint64_t file_size;    /**< bytes in the file */
    uint64_t header_size;  /**< bytes of the injected headers (0 without an envelope) */
    uint64_t mime_size;    /**< bytes dw_pickup_msg_read() delivers */
    int has_envelope;      /**< 1 when the file starts with an envelope */
    int redelivered;       /**< 1 when the message was taken over from an expired claim (possible duplicate) */
    int64_t mtime_sec;     /**< the file's last modification (Unix seconds) */
} dw_pickup_info;

/** Fill `opts` with the defaults (and the version). NULL is ignored. */
DW_API void dw_pickup_options_init(dw_pickup_options *opts);

/**
 * Open a drop directory (which must exist) for pickup; creates ".dwpickup/" with its "claimed" and
 * "quarantine" folders (and the archive folder) when missing.
 * @return DW_OK, DW_E_INVAL (bad argument, unknown options version), DW_E_NOMEM, DW_E_IO.
 */
DW_API dw_status dw_pickup_open(dw_pickup **out, const char *path, const dw_pickup_options *opts, dw_io_error *err);

/** Close a pickup handle. Messages still claimed through it must be acknowledged or released first. NULL is ignored. */
DW_API void dw_pickup_close(dw_pickup *p);

/**
 * List the directory: builds the list of ready messages (oldest modification first, then by name),
 * quarantines broken files that have settled, and counts the rest. `stats` may be NULL.
 */
DW_API dw_status dw_pickup_scan(dw_pickup *p, dw_pickup_stats *stats, dw_io_error *err);

/** The i-th ready message of the last scan (file name), or NULL past the end. Valid until the next scan. */
DW_API const char *dw_pickup_ready_name(const dw_pickup *p, size_t i);

/**
 * Claim the named message. *msg receives it, or NULL when it is gone (another picker took it) or not a
 * ready message any more. Returns DW_OK in both cases; DW_E_IO on a failure.
 */
DW_API dw_status dw_pickup_claim(dw_pickup *p, const char *name, dw_pickup_msg **msg, dw_io_error *err);

/**
 * Claim the oldest ready message: expired claims of dead pickers first, then the listed messages
 * (scanning again when the list is used up). *msg is NULL when nothing is ready.
 */
DW_API dw_status dw_pickup_next(dw_pickup *p, dw_pickup_msg **msg, dw_io_error *err);

/**
 * Wait until the directory changes (inotify on Linux) or timeout_ms passes; without change notification
 * it sleeps min(timeout_ms, 250 ms). Returns DW_OK either way (callers then call dw_pickup_next()).
 */
DW_API dw_status dw_pickup_wait(dw_pickup *p, unsigned timeout_ms, dw_io_error *err);

/** 1 when dw_pickup_wait() uses change notification, 0 when it falls back to rescanning. */
DW_API int dw_pickup_watching(const dw_pickup *p);

/** The message's original file name in the drop directory. */
DW_API const char *dw_pickup_msg_name(const dw_pickup_msg *msg);

/** X-Sender address (without brackets; "" for the null sender), or NULL without an envelope. `params`
 * (may be NULL) receives the MAIL FROM parameters or NULL. */
DW_API const char *dw_pickup_msg_sender(const dw_pickup_msg *msg, const char **params);

/** Number of X-Receiver lines. */
DW_API size_t dw_pickup_msg_recipient_count(const dw_pickup_msg *msg);

/** The i-th X-Receiver address, or NULL past the end; `params` as for the sender. */
DW_API const char *dw_pickup_msg_recipient(const dw_pickup_msg *msg, size_t i, const char **params);

/** Fill `info` with the message's sizes and flags. */
DW_API dw_status dw_pickup_msg_info(const dw_pickup_msg *msg, dw_pickup_info *info);

/**
 * Read the next bytes of the MIME part (the injected headers are never returned). *got receives the
 * count; 0 at the end.
 */
DW_API dw_status dw_pickup_msg_read(dw_pickup_msg *msg, void *buf, size_t size, size_t *got, dw_io_error *err);

/** Start reading the MIME part from its beginning again. */
DW_API dw_status dw_pickup_msg_rewind(dw_pickup_msg *msg);

/**
 * Acknowledge: delete the message (or move it to the archive folder) and, with `durable`, fsync the
 * directory so the acknowledgement survives a crash. Always releases `msg`.
 */
DW_API dw_status dw_pickup_ack(dw_pickup_msg *msg, dw_io_error *err);

/** Put the message back into the drop directory under its original name (another name when that is taken
 * meanwhile), for this or another picker to take again. Always releases `msg`. */
DW_API dw_status dw_pickup_release(dw_pickup_msg *msg, dw_io_error *err);

/** The i-th file quarantined by the last call of dw_pickup_scan() or dw_pickup_next() (NULL past the end).
 * Valid until the next such call. */
DW_API const dw_pickup_quarantine *dw_pickup_quarantined(const dw_pickup *p, size_t i);

/**
 * Fill an alert record for a quarantined file: event 8004 (the I/O failure that left it behind), the drop
 * directory as %2 and the explanation as %3 (op DW_OP_READ, errno EIO, the quarantined path and the
 * explanation in the error). Strings point into `p` and `q`, which must outlive the alert.
 */
DW_API dw_status dw_pickup_quarantine_alert(const dw_pickup *p, const dw_pickup_quarantine *q, dw_alert *alert);

/** Symbolic name of a reason ("incomplete", "truncated", ...), or NULL. */
DW_API const char *dw_pickup_reason_name(dw_pickup_reason reason);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_PICKUP_H */
