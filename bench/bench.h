/* SPDX-License-Identifier: MIT */
/*
 * bench.h - shared declarations of the libdropwatch benchmark (bench/dw_bench).
 *
 * The benchmark is a program, not a library: it keeps its configuration and its result rows in globals
 * and prints. Every figure it reports is paired with a baseline measured in the same run, in alternating
 * rounds, because the machines it runs on are shared and noisy.
 */
#ifndef DW_BENCH_H
#define DW_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_MAX_DIRS 8
#define BENCH_MAX_LIST 16

/* Everything the command line can change. */
typedef struct bench_config {
    const char *dirs[BENCH_MAX_DIRS]; /* parent directories to benchmark in (a scratch subdir is made) */
    size_t ndirs;
    size_t sizes[BENCH_MAX_LIST];     /* message sizes for delivery */
    size_t nsizes;
    unsigned count_4k;                /* durable 4 KiB files per round (other sizes scale down); 0 = adaptive */
    unsigned rounds;                  /* rounds per figure (each round = one library + one baseline run) */
    unsigned batch;                   /* batch size for the batch API */
    unsigned batches;                 /* batches per side and round; 0 = adaptive */
    unsigned fills[BENCH_MAX_LIST];   /* existing-file counts for the fill test */
    size_t nfills;
    unsigned fill_writes;             /* writes measured per round and fill level */
    int fill_link;                    /* fill with hard links (1 inode per 1000 entries) instead of new files */
    int fill_all;                     /* run the fill test in every dir, not once per file system */
    unsigned writers[BENCH_MAX_LIST]; /* thread/process counts */
    size_t nwriters;
    unsigned conc_files;              /* files per writer per round; 0 = adaptive */
    double run_ms;                    /* adaptive counts: target duration of one side's run in a round */
    double pure_ms;                   /* target duration of one pure-function round */
    unsigned sections;                /* BENCH_S_* bits */
    int quick;
    int verbose;
    const char *md_path;
    const char *csv_path;
} bench_config;

enum {
    BENCH_S_DELIVERY = 1 << 0,
    BENCH_S_BATCH = 1 << 1,
    BENCH_S_FILL = 1 << 2,
    BENCH_S_CONC = 1 << 3,
    BENCH_S_PURE = 1 << 4,
    BENCH_S_PICKUP = 1 << 5,
    BENCH_S_GROUP = 1 << 6,
    BENCH_S_URING = 1 << 7,
    BENCH_S_ALL = 0xff
};

extern bench_config bench_cfg;

/* ---- time and statistics (bench_report.c) ---- */
/* Turn SIGINT/SIGTERM/SIGHUP into a clean exit at the next bench_now() (scratch directories removed). */
void bench_catch_signals(void);
double bench_now(void);                          /* monotonic seconds */
double bench_median(const double *v, size_t n);  /* NaN for n == 0; v is not modified */
double bench_quantile(const double *v, size_t n, double q);
double bench_min(const double *v, size_t n);
double bench_max(const double *v, size_t n);
void bench_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* stderr progress */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- result rows (bench_report.c) ---- */

/* How a figure compares with its baseline. */
typedef enum bench_dir {
    BENCH_HIGHER_BETTER = 0, /* throughput: ratio = library / baseline */
    BENCH_LOWER_BETTER = 1   /* time per operation: ratio = baseline / library */
} bench_dir;

/*
 * Add a row from paired rounds: lib[i] and base[i] were measured back to back. The ratio column is the
 * median (min-max) of the per-round speed ratios (>1: the library is faster than the baseline).
 * target_kind: 0 none, 1 ratio >= target, 2 library value <= target (absolute), 3 library value >= target.
 */
void bench_row_pair(const char *section, const char *fs, const char *what, const char *unit, bench_dir dir,
                    const double *lib, const double *base, size_t n, const char *base_name,
                    int target_kind, double target, const char *note);

