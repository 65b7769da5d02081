/* SPDX-License-Identifier: MIT */
/* Group commit (issue 20). A durable write flushes twice: its temp file before the rename and the
 * directory after it. Two modes (dw_flush_mode):
 * - DW_FLUSH_DIRECTORY (the default): the file flushes stay each writer's own (concurrent fsyncs of
 *   different files run in parallel and the kernel merges their disk cache flushes); the directory fsyncs,
 *   which serialise on the directory, are shared: writers that renamed while an fsync of their directory
 *   ran wait for it to end and are covered together by the next one, led by one of them.
 * - DW_FLUSH_SYNCFS: the file flushes are shared too, in one phase. Writers whose temp file is written
 *   and closed wait for a round that started after that; its leader (one of them) gathers the round (see
 *   gather()), makes one syncfs() of the file system (a writer alone: the fsync of its file), renames
 *   every message and fsyncs each directory once. Data durable -> rename -> name
 *   durable holds for every message, so a crash never shows a partial final file. (Two phases, a shared
 *   syncfs and then each writer renaming and sharing the directory fsync, measured slower: each writer
 *   waited twice.) Where syncfs is refused (Windows, ENOSYS) the group learns it once and each writer
 *   fsyncs its own file again.
 * One writer alone flushes exactly as before in the default mode. Each waiter carries its own result, so
 * a failed shared flush fails exactly the messages it was to cover, and guard.c gives each its own
 * outcome (not published, or published with durability unknown). Within one process only: a group shared
 * between processes would need a lock in shared memory that survives a leader killed in the middle of a
 * flush, and the waiters' results would have to cross processes (see doc/guarded-writes.md). */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "group_commit.h"
#include "guard_internal.h"

typedef struct waiter {
    struct waiter *next;
    dw_drop *drop;
    dwi_group_job *job; /* DW_FLUSH_SYNCFS: the message the leader flushes, publishes and covers */
    int rc;
    int synced;        /* rc is the result of a real fsync of this waiter's directory (not an injected fault) */
    int skip;          /* no directory fsync for this waiter (its publish failed) */
    int done;
} waiter;

/* One kind of shared flush: the writers waiting for the next one, and whether one runs. */
typedef struct phase {
    waiter *pending;   /* newest first */
    unsigned npending;
    int leading;       /* a flush is running, or its leader is gathering its round */
    dwi_cond cv;       /* its end (a condition per phase: a flush's end wakes only its own waiters) */
    dwi_cond arrive;   /* a writer joined pending (wakes a gathering leader) */
    unsigned expect;   /* writers of the last round plus those that queued during it: who will be back */
    uint64_t last_us;  /* how long the last round's flush took */
    uint64_t rounds, covered, flushes, gathers, gather_us, gather_limit_max_us;
} phase;

struct dw_flush_group {
    dwi_mutex mu;
    dw_flush_mode mode;
    int no_syncfs;     /* syncfs was refused once: file flushes are each writer's own again */
    phase data, dir;   /* the temp files' syncfs (DW_FLUSH_SYNCFS only), the directory fsyncs */
    int held;          /* tests: no flush starts while set */
    uint64_t dev;      /* the file system served (when dev_set) */
    int dev_set;
};

/* The longest a leader waits for the rest of its round (see gather()). */
#define GATHER_MAX_US 2000

/* The condition a gathering leader waits on with a time limit: on the monotonic clock where pthread has
 * it, so that a change of the wall clock neither stretches nor cuts the wait. */
static int arrive_init(dwi_cond *c)
{
#ifdef _WIN32
    return dwi_cond_init(c);
#else
    pthread_condattr_t a;
    if (pthread_condattr_init(&a) != 0)
        return -1;
    int rc = pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    if (rc == 0)
        rc = pthread_cond_init(c, &a);
    pthread_condattr_destroy(&a);
    return rc;
#endif
}

/* Wait on c for at most us microseconds (arrive_init's clock): 1 when the time ran out, 0 on a wake-up. */
static int arrive_wait(dwi_cond *c, dwi_mutex *m, uint64_t us)
{
#ifdef _WIN32
    return !SleepConditionVariableSRW(c, m, (DWORD)((us + 999) / 1000), 0) && GetLastError() == ERROR_TIMEOUT;
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += (time_t)(us / 1000000);
    ts.tv_nsec += (long)(us % 1000000) * 1000;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(c, m, &ts) == ETIMEDOUT;
#endif
}

