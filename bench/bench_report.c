/* SPDX-License-Identifier: MIT */
/*
 * bench_report.c - timing, statistics, result rows and the Markdown/CSV report of dw_bench.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <time.h>

#include "bench.h"

/*
 * Ctrl-C or kill: the handler only notes the signal; bench_now(), which every timed loop calls, exits from
 * normal context so that atexit() removes the scratch directories (no directory walking in a handler).
 */
static volatile sig_atomic_t stop_signal;
static pid_t stop_owner;
static pthread_t stop_thread;

static void note_signal(int sig)
{
    stop_signal = sig;
}

void bench_catch_signals(void)
{
    stop_owner = getpid();
    stop_thread = pthread_self();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = note_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGINT, &sa, NULL);
    (void)sigaction(SIGTERM, &sa, NULL);
    (void)sigaction(SIGHUP, &sa, NULL);
}

double bench_now(void)
{
    /* Only the main thread of the main process stops: writer threads and processes finish their
       (bounded) work first, so nothing still writes while the scratch directories are removed. */
    if (stop_signal != 0 && getpid() == stop_owner && pthread_equal(pthread_self(), stop_thread)) {
        int sig = stop_signal;
        fprintf(stderr, "dw_bench: stopped by signal %d; removing scratch directories\n", sig);
        exit(128 + sig);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double bench_quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double *c = malloc(n * sizeof *c);
    if (c == NULL)
        bench_die("out of memory");
    memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    /* Linear interpolation between closest ranks (the usual "type 7" definition). */
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos);
    size_t hi = lo + 1 < n ? lo + 1 : lo;
    double r = c[lo] + (c[hi] - c[lo]) * (pos - (double)lo);
    free(c);
    return r;
}

double bench_median(const double *v, size_t n)
{
    return bench_quantile(v, n, 0.5);
}

double bench_min(const double *v, size_t n)
{
    double m = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (v[i] < m)
            m = v[i];
    return n ? m : NAN;
}

double bench_max(const double *v, size_t n)
{
    double m = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (v[i] > m)
            m = v[i];
    return n ? m : NAN;
}

