/* SPDX-License-Identifier: MIT */
/* A file server that dies at a chosen call, for the Check suites (check_guard, check_pickup, check_win32).
 * tools/test-all.d/30-share.sh kills smbd at one random moment; this seam kills the "server" at every call
 * of an operation in turn. It wraps the platform's own ops table (dwi_default_ops: POSIX or Win32) and
 * reports a network file system. Once armed, calls are counted; from call `die_at` on, every file system
 * call fails with EIO and does nothing, except that with `effect` the call at `die_at` is done first and
 * only its reply is lost (what a server killed mid-request leaves). Closing always releases the local
 * handle. Header-only: each suite is one translation unit. */
#ifndef DW_DEAD_SERVER_H
#define DW_DEAD_SERVER_H

#include <errno.h>
#include <string.h>

#include "../lib/platform.h"

typedef struct dead_server {
    int armed;        /* count calls (set after the handle is open) */
    int calls;        /* calls counted so far */
    int die_at;       /* 0: never dies */
    int effect;       /* the call at die_at takes effect before failing */
    int no_noreplace; /* rename_noreplace answers EOPNOTSUPP (smbnetfs): the unique-name rename is used */
} dead_server;

static dead_server DEAD;

static void dead_reset(void)
{
    memset(&DEAD, 0, sizeof DEAD);
}

/* Count calls from now on; the server dies at call `die_at` (0: never), with `effect` as above. */
static void dead_arm(int die_at, int effect)
{
    DEAD.calls = 0;
    DEAD.die_at = die_at;
    DEAD.effect = effect;
    DEAD.armed = 1;
}

/* 0: do the call; 1: do it, then fail; 2: fail without doing it. */
static int dead_gate(void)
{
    if (!DEAD.armed)
        return 0;
    int n = ++DEAD.calls;
    if (!DEAD.die_at || n < DEAD.die_at)
        return 0;
    return n == DEAD.die_at && DEAD.effect ? 1 : 2;
}

#define DEAD_CALL(type, call)                                                                                  \
    do {                                                                                                       \
        int g_ = dead_gate();                                                                                  \
        if (g_ == 2)                                                                                           \
            return (type)-EIO;                                                                                 \
        type r_ = call;                                                                                        \
        return g_ == 1 && r_ >= 0 ? (type)-EIO : r_;                                                           \
    } while (0)

/* A call that returns a handle: with a lost reply the handle is released again. */
#define DEAD_OPEN(type, call, release)                                                                         \
    do {                                                                                                       \
        int g_ = dead_gate();                                                                                  \
        if (g_ == 2)                                                                                           \
            return (type)-EIO;                                                                                 \
        type r_ = call;                                                                                        \
        if (g_ == 1 && r_ >= 0) {                                                                              \
            release;                                                                                           \
            return (type)-EIO;                                                                                 \
        }                                                                                                      \
        return r_;                                                                                             \
    } while (0)

