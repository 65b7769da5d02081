/* SPDX-License-Identifier: MIT */
/* Group commit (issue 20). A durable write flushes twice: its temp file before the rename and the
 * directory after it. The file flushes stay each writer's own: concurrent fsyncs of different files run in
 * parallel and the kernel already merges their disk cache flushes, while one syncfs for a group measured
 * 0.36x and one leader fsyncing every file 0.04x of the raw writers (doc/performance.md, section 7).
 * Directory fsyncs of one directory serialise on the directory instead, so they are shared: writers that
 * renamed while an fsync of their directory ran wait for it to end and are covered together by the next
 * one, led by one of them. One writer alone flushes exactly as before. Each waiter carries its own result,
 * so a failed shared fsync fails exactly the messages it was to cover, and guard.c gives each its own
 * outcome (not published, or published with durability unknown). Within one process only: a group shared
 * between processes would need a lock in shared memory that survives a leader killed in the middle of a
 * flush, and the waiters' results would have to cross processes (see doc/guarded-writes.md). */
#include <errno.h>
#include <stdlib.h>

#include "group_commit.h"
#include "guard_internal.h"

typedef struct waiter {
    struct waiter *next;
    dw_drop *drop;
    int rc;
    int synced;        /* rc is the result of a real fsync of this waiter's directory (not an injected fault) */
    int done;
} waiter;

struct dw_flush_group {
    dwi_mutex mu;
    dwi_cond cv;
    waiter *pending;   /* writers waiting for the next flush (newest first) */
    unsigned npending;
    int leading;       /* a flush is running */
    int held;          /* tests: no flush starts while set */
    uint64_t rounds, covered, fsyncs;
    uint64_t dev;      /* the file system served (when dev_set) */
    int dev_set;
};

dw_flush_group *dwi_group_new(void)
{
    dw_flush_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (dwi_mutex_init(&g->mu) != 0) {
        free(g);
        return NULL;
    }
    if (dwi_cond_init(&g->cv) != 0) {
        dwi_mutex_destroy(&g->mu);
        free(g);
        return NULL;
    }
    return g;
}

void dwi_group_free(dw_flush_group *g)
{
    if (!g)
        return;
    dwi_cond_destroy(&g->cv);
    dwi_mutex_destroy(&g->mu);
    free(g);
}

dw_status dw_flush_group_new(dw_flush_group **out)
{
    if (!out)
        return DW_E_INVAL;
    *out = dwi_group_new();
    return *out ? DW_OK : DW_E_NOMEM;
}

void dw_flush_group_free(dw_flush_group *group)
{
    dwi_group_free(group);
}

dw_status dw_drop_set_flush_group(dw_drop *drop, dw_flush_group *group, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!drop) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    if (!group) {
        atomic_store(&drop->group, NULL);
        return DW_OK;
    }
    dwi_stat sb;
    int rc = drop->ops->stat(drop->ctx, drop->dirfd, NULL, &sb);
    if (rc < 0)
        return dwi_fail(drop, err, DW_OP_STAT, rc, NULL, 1);
    dwi_mutex_lock(&group->mu);
    int ok = !group->dev_set || group->dev == sb.dev;
    if (!group->dev_set) {
        group->dev = sb.dev;
        group->dev_set = 1;
    }
    dwi_mutex_unlock(&group->mu);
    if (!ok) {
        /* One syncfs covers one file system: a group spanning two would leave one side unflushed. */
        dw_io_error_set(err, DW_OP_VALIDATE, EXDEV, 0, drop->path);
        dwi_io_error_detail(err, "the flush group already serves another file system");
        return DW_E_INVAL;
    }
    atomic_store(&drop->group, group);
    return DW_OK;
}

/* One fsync per directory among the waiters; each waiter gets its directory's result (handles sharing
 * a group may write into different directories, and one failed directory must not fail the others).
 * Handles on the same directory share one fsync: it is the directory inode that is flushed, whichever
 * descriptor names it. A fault armed on a handle still fails that handle's writers. */
static uint64_t flush_dirs(waiter *list)
{
    enum { PENDING = 1 };
    uint64_t fsyncs = 0;
    for (waiter *w = list; w; w = w->next)
        w->rc = PENDING;
    for (waiter *w = list; w; w = w->next) {
        if (w->rc != PENDING)
            continue;
        dw_drop *d = w->drop;
        int rc = dwi_inject(d, DW_OP_DIR_FSYNC);
        /* the same directory already flushed in this round, through another handle? (a writer alone, or
         * the threads of one handle, never get here with another handle: no stat for them) */
        dwi_stat me, other;
        int known = 0, synced = 1;
        for (waiter *v = list; !rc && v != w; v = v->next) {
            if (v->drop == d || !v->synced)
                continue;
            if (!known && d->ops->stat(d->ctx, d->dirfd, NULL, &me) != 0)
                break;
            known = 1;
            if (v->drop->ops->stat(v->drop->ctx, v->drop->dirfd, NULL, &other) == 0 && other.dev == me.dev &&
                other.ino == me.ino) {
                rc = v->rc;
                synced = 1;
                goto share;
            }
        }
        synced = !rc;
        if (synced) {
            rc = d->ops->fsync(d->ctx, d->dirfd, 0);
            fsyncs++;
        }
    share:
        for (waiter *v = w; v; v = v->next) {
            if (v->rc == PENDING && v->drop == d) {
                v->rc = rc;
                v->synced = synced;
            }
        }
    }
    return fsyncs;
}

int dwi_group_sync_dir(dw_drop *d)
{
    dw_flush_group *g = atomic_load(&d->group);
    if (!g) {
        /* no group (the default): the handle's own directory fsync, as before group commit */
        int rc = dwi_inject(d, DW_OP_DIR_FSYNC);
        return rc ? rc : d->ops->fsync(d->ctx, d->dirfd, 0);
    }
    waiter me = {.drop = d};
    dwi_mutex_lock(&g->mu);
    me.next = g->pending;
    g->pending = &me;
    g->npending++;
    while (!me.done) {
        if (g->leading || g->held) {
            dwi_cond_wait(&g->cv, &g->mu);
            continue;
        }
        /* Lead: take everyone waiting now (me included; all renamed before this point) and flush for all. */
        waiter *list = g->pending;
        unsigned n = g->npending;
        g->pending = NULL;
        g->npending = 0;
        g->leading = 1;
        dwi_mutex_unlock(&g->mu);
        uint64_t fsyncs = flush_dirs(list);
        dwi_mutex_lock(&g->mu);
        for (waiter *w = list; w; w = w->next)
            w->done = 1;
        g->leading = 0;
        g->rounds++;
        g->covered += n;
        g->fsyncs += fsyncs;
        dwi_cond_broadcast(&g->cv);
    }
    dwi_mutex_unlock(&g->mu);
    return me.rc;
}

void dwi_group_hold(dw_flush_group *g, int hold)
{
    dwi_mutex_lock(&g->mu);
    g->held = hold;
    dwi_cond_broadcast(&g->cv);
    dwi_mutex_unlock(&g->mu);
}

unsigned dwi_group_pending(dw_flush_group *g)
{
    dwi_mutex_lock(&g->mu);
    unsigned n = g->npending;
    dwi_mutex_unlock(&g->mu);
    return n;
}

void dwi_group_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *fsyncs)
{
    dwi_mutex_lock(&g->mu);
    if (rounds)
        *rounds = g->rounds;
    if (covered)
        *covered = g->covered;
    if (fsyncs)
        *fsyncs = g->fsyncs;
    dwi_mutex_unlock(&g->mu);
}
