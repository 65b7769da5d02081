/* SPDX-License-Identifier: MIT */
/* Tests for the guarded writes (lib/guard.c, lib/quota.c, lib/health.c, lib/platform_posix.c). Everything
 * runs on the real file system in mkdtemp directories; a counting/failing ops table (the platform seam)
 * proves which calls happened and injects failures at every step. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <regex.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dropwatch.h"
#include "../lib/guard_internal.h"
#include "../lib/quota.h"
#include "rel_common.h"
#include "dead_server.h"

/* ---- file-system helpers ---------------------------------------------------------------------------- */

static char tmp_root[200];
static char dir[256];

static void make_dir(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_root, sizeof tmp_root, "%s/dwguard-XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmp_root));
    snprintf(dir, sizeof dir, "%s/drop", tmp_root);
    ck_assert_int_eq(mkdir(dir, 0750), 0);
}


/* Entries of a directory: how many end in .eml, how many are our temps, and the total. */
typedef struct listing {
    int eml, temps, other, total;
    char names[512][DW_FILE_NAME_MAX];
} listing;

static listing *list_dir(const char *path)
{
    static listing l;
    memset(&l, 0, sizeof l);
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, ".dwquota"))
            continue;
        size_t len = strlen(n);
        if (len > 4 && !strcmp(n + len - 4, ".eml")) {
            if (l.eml < 512)
                snprintf(l.names[l.eml], DW_FILE_NAME_MAX, "%s", n);
            l.eml++;
        } else if (!strncmp(n, ".dwtmp-", 7) || !strncmp(n, ".dwcanary-", 10)) {
            l.temps++;
        } else {
            l.other++;
        }
        l.total++;
    }
    closedir(d);
    return &l;
}

static unsigned char *read_file(const char *d, const char *name, size_t *len)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", d, name);
    FILE *f = fopen(p, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", p);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0'; /* so tests may parse it as text */
    *len = (size_t)n;
    return buf;
}

static void write_plain(const char *d, const char *name, size_t size, time_t age)
{
    ck_assert_int_eq(rel_write_aged(d, name, size, age), 0);
}

/* The used and in-flight counters of the quota ledger in directory d (which must be well formed). */
static void read_ledger_counts(const char *d, unsigned long long *used, unsigned long long *inflight)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/.dwquota", d);
    FILE *f = fopen(p, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fscanf(f, "dwquota2 %llu %llu", used, inflight), 2);
    fclose(f);
}

static void assert_nothing_left(const char *d)
{
    listing *l = list_dir(d);
    ck_assert_msg(l->eml == 0, "%d files under a final name", l->eml);
    ck_assert_msg(l->temps == 0, "%d temp files left", l->temps);
}

/* ---- the counting and failing seam ------------------------------------------------------------------ */

enum { T_OPEN_DIR, T_CREATE, T_WRITE, T_READ, T_FSYNC, T_DIR_FSYNC, T_SYNCFS, T_CLOSE, T_RENAME, T_UNLINK,
       T_DIR_OPEN, T_LOCK, T_FTRUNCATE, T_COUNT };

typedef struct tctx {
    int calls[T_COUNT];
    int fail_at[T_COUNT];   /* fail the n-th call (1-based) ... */
    int fail_n[T_COUNT];    /* ... and this many after it (0 = only that one) */
    int fail_errno[T_COUNT];
    int dirfd;
    size_t max_write;
    int64_t fixed_now;
    unsigned sleeps[64];
    int nsleeps;
} tctx;

static int should_fail(tctx *t, int op)
{
    int n = ++t->calls[op];
    return t->fail_at[op] && n >= t->fail_at[op] && n <= t->fail_at[op] + t->fail_n[op];
}

#define FAILS(t, op) (should_fail((t), (op)) ? -(t)->fail_errno[(op)] : 0)

static dwi_fd t_open_dir(void *ctx, const char *path)
{
    tctx *t = ctx;
    int rc = FAILS(t, T_OPEN_DIR);
    if (rc)
        return rc;
    dwi_fd fd = dwi_posix_ops.open_dir(NULL, path);
    if (fd >= 0)
        t->dirfd = (int)fd;
    return fd;
}

static dwi_fd t_create(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    int rc = FAILS((tctx *)ctx, T_CREATE);
    return rc ? rc : dwi_posix_ops.create(NULL, dirfd, name, mode);
}

static dwi_ssize t_write(void *ctx, dwi_fd fd, const void *buf, size_t len)
{
    tctx *t = ctx;
    int rc = FAILS(t, T_WRITE);
    if (len > t->max_write)
        t->max_write = len;
    return rc ? rc : dwi_posix_ops.write(NULL, fd, buf, len);
}

static dwi_ssize t_read(void *ctx, dwi_fd fd, void *buf, size_t len)
{
    int rc = FAILS((tctx *)ctx, T_READ);
    return rc ? rc : dwi_posix_ops.read(NULL, fd, buf, len);
}

static int t_fsync(void *ctx, dwi_fd fd, int data_only)
{
    tctx *t = ctx;
    int rc = FAILS(t, fd == t->dirfd ? T_DIR_FSYNC : T_FSYNC);
    return rc ? rc : dwi_posix_ops.fsync(NULL, fd, data_only);
}

static int t_syncfs(void *ctx, dwi_fd fd)
{
    int rc = FAILS((tctx *)ctx, T_SYNCFS);
    return rc ? rc : dwi_posix_ops.syncfs(NULL, fd);
}

static int t_close(void *ctx, dwi_fd fd)
{
    tctx *t = ctx;
    if (fd == t->dirfd) /* the handle's own directory: not a step of the write */
        return dwi_posix_ops.close(NULL, fd);
    int rc = FAILS(t, T_CLOSE);
    int real = dwi_posix_ops.close(NULL, fd); /* like Linux: the descriptor is gone even on error */
    return rc ? rc : real;
}

static int t_rename(void *ctx, dwi_fd dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    int rc = FAILS((tctx *)ctx, T_RENAME);
    return rc ? rc : dwi_posix_ops.rename_noreplace(NULL, dirfd, from, to_dirfd, to);
}

static int t_unlink(void *ctx, dwi_fd dirfd, const char *name)
{
    int rc = FAILS((tctx *)ctx, T_UNLINK);
    return rc ? rc : dwi_posix_ops.unlink(NULL, dirfd, name);
}

static int t_dir_open(void *ctx, dwi_fd dirfd, dwi_dir **out)
{
    int rc = FAILS((tctx *)ctx, T_DIR_OPEN);
    return rc ? rc : dwi_posix_ops.dir_open(NULL, dirfd, out);
}

static int t_lock(void *ctx, dwi_fd fd, int lock)
{
    int rc = lock ? FAILS((tctx *)ctx, T_LOCK) : 0;
    return rc ? rc : dwi_posix_ops.lock(NULL, fd, lock);
}

static int t_ftruncate(void *ctx, dwi_fd fd, uint64_t len)
{
    int rc = FAILS((tctx *)ctx, T_FTRUNCATE);
    return rc ? rc : dwi_posix_ops.ftruncate(NULL, fd, len);
}

static int t_now(void *ctx, int64_t *sec, int64_t *nsec)
{
    tctx *t = ctx;
    if (t->fixed_now) {
        *sec = t->fixed_now;
        *nsec = 0;
        return 0;
    }
    return dwi_posix_ops.now(NULL, sec, nsec);
}

static void t_sleep(void *ctx, unsigned ms)
{
    tctx *t = ctx;
    if (t->nsleeps < 64)
        t->sleeps[t->nsleeps++] = ms; /* recorded, not slept: no timing in unit tests */
}

static dwi_ops test_ops(void)
{
    dwi_ops o = dwi_posix_ops;
    o.open_dir = t_open_dir;
    o.create = t_create;
    o.write = t_write;
    o.read = t_read;
    o.fsync = t_fsync;
    o.syncfs = t_syncfs;
    o.close = t_close;
    o.rename_noreplace = t_rename;
    o.unlink = t_unlink;
    o.dir_open = t_dir_open;
    o.lock = t_lock;
    o.ftruncate = t_ftruncate;
    o.now = t_now;
    o.sleep_ms = t_sleep;
    return o;
}

static dwi_ops ops;
static tctx T;

static dw_drop *open_seam(const dw_drop_options *o)
{
    ops = test_ops();
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dwi_drop_open_ops(&d, dir, o, &ops, &T, &e);
    ck_assert_msg(st == DW_OK, "open: %s %s", dw_status_name(st), e.detail);
    return d;
}

static dw_drop *open_real(const dw_drop_options *o)
{
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dw_drop_open(&d, dir, o, &e);
    ck_assert_msg(st == DW_OK, "open: %s %s", dw_status_name(st), e.detail);
    return d;
}

/* open_real() with a fault armed (dropwatch/testing.h). */
static dw_drop *open_faulty(const dw_drop_options *o, const dw_fault *f)
{
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dw_testing_drop_open(&d, dir, o, f, &e);
    ck_assert_msg(st == DW_OK, "open: %s %s", dw_status_name(st), e.detail);
    return d;
}

static dw_fault fault_of(dw_op op, int errnum, unsigned count)
{
    dw_fault f = DW_FAULT_INIT;
    f.op = op;
    f.sys_errno = errnum;
    f.count = count;
    return f;
}

static void setup(void)
{
    make_dir();
}

static void teardown(void)
{
    rel_rm_rf(tmp_root);
}

static int name_matches(const char *name, const char *pattern)
{
    regex_t re;
    ck_assert_int_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
    int ok = regexec(&re, name, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

/* ---- happy path -------------------------------------------------------------------------------------- */

START_TEST(test_write_is_byte_identical_and_fully_synced)
{
    dw_drop *d = open_seam(NULL);
    size_t big = 300 * 1024 + 7;
    unsigned char *msg = malloc(big);
    for (size_t i = 0; i < big; i++)
        msg[i] = (unsigned char)(i * 131 + 7);
    const size_t sizes[3] = {0, 11, big};
    char names[3][DW_FILE_NAME_MAX];
    for (int i = 0; i < 3; i++) {
        size_t needed = 0;
        dw_io_error e;
        ck_assert_int_eq(dw_drop_write(d, msg, sizes[i], NULL, names[i], sizeof names[i], &needed, &e), DW_OK);
        ck_assert_int_eq(e.io_class, DW_CLASS_NONE);
        ck_assert_uint_eq(needed, strlen(names[i]) + 1);
        ck_assert_msg(name_matches(names[i], "^[0-9]{8}T[0-9]{6}-[0-9]+-[0-9]+-[0-9a-f]{8}\\.eml$"), "name %s",
                      names[i]);
        size_t len;
        unsigned char *back = read_file(dir, names[i], &len);
        ck_assert_uint_eq(len, sizes[i]);
        ck_assert_int_eq(memcmp(back, msg, len), 0);
        free(back);
    }
    ck_assert_str_ne(names[0], names[1]);
    ck_assert_str_ne(names[1], names[2]);
    /* Each message: one create, one file fsync, one close, one rename, one directory fsync. */
    ck_assert_int_eq(T.calls[T_CREATE], 3);
    ck_assert_int_eq(T.calls[T_FSYNC], 3);
    ck_assert_int_eq(T.calls[T_CLOSE], 3);
    ck_assert_int_eq(T.calls[T_RENAME], 3);
    ck_assert_int_eq(T.calls[T_DIR_FSYNC], 3);
    ck_assert_int_eq(T.calls[T_UNLINK], 0);
    ck_assert_int_eq(T.calls[T_FTRUNCATE], 0); /* only quota reservations extend temp files */
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 3);
    ck_assert_int_eq(l->temps, 0);
    ck_assert_int_eq(l->other, 0);
    /* The file mode is the configured one (0640 by default). */
    char p[2048];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, names[1]);
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_uint_eq(sb.st_mode & 07777, 0640);
    free(msg);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_durability_none_skips_fsync_but_stays_atomic)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = DW_DURABLE_NONE;
    o.file_mode = 0600;
    dw_drop *d = open_seam(&o);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "abc", 3, NULL, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_int_eq(T.calls[T_FSYNC], 0);
    ck_assert_int_eq(T.calls[T_DIR_FSYNC], 0);
    ck_assert_int_eq(T.calls[T_RENAME], 1);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 3);
    free(b);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_streaming_and_abort)
{
    dw_drop *d = open_real(NULL);
    dw_msg *m = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    /* While streaming, only the temp file exists: the gateway sees nothing. */
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 0);
    ck_assert_int_eq(l->temps, 1);
    ck_assert_int_eq(dw_msg_write(m, "Subject: a\r\n", 12, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "", 0, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "\r\nbody\r\n", 8, &e), DW_OK);
    ck_assert_uint_eq(dw_msg_size(m), 20);
    char name[DW_FILE_NAME_MAX];
    size_t needed;
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, &needed, &e), DW_OK);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 20);
    ck_assert_int_eq(memcmp(b, "Subject: a\r\n\r\nbody\r\n", 20), 0);
    free(b);

    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "partial", 7, &e), DW_OK);
    dw_msg_abort(m);
    l = list_dir(dir);
    ck_assert_int_eq(l->eml, 1);
    ck_assert_int_eq(l->temps, 0);
    dw_msg_abort(NULL);
    ck_assert_uint_eq(dw_msg_size(NULL), 0);

    /* A commit without a name buffer still publishes. */
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, NULL, 0, &needed, &e), DW_OK);
    ck_assert_uint_gt(needed, 10);
    ck_assert_int_eq(list_dir(dir)->eml, 2);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_write_fd_streams_in_bounded_chunks)
{
    dw_drop *d = open_seam(NULL);
    size_t total = 1000 * 1000 + 3;
    unsigned char *src = malloc(total);
    for (size_t i = 0; i < total; i++)
        src[i] = (unsigned char)(i ^ (i >> 8));
    char p[2048];
    snprintf(p, sizeof p, "%s/source.bin", tmp_root);
    FILE *f = fopen(p, "wb");
    ck_assert_uint_eq(fwrite(src, 1, total, f), total);
    fclose(f);
    int fd = open(p, O_RDONLY);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write_fd(d, fd, NULL, name, sizeof name, NULL, &e), DW_OK);
    close(fd);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, total);
    ck_assert_int_eq(memcmp(b, src, total), 0);
    free(b);
    /* Never the whole message at once: reads and writes of at most the 64 KiB copy buffer. */
    ck_assert_uint_le(T.max_write, 64 * 1024);
    ck_assert_int_ge(T.calls[T_WRITE], (int)(total / (64 * 1024)));

    /* A pipe works too (size unknown up front). */
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    ck_assert_int_eq(write(pfd[1], "piped message\r\n", 15), 15);
    close(pfd[1]);
    ck_assert_int_eq(dw_drop_write_fd(d, pfd[0], NULL, name, sizeof name, NULL, &e), DW_OK);
    close(pfd[0]);
    b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 15);
    free(b);

    /* A read error fails as op read, nothing published. */
    T.fail_at[T_READ] = T.calls[T_READ] + 1;
    T.fail_errno[T_READ] = EIO;
    ck_assert_int_eq(pipe(pfd), 0);
    close(pfd[1]);
    ck_assert_int_eq(dw_drop_write_fd(d, pfd[0], NULL, name, sizeof name, NULL, &e), DW_E_IO);
    close(pfd[0]);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    ck_assert_int_eq(list_dir(dir)->eml, 2);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    free(src);
    dw_drop_close(d);
}
END_TEST

