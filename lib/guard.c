/* SPDX-License-Identifier: MIT */
/* Guarded writes: a message lands in the drop directory completely or not at all (see dropwatch/guard.h
 * and doc/guarded-writes.md). Every OS call goes through the handle's dwi_ops table (lib/platform.h),
 * with the per-handle fault injection of dw_drop_options in front of it. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "guard_internal.h"
#include "group_commit.h"
#include "internal.h"
#include "quota.h"

/* Bounded retries of a name collision (EEXIST): names carry pid, sequence and randomness, so more than a
 * handful means something else is wrong. */
#define NAME_ATTEMPTS 64
/* Quota reservations of streamed messages grow by at least this much, so the ledger lock is not taken on
 * every small write. */
#define RESERVE_STEP (64u * 1024u)
#define STR_(x) #x
#define STR(x) STR_(x)
/* Copy buffer of dw_drop_write_fd(), _file() and _cb(). */
#define COPY_BUF (64u * 1024u)

/* ---- streaming -------------------------------------------------------------------------------------- */

/* An undo (unlink) that failed: the file stays in the drop directory, and the caller is told which and why
 * (a file system that just went read-only refuses the clean-up too). ENOENT means it is gone anyway. The
 * first one is kept: it is the one the failure is about. */
static void note_left(dw_io_error *err, const char *name, int rc)
{
    if (!err || rc >= 0 || dwi_is_err(rc, ENOENT) || err->left_behind[0])
        return;
    (void)dwi_copy_out(name, strlen(name), err->left_behind, sizeof err->left_behind, NULL);
    err->left_errno = -rc;
}

/* A message whose final name exists (or may exist) although the call fails: the third outcome. */
static void note_uncertain(dw_io_error *err, const char *final)
{
    if (!err || err->outcome == DW_OUTCOME_UNCERTAIN)
        return;
    err->outcome = DW_OUTCOME_UNCERTAIN;
    (void)dwi_copy_out(final, strlen(final), err->published, sizeof err->published, NULL);
}

/* The outcome of a guarded write step, set last (dw_io_error_set() clears the whole record). A failed
 * step that did not publish anything is "not published"; `publishes`: success means published. */
dw_status dwi_write_outcome(dw_status st, int publishes, dw_io_error *err)
{
    if (err) {
        if (st == DW_OK && publishes)
            err->outcome = DW_OUTCOME_DURABLE;
        else if (st != DW_OK && err->outcome != DW_OUTCOME_UNCERTAIN)
            err->outcome = DW_OUTCOME_NOT_PUBLISHED;
    }
    return st;
}

/* Remove the temporary file of a message (under the quota lock, giving back its reservation). */
void dwi_discard_temp(dw_msg *m, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (m->fd != DWI_FD_NONE) {
        d->ops->close(d->ctx, m->fd);
        m->fd = DWI_FD_NONE;
    }
    if (!m->tmp[0])
        return;
    dw_io_error ignored;
    int locked = dwi_dirop_begin(d, &ignored) == DW_OK;
    /* Unlink failures are not injected here: cleanup must not be the step under test. */
    note_left(err, m->tmp, d->ops->unlink(d->ctx, d->tmpfd, m->tmp));
    if (locked) {
        dwi_quota_release(d, m->reserved);
        dwi_dirop_end(d);
    }
    m->reserved = 0;
    m->tmp[0] = '\0';
}

/* Grow the quota reservation so that `size` bytes fit (streaming, or the size announced up front). The
 * temp file is extended to the reservation so that a rescan by any process counts it. */
static dw_status reserve_to(dw_msg *m, uint64_t size, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (!d->quota || size <= m->reserved)
        return DW_OK;
    uint64_t want = m->reserved + (size - m->reserved < RESERVE_STEP ? RESERVE_STEP : size - m->reserved);
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    st = dwi_quota_reserve(d, m->reserved, want - m->reserved, err);
    if (st != DW_OK && want > size) /* the rounded step did not fit: the exact size may */
        st = dwi_quota_reserve(d, m->reserved, (want = size) - m->reserved, err);
    if (st == DW_OK) {
        int rc = d->ops->ftruncate(d->ctx, m->fd, want);
        if (rc < 0) {
            /* Growing the temp file failed (EFBIG, ENOSPC): a write failure, not DropDirectoryQuota. */
            dwi_quota_release(d, want - m->reserved);
            st = dwi_fail_tmp(d, err, DW_OP_WRITE, rc, m->tmp, 1);
            dwi_io_error_detail(err, "extending the temporary file to its quota reservation failed");
        } else {
            m->reserved = want;
        }
    }
    dwi_dirop_end(d);
    return st;
}

