/* SPDX-License-Identifier: MIT */
/*
 * Section 7 of the benchmark: group commit (issue 20, opt-in). W writer threads share one handle in a
 * dw_flush_group (or each has its own handle, all in one group; or one handle in a DW_FLUSH_SYNCFS group)
 * and write durable 4 KiB messages for a fixed time; the baseline is W threads each running the raw durable
 * sequence (openat(O_EXCL) → write → fsync → close → renameat → fsync(dir)) in the same kind of
 * directory. Rounds alternate the order; every round writes into directories under a parent flagged
 * FS_TOPDIR_FL (fresh block groups on ext4) and nothing is deleted before the section ends. Per-call
 * latencies give p50 and p99 of both sides; the added latency is the library's minus the raw one. Three
 * bounds of any group commit: the "ceiling" side runs the raw sequence without any flush, the "flush
 * bound" is 8 x the rate of one raw writer (a round cannot be faster than one lone durable write), and the
 * "round floor" times only the flushes and renames a round of 8 must do (group_floor).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "dropwatch.h"

#define GROUP_MAX_WRITERS 16
#define GROUP_MAX_CALLS 200000

/* A raw group commit outside the library (the best a group could do with the same flushes): writers
 * leave their written temp files to a leader, which gathers the last round's writers (as the library does),
 * flushes them all (one syncfs, or an fdatasync of each file), renames them all and fsyncs the directory
 * once; one phase, so each writer waits once. */
typedef struct rwaiter {
    struct rwaiter *next;
    int fd;
    char tmp[96], fin[96];
    int done;
} rwaiter;

typedef struct rawgroup {
    pthread_mutex_t mu;
    pthread_cond_t cv, arrive; /* a round's end; a writer joined (for a gathering leader) */
    rwaiter *pending;
    unsigned npending, expect; /* expect: the last round's writers plus those that queued during it */
    double last;               /* the last round's flush, seconds */
    int leading;
    int fdatasync_round; /* 0: one syncfs; 1: the leader fdatasyncs every waiter's file */
    int dirfd;
} rawgroup;

typedef struct gside {
    const char *dir;
    rawgroup *rg;  /* raw group commit (NULL: library or raw sequence) */
    dw_drop *drop; /* NULL: raw sequence */
    int durable;   /* raw sequence: with its two fsyncs (0: the ceiling, no flush at all) */
    int dirfd;
    unsigned writer;
    double until;
    unsigned files;
    double *lat;   /* seconds per call */
    unsigned nlat, cap;
    pthread_barrier_t *barrier;
} gside;

static const char *group_msg;
static char group_dirs[256][4096]; /* removed when the section ends, not before (fresh block groups) */
static unsigned group_ndirs;
static size_t group_len;

static void rawgroup_commit(rawgroup *g, rwaiter *me)
{
    pthread_mutex_lock(&g->mu);
    me->done = 0;
    me->next = g->pending;
    g->pending = me;
    g->npending++;
    pthread_cond_signal(&g->arrive);
    while (!me->done) {
        if (g->leading) {
            pthread_cond_wait(&g->cv, &g->mu);
            continue;
        }
        g->leading = 1;
        if (g->npending < g->expect) {
            /* gather the last round's writers before flushing, at most one flush's time (2 ms), as the
             * library does (lib/group_commit.c gather()): otherwise rounds alternate 1 and 7 writers */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += (long)((g->last < 0.002 ? g->last : 0.002) * 1e9);
            ts.tv_sec += ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
            while (g->npending < g->expect)
                if (pthread_cond_timedwait(&g->arrive, &g->mu, &ts) == ETIMEDOUT)
                    break;
        }
        rwaiter *list = g->pending;
        unsigned n = g->npending;
        g->pending = NULL;
        g->npending = 0;
        pthread_mutex_unlock(&g->mu);
        double t0 = bench_now();
        if (g->fdatasync_round) {
            for (rwaiter *w = list; w; w = w->next)
                if (fdatasync(w->fd) != 0)
                    bench_die("raw group fdatasync: %s", strerror(errno));
        } else if (syncfs(g->dirfd) != 0) {
            bench_die("raw group syncfs: %s", strerror(errno));
        }
        for (rwaiter *w = list; w; w = w->next)
            if (renameat(g->dirfd, w->tmp, g->dirfd, w->fin) != 0)
                bench_die("raw group renameat: %s", strerror(errno));
        if (fsync(g->dirfd) != 0)
            bench_die("raw group fsync(dir): %s", strerror(errno));
        pthread_mutex_lock(&g->mu);
        g->last = bench_now() - t0;
        g->expect = n + g->npending;
        for (rwaiter *w = list; w; w = w->next)
            w->done = 1;
        g->leading = 0;
        pthread_cond_broadcast(&g->cv);
    }
    pthread_mutex_unlock(&g->mu);
}

