/* SPDX-License-Identifier: MIT */
/*
 * Durability under simulated power loss (doc/reliability.md, "Power loss"). Runs on a powerfs mount
 * (tests/powerloss/powerfs.c; tests/powerloss/run.sh mounts it and calls this program):
 *
 *   each cut   DW_POWERLOSS_WRITERS processes deliver messages of known content into MNT/drop, cycling
 *              through dw_drop_write, streamed dw_msg_begin/write x3/commit, dw_drop_write_batch (three
 *              messages, one syncfs barrier) and dw_drop_write_fd, every other round with an envelope;
 *              odd cuts with a DropDirectoryQuota (shared ledger). Each writer reports a delivery on a
 *              pipe after its call returned DW_OK. After a random 0..DW_POWERLOSS_MAX_MS ms the power is
 *              cut ("cut MODEL SEED" on MNT/.powerloss, models cycled from DW_POWERLOSS_MODELS), the
 *              writers are killed, the file system "reboots" and the drop directory is judged:
 *   oracle     every reported message is present under its reported name and byte-identical (envelope
 *              included); every "*.eml" is a complete message (nothing partial under a final name); no
 *              message index appears twice, ever; published-but-unreported messages and temporary files
 *              only for the calls in flight (at most three per writer); nothing else in the directory;
 *              the quota ledger is consistent with the directory or, when stale or damaged, rebuilt by
 *              the next delivery (checked with a probe message); an age-0 sweep removes every temporary.
 *              Then the files are consumed (like the gateway) and the deletions synced.
 *   control    DW_POWERLOSS_DURABLE=0 runs the same with DW_DURABLE_NONE (no fsync at all): it must lose
 *              reported messages (missing or damaged); if it loses none the simulator is not modelling
 *              power loss and the run fails saying so.
 *
 * syncfs() is interposed here: the kernel does not pass syncfs to FUSE servers, so on a FUSE mount it
 * also writes "sync" to the control file (the library's batch barrier calls syncfs).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#include <signal.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "dropwatch.h"
#include "../rel_common.h"
#include "../rel_deliver.h"

#define MAX_LARGE (256 * 1024)
#define LEDGER ".dwquota"
#define FUSE_MAGIC 0x65735546
#define MAX_WRITERS 16

static char ctl_path[4096];

/* The library's batch barrier: make it reach powerfs (see the top of this file). */
int syncfs(int fd)
{
    struct statfs sf;
    if (ctl_path[0] && fstatfs(fd, &sf) == 0 && sf.f_type == FUSE_MAGIC) {
        int c = open(ctl_path, O_WRONLY | O_CLOEXEC);
        if (c < 0)
            return -1;
        ssize_t w = write(c, "sync", 4);
        int e = errno;
        close(c);
        if (w != 4) {
            errno = w < 0 ? e : EIO;
            return -1;
        }
    }
    return (int)syscall(SYS_syncfs, fd);
}

static void control(const char *cmd)
{
    int c = open(ctl_path, O_WRONLY | O_CLOEXEC);
    REL_CHECK(c >= 0, "open %s: %s", ctl_path, strerror(errno));
    ssize_t w = write(c, cmd, strlen(cmd));
    REL_CHECK(w == (ssize_t)strlen(cmd), "control '%s': %s", cmd, strerror(errno));
    close(c);
}

/* every message index ever seen */
static rel_idxset seen;

/* ---- the writers ------------------------------------------------------------------------------------------ */
static dw_envelope *make_envelope(void)
{
    dw_envelope *env = NULL;
    REL_CHECK(dw_envelope_new(&env) == DW_OK && dw_envelope_set_sender(env, "gateway@example.test", NULL) == DW_OK &&
                  dw_envelope_add_recipient(env, "rcpt@example.test", "NOTIFY=NEVER") == DW_OK,
              "envelope");
    return env;
}

static void say(int fd, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (write(fd, line, (size_t)n) != n) /* one write < PIPE_BUF: atomic among the writers */
        _exit(5);
}

