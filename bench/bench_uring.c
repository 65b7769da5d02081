/* SPDX-License-Identifier: MIT */
/*
 * Section 9 of the benchmark: io_uring (issue 20). Can a linked submission beat the raw syscall sequence?
 * One delivery as one chain — openat (direct descriptor) → write → fsync → close → renameat(NOREPLACE) →
 * fsync(dir) — submitted with one io_uring_enter, against the same six syscalls. A group of 8: eight
 * chains submitted at once (they run concurrently in the kernel's workers) with their own directory
 * fsyncs, and the same with the directory fsync left out of the chains and done once after all of them
 * (group commit inside one submission), both against 8 raw sequences one after another. Built only with
 * liburing (configure); when io_uring is missing or refused (ENOSYS, EPERM: kernel.io_uring_disabled,
 * seccomp) the section says so and measures nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#ifdef DW_BENCH_URING
#include <linux/fs.h>
#include <liburing.h>

#define URING_GROUP 8

static char msg4k[4096];

static void raw_one(int dirfd, const char *tag, unsigned seq)
{
    char tmp[96], fin[96];
    snprintf(tmp, sizeof tmp, ".u-%s-%u.tmp", tag, seq);
    snprintf(fin, sizeof fin, "u-%s-%u.eml", tag, seq);
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0 || write(fd, msg4k, sizeof msg4k) != (ssize_t)sizeof msg4k || fsync(fd) != 0 || close(fd) != 0)
        bench_die("raw write %s: %s", tmp, strerror(errno));
    if (renameat2(dirfd, tmp, dirfd, fin, RENAME_NOREPLACE) != 0 || fsync(dirfd) != 0)
        bench_die("raw publish %s: %s", fin, strerror(errno));
}

/* Queue one delivery's chain on slot `slot`; names kept in `names` (must live until completion). */
static unsigned queue_chain(struct io_uring *ring, int dirfd, unsigned slot, char (*names)[96], const char *tag,
                            unsigned seq, int with_dir_fsync)
{
    snprintf(names[0], 96, ".u-%s-%u.tmp", tag, seq);
    snprintf(names[1], 96, "u-%s-%u.eml", tag, seq);
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_openat_direct(sqe, dirfd, names[0], O_WRONLY | O_CREAT | O_EXCL, 0640, slot);
    sqe->flags |= IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_write(sqe, (int)slot, msg4k, sizeof msg4k, 0);
    sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_fsync(sqe, (int)slot, 0);
    sqe->flags |= IOSQE_FIXED_FILE | IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_close_direct(sqe, slot);
    sqe->flags |= IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_renameat(sqe, dirfd, names[0], dirfd, names[1], RENAME_NOREPLACE);
    if (!with_dir_fsync)
        return 5;
    sqe->flags |= IOSQE_IO_LINK;
    sqe = io_uring_get_sqe(ring);
    io_uring_prep_fsync(sqe, dirfd, 0);
    return 6;
}

static void reap(struct io_uring *ring, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct io_uring_cqe *cqe;
        int rc = io_uring_wait_cqe(ring, &cqe);
        if (rc < 0)
            bench_die("io_uring_wait_cqe: %s", strerror(-rc));
        /* a write result is a byte count; a failure anywhere cancels the rest of the chain (-ECANCELED) */
        if (cqe->res < 0)
            bench_die("io_uring step failed: %s", strerror(-cqe->res));
        if (cqe->res > 0 && cqe->res != (int)sizeof msg4k)
            bench_die("io_uring short write: %d", cqe->res);
        io_uring_cqe_seen(ring, cqe);
    }
}

/* One delivery per submission (group 1) or `URING_GROUP` chains per submission. */
static void uring_deliver(struct io_uring *ring, int dirfd, const char *tag, unsigned *seq, unsigned group,
                          int shared_dir_fsync)
{
    static char names[URING_GROUP][2][96];
    unsigned n = 0;
    for (unsigned g = 0; g < group; g++)
        n += queue_chain(ring, dirfd, g, names[g], tag, (*seq)++, !shared_dir_fsync);
    int rc = io_uring_submit(ring);
    if (rc < 0)
        bench_die("io_uring_submit: %s", strerror(-rc));
    reap(ring, n);
    if (shared_dir_fsync && fsync(dirfd) != 0)
        bench_die("fsync(dir): %s", strerror(errno));
}

