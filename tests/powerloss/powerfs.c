/* SPDX-License-Identifier: MIT */
/*
 * powerfs: a FUSE 3 pass-through file system that can "cut the power" (doc/reliability.md, "Power loss").
 *
 *   powerfs BACKING STORE MOUNTPOINT [FUSE options]       (runs single-threaded in the foreground)
 *
 * Every operation is applied at once to BACKING, the "live" tree that reads and listings are served from
 * (what the page cache shows before a crash). Every change is also appended to an in-memory log of
 * operations that are not yet durable. A sync moves operations from the log into the durable model: the
 * directory entries (parent, name) -> inode held in memory and the content of every inode held as a file
 * STORE/ino/<id>:
 *   fsync / fdatasync of a file  the data operations (write, truncate) of that inode;
 *   fsync of a directory         the name operations (create, mkdir, link, unlink, rename, rmdir) that
 *                                touch that directory (a rename counts for both of its directories);
 *   "sync" on the control file   everything (syncfs: the kernel does not pass syncfs to FUSE servers, so
 *                                the test programs interpose syncfs() and write "sync" here).
 * POSIX is modelled strictly: a file's fsync does not make its name durable, a directory's fsync does not
 * make the data of the files it names durable. Inode identity is powerfs's own (a new id for every
 * created inode), so inode numbers the backing file system reuses cannot alias.
 *
 * The control file /.powerloss (at the mount root) takes one command per write:
 *   cut MODEL SEED   the power fails now: from here on every change, fsync and open for writing fails with
 *                    EIO. MODEL chooses what part of the log still reached the disk, SEED the random draw:
 *                      all      none of it (only what was synced survives);
 *                      prefix   the first k operations in issue order, k uniform in [0, n] (a file system
 *                               that writes everything in order, like ext4 data=journal);
 *                      reorder  name operations: a prefix in issue order (ordered metadata journal: ext4,
 *                               xfs); data operations: an independent random half of them, and a kept
 *                               write may be torn at a 4 KiB page boundary (delayed allocation and page
 *                               writeback in any order);
 *                      chaos    every operation independently with probability 1/2, writes torn as in
 *                               reorder (harsher than any journalled file system).
 *                    The chosen operations are applied to the durable model in log order.
 *   reboot           BACKING is rebuilt from the durable model, the log emptied, the power back on.
 *   sync             everything pending becomes durable (syncfs).
 * After each command STORE/status holds one line of counters ("pending=… kept=… dropped=…").
 *
 * Not modelled: metadata other than names and sizes (modes, owners, times) is always durable; extended
 * attributes, symlinks, mknod, fallocate and mmap are refused (ENOSYS/EPERM); a failed writeback (EIO
 * from fsync before the cut) is never simulated; directories are never reordered across renames of
 * directories. Single-threaded (-s) by design: the log has one order.
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define CTL_NAME "/.powerloss"
#define PAGE 4096

enum op_kind { OP_WRITE, OP_TRUNC, OP_CREATE, OP_LINK, OP_UNLINK, OP_RENAME };

typedef struct {
    enum op_kind kind;
    uint64_t id;          /* inode the operation is about */
    uint64_t dir, dir2;   /* name operations: directory (and target directory of a rename) */
    char *name, *name2;
    int is_dir;
    uint64_t off, len;    /* write: offset and length; truncate: new size in len */
    char *data;
} pl_op;

typedef struct {
    uint64_t dir, id;
    char *name;
    int is_dir;
} pl_entry;

typedef struct {
    int fd;
    uint64_t id;
    unsigned gen;
} pl_fh;

static struct {
    int live;                 /* BACKING */
    int store;                /* STORE */
    int inodes;               /* STORE/ino */
    /* backing inode number -> powerfs id (a created inode always gets a fresh id) */
    uint64_t *map_ino, *map_id;
    size_t map_cap, map_n;
    uint64_t next_id, root_id;
    pl_entry *ent;            /* durable directory entries */
    size_t nent, capent;
    pl_op *log;               /* pending operations, issue order */
    size_t nlog, caplog;
    int power_off;
    unsigned gen;             /* bumped at every reboot: handles opened before it are dead */
    uint64_t cuts, kept_total, dropped_total;
} S;

