/* SPDX-License-Identifier: MIT */
/* libfiu fault injection into the real libc calls of the guarded write (the POSIX preload wraps open,
 * write, read, fsync, close, fdopendir, readdir; see libfiu's function_list). Run under
 * `fiu-run -x` (tests/check_guard_fiu.sh does that): the preload and this program share libfiu's state,
 * so fiu_enable() here arms the wrappers around the library's own calls.
 *
 * Two modes:
 *  - no arguments: a Check suite that arms one point (one-shot or by call number) around each step;
 *  - `--single OP CLASS`: one guarded write, with the points armed from outside by `fiu-run -c`; exits 0
 *    when the write failed at OP with CLASS and left nothing behind. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fiu.h>
#include <fiu-control.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropwatch.h"
#include "rel_common.h"

static char root[200];
static char dir[256];

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int make_dir(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/dwfiu-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(root))
        return -1;
    snprintf(dir, sizeof dir, "%s/drop", root);
    return mkdir(dir, 0700);
}

/* nftw, not rel_rm_rf: glibc's nftw reads directories through internal calls the POSIX preload does not
 * wrap, so the clean-up still works while `fiu-run -c` keeps an opendir/readdir point armed. */
static void remove_dir(void)
{
    nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}


/* Descriptors still open on one of our (deleted) temporary files. */
static int close_injected_temp_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        char link[300], target[512];
        snprintf(link, sizeof link, "/proc/self/fd/%s", de->d_name);
        ssize_t len = readlink(link, target, sizeof target - 1);
        if (len <= 0)
            continue;
        target[len] = '\0';
        if (strstr(target, "/.dwtmp-")) {
            close(atoi(de->d_name));
            n++;
        }
    }
    closedir(d);
    return n;
}

/* Files in the drop directory other than the quota ledger. */
static int leftovers(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, ".dwquota"))
            n++;
    closedir(d);
    return n;
}

static const char body[] = "Subject: fiu\r\n\r\nbody\r\n";

/* ---- Check suite ------------------------------------------------------------------------------------- */

typedef struct fiu_case {
    const char *point;
    int errnum;
    int nth;            /* fail the nth call after arming (1 = the first) */
    dw_op op;
    dw_class cls;
} fiu_case;

static const fiu_case cases[] = {
    {"posix/io/rw/write", ENOSPC, 1, DW_OP_WRITE, DW_CLASS_CAPACITY},
    {"posix/io/rw/write", EIO, 1, DW_OP_WRITE, DW_CLASS_PHYSICAL},
    {"posix/io/rw/write", EDQUOT, 1, DW_OP_WRITE, DW_CLASS_CAPACITY},
    {"posix/io/sync/fsync", EIO, 1, DW_OP_FSYNC, DW_CLASS_PHYSICAL},
    {"posix/io/sync/fsync", EROFS, 1, DW_OP_FSYNC, DW_CLASS_LOGICAL},
    {"posix/io/sync/fsync", EIO, 2, DW_OP_DIR_FSYNC, DW_CLASS_PHYSICAL},   /* the directory's fsync */
    {"posix/io/sync/fsync", ENOSPC, 2, DW_OP_DIR_FSYNC, DW_CLASS_CAPACITY},
    {"posix/io/oc/close", EIO, 1, DW_OP_CLOSE, DW_CLASS_PHYSICAL},
    {"posix/io/oc/close", EINTR, 1, DW_OP_CLOSE, DW_CLASS_TRANSIENT},      /* close is never retried */
};

static int armed_calls, armed_nth;

/* fiu_enable_external callback: fail exactly the nth call of the point. */
static int nth_call(const char *name, int *failnum, void **failinfo, unsigned int *flags)
{
    (void)name;
    (void)failnum;
    (void)failinfo;
    (void)flags;
    return ++armed_calls == armed_nth;
}

static void arm(const char *point, int errnum, int nth)
{
    armed_calls = 0;
    armed_nth = nth;
    ck_assert_int_eq(fiu_enable_external(point, 1, (void *)(intptr_t)errnum, 0, nth_call), 0);
}

static void setup(void)
{
    ck_assert_int_eq(make_dir(), 0);
}

static void teardown(void)
{
    remove_dir();
}

