/* SPDX-License-Identifier: MIT */
/*
 * bench_io.c - the file-system sections of dw_bench: delivery throughput, batches, cost as the directory
 * fills, and concurrent writers. The baseline of each is the raw syscall sequence written inline here.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/fs.h>
#endif

#include "dropwatch.h"
#include "bench.h"

/* ---- scratch directories --------------------------------------------------------------------------- */

static unsigned scratch_seq;

/*
 * Scratch directories still present, removed at exit if a run dies half-way (main process only). It grows:
 * the batch section keeps four a round, in two places, until it ends.
 */
static char **scratch_live;
static size_t scratch_cap;
static pid_t scratch_owner;

/* Remove `dir` and what is in it, one level of subdirectories deep (the batch section's parent). */
static void remove_quietly_depth(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno == EISDIR && depth > 0) {
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            remove_quietly_depth(sub, depth - 1);
        }
    }
    closedir(d);
    (void)rmdir(dir);
}

static void remove_quietly(const char *dir)
{
    remove_quietly_depth(dir, 1);
}

static void scratch_atexit(void)
{
    if (getpid() != scratch_owner)
        return;
    for (size_t i = 0; i < scratch_cap; i++)
        if (scratch_live[i] != NULL) {
            remove_quietly(scratch_live[i]);
            free(scratch_live[i]);
            scratch_live[i] = NULL;
        }
}

void bench_scratch_make(const char *parent, const char *tag, char *buf, size_t size)
{
    if (scratch_owner == 0) {
        scratch_owner = getpid();
        atexit(scratch_atexit);
    }
    for (;;) {
        snprintf(buf, size, "%s/dwbench-%ld-%s-%u", parent, (long)getpid(), tag, scratch_seq++);
        if (mkdir(buf, 0750) == 0)
            break;
        if (errno != EEXIST)
            bench_die("mkdir %s: %s", buf, strerror(errno));
    }
    size_t i = 0;
    while (i < scratch_cap && scratch_live[i] != NULL)
        i++;
    if (i == scratch_cap) {
        size_t cap = scratch_cap ? scratch_cap * 2 : 64;
        char **grown = realloc(scratch_live, cap * sizeof *grown);
        if (grown == NULL)
            bench_die("out of memory");
        memset(grown + scratch_cap, 0, (cap - scratch_cap) * sizeof *grown);
        scratch_live = grown;
        scratch_cap = cap;
    }
    scratch_live[i] = strdup(buf);
    if (scratch_live[i] == NULL)
        bench_die("out of memory");
}

static void scratch_forget(const char *dir)
{
    for (size_t i = 0; i < scratch_cap; i++)
        if (scratch_live[i] != NULL && strcmp(scratch_live[i], dir) == 0) {
            free(scratch_live[i]);
            scratch_live[i] = NULL;
        }
}

/* Flush the whole file system holding `dirfd` (everything any side left dirty). */
static void sync_fs(int dirfd)
{
#ifdef HAVE_SYNCFS
    (void)syncfs(dirfd);
#else
    (void)dirfd;
    sync();
#endif
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        sync_fs(fd);
        close(fd);
    }
}

void bench_scratch_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        bench_die("opendir %s: %s", dir, strerror(errno));
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (unlinkat(dfd, e->d_name, 0) != 0)
            bench_die("unlink %s/%s: %s", dir, e->d_name, strerror(errno));
    }
    closedir(d);
    if (rmdir(dir) != 0)
        bench_die("rmdir %s: %s", dir, strerror(errno));
    scratch_forget(dir);
}

static void write_all(int fd, const void *data, size_t len, const char *what)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            bench_die("write %s: %s", what, strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

void bench_fill_dir(const char *dir, unsigned n, size_t bytes)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        bench_die("open %s: %s", dir, strerror(errno));
    char data[4096];
    if (bytes > sizeof data)
        bytes = sizeof data;
    memset(data, 'f', sizeof data);
    /* Count what is there so the directory can be grown level by level. */
    unsigned have = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        bench_die("opendir %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        have += strncmp(e->d_name, "fill-", 5) == 0;
    closedir(d);
    char src[64] = "";
    for (unsigned i = have; i < n; i++) {
        char name[64];
        /* Shaped like the library's unique names so directory hashing sees realistic names. */
        snprintf(name, sizeof name, "fill-20260101T000000-%u-%u-%08x.eml", (unsigned)getpid(), i,
                 i * 2654435761u);
        if (bench_cfg.fill_link && src[0] != '\0' && i % 1000 != 0) {
            /* A hard link is a finished regular *.eml entry too, without allocating an inode: on a busy
             * shared disk creating 100k inodes takes minutes, linking takes about a second. */
            if (linkat(dfd, src, dfd, name, 0) != 0)
                bench_die("link %s/%s: %s", dir, name, strerror(errno));
            continue;
        }
        int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0)
            bench_die("create %s/%s: %s", dir, name, strerror(errno));
        write_all(fd, data, bytes, name);
        close(fd);
        snprintf(src, sizeof src, "%s", name);
    }
    close(dfd);
    sync_dir(dir);
}

/* ---- the raw baseline -------------------------------------------------------------------------------- */

/* The sequence the library is measured against (declared in bench.h). */
void bench_raw_write(int dirfd, const char *tag, unsigned seq, const void *data, size_t len, int durable,
                     char *final_out, size_t final_size)
{
    char tmp[96], fin[96];
    snprintf(tmp, sizeof tmp, ".raw-%s-%u.tmp", tag, seq);
    snprintf(fin, sizeof fin, "raw-%s-%u.eml", tag, seq);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        bench_die("raw openat %s: %s", tmp, strerror(errno));
    write_all(fd, data, len, tmp);
    if (durable && fsync(fd) != 0)
        bench_die("raw fsync: %s", strerror(errno));
    if (close(fd) != 0)
        bench_die("raw close: %s", strerror(errno));
    if (renameat(dirfd, tmp, dirfd, fin) != 0)
        bench_die("raw renameat: %s", strerror(errno));
    if (durable && fsync(dirfd) != 0)
        bench_die("raw fsync(dir): %s", strerror(errno));
    if (final_out != NULL)
        snprintf(final_out, final_size, "%s", fin);
}

