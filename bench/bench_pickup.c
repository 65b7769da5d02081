/* SPDX-License-Identifier: MIT */
/*
 * bench_pickup.c - section "pickup": how fast the pickup loop (dw_pickup_next, read the MIME part,
 * dw_pickup_ack) empties a drop directory, against the loop gateways write by hand (readdir, open, read,
 * close, unlink) over the same messages, in alternating rounds of the same run. Two pairs: without any
 * fsync on either side, and durable (the library's fsync after each acknowledgement against the hand loop
 * with an fsync of the directory after each unlink).
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dropwatch.h>

#include "bench.h"

/* Fill dir with n enveloped messages of `bytes` MIME bytes (guarded writes, no fsync: setup only). */
static void fill_messages(const char *dir, unsigned n, size_t bytes)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = DW_DURABLE_NONE;
    dw_drop *d;
    dw_io_error err;
    if (dw_drop_open(&d, dir, &o, &err) != DW_OK)
        bench_die("pickup: open %s: %s", dir, err.detail);
    dw_envelope *env;
    if (dw_envelope_new(&env) != DW_OK || dw_envelope_set_sender(env, "gw@example.com", NULL) != DW_OK ||
        dw_envelope_add_recipient(env, "fax@example.com", NULL) != DW_OK)
        bench_die("pickup: envelope");
    char *body = malloc(bytes);
    if (!body)
        bench_die("pickup: out of memory");
    memset(body, 'm', bytes);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    for (unsigned i = 0; i < n; i++)
        if (dw_drop_write(d, body, bytes, &mo, NULL, 0, NULL, &err) != DW_OK)
            bench_die("pickup: fill %s: %s", dir, err.detail);
    free(body);
    dw_envelope_free(env);
    dw_drop_close(d);
}

/* The library loop; returns messages per second (dies when not every message came out). */
static double lib_loop(const char *dir, unsigned n, int durable)
{
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.durable = durable;
    double t0 = bench_now();
    dw_pickup *p;
    dw_io_error err;
    if (dw_pickup_open(&p, dir, &o, &err) != DW_OK)
        bench_die("pickup: open %s: %s", dir, err.detail);
    char buf[65536];
    unsigned got = 0;
    for (;;) {
        dw_pickup_msg *m;
        if (dw_pickup_next(p, &m, &err) != DW_OK)
            bench_die("pickup: next: %s", err.detail);
        if (!m)
            break;
        size_t k;
        do {
            if (dw_pickup_msg_read(m, buf, sizeof buf, &k, &err) != DW_OK)
                bench_die("pickup: read: %s", err.detail);
        } while (k);
        if (dw_pickup_ack(m, &err) != DW_OK)
            bench_die("pickup: ack: %s", err.detail);
        got++;
    }
    dw_pickup_close(p);
    double t = bench_now() - t0;
    if (got != n)
        bench_die("pickup: library loop took %u of %u messages", got, n);
    return n / t;
}

/* The hand-written loop every gateway has: readdir, open, read, close, unlink (fsync of the directory
 * after each unlink when durable). It checks nothing: no envelope, no completeness, no claim. */
static double raw_loop(const char *dir, unsigned n, int durable)
{
    double t0 = bench_now();
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd >= 0 ? fdopendir(dup(dfd)) : NULL;
    if (!d)
        bench_die("pickup: opendir %s", dir);
    char buf[65536];
    unsigned got = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        while (read(fd, buf, sizeof buf) > 0) {
        }
        close(fd);
        if (unlinkat(dfd, e->d_name, 0) == 0)
            got++;
        if (durable)
            fsync(dfd);
    }
    closedir(d);
    close(dfd);
    double t = bench_now() - t0;
    if (got != n)
        bench_die("pickup: hand loop took %u of %u messages", got, n);
    return n / t;
}

/* The pickup work folders are empty after a clean run: remove them so bench_scratch_remove (one level)
 * can take the rest. */
static void remove_work_dirs(const char *dir)
{
    static const char *const sub[] = {"/.dwpickup/claimed", "/.dwpickup/quarantine", "/.dwpickup"};
    char path[4200];
    for (size_t i = 0; i < sizeof sub / sizeof sub[0]; i++) {
        snprintf(path, sizeof path, "%s%s", dir, sub[i]);
        if (rmdir(path) != 0)
            bench_die("pickup: rmdir %s (not empty?)", path);
    }
}

void bench_pickup(const char *parent)
{
    char fs[512], dir[4096];
    bench_fs_label(parent, fs, sizeof fs);
    unsigned n = bench_cfg.quick ? 200 : 1000;
    unsigned rounds = bench_cfg.rounds > 64 ? 64 : bench_cfg.rounds;
    if (rounds == 0)
        rounds = 1;
    for (int durable = 0; durable < 2; durable++) {
        unsigned count = durable ? n / 4 : n;
        double lib[64], base[64];
        for (unsigned r = 0; r < rounds; r++) {
            for (int side = 0; side < 2; side++) {
                int is_lib = (side == 0) == (r % 2 == 0);
                bench_scratch_make(parent, is_lib ? "pickup-lib" : "pickup-raw", dir, sizeof dir);
                fill_messages(dir, count, 4096);
                sync();
                if (is_lib) {
                    lib[r] = lib_loop(dir, count, durable);
                    remove_work_dirs(dir);
                } else
                    base[r] = raw_loop(dir, count, durable);
                bench_scratch_remove(dir);
            }
        }
        char what[128], note[256];
        snprintf(what, sizeof what, "pickup of 4 KiB messages%s", durable ? ", durable ack" : ", no fsync");
        snprintf(note, sizeof note,
                 "%u messages per round: claim (rename), envelope check, read, %s; hand loop: readdir+open+read+unlink%s",
                 count, durable ? "unlink + folder fsync" : "unlink", durable ? " + dir fsync" : "");
        bench_row_pair("6. Pickup throughput", fs, what, "msgs/s", BENCH_HIGHER_BETTER, lib, base, rounds,
                       "hand-written readdir loop", 0, 0, note);
    }
}
