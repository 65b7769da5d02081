/* SPDX-License-Identifier: MIT */
/* DropDirectoryQuota accounting with a ledger file (see lib/quota.h and doc/guarded-writes.md).
 *
 * Ledger ".dwquota": one fixed-size text line "dwquota2 used inflight dev ino mtime ctime scanned".
 * `used` is the size of the finished files, `inflight` the bytes reserved by messages being written (each
 * temp file is ftruncated up to its reservation, so a rescan finds the reservations of every live writer
 * in the temp files' sizes), `scanned` the wall-clock second of the last full rescan. Every libdropwatch
 * change goes through the ledger under its lock, so among libdropwatch writers it is exact. A change by
 * anyone else (the consumer deleting, which is the common case) is NOT rescanned at once: deletions only
 * lower usage, so the ledger is then an over-estimate, which is safe. The directory is rescanned only
 * when the ledger is missing or malformed, when a writer crashed while holding the lock, when a write
 * would not fit under the (possibly stale) figure, or when the last rescan is older than
 * DWI_QUOTA_RESCAN_AGE seconds (so files added by programs bypassing libdropwatch are counted within that
 * bound). The counters are not fsynced; durable handles flush only the dirty mark before a rename
 * (dwi_quota_flush_mark), so after a power cut the ledger is either complete or dirty, never an under-count. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "quota.h"

#define LEDGER_LEN 200
/* Byte of the ledger overwritten while a writer holds the lock ("dwquota2" becomes "dwquota*"): a writer
 * that dies between begin and end leaves it malformed, so the next one rescans instead of trusting
 * counters that miss that writer's last change. */
#define LEDGER_DIRTY_AT 7
#define W32_DISK_QUOTA_EXCEEDED 1295u
/* Largest believable ledger counter: 2^62 bytes (4 EiB), so used + inflight + a reservation never wraps. */
#define LEDGER_COUNTER_MAX (UINT64_C(1) << 62)

struct dwi_quota {
    dwi_mutex mu;
    dwi_fd fd;         /* ledger, DWI_FD_NONE when not open */
    long pid;          /* process that opened fd: a forked child shares the flock and must reopen */
    int locked;
    int fresh;         /* rescanned during this lock: a second rescan would tell nothing new */
    uint64_t used, inflight;
    int64_t scanned;   /* wall-clock second of the last full rescan recorded in the ledger */
    dwi_stat dir;      /* directory identity and timestamps recorded in the ledger (timestamps: diagnostics) */
};

/* The ledger was written for this directory (not copied or restored along with the files of another). */
static int same_dir(const dwi_stat *a, const dwi_stat *b)
{
    return a->dev == b->dev && a->ino == b->ino;
}

/* The ledger is written through: a hard link to a file elsewhere, a device node or a FIFO planted under its
 * name (anyone with write access to the directory can) would redirect those writes. So only a regular file
 * with one link owned by us is used, checked on the open descriptor (no window between check and use);
 * anything else is refused, never "repaired", because it may be someone else's file. */
#define LEDGER_REFUSED 1

static int ledger_open(dw_drop *d)
{
    dwi_quota *q = d->quota;
    dwi_fd fd = d->ops->open_rw(d->ctx, d->dirfd, DWI_LEDGER_NAME, 0600);
    if (fd < 0)
        return (int)fd;
    dwi_stat sb;
    int rc = d->ops->stat(d->ctx, fd, NULL, &sb);
    if (rc < 0 || !sb.is_reg || sb.nlink != 1 || !sb.owned) {
        d->ops->close(d->ctx, fd);
        return rc < 0 ? rc : sb.is_dir ? -EISDIR : LEDGER_REFUSED;
    }
    q->fd = fd;
    q->pid = d->ops->pid(d->ctx);
    return 0;
}

/* Fill err for a failed ledger_open(). */
static dw_status ledger_fail(dw_drop *d, int rc, dw_io_error *err)
{
    if (rc != LEDGER_REFUSED)
        return dwi_fail(d, err, DW_OP_QUOTA, rc, DWI_LEDGER_NAME, 1);
    dw_status st = dwi_fail(d, err, DW_OP_QUOTA, -EINVAL, DWI_LEDGER_NAME, 1);
    dwi_io_error_detail(err, "the quota ledger is not a regular file with one link owned by the writer (refused; "
                             "remove it after checking what it is)");
    return st;
}

