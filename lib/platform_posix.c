/* SPDX-License-Identifier: MIT */
/* POSIX (Linux-first) implementation of the platform seam. The only file of the library that calls the
 * operating system; every function returns a negated errno on failure. No state: the table is const. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statvfs.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/inotify.h>
#endif
#ifdef HAVE_SYS_SYSCALL_H
#include <sys/syscall.h>
#endif
#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "platform.h"

#define NEG_ERRNO() (errno ? -errno : -EIO)

static dwi_fd px_open_dir(void *ctx, const char *path)
{
    (void)ctx;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    int e = NEG_ERRNO();
    /* Linux says ENOTDIR for a symlink under O_DIRECTORY|O_NOFOLLOW; report it as the refused symlink. */
    struct stat sb;
    if (e == -ENOTDIR && lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode))
        return -ELOOP;
    return e;
}

/* openat beneath dirfd without following any symlink. openat2 refuses symlinks in every component and
 * any escape from dirfd; where the kernel or a seccomp filter lacks it, O_NOFOLLOW covers our names,
 * which are always a single component. */
static int open_beneath(int dirfd, const char *name, int flags, unsigned mode)
{
    flags |= O_NOFOLLOW | O_CLOEXEC;
#if defined(HAVE_LINUX_OPENAT2_H) && defined(SYS_openat2)
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (uint64_t)flags;
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
    long fd = syscall(SYS_openat2, dirfd, name, &how, sizeof how);
    if (fd >= 0)
        return (int)fd;
    if (errno != ENOSYS && errno != EPERM && errno != E2BIG)
        return NEG_ERRNO();
#endif
    int f = openat(dirfd, name, flags, (mode_t)mode);
    return f < 0 ? NEG_ERRNO() : f;
}

static dwi_fd px_create(void *ctx, dwi_fd dirfd_h, const char *name, unsigned mode)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    /* O_RDWR although we only write: smbnetfs (SMB shares through FUSE) fails ftruncate on a write-only
     * descriptor with EIO, after having resized the file on the server. */
    return open_beneath(dirfd, name, O_CREAT | O_EXCL | O_RDWR, mode);
}

static dwi_fd px_open_rw(void *ctx, dwi_fd dirfd_h, const char *name, unsigned mode)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    /* O_NONBLOCK|O_NOCTTY: a FIFO, terminal or device planted under the name must neither block the open
     * nor become our controlling terminal before the caller's fstat check refuses it (no effect on a
     * regular file). */
    return open_beneath(dirfd, name, O_CREAT | O_RDWR | O_NONBLOCK | O_NOCTTY, mode);
}

static dwi_fd px_open_path_read(void *ctx, const char *path)
{
    (void)ctx;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? NEG_ERRNO() : fd;
}

static dwi_ssize px_write(void *ctx, dwi_fd fd_h, const void *buf, size_t len)
{
    int fd = (int)fd_h;
    (void)ctx;
    ssize_t n = write(fd, buf, len);
    return n < 0 ? NEG_ERRNO() : n;
}

static dwi_ssize px_read(void *ctx, dwi_fd fd_h, void *buf, size_t len)
{
    int fd = (int)fd_h;
    (void)ctx;
    ssize_t n = read(fd, buf, len);
    return n < 0 ? NEG_ERRNO() : n;
}

static dwi_ssize px_pread(void *ctx, dwi_fd fd_h, void *buf, size_t len, uint64_t off)
{
    int fd = (int)fd_h;
    (void)ctx;
    ssize_t n = pread(fd, buf, len, (off_t)off);
    return n < 0 ? NEG_ERRNO() : n;
}

static dwi_ssize px_pwrite(void *ctx, dwi_fd fd_h, const void *buf, size_t len, uint64_t off)
{
    int fd = (int)fd_h;
    (void)ctx;
    ssize_t n = pwrite(fd, buf, len, (off_t)off);
    return n < 0 ? NEG_ERRNO() : n;
}

static int px_ftruncate(void *ctx, dwi_fd fd_h, uint64_t len)
{
    int fd = (int)fd_h;
    (void)ctx;
    return ftruncate(fd, (off_t)len) < 0 ? NEG_ERRNO() : 0;
}

