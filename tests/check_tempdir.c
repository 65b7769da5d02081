/* SPDX-License-Identifier: MIT */
/* Tests for dw_drop_options.temp_dir (lib/drop.c opens it, lib/guard.c and lib/batch.c write through it,
 * lib/scan.c counts and sweeps it): with a temp_dir, no file but final "*.eml" names ever appears in the
 * drop directory, on every write path and every failure path; a missing, symlinked or foreign (other file
 * system) temp_dir is refused with class configuration; version-1 option structs keep working. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/mount.h>
#endif
#include <time.h>
#include <unistd.h>

#include "dropwatch.h"
#include "dropwatch/testing.h"
#include "../lib/guard_internal.h"
#include "rel_common.h"

static char root[200], drop[256], tdir[256], sub[300];
static unsigned char *v1_buf; /* test_version_1_struct's option struct */

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/dwtempdir-XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(root));
    snprintf(drop, sizeof drop, "%s/drop", root);
    snprintf(tdir, sizeof tdir, "%s/tmp", root);
    snprintf(sub, sizeof sub, "%s/.dwtmp", drop);
    ck_assert_int_eq(mkdir(drop, 0750), 0);
    ck_assert_int_eq(mkdir(tdir, 0750), 0);
    ck_assert_int_eq(mkdir(sub, 0750), 0);
}

static void teardown(void)
{
#ifdef __linux__
    char bind[600];
    snprintf(bind, sizeof bind, "%s/bind", drop);
    (void)umount2(bind, MNT_DETACH); /* test_bind_mount_refused's, should it have failed */
#endif
    free(v1_buf);
    v1_buf = NULL;
    rel_rm_rf(root);
}

/* What a directory holds: final names, our temporary files, anything else (subdirectories not counted). */
typedef struct listing {
    int eml, temps, other;
} listing;

static listing list(const char *path)
{
    listing l = {0, 0, 0};
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    char p[1024];
    struct stat sb;
    while ((de = readdir(d))) {
        const char *n = de->d_name;
        snprintf(p, sizeof p, "%s/%s", path, n);
        if (lstat(p, &sb) != 0 || S_ISDIR(sb.st_mode))
            continue;
        if (rel_has_suffix(n, ".eml"))
            l.eml++;
        else if (!strncmp(n, ".dwtmp-", 7) || !strncmp(n, ".dwcanary-", 10))
            l.temps++;
        else
            l.other++;
    }
    closedir(d);
    return l;
}

/* The drop directory holds exactly `eml` messages and nothing else; the temp directory nothing of ours. */
static void assert_clean(const char *temp_path, int eml)
{
    listing l = list(drop);
    ck_assert_int_eq(l.eml, eml);
    ck_assert_int_eq(l.temps, 0);
    ck_assert_int_eq(l.other, 0);
    l = list(temp_path);
    ck_assert_int_eq(l.eml + l.temps + l.other, 0);
}

static void write_aged(const char *d, const char *name, size_t size, time_t age)
{
    ck_assert_int_eq(rel_write_aged(d, name, size, age), 0);
}

static dw_drop_options opts_with(const char *temp_dir)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.temp_dir = temp_dir;
    return o;
}

static dw_drop *open_with(const char *temp_dir)
{
    dw_drop_options o = opts_with(temp_dir);
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dw_drop_open(&d, drop, &o, &e);
    ck_assert_msg(st == DW_OK, "open: %s %s", dw_status_name(st), e.detail);
    return d;
}

/* ---- a seam that records where files are created and renamed ------------------------------------------ */

typedef struct where {
    ino_t drop_ino, temp_ino;
    int create_in_temp, create_in_drop, rename_temp_to_drop, rename_other, force_unique;
} where;

static ino_t ino_of_fd(dwi_fd fd)
{
    struct stat sb;
    ck_assert_int_eq(fstat((int)fd, &sb), 0);
    return sb.st_ino;
}

static dwi_fd w_create(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    where *w = ctx;
    ino_t i = ino_of_fd(dirfd);
    w->create_in_temp += i == w->temp_ino;
    w->create_in_drop += i == w->drop_ino;
    return dwi_posix_ops.create(NULL, dirfd, name, mode);
}

static void note_rename(where *w, dwi_fd from, dwi_fd to)
{
    if (ino_of_fd(from) == w->temp_ino && ino_of_fd(to) == w->drop_ino)
        w->rename_temp_to_drop++;
    else
        w->rename_other++;
}

static int w_rename(void *ctx, dwi_fd from_dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    where *w = ctx;
    note_rename(w, from_dirfd, to_dirfd);
    /* an SMB share through FUSE: neither no-replace rename nor hard links */
    return w->force_unique ? -EOPNOTSUPP : dwi_posix_ops.rename_noreplace(NULL, from_dirfd, from, to_dirfd, to);
}