static int open_dirfd(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        bench_die("open %s: %s", dir, strerror(errno));
    return fd;
}

static dw_drop *lib_open(const char *dir, dw_durability durability, uint64_t quota)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = durability;
    o.quota_bytes = quota;
    dw_drop *d = NULL;
    dw_io_error err;
    dw_status st = dw_drop_open(&d, dir, &o, &err);
    if (st != DW_OK)
        bench_die("dw_drop_open %s: %s (%s, errno %d, %s)", dir, dw_status_name(st), dw_class_name(err.io_class),
                  err.sys_errno, err.detail);
    return d;
}

static void lib_write(dw_drop *d, const void *data, size_t len, char *name, size_t name_size)
{
    dw_io_error err;
    char local[DW_FILE_NAME_MAX];
    if (name == NULL) {
        name = local;
        name_size = sizeof local;
    }
    dw_status st = dw_drop_write(d, data, len, NULL, name, name_size, NULL, &err);
    if (st != DW_OK)
        bench_die("dw_drop_write (%zu bytes): %s (%s, op %s, errno %d, %s)", len, dw_status_name(st),
                  dw_class_name(err.io_class), dw_op_name(err.op), err.sys_errno, err.detail);
}

/* A plausible message: headers, then body text, `len` bytes in all. */
static void *make_message(size_t len, const char *tag)
{
    char *m = malloc(len ? len : 1);
    if (m == NULL)
        bench_die("out of memory");
    int h = snprintf(m, len, "X-Bench: %s\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: bench\r\n\r\n", tag);
    size_t i = h > 0 && (size_t)h < len ? (size_t)h : 0;
    for (; i < len; i++)
        m[i] = (i % 78 == 77) ? '\n' : (char)('a' + (i * 7) % 26);
    return m;
}

/* ---- 1. delivery throughput ------------------------------------------------------------------------- */

typedef struct delivery_case {
    size_t size;
    int durable;
    unsigned count;
} delivery_case;

/*
 * One round: the library and the raw sequence each write into their own fresh directory, interleaved in
 * chunks (library chunk, raw chunk, raw chunk, library chunk, ...) and timed per chunk, so both sides see
 * the same moments of a shared, noisy disk. With c->count != 0 each side writes that many files; with 0
 * the round runs until each side has spent --run-ms (at least 8 files each), which bounds the run time
 * whatever the disk does. Rates in files per second; *files receives the files per side.
 */
static void delivery_round(const char *parent, const delivery_case *c, const void *msg, unsigned round,
                           double *lib_rate, double *raw_rate, unsigned *files)
{
    char ldir[4096], rdir[4096];
    bench_scratch_make(parent, "lib", ldir, sizeof ldir);
    bench_scratch_make(parent, "raw", rdir, sizeof rdir);
    dw_drop *d = lib_open(ldir, c->durable ? DW_DURABLE_FULL : DW_DURABLE_NONE, 0);
    int dfd = open_dirfd(rdir);
    const unsigned max = c->count ? c->count : 100000;
    /* The headline case (durable 4 KiB) gets three times the budget. */
    const double budget = bench_cfg.run_ms / 1000.0 * (c->durable && c->size == 4096 ? 3 : 1);
    /* Small chunks pair the two sides closely in time: a burst of someone else's I/O then hits both. */
    unsigned chunk = c->count ? c->count / 32 : (unsigned)(8192 / c->size);
    if (chunk < 1)
        chunk = 1;
    if (chunk > 16)
        chunk = 16;
    double lt = 0, rt = 0;
    unsigned li = 0, ri = 0;
    for (unsigned k = 0; li < max || ri < max; k++) {
        if (c->count == 0 && lt >= budget && rt >= budget && li >= 8 && ri >= 8)
            break;
        int lib_first = (k + round) % 2 == 0;
        for (int s = 0; s < 2; s++) {
            int lib = (s == 0) == lib_first;
            unsigned *i = lib ? &li : &ri;
            unsigned n = max - *i < chunk ? max - *i : chunk;
            double t0 = bench_now();
            for (unsigned j = 0; j < n; j++, (*i)++) {
                if (lib)
                    lib_write(d, msg, c->size, NULL, 0);
                else
                    bench_raw_write(dfd, "d", *i, msg, c->size, c->durable, NULL, 0);
            }
            double dt = bench_now() - t0;
            if (lib)
                lt += dt;
            else
                rt += dt;
        }
    }
    dw_drop_close(d);
    close(dfd);
    bench_scratch_remove(ldir);
    bench_scratch_remove(rdir);
    *lib_rate = (double)li / lt;
    *raw_rate = (double)ri / rt;
    if (files != NULL)
        *files = li;
}

static void size_label(size_t size, char *buf, size_t bsize)
{
    if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
        snprintf(buf, bsize, "%zu MiB", size / (1024 * 1024));
    else if (size >= 1024 && size % 1024 == 0)
        snprintf(buf, bsize, "%zu KiB", size / 1024);
    else
        snprintf(buf, bsize, "%zu B", size);
}