/* The portable sources: a file by path (opened by the library) and a read callback. */
typedef struct cb_src {
    const unsigned char *p;
    size_t left, max_chunk;
    int fail_errno; /* returned once the data is used up, instead of the end */
    int calls;
} cb_src;

static int cb_read(void *user, void *buf, size_t size, size_t *got)
{
    cb_src *c = user;
    c->calls++;
    if (!c->left && c->fail_errno)
        return c->fail_errno;
    size_t n = c->left < size ? c->left : size;
    if (n > c->max_chunk)
        n = c->max_chunk;
    memcpy(buf, c->p, n);
    c->p += n;
    c->left -= n;
    *got = n;
    return 0;
}

START_TEST(test_write_file_and_callback)
{
    dw_drop *d = open_seam(NULL);
    size_t total = 200 * 1000 + 7;
    unsigned char *src = malloc(total);
    for (size_t i = 0; i < total; i++)
        src[i] = (unsigned char)(i * 7 + (i >> 9));
    char p[2048];
    snprintf(p, sizeof p, "%s/source2.bin", tmp_root);
    FILE *f = fopen(p, "wb");
    ck_assert_uint_eq(fwrite(src, 1, total, f), total);
    fclose(f);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write_file(d, p, NULL, name, sizeof name, NULL, &e), DW_OK);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, total);
    ck_assert_int_eq(memcmp(b, src, total), 0);
    free(b);
    ck_assert_uint_le(T.max_write, 64 * 1024);

    /* A missing source: op read, the source's path, class configuration, nothing published. */
    snprintf(p, sizeof p, "%s/no-such-source", tmp_root);
    ck_assert_int_eq(dw_drop_write_file(d, p, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_str_eq(e.path, p);
    ck_assert_int_eq(dw_drop_write_file(d, NULL, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_file(d, "", NULL, name, sizeof name, NULL, &e), DW_E_INVAL);

    /* The callback, in uneven chunks. */
    cb_src c = {src, total, 1000, 0, 0};
    ck_assert_int_eq(dw_drop_write_cb(d, cb_read, &c, NULL, name, sizeof name, NULL, &e), DW_OK);
    b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, total);
    ck_assert_int_eq(memcmp(b, src, total), 0);
    free(b);
    ck_assert_int_ge(c.calls, (int)(total / 1000));

    /* A failing callback: its errno, op read, the temp file removed. */
    cb_src bad = {src, 10, 1000, EACCES, 0};
    ck_assert_int_eq(dw_drop_write_cb(d, cb_read, &bad, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(e.sys_errno, EACCES);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_int_eq(dw_drop_write_cb(d, NULL, NULL, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_cb(NULL, cb_read, &c, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(list_dir(dir)->eml, 2);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    free(src);
    dw_drop_close(d);
}
END_TEST

/* ---- fault injection at every step (per-handle options) ---------------------------------------------- */

typedef struct fault_case {
    dw_op op;
    int errnum;
    unsigned count;
    dw_class cls;
} fault_case;

static const fault_case faults[] = {
    {DW_OP_CREATE, EACCES, 1, DW_CLASS_ACCESS},
    {DW_OP_CREATE, EROFS, 1, DW_CLASS_LOGICAL},
    {DW_OP_CREATE, EAGAIN, 99, DW_CLASS_TRANSIENT}, /* more than retry_max: gives up */
    {DW_OP_CREATE, ENOSPC, 1, DW_CLASS_CAPACITY},
    {DW_OP_WRITE, ENOSPC, 1, DW_CLASS_CAPACITY},
    {DW_OP_WRITE, EIO, 1, DW_CLASS_PHYSICAL},
    {DW_OP_WRITE, EDQUOT, 1, DW_CLASS_CAPACITY},
    {DW_OP_WRITE, EBUSY, 99, DW_CLASS_TRANSIENT},
    {DW_OP_FSYNC, EIO, 1, DW_CLASS_PHYSICAL},
    {DW_OP_FSYNC, EUCLEAN, 1, DW_CLASS_LOGICAL},
    {DW_OP_FSYNC, EINTR, 1, DW_CLASS_TRANSIENT},    /* never retried */
    {DW_OP_FSYNC, ESTALE, 1, DW_CLASS_REMOTE},
    {DW_OP_CLOSE, EIO, 1, DW_CLASS_PHYSICAL},
    {DW_OP_CLOSE, EDQUOT, 1, DW_CLASS_CAPACITY},
    {DW_OP_RENAME, ENOENT, 1, DW_CLASS_CONFIGURATION},
    {DW_OP_RENAME, EPERM, 1, DW_CLASS_ACCESS},
    {DW_OP_RENAME, EHOSTDOWN, 1, DW_CLASS_REMOTE},
    {DW_OP_RENAME, ETIMEDOUT, 99, DW_CLASS_TRANSIENT},
    {DW_OP_DIR_FSYNC, EIO, 1, DW_CLASS_PHYSICAL},
    {DW_OP_DIR_FSYNC, EBADMSG, 1, DW_CLASS_LOGICAL},
    {DW_OP_DIR_FSYNC, ECONNRESET, 1, DW_CLASS_REMOTE},
    {DW_OP_DIR_FSYNC, 4242, 1, DW_CLASS_PHYSICAL},  /* unknown errno: physical, "unclassified" */
};

START_TEST(test_injected_fault_leaves_nothing)
{
    const fault_case *fc = &faults[_i];
    int fds = rel_count_fds();
    dw_drop_options o;
    dw_drop_options_init(&o);
    dw_fault f = fault_of(fc->op, fc->errnum, fc->count);
    o.retry_base_ms = 0; /* the real ops table sleeps: keep the transient cases instant */
    dw_drop *d = open_faulty(&o, &f);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    static const char body[] = "Subject: fault\r\n\r\nbody\r\n";
    dw_status st = dw_drop_write(d, body, sizeof body - 1, NULL, name, sizeof name, NULL, &e);
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_msg(e.io_class == fc->cls, "%s/%d: class %s", dw_op_name(fc->op), fc->errnum, dw_class_name(e.io_class));
    ck_assert_int_eq(e.op, fc->op);
    ck_assert_int_eq(e.sys_errno, fc->errnum);
    ck_assert_int_eq(e.retryable, dw_class_retryable(fc->cls));
    ck_assert_ptr_nonnull(strstr(e.path, dir));
    if (fc->count > 1 && fc->op != DW_OP_FSYNC)
        ck_assert_uint_eq(e.attempts, o.retry_max + 1);
    else
        ck_assert_uint_eq(e.attempts, 1);
    if (!dw_errno_is_known(fc->errnum))
        ck_assert_str_eq(e.detail, "unclassified errno 4242");
    assert_nothing_left(dir);
    /* The handle still works afterwards (the injection budget is spent for count 1). */
    if (fc->count == 1) {
        ck_assert_int_eq(dw_drop_write(d, body, sizeof body - 1, NULL, name, sizeof name, NULL, &e), DW_OK);
        ck_assert_int_eq(list_dir(dir)->eml, 1);
    }
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

/* The same through the streaming API: the failure during dw_msg_write aborts the message. */
START_TEST(test_stream_write_failure_aborts)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    dw_fault f = fault_of(DW_OP_WRITE, ENOSPC, 1);
    int fds = rel_count_fds();
    dw_drop *d = open_faulty(&o, &f);
    dw_msg *m;
    dw_io_error e;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "abc", 3, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    assert_nothing_left(dir);
    ck_assert_int_eq(dw_msg_write(m, "abc", 3, &e), DW_E_STATE);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_E_STATE);
    assert_nothing_left(dir);
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

START_TEST(test_transient_retry_with_backoff)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.retry_max = 4;
    o.retry_base_ms = 10;
    o.retry_cap_ms = 25;
    dw_drop *d = open_seam(&o);
    /* Two EAGAIN on write, then success: 10 ms, 20 ms. */
    T.fail_at[T_WRITE] = 1;
    T.fail_n[T_WRITE] = 1;
    T.fail_errno[T_WRITE] = EAGAIN;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.nsleeps, 2);
    ck_assert_uint_eq(T.sleeps[0], 10);
    ck_assert_uint_eq(T.sleeps[1], 20);
    ck_assert_int_eq(T.calls[T_WRITE], 3);

    /* Always EBUSY on rename: 1 + 4 attempts, delays doubled and capped at 25 ms. */
    T.nsleeps = 0;
    T.fail_at[T_RENAME] = T.calls[T_RENAME] + 1;
    T.fail_n[T_RENAME] = 100;
    T.fail_errno[T_RENAME] = EBUSY;
    ck_assert_int_eq(dw_drop_write(d, "y", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    ck_assert_int_eq(e.op, DW_OP_RENAME);
    ck_assert_uint_eq(e.attempts, 5);
    ck_assert_int_eq(T.nsleeps, 4);
    const unsigned want[4] = {10, 20, 25, 25};
    for (int i = 0; i < 4; i++)
        ck_assert_uint_eq(T.sleeps[i], want[i]);
    ck_assert_int_eq(list_dir(dir)->eml, 1);
    ck_assert_int_eq(list_dir(dir)->temps, 0);

    /* Non-transient errors are not retried. */
    T.nsleeps = 0;
    T.fail_at[T_RENAME] = 0;
    T.fail_at[T_CREATE] = T.calls[T_CREATE] + 1;
    T.fail_errno[T_CREATE] = EACCES;
    ck_assert_int_eq(dw_drop_write(d, "z", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(T.nsleeps, 0);
    ck_assert_uint_eq(e.attempts, 1);

    /* retry_max 0: no retry at all. */
    dw_drop_close(d);
    o.retry_max = 0;
    d = open_seam(&o);
    T.fail_at[T_WRITE] = 1;
    T.fail_errno[T_WRITE] = EINTR;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    ck_assert_int_eq(T.nsleeps, 0);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_failed_fsync_is_never_retried)
{
    dw_drop *d = open_seam(NULL);
    T.fail_at[T_FSYNC] = 1;
    T.fail_errno[T_FSYNC] = EINTR; /* transient, yet final for fsync */
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_FSYNC);
    ck_assert_int_eq(T.calls[T_FSYNC], 1);
    ck_assert_int_eq(T.calls[T_RENAME], 0);
    ck_assert_int_eq(T.nsleeps, 0);
    assert_nothing_left(dir);
    dw_drop_close(d);
}
END_TEST

/* Power loss (doc/reliability.md, finding 10): a durable handle with a quota flushes the ledger while its
 * dirty mark is on it, before the rename, so a power cut never leaves a clean ledger that misses a
 * published file; a failed flush publishes nothing. Non-durable handles do not flush it. */
START_TEST(test_quota_ledger_mark_flushed_before_rename)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = 1 << 20;
    dw_drop *d = open_seam(&o);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_FSYNC], 2); /* the message, then the ledger */
    ck_assert_int_eq(T.calls[T_RENAME], 1);
    T.fail_at[T_FSYNC] = 4; /* the second message's own fsync passes, its ledger flush fails */
    T.fail_errno[T_FSYNC] = EIO;
    ck_assert_int_eq(dw_drop_write(d, "yy", 2, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_int_eq(e.sys_errno, EIO);
    ck_assert_int_eq(T.calls[T_RENAME], 1); /* never renamed */
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 1);
    ck_assert_int_eq(l->temps, 0);
    /* The next message goes through and the ledger counts exactly the two published bytes... */
    ck_assert_int_eq(dw_drop_write(d, "z", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    unsigned long long used = 0, inflight = 0;
    read_ledger_counts(dir, &used, &inflight);
    ck_assert_uint_eq(used, 2);
    ck_assert_uint_eq(inflight, 0);
    dw_drop_close(d);
    /* ... and a non-durable handle does not flush it. */
    o.durability = DW_DURABLE_NONE;
    d = open_seam(&o);
    ck_assert_int_eq(dw_drop_write(d, "w", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_FSYNC], 0);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_short_writes_are_completed)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    dw_fault f = DW_FAULT_INIT;
    f.short_write = 3;
    ops = test_ops();
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    dw_drop *d = NULL;
    ck_assert_int_eq(dwi_drop_open_fault(&d, dir, &o, &f, &ops, &T, NULL), DW_OK);
    const char body[] = "0123456789abcdefghij";
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, body, 20, NULL, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_int_eq(T.calls[T_WRITE], 7);
    ck_assert_uint_eq(T.max_write, 3);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 20);
    ck_assert_int_eq(memcmp(b, body, 20), 0);
    free(b);
    dw_drop_close(d);
}
END_TEST

/* A write that keeps returning 0 bytes makes no progress: reported as op write, nothing left. */
static dwi_ssize zero_write(void *ctx, dwi_fd fd, const void *buf, size_t len)
{
    (void)ctx;
    (void)fd;
    (void)buf;
    (void)len;
    return 0;
}

START_TEST(test_write_without_progress_fails)
{
    ops = test_ops();
    ops.write = zero_write;
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &ops, &T, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_WRITE);
    ck_assert_int_eq(e.sys_errno, EIO);
    assert_nothing_left(dir);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_name_collisions_are_retried)
{
    dw_drop *d = open_seam(NULL);
    T.fail_at[T_CREATE] = 1;
    T.fail_n[T_CREATE] = 2;
    T.fail_errno[T_CREATE] = EEXIST;
    T.fail_at[T_RENAME] = 1;
    T.fail_errno[T_RENAME] = EEXIST;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_CREATE], 4);
    ck_assert_int_eq(T.calls[T_RENAME], 2);
    ck_assert_int_eq(T.nsleeps, 0); /* a new name, not a backoff */
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 1);
    ck_assert_int_eq(l->temps, 0);
    dw_drop_close(d);
}
END_TEST

/* The real no-replace rename refuses to overwrite. */
START_TEST(test_rename_never_replaces)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    write_plain(dir, "a.tmp", 3, 0);
    write_plain(dir, "b.eml", 5, 0);
    ck_assert_int_eq(dwi_posix_ops.rename_noreplace(NULL, dfd, "a.tmp", dfd, "b.eml"), -EEXIST);
    struct stat sb;
    char p[2048];
    snprintf(p, sizeof p, "%s/b.eml", dir);
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert_int_eq(sb.st_size, 5);
    ck_assert_int_eq(dwi_posix_ops.rename_noreplace(NULL, dfd, "a.tmp", dfd, "c.eml"), 0);
    ck_assert(!rel_exists(dir, "a.tmp"));
    /* create refuses an existing name and a symlink */
    ck_assert_int_eq(dwi_posix_ops.create(NULL, dfd, "c.eml", 0600), -EEXIST);
    snprintf(p, sizeof p, "%s/s.eml", dir);
    ck_assert_int_eq(symlink("/etc/passwd", p), 0);
    ck_assert_int_lt(dwi_posix_ops.create(NULL, dfd, "s.eml", 0600), 0);
    unlink(p);
    ck_assert_int_eq(symlink("/tmp/dw-never-created", p), 0);
    ck_assert_int_lt(dwi_posix_ops.create(NULL, dfd, "s.eml", 0600), 0);
    ck_assert_int_lt(dwi_posix_ops.open_rw(NULL, dfd, "s.eml", 0600), 0);
    ck_assert(access("/tmp/dw-never-created", F_OK) != 0);
    close(dfd);
}
END_TEST