static int w_rename_unique(void *ctx, dwi_fd from_dirfd, const char *from, dwi_fd to_dirfd, const char *to)
{
    where *w = ctx;
    note_rename(w, from_dirfd, to_dirfd);
    return dwi_posix_ops.rename_unique(NULL, from_dirfd, from, to_dirfd, to);
}

static dwi_ops where_ops(void)
{
    dwi_ops o = dwi_posix_ops;
    o.create = w_create;
    o.rename_noreplace = w_rename;
    o.rename_unique = w_rename_unique;
    return o;
}

static ino_t ino_of(const char *path)
{
    struct stat sb;
    ck_assert_int_eq(stat(path, &sb), 0);
    return sb.st_ino;
}

static int cb_calls;
static int cb_read(void *user, void *buf, size_t size, size_t *got)
{
    const char *temp_path = user;
    if (cb_calls++) {
        *got = 0;
        return 0;
    }
    /* The message is being written: its temporary file is in temp_dir, the drop directory is untouched. */
    ck_assert_int_eq(list(temp_path).temps, 1);
    listing l = list(drop);
    ck_assert_int_eq(l.temps + l.other, 0);
    memcpy(buf, "cb", size < 2 ? size : 2);
    *got = size < 2 ? size : 2;
    return 0;
}

/* ---- tests -------------------------------------------------------------------------------------------- */

/* During a streamed write the drop directory holds nothing but final names: the temporary file lives in
 * temp_dir (a subdirectory, or an absolute directory on the same file system). */
START_TEST(test_stream_shows_only_eml)
{
    const char *values[2] = {".dwtmp", tdir};
    const char *paths[2] = {sub, tdir};
    for (int i = 0; i < 2; i++) {
        dw_drop *d = open_with(values[i]);
        dw_msg *m = NULL;
        dw_io_error e;
        ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
        ck_assert_int_eq(dw_msg_write(m, "hello\r\n", 7, &e), DW_OK);
        listing l = list(drop);
        ck_assert_int_eq(l.temps + l.other, 0); /* today: the ".dwtmp-*.tmp" file is here */
        ck_assert_int_eq(l.eml, i);
        ck_assert_int_eq(list(paths[i]).temps, 1);
        char name[DW_FILE_NAME_MAX];
        ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
        ck_assert_int_eq(e.outcome, DW_OUTCOME_DURABLE);
        ck_assert(rel_exists(drop, name));
        assert_clean(paths[i], i + 1);
        /* an aborted message leaves nothing anywhere */
        ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
        ck_assert_int_eq(dw_msg_write(m, "x", 1, &e), DW_OK);
        dw_msg_abort(m);
        assert_clean(paths[i], i + 1);
        ck_assert_str_eq(dw_drop_path(d), drop);
        dw_drop_close(d);
    }
}
END_TEST

/* Every write path creates its temporary files in temp_dir and renames them into the drop directory:
 * one-shot buffer, file, descriptor, callback, batch, group commit, the health canary, and the
 * unique-name rename of SMB shares. */
START_TEST(test_every_path_goes_through_temp_dir)
{
    where w = {.drop_ino = ino_of(drop), .temp_ino = ino_of(tdir)};
    dwi_ops ops = where_ops();
    dw_drop_options o = opts_with(tdir);
    o.quota_bytes = 1u << 20; /* the quota ledger stays in the drop directory (no_ledger turns it off) */
    o.no_ledger = 1;
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dwi_drop_open_ops(&d, drop, &o, &ops, &w, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "one", 3, NULL, name, sizeof name, NULL, &e), DW_OK);

    char src[600];
    snprintf(src, sizeof src, "%s/source.txt", root);
    FILE *f = fopen(src, "wb");
    ck_assert_ptr_nonnull(f);
    fputs("from a file\r\n", f);
    fclose(f);
    ck_assert_int_eq(dw_drop_write_file(d, src, NULL, name, sizeof name, NULL, &e), DW_OK);
    int fd = open(src, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dw_drop_write_fd(d, fd, NULL, name, sizeof name, NULL, &e), DW_OK);
    close(fd);
    cb_calls = 0;
    ck_assert_int_eq(dw_drop_write_cb(d, cb_read, tdir, NULL, name, sizeof name, NULL, &e), DW_OK);

    const void *bufs[3] = {"b1", "b22", "b333"};
    size_t lens[3] = {2, 3, 4}, done = 0;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 3, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_uint_eq(done, 3);

    dw_flush_group *g = NULL;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, g, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "grouped", 7, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, NULL, &e), DW_OK);
    dw_flush_group_free(g);
    /* The syncfs group renames for its writers: from the temp_dir too. */
    dw_flush_group_options go = DW_FLUSH_GROUP_OPTIONS_INIT;
    go.mode = DW_FLUSH_SYNCFS;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &go), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, g, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "synced", 6, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, NULL, &e), DW_OK);
    dw_flush_group_free(g);

    ck_assert_int_eq(w.create_in_temp, 9);
    ck_assert_int_eq(w.create_in_drop, 0);
    ck_assert_int_eq(w.rename_temp_to_drop, 9);
    ck_assert_int_eq(w.rename_other, 0);
    assert_clean(tdir, 9);
    uint64_t bytes = 0, files = 0;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, &e), DW_OK);
    ck_assert_uint_eq(files, 9);
    dw_drop_close(d);

    /* A share without no-replace rename or links: the unique-name rename crosses the directories too. */
    w.force_unique = 1;
    ck_assert_int_eq(dwi_drop_open_ops(&d, drop, &o, &ops, &w, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "share", 5, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_publish_method(d), DW_PUBLISH_UNIQUE_RENAME);
    ck_assert(rel_exists(drop, name));
    assert_clean(tdir, 10);
    dw_drop_close(d);

    /* The health canary takes the same way and is removed. */
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dwi_drop_health_ops(drop, &o, 3600, &h, &ops, &w, &e), DW_OK);
    ck_assert_int_eq(h.writable, 1);
    ck_assert_int_eq(w.create_in_drop, 0);
    ck_assert_int_eq(w.create_in_temp, 11);
    assert_clean(tdir, 10);
}
END_TEST