/* Add a free-form row (verdicts, allocation counts, derived ratios). Any text may be NULL. */
void bench_row_text(const char *section, const char *fs, const char *what, const char *unit,
                    const char *lib, const char *base_name, const char *base, const char *ratio,
                    const char *target, const char *result, const char *note);

/* Print the table to stdout and write the Markdown and CSV files (paths may be NULL). */
int bench_report_write(const char *md_path, const char *csv_path, const char *machine_md, double seconds);

/* Number of rows whose result is MISS or FAIL. */
unsigned bench_report_misses(void);
unsigned bench_report_failures(void);

/* ---- machine description (bench_report.c) ---- */
/* Describe the file system holding `path` ("ext4 on /dev/vda (/)"). */
void bench_fs_describe(const char *path, char *buf, size_t size);
/* A short label for a row: "<path> (<fstype>)". */
void bench_fs_label(const char *path, char *buf, size_t size);

/* 0 when `path` is on a memory-backed file system (tmpfs, ramfs), where a flush saves nothing; else 1. */
int bench_fs_disk_backed(const char *path);
/* Markdown lines describing CPU, kernel, date and the file systems of the benchmark dirs. */
void bench_machine_md(char *buf, size_t size);

/* ---- heap allocation counting (bench_alloc.c) ---- */
int bench_alloc_supported(void);          /* 0 when the counting allocator is compiled out (sanitizers, non-glibc) */
void bench_alloc_start(void);             /* reset and start counting (all threads) */
uint64_t bench_alloc_stop(void);          /* stop; returns malloc+calloc+realloc+aligned calls since start */

/* ---- scratch directories (bench_io.c) ---- */
/* Make a fresh empty directory under parent; path written to buf. Dies on failure. */
void bench_scratch_make(const char *parent, const char *tag, char *buf, size_t size);
/* Remove every entry of dir (one level) and the dir itself; then sync the file system so writeback of
 * the removal does not land in the next timed round. */
void bench_scratch_remove(const char *dir);
/* Make a scratch directory flagged FS_TOPDIR_FL, so that ext2/3/4 place each subdirectory in a block group
 * of its own ("fresh block groups"). Returns 0 when the flag could not be set (the directory exists). */
int bench_spread_parent(const char *parent, const char *tag, char *buf, size_t size);
/* The raw baseline every section measures the library against: openat(O_EXCL) ".raw-<tag>-<seq>.tmp",
 * write, fsync, close, renameat to "raw-<tag>-<seq>.eml", fsync the directory (durable == 0: no fsyncs).
 * No naming, no retries, no classification. The final name goes to final_out (may be NULL). Dies on failure. */
void bench_raw_write(int dirfd, const char *tag, unsigned seq, const void *data, size_t len, int durable,
                     char *final_out, size_t final_size);
/* Create `n` finished *.eml files of `bytes` bytes quickly (no fsync). */
void bench_fill_dir(const char *dir, unsigned n, size_t bytes);

/* ---- the sections ---- */
void bench_delivery(const char *parent);
void bench_batch(const char *parent);
void bench_fill(const char *parent);
void bench_concurrency(const char *parent);
void bench_pure(void);
void bench_pickup(const char *parent);
void bench_group(const char *parent);
void bench_uring(const char *parent);

/* The corpus of DropDirectory names used for validation (also dumped for the Python benchmark). */
extern const char *const bench_names[];
extern size_t bench_names_len[];
extern const size_t bench_names_count;
/* How many leading names are valid UTF-8 (the rest are not; a Python str cannot carry them). */
size_t bench_names_utf8_count(void);
/* One timed round of dw_name_validate over the corpus, about `ms` long: ns per name. */
double bench_validate_ns(int utf8_only, double ms);
/* Print the corpus to stdout, one hex-encoded name per line. */
void bench_dump_names(int utf8_only);

#endif /* DW_BENCH_H */