/* Someone swaps the temp name for a symlink (or another file) just before the rename: the library must
 * not publish it under a final name. */
static int swap_mode; /* 1: symlink to /etc/passwd, 2: another regular file */

static int swapping_rename(void *ctx, dwi_fd dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    int fd = openat((int)dirfd, "planted", O_CREAT | O_WRONLY | O_EXCL, 0600);
    if (fd >= 0)
        close(fd);
    if (swap_mode == 1) {
        unlinkat((int)dirfd, "planted", 0);
        symlinkat("/etc/passwd", (int)dirfd, "planted");
    }
    renameat((int)dirfd, "planted", (int)dirfd, from); /* replaces our temp name */
    return t_rename(ctx, dirfd, from, to_dirfd, to);
}

START_TEST(test_swapped_temp_is_not_published)
{
    struct stat before, after;
    ck_assert_int_eq(stat("/etc/passwd", &before), 0);
    for (swap_mode = 1; swap_mode <= 2; swap_mode++) {
        ops = test_ops();
        ops.rename_noreplace = swapping_rename;
        memset(&T, 0, sizeof T);
        T.dirfd = -1;
        dw_drop *d = NULL;
        dw_io_error e;
        ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &ops, &T, &e), DW_OK);
        char name[DW_FILE_NAME_MAX];
        ck_assert_int_eq(dw_drop_write(d, "secret-free", 11, NULL, name, sizeof name, NULL, &e), DW_E_IO);
        ck_assert_int_eq(e.op, DW_OP_RENAME);
        ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
        ck_assert_int_eq(e.sys_errno, ELOOP);
        ck_assert_ptr_nonnull(strstr(e.detail, "replaced"));
        listing *l = list_dir(dir);
        ck_assert_int_eq(l->eml, 0);
        ck_assert_int_eq(l->temps, 0);
        ck_assert_int_eq(l->total, 0);
        dw_drop_close(d);
    }
    ck_assert_int_eq(stat("/etc/passwd", &after), 0);
    ck_assert_int_eq(after.st_size, before.st_size);
    ck_assert_int_eq(after.st_mtime, before.st_mtime);
}
END_TEST

/* The file server dies between the rename and the check of what was published (tools/test-all.d/30-share.sh
 * saw it: the stat after the rename answered EIO). That is the check's own failure, class remote, never
 * "replaced" (configuration); the name is withdrawn when it can be, else the message may be published. */
static int stat_fail_errno; /* stat of a final (.eml) name fails with this */

static int failing_final_stat(void *ctx, dwi_fd dirfd, const char *name, dwi_stat *st)
{
    (void)ctx;
    size_t len = name ? strlen(name) : 0;
    if (stat_fail_errno && len > 4 && !strcmp(name + len - 4, ".eml"))
        return -stat_fail_errno;
    return dwi_posix_ops.stat(NULL, dirfd, name, st);
}

START_TEST(test_check_after_rename_fails)
{
    /* The seam's failing unlink removes nothing, so the file stays on disk whenever the unlink "fails". */
    static const struct { int unlink_errno; dw_outcome outcome; int on_disk, left_noted; } cases[] = {
        {0, DW_OUTCOME_NOT_PUBLISHED, 0, 0}, /* withdrawn: nothing published, a retry saves the message */
        {EIO, DW_OUTCOME_UNCERTAIN, 1, 1},   /* the withdrawal failed too: it stays, reported as maybe published */
        {ENOENT, DW_OUTCOME_UNCERTAIN, 1, 0},/* already gone (a consumer took it): maybe published */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ops = test_ops();
        ops.stat = failing_final_stat;
        ops.is_remote = dead_remote;
        memset(&T, 0, sizeof T);
        T.dirfd = -1;
        T.fail_at[T_UNLINK] = cases[i].unlink_errno ? 1 : 0;
        T.fail_errno[T_UNLINK] = cases[i].unlink_errno;
        dw_drop *d = NULL;
        dw_io_error e;
        ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &ops, &T, &e), DW_OK);
        char name[DW_FILE_NAME_MAX];
        stat_fail_errno = EIO;
        ck_assert_int_eq(dw_drop_write(d, "body", 4, NULL, name, sizeof name, NULL, &e), DW_E_IO);
        stat_fail_errno = 0;
        ck_assert_int_eq(e.op, DW_OP_RENAME);
        ck_assert_int_eq(e.sys_errno, EIO);
        ck_assert_int_eq(e.io_class, DW_CLASS_REMOTE);
        ck_assert_int_eq(e.retryable, 1);
        ck_assert_ptr_null(strstr(e.detail, "replaced"));
        ck_assert_ptr_nonnull(strstr(e.detail, "could not be checked"));
        ck_assert_int_eq(e.outcome, cases[i].outcome);
        listing *l = list_dir(dir);
        ck_assert_int_eq(l->temps, 0);
        ck_assert_int_eq(l->eml, cases[i].on_disk);
        if (cases[i].left_noted) {
            ck_assert_str_eq(e.left_behind, l->names[0]);
            ck_assert_int_eq(e.left_errno, EIO);
        } else {
            ck_assert_str_eq(e.left_behind, "");
        }
        if (cases[i].on_disk) {
            ck_assert_str_eq(e.published, l->names[0]);
            char p[2048];
            snprintf(p, sizeof p, "%s/%s", dir, l->names[0]);
            ck_assert_int_eq(unlink(p), 0);
        }
        dw_drop_close(d);
    }
}
END_TEST

/* ---- the directory ----------------------------------------------------------------------------------- */

START_TEST(test_missing_dir_is_configuration)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/absent", tmp_root);
    dw_drop *d = (dw_drop *)1;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, p, NULL, &e), DW_E_IO);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    ck_assert_str_eq(e.path, p);
    ck_assert_ptr_nonnull(strstr(e.detail, "never created"));
    ck_assert(!rel_exists(tmp_root, "absent")); /* never created implicitly */

    /* A file where the directory should be. */
    write_plain(tmp_root, "file", 1, 0);
    snprintf(p, sizeof p, "%s/file", tmp_root);
    ck_assert_int_eq(dw_drop_open(&d, p, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.sys_errno, ENOTDIR);

    /* A symlink to a directory is refused. */
    snprintf(p, sizeof p, "%s/link", tmp_root);
    ck_assert_int_eq(symlink(dir, p), 0);
    ck_assert_int_eq(dw_drop_open(&d, p, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.sys_errno, ELOOP);
    ck_assert_ptr_nonnull(strstr(e.detail, "symlink"));

    /* Injected failures of the open itself. */
    dw_drop_options o;
    dw_drop_options_init(&o);
    dw_fault f = fault_of(DW_OP_OPEN_DIR, EIO, 1);
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_str_eq(e.path, dir);
    f.sys_errno = EINTR; /* transient: retried, then it opens */
    o.retry_base_ms = 0;
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_OK);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_dir_swapped_for_symlink_after_open)
{
    dw_drop *d = open_real(NULL);
    char moved[1024], other[1024];
    snprintf(moved, sizeof moved, "%s/moved", tmp_root);
    snprintf(other, sizeof other, "%s/other", tmp_root);
    ck_assert_int_eq(mkdir(other, 0700), 0);
    ck_assert_int_eq(rename(dir, moved), 0);
    ck_assert_int_eq(symlink(other, dir), 0);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, NULL), DW_OK);
    /* The write went to the directory that was opened, not to the symlink's target. */
    ck_assert(rel_exists(moved, name));
    ck_assert_int_eq(list_dir(other)->total, 0);
    ck_assert_str_eq(dw_drop_path(d), dir);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_read_only_dir_via_seam)
{
    dw_drop *d = open_seam(NULL);
    T.fail_at[T_CREATE] = 1;
    T.fail_n[T_CREATE] = 10;
    T.fail_errno[T_CREATE] = EACCES;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_int_eq(e.op, DW_OP_CREATE);
    ck_assert_uint_eq(e.win32, 5);
    ck_assert_ptr_nonnull(strstr(dw_class_action(e.io_class), "permission"));
    T.fail_errno[T_CREATE] = EROFS;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_LOGICAL);
    assert_nothing_left(dir);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_create_dir)
{
    char p[2048];
    dw_io_error e;
    snprintf(p, sizeof p, "%s/new", tmp_root);
    umask(022);
    ck_assert_int_eq(dw_drop_create_dir(p, 0, &e), DW_OK);
    struct stat sb;
    ck_assert_int_eq(stat(p, &sb), 0);
    ck_assert(S_ISDIR(sb.st_mode));
    ck_assert_uint_eq(sb.st_mode & 0777, 0750);
    ck_assert_int_eq(dw_drop_create_dir(p, 0700, &e), DW_OK); /* exists already: fine */
    write_plain(tmp_root, "plain", 1, 0);
    snprintf(p, sizeof p, "%s/plain", tmp_root);
    ck_assert_int_eq(dw_drop_create_dir(p, 0, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_MKDIR);
    snprintf(p, sizeof p, "%s/no/parent", tmp_root);
    ck_assert_int_eq(dw_drop_create_dir(p, 0, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(dw_drop_create_dir(NULL, 0, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_create_dir("", 0, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_create_dir(p, 010000, &e), DW_E_INVAL);
}
END_TEST

/* ---- naming ------------------------------------------------------------------------------------------ */

START_TEST(test_exchange_naming)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.naming = DW_NAMING_EXCHANGE;
    o.machine_name = "EX01.contoso.com";
    dw_drop *d = open_seam(&o);
    T.fixed_now = 1714564800; /* 2024-05-01T12:00:00Z */
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.record_id = 123456789;
    mo.priority = DW_PRIORITY_HIGH;
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "a", 1, &mo, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_str_eq(name, "EX01-123456789-20240501120000Z.High.eml");
    /* Same record id in the same second: the next free record id, never a replacement. */
    ck_assert_int_eq(dw_drop_write(d, "b", 1, &mo, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_str_eq(name, "EX01-123456790-20240501120000Z.High.eml");
    mo.priority = DW_PRIORITY_LOW;
    ck_assert_int_eq(dw_drop_write(d, "c", 1, &mo, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_str_eq(name, "EX01-123456789-20240501120000Z.Low.eml");
    mo.priority = DW_PRIORITY_NORMAL;
    mo.record_id = 0; /* generated */
    ck_assert_int_eq(dw_drop_write(d, "d", 1, &mo, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert(name_matches(name, "^EX01-[0-9]+-20240501120000Z\\.Normal\\.eml$"));
    size_t len;
    unsigned char *b = read_file(dir, "EX01-123456790-20240501120000Z.High.eml", &len);
    ck_assert_int_eq(b[0], 'b');
    free(b);
    mo.priority = (dw_priority)7;
    ck_assert_int_eq(dw_drop_write(d, "e", 1, &mo, name, sizeof name, NULL, NULL), DW_E_INVAL);
    ck_assert_int_eq(list_dir(dir)->eml, 4);
    dw_drop_close(d);

    /* Default machine name: the host name's first label. */
    o.machine_name = NULL;
    d = open_real(&o);
    ck_assert_int_eq(dw_drop_write(d, "f", 1, NULL, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert(name_matches(name, "^[A-Za-z0-9_-]+-[0-9]+-[0-9]{14}Z\\.Normal\\.eml$"));
    dw_drop_close(d);

    /* The NetBIOS-style name Exchange's Environment.MachineName gives: upper case, at most 15 characters. */
    static const char *const netbios[][2] = {{"ex01", "EX01"},
                                             {"hub01-very-long-name.contoso.com", "HUB01-VERY-LONG"},
                                             {"Mbx_2.corp", "MBX_2"}};
    for (size_t i = 0; i < sizeof netbios / sizeof netbios[0]; i++) {
        o.machine_name = netbios[i][0];
        d = open_seam(&o);
        T.fixed_now = 1714564800;
        mo.record_id = 7;
        mo.priority = DW_PRIORITY_NORMAL;
        ck_assert_int_eq(dw_drop_write(d, "g", 1, &mo, name, sizeof name, NULL, NULL), DW_OK);
        char want[64];
        snprintf(want, sizeof want, "%s-7-20240501120000Z.Normal.eml", netbios[i][1]);
        ck_assert_str_eq(name, want);
        dw_drop_close(d);
    }

    /* Invalid machine names. */
    dw_io_error e;
    const char *bad[] = {"", "a/b", "bad name", ".lead", "0123456789012345678901234567890123456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.machine_name = bad[i];
        d = (dw_drop *)1;
        ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
        ck_assert_ptr_null(d);
    }
}
END_TEST

START_TEST(test_unique_naming_prefix_and_time)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.name_prefix = "fax-";
    dw_drop *d = open_seam(&o);
    T.fixed_now = 951782400; /* 2000-02-29T00:00:00Z */
    char a[DW_FILE_NAME_MAX], b[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "a", 1, NULL, a, sizeof a, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "b", 1, NULL, b, sizeof b, NULL, NULL), DW_OK);
    ck_assert_msg(name_matches(a, "^fax-20000229T000000-[0-9]+-[0-9]+-[0-9a-f]{8}\\.eml$"), "%s", a);
    ck_assert_str_ne(a, b);
    T.fixed_now = 4102444799; /* 2099-12-31T23:59:59Z */
    ck_assert_int_eq(dw_drop_write(d, "c", 1, NULL, a, sizeof a, NULL, NULL), DW_OK);
    ck_assert_msg(name_matches(a, "^fax-20991231T235959-"), "%s", a);
    dw_drop_close(d);

    const char *bad[] = {".hidden", "a/b", "sp ace", "x\xc3\xa9",
                         "01234567890123456789012345678901234567890123456789012345678901234"};
    dw_io_error e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        o.name_prefix = bad[i];
        ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
        ck_assert_int_eq(e.op, DW_OP_VALIDATE);
    }
    /* The longest prefix still gives a name below DW_FILE_NAME_MAX. */
    o.name_prefix = "0123456789012345678901234567890123456789012345678901234567890123";
    d = open_real(&o);
    size_t needed;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, a, sizeof a, &needed, NULL), DW_OK);
    ck_assert_uint_le(needed, DW_FILE_NAME_MAX);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_name_buffer_too_small_publishes_nothing)
{
    dw_drop *d = open_real(NULL);
    char small[16];
    size_t needed = 0;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, small, sizeof small, &needed, NULL), DW_E_BUFFER);
    ck_assert_uint_eq(needed, DW_FILE_NAME_MAX);
    dw_msg *m;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, small, sizeof small, &needed, NULL), DW_E_BUFFER);
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, NULL, 10, &needed, NULL), DW_E_INVAL);
    assert_nothing_left(dir);
    dw_drop_close(d);
}
END_TEST

/* ---- quota ------------------------------------------------------------------------------------------- */

static dw_drop *open_quota(uint64_t q, int seam)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = q;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    return seam ? open_seam(&o) : open_real(&o);
}