static int px_fsync(void *ctx, dwi_fd fd_h, int data_only)
{
    int fd = (int)fd_h;
    (void)ctx;
#ifdef HAVE_FDATASYNC
    if (data_only)
        return fdatasync(fd) < 0 ? NEG_ERRNO() : 0;
#else
    (void)data_only;
#endif
    return fsync(fd) < 0 ? NEG_ERRNO() : 0;
}

static int px_syncfs(void *ctx, dwi_fd fd_h)
{
    int fd = (int)fd_h;
    (void)ctx;
#ifdef HAVE_SYNCFS
    return syncfs(fd) < 0 ? NEG_ERRNO() : 0;
#else
    (void)fd;
    sync();
    return 0;
#endif
}

static int px_close(void *ctx, dwi_fd fd_h)
{
    int fd = (int)fd_h;
    (void)ctx;
    /* On Linux the descriptor is released even when close reports an error (EINTR included), so it is
     * never closed twice; the error itself is still reported because it may mean lost data (NFS). */
    return close(fd) < 0 ? NEG_ERRNO() : 0;
}

static int px_rename_at(void *ctx, dwi_fd from_h, const char *from, dwi_fd to_h, const char *to)
{
    int from_dirfd = (int)from_h, to_dirfd = (int)to_h;
    (void)ctx;
#ifdef HAVE_RENAMEAT2
    if (renameat2(from_dirfd, from, to_dirfd, to, RENAME_NOREPLACE) == 0)
        return 0;
    /* EINVAL/ENOSYS/ENOTSUP: the file system (or kernel) has no RENAME_NOREPLACE; use link + unlink. */
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return NEG_ERRNO();
#endif
    /* linkat fails with EEXIST instead of replacing, which is the guarantee we need; the temporary name
     * is then removed. A crash in between leaves a temp name that dw_drop_sweep() removes. */
    if (linkat(from_dirfd, from, to_dirfd, to, 0) < 0) {
        /* No hard links either (an SMB share through smbnetfs says EPERM): the caller picks the
         * unique-name strategy. */
        if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS || errno == EMLINK)
            return -EOPNOTSUPP;
        return NEG_ERRNO();
    }
    /* The message is published once the link exists. If the temporary name cannot be removed it is only
     * a stray hard link to the same complete file, which dw_drop_sweep() removes later: reporting a
     * failure now would leave a published message that the caller believes was not delivered. */
    (void)unlinkat(from_dirfd, from, 0);
    return 1;
}

/* The seam's rename_at: 0 on success whichever primitive published (pickup needs no more). */
static int px_rename_at_op(void *ctx, dwi_fd from_h, const char *from, dwi_fd to_h, const char *to)
{
    int from_dirfd = (int)from_h, to_dirfd = (int)to_h;
    int rc = px_rename_at(ctx, from_dirfd, from, to_dirfd, to);
    return rc > 0 ? 0 : rc;
}

static int px_rename_unique(void *ctx, dwi_fd from_h, const char *from, dwi_fd to_h, const char *to)
{
    int from_dirfd = (int)from_h, to_dirfd = (int)to_h;
    (void)ctx;
    struct stat sb;
    if (fstatat(to_dirfd, to, &sb, AT_SYMLINK_NOFOLLOW) == 0)
        return -EEXIST;
    if (errno != ENOENT)
        return NEG_ERRNO();
    return renameat(from_dirfd, from, to_dirfd, to) < 0 ? NEG_ERRNO() : 0;
}

static int px_unlink(void *ctx, dwi_fd dirfd_h, const char *name)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    return unlinkat(dirfd, name, 0) < 0 ? NEG_ERRNO() : 0;
}