static void group_raw_grouped(rawgroup *g, unsigned writer, unsigned seq)
{
    rwaiter me;
    snprintf(me.tmp, sizeof me.tmp, ".rg-%u-%u.tmp", writer, seq);
    snprintf(me.fin, sizeof me.fin, "rg-%u-%u.eml", writer, seq);
    me.fd = openat(g->dirfd, me.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (me.fd < 0)
        bench_die("raw openat %s: %s", me.tmp, strerror(errno));
    if (write(me.fd, group_msg, group_len) != (ssize_t)group_len)
        bench_die("raw write: %s", strerror(errno));
    rawgroup_commit(g, &me);
    if (close(me.fd) != 0)
        bench_die("raw close: %s", strerror(errno));
}

static void *group_thread(void *p)
{
    gside *s = p;
    char tag[16];
    snprintf(tag, sizeof tag, "%u", s->writer);
    pthread_barrier_wait(s->barrier);
    for (unsigned seq = 0; bench_now() < s->until; seq++) {
        double t0 = bench_now();
        if (s->drop) {
            dw_io_error err;
            char name[DW_FILE_NAME_MAX];
            dw_status st = dw_drop_write(s->drop, group_msg, group_len, NULL, name, sizeof name, NULL, &err);
            if (st != DW_OK)
                bench_die("dw_drop_write: %s (op %s, errno %d)", dw_status_name(st), dw_op_name(err.op),
                          err.sys_errno);
        } else if (s->rg) {
            group_raw_grouped(s->rg, s->writer, seq);
        } else {
            bench_raw_write(s->dirfd, tag, seq, group_msg, group_len, s->durable, NULL, 0);
        }
        double dt = bench_now() - t0;
        if (s->nlat < s->cap)
            s->lat[s->nlat++] = dt;
        s->files++;
    }
    return NULL;
}

/* What one side runs. */
enum {
    SIDE_RAW = 0,    /* each thread the raw durable sequence (the baseline) */
    SIDE_ONE = 1,    /* one handle for all threads, in a DW_FLUSH_DIRECTORY group */
    SIDE_EACH = 2,   /* a handle per thread, all in one DW_FLUSH_DIRECTORY group */
    SIDE_SYNCFS = 3, /* one handle for all threads, in a DW_FLUSH_SYNCFS group */
    SIDE_CEIL = 4,   /* each thread the raw sequence without any flush: the ceiling of any group commit */
    SIDE_RAW_SYNCFS = 5,   /* raw group commit outside the library: one syncfs, renames, one dir fsync */
    SIDE_RAW_FDATASYNC = 6, /* the same with the leader fdatasyncing each file instead of the syncfs */
    SIDE_FLOOR = 7          /* one thread, whole rounds of 8 by itself: the flushes a round cannot skip */
};

/* The round floor: one thread writes 8 temp files, then does what every round of a syncfs group must do
 * after them (one syncfs, 8 renames, one directory fsync), for run_ms. Only the time of those three steps
 * counts, so 8 files per such step is more than any group of 8 writers can deliver with two ordered
 * flushes per round: its ratio against 8 raw writers bounds the group's. */
static double group_floor(const char *dir, double run_ms)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        bench_die("open %s: %s", dir, strerror(errno));
    (void)syncfs(dirfd);
    double until = bench_now() + run_ms / 1000.0, flushing = 0;
    unsigned files = 0;
    for (unsigned round = 0; bench_now() < until; round++) {
        char tmp[8][64], fin[8][64];
        for (unsigned i = 0; i < 8; i++) {
            snprintf(tmp[i], sizeof tmp[i], ".fl-%u-%u.tmp", round, i);
            snprintf(fin[i], sizeof fin[i], "fl-%u-%u.eml", round, i);
            int fd = openat(dirfd, tmp[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
            if (fd < 0 || write(fd, group_msg, group_len) != (ssize_t)group_len || close(fd) != 0)
                bench_die("floor write %s: %s", tmp[i], strerror(errno));
        }
        double t0 = bench_now();
        if (syncfs(dirfd) != 0)
            bench_die("floor syncfs: %s", strerror(errno));
        for (unsigned i = 0; i < 8; i++)
            if (renameat(dirfd, tmp[i], dirfd, fin[i]) != 0)
                bench_die("floor rename: %s", strerror(errno));
        if (fsync(dirfd) != 0)
            bench_die("floor fsync(dir): %s", strerror(errno));
        flushing += bench_now() - t0;
        files += 8;
    }
    close(dirfd);
    return flushing > 0 ? files / flushing : 0;
}

/* One side: `writers` threads for run_ms in a new directory under parent; files/s, latencies appended. */
static double group_side(const char *parent, int side, unsigned writers, double run_ms, double *lat, unsigned *nlat,
                         unsigned cap)
{
    char dir[4096];
    int lib = side == SIDE_ONE || side == SIDE_SYNCFS ? 1 : side == SIDE_EACH ? 2 : 0;
    bench_scratch_make(parent, lib ? "glib" : "graw", dir, sizeof dir);
    if (group_ndirs < 256)
        snprintf(group_dirs[group_ndirs++], sizeof group_dirs[0], "%s", dir);
    if (side == SIDE_FLOOR)
        return group_floor(dir, run_ms);
    dw_drop *ds[GROUP_MAX_WRITERS] = {NULL};
    dw_flush_group *g = NULL;
    int dirfd = -1;
    /* lib 1: one handle for all threads; lib 2: a handle per thread; either way in one dw_flush_group */
    for (unsigned w = 0; lib && w < (lib == 2 ? writers : 1); w++) {
        dw_io_error err;
        if (dw_drop_open(&ds[w], dir, NULL, &err) != DW_OK)
            bench_die("dw_drop_open %s: errno %d", dir, err.sys_errno);
        dw_flush_group_options go = DW_FLUSH_GROUP_OPTIONS_INIT;
        go.mode = side == SIDE_SYNCFS ? DW_FLUSH_SYNCFS : DW_FLUSH_DIRECTORY;
        if ((!g && dw_flush_group_new_ex(&g, &go) != DW_OK) || dw_drop_set_flush_group(ds[w], g, &err) != DW_OK)
            bench_die("flush group: errno %d", err.sys_errno);
    }
    if (lib) {
        for (unsigned w = 1; lib == 1 && w < writers; w++)
            ds[w] = ds[0];
    } else {
        dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
            bench_die("open %s: %s", dir, strerror(errno));
    }
    {
        /* settle: each side pays only for its own data, not for what the previous side left dirty */
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            (void)syncfs(fd);
            close(fd);
        }
    }
    rawgroup rg, *rgp = NULL;
    if (side == SIDE_RAW_SYNCFS || side == SIDE_RAW_FDATASYNC) {
        rg = (rawgroup){.fdatasync_round = side == SIDE_RAW_FDATASYNC, .dirfd = dirfd};
        pthread_mutex_init(&rg.mu, NULL);
        pthread_cond_init(&rg.cv, NULL);
        pthread_cond_init(&rg.arrive, NULL);
        rgp = &rg;
    }
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, writers + 1);
    gside s[GROUP_MAX_WRITERS];
    pthread_t th[GROUP_MAX_WRITERS];
    double until = bench_now() + 0.005 + run_ms / 1000.0;
    for (unsigned w = 0; w < writers; w++) {
        s[w] = (gside){dir, rgp, ds[w], side != SIDE_CEIL, dirfd, w, until, 0, lat + *nlat + w * ((cap - *nlat) / writers), 0,
                       (cap - *nlat) / writers, &barrier};
        if (pthread_create(&th[w], NULL, group_thread, &s[w]) != 0)
            bench_die("pthread_create failed");
    }
    pthread_barrier_wait(&barrier);
    double t0 = bench_now();
    unsigned files = 0;
    for (unsigned w = 0; w < writers; w++)
        pthread_join(th[w], NULL);
    double t1 = bench_now();
    pthread_barrier_destroy(&barrier);
    if (rgp) {
        pthread_cond_destroy(&rg.arrive);
        pthread_cond_destroy(&rg.cv);
        pthread_mutex_destroy(&rg.mu);
    }
    /* compact the latencies of every writer after those already collected */
    unsigned at = *nlat;
    for (unsigned w = 0; w < writers; w++) {
        memmove(lat + at, s[w].lat, s[w].nlat * sizeof *lat);
        at += s[w].nlat;
        files += s[w].files;
    }
    *nlat = at;
    for (unsigned w = 0; lib && w < (lib == 2 ? writers : 1); w++)
        dw_drop_close(ds[w]);
    dw_flush_group_free(g);
    if (!lib)
        close(dirfd);
    return files / (t1 - t0);
}