/* ---- small helpers ------------------------------------------------------------------------------------ */

static const char *rel(const char *path)
{
    while (*path == '/')
        path++;
    return *path ? path : ".";
}

static void die(const char *what)
{
    fprintf(stderr, "powerfs: %s: %s\n", what, strerror(errno));
    exit(2);
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        die("strdup");
    return d;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* open-addressing hash: backing inode -> id */
static void map_put(uint64_t ino, uint64_t id);
static void map_grow(void)
{
    uint64_t *oi = S.map_ino, *od = S.map_id;
    size_t oc = S.map_cap;
    S.map_cap = oc ? oc * 2 : 1024;
    S.map_ino = calloc(S.map_cap, sizeof *S.map_ino);
    S.map_id = calloc(S.map_cap, sizeof *S.map_id);
    if (!S.map_ino || !S.map_id)
        die("calloc");
    S.map_n = 0;
    for (size_t i = 0; i < oc; i++)
        if (od[i])
            map_put(oi[i], od[i]);
    free(oi);
    free(od);
}

static void map_put(uint64_t ino, uint64_t id)
{
    if ((S.map_n + 1) * 2 > S.map_cap)
        map_grow();
    size_t i = (size_t)(ino * 0x9E3779B97F4A7C15ull) & (S.map_cap - 1);
    while (S.map_id[i] && S.map_ino[i] != ino)
        i = (i + 1) & (S.map_cap - 1);
    if (!S.map_id[i])
        S.map_n++;
    S.map_ino[i] = ino;
    S.map_id[i] = id;
}

static uint64_t map_get(uint64_t ino)
{
    if (!S.map_cap)
        return 0;
    size_t i = (size_t)(ino * 0x9E3779B97F4A7C15ull) & (S.map_cap - 1);
    while (S.map_id[i]) {
        if (S.map_ino[i] == ino)
            return S.map_id[i];
        i = (i + 1) & (S.map_cap - 1);
    }
    return 0;
}

static void map_clear(void)
{
    if (S.map_cap) {
        memset(S.map_id, 0, S.map_cap * sizeof *S.map_id);
        S.map_n = 0;
    }
}

/* id of what `path` names in the live tree (0 and errno set when unknown) */
static uint64_t id_of(const char *path, int *is_dir)
{
    struct stat st;
    if (fstatat(S.live, rel(path), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    if (is_dir)
        *is_dir = S_ISDIR(st.st_mode);
    uint64_t id = map_get((uint64_t)st.st_ino);
    if (!id)
        errno = EIO;
    return id;
}

/* Split "/a/b/c" into the parent's id and the last component. */
static uint64_t parent_of(const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    char parent[PATH_MAX];
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= sizeof parent) {
        errno = ENAMETOOLONG;
        return 0;
    }
    memcpy(parent, path, n);
    parent[n] = '\0';
    return id_of(n ? parent : "/", NULL);
}

static void log_push(pl_op op)
{
    if (S.nlog == S.caplog) {
        S.caplog = S.caplog ? S.caplog * 2 : 1024;
        S.log = realloc(S.log, S.caplog * sizeof *S.log);
        if (!S.log)
            die("realloc");
    }
    S.log[S.nlog++] = op;
}

static void op_free(pl_op *op)
{
    free(op->name);
    free(op->name2);
    free(op->data);
}

static int is_name_op(const pl_op *op)
{
    return op->kind != OP_WRITE && op->kind != OP_TRUNC;
}

/* ---- the durable model -------------------------------------------------------------------------------- */

static int inode_fd(uint64_t id)
{
    char n[32];
    snprintf(n, sizeof n, "%" PRIu64, id);
    int fd = openat(S.inodes, n, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        die("open durable inode");
    return fd;
}

static pl_entry *ent_find(uint64_t dir, const char *name)
{
    for (size_t i = 0; i < S.nent; i++)
        if (S.ent[i].dir == dir && strcmp(S.ent[i].name, name) == 0)
            return &S.ent[i];
    return NULL;
}

static void ent_set(uint64_t dir, const char *name, uint64_t id, int is_dir)
{
    pl_entry *e = ent_find(dir, name);
    if (!e) {
        if (S.nent == S.capent) {
            S.capent = S.capent ? S.capent * 2 : 256;
            S.ent = realloc(S.ent, S.capent * sizeof *S.ent);
            if (!S.ent)
                die("realloc");
        }
        e = &S.ent[S.nent++];
        e->dir = dir;
        e->name = xstrdup(name);
    }
    e->id = id;
    e->is_dir = is_dir;
    if (!is_dir)
        close(inode_fd(id)); /* a durable name implies a durable (possibly empty) inode */
}

/* Remove (dir, name) if it still names `id`. */
static void ent_del(uint64_t dir, const char *name, uint64_t id)
{
    pl_entry *e = ent_find(dir, name);
    if (!e || e->id != id)
        return;
    free(e->name);
    *e = S.ent[--S.nent];
}

/* Apply one operation to the durable model; `keep` bytes of a write (torn writes keep a prefix). */
static void apply(const pl_op *op, uint64_t keep)
{
    switch (op->kind) {
    case OP_WRITE: {
        int fd = inode_fd(op->id);
        if (keep && pwrite(fd, op->data, keep, (off_t)op->off) != (ssize_t)keep)
            die("pwrite durable inode");
        close(fd);
        break;
    }
    case OP_TRUNC: {
        int fd = inode_fd(op->id);
        if (ftruncate(fd, (off_t)op->len) != 0)
            die("ftruncate durable inode");
        close(fd);
        break;
    }
    case OP_CREATE:
    case OP_LINK:
        ent_set(op->dir, op->name, op->id, op->is_dir);
        break;
    case OP_UNLINK:
        ent_del(op->dir, op->name, op->id);
        break;
    case OP_RENAME:
        ent_del(op->dir, op->name, op->id);
        ent_set(op->dir2, op->name2, op->id, op->is_dir);
        break;
    }
}

/* Make the log entries selected by `pick` durable, in log order, and drop them from the log. */
static size_t fold(int (*pick)(const pl_op *, uint64_t), uint64_t arg)
{
    size_t w = 0, n = 0;
    for (size_t i = 0; i < S.nlog; i++) {
        pl_op *op = &S.log[i];
        if (pick(op, arg)) {
            apply(op, op->len);
            op_free(op);
            n++;
        } else {
            S.log[w++] = *op;
        }
    }
    S.nlog = w;
    return n;
}

static int pick_inode_data(const pl_op *op, uint64_t id)
{
    return !is_name_op(op) && op->id == id;
}

static int pick_dir_names(const pl_op *op, uint64_t dir)
{
    return is_name_op(op) && (op->dir == dir || (op->kind == OP_RENAME && op->dir2 == dir));
}

static int pick_all(const pl_op *op, uint64_t unused)
{
    (void)op;
    (void)unused;
    return 1;
}

static void write_status(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    int fd = openat(S.store, "status.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, buf, (size_t)n) != n || close(fd) != 0 || renameat(S.store, "status.tmp", S.store, "status") != 0)
        die("status");
}

/* The power fails: choose what of the log reached the disk. */
static int cut(const char *model, uint64_t seed)
{
    uint64_t rng = seed ? seed : 1;
    size_t n = S.nlog, kept = 0, torn = 0;
    size_t prefix = n ? (size_t)(splitmix(&rng) % (n + 1)) : 0;
    size_t names_seen = 0, name_prefix = 0, names_total = 0;
    for (size_t i = 0; i < n; i++)
        names_total += is_name_op(&S.log[i]);
    name_prefix = names_total ? (size_t)(splitmix(&rng) % (names_total + 1)) : 0;
    int m_all = !strcmp(model, "all"), m_prefix = !strcmp(model, "prefix"), m_reorder = !strcmp(model, "reorder"),
        m_chaos = !strcmp(model, "chaos");
    if (!m_all && !m_prefix && !m_reorder && !m_chaos)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        pl_op *op = &S.log[i];
        int keep = 0;
        uint64_t bytes = op->len;
        if (m_prefix) {
            keep = i < prefix;
        } else if (m_reorder && is_name_op(op)) {
            keep = names_seen++ < name_prefix;
        } else if (m_reorder || m_chaos) {
            uint64_t r = splitmix(&rng);
            keep = r & 1;
            if (keep && op->kind == OP_WRITE && op->len > PAGE && (r & 6) == 0) {
                /* torn: only the pages up to a random page boundary inside the write reached the disk */
                uint64_t first_boundary = (op->off / PAGE + 1) * PAGE - op->off;
                uint64_t pages = (op->len - first_boundary) / PAGE + 1;
                bytes = first_boundary + (splitmix(&rng) % pages) * PAGE;
                if (bytes > op->len)
                    bytes = op->len;
                torn++;
            }
        }
        if (keep) {
            apply(op, bytes);
            kept++;
        }
        op_free(op);
    }
    S.nlog = 0;
    S.power_off = 1;
    S.cuts++;
    S.kept_total += kept;
    S.dropped_total += n - kept;
    write_status("cut %s seed=%" PRIu64 " pending=%zu kept=%zu dropped=%zu torn=%zu cuts=%" PRIu64 "\n", model, seed,
                 n, kept, n - kept, torn, S.cuts);
    return 0;
}

/* A listing of dirfd from its start, leaving dirfd itself open. */
static DIR *listing(int dirfd)
{
    DIR *d = fdopendir(dup(dirfd));
    if (!d)
        die("fdopendir");
    rewinddir(d); /* the duplicate shares the offset of a descriptor that may have been read before */
    return d;
}

/* ---- rebuilding the live tree after the reboot -------------------------------------------------------- */

static void rm_tree(int dirfd)
{
    DIR *d = listing(dirfd);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (unlinkat(dirfd, e->d_name, 0) == 0)
            continue;
        int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0)
            die("open subdirectory");
        rm_tree(sub);
        close(sub);
        if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) != 0)
            die("rmdir");
    }
    closedir(d);
}

