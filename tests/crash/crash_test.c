/*
 * Crash consistency: a writer process delivers messages with known content (derived from a seed and an
 * index) and reports each delivery on a pipe after dw_drop_write()/dw_msg_commit() has returned; the
 * driver kills it with SIGKILL at a random moment, then checks the drop directory:
 *   - every "*.eml" is complete and byte-identical to the message its header names, and no message was
 *     published twice;
 *   - every delivery the writer reported is present under the reported name;
 *   - only "*.eml" and ".dwtmp-*.tmp" names exist, and dw_drop_sweep() with age 0 removes every
 *     temporary file and touches no "*.eml".
 * Rounds continue on the same directory until DW_CRASH_ROUNDS (default 300) or DW_CRASH_SECONDS (default
 * 20) is reached; at the end every file is verified again. DW_CRASH_SEED fixes the seed (printed),
 * DW_CRASH_DURABLE=0 uses DW_DURABLE_NONE, DW_CRASH_KEEP=1 keeps the directory.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include <signal.h>
#include <sys/wait.h>

#include "dropwatch.h"
#include "../rel_common.h"

#define MAX_LARGE (512 * 1024)

typedef struct {
    char name[DW_FILE_NAME_MAX];
    uint64_t index;
    off_t size;
} seen_file;

static seen_file *seen;
static size_t nseen, capseen;

static seen_file *find_seen(const char *name)
{
    for (size_t i = 0; i < nseen; i++)
        if (strcmp(seen[i].name, name) == 0)
            return &seen[i];
    return NULL;
}

/* The writer: runs in the child until killed. Odd indexes use the streamed API in three pieces. */
static void writer(const char *dir, uint64_t seed, uint64_t first, int durable, int report_fd)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = durable ? DW_DURABLE_FULL : DW_DURABLE_NONE;
    dw_drop *drop = NULL;
    dw_io_error err;
    if (dw_drop_open(&drop, dir, &o, &err) != DW_OK) {
        fprintf(stderr, "writer: dw_drop_open: %s (%s)\n", dw_class_name(err.io_class), err.detail);
        _exit(3);
    }
    for (uint64_t idx = first;; idx++) {
        size_t len;
        char *msg = rel_msg(seed, idx, MAX_LARGE, &len);
        char name[DW_FILE_NAME_MAX];
        dw_status st;
        if (idx & 1) {
            dw_msg *m = NULL;
            st = dw_msg_begin(drop, &m, NULL, &err);
            size_t a = len / 3, b = 2 * len / 3;
            if (st == DW_OK)
                st = dw_msg_write(m, msg, a, &err);
            if (st == DW_OK)
                st = dw_msg_write(m, msg + a, b - a, &err);
            if (st == DW_OK)
                st = dw_msg_write(m, msg + b, len - b, &err);
            if (st == DW_OK)
                st = dw_msg_commit(m, name, sizeof name, NULL, &err);
            else if (m)
                dw_msg_abort(m);
        } else {
            st = dw_drop_write(drop, msg, len, NULL, name, sizeof name, NULL, &err);
        }
        free(msg);
        if (st != DW_OK) {
            fprintf(stderr, "writer: delivery %" PRIu64 ": %s, class %s op %s errno %d\n", idx, dw_status_name(st),
                    dw_class_name(err.io_class), dw_op_name(err.op), err.sys_errno);
            _exit(4);
        }
        char line[DW_FILE_NAME_MAX + 32];
        int n = snprintf(line, sizeof line, "%" PRIu64 " %s\n", idx, name);
        if (write(report_fd, line, (size_t)n) != n) /* one write < PIPE_BUF: atomic */
            _exit(5);
    }
}