static int px_stat(void *ctx, dwi_fd dirfd_h, const char *name, dwi_stat *st)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    struct stat sb;
    int rc = (name && *name) ? fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) : fstat(dirfd, &sb);
    if (rc < 0)
        return NEG_ERRNO();
    st->size = (uint64_t)sb.st_size;
    st->dev = (uint64_t)sb.st_dev;
    st->ino = (uint64_t)sb.st_ino;
    st->mtime_sec = (int64_t)sb.st_mtim.tv_sec;
    st->mtime_nsec = (int64_t)sb.st_mtim.tv_nsec;
    st->ctime_sec = (int64_t)sb.st_ctim.tv_sec;
    st->ctime_nsec = (int64_t)sb.st_ctim.tv_nsec;
    st->is_dir = S_ISDIR(sb.st_mode) ? 1 : 0;
    st->is_reg = S_ISREG(sb.st_mode) ? 1 : 0;
    st->is_link = S_ISLNK(sb.st_mode) ? 1 : 0;
    st->nlink = (uint64_t)sb.st_nlink;
    st->owned = sb.st_uid == geteuid();
    return 0;
}

static int px_mount_id(void *ctx, dwi_fd fd_h, uint64_t *id)
{
    (void)ctx;
#if defined(__linux__) && defined(STATX_MNT_ID)
    struct statx sx;
    if (statx((int)fd_h, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_MNT_ID, &sx) < 0)
        return NEG_ERRNO();
    if (!(sx.stx_mask & STATX_MNT_ID)) /* kernels before 5.8 */
        return -ENOSYS;
    *id = sx.stx_mnt_id;
    return 0;
#else
    (void)fd_h;
    (void)id;
    return -ENOSYS;
#endif
}

static int px_statfs(void *ctx, dwi_fd fd_h, uint64_t *free_bytes, uint64_t *total_bytes)
{
    int fd = (int)fd_h;
    (void)ctx;
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0)
        return NEG_ERRNO();
    uint64_t frag = sv.f_frsize ? (uint64_t)sv.f_frsize : (uint64_t)sv.f_bsize;
    *free_bytes = (uint64_t)sv.f_bavail * frag;
    *total_bytes = (uint64_t)sv.f_blocks * frag;
    return 0;
}

/* A /proc table to look fd's file up in (its device and inode in *sb), or NULL. */
static FILE *proc_file_for(int fd, const char *table, struct stat *sb)
{
    return fstat(fd, sb) < 0 ? NULL : fopen(table, "re");
}

/* Network file systems by statfs magic; FUSE ones by the subtype in /proc/self/mountinfo. */
static int px_is_remote(void *ctx, dwi_fd fd_h)
{
    int fd = (int)fd_h;
    (void)ctx;
#ifdef __linux__
    struct statfs sf;
    if (fstatfs(fd, &sf) < 0)
        return 0;
    switch ((unsigned long)sf.f_type) {
    case 0x6969UL:     /* NFS */
    case 0x517BUL:     /* SMB */
    case 0xFF534D42UL: /* CIFS */
    case 0xFE534D42UL: /* SMB2 */
    case 0x73757245UL: /* Coda */
    case 0x5346414FUL: /* AFS */
    case 0x00C36400UL: /* Ceph */
    case 0x01021997UL: /* 9P */
        return 1;
    case 0x65735546UL: /* FUSE: look at the subtype */
        break;
    default:
        return 0;
    }
    struct stat sb;
    FILE *f = proc_file_for(fd, "/proc/self/mountinfo", &sb);
    if (!f)
        return 0;
    static const char *const clients[] = {"fuse.smbnetfs", "fuse.sshfs", "fuse.s3fs", "fuse.rclone", "fuse.davfs",
                                          "fuse.gcsfuse", "fuse.smb", "fuse.cifs"};
    char line[4096];
    int remote = 0;
    while (!remote && fgets(line, sizeof line, f)) {
        unsigned maj, min;
        if (sscanf(line, "%*s %*s %u:%u", &maj, &min) != 2 || maj != major(sb.st_dev) || min != minor(sb.st_dev))
            continue;
        const char *sep = strstr(line, " - ");
        for (size_t i = 0; sep && i < sizeof clients / sizeof clients[0]; i++) {
            size_t n = strlen(clients[i]);
            if (strncmp(sep + 3, clients[i], n) == 0 && sep[3 + n] == ' ')
                remote = 1;
        }
    }
    fclose(f);
    return remote;
#else
    (void)fd;
    return 0;
#endif
}