typedef struct {
    uint64_t id;
    int dirfd;
    const char *name;
} made_file;

static void build_dir(int dirfd, uint64_t dir, made_file **made, size_t *nmade, size_t *cap)
{
    for (size_t i = 0; i < S.nent; i++) {
        pl_entry *e = &S.ent[i];
        if (e->dir != dir)
            continue;
        struct stat st;
        if (e->is_dir) {
            if (mkdirat(dirfd, e->name, 0755) != 0)
                die("mkdir (rebuild)");
            int sub = openat(dirfd, e->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub < 0 || fstat(sub, &st) != 0)
                die("open (rebuild)");
            map_put((uint64_t)st.st_ino, e->id);
            build_dir(sub, e->id, made, nmade, cap);
            close(sub);
            continue;
        }
        made_file *prev = NULL;
        for (size_t k = 0; k < *nmade; k++)
            if ((*made)[k].id == e->id)
                prev = &(*made)[k];
        if (prev) { /* a hard link: the second name of one inode */
            if (linkat(prev->dirfd, prev->name, dirfd, e->name, 0) != 0)
                die("link (rebuild)");
            continue;
        }
        int src = inode_fd(e->id);
        int dst = openat(dirfd, e->name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (dst < 0 || fstat(dst, &st) != 0)
            die("create (rebuild)");
        char buf[65536];
        ssize_t r;
        while ((r = read(src, buf, sizeof buf)) > 0)
            if (write(dst, buf, (size_t)r) != r)
                die("write (rebuild)");
        if (r < 0)
            die("read (rebuild)");
        close(src);
        close(dst);
        map_put((uint64_t)st.st_ino, e->id);
        if (*nmade == *cap) {
            *cap = *cap ? *cap * 2 : 64;
            *made = realloc(*made, *cap * sizeof **made);
            if (!*made)
                die("realloc");
        }
        (*made)[(*nmade)++] = (made_file){e->id, dirfd, e->name};
    }
}

static void reboot(void)
{
    rm_tree(S.live);
    map_clear();
    struct stat st;
    if (fstat(S.live, &st) != 0)
        die("fstat backing");
    map_put((uint64_t)st.st_ino, S.root_id);
    /* Directory descriptors stay open in `made` until the whole tree is built (hard links refer to them). */
    made_file *made = NULL;
    size_t nmade = 0, cap = 0;
    build_dir(S.live, S.root_id, &made, &nmade, &cap);
    free(made);
    /* Durable inodes no name refers to are gone for good. */
    DIR *d = listing(S.inodes);
    struct dirent *e;
    size_t files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        uint64_t id = strtoull(e->d_name, NULL, 10);
        int used = 0;
        for (size_t i = 0; i < S.nent && !used; i++)
            used = S.ent[i].id == id;
        if (!used)
            unlinkat(S.inodes, e->d_name, 0);
        else
            files++;
    }
    closedir(d);
    S.gen++;
    S.power_off = 0;
    write_status("reboot entries=%zu inodes=%zu cuts=%" PRIu64 " kept=%" PRIu64 " dropped=%" PRIu64 "\n", S.nent,
                 files, S.cuts, S.kept_total, S.dropped_total);
}