/* Empty the drop directory (the quota ledger included) but keep it. */
static void rm_rf_contents(const char *d)
{
    DIR *dp = opendir(d);
    ck_assert_ptr_nonnull(dp);
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char p[2048];
        snprintf(p, sizeof p, "%s/%s", d, de->d_name);
        rel_rm_rf(p);
    }
    closedir(dp);
}

/* Exchange's quota rule, the default: refused only when the top-level files already add up to the quota
 * or more (any name counts), checked before each message; the message that crosses the line is written. */
START_TEST(test_quota_exchange_rule)
{
    write_plain(dir, "notes.txt", 10, 0); /* any extension counts, as in Exchange */
    dw_drop_options o;
    dw_drop_options_init(&o);
    ck_assert_int_eq(o.quota_mode, DW_QUOTA_EXCHANGE);
    o.quota_bytes = 100;
    dw_drop *d = open_seam(&o);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[64];
    memset(buf, 'm', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK); /* 70 */
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK); /* 130: crosses, written */
    int creates = T.calls[T_CREATE];
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO); /* the next one waits */
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 130, message 1");
    ck_assert_int_eq(T.calls[T_CREATE], creates); /* refused before anything was written */
    /* that refusal is the one Exchange logs as 8005 */
    dw_alert a;
    dw_alert_init(&a);
    a.error = e;
    ck_assert_uint_eq(dw_alert_event_id(&a), 8005);
    uint64_t bytes, files;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, &e), DW_OK);
    ck_assert_uint_eq(bytes, 130);
    dw_drop_close(d);

    /* exactly at the quota is exceeded (>=); one byte below is not */
    rm_rf_contents(dir);
    write_plain(dir, "full.eml", 100, 0);
    d = open_seam(&o);
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    dw_drop_close(d);
    rm_rf_contents(dir);
    write_plain(dir, "almost.eml", 99, 0);
    d = open_seam(&o);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.expected_size = 5000; /* far past the quota: still written, as Exchange would */
    char big[5000];
    memset(big, 'b', sizeof big);
    ck_assert_int_eq(dw_drop_write(d, big, sizeof big, &mo, name, sizeof name, NULL, &e), DW_OK);
    dw_drop_close(d);

    /* a batch stops after the message that crossed the line, as Exchange checks after each message */
    rm_rf_contents(dir);
    d = open_seam(&o);
    const void *bufs[3] = {buf, buf, buf};
    size_t lens[3] = {60, 60, 60};
    size_t done = 9;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 3, NULL, NULL, 0, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 2);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    dw_drop_close(d);

    /* the strict mode refuses the crossing message instead (and that refusal is not an 8005) */
    rm_rf_contents(dir);
    write_plain(dir, "notes.txt", 10, 0);
    o.quota_mode = DW_QUOTA_STRICT;
    d = open_seam(&o);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 70, message 60");
    a.error = e;
    ck_assert_uint_eq(dw_alert_event_id(&a), 8004);
    dw_drop_close(d);
    o.quota_mode = (dw_quota_mode)2;
    dw_drop *bad = NULL;
    ck_assert_int_eq(dw_drop_open(&bad, dir, &o, &e), DW_E_INVAL);
}
END_TEST

START_TEST(test_quota_exact_fit_and_overflow)
{
    write_plain(dir, "existing.eml", 30, 0);
    write_plain(dir, "notes.txt", 10, 0); /* any extension counts, as in Exchange */
    dw_drop *d = open_quota(100, 1);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[64];
    memset(buf, 'm', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 40, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, buf, 20, NULL, name, sizeof name, NULL, &e), DW_OK); /* exactly 100 */
    /* Each temp file was extended once to its reservation (so other processes' rescans count it). */
    ck_assert_int_eq(T.calls[T_FTRUNCATE], 2);
    int creates = T.calls[T_CREATE];
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_int_eq(e.sys_errno, 0);
    ck_assert_uint_eq(e.win32, 1295);
    ck_assert_int_eq(e.retryable, 1);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    ck_assert_str_eq(e.path, dir);
    ck_assert_int_eq(T.calls[T_CREATE], creates); /* refused before anything was written */
    uint64_t bytes, files;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, &e), DW_OK);
    ck_assert_uint_eq(bytes, 100);
    ck_assert_uint_eq(files, 4);
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->temps, 0);
    ck_assert_int_eq(l->eml, 3);

    /* The consumer takes a file: room again. */
    ck_assert_int_eq(unlink(strcat(strcat(strcpy((char[2048]){0}, dir), "/"), "existing.eml")), 0);
    ck_assert_int_eq(dw_drop_write(d, buf, 30, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    dw_drop_close(d);
}
END_TEST

START_TEST(test_quota_streaming_overflow)
{
    dw_drop *d = open_quota(100000, 0);
    dw_msg *m;
    dw_io_error e;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    char *chunk = calloc(1, 100000);
    ck_assert_int_eq(dw_msg_write(m, chunk, 60000, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, chunk, 40000, &e), DW_OK); /* exactly the quota */
    ck_assert_int_eq(dw_msg_write(m, chunk, 1, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_str_eq(e.detail, "quota 100000 bytes, used 0, message 100001");
    dw_msg_abort(m);
    assert_nothing_left(dir);

    /* A message that fits is cut back to its real size after the reservation. */
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "small", 5, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 5);
    free(b);

    /* Announced size too big: refused at begin, no temp file created. */
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.expected_size = 100000;
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_str_eq(e.detail, "quota 100000 bytes, used 5, message 100000");
    mo.expected_size = 99995;
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_OK);
    /* While it is in flight its reservation counts for every other writer. */
    ck_assert_int_eq(dw_drop_write(d, "y", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(dw_msg_write(m, chunk, 1000, &e), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
    b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 1000);
    free(b);
    ck_assert_int_eq(dw_drop_write(d, chunk, 98995, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    free(chunk);
    dw_drop_close(d);
}
END_TEST

/* A fixed wall clock for the quota tests that count rescans: the age bound is then reached only when a
 * test moves the clock, never because the machine is slow. */
#define QUOTA_T0 ((int64_t)2000000000)

static void touch_dir_mtime(void)
{
    /* Timestamps may be coarser than this test is fast: make the change visible deterministically. */
    static long long tick = 1000000000;
    struct timespec ts[2] = {{0, UTIME_OMIT}, {(time_t)tick++, 0}};
    ck_assert_int_eq(utimensat(AT_FDCWD, dir, ts, 0), 0);
}

static void unlink_in_dir(const char *name)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    ck_assert_int_eq(unlink(p), 0);
}

/* Cost stays flat: after the first write no write lists the directory again, and the consumer deleting
 * files does not make a write that fits list it either (the ledger then over-counts, which is safe). */
START_TEST(test_quota_does_not_rescan)
{
    for (int i = 0; i < 50; i++) {
        char n[32];
        snprintf(n, sizeof n, "old-%d.eml", i);
        write_plain(dir, n, 10, 0);
    }
    dw_drop *d = open_quota(1u << 20, 1);
    T.fixed_now = QUOTA_T0;
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "first", 5, NULL, name, sizeof name, NULL, NULL), DW_OK);
    int scans = T.calls[T_DIR_OPEN];
    ck_assert_int_eq(scans, 1); /* no ledger yet: built once */
    for (int i = 0; i < 30; i++)
        ck_assert_int_eq(dw_drop_write(d, "again", 5, NULL, name, sizeof name, NULL, NULL), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans);
    ck_assert_int_eq(T.calls[T_LOCK], 31 * 2); /* create and rename, each under the ledger lock */
    /* The consumer deletes files between writes, as the gateway does: still no rescan. */
    for (int i = 0; i < 20; i++) {
        char n[32];
        snprintf(n, sizeof n, "old-%d.eml", i);
        unlink_in_dir(n);
        touch_dir_mtime();
        T.fixed_now = QUOTA_T0 + DWI_QUOTA_RESCAN_AGE - 1; /* just inside the age bound */
        ck_assert_int_eq(dw_drop_write(d, "after", 5, NULL, name, sizeof name, NULL, NULL), DW_OK);
        ck_assert_int_eq(T.calls[T_DIR_OPEN], scans);
    }
    /* The over-estimate is kept (the files are gone, the ledger still counts them) ... */
    uint64_t bytes;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, NULL, NULL), DW_OK);
    ck_assert_uint_eq(bytes, 30 * 10 + 51 * 5);
    dw_drop_close(d);
    unsigned long long used = 0, inflight = 1;
    read_ledger_counts(dir, &used, &inflight);
    ck_assert_uint_eq(used, 50 * 10 + 51 * 5);
    ck_assert_uint_eq(inflight, 0);
}
END_TEST

/* A write that would not fit under a stale over-estimate rescans and succeeds on the fresh figure; a
 * write that really does not fit is refused after that rescan, with the detail format unchanged. */
START_TEST(test_quota_rescans_before_refusing)
{
    dw_drop *d = open_quota(100, 1);
    T.fixed_now = QUOTA_T0;
    char name[DW_FILE_NAME_MAX], first[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[100];
    memset(buf, 'q', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, first, sizeof first, NULL, &e), DW_OK);
    int scans = T.calls[T_DIR_OPEN];
    unlink_in_dir(first); /* the consumer picks it up: the ledger still says 60 */
    touch_dir_mtime();
    ck_assert_int_eq(dw_drop_write(d, buf, 30, NULL, name, sizeof name, NULL, &e), DW_OK); /* fits anyway */
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans);
    /* 60 + 30 + 60 > 100 under the stale figure, 30 + 60 <= 100 really: rescanned once, then written. */
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 1);
    /* Really full now (90 of 100): the refusal is decided on a fresh figure and reported as before. */
    int creates = T.calls[T_CREATE];
    ck_assert_int_eq(dw_drop_write(d, buf, 11, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 2);
    ck_assert_int_eq(T.calls[T_CREATE], creates);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_int_eq(e.sys_errno, 0);
    ck_assert_uint_eq(e.win32, 1295);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 90, message 11");
    ck_assert_int_eq(dw_drop_write(d, buf, 10, NULL, name, sizeof name, NULL, &e), DW_OK); /* exact fit */
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 2);
    /* A stale figure that is confirmed by the rescan still refuses: nothing was deleted this time. */
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 3);
    ck_assert_int_eq(list_dir(dir)->eml, 3);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);
}
END_TEST

/* A file added by a program that bypasses libdropwatch is counted once the last rescan is older than the
 * age bound (time moved through the seam's clock, no sleeping); a clock stepped back also rescans. */
START_TEST(test_quota_age_bound_counts_foreign_files)
{
    dw_drop *d = open_quota(100, 1);
    T.fixed_now = QUOTA_T0;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[100];
    memset(buf, 'a', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 10, NULL, name, sizeof name, NULL, &e), DW_OK);
    int scans = T.calls[T_DIR_OPEN];
    write_plain(dir, "foreign.eml", 50, 0); /* not through the library: the ledger does not know it */
    touch_dir_mtime();
    T.fixed_now = QUOTA_T0 + DWI_QUOTA_RESCAN_AGE - 1;
    ck_assert_int_eq(dw_drop_write(d, buf, 10, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans); /* within the bound: not yet seen (ledger says 20) */
    T.fixed_now = QUOTA_T0 + DWI_QUOTA_RESCAN_AGE;
    ck_assert_int_eq(dw_drop_write(d, buf, 10, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 1); /* the bound reached: rescanned, 80 counted */
    /* Counted: 20 more fit exactly without another rescan, and the next byte is refused. */
    ck_assert_int_eq(dw_drop_write(d, buf, 20, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 1);
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 2); /* confirmed before refusing */

    /* The clock stepped back behind the last rescan: the recorded age cannot be trusted, rescan. */
    unlink_in_dir("foreign.eml");
    int after = T.calls[T_DIR_OPEN];
    T.fixed_now = QUOTA_T0;
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], after + 1);
    dw_drop_close(d);
}
END_TEST

/* A writer that dies while holding the ledger lock (after changing the directory, before rewriting the
 * ledger) leaves the ledger marked dirty: the next writer rescans instead of trusting stale counters. */
START_TEST(test_quota_writer_dying_under_the_lock)
{
    dw_drop *d = open_quota(100, 1);
    T.fixed_now = QUOTA_T0;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[100];
    memset(buf, 'c', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 10, NULL, name, sizeof name, NULL, &e), DW_OK);
    int scans = T.calls[T_DIR_OPEN];
    /* Success is reported through a pipe, not the exit status: under valgrind the child's (deliberate)
     * leaks would change its exit status. */
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    pid_t pid = fork();
    ck_assert_int_ne(pid, -1);
    if (pid == 0) {
        close(pfd[0]);
        dw_drop_options o;
        dw_drop_options_init(&o);
        o.quota_bytes = 100;
        o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
        dw_drop *c = NULL;
        if (dw_drop_open(&c, dir, &o, NULL) != DW_OK || dwi_dirop_begin(c, NULL) != DW_OK)
            _exit(1);
        write_plain(dir, "half-done.eml", 60, 0); /* its change, never recorded in the ledger */
        (void)!write(pfd[1], "k", 1);
        _exit(0); /* dies holding the lock: the kernel releases the flock */
    }
    close(pfd[1]);
    char ok = 0;
    ck_assert_int_eq(read(pfd[0], &ok, 1), 1);
    close(pfd[0]);
    ck_assert_int_eq(ok, 'k');
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(dw_drop_write(d, buf, 30, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_DIR_OPEN], scans + 1);
    /* 10 + 60 + 30 counted: full. */
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 100, message 1");
    dw_drop_close(d);
}
END_TEST