static void writer(const char *dir, uint64_t seed, uint64_t first, int durable, uint64_t quota, int rep)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = durable ? DW_DURABLE_FULL : DW_DURABLE_NONE;
    o.quota_bytes = quota;
    dw_drop *drop = NULL;
    dw_io_error err;
    dw_status st = dw_drop_open(&drop, dir, &o, &err);
    if (st != DW_OK) {
        say(rep, "E %" PRIu64 " open %s %s %d\n", first, dw_status_name(st), dw_class_name(err.io_class), err.sys_errno);
        for (;;)
            pause();
    }
    dw_envelope *env = make_envelope();
    uint64_t idx = first;
    for (unsigned k = 0;; k++) {
        dw_msg_options mo;
        dw_msg_options_init(&mo);
        if ((k / 4) & 1) { /* every other round of the four ways with an envelope (it needs the size) */
            mo.envelope = env;
            mo.expected_size = rel_msg_length(seed, idx, MAX_LARGE);
        } else if (k & 8) {
            mo.expected_size = rel_msg_length(seed, idx, MAX_LARGE);
        }
        rel_delivery dv;
        st = rel_deliver(drop, k % REL_WAYS, seed, idx, MAX_LARGE, &mo, &dv, &err);
        /* A failed batch has published (durably) its first dv.published: they count as delivered. */
        for (size_t j = 0; j < dv.published; j++)
            say(rep, "D %" PRIu64 " %s\n", idx + j, dv.names[j]);
        unsigned count = dv.count;
        size_t bound = dv.bound;
        if (st != DW_OK) {
            /* After the cut every call fails (EIO from the powered-off file system); a refusal for
             * capacity is reported as such. Either way this writer stops and waits to be killed. */
            if (st == DW_E_IO && err.io_class == DW_CLASS_CAPACITY && err.op == DW_OP_QUOTA)
                say(rep, "F %zu\n", bound);
            else
                say(rep, "E %" PRIu64 " %s %s %s %d\n", idx, dw_status_name(st), dw_class_name(err.io_class),
                    dw_op_name(err.op), err.sys_errno);
            for (;;)
                pause();
        }
        idx += count;
    }
}

/* ---- judging a file ---------------------------------------------------------------------------------------- */
static char *read_all(int dirfd, const char *name, size_t *len)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    REL_CHECK(buf != NULL, "out of memory");
    size_t got = 0;
    ssize_t n;
    while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* 0 and the index when `data` is exactly a test message (optionally behind the test envelope). */
static int judge(const dw_envelope *env, uint64_t seed, const char *data, size_t len, uint64_t *index, char *why,
                 size_t whylen)
{
    const char *body = data;
    if (len == 0) {
        snprintf(why, whylen, "empty");
        return -1;
    }
    if (!strncasecmp(data, "X-Sender:", 9)) { /* Exchange spells it X-sender */
        const char *h = strstr(data, "X-DW-Test:");
        if (!h) {
            snprintf(why, whylen, "envelope without a message (%zu bytes)", len);
            return -1;
        }
        body = h;
    }
    size_t blen = len - (size_t)(body - data);
    uint64_t s, idx;
    size_t hlen;
    if (sscanf(body, "X-DW-Test: seed=%" SCNx64 " index=%" SCNu64 " length=%zu", &s, &idx, &hlen) != 3 || s != seed) {
        snprintf(why, whylen, "no test header (%zu bytes)", len);
        return -1;
    }
    *index = idx;
    if (hlen != blen) {
        snprintf(why, whylen, "index %" PRIu64 ": %zu bytes, header says %zu (incomplete)", idx, blen, hlen);
        return -1;
    }
    size_t elen;
    char *expect = rel_msg(seed, idx, MAX_LARGE, &elen);
    int rc = (elen == blen && memcmp(expect, body, blen) == 0) ? 0 : -1;
    free(expect);
    if (rc) {
        snprintf(why, whylen, "index %" PRIu64 ": content differs from what was sent", idx);
        return -1;
    }
    if (body != data) {
        char hdr[4096];
        size_t need = 0;
        if (dw_envelope_format(env, blen, hdr, sizeof hdr, &need) != DW_OK || need - 1 != (size_t)(body - data) ||
            memcmp(hdr, data, need - 1) != 0) {
            snprintf(why, whylen, "index %" PRIu64 ": envelope differs from what was sent", idx);
            return -1;
        }
    }
    return 0;
}