void bench_delivery(const char *parent)
{
    char fs[512];
    bench_fs_label(parent, fs, sizeof fs);
    for (int durable = 1; durable >= 0; durable--) {
        for (size_t si = 0; si < bench_cfg.nsizes; si++) {
            delivery_case c;
            c.size = bench_cfg.sizes[si];
            c.durable = durable;
            void *msg = make_message(c.size, "delivery");
            c.count = 0;
            if (bench_cfg.count_4k != 0) {
                /* Fixed counts: keep each run near the same duration whatever the size. */
                double scale = c.size <= 4096 ? 1.0 : 4096.0 / (double)c.size * 16.0;
                if (scale > 1.0)
                    scale = 1.0;
                double n = bench_cfg.count_4k * scale * (durable ? 1.0 : 4.0);
                c.count = n < 8 ? 8 : (unsigned)n;
            }
            unsigned rounds = bench_cfg.rounds;
            double *lib = calloc(rounds, sizeof *lib), *base = calloc(rounds, sizeof *base);
            if (lib == NULL || base == NULL)
                bench_die("out of memory");
            /* One short untimed round warms caches and allocates directory blocks. */
            double wl, wr;
            delivery_case warm = c;
            warm.count = 8;
            delivery_round(parent, &warm, msg, 0, &wl, &wr, NULL);
            unsigned fmin = UINT32_MAX, fmax = 0;
            for (unsigned r = 0; r < rounds; r++) {
                unsigned f;
                delivery_round(parent, &c, msg, r, &lib[r], &base[r], &f);
                fmin = f < fmin ? f : fmin;
                fmax = f > fmax ? f : fmax;
            }
            char what[128], unit[16], note[160];
            char sz[32];
            size_label(c.size, sz, sizeof sz);
            snprintf(what, sizeof what, "%s, %s", sz, durable ? "durable (DW_DURABLE_FULL)" : "non-durable (DW_DURABLE_NONE)");
            if (c.size >= 65536) {
                for (unsigned r = 0; r < rounds; r++) {
                    lib[r] *= (double)c.size / 1e6;
                    base[r] *= (double)c.size / 1e6;
                }
                snprintf(unit, sizeof unit, "MB/s");
            } else {
                snprintf(unit, sizeof unit, "files/s");
            }
            snprintf(note, sizeof note, "%u–%u files per side and round, interleaved in chunks", fmin, fmax);
            int target_kind = (durable && c.size == 4096) ? 1 : 0;
            bench_row_pair("1. Delivery throughput", fs, what, unit, BENCH_HIGHER_BETTER, lib, base, rounds,
                           durable ? "raw openat(O_EXCL)→write→fsync→renameat→fsync(dir)"
                                   : "raw openat(O_EXCL)→write→renameat (no fsync)",
                           target_kind, 0.95, note);
            free(lib);
            free(base);
            free(msg);
        }
    }
    /* Heap allocations per guarded write (informational: guarded writes may allocate their handle). */
    if (bench_alloc_supported()) {
        char dir[4096];
        bench_scratch_make(parent, "alloc", dir, sizeof dir);
        void *msg = make_message(4096, "alloc");
        dw_drop *d = lib_open(dir, DW_DURABLE_NONE, 0);
        const unsigned n = 64;
        bench_alloc_start();
        for (unsigned i = 0; i < n; i++)
            lib_write(d, msg, 4096, NULL, 0);
        uint64_t a = bench_alloc_stop();
        dw_drop_close(d);
        bench_scratch_remove(dir);
        free(msg);
        char v[64];
        snprintf(v, sizeof v, "%.2f", (double)a / n);
        bench_row_text("1. Delivery throughput", fs, "heap allocations per dw_drop_write (4 KiB)", "allocs/write", v,
                       "raw sequence", "0", NULL, "—", "info", "counted by the benchmark's malloc interposer");
    }
}

/* ---- 2. batch delivery -------------------------------------------------------------------------------- */

/*
 * The raw equivalent of a batch: write every temporary file, one syncfs of the file system, rename each,
 * one fsync of the directory.
 */
static void raw_batch(int dirfd, unsigned first, unsigned n, const void *msg, size_t len)
{
    int fds[1024];
    char tmp[96], fin[96];
    if (n > 1024)
        bench_die("raw batch too large");
    for (unsigned i = 0; i < n; i++) {
        snprintf(tmp, sizeof tmp, ".rawb-%u.tmp", first + i);
        fds[i] = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fds[i] < 0)
            bench_die("raw openat %s: %s", tmp, strerror(errno));
        write_all(fds[i], msg, len, tmp);
    }
#ifdef HAVE_SYNCFS
    if (syncfs(dirfd) != 0)
        bench_die("raw syncfs: %s", strerror(errno));
#else
    for (unsigned i = 0; i < n; i++)
        if (fsync(fds[i]) != 0)
            bench_die("raw fsync: %s", strerror(errno));
#endif
    for (unsigned i = 0; i < n; i++) {
        if (close(fds[i]) != 0)
            bench_die("raw close: %s", strerror(errno));
        snprintf(tmp, sizeof tmp, ".rawb-%u.tmp", first + i);
        snprintf(fin, sizeof fin, "rawb-%u.eml", first + i);
        if (renameat(dirfd, tmp, dirfd, fin) != 0)
            bench_die("raw renameat: %s", strerror(errno));
    }
    if (fsync(dirfd) != 0)
        bench_die("raw fsync(dir): %s", strerror(errno));
}

/*
 * One round: four sides, each in its own directory, interleaved batch by batch (rotating who goes first):
 * dw_drop_write_batch() of `batch` messages, the same number of single dw_drop_write() calls, the raw
 * batch sequence, and as many non-durable single writes (the ceiling: a batch still creates, writes and
 * renames every file, so it can at best approach the speed of writes without any fsync). `batches` batches
 * per side, or with 0 until the single writes have spent 3 × --run-ms.
 *
 * After each side an untimed syncfs() settles the file system, so no side pays for dirty data another
 * side left behind: without it the non-durable side's files were flushed by the next syncfs, i.e. charged
 * to the batch. The round's directories are kept (dirs[], removed by the caller when the section ends):
 * deleting thousands of files between rounds makes the next file creations slow on a journal-less ext4,
 * which skips every recently deleted inode, and that cost lands on all sides alike and hides the flush.
 * Rates in files per second; *done_batches receives the batches per side.
 */
