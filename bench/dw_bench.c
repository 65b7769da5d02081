/* SPDX-License-Identifier: MIT */
/*
 * dw_bench - libdropwatch benchmark (issue 8).
 *
 * Measures guarded writes against the raw syscall sequence, batch delivery, latency as the drop directory
 * fills, concurrent writers, and the pure functions, always as a ratio against a baseline measured in the
 * same run with library and baseline rounds alternating. Prints a Markdown table and writes it as
 * Markdown and CSV. See doc/performance.md; `dw_bench --help` lists the options.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dropwatch.h"
#include "bench.h"

bench_config bench_cfg;

static void usage(FILE *f)
{
    fputs("Usage: dw_bench [options]\n"
          "Benchmark libdropwatch against raw syscalls and naive baselines; prints a Markdown table.\n"
          "\n"
          "  --dir DIR          benchmark in DIR (repeatable; default: /tmp and the current directory).\n"
          "                     A scratch subdirectory is created and removed in each.\n"
          "  --sizes LIST       message sizes in bytes for delivery (default 4096,65536,1048576; k/m suffixes ok)\n"
          "  --count N          durable 4 KiB files per side and round (larger sizes scale down,\n"
          "                     non-durable runs write 4x as many); default: adaptive, see --run-ms\n"
          "  --run-ms MS        adaptive counts: target duration of one side's run per round (default 100;\n"
          "                     durable 4 KiB delivery gets 3x, concurrent writers 1/2 with twice the rounds)\n"
          "  --rounds N         paired library/baseline rounds per figure (default 5)\n"
          "  --batch N          batch size for the batch API (default 64). Batches run before the other\n"
          "                     file-system sections, twice: in directories spread to fresh block groups\n"
          "                     (an ext2/3/4 parent with chattr +T; the target row) and in place\n"
          "  --batches N        batches per side and round (default: adaptive)\n"
          "  --fill LIST        existing .eml counts for the fill test (default 0,10000,100000)\n"
          "  --fill-writes N    writes measured per side and round in the fill test (default 200)\n"
          "  --fill-mode MODE   'link' (default): existing entries are hard links, one new inode per 1000;\n"
          "                     'create': every existing entry is a new file (slow on busy disks)\n"
          "  --fill-all         run the fill test in every --dir (default: once per file system)\n"
          "  --writers LIST     writer threads/processes (default 1,2,4)\n"
          "  --conc-files N     files per writer per round (default: adaptive)\n"
          "  --pure-ms MS       duration of one pure-function round (default 30)\n"
          "  --only LIST        sections to run: delivery,batch,fill,concurrency,pure,pickup,\n"
          "                     group,uring (default all)\n"
          "  --quick            --run-ms 50, 3 rounds, smaller fill levels (for development; noisier)\n"
          "  --md FILE          write the table as Markdown to FILE\n"
          "  --csv FILE         write the table as CSV to FILE\n"
          "  --verbose          log every row as it is measured\n"
          "  --dump-names       print the validation corpus hex-encoded, one per line, and exit\n"
          "  --utf8-only        with --dump-names/--probe validate: only the valid-UTF-8 names\n"
          "  --probe WHAT       print one figure and exit: 'validate' (ns/name, one round) or\n"
          "                     'deliver' (durable 4 KiB files/s, one run of --count files in the first --dir)\n"
          "  --help             this text\n"
          "\n"
          "Exit status: 0 when every target was met, 1 when a speed target was missed, 3 when a correctness\n"
          "check failed (lost, duplicate or partial files; allocations where none are allowed), 2 on a usage\n"
          "or environment error.\n",
          f);
}

static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s)
        bench_die("bad number '%s'", s);
    if (*end == 'k' || *end == 'K')
        v *= 1024, end++;
    else if (*end == 'm' || *end == 'M')
        v *= 1024 * 1024, end++;
    if (*end != '\0')
        bench_die("bad number '%s'", s);
    return (size_t)v;
}

static unsigned parse_uint(const char *s)
{
    size_t v = parse_size(s);
    if (v > 100000000)
        bench_die("number too large: '%s'", s);
    return (unsigned)v;
}

/* Parse "a,b,c" into out[]; returns the count. */
static size_t parse_list(const char *s, size_t *out, size_t max)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (n == max)
            bench_die("too many values in '%s'", s);
        out[n++] = parse_size(t);
    }
    if (n == 0)
        bench_die("empty list '%s'", s);
    return n;
}