int main(void)
{
    unsigned long max_rounds = rel_env_ulong("DW_CRASH_ROUNDS", 300);
    double max_seconds = (double)rel_env_ulong("DW_CRASH_SECONDS", 20);
    int durable = (int)rel_env_ulong("DW_CRASH_DURABLE", 1);
    uint64_t seed = rel_env_ulong("DW_CRASH_SEED", 0);
    if (!seed) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        seed = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 40);
    }
    printf("crash: seed %016" PRIx64 " (DW_CRASH_SEED=0x%" PRIx64 " repeats it), durable=%d\n", seed, seed, durable);
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
                  deferred_max = 0;
    for (; rounds < max_rounds && rel_now() - t0 < max_seconds; rounds++) {
        int pfd[2];
        REL_CHECK(pipe(pfd) == 0, "pipe");
        uint64_t first = (uint64_t)rounds * 1000000;
        fflush(NULL);
        pid_t pid = fork();
        REL_CHECK(pid >= 0, "fork");
        if (pid == 0) {
            close(pfd[0]);
            writer(dir, seed, first, durable, pfd[1]);
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
        DIR *d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (rel_is_temp(e->d_name)) {
                temps++;
                continue;
            }
            REL_CHECK(rel_has_suffix(e->d_name, ".eml"), "round %lu: unexpected file '%s'", rounds, e->d_name);
            struct stat st;
            REL_CHECK(fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode),
                      "'%s' is not a regular file", e->d_name);
            seen_file *sf = find_seen(e->d_name);
            if (sf) {
                REL_CHECK(sf->size == st.st_size, "'%s' changed size after publication", e->d_name);
                continue;
            }
            char why[256];
            uint64_t idx = 0;
            REL_CHECK(rel_verify_file(dirfd, e->d_name, seed, MAX_LARGE, &idx, why, sizeof why) == 0,
                      "round %lu: '%s': %s", rounds, e->d_name, why);
            for (size_t i = 0; i < nseen; i++)
                REL_CHECK(seen[i].index != idx, "index %" PRIu64 " published twice ('%s' and '%s')", idx, seen[i].name,
                          e->d_name);
            if (nseen == capseen) {
                capseen = capseen ? capseen * 2 : 256;
                seen = realloc(seen, capseen * sizeof *seen);
                REL_CHECK(seen != NULL, "out of memory");
            }
            snprintf(seen[nseen].name, sizeof seen[nseen].name, "%s", e->d_name);
            seen[nseen].index = idx;
            seen[nseen].size = st.st_size;
            nseen++;
            new_files++;
        }
        closedir(d);

        /* Every reported delivery is present under its name with the right index. */
        unsigned long reported = 0;
        for (char *line = rep, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
            *nl = '\0';
            uint64_t idx;
            char name[DW_FILE_NAME_MAX];
            REL_CHECK(sscanf(line, "%" SCNu64 " %127s", &idx, name) == 2, "bad report line '%s'", line);
            seen_file *sf = find_seen(name);
            REL_CHECK(sf != NULL, "round %lu: reported delivery %" PRIu64 " '%s' is missing", rounds, idx, name);
            REL_CHECK(sf->index == idx, "'%s' holds index %" PRIu64 ", reported %" PRIu64, name, sf->index, idx);
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
        REL_CHECK(removed <= temps, "round %lu: sweep removed %" PRIu64 " of %lu temporary files", rounds,
                  removed, temps);
        temps_swept += removed;
        size_t emls = 0;
        unsigned long left = 0;
        d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            if (rel_is_temp(e->d_name)) {
                struct stat ts;
                REL_CHECK(fstatat(dirfd, e->d_name, &ts, AT_SYMLINK_NOFOLLOW) == 0 && ts.st_mtime >= time(NULL) - 1,
                          "age-0 sweep left an old temporary '%s'", e->d_name);
                left++;
                continue;
            }
            REL_CHECK(find_seen(e->d_name) != NULL, "unknown file '%s' after sweep", e->d_name);
            emls++;
        }
        closedir(d);
        REL_CHECK(emls == nseen, "sweep removed a published file: %zu of %zu left", emls, nseen);
        REL_CHECK(removed + left == temps, "temporary files unaccounted for");
        deferred = left;
        deferred_max = left > deferred_max ? left : deferred_max;
    }

    /* Whatever the age-0 sweeps deferred is at least a second old now and must go. */
    sleep(deferred ? 2 : 0);
    uint64_t removed = 0;
    REL_CHECK(dw_drop_sweep(drop, 0, &removed, &err) == DW_OK && removed == deferred, "final sweep removed %" PRIu64
              " of %lu", removed, deferred);
    temps_swept += removed;

    /* Final pass: every published file verified again in full. */
    for (size_t i = 0; i < nseen; i++) {
        char why[256];
        uint64_t idx = 0;
        REL_CHECK(rel_verify_file(dirfd, seen[i].name, seed, MAX_LARGE, &idx, why, sizeof why) == 0 && idx == seen[i].index,
                  "final check '%s': %s", seen[i].name, why);
    }
    dw_drop_close(drop);
    close(dirfd);
    printf("crash: %lu rounds survived in %.1f s: %zu files verified byte-identical (%lu reported + %lu completed "
           "but unreported), %lu rounds left temporaries (%lu swept; at most %lu deferred by the whole-second age-0 "
           "sweep)\n",
           rounds, rel_now() - t0, nseen, reported_total, unreported, killed_mid, temps_swept, deferred_max);
    REL_CHECK(rounds >= 10, "only %lu rounds ran", rounds);
    REL_CHECK(nseen > 0, "no delivery completed in any round");
    if (!rel_env_ulong("DW_CRASH_KEEP", 0))
        rel_rm_rf(dir);
    free(seen);
    return 0;
}