static dw_status create_temp(dw_msg *m, uint64_t reserve, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (!d->quota)
        reserve = 0; /* nothing to account: no reservation, no extension of the temp file */
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    if (reserve) {
        st = dwi_quota_reserve(d, 0, reserve, err);
        if (st != DW_OK) {
            dwi_dirop_end(d);
            return st;
        }
    }
    unsigned attempt = 0, names = 0;
    int rc;
    dwi_fd fd = DWI_FD_NONE;
    for (;;) {
        attempt++;
        dwi_make_temp_name(d, m->tmp);
        rc = dwi_inject(d, DW_OP_CREATE);
        if (!rc) {
            fd = d->ops->create(d->ctx, d->tmpfd, m->tmp, d->opts.file_mode);
            rc = fd < 0 ? (int)fd : 0;
        }
        if (rc < 0 && dwi_err_errno(rc) == EEXIST && ++names < NAME_ATTEMPTS) {
            attempt--;
            continue;
        }
        if (rc >= 0 || !dwi_should_retry(d, rc, attempt))
            break;
    }
    if (rc < 0) {
        dwi_quota_release(d, reserve);
        dwi_dirop_end(d);
        st = dwi_fail_tmp(d, err, DW_OP_CREATE, rc, m->tmp, attempt);
        m->tmp[0] = '\0';
        return st;
    }
    m->fd = fd;
    if (reserve) {
        rc = d->ops->ftruncate(d->ctx, m->fd, reserve);
        if (rc < 0) {
            st = dwi_fail_tmp(d, err, DW_OP_WRITE, rc, m->tmp, 1);
            dwi_io_error_detail(err, "extending the temporary file to its quota reservation failed");
            dwi_quota_release(d, reserve);
            d->ops->close(d->ctx, m->fd);
            m->fd = DWI_FD_NONE;
            note_left(err, m->tmp, d->ops->unlink(d->ctx, d->tmpfd, m->tmp));
            m->tmp[0] = '\0';
            dwi_dirop_end(d);
            return st;
        }
        m->reserved = reserve;
    }
    dwi_dirop_end(d);
    return DW_OK;
}

/* Write all of buf at the current offset: short writes continue, transient errors back off and retry. */
dw_status dwi_write_all(dw_msg *m, const unsigned char *p, size_t len, dw_io_error *err)
{
    dw_drop *d = m->drop;
    unsigned attempt = 0;
    while (len > 0) {
        size_t chunk = len;
        if (d->fault.short_write && chunk > d->fault.short_write)
            chunk = d->fault.short_write;
        attempt++;
        dwi_ssize n = dwi_inject(d, DW_OP_WRITE);
        if (!n)
            n = d->ops->write(d->ctx, m->fd, p, chunk);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            m->size += (uint64_t)n;
            attempt = 0;
            continue;
        }
        if (n == 0) /* no progress at all on a regular file: the device is not taking data */
            n = -EIO;
        if (!dwi_should_retry(d, (int)n, attempt))
            return dwi_fail_tmp(d, err, DW_OP_WRITE, (int)n, m->tmp, attempt);
    }
    return DW_OK;
}

