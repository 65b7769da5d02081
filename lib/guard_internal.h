/* SPDX-License-Identifier: MIT */
/* Internals of the guarded-write code shared by guard.c, quota.c, health.c and the Check tests. */
#ifndef DW_LIB_GUARD_INTERNAL_H
#define DW_LIB_GUARD_INTERNAL_H

#include <stdatomic.h>

#include "dropwatch/classify.h"
#include "dropwatch/guard.h"
#include "dropwatch/testing.h"
#include "platform.h"
#include "thread.h"

/* Temporary files: dot-prefixed (consumers skip hidden files) AND ending in ".tmp" (never ".eml"). */
#define DWI_TMP_PREFIX ".dwtmp-"
#define DWI_TMP_SUFFIX ".tmp"
/* Canary files of dw_drop_health(): same shape, never ".eml". */
#define DWI_CANARY_PREFIX ".dwcanary-"
/* Quota ledger (dot-prefixed so consumers ignore it; never counted as usage). */
#define DWI_LEDGER_NAME ".dwquota"
/* Longest prefix accepted for DW_NAMING_UNIQUE (keeps every name below DW_FILE_NAME_MAX). */
#define DWI_PREFIX_MAX 64
/* Longest machine name used by DW_NAMING_EXCHANGE (a NetBIOS/DNS label is at most 63). */
#define DWI_MACHINE_MAX 63
/* Buffer for temporary and final names. */
#define DWI_NAME_BUF DW_FILE_NAME_MAX

typedef struct dwi_quota dwi_quota;

struct dw_drop {
    const dwi_ops *ops;
    void *ctx;
    dwi_fd dirfd;
    char *path;
    dw_drop_options opts;  /* name_prefix and machine_name point into the copies below */
    char *prefix;
    char machine[DWI_MACHINE_MAX + 1];
    uint64_t salt;          /* random per handle: makes temp and unique names unguessable */
    atomic_uint_fast64_t seq;
    atomic_uint_fast64_t record_next;
    dw_fault fault;         /* dropwatch/testing.h; op DW_OP_NONE = off */
    atomic_uint inject_left;
    atomic_int publish_method;  /* dw_publish_method, learnt at the first publication */
    int remote;                 /* on a network file system: its EIO is the server's or the network's */
    dwi_quota *quota;       /* NULL when unlimited */
    _Atomic(dw_flush_group *) group;         /* group commit (dw_drop_set_flush_group); NULL = off */
};

struct dw_msg {
    dw_drop *drop;
    dwi_fd fd;              /* DWI_FD_NONE once closed */
    int failed;             /* a write failed: the temp file is already gone */
    uint64_t size;          /* bytes written (envelope included) */
    uint64_t reserved;      /* quota bytes reserved for this message (>= size) */
    uint64_t mime_expected; /* for an envelope in DW_EOH_MIME_LENGTH mode: MIME bytes announced */
    uint64_t header_size;   /* envelope bytes written */
    int check_mime;         /* the envelope announced mime_expected: commit verifies it */
    uint64_t dev, ino;      /* identity of the temp file, checked after the rename */
    dw_priority priority;
    uint64_t record_id;
    char tmp[DWI_NAME_BUF];
};

/* Open a handle with an explicit ops table (tests inject faults and count calls through it). */
dw_status dwi_drop_open_ops(dw_drop **out, const char *path, const dw_drop_options *opts, const dwi_ops *ops,
                            void *ctx, dw_io_error *err);

/* The same with a fault armed before the directory is opened (dropwatch/testing.h; fault may be NULL). */
dw_status dwi_drop_open_fault(dw_drop **out, const char *path, const dw_drop_options *opts, const dw_fault *fault,
                              const dwi_ops *ops, void *ctx, dw_io_error *err);

/* dw_drop_health() with an explicit ops table. */
dw_status dwi_drop_health_ops(const char *path, const dw_drop_options *opts, unsigned stale_age_seconds,
                              dw_health *out, const dwi_ops *ops, void *ctx, dw_io_error *err);

/* The same with a fault armed on the handle it opens (fault may be NULL). */
dw_status dwi_drop_health_fault(const char *path, const dw_drop_options *opts, const dw_fault *fault,
                                unsigned stale_age_seconds, dw_health *out, const dwi_ops *ops, void *ctx,
                                dw_io_error *err);

/* Publish a streamed message under a caller-chosen name (dw_drop_health()'s canary); else as dw_msg_commit. */
dw_status dwi_msg_commit_as(dw_msg *msg, const char *final_name, char *name_out, size_t size, size_t *needed,
                            dw_io_error *err);

/* 1 when `name` is one of our temporary files (".dwtmp-*.tmp" or ".dwcanary-*.tmp"). */
int dwi_is_temp_name(const char *name);

/* Fill err for a failed step of `drop` (a failure code from the seam: negated errno or native Win32), with
 * "<dir>/<name>" as the path. */
dw_status dwi_fail(const dw_drop *drop, dw_io_error *err, dw_op op, int neg_errno, const char *name,
                   unsigned attempts);

/* Per-handle fault injection: returns the negated errno to fail `op` with, or 0. */
int dwi_inject(dw_drop *drop, dw_op op);

/* A listing of the drop directory, as the quota counts it. */
typedef struct dwi_scan_result {
    uint64_t used_bytes;   /* top-level regular files other than our temporary files and the ledger */
    uint64_t files;
    uint64_t temp_bytes;   /* our temporary files (in-flight messages or crashed writers) */
    uint64_t temp_files;
    uint64_t stale_temps;  /* temporary files whose mtime is before stale_before_ns (when not 0) */
} dwi_scan_result;

/* List the directory once. Temps with mtime < stale_before_ns (nanoseconds since the epoch) are counted
 * in stale_temps and, when remove_stale, unlinked (then not counted as temp bytes). */
dw_status dwi_scan(dw_drop *drop, int64_t stale_before_ns, int remove_stale, dwi_scan_result *res, dw_io_error *err);

/* The stale cut-off for an age: now - max_age_seconds in nanoseconds (at least 1, so 0 stays "off").
 * Nanoseconds, so that an age of 0 also takes the temporary files of the current second. */
int64_t dwi_stale_cutoff_ns(dw_drop *drop, unsigned max_age_seconds);

/* dw_io_error_set() for a failure code of the seam: a native Win32 code gives the class from the Win32
 * table and a derived errno; a negated errno as before. */
void dwi_io_error_set_code(dw_io_error *err, dw_op op, int code, const char *path);

/* Copy a detail string into err->detail (truncated safely). */
void dwi_io_error_detail(dw_io_error *err, const char *detail);

/* The classification tables, for the tests. */
size_t dwi_errno_table_size(void);
int dwi_errno_table_at(size_t i);
size_t dwi_win32_table_size(void);
uint32_t dwi_win32_table_at(size_t i);

#endif /* DW_LIB_GUARD_INTERNAL_H */