START_TEST(test_quota_lock_and_scan_failures)
{
    dw_drop *d = open_quota(1000, 1);
    T.fail_at[T_LOCK] = 1;
    T.fail_errno[T_LOCK] = ENOLCK;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_LOCK);
    ck_assert_int_eq(e.io_class, DW_CLASS_REMOTE);
    assert_nothing_left(dir);
    /* The ledger is stale (directory changed behind it) and the rescan fails. */
    write_plain(dir, "foreign.eml", 1, 0);
    T.fail_at[T_DIR_OPEN] = T.calls[T_DIR_OPEN] + 1;
    T.fail_errno[T_DIR_OPEN] = EIO;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    ck_assert_int_eq(list_dir(dir)->eml, 1);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    /* Extending the temp file to its reservation fails: no temp left, reservation given back. */
    T.fail_at[T_FTRUNCATE] = T.calls[T_FTRUNCATE] + 1;
    T.fail_errno[T_FTRUNCATE] = EFBIG;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_WRITE); /* a write failure, not DropDirectoryQuota (no event 8005) */
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    uint64_t bytes;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, NULL, &e), DW_OK);
    ck_assert_uint_eq(bytes, 2); /* foreign.eml and "x" */
    static char rest[998];
    ck_assert_int_eq(dw_drop_write(d, rest, sizeof rest, NULL, name, sizeof name, NULL, &e), DW_OK); /* exact fit */
    dw_drop_close(d);

    /* Injection of the quota step itself through the options. */
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = 1000;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    dw_fault f = fault_of(DW_OP_QUOTA, EIO, 1);
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    f = fault_of(DW_OP_LOCK, EAGAIN, 2);
    d = open_faulty(&o, &f);
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_LOCK);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    dw_drop_close(d);
}
END_TEST

/* ---- concurrency ------------------------------------------------------------------------------------- */

#define THREADS 4
#define PER_THREAD 40

typedef struct worker {
    dw_drop *drop;
    int id;
    int ok;
} worker;

static void *thread_writer(void *arg)
{
    worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char body[128];
        int n = snprintf(body, sizeof body, "worker %d message %d\r\n%0*d", w->id, i, 40 + i, i);
        char name[DW_FILE_NAME_MAX];
        if (dw_drop_write(w->drop, body, (size_t)n, NULL, name, sizeof name, NULL, NULL) == DW_OK)
            w->ok++;
    }
    return NULL;
}

static void check_all_distinct_and_complete(int expected)
{
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, expected);
    ck_assert_int_eq(l->temps, 0);
    /* Every file is complete: its content parses back to a worker and index whose length matches. */
    char seen[16][PER_THREAD * 2] = {{0}};
    for (int i = 0; i < l->eml; i++) {
        size_t len;
        unsigned char *b = read_file(dir, l->names[i], &len);
        int w = -1, k = -1;
        ck_assert_int_eq(sscanf((char *)b, "worker %d message %d", &w, &k), 2);
        char expect[128];
        int n = snprintf(expect, sizeof expect, "worker %d message %d\r\n%0*d", w, k, 40 + k, k);
        ck_assert_uint_eq(len, (size_t)n);
        ck_assert_int_eq(memcmp(b, expect, len), 0);
        ck_assert_int_eq(seen[w][k], 0); /* no duplicate */
        seen[w][k] = 1;
        free(b);
    }
}

START_TEST(test_threads_share_one_handle)
{
    dw_drop *d = open_quota(1u << 30, 0);
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){d, i, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_writer, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(w[i].ok, PER_THREAD);
    }
    check_all_distinct_and_complete(THREADS * PER_THREAD);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_threads_with_own_handles)
{
    pthread_t th[THREADS];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){open_real(NULL), i, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_writer, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(w[i].ok, PER_THREAD);
        dw_drop_close(w[i].drop);
    }
    check_all_distinct_and_complete(THREADS * PER_THREAD);
}
END_TEST

/* Forked writers sharing a quota: every file complete and distinct, and the quota is never exceeded. */
START_TEST(test_forked_writers_share_quota)
{
    /* Messages are 40+i+~20 bytes; allow only part of them. */
    const uint64_t quota = 4000;
    dw_drop *d = open_quota(quota, 0); /* opened before fork: children inherit the handle */
    pid_t pids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            worker w = {d, i, 0};
            thread_writer(&w);
            dw_drop_close(d); /* the child's copy: the parent's descriptors stay open */
            _exit(w.ok);
        }
    }
    int total_ok = 0;
    for (int i = 0; i < THREADS; i++) {
        int status;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert(WIFEXITED(status));
        total_ok += WEXITSTATUS(status);
    }
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, total_ok);
    ck_assert_int_gt(total_ok, 10);
    ck_assert_int_lt(total_ok, THREADS * PER_THREAD);
    uint64_t bytes, files;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, NULL), DW_OK);
    ck_assert_uint_le(bytes, quota);
    ck_assert_uint_eq(files, (uint64_t)total_ok);
    /* Nearly full: what is left is smaller than the smallest message. */
    ck_assert_uint_gt(bytes, quota - 110);
    check_all_distinct_and_complete(total_ok);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_forked_writers_without_quota)
{
    pid_t pids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            dw_drop *d = NULL;
            if (dw_drop_open(&d, dir, NULL, NULL) != DW_OK)
                _exit(0);
            worker w = {d, i, 0};
            thread_writer(&w);
            dw_drop_close(d);
            _exit(w.ok);
        }
    }
    for (int i = 0; i < THREADS; i++) {
        int status;
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_int_eq(WEXITSTATUS(status), PER_THREAD);
    }
    check_all_distinct_and_complete(THREADS * PER_THREAD);
}
END_TEST


/* A consumer deletes files while forked writers fill the directory up to the quota: at no moment do the
 * finished files exceed the quota, and every message a writer reported is delivered exactly once and
 * complete. (The consumer's own listing is not concurrent with its deletions, and writers only add
 * files, so the sum it sees is at most the real sum at the end of the listing.) */
#define CW_WRITERS 3
#define CW_PER 60
#define CW_SIZE 100

START_TEST(test_quota_with_deleting_consumer)
{
    const uint64_t quota = 1000;
    pid_t pids[CW_WRITERS];
    for (int w = 0; w < CW_WRITERS; w++) {
        pids[w] = fork();
        ck_assert_int_ge(pids[w], 0);
        if (pids[w] == 0) {
            dw_drop_options o;
            dw_drop_options_init(&o);
            o.quota_bytes = quota;
            o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
            o.durability = DW_DURABLE_NONE;
            dw_drop *d = NULL;
            if (dw_drop_open(&d, dir, &o, NULL) != DW_OK)
                _exit(255);
            int ok = 0;
            /* Bounded by time, not attempts: on a loaded machine the consumer may not run for a long
             * while, and a writer that gave up after N refusals made this test fail spuriously. */
            struct timespec start, now;
            clock_gettime(CLOCK_MONOTONIC, &start);
            for (now = start; ok < CW_PER && now.tv_sec - start.tv_sec < 40; clock_gettime(CLOCK_MONOTONIC, &now)) {
                char body[CW_SIZE];
                memset(body, '.', sizeof body);
                snprintf(body, sizeof body, "w%d m%d ", w, ok);
                dw_io_error e;
                dw_status st = dw_drop_write(d, body, sizeof body, NULL, NULL, 0, NULL, &e);
                if (st == DW_OK)
                    ok++;
                else if (e.op != DW_OP_QUOTA)
                    _exit(254);
                else
                    nanosleep(&(struct timespec){0, 500000}, NULL); /* full: let the consumer run */
            }
            dw_drop_close(d);
            _exit(ok);
        }
    }
    static char seen[CW_WRITERS][CW_PER];
    memset(seen, 0, sizeof seen);
    int consumed = 0, running = CW_WRITERS, status, total_ok = 0, rounds = 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    for (;;) {
        /* Look, check the invariant, then take every finished file. */
        DIR *dd = opendir(dir);
        char names[64][DW_FILE_NAME_MAX];
        int n = 0;
        uint64_t sum = 0;
        struct dirent *de;
        while ((de = readdir(dd))) {
            size_t len = strlen(de->d_name);
            if (len < 5 || strcmp(de->d_name + len - 4, ".eml"))
                continue;
            struct stat sb;
            if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            sum += (uint64_t)sb.st_size;
            if (n < 64)
                snprintf(names[n++], DW_FILE_NAME_MAX, "%s", de->d_name);
        }
        closedir(dd);
        ck_assert_msg(sum <= quota, "directory holds %llu bytes, quota %llu", (unsigned long long)sum,
                      (unsigned long long)quota);
        for (int i = 0; i < n; i++) {
            size_t len;
            unsigned char *b = read_file(dir, names[i], &len);
            int w = -1, k = -1;
            ck_assert_uint_eq(len, CW_SIZE);
            ck_assert_int_eq(sscanf((char *)b, "w%d m%d ", &w, &k), 2);
            ck_assert(w >= 0 && w < CW_WRITERS && k >= 0 && k < CW_PER);
            ck_assert_int_eq(seen[w][k], 0);
            seen[w][k] = 1;
            free(b);
            ck_assert_int_eq(unlinkat(dfd, names[i], 0), 0);
            consumed++;
        }
        rounds++;
        if (running == 0 && n == 0)
            break;
        pid_t r;
        while (running && (r = waitpid(-1, &status, WNOHANG)) > 0) {
            ck_assert(WIFEXITED(status));
            ck_assert_int_lt(WEXITSTATUS(status), 254);
            total_ok += WEXITSTATUS(status);
            running--;
        }
    }
    close(dfd);
    ck_assert_int_eq(total_ok, CW_WRITERS * CW_PER);
    ck_assert_int_eq(consumed, total_ok);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    ck_assert_int_gt(rounds, 1);
}
END_TEST

/* ---- sweep, usage, health ---------------------------------------------------------------------------- */

START_TEST(test_sweep_removes_only_old_temps)
{
    write_plain(dir, ".dwtmp-1-2-abc.tmp", 10, 7200);    /* old temp: removed */
    write_plain(dir, ".dwtmp-3-4-def.tmp", 10, 7200);    /* old temp: removed */
    write_plain(dir, ".dwcanary-9-1.tmp", 10, 7200);     /* old canary: removed */
    write_plain(dir, ".dwtmp-5-6-young.tmp", 10, 60);    /* young temp: kept */
    write_plain(dir, "old.eml", 10, 86400);              /* finished message: never touched */
    write_plain(dir, ".dwtmp-7-8.eml", 10, 86400);       /* not our temp shape: kept */
    write_plain(dir, "other.tmp", 10, 86400);            /* someone else's temp: kept */
    dw_drop *d = open_seam(NULL);
    uint64_t removed = 99;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_OK);
    ck_assert_uint_eq(removed, 3);
    ck_assert(!rel_exists(dir, ".dwtmp-1-2-abc.tmp"));
    ck_assert(!rel_exists(dir, ".dwtmp-3-4-def.tmp"));
    ck_assert(!rel_exists(dir, ".dwcanary-9-1.tmp"));
    ck_assert(rel_exists(dir, ".dwtmp-5-6-young.tmp"));
    ck_assert(rel_exists(dir, "old.eml"));
    ck_assert(rel_exists(dir, ".dwtmp-7-8.eml"));
    ck_assert(rel_exists(dir, "other.tmp"));
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_OK);
    ck_assert_uint_eq(removed, 0);
    ck_assert_int_eq(dw_drop_sweep(d, 0, NULL, &e), DW_OK); /* age 0: every temp older than now */

    /* A failing unlink is reported. */
    write_plain(dir, ".dwtmp-1-2-abc.tmp", 10, 7200);
    T.fail_at[T_UNLINK] = T.calls[T_UNLINK] + 1;
    T.fail_errno[T_UNLINK] = EACCES;
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_UNLINK);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    T.fail_at[T_DIR_OPEN] = T.calls[T_DIR_OPEN] + 1;
    T.fail_errno[T_DIR_OPEN] = EIO;
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_usage_counts_like_the_quota)
{
    write_plain(dir, "a.eml", 100, 0);
    write_plain(dir, "b.txt", 20, 0);
    write_plain(dir, ".dwtmp-1-1-x.tmp", 1000, 0); /* in flight: not usage */
    char p[2048];
    snprintf(p, sizeof p, "%s/sub", dir);
    ck_assert_int_eq(mkdir(p, 0700), 0);             /* directories: not counted */
    snprintf(p, sizeof p, "%s/link.eml", dir);
    ck_assert_int_eq(symlink("/etc/passwd", p), 0); /* symlinks: not counted */
    dw_drop *d = open_quota(10000, 0);            /* creates the ledger: not counted either */
    uint64_t bytes = 0, files = 0;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, NULL), DW_OK);
    ck_assert_uint_eq(bytes, 120);
    ck_assert_uint_eq(files, 2);
    ck_assert_int_eq(dw_drop_usage(d, NULL, NULL, NULL), DW_OK);
    dw_drop_close(d);
}
END_TEST

/* The files other than messages can be turned off: no quota ledger, no health canary. Only the
 * temporary files of messages being written remain (and none is left afterwards). */