/* Initial state: whatever BACKING holds at mount time is durable. */
static void adopt(int dirfd, uint64_t dir)
{
    DIR *d = listing(dirfd);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            die("stat (adopt)");
        uint64_t id = map_get((uint64_t)st.st_ino);
        int fresh = !id;
        if (fresh) {
            id = ++S.next_id;
            map_put((uint64_t)st.st_ino, id);
        }
        if (S_ISDIR(st.st_mode)) {
            ent_set(dir, e->d_name, id, 1);
            int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub < 0)
                die("open (adopt)");
            adopt(sub, id);
            close(sub);
        } else if (S_ISREG(st.st_mode)) {
            ent_set(dir, e->d_name, id, 0);
            if (fresh) {
                int src = openat(dirfd, e->d_name, O_RDONLY | O_CLOEXEC), dst = inode_fd(id);
                char buf[65536];
                ssize_t r;
                while (src >= 0 && (r = read(src, buf, sizeof buf)) > 0)
                    if (write(dst, buf, (size_t)r) != r)
                        die("write (adopt)");
                if (src >= 0)
                    close(src);
                close(dst);
            }
        } else {
            fprintf(stderr, "powerfs: '%s': only files and directories are modelled\n", e->d_name);
            exit(2);
        }
    }
    closedir(d);
}

