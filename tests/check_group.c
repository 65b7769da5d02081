/* SPDX-License-Identifier: MIT */
/* Tests for group commit (lib/group_commit.c): writers that share a directory fsync (and, in
 * DW_FLUSH_SYNCFS mode, a syncfs of their temp files) each get their own message durable under its own
 * name, and a failing shared flush gives each writer its exact outcome.
 * Rounds are formed deterministically by holding a group's flushes until the expected writers wait. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dropwatch.h"
#include "dropwatch/testing.h"
#include "../lib/group_commit.h"
#include "../lib/guard_internal.h"

static char root[200], dir_a[256], dir_b[256];

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/dwgroup-XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(root));
    snprintf(dir_a, sizeof dir_a, "%s/a", root);
    snprintf(dir_b, sizeof dir_b, "%s/b", root);
    ck_assert_int_eq(mkdir(dir_a, 0750), 0);
    ck_assert_int_eq(mkdir(dir_b, 0750), 0);
}

static void rm_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *de;
    char p[600];
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static void teardown(void)
{
    rm_dir(dir_a);
    rm_dir(dir_b);
    rmdir(root);
}

/* .eml files and temporary files in a directory. */
static void count(const char *path, int *eml, int *temps)
{
    *eml = *temps = 0;
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n > 4 && !strcmp(de->d_name + n - 4, ".eml"))
            (*eml)++;
        else if (dwi_is_temp_name(de->d_name))
            (*temps)++;
    }
    closedir(d);
}

/* Assert the .eml and temporary file counts of a directory. */
static void expect_files(const char *path, int eml, int temps)
{
    int e, t;
    count(path, &e, &t);
    ck_assert_int_eq(e, eml);
    ck_assert_int_eq(t, temps);
}

/* A handle on `path` whose next call of `op` fails with EIO (dropwatch/testing.h). */
static dw_drop *open_faulty(const char *path, dw_op op)
{
    dw_fault f = DW_FAULT_INIT;
    f.op = op;
    f.sys_errno = EIO;
    f.count = 1;
    dw_drop *d = NULL;
    ck_assert_int_eq(dw_testing_drop_open(&d, path, NULL, &f, NULL), DW_OK);
    return d;
}

typedef struct job {
    dw_drop *drop;
    int writes;
    int ok;
    dw_status st;
    dw_io_error err;
    char name[DW_FILE_NAME_MAX];
} job;

static void *writer(void *arg)
{
    job *j = arg;
    char msg[4096];
    for (int i = 0; i < j->writes; i++) {
        snprintf(msg, sizeof msg, "Subject: %p %d\r\n\r\nbody\r\n", (void *)j, i);
        j->st = dw_drop_write(j->drop, msg, strlen(msg), NULL, j->name, sizeof j->name, NULL, &j->err);
        if (j->st == DW_OK)
            j->ok++;
    }
    return NULL;
}

/* Start n writers of one message each while the group's flushes are held, wait until all of them wait
 * for the directory fsync, then release it: one flush round covers them all. */
static void run_held(dw_flush_group *g, job *jobs, int n)
{
    pthread_t th[16];
    dwi_group_hold(g, 1);
    for (int i = 0; i < n; i++) {
        jobs[i].writes = 1;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer, &jobs[i]), 0);
    }
    for (int spins = 0; dwi_group_pending(g) < (unsigned)n; spins++) {
        ck_assert_int_lt(spins, 20000);
        usleep(500);
    }
    dwi_group_hold(g, 0);
    for (int i = 0; i < n; i++)
        pthread_join(th[i], NULL);
}

/* n jobs of one message each on `d`. */
static void jobs_on(job *jobs, int n, dw_drop *d)
{
    memset(jobs, 0, (size_t)n * sizeof *jobs);
    for (int i = 0; i < n; i++) {
        jobs[i].drop = d;
        jobs[i].writes = 1;
    }
}

static dw_flush_group *group_of(dw_drop *d)
{
    return atomic_load(&d->group);
}

/* Group commit is opt-in: a new group for `d` alone (its threads share it). */
static dw_flush_group *attach(dw_drop *d)
{
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, g, NULL), DW_OK);
    ck_assert_ptr_eq(group_of(d), g);
    return g;
}