dw_status dwi_quota_open(dw_drop *d, dw_io_error *err)
{
    dwi_quota *q = calloc(1, sizeof *q);
    if (!q)
        return DW_E_NOMEM;
    if (dwi_mutex_init(&q->mu) != 0) {
        free(q);
        return DW_E_NOMEM;
    }
    q->fd = DWI_FD_NONE;
    d->quota = q;
    int rc = dwi_inject(d, DW_OP_QUOTA);
    if (!rc && !d->opts.no_ledger)
        rc = ledger_open(d);
    if (rc != 0) {
        dw_status st = ledger_fail(d, rc, err);
        dwi_quota_free(d);
        return st;
    }
    return DW_OK;
}

void dwi_quota_free(dw_drop *d)
{
    dwi_quota *q = d->quota;
    if (!q)
        return;
    if (q->fd >= 0)
        d->ops->close(d->ctx, q->fd);
    dwi_mutex_destroy(&q->mu);
    free(q);
    d->quota = NULL;
}

static int ledger_load(dw_drop *d)
{
    dwi_quota *q = d->quota;
    char buf[LEDGER_LEN + 1];
    dwi_ssize n = d->ops->pread(d->ctx, q->fd, buf, LEDGER_LEN, 0);
    if (n < 0)
        return (int)n;
    buf[n] = '\0';
    unsigned long long used, inflight, dev, ino;
    long long ms, mn, cs, cn, scanned;
    if (sscanf(buf, "dwquota2 %llu %llu %llu %llu %lld.%lld %lld.%lld %lld", &used, &inflight, &dev, &ino, &ms, &mn,
               &cs, &cn, &scanned) != 9)
        return 1; /* missing, malformed, older format, or left dirty by a crashed writer: rebuild */
    /* Counters no real directory reaches (a quota is at most 2^63) would wrap in the sums below and admit
     * writes over the quota: a corrupted or forged ledger, rebuilt like a malformed one. */
    if (used > LEDGER_COUNTER_MAX || inflight > LEDGER_COUNTER_MAX)
        return 1;
    q->scanned = scanned;
    q->used = used;
    q->inflight = inflight;
    q->dir.dev = dev;
    q->dir.ino = ino;
    q->dir.mtime_sec = ms;
    q->dir.mtime_nsec = mn;
    q->dir.ctime_sec = cs;
    q->dir.ctime_nsec = cn;
    return 0;
}

/* Recount from the directory itself. Reservations of live writers are in their temp files' sizes. */
static dw_status rescan(dw_drop *d, dw_io_error *err)
{
    dwi_quota *q = d->quota;
    dwi_scan_result res;
    dw_status st = dwi_scan(d, 0, 0, &res, err);
    if (st != DW_OK)
        return st;
    q->used = res.used_bytes;
    q->inflight = res.temp_bytes;
    q->fresh = 1;
    int64_t sec, nsec;
    q->scanned = d->ops->now(d->ctx, &sec, &nsec) == 0 ? sec : 0; /* no clock: the next begin rescans */
    return DW_OK;
}

/* Whether the last full rescan is too old to trust for files added by programs bypassing libdropwatch.
 * A rescan time in the future (clock stepped back, another host's clock ahead) counts as too old. */
static int scan_expired(dw_drop *d)
{
    int64_t sec, nsec;
    if (d->ops->now(d->ctx, &sec, &nsec) < 0)
        return 1;
    return d->quota->scanned > sec || sec - d->quota->scanned >= DWI_QUOTA_RESCAN_AGE;
}

/* Take the ledger lock, waiting at most lock_timeout_ms: a writer stopped while holding it (SIGSTOP, a hung
 * share) must not stop every other writer and the health probe forever. Polls with a growing sleep
 * (1 ms doubling up to 50 ms); -ETIMEDOUT (transient) when the time is up. */
static int lock_bounded(dw_drop *d)
{
    int rc = d->ops->lock(d->ctx, d->quota->fd, 2);
    if (rc >= 0 || (dwi_err_errno(rc) != EWOULDBLOCK && dwi_err_errno(rc) != EAGAIN))
        return rc;
    uint64_t start = d->ops->monotonic_us(d->ctx), limit = (uint64_t)d->opts.lock_timeout_ms * 1000u;
    unsigned nap = 1;
    while (d->ops->monotonic_us(d->ctx) - start < limit) {
        d->ops->sleep_ms(d->ctx, nap);
        nap = nap < 50 ? nap * 2 : 50;
        rc = d->ops->lock(d->ctx, d->quota->fd, 2);
        if (rc >= 0 || (dwi_err_errno(rc) != EWOULDBLOCK && dwi_err_errno(rc) != EAGAIN))
            return rc;
    }
    return -ETIMEDOUT;
}