/* syncfs refused (Windows, file systems without it): each writer of a DW_FLUSH_SYNCFS group fsyncs its own
 * temporary file, the one in temp_dir. Opening that name in the drop directory instead created an empty
 * ".dwtmp-*.tmp" there (left behind) and flushed it rather than the message. */
static int syncfs_refused(void *ctx, dwi_fd fd)
{
    (void)ctx;
    (void)fd;
    return -ENOSYS;
}

static dwi_fd w_open_rw(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    where *w = ctx;
    w->create_in_drop += ino_of_fd(dirfd) == w->drop_ino; /* an open that may create counts as a create */
    return dwi_posix_ops.open_rw(NULL, dirfd, name, mode);
}

START_TEST(test_syncfs_refused_flushes_in_temp_dir)
{
    where w = {.drop_ino = ino_of(drop), .temp_ino = ino_of(tdir)};
    dwi_ops ops = where_ops();
    ops.syncfs = syncfs_refused;
    ops.open_rw = w_open_rw;
    dw_drop_options o = opts_with(tdir);
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dwi_drop_open_ops(&d, drop, &o, &ops, &w, &e), DW_OK);
    dw_flush_group_options go = DW_FLUSH_GROUP_OPTIONS_INIT;
    go.mode = DW_FLUSH_SYNCFS;
    dw_flush_group *g = NULL;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &go), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, g, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    for (int i = 0; i < 2; i++) { /* the first learns syncfs is refused, the second knows */
        ck_assert_int_eq(dw_drop_write(d, "synced", 6, NULL, name, sizeof name, NULL, &e), DW_OK);
        ck_assert_int_eq(e.outcome, DW_OUTCOME_DURABLE);
    }
    ck_assert_int_eq(dw_drop_set_flush_group(d, NULL, &e), DW_OK);
    dw_flush_group_free(g);
    ck_assert_int_eq(w.create_in_drop, 0);
    ck_assert_int_eq(w.rename_temp_to_drop, 2);
    assert_clean(tdir, 2);
    dw_drop_close(d);
}
END_TEST

/* The temporary file removed under a writer (another handle's sweep of a shared temp_dir with a small
 * max_age, a tmp cleaner): the rename fails with ENOENT and nothing is published. On a local file system
 * that answer is final, so the outcome is "not published" (retry); it was "uncertain: PUBLISHED as ...,
 * do not deliver it again", which loses the message. On a network share a lost reply may hide a rename
 * that happened, so there it stays uncertain. */
static int always_remote(void *ctx, dwi_fd fd)
{
    (void)ctx;
    (void)fd;
    return 1;
}

static void remove_temps(const char *path)
{
    DIR *dir = opendir(path);
    ck_assert_ptr_nonnull(dir);
    struct dirent *de;
    char p[1024];
    while ((de = readdir(dir)))
        if (!strncmp(de->d_name, ".dwtmp-", 7)) {
            snprintf(p, sizeof p, "%s/%s", path, de->d_name);
            ck_assert_int_eq(unlink(p), 0);
        }
    closedir(dir);
}