dw_flush_group *dwi_group_new(dw_flush_mode mode)
{
    dw_flush_group *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->mode = mode;
#ifdef _WIN32
    g->no_syncfs = 1; /* no per-volume flush for unprivileged programs: each writer flushes its own file */
#endif
    /* each step undone in reverse when a later one fails */
    if (dwi_mutex_init(&g->mu) != 0)
        goto no_mutex;
    if (dwi_cond_init(&g->data.cv) != 0)
        goto no_data_cv;
    if (dwi_cond_init(&g->dir.cv) != 0)
        goto no_dir_cv;
    if (arrive_init(&g->data.arrive) != 0)
        goto no_data_arrive;
    if (arrive_init(&g->dir.arrive) != 0)
        goto no_dir_arrive;
    return g;
no_dir_arrive:
    dwi_cond_destroy(&g->data.arrive);
no_data_arrive:
    dwi_cond_destroy(&g->dir.cv);
no_dir_cv:
    dwi_cond_destroy(&g->data.cv);
no_data_cv:
    dwi_mutex_destroy(&g->mu);
no_mutex:
    free(g);
    return NULL;
}

void dwi_group_free(dw_flush_group *g)
{
    if (!g)
        return;
    dwi_cond_destroy(&g->dir.arrive);
    dwi_cond_destroy(&g->data.arrive);
    dwi_cond_destroy(&g->dir.cv);
    dwi_cond_destroy(&g->data.cv);
    dwi_mutex_destroy(&g->mu);
    free(g);
}

dw_status dw_flush_group_new(dw_flush_group **out)
{
    return dw_flush_group_new_ex(out, NULL);
}