dw_status dwi_dirop_begin(dw_drop *d, dw_io_error *err)
{
    dwi_quota *q = d->quota;
    if (!q)
        return DW_OK;
    dwi_mutex_lock(&q->mu);
    if (d->opts.no_ledger) {
        /* No file in the directory: count afresh for every change (in-flight messages of other processes
         * are in their temporary files' sizes). */
        q->locked = 1;
        q->fresh = 0;
        dw_status st = rescan(d, err);
        if (st != DW_OK) {
            q->locked = 0;
            dwi_mutex_unlock(&q->mu);
        }
        return st;
    }
    int rc = 0;
    if (d->ops->lock_inherited ? d->ops->lock_inherited(d->ctx, q->pid) : q->pid != d->ops->pid(d->ctx)) {
        /* Forked child: the inherited descriptor shares the parent's flock, so take a descriptor of our own. */
        if (q->fd >= 0)
            d->ops->close(d->ctx, q->fd);
        q->fd = DWI_FD_NONE;
        rc = ledger_open(d);
        if (rc != 0) {
            dwi_mutex_unlock(&q->mu);
            return ledger_fail(d, rc, err);
        }
    }
    rc = dwi_inject(d, DW_OP_LOCK);
    if (!rc)
        rc = lock_bounded(d);
    if (rc < 0) {
        dwi_mutex_unlock(&q->mu);
        dw_status st = dwi_fail(d, err, DW_OP_LOCK, rc, DWI_LEDGER_NAME, 1);
        if (rc == -ETIMEDOUT && err) {
            long holder = d->ops->lock_holder ? d->ops->lock_holder(d->ctx, q->fd) : 0;
            dwi_out o;
            dwi_out_init(&o, err->detail, sizeof err->detail);
            dwi_out_str(&o, "the quota ledger lock was held for more than ");
            dwi_out_u64(&o, d->opts.lock_timeout_ms);
            dwi_out_str(&o, " ms");
            if (holder > 0) {
                dwi_out_str(&o, " by process ");
                dwi_out_u64(&o, (unsigned long long)holder);
            }
            dwi_out_str(&o, " (a stuck writer?)");
            (void)dwi_out_finish(&o, NULL);
        }
        return st;
    }
    q->locked = 1;
    q->fresh = 0;
    dwi_stat now;
    rc = d->ops->stat(d->ctx, d->dirfd, NULL, &now);
    if (rc < 0) {
        dw_status st = dwi_fail(d, err, DW_OP_STAT, rc, NULL, 1);
        d->ops->lock(d->ctx, q->fd, 0);
        q->locked = 0;
        dwi_mutex_unlock(&q->mu);
        return st;
    }
    rc = ledger_load(d);
    /* A foreign change (the recorded timestamps differ) alone is not a reason to rescan: see the top of
     * this file. The age bound applies even when they match, because a foreign file added within the same
     * timestamp tick as our last update leaves them unchanged (coarse file-system clocks). */
    if (rc != 0 || !same_dir(&now, &q->dir) || scan_expired(d)) {
        dw_status st = rescan(d, err);
        if (st != DW_OK) {
            d->ops->lock(d->ctx, q->fd, 0);
            q->locked = 0;
            dwi_mutex_unlock(&q->mu);
            return st;
        }
    }
    /* Mark the ledger dirty until end rewrites it; if this fails, a crash before end would go unnoticed
     * until the age bound, which only weakens the crash case, so carry on. */
    (void)d->ops->pwrite(d->ctx, q->fd, "*", 1, LEDGER_DIRTY_AT);
    return DW_OK;
}