/* A new DW_FLUSH_SYNCFS group for `d` alone. */
static dw_flush_group *attach_syncfs(dw_drop *d)
{
    dw_flush_group_options o = DW_FLUSH_GROUP_OPTIONS_INIT;
    o.mode = DW_FLUSH_SYNCFS;
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &o), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(d, g, NULL), DW_OK);
    return g;
}

/* ---- threads sharing a handle ---------------------------------------------------------------------- */

START_TEST(t_threads_share_handle)
{
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = attach(d);
    job jobs[8];
    pthread_t th[8];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 8; i++) {
        jobs[i].drop = d;
        jobs[i].writes = 25;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].ok, 25);
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_DURABLE);
    }
    uint64_t rounds, covered, fsyncs;
    dwi_group_stats(g, &rounds, &covered, &fsyncs);
    ck_assert_uint_eq(covered, 200); /* every message had its directory flush, exactly once */
    ck_assert_uint_eq(fsyncs, rounds);
    ck_assert_uint_le(rounds, covered);
    expect_files(dir_a, 200, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

/* Six writers held until all wait, then released: one round covers them all, with one flush -- of the
 * directory (syncfs 0: the directory phase's stats) or one syncfs of their files (syncfs 1: the data
 * phase's stats). */
static void held_writers_one_round(int syncfs)
{
    void (*stats)(dw_flush_group *, uint64_t *, uint64_t *, uint64_t *) =
        syncfs ? dwi_group_data_stats : dwi_group_stats;
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = syncfs ? attach_syncfs(d) : attach(d);
    job jobs[6];
    jobs_on(jobs, 6, d);
    uint64_t r0, c0, f0, r1, c1, f1;
    stats(g, &r0, &c0, &f0);
    if (syncfs) { /* a new group: its data phase has not run yet */
        ck_assert_uint_eq(r0, 0);
        ck_assert_uint_eq(c0, 0);
        ck_assert_uint_eq(f0, 0);
    }
    run_held(g, jobs, 6);
    stats(g, &r1, &c1, &f1);
    ck_assert_uint_eq(r1 - r0, 1);
    ck_assert_uint_eq(c1 - c0, 6);
    ck_assert_uint_eq(f1 - f0, 1);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(jobs[i].st, DW_OK);
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_DURABLE);
    }
    expect_files(dir_a, 6, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}

START_TEST(t_one_flush_covers_all)
{
    held_writers_one_round(0);
}
END_TEST

/* ---- a failing shared flush ------------------------------------------------------------------------ */

/* The file flushes are each writer's own: a failed fsync fails that writer only. */
START_TEST(t_file_flush_is_own)
{
    dw_drop *d = open_faulty(dir_a, DW_OP_FSYNC);
    job jobs[6];
    pthread_t th[6];
    memset(jobs, 0, sizeof jobs);
    for (int i = 0; i < 6; i++) {
        jobs[i].drop = d;
        jobs[i].writes = 1;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer, &jobs[i]), 0);
    }
    int failed = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].st == DW_OK) {
            ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_DURABLE);
            continue;
        }
        failed++;
        ck_assert_int_eq(jobs[i].st, DW_E_IO);
        ck_assert_int_eq(jobs[i].err.op, DW_OP_FSYNC);
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_NOT_PUBLISHED);
    }
    ck_assert_int_eq(failed, 1);
    expect_files(dir_a, 5, 0);
    dw_drop_close(d);
}
END_TEST

/* The withdrawal fails too (a file system gone read-only): every writer is told its own published name. */
static int unlink_erofs(void *ctx, dwi_fd dirfd, const char *name)
{
    size_t n = strlen(name);
    if (n > 4 && !strcmp(name + n - 4, ".eml"))
        return -EROFS;
    return dwi_posix_ops.unlink(ctx, dirfd, name);
}

/* The shared directory fsync after the renames fails: each writer withdraws its own name (not published),
 * or, where the withdrawal fails too (a file system gone read-only), is told its own published name
 * (durability unknown), never a neighbour's. */
