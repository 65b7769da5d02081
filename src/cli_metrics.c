/* SPDX-License-Identifier: MIT */
/* Prometheus metrics of check and watch: the text exposition format 0.0.4 (what node_exporter's textfile
 * collector, promtool and a plain scrape read) and OpenMetrics 1.0 (check --format openmetrics). One
 * series set per connector, labelled by connector name only: names come from the configuration, so the
 * cardinality is bounded by it. The two formats differ only in counter metadata (OpenMetrics names the
 * family without "_total"), UNIT lines and the closing "# EOF". */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#endif

#include "cli_monitor.h"

/* ---- probe results ---------------------------------------------------------------------------------- */

/* Age of the oldest message waiting for the gateway: top-level regular "*.eml" files that are not
 * dot-prefixed (the library's temporaries and canaries are). A gateway that stopped consuming shows here
 * long before the quota fills. */
static int64_t oldest_message_age(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
#ifndef _WIN32
    int dfd = dirfd(d);
#endif
    int64_t oldest = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcasecmp(e->d_name + n - 4, ".eml") != 0)
            continue;
        struct stat st;
#ifdef _WIN32
        /* No fstatat in the Microsoft C runtime: the joined name (no symlinks to follow there). */
        char *full = cli_xmalloc(strlen(path) + n + 2);
        sprintf(full, "%s\\%s", path, e->d_name);
        int bad = stat(full, &st) != 0;
        free(full);
        if (bad || !S_ISREG(st.st_mode))
#else
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
#endif
            continue; /* taken by the gateway meanwhile, or not a message */
        if (oldest < 0 || (int64_t)st.st_mtime < oldest)
            oldest = (int64_t)st.st_mtime;
    }
    closedir(d);
    if (oldest < 0)
        return -1;
    int64_t age = (int64_t)time(NULL) - oldest;
    return age > 0 ? age : 0;
}

void cli_probe_complete(cli_probe_result *r, const char *path, dw_event_mode mode)
{
    /* dw_drop_health() stops at the first failure: what it measured before is valid, the rest is zero
     * and must not be exposed as a measurement. */
    int opened = path && r->h.exists && r->h.is_directory &&
                 (r->ok || (r->err.op != DW_OP_OPEN_DIR && r->err.op != DW_OP_VALIDATE));
    r->have_fs = opened && (r->ok || r->err.op != DW_OP_STAT);
    r->have_usage = r->have_fs && (r->ok || r->err.op != DW_OP_SCAN);
    r->oldest_age = r->have_usage ? oldest_message_age(path) : -1;
    r->event_id = 0;
    if (!r->ok) {
        dw_alert a;
        dw_alert_init(&a);
        a.error = r->err;
        a.event_mode = mode;
        r->event_id = dw_alert_event_id(&a);
    }
}

/* ---- counters --------------------------------------------------------------------------------------- */

static const unsigned event_ids[5] = {8004, 8005, 8007, 8008, 8009};

void cli_metrics_init(cli_metrics *m, size_t n, dw_event_mode mode, int watch)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->c = calloc(n ? n : 1, sizeof *m->c);
    if (!m->c) {
        fputs("dropwatch: out of memory\n", stderr);
        exit(EX_OSERR);
    }
    m->mode = mode;
    m->watch = watch;
}

void cli_metrics_free(cli_metrics *m)
{
    free(m->c);
    memset(m, 0, sizeof *m);
}

void cli_metrics_record(cli_metrics *m, size_t i, const cli_probe_result *r)
{
    cli_metrics_conn *c = &m->c[i];
    c->probes++;
    if (r->ok)
        return;
    c->failures++;
    c->last_class = r->err.io_class;
    c->last_failure_s = (int64_t)time(NULL);
    for (size_t k = 0; k < 5; k++)
        if (event_ids[k] == r->event_id)
            c->alerts[k]++;
}

/* ---- exposition ------------------------------------------------------------------------------------- */

/* A label value: backslash, double quote and newline escaped; invalid UTF-8 becomes U+FFFD (both formats
 * require UTF-8). */
static void put_label(FILE *f, const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t cp;
        if (dw_utf8_next(s, len, &i, &cp) != 1)
            fputs("\xEF\xBF\xBD", f);
        else if (cp == '\\')
            fputs("\\\\", f);
        else if (cp == '"')
            fputs("\\\"", f);
        else if (cp == '\n')
            fputs("\\n", f);
        else
            fwrite(s + start, 1, i - start, f);
    }
}

typedef enum { GAUGE, COUNTER } mtype;

/* HELP and TYPE (and UNIT for OpenMetrics) of a family. name is the sample name; for a counter it ends in
 * "_total", which OpenMetrics leaves out of the family name. */
