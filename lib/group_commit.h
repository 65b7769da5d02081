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

/* DW_FLUSH_SYNCFS: a message whose temp file is written and closed (not flushed), handed to the group. */
typedef struct dwi_group_job {
    dw_msg *msg;
    const char *fixed_name; /* dwi_publish()'s arguments */
    char *final;
    dw_io_error *err;       /* the writer's own record: the leader's dwi_publish() fills it */
    int flush_rc;           /* the shared syncfs: 0, a negated errno, or DWI_GROUP_OWN_FLUSH */
    dw_status st;           /* dwi_publish()'s result (flush_rc 0) */
    int dir_rc;             /* the shared directory fsync (published): 0 or a negated errno */
} dwi_group_job;

/* The writer must flush its own file and publish it itself (syncfs refused, or no syncfs group). */
#define DWI_GROUP_OWN_FLUSH 2

/* 1 when d's group shares file flushes (DW_FLUSH_SYNCFS and syncfs not refused so far): the caller closes
 * its temp file unflushed and hands it to dwi_group_commit(). */
int dwi_group_shares_data(dw_drop *d);

/* Wait for a round that started after this call: its leader syncfs()es the file system, publishes every
 * waiting message (dwi_publish) and fsyncs each directory once. The results are in job (see there). */
void dwi_group_commit(dw_drop *d, dwi_group_job *job);

/* For the tests: hold (1) or release (0) the group's flushes, and count the writers waiting for one. */
void dwi_group_hold(dw_flush_group *g, int hold);
unsigned dwi_group_pending(dw_flush_group *g);
/* Flush rounds led so far, writers they covered, directory fsyncs they made. */
void dwi_group_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *fsyncs);
/* The same for the shared file flushes of DW_FLUSH_SYNCFS: rounds, writers covered, flush calls (a syncfs,
 * or the fsync of a writer alone in its round). */
void dwi_group_data_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *syncfs_calls);
/* DW_FLUSH_SYNCFS leaders that waited to gather their round, how long they waited in all (µs), and the
 * longest wait any of them allowed itself (µs; the bound, which timer and scheduling slack can overrun). */
void dwi_group_gather_stats(dw_flush_group *g, uint64_t *waits, uint64_t *us, uint64_t *limit_max_us);

#endif /* DW_LIB_GROUP_COMMIT_H */