static unsigned parse_sections(const char *s)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    unsigned bits = 0;
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "delivery") == 0)
            bits |= BENCH_S_DELIVERY;
        else if (strcmp(t, "batch") == 0)
            bits |= BENCH_S_BATCH;
        else if (strcmp(t, "fill") == 0)
            bits |= BENCH_S_FILL;
        else if (strcmp(t, "concurrency") == 0)
            bits |= BENCH_S_CONC;
        else if (strcmp(t, "pure") == 0)
            bits |= BENCH_S_PURE;
        else if (strcmp(t, "group") == 0)
            bits |= BENCH_S_GROUP;
        else if (strcmp(t, "uring") == 0)
            bits |= BENCH_S_URING;
        else if (strcmp(t, "pickup") == 0)
            bits |= BENCH_S_PICKUP;
        else if (strcmp(t, "all") == 0)
            bits |= BENCH_S_ALL;
        else
            bench_die("unknown section '%s' (delivery, batch, fill, concurrency, pure, pickup)", t);
    }
    return bits;
}

enum {
    OPT_DIR = 256, OPT_SIZES, OPT_COUNT, OPT_ROUNDS, OPT_BATCH, OPT_BATCHES, OPT_FILL, OPT_FILL_WRITES,
    OPT_WRITERS, OPT_CONC_FILES, OPT_PURE_MS, OPT_ONLY, OPT_QUICK, OPT_MD, OPT_CSV, OPT_VERBOSE,
    OPT_DUMP, OPT_UTF8, OPT_PROBE, OPT_HELP, OPT_FILL_MODE, OPT_FILL_ALL, OPT_RUN_MS
};