static void batch_round(const char *parent, unsigned batch, unsigned batches, const void *msg, unsigned round,
                        double *rate, unsigned *done_batches, char dirs[4][4096])
{
    static const char *const tags[4] = {"batch", "single", "rawbatch", "nodurable"};
    for (int s = 0; s < 4; s++)
        bench_scratch_make(parent, tags[s], dirs[s], sizeof dirs[s]);
    int settle_fd = open_dirfd(parent);
    dw_drop *db = lib_open(dirs[0], DW_DURABLE_FULL, 0), *ds = lib_open(dirs[1], DW_DURABLE_FULL, 0);
    dw_drop *dn = lib_open(dirs[3], DW_DURABLE_NONE, 0);
    int rfd = open_dirfd(dirs[2]);
    const void **bufs = calloc(batch, sizeof *bufs);
    size_t *lens = calloc(batch, sizeof *lens);
    char *names = calloc(batch, DW_FILE_NAME_MAX);
    if (bufs == NULL || lens == NULL || names == NULL)
        bench_die("out of memory");
    for (unsigned i = 0; i < batch; i++) {
        bufs[i] = msg;
        lens[i] = 4096;
    }
    double t[4] = {0, 0, 0, 0};
    /* A headline target: three times --run-ms for the slow side (the single writes). */
    const double budget = 3 * bench_cfg.run_ms / 1000.0;
    unsigned k = 0;
    for (; batches ? k < batches : (k < 2 || t[1] < budget); k++) {
        for (int j = 0; j < 4; j++) {
            int s = (int)((k + round + (unsigned)j) % 4);
            double t0 = bench_now();
            if (s == 0) {
                dw_io_error err;
                size_t done = 0;
                dw_status st = dw_drop_write_batch(db, bufs, lens, batch, NULL, names, DW_FILE_NAME_MAX, &done, &err);
                if (st != DW_OK)
                    bench_die("dw_drop_write_batch: %s (%s, op %s, errno %d, %s); %zu done", dw_status_name(st),
                              dw_class_name(err.io_class), dw_op_name(err.op), err.sys_errno, err.detail, done);
            } else if (s == 1) {
                for (unsigned i = 0; i < batch; i++)
                    lib_write(ds, msg, 4096, NULL, 0);
            } else if (s == 2) {
                raw_batch(rfd, k * batch, batch, msg, 4096);
            } else {
                for (unsigned i = 0; i < batch; i++)
                    lib_write(dn, msg, 4096, NULL, 0);
            }
            t[s] += bench_now() - t0;
            sync_fs(settle_fd); /* untimed: the next side starts with nothing dirty */
        }
    }
    dw_drop_close(db);
    dw_drop_close(ds);
    dw_drop_close(dn);
    close(rfd);
    close(settle_fd);
    free(bufs);
    free(lens);
    free(names);
    for (int s = 0; s < 4; s++)
        rate[s] = (double)batch * k / t[s];
    if (done_batches != NULL)
        *done_batches = k;
}

/*
 * A parent for the batch section's directories that ext4 (and ext2/3) treats as the top of a directory
 * hierarchy (chattr +T, FS_TOPDIR_FL): the Orlov allocator then places each subdirectory, and so its
 * files' inodes, in a block group of its own choosing instead of the parent's. On a journal-less ext4 a
 * new inode skips every inode freed in its group in the last 30 s to 5.5 min (recently_deleted()), so
 * in a group where the previous run or `make check` just deleted thousands of files each creation costs
 * hundreds of microseconds and the flush the batch saves disappears in it. Returns 1 when the flag was set.
 */
