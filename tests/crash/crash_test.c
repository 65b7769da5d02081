/* SPDX-License-Identifier: MIT */
/*
 * Crash consistency: a writer process delivers messages with known content (derived from a seed and an
 * index) and reports each delivery on a pipe after dw_drop_write() / dw_msg_commit() /
 * dw_drop_write_fd() / dw_drop_write_batch() has returned; the driver kills it with SIGKILL at a random moment, then checks the
 * drop directory:
 *   - every "*.eml" is complete and byte-identical to the message its header names, no message was
 *     published twice, and files published in earlier rounds are untouched;
 *   - every delivery the writer reported is present under the reported name;
 *   - only "*.eml", ".dwtmp-*.tmp" and the quota ledger exist, and dw_drop_sweep() with age 0 removes the
 *     temporary files and touches no "*.eml".
 * Odd rounds run the writer with a DropDirectoryQuota (DW_CRASH_QUOTA bytes, default 16 MiB; 0 disables)
 * and the driver then consumes the round's files like the gateway: a reservation or ledger left behind by
 * a killed writer must not shrink the quota for the next writer once the sweep has run: a writer refused
 * for capacity reports the size it needed and waits to be killed, and the driver checks that the
 * directory (published files plus the reservations of temporaries) really left no room; any other
 * failure ends the writer and fails the round.
 * Rounds continue on the same directory until DW_CRASH_ROUNDS (default 300) or DW_CRASH_SECONDS (default
 * 20) is reached. DW_CRASH_SEED fixes the seed (printed), DW_CRASH_DURABLE=0 uses DW_DURABLE_NONE,
 * DW_CRASH_KEEP=1 keeps the directory.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "dropwatch.h"
#include "../rel_common.h"
#include "../rel_deliver.h"

#define MAX_LARGE (512 * 1024)
#define LEDGER ".dwquota"

/* every index ever published */
static rel_idxset published;

/* ---- files currently in the directory ------------------------------------------------------------------ */
typedef struct {
    char name[DW_FILE_NAME_MAX];
    uint64_t index;
    off_t size;
    int seen; /* listed in the current scan */
} present_file;

static present_file *present;
static size_t npresent, cappresent;

static present_file *find_present(const char *name)
{
    for (size_t i = 0; i < npresent; i++)
        if (strcmp(present[i].name, name) == 0)
            return &present[i];
    return NULL;
}

static void report(int fd, uint64_t idx, const char *name)
{
    char line[DW_FILE_NAME_MAX + 32];
    int n = snprintf(line, sizeof line, "%" PRIu64 " %s\n", idx, name);
    if (write(fd, line, (size_t)n) != n) /* one write < PIPE_BUF: atomic */
        _exit(5);
}

/* The writer: runs in the child until killed. It cycles through one-shot, streamed (three pieces),
 * file-descriptor and batch (three messages, one barrier) deliveries. */
static void writer(const char *dir, uint64_t seed, uint64_t first, int durable, uint64_t quota, int report_fd)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = durable ? DW_DURABLE_FULL : DW_DURABLE_NONE;
    o.quota_bytes = quota;
    o.quota_mode = DW_QUOTA_STRICT; /* these tests pin the never-exceed mode */
    dw_drop *drop = NULL;
    dw_io_error err;
    if (dw_drop_open(&drop, dir, &o, &err) != DW_OK) {
        fprintf(stderr, "writer: dw_drop_open: %s (%s)\n", dw_class_name(err.io_class), err.detail);
        _exit(3);
    }
    uint64_t idx = first;
    /* The order of the ways: one-shot, streamed, file descriptor, batch. */
    for (unsigned k = 0;; k++) {
        dw_msg_options mo;
        dw_msg_options_init(&mo);
        if (k & 4) /* known size: quota checked before the first byte */
            mo.expected_size = rel_msg_length(seed, idx, MAX_LARGE);
        rel_delivery dv;
        dw_status st = rel_deliver(drop, k % REL_WAYS, seed, idx, MAX_LARGE, &mo, &dv, &err);
        size_t bound = dv.bound; /* bytes this call may hold at once (for judging a quota refusal) */
        unsigned count = dv.count;
        if (st == DW_OK)
            for (unsigned j = 0; j < count; j++)
                report(report_fd, idx + j, dv.names[j]);
        if (st != DW_OK && quota && st == DW_E_IO && err.io_class == DW_CLASS_CAPACITY && err.op == DW_OP_QUOTA) {
            /* The quota is full: say so, and wait to be killed; the driver judges whether it really was. */
            char line[64];
            int n = snprintf(line, sizeof line, "F %zu\n", bound);
            if (write(report_fd, line, (size_t)n) != n)
                _exit(5);
            for (;;)
                pause();
        }
        if (st != DW_OK) {
            fprintf(stderr, "writer: delivery %" PRIu64 " (mode %u): %s, class %s op %s errno %d (%s)\n", idx, k % 4,
                    dw_status_name(st), dw_class_name(err.io_class), dw_op_name(err.op), err.sys_errno, err.detail);
            _exit(4);
        }
        idx += count;
    }
}