/* Format the envelope for a MIME message of mime_len bytes into a new buffer (*len without the NUL). */
static dw_status format_envelope(const dw_envelope *env, uint64_t mime_len, char **out, size_t *len)
{
    size_t needed = 0;
    dw_status st = dw_envelope_format(env, mime_len, NULL, 0, &needed);
    if (st != DW_E_BUFFER)
        return st == DW_OK ? DW_E_ENVELOPE : st;
    char *buf = malloc(needed);
    if (!buf)
        return DW_E_NOMEM;
    st = dw_envelope_format(env, mime_len, buf, needed, NULL);
    if (st != DW_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = needed - 1;
    return DW_OK;
}

/* Create the temp file of `m` (quota reserved for the known size) and write the envelope first. With an
 * envelope whose X-EndOfInjectedXHeaders holds the MIME length, that length must be known now:
 * opts->expected_size (the MIME bytes the caller will write; checked at commit). */
dw_status dwi_start_msg(dw_msg *m, dw_drop *d, const dw_msg_options *opts, uint64_t record_id, dw_io_error *err)
{
    m->drop = d;
    m->fd = DWI_FD_NONE;
    m->priority = opts->priority;
    m->record_id = record_id ? record_id : atomic_fetch_add(&d->record_next, 1);
    char *hdr = NULL;
    size_t hdr_len = 0;
    if (opts->envelope) {
        if (!dwi_envelope_complete(opts->envelope))
            return DW_E_ENVELOPE;
        m->check_mime = dwi_envelope_eoh_mode(opts->envelope) == DW_EOH_MIME_LENGTH;
        m->mime_expected = opts->expected_size;
        dw_status st = format_envelope(opts->envelope, opts->expected_size, &hdr, &hdr_len);
        if (st != DW_OK)
            return st;
    }
    if (opts->expected_size > UINT64_MAX - hdr_len) {
        free(hdr);
        dw_io_error_set(err, DW_OP_VALIDATE, EFBIG, 0, d->path);
        return DW_E_INVAL;
    }
    uint64_t reserve = opts->expected_size + hdr_len;
    dw_status st = create_temp(m, reserve, err);
    if (st == DW_OK && hdr_len) {
        st = dwi_write_all(m, (const unsigned char *)hdr, hdr_len, err);
        m->header_size = hdr_len;
        if (st != DW_OK)
            dwi_discard_temp(m, err);
    }
    free(hdr);
    return st;
}

static dw_status msg_begin(dw_drop *drop, dw_msg **out, const dw_msg_options *opts, dw_io_error *err)
{
    dw_msg_options defaults;
    if (!opts) {
        dw_msg_options_init(&defaults);
        opts = &defaults;
    }
    if ((unsigned)opts->priority > DW_PRIORITY_LOW || !dwi_version_ok(opts->version, DW_MSG_OPTIONS_VERSION)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        if (!dwi_version_ok(opts->version, DW_MSG_OPTIONS_VERSION))
            dwi_io_error_detail(err, "dw_msg_options.version unknown: initialise the options with "
                                     "dw_msg_options_init() or DW_MSG_OPTIONS_INIT");
        return DW_E_INVAL;
    }
    dw_msg *m = calloc(1, sizeof *m);
    if (!m)
        return DW_E_NOMEM;
    dw_status st = dwi_start_msg(m, drop, opts, opts->record_id, err);
    if (st != DW_OK) {
        free(m);
        return st;
    }
    *out = m;
    return DW_OK;
}

dw_status dw_msg_begin(dw_drop *drop, dw_msg **out, const dw_msg_options *opts, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (out)
        *out = NULL;
    if (!drop || !out) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return dwi_write_outcome(DW_E_INVAL, 0, err);
    }
    if (opts && opts->envelope && !opts->expected_size && dwi_envelope_complete(opts->envelope) &&
        dwi_envelope_eoh_mode(opts->envelope) == DW_EOH_MIME_LENGTH) {
        /* The envelope is written first and announces the MIME length: it must be known now, not at commit. */
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        dwi_io_error_detail(err, "an envelope announcing the MIME length needs dw_msg_options.expected_size "
                                 "(the MIME bytes that will be written), or dw_envelope_set_eoh_mode() "
                                 "with DW_EOH_HEADER_LENGTH");
        return dwi_write_outcome(DW_E_INVAL, 0, err);
    }
    return dwi_write_outcome(msg_begin(drop, out, opts, err), 0, err);
}

dw_status dw_msg_write(dw_msg *msg, const void *data, size_t len, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!msg || (!data && len)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, msg ? msg->drop->path : NULL);
        return DW_E_INVAL;
    }
    if (msg->failed || msg->fd == DWI_FD_NONE)
        return DW_E_STATE;
    if (len == 0)
        return DW_OK;
    if (len > UINT64_MAX - msg->size) {
        dw_io_error_set(err, DW_OP_VALIDATE, EFBIG, 0, msg->drop->path);
        return DW_E_INVAL;
    }
    dw_status st = reserve_to(msg, msg->size + len, err);
    if (st == DW_OK)
        st = dwi_write_all(msg, data, len, err);
    if (st != DW_OK) {
        dwi_discard_temp(msg, err);
        msg->failed = 1;
    }
    return dwi_write_outcome(st, 0, err);
}

uint64_t dw_msg_size(const dw_msg *msg)
{
    return msg ? msg->size : 0;
}

