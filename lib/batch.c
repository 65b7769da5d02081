/* SPDX-License-Identifier: MIT */
/*
 * batch.c - many messages in one call (dw_drop_write_batch): grouped flushes and one directory fsync per
 * group, on top of the message write protocol (guard.c).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guard_internal.h"
#include "group_commit.h"
#include "internal.h"
#include "quota.h"

/* ---- batch ------------------------------------------------------------------------------------------- */

/* Files kept open at once by a batch (bounded so a big batch cannot run out of descriptors). */
#define BATCH_GROUP 256

typedef struct batch_item {
    dw_msg m;
    char final[DWI_NAME_BUF];
} batch_item;

/* Flush every temp file of a group at once: syncfs of the drop directory's file system (one journal
 * commit instead of one per file), or an fsync per file where syncfs is not available. A failure is final
 * for the whole group, like a failed fsync. */
static dw_status sync_group(dw_drop *d, batch_item *items, size_t n, dw_io_error *err)
{
    int rc = dwi_inject(d, DW_OP_FSYNC);
    if (!rc)
        rc = d->ops->syncfs(d->ctx, d->dirfd);
    if (rc < 0 && (dwi_err_errno(rc) == ENOSYS || dwi_err_errno(rc) == EINVAL || dwi_err_errno(rc) == ENOTSUP)) {
        rc = 0;
        for (size_t i = 0; i < n && rc >= 0; i++)
            rc = d->ops->fsync(d->ctx, items[i].m.fd, 0);
    }
    return rc < 0 ? dwi_fail(d, err, DW_OP_FSYNC, rc, NULL, 1) : DW_OK;
}

static dw_status batch_group(dw_drop *d, const void *const *bufs, const size_t *lens, size_t n,
                             const dw_msg_options *opts, char *names, size_t stride, size_t *done, dw_io_error *err)
{
    batch_item *items = calloc(n, sizeof *items);
    uint64_t *sizes = calloc(n, sizeof *sizes);
    char *finals = malloc(n * DWI_NAME_BUF);
    if (!items || !sizes || !finals) {
        free(items);
        free(sizes);
        free(finals);
        return DW_E_NOMEM;
    }
    size_t opened = 0, published = 0;
    dw_status st = DW_OK;
    /* 1. every message into its own temp file (quota reserved per message before it is created) */
    for (; opened < n && st == DW_OK; opened++) {
        dw_msg *m = &items[opened].m;
        dw_msg_options mo = *opts;
        mo.expected_size = lens[opened];
        st = dwi_start_msg(m, d, &mo, opts->record_id ? opts->record_id + opened : 0, err);
        if (st == DW_OK)
            st = dwi_write_all(m, bufs[opened], lens[opened], err);
        else
            break;
    }
    /* Exchange's quota rule stops before the message after the one that crossed the line: the messages
     * already accepted are still published, and the refusal is reported afterwards. */
    dw_io_error refusal;
    int refused = st == DW_E_IO && opened > 0 && d->opts.quota_mode == DW_QUOTA_EXCHANGE && err &&
                  err->op == DW_OP_QUOTA && err->io_class == DW_CLASS_CAPACITY;
    if (refused) {
        refusal = *err;
        st = DW_OK;
    }
    /* 2. one flush for the group, then close */
    int durable = d->opts.durability == DW_DURABLE_FULL;
    if (st == DW_OK && durable)
        st = sync_group(d, items, opened, err);
    for (size_t i = 0; i < opened && st == DW_OK; i++)
        st = dwi_flush_and_close(&items[i].m, 0, err);
    /* 3. publish each under its own final name */
    for (; published < opened && st == DW_OK; published++) {
        sizes[published] = items[published].m.size;
        st = dwi_publish(&items[published].m, NULL, finals + published * DWI_NAME_BUF, err);
        if (st != DW_OK)
            break;
    }
    /* whatever was not published is removed */
    for (size_t i = 0; i < opened; i++)
        dwi_discard_temp(&items[i].m, err);
    /* 4. one directory fsync makes every new name durable; if it fails, none of this group stays */
    if (published && durable) {
        int rc = dwi_inject(d, DW_OP_DIR_FSYNC);
        if (!rc)
            rc = d->ops->fsync(d->ctx, d->dirfd, 0);
        if (rc < 0) {
            /* A publish that failed just before may have published its message after all (a rename whose
             * reply was lost): the directory's failure replaces that record, so its name is carried over,
             * or a retry would deliver that message twice. */
            char unsure[sizeof err->published];
            int had_unsure = err && err->outcome == DW_OUTCOME_UNCERTAIN;
            if (had_unsure)
                memcpy(unsure, err->published, sizeof unsure);
            dw_status s2 = dwi_fail(d, err, DW_OP_DIR_FSYNC, rc, NULL, 1);
            size_t kept = dwi_unpublish(d, finals, DWI_NAME_BUF, sizes, published, err);
            if (had_unsure) {
                kept++;
                if (err->outcome != DW_OUTCOME_UNCERTAIN) {
                    err->outcome = DW_OUTCOME_UNCERTAIN;
                    memcpy(err->published, unsure, sizeof unsure);
                }
            }
            if (kept && err) {
                dwi_out o;
                dwi_out_init(&o, err->detail, sizeof err->detail);
                dwi_out_u64(&o, kept);
                dwi_out_str(&o, " of the ");
                dwi_out_u64(&o, published + (size_t)had_unsure);
                dwi_out_str(&o, " messages of this group stay published (durability unknown; first in `published`)");
                (void)dwi_out_finish(&o, NULL);
            }
            published = 0;
            st = s2;
        }
    }
    for (size_t i = 0; names && i < published; i++)
        (void)dwi_copy_out(finals + i * DWI_NAME_BUF, strlen(finals + i * DWI_NAME_BUF), names + i * stride, stride,
                           NULL);
    *done += published;
    free(items);
    free(sizes);
    free(finals);
    if (st == DW_OK && refused) {
        *err = refusal;
        return DW_E_IO;
    }
    return st;
}