START_TEST(test_temp_removed_under_writer)
{
    for (int remote = 0; remote < 2; remote++) {
        dwi_ops ops = dwi_posix_ops;
        if (remote)
            ops.is_remote = always_remote;
        dw_drop_options o = opts_with(".dwtmp");
        o.retry_max = 0;
        dw_drop *d = NULL;
        dw_io_error e;
        ck_assert_int_eq(dwi_drop_open_ops(&d, drop, &o, &ops, NULL, &e), DW_OK);
        dw_msg *m = NULL;
        ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
        ck_assert_int_eq(dw_msg_write(m, "body\r\n", 6, &e), DW_OK);
        remove_temps(sub);
        char name[DW_FILE_NAME_MAX];
        ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_E_IO);
        ck_assert_int_eq(e.op, DW_OP_RENAME);
        ck_assert_int_eq(e.sys_errno, ENOENT);
        ck_assert_int_eq(list(drop).eml, 0);
        ck_assert_msg(e.outcome == (remote ? DW_OUTCOME_UNCERTAIN : DW_OUTCOME_NOT_PUBLISHED), "remote %d: %s",
                      remote, dw_outcome_name(e.outcome));
        if (!remote)
            ck_assert_str_eq(e.published, "");
        dw_drop_close(d);
    }
}
END_TEST

/* A temporary file whose removal failed is described where it is: in the temp_dir, not "left in the drop
 * directory" (where a reader would not find it). */
static int unlink_rofs(void *ctx, dwi_fd dirfd, const char *name)
{
    (void)ctx;
    (void)dirfd;
    (void)name;
    return -EROFS;
}

START_TEST(test_left_behind_named_in_temp_dir)
{
    dwi_ops ops = dwi_posix_ops;
    ops.unlink = unlink_rofs;
    dw_fault f = DW_FAULT_INIT;
    f.op = DW_OP_RENAME;
    f.sys_errno = EIO;
    f.count = 1;
    dw_drop_options o = opts_with(".dwtmp");
    o.retry_max = 0;
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dwi_drop_open_fault(&d, drop, &o, &f, &ops, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, NULL, 0, NULL, &e), DW_E_IO);
    ck_assert_int_eq(strncmp(e.left_behind, ".dwtmp-", 7), 0);
    ck_assert_int_eq(list(sub).temps, 1);
    char text[2048];
    ck_assert_int_eq(dw_io_error_describe(&e, text, sizeof text, NULL), DW_OK);
    ck_assert_msg(strstr(text, "left in the drop directory") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "temp_dir") != NULL, "%s", text);
    /* nor does the alert put it under the drop path */
    dw_alert a;
    dw_alert_init(&a);
    a.error = e;
    a.connector = "Fax";
    a.drop_path = drop;
    char *txt = NULL;
    ck_assert_int_eq(dw_alert_format_alloc(&a, DW_FORMAT_TEXT, &txt, NULL), DW_OK);
    char wrong[1024];
    snprintf(wrong, sizeof wrong, "%s/%s", drop, e.left_behind);
    ck_assert_msg(strstr(txt, wrong) == NULL && strstr(txt, "temp_dir") != NULL, "%s", txt);
    dw_free(txt);
    dw_drop_close(d);
}
END_TEST

/* A failure at any step leaves nothing in either directory (fault injection of dropwatch/testing.h). */
START_TEST(test_failures_leave_nothing)
{
    static const dw_op steps[] = {DW_OP_CREATE, DW_OP_WRITE, DW_OP_FSYNC, DW_OP_CLOSE, DW_OP_RENAME,
                                  DW_OP_DIR_FSYNC};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        for (int batch = 0; batch < 2; batch++) {
            dw_fault f = DW_FAULT_INIT;
            f.op = steps[i];
            f.sys_errno = EIO;
            f.count = 1;
            dw_drop_options o = opts_with(tdir);
            o.retry_max = 0;
            dw_drop *d = NULL;
            dw_io_error e;
            ck_assert_int_eq(dw_testing_drop_open(&d, drop, &o, &f, &e), DW_OK);
            char name[DW_FILE_NAME_MAX];
            dw_status st;
            if (batch) {
                const void *bufs[2] = {"aa", "bb"};
                size_t lens[2] = {2, 2}, done = 9;
                st = dw_drop_write_batch(d, bufs, lens, 2, NULL, NULL, 0, &done, &e);
                ck_assert_uint_eq(done, 0);
            } else {
                st = dw_drop_write(d, "msg", 3, NULL, name, sizeof name, NULL, &e);
            }
            ck_assert_msg(st == DW_E_IO, "%s: %s", dw_op_name(steps[i]), dw_status_name(st));
            ck_assert_int_eq(e.op, steps[i]);
            ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
            ck_assert_str_eq(e.left_behind, "");
            /* a failure on the temporary file names it in temp_dir */
            if (steps[i] == DW_OP_WRITE && !batch)
                ck_assert_msg(strncmp(e.path, tdir, strlen(tdir)) == 0, "path %s", e.path);
            dw_drop_close(d);
            assert_clean(tdir, 0);
        }
    }
}
END_TEST