START_TEST(test_fiu_step_fails_cleanly)
{
    const fiu_case *c = &cases[_i];
    int fds = rel_count_fds();
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.retry_max = 0;
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    arm(c->point, c->errnum, c->nth);
    dw_status st = dw_drop_write(d, body, sizeof body - 1, NULL, name, sizeof name, NULL, &e);
    fiu_disable(c->point);
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_msg(e.op == c->op, "%s: op %s", c->point, dw_op_name(e.op));
    ck_assert_msg(e.io_class == c->cls, "%s: class %s", c->point, dw_class_name(e.io_class));
    ck_assert_int_eq(e.sys_errno, c->errnum);
    ck_assert_int_eq(leftovers(), 0); /* no final file, no temp file */
    if (c->op == DW_OP_CLOSE) {
        /* libfiu's close wrapper fails without closing: exactly the injected descriptor (the deleted temp
         * file) is left open by the injector, not by the library. Close it so the count below is ours. */
        ck_assert_int_eq(close_injected_temp_fds(), 1);
    }
    /* Disarmed, the same handle writes normally. */
    ck_assert_int_eq(dw_drop_write(d, body, sizeof body - 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_int_eq(leftovers(), 1);
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

START_TEST(test_fiu_open_dir)
{
    dw_drop *d = NULL;
    dw_io_error e;
    arm("posix/io/oc/open", EACCES, 1);
    dw_status st = dw_drop_open(&d, dir, NULL, &e);
    fiu_disable("posix/io/oc/open");
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_ptr_null(d);
    arm("posix/io/oc/open", ENOENT, 1);
    st = dw_drop_open(&d, dir, NULL, &e);
    fiu_disable("posix/io/oc/open");
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
}
END_TEST

START_TEST(test_fiu_read_source)
{
    int fds = rel_count_fds();
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    int p[2];
    ck_assert_int_eq(pipe(p), 0);
    ck_assert_int_eq(write(p[1], body, sizeof body - 1), (ssize_t)(sizeof body - 1));
    close(p[1]);
    char name[DW_FILE_NAME_MAX];
    arm("posix/io/rw/read", EIO, 1);
    dw_status st = dw_drop_write_fd(d, p[0], NULL, name, sizeof name, NULL, &e);
    fiu_disable("posix/io/rw/read");
    close(p[0]);
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    ck_assert_int_eq(leftovers(), 0);
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

START_TEST(test_fiu_scan)
{
    int fds = rel_count_fds();
    dw_drop *d = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    uint64_t bytes, files;
    arm("posix/io/dir/fdopendir", ENOMEM, 1);
    dw_status st = dw_drop_usage(d, &bytes, &files, &e);
    fiu_disable("posix/io/dir/fdopendir");
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    arm("posix/io/dir/readdir", EIO, 1);
    st = dw_drop_sweep(d, 60, NULL, &e);
    fiu_disable("posix/io/dir/readdir");
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    dw_drop_close(d);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

static int run_suite(void)
{
    Suite *s = suite_create("guard-fiu");
    TCase *tc = tcase_create("posix-preload");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_fiu_step_fails_cleanly, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, test_fiu_open_dir);
    tcase_add_test(tc, test_fiu_read_source);
    tcase_add_test(tc, test_fiu_scan);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* ---- --single: points armed from the command line by fiu-run -c ----------------------------------------- */

static int run_single(const char *op, const char *cls)
{
    if (make_dir() != 0) {
        perror("mkdtemp");
        return 99;
    }
    dw_drop *d = NULL;
    dw_io_error e;
    int rc = 1;
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.retry_max = 0;
    if (dw_drop_open(&d, dir, &o, &e) == DW_OK) {
        char name[DW_FILE_NAME_MAX];
        dw_status st = dw_drop_write(d, body, sizeof body - 1, NULL, name, sizeof name, NULL, &e);
        dw_drop_close(d);
        printf("status=%s op=%s class=%s errno=%d leftovers=%d\n", dw_status_name(st), dw_op_name(e.op),
               dw_class_name(e.io_class), e.sys_errno, leftovers());
        rc = st == DW_E_IO && !strcmp(dw_op_name(e.op), op) && !strcmp(dw_class_name(e.io_class), cls) &&
                     leftovers() == 0
                 ? 0
                 : 1;
    } else {
        printf("open failed: op=%s class=%s\n", dw_op_name(e.op), dw_class_name(e.io_class));
        rc = !strcmp(dw_op_name(e.op), op) && !strcmp(dw_class_name(e.io_class), cls) ? 0 : 1;
    }
    remove_dir();
    return rc;
}

int main(int argc, char **argv)
{
    const char *preload = getenv("LD_PRELOAD");
    if (!preload || !strstr(preload, "fiu_posix_preload")) {
        fprintf(stderr, "check_guard_fiu: run me under `fiu-run -x` (tests/check_guard_fiu.sh)\n");
        return EXIT_FAILURE;
    }
    fiu_init(0);
    if (argc == 4 && !strcmp(argv[1], "--single"))
        return run_single(argv[2], argv[3]);
    return run_suite();
}
