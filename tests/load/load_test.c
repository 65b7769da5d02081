/* SPDX-License-Identifier: MIT */
/*
 * Load: DW_LOAD_PROCS writer processes (default 8) each deliver DW_LOAD_MSGS messages (default 2,000)
 * into one drop directory with a DropDirectoryQuota of DW_LOAD_QUOTA bytes (default 1 MiB), while a
 * consumer process plays the gateway: it lists the directory, checks that the published messages never
 * exceed the quota by more than one in-flight message, verifies every "*.eml" byte for byte and deletes
 * it. A writer refused for capacity (class capacity, op quota) waits a millisecond and retries, as
 * Exchange's queue would. At the end every message of every writer was seen exactly once, complete, under
 * a unique name. Full durability by default (about 11 s for 16,000 deliveries on the project machine);
 * DW_LOAD_DURABLE=0 uses DW_DURABLE_NONE (about 3 s), which changes neither atomicity nor the quota.
 * A stall fails the run: DW_LOAD_STALL_SECONDS (default 60) without one message consumed. The whole run
 * is capped at DW_LOAD_SECONDS (default 1800). A watchdog on progress instead of a total budget: how
 * long 16,000 durable deliveries take depends on the disk (11 s on one machine, 31 s on another).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <signal.h>
#include <sys/wait.h>

#include "dropwatch.h"
#include "../rel_common.h"

#define MAX_MSG 65536
#define STRIDE 1000000u

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void writer(const char *dir, uint64_t seed, unsigned w, unsigned msgs, uint64_t quota, int durable, int report)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = quota;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    o.durability = durable ? DW_DURABLE_FULL : DW_DURABLE_NONE;
    dw_drop *drop = NULL;
    dw_io_error err;
    if (dw_drop_open(&drop, dir, &o, &err) != DW_OK) {
        fprintf(stderr, "writer %u: open: %s errno %d\n", w, dw_class_name(err.io_class), err.sys_errno);
        _exit(3);
    }
    unsigned long refusals = 0;
    for (unsigned i = 0; i < msgs; i++) {
        uint64_t idx = (uint64_t)w * STRIDE + i;
        size_t len;
        char *msg = rel_msg(seed, idx, MAX_MSG, &len);
        dw_msg_options mo;
        dw_msg_options_init(&mo);
        mo.expected_size = len;
        for (;;) {
            char name[DW_FILE_NAME_MAX];
            dw_status st = dw_drop_write(drop, msg, len, &mo, name, sizeof name, NULL, &err);
            if (st == DW_OK)
                break;
            if (st == DW_E_IO && err.io_class == DW_CLASS_CAPACITY && err.op == DW_OP_QUOTA) {
                refusals++;
                usleep(1000);
                continue;
            }
            fprintf(stderr, "writer %u message %u: %s class %s op %s errno %d (%s)\n", w, i, dw_status_name(st),
                    dw_class_name(err.io_class), dw_op_name(err.op), err.sys_errno, err.detail);
            _exit(4);
        }
        free(msg);
    }
    dw_drop_close(drop);
    if (write(report, &refusals, sizeof refusals) != (ssize_t)sizeof refusals)
        _exit(5);
    _exit(0);
}

int main(void)
{
    unsigned procs = (unsigned)rel_env_ulong("DW_LOAD_PROCS", 8);
    unsigned msgs = (unsigned)rel_env_ulong("DW_LOAD_MSGS", 2000);
    uint64_t quota = rel_env_ulong("DW_LOAD_QUOTA", 1u << 20);
    int durable = (int)rel_env_ulong("DW_LOAD_DURABLE", 1);
    double limit = (double)rel_env_ulong("DW_LOAD_SECONDS", 1800);
    double stall = (double)rel_env_ulong("DW_LOAD_STALL_SECONDS", 60);
    uint64_t seed = 0x4c6f6164ull ^ (uint64_t)time(NULL);
    REL_CHECK(procs >= 1 && procs < 1000 && msgs >= 1 && msgs < STRIDE, "bad scale");

    char dir[] = "load-XXXXXX";
    REL_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int pfd[2];
    REL_CHECK(pipe(pfd) == 0, "pipe");
    double t0 = rel_now();
    pid_t *pids = calloc(procs, sizeof *pids);
    fflush(NULL);
    for (unsigned w = 0; w < procs; w++) {
        pids[w] = rel_fork();
        REL_CHECK(pids[w] >= 0, "fork");
        if (pids[w] == 0) {
            close(pfd[0]);
            writer(dir, seed, w, msgs, quota, durable, pfd[1]);
        }
    }
    close(pfd[1]);

    /* The consumer (this process). */
    size_t total = (size_t)procs * msgs, got = 0, scans = 0;
    unsigned char *seen = calloc(total, 1);
    char **names = calloc(total, sizeof *names);
    uint64_t max_used = 0;
    unsigned long max_files = 0;
    double progress_at = t0;
    while (got < total) {
        double now = rel_now();
        REL_CHECK(now - t0 < limit, "timeout after %.0f s with %zu of %zu messages consumed", limit, got, total);
        REL_CHECK(now - progress_at < stall, "no message consumed for %.0f s (%zu of %zu consumed)", stall, got,
                  total);
        DIR *d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        struct dirent *e;
        char *batch[4096];
        size_t nb = 0;
        uint64_t used = 0;
        while ((e = readdir(d)) != NULL && nb < 4096) {
            if (!rel_has_suffix(e->d_name, ".eml"))
                continue;
            struct stat st;
            if (fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            REL_CHECK(S_ISREG(st.st_mode), "'%s' is not a regular file", e->d_name);
            used += (uint64_t)st.st_size;
            batch[nb++] = strdup(e->d_name);
        }
        closedir(d);
        scans++;
        /* Only this process deletes, so the listing's sum is a lower bound of what was there at its end:
         * it must stay within the quota plus one in-flight message. */
        REL_CHECK(used <= quota + MAX_MSG, "published messages hold %" PRIu64 " bytes, quota %" PRIu64, used, quota);
        if (used > max_used)
            max_used = used;
        if (nb > max_files)
            max_files = nb;
        for (size_t i = 0; i < nb; i++) {
            char why[256];
            uint64_t idx = 0;
            REL_CHECK(rel_verify_file(dirfd, batch[i], seed, MAX_MSG, &idx, why, sizeof why) == 0, "'%s': %s", batch[i], why);
            unsigned w = (unsigned)(idx / STRIDE), k = (unsigned)(idx % STRIDE);
            REL_CHECK(w < procs && k < msgs, "unexpected index %" PRIu64, idx);
            size_t slot = (size_t)w * msgs + k;
            REL_CHECK(!seen[slot], "message %u of writer %u delivered twice ('%s')", k, w, batch[i]);
            seen[slot] = 1;
            names[got++] = batch[i];
            REL_CHECK(unlinkat(dirfd, batch[i], 0) == 0, "unlink '%s'", batch[i]);
        }
        if (nb == 0)
            usleep(500);
        else
            progress_at = now;
    }
    double secs = rel_now() - t0;
    unsigned long refusals = 0, r;
    for (unsigned w = 0; w < procs; w++) {
        int status;
        REL_CHECK(waitpid(pids[w], &status, 0) == pids[w] && WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "writer %u failed (status 0x%x)", w, status);
        REL_CHECK(read(pfd[0], &r, sizeof r) == (ssize_t)sizeof r, "writer report");
        refusals += r;
    }
    qsort(names, got, sizeof *names, cmp_names);
    for (size_t i = 1; i < got; i++)
        REL_CHECK(strcmp(names[i - 1], names[i]) != 0, "file name '%s' used twice", names[i]);
    /* Nothing but the quota ledger may remain. */
    DIR *d = fdopendir(dup(dirfd));
    rewinddir(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        REL_CHECK(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, ".dwquota"),
                  "left over: '%s'", e->d_name);
    closedir(d);
    printf("load: %u processes x %u messages = %zu deliveries in %.1f s (%.0f/s, %s): all verified, unique names; "
           "quota %" PRIu64 " B, peak published %" PRIu64 " B in %lu files over %zu scans; %lu quota refusals retried\n",
           procs, msgs, got, secs, (double)got / secs, durable ? "durable" : "non-durable", quota, max_used, max_files, scans,
           refusals);
    for (size_t i = 0; i < got; i++)
        free(names[i]);
    free(names);
    free(seen);
    free(pids);
    close(dirfd);
    rel_rm_rf(dir);
    return 0;
}