static void expect_refused(const char *value, int errnum, const char *detail_start)
{
    dw_drop_options o = opts_with(value);
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_ptr_null(d);
    ck_assert_int_eq(e.sys_errno, errnum);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_msg(strncmp(e.detail, detail_start, strlen(detail_start)) == 0, "detail: %s", e.detail);
    /* the path is the temp directory's, not the drop directory's */
    ck_assert_msg(strstr(e.path, value) != NULL, "path: %s", e.path);
    /* the health probe refuses it the same way */
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dw_drop_health(drop, &o, 60, &h, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, errnum);
    ck_assert_int_eq(h.exists, 1); /* the drop directory itself is fine */
    ck_assert_int_eq(h.is_directory, 1);
    /* Nor does its alert say the drop directory is missing (8008): Exchange, failing to create its file in
     * a directory that is not there, catches an IOException (8004); a denied one is 8009. */
    dw_alert a;
    dw_alert_init(&a);
    a.drop_path = drop;
    a.error = e;
    ck_assert_uint_eq(dw_alert_event_id(&a), errnum == EACCES ? 8009 : 8004);
}

START_TEST(test_bad_temp_dirs_refused)
{
    char p[600], q[600];
    /* missing: never created */
    snprintf(p, sizeof p, "%s/missing", root);
    expect_refused(p, ENOENT, "temp_dir does not exist");
    ck_assert(!rel_exists(root, "missing"));
    expect_refused("missing", ENOENT, "temp_dir does not exist");
    ck_assert(!rel_exists(drop, "missing"));
    /* a file */
    write_aged(root, "file", 1, 0);
    snprintf(p, sizeof p, "%s/file", root);
    expect_refused(p, ENOTDIR, "temp_dir is not a directory");
    write_aged(drop, "plain", 1, 0);
    expect_refused("plain", ENOTDIR, "temp_dir is not a directory");
    unlink(p);
    snprintf(p, sizeof p, "%s/plain", drop);
    unlink(p);
    /* a symlink to a directory, absolute and relative */
    snprintf(p, sizeof p, "%s/link", root);
    ck_assert_int_eq(symlink(tdir, p), 0);
    expect_refused(p, ELOOP, "temp_dir is a symlink");
    snprintf(q, sizeof q, "%s/link", drop);
    ck_assert_int_eq(symlink(tdir, q), 0);
    expect_refused("link", ELOOP, "temp_dir is a symlink");
    unlink(q);
    /* the drop directory itself */
    expect_refused(drop, EINVAL, "temp_dir is the drop directory itself");
    /* a temp_dir whose name is too long (ENAMETOOLONG): the drop directory is still there for the health
     * probe (it reported exists 0, as for a drop path too long) */
    p[0] = '/';
    memset(p + 1, 'a', 300);
    p[301] = '\0';
    dw_drop_options lo = opts_with(p);
    dw_health lh = DW_HEALTH_INIT;
    dw_io_error le;
    ck_assert_int_eq(dw_drop_health(drop, &lo, 60, &lh, &le), DW_E_IO);
    ck_assert_int_eq(le.sys_errno, ENAMETOOLONG);
    ck_assert_int_eq(lh.exists, 1);
    ck_assert_int_eq(lh.is_directory, 1);
    /* while a drop path too long (its error path cut to fit) is not there */
    char *huge = malloc(DW_IO_PATH_MAX + 10);
    ck_assert_ptr_nonnull(huge);
    memset(huge, 'a', DW_IO_PATH_MAX + 9);
    huge[DW_IO_PATH_MAX + 9] = '\0';
    lh = (dw_health)DW_HEALTH_INIT;
    ck_assert_int_eq(dw_drop_health(huge, &lo, 60, &lh, &le), DW_E_IO);
    ck_assert_int_eq(le.sys_errno, ENAMETOOLONG);
    ck_assert_int_eq(lh.exists, 0);
    free(huge);
    /* a missing drop directory with a temp_dir is still the missing drop directory: 8008 */
    dw_drop_options o = opts_with(".dwtmp");
    dw_drop *d = NULL;
    dw_alert a;
    dw_alert_init(&a);
    snprintf(p, sizeof p, "%s/gone", root);
    ck_assert_int_eq(dw_drop_open(&d, p, &o, &a.error), DW_E_IO);
    ck_assert_uint_eq(dw_alert_event_id(&a), 8008);
}
END_TEST

/* A temp_dir on another file system is refused: a rename cannot cross file systems. /dev/shm (tmpfs)
 * against the build's TMPDIR when they differ. */