/* ---- the ledger ------------------------------------------------------------------------------------------- */
/* 1 well formed (used, inflight filled), 0 missing, -1 malformed (dirty, torn, empty). */
static int read_ledger(int dirfd, uint64_t *used, uint64_t *inflight)
{
    size_t len = 0;
    char *t = read_all(dirfd, LEDGER, &len);
    if (!t)
        return 0;
    unsigned long long u, i;
    int ok = sscanf(t, "dwquota2 %llu %llu", &u, &i) == 2;
    free(t);
    if (!ok)
        return -1;
    *used = u;
    *inflight = i;
    return 1;
}

typedef struct {
    char name[DW_FILE_NAME_MAX];
    uint64_t index;
    uint64_t size;
} found_file;

/* Consume every message and temporary in the drop directory (like the gateway) and make that durable. */
static void consume_all(int dirfd)
{
    DIR *d = fdopendir(dup(dirfd));
    REL_CHECK(d != NULL, "fdopendir");
    rewinddir(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' || rel_is_temp(e->d_name))
            REL_CHECK(unlinkat(dirfd, e->d_name, 0) == 0, "consume '%s': %s", e->d_name, strerror(errno));
    closedir(d);
    control("sync");
}

/* Deliver message `idx` through a fresh durable handle with a quota; returns its size. */
static size_t deliver_one(const char *dir, uint64_t seed, uint64_t idx, uint64_t quota)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = quota;
    dw_drop *drop = NULL;
    dw_io_error err;
    REL_CHECK(dw_drop_open(&drop, dir, &o, &err) == DW_OK, "open %s: %s", dir, err.detail);
    size_t len;
    char *m = rel_msg(seed, idx, MAX_LARGE, &len);
    char name[DW_FILE_NAME_MAX];
    dw_status st = dw_drop_write(drop, m, len, NULL, name, sizeof name, NULL, &err);
    REL_CHECK(st == DW_OK, "delivery %" PRIu64 ": %s (%s)", idx, dw_status_name(st), err.detail);
    free(m);
    dw_drop_close(drop);
    return len;
}

/* Regression for finding 10 (doc/reliability.md): message A delivered and everything synced, message B
 * delivered (durable), power cut dropping every unsynced operation. The ledger on disk must not count
 * fewer bytes than A + B unless it is marked dirty; the next delivery C must leave it exact. Before the
 * fix the ledger said A, the next writer trusted it, and the quota could be exceeded by B. */
static void ledger_regression(const char *dir, uint64_t seed, uint64_t quota)
{
    int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    REL_CHECK(dirfd >= 0, "open %s", dir);
    uint64_t base = UINT64_C(0xFFFF00000000);
    size_t a = deliver_one(dir, seed, base + 1, quota);
    control("sync");
    size_t b = deliver_one(dir, seed, base + 2, quota);
    control("cut all 1");
    control("reboot");
    uint64_t used = 0, inflight = 0;
    int lr = read_ledger(dirfd, &used, &inflight);
    REL_CHECK(lr != 0, "regression: the ledger is gone after the cut");
    size_t c = deliver_one(dir, seed, base + 3, quota);
    uint64_t u2 = 0, i2 = 0;
    REL_CHECK(read_ledger(dirfd, &u2, &i2) == 1 && u2 == a + b + c,
              "regression (finding 10): after the cut the ledger was %s (used %" PRIu64 " of %zu published); after the "
              "next delivery it says used %" PRIu64 " but the directory holds %zu: the stale ledger was trusted",
              lr < 0 ? "marked dirty" : "clean", used, a + b, u2, a + b + c);
    printf("powerloss: regression (finding 10): after the cut the ledger was %s, the next delivery left it exact\n",
           lr < 0 ? "marked dirty" : used >= a + b ? "complete" : "under-counting");
    consume_all(dirfd);
    close(dirfd);
}

