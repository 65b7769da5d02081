/* SPDX-License-Identifier: MIT */
/* Group commit (issue 20): durable writers that reach a flush while another flush runs wait for it to end
 * and are then covered together by the next one, led by one of them. One writer alone flushes exactly as
 * before (fsync of its file, fsync of its directory); a group of several shares one syncfs for the data of
 * all their temp files and one directory fsync per drop directory for their new names. Each waiter carries
 * its own result, so a failed shared flush fails exactly the messages it was to cover: guard.c then gives
 * each its own outcome (not published, or published with durability unknown). Within one process only:
 * a group shared between processes would need a lock in shared memory that survives a leader killed in
 * the middle of a flush (see doc/guarded-writes.md). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "group_commit.h"
#include "guard_internal.h"

typedef struct waiter {
    struct waiter *next;
    dw_drop *drop;
    int fd;
    int rc;
    int done;
} waiter;

typedef struct channel {
    waiter *pending;   /* writers waiting for the next flush of this kind (newest first) */
    unsigned npending;
    int leading;       /* a flush of this kind is running */
    int held;          /* tests: no flush starts while set */
    uint64_t flushes, covered;
} channel;

struct dw_flush_group {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    channel ch[2];
    uint64_t dev;      /* the file system served (when dev_set) */
    int dev_set;
};

dw_flush_group *dwi_group_new(void)
{
    dw_flush_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    if (pthread_mutex_init(&g->mu, NULL) != 0) {
        free(g);
        return NULL;
    }
    if (pthread_cond_init(&g->cv, NULL) != 0) {
        pthread_mutex_destroy(&g->mu);
        free(g);
        return NULL;
    }
    return g;
}

void dwi_group_free(dw_flush_group *g)
{
    if (!g)
        return;
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
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
        atomic_store(&drop->group, drop->own_group);
        return DW_OK;
    }
    dwi_stat sb;
    int rc = drop->ops->stat(drop->ctx, drop->dirfd, NULL, &sb);
    if (rc < 0)
        return dwi_fail(drop, err, DW_OP_STAT, rc, NULL, 1);
    pthread_mutex_lock(&group->mu);
    int ok = !group->dev_set || group->dev == sb.dev;
    if (!group->dev_set) {
        group->dev = sb.dev;
        group->dev_set = 1;
    }
    pthread_mutex_unlock(&group->mu);
    if (!ok) {
        /* One syncfs covers one file system: a group spanning two would leave one side unflushed. */
        dw_io_error_set(err, DW_OP_VALIDATE, EXDEV, 0, drop->path);
        dwi_io_error_detail(err, "the flush group already serves another file system");
        return DW_E_INVAL;
    }
    atomic_store(&drop->group, group);
    return DW_OK;
}

/* One flush of the file data of `n` waiters (a list). */
static int flush_data(waiter *list, unsigned n)
{
    dw_drop *d = list->drop;
    int rc = dwi_inject(d, DW_OP_FSYNC);
    if (rc)
        return rc;
    if (n == 1 || !d->ops->syncfs)
        goto each;
    /* syncfs: one pass over the file system instead of one fsync (and one disk cache flush) per file. */
    rc = d->ops->syncfs(d->ctx, list->fd);
    if (rc != -ENOSYS)
        return rc;
each:
    for (waiter *w = list; w; w = w->next) {
        rc = w->drop->ops->fsync(w->drop->ctx, w->fd, 0);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* One flush of the new names: one directory fsync per drop directory; each waiter gets its directory's
 * result (several handles may share a group, one failed directory must not fail the others). */
static void flush_names(waiter *list)
{
    for (waiter *w = list; w; w = w->next)
        w->rc = 1; /* not yet flushed */
    for (waiter *w = list; w; w = w->next) {
        if (w->rc != 1)
            continue;
        int rc = dwi_inject(w->drop, DW_OP_DIR_FSYNC);
        if (!rc)
            rc = w->drop->ops->fsync(w->drop->ctx, w->fd, 0);
        for (waiter *v = w; v; v = v->next)
            if (v->rc == 1 && v->drop == w->drop)
                v->rc = rc;
    }
}

int dwi_group_sync(dw_drop *d, dwi_sync_kind kind, int fd)
{
    dw_flush_group *g = atomic_load(&d->group);
    channel *c = &g->ch[kind];
    waiter me = {.drop = d, .fd = fd};
    pthread_mutex_lock(&g->mu);
    me.next = c->pending;
    c->pending = &me;
    c->npending++;
    while (!me.done) {
        if (c->leading || c->held) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        /* Lead: take everyone waiting now (me included) and flush for all of them. */
        waiter *list = c->pending;
        unsigned n = c->npending;
        c->pending = NULL;
        c->npending = 0;
        c->leading = 1;
        pthread_mutex_unlock(&g->mu);
        if (kind == DWI_SYNC_DATA) {
            int rc = flush_data(list, n);
            for (waiter *w = list; w; w = w->next)
                w->rc = rc;
        } else {
            flush_names(list);
        }
        pthread_mutex_lock(&g->mu);
        for (waiter *w = list; w; w = w->next)
            w->done = 1;
        c->leading = 0;
        c->flushes++;
        c->covered += n;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
    return me.rc;
}

void dwi_group_hold(dw_flush_group *g, dwi_sync_kind kind, int hold)
{
    pthread_mutex_lock(&g->mu);
    g->ch[kind].held = hold;
    pthread_cond_broadcast(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

unsigned dwi_group_pending(dw_flush_group *g, dwi_sync_kind kind)
{
    pthread_mutex_lock(&g->mu);
    unsigned n = g->ch[kind].npending;
    pthread_mutex_unlock(&g->mu);
    return n;
}

void dwi_group_stats(dw_flush_group *g, dwi_sync_kind kind, uint64_t *flushes, uint64_t *covered)
{
    pthread_mutex_lock(&g->mu);
    if (flushes)
        *flushes = g->ch[kind].flushes;
    if (covered)
        *covered = g->ch[kind].covered;
    pthread_mutex_unlock(&g->mu);
}