START_TEST(test_no_ledger_no_canary)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    ck_assert_int_eq(o.no_ledger, 0);
    ck_assert_int_eq(o.no_canary, 0);
    o.quota_bytes = 100;
    o.no_ledger = 1;
    o.no_canary = 1;
    write_plain(dir, "notes.txt", 10, 0);
    dw_drop *d = open_real(&o);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    char buf[64];
    memset(buf, 'm', sizeof buf);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, buf, 60, NULL, name, sizeof name, NULL, &e), DW_OK); /* 70 < 100 */
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 130, message 1");
    /* the consumer deletes a file: seen at once, since every message counts afresh */
    char path[2048];
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_E_IO); /* 120 */
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(dw_drop_write(d, buf, 1, NULL, name, sizeof name, NULL, &e), DW_OK); /* 60 */
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dw_drop_health(dir, &o, 3600, &h, &e), DW_OK);
    ck_assert_int_eq(h.writable, 0); /* not probed */
    dw_drop_close(d);
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->temps, 0);
    ck_assert_int_eq(l->eml, 2);
    ck_assert_int_eq(l->total, 2); /* nothing but the messages */
    snprintf(path, sizeof path, "%s/.dwquota", dir);
    ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_health)
{
    write_plain(dir, "a.eml", 100, 0);
    write_plain(dir, ".dwtmp-1-1-x.tmp", 5, 7200);
    dw_health h = DW_HEALTH_INIT;
    dw_io_error e;
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = 5000;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    ck_assert_int_eq(dw_drop_health(dir, &o, 3600, &h, &e), DW_OK);
    ck_assert_int_eq(h.exists, 1);
    ck_assert_int_eq(h.is_directory, 1);
    ck_assert_int_eq(h.writable, 1);
    ck_assert_uint_eq(h.used_bytes, 100);
    ck_assert_uint_eq(h.file_count, 1);
    ck_assert_uint_eq(h.quota_bytes, 5000);
    ck_assert_uint_eq(h.stale_temp_files, 1);
    ck_assert_uint_gt(h.total_bytes, 0);
    ck_assert_uint_ge(h.total_bytes, h.free_bytes);
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 1);    /* the canary never appears as a message */
    ck_assert_int_eq(l->temps, 1);  /* only the planted stale one */

    /* Quota full: the canary cannot be written, and that is the answer. */
    o.quota_bytes = 100;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    ck_assert_int_eq(dw_drop_health(dir, &o, 3600, &h, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(h.writable, 0);
    ck_assert_uint_eq(h.used_bytes, 100);

    char p[2048];
    snprintf(p, sizeof p, "%s/absent", tmp_root);
    ck_assert_int_eq(dw_drop_health(p, NULL, 60, &h, &e), DW_E_IO);
    ck_assert_int_eq(h.exists, 0);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    write_plain(tmp_root, "file", 1, 0);
    snprintf(p, sizeof p, "%s/file", tmp_root);
    ck_assert_int_eq(dw_drop_health(p, NULL, 60, &h, &e), DW_E_IO);
    ck_assert_int_eq(h.exists, 1);
    ck_assert_int_eq(h.is_directory, 0);
    ck_assert_int_eq(dw_drop_health(NULL, NULL, 60, &h, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_health(dir, NULL, 60, NULL, &e), DW_E_INVAL);

    /* Failures at the probe's steps, through the seam. */
    ops = test_ops();
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    T.fail_at[T_RENAME] = 1;
    T.fail_errno[T_RENAME] = EROFS;
    ck_assert_int_eq(dwi_drop_health_ops(dir, NULL, 60, &h, &ops, &T, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_RENAME);
    ck_assert_int_eq(h.writable, 0);
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    T.fail_at[T_UNLINK] = 1;
    T.fail_errno[T_UNLINK] = EIO;
    ck_assert_int_eq(dwi_drop_health_ops(dir, NULL, 60, &h, &ops, &T, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_UNLINK);
    memset(&T, 0, sizeof T);
    T.dirfd = -1;
    T.fail_at[T_DIR_OPEN] = 1;
    T.fail_errno[T_DIR_OPEN] = EIO;
    ck_assert_int_eq(dwi_drop_health_ops(dir, NULL, 60, &h, &ops, &T, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    o.quota_bytes = 0;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    dw_fault f = fault_of(DW_OP_STAT, EIO, 1);
    ck_assert_int_eq(dw_testing_drop_health(dir, &o, &f, 60, &h, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_STAT);
}
END_TEST


/* ---- batch ------------------------------------------------------------------------------------------- */

#define BATCH_MAX 300

static void make_batch(size_t n, char bodies[][64], const void **bufs, size_t *lens)
{
    for (size_t i = 0; i < n; i++) {
        lens[i] = (size_t)snprintf(bodies[i], 64, "batch message %zu\r\n", i);
        bufs[i] = bodies[i];
    }
}

/* Issue 17: the three outcomes of a guarded write, and what an undo that failed left where. */
START_TEST(test_three_outcomes)
{
    dw_drop *d = open_seam(NULL);
    dw_io_error e;
    char name[DW_FILE_NAME_MAX];
    /* Published and durable. */
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_DURABLE);
    ck_assert_str_eq(dw_outcome_name(e.outcome), "durable");
    /* Not published: the fsync fails and the temporary file is removed. */
    T.fail_at[T_FSYNC] = T.calls[T_FSYNC] + 1;
    T.fail_errno[T_FSYNC] = EIO;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
    ck_assert_str_eq(e.left_behind, "");
    ck_assert_int_eq(list_dir(dir)->eml, 1);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    /* Not published, and the clean-up failed too (a file system that just went read-only). */
    T.fail_at[T_FSYNC] = T.calls[T_FSYNC] + 1;
    T.fail_at[T_UNLINK] = T.calls[T_UNLINK] + 1;
    T.fail_errno[T_UNLINK] = EROFS;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
    ck_assert_int_eq(strncmp(e.left_behind, ".dwtmp-", 7), 0);
    ck_assert_int_eq(e.left_errno, EROFS);
    ck_assert_int_eq(list_dir(dir)->temps, 1);
    uint64_t removed = 0;
    ck_assert_int_eq(dw_drop_sweep(d, 0, &removed, &e), DW_OK);
    /* The directory fsync fails and the message is withdrawn: not published. */
    T.fail_at[T_DIR_FSYNC] = T.calls[T_DIR_FSYNC] + 1;
    T.fail_errno[T_DIR_FSYNC] = EIO;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_DIR_FSYNC);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
    ck_assert_int_eq(list_dir(dir)->eml, 1);
    /* The directory fsync fails and the withdrawal fails: published, durability unknown, never "not
     * published"; the final name is reported and the file is really there. */
    T.fail_at[T_DIR_FSYNC] = T.calls[T_DIR_FSYNC] + 1;
    T.fail_at[T_UNLINK] = T.calls[T_UNLINK] + 1;
    T.fail_errno[T_UNLINK] = EROFS;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_UNCERTAIN);
    ck_assert_str_eq(dw_outcome_name(e.outcome), "uncertain");
    ck_assert_int_eq(list_dir(dir)->eml, 2);
    ck_assert_int_ne(faccessat(T.dirfd, e.published, F_OK, AT_SYMLINK_NOFOLLOW), -1);
    ck_assert_str_eq(e.left_behind, e.published);
    ck_assert_int_eq(e.left_errno, EROFS);
    /* The alert says so in every format. */
    dw_alert a;
    dw_alert_init(&a);
    a.error = e;
    a.connector = "Fax";
    a.drop_path = dir;
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *txt = NULL;
        ck_assert_int_eq(dw_alert_format_alloc(&a, (dw_format)f, &txt, NULL), DW_OK);
        ck_assert_msg(strstr(txt, "uncertain") && strstr(txt, e.published) && strstr(txt, "EROFS"), "%s", txt);
        dw_free(txt);
    }
    /* The withdrawal finds the file gone (the consumer took it): published all the same. */
    T.fail_at[T_DIR_FSYNC] = T.calls[T_DIR_FSYNC] + 1;
    T.fail_at[T_UNLINK] = T.calls[T_UNLINK] + 1;
    T.fail_errno[T_UNLINK] = ENOENT;
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_UNCERTAIN);
    ck_assert_str_eq(e.left_behind, "");
    /* Streaming: a failed write is "not published" too; calls that are not writes say "none". */
    dw_msg *m;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    T.fail_at[T_WRITE] = T.calls[T_WRITE] + 1;
    T.fail_errno[T_WRITE] = ENOSPC;
    ck_assert_int_eq(dw_msg_write(m, "abc", 3, &e), DW_E_IO);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
    dw_msg_abort(m);
    ck_assert_int_eq(dw_drop_sweep(d, 3600, NULL, &e), DW_OK);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NONE);
    ck_assert_str_eq(dw_outcome_name((dw_outcome)99), "unknown");
    dw_drop_close(d);
}
END_TEST

/* Issue 17, shares: a file system with neither RENAME_NOREPLACE nor hard links (what smbnetfs answers:
 * EINVAL, then EPERM) publishes by unique-name rename, which still refuses an existing name; EIO on a
 * network file system is class remote. The share itself is tested in tools/test-all.d/30-share.sh. */
static int share_rename(void *ctx, dwi_fd dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    (void)ctx; (void)dirfd; (void)from; (void)to_dirfd; (void)to;
    return -EOPNOTSUPP;
}
static dwi_ssize share_dead_write(void *ctx, dwi_fd fd, const void *buf, size_t len)
{
    (void)ctx; (void)fd; (void)buf; (void)len;
    return -EIO;
}

START_TEST(test_publish_methods)
{
    dw_drop *d = open_real(NULL);
    dw_io_error e;
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_publish_method(d), DW_PUBLISH_UNKNOWN);
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    /* renameat2(RENAME_NOREPLACE) or, where the test directory lacks it, hard links */
    ck_assert(dw_drop_publish_method(d) == DW_PUBLISH_RENAME_NOREPLACE || dw_drop_publish_method(d) == DW_PUBLISH_LINK);
    ck_assert_str_eq(dw_publish_method_name(DW_PUBLISH_RENAME_NOREPLACE), "rename-noreplace");
    ck_assert_str_eq(dw_publish_method_name(DW_PUBLISH_LINK), "link");
    ck_assert_str_eq(dw_publish_method_name((dw_publish_method)42), "unknown");
    ck_assert_int_eq(dw_drop_publish_method(NULL), DW_PUBLISH_UNKNOWN);
    dw_drop_close(d);

    dwi_ops share = dwi_posix_ops;
    share.rename_noreplace = share_rename;
    share.is_remote = dead_remote;
    ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &share, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "hello", 5, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_publish_method(d), DW_PUBLISH_UNIQUE_RENAME);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 5);
    free(b);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    /* The unique-name rename refuses an existing name (never replaces a file that is there). */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    int fd = openat(dfd, ".dwtmp-x.tmp", O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(dwi_posix_ops.rename_unique(NULL, dfd, ".dwtmp-x.tmp", dfd, name), -EEXIST);
    b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, 5);
    free(b);
    unlinkat(dfd, ".dwtmp-x.tmp", 0);
    close(dfd);
    /* Health reports the method. */
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dwi_drop_health_ops(dir, NULL, 3600, &h, &share, NULL, &e), DW_OK);
    ck_assert_int_eq(h.publish_method, DW_PUBLISH_UNIQUE_RENAME);
    dw_drop_close(d);

    /* EIO on a network file system: remote, retryable. */
    share.write = share_dead_write;
    ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &share, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_REMOTE);
    ck_assert_int_eq(e.sys_errno, EIO);
    ck_assert_int_eq(e.retryable, 1);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_batch_one_flush_per_group)
{
    static char bodies[BATCH_MAX][64];
    static const void *bufs[BATCH_MAX];
    static size_t lens[BATCH_MAX];
    static char names[BATCH_MAX][DW_FILE_NAME_MAX];
    make_batch(BATCH_MAX, bodies, bufs, lens);
    dw_drop *d = open_seam(NULL);
    size_t done = 0;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 64, NULL, names[0], DW_FILE_NAME_MAX, &done, &e), DW_OK);
    ck_assert_uint_eq(done, 64);
    ck_assert_int_eq(T.calls[T_SYNCFS], 1);
    ck_assert_int_eq(T.calls[T_FSYNC], 0);
    ck_assert_int_eq(T.calls[T_DIR_FSYNC], 1);
    ck_assert_int_eq(T.calls[T_RENAME], 64);
    for (int i = 0; i < 64; i++) {
        size_t len;
        unsigned char *b = read_file(dir, names[i], &len);
        ck_assert_uint_eq(len, lens[i]);
        ck_assert_int_eq(memcmp(b, bufs[i], len), 0);
        free(b);
    }
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 64);
    ck_assert_int_eq(l->temps, 0);
    /* More than one group: one flush and one directory fsync per group of 256. */
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, BATCH_MAX, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_uint_eq(done, BATCH_MAX);
    ck_assert_int_eq(T.calls[T_SYNCFS], 3);
    ck_assert_int_eq(T.calls[T_DIR_FSYNC], 3);
    ck_assert_int_eq(list_dir(dir)->eml, 64 + BATCH_MAX);
    /* Empty batch. */
    ck_assert_int_eq(dw_drop_write_batch(d, NULL, NULL, 0, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_uint_eq(done, 0);
    /* Without syncfs: one fsync per file instead. */
    T.fail_at[T_SYNCFS] = T.calls[T_SYNCFS] + 1;
    T.fail_errno[T_SYNCFS] = ENOSYS;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 10, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_FSYNC], 10);
    dw_drop_close(d);

    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = DW_DURABLE_NONE;
    d = open_seam(&o);
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 5, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_int_eq(T.calls[T_SYNCFS] + T.calls[T_FSYNC] + T.calls[T_DIR_FSYNC], 0);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_batch_failures_leave_only_whole_published_prefix)
{
    static char bodies[16][64];
    const void *bufs[16];
    size_t lens[16];
    char names[16][DW_FILE_NAME_MAX];
    make_batch(16, bodies, bufs, lens);
    int fds = rel_count_fds();
    dw_drop *d = open_seam(NULL);
    size_t done = 99;
    dw_io_error e;
    /* The flush fails: nothing is published. */
    T.fail_at[T_SYNCFS] = 1;
    T.fail_errno[T_SYNCFS] = EIO;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 16, NULL, names[0], DW_FILE_NAME_MAX, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(e.op, DW_OP_FSYNC);
    assert_nothing_left(dir);
    /* The 6th rename fails: the first five are published (and fsynced), nothing else exists. */
    T.fail_at[T_RENAME] = T.calls[T_RENAME] + 6;
    T.fail_errno[T_RENAME] = EPERM;
    int dirsyncs = T.calls[T_DIR_FSYNC];
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 16, NULL, names[0], DW_FILE_NAME_MAX, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 5);
    ck_assert_int_eq(e.op, DW_OP_RENAME);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_int_eq(T.calls[T_DIR_FSYNC], dirsyncs + 1);
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 5);
    ck_assert_int_eq(l->temps, 0);
    for (int i = 0; i < 5; i++) {
        size_t len;
        unsigned char *b = read_file(dir, names[i], &len);
        ck_assert_int_eq(memcmp(b, bufs[i], len), 0);
        free(b);
    }
    /* The directory fsync fails: the group is withdrawn. */
    T.fail_at[T_DIR_FSYNC] = T.calls[T_DIR_FSYNC] + 1;
    T.fail_errno[T_DIR_FSYNC] = EIO;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 16, NULL, NULL, 0, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(e.op, DW_OP_DIR_FSYNC);
    ck_assert_int_eq(list_dir(dir)->eml, 5);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    /* A write fails in the middle of the group. */
    T.fail_at[T_WRITE] = T.calls[T_WRITE] + 3;
    T.fail_errno[T_WRITE] = ENOSPC;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 16, NULL, NULL, 0, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(list_dir(dir)->eml, 5);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);

    /* Quota: the group does not fit, nothing is written. */
    d = open_quota(5 * 20, 0);
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 16, NULL, NULL, 0, &done, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_uint_eq(done, 0);
    ck_assert_int_eq(list_dir(dir)->eml, 5);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);

    /* Bad arguments. */
    d = open_real(NULL);
    ck_assert_int_eq(dw_drop_write_batch(NULL, bufs, lens, 1, NULL, NULL, 0, &done, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_batch(d, NULL, lens, 1, NULL, NULL, 0, &done, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, NULL, 1, NULL, NULL, 0, &done, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 2, NULL, names[0], 10, &done, &e), DW_E_BUFFER);
    const void *nullbuf[1] = {NULL};
    size_t one[1] = {1};
    ck_assert_int_eq(dw_drop_write_batch(d, nullbuf, one, 1, NULL, NULL, 0, &done, &e), DW_E_INVAL);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.priority = (dw_priority)9;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 1, &mo, NULL, 0, &done, &e), DW_E_INVAL);
    ck_assert_int_eq(list_dir(dir)->eml, 5);
    dw_drop_close(d);
}
END_TEST

