/* SPDX-License-Identifier: MIT */
/* The platform seam: the only place libdropwatch calls the operating system. Every call goes through a
 * const table of function pointers (dwi_ops) so that a Windows implementation can be added beside
 * platform_posix.c, and so that tests and the per-handle fault injection can fail any step.
 *
 * Conventions: every function returns >= 0 on success and a negative failure code (dwi_err) on failure
 * (never -1 + errno: the value travels explicitly, which keeps wrappers and injection simple). A failure
 * code is a negated errno on POSIX; on Windows it carries the GetLastError() value itself
 * (dwi_err_win32()), so the native code is the primary fact and the portable errno is derived from it
 * (dwi_err_errno()), never the other way round. Handles are native (dwi_fd: a descriptor on POSIX, a HANDLE
 * on Windows). `ctx` is the opaque pointer stored with the table (NULL for the real tables); implementations
 * may ignore it. */
#ifndef DW_LIB_PLATFORM_H
#define DW_LIB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include "dropwatch/classify.h"

/* A native handle: a file descriptor on POSIX, a HANDLE on Windows. Valid handles are >= 0 on both (Windows
 * kernel handles are small positive multiples of 4; INVALID_HANDLE_VALUE is -1), so the open calls return
 * the handle itself or a negative failure code. */
typedef intptr_t dwi_fd;
#define DWI_FD_NONE ((dwi_fd)-1)

/* The separator put between the drop directory and a file name in reported paths. */
#ifdef _WIN32
#define DWI_PATH_SEP '\\'
#else
#define DWI_PATH_SEP '/'
#endif

/* Byte counts of read/write: 64-bit on every platform, negative = failure code. */
typedef int64_t dwi_ssize;

