/* SPDX-License-Identifier: MIT */
/* Group commit: concurrent durable writers share their directory flushes (doc/guarded-writes.md). */
#ifndef DW_LIB_GROUP_COMMIT_H
#define DW_LIB_GROUP_COMMIT_H

#include <stdint.h>

#include "dropwatch/guard.h"
#include "platform.h"

/* dw_flush_group_new_ex / dw_flush_group_free. NULL on no memory. */
dw_flush_group *dwi_group_new(dw_flush_mode mode);
void dwi_group_free(dw_flush_group *g);

/* The directory fsync after the caller's rename. Without a group (the default) the handle's own fsync.
 * With one: waits until an fsync of d's directory that started after
 * this call has ended, leading it when no one else does, and returns its result (0 or a negated errno).
 * The fault armed on a handle (dropwatch/testing.h, DW_OP_DIR_FSYNC) fails the fsync of its directory,
 * i.e. every writer of that directory the fsync was to cover. */
int dwi_group_sync_dir(dw_drop *d);

/* The flush of the caller's written temp file fd (still open) before its rename. Without a group, or in
 * DW_FLUSH_DIRECTORY mode, the handle's own fsync of fd. In DW_FLUSH_SYNCFS mode: waits until a syncfs of
 * the file system that started after this call has ended (leading it when no one else does) and returns
 * its result; where syncfs is refused, fsync of fd. The fault armed on any waiting handle (DW_OP_FSYNC)
 * fails the shared syncfs, i.e. every writer it was to cover. 0 or a negated errno. */
int dwi_group_sync_file(dw_drop *d, dwi_fd fd);

/* For the tests: hold (1) or release (0) the group's flushes, and count the writers waiting for one. */
void dwi_group_hold(dw_flush_group *g, int hold);
unsigned dwi_group_pending(dw_flush_group *g);
/* Flush rounds led so far, writers they covered, directory fsyncs they made. */
void dwi_group_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *fsyncs);
/* The same for the shared file flushes of DW_FLUSH_SYNCFS: rounds, writers covered, syncfs calls. */
void dwi_group_data_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *syncfs_calls);

#endif /* DW_LIB_GROUP_COMMIT_H */
