/* SPDX-License-Identifier: MIT */
/* DropDirectoryQuota accounting (lib/quota.c): a ledger file in the drop directory keeps the usage so a
 * write never rescans the directory, yet stays right with several processes and a deleting consumer.
 *
 * Every change the library makes to the directory (create a temp, rename, unlink) happens between
 * dwi_dirop_begin() and dwi_dirop_end(): under an flock on the ledger (and a per-handle mutex for threads
 * sharing a handle), with the directory's timestamps recorded afterwards. A directory whose timestamps
 * differ from the record was changed by someone else (most likely the consumer deleting files, which only
 * lowers usage): the ledger's figure is kept as a safe over-estimate, and the directory is rescanned only
 * when a write would not fit under it or the last rescan is older than DWI_QUOTA_RESCAN_AGE. All of
 * these are no-ops on a handle without a quota. */
#ifndef DW_LIB_QUOTA_H
#define DW_LIB_QUOTA_H

#include "guard_internal.h"
#include "scan.h"

/* Seconds after which a foreign change to the directory triggers a full rescan even when the write fits:
 * the bound on how long files added by programs that bypass libdropwatch can go uncounted. Deletions
 * never need it (they only make the ledger over-count, and a write that would not fit rescans first). */
#define DWI_QUOTA_RESCAN_AGE 60

/* Set up the quota state of a handle whose opts.quota_bytes is not 0 (opens or creates the ledger). */
dw_status dwi_quota_open(dw_drop *drop, dw_io_error *err);
void dwi_quota_free(dw_drop *drop);

/* Lock and load (rescanning when the ledger is unusable, or the directory changed behind its back and the
 * last rescan is older than DWI_QUOTA_RESCAN_AGE). */
dw_status dwi_dirop_begin(dw_drop *drop, dw_io_error *err);
/* Record the directory's timestamps and the counters in the ledger, then unlock. */
void dwi_dirop_end(dw_drop *drop);

/* Between begin and end. Reserve `n` more bytes for an in-flight message that already holds `held`
 * bytes, or fail with class capacity (op DW_OP_QUOTA, errno 0, Win32 ERROR_DISK_QUOTA_EXCEEDED). */
dw_status dwi_quota_reserve(dw_drop *drop, uint64_t held, uint64_t n, dw_io_error *err);
/* Give back a reservation (aborted message). */
void dwi_quota_release(dw_drop *drop, uint64_t reserved);
/* A message of `size` bytes that held `reserved` was published. */
void dwi_quota_publish(dw_drop *drop, uint64_t reserved, uint64_t size);
/* A published message of `size` bytes was removed again (failed directory fsync). */
void dwi_quota_unpublish(dw_drop *drop, uint64_t size);

/* Durable handles (DW_DURABLE_FULL) with a quota: flush the ledger while dwi_dirop_begin()'s dirty mark is
 * on it, before a rename adds a published file. The clean ledger dwi_dirop_end() writes is never flushed,
 * so after a power cut the disk may hold an older ledger that counts fewer published bytes than the
 * directory (whose renames the directory fsync flushed); trusted, it lets writers exceed the quota. With
 * the mark flushed first the disk holds a dirty ledger instead and the first writer after the reboot
 * rescans. Returns 0 or a negated errno (the rename must then not happen). */
int dwi_quota_flush_mark(dw_drop *d);

#endif /* DW_LIB_QUOTA_H */
