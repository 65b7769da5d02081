/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/testing.h - fault injection for testing gateways, tools and bindings. Not part of
 * <dropwatch.h>: include it explicitly. Kept out of dw_drop_options so production options carry no test
 * switches; the functions are exported like the rest of the API and follow the same ABI rules
 * (doc/abi.md).
 *
 * Faults are per handle (no global state): the next `count` calls of operation `op` on that handle fail
 * with `sys_errno`, and `short_write` > 0 makes every write transfer at most that many bytes per call.
 */
#ifndef DROPWATCH_TESTING_H
#define DROPWATCH_TESTING_H

#include <dropwatch/common.h>
#include <dropwatch/classify.h>
#include <dropwatch/guard.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of dw_fault this header describes. */
#define DW_FAULT_VERSION 1

/** A fault to inject. Initialise with DW_FAULT_INIT. */
typedef struct dw_fault {
    unsigned version;       /**< DW_FAULT_VERSION */
    dw_op op;               /**< the operation that fails; DW_OP_NONE = none */
    int sys_errno;          /**< the errno it fails with (0 = EIO) */
    unsigned count;         /**< how many calls of `op` fail */
    unsigned short_write;   /**< most bytes per write call; 0 = off */
} dw_fault;

/** No fault: `dw_fault f = DW_FAULT_INIT;` */
#define DW_FAULT_INIT { .version = DW_FAULT_VERSION, .op = DW_OP_NONE }

/**
 * dw_drop_open() with `fault` armed on the new handle before the directory is opened (so DW_OP_OPEN_DIR
 * and the quota ledger's steps can fail too). The count is consumed atomically by any thread using the
 * handle. fault NULL: same as dw_drop_open().
 * @return as dw_drop_open(); DW_E_INVAL also for an unknown fault version, op out of range, negative errno.
 */
DW_API dw_status dw_testing_drop_open(dw_drop **out, const char *path, const dw_drop_options *opts,
                                      const dw_fault *fault, dw_io_error *err);

/** dw_drop_health() with `fault` armed on the handle it opens (NULL: same as dw_drop_health()). */
DW_API dw_status dw_testing_drop_health(const char *path, const dw_drop_options *opts, const dw_fault *fault,
                                        unsigned stale_age_seconds, dw_health *out, dw_io_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_TESTING_H */