void dw_msg_abort(dw_msg *msg)
{
    if (!msg)
        return;
    dwi_discard_temp(msg, NULL);
    free(msg);
}

/* fsync + close the temp file. On failure the temp file is removed: a failed fsync is never retried
 * because the kernel may already have dropped the dirty pages and cleared the error ("fsyncgate"). */
dw_status dwi_flush_and_close(dw_msg *m, int do_fsync, dw_io_error *err)
{
    dw_drop *d = m->drop;
    int rc;
    if (m->reserved > m->size) {
        /* The file was extended to its quota reservation; cut it back to the bytes written. */
        rc = d->ops->ftruncate(d->ctx, m->fd, m->size);
        if (rc < 0)
            return dwi_fail_tmp(d, err, DW_OP_WRITE, rc, m->tmp, 1);
    }
    if (do_fsync) {
        rc = dwi_inject(d, DW_OP_FSYNC);
        if (!rc)
            rc = d->ops->fsync(d->ctx, m->fd, 0);
        if (rc < 0)
            return dwi_fail_tmp(d, err, DW_OP_FSYNC, rc, m->tmp, 1);
    }
    /* Remember which file we wrote: dwi_publish() checks that the name it renames still refers to it. */
    dwi_stat sb;
    rc = d->ops->stat(d->ctx, m->fd, NULL, &sb);
    if (rc < 0)
        return dwi_fail_tmp(d, err, DW_OP_STAT, rc, m->tmp, 1);
    m->dev = sb.dev;
    m->ino = sb.ino;
    dwi_fd fd = m->fd;
    m->fd = DWI_FD_NONE;
    rc = dwi_inject(d, DW_OP_CLOSE);
    if (rc < 0)
        d->ops->close(d->ctx, fd); /* an injected close failure still releases the descriptor, like Linux */
    else
        rc = d->ops->close(d->ctx, fd);
    if (rc < 0)
        return dwi_fail_tmp(d, err, DW_OP_CLOSE, rc, m->tmp, 1);
    return DW_OK;
}

/* The publish step with the method the file system supports (see dw_publish_method), learnt once per
 * handle: file systems without no-replace rename and hard links go straight to the unique-name rename. */
static int rename_final(dw_drop *d, const char *tmp, const char *final)
{
    int rc;
    if (atomic_load(&d->publish_method) == DW_PUBLISH_UNIQUE_RENAME || !d->ops->rename_noreplace) {
        rc = d->ops->rename_unique(d->ctx, d->tmpfd, tmp, d->dirfd, final);
        if (rc >= 0)
            atomic_store(&d->publish_method, DW_PUBLISH_UNIQUE_RENAME);
        return rc;
    }
    rc = d->ops->rename_noreplace(d->ctx, d->tmpfd, tmp, d->dirfd, final);
    if (dwi_is_err(rc, EOPNOTSUPP) && d->ops->rename_unique) {
        rc = d->ops->rename_unique(d->ctx, d->tmpfd, tmp, d->dirfd, final);
        if (rc >= 0)
            atomic_store(&d->publish_method, DW_PUBLISH_UNIQUE_RENAME);
        return rc;
    }
    if (rc >= 0)
        atomic_store(&d->publish_method, rc == 1 ? DW_PUBLISH_LINK : DW_PUBLISH_RENAME_NOREPLACE);
    return rc;
}

dw_publish_method dw_drop_publish_method(const dw_drop *drop)
{
    return drop ? (dw_publish_method)atomic_load(&((dw_drop *)drop)->publish_method) : DW_PUBLISH_UNKNOWN;
}

const char *dw_publish_method_name(dw_publish_method method)
{
    static const char *const names[] = {"unknown", "rename-noreplace", "link", "unique-rename"};
    return (unsigned)method < sizeof names / sizeof names[0] ? names[method] : "unknown";
}

int dwi_fsync_closed_tmp(dw_msg *m)
{
    dw_drop *d = m->drop;
    dwi_fd fd = d->ops->open_rw(d->ctx, d->tmpfd, m->tmp, d->opts.file_mode);
    if (fd < 0)
        return (int)fd;
    dwi_stat sb;
    int rc = d->ops->stat(d->ctx, fd, NULL, &sb);
    /* The size too: a file system may hand the freed inode number straight to the file the open made. */
    if (rc == 0 && (sb.dev != m->dev || sb.ino != m->ino || sb.size != m->size)) {
        d->ops->close(d->ctx, fd);
        (void)d->ops->unlink(d->ctx, d->tmpfd, m->tmp);
        return -ENOENT;
    }
    if (rc == 0)
        rc = d->ops->fsync(d->ctx, fd, 0);
    d->ops->close(d->ctx, fd);
    return rc;
}