static void name_flush_fails(int syncfs, int unlink_fails)
{
    static dwi_ops ops;
    ops = dwi_posix_ops;
    if (unlink_fails)
        ops.unlink = unlink_erofs;
    dw_fault f = DW_FAULT_INIT;
    f.op = DW_OP_DIR_FSYNC;
    f.count = 6; /* at most one per directory round: every writer's round fails, however they form */
    dw_drop *d;
    ck_assert_int_eq(dwi_drop_open_fault(&d, dir_a, NULL, &f, &ops, NULL, NULL), DW_OK);
    dw_flush_group *g = syncfs ? attach_syncfs(d) : attach(d);
    job jobs[6];
    jobs_on(jobs, 6, d);
    run_held(g, jobs, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(jobs[i].st, DW_E_IO);
        ck_assert_int_eq(jobs[i].err.op, DW_OP_DIR_FSYNC);
        if (!unlink_fails) {
            ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_NOT_PUBLISHED);
            continue;
        }
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_UNCERTAIN);
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir_a, jobs[i].err.published);
        ck_assert_int_eq(access(p, F_OK), 0);
        for (int k = 0; k < i; k++)
            ck_assert_str_ne(jobs[i].err.published, jobs[k].err.published);
    }
    expect_files(dir_a, unlink_fails ? 6 : 0, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}

START_TEST(t_shared_name_flush_fails)
{
    name_flush_fails(0, 0);
}
END_TEST

START_TEST(t_shared_name_flush_fails_uncertain)
{
    name_flush_fails(0, 1);
}
END_TEST

/* ---- handles sharing a caller's group ---------------------------------------------------------------- */

START_TEST(t_two_handles_one_group)
{
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    dw_drop *a = open_faulty(dir_a, DW_OP_DIR_FSYNC), *b;
    ck_assert_int_eq(dw_drop_open(&b, dir_b, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(a, g, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(b, g, NULL), DW_OK);
    /* one round covers both directories with one fsync each; a's fails (injected), b's does not */
    for (int pass = 0; pass < 2; pass++) {
        job jobs[6];
        memset(jobs, 0, sizeof jobs);
        for (int i = 0; i < 6; i++)
            jobs[i].drop = i % 2 ? b : a;
        uint64_t r0, c0, f0, r1, c1, f1;
        dwi_group_stats(g, &r0, &c0, &f0);
        run_held(g, jobs, 6);
        dwi_group_stats(g, &r1, &c1, &f1);
        ck_assert_uint_eq(r1 - r0, 1);
        ck_assert_uint_eq(c1 - c0, 6);
        ck_assert_uint_eq(f1 - f0, pass == 0 ? 1 : 2); /* a's injected fault is no fsync */
        for (int i = 0; i < 6; i++) {
            if (jobs[i].drop == b || pass == 1) {
                ck_assert_int_eq(jobs[i].st, DW_OK);
                ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_DURABLE);
            } else {
                ck_assert_int_eq(jobs[i].st, DW_E_IO);
                ck_assert_int_eq(jobs[i].err.op, DW_OP_DIR_FSYNC);
                ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_NOT_PUBLISHED);
            }
        }
    }
    expect_files(dir_b, 6, 0);
    expect_files(dir_a, 3, 0);
    /* back to no group */
    ck_assert_int_eq(dw_drop_set_flush_group(a, NULL, NULL), DW_OK);
    ck_assert_ptr_null(group_of(a));
    dw_drop_close(a);
    dw_drop_close(b);
    dw_flush_group_free(g);
}
END_TEST