START_TEST(test_other_file_system_refused)
{
    struct stat a, b;
    ck_assert_int_eq(stat(drop, &a), 0);
    const char *cands[] = {"/dev/shm", "/run/shm", "/tmp", "/var/tmp"};
    const char *other = NULL;
    for (size_t i = 0; i < sizeof cands / sizeof cands[0] && !other; i++)
        if (stat(cands[i], &b) == 0 && S_ISDIR(b.st_mode) && b.st_dev != a.st_dev && access(cands[i], W_OK) == 0)
            other = cands[i];
    if (!other) {
        printf("check_tempdir: SKIP test_other_file_system_refused: no writable directory on a second file "
               "system (/dev/shm, /run/shm, /tmp, /var/tmp all on the drop directory's)\n");
        return;
    }
    char p[600];
    snprintf(p, sizeof p, "%s/dwtempdir-XXXXXX", other);
    ck_assert_ptr_nonnull(mkdtemp(p));
    expect_refused(p, EXDEV, "temp_dir is on another file system");
    dw_io_error e;
    dw_drop_options o = opts_with(p);
    dw_drop *d = NULL;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, 17u); /* ERROR_NOT_SAME_DEVICE */
    ck_assert_int_eq(e.retryable, dw_class_retryable(DW_CLASS_CONFIGURATION));
    rmdir(p);
}
END_TEST

/* dw_drop_options_check validates the value without touching the file system, naming the field. */
/* A bind mount inside the drop directory: the same file system (st_dev equal) but rename() cannot cross
 * mount points (EXDEV), so every write failed at its rename; dw_drop_open refuses it like another file
 * system. Needs CAP_SYS_ADMIN (root in CI); skipped without it. */
START_TEST(test_bind_mount_refused)
{
#ifdef __linux__
    char target[600];
    snprintf(target, sizeof target, "%s/bind", drop);
    ck_assert_int_eq(mkdir(target, 0750), 0);
    if (mount(tdir, target, "none", MS_BIND, NULL) /* type ignored for a bind mount; valgrind wants a string */ != 0) {
        printf("check_tempdir: SKIP test_bind_mount_refused: bind mount not permitted (%s)\n", strerror(errno));
        return;
    }
    uint64_t id;
    int dfd = open(drop, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    int known = dwi_posix_ops.mount_id(NULL, (dwi_fd)dfd, &id) == 0;
    close(dfd);
    if (!known) {
        umount(target);
        printf("check_tempdir: SKIP test_bind_mount_refused: no mount ids (statx STATX_MNT_ID, Linux 5.8)\n");
        return;
    }
    struct stat a, b;
    ck_assert_int_eq(stat(drop, &a), 0);
    ck_assert_int_eq(stat(target, &b), 0);
    ck_assert_uint_eq(a.st_dev, b.st_dev); /* what the file-system check compares */
    expect_refused("bind", EXDEV, "temp_dir is on another mount");
    expect_refused(target, EXDEV, "temp_dir is on another mount");
    ck_assert_int_eq(umount(target), 0);
    /* the same directory without the mount is accepted */
    dw_drop *d = open_with("bind");
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, NULL, 0, NULL, NULL), DW_OK);
    dw_drop_close(d);
    assert_clean(target, 1);
#endif
}
END_TEST

START_TEST(test_options_check)
{
    /* A relative value is a subdirectory name as Windows (and a DropDirectory value) has it: no device name
     * (CON opens the console), no trailing dot or space (Win32 strips them: "tmp." is "tmp"), no character
     * Win32 forbids, valid UTF-8; these were accepted on POSIX and failed, or named another object, on Windows. */
    const char *bad[] = {".", "..", "a/b", "a\\b", "c:x", "sub/", "CON", "nul.txt", "tmp.", "tmp ", "a<b", "a*b",
                         "a|b", "a\"b", "a?b", "a\tb", "\xff"};
    dw_io_error e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dw_drop_options o = opts_with(bad[i]);
        ck_assert_msg(dw_drop_options_check(&o, &e) == DW_E_INVAL, "%s accepted", bad[i]);
        ck_assert_str_eq(e.detail, "temp_dir invalid (an absolute directory on the drop directory's file system, "
                                   "or the name of one subdirectory, valid as a DropDirectory value is "
                                   "(dw_name_validate): no '/', '\\', ':', \".\", \"..\", device name such as CON "
                                   "or trailing dot; at most 255 bytes)");
        dw_drop *d = NULL;
        ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_INVAL);
        ck_assert_int_eq(e.op, DW_OP_VALIDATE);
    }
    char longname[300];
    memset(longname, 'a', 256);
    longname[256] = '\0';
    dw_drop_options o = opts_with(longname);
    ck_assert_int_eq(dw_drop_options_check(&o, &e), DW_E_INVAL);
    longname[255] = '\0';
    ck_assert_int_eq(dw_drop_options_check(&o, &e), DW_OK);
    const char *good[] = {NULL, "", ".dwtmp", "tmp.d", "/var/spool/dropwatch-tmp", "/nonexistent"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        o = opts_with(good[i]);
        ck_assert_int_eq(dw_drop_options_check(&o, &e), DW_OK);
    }
    dw_drop_options_init(&o);
    ck_assert_uint_eq(o.version, 2);
    ck_assert_ptr_null(o.temp_dir);
    dw_drop_options s = DW_DROP_OPTIONS_INIT;
    ck_assert_ptr_null(s.temp_dir);
    /* the value is copied at open */
    char value[16];
    snprintf(value, sizeof value, ".dwtmp");
    o = opts_with(value);
    dw_drop *d = NULL;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_OK);
    memset(value, 0, sizeof value);
    dw_msg *m = NULL;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(list(sub).temps, 1);
    dw_msg_abort(m);
    dw_drop_close(d);
}
END_TEST