static void loadavg(char *buf, size_t size)
{
    snprintf(buf, size, "?");
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        double a;
        if (fscanf(f, "%lf", &a) == 1)
            snprintf(buf, size, "%.2f", a);
        fclose(f);
    }
}

void bench_group(const char *parent)
{
    static const char section[] = "7. Group commit";
    char fs[512], spread[4096];
    bench_fs_label(parent, fs, sizeof fs);
    int fresh = bench_spread_parent(parent, "group", spread, sizeof spread);
    group_len = 4096;
    char *msg = malloc(group_len);
    if (!msg)
        bench_die("out of memory");
    memset(msg, 'x', group_len);
    memcpy(msg, "Subject: group\r\n\r\n", 18);
    group_msg = msg;
    static const struct {
        unsigned writers;
        int lib;
        const char *how;
        double target;
    } cases[] = {{1, SIDE_ONE, "one handle in a dw_flush_group", 0.95},
                 {1, SIDE_SYNCFS, "one handle in a syncfs dw_flush_group", 0.95},
                 {8, SIDE_ONE, "one handle in a dw_flush_group", 3.0},
                 {8, SIDE_EACH, "a handle each, one dw_flush_group", 3.0},
                 {8, SIDE_SYNCFS, "one handle in a syncfs dw_flush_group", 3.0},
                 {8, SIDE_RAW_SYNCFS, "raw group commit outside the library (leader: 1 syncfs, renames, 1 dir fsync)", 0},
                 {8, SIDE_RAW_FDATASYNC, "raw group commit outside the library (leader: fdatasync of each file, renames, 1 dir fsync)", 0},
                 {8, SIDE_CEIL, "the raw sequence without any fsync (ceiling of any group commit)", 0},
                 {8, SIDE_FLOOR, "round floor: 1 syncfs + 8 renames + 1 dir fsync per 8 files, nothing else timed", 0}};
    const size_t ncases = sizeof cases / sizeof cases[0];
    unsigned rounds = bench_cfg.rounds < 2 ? 2 : bench_cfg.rounds;
    double *lat_lib = malloc(GROUP_MAX_CALLS * sizeof(double)), *lat_raw = malloc(GROUP_MAX_CALLS * sizeof(double));
    if (!lat_lib || !lat_raw)
        bench_die("out of memory");
    for (size_t ci = 0; ci < ncases; ci++) {
        unsigned writers = cases[ci].writers;
        int how = cases[ci].lib;
        double lib[64], base[64], one[64];
        unsigned nlib = 0, nraw = 0, none = 0;
        char load0[32], load1[32];
        loadavg(load0, sizeof load0);
        for (unsigned r = 0; r < rounds && r < 64; r++) {
            /* the ceiling's rounds also run 1 raw writer, for the flush bound in the same rounds */
            if (how == SIDE_CEIL && r % 2 == 1)
                one[r] = group_side(spread, SIDE_RAW, 1, bench_cfg.run_ms, lat_raw, &none, GROUP_MAX_CALLS);
            if (r % 2 == 0) {
                lib[r] = group_side(spread, how, writers, bench_cfg.run_ms, lat_lib, &nlib, GROUP_MAX_CALLS);
                base[r] = group_side(spread, 0, writers, bench_cfg.run_ms, lat_raw, &nraw, GROUP_MAX_CALLS);
            } else {
                base[r] = group_side(spread, 0, writers, bench_cfg.run_ms, lat_raw, &nraw, GROUP_MAX_CALLS);
                lib[r] = group_side(spread, how, writers, bench_cfg.run_ms, lat_lib, &nlib, GROUP_MAX_CALLS);
            }
            if (how == SIDE_CEIL && r % 2 == 0)
                one[r] = group_side(spread, SIDE_RAW, 1, bench_cfg.run_ms, lat_raw, &none, GROUP_MAX_CALLS);
            if (how == SIDE_CEIL)
                one[r] *= writers;
        }
        loadavg(load1, sizeof load1);
        char what[200], note[600], bname[200];
        if (how == SIDE_FLOOR)
            snprintf(what, sizeof what, "%s, durable 4 KiB%s", cases[ci].how, fresh ? ", fresh block groups" : "");
        else
            snprintf(what, sizeof what, "%u writer thread%s, %s, %s4 KiB%s", writers, writers == 1 ? "" : "s",
                     cases[ci].how, how == SIDE_CEIL ? "" : "durable ", fresh ? ", fresh block groups" : "");
        snprintf(bname, sizeof bname, "%u thread%s, each the raw sequence", writers, writers == 1 ? "" : "s");
        if (how == SIDE_FLOOR)
            snprintf(note, sizeof note,
                     "one thread: 8 files over the time of its syncfs, renames and directory fsync only (the 8 "
                     "create+writes before them are not timed), so no group of %u writers with these two "
                     "ordered flushes per round can beat it; %.0f ms per side and round; load average %s → %s",
                     writers, bench_cfg.run_ms, load0, load1);
        else
            snprintf(note, sizeof note,
                     "aggregate files/s; %.0f ms per side and round, order alternating; load average %s → %s "
                     "(1 min, 2 vCPUs shared)",
                     bench_cfg.run_ms, load0, load1);
        bench_row_pair(section, fs, what, "files/s", BENCH_HIGHER_BETTER, lib, base, rounds, bname,
                       cases[ci].target > 0, cases[ci].target, note);
        if (how == SIDE_CEIL) {
            /* A group's round waits at least for the two flushes one writer alone waits for and covers at
             * most the 8 writers: 8 x the lone raw writer's rate bounds any group, whatever it shares. */
            snprintf(what, sizeof what, "%u × the rate of 1 raw writer (flush bound of any group commit of %u)",
                     writers, writers);
            snprintf(note, sizeof note,
                     "1 raw writer run in the ceiling's rounds; a round of a group waits at least for the "
                     "flushes of one lone durable write and covers at most %u writers; load average %s → %s",
                     writers, load0, load1);
            bench_row_pair(section, fs, what, "files/s", BENCH_HIGHER_BETTER, one, base, rounds, bname, 0, 0, note);
            continue; /* no library latency here */
        }
        if (how == SIDE_FLOOR)
            continue; /* one thread timing only its flushes: no latency per call to compare */
        double p50l = bench_quantile(lat_lib, nlib, 0.5) * 1e6, p99l = bench_quantile(lat_lib, nlib, 0.99) * 1e6;
        double p50r = bench_quantile(lat_raw, nraw, 0.5) * 1e6, p99r = bench_quantile(lat_raw, nraw, 0.99) * 1e6;
        char lv[120], bv[120], rv[120];
        snprintf(lv, sizeof lv, "p50 %.0f µs, p99 %.0f µs", p50l, p99l);
        snprintf(bv, sizeof bv, "p50 %.0f µs, p99 %.0f µs", p50r, p99r);
        snprintf(rv, sizeof rv, "added p50 %+.0f µs, p99 %+.0f µs", p50l - p50r, p99l - p99r);
        snprintf(what, sizeof what, "%u writer thread%s, %s: latency per call", writers, writers == 1 ? "" : "s",
                 cases[ci].how);
        snprintf(note, sizeof note, "%u library calls, %u raw sequences", nlib, nraw);
        bench_row_text(section, fs, what, "µs", lv, bname, bv, rv, NULL, "info", note);
    }
    free(lat_lib);
    free(lat_raw);
    free(msg);
    for (unsigned i = 0; i < group_ndirs; i++)
        bench_scratch_remove(group_dirs[i]);
    group_ndirs = 0;
    bench_scratch_remove(spread);
}