/* ---- FUSE operations ---------------------------------------------------------------------------------- */

#define NEG (errno ? -errno : -EIO)

static int is_ctl(const char *path)
{
    return strcmp(path, CTL_NAME) == 0;
}

static int pf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
    if (is_ctl(path)) {
        memset(st, 0, sizeof *st);
        st->st_mode = S_IFREG | 0600;
        st->st_nlink = 1;
        return 0;
    }
    int rc = fi && fi->fh ? fstat(((pl_fh *)(uintptr_t)fi->fh)->fd, st) : fstatat(S.live, rel(path), st, AT_SYMLINK_NOFOLLOW);
    if (rc != 0)
        return NEG;
    /* Inode numbers are powerfs ids: the same for every hard link of a file and across reboots, like a
     * disk's (the rebuilt backing files get new numbers). */
    uint64_t id = map_get((uint64_t)st->st_ino);
    if (id)
        st->st_ino = (ino_t)id;
    return 0;
}

static int pf_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags)
{
    (void)off;
    (void)fi;
    (void)flags;
    int fd = openat(S.live, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return NEG;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return NEG;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (fill(buf, e->d_name, NULL, 0, 0))
            break;
    closedir(d);
    return 0;
}

static int new_fh(struct fuse_file_info *fi, int fd, uint64_t id)
{
    pl_fh *h = malloc(sizeof *h);
    if (!h) {
        close(fd);
        return -ENOMEM;
    }
    h->fd = fd;
    h->id = id;
    h->gen = S.gen;
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->direct_io = 1; /* no page cache in the kernel: every read and write comes here */
    return 0;
}

static pl_fh *fh_of(struct fuse_file_info *fi)
{
    return fi ? (pl_fh *)(uintptr_t)fi->fh : NULL;
}

static int pf_open(const char *path, struct fuse_file_info *fi)
{
    if (is_ctl(path)) {
        fi->fh = 0;
        fi->direct_io = 1;
        return 0;
    }
    int acc = fi->flags & O_ACCMODE;
    if (S.power_off && (acc != O_RDONLY || (fi->flags & O_TRUNC)))
        return -EIO;
    int fd = openat(S.live, rel(path), (fi->flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NEG;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NEG;
    }
    uint64_t id = map_get((uint64_t)st.st_ino);
    if (!id) {
        close(fd);
        return -EIO;
    }
    if ((fi->flags & O_TRUNC) && acc != O_RDONLY && st.st_size) {
        if (ftruncate(fd, 0) != 0) {
            close(fd);
            return NEG;
        }
        log_push((pl_op){.kind = OP_TRUNC, .id = id, .len = 0});
    }
    return new_fh(fi, fd, id);
}

static int pf_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    if (S.power_off)
        return -EIO;
    const char *name;
    uint64_t dir = parent_of(path, &name);
    if (!dir)
        return NEG;
    struct stat st;
    int existed = fstatat(S.live, rel(path), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (existed && (fi->flags & O_EXCL))
        return -EEXIST;
    int fd = openat(S.live, rel(path), fi->flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return NEG;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NEG;
    }
    uint64_t id = existed ? map_get((uint64_t)st.st_ino) : 0;
    if (!existed) {
        /* a new inode (the backing file system may reuse a number we knew: a fresh id either way) */
        id = ++S.next_id;
        map_put((uint64_t)st.st_ino, id);
        log_push((pl_op){.kind = OP_CREATE, .id = id, .dir = dir, .name = xstrdup(name)});
    } else if (!id) {
        close(fd);
        return -EIO;
    } else if (fi->flags & O_TRUNC) {
        log_push((pl_op){.kind = OP_TRUNC, .id = id, .len = 0});
    }
    return new_fh(fi, fd, id);
}

static int pf_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    if (is_ctl(path))
        return 0;
    ssize_t n = pread(fh_of(fi)->fd, buf, size, off);
    return n < 0 ? NEG : (int)n;
}

static int control(const char *buf, size_t size)
{
    char cmd[128];
    size_t n = size < sizeof cmd - 1 ? size : sizeof cmd - 1;
    memcpy(cmd, buf, n);
    cmd[n] = '\0';
    char model[32];
    uint64_t seed = 0;
    if (sscanf(cmd, "cut %31s %" SCNu64, model, &seed) >= 1) {
        if (S.power_off)
            return -EIO;
        int rc = cut(model, seed);
        return rc < 0 ? rc : (int)size;
    }
    if (!strncmp(cmd, "reboot", 6)) {
        if (!S.power_off)
            return -EINVAL;
        reboot();
        return (int)size;
    }
    if (!strncmp(cmd, "sync", 4)) {
        if (S.power_off)
            return -EIO;
        size_t k = fold(pick_all, 0);
        write_status("sync folded=%zu; so far: cuts=%" PRIu64 " kept=%" PRIu64 " dropped=%" PRIu64 "\n", k, S.cuts,
                     S.kept_total, S.dropped_total);
        return (int)size;
    }
    return -EINVAL;
}

static int pf_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
    if (is_ctl(path))
        return control(buf, size);
    pl_fh *h = fh_of(fi);
    if (S.power_off || h->gen != S.gen)
        return -EIO;
    ssize_t n = pwrite(h->fd, buf, size, off);
    if (n < 0)
        return NEG;
    if (n > 0) {
        char *copy = malloc((size_t)n);
        if (!copy)
            die("malloc");
        memcpy(copy, buf, (size_t)n);
        log_push((pl_op){.kind = OP_WRITE, .id = h->id, .off = (uint64_t)off, .len = (uint64_t)n, .data = copy});
    }
    return (int)n;
}