/* When a server has died, the drop directory on its share cannot be opened (EIO) but the mount point or
 * another ancestor usually can: ask about the nearest one that opens. */
static int px_path_is_remote(void *ctx, const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        return 0;
    memcpy(p, path, n + 1);
    int remote = 0;
    for (;;) {
        char *slash = strrchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
        int fd = open(slash == p ? "/" : p, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0) {
            remote = px_is_remote(ctx, fd);
            close(fd);
            break;
        }
        if (slash == p)
            break;
    }
    free(p);
    return remote;
}

static int px_lock(void *ctx, dwi_fd fd_h, int lock)
{
    int fd = (int)fd_h;
    (void)ctx;
    int op = lock == 2 ? LOCK_EX | LOCK_NB : lock ? LOCK_EX : LOCK_UN;
    return flock(fd, op) < 0 ? NEG_ERRNO() : 0;
}

/* The holder of an flock on fd's file, from /proc/locks ("1: FLOCK ADVISORY WRITE <pid> MAJ:MIN:INO ...";
 * waiting requests are listed with "->" and skipped). 0 when unknown (no /proc, another system). */
static long px_lock_holder(void *ctx, dwi_fd fd_h)
{
    int fd = (int)fd_h;
    (void)ctx;
    struct stat sb;
    FILE *f = proc_file_for(fd, "/proc/locks", &sb);
    if (!f)
        return 0;
    char line[256];
    long holder = 0;
    while (!holder && fgets(line, sizeof line, f)) {
        char kind[16];
        long pid;
        unsigned maj, min;
        unsigned long long ino;
        if (strstr(line, "->") || sscanf(line, "%*s %15s %*s %*s %ld %x:%x:%llu", kind, &pid, &maj, &min, &ino) != 5)
            continue;
        if (strcmp(kind, "FLOCK") == 0 && ino == (unsigned long long)sb.st_ino && maj == major(sb.st_dev) &&
            min == minor(sb.st_dev))
            holder = pid;
    }
    fclose(f);
    return holder;
}

static int px_mkdir(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    return mkdir(path, (mode_t)mode) < 0 ? NEG_ERRNO() : 0;
}

struct dwi_dir {
    DIR *dir;
};

static int px_dir_open(void *ctx, dwi_fd dirfd_h, dwi_dir **out)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    /* A fresh descriptor of the same directory: its own offset, and closedir() leaves dirfd alone. */
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NEG_ERRNO();
    dwi_dir *d = malloc(sizeof *d);
    if (!d) {
        close(fd);
        return -ENOMEM;
    }
    d->dir = fdopendir(fd);
    if (!d->dir) {
        int e = NEG_ERRNO();
        close(fd);
        free(d);
        return e;
    }
    *out = d;
    return 0;
}

static int px_dir_next(void *ctx, dwi_dir *d, const char **name)
{
    (void)ctx;
    errno = 0;
    struct dirent *de = readdir(d->dir);
    if (!de)
        return errno ? -errno : 0;
    *name = de->d_name;
    return 1;
}

static void px_dir_close(void *ctx, dwi_dir *d)
{
    (void)ctx;
    if (d) {
        closedir(d->dir);
        free(d);
    }
}

static int px_now(void *ctx, int64_t *sec, int64_t *nsec)
{
    (void)ctx;
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
        return NEG_ERRNO();
    *sec = (int64_t)ts.tv_sec;
    *nsec = (int64_t)ts.tv_nsec;
    return 0;
}

static uint64_t px_monotonic_us(void *ctx)
{
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void px_sleep_ms(void *ctx, unsigned ms)
{
    (void)ctx;
    struct timespec ts = {(time_t)(ms / 1000u), (long)(ms % 1000u) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static int px_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    unsigned char *p = buf;
#ifdef HAVE_GETRANDOM
    while (len) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return NEG_ERRNO();
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
#else
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NEG_ERRNO();
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            int e = n < 0 ? NEG_ERRNO() : -EIO;
            close(fd);
            return e;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
#endif
}

static long px_pid(void *ctx)
{
    (void)ctx;
    return (long)getpid();
}

static int px_lock_inherited(void *ctx, long owner)
{
    (void)ctx;
    return (long)getpid() != owner;
}

static int px_hostname(void *ctx, char *buf, size_t size)
{
    (void)ctx;
    if (size == 0)
        return -EINVAL;
    if (gethostname(buf, size) < 0)
        return NEG_ERRNO();
    buf[size - 1] = '\0';
    return 0;
}

static int px_open_read(void *ctx, dwi_fd dirfd_h, const char *name)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    return open_beneath(dirfd, name, O_RDONLY, 0);
}

static int px_open_subdir(void *ctx, dwi_fd dirfd_h, const char *name)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    int e = NEG_ERRNO();
    struct stat sb;
    if (e == -ENOTDIR && fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(sb.st_mode))
        return -ELOOP;
    return e;
}