/* Rename the (closed) temp file to a new final name, never replacing anything. Under the quota lock. */
dw_status dwi_publish(dw_msg *m, const char *fixed_name, char *final, dw_io_error *err)
{
    dw_drop *d = m->drop;
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    unsigned attempt = 0, names = 0;
    /* The ledger's dirty mark reaches the disk before the rename can (lib/quota.h; tests/powerloss). */
    int rc = dwi_quota_flush_mark(d);
    if (rc < 0) {
        st = dwi_fail(d, err, DW_OP_QUOTA, rc, DWI_LEDGER_NAME, 1);
        note_left(err, m->tmp, d->ops->unlink(d->ctx, d->tmpfd, m->tmp));
        dwi_quota_release(d, m->reserved);
        m->reserved = 0;
        m->tmp[0] = '\0';
        dwi_dirop_end(d);
        return st;
    }
    for (;;) {
        attempt++;
        if (fixed_name)
            (void)dwi_copy_out(fixed_name, strlen(fixed_name), final, DWI_NAME_BUF, NULL);
        else
            dwi_make_final_name(d, m, final);
        rc = dwi_inject(d, DW_OP_RENAME);
        if (!rc)
            rc = rename_final(d, m->tmp, final);
        if (rc < 0 && dwi_err_errno(rc) == EEXIST && !fixed_name && ++names < NAME_ATTEMPTS) {
            /* Someone holds that name: Exchange naming moves to the next record id, unique naming to the
             * next sequence number (make_final_name draws it). */
            if (d->opts.naming == DW_NAMING_EXCHANGE)
                m->record_id++;
            attempt--;
            continue;
        }
        if (rc >= 0 || !dwi_should_retry(d, rc, attempt))
            break;
    }
    if (rc >= 0) {
        /* The rename works on a name. If someone with write access to the directory swapped our temp
         * name for a symlink (to /etc/passwd, say) or another file, we just published that under a
         * ".eml" name for the gateway to read: take it back and refuse. */
        dwi_stat sb;
        int src = d->ops->stat(d->ctx, d->dirfd, final, &sb);
        /* ENOENT: the gateway already took the file (it was published); only a different file refuses. */
        int swapped = src == 0 && (sb.is_link || sb.dev != m->dev || sb.ino != m->ino);
        /* The check itself failing (a file server that died just after the rename answers EIO) is the
         * check's own error, not tampering. Either way the name is withdrawn; after a failed check, a
         * withdrawal that fails too or finds the name gone (taken) leaves the message maybe published:
         * the third outcome, never "not published". */
        int unchecked = src < 0 && !dwi_is_err(src, ENOENT);
        if (swapped || unchecked) {
            int u = d->ops->unlink(d->ctx, d->dirfd, final);
            rc = swapped ? -ELOOP : src;
            st = dwi_fail(d, err, DW_OP_RENAME, rc, final, attempt);
            dwi_io_error_detail(err, swapped ? "the temporary file was replaced before it was published (refused)"
                                             : "the rename was done but the published file could not be checked");
            if (unchecked && u < 0)
                note_uncertain(err, final);
            note_left(err, final, u);
        }
    } else {
        st = dwi_fail(d, err, DW_OP_RENAME, rc, final, attempt);
        int u = d->ops->unlink(d->ctx, d->tmpfd, m->tmp);
        note_left(err, m->tmp, u);
        /* A failed rename on a network share may still have happened on the server (the reply was lost).
         * If the temporary name is gone, or its state cannot be learned, the message may be published
         * under the final name: say so rather than "not published", which would invite a duplicate. Both
         * names gone means the consumer took it only on a share: a local rename's failure is final, and
         * a temporary file that vanished was removed by someone else (a sweep with a small max_age, a tmp
         * cleaner in a shared temp_dir), so nothing was published and a retry is what saves the message. */
        if (!dwi_is_err(rc, EEXIST) && u < 0) {
            dwi_stat sb;
            int f = d->ops->stat(d->ctx, d->dirfd, final, &sb);
            int ours = f == 0 && ((sb.dev == m->dev && sb.ino == m->ino) || dwi_is_err(u, ENOENT));
            int both_gone = dwi_is_err(f, ENOENT) && dwi_is_err(u, ENOENT);
            if (ours || (f < 0 && !dwi_is_err(f, ENOENT)) || (both_gone && d->remote))
                note_uncertain(err, final);
        }
    }
    if (rc < 0)
        dwi_quota_release(d, m->reserved);
    else
        dwi_quota_publish(d, m->reserved, m->size);
    m->reserved = 0;
    m->tmp[0] = '\0';
    dwi_dirop_end(d);
    return st;
}

