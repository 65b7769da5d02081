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
    /* Where temporary files live (dw_drop_options.temp_dir): dirfd itself by default, else a directory of
     * its own on the same file system; tmp_path names it in errors (NULL: path). */
    dwi_fd tmpfd;
    char *tmp_path;
    dw_drop_options opts;  /* name_prefix, machine_name and temp_dir point into the copies below */
    char *prefix;
    char *temp_dir;
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

/* The same for a step on a temporary file: "<temp dir>/<name>" as the path. */
dw_status dwi_fail_tmp(const dw_drop *drop, dw_io_error *err, dw_op op, int neg_errno, const char *name,
                       unsigned attempts);

/* Per-handle fault injection: returns the negated errno to fail `op` with, or 0. */
int dwi_inject(dw_drop *drop, dw_op op);

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

/* 1 when rc is a failure code whose portable errno is e (a native Win32 code counts by its derived errno). */
static inline int dwi_is_err(int rc, int e)
{
    return rc < 0 && dwi_err_errno(rc) == e;
}

/* Length of s, counting at most max + 1 bytes (so "longer than max" is seen without reading further). */
static inline size_t dwi_str_len_max(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n])
        n++;
    return n;
}

/* ---- lib/fail.c: failure and retry helpers ---- */

/* Transient failures are retried with exponential backoff (base, doubled, capped) up to retry_max times.
 * Returns 1 after sleeping when another attempt should be made. */
int dwi_should_retry(dw_drop *d, int rc, unsigned attempt);

/* ---- lib/naming.c: names in the drop directory ---- */

/* splitmix64: spreads the per-handle salt and a counter into unguessable name parts (and record ids). */
uint64_t dwi_mix64(uint64_t x);
/* A letter, digit, '-', '_' or '.': the characters of a name prefix. */
int dwi_name_char_ok(char c);
/* A fresh temporary name (DWI_TMP_PREFIX ... DWI_TMP_SUFFIX) into buf. */
void dwi_make_temp_name(dw_drop *d, char *buf);
/* The final name of message m into buf (see dw_naming). */
void dwi_make_final_name(dw_drop *d, dw_msg *m, char *buf);
/* 1 when p is a valid dw_drop_options.name_prefix. */
int dwi_valid_prefix(const char *p);
/* Set the handle's machine name for Exchange-style names; 0 when the name is not usable. */
int dwi_set_machine(dw_drop *d, const char *name);

/* ---- lib/guard.c: the message write protocol, used by the batch (lib/batch.c) ---- */

/* A failed write's status with its outcome: not published, or published with durability unknown. */
dw_status dwi_write_outcome(dw_status st, int publishes, dw_io_error *err);
/* Remove the temporary file of a message (under the quota lock, giving back its reservation). */
void dwi_discard_temp(dw_msg *m, dw_io_error *err);
/* Write all of p[0..len): short writes continue, transient errors back off and retry. */
dw_status dwi_write_all(dw_msg *m, const unsigned char *p, size_t len, dw_io_error *err);
/* Create the temp file of m (quota reserved for the known size) and write the envelope first. */
dw_status dwi_start_msg(dw_msg *m, dw_drop *d, const dw_msg_options *opts, uint64_t record_id, dw_io_error *err);
/* fsync (when do_fsync) + close the temp file; on failure the temp file is removed (never re-fsynced). */
dw_status dwi_flush_and_close(dw_msg *m, int do_fsync, dw_io_error *err);
/* Rename the closed temporary file to a new final name (or fixed_name), never replacing anything. */
dw_status dwi_publish(dw_msg *m, const char *fixed_name, char *final, dw_io_error *err);

/* fsync the closed temp file of `m` through a new descriptor (fsync flushes the inode, whichever
 * descriptor) for the group paths that flush after closing. The name may have gone meanwhile (a sweep):
 * the file the open creates then is not ours; it is removed and -ENOENT returned, so an empty stand-in
 * is never flushed and published. 0 or a negative error. */
int dwi_fsync_closed_tmp(dw_msg *m);
/* Withdraw published messages again (after a failed directory fsync); returns how many stay published. */
size_t dwi_unpublish(dw_drop *d, const char *finals, size_t stride, const uint64_t *sizes, size_t n,
                     dw_io_error *err);

#endif /* DW_LIB_GUARD_INTERNAL_H */