int bench_spread_parent(const char *parent, const char *tag, char *buf, size_t size)
{
    bench_scratch_make(parent, tag, buf, size);
#if defined(__linux__) && defined(FS_IOC_SETFLAGS) && defined(FS_TOPDIR_FL)
    int fd = open(buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int flags = 0, ok = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
        flags |= FS_TOPDIR_FL;
        ok = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    close(fd);
    return ok;
#else
    return 0;
#endif
}

static int make_spread_parent(const char *parent, char *buf, size_t size)
{
    return bench_spread_parent(parent, "batch", buf, size);
}

/*
 * The batch rounds with their directories made in `where`; rows labelled with `place`, the first with
 * the 3× target when `target`. The directories are kept and returned in *dirs_out ((rounds + 1) × 4).
 */
static void batch_rounds(const char *where, const char *fs, const char *place, int target, const void *msg,
                         char (**dirs_out)[4][4096])
{
    unsigned rounds = bench_cfg.rounds;
    double batch_r[256], single_r[256], raw_r[256], none_r[256], rate[4];
    char(*dirs)[4][4096] = calloc(rounds + 1, sizeof *dirs);
    if (dirs == NULL)
        bench_die("out of memory");
    *dirs_out = dirs;
    batch_round(where, bench_cfg.batch, 1, msg, 0, rate, NULL, dirs[rounds]); /* warm-up */
    unsigned bmin = UINT32_MAX, bmax = 0;
    for (unsigned r = 0; r < rounds; r++) {
        unsigned k;
        batch_round(where, bench_cfg.batch, bench_cfg.batches, msg, r, rate, &k, dirs[r]);
        bmin = k < bmin ? k : bmin;
        bmax = k > bmax ? k : bmax;
        batch_r[r] = rate[0];
        single_r[r] = rate[1];
        raw_r[r] = rate[2];
        none_r[r] = rate[3];
    }
    char what[128], base[128], note[512];
    snprintf(what, sizeof what, "dw_drop_write_batch of %u × 4 KiB, durable%s", bench_cfg.batch, place);
    snprintf(base, sizeof base, "%u × dw_drop_write, durable", bench_cfg.batch);
    snprintf(note, sizeof note,
             "%u–%u batches per side and round. Both: on success every message is durable and complete under "
             "its final name, never partial. Batch: one syncfs + one directory fsync per batch; single: fsync "
             "of file and directory per message",
             bmin, bmax);
    bench_row_pair("2. Batch delivery", fs, what, "files/s", BENCH_HIGHER_BETTER, batch_r, single_r, rounds, base,
                   target ? 1 : 0, 3.0, note);
    snprintf(note, sizeof note,
             "raw: openat(O_EXCL)+write ×%u → syncfs → renameat ×%u → fsync(dir); syncfs flushes the whole "
             "file system, so other writers' dirty data is paid for too",
             bench_cfg.batch, bench_cfg.batch);
    bench_row_pair("2. Batch delivery", fs, what, "files/s", BENCH_HIGHER_BETTER, batch_r, raw_r, rounds,
                   "raw batch sequence", 0, 0, note);
    snprintf(base, sizeof base, "%u × dw_drop_write, non-durable (no fsync at all)", bench_cfg.batch);
    bench_row_pair("2. Batch delivery", fs, what, "files/s", BENCH_HIGHER_BETTER, batch_r, none_r, rounds, base, 0, 0,
                   "the ceiling of any batch on this disk at this moment: creating, writing and renaming the files "
                   "without any flush");
    snprintf(what, sizeof what, "ceiling: non-durable vs durable single writes%s", place);
    snprintf(base, sizeof base, "%u × dw_drop_write, durable", bench_cfg.batch);
    bench_row_pair("2. Batch delivery", fs, what, "files/s", BENCH_HIGHER_BETTER, none_r, single_r, rounds, base, 0, 0,
                   "the most a batch can gain over single durable writes here: it still creates, writes and "
                   "renames every file, so where file creation rather than the flush dominates (e.g. just after "
                   "mass deletions on a journal-less ext4) no batch can reach 3×");
}

static void remove_round_dirs(char (*dirs)[4][4096])
{
    for (unsigned r = 0; r <= bench_cfg.rounds; r++)
        for (int s = 0; s < 4; s++)
            bench_scratch_remove(dirs[r][s]);
    free(dirs);
}

/*
 * Batches in fresh block groups (the target; see make_spread_parent) and, for comparison, in `parent`
 * itself, wherever its file system puts them. Where the +T flag is not available only the latter runs,
 * and carries the target, unless the file system lives in memory (tmpfs: no flush to save, no target).
 * Nothing is deleted until both are done.
 */
void bench_batch(const char *parent)
{
    char fs[512], spread[4096];
    bench_fs_label(parent, fs, sizeof fs);
    void *msg = make_message(4096, "batch");
    char(*spread_dirs)[4][4096] = NULL, (*place_dirs)[4][4096] = NULL;
    int spread_ok = make_spread_parent(parent, spread, sizeof spread);
    int disk = bench_fs_disk_backed(parent); /* the 3× target is for disk-backed file systems */
    if (spread_ok)
        batch_rounds(spread, fs, ", fresh block groups", disk, msg, &spread_dirs);
    batch_rounds(parent, fs, spread_ok ? ", in place" : disk ? "" : " (memory-backed: no target)", disk && !spread_ok,
                 msg, &place_dirs);
    if (spread_dirs != NULL)
        remove_round_dirs(spread_dirs);
    remove_round_dirs(place_dirs);
    bench_scratch_remove(spread);
    free(msg);
}

/* ---- 3. cost as the directory fills ------------------------------------------------------------------ */

/* One writer in the fill test: the library with quota off, the library with quota on, or the raw sequence. */
typedef struct fill_side {
    const char *label;
    int lib;
    uint64_t quota;
    int own_dir;           /* writes into its own filled directory that nothing else touches */
    double *lat;           /* every latency of this fill level and durability (seconds) */
    size_t n, cap;
    double round_med[256]; /* per-round median and p99 */
    double round_p99[256];
    double first_write[256]; /* own_dir sides: the first write of each round, after a foreign change */
} fill_side;

static void fill_push(fill_side *f, double v)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        f->lat = realloc(f->lat, f->cap * sizeof *f->lat);
        if (f->lat == NULL)
            bench_die("out of memory");
    }
    f->lat[f->n++] = v;
}

#define FILL_SIDES 3
#define FILL_CHUNK 10

/*
 * One round at the current fill level: the three sides write in rotating chunks of FILL_CHUNK writes,
 * each write timed alone. The quota-off library and the raw sequence share `dir`; their files are removed
 * after each chunk (untimed), so it stays at its fill level. The quota-on library writes into `qdir`
 * (filled alike) that nothing else touches during the round: the library's quota ledger rescans the
 * directory after any change it did not make itself, so sharing a directory with other writers would
 * measure rescans, not steady-state writes. The quota side's files are removed at the end of the round;
 * that removal is a foreign change, and the next round's first write (timed apart, as first_write) pays
 * the rescan, like a gateway write after the consumer picked files up. A time cap stops the round early
 * (after at least 20 writes per side).
 */