/* Withdraw published messages again (after a failed directory fsync). A message whose unlink fails stays
 * published (durability unknown), and so does one that is already gone (ENOENT: the consumer took it):
 * both are the third outcome, never "not published". Returns how many stay published. */
size_t dwi_unpublish(dw_drop *d, const char *finals, size_t stride, const uint64_t *sizes, size_t n,
                        dw_io_error *err)
{
    dw_io_error ignored;
    int locked = dwi_dirop_begin(d, &ignored) == DW_OK;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = finals + i * stride;
        int rc = d->ops->unlink(d->ctx, d->dirfd, name);
        if (rc < 0) {
            kept++;
            note_uncertain(err, name);
            note_left(err, name, rc);
        }
        if (locked && (rc == 0 || dwi_is_err(rc, ENOENT)))
            dwi_quota_unpublish(d, sizes[i]);
    }
    if (locked)
        dwi_dirop_end(d);
    return kept;
}

/* The directory is fsynced after the rename: without it the new name may not survive a power loss. If
 * that fails the message is withdrawn again (unlinked), so a failure never leaves a file the caller
 * will deliver a second time. With a temp_dir only the drop directory is fsynced: it holds the name that
 * matters. The rename also removed the temporary name from temp_dir; journalling file systems (ext4, XFS,
 * btrfs, NTFS) commit both sides of a rename together, elsewhere a crash may bring the temporary name
 * back as a second link to the published file, which is a stale temporary file for dw_drop_sweep()
 * (removing that name leaves the message alone). */
static dw_status dir_sync_failed(dw_drop *d, const char *final, uint64_t size, int rc, dw_io_error *err)
{
    dw_status st = dwi_fail(d, err, DW_OP_DIR_FSYNC, rc, final, 1);
    dwi_unpublish(d, final, DWI_NAME_BUF, &size, 1, err);
    return st;
}

static dw_status sync_dir(dw_drop *d, const char *final, uint64_t size, dw_io_error *err)
{
    if (d->opts.durability != DW_DURABLE_FULL)
        return DW_OK;
    int rc = dwi_group_sync_dir(d); /* group commit: one directory fsync may cover several writers */
    return rc >= 0 ? DW_OK : dir_sync_failed(d, final, size, rc, err);
}

/* Publish a written, closed, unflushed temp file through a DW_FLUSH_SYNCFS group: one syncfs covers it
 * and the other waiting writers' files, the round's leader renames each and fsyncs the directory (see
 * lib/group_commit.c). On failure the temp file is still there (m->tmp) unless the publish consumed it,
 * as after the ungrouped steps. */
static dw_status commit_grouped(dw_msg *m, const char *fixed_name, char *final, dw_io_error *err)
{
    dw_drop *d = m->drop;
    dwi_group_job job = {.msg = m, .fixed_name = fixed_name, .final = final, .err = err};
    dwi_group_commit(d, &job);
    if (job.flush_rc == DWI_GROUP_OWN_FLUSH) {
        /* syncfs refused: flush this file alone (through a new descriptor: fsync flushes the inode), then
         * publish as without the group. A temp removed meanwhile fails the flush (dwi_fsync_closed_tmp). */
        int rc = dwi_inject(d, DW_OP_FSYNC);
        if (!rc)
            rc = dwi_fsync_closed_tmp(m);
        if (rc < 0)
            return dwi_fail_tmp(d, err, DW_OP_FSYNC, rc, m->tmp, 1);
        dw_status st = dwi_publish(m, fixed_name, final, err);
        return st == DW_OK ? sync_dir(d, final, m->size, err) : st;
    }
    if (job.flush_rc < 0)
        return dwi_fail_tmp(d, err, DW_OP_FSYNC, job.flush_rc, m->tmp, 1);
    if (job.st != DW_OK)
        return job.st;
    return job.dir_rc < 0 ? dir_sync_failed(d, final, m->size, job.dir_rc, err) : DW_OK;
}