static int pf_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
    if (is_ctl(path))
        return 0;
    if (S.power_off)
        return -EIO;
    pl_fh *h = fh_of(fi);
    uint64_t id;
    int rc;
    if (h) {
        if (h->gen != S.gen)
            return -EIO;
        id = h->id;
        rc = ftruncate(h->fd, size);
    } else {
        id = id_of(path, NULL);
        if (!id)
            return NEG;
        int fd = openat(S.live, rel(path), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return NEG;
        rc = ftruncate(fd, size);
        close(fd);
    }
    if (rc != 0)
        return NEG;
    log_push((pl_op){.kind = OP_TRUNC, .id = id, .len = (uint64_t)size});
    return 0;
}

static int pf_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)datasync; /* fdatasync: same model (the size is needed to read the data back) */
    if (is_ctl(path))
        return 0;
    pl_fh *h = fh_of(fi);
    if (S.power_off || h->gen != S.gen)
        return -EIO;
    close(inode_fd(h->id));
    fold(pick_inode_data, h->id);
    return 0;
}

static int pf_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi)
{
    (void)datasync;
    (void)fi;
    if (S.power_off)
        return -EIO;
    uint64_t dir = id_of(path, NULL);
    if (!dir)
        return NEG;
    fold(pick_dir_names, dir);
    return 0;
}

