/* SPDX-License-Identifier: MIT */
/* Helpers shared by the crash, hostile and load programs and the guard Check suites: deterministic message
 * content that a checker can verify from the file alone, directory listing and removal, open-descriptor
 * counting, and small failure reporting macros. Header-only so each program stays one translation unit. */
#ifndef DW_REL_COMMON_H
#define DW_REL_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <signal.h>
#include <sys/prctl.h>
#endif

#define REL_REPORT(what, ...)                                                                      \
    do {                                                                                           \
        fprintf(stderr, "FAIL %s:%d: %s", __FILE__, __LINE__, what);                               \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fputc('\n', stderr);                                                                       \
        exit(1);                                                                                   \
    } while (0)

#define REL_FAIL(...) REL_REPORT("", __VA_ARGS__)

#define REL_CHECK(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            REL_REPORT("(" #cond ") ", __VA_ARGS__);                                               \
    } while (0)

#ifndef _WIN32
/* fork() for a helper process that must not outlive its test. A failed REL_CHECK exits the test without
 * killing its children, and a writer retrying against a full quota or an attacker in its loop would then
 * run for ever, holding the test's output open so that make check waits for it too. On Linux the child
 * gets SIGKILL when the parent dies (and leaves at once if the parent died before it could ask). */
static inline pid_t rel_fork(void)
{
    pid_t parent = getpid();
    pid_t pid = fork();
#ifdef __linux__
    if (pid == 0 && (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent))
        _exit(70);
#endif
    return pid;
}
#endif

static inline uint64_t rel_splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static inline double rel_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline unsigned long rel_env_ulong(const char *name, unsigned long def)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    unsigned long n = strtoul(v, &end, 0);
    return *end ? def : n;
}

/*
 * Message `index` of stream `seed`: a header line naming seed, index and total length, then bytes from a
 * PRNG keyed by (seed, index). Sizes: mostly small, some tens of KiB, a few up to max_large bytes.
 * Returns a malloc'd buffer and its length.
 */
#define REL_HEADER_FMT "X-DW-Test: seed=%016" PRIx64 " index=%" PRIu64 " length=%zu\r\n"

static inline size_t rel_msg_length(uint64_t seed, uint64_t index, size_t max_large)
{
    uint64_t s = seed ^ (index * 0xD1B54A32D192ED03ull);
    uint64_t r = rel_splitmix(&s);
    unsigned cls = (unsigned)(r % 100);
    size_t len;
    if (cls < 60)
        len = 100 + (size_t)((r >> 8) % 4000);
    else if (cls < 92 || max_large <= 65536)
        len = 4096 + (size_t)((r >> 8) % 61440);
    else
        len = 65536 + (size_t)((r >> 8) % (max_large - 65536));
    return len;
}

static inline char *rel_msg(uint64_t seed, uint64_t index, size_t max_large, size_t *out_len)
{
    size_t len = rel_msg_length(seed, index, max_large);
    char *buf = malloc(len);
    if (!buf)
        REL_FAIL("out of memory");
    int h = snprintf(buf, len, REL_HEADER_FMT, seed, index, len);
    if (h < 0 || (size_t)h >= len)
        REL_FAIL("message too short for its header");
    uint64_t s = seed * 31 + index;
    for (size_t i = (size_t)h; i < len; i += 8) {
        uint64_t r = rel_splitmix(&s);
        size_t k = len - i < 8 ? len - i : 8;
        memcpy(buf + i, &r, k);
    }
    *out_len = len;
    return buf;
}

/*
 * Verify a delivered file: it must be exactly the message its header names. Returns 0 and the index on
 * success; -1 with a reason in why[] otherwise.
 */
static inline int rel_verify_file(int dirfd, const char *name, uint64_t want_seed, size_t max_large, uint64_t *index,
                                  char *why, size_t whylen)
{
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, whylen, "open: %s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(why, whylen, "not a regular file");
        return -1;
    }
    size_t len = (size_t)st.st_size;
    char *data = malloc(len + 1);
    if (!data)
        REL_FAIL("out of memory");
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, data + got, len - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    data[got] = '\0';
    uint64_t seed, idx;
    size_t hlen;
    int rc = -1;
    if (got != len) {
        snprintf(why, whylen, "short read %zu of %zu", got, len);
    } else if (sscanf(data, "X-DW-Test: seed=%" SCNx64 " index=%" SCNu64 " length=%zu", &seed, &idx, &hlen) != 3) {
        snprintf(why, whylen, "no test header (%zu bytes)", len);
    } else if (seed != want_seed) {
        snprintf(why, whylen, "foreign seed %016" PRIx64, seed);
    } else if (hlen != len) {
        snprintf(why, whylen, "index %" PRIu64 ": %zu bytes, header says %zu (incomplete)", idx, len, hlen);
    } else {
        size_t elen;
        char *expect = rel_msg(seed, idx, max_large, &elen);
        if (elen != len || memcmp(expect, data, len) != 0)
            snprintf(why, whylen, "index %" PRIu64 ": content differs from what was sent", idx);
        else
            rc = 0;
        free(expect);
        *index = idx;
    }
    free(data);
    return rc;
}

static inline int rel_has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static inline int rel_is_temp(const char *name)
{
    return strncmp(name, ".dwtmp-", 7) == 0 && rel_has_suffix(name, ".tmp");
}

/* Descriptors this process has open (leak checks compare the count before and after). */
static inline int rel_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n - 1; /* the listing's own descriptor */
}

/* Write `size` bytes of 'x' to dir/name and, when age is not 0, date its times `age` seconds back (stale
 * temporary files for the sweep). Returns 0, or -1 with errno set. */
static inline int rel_write_aged(const char *dir, const char *name, size_t size, time_t age)
{
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        return -1;
    for (size_t i = 0; i < size; i++)
        fputc('x', f);
    if (fclose(f) != 0)
        return -1;
    if (!age)
        return 0;
    struct timespec ts[2];
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec -= age;
    ts[1] = ts[0];
    return utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW);
}

/* Whether dir/name exists (as itself: a symlink counts, its target is not followed). */
static inline int rel_exists(const char *dir, const char *name)
{
    char p[2048];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &sb) == 0;
}

/* Recursively remove a directory tree (test scratch only). */
static inline void rel_rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        chmod(path, 0700);
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                size_t n = strlen(path) + strlen(e->d_name) + 2;
                char *sub = malloc(n);
                if (!sub)
                    continue;
                snprintf(sub, n, "%s/%s", path, e->d_name);
                rel_rm_rf(sub);
                free(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

#endif /* DW_REL_COMMON_H */