int main(void)
{
    const char *mnt = getenv("DW_POWERLOSS_MNT");
    REL_CHECK(mnt && *mnt, "DW_POWERLOSS_MNT must name a powerfs mount (tests/powerloss/run.sh sets it)");
    unsigned long cuts = rel_env_ulong("DW_POWERLOSS_CUTS", 20);
    unsigned long nwriters = rel_env_ulong("DW_POWERLOSS_WRITERS", 3);
    unsigned long max_ms = rel_env_ulong("DW_POWERLOSS_MAX_MS", 150);
    int durable = (int)rel_env_ulong("DW_POWERLOSS_DURABLE", 1);
    uint64_t quota = rel_env_ulong("DW_POWERLOSS_QUOTA", 16u << 20);
    const char *models_env = getenv("DW_POWERLOSS_MODELS");
    char models[256];
    snprintf(models, sizeof models, "%s", models_env && *models_env ? models_env : "all,prefix,reorder,chaos");
    const char *model[8];
    size_t nmodels = 0;
    for (char *tok = strtok(models, ","); tok && nmodels < 8; tok = strtok(NULL, ","))
        model[nmodels++] = tok;
    REL_CHECK(nmodels > 0 && nwriters > 0 && nwriters <= MAX_WRITERS, "bad DW_POWERLOSS_MODELS/WRITERS");
    uint64_t seed = rel_env_ulong("DW_POWERLOSS_SEED", 0);
    if (!seed) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        seed = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^ ((uint64_t)getpid() << 40);
    }
    snprintf(ctl_path, sizeof ctl_path, "%s/.powerloss", mnt);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/drop", mnt);
    printf("powerloss: seed %016" PRIx64 " (DW_POWERLOSS_SEED=0x%" PRIx64 " repeats it), %s, %lu writers, %lu cuts, "
           "models %s\n",
           seed, seed, durable ? "durable" : "NEGATIVE CONTROL (DW_DURABLE_NONE)", nwriters, cuts,
           models_env && *models_env ? models_env : "all,prefix,reorder,chaos");
    fflush(stdout);
    uint64_t rng = seed;

    if (mkdir(dir, 0750) != 0)
        REL_CHECK(errno == EEXIST, "mkdir %s: %s", dir, strerror(errno));
    control("sync");
    dw_envelope *env = make_envelope();
    if (durable)
        ledger_regression(dir, seed, quota ? quota : (16u << 20));

    unsigned long per_model[8] = {0}, per_model_lost[8] = {0};
    unsigned long reported_total = 0, verified = 0, unreported_present = 0, lost = 0, damaged = 0, stray_temps = 0,
                  temps_total = 0, after_cut_failures = 0, quota_full = 0, ledger_ok = 0, ledger_bad = 0,
                  ledger_stale = 0, ledger_over = 0, ledger_trusted_stale = 0, ledger_missing = 0, probe_n = 0, quota_cuts = 0, cuts_with_loss = 0;
    double t0 = rel_now();
    for (unsigned long c = 0; c < cuts; c++) {
        size_t mi = c % nmodels;
        int with_quota = quota && (c & 1);
        quota_cuts += with_quota;
        int pfd[2];
        REL_CHECK(pipe(pfd) == 0, "pipe");
        pid_t pids[MAX_WRITERS];
        fflush(NULL);
        for (unsigned long w = 0; w < nwriters; w++) {
            pids[w] = rel_fork();
            REL_CHECK(pids[w] >= 0, "fork");
            if (pids[w] == 0) {
                close(pfd[0]);
                writer(dir, seed, ((uint64_t)c * nwriters + w) * 1000000u + 1, durable, with_quota ? quota : 0, pfd[1]);
                _exit(6);
            }
        }
        close(pfd[1]);
        uint64_t r = rel_splitmix(&rng);
        unsigned long delay_us = (r % 8 == 0) ? (unsigned long)(r >> 8) % 3000 : (unsigned long)(r >> 8) % (max_ms * 1000 + 1);
        usleep((useconds_t)delay_us);
        char cmd[96];
        snprintf(cmd, sizeof cmd, "cut %s %" PRIu64, model[mi], rel_splitmix(&rng) | 1);
        control(cmd);
        for (unsigned long w = 0; w < nwriters; w++)
            kill(pids[w], SIGKILL);
        for (unsigned long w = 0; w < nwriters; w++) {
            int status;
            REL_CHECK(waitpid(pids[w], &status, 0) == pids[w], "waitpid");
            REL_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "cut %lu: writer %lu exited by itself (0x%x)", c,
                      w, status);
        }
        size_t cap = 1 << 16, rl = 0;
        char *rep = malloc(cap + 1);
        REL_CHECK(rep != NULL, "out of memory");
        ssize_t n;
        while ((n = read(pfd[0], rep + rl, cap - rl)) > 0) {
            rl += (size_t)n;
            if (rl == cap) {
                cap *= 2;
                rep = realloc(rep, cap + 1);
                REL_CHECK(rep != NULL, "out of memory");
            }
        }
        close(pfd[0]);
        rep[rl] = '\0';
        control("reboot");
        per_model[mi]++;

        /* ---- judge the directory as the reboot left it ---- */
        int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        REL_CHECK(dirfd >= 0, "cut %lu: the drop directory is gone after the reboot: %s", c, strerror(errno));
        found_file *files = NULL;
        size_t nfiles = 0, capfiles = 0;
        uint64_t eml_bytes = 0, temp_bytes = 0;
        unsigned long temps = 0, lost_here = 0;
        DIR *d = fdopendir(dup(dirfd));
        REL_CHECK(d != NULL, "fdopendir");
        rewinddir(d);
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || !strcmp(e->d_name, LEDGER))
                continue;
            struct stat st;
            REL_CHECK(fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode),
                      "cut %lu: '%s' is not a regular file", c, e->d_name);
            if (rel_is_temp(e->d_name)) {
                temps++;
                temp_bytes += (uint64_t)st.st_size;
                continue;
            }
            REL_CHECK(rel_has_suffix(e->d_name, ".eml"), "cut %lu: unexpected file '%s'", c, e->d_name);
            eml_bytes += (uint64_t)st.st_size;
            size_t len = 0;
            char *data = read_all(dirfd, e->d_name, &len);
            REL_CHECK(data != NULL, "cut %lu: read '%s': %s", c, e->d_name, strerror(errno));
            char why[256];
            uint64_t idx = 0;
            int ok = judge(env, seed, data, len, &idx, why, sizeof why) == 0;
            free(data);
            if (!ok) {
                /* Partial or wrong content under a final name. */
                REL_CHECK(!durable, "cut %lu (%s): '%s': %s", c, model[mi], e->d_name, why);
                damaged++;
                lost_here++;
                continue;
            }
            REL_CHECK(rel_idx_insert(&seen, idx), "cut %lu: index %" PRIu64 " published twice (again as '%s')", c, idx, e->d_name);
            if (nfiles == capfiles) {
                capfiles = capfiles ? capfiles * 2 : 64;
                files = realloc(files, capfiles * sizeof *files);
                REL_CHECK(files != NULL, "out of memory");
            }
            snprintf(files[nfiles].name, sizeof files[nfiles].name, "%s", e->d_name);
            files[nfiles].index = idx;
            files[nfiles].size = (uint64_t)st.st_size;
            nfiles++;
        }
        closedir(d);

        /* every reported delivery is there, under its name, holding its index */
        unsigned long reported = 0, matched = 0;
        for (char *line = rep, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
            *nl = '\0';
            uint64_t idx;
            char name[DW_FILE_NAME_MAX], a[32], b[32], op[32];
            size_t bound;
            int eno;
            if (sscanf(line, "F %zu", &bound) == 1) {
                quota_full++;
                continue;
            }
            if (sscanf(line, "E %" SCNu64 " %31s %31s %31s %d", &idx, a, b, op, &eno) == 5 ||
                sscanf(line, "E %" SCNu64 " open %31s %31s %d", &idx, a, b, &eno) == 4) {
                /* Only the powered-off file system fails calls: EIO, after the cut. */
                REL_CHECK(eno == EIO, "cut %lu: delivery %" PRIu64 " failed before the cut: %s", c, idx, line);
                after_cut_failures++;
                continue;
            }
            REL_CHECK(sscanf(line, "D %" SCNu64 " %127s", &idx, name) == 2, "bad report line '%s'", line);
            reported++;
            found_file *f = NULL;
            for (size_t i = 0; i < nfiles && !f; i++)
                if (!strcmp(files[i].name, name))
                    f = &files[i];
            if (!f || f->index != idx) {
                REL_CHECK(!durable, "cut %lu (%s): reported delivery %" PRIu64 " '%s' is %s after the power cut", c,
                          model[mi], idx, name, f ? "another message" : "missing");
                lost++;
                lost_here++;
                continue;
            }
            matched++;
        }
        reported_total += reported;
        verified += nfiles;
        /* Present but not reported, and temporaries: only the calls in flight (one call of at most three
         * messages per writer). */
        unsigned long unrep = (unsigned long)nfiles - matched;
        unreported_present += unrep;
        temps_total += temps;
        if (durable) {
            REL_CHECK(unrep <= 3 * nwriters, "cut %lu: %lu published messages nobody reported (in flight: <= %lu)", c,
                      unrep, 3 * nwriters);
            REL_CHECK(temps <= 3 * nwriters, "cut %lu (%s): %lu temporary files left (in flight: <= %lu)", c, model[mi],
                      temps, 3 * nwriters);
        } else if (temps > 3 * nwriters) {
            stray_temps += temps - 3 * nwriters;
        }
        if (lost_here) {
            cuts_with_loss++;
            per_model_lost[mi]++;
        }

        /* ---- the quota ledger: never an under-count, unless the next delivery detects and rebuilds it ----
         * The ledger is not fsynced, so after the cut it may be any earlier version. An over-count is safe
         * (and normal: the consumer deleted files since); counting fewer published bytes than the
         * directory holds would let writers exceed the quota, so then the next delivery must rescan. */
        uint64_t lu = 0, li = 0;
        /* (Only quota cuts: writers without a quota do not keep the ledger, by design.) */
        int lr = with_quota ? read_ledger(dirfd, &lu, &li) : 0;
        int under = lr < 0 || (lr == 1 && lu < eml_bytes);
        if (!with_quota)
            ;
        else if (lr == 0)
            ledger_missing++;
        else if (lr < 0)
            ledger_bad++;
        else if (lu == eml_bytes)
            ledger_ok++;
        else if (lu > eml_bytes)
            ledger_over++;
        else
            ledger_stale++;
        if (lr != 0 && !lost_here) {
            dw_drop_options o;
            dw_drop_options_init(&o);
            /* A quota far above the directory: the writers may have filled the real one (a refusal would
             * rescan anyway), and only an ordinary write shows whether the ledger is trusted blindly. */
            o.quota_bytes = (uint64_t)1 << 40;
            dw_drop *drop = NULL;
            dw_io_error err;
            REL_CHECK(dw_drop_open(&drop, dir, &o, &err) == DW_OK, "probe open: %s", err.detail);
            uint64_t pidx = ((uint64_t)c * nwriters + nwriters) * 1000000u + 999999u;
            size_t plen;
            char *pm = rel_msg(seed, pidx, MAX_LARGE, &plen);
            char pname[DW_FILE_NAME_MAX];
            dw_status st = dw_drop_write(drop, pm, plen, NULL, pname, sizeof pname, NULL, &err);
            free(pm);
            REL_CHECK(st == DW_OK, "cut %lu: probe delivery: %s %s (%s)", c, dw_status_name(st), dw_class_name(err.io_class),
                      err.detail);
            REL_CHECK(rel_idx_insert(&seen, pidx), "probe index reused");
            uint64_t u2 = 0, i2 = 0;
            REL_CHECK(read_ledger(dirfd, &u2, &i2) == 1, "cut %lu: ledger malformed after the probe", c);
            int kept_stale = !(u2 >= eml_bytes + plen && (!under || (u2 == eml_bytes + plen && i2 == temp_bytes)));
            /* DW_DURABLE_NONE writers do not flush the ledger's mark (doc/guarded-writes.md): counted only. */
            ledger_trusted_stale += kept_stale;
            REL_CHECK(!durable || !kept_stale,
                      "cut %lu (%s): quota ledger after the reboot: %s (used %" PRIu64 " inflight %" PRIu64
                      "); after a probe delivery it says used %" PRIu64 " inflight %" PRIu64 ", the directory holds %" PRIu64
                      " published + %zu probe, %" PRIu64 " in temporaries: the under-counting ledger was not rebuilt",
                      c, model[mi], lr < 0 ? "malformed" : "well formed", lu, li, u2, i2, eml_bytes, plen, temp_bytes);
            probe_n++;
            REL_CHECK(unlinkat(dirfd, pname, 0) == 0, "consume probe");
            dw_drop_close(drop);
        }

        /* ---- the sweep removes every temporary (all from writers that died with the power) ---- */
        {
            dw_drop *drop = NULL;
            dw_io_error err;
            REL_CHECK(dw_drop_open(&drop, dir, NULL, &err) == DW_OK, "sweep open: %s", err.detail);
            uint64_t removed = 0;
            REL_CHECK(dw_drop_sweep(drop, 0, &removed, &err) == DW_OK, "sweep: %s", err.detail);
            REL_CHECK(removed == temps, "cut %lu: the age-0 sweep removed %" PRIu64 " of %lu temporaries", c, removed, temps);
            dw_drop_close(drop);
        }
        /* ---- consume like the gateway: everything but the ledger goes, durably ---- */
        consume_all(dirfd);
        close(dirfd);
        free(files);
        free(rep);
    }
    double secs = rel_now() - t0;
    printf("powerloss: %lu cuts %s in %.1f s (", cuts, durable ? "survived" : "run", secs);
    for (size_t i = 0; i < nmodels; i++)
        printf("%s%s %lu", i ? ", " : "", model[i], per_model[i]);
    printf("; %lu with a quota): %lu reported deliveries, %lu files verified byte-identical (%lu published in flight, "
           "unreported), %lu temporaries of calls in flight swept, %lu calls failed with EIO after a cut, %lu quota "
           "refusals; ledger after reboot: %lu exact, %lu over-counting (safe), %lu under-counting, %lu malformed, %lu "
           "absent; %lu probe deliveries checked it (%lu found a stale ledger trusted)\n",
           quota_cuts, reported_total, verified, unreported_present, temps_total, after_cut_failures, quota_full, ledger_ok,
           ledger_over, ledger_stale, ledger_bad, ledger_missing, probe_n, ledger_trusted_stale);
    if (!durable) {
        printf("powerloss: negative control: %lu of %lu reported messages lost (missing or damaged), %lu files damaged "
               "under a final name, %lu stray temporaries, in %lu of %lu cuts (",
               lost, reported_total, damaged, stray_temps, cuts_with_loss, cuts);
        for (size_t i = 0; i < nmodels; i++)
            printf("%s%s %lu of %lu", i ? ", " : "", model[i], per_model_lost[i], per_model[i]);
        printf(")\n");
        REL_CHECK(lost + damaged > 0, "the negative control lost nothing: the simulator does not model power loss");
    }
    REL_CHECK(reported_total > 0, "no delivery completed before any cut");
    dw_envelope_free(env);
    rel_idx_free(&seen);
    return 0;
}