static double probe_deliver(const char *parent, unsigned count)
{
    char dir[4096];
    bench_scratch_make(parent, "probe", dir, sizeof dir);
    char msg[4096];
    memset(msg, 'p', sizeof msg);
    dw_drop *d = NULL;
    dw_io_error err;
    if (dw_drop_open(&d, dir, NULL, &err) != DW_OK)
        bench_die("dw_drop_open %s failed: %s", dir, err.detail);
    double t0 = bench_now();
    for (unsigned i = 0; i < count; i++) {
        char name[DW_FILE_NAME_MAX];
        if (dw_drop_write(d, msg, sizeof msg, NULL, name, sizeof name, NULL, &err) != DW_OK)
            bench_die("dw_drop_write failed: %s (errno %d)", dw_class_name(err.io_class), err.sys_errno);
    }
    double t1 = bench_now();
    dw_drop_close(d);
    bench_scratch_remove(dir);
    return (double)count / (t1 - t0);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, OPT_DIR},
        {"sizes", required_argument, NULL, OPT_SIZES},
        {"count", required_argument, NULL, OPT_COUNT},
        {"rounds", required_argument, NULL, OPT_ROUNDS},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"batches", required_argument, NULL, OPT_BATCHES},
        {"fill", required_argument, NULL, OPT_FILL},
        {"fill-writes", required_argument, NULL, OPT_FILL_WRITES},
        {"writers", required_argument, NULL, OPT_WRITERS},
        {"conc-files", required_argument, NULL, OPT_CONC_FILES},
        {"pure-ms", required_argument, NULL, OPT_PURE_MS},
        {"only", required_argument, NULL, OPT_ONLY},
        {"quick", no_argument, NULL, OPT_QUICK},
        {"md", required_argument, NULL, OPT_MD},
        {"csv", required_argument, NULL, OPT_CSV},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"dump-names", no_argument, NULL, OPT_DUMP},
        {"utf8-only", no_argument, NULL, OPT_UTF8},
        {"probe", required_argument, NULL, OPT_PROBE},
        {"help", no_argument, NULL, OPT_HELP},
        {"fill-mode", required_argument, NULL, OPT_FILL_MODE},
        {"fill-all", no_argument, NULL, OPT_FILL_ALL},
        {"run-ms", required_argument, NULL, OPT_RUN_MS},
        {NULL, 0, NULL, 0},
    };
    /* Options given explicitly win over --quick, whatever their order. */
    int set_run_ms = 0, set_rounds = 0, set_fill = 0, set_fill_writes = 0, set_pure = 0;
    int dump = 0, utf8_only = 0;
    const char *probe = NULL;
    bench_config *c = &bench_cfg;
    size_t list[BENCH_MAX_LIST];
    c->sizes[0] = 4096, c->sizes[1] = 65536, c->sizes[2] = 1048576, c->nsizes = 3;
    c->count_4k = 0;
    c->run_ms = 100;
    c->rounds = 5;
    c->batch = 64;
    c->batches = 0;
    c->fills[0] = 0, c->fills[1] = 10000, c->fills[2] = 100000, c->nfills = 3;
    c->fill_writes = 200;
    c->writers[0] = 1, c->writers[1] = 2, c->writers[2] = 4, c->nwriters = 3;
    c->conc_files = 0;
    c->pure_ms = 30;
    c->sections = BENCH_S_ALL;
    c->fill_link = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (opt) {
        case OPT_DIR:
            if (c->ndirs == BENCH_MAX_DIRS)
                bench_die("too many --dir");
            c->dirs[c->ndirs++] = optarg;
            break;
        case OPT_SIZES:
            c->nsizes = parse_list(optarg, c->sizes, BENCH_MAX_LIST);
            break;
        case OPT_COUNT:
            c->count_4k = parse_uint(optarg);
            break;
        case OPT_ROUNDS:
            c->rounds = parse_uint(optarg), set_rounds = 1;
            if (c->rounds < 1 || c->rounds > 256)
                bench_die("--rounds must be 1..256");
            break;
        case OPT_BATCH:
            c->batch = parse_uint(optarg);
            if (c->batch < 1)
                bench_die("--batch must be at least 1");
            break;
        case OPT_BATCHES:
            c->batches = parse_uint(optarg);
            break;
        case OPT_FILL:
            c->nfills = parse_list(optarg, list, BENCH_MAX_LIST), set_fill = 1;
            for (size_t i = 0; i < c->nfills; i++)
                c->fills[i] = (unsigned)list[i];
            break;
        case OPT_FILL_WRITES:
            c->fill_writes = parse_uint(optarg), set_fill_writes = 1;
            break;
        case OPT_WRITERS:
            c->nwriters = parse_list(optarg, list, BENCH_MAX_LIST);
            for (size_t i = 0; i < c->nwriters; i++)
                c->writers[i] = (unsigned)list[i];
            break;
        case OPT_CONC_FILES:
            c->conc_files = parse_uint(optarg);
            break;
        case OPT_PURE_MS:
            c->pure_ms = (double)parse_uint(optarg), set_pure = 1;
            break;
        case OPT_ONLY:
            c->sections = parse_sections(optarg);
            break;
        case OPT_QUICK:
            c->quick = 1;
            break;
        case OPT_MD:
            c->md_path = optarg;
            break;
        case OPT_CSV:
            c->csv_path = optarg;
            break;
        case OPT_VERBOSE:
            c->verbose = 1;
            break;
        case OPT_DUMP:
            dump = 1;
            break;
        case OPT_UTF8:
            utf8_only = 1;
            break;
        case OPT_PROBE:
            probe = optarg;
            break;
        case OPT_FILL_MODE:
            if (strcmp(optarg, "link") == 0)
                c->fill_link = 1;
            else if (strcmp(optarg, "create") == 0)
                c->fill_link = 0;
            else
                bench_die("--fill-mode must be link or create");
            break;
        case OPT_RUN_MS:
            c->run_ms = (double)parse_uint(optarg), set_run_ms = 1;
            if (c->run_ms < 1)
                bench_die("--run-ms must be at least 1");
            break;
        case OPT_FILL_ALL:
            c->fill_all = 1;
            break;
        case OPT_HELP:
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    if (c->quick) {
        if (!set_run_ms)
            c->run_ms = 50;
        if (!set_rounds)
            c->rounds = 3;
        if (!set_fill)
            c->fills[0] = 0, c->fills[1] = 2000, c->fills[2] = 10000, c->nfills = 3;
        if (!set_fill_writes)
            c->fill_writes = 60;
        if (!set_pure)
            c->pure_ms = 10;
    }
    if (c->ndirs == 0) {
        c->dirs[c->ndirs++] = "/tmp";
        c->dirs[c->ndirs++] = ".";
    }
    for (size_t i = 0; i < c->ndirs; i++) {
        struct stat st;
        if (stat(c->dirs[i], &st) != 0 || !S_ISDIR(st.st_mode))
            bench_die("--dir %s is not a directory", c->dirs[i]);
    }
    if (dump) {
        bench_dump_names(utf8_only);
        return 0;
    }
    bench_catch_signals();
    if (probe != NULL) {
        if (strcmp(probe, "validate") == 0)
            printf("%.3f\n", bench_validate_ns(utf8_only, c->pure_ms));
        else if (strcmp(probe, "deliver") == 0)
            printf("%.1f\n", probe_deliver(c->dirs[0], c->count_4k ? c->count_4k : 200));
        else
            bench_die("unknown --probe '%s' (validate, deliver)", probe);
        return 0;
    }

    double start = bench_now(), t0;
    if (c->sections & BENCH_S_PURE) {
        bench_log("pure functions");
        t0 = bench_now();
        bench_pure();
        bench_log("  pure functions took %.1f s", bench_now() - t0);
    }
    /*
     * Batches first, in every directory, before any section has deleted files: on a journal-less ext4 the
     * creations that follow mass deletions are slow for minutes, the same for every side, which hides the
     * flush the batch saves (see batch_round in bench_io.c).
     */
    for (size_t i = 0; i < c->ndirs && (c->sections & BENCH_S_BATCH); i++) {
        bench_log("batch in %s", c->dirs[i]);
        t0 = bench_now();
        bench_batch(c->dirs[i]);
        bench_log("  took %.1f s", bench_now() - t0);
    }
    /* Group commit in the first directory only (a minute of runs per file system would break the budget). */
    if (c->ndirs && (c->sections & BENCH_S_GROUP)) {
        bench_log("group commit in %s", c->dirs[0]);
        t0 = bench_now();
        bench_group(c->dirs[0]);
        bench_log("  took %.1f s", bench_now() - t0);
    }
    if (c->ndirs && (c->sections & BENCH_S_URING)) {
        bench_log("io_uring in %s", c->dirs[0]);
        t0 = bench_now();
        bench_uring(c->dirs[0]);
        bench_log("  took %.1f s", bench_now() - t0);
    }
    for (size_t i = 0; i < c->ndirs; i++) {
        if (c->sections & BENCH_S_DELIVERY) {
            bench_log("delivery in %s", c->dirs[i]);
            t0 = bench_now();
            bench_delivery(c->dirs[i]);
            bench_log("  took %.1f s", bench_now() - t0);
        }
        if (c->sections & BENCH_S_PICKUP) {
            bench_log("pickup in %s", c->dirs[i]);
            t0 = bench_now();
            bench_pickup(c->dirs[i]);
            bench_log("  took %.1f s", bench_now() - t0);
        }
        if (c->sections & BENCH_S_CONC) {
            bench_log("concurrency in %s", c->dirs[i]);
            t0 = bench_now();
            bench_concurrency(c->dirs[i]);
            bench_log("  took %.1f s", bench_now() - t0);
        }
        if (c->sections & BENCH_S_FILL) {
            /* The fill test is the slowest; a second directory on the same file system adds nothing. */
            size_t same = i;
            struct stat a, b;
            for (size_t j = 0; j < i && !c->fill_all; j++)
                if (stat(c->dirs[i], &a) == 0 && stat(c->dirs[j], &b) == 0 && a.st_dev == b.st_dev)
                    same = j;
            if (same == i) {
                bench_log("fill in %s", c->dirs[i]);
                t0 = bench_now();
                bench_fill(c->dirs[i]);
                bench_log("  took %.1f s", bench_now() - t0);
            } else {
                char fs[512], note[700];
                bench_fs_label(c->dirs[i], fs, sizeof fs);
                snprintf(note, sizeof note, "same file system (device) as %s, measured there; --fill-all measures it again",
                         c->dirs[same]);
                bench_row_text("3. Latency as the directory fills", fs, "skipped", NULL, NULL, NULL, NULL, NULL, NULL,
                               "—", note);
            }
        }
    }
    char machine[4096];
    bench_machine_md(machine, sizeof machine);
    if (bench_report_write(c->md_path, c->csv_path, machine, bench_now() - start) != 0)
        return 2;
    if (bench_report_failures())
        return 3;
    return bench_report_misses() ? 1 : 0;
}