void bench_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dw_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void bench_die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("dw_bench: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

/* ---- rows ------------------------------------------------------------------------------------------ */

typedef struct bench_row {
    char section[64];
    char fs[160];
    char what[128];
    char unit[32];
    char lib[128];
    char base_name[64];
    char base[128];
    char ratio[128];
    char target[64];
    char result[8];
    char note[512];
    int numeric; /* lib holds a number in `unit` (added by bench_row_pair) */
} bench_row;

static bench_row *rows;
static size_t nrows, caprows;

static void copy(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

void bench_row_text(const char *section, const char *fs, const char *what, const char *unit,
                    const char *lib, const char *base_name, const char *base, const char *ratio,
                    const char *target, const char *result, const char *note)
{
    if (nrows == caprows) {
        caprows = caprows ? caprows * 2 : 64;
        rows = realloc(rows, caprows * sizeof *rows);
        if (rows == NULL)
            bench_die("out of memory");
    }
    bench_row *r = &rows[nrows++];
    r->numeric = 0;
    copy(r->section, sizeof r->section, section);
    copy(r->fs, sizeof r->fs, fs);
    copy(r->what, sizeof r->what, what);
    copy(r->unit, sizeof r->unit, unit);
    copy(r->lib, sizeof r->lib, lib);
    copy(r->base_name, sizeof r->base_name, base_name);
    copy(r->base, sizeof r->base, base);
    copy(r->ratio, sizeof r->ratio, ratio);
    copy(r->target, sizeof r->target, target);
    copy(r->result, sizeof r->result, result);
    copy(r->note, sizeof r->note, note);
    if (bench_cfg.verbose)
        bench_log("%s | %s | %s: %s %s vs %s %s -> %s %s", section, fs ? fs : "", what, lib ? lib : "",
                  unit ? unit : "", base_name ? base_name : "", base ? base : "", ratio ? ratio : "",
                  result ? result : "");
}

/* Format a value with 3 significant digits, switching to plain integers for large values. */
static void fmt_val(char *buf, size_t size, double v)
{
    if (isnan(v))
        snprintf(buf, size, "n/a");
    else if (fabs(v) >= 1000)
        snprintf(buf, size, "%.0f", v);
    else if (fabs(v) >= 100)
        snprintf(buf, size, "%.1f", v);
    else if (fabs(v) >= 10)
        snprintf(buf, size, "%.2f", v);
    else
        snprintf(buf, size, "%.3g", v);
}

static void fmt_spread(char *buf, size_t size, double med, double lo, double hi)
{
    char a[24], b[24], c[24];
    fmt_val(a, sizeof a, med);
    fmt_val(b, sizeof b, lo);
    fmt_val(c, sizeof c, hi);
    snprintf(buf, size, "%s (%s–%s)", a, b, c);
}

void bench_row_pair(const char *section, const char *fs, const char *what, const char *unit, bench_dir dir,
                    const double *lib, const double *base, size_t n, const char *base_name,
                    int target_kind, double target, const char *note)
{
    char libs[128], bases[128], ratios[128], targets[64] = "—", result[8] = "—";
    double ratio[256];
    size_t nr = n < 256 ? n : 256;
    for (size_t i = 0; i < nr; i++)
        ratio[i] = dir == BENCH_HIGHER_BETTER ? lib[i] / base[i] : base[i] / lib[i];
    fmt_spread(libs, sizeof libs, bench_median(lib, n), bench_min(lib, n), bench_max(lib, n));
    fmt_spread(bases, sizeof bases, bench_median(base, n), bench_min(base, n), bench_max(base, n));
    double rmed = bench_median(ratio, nr);
    char a[24], b[24], c[24];
    fmt_val(a, sizeof a, rmed);
    fmt_val(b, sizeof b, bench_min(ratio, nr));
    fmt_val(c, sizeof c, bench_max(ratio, nr));
    snprintf(ratios, sizeof ratios, "%s× (%s–%s)", a, b, c);
    double lmed = bench_median(lib, n);
    if (target_kind == 1) {
        snprintf(targets, sizeof targets, "≥ %.3g×", target);
        copy(result, sizeof result, rmed >= target ? "PASS" : "MISS");
    } else if (target_kind == 2) {
        snprintf(targets, sizeof targets, "≤ %.3g %s", target, unit);
        copy(result, sizeof result, lmed <= target ? "PASS" : "MISS");
    } else if (target_kind == 3) {
        snprintf(targets, sizeof targets, "≥ %.3g %s", target, unit);
        copy(result, sizeof result, lmed >= target ? "PASS" : "MISS");
    }
    if (isnan(rmed) || isnan(lmed))
        copy(result, sizeof result, "n/a");
    bench_row_text(section, fs, what, unit, libs, base_name, bases, ratios, targets, result, note);
    rows[nrows - 1].numeric = 1;
}

unsigned bench_report_misses(void)
{
    unsigned k = 0;
    for (size_t i = 0; i < nrows; i++)
        k += strcmp(rows[i].result, "MISS") == 0 || strcmp(rows[i].result, "FAIL") == 0;
    return k;
}

unsigned bench_report_failures(void)
{
    unsigned k = 0;
    for (size_t i = 0; i < nrows; i++)
        k += strcmp(rows[i].result, "FAIL") == 0;
    return k;
}

/* Markdown cells must not contain '|' or newlines. */
static void md_cell(FILE *f, const char *s)
{
    fputc(' ', f);
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputs(" |", f);
}

static void csv_cell(FILE *f, const char *s, int last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Rows are added as sections run (per directory); print them grouped by section, in section order. */
static void write_md(FILE *f)
{
    const char **sections = malloc((nrows ? nrows : 1) * sizeof *sections);
    if (sections == NULL)
        bench_die("out of memory");
    size_t ns = 0;
    for (size_t i = 0; i < nrows; i++) {
        size_t j = 0;
        while (j < ns && strcmp(sections[j], rows[i].section) != 0)
            j++;
        if (j == ns)
            sections[ns++] = rows[i].section;
    }
    qsort(sections, ns, sizeof *sections, cmp_str);
    /* First the rows that carry a target, so the verdicts are visible at a glance. */
    fputs("\n### Targets\n\n| section | file system | case | library | speed ratio | target | result |\n"
          "|---|---|---|---|---|---|---|\n",
          f);
    for (size_t k = 0; k < ns * nrows; k++) {
        const bench_row *r = &rows[k % nrows];
        if (strcmp(r->section, sections[k / nrows]) != 0)
            continue;
        if (r->target[0] == '\0' || strcmp(r->target, "—") == 0)
            continue;
        char lib[200];
        snprintf(lib, sizeof lib, "%s%s%s", r->lib, r->numeric ? " " : "", r->numeric ? r->unit : "");
        fputc('|', f);
        md_cell(f, r->section);
        md_cell(f, r->fs);
        md_cell(f, r->what);
        md_cell(f, lib);
        md_cell(f, r->ratio);
        md_cell(f, r->target);
        md_cell(f, r->result);
        fputc('\n', f);
    }
    for (size_t s = 0; s < ns; s++) {
        fprintf(f, "\n### %s\n\n", sections[s]);
        fputs("| file system | case | unit | library median (min–max) | baseline | baseline median (min–max) "
              "| speed ratio median (min–max) | target | result | note |\n",
              f);
        fputs("|---|---|---|---|---|---|---|---|---|---|\n", f);
        for (size_t i = 0; i < nrows; i++) {
            const bench_row *r = &rows[i];
            if (strcmp(r->section, sections[s]) != 0)
                continue;
            fputc('|', f);
            md_cell(f, r->fs);
            md_cell(f, r->what);
            md_cell(f, r->unit);
            md_cell(f, r->lib);
            md_cell(f, r->base_name);
            md_cell(f, r->base);
            md_cell(f, r->ratio);
            md_cell(f, r->target);
            md_cell(f, r->result);
            md_cell(f, r->note);
            fputc('\n', f);
        }
    }
    free(sections);
}

int bench_report_write(const char *md_path, const char *csv_path, const char *machine_md, double seconds)
{
    const char *legend =
        "Speed ratio = library speed ÷ baseline speed, computed per round from a library run and the "
        "baseline run right after it (median and min–max over rounds): > 1 means the library is faster. "
        "Library and baseline columns show median (min–max) over rounds.\n";
    printf("\n## libdropwatch benchmark\n\n%s\n%s", machine_md, legend);
    write_md(stdout);
    printf("\nTotal run time: %.1f s; %u row(s) missed a target or failed.\n", seconds, bench_report_misses());
    fflush(stdout);
    int rc = 0;
    if (md_path != NULL) {
        FILE *f = fopen(md_path, "w");
        if (f == NULL) {
            bench_log("cannot write %s: %s", md_path, strerror(errno));
            rc = -1;
        } else {
            fprintf(f, "# libdropwatch benchmark results\n\n%s\n%s", machine_md, legend);
            write_md(f);
            fprintf(f, "\nTotal run time: %.1f s; %u row(s) missed a target or failed.\n", seconds,
                    bench_report_misses());
            if (fclose(f) != 0)
                rc = -1;
        }
    }
    if (csv_path != NULL) {
        FILE *f = fopen(csv_path, "w");
        if (f == NULL) {
            bench_log("cannot write %s: %s", csv_path, strerror(errno));
            rc = -1;
        } else {
            fputs("section,file_system,case,unit,library,baseline,baseline_value,speed_ratio,target,result,note\n", f);
            for (size_t i = 0; i < nrows; i++) {
                const bench_row *r = &rows[i];
                csv_cell(f, r->section, 0);
                csv_cell(f, r->fs, 0);
                csv_cell(f, r->what, 0);
                csv_cell(f, r->unit, 0);
                csv_cell(f, r->lib, 0);
                csv_cell(f, r->base_name, 0);
                csv_cell(f, r->base, 0);
                csv_cell(f, r->ratio, 0);
                csv_cell(f, r->target, 0);
                csv_cell(f, r->result, 0);
                csv_cell(f, r->note, 1);
            }
            if (fclose(f) != 0)
                rc = -1;
        }
    }
    return rc;
}

/* ---- machine description ---------------------------------------------------------------------------- */

/* Undo the octal escapes of /proc/self/mountinfo ("\040" for a space). */
static void unescape_mount(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 3;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* The mount holding a path, from /proc/self/mountinfo. */
typedef struct mount_info {
    char mnt[PATH_MAX];
    char fstype[64];
    char source[256];
    char options[512]; /* per-mount options, then the file system's own */
} mount_info;

/* Find the mount holding `path` (longest mount point that prefixes its real path). */
static int find_mount(const char *path, mount_info *m)
{
    char real[PATH_MAX];
    if (realpath(path, real) == NULL)
        return -1;
    FILE *f = fopen("/proc/self/mountinfo", "r");
    if (f == NULL)
        return -1;
    char line[4096];
    size_t best = 0;
    int found = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        /* id parent major:minor root mountpoint options [optional...] - fstype source superoptions */
        char *save = NULL, *fields[32];
        int nf = 0;
        for (char *t = strtok_r(line, " \n", &save); t != NULL && nf < 32; t = strtok_r(NULL, " \n", &save))
            fields[nf++] = t;
        if (nf < 10)
            continue;
        int dash = -1;
        for (int i = 6; i < nf; i++)
            if (strcmp(fields[i], "-") == 0) {
                dash = i;
                break;
            }
        if (dash < 0 || dash + 2 >= nf)
            continue;
        char mp[PATH_MAX];
        snprintf(mp, sizeof mp, "%s", fields[4]);
        unescape_mount(mp);
        size_t ml = strlen(mp);
        int prefix = strcmp(mp, "/") == 0 ||
                     (strncmp(real, mp, ml) == 0 && (real[ml] == '/' || real[ml] == '\0'));
        if (prefix && (ml >= best)) {
            best = ml;
            found = 0;
            snprintf(m->mnt, sizeof m->mnt, "%s", mp);
            snprintf(m->fstype, sizeof m->fstype, "%s", fields[dash + 1]);
            snprintf(m->source, sizeof m->source, "%s", fields[dash + 2]);
            /* Per-mount options, then the file system's own (e.g. ext4's discard). */
            if (dash + 3 < nf)
                snprintf(m->options, sizeof m->options, "%s,%s", fields[5], fields[dash + 3]);
            else
                snprintf(m->options, sizeof m->options, "%s", fields[5]);
        }
    }
    fclose(f);
    return found;
}

/*
 * " without a journal" for an ext3/ext4 mount that has no jbd2 journal (its /proc/fs/jbd2/<dev>-* entry is
 * missing), else "". It matters: such a file system makes new files skip every inode deleted in the last
 * 30 s to 5.5 min (ext4's recently_deleted()), so file creation slows down after mass deletions.
 */
static const char *journal_note(const char *fstype, const char *source)
{
    if (strcmp(fstype, "ext4") != 0 && strcmp(fstype, "ext3") != 0)
        return "";
    const char *dev = strrchr(source, '/');
    dev = dev != NULL ? dev + 1 : source;
    char p[512];
    snprintf(p, sizeof p, "/proc/fs/ext4/%s", dev);
    struct stat st;
    if (stat(p, &st) != 0)
        return ""; /* cannot tell */
    DIR *d = opendir("/proc/fs/jbd2");
    if (d == NULL)
        return "";
    size_t dl = strlen(dev);
    const char *note = " without a journal";
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, dev, dl) == 0 && e->d_name[dl] == '-')
            note = "";
    closedir(d);
    return note;
}

void bench_fs_describe(const char *path, char *buf, size_t size)
{
    mount_info m;
    if (find_mount(path, &m) != 0)
        snprintf(buf, size, "unknown file system");
    else
        snprintf(buf, size, "%s%s on %s, mounted at %s (%s)", m.fstype, journal_note(m.fstype, m.source), m.source,
                 m.mnt, m.options);
}

void bench_fs_label(const char *path, char *buf, size_t size)
{
    mount_info m;
    if (find_mount(path, &m) != 0)
        snprintf(buf, size, "%s (?)", path);
    else
        snprintf(buf, size, "%s (%s%s)", path, m.fstype, journal_note(m.fstype, m.source));
}

static void cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0) {
            char *c = strchr(line, ':');
            if (c != NULL) {
                c++;
                while (*c == ' ' || *c == '\t')
                    c++;
                c[strcspn(c, "\n")] = '\0';
                snprintf(buf, size, "%s", c);
            }
            break;
        }
    }
    fclose(f);
}

