/* SPDX-License-Identifier: MIT */
/* Group commit: concurrent durable writers share their flushes (doc/guarded-writes.md, *Group commit*). */
#ifndef DW_LIB_GROUP_COMMIT_H
#define DW_LIB_GROUP_COMMIT_H

#include "dropwatch/guard.h"

/* The two flushes of a durable write: the temp file's data before the rename, the new name after it. */
typedef enum dwi_sync_kind { DWI_SYNC_DATA = 0, DWI_SYNC_NAME = 1 } dwi_sync_kind;

/* A group of the handle's own (threads sharing one handle); freed by dwi_group_free. NULL on no memory. */
dw_flush_group *dwi_group_new(void);
void dwi_group_free(dw_flush_group *g);

/* One flush of `kind` for the caller's message: `fd` is the temp file (DATA) or the directory (NAME).
 * Waits until a flush that started after this call covers it, leading that flush when no one else does,
 * and returns that flush's result (0 or a negated errno). The fault armed on the leading handle
 * (dropwatch/testing.h: DW_OP_FSYNC, DW_OP_DIR_FSYNC) fails the flush, i.e. every message it covers. */
int dwi_group_sync(dw_drop *d, dwi_sync_kind kind, int fd);

/* For the tests: hold (1) or release (0) the flushes of `kind`, and count the writers waiting for one. */
void dwi_group_hold(dw_flush_group *g, dwi_sync_kind kind, int hold);
unsigned dwi_group_pending(dw_flush_group *g, dwi_sync_kind kind);
/* Flushes led so far, and messages they covered (per kind). */
void dwi_group_stats(dw_flush_group *g, dwi_sync_kind kind, uint64_t *flushes, uint64_t *covered);

#endif /* DW_LIB_GROUP_COMMIT_H */