/* A program compiled against the version-1 header passes a struct that ends before temp_dir: the library
 * reads no further (ASan/valgrind would see it), and temporary files stay in the drop directory. */
/* A version-1 struct as such a program allocates it: exactly the bytes before temp_dir. */
static const dw_drop_options *v1_of(dw_drop_options full)
{
    free(v1_buf);
    size_t n = offsetof(dw_drop_options, temp_dir);
    v1_buf = malloc(n);
    ck_assert_ptr_nonnull(v1_buf);
    full.version = full.version ? 1 : 0;
    memcpy(v1_buf, &full, n);
    return (const dw_drop_options *)(void *)v1_buf;
}

START_TEST(test_version_1_struct)
{
    dw_drop_options full;
    dw_drop_options_init(&full);
    dw_io_error e;
    ck_assert_int_eq(dw_drop_options_check(v1_of(full), &e), DW_OK);
    full.retry_max = 99;
    ck_assert_int_eq(dw_drop_options_check(v1_of(full), &e), DW_E_INVAL);
    ck_assert_str_eq(e.detail, "retry_max out of range (0 to 32)");
    full.retry_max = 4;
    dw_drop *d = NULL;
    ck_assert_int_eq(dw_drop_open(&d, drop, v1_of(full), &e), DW_OK);
    dw_msg *m = NULL;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(list(drop).temps, 1); /* version 1: the drop directory, as before */
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
    dw_drop_close(d);
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dw_drop_health(drop, v1_of(full), 60, &h, &e), DW_OK);
    ck_assert_int_eq(h.writable, 1);
    assert_clean(tdir, 1);
    /* version 0 (never initialised) is refused without reading the rest */
    full.version = 0;
    ck_assert_int_eq(dw_drop_options_check(v1_of(full), &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_open(&d, drop, v1_of(full), &e), DW_E_INVAL);
    /* a version newer than this library's */
    dw_drop_options_init(&full);
    full.version = DW_DROP_OPTIONS_VERSION + 1;
    ck_assert_int_eq(dw_drop_options_check(&full, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_drop_open(&d, drop, &full, &e), DW_E_INVAL);
}
END_TEST

/* The sweep removes stale temporary files in temp_dir (and old ones in the drop directory), never
 * anything else, and never a young one of another handle sharing the temp_dir. */
START_TEST(test_sweep_and_health_in_temp_dir)
{
    write_aged(tdir, ".dwtmp-1-2-old.tmp", 10, 7200);
    write_aged(tdir, ".dwcanary-3-4.tmp", 10, 7200);
    write_aged(tdir, ".dwtmp-5-6-young.tmp", 10, 60);  /* another writer's message in flight */
    write_aged(tdir, "keep.txt", 10, 86400);           /* not ours */
    write_aged(tdir, ".dwtmp-7-8.eml", 10, 86400);     /* not our temp shape */
    write_aged(drop, ".dwtmp-9-9-before.tmp", 10, 7200); /* left by a run without temp_dir */
    dw_drop_options o = opts_with(tdir);
    dw_health h = DW_HEALTH_INIT;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_health(drop, &o, 3600, &h, &e), DW_OK);
    ck_assert_uint_eq(h.stale_temp_files, 3);
    ck_assert_uint_eq(h.file_count, 0); /* nothing in temp_dir counts as the drop directory's files */
    ck_assert_uint_eq(h.used_bytes, 0);
    dw_drop *d = open_with(tdir);
    uint64_t removed = 0;
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_OK);
    ck_assert_uint_eq(removed, 3);
    ck_assert(!rel_exists(tdir, ".dwtmp-1-2-old.tmp"));
    ck_assert(!rel_exists(tdir, ".dwcanary-3-4.tmp"));
    ck_assert(!rel_exists(drop, ".dwtmp-9-9-before.tmp"));
    ck_assert(rel_exists(tdir, ".dwtmp-5-6-young.tmp"));
    ck_assert(rel_exists(tdir, "keep.txt"));
    ck_assert(rel_exists(tdir, ".dwtmp-7-8.eml"));
    dw_drop_close(d);

    /* A failing unlink in temp_dir is reported with the temp_dir's path. */
    write_aged(tdir, ".dwtmp-1-2-old.tmp", 10, 7200);
    dw_fault f = DW_FAULT_INIT;
    f.op = DW_OP_UNLINK;
    f.sys_errno = EACCES;
    f.count = 1;
    ck_assert_int_eq(dw_testing_drop_open(&d, drop, &o, &f, &e), DW_OK);
    ck_assert_int_eq(dw_drop_sweep(d, 3600, &removed, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_UNLINK);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    char want[600];
    snprintf(want, sizeof want, "%s/.dwtmp-1-2-old.tmp", tdir);
    ck_assert_str_eq(e.path, want);
    dw_drop_close(d);
}
END_TEST

