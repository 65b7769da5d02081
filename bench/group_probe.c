/* SPDX-License-Identifier: MIT */
/*
 * Where a group round's time goes (issue 20): a stand-alone probe, not part of dw_bench and not built by
 * `make`. W writer threads deliver durable 4 KiB files into DIR for MS milliseconds, either each the raw
 * sequence ("lone": openat, write, fsync, close, renameat, fsync(dir)) or through a raw group commit whose
 * leader flushes every waiting file ("syncfs": one syncfs; "fdatasync": an fdatasync of each file;
 * "uring": the same fdatasyncs submitted at once through io_uring, when built with -DPROBE_URING
 * -luring), renames them all and fsyncs the directory once. Each phase is timed with clock_gettime:
 * per writer the create+write, per round the flush, the renames and the directory fsync, and the size
 * of each round. "wait" makes the leader wait (at most one flush's time) until as many writers are
 * pending as took part in the previous round and queued during it; "sfr" has each writer start the
 * write-back of its file itself (sync_file_range(SYNC_FILE_RANGE_WRITE)) before it joins; "lanes=L" splits
 * the writers into L groups (writer i in group i % L), so up to L rounds run at once.
 *
 *   cc -O2 -pthread -o group_probe bench/group_probe.c [-DPROBE_URING -luring]
 *   ./group_probe DIR lone|syncfs|fdatasync|uring WRITERS MS [wait] [sfr] [lanes=L]
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
#ifdef PROBE_URING
#include <liburing.h>
#endif

enum { LONE, SYNCFS, FDATASYNC, URING };

typedef struct rw {
    struct rw *next;
    int fd;
    char tmp[64], fin[64];
    int done;
} rw;

typedef struct lane {
    pthread_mutex_t mu;
    pthread_cond_t cv, arrive;
    rw *pending;
    unsigned npending, pop;
    int leading;
    double last_flush;
} lane;
/* "lanes=L": writer i joins group i % L, so up to L rounds run at once (default 1) */
static lane lanes_[8];
static unsigned nlanes = 1;
static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;

static int mode, dirfd_, wait_pop, sfr;
static double until;
static char msg[4096];
/* totals, under G.mu */
static double t_cw, t_flush, t_ren, t_dir, t_wait, t_lead_wait, t_fsync1, t_dir1;
static unsigned long n_files, n_rounds, n_covered;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", what, strerror(errno));
    exit(1);
}

static void flush_files(rw *list)
{
    if (mode == SYNCFS) {
        if (syncfs(dirfd_) != 0)
            die("syncfs");
    } else if (mode == FDATASYNC) {
        for (rw *w = list; w; w = w->next)
            if (fdatasync(w->fd) != 0)
                die("fdatasync");
    } else {
#ifdef PROBE_URING
        static __thread struct io_uring ring;
        static __thread int ready;
        if (!ready) {
            if (io_uring_queue_init(64, &ring, 0) < 0)
                die("io_uring_queue_init");
            ready = 1;
        }
        unsigned n = 0;
        for (rw *w = list; w; w = w->next, n++) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            io_uring_prep_fsync(sqe, w->fd, IORING_FSYNC_DATASYNC);
        }
        io_uring_submit(&ring);
        for (unsigned i = 0; i < n; i++) {
            struct io_uring_cqe *cqe;
            if (io_uring_wait_cqe(&ring, &cqe) < 0 || cqe->res < 0)
                die("uring fsync");
            io_uring_cqe_seen(&ring, cqe);
        }
#else
        (void)list;
        errno = ENOSYS;
        die("built without -DPROBE_URING");
#endif
    }
}

static void commit(lane *lp, rw *me)
{
#define G (*lp)
    double t0 = now();
    pthread_mutex_lock(&G.mu);
    me->done = 0;
    me->next = G.pending;
    G.pending = me;
    G.npending++;
    pthread_cond_signal(&G.arrive);
    while (!me->done) {
        if (G.leading) {
            pthread_cond_wait(&G.cv, &G.mu);
            continue;
        }
        if (wait_pop && G.npending < G.pop) {
            /* wait for the rest of last round's writers, at most one flush's time */
            double lw0 = now(), span = G.last_flush < 0.002 ? G.last_flush : 0.002;
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts); /* the condition's clock */
            ts.tv_nsec += (long)(span * 1e9);
            ts.tv_sec += ts.tv_nsec / 1000000000L;
            ts.tv_nsec %= 1000000000L;
            G.leading = 1; /* later arrivals queue instead of leading */
            while (G.npending < G.pop)
                if (pthread_cond_timedwait(&G.arrive, &G.mu, &ts) == ETIMEDOUT)
                    break;
            t_lead_wait += now() - lw0;
        }
        rw *list = G.pending;
        unsigned n = G.npending;
        G.pending = NULL;
        G.npending = 0;
        G.leading = 1;
        pthread_mutex_unlock(&G.mu);
        double a = now();
        flush_files(list);
        double b = now();
        for (rw *w = list; w; w = w->next)
            if (renameat(dirfd_, w->tmp, dirfd_, w->fin) != 0)
                die("renameat");
        double c = now();
        if (fsync(dirfd_) != 0)
            die("fsync(dir)");
        double d = now();
        pthread_mutex_lock(&G.mu);
        pthread_mutex_lock(&stats_mu);
        t_flush += b - a;
        t_ren += c - b;
        t_dir += d - c;
        n_rounds++;
        n_covered += n;
        pthread_mutex_unlock(&stats_mu);
        G.last_flush = d - a;
        G.pop = n + G.npending;
        for (rw *w = list; w; w = w->next)
            w->done = 1;
        G.leading = 0;
        pthread_cond_broadcast(&G.cv);
    }
    pthread_mutex_unlock(&G.mu);
    pthread_mutex_lock(&stats_mu);
    t_wait += now() - t0;
    pthread_mutex_unlock(&stats_mu);