dw_status dwi_msg_commit_as(dw_msg *msg, const char *final_name, char *name_out, size_t size, size_t *needed,
                            dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!msg) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return dwi_write_outcome(DW_E_INVAL, 1, err);
    }
    dw_drop *d = msg->drop;
    dw_status st = DW_OK;
    /* The name buffer is checked first: once published, a message must not be reported as failed. */
    if (!name_out && size) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, d->path);
        st = DW_E_INVAL;
    } else if (size && size < DW_FILE_NAME_MAX) {
        if (needed)
            *needed = DW_FILE_NAME_MAX;
        st = DW_E_BUFFER;
    } else if (msg->failed || msg->fd == DWI_FD_NONE) {
        st = DW_E_STATE;
    } else if (msg->check_mime && msg->size - msg->header_size != msg->mime_expected) {
        /* X-EndOfInjectedXHeaders already announced another MIME length: publishing would lie. */
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, d->path);
        dwi_io_error_detail(err, "the MIME bytes written differ from expected_size announced in the envelope");
        st = DW_E_STATE;
    }
    if (st != DW_OK) {
        dw_msg_abort(msg);
        return dwi_write_outcome(st, 1, err);
    }
    char final[DWI_NAME_BUF];
    int durable = d->opts.durability == DW_DURABLE_FULL;
    int grouped = durable && dwi_group_shares_data(d); /* DW_FLUSH_SYNCFS: the group flushes the file */
    st = dwi_flush_and_close(msg, durable && !grouped, err);
    if (st == DW_OK && grouped) {
        st = commit_grouped(msg, final_name, final, err);
    } else if (st == DW_OK) {
        st = dwi_publish(msg, final_name, final, err);
        if (st == DW_OK)
            st = sync_dir(d, final, msg->size, err);
    }
    if (st != DW_OK) {
        dwi_discard_temp(msg, err); /* no-op when publish already consumed the temp */
        free(msg);
        return dwi_write_outcome(st, 1, err);
    }
    free(msg);
    (void)dwi_write_outcome(DW_OK, 1, err);
    if (size)
        return dwi_copy_out(final, strlen(final), name_out, size, needed);
    if (needed)
        *needed = strlen(final) + 1;
    return DW_OK;
}

dw_status dw_msg_commit(dw_msg *msg, char *name_out, size_t size, size_t *needed, dw_io_error *err)
{
    return dwi_msg_commit_as(msg, NULL, name_out, size, needed, err);
}

/* ---- one-shot ---------------------------------------------------------------------------------------- */

/* Common checks of the one-shot calls (the name buffer is checked before anything is written), and the
 * message options to use. */
static dw_status one_shot_args(dw_drop *drop, int bad_source, const dw_msg_options *opts, const char *name_out,
                               size_t size, size_t *needed, dw_msg_options *o, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!drop || bad_source || (!name_out && size)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop ? drop->path : NULL);
        return DW_E_INVAL;
    }
    if (size && size < DW_FILE_NAME_MAX) {
        if (needed)
            *needed = DW_FILE_NAME_MAX;
        return DW_E_BUFFER;
    }
    if (opts)
        *o = *opts;
    else
        dw_msg_options_init(o);
    return DW_OK;
}

dw_status dw_drop_write(dw_drop *drop, const void *data, size_t len, const dw_msg_options *opts, char *name_out,
                        size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !data && len, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return dwi_write_outcome(st, 1, err);
    /* The size is known: the quota is checked before the temp file exists. */
    o.expected_size = len;
    dw_msg *m;
    st = msg_begin(drop, &m, &o, err);
    if (st != DW_OK)
        return dwi_write_outcome(st, 1, err);
    st = dw_msg_write(m, data, len, err);
    if (st != DW_OK) {
        dw_msg_abort(m);
        return dwi_write_outcome(st, 1, err);
    }
    return dw_msg_commit(m, name_out, size, needed, err);
}

/* A source of a one-shot copy: a handle read through the ops table, or the caller's callback. */
typedef struct copy_src {
    dwi_fd fd;
    dw_read_fn fn;
    void *user;
} copy_src;