dw_status dw_drop_write_batch(dw_drop *drop, const void *const *bufs, const size_t *lens, size_t count,
                              const dw_msg_options *opts, char *names, size_t name_stride, size_t *done,
                              dw_io_error *err)
{
    dw_io_error_clear(err);
    if (done)
        *done = 0;
    if (!drop || (count && (!bufs || !lens))) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop ? drop->path : NULL);
        return dwi_write_outcome(DW_E_INVAL, 1, err);
    }
    for (size_t i = 0; i < count; i++)
        if (!bufs[i] && lens[i]) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
            return dwi_write_outcome(DW_E_INVAL, 1, err);
        }
    if (names && name_stride < DW_FILE_NAME_MAX)
        return dwi_write_outcome(DW_E_BUFFER, 1, err);
    dw_msg_options o;
    if (opts)
        o = *opts;
    else
        dw_msg_options_init(&o);
    if ((unsigned)o.priority > DW_PRIORITY_LOW || !dwi_version_ok(o.version, DW_MSG_OPTIONS_VERSION)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        return dwi_write_outcome(DW_E_INVAL, 1, err);
    }
    size_t published = 0;
    dw_status st = DW_OK;
    for (size_t at = 0; at < count && st == DW_OK; at += BATCH_GROUP) {
        size_t n = count - at < BATCH_GROUP ? count - at : BATCH_GROUP;
        if (o.record_id && at)
            o.record_id = opts->record_id + at;
        st = batch_group(drop, bufs + at, lens + at, n, &o, names ? names + at * name_stride : NULL, name_stride,
                         &published, err);
    }
    if (done)
        *done = published;
    /* On failure the outcome is that of the messages after the first *done (not published, or uncertain). */
    return dwi_write_outcome(st, 1, err);
}