void dwi_dirop_end(dw_drop *d)
{
    dwi_quota *q = d->quota;
    if (!q)
        return;
    if (d->opts.no_ledger) {
        q->locked = 0;
        dwi_mutex_unlock(&q->mu);
        return;
    }
    /* Our own change is now part of the recorded state; errors only make the next caller rescan. */
    if (d->ops->stat(d->ctx, d->dirfd, NULL, &q->dir) == 0) {
        char buf[LEDGER_LEN + 1];
        int n = snprintf(buf, sizeof buf, "dwquota2 %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64
                         ".%09" PRId64 " %" PRId64 ".%09" PRId64 " %" PRId64,
                         q->used, q->inflight, q->dir.dev, q->dir.ino, q->dir.mtime_sec, q->dir.mtime_nsec,
                         q->dir.ctime_sec, q->dir.ctime_nsec, q->scanned);
        if (n > 0 && n < LEDGER_LEN) {
            memset(buf + n, ' ', (size_t)(LEDGER_LEN - 1 - n));
            buf[LEDGER_LEN - 1] = '\n';
            (void)d->ops->pwrite(d->ctx, q->fd, buf, LEDGER_LEN, 0);
        }
    }
    d->ops->lock(d->ctx, q->fd, 0);
    q->locked = 0;
    dwi_mutex_unlock(&q->mu);
}

static int fits(const dwi_quota *q, uint64_t quota, uint64_t n)
{
    /* In this order no sum can wrap. */
    return q->used <= quota && q->inflight <= quota - q->used && n <= quota - q->used - q->inflight;
}

/* Exchange's test: the files directly in the directory (in-flight reservations included) add up to less
 * than the quota. */
static int below(const dwi_quota *q, uint64_t quota)
{
    return q->used + q->inflight < quota;
}

dw_status dwi_quota_reserve(dw_drop *d, uint64_t held, uint64_t n, dw_io_error *err)
{
    dwi_quota *q = d->quota;
    if (!q)
        return DW_OK;
    uint64_t quota = d->opts.quota_bytes;
    int rc = dwi_inject(d, DW_OP_QUOTA);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_QUOTA, rc, NULL, 1);
    /* Exchange's rule judges only a message about to start (held 0), by what is already there; the
     * strict rule judges every reservation by whether it fits. */
    int exchange = d->opts.quota_mode == DW_QUOTA_EXCHANGE;
    int ok = exchange ? held > 0 || below(q, quota) : fits(q, quota, n);
    /* The ledger may overcount (the consumer deleted files since the last rescan): confirm by a rescan
     * before refusing, so a write is never refused for space that is really free. */
    if (!ok && !q->fresh) {
        dw_status st = rescan(d, err);
        if (st != DW_OK)
            return st;
        ok = exchange ? below(q, quota) : fits(q, quota, n);
    }
    if (!ok) {
        /* The counted in-flight bytes include our own reservation. */
        uint64_t others = q->used + q->inflight - (held <= q->inflight ? held : q->inflight);
        dw_io_error_set(err, DW_OP_QUOTA, 0, W32_DISK_QUOTA_EXCEEDED, d->path);
        if (err) {
            dwi_out o;
            dwi_out_init(&o, err->detail, sizeof err->detail);
            dwi_out_str(&o, "quota ");
            dwi_out_u64(&o, quota);
            dwi_out_str(&o, " bytes, used ");
            dwi_out_u64(&o, others);
            dwi_out_str(&o, ", message ");
            dwi_out_u64(&o, held + n);
            (void)dwi_out_finish(&o, NULL);
        }
        return DW_E_IO;
    }
    q->inflight += n;
    return DW_OK;
}

void dwi_quota_release(dw_drop *d, uint64_t reserved)
{
    dwi_quota *q = d->quota;
    if (q)
        q->inflight = reserved <= q->inflight ? q->inflight - reserved : 0;
}

void dwi_quota_publish(dw_drop *d, uint64_t reserved, uint64_t size)
{
    dwi_quota *q = d->quota;
    if (!q)
        return;
    dwi_quota_release(d, reserved);
    q->used += size;
}

void dwi_quota_unpublish(dw_drop *d, uint64_t size)
{
    dwi_quota *q = d->quota;
    if (q)
        q->used = size <= q->used ? q->used - size : 0;
}

int dwi_quota_flush_mark(dw_drop *d)
{
    dwi_quota *q = d->quota;
    /* No ledger file (no_ledger: every write rescans the directory) means no mark to flush. */
    if (!q || d->opts.durability != DW_DURABLE_FULL || d->opts.no_ledger || q->fd < 0)
        return 0;
    return d->ops->fsync(d->ctx, q->fd, 1);
}