/* Handles on the same directory share one fsync; a fault armed on one fails only that handle's writers. */
START_TEST(t_two_handles_one_directory)
{
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    dw_drop *a = open_faulty(dir_a, DW_OP_DIR_FSYNC), *b;
    ck_assert_int_eq(dw_drop_open(&b, dir_a, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(a, g, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(b, g, NULL), DW_OK);
    for (int pass = 0; pass < 2; pass++) {
        job jobs[6];
        memset(jobs, 0, sizeof jobs);
        for (int i = 0; i < 6; i++)
            jobs[i].drop = i % 2 ? b : a;
        uint64_t f0, f1;
        dwi_group_stats(g, NULL, NULL, &f0);
        run_held(g, jobs, 6);
        dwi_group_stats(g, NULL, NULL, &f1);
        ck_assert_uint_eq(f1 - f0, 1);
        for (int i = 0; i < 6; i++) {
            int fails = pass == 0 && jobs[i].drop == a;
            ck_assert_int_eq(jobs[i].st, fails ? DW_E_IO : DW_OK);
            ck_assert_int_eq(jobs[i].err.outcome, fails ? DW_OUTCOME_NOT_PUBLISHED : DW_OUTCOME_DURABLE);
        }
    }
    expect_files(dir_a, 9, 0);
    dw_drop_close(a);
    dw_drop_close(b);
    dw_flush_group_free(g);
}
END_TEST

START_TEST(t_group_other_file_system)
{
    struct stat s1, s2;
    if (stat("/dev/shm", &s2) != 0 || stat(dir_a, &s1) != 0 || s1.st_dev == s2.st_dev)
        return; /* no second file system here */
    char shm[] = "/dev/shm/dwgroup-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(shm));
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    dw_drop *a, *b;
    ck_assert_int_eq(dw_drop_open(&a, dir_a, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_open(&b, shm, NULL, NULL), DW_OK);
    ck_assert_int_eq(dw_drop_set_flush_group(a, g, NULL), DW_OK);
    dw_io_error e;
    ck_assert_int_eq(dw_drop_set_flush_group(b, g, &e), DW_E_INVAL);
    ck_assert_int_eq(e.sys_errno, EXDEV);
    ck_assert_ptr_null(group_of(b));
    dw_drop_close(a);
    dw_drop_close(b);
    dw_flush_group_free(g);
    rmdir(shm);
}
END_TEST

START_TEST(t_bad_arguments)
{
    ck_assert_int_eq(dw_flush_group_new(NULL), DW_E_INVAL);
    dw_flush_group_free(NULL);
    dw_flush_group *g;
    ck_assert_int_eq(dw_flush_group_new(&g), DW_OK);
    dw_io_error e;
    ck_assert_int_eq(dw_drop_set_flush_group(NULL, g, &e), DW_E_INVAL);
    ck_assert_int_eq(e.op, DW_OP_VALIDATE);
    dw_flush_group_free(g);
}
END_TEST

/* ---- DW_FLUSH_SYNCFS: the file flushes shared too ----------------------------------------------------- */


/* A message of the syncfs concurrency test: writer, sequence and a body long enough to span pages. */
#define SYNCFS_BODY 6000
static size_t syncfs_msg(char *buf, size_t size, int writer, int seq)
{
    int n = snprintf(buf, size, "Subject: w%d s%d\r\n\r\n", writer, seq);
    memset(buf + n, 'a' + (writer + seq) % 26, SYNCFS_BODY);
    memcpy(buf + n + SYNCFS_BODY - 6, "\r\nEND\n", 6);
    return (size_t)n + SYNCFS_BODY;
}

typedef struct sjob {
    dw_drop *drop;
    int id, writes, ok;
} sjob;

static void *syncfs_writer(void *arg)
{
    sjob *j = arg;
    char msg[SYNCFS_BODY + 64];
    for (int i = 0; i < j->writes; i++) {
        size_t n = syncfs_msg(msg, sizeof msg, j->id, i);
        dw_io_error e;
        if (dw_drop_write(j->drop, msg, n, NULL, NULL, 0, NULL, &e) == DW_OK && e.outcome == DW_OUTCOME_DURABLE)
            j->ok++;
    }
    return NULL;
}

/* N threads x M messages through one handle in a syncfs group: every message present once, byte-identical
 * under a final name, no temporary file left, and every one covered by exactly one shared file flush. */
START_TEST(t_syncfs_threads)
{
    enum { N = 8, M = 30 };
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = attach_syncfs(d);
    sjob jobs[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        jobs[i] = (sjob){d, i, M, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, syncfs_writer, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].ok, M);
    }
    expect_files(dir_a, N * M, 0);
    static unsigned char seen[N][M];
    memset(seen, 0, sizeof seen);
    DIR *dir = opendir(dir_a);
    ck_assert_ptr_nonnull(dir);
    struct dirent *de;
    char path[600], got[SYNCFS_BODY + 128], want[SYNCFS_BODY + 64];
    while ((de = readdir(dir))) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".eml"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir_a, de->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        size_t n = fread(got, 1, sizeof got - 1, f);
        fclose(f);
        got[n] = '\0'; /* for sscanf */
        int w, q;
        ck_assert_int_eq(sscanf(got, "Subject: w%d s%d", &w, &q), 2);
        ck_assert(w >= 0 && w < N && q >= 0 && q < M);
        ck_assert_int_eq(seen[w][q]++, 0);
        size_t wn = syncfs_msg(want, sizeof want, w, q);
        ck_assert_uint_eq(n, wn);
        ck_assert(memcmp(got, want, wn) == 0);
    }
    closedir(dir);
    for (int w = 0; w < N; w++)
        for (int q = 0; q < M; q++)
            ck_assert_int_eq(seen[w][q], 1);
    uint64_t rounds, covered, calls;
    dwi_group_data_stats(g, &rounds, &covered, &calls);
    ck_assert_uint_eq(covered, N * M);
    ck_assert_uint_eq(calls, rounds);
    ck_assert_uint_le(rounds, covered);
    dwi_group_stats(g, NULL, &covered, NULL);
    ck_assert_uint_eq(covered, N * M);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

/* Writers held until all wait for the file flush: one syncfs covers them all. */
START_TEST(t_syncfs_one_round)
{
    held_writers_one_round(1);
}
END_TEST

/* The shared syncfs fails: every writer it was to cover fails with DW_OP_FSYNC, nothing published, no
 * temporary file left (a failed flush is never retried). */
START_TEST(t_syncfs_shared_file_flush_fails)
{
    dw_drop *d = open_faulty(dir_a, DW_OP_FSYNC);
    dw_flush_group *g = attach_syncfs(d);
    job jobs[6];
    jobs_on(jobs, 6, d);
    run_held(g, jobs, 6);
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(jobs[i].st, DW_E_IO);
        ck_assert_int_eq(jobs[i].err.op, DW_OP_FSYNC);
        ck_assert_int_eq(jobs[i].err.sys_errno, EIO);
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_NOT_PUBLISHED);
    }
    uint64_t rounds, covered, calls;
    dwi_group_data_stats(g, &rounds, &covered, &calls);
    ck_assert_uint_eq(rounds, 1);
    ck_assert_uint_eq(covered, 6);
    ck_assert_uint_eq(calls, 0); /* the injected failure stands for the syncfs */
    expect_files(dir_a, 0, 0);
    /* the group goes on: the next write is flushed and published */
    ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, NULL), DW_OK);
    expect_files(dir_a, 1, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

START_TEST(t_syncfs_shared_name_flush_fails)
{
    name_flush_fails(1, 0);
}
END_TEST

START_TEST(t_syncfs_shared_name_flush_fails_uncertain)
{
    name_flush_fails(1, 1);
}
END_TEST

/* syncfs refused (Windows, file systems without it): the group learns it once and each writer fsyncs its
 * own file again; nothing fails because of it. */
static int syncfs_refused(void *ctx, dwi_fd fd)
{
    (void)ctx;
    (void)fd;
    return -ENOSYS;
}

START_TEST(t_syncfs_refused)
{
    static dwi_ops ops;
    ops = dwi_posix_ops;
    ops.syncfs = syncfs_refused;
    dw_drop *d;
    ck_assert_int_eq(dwi_drop_open_fault(&d, dir_a, NULL, NULL, &ops, NULL, NULL), DW_OK);
    dw_flush_group *g = attach_syncfs(d);
    job jobs[6];
    jobs_on(jobs, 6, d);
    run_held(g, jobs, 6);
    for (int i = 0; i < 6; i++)
        ck_assert_int_eq(jobs[i].st, DW_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, NULL), DW_OK);
    uint64_t rounds, covered, calls;
    dwi_group_data_stats(g, &rounds, &covered, &calls);
    ck_assert_uint_eq(calls, 1); /* asked once */
    ck_assert_uint_eq(covered, 6); /* the later writes did not wait for a shared flush */
    expect_files(dir_a, 9, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

START_TEST(t_syncfs_bad_options)
{
    dw_flush_group *g = (dw_flush_group *)&g;
    dw_flush_group_options o = DW_FLUSH_GROUP_OPTIONS_INIT;
    ck_assert_int_eq(dw_flush_group_new_ex(NULL, &o), DW_E_INVAL);
    o.version = 99;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &o), DW_E_INVAL);
    ck_assert_ptr_null(g);
    o.version = DW_FLUSH_GROUP_OPTIONS_VERSION;
    o.mode = (dw_flush_mode)7;
    ck_assert_int_eq(dw_flush_group_new_ex(&g, &o), DW_E_INVAL);
    ck_assert_ptr_null(g);
    ck_assert_int_eq(dw_flush_group_new_ex(&g, NULL), DW_OK); /* the defaults */
    dw_flush_group_free(g);
}
END_TEST

