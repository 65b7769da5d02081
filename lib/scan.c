/* SPDX-License-Identifier: MIT */
/*
 * scan.c - listing the drop directory: the scan the quota ledger counts with, the sweep of stale
 * temporary files and the usage figures.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guard_internal.h"
#include "internal.h"
#include "scan.h"

/* ---- listing: usage, sweep --------------------------------------------------------------------------- */

/* List one directory: `fd` is the drop directory or (temps_only) the temp_dir, whose other files are
 * not the drop directory's and count for nothing. */
static dw_status scan_dir(dw_drop *d, dwi_fd fd, int temps_only, int64_t stale_before_ns, int remove_stale,
                          dwi_scan_result *res, dw_io_error *err)
{
    dw_status (*fail)(const dw_drop *, dw_io_error *, dw_op, int, const char *, unsigned) =
        temps_only ? dwi_fail_tmp : dwi_fail;
    dwi_dir *dir = NULL;
    int rc = dwi_inject(d, DW_OP_SCAN);
    if (!rc)
        rc = d->ops->dir_open(d->ctx, fd, &dir);
    if (rc < 0)
        return fail(d, err, DW_OP_SCAN, rc, NULL, 1);
    const char *name;
    while ((rc = d->ops->dir_next(d->ctx, dir, &name)) > 0) {
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, DWI_LEDGER_NAME) == 0)
            continue;
        int temp = dwi_is_temp_name(name);
        if (temps_only && !temp)
            continue;
        dwi_stat st;
        /* Vanished between readdir and stat (the consumer took it): simply not counted. */
        if (d->ops->stat(d->ctx, fd, name, &st) < 0 || !st.is_reg)
            continue;
        if (!temp) {
            res->used_bytes += st.size;
            res->files++;
            continue;
        }
        if (stale_before_ns && st.mtime_sec * 1000000000 + st.mtime_nsec < stale_before_ns) {
            res->stale_temps++;
            if (remove_stale) {
                int u = dwi_inject(d, DW_OP_UNLINK);
                if (!u)
                    u = d->ops->unlink(d->ctx, fd, name);
                if (u == 0 || dwi_err_errno(u) == ENOENT)
                    continue;
                dw_status s = fail(d, err, DW_OP_UNLINK, u, name, 1);
                d->ops->dir_close(d->ctx, dir);
                return s;
            }
        }
        res->temp_bytes += st.size;
        res->temp_files++;
    }
    d->ops->dir_close(d->ctx, dir);
    if (rc < 0)
        return fail(d, err, DW_OP_SCAN, rc, NULL, 1);
    return DW_OK;
}

dw_status dwi_scan(dw_drop *d, int64_t stale_before_ns, int remove_stale, dwi_scan_result *res, dw_io_error *err)
{
    memset(res, 0, sizeof *res);
    dw_status st = scan_dir(d, d->dirfd, 0, stale_before_ns, remove_stale, res, err);
    /* With a temp_dir the in-flight messages (and crash leftovers) are there; the drop directory is still
     * listed for temporary files of earlier runs without one. A temp_dir shared by several handles holds
     * their temporary files too: counted as in flight here (an over-count, the safe side of a quota). */
    if (st == DW_OK && d->tmpfd != d->dirfd)
        st = scan_dir(d, d->tmpfd, 1, stale_before_ns, remove_stale, res, err);
    return st;
}

int64_t dwi_stale_cutoff_ns(dw_drop *d, unsigned max_age_seconds)
{
    int64_t sec = 0, nsec = 0;
    if (d->ops->now(d->ctx, &sec, &nsec) < 0)
        return 1; /* no clock: nothing counts as stale rather than everything */
    int64_t cut = (sec - (int64_t)max_age_seconds) * 1000000000 + nsec;
    return cut > 0 ? cut : 1;
}

dw_status dw_drop_sweep(dw_drop *drop, unsigned max_age_seconds, uint64_t *removed, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (removed)
        *removed = 0;
    if (!drop) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    /* "Older than max_age" means mtime < now - max_age: a file of exactly that age is kept. */
    dwi_scan_result res;
    dw_status st = dwi_scan(drop, dwi_stale_cutoff_ns(drop, max_age_seconds), 1, &res, err);
    if (removed)
        *removed = res.stale_temps;
    return st;
}

dw_status dw_drop_usage(dw_drop *drop, uint64_t *bytes, uint64_t *files, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!drop) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    dwi_scan_result res;
    dw_status st = dwi_scan(drop, 0, 0, &res, err);
    if (st == DW_OK) {
        if (bytes)
            *bytes = res.used_bytes;
        if (files)
            *files = res.files;
    }
    return st;
}