static void fill_round(const char *dir, const char *qdir, int durable, unsigned writes, const void *msg,
                       fill_side *sides, unsigned round)
{
    dw_drop *d[FILL_SIDES] = {NULL};
    int dfd = open_dirfd(dir), qfd = open_dirfd(qdir);
    for (int s = 0; s < FILL_SIDES; s++)
        if (sides[s].lib)
            d[s] = lib_open(sides[s].own_dir ? qdir : dir, durable ? DW_DURABLE_FULL : DW_DURABLE_NONE,
                            sides[s].quota);
    double *lat[FILL_SIDES];
    unsigned done[FILL_SIDES] = {0};
    char(*kept)[DW_FILE_NAME_MAX] = calloc(writes + 1, sizeof *kept);
    unsigned nkept = 0;
    if (kept == NULL)
        bench_die("out of memory");
    for (int s = 0; s < FILL_SIDES; s++) {
        lat[s] = calloc(writes, sizeof(double));
        if (lat[s] == NULL)
            bench_die("out of memory");
        if (sides[s].own_dir) {
            double t0 = bench_now();
            lib_write(d[s], msg, 4096, kept[nkept], sizeof kept[nkept]);
            sides[s].first_write[round] = bench_now() - t0;
            nkept++;
        }
    }
    static unsigned raw_seq;
    const double cap = bench_cfg.quick ? 0.5 : 1.0;
    double start = bench_now();
    for (unsigned k = 0;; k++) {
        int all_done = 1;
        for (int j = 0; j < FILL_SIDES; j++) {
            int s = (int)((k + round + (unsigned)j) % FILL_SIDES);
            char names[FILL_CHUNK][DW_FILE_NAME_MAX];
            unsigned n = 0;
            for (; n < FILL_CHUNK && done[s] < writes; n++, done[s]++) {
                char *name = sides[s].own_dir ? kept[nkept++] : names[n];
                double t0 = bench_now();
                if (sides[s].lib)
                    lib_write(d[s], msg, 4096, name, DW_FILE_NAME_MAX);
                else
                    bench_raw_write(dfd, "fill", raw_seq++, msg, 4096, durable, name, DW_FILE_NAME_MAX);
                lat[s][done[s]] = bench_now() - t0;
            }
            if (!sides[s].own_dir)
                for (unsigned i = 0; i < n; i++)
                    if (unlinkat(dfd, names[i], 0) != 0)
                        bench_die("unlink %s/%s: %s", dir, names[i], strerror(errno));
            if (done[s] < writes)
                all_done = 0;
        }
        if (all_done)
            break;
        int enough = 1;
        for (int s = 0; s < FILL_SIDES; s++)
            enough &= done[s] >= 20;
        if (enough && bench_now() - start > cap)
            break;
    }
    for (int s = 0; s < FILL_SIDES; s++) {
        for (unsigned i = 0; i < done[s]; i++)
            fill_push(&sides[s], lat[s][i]);
        sides[s].round_med[round] = bench_median(lat[s], done[s]);
        sides[s].round_p99[round] = bench_quantile(lat[s], done[s], 0.99);
        free(lat[s]);
        if (d[s] != NULL)
            dw_drop_close(d[s]);
    }
    for (unsigned i = 0; i < nkept; i++)
        if (unlinkat(qfd, kept[i], 0) != 0)
            bench_die("unlink %s/%s: %s", qdir, kept[i], strerror(errno));
    free(kept);
    close(dfd);
    close(qfd);
    sync_dir(dir);
}

void bench_fill(const char *parent)
{
    char fs[512];
    bench_fs_label(parent, fs, sizeof fs);
    char dir[4096], qdir[4096];
    bench_scratch_make(parent, "fill", dir, sizeof dir);
    bench_scratch_make(parent, "fillq", qdir, sizeof qdir);
    void *msg = make_message(4096, "fill");
    unsigned rounds = bench_cfg.rounds > 256 ? 256 : bench_cfg.rounds;
    const uint64_t big_quota = (uint64_t)1 << 40; /* quota accounting on, never reached */
    const char *section = "3. Latency as the directory fills";
    /* [durable][side]: median and p99 of the first (emptiest) level, for the growth rows. */
    double first_med[2][FILL_SIDES], first_p99[2][FILL_SIDES], first_rel[2][FILL_SIDES];
    for (size_t fi = 0; fi < bench_cfg.nfills; fi++) {
        unsigned level = bench_cfg.fills[fi];
        double t0 = bench_now();
        bench_fill_dir(dir, level, 256);
        bench_fill_dir(qdir, level, 256);
        bench_log("  %u existing files (created in %.1f s, no fsync, then syncfs)", level, bench_now() - t0);
        for (int durable = 1; durable >= 0; durable--) {
            fill_side sides[FILL_SIDES] = {
                {.label = "quota off", .lib = 1, .quota = 0},
                {.label = "quota on", .lib = 1, .quota = big_quota, .own_dir = 1},
                {.label = "raw", .lib = 0, .quota = 0},
            };
            unsigned writes = durable ? bench_cfg.fill_writes : bench_cfg.fill_writes * 2;
            for (unsigned r = 0; r < rounds; r++)
                fill_round(dir, qdir, durable, writes, msg, sides, r);
            fill_side *raw = &sides[2];
            double rm[256], rp[256];
            for (unsigned r = 0; r < rounds; r++) {
                rm[r] = raw->round_med[r] * 1e6;
                rp[r] = raw->round_p99[r] * 1e6;
            }
            for (int s = 0; s < FILL_SIDES; s++) {
                fill_side *f = &sides[s];
                double med = bench_median(f->lat, f->n), p99 = bench_quantile(f->lat, f->n, 0.99);
                if (fi == 0) {
                    first_med[durable][s] = med;
                    first_p99[durable][s] = p99;
                }
                if (!f->lib)
                    continue;
                double lm[256], lp[256];
                for (unsigned r = 0; r < rounds; r++) {
                    lm[r] = f->round_med[r] * 1e6;
                    lp[r] = f->round_p99[r] * 1e6;
                }
                char what[160], note[200];
                snprintf(what, sizeof what, "%u existing .eml, %s, %s: median", level, f->label,
                         durable ? "durable" : "non-durable");
                snprintf(note, sizeof note, "%zu library / %zu raw writes; over all writes: median %.1f / %.1f µs",
                         f->n, raw->n, med * 1e6, bench_median(raw->lat, raw->n) * 1e6);
                bench_row_pair(section, fs, what, "µs/write", BENCH_LOWER_BETTER, lm, rm, rounds,
                               "raw sequence, same directory, interleaved", 0, 0, note);
                snprintf(what, sizeof what, "%u existing .eml, %s, %s: p99", level, f->label,
                         durable ? "durable" : "non-durable");
                snprintf(note, sizeof note, "over all writes: p99 %.1f / %.1f µs", p99 * 1e6,
                         bench_quantile(raw->lat, raw->n, 0.99) * 1e6);
                bench_row_pair(section, fs, what, "µs/write", BENCH_LOWER_BETTER, lp, rp, rounds,
                               "raw sequence, same directory, interleaved", 0, 0, note);
                if (f->own_dir) {
                    double fw[256];
                    for (unsigned r = 0; r < rounds; r++)
                        fw[r] = f->first_write[r] * 1e6;
                    snprintf(what, sizeof what, "%u existing .eml, %s, %s: first write after a foreign change (rescan)",
                             level, f->label, durable ? "durable" : "non-durable");
                    bench_row_pair(section, fs, what, "µs/write", BENCH_LOWER_BETTER, fw, rm, rounds,
                                   "raw sequence median, same round", 0, 0,
                                   "the quota ledger rescans the directory once after a foreign change "
                                   "(here: the benchmark removing the round's files, as a consumer would)");
                }
                /* Library cost relative to the raw sequence at this level: the median of per-round ratios,
                 * which cancels the disk's drift between levels (they are measured minutes apart). */
                double rel[256];
                for (unsigned r = 0; r < rounds; r++)
                    rel[r] = f->round_med[r] / raw->round_med[r];
                double relmed = bench_median(rel, rounds);
                if (fi == 0)
                    first_rel[durable][s] = relmed;
                if (fi > 0 && fi == bench_cfg.nfills - 1) {
                    double g = med / first_med[durable][s];
                    double gr = bench_median(raw->lat, raw->n) / first_med[durable][2];
                    double gp = p99 / first_p99[durable][s];
                    double gn = relmed / first_rel[durable][s];
                    char lv[64], bv[64], nt[240];
                    snprintf(lv, sizeof lv, "%.3g×", gn);
                    snprintf(bv, sizeof bv, "%.3g× (raw alone)", gr);
                    snprintf(what, sizeof what, "%u vs %u existing, %s, %s: median latency growth, library ÷ raw",
                             level, bench_cfg.fills[0], f->label, durable ? "durable" : "non-durable");
                    snprintf(nt, sizeof nt,
                             "library alone %.3g× (median %.1f → %.1f µs), p99 %.3g×; library/raw %.3g → %.3g",
                             g, first_med[durable][s] * 1e6, med * 1e6, gp, first_rel[durable][s], relmed);
                    bench_row_text(section, fs, what, "× of first level", lv, "raw sequence growth", bv, NULL, "≤ 1.2×",
                                   isnan(gn) ? "n/a" : (gn <= 1.2 ? "PASS" : "MISS"), nt);
                }
            }
            for (int s = 0; s < FILL_SIDES; s++)
                free(sides[s].lat);
        }
    }
    free(msg);
    bench_scratch_remove(dir);
    bench_scratch_remove(qdir);
}