int main(void)
{
    unsigned long max_rounds = rel_env_ulong("DW_CRASH_ROUNDS", 300);
    double max_seconds = (double)rel_env_ulong("DW_CRASH_SECONDS", 20);
    int durable = (int)rel_env_ulong("DW_CRASH_DURABLE", 1);
    uint64_t quota = rel_env_ulong("DW_CRASH_QUOTA", 16u << 20);
    uint64_t seed = rel_env_ulong("DW_CRASH_SEED", 0);
    if (!seed) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        seed = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 40);
    }
    printf("crash: seed %016" PRIx64 " (DW_CRASH_SEED=0x%" PRIx64 " repeats it), durable=%d, quota %" PRIu64
           " on odd rounds\n",
           seed, seed, durable, quota);
    uint64_t rng = seed;

    char dir[] = "crash-XXXXXX";
    REL_CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REL_CHECK(dirfd >= 0, "open %s", dir);

    dw_drop *drop = NULL;
    dw_io_error err;
    REL_CHECK(dw_drop_open(&drop, dir, NULL, &err) == DW_OK, "dw_drop_open(%s)", dir);

    double t0 = rel_now();
    unsigned long rounds = 0, reported_total = 0, unreported = 0, temps_swept = 0, killed_mid = 0, deferred = 0,
                  deferred_max = 0, verified = 0, consumed = 0, quota_rounds = 0, quota_full = 0;
    for (; rounds < max_rounds && rel_now() - t0 < max_seconds; rounds++) {
        int with_quota = quota && (rounds & 1);
        quota_rounds += with_quota;
        int pfd[2];
        REL_CHECK(pipe(pfd) == 0, "pipe");
        uint64_t first = (uint64_t)rounds * 1000000;
        fflush(NULL);
        pid_t pid = rel_fork();
        REL_CHECK(pid >= 0, "fork");
        if (pid == 0) {
            close(pfd[0]);
            writer(dir, seed, first, durable, with_quota ? quota : 0, pfd[1]);
            _exit(6);
        }
        close(pfd[1]);
        /* Kill somewhere between "still opening" and "a few dozen deliveries in". */
        uint64_t r = rel_splitmix(&rng);
        useconds_t delay = (useconds_t)(r % 4 == 0 ? r % 2000 : r % 40000);
        usleep(delay);
        kill(pid, SIGKILL);
        int status;
        REL_CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
        REL_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
                  "round %lu: writer exited by itself (status 0x%x): it reported a failure above", rounds, status);

        /* Collect the reports: whole lines only. */
        char rep[1 << 16];
        size_t rl = 0;
        ssize_t n;
        while (rl < sizeof rep - 1 && (n = read(pfd[0], rep + rl, sizeof rep - 1 - rl)) > 0)
            rl += (size_t)n;
        close(pfd[0]);
        rep[rl] = '\0';

        /* Scan: verify new *.eml files, re-check old ones, count temporaries. */
        unsigned long temps = 0, new_files = 0;
        uint64_t used = 0; /* what the quota counts: published files and temporaries (their reservations) */
        for (size_t i = 0; i < npresent; i++)
            present[i].seen = 0;
        DIR *d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, LEDGER))
                continue;
            struct stat st;
            REL_CHECK(fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode),
                      "'%s' is not a regular file", e->d_name);
            used += (uint64_t)st.st_size;
            if (rel_is_temp(e->d_name)) {
                temps++;
                continue;
            }
            REL_CHECK(rel_has_suffix(e->d_name, ".eml"), "round %lu: unexpected file '%s'", rounds, e->d_name);
            present_file *pf = find_present(e->d_name);
            if (pf) {
                REL_CHECK(pf->size == st.st_size, "'%s' changed size after publication", e->d_name);
                pf->seen = 1;
                continue;
            }
            char why[256];
            uint64_t idx = 0;
            REL_CHECK(rel_verify_file(dirfd, e->d_name, seed, MAX_LARGE, &idx, why, sizeof why) == 0,
                      "round %lu: '%s': %s", rounds, e->d_name, why);
            REL_CHECK(rel_idx_insert(&published, idx), "index %" PRIu64 " published twice (again as '%s')", idx, e->d_name);
            if (npresent == cappresent) {
                cappresent = cappresent ? cappresent * 2 : 256;
                present = realloc(present, cappresent * sizeof *present);
                REL_CHECK(present != NULL, "out of memory");
            }
            present_file *nf = &present[npresent++];
            snprintf(nf->name, sizeof nf->name, "%s", e->d_name);
            nf->index = idx;
            nf->size = st.st_size;
            nf->seen = 1;
            new_files++;
        }
        closedir(d);
        for (size_t i = 0; i < npresent; i++)
            REL_CHECK(present[i].seen, "published '%s' disappeared", present[i].name);
        verified += new_files;

        /* Every reported delivery is present under its name with the right index. */
        unsigned long reported = 0;
        for (char *line = rep, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
            *nl = '\0';
            uint64_t idx;
            char name[DW_FILE_NAME_MAX];
            size_t bound;
            if (sscanf(line, "F %zu", &bound) == 1) {
                /* A refusal for capacity is right only when the message really did not fit. */
                REL_CHECK(with_quota && used + bound > quota,
                          "round %lu: quota refusal with %" PRIu64 " bytes used, message <= %zu, quota %" PRIu64, rounds,
                          used, bound, quota);
                quota_full++;
                continue;
            }
            REL_CHECK(sscanf(line, "%" SCNu64 " %127s", &idx, name) == 2, "bad report line '%s'", line);
            present_file *pf = find_present(name);
            REL_CHECK(pf != NULL, "round %lu: reported delivery %" PRIu64 " '%s' is missing", rounds, idx, name);
            REL_CHECK(pf->index == idx, "'%s' holds index %" PRIu64 ", reported %" PRIu64, name, pf->index, idx);
            reported++;
        }
        REL_CHECK(new_files >= reported, "more reports than new files");
        unreported += new_files - reported;
        reported_total += reported;
        if (temps > deferred)
            killed_mid++; /* this round's writer died with a temporary file open */

        /* The sweep removes the temporaries, and nothing else. Temporaries from the current second may
         * survive an age-0 sweep (lib/guard.c compares whole seconds; tests/crash/sweep_age0 is the
         * reproducer): they are counted as deferred and must go in a later sweep. */
        uint64_t removed = 0;
        dw_status st = dw_drop_sweep(drop, 0, &removed, &err);
        REL_CHECK(st == DW_OK, "dw_drop_sweep: %s class %s errno %d", dw_status_name(st), dw_class_name(err.io_class),
                  err.sys_errno);
        REL_CHECK(removed <= temps, "round %lu: sweep removed %" PRIu64 " of %lu temporary files", rounds, removed, temps);
        temps_swept += removed;
        size_t emls = 0;
        unsigned long left = 0;
        d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, LEDGER))
                continue;
            if (rel_is_temp(e->d_name)) {
                struct stat ts;
                /* young: the sweep's own second, give or take a slow machine */
                REL_CHECK(fstatat(dirfd, e->d_name, &ts, AT_SYMLINK_NOFOLLOW) == 0 && ts.st_mtime >= time(NULL) - 3,
                          "age-0 sweep left an old temporary '%s'", e->d_name);
                left++;
                continue;
            }
            REL_CHECK(find_present(e->d_name) != NULL, "unknown file '%s' after sweep", e->d_name);
            emls++;
        }
        closedir(d);
        REL_CHECK(emls == npresent, "sweep removed a published file: %zu of %zu left", emls, npresent);
        REL_CHECK(removed + left == temps, "temporary files unaccounted for");
        deferred = left;
        deferred_max = left > deferred_max ? left : deferred_max;

        /* After a quota round the gateway takes everything: the next quota writer must find the room. */
        if (with_quota) {
            for (size_t i = 0; i < npresent; i++)
                REL_CHECK(unlinkat(dirfd, present[i].name, 0) == 0, "consume '%s'", present[i].name);
            consumed += npresent;
            npresent = 0;
        }
    }

    /* Whatever the age-0 sweeps deferred is at least a second old now and must go. */
    if (deferred)
        sleep(2);
    uint64_t removed = 0;
    REL_CHECK(dw_drop_sweep(drop, 0, &removed, &err) == DW_OK && removed == deferred,
              "final sweep removed %" PRIu64 " of %lu", removed, deferred);
    temps_swept += removed;

    /* Final pass: every file still present verified again in full. */
    for (size_t i = 0; i < npresent; i++) {
        char why[256];
        uint64_t idx = 0;
        REL_CHECK(rel_verify_file(dirfd, present[i].name, seed, MAX_LARGE, &idx, why, sizeof why) == 0 &&
                      idx == present[i].index,
                  "final check '%s': %s", present[i].name, why);
    }
    dw_drop_close(drop);
    close(dirfd);
    printf("crash: %lu rounds survived (%lu with a quota) in %.1f s: %lu files verified byte-identical (%lu reported + "
           "%lu completed but unreported; %lu consumed after quota rounds, %zu re-verified at the end), %lu rounds left "
           "temporaries (%lu swept; at most %lu deferred by the whole-second age-0 sweep); %lu justified quota refusals\n",
           rounds, quota_rounds, rel_now() - t0, verified, reported_total, unreported, consumed, npresent, killed_mid,
           temps_swept, deferred_max, quota_full);
    REL_CHECK(rounds >= 10, "only %lu rounds ran", rounds);
    REL_CHECK(verified > 0, "no delivery completed in any round");
    if (!rel_env_ulong("DW_CRASH_KEEP", 0))
        rel_rm_rf(dir);
    free(present);
    rel_idx_free(&published);
    return 0;
}