static int px_mkdir_at(void *ctx, dwi_fd dirfd_h, const char *name, unsigned mode)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    return mkdirat(dirfd, name, (mode_t)mode) < 0 ? NEG_ERRNO() : 0;
}

static int px_process_alive(void *ctx, long pid)
{
    (void)ctx;
    if (pid <= 0)
        return -EINVAL;
    if (kill((pid_t)pid, 0) == 0)
        return 1;
    /* EPERM: it exists but belongs to someone else. */
    return errno == ESRCH ? 0 : errno == EPERM ? 1 : NEG_ERRNO();
}

#ifdef __linux__
/* inotify on the directory itself: the events that can make a message ready (a rename into it, a writer
 * closing a file, a file changing) and those that can make a claim or quarantine folder matter. */
static int px_watch_open(void *ctx, dwi_fd dirfd_h, const char *path)
{
    int dirfd = (int)dirfd_h;
    (void)ctx;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return NEG_ERRNO();
    const uint32_t mask = IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF |
                          IN_MOVE_SELF;
    /* Watch the directory we hold open (not whatever the path names now); the path is the fallback. */
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", dirfd);
    if (inotify_add_watch(fd, self, mask) < 0 && (!path || inotify_add_watch(fd, path, mask | IN_DONT_FOLLOW) < 0)) {
        int e = NEG_ERRNO();
        close(fd);
        return e;
    }
    return fd;
}

static int px_watch_wait(void *ctx, int watch, unsigned timeout_ms)
{
    (void)ctx;
    struct pollfd pfd = {watch, POLLIN, 0};
    int n = poll(&pfd, 1, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : NEG_ERRNO();
    if (n == 0)
        return 0;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (read(watch, buf, sizeof buf) > 0) {
    }
    return 1;
}

static void px_watch_close(void *ctx, int watch)
{
    (void)ctx;
    close(watch);
}
#endif

const dwi_ops dwi_posix_ops = {
    .open_dir = px_open_dir,
    .create = px_create,
    .open_rw = px_open_rw,
    .open_path_read = px_open_path_read,
    .write = px_write,
    .read = px_read,
    .pread = px_pread,
    .pwrite = px_pwrite,
    .ftruncate = px_ftruncate,
    .fsync = px_fsync,
    .syncfs = px_syncfs,
    .close = px_close,
    .mount_id = px_mount_id,
    .rename_noreplace = px_rename_at,
    .rename_unique = px_rename_unique,
    .unlink = px_unlink,
    .stat = px_stat,
    .statfs = px_statfs,
    .is_remote = px_is_remote,
    .path_is_remote = px_path_is_remote,
    .lock = px_lock,
    .lock_holder = px_lock_holder,
    .mkdir = px_mkdir,
    .dir_open = px_dir_open,
    .dir_next = px_dir_next,
    .dir_close = px_dir_close,
    .now = px_now,
    .monotonic_us = px_monotonic_us,
    .sleep_ms = px_sleep_ms,
    .random = px_random,
    .pid = px_pid,
    .hostname = px_hostname,
    .lock_inherited = px_lock_inherited,
    .open_read = px_open_read,
    .open_subdir = px_open_subdir,
    .mkdir_at = px_mkdir_at,
    .rename_at = px_rename_at_op,
    .process_alive = px_process_alive,
#ifdef __linux__
    .watch_open = px_watch_open,
    .watch_wait = px_watch_wait,
    .watch_close = px_watch_close,
#endif
};