/* ---- 4. concurrency ------------------------------------------------------------------------------------- */

typedef struct conc_arg {
    const char *dir;
    int lib;
    unsigned writer;
    unsigned files;        /* files to write, or 0: write until --run-ms has passed */
    pthread_barrier_t *barrier;
    unsigned *written;     /* receives how many files this writer published */
} conc_arg;

/* Each message says who wrote it, so the check after the run can find lost and duplicated files. */
static void conc_message(char *buf, size_t len, unsigned writer, unsigned seq)
{
    memset(buf, 'm', len);
    int h = snprintf(buf, len, "X-Bench-Writer: %u\r\nX-Bench-Seq: %u\r\n\r\n", writer, seq);
    if (h > 0 && (size_t)h < len)
        buf[h] = 'm';
}

#define CONC_MAX_FILES 100000

/* Write `files` messages (or, with 0, until --run-ms has passed, at least 5); returns how many. */
static unsigned conc_writer(const char *dir, int lib, unsigned writer, unsigned files)
{
    char msg[4096];
    char tag[32];
    snprintf(tag, sizeof tag, "w%u", writer);
    const double deadline = bench_now() + bench_cfg.run_ms / 2000.0;
    const unsigned max = files ? files : CONC_MAX_FILES;
    dw_drop *d = lib ? lib_open(dir, DW_DURABLE_FULL, 0) : NULL;
    int dfd = lib ? -1 : open_dirfd(dir);
    unsigned i = 0;
    for (; i < max; i++) {
        if (files == 0 && i >= 5 && bench_now() >= deadline)
            break;
        conc_message(msg, sizeof msg, writer, i);
        if (lib)
            lib_write(d, msg, sizeof msg, NULL, 0);
        else
            bench_raw_write(dfd, tag, i, msg, sizeof msg, 1, NULL, 0);
    }
    if (lib)
        dw_drop_close(d);
    else
        close(dfd);
    return i;
}

static void *conc_thread(void *p)
{
    conc_arg *a = p;
    pthread_barrier_wait(a->barrier);
    *a->written = conc_writer(a->dir, a->lib, a->writer, a->files);
    return NULL;
}

/*
 * Check the directory against what each writer says it published: every (writer, seq) exactly once,
 * every file complete, nothing else (no temporary left, nothing unexpected).
 */