static dwi_fd dead_create(void *c, dwi_fd dfd, const char *n, unsigned m)
{
    DEAD_OPEN(dwi_fd, dwi_default_ops.create(c, dfd, n, m), dwi_default_ops.close(c, r_));
}
static dwi_fd dead_open_rw(void *c, dwi_fd dfd, const char *n, unsigned m)
{
    DEAD_OPEN(dwi_fd, dwi_default_ops.open_rw(c, dfd, n, m), dwi_default_ops.close(c, r_));
}
static int dead_open_read(void *c, dwi_fd dfd, const char *n)
{
    DEAD_OPEN(int, dwi_default_ops.open_read(c, dfd, n), dwi_default_ops.close(c, (dwi_fd)r_));
}
static int dead_open_subdir(void *c, dwi_fd dfd, const char *n)
{
    DEAD_OPEN(int, dwi_default_ops.open_subdir(c, dfd, n), dwi_default_ops.close(c, (dwi_fd)r_));
}
static int dead_dir_open(void *c, dwi_fd dfd, dwi_dir **out)
{
    DEAD_OPEN(int, dwi_default_ops.dir_open(c, dfd, out), dwi_default_ops.dir_close(c, *out));
}
static int dead_dir_next(void *c, dwi_dir *d, const char **name)
{
    DEAD_CALL(int, dwi_default_ops.dir_next(c, d, name));
}
static dwi_ssize dead_write(void *c, dwi_fd fd, const void *b, size_t l)
{
    DEAD_CALL(dwi_ssize, dwi_default_ops.write(c, fd, b, l));
}
static dwi_ssize dead_read(void *c, dwi_fd fd, void *b, size_t l)
{
    DEAD_CALL(dwi_ssize, dwi_default_ops.read(c, fd, b, l));
}
static dwi_ssize dead_pread(void *c, dwi_fd fd, void *b, size_t l, uint64_t o)
{
    DEAD_CALL(dwi_ssize, dwi_default_ops.pread(c, fd, b, l, o));
}
static dwi_ssize dead_pwrite(void *c, dwi_fd fd, const void *b, size_t l, uint64_t o)
{
    DEAD_CALL(dwi_ssize, dwi_default_ops.pwrite(c, fd, b, l, o));
}
static int dead_ftruncate(void *c, dwi_fd fd, uint64_t l)
{
    DEAD_CALL(int, dwi_default_ops.ftruncate(c, fd, l));
}
static int dead_fsync(void *c, dwi_fd fd, int data_only)
{
    DEAD_CALL(int, dwi_default_ops.fsync(c, fd, data_only));
}
static int dead_syncfs(void *c, dwi_fd fd)
{
    DEAD_CALL(int, dwi_default_ops.syncfs(c, fd));
}
static int dead_close(void *c, dwi_fd fd)
{
    int g = dead_gate();
    int r = dwi_default_ops.close(c, fd); /* the local handle goes away whatever the server did */
    return g ? -EIO : r;
}
static int dead_rename_noreplace(void *c, dwi_fd f, const char *from, dwi_fd t, const char *to)
{
    if (DEAD.no_noreplace)
        return -EOPNOTSUPP;
    DEAD_CALL(int, dwi_default_ops.rename_noreplace(c, f, from, t, to));
}
static int dead_rename_unique(void *c, dwi_fd f, const char *from, dwi_fd t, const char *to)
{
    DEAD_CALL(int, dwi_default_ops.rename_unique(c, f, from, t, to));
}
static int dead_rename_at(void *c, dwi_fd f, const char *from, dwi_fd t, const char *to)
{
    DEAD_CALL(int, dwi_default_ops.rename_at(c, f, from, t, to));
}
static int dead_mkdir_at(void *c, dwi_fd dfd, const char *n, unsigned m)
{
    DEAD_CALL(int, dwi_default_ops.mkdir_at(c, dfd, n, m));
}
static int dead_unlink(void *c, dwi_fd dfd, const char *n)
{
    DEAD_CALL(int, dwi_default_ops.unlink(c, dfd, n));
}
static int dead_stat(void *c, dwi_fd dfd, const char *n, dwi_stat *st)
{
    DEAD_CALL(int, dwi_default_ops.stat(c, dfd, n, st));
}
static int dead_statfs(void *c, dwi_fd fd, uint64_t *f, uint64_t *t)
{
    DEAD_CALL(int, dwi_default_ops.statfs(c, fd, f, t));
}
static int dead_lock(void *c, dwi_fd fd, int lock)
{
    if (!lock) /* unlocking: a dead server drops the lock anyway */
        return dwi_default_ops.lock(c, fd, 0);
    DEAD_CALL(int, dwi_default_ops.lock(c, fd, lock));
}
static int dead_remote(void *c, dwi_fd fd)
{
    (void)c;
    (void)fd;
    return 1;
}
static void dead_sleep(void *c, unsigned ms)
{
    (void)c; /* transient retries: no time passes in unit tests */
    (void)ms;
}

/* The platform's table with every call that reaches the file server wrapped. */
static dwi_ops dead_ops(void)
{
    dwi_ops o = dwi_default_ops;
/* Only what the platform has: a NULL entry stays NULL (the library's fallback for it is what runs). */
#define DEAD_WRAP(field, fn)                                                                                   \
    if (o.field)                                                                                               \
        o.field = fn
    DEAD_WRAP(create, dead_create);
    DEAD_WRAP(open_rw, dead_open_rw);
    DEAD_WRAP(write, dead_write);
    DEAD_WRAP(read, dead_read);
    DEAD_WRAP(pread, dead_pread);
    DEAD_WRAP(pwrite, dead_pwrite);
    DEAD_WRAP(ftruncate, dead_ftruncate);
    DEAD_WRAP(fsync, dead_fsync);
    DEAD_WRAP(syncfs, dead_syncfs);
    DEAD_WRAP(close, dead_close);
    DEAD_WRAP(rename_noreplace, dead_rename_noreplace);
    DEAD_WRAP(rename_unique, dead_rename_unique);
    DEAD_WRAP(unlink, dead_unlink);
    DEAD_WRAP(stat, dead_stat);
    DEAD_WRAP(statfs, dead_statfs);
    DEAD_WRAP(lock, dead_lock);
    DEAD_WRAP(dir_open, dead_dir_open);
    DEAD_WRAP(dir_next, dead_dir_next);
    DEAD_WRAP(open_read, dead_open_read);
    DEAD_WRAP(open_subdir, dead_open_subdir);
    DEAD_WRAP(mkdir_at, dead_mkdir_at);
    DEAD_WRAP(rename_at, dead_rename_at);
#undef DEAD_WRAP
    o.is_remote = dead_remote;
    o.sleep_ms = dead_sleep;
    return o;
}

#endif