/* ---- the file server dies at every step ------------------------------------------------------------ */

/* tests/dead_server.h kills a simulated file server at every call of a write in turn (before the call, or
 * after it with the reply lost). Whatever the moment: class remote (never configuration), EIO, nothing
 * partial under a final name, and every final name on disk reported (published, or named as maybe
 * published). */

/* Asserts that each final name on disk holds one whole body (never a part); returns how many there are,
 * and counts in *unknown those not among `known` (names the caller was told of). */
static int dead_check_finals(const char *const *bodies, size_t nbodies, const char *known, size_t stride,
                             size_t nknown, int *unknown)
{
    listing *l = list_dir(dir);
    *unknown = 0;
    for (int i = 0; i < l->eml && i < 512; i++) {
        size_t len;
        unsigned char *b = read_file(dir, l->names[i], &len);
        int whole = 0;
        for (size_t k = 0; k < nbodies && !whole; k++)
            whole = len == strlen(bodies[k]) && !memcmp(b, bodies[k], len);
        free(b);
        ck_assert_msg(whole, "die_at %d effect %d: %s is not a whole message", DEAD.die_at, DEAD.effect, l->names[i]);
        int told = 0;
        for (size_t k = 0; k < nknown && !told; k++)
            told = !strcmp(known + k * stride, l->names[i]);
        *unknown += !told;
    }
    return l->eml;
}

enum { DEAD_WRITE, DEAD_STREAM, DEAD_TEMP_DIR, DEAD_GROUP, DEAD_APIS };

static dw_drop *dead_open(const dwi_ops *o, int quota, int unique_rename, int api, dw_flush_group *g)
{
    dw_drop_options opt;
    dw_drop_options_init(&opt);
    if (api == DEAD_TEMP_DIR) {
        char p[2048];
        snprintf(p, sizeof p, "%s/.dwtmp", dir);
        ck_assert(mkdir(p, 0700) == 0 || errno == EEXIST);
        opt.temp_dir = ".dwtmp";
    }
    if (quota) {
        opt.quota_bytes = 1 << 20;
        opt.quota_mode = DW_QUOTA_STRICT;
    }
    dead_reset();
    DEAD.no_noreplace = unique_rename;
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dwi_drop_open_ops(&d, dir, &opt, o, NULL, &e);
    ck_assert_msg(st == DW_OK, "open: %s %s", dw_status_name(st), e.detail);
    if (api == DEAD_GROUP)
        ck_assert_int_eq(dw_drop_set_flush_group(d, g, &e), DW_OK);
    return d;
}

/* One message through the API under test. */
static dw_status dead_write_one(dw_drop *d, int api, const char *body, char *name, size_t size, dw_io_error *e)
{
    if (api != DEAD_STREAM)
        return dw_drop_write(d, body, strlen(body), NULL, name, size, NULL, e);
    dw_msg *m;
    dw_status st = dw_msg_begin(d, &m, NULL, e);
    if (st != DW_OK)
        return st;
    st = dw_msg_write(m, body, strlen(body), e);
    if (st != DW_OK) {
        dw_msg_abort(m);
        return st;
    }
    return dw_msg_commit(m, name, size, NULL, e);
}

/* The failure itself, whatever the moment (`write`: a guarded write, which also says what it published). */
static void dead_check_error(dw_status st, const dw_io_error *e, int write)
{
    ck_assert_msg(st == DW_E_IO, "die_at %d effect %d: %s", DEAD.die_at, DEAD.effect, dw_status_name(st));
    ck_assert_msg(e->io_class == DW_CLASS_REMOTE && e->sys_errno == EIO && e->retryable,
                  "die_at %d effect %d: op %s class %s errno %d (%s)", DEAD.die_at, DEAD.effect, dw_op_name(e->op),
                  dw_class_name(e->io_class), e->sys_errno, e->detail);
    ck_assert_ptr_null(strstr(e->detail, "replaced"));
    if (write)
        ck_assert(e->outcome == DW_OUTCOME_NOT_PUBLISHED || e->outcome == DW_OUTCOME_UNCERTAIN);
}

START_TEST(test_server_dies_at_every_step)
{
    static const char *const body[] = {"Subject: dies\r\n\r\nbody\r\n"};
    const int quota = _i & 1, unique_rename = (_i >> 1) & 1, api = _i >> 2;
    dwi_ops o = dead_ops();
    dw_flush_group *g = NULL;
    dw_flush_group_options go = DW_FLUSH_GROUP_OPTIONS_INIT;
    go.mode = DW_FLUSH_SYNCFS;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &go), DW_OK);
    int fds = rel_count_fds();
    /* A write on a live server first: how many calls it makes. */
    dw_drop *d = dead_open(&o, quota, unique_rename, api, g);
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    dead_arm(0, 0);
    ck_assert_int_eq(dead_write_one(d, api, body[0], name, sizeof name, &e), DW_OK);
    const int total = DEAD.calls;
    ck_assert_int_ge(total, 6);
    ck_assert_int_eq(dw_drop_publish_method(d),
                     unique_rename ? DW_PUBLISH_UNIQUE_RENAME : DW_PUBLISH_RENAME_NOREPLACE);
    dw_drop_close(d);
    int runs = 0, unsure = 0;
    for (int effect = 0; effect <= 1; effect++) {
        for (int k = 1; k <= total; k++) {
            rm_rf_contents(dir);
            d = dead_open(&o, quota, unique_rename, api, g);
            dead_arm(k, effect);
            name[0] = '\0';
            dw_status st = dead_write_one(d, api, body[0], name, sizeof name, &e);
            DEAD.armed = 0; /* the server is back: what does it hold? */
            int unknown;
            const char *told = st == DW_OK ? name : e.outcome == DW_OUTCOME_UNCERTAIN ? e.published : "";
            int n = dead_check_finals(body, 1, told, 0, 1, &unknown);
            if (st == DW_OK) {
                /* only the last calls' replies can be lost after the message was made durable */
                ck_assert_int_eq(e.outcome, DW_OUTCOME_DURABLE);
                ck_assert_int_eq(n, 1);
            } else {
                dead_check_error(st, &e, 1);
                if (e.outcome == DW_OUTCOME_NOT_PUBLISHED)
                    ck_assert_msg(n == 0, "die_at %d effect %d: not published, but %d final names", k, effect, n);
                else
                    unsure++;
            }
            ck_assert_msg(unknown == 0, "die_at %d effect %d: a final name nobody was told of", k, effect);
            ck_assert_int_le(n, 1);
            dw_drop_close(d);
            ck_assert_msg(rel_count_fds() == fds, "die_at %d effect %d: a descriptor leaked", k, effect);
            runs++;
        }
    }
    ck_assert_int_eq(runs, 2 * total);
    ck_assert_int_gt(unsure, 0); /* the rename's lost reply, at least, is the third outcome */
    dw_flush_group_free(g);
}
END_TEST

/* A batch whose third rename happened but answered EIO (maybe published), then whose directory fsync fails:
 * withdrawing the first two works, but the third must still be reported as maybe published. */
static int lost_reply_rename_at, lost_reply_renames;

static int lost_reply_rename(void *ctx, dwi_fd dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    int rc = t_rename(ctx, dirfd, from, to_dirfd, to);
    return rc == 0 && ++lost_reply_renames == lost_reply_rename_at ? -EIO : rc;
}

START_TEST(test_batch_lost_rename_reply_then_dir_fsync_fails)
{
    static char bodies[3][64];
    const void *bufs[3];
    size_t lens[3];
    char names[3][DW_FILE_NAME_MAX];
    make_batch(3, bodies, bufs, lens);
    dw_drop *d = open_seam(NULL);
    ops.rename_noreplace = lost_reply_rename;
    lost_reply_rename_at = 3;
    lost_reply_renames = 0;
    T.fail_at[T_DIR_FSYNC] = 1;
    T.fail_errno[T_DIR_FSYNC] = EIO;
    size_t done = 99;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 3, NULL, names[0], DW_FILE_NAME_MAX, &done, &e), DW_E_IO);
    ck_assert_uint_eq(done, 0);
    listing *l = list_dir(dir);
    ck_assert_int_eq(l->eml, 1); /* the third, which the withdrawal never knew of */
    ck_assert_int_eq(l->temps, 0);
    ck_assert_int_eq(e.outcome, DW_OUTCOME_UNCERTAIN);
    ck_assert_str_eq(e.published, l->names[0]);
    ck_assert_ptr_nonnull(strstr(e.detail, "1 of the 3 messages of this group stay published"));
    size_t len;
    unsigned char *b = read_file(dir, l->names[0], &len);
    ck_assert_uint_eq(len, lens[2]);
    ck_assert_int_eq(memcmp(b, bufs[2], len), 0);
    free(b);
    dw_drop_close(d);
}
END_TEST

/* The directory's own probes on a dying server: health (with its canary write), usage and sweep fail as
 * remote at whatever call the server dies, and the canary never stays under a final name. */
START_TEST(test_server_dies_during_probes)
{
    dwi_ops o = dead_ops();
    int fds = rel_count_fds();
    for (int probe = 0; probe < 3; probe++) {
        int total = 0;
        for (int k = 0; k == 0 || k <= total; k++) {
            rm_rf_contents(dir);
            write_plain(dir, "old.eml", 10, 0);
            write_plain(dir, ".dwtmp-1-1-0123456789abcdef.tmp", 10, 7200); /* stale: two hours old */
            dw_drop *d = dead_open(&o, 1, 0, DEAD_WRITE, NULL);
            dead_arm(k, 0);
            dw_io_error e;
            dw_status st;
            uint64_t a = 0, b = 0;
            dw_health h = DW_HEALTH_INIT;
            if (probe == 0)
                st = dwi_drop_health_ops(dir, NULL, 60, &h, &o, NULL, &e);
            else if (probe == 1)
                st = dw_drop_usage(d, &a, &b, &e);
            else
                st = dw_drop_sweep(d, 60, &a, &e);
            DEAD.armed = 0;
            if (k == 0) {
                ck_assert_msg(st == DW_OK, "probe %d on a live server: %s", probe, e.detail);
                total = DEAD.calls;
                ck_assert_int_gt(total, 0);
            } else if (st != DW_OK) {
                dead_check_error(st, &e, 0);
            }
            listing *l = list_dir(dir);
            ck_assert_msg(l->eml == 1 && !strcmp(l->names[0], "old.eml"), "probe %d die_at %d: %d final names",
                          probe, k, l->eml);
            dw_drop_close(d);
            ck_assert_msg(rel_count_fds() == fds, "probe %d die_at %d: a descriptor leaked", probe, k);
        }
    }
}
END_TEST

/* The same for a batch of three: the published prefix is named in `names`, the rest is not published or
 * named as maybe published (err->published and the count in err->detail). */
START_TEST(test_server_dies_at_every_step_batch)
{
    static const char *const bodies[] = {"Subject: one\r\n\r\n1\r\n", "Subject: two\r\n\r\n22\r\n",
                                         "Subject: three\r\n\r\n333\r\n"};
    const void *bufs[3] = {bodies[0], bodies[1], bodies[2]};
    size_t lens[3] = {strlen(bodies[0]), strlen(bodies[1]), strlen(bodies[2])};
    const int unique_rename = _i & 1;
    dwi_ops o = dead_ops();
    int fds = rel_count_fds();
    char names[4][DW_FILE_NAME_MAX];
    size_t done;
    dw_io_error e;
    dw_drop *d = dead_open(&o, 0, unique_rename, DEAD_WRITE, NULL);
    dead_arm(0, 0);
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 3, NULL, names[0], DW_FILE_NAME_MAX, &done, &e), DW_OK);
    const int total = DEAD.calls;
    dw_drop_close(d);
    for (int effect = 0; effect <= 1; effect++) {
        for (int k = 1; k <= total; k++) {
            rm_rf_contents(dir);
            d = dead_open(&o, 0, unique_rename, DEAD_WRITE, NULL);
            dead_arm(k, effect);
            memset(names, 0, sizeof names);
            dw_status st = dw_drop_write_batch(d, bufs, lens, 3, NULL, names[0], DW_FILE_NAME_MAX, &done, &e);
            DEAD.armed = 0;
            int unknown;
            if (st == DW_OK) {
                ck_assert_int_eq(dead_check_finals(bodies, 3, names[0], DW_FILE_NAME_MAX, 3, &unknown), 3);
                ck_assert_int_eq(unknown, 0);
            } else {
                dead_check_error(st, &e, 1);
                if (e.outcome == DW_OUTCOME_UNCERTAIN)
                    snprintf(names[3], DW_FILE_NAME_MAX, "%s", e.published);
                int n = dead_check_finals(bodies, 3, names[0], DW_FILE_NAME_MAX, 4, &unknown);
                if (e.outcome == DW_OUTCOME_NOT_PUBLISHED) {
                    ck_assert_msg(n == (int)done && unknown == 0, "die_at %d effect %d: not published, but %d "
                                  "final names for %zu published (%d unknown)", k, effect, n, done, unknown);
                } else {
                    /* more than one may stay: the first is named, and the detail says how many */
                    ck_assert_msg(unknown == 0 || strstr(e.detail, "stay published"),
                                  "die_at %d effect %d: %d final names nobody was told of (%s)", k, effect,
                                  unknown, e.detail);
                }
            }
            dw_drop_close(d);
        }
    }
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST


/* ---- envelope ---------------------------------------------------------------------------------------- */

static dw_envelope *make_envelope(dw_eoh_mode mode)
{
    dw_envelope *env = NULL;
    ck_assert_int_eq(dw_envelope_new(&env), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(env, "sender@example.com", "SIZE=42"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "fax+1555@example.com", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "<two@example.com>", "ORCPT=rfc822;two@example.com"), DW_OK);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(env, mode), DW_OK);
    return env;
}

/* The file is the formatted envelope followed by the MIME bytes, unchanged. */
static void assert_enveloped(const char *name, const dw_envelope *env, const char *mime, size_t mime_len)
{
    char hdr[1024];
    size_t hlen = 0;
    ck_assert_int_eq(dw_envelope_format(env, mime_len, hdr, sizeof hdr, &hlen), DW_OK);
    hlen--;
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, hlen + mime_len);
    ck_assert_int_eq(memcmp(b, hdr, hlen), 0);
    ck_assert_int_eq(memcmp(b + hlen, mime, mime_len), 0);
    ck_assert_int_eq(memcmp(b, "X-sender: <sender@example.com> SIZE=42\r\nX-Receiver: <fax+1555@example.com>\r\n", 76), 0);
    free(b);
}

/* Exchange mode: the file is byte-identical to what Exchange writes for the same envelope and message.
 * The expected bytes are spelled out here by Exchange's rules, not produced by the library. */
