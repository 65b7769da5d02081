/* SPDX-License-Identifier: MIT */
/*
 * fail.c - the failure and retry helpers of a drop handle: the per-handle fault injection, the
 * classified error of a failed step, the bounded backoff of transient failures. The lowest layer of the
 * drop modules (scan, quota, naming, the write protocol and the batch all report through it).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guard_internal.h"
#include "internal.h"

int dwi_inject(dw_drop *d, dw_op op)
{
    if (d->fault.op == DW_OP_NONE || d->fault.op != op)
        return 0;
    unsigned left = atomic_load(&d->inject_left);
    while (left > 0) {
        if (atomic_compare_exchange_weak(&d->inject_left, &left, left - 1))
            return d->fault.sys_errno > 0 ? -d->fault.sys_errno : -EIO;
    }
    return 0;
}

/* Fill err for a failed step in directory `dir` of handle d. */
static dw_status fail_in(const dw_drop *d, const char *dir, dw_io_error *err, dw_op op, int neg_errno,
                         const char *name, unsigned attempts)
{
    if (err) {
        dwi_io_error_set_code(err, op, neg_errno < 0 ? neg_errno : -EIO, NULL);
        dwi_out o;
        dwi_out_init(&o, err->path, sizeof err->path);
        dwi_out_str(&o, dir);
        if (name && *name) {
            size_t n = strlen(dir);
            if (n == 0 || (dir[n - 1] != '/' && dir[n - 1] != DWI_PATH_SEP))
                dwi_out_char(&o, DWI_PATH_SEP);
            dwi_out_str(&o, name);
        }
        (void)dwi_out_finish(&o, NULL);
        err->attempts = attempts ? attempts : 1;
        /* On a network file system a "device" error (EIO when the server died or the connection broke)
         * is the server's or the network's, not a disk's: remote class, retryable later. */
        if (d->remote && err->io_class == DW_CLASS_PHYSICAL) {
            err->io_class = DW_CLASS_REMOTE;
            err->retryable = dw_class_retryable(DW_CLASS_REMOTE);
            err->win32 = 59; /* ERROR_UNEXP_NET_ERR */
            dwi_io_error_detail(err, "I/O error on a network file system (the file server or the connection failed)");
        }
    }
    return DW_E_IO;
}

dw_status dwi_fail(const dw_drop *d, dw_io_error *err, dw_op op, int neg_errno, const char *name, unsigned attempts)
{
    return fail_in(d, d->path, err, op, neg_errno, name, attempts);
}

dw_status dwi_fail_tmp(const dw_drop *d, dw_io_error *err, dw_op op, int neg_errno, const char *name,
                       unsigned attempts)
{
    return fail_in(d, d->tmp_path ? d->tmp_path : d->path, err, op, neg_errno, name, attempts);
}


/* Transient failures are retried with exponential backoff (base, doubled, capped) up to retry_max times.
 * Returns 1 after sleeping when another attempt should be made. */
int dwi_should_retry(dw_drop *d, int rc, unsigned attempt)
{
    if (rc >= 0 || dwi_err_class(rc) != DW_CLASS_TRANSIENT || attempt > d->opts.retry_max)
        return 0;
    uint64_t delay = d->opts.retry_base_ms;
    for (unsigned i = 1; i < attempt && delay < d->opts.retry_cap_ms; i++)
        delay *= 2;
    if (delay > d->opts.retry_cap_ms)
        delay = d->opts.retry_cap_ms;
    if (delay)
        d->ops->sleep_ms(d->ctx, (unsigned)delay);
    return 1;
}