dw_status dw_flush_group_new_ex(dw_flush_group **out, const dw_flush_group_options *opts)
{
    if (!out)
        return DW_E_INVAL;
    *out = NULL;
    dw_flush_mode mode = DW_FLUSH_DIRECTORY;
    if (opts) {
        if (opts->version != DW_FLUSH_GROUP_OPTIONS_VERSION)
            return DW_E_INVAL;
        if (opts->mode != DW_FLUSH_DIRECTORY && opts->mode != DW_FLUSH_SYNCFS)
            return DW_E_INVAL;
        mode = opts->mode;
    }
    *out = dwi_group_new(mode);
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
static uint64_t flush_dirs(dw_flush_group *g, waiter *list)
{
    enum { PENDING = 1 };
    (void)g;
    uint64_t fsyncs = 0;
    for (waiter *w = list; w; w = w->next)
        w->rc = w->skip ? 0 : PENDING;
    for (waiter *w = list; w; w = w->next) {
        if (w->skip || w->rc != PENDING)
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
                rc = v->rc; /* synced stays 1: v's fsync was real */
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

/* DW_FLUSH_SYNCFS, led for every waiting writer (all on the group's file system, temp files written and
 * closed): one syncfs (a writer alone: its file's fsync), then each message renamed (dwi_publish, with
 * the writer's own error record), then one directory fsync per directory for those published. One phase, so a writer waits once. A fault
 * armed on any waiter's handle (DW_OP_FSYNC, consumed once per handle) fails the syncfs, i.e. every
 * waiter: a failed syncfs cannot say whose data it lost, and nothing is renamed. syncfs refused (ENOSYS,
 * EINVAL, ENOTSUP: file systems or sandboxes without it): the group stops trying and every waiter flushes
 * its own file (DWI_GROUP_OWN_FLUSH). */
static uint64_t flush_data(dw_flush_group *g, waiter *list)
{
    int rc = 0;
    for (waiter *w = list; w && !rc; w = w->next) {
        int seen = 0;
        for (waiter *v = list; v != w && !seen; v = v->next)
            seen = v->drop == w->drop;
        if (!seen)
            rc = dwi_inject(w->drop, DW_OP_FSYNC);
    }
    uint64_t calls = 0;
    if (!rc && !list->next) {
        /* A writer alone in its round: the fsync of its own file (dwi_fsync_closed_tmp) costs less than a
         * syncfs of the whole file system (1 writer: 0.74-0.85x of the raw sequence with syncfs,
         * doc/performance.md). Its failure is the round's, as a syncfs's would be. */
        rc = dwi_fsync_closed_tmp(list->job->msg);
        calls++;
    } else if (!rc) {
        rc = list->drop->ops->syncfs(list->drop->ctx, list->drop->dirfd);
        calls++;
        if (rc < 0 && (dwi_err_errno(rc) == ENOSYS || dwi_err_errno(rc) == EINVAL || dwi_err_errno(rc) == ENOTSUP)) {
            dwi_mutex_lock(&g->mu);
            g->no_syncfs = 1;
            dwi_mutex_unlock(&g->mu);
            rc = DWI_GROUP_OWN_FLUSH;
        }
    }
    unsigned published = 0;
    for (waiter *w = list; w; w = w->next) {
        dwi_group_job *j = w->job;
        j->flush_rc = rc;
        w->skip = 1;
        if (rc)
            continue;
        j->st = dwi_publish(j->msg, j->fixed_name, j->final, j->err);
        w->skip = j->st != DW_OK;
        published += !w->skip;
    }
    if (!published)
        return calls;
    uint64_t fsyncs = flush_dirs(g, list);
    for (waiter *w = list; w; w = w->next)
        if (!w->skip)
            w->job->dir_rc = w->rc;
    dwi_mutex_lock(&g->mu);
    g->dir.rounds++;
    g->dir.covered += published;
    g->dir.flushes += fsyncs;
    dwi_mutex_unlock(&g->mu);
    return calls;
}

/* The leader of a round, before it flushes: without this, the first writer back from a round leads a round
 * of its own at once and the others, a moment behind it, queue for the next one, so rounds alternate
 * between one writer and the rest and every writer waits for about two flushes (measured: 4.3 writers per
 * round for 8 writers, doc/performance.md "Where a group round's time goes"). So the leader waits until as
 * many writers are pending as took part in the last round or queued during it -- those that will be back
 * -- but never longer than the last flush took (at most GATHER_MAX_US): a writer that does not come back
 * costs one such wait, after which the expectation follows the rounds. A writer alone is never waited
 * for (it expects itself). DW_FLUSH_SYNCFS rounds only: in DW_FLUSH_DIRECTORY each writer's own file fsync
 * spreads the arrivals, and gathering measured mixed there. Called and returns with g->mu held, p->leading
 * set. */
static void gather(dw_flush_group *g, phase *p, dw_drop *d)
{
    if (p->npending >= p->expect || g->held)
        return;
    uint64_t limit = p->last_us < GATHER_MAX_US ? p->last_us : GATHER_MAX_US;
    uint64_t t0 = d->ops->monotonic_us(d->ctx), now = t0;
    p->gathers++;
    if (limit > p->gather_limit_max_us)
        p->gather_limit_max_us = limit;
    while (p->npending < p->expect && !g->held && now - t0 < limit) {
        int out = arrive_wait(&p->arrive, &g->mu, limit - (now - t0));
        now = d->ops->monotonic_us(d->ctx);
        if (out)
            break;
    }
    p->gather_us += now - t0;
}

/* Join the next flush of phase p (leading it when no one else does) and return this writer's result. */
static int group_wait(dw_flush_group *g, phase *p, dw_drop *d, dwi_group_job *job,
                      uint64_t (*flush)(dw_flush_group *, waiter *))
{
    waiter me = {.drop = d, .job = job};
    dwi_mutex_lock(&g->mu);
    me.next = p->pending;
    p->pending = &me;
    p->npending++;
    if (p->leading)
        dwi_cond_broadcast(&p->arrive); /* a gathering leader counts arrivals (no one else waits on it) */
    while (!me.done) {
        if (p->leading || g->held) {
            dwi_cond_wait(&p->cv, &g->mu);
            continue;
        }
        /* Lead: gather the round, then take everyone waiting (me included; all finished their step before
         * this point) and flush for all. */
        p->leading = 1;
        if (p == &g->data) /* the directory fsyncs alone: gathering measured mixed (0.8-1.1x), not kept */
            gather(g, p, d);
        if (g->held) {
            /* a test held the flushes while we gathered: let the release start the round */
            p->leading = 0;
            continue;
        }
        waiter *list = p->pending;
        unsigned n = p->npending;
        p->pending = NULL;
        p->npending = 0;
        dwi_mutex_unlock(&g->mu);
        uint64_t t0 = d->ops->monotonic_us(d->ctx);
        uint64_t flushes = flush(g, list);
        uint64_t t1 = d->ops->monotonic_us(d->ctx);
        dwi_mutex_lock(&g->mu);
        for (waiter *w = list; w; w = w->next)
            w->done = 1;
        p->leading = 0;
        p->rounds++;
        p->covered += n;
        p->flushes += flushes;
        p->last_us = t1 - t0;
        p->expect = n + p->npending;
        dwi_cond_broadcast(&p->cv);
    }
    dwi_mutex_unlock(&g->mu);
    return me.rc;
}

int dwi_group_sync_dir(dw_drop *d)
{
    dw_flush_group *g = atomic_load(&d->group);
    if (!g) {
        /* no group (the default): the handle's own directory fsync, as before group commit */
        int rc = dwi_inject(d, DW_OP_DIR_FSYNC);
        return rc ? rc : d->ops->fsync(d->ctx, d->dirfd, 0);
    }
    return group_wait(g, &g->dir, d, NULL, flush_dirs);
}

int dwi_group_shares_data(dw_drop *d)
{
    dw_flush_group *g = atomic_load(&d->group);
    if (!g)
        return 0;
    dwi_mutex_lock(&g->mu);
    int shared = g->mode == DW_FLUSH_SYNCFS && !g->no_syncfs;
    dwi_mutex_unlock(&g->mu);
    return shared;
}

void dwi_group_commit(dw_drop *d, dwi_group_job *job)
{
    dw_flush_group *g = atomic_load(&d->group);
    job->flush_rc = DWI_GROUP_OWN_FLUSH;
    job->st = DW_OK;
    job->dir_rc = 0;
    if (g)
        (void)group_wait(g, &g->data, d, job, flush_data);
}

void dwi_group_hold(dw_flush_group *g, int hold)
{
    dwi_mutex_lock(&g->mu);
    g->held = hold;
    dwi_cond_broadcast(&g->data.arrive);
    dwi_cond_broadcast(&g->dir.arrive);
    dwi_cond_broadcast(&g->data.cv);
    dwi_cond_broadcast(&g->dir.cv);
    dwi_mutex_unlock(&g->mu);
}

unsigned dwi_group_pending(dw_flush_group *g)
{
    dwi_mutex_lock(&g->mu);
    unsigned n = g->data.npending + g->dir.npending;
    dwi_mutex_unlock(&g->mu);
    return n;
}

/* One phase's counters (p is g->dir or g->data), read under g->mu. */
static void phase_stats(dw_flush_group *g, const phase *p, uint64_t *rounds, uint64_t *covered, uint64_t *flushes)
{
    dwi_mutex_lock(&g->mu);
    if (rounds)
        *rounds = p->rounds;
    if (covered)
        *covered = p->covered;
    if (flushes)
        *flushes = p->flushes;
    dwi_mutex_unlock(&g->mu);
}

void dwi_group_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *fsyncs)
{
    phase_stats(g, &g->dir, rounds, covered, fsyncs);
}

void dwi_group_data_stats(dw_flush_group *g, uint64_t *rounds, uint64_t *covered, uint64_t *syncfs_calls)
{
    phase_stats(g, &g->data, rounds, covered, syncfs_calls);
}

void dwi_group_gather_stats(dw_flush_group *g, uint64_t *waits, uint64_t *us, uint64_t *limit_max_us)
{
    dwi_mutex_lock(&g->mu);
    if (waits)
        *waits = g->data.gathers;
    if (us)
        *us = g->data.gather_us;
    if (limit_max_us)
        *limit_max_us = g->data.gather_limit_max_us;
    dwi_mutex_unlock(&g->mu);
}