/* ---- processes --------------------------------------------------------------------------------------- */

/* Processes do not share a group (doc/guarded-writes.md): each flushes for its own threads, and writers of
 * several processes with several threads each (in a group per process) lose nothing. */
/* ---- gathering a round ----------------------------------------------------------------------------- */

/* A writer alone never waits to gather a round: it expects only itself. */
static void lone_writer_never_gathers(int syncfs)
{
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = syncfs ? attach_syncfs(d) : attach(d);
    job j;
    jobs_on(&j, 1, d);
    j.writes = 20;
    writer(&j);
    ck_assert_int_eq(j.ok, 20);
    uint64_t waits, us, rounds;
    dwi_group_gather_stats(g, &waits, &us, NULL);
    ck_assert_uint_eq(waits, 0);
    ck_assert_uint_eq(us, 0);
    dwi_group_stats(g, &rounds, NULL, NULL);
    ck_assert_uint_eq(rounds, 20);
    expect_files(dir_a, 20, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}

START_TEST(t_gather_lone_writer)
{
    lone_writer_never_gathers(0);
}
END_TEST

START_TEST(t_gather_lone_writer_syncfs)
{
    lone_writer_never_gathers(1);
}
END_TEST

/* Eight writers, then one alone: a DW_FLUSH_SYNCFS leader waits for the seven that do not come back at
 * most once, for at most GATHER_MAX_US (2 ms), and then expects only itself. */
static void departed_writers(int syncfs)
{
    enum { N = 8, M = 5, LONE = 20 };
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = syncfs ? attach_syncfs(d) : attach(d);
    job jobs[N];
    pthread_t th[N];
    jobs_on(jobs, N, d);
    for (int i = 0; i < N; i++) {
        jobs[i].writes = M;
        ck_assert_int_eq(pthread_create(&th[i], NULL, writer, &jobs[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].ok, M);
    }
    uint64_t waits0, us0, waits1, us1, limit;
    dwi_group_gather_stats(g, &waits0, &us0, NULL);
    job j;
    jobs_on(&j, 1, d);
    j.writes = LONE;
    writer(&j);
    ck_assert_int_eq(j.ok, LONE);
    ck_assert_int_eq(j.err.outcome, DW_OUTCOME_DURABLE);
    dwi_group_gather_stats(g, &waits1, &us1, &limit);
    /* at most one wait, bounded by 2 ms (none in DW_FLUSH_DIRECTORY). The bound is asserted as set; the
     * time taken only loosely, since waking a thread on a loaded 2-core machine or under valgrind can
     * overrun 2 ms many times over. */
    ck_assert_uint_le(waits1 - waits0, syncfs ? 1 : 0);
    ck_assert_uint_le(limit, 2000);
    ck_assert_uint_le(us1 - us0, 1000000);
    expect_files(dir_a, N * M + LONE, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}

START_TEST(t_gather_departed_writers)
{
    departed_writers(0);
}
END_TEST

START_TEST(t_gather_departed_writers_syncfs)
{
    departed_writers(1);
}
END_TEST

/* DW_FLUSH_SYNCFS: after a round of three, a writer that comes back alone waits for the other two, but
 * only for a bounded time (one flush's duration, at most 2 ms), and its message is durable. */
START_TEST(t_gather_waits_bounded)
{
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir_a, NULL, NULL), DW_OK);
    dw_flush_group *g = attach_syncfs(d);
    job jobs[3];
    jobs_on(jobs, 3, d);
    run_held(g, jobs, 3);
    uint64_t rounds, covered, waits, us, limit;
    dwi_group_data_stats(g, &rounds, &covered, NULL);
    ck_assert_uint_eq(rounds, 1);
    ck_assert_uint_eq(covered, 3);
    dwi_group_gather_stats(g, &waits, NULL, NULL);
    ck_assert_uint_eq(waits, 0); /* the first round expected no one */
    job j;
    jobs_on(&j, 1, d);
    writer(&j);
    ck_assert_int_eq(j.ok, 1);
    ck_assert_int_eq(j.err.outcome, DW_OUTCOME_DURABLE);
    dwi_group_gather_stats(g, &waits, &us, &limit);
    ck_assert_uint_eq(waits, 1);     /* it waited for the two others */
    ck_assert_uint_le(limit, 2000);  /* ... bounded by one flush's time, at most 2 ms */
    ck_assert_uint_le(us, 1000000);  /* taken loosely: wake-up slack (see departed_writers) */
    writer(&j);                    /* now it expects itself only */
    uint64_t waits2;
    dwi_group_gather_stats(g, &waits2, NULL, NULL);
    ck_assert_uint_eq(waits2, 1);
    expect_files(dir_a, 5, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

/* A writer alone in its DW_FLUSH_SYNCFS round fsyncs its own file instead of the whole file system; a
 * real fsync failure (not an injected fault) fails it as the syncfs would: not published, no temp left. */
static atomic_int lone_syncfs_calls, lone_fsync_fail;

static int syncfs_counted(void *ctx, dwi_fd fd)
{
    atomic_fetch_add(&lone_syncfs_calls, 1);
    return dwi_posix_ops.syncfs(ctx, fd);
}

static int fsync_maybe_failing(void *ctx, dwi_fd fd, int datasync)
{
    if (atomic_exchange(&lone_fsync_fail, 0))
        return -EIO;
    return dwi_posix_ops.fsync(ctx, fd, datasync);
}

START_TEST(t_syncfs_lone_writer_fsyncs)
{
    static dwi_ops ops;
    ops = dwi_posix_ops;
    ops.syncfs = syncfs_counted;
    ops.fsync = fsync_maybe_failing;
    atomic_store(&lone_syncfs_calls, 0);
    atomic_store(&lone_fsync_fail, 0);
    dw_drop *d;
    ck_assert_int_eq(dwi_drop_open_fault(&d, dir_a, NULL, NULL, &ops, NULL, NULL), DW_OK);
    dw_flush_group *g = attach_syncfs(d);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, NULL), DW_OK);
    uint64_t rounds, covered, calls;
    dwi_group_data_stats(g, &rounds, &covered, &calls);
    ck_assert_uint_eq(rounds, 5);
    ck_assert_uint_eq(calls, 5);
    ck_assert_int_eq(atomic_load(&lone_syncfs_calls), 0);
    expect_files(dir_a, 5, 0);
    atomic_store(&lone_fsync_fail, 1); /* the next fsync is the lone writer's file flush */
    dw_io_error err;
    ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, &err), DW_E_IO);
    ck_assert_int_eq(err.op, DW_OP_FSYNC);
    ck_assert_int_eq(err.sys_errno, EIO);
    ck_assert_int_eq(err.outcome, DW_OUTCOME_NOT_PUBLISHED);
    expect_files(dir_a, 5, 0);
    /* held, the same writers form one round again and share one syncfs */
    job jobs[4];
    jobs_on(jobs, 4, d);
    run_held(g, jobs, 4);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(jobs[i].err.outcome, DW_OUTCOME_DURABLE);
    ck_assert_int_eq(atomic_load(&lone_syncfs_calls), 1);
    expect_files(dir_a, 9, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

/* A sweep removed the closed temp file before the lone writer's flush: the reopen must not flush (and
 * then publish) an empty file made in its place. */
static atomic_int remove_before_reopen;

static dwi_fd open_rw_after_sweep(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    if (strncmp(name, ".dwtmp-", 7) == 0 && atomic_exchange(&remove_before_reopen, 0))
        (void)dwi_posix_ops.unlink(ctx, dirfd, name);
    return dwi_posix_ops.open_rw(ctx, dirfd, name, mode);
}

START_TEST(t_syncfs_lone_writer_temp_swept)
{
    static dwi_ops ops;
    ops = dwi_posix_ops;
    ops.open_rw = open_rw_after_sweep;
    dw_drop *d;
    ck_assert_int_eq(dwi_drop_open_fault(&d, dir_a, NULL, NULL, &ops, NULL, NULL), DW_OK);
    dw_flush_group *g = attach_syncfs(d);
    atomic_store(&remove_before_reopen, 1);
    dw_io_error err;
    ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, &err), DW_E_IO);
    ck_assert_int_eq(atomic_load(&remove_before_reopen), 0); /* the reopen happened */
    ck_assert_int_eq(err.op, DW_OP_FSYNC);
    ck_assert_int_eq(err.sys_errno, ENOENT);
    ck_assert_int_eq(err.outcome, DW_OUTCOME_NOT_PUBLISHED);
    expect_files(dir_a, 0, 0); /* no empty message published, no stand-in temp left */
    ck_assert_int_eq(dw_drop_write(d, "x\r\n", 3, NULL, NULL, 0, NULL, NULL), DW_OK);
    expect_files(dir_a, 1, 0);
    dw_drop_close(d);
    dw_flush_group_free(g);
}
END_TEST