static dwi_ssize src_read(dw_drop *d, const copy_src *src, void *buf, size_t len)
{
    if (!src->fn)
        return d->ops->read(d->ctx, src->fd, buf, len);
    size_t got = 0;
    int e = src->fn(src->user, buf, len, &got);
    if (e)
        return e > 0 ? -e : -EIO;
    return got > len ? -EINVAL : (dwi_ssize)got;
}

/* Copy a source into a new message until it reports the end. known_size: the source's size when it is a
 * regular file (announced to an envelope that carries the MIME length), else -1. */
static dw_status write_from(dw_drop *drop, const copy_src *src, int64_t known_size, const char *src_path,
                            const dw_msg_options *o_in, char *name_out, size_t size, size_t *needed,
                            dw_io_error *err)
{
    dw_msg_options o = *o_in;
    if (o.envelope && !o.expected_size && dwi_envelope_eoh_mode(o.envelope) == DW_EOH_MIME_LENGTH) {
        /* The envelope announces the MIME length: take it from a regular file (read from its start). */
        if (known_size < 0) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
            dwi_io_error_detail(err, "an envelope with the MIME length needs expected_size for this source");
            return dwi_write_outcome(DW_E_INVAL, 1, err);
        }
        o.expected_size = (uint64_t)known_size;
    }
    unsigned char *buf = malloc(COPY_BUF);
    if (!buf)
        return dwi_write_outcome(DW_E_NOMEM, 1, err);
    dw_msg *m;
    dw_status st = msg_begin(drop, &m, &o, err);
    if (st != DW_OK) {
        free(buf);
        return dwi_write_outcome(st, 1, err);
    }
    unsigned attempt = 0;
    for (;;) {
        attempt++;
        dwi_ssize n = dwi_inject(drop, DW_OP_READ);
        if (!n)
            n = src_read(drop, src, buf, COPY_BUF);
        if (n == 0)
            break;
        if (n < 0) {
            if (dwi_should_retry(drop, (int)n, attempt))
                continue;
            dwi_io_error_set_code(err, DW_OP_READ, (int)n, src_path);
            if (err)
                err->attempts = attempt;
            st = DW_E_IO;
            break;
        }
        attempt = 0;
        st = dw_msg_write(m, buf, (size_t)n, err);
        if (st != DW_OK)
            break;
    }
    free(buf);
    if (st != DW_OK) {
        dwi_discard_temp(m, err);
        free(m);
        return dwi_write_outcome(st, 1, err);
    }
    return dw_msg_commit(m, name_out, size, needed, err);
}

/* The size of a regular file behind fd, or -1. */
static int64_t regular_size(dw_drop *drop, dwi_fd fd)
{
    dwi_stat sb;
    if (drop->ops->stat(drop->ctx, fd, NULL, &sb) < 0 || !sb.is_reg)
        return -1;
    return (int64_t)sb.size;
}

#ifndef _WIN32
dw_status dw_drop_write_fd(dw_drop *drop, int fd, const dw_msg_options *opts, char *name_out, size_t size,
                           size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, fd < 0, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return dwi_write_outcome(st, 1, err);
    copy_src src = {fd, NULL, NULL};
    int64_t known = -1;
    if (o.envelope && !o.expected_size && dwi_envelope_eoh_mode(o.envelope) == DW_EOH_MIME_LENGTH)
        known = regular_size(drop, fd);
    return write_from(drop, &src, known, NULL, &o, name_out, size, needed, err);
}
#endif

dw_status dw_drop_write_file(dw_drop *drop, const char *path, const dw_msg_options *opts, char *name_out,
                             size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !path || !*path, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return dwi_write_outcome(st, 1, err);
    dwi_fd fd = drop->ops->open_path_read(drop->ctx, path);
    if (fd < 0) {
        dwi_io_error_set_code(err, DW_OP_READ, (int)fd, path);
        return dwi_write_outcome(DW_E_IO, 1, err);
    }
    copy_src src = {fd, NULL, NULL};
    st = write_from(drop, &src, regular_size(drop, fd), path, &o, name_out, size, needed, err);
    drop->ops->close(drop->ctx, fd);
    return st;
}

dw_status dw_drop_write_cb(dw_drop *drop, dw_read_fn read, void *user, const dw_msg_options *opts, char *name_out,
                           size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !read, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return dwi_write_outcome(st, 1, err);
    copy_src src = {DWI_FD_NONE, read, user};
    return write_from(drop, &src, -1, NULL, &o, name_out, size, needed, err);
}

