/* SPDX-License-Identifier: MIT */
/*
 * One dw_drop shared by several threads (the rule in doc/thread-safety.md): one-shot, streamed and batch
 * writes, usage and sweep run at the same time on one handle, with a quota and with an injected fault
 * budget the threads consume together. Checks every message landed whole under its own name and that
 * exactly the injected number of writes failed. make check runs it as built; tests/threads/tsan.sh
 * builds it with the library under ThreadSanitizer (clang -fsanitize=thread) and fails on any report.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dropwatch.h>
#include <dropwatch/testing.h>

#define THREADS 4
#define ROUNDS 25
#define FAULTS 7

static int failures;
#define CHECK(cond, ...)                                                                                     \
    do {                                                                                                     \
        if (!(cond)) {                                                                                       \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                             \
            fprintf(stderr, __VA_ARGS__);                                                                    \
            fputc('\n', stderr);                                                                             \
            __atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED);                                              \
        }                                                                                                    \
    } while (0)

typedef struct worker {
    dw_drop *drop;
    const dw_envelope *env; /* shared read-only by every thread */
    int id;
    int written;   /* messages published */
    int injected;  /* writes that failed with the injected errno */
} worker;

static void *writer(void *arg)
{
    worker *w = arg;
    char body[256], name[DW_FILE_NAME_MAX];
    dw_io_error err;
    for (int r = 0; r < ROUNDS; r++) {
        int n = snprintf(body, sizeof body, "Subject: t%d r%d\r\n\r\nthread %d round %d\r\n", w->id, r, w->id, r);
        dw_status st;
        switch (r % 3) {
        case 0: {
            dw_msg_options mo = DW_MSG_OPTIONS_INIT;
            mo.envelope = w->env;
            st = dw_drop_write(w->drop, body, (size_t)n, &mo, name, sizeof name, NULL, &err);
            break;
        }
        case 1: {
            dw_msg *m = NULL;
            st = dw_msg_begin(w->drop, &m, NULL, &err);
            if (st == DW_OK)
                st = dw_msg_write(m, body, 10, &err);
            if (st == DW_OK)
                st = dw_msg_write(m, body + 10, (size_t)n - 10, &err);
            if (st == DW_OK)
                st = dw_msg_commit(m, name, sizeof name, NULL, &err);
            else if (m)
                dw_msg_abort(m);
            break;
        }
        default: {
            const void *bufs[2] = {body, body};
            size_t lens[2] = {(size_t)n, (size_t)n}, done = 0;
            st = dw_drop_write_batch(w->drop, bufs, lens, 2, NULL, NULL, 0, &done, &err);
            w->written += (int)done;
            if (st == DW_E_IO && err.sys_errno == EROFS)
                w->injected++;
            else
                CHECK(st == DW_OK, "batch: %s %s", dw_status_name(st), err.detail);
            continue;
        }
        }
        if (st == DW_OK)
            w->written++;
        else if (st == DW_E_IO && err.sys_errno == EROFS)
            w->injected++;
        else
            CHECK(0, "thread %d round %d: %s %s", w->id, r, dw_status_name(st), err.detail);
    }
    return NULL;
}

static void *observer(void *arg)
{
    dw_drop *drop = arg;
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t bytes, files, removed;
        dw_io_error err;
        CHECK(dw_drop_usage(drop, &bytes, &files, &err) == DW_OK, "usage: %s", err.detail);
        CHECK(dw_drop_sweep(drop, 3600, &removed, &err) == DW_OK, "sweep: %s", err.detail);
        CHECK(removed == 0, "sweep removed a live temporary file");
        CHECK(dw_drop_path(drop) != NULL, "path");
    }
    return NULL;
}

static int count_files(const char *dir, int *temps)
{
    DIR *d = opendir(dir);
    int n = 0;
    *temps = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && strcmp(e->d_name + l - 4, ".eml") == 0)
            n++;
        else if (strncmp(e->d_name, ".dw", 3) == 0 && l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0)
            (*temps)++;
    }
    if (d)
        closedir(d);
    return n;
}

static int run(const char *dir, uint64_t quota, int faults, int existing)
{
    dw_drop_options o = DW_DROP_OPTIONS_INIT;
    o.quota_bytes = quota;
    o.durability = DW_DURABLE_NONE; /* the rule under test is about threads, not the disk */
    dw_fault f = DW_FAULT_INIT;
    if (faults) {
        f.op = DW_OP_WRITE;
        f.sys_errno = EROFS; /* not retried: each injected failure fails exactly one message */
        f.count = (unsigned)faults;
    }
    dw_drop *drop = NULL;
    dw_io_error err;
    dw_status st = dw_testing_drop_open(&drop, dir, &o, &f, &err);
    CHECK(st == DW_OK, "open: %s %s", dw_status_name(st), err.detail);
    if (st != DW_OK)
        return 0;
    dw_envelope *env = NULL;
    CHECK(dw_envelope_new(&env) == DW_OK && dw_envelope_set_sender(env, "gw@example.com", NULL) == DW_OK &&
              dw_envelope_add_recipient(env, "fax@example.com", NULL) == DW_OK,
          "envelope");
    pthread_t t[THREADS + 1];
    worker w[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i] = (worker){.drop = drop, .env = env, .id = i};
        pthread_create(&t[i], NULL, writer, &w[i]);
    }
    pthread_create(&t[THREADS], NULL, observer, drop);
    for (int i = 0; i <= THREADS; i++)
        pthread_join(t[i], NULL);
    int written = 0, injected = 0;
    for (int i = 0; i < THREADS; i++)
        written += w[i].written, injected += w[i].injected;
    CHECK(injected == faults, "%d injected failures seen, %d armed", injected, faults);
    uint64_t bytes, files;
    CHECK(dw_drop_usage(drop, &bytes, &files, &err) == DW_OK, "usage");
    CHECK(files == (uint64_t)(existing + written), "usage counts %llu files, %d + %d written",
          (unsigned long long)files, existing, written);
    dw_drop_close(drop);
    dw_envelope_free(env);
    return written;
}

int main(void)
{
    char dir[] = "/tmp/dw-threads-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 99;
    }
    int temps;
    int a = run(dir, 0, 0, 0);
    CHECK(count_files(dir, &temps) == a && temps == 0, "run 1: %d files expected, %d temps", a, temps);
    int b = run(dir, 1u << 30, FAULTS, a);
    CHECK(count_files(dir, &temps) == a + b && temps == 0, "run 2: %d files expected, %d temps", a + b, temps);
    /* Clean up the scratch directory. */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char p[512];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    rmdir(dir);
    printf("shared_drop: %d threads x %d rounds, %d + %d messages, %d failures\n", THREADS, ROUNDS, a, b, failures);
    return failures ? 1 : 0;
}