static void conc_verify(const char *dir, unsigned writers, const unsigned *written, unsigned *lost, unsigned *dup,
                        unsigned *bad, unsigned *temps)
{
    unsigned char *seen = calloc((size_t)writers * CONC_MAX_FILES, 1);
    if (seen == NULL)
        bench_die("out of memory");
    *lost = *dup = *bad = *temps = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        bench_die("opendir %s: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        size_t l = strlen(n);
        if (l < 4 || strcmp(n + l - 4, ".eml") != 0) {
            (*temps)++;
            continue;
        }
        int fd = openat(dirfd(d), n, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            bench_die("open %s/%s: %s", dir, n, strerror(errno));
        char head[128];
        ssize_t got = pread(fd, head, sizeof head - 1, 0);
        struct stat st;
        if (fstat(fd, &st) != 0)
            bench_die("fstat: %s", strerror(errno));
        close(fd);
        unsigned w, s;
        if (got <= 0 || st.st_size != 4096) {
            (*bad)++;
            continue;
        }
        head[got] = '\0';
        if (sscanf(head, "X-Bench-Writer: %u\r\nX-Bench-Seq: %u", &w, &s) != 2 || w >= writers || s >= written[w]) {
            (*bad)++;
            continue;
        }
        if (seen[(size_t)w * CONC_MAX_FILES + s]++)
            (*dup)++;
    }
    closedir(d);
    for (unsigned w = 0; w < writers; w++)
        for (unsigned i = 0; i < written[w]; i++)
            *lost += seen[(size_t)w * CONC_MAX_FILES + i] == 0;
    free(seen);
}

/* Aggregate files/s for one run; verification counts added to *problems, files checked to *checked. */
static double conc_run(const char *parent, int lib, int procs, unsigned writers, unsigned files, unsigned *problems,
                       unsigned *checked)
{
    char dir[4096];
    bench_scratch_make(parent, lib ? "clib" : "craw", dir, sizeof dir);
    /* Shared with the writer processes, which report their counts here. */
    unsigned *written = mmap(NULL, 64 * sizeof *written, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (written == MAP_FAILED)
        bench_die("mmap: %s", strerror(errno));
    memset(written, 0, 64 * sizeof *written);
    double t0, t1;
    if (procs) {
        int gate[2];
        if (pipe(gate) != 0)
            bench_die("pipe: %s", strerror(errno));
        pid_t pids[64];
        for (unsigned w = 0; w < writers; w++) {
            pid_t pid = fork();
            if (pid < 0)
                bench_die("fork: %s", strerror(errno));
            if (pid == 0) {
                close(gate[1]);
                char c;
                ssize_t n;
                /* Wait for the parent's go (one byte each): every child starts together. End of file
                   instead means the parent is gone (stopped by a signal): write nothing. */
                while ((n = read(gate[0], &c, 1)) < 0 && errno == EINTR)
                    ;
                if (n != 1)
                    _exit(0);
                written[w] = conc_writer(dir, lib, w, files);
                _exit(0);
            }
            pids[w] = pid;
        }
        close(gate[0]);
        usleep(20000); /* let the children reach the gate */
        t0 = bench_now();
        char go[64];
        memset(go, 'g', sizeof go);
        if (write(gate[1], go, writers) != (ssize_t)writers)
            bench_die("gate: %s", strerror(errno));
        close(gate[1]);
        for (unsigned w = 0; w < writers; w++) {
            int status;
            while (waitpid(pids[w], &status, 0) < 0)
                if (errno != EINTR)
                    bench_die("waitpid: %s", strerror(errno));
            if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                bench_die("writer process %u failed (status %d)", w, status);
        }
        t1 = bench_now();
    } else {
        pthread_t th[64];
        conc_arg args[64];
        pthread_barrier_t barrier;
        pthread_barrier_init(&barrier, NULL, writers + 1);
        for (unsigned w = 0; w < writers; w++) {
            args[w] = (conc_arg){dir, lib, w, files, &barrier, &written[w]};
            if (pthread_create(&th[w], NULL, conc_thread, &args[w]) != 0)
                bench_die("pthread_create failed");
        }
        pthread_barrier_wait(&barrier);
        t0 = bench_now();
        for (unsigned w = 0; w < writers; w++)
            pthread_join(th[w], NULL);
        t1 = bench_now();
        pthread_barrier_destroy(&barrier);
    }
    unsigned lost, dup, bad, temps, total = 0;
    for (unsigned w = 0; w < writers; w++)
        total += written[w];
    conc_verify(dir, writers, written, &lost, &dup, &bad, &temps);
    munmap(written, 64 * sizeof *written);
    *problems += lost + dup + bad + temps;
    *checked += total;
    if (lost + dup + bad + temps)
        bench_log("%s %s x%u: lost %u, duplicate %u, bad %u, stray temporaries %u", lib ? "library" : "raw",
                  procs ? "processes" : "threads", writers, lost, dup, bad, temps);
    bench_scratch_remove(dir);
    return (double)total / (t1 - t0);
}

void bench_concurrency(const char *parent)
{
    char fs[512];
    bench_fs_label(parent, fs, sizeof fs);
    /* Library and raw runs cannot be interleaved inside a run here, so use twice the rounds of half the
     * length: adjacent runs then see more nearly the same disk. */
    unsigned rounds = bench_cfg.rounds * 2 > 256 ? 256 : bench_cfg.rounds * 2;
    for (int procs = 0; procs < 2; procs++) {
        for (size_t wi = 0; wi < bench_cfg.nwriters; wi++) {
            unsigned writers = bench_cfg.writers[wi];
            if (writers == 0 || writers > 64)
                continue;
            double lib[256], base[256];
            unsigned lib_problems = 0, raw_problems = 0, lib_checked = 0, raw_checked = 0;
            unsigned files = bench_cfg.conc_files;
            for (unsigned r = 0; r < rounds && r < 256; r++) {
                if (r % 2 == 0) {
                    lib[r] = conc_run(parent, 1, procs, writers, files, &lib_problems, &lib_checked);
                    base[r] = conc_run(parent, 0, procs, writers, files, &raw_problems, &raw_checked);
                } else {
                    base[r] = conc_run(parent, 0, procs, writers, files, &raw_problems, &raw_checked);
                    lib[r] = conc_run(parent, 1, procs, writers, files, &lib_problems, &lib_checked);
                }
            }
            char what[128], note[200];
            snprintf(what, sizeof what, "%u writer %s, durable 4 KiB", writers,
                     procs ? (writers == 1 ? "process" : "processes") : (writers == 1 ? "thread" : "threads"));
            if (files)
                snprintf(note, sizeof note, "%u files per writer and round; aggregate throughput", files);
            else
                snprintf(note, sizeof note, "each writer writes for %.0f ms per round; aggregate throughput",
                         bench_cfg.run_ms / 2);
            bench_row_pair("4. Concurrent writers, one directory", fs, what, "files/s", BENCH_HIGHER_BETTER, lib, base,
                           rounds, "raw sequence, same writers", 0, 0, note);
            char lv[64], bv[64];
            snprintf(lv, sizeof lv, "%u problems / %u files", lib_problems, lib_checked);
            snprintf(bv, sizeof bv, "%u problems / %u files", raw_problems, raw_checked);
            snprintf(what, sizeof what, "%u writer %s: lost/duplicate/partial/stray files", writers,
                     procs ? (writers == 1 ? "process" : "processes") : (writers == 1 ? "thread" : "threads"));
            bench_row_text("4. Concurrent writers, one directory", fs, what, "files", lv, "raw sequence", bv, NULL,
                           "0", lib_problems == 0 ? "PASS" : "FAIL",
                           "every (writer, seq) found exactly once, complete, no temporary left");
        }
    }
}