static void family(FILE *f, int format, const char *name, mtype type, const char *unit, const char *help)
{
    size_t n = strlen(name);
    if (format == CLI_METRICS_OPENMETRICS && type == COUNTER)
        n -= strlen("_total");
    fprintf(f, "# HELP %.*s %s\n# TYPE %.*s %s\n", (int)n, name, help, (int)n, name,
            type == COUNTER ? "counter" : "gauge");
    if (format == CLI_METRICS_OPENMETRICS && unit)
        fprintf(f, "# UNIT %.*s %s\n", (int)n, name, unit);
}

static void sample_start(FILE *f, const char *name, const char *connector)
{
    fprintf(f, "%s{connector=\"", name);
    put_label(f, connector);
    fputc('"', f);
}

static void sample_u64(FILE *f, const char *name, const char *connector, uint64_t v)
{
    sample_start(f, name, connector);
    fprintf(f, "} %llu\n", (unsigned long long)v);
}

/* The per-connector gauges, each with its condition of being measured. */
enum {
    G_HEALTHY, G_FILES, G_USED, G_QUOTA, G_OLDEST, G_STALE, G_FREE, G_SIZE, G_CANARY, G_FAIL_TIME, G_COUNT
};
static const struct {
    const char *name, *unit, *help;
} gauges[G_COUNT] = {
    {"dropwatch_drop_healthy", NULL, "1 when the last probe of the drop directory succeeded, else 0."},
    {"dropwatch_drop_files", NULL, "Top-level files in the drop directory (DropDirectoryQuota accounting)."},
    {"dropwatch_drop_used_bytes", "bytes", "Bytes in top-level files of the drop directory (quota accounting)."},
    {"dropwatch_drop_quota_bytes", "bytes", "Configured DropDirectoryQuota; absent when unlimited."},
    {"dropwatch_drop_oldest_message_age_seconds", "seconds",
     "Age of the oldest message (*.eml) waiting for the gateway; 0 when none waits."},
    {"dropwatch_drop_stale_temp_files", NULL, "Temporary files left by crashed writers (older than --stale-age)."},
    {"dropwatch_drop_free_bytes", "bytes", "Free bytes for the service account on the drop directory's file system."},
    {"dropwatch_drop_filesystem_size_bytes", "bytes", "Size of the drop directory's file system."},
    {"dropwatch_drop_canary_write_seconds", "seconds",
     "Duration of the last canary guarded write (create, write, fsync, rename, directory fsync, unlink)."},
    {"dropwatch_drop_last_failure_timestamp_seconds", "seconds", "Unix time of the last failed probe."},
};

/* Whether gauge g has a value for connector i, and which. */
static int gauge_value(const cli_metrics *m, size_t i, const cli_probe_result *r, int g, uint64_t *u, double *d)
{
    *d = -1;
    *u = 0;
    switch (g) {
    case G_HEALTHY: *u = (uint64_t)r->ok; return 1;
    case G_FILES: *u = r->h.file_count; return r->have_usage;
    case G_USED: *u = r->h.used_bytes; return r->have_usage;
    case G_QUOTA: *u = r->quota; return r->quota != 0;
    case G_OLDEST: *u = r->oldest_age > 0 ? (uint64_t)r->oldest_age : 0; return r->have_usage;
    case G_STALE: *u = r->h.stale_temp_files; return r->have_usage;
    case G_FREE: *u = r->h.free_bytes; return r->have_fs;
    case G_SIZE: *u = r->h.total_bytes; return r->have_fs;
    case G_CANARY: *d = (double)r->h.canary_micros / 1e6; return r->h.writable;
    case G_FAIL_TIME: *u = (uint64_t)m->c[i].last_failure_s; return m->c[i].last_class != DW_CLASS_NONE;
    }
    return 0;
}

