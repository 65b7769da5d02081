/* SPDX-License-Identifier: MIT */
/* The platform seam: the only place libdropwatch calls the operating system. Every call goes through a
 * const table of function pointers (dwi_ops) so that a Windows implementation can be added beside
 * platform_posix.c, and so that tests and the per-handle fault injection can fail any step.
 *
 * Conventions: every function returns >= 0 on success and a negated errno value on failure (never -1 +
 * errno: the value travels explicitly, which keeps wrappers and injection simple). `ctx` is the opaque
 * pointer stored with the table (NULL for the real POSIX table); implementations may ignore it. */
#ifndef DW_LIB_PLATFORM_H
#define DW_LIB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the guard code needs to know about a file. */
typedef struct dwi_stat {
    uint64_t size;
    uint64_t dev;
    uint64_t ino;
    int64_t mtime_sec, mtime_nsec;
    int64_t ctime_sec, ctime_nsec;
    int is_dir, is_reg, is_link;
    uint64_t nlink;
    int owned;  /* owned by the effective user of this process */
} dwi_stat;

/* A directory listing in progress (opaque to the caller). */
typedef struct dwi_dir dwi_dir;

typedef struct dwi_ops {
    /* Open a directory by path, refusing a symlink in the final component: O_DIRECTORY|O_NOFOLLOW. */
    int (*open_dir)(void *ctx, const char *path);
    /* Create a new file beneath dirfd: O_CREAT|O_EXCL|O_RDWR|O_NOFOLLOW|O_CLOEXEC, never following
     * symlinks (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS where available). Returns the fd. */
    int (*create)(void *ctx, int dirfd, const char *name, unsigned mode);
    /* Open (creating when absent) a read-write file beneath dirfd without following symlinks (quota ledger). */
    int (*open_rw)(void *ctx, int dirfd, const char *name, unsigned mode);
    ssize_t (*write)(void *ctx, int fd, const void *buf, size_t len);
    ssize_t (*read)(void *ctx, int fd, void *buf, size_t len);
    ssize_t (*pread)(void *ctx, int fd, void *buf, size_t len, uint64_t off);
    ssize_t (*pwrite)(void *ctx, int fd, const void *buf, size_t len, uint64_t off);
    int (*ftruncate)(void *ctx, int fd, uint64_t len);
    /* fsync (data_only: fdatasync where available). */
    int (*fsync)(void *ctx, int fd, int data_only);
    /* syncfs of the file system holding fd (falls back to sync()). */
    int (*syncfs)(void *ctx, int fd);
    int (*close)(void *ctx, int fd);
    /* Atomically rename from -> to within dirfd, failing with -EEXIST when `to` exists (renameat2
     * RENAME_NOREPLACE: returns 0, or linkat + unlinkat where the file system lacks it: returns 1).
     * -EOPNOTSUPP when the file system has neither (FUSE and SMB shares: EINVAL, then EPERM). */
    int (*rename_noreplace)(void *ctx, int dirfd, const char *from, const char *to);
    /* Plain rename after checking that `to` does not exist (-EEXIST): NOT atomic against another writer
     * creating `to` in between; safe only for names nobody else produces (see DW_PUBLISH_UNIQUE_RENAME). */
    int (*rename_unique)(void *ctx, int dirfd, const char *from, const char *to);
    int (*unlink)(void *ctx, int dirfd, const char *name);
    /* fstatat without following symlinks; name NULL or "" stats dirfd itself. */
    int (*stat)(void *ctx, int dirfd, const char *name, dwi_stat *st);
    /* 1 when fd is on a network file system (NFS, SMB/CIFS, or a FUSE client of one such as smbnetfs),
     * 0 when local or unknown. */
    int (*is_remote)(void *ctx, int fd);
    /* The same for a path that cannot be opened (its nearest ancestor that can), 0 when unknown. */
    int (*path_is_remote)(void *ctx, const char *path);
    /* Free and total bytes of the file system holding fd (statvfs f_bavail, f_blocks). */
    int (*statfs)(void *ctx, int fd, uint64_t *free_bytes, uint64_t *total_bytes);
    /* flock: exclusive when lock == 1 (waits), exclusive without waiting when lock == 2 (-EWOULDBLOCK when
     * held), unlock when 0. */
    int (*lock)(void *ctx, int fd, int lock);
    /* Process id of a process holding a lock on fd's file (diagnostics: a stuck holder), or 0 unknown. */
    long (*lock_holder)(void *ctx, int fd);
    int (*mkdir)(void *ctx, const char *path, unsigned mode);
    /* List dirfd (the dirfd itself stays open and owned by the caller). */
    int (*dir_open)(void *ctx, int dirfd, dwi_dir **out);
    /* Next entry name: 1 with *name set, 0 at the end, < 0 on error. `name` lives until the next call. */
    int (*dir_next)(void *ctx, dwi_dir *d, const char **name);
    void (*dir_close)(void *ctx, dwi_dir *d);
    /* Wall-clock time (UTC). */
    int (*now)(void *ctx, int64_t *sec, int64_t *nsec);
    /* Monotonic time in microseconds. */
    uint64_t (*monotonic_us)(void *ctx);
    void (*sleep_ms)(void *ctx, unsigned ms);
    /* Cryptographically random bytes (getrandom). */
    int (*random)(void *ctx, void *buf, size_t len);
    /* Process id, and the host name (short, not NUL-padded; writes at most size-1 bytes plus NUL). */
    long (*pid)(void *ctx);
    int (*hostname)(void *ctx, char *buf, size_t size);
} dwi_ops;

/* The real operating-system implementation (const: no mutable state). */
extern const dwi_ops dwi_posix_ops;

#endif /* DW_LIB_PLATFORM_H */
