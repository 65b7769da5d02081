/* SPDX-License-Identifier: MIT */
/* Monitoring outputs of check and watch: Prometheus/OpenMetrics metrics (src/cli_metrics.c) and the
 * monitoring-plugin status line (src/cli_plugin.c). Kept apart from cmd_check.c, which only fills one
 * cli_probe_result per connector and hands the results over. */
#ifndef DW_CLI_MONITOR_H
#define DW_CLI_MONITOR_H

#include <stdio.h>
#include <stdint.h>

#include "cli.h"

/* What one probe of one connector found. */
typedef struct cli_probe_result {
    const char *connector;
    int ok;                  /* healthy */
    dw_health h;             /* as dw_drop_health() left it */
    dw_io_error err;         /* the failure when !ok */
    uint64_t quota;          /* configured DropDirectoryQuota, 0 = unlimited */
    int have_fs;             /* free/total bytes were measured */
    int have_usage;          /* file count, used bytes, stale temporaries were measured */
    int64_t oldest_age;      /* seconds since the oldest waiting *.eml was written; -1 = none or unknown */
    unsigned event_id;       /* the alert's event ID when !ok */
} cli_probe_result;

/* Fills the have_* flags and oldest_age of r from its health record and failure. path: the resolved drop
 * directory (NULL when it did not resolve). */
void cli_probe_complete(cli_probe_result *r, const char *path, dw_event_mode mode);

/* ---- metrics (src/cli_metrics.c) ---- */
enum { CLI_METRICS_NONE = 0, CLI_METRICS_PROMETHEUS, CLI_METRICS_OPENMETRICS };

/* Per-connector state that outlives one round of watch: counters and the last failure. */
typedef struct cli_metrics_conn {
    uint64_t probes, failures;
    uint64_t alerts[5];       /* by event ID: 8004, 8005, 8007, 8008, 8009 */
    dw_class last_class;      /* DW_CLASS_NONE: no failure yet */
    int64_t last_failure_s;   /* Unix time of the last failure */
} cli_metrics_conn;

typedef struct cli_metrics {
    size_t n;
    cli_metrics_conn *c;
    dw_event_mode mode;
    int watch;                /* expose the watch-only series (rounds) */
    uint64_t rounds;
    int64_t round_time_s;
    int textfile_failing;     /* the last --textfile write failed (reported once per streak) */
} cli_metrics;

void cli_metrics_init(cli_metrics *m, size_t n, dw_event_mode mode, int watch);
void cli_metrics_free(cli_metrics *m);
/* Counts one probe result of connector i (and its alert when it failed). */
void cli_metrics_record(cli_metrics *m, size_t i, const cli_probe_result *r);
/* Writes the exposition of all connectors: Prometheus text format 0.0.4 or OpenMetrics 1.0. */
void cli_metrics_write(FILE *f, const cli_metrics *m, const cli_probe_result *rs, int format);
/* Replaces path atomically (temporary file in the same directory, fsync, mode 0644, rename) with the
 * Prometheus text exposition, for node_exporter's textfile collector. Returns 0, or -1 with errno. */
int cli_metrics_textfile(const char *path, const cli_metrics *m, const cli_probe_result *rs);

/* ---- monitoring-plugin mode (src/cli_plugin.c) ---- */
/* A threshold range of the monitoring-plugins guidelines: "10", "10:", "~:10", "10:20", "@10:20". */
typedef struct cli_range {
    int set;
    int inside;              /* '@': alert when inside [lo, hi] instead of outside */
    int lo_inf;              /* '~': no lower bound */
    int hi_inf;              /* "N:": no upper bound */
    double lo, hi;
} cli_range;

int cli_range_parse(const char *s, cli_range *r);
/* 1 when v raises the alert the range describes. */
int cli_range_alert(const cli_range *r, double v);

typedef struct cli_plugin_opts {
    cli_range warn_quota, crit_quota;  /* percent of DropDirectoryQuota used */
    cli_range warn_age, crit_age;      /* seconds of the oldest waiting message */
} cli_plugin_opts;

/* Parses a --warning/--critical value: "quota=RANGE", "age=RANGE" or both, comma-separated. Returns 0 or -1. */
int cli_plugin_threshold(cli_plugin_opts *o, const char *arg, int critical);
/* Prints the status line with performance data; returns the plugin state 0 OK, 1 WARNING, 2 CRITICAL. */
int cli_plugin_report(FILE *f, const cli_plugin_opts *o, const cli_probe_result *rs, size_t n);
/* Standard error while arguments and configuration are read, so that an UNKNOWN line can say why (the
 * guidelines want the reason on the one line a monitoring system shows); the messages are passed on to
 * standard error afterwards. */
typedef struct cli_plugin_capture {
    int saved;
    FILE *tmp;
} cli_plugin_capture;
void cli_plugin_capture_begin(cli_plugin_capture *c);
/* Restores standard error, copies what was captured to it, and gives its first line (without the
 * "dropwatch check: " prefix) in first. */
void cli_plugin_capture_end(cli_plugin_capture *c, char *first, size_t size);
/* Prints "DROPWATCH UNKNOWN - why" and returns 3. */
int cli_plugin_unknown(FILE *f, const char *why);

#endif /* DW_CLI_MONITOR_H */