static int pf_release(const char *path, struct fuse_file_info *fi)
{
    if (is_ctl(path))
        return 0;
    pl_fh *h = fh_of(fi);
    if (h) {
        close(h->fd);
        free(h);
    }
    return 0;
}

static int pf_flush(const char *path, struct fuse_file_info *fi)
{
    (void)path;
    (void)fi;
    return 0; /* close() itself makes nothing durable */
}

static int pf_mkdir(const char *path, mode_t mode)
{
    if (S.power_off)
        return -EIO;
    const char *name;
    uint64_t dir = parent_of(path, &name);
    if (!dir)
        return NEG;
    if (mkdirat(S.live, rel(path), mode) != 0)
        return NEG;
    struct stat st;
    if (fstatat(S.live, rel(path), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return NEG;
    uint64_t id = ++S.next_id;
    map_put((uint64_t)st.st_ino, id);
    log_push((pl_op){.kind = OP_CREATE, .id = id, .dir = dir, .name = xstrdup(name), .is_dir = 1});
    return 0;
}

static int remove_name(const char *path, int flags)
{
    if (S.power_off)
        return -EIO;
    const char *name;
    uint64_t dir = parent_of(path, &name);
    int is_dir = 0;
    uint64_t id = dir ? id_of(path, &is_dir) : 0;
    if (!id)
        return NEG;
    if (unlinkat(S.live, rel(path), flags) != 0)
        return NEG;
    log_push((pl_op){.kind = OP_UNLINK, .id = id, .dir = dir, .name = xstrdup(name), .is_dir = is_dir});
    return 0;
}

static int pf_unlink(const char *path)
{
    return is_ctl(path) ? -EPERM : remove_name(path, 0);
}

static int pf_rmdir(const char *path)
{
    return remove_name(path, AT_REMOVEDIR);
}

static int pf_rename(const char *from, const char *to, unsigned int flags)
{
    if (is_ctl(from) || is_ctl(to))
        return -EPERM;
    if (S.power_off)
        return -EIO;
    if (flags & ~(unsigned)RENAME_NOREPLACE)
        return -EINVAL; /* RENAME_EXCHANGE / WHITEOUT: not modelled */
    if (flags && getenv("POWERFS_NO_RENAME2"))
        return -EINVAL; /* like many FUSE and network file systems: callers fall back to link + unlink */
    const char *n1, *n2;
    uint64_t d1 = parent_of(from, &n1), d2 = parent_of(to, &n2);
    int is_dir = 0;
    uint64_t id = (d1 && d2) ? id_of(from, &is_dir) : 0;
    if (!id)
        return NEG;
    if (renameat2(S.live, rel(from), S.live, rel(to), flags) != 0)
        return NEG;
    log_push((pl_op){.kind = OP_RENAME, .id = id, .dir = d1, .name = xstrdup(n1), .dir2 = d2, .name2 = xstrdup(n2),
                     .is_dir = is_dir});
    return 0;
}

static int pf_link(const char *from, const char *to)
{
    if (is_ctl(from) || is_ctl(to))
        return -EPERM;
    if (S.power_off)
        return -EIO;
    const char *name;
    uint64_t dir = parent_of(to, &name);
    uint64_t id = dir ? id_of(from, NULL) : 0;
    if (!id)
        return NEG;
    if (linkat(S.live, rel(from), S.live, rel(to), 0) != 0)
        return NEG;
    log_push((pl_op){.kind = OP_LINK, .id = id, .dir = dir, .name = xstrdup(name)});
    return 0;
}

static int pf_statfs(const char *path, struct statvfs *sv)
{
    (void)path;
    return fstatvfs(S.live, sv) == 0 ? 0 : NEG;
}

static int pf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi)
{
    (void)fi;
    if (is_ctl(path))
        return 0;
    if (S.power_off)
        return -EIO;
    return fchmodat(S.live, rel(path), mode, 0) == 0 ? 0 : NEG;
}

static int pf_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi)
{
    (void)fi;
    if (is_ctl(path))
        return 0;
    if (S.power_off)
        return -EIO;
    return utimensat(S.live, rel(path), tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : NEG;
}

static void *pf_init(struct fuse_conn_info *conn, struct fuse_config *cfg)
{
    (void)conn;
    /* Nothing cached in the kernel: after a reboot every name and size is looked up again. */
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->direct_io = 1;
    cfg->hard_remove = 1; /* unlinking an open file must not leave ".fuse_hidden*" names in the directory */
    cfg->use_ino = 1; /* st_ino from getattr (powerfs ids), so hard links show one inode */
    return NULL;
}

static const struct fuse_operations ops = {
    .init = pf_init,
    .getattr = pf_getattr,
    .readdir = pf_readdir,
    .open = pf_open,
    .create = pf_create,
    .read = pf_read,
    .write = pf_write,
    .truncate = pf_truncate,
    .fsync = pf_fsync,
    .fsyncdir = pf_fsyncdir,
    .flush = pf_flush,
    .release = pf_release,
    .mkdir = pf_mkdir,
    .rmdir = pf_rmdir,
    .unlink = pf_unlink,
    .rename = pf_rename,
    .link = pf_link,
    .statfs = pf_statfs,
    .chmod = pf_chmod,
    .utimens = pf_utimens,
};

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: powerfs BACKING STORE MOUNTPOINT [FUSE options]\n");
        return 2;
    }
    S.live = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    S.store = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (S.live < 0 || S.store < 0)
        die("open BACKING/STORE");
    if (mkdirat(S.store, "ino", 0700) != 0 && errno != EEXIST)
        die("mkdir STORE/ino");
    S.inodes = openat(S.store, "ino", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (S.inodes < 0)
        die("open STORE/ino");
    rm_tree(S.inodes);
    struct stat st;
    if (fstat(S.live, &st) != 0)
        die("fstat BACKING");
    S.root_id = ++S.next_id;
    map_put((uint64_t)st.st_ino, S.root_id);
    adopt(S.live, S.root_id);
    write_status("mounted entries=%zu\n", S.nent);
    /* fuse_main gets: program, mount point, -f (foreground), -s (one thread), then the caller's options. */
    char **fargv = calloc((size_t)argc + 2, sizeof *fargv);
    if (!fargv)
        die("calloc");
    int fargc = 0;
    fargv[fargc++] = argv[0];
    fargv[fargc++] = argv[3];
    fargv[fargc++] = "-f";
    fargv[fargc++] = "-s";
    for (int i = 4; i < argc; i++)
        fargv[fargc++] = argv[i];
    int rc = fuse_main(fargc, fargv, &ops, NULL);
    free(fargv);
    return rc;
}