START_TEST(t_processes)
{
    pid_t pids[4];
    for (int p = 0; p < 4; p++) {
        pids[p] = fork();
        ck_assert_int_ge(pids[p], 0);
        if (pids[p] == 0) {
            dw_drop *d;
            dw_flush_group *g;
            if (dw_drop_open(&d, dir_a, NULL, NULL) != DW_OK || dw_flush_group_new(&g) != DW_OK ||
                dw_drop_set_flush_group(d, g, NULL) != DW_OK)
                _exit(2);
            job jobs[3];
            pthread_t th[3];
            memset(jobs, 0, sizeof jobs);
            for (int i = 0; i < 3; i++) {
                jobs[i].drop = d;
                jobs[i].writes = 10;
                pthread_create(&th[i], NULL, writer, &jobs[i]);
            }
            int bad = 0;
            for (int i = 0; i < 3; i++) {
                pthread_join(th[i], NULL);
                bad |= jobs[i].ok != 10;
            }
            dw_drop_close(d);
            dw_flush_group_free(g);
            _exit(bad);
        }
    }
    for (int p = 0; p < 4; p++) {
        int status;
        ck_assert_int_eq(waitpid(pids[p], &status, 0), pids[p]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    expect_files(dir_a, 120, 0);
}
END_TEST

static Suite *group_suite(void)
{
    Suite *s = suite_create("group");
    TCase *tc = tcase_create("group");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, t_threads_share_handle);
    tcase_add_test(tc, t_one_flush_covers_all);
    tcase_add_test(tc, t_file_flush_is_own);
    tcase_add_test(tc, t_shared_name_flush_fails);
    tcase_add_test(tc, t_shared_name_flush_fails_uncertain);
    tcase_add_test(tc, t_two_handles_one_group);
    tcase_add_test(tc, t_two_handles_one_directory);
    tcase_add_test(tc, t_group_other_file_system);
    tcase_add_test(tc, t_bad_arguments);
    tcase_add_test(tc, t_processes);
    tcase_add_test(tc, t_syncfs_threads);
    tcase_add_test(tc, t_syncfs_one_round);
    tcase_add_test(tc, t_syncfs_shared_file_flush_fails);
    tcase_add_test(tc, t_syncfs_shared_name_flush_fails);
    tcase_add_test(tc, t_syncfs_shared_name_flush_fails_uncertain);
    tcase_add_test(tc, t_syncfs_refused);
    tcase_add_test(tc, t_syncfs_bad_options);
    tcase_add_test(tc, t_gather_lone_writer);
    tcase_add_test(tc, t_gather_lone_writer_syncfs);
    tcase_add_test(tc, t_gather_departed_writers);
    tcase_add_test(tc, t_gather_departed_writers_syncfs);
    tcase_add_test(tc, t_gather_waits_bounded);
    tcase_add_test(tc, t_syncfs_lone_writer_fsyncs);
    tcase_add_test(tc, t_syncfs_lone_writer_temp_swept);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(group_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