void bench_machine_md(char *buf, size_t size)
{
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    struct utsname u;
    if (uname(&u) != 0)
        memset(&u, 0, sizeof u);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &tm);
    long ncpu = 0;
#ifdef _SC_NPROCESSORS_ONLN
    ncpu = sysconf(_SC_NPROCESSORS_ONLN);
#endif
    size_t off = 0;
    int n = snprintf(buf, size,
                     "- Date: %s\n- CPU: %s, %ld online CPU(s)\n- Kernel: %s %s (%s)\n"
                     "- Options: %u round(s) per figure%s\n",
                     date, cpu, ncpu, u.sysname, u.release, u.machine, bench_cfg.rounds,
                     bench_cfg.quick ? ", --quick" : "");
    if (n > 0)
        off = (size_t)n < size ? (size_t)n : size;
    for (size_t i = 0; i < bench_cfg.ndirs && off < size; i++) {
        char fs[1024];
        bench_fs_describe(bench_cfg.dirs[i], fs, sizeof fs);
        n = snprintf(buf + off, size - off, "- Directory `%s`: %s\n", bench_cfg.dirs[i], fs);
        if (n > 0)
            off += (size_t)n < size - off ? (size_t)n : size - off;
    }
}

int bench_fs_disk_backed(const char *path)
{
    mount_info m;
    if (find_mount(path, &m) != 0)
        return 1;
    return strcmp(m.fstype, "tmpfs") != 0 && strcmp(m.fstype, "ramfs") != 0;
}