void bench_uring(const char *parent)
{
    static const char section[] = "9. io_uring linked submission";
    char fs[512], top[4096], dirs[2][4096];
    bench_fs_label(parent, fs, sizeof fs);
    struct io_uring ring;
    int rc = io_uring_queue_init(64, &ring, 0);
    if (rc < 0) {
        char note[200];
        snprintf(note, sizeof note, "io_uring_queue_init: %s: the library's syscall path is the only one", strerror(-rc));
        bench_row_text(section, fs, "io_uring refused", NULL, NULL, NULL, NULL, NULL, NULL, "info", note);
        return;
    }
    rc = io_uring_register_files_sparse(&ring, URING_GROUP);
    if (rc < 0) {
        io_uring_queue_exit(&ring);
        bench_row_text(section, fs, "io_uring without direct descriptors", NULL, NULL, NULL, NULL, NULL, NULL, "info",
                       strerror(-rc));
        return;
    }
    memset(msg4k, 'u', sizeof msg4k);
    (void)bench_spread_parent(parent, "uring", top, sizeof top);
    bench_scratch_make(top, "uring-io", dirs[0], sizeof dirs[0]);
    bench_scratch_make(top, "uring-raw", dirs[1], sizeof dirs[1]);
    int dfd[2];
    for (int i = 0; i < 2; i++)
        if ((dfd[i] = open(dirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
            bench_die("open %s: %s", dirs[i], strerror(errno));
    unsigned rounds = bench_cfg.rounds, seq[2] = {0, 0};
    struct {
        const char *what, *base;
        unsigned group;
        int shared;
    } cases[3] = {
        {"1 delivery as one linked chain (6 ops, 1 submission)", "the same 6 syscalls", 1, 0},
        {"8 deliveries, 8 chains in 1 submission, each with its directory fsync", "8 raw sequences, one after another",
         URING_GROUP, 0},
        {"8 deliveries, 8 chains in 1 submission, then 1 directory fsync", "8 raw sequences, one after another",
         URING_GROUP, 1},
    };
    for (int c = 0; c < 3; c++) {
        double lib[64], base[64];
        unsigned per = cases[c].group == 1 ? 40 : 5; /* submissions per side and round */
        for (unsigned r = 0; r < rounds && r < 64; r++) {
            double t[2] = {0, 0};
            for (unsigned k = 0; k < per; k += 5) {
                for (int s = 0; s < 2; s++) {
                    int side = (k / 5 + r) % 2 ? 1 - s : s;
                    double t0 = bench_now();
                    for (unsigned j = 0; j < 5 && k + j < per; j++) {
                        if (side == 0)
                            uring_deliver(&ring, dfd[0], "io", &seq[0], cases[c].group, cases[c].shared);
                        else
                            for (unsigned g = 0; g < cases[c].group; g++)
                                raw_one(dfd[1], "raw", seq[1]++);
                    }
                    t[side] += bench_now() - t0;
                }
            }
            lib[r] = per * cases[c].group / t[0];
            base[r] = per * cases[c].group / t[1];
        }
        char note[200];
        snprintf(note, sizeof note, "%u deliveries per side and round, interleaved in chunks of 5 submissions",
                 per * cases[c].group);
        bench_row_pair(section, fs, cases[c].what, "files/s", BENCH_HIGHER_BETTER, lib, base, rounds, cases[c].base, 0,
                       0, note);
    }
    io_uring_queue_exit(&ring);
    for (int i = 0; i < 2; i++) {
        close(dfd[i]);
        bench_scratch_remove(dirs[i]);
    }
    bench_scratch_remove(top);
}
#else
void bench_uring(const char *parent)
{
    char fs[512];
    bench_fs_label(parent, fs, sizeof fs);
    bench_row_text("9. io_uring linked submission", fs, "skipped", NULL, NULL, NULL, NULL, NULL, NULL, "info",
                   "built without liburing (configure found no liburing.pc)");
}
#endif
