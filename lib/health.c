/* SPDX-License-Identifier: MIT */
/* dw_drop_health(): a probe of a drop directory for monitoring. The canary goes through the whole
 * guarded sequence (create, write, fsync, close, no-replace rename, directory fsync) but is published
 * under a dot-prefixed ".tmp" name, never "*.eml", so a gateway can never pick it up as mail. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <string.h>

#include "guard_internal.h"
#include "internal.h"
#include "quota.h"

static const char canary_text[] = "dropwatch health canary\r\n";

static dw_status canary(dw_drop *d, dw_health *out, dw_io_error *err)
{
    uint64_t t0 = d->ops->monotonic_us(d->ctx);
    uint64_t rnd = 0;
    int rc = d->ops->random(d->ctx, &rnd, sizeof rnd);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_CREATE, rc, NULL, 1);
    char name[DWI_NAME_BUF];
    dwi_out o;
    dwi_out_init(&o, name, sizeof name);
    dwi_out_str(&o, DWI_CANARY_PREFIX);
    dwi_out_u64(&o, (unsigned long long)d->ops->pid(d->ctx));
    dwi_out_char(&o, '-');
    dwi_out_u64(&o, rnd);
    dwi_out_str(&o, DWI_TMP_SUFFIX);
    (void)dwi_out_finish(&o, NULL);

    dw_msg *m;
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.expected_size = sizeof canary_text - 1;
    dw_status st = dw_msg_begin(d, &m, &mo, err);
    if (st != DW_OK)
        return st;
    st = dw_msg_write(m, canary_text, sizeof canary_text - 1, err);
    if (st != DW_OK) {
        dw_msg_abort(m);
        return st;
    }
    st = dwi_msg_commit_as(m, name, NULL, 0, NULL, err);
    out->publish_method = dw_drop_publish_method(d);
    if (st != DW_OK)
        return st;
    st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    rc = dwi_inject(d, DW_OP_UNLINK);
    if (!rc)
        rc = d->ops->unlink(d->ctx, d->dirfd, name);
    if (rc == 0)
        dwi_quota_unpublish(d, sizeof canary_text - 1);
    dwi_dirop_end(d);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_UNLINK, rc, name, 1);
    out->canary_micros = d->ops->monotonic_us(d->ctx) - t0;
    out->writable = 1;
    return DW_OK;
}

dw_status dwi_drop_health_fault(const char *path, const dw_drop_options *opts, const dw_fault *fault,
                                unsigned stale_age_seconds, dw_health *out, const dwi_ops *ops, void *ctx,
                                dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!path || !out || !dwi_version_ok(out->version, DW_HEALTH_VERSION)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
        if (out && !dwi_version_ok(out->version, DW_HEALTH_VERSION))
            dwi_io_error_detail(err, "dw_health.version unknown: initialise the result with DW_HEALTH_INIT");
        return DW_E_INVAL;
    }
    unsigned version = out->version;
    memset(out, 0, sizeof *out);
    out->version = version;
    out->quota_bytes = opts ? opts->quota_bytes : 0;
    dw_drop *d;
    dw_status st = dwi_drop_open_fault(&d, path, opts, fault, ops, ctx, err);
    if (st != DW_OK) {
        /* err->path holds at most sizeof err->path - 1 bytes of a longer path. */
        if (st == DW_E_IO && err && strncmp(err->path, path, sizeof err->path - 1) != 0) {
            /* The drop directory opened; a later step failed on another path (its temp_dir, the ledger). */
            out->exists = 1;
            out->is_directory = 1;
        } else if (st == DW_E_IO && err && err->sys_errno != ENOENT && err->sys_errno != ENAMETOOLONG) {
            /* It is there, but not a directory we may use (a file, a symlink, or no permission). */
            out->exists = 1;
            out->is_directory = err->sys_errno != ENOTDIR && err->sys_errno != ELOOP;
        }
        return st;
    }
    out->exists = 1;
    out->is_directory = 1;
    int rc = dwi_inject(d, DW_OP_STAT);
    if (!rc)
        rc = d->ops->statfs(d->ctx, d->dirfd, &out->free_bytes, &out->total_bytes);
    if (rc < 0) {
        st = dwi_fail(d, err, DW_OP_STAT, rc, NULL, 1);
        dw_drop_close(d);
        return st;
    }
    dwi_scan_result res;
    st = dwi_scan(d, dwi_stale_cutoff_ns(d, stale_age_seconds), 0, &res, err);
    if (st != DW_OK) {
        dw_drop_close(d);
        return st;
    }
    out->used_bytes = res.used_bytes;
    out->file_count = res.files;
    out->stale_temp_files = res.stale_temps;
    /* Without the canary nothing is created in the directory; writable then says "not probed". */
    if (!d->opts.no_canary)
        st = canary(d, out, err);
    dw_drop_close(d);
    return st;
}

dw_status dwi_drop_health_ops(const char *path, const dw_drop_options *opts, unsigned stale_age_seconds,
                              dw_health *out, const dwi_ops *ops, void *ctx, dw_io_error *err)
{
    return dwi_drop_health_fault(path, opts, NULL, stale_age_seconds, out, ops, ctx, err);
}

dw_status dw_drop_health(const char *path, const dw_drop_options *opts, unsigned stale_age_seconds, dw_health *out,
                         dw_io_error *err)
{
    return dwi_drop_health_ops(path, opts, stale_age_seconds, out, &dwi_default_ops, NULL, err);
}

dw_status dw_testing_drop_health(const char *path, const dw_drop_options *opts, const dw_fault *fault,
                                 unsigned stale_age_seconds, dw_health *out, dw_io_error *err)
{
    return dwi_drop_health_fault(path, opts, fault, stale_age_seconds, out, &dwi_default_ops, NULL, err);
}