/* A failure code whose magnitude has this bit set carries a Win32 code (the low bits). */
#define DWI_ERR_WIN32 0x40000000
/* The failure code for a Win32 error. */
static inline int dwi_err_win32(uint32_t code)
{
    return -(int)(DWI_ERR_WIN32 | (code & 0x3fffffffu));
}
/* 1 when rc (< 0) carries a native Win32 code. */
static inline int dwi_err_is_win32(int rc)
{
    return rc < 0 && ((-rc) & DWI_ERR_WIN32) != 0;
}
/* The portable errno of a failure code (derived from the Win32 code when native; EIO when none fits). */
int dwi_err_errno(int rc);
/* The failure class of a failure code (from the Win32 table when native, the errno table otherwise). */
dw_class dwi_err_class(int rc);
/* The Win32 code of a failure code (native, or the closest equivalent of an errno; 0 when none fits). */
uint32_t dwi_err_native(int rc);

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
    /* Open a directory by path, refusing a symlink or reparse point in the final component
     * (POSIX O_DIRECTORY|O_NOFOLLOW; Windows FILE_FLAG_OPEN_REPARSE_POINT). */
    dwi_fd (*open_dir)(void *ctx, const char *path);
    /* Create a new file, exclusively, relative to the directory handle, never following a link, not
     * inherited by child processes; Windows opens it without sharing. Returns the handle. (POSIX: openat2
     * RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS or O_EXCL|O_NOFOLLOW; Windows: NtCreateFile with RootDirectory.) */
    dwi_fd (*create)(void *ctx, dwi_fd dirfd, const char *name, unsigned mode);
    /* Open an existing file by path for reading (the source of dw_drop_write_file). */
    dwi_fd (*open_path_read)(void *ctx, const char *path);
    /* Open (creating when absent) a read-write file beneath dirfd without following symlinks (quota ledger). */
    dwi_fd (*open_rw)(void *ctx, dwi_fd dirfd, const char *name, unsigned mode);
    dwi_ssize (*write)(void *ctx, dwi_fd fd, const void *buf, size_t len);
    dwi_ssize (*read)(void *ctx, dwi_fd fd, void *buf, size_t len);
    dwi_ssize (*pread)(void *ctx, dwi_fd fd, void *buf, size_t len, uint64_t off);
    dwi_ssize (*pwrite)(void *ctx, dwi_fd fd, const void *buf, size_t len, uint64_t off);
    int (*ftruncate)(void *ctx, dwi_fd fd, uint64_t len);
    /* Flush the file's data (and metadata unless data_only) to the device: fsync/fdatasync,
     * FlushFileBuffers. On a directory handle: make its entries durable where the system allows it. */
    int (*fsync)(void *ctx, dwi_fd fd, int data_only);
    /* Flush the whole file system holding fd (syncfs); a failure code whose errno is ENOSYS, EINVAL or
     * ENOTSUP means "not available": the caller flushes file by file. */
    int (*syncfs)(void *ctx, dwi_fd fd);
    int (*close)(void *ctx, dwi_fd fd);
    /* Atomically rename from (in from_dirfd) -> to (in to_dirfd, the same directory or another one on the
     * same file system), failing (errno EEXIST) when `to` exists and never replacing it: renameat2
     * RENAME_NOREPLACE or Windows ReplaceIfExists = FALSE return 0; linkat + unlinkat where the file
     * system lacks it returns 1. Errno EOPNOTSUPP when the file system has neither (FUSE and SMB shares
     * on POSIX: EINVAL, then EPERM). */
    int (*rename_noreplace)(void *ctx, dwi_fd from_dirfd, const char *from, dwi_fd to_dirfd, const char *to);
    /* Plain rename after checking that `to` does not exist (errno EEXIST): NOT atomic against another
     * writer creating `to` in between; safe only for names nobody else produces (DW_PUBLISH_UNIQUE_RENAME). */
    int (*rename_unique)(void *ctx, dwi_fd from_dirfd, const char *from, dwi_fd to_dirfd, const char *to);
    int (*unlink)(void *ctx, dwi_fd dirfd, const char *name);
    /* Identity, size and times of `name` in dirfd without following a link; NULL or "" stats dirfd. */
    int (*stat)(void *ctx, dwi_fd dirfd, const char *name, dwi_stat *st);
    /* 1 when fd is on a network file system (NFS, SMB/CIFS, a FUSE client of one such as smbnetfs; a
     * remote drive or UNC path on Windows), 0 when local or unknown. */
    int (*is_remote)(void *ctx, dwi_fd fd);
    /* The same for a path that cannot be opened (its nearest ancestor that can), 0 when unknown. */
    int (*path_is_remote)(void *ctx, const char *path);
    /* Free and total bytes of the file system holding fd (statvfs, GetDiskFreeSpaceExW). */
    int (*statfs)(void *ctx, dwi_fd fd, uint64_t *free_bytes, uint64_t *total_bytes);
    /* Exclusive lock between processes (flock, LockFileEx): lock == 1 waits, lock == 2 does not (errno
     * EWOULDBLOCK when held), 0 unlocks. */
    int (*lock)(void *ctx, dwi_fd fd, int lock);
    /* Process id of a process holding a lock on fd's file (diagnostics: a stuck holder), or 0 unknown. */
    long (*lock_holder)(void *ctx, dwi_fd fd);
    /* 1 when a lock handle opened by process `owner` (pid() at open time) no longer holds its lock alone and
     * must be re-opened before locking: on POSIX in a forked child, which shares its parent's flock;
     * never on Windows (no fork; LockFileEx locks belong to the handle). NULL: compare pid(). */
    int (*lock_inherited)(void *ctx, long owner);
    int (*mkdir)(void *ctx, const char *path, unsigned mode);
    /* List dirfd (the dirfd itself stays open and owned by the caller). */
    int (*dir_open)(void *ctx, dwi_fd dirfd, dwi_dir **out);
    /* Next entry name: 1 with *name set, 0 at the end, < 0 on error. `name` lives until the next call. */
    int (*dir_next)(void *ctx, dwi_dir *d, const char **name);
    void (*dir_close)(void *ctx, dwi_dir *d);
    /* Wall-clock time (UTC). */
    int (*now)(void *ctx, int64_t *sec, int64_t *nsec);
    /* Monotonic time in microseconds. */
    uint64_t (*monotonic_us)(void *ctx);
    void (*sleep_ms)(void *ctx, unsigned ms);
    /* Cryptographically random bytes (getrandom, BCryptGenRandom). */
    int (*random)(void *ctx, void *buf, size_t len);
    /* Process id (a change of it means a fork: the quota ledger then re-opens, since a forked child
     * shares its parent's flock; never on Windows), and the host name (the NetBIOS name on Windows;
     * writes at most size-1 bytes plus NUL). */
    long (*pid)(void *ctx);
    int (*hostname)(void *ctx, char *buf, size_t size);

    /* ---- pickup (lib/pickup.c). A table may leave these NULL: pickup then reports -ENOSYS for the file
     * operations and falls back to rescanning for the watch. ---- */
    /* Open an existing file beneath dirfd read-only, never following symlinks. A file the writer still
     * holds exclusively (Windows sharing violation) gives -EBUSY. */
    int (*open_read)(void *ctx, dwi_fd dirfd, const char *name);
    /* Open a subdirectory of dirfd (O_DIRECTORY|O_NOFOLLOW); a symlink gives -ELOOP. */
    int (*open_subdir)(void *ctx, dwi_fd dirfd, const char *name);
    int (*mkdir_at)(void *ctx, dwi_fd dirfd, const char *name, unsigned mode);
    /* rename_noreplace, 0 on success whichever primitive published (pickup needs no more). */
    int (*rename_at)(void *ctx, dwi_fd from_dirfd, const char *from, dwi_fd to_dirfd, const char *to);
    /* 1 when a process with this id exists on this host, 0 when none does, < 0 when unknown. */
    int (*process_alive)(void *ctx, long pid);
    /* Change notification for a directory (inotify on Linux): a watch handle >= 0, or -ENOSYS. */
    int (*watch_open)(void *ctx, dwi_fd dirfd, const char *path);
    /* Wait up to timeout_ms for a change: 1 when one was seen (pending events are drained), 0 on timeout. */
    int (*watch_wait)(void *ctx, int watch, unsigned timeout_ms);
    void (*watch_close)(void *ctx, int watch);

    /* The id of the mount holding fd in *id (Linux statx STATX_MNT_ID), or -ENOSYS. A bind mount of the
     * same file system has the same st_dev but rename() cannot cross it (EXDEV). May be NULL. */
    int (*mount_id)(void *ctx, dwi_fd fd, uint64_t *id);
} dwi_ops;

/* The real operating-system implementations (const: no mutable state); one is built, chosen at configure
 * time (lib/local.mk), and dwi_default_ops names it. */
#ifdef _WIN32
extern const dwi_ops dwi_win32_ops;
#define dwi_default_ops dwi_win32_ops
#else
extern const dwi_ops dwi_posix_ops;
#define dwi_default_ops dwi_posix_ops
#endif

#endif /* DW_LIB_PLATFORM_H */