START_TEST(test_exchange_mode_file_bytes)
{
    static const char mime[] = "From: a@example.com\r\nTo: fax@example.com\r\nSubject: fax\r\n\r\npage 1\r\n";
    dw_envelope *env = NULL;
    ck_assert_int_eq(dw_envelope_new(&env), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(env, "a@example.com", "SIZE=62 BODY=7BIT"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "fax@example.com", "ORCPT=rfc822;fax@example.com"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "<two@example.com>", NULL), DW_OK);
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.naming = DW_NAMING_EXCHANGE;
    o.machine_name = "hub01.contoso.com";
    dw_drop *d = open_seam(&o);
    T.fixed_now = 1714564800; /* 2024-05-01T12:00:00Z */
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    mo.record_id = 123456789;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, mime, sizeof mime - 1, &mo, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_str_eq(name, "HUB01-123456789-20240501120000Z.Normal.eml");
    char want[512];
    int n = snprintf(want, sizeof want,
                     "X-sender: <a@example.com> SIZE=62 BODY=7BIT\r\n"
                     "X-Receiver: <fax@example.com> ORCPT=rfc822;fax@example.com\r\n"
                     "X-Receiver: <two@example.com>\r\n"
                     "X-EndOfInjectedXHeaders: %zu\r\n"
                     "%s",
                     sizeof mime - 1, mime);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    ck_assert_uint_eq(len, (size_t)n);
    ck_assert_int_eq(memcmp(b, want, len), 0);
    free(b);
    dw_drop_close(d);
    dw_envelope_free(env);
}
END_TEST

START_TEST(test_envelope_written_before_message)
{
    static const char mime[] = "From: a@example.com\r\nSubject: fax\r\n\r\npage 1\r\n";
    const size_t mlen = sizeof mime - 1;
    dw_envelope *env = make_envelope(DW_EOH_MIME_LENGTH);
    dw_drop *d = open_real(NULL);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    char name[DW_FILE_NAME_MAX];
    dw_io_error e;
    ck_assert_int_eq(dw_drop_write(d, mime, mlen, &mo, name, sizeof name, NULL, &e), DW_OK);
    assert_enveloped(name, env, mime, mlen);
    size_t len;
    unsigned char *b = read_file(dir, name, &len);
    char want[64];
    snprintf(want, sizeof want, "X-EndOfInjectedXHeaders: %zu\r\n", mlen);
    ck_assert_ptr_nonnull(strstr((char *)b, want));
    free(b);

    /* Streaming with the announced MIME length. */
    dw_msg *m;
    mo.expected_size = mlen;
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, mime, 10, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, mime + 10, mlen - 10, &e), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
    assert_enveloped(name, env, mime, mlen);

    /* Fewer MIME bytes than announced: refused at commit, nothing published. */
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, mime, mlen - 1, &e), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_E_STATE);
    ck_assert_int_eq(list_dir(dir)->eml, 2);
    ck_assert_int_eq(list_dir(dir)->temps, 0);

    /* From a regular file: the MIME length comes from its size. From a pipe it must be announced. */
    char p[2048];
    snprintf(p, sizeof p, "%s/mime.eml", tmp_root);
    FILE *f = fopen(p, "wb");
    fwrite(mime, 1, mlen, f);
    fclose(f);
    int fd = open(p, O_RDONLY);
    mo.expected_size = 0;
    ck_assert_int_eq(dw_drop_write_fd(d, fd, &mo, name, sizeof name, NULL, &e), DW_OK);
    close(fd);
    assert_enveloped(name, env, mime, mlen);
    int pfd[2];
    ck_assert_int_eq(pipe(pfd), 0);
    ck_assert_int_eq(dw_drop_write_fd(d, pfd[0], &mo, name, sizeof name, NULL, &e), DW_E_INVAL);
    close(pfd[0]);
    close(pfd[1]);
    /* Streaming without expected_size fails at begin (not at commit) and says what to pass. */
    m = NULL;
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_E_INVAL);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(e.op, DW_OP_VALIDATE);
    ck_assert_ptr_nonnull(strstr(e.detail, "expected_size"));
    ck_assert_ptr_nonnull(strstr(e.detail, "DW_EOH_HEADER_LENGTH"));
    ck_assert_int_eq(list_dir(dir)->temps, 0);

    /* Batch: every message gets its own envelope with its own length. */
    const void *bufs[2] = {mime, mime};
    size_t lens[2] = {mlen, 5};
    char names[2][DW_FILE_NAME_MAX];
    size_t done;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 2, &mo, names[0], DW_FILE_NAME_MAX, &done, &e), DW_OK);
    assert_enveloped(names[0], env, mime, mlen);
    assert_enveloped(names[1], env, mime, 5);
    ck_assert_int_eq(list_dir(dir)->eml, 5);

    /* An envelope without recipients is refused before anything exists. */
    dw_envelope *bad = NULL;
    ck_assert_int_eq(dw_envelope_new(&bad), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(bad, "a@example.com", NULL), DW_OK);
    mo.envelope = bad;
    ck_assert_int_eq(dw_drop_write(d, mime, mlen, &mo, name, sizeof name, NULL, &e), DW_E_ENVELOPE);
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_E_ENVELOPE);
    ck_assert_int_eq(list_dir(dir)->eml, 5);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_envelope_free(bad);
    dw_envelope_free(env);
    dw_drop_close(d);
}
END_TEST

START_TEST(test_envelope_header_length_mode_and_quota)
{
    static const char mime[] = "Subject: x\r\n\r\nbody\r\n";
    const size_t mlen = sizeof mime - 1;
    dw_envelope *env = make_envelope(DW_EOH_HEADER_LENGTH);
    char hdr[1024];
    size_t hlen;
    ck_assert_int_eq(dw_envelope_format(env, 0, hdr, sizeof hdr, &hlen), DW_OK);
    hlen--;
    /* The quota counts the envelope too: exactly header + message fits, one byte less does not. */
    dw_drop *d = open_quota(hlen + mlen, 0);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    dw_msg *m;
    dw_io_error e;
    char name[DW_FILE_NAME_MAX];
    /* Header-length mode needs no size up front. */
    ck_assert_int_eq(dw_msg_begin(d, &m, &mo, &e), DW_OK);
    ck_assert_uint_eq(dw_msg_size(m), hlen);
    ck_assert_int_eq(dw_msg_write(m, mime, mlen, &e), DW_OK);
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
    assert_enveloped(name, env, mime, mlen);
    ck_assert_int_eq(dw_drop_write(d, "", 0, &mo, name, sizeof name, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    dw_drop_close(d);
    dw_envelope_free(env);
}
END_TEST

/* ---- bad arguments ----------------------------------------------------------------------------------- */

START_TEST(test_bad_arguments)
{
    dw_drop *d = NULL;
    dw_io_error e;
    dw_drop_options o;
    ck_assert_int_eq(dw_drop_open(NULL, dir, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_open(&d, NULL, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_open(&d, "", NULL, NULL), DW_E_INVAL);
    char *huge = malloc(DW_IO_PATH_MAX + 10);
    memset(huge, 'a', DW_IO_PATH_MAX + 9);
    huge[DW_IO_PATH_MAX + 9] = '\0';
    /* A path the system cannot open is a configuration failure (ENAMETOOLONG), not a bad argument. */
    ck_assert_int_eq(dw_drop_open(&d, huge, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENAMETOOLONG);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    free(huge);
    dw_drop_options_init(&o);
    o.retry_max = 1000;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    dw_drop_options_init(&o);
    o.durability = (dw_durability)5;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    dw_drop_options_init(&o);
    o.naming = (dw_naming)5;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    dw_drop_options_init(&o);
    o.file_mode = 0100000;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    dw_drop_options_init(&o);
    dw_fault f = fault_of((dw_op)99, 0, 1);
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_E_INVAL);
    f = fault_of(DW_OP_WRITE, -1, 1);
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_E_INVAL);
    f = fault_of(DW_OP_WRITE, EIO, 1);
    f.version = 0;
    ck_assert_int_eq(dw_testing_drop_open(&d, dir, &o, &f, &e), DW_E_INVAL);
    /* Versioned options (doc/abi.md): an unset or future version is refused, and says what to do. */
    o.version = 0;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    ck_assert_ptr_nonnull(strstr(e.detail, "dw_drop_options_init"));
    o.version = DW_DROP_OPTIONS_VERSION + 1;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    {
        /* The static initialisers and the _init functions agree field by field. */
        dw_drop_options si = DW_DROP_OPTIONS_INIT, fi;
        dw_drop_options_init(&fi);
        ck_assert(si.version == fi.version && si.quota_bytes == fi.quota_bytes && si.retry_max == fi.retry_max &&
                  si.retry_base_ms == fi.retry_base_ms && si.retry_cap_ms == fi.retry_cap_ms &&
                  si.durability == fi.durability && si.naming == fi.naming && si.name_prefix == fi.name_prefix &&
                  si.machine_name == fi.machine_name && si.file_mode == fi.file_mode);
        dw_msg_options sm = DW_MSG_OPTIONS_INIT, fm;
        dw_msg_options_init(&fm);
        ck_assert(sm.version == fm.version && sm.expected_size == fm.expected_size && sm.envelope == fm.envelope &&
                  sm.priority == fm.priority && sm.record_id == fm.record_id);
        ck_assert_int_eq(dw_drop_open(&d, dir, &si, &e), DW_OK);
        dw_drop_close(d);
    }
    dw_drop_options_init(&o);
    o.retry_cap_ms = 100000;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_INVAL);
    dw_drop_options_init(NULL);
    dw_msg_options_init(NULL);

    d = open_real(NULL);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(NULL, "x", 1, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write(d, NULL, 1, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write(d, NULL, 0, NULL, name, sizeof name, NULL, &e), DW_OK); /* empty message */
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, NULL, 5, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_fd(NULL, 0, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_fd(d, -1, NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_write_fd(d, 0, NULL, name, 3, NULL, &e), DW_E_BUFFER);
    ck_assert_int_eq(dw_drop_write_fd(d, 0, NULL, NULL, 3, NULL, &e), DW_E_INVAL);
    dw_msg *m = (dw_msg *)1;
    ck_assert_int_eq(dw_msg_begin(NULL, &m, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_msg_begin(d, NULL, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_msg_write(NULL, "x", 1, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_msg_commit(NULL, name, sizeof name, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, NULL, 3, &e), DW_E_INVAL);
    dw_msg_abort(m);
    ck_assert_int_eq(dw_drop_sweep(NULL, 1, NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_usage(NULL, NULL, NULL, &e), DW_E_INVAL);
    ck_assert_ptr_null(dw_drop_path(NULL));
    dw_drop_close(NULL);
    ck_assert_int_eq(list_dir(dir)->eml, 1);
    ck_assert_int_eq(list_dir(dir)->temps, 0);
    dw_drop_close(d);
}
END_TEST

static Suite *guard_suite(void)
{
    Suite *s = suite_create("guard");
    TCase *tc = tcase_create("write");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_write_is_byte_identical_and_fully_synced);
    tcase_add_test(tc, test_durability_none_skips_fsync_but_stays_atomic);
    tcase_add_test(tc, test_streaming_and_abort);
    tcase_add_test(tc, test_write_fd_streams_in_bounded_chunks);
    tcase_add_test(tc, test_write_file_and_callback);
    tcase_add_test(tc, test_rename_never_replaces);
    tcase_add_test(tc, test_bad_arguments);
    suite_add_tcase(s, tc);

    tc = tcase_create("faults");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_injected_fault_leaves_nothing, 0, (int)(sizeof faults / sizeof faults[0]));
    tcase_add_test(tc, test_stream_write_failure_aborts);
    tcase_add_test(tc, test_transient_retry_with_backoff);
    tcase_add_test(tc, test_failed_fsync_is_never_retried);
    tcase_add_test(tc, test_quota_ledger_mark_flushed_before_rename);
    tcase_add_test(tc, test_short_writes_are_completed);
    tcase_add_test(tc, test_write_without_progress_fails);
    tcase_add_test(tc, test_name_collisions_are_retried);
    tcase_add_test(tc, test_swapped_temp_is_not_published);
    tcase_add_test(tc, test_check_after_rename_fails);
    suite_add_tcase(s, tc);

    tc = tcase_create("directory");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_missing_dir_is_configuration);
    tcase_add_test(tc, test_dir_swapped_for_symlink_after_open);
    tcase_add_test(tc, test_read_only_dir_via_seam);
    tcase_add_test(tc, test_create_dir);
    suite_add_tcase(s, tc);

    tc = tcase_create("naming");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_exchange_naming);
    tcase_add_test(tc, test_unique_naming_prefix_and_time);
    tcase_add_test(tc, test_name_buffer_too_small_publishes_nothing);
    suite_add_tcase(s, tc);

    tc = tcase_create("quota");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_quota_exchange_rule);
    tcase_add_test(tc, test_no_ledger_no_canary);
    tcase_add_test(tc, test_quota_exact_fit_and_overflow);
    tcase_add_test(tc, test_quota_streaming_overflow);
    tcase_add_test(tc, test_quota_does_not_rescan);
    tcase_add_test(tc, test_quota_rescans_before_refusing);
    tcase_add_test(tc, test_quota_age_bound_counts_foreign_files);
    tcase_add_test(tc, test_quota_writer_dying_under_the_lock);
    tcase_add_test(tc, test_quota_lock_and_scan_failures);
    suite_add_tcase(s, tc);

    tc = tcase_create("concurrency");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_threads_share_one_handle);
    tcase_add_test(tc, test_threads_with_own_handles);
    tcase_add_test(tc, test_forked_writers_share_quota);
    tcase_add_test(tc, test_forked_writers_without_quota);
    tcase_add_test(tc, test_quota_with_deleting_consumer);
    suite_add_tcase(s, tc);

    tc = tcase_create("batch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_three_outcomes);
    tcase_add_test(tc, test_publish_methods);
    tcase_add_loop_test(tc, test_server_dies_at_every_step, 0, 4 * DEAD_APIS);
    tcase_add_test(tc, test_server_dies_during_probes);
    tcase_add_test(tc, test_batch_lost_rename_reply_then_dir_fsync_fails);
    tcase_add_loop_test(tc, test_server_dies_at_every_step_batch, 0, 2);
    tcase_add_test(tc, test_batch_one_flush_per_group);
    tcase_add_test(tc, test_batch_failures_leave_only_whole_published_prefix);
    suite_add_tcase(s, tc);

    tc = tcase_create("envelope");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_envelope_written_before_message);
    tcase_add_test(tc, test_exchange_mode_file_bytes);
    tcase_add_test(tc, test_envelope_header_length_mode_and_quota);
    suite_add_tcase(s, tc);

    tc = tcase_create("maintenance");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_sweep_removes_only_old_temps);
    tcase_add_test(tc, test_usage_counts_like_the_quota);
    tcase_add_test(tc, test_health);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(guard_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