void cli_metrics_write(FILE *f, const cli_metrics *m, const cli_probe_result *rs, int format)
{
    for (int g = 0; g < G_COUNT; g++) {
        int any = 0;
        for (size_t i = 0; i < m->n; i++) {
            uint64_t u;
            double d;
            if (!gauge_value(m, i, &rs[i], g, &u, &d))
                continue;
            if (!any++)
                family(f, format, gauges[g].name, GAUGE, gauges[g].unit, gauges[g].help);
            if (d >= 0) {
                sample_start(f, gauges[g].name, rs[i].connector);
                fprintf(f, "} %.6f\n", d);
            } else {
                sample_u64(f, gauges[g].name, rs[i].connector, u);
            }
        }
    }

    /* The enum-as-gauges pattern: one series per class, 1 for the last failure's, so a graph or an alert
     * rule can select a class without the series appearing and vanishing. */
    static const char lf[] = "dropwatch_drop_last_failure_class";
    family(f, format, lf, GAUGE, NULL, "1 for the class of the connector's last failure, 0 for the other classes.");
    for (size_t i = 0; i < m->n; i++) {
        for (int c = 1; c < DW_CLASS_COUNT; c++) {
            sample_start(f, lf, rs[i].connector);
            fprintf(f, ",class=\"%s\"} %d\n", dw_class_name((dw_class)c), m->c[i].last_class == (dw_class)c);
        }
    }

    family(f, format, "dropwatch_drop_probes_total", COUNTER, NULL, "Health probes of the drop directory.");
    for (size_t i = 0; i < m->n; i++)
        sample_u64(f, "dropwatch_drop_probes_total", rs[i].connector, m->c[i].probes);
    family(f, format, "dropwatch_drop_probe_failures_total", COUNTER, NULL, "Failed health probes.");
    for (size_t i = 0; i < m->n; i++)
        sample_u64(f, "dropwatch_drop_probe_failures_total", rs[i].connector, m->c[i].failures);

    /* Only the IDs the event mode can produce: with the default 8004 mode every alert is 8004. */
    family(f, format, "dropwatch_alerts_total", COUNTER, NULL,
           "Alerts raised for the connector, by Exchange event ID (8004; with --event auto also 8005, 8007, 8008, 8009).");
    for (size_t i = 0; i < m->n; i++) {
        for (size_t k = 0; k < (m->mode == DW_EVENT_AUTO ? 5u : 1u); k++) {
            sample_start(f, "dropwatch_alerts_total", rs[i].connector);
            fprintf(f, ",event_id=\"%u\"} %llu\n", event_ids[k], (unsigned long long)m->c[i].alerts[k]);
        }
    }

    if (m->watch) {
        family(f, format, "dropwatch_watch_rounds_total", COUNTER, NULL, "Rounds of probes run by dropwatch watch.");
        fprintf(f, "dropwatch_watch_rounds_total %llu\n", (unsigned long long)m->rounds);
        family(f, format, "dropwatch_watch_last_round_timestamp_seconds", GAUGE, "seconds",
               "Unix time at the end of the last round of dropwatch watch.");
        fprintf(f, "dropwatch_watch_last_round_timestamp_seconds %lld\n", (long long)m->round_time_s);
    }
    if (format == CLI_METRICS_OPENMETRICS)
        fputs("# EOF\n", f);
}

int cli_metrics_textfile(const char *path, const cli_metrics *m, const cli_probe_result *rs)
{
    /* The temporary name starts with a dot and does not end in ".prom": the collector never reads it. */
    const char *slash = strrchr(path, '/');
#ifdef _WIN32
    /* Beside the target, whichever separator its folder uses: MoveFileExW does not cross volumes. */
    const char *bs = strrchr(path, '\\');
    if (bs && (!slash || bs > slash))
        slash = bs;
#endif
    size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
    char *tmp = cli_xmalloc(strlen(path) + 16);
    memcpy(tmp, path, dlen);
    sprintf(tmp + dlen, ".%s.XXXXXX", path + dlen);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return -1;
    }
    FILE *f = fdopen(fd, "wb"); /* "b": no CRLF on Windows; the exposition format is LF */
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    cli_metrics_write(f, m, rs, CLI_METRICS_PROMETHEUS);
    /* mkstemp makes the file 0600; the collector runs as another user. */
#ifdef _WIN32
    /* Windows: the file's ACL is inherited from the folder; _commit is fsync. */
    int bad = fflush(f) != 0 || ferror(f) || _commit(fd) != 0;
#else
    int bad = fflush(f) != 0 || ferror(f) || fchmod(fd, 0644) != 0 || fsync(fd) != 0;
#endif
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
#ifdef _WIN32
    /* The C runtime's rename() refuses an existing target on Windows: replace it atomically instead (the
     * collector sees the old file or the new one, never a missing or partial one), written through. */
    if (!bad) {
        int nw = MultiByteToWideChar(CP_UTF8, 0, path, -1, NULL, 0), tw = MultiByteToWideChar(CP_UTF8, 0, tmp, -1, NULL, 0);
        wchar_t *wpath = nw > 0 ? cli_xmalloc((size_t)nw * sizeof *wpath) : NULL;
        wchar_t *wtmp = tw > 0 ? cli_xmalloc((size_t)tw * sizeof *wtmp) : NULL;
        if (!wpath || !wtmp || MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, nw) != nw ||
            MultiByteToWideChar(CP_UTF8, 0, tmp, -1, wtmp, tw) != tw) {
            bad = 1;
            e = EINVAL;
        } else if (!MoveFileExW(wtmp, wpath, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
            DWORD w = GetLastError();
            bad = 1;
            e = w == ERROR_ACCESS_DENIED || w == ERROR_SHARING_VIOLATION ? EACCES
                : w == ERROR_PATH_NOT_FOUND || w == ERROR_FILE_NOT_FOUND ? ENOENT
                : w == ERROR_DISK_FULL ? ENOSPC : EIO;
        }
        free(wpath);
        free(wtmp);
    }
#else
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
#endif
    if (bad)
        unlink(tmp);
    free(tmp);
    errno = e;
    return bad ? -1 : 0;
}