/* In-flight reservations in temp_dir count for the quota: another handle (another process would do the
 * same: no_ledger rescans) sees them, and the drop directory's usage does not include them. */
START_TEST(test_quota_counts_temp_dir)
{
    dw_drop_options o = opts_with(".dwtmp");
    o.quota_bytes = 100;
    o.quota_mode = DW_QUOTA_STRICT;
    o.no_ledger = 1;
    dw_drop *a = NULL, *b = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&a, drop, &o, &e), DW_OK);
    ck_assert_int_eq(dw_drop_open(&b, drop, &o, &e), DW_OK);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.expected_size = 80;
    dw_msg *m = NULL;
    dw_status st = dw_msg_begin(a, &m, &mo, &e); /* its temp file holds the 80 bytes reserved */
    ck_assert_msg(st == DW_OK, "%s %s %s %s", dw_status_name(st), dw_op_name(e.op), e.path, e.detail);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(b, "0123456789012345678901234567890", 31, NULL, name, sizeof name, NULL, &e),
                     DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_str_eq(e.detail, "quota 100 bytes, used 80, message 31");
    ck_assert_int_eq(dw_drop_write(b, "01234567890123456789", 20, NULL, name, sizeof name, NULL, &e), DW_OK);
    uint64_t bytes = 0, files = 0;
    ck_assert_int_eq(dw_drop_usage(b, &bytes, &files, &e), DW_OK);
    ck_assert_uint_eq(bytes, 20);
    ck_assert_uint_eq(files, 1);
    dw_msg_abort(m);
    ck_assert_int_eq(dw_drop_write(b, "0123456789012345678901234567890", 31, NULL, name, sizeof name, NULL, &e),
                     DW_OK);
    dw_drop_close(a);
    dw_drop_close(b);
    assert_clean(sub, 2);

    /* With the ledger (the default) the ledger file stays in the drop directory and temps do not. */
    o.no_ledger = 0;
    mo.expected_size = 10; /* 51 bytes are published */
    ck_assert_int_eq(dw_drop_open(&a, drop, &o, &e), DW_OK);
    ck_assert_int_eq(dw_msg_begin(a, &m, &mo, &e), DW_OK);
    ck_assert(rel_exists(drop, ".dwquota"));
    ck_assert_int_eq(list(drop).temps, 0);
    ck_assert_int_eq(list(sub).temps, 1);
    dw_msg_abort(m);
    dw_drop_close(a);
}
END_TEST

static Suite *tempdir_suite(void)
{
    Suite *s = suite_create("tempdir");
    TCase *tc = tcase_create("tempdir");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_stream_shows_only_eml);
    tcase_add_test(tc, test_every_path_goes_through_temp_dir);
    tcase_add_test(tc, test_syncfs_refused_flushes_in_temp_dir);
    tcase_add_test(tc, test_temp_removed_under_writer);
    tcase_add_test(tc, test_left_behind_named_in_temp_dir);
    tcase_add_test(tc, test_failures_leave_nothing);
    tcase_add_test(tc, test_bad_temp_dirs_refused);
    tcase_add_test(tc, test_other_file_system_refused);
    tcase_add_test(tc, test_bind_mount_refused);
    tcase_add_test(tc, test_options_check);
    tcase_add_test(tc, test_version_1_struct);
    tcase_add_test(tc, test_sweep_and_health_in_temp_dir);
    tcase_add_test(tc, test_quota_counts_temp_dir);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(tempdir_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