#undef G
}

static void *writer(void *arg)
{
    unsigned id = (unsigned)(size_t)arg;
    double cw = 0, f1 = 0, d1 = 0;
    unsigned long files = 0;
    for (unsigned seq = 0; now() < until; seq++) {
        rw me;
        snprintf(me.tmp, sizeof me.tmp, ".p-%u-%u.tmp", id, seq);
        snprintf(me.fin, sizeof me.fin, "p-%u-%u.eml", id, seq);
        double a = now();
        me.fd = openat(dirfd_, me.tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (me.fd < 0)
            die("openat");
        if (write(me.fd, msg, sizeof msg) != (ssize_t)sizeof msg)
            die("write");
        if (sfr && sync_file_range(me.fd, 0, 0, SYNC_FILE_RANGE_WRITE) != 0)
            die("sync_file_range");
        double b = now();
        cw += b - a;
        if (mode == LONE) {
            if (fsync(me.fd) != 0)
                die("fsync");
            double c = now();
            if (close(me.fd) != 0 || renameat(dirfd_, me.tmp, dirfd_, me.fin) != 0)
                die("close/rename");
            double e = now();
            if (fsync(dirfd_) != 0)
                die("fsync(dir)");
            f1 += c - b;
            d1 += now() - e;
        } else {
            commit(&lanes_[id % nlanes], &me);
            close(me.fd);
        }
        files++;
    }
    pthread_mutex_lock(&stats_mu);
    t_cw += cw;
    t_fsync1 += f1;
    t_dir1 += d1;
    n_files += files;
    pthread_mutex_unlock(&stats_mu);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: %s DIR lone|syncfs|fdatasync|uring WRITERS MS [wait] [sfr] [lanes=L]\n", argv[0]);
        return 2;
    }
    mode = !strcmp(argv[2], "lone") ? LONE : !strcmp(argv[2], "syncfs") ? SYNCFS
                                          : !strcmp(argv[2], "fdatasync") ? FDATASYNC : URING;
    unsigned n = (unsigned)atoi(argv[3]);
    for (int i = 5; i < argc; i++) {
        wait_pop |= !strcmp(argv[i], "wait");
        sfr |= !strcmp(argv[i], "sfr");
        if (!strncmp(argv[i], "lanes=", 6))
            nlanes = (unsigned)atoi(argv[i] + 6);
    }
    if (nlanes < 1 || nlanes > 8)
        nlanes = 1;
    for (unsigned i = 0; i < 8; i++) {
        pthread_mutex_init(&lanes_[i].mu, NULL);
        pthread_cond_init(&lanes_[i].cv, NULL);
        pthread_cond_init(&lanes_[i].arrive, NULL);
    }
    memset(msg, 'x', sizeof msg);
    dirfd_ = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd_ < 0)
        die(argv[1]);
    syncfs(dirfd_);
    pthread_t th[64];
    double t0 = now();
    until = t0 + atoi(argv[4]) / 1000.0;
    for (unsigned i = 0; i < n && i < 64; i++)
        pthread_create(&th[i], NULL, writer, (void *)(size_t)i);
    for (unsigned i = 0; i < n && i < 64; i++)
        pthread_join(th[i], NULL);
    double el = now() - t0;
    printf("%-9s W=%u%s%s L=%u files/s %7.0f | per file: create+write %5.0f us", argv[2], n, wait_pop ? " wait" : "",
           sfr ? " sfr" : "", nlanes, n_files / el, t_cw / n_files * 1e6);
    if (mode == LONE)
        printf(", fsync %5.0f us, dir fsync %5.0f us\n", t_fsync1 / n_files * 1e6, t_dir1 / n_files * 1e6);
    else
        printf(", in commit %5.0f us | rounds %lu, %.2f writers/round, per round: flush %5.0f us, renames %4.0f "
               "us, dir fsync %5.0f us, leader waits %4.0f us\n",
               t_wait / n_files * 1e6, n_rounds, (double)n_covered / n_rounds, t_flush / n_rounds * 1e6,
               t_ren / n_rounds * 1e6, t_dir / n_rounds * 1e6, t_lead_wait / n_rounds * 1e6);
    return 0;
}
