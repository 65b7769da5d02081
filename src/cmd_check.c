/* SPDX-License-Identifier: MIT */
/* dropwatch check, watch and sweep: health probes of every selected connector's drop directory, repeated
 * as a service by watch, and removal of stale temporary files. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_monitor.h"
#include "cli_progress.h"

static const char check_help[] =
    "Usage: dropwatch check [OPTIONS] --drop-dir NAME [--root ROOT]\n"
    "       dropwatch check [OPTIONS] --config FILE [--connector NAME]\n"
    "\n"
    "Health probe of each connector's drop directory (every connector of --config unless --connector\n"
    "picks one): exists, is a directory, free space, quota use, stale temporary files, and a canary\n"
    "guarded write that is removed again. Prints a report per connector; for a failing one also the\n"
    "Event 8004 alert record.\n"
    "\n"
    "  --root, --drop-dir, --connector, --install-dir, --exchange-version, --style, --computer\n"
    "                           as for 'dropwatch resolve'\n"
    "  --quota QUOTA            DropDirectoryQuota (overrides the configuration)\n"
    "  --stale-age SECONDS      temporary files older than this count as stale (default " CLI_STR(DW_STALE_AGE_DEFAULT_SECONDS) ")\n"
    "  --lock-timeout MS        longest wait for the quota ledger lock (default " CLI_STR(DW_LOCK_TIMEOUT_DEFAULT_MS) "); a longer hold is\n"
    "                           reported as a stuck lock holder (transient, with its process id)\n"
    "  --temp-dir DIR           where the writers keep temporary files (as for 'deliver'; overrides the\n"
    "                           connector's TempDirectory): counted, and used by the canary\n"
    "  --inject OP:ERRNO[:N]    test aid: make the canary write fail (see dropwatch(1))\n"
    "  -f, --format FMT         text (default), xml, json, syslog; or metrics instead of reports and\n"
    "                           alerts: prometheus (text format 0.0.4), openmetrics (OpenMetrics 1.0)\n"
    "  --textfile PATH          also write the metrics to PATH atomically (node_exporter textfile collector)\n"
    "  --plugin                 monitoring-plugin mode: one status line with performance data, exit\n"
    "                           status 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN\n"
    "  --warning T, --critical T\n"
    "                           thresholds of --plugin: quota=RANGE (percent of the quota used) and/or\n"
    "                           age=RANGE (seconds of the oldest waiting message), comma-separated;\n"
    "                           RANGE as in the monitoring-plugins guidelines: 10, 10:, ~:10, 10:20, @10:20\n"
    "\n"
    "Exit status: 0 when every connector is healthy, else the code of the first failing one's class\n"
    "(73 capacity, 74 physical/logical, 75 transient/remote, 77 access, 78 configuration).\n"
    "With --plugin: 0 OK, 1 WARNING, 2 CRITICAL (a failing connector), 3 UNKNOWN (bad arguments).\n";

static const char watch_help[] =
    "Usage: dropwatch watch [OPTIONS] [--interval SECONDS] [--count N] (--drop-dir NAME | --config FILE)\n"
    "\n"
    "Repeat 'check' for every selected connector each --interval seconds (default 60) until --count\n"
    "rounds have run (default: forever) or SIGINT/SIGTERM arrives. Each failed probe prints an alert\n"
    "record; when a failing connector is healthy again one recovery record is printed. Reports of\n"
    "healthy probes are not printed. A summary line per round goes to stderr when stdout is a terminal\n"
    "(or with -v).\n"
    "\n"
    "  --interval SECONDS       pause between rounds (0 to 86400, default 60)\n"
    "  --count N                stop after N rounds (default 0: run until a signal)\n"
    "  --eventlog               also write each alert to the Windows Event Log (Windows only)\n"
    "  --source NAME            event source for --eventlog (default DropWatch)\n"
    "  --textfile PATH          after each round, replace PATH atomically with the Prometheus metrics of\n"
    "                           every connector (for node_exporter's textfile collector: name it *.prom)\n"
    "  --stale-age SECONDS, --quota QUOTA, --temp-dir DIR, --inject OP:ERRNO[:N] and the connector\n"
    "                           options of 'check'\n"
    "\n"
    "Exit status: the status of the last round, as for 'check' (0 when all connectors were healthy).\n";

static const char sweep_help[] =
    "Usage: dropwatch sweep [OPTIONS] [--max-age SECONDS] (--drop-dir NAME | --config FILE)\n"
    "\n"
    "Remove temporary files (.dwtmp-*.tmp) older than --max-age seconds (default " CLI_STR(DW_STALE_AGE_DEFAULT_SECONDS) ") that crashed\n"
    "writers left in each connector's drop directory (and its temporary directory, when one is set).\n"
    "No other file is ever touched.\n"
    "\n"
    "  --max-age SECONDS        minimum age of a removed temporary file (default " CLI_STR(DW_STALE_AGE_DEFAULT_SECONDS) ")\n"
    "  --temp-dir DIR           the writers' temporary directory (as for 'deliver'), swept too\n"
    "  connector options as for 'dropwatch check'\n"
    "\n"
    "Exit status: 0, or the failure class's code as for 'check'.\n";

enum {
    OPT_STALE_AGE = OPT_FIRST_COMMAND_OPTION, OPT_INJECT, OPT_INTERVAL, OPT_COUNT, OPT_MAX_AGE, OPT_TEXTFILE,
    OPT_PLUGIN, OPT_WARNING, OPT_CRITICAL, OPT_LOCK_TIMEOUT, OPT_EVENTLOG, OPT_SOURCE, OPT_TEMP_DIR
};

typedef struct probe_args {
    cli_sel sel;
    uint64_t stale_age, interval, count, max_age;
    dw_drop_options dopts;
    const char *textfile;   /* check, watch: --textfile */
    int plugin;             /* check --plugin */
    cli_plugin_opts popts;  /* its --warning/--critical */
    dw_fault fault;         /* --inject (dropwatch/testing.h) */
} probe_args;

/* The combinations of the monitoring options that make sense. Returns -1 to go on, else an exit code. */
static int monitor_options_check(const cli_ctx *ctx, const probe_args *a)
{
    int thresholds = a->popts.warn_quota.set || a->popts.crit_quota.set || a->popts.warn_age.set ||
                     a->popts.crit_age.set;
    if (thresholds && !a->plugin)
        return cli_usage_error(ctx, "--warning and --critical apply to --plugin");
    if (a->plugin && (ctx->metrics || a->textfile))
        return cli_usage_error(ctx, "--plugin prints a status line: no --format prometheus/openmetrics or --textfile");
    if (a->textfile) {
        size_t n = strlen(a->textfile);
        if (n == 0 || a->textfile[n - 1] == '/')
            return cli_usage_error(ctx, "invalid --textfile %s (expected a file name)", cli_q(a->textfile));
        if (n < 5 || strcmp(a->textfile + n - 5, ".prom") != 0)
            cli_err(ctx, "warning: node_exporter's textfile collector reads only *.prom files, not %s", cli_q(a->textfile));
    }
    return -1;
}

/* Whether check (which = 0), watch (1) or sweep (2) takes an option of probe_longopts: only those its help
 * names. */
static int option_applies(int which, int opt)
{
    switch (opt) {
    case OPT_TEMP_DIR:
    case OPT_LOCK_TIMEOUT: return 1;
    case OPT_STALE_AGE:
    case OPT_INJECT:
    case OPT_TEXTFILE: return which != 2;
    case OPT_INTERVAL:
    case OPT_COUNT:
    case OPT_EVENTLOG:
    case OPT_SOURCE: return which == 1;
    case OPT_MAX_AGE: return which == 2;
    case OPT_PLUGIN:
    case OPT_WARNING:
    case OPT_CRITICAL: return which == 0;
    }
    return 0;
}

/* One option of check, watch or sweep (not a global or selection one). Returns 0 or the usage error. */
static int probe_option(cli_ctx *ctx, probe_args *a, int opt, const char *arg)
{
    int rc;
    switch (opt) {
    case OPT_STALE_AGE:
        if (cli_parse_u64(arg, 0, UINT32_MAX, &a->stale_age) != 0)
            return cli_usage_error(ctx, "invalid --stale-age %s (expected seconds)", cli_q(arg));
        return 0;
    case OPT_MAX_AGE:
        if (cli_parse_u64(arg, 0, UINT32_MAX, &a->max_age) != 0)
            return cli_usage_error(ctx, "invalid --max-age %s (expected seconds)", cli_q(arg));
        return 0;
    case OPT_INTERVAL: /* the watch loop is the CLI's own (no library call takes an interval) */
        if (cli_parse_u64(arg, 0, 86400, &a->interval) != 0)
            return cli_usage_error(ctx, "invalid --interval %s (expected 0 to 86400 seconds)", cli_q(arg));
        return 0;
    case OPT_COUNT:
        if (cli_parse_u64(arg, 0, UINT32_MAX, &a->count) != 0)
            return cli_usage_error(ctx, "invalid --count %s (expected a number of rounds)", cli_q(arg));
        return 0;
    case OPT_EVENTLOG: ctx->eventlog = 1; return 0;
    case OPT_SOURCE: ctx->event_source = arg; return 0;
    case OPT_TEXTFILE: a->textfile = arg; return 0;
    case OPT_PLUGIN: a->plugin = 1; return 0;
    case OPT_LOCK_TIMEOUT: /* the range is the library's (dw_drop_options_check) */
        if ((rc = cli_unsigned_option(ctx, "lock-timeout", arg, &a->dopts.lock_timeout_ms)) != 0)
            return rc;
        return cli_drop_option_check(ctx, &a->dopts, "lock-timeout", arg);
    case OPT_TEMP_DIR:
        a->dopts.temp_dir = arg;
        return cli_drop_option_check(ctx, &a->dopts, "temp-dir", arg);
    case OPT_INJECT:
        if (cli_parse_inject(arg, &a->fault) != 0)
            return cli_usage_error(ctx, "invalid --inject %s (expected OP:ERRNO[:COUNT], e.g. fsync:EIO)", cli_q(arg));
        return 0;
    case OPT_WARNING:
    case OPT_CRITICAL:
        if (cli_plugin_threshold(&a->popts, arg, opt == OPT_CRITICAL) != 0)
            return cli_usage_error(ctx, "invalid --%s %s (expected quota=RANGE and/or age=RANGE, RANGE as "
                                        "10, 10:, ~:10, 10:20 or @10:20)",
                                   opt == OPT_CRITICAL ? "critical" : "warning", cli_q(arg));
        return 0;
    }
    return 0;
}

static void probe_args_init(probe_args *a)
{
    memset(a, 0, sizeof *a);
    a->stale_age = DW_STALE_AGE_DEFAULT_SECONDS;
    a->interval = 60;
    a->max_age = DW_STALE_AGE_DEFAULT_SECONDS;
    dw_drop_options_init(&a->dopts);
    a->fault = (dw_fault)DW_FAULT_INIT;
}

/* The options of check, watch and sweep beyond the global and connector ones; option_applies() says which
 * command takes each. */
static const struct option probe_longopts[] = {
    {"stale-age", required_argument, NULL, OPT_STALE_AGE}, {"inject", required_argument, NULL, OPT_INJECT},
    {"interval", required_argument, NULL, OPT_INTERVAL}, {"count", required_argument, NULL, OPT_COUNT},
    {"max-age", required_argument, NULL, OPT_MAX_AGE}, {"textfile", required_argument, NULL, OPT_TEXTFILE},
    {"plugin", no_argument, NULL, OPT_PLUGIN}, {"warning", required_argument, NULL, OPT_WARNING},
    {"critical", required_argument, NULL, OPT_CRITICAL},
    {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT}, {"eventlog", no_argument, NULL, OPT_EVENTLOG},
    {"source", required_argument, NULL, OPT_SOURCE}, {"temp-dir", required_argument, NULL, OPT_TEMP_DIR},
    {NULL, 0, NULL, 0},
};

/* The option of another of the three commands that the refused argument `bad` ("--name" or "--name=v")
 * names, or NULL. */
static const char *other_command_option(const char *bad)
{
    if (strncmp(bad, "--", 2) != 0)
        return NULL;
    size_t n = strcspn(bad + 2, "=");
    for (const struct option *o = probe_longopts; o->name; o++)
        if (strlen(o->name) == n && strncmp(o->name, bad + 2, n) == 0)
            return o->name;
    return NULL;
}

/* Parses the options of check (which = 0), watch (1) or sweep (2). Returns -1 to go on, else an exit code.
 * The table holds only the command's own options, so that getopt and the completion generator (which
 * collects the table) agree with the command; another command's option is refused by name. */
static int parse(cli_ctx *ctx, int argc, char **argv, int which, probe_args *a)
{
    static const struct option common[] = {CLI_GLOBAL_LONGOPTS, CLI_SEL_LONGOPTS, CLI_QUOTA_LONGOPT};
    struct option longopts[sizeof common / sizeof common[0] + sizeof probe_longopts / sizeof probe_longopts[0]];
    size_t n = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        longopts[n++] = common[i];
    for (const struct option *o = probe_longopts; o->name; o++)
        if (option_applies(which, o->val))
            longopts[n++] = *o;
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    static const char *const helps[] = {check_help, watch_help, sweep_help};
    static const char *const names[] = {"check", "watch", "sweep"};
    probe_args_init(a);
    int opt, rc = 0;
    while ((opt = getopt_long(argc, argv, ":f:c:vqh", longopts, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc) || cli_sel_option(ctx, &a->sel, opt, optarg, &rc)) {
            if (rc)
                return rc;
            continue;
        }
        if (opt == '?' || opt == ':') {
            const char *other = opt == '?' ? other_command_option(argv[optind - 1]) : NULL;
            return other ? cli_usage_error(ctx, "option '--%s' does not apply to %s", other, names[which])
                         : cli_getopt_error(ctx, argv, opt);
        }
        if (opt == 'h') {
            fputs(helps[which], stdout);
            return 0;
        }
        if ((rc = probe_option(ctx, a, opt, optarg)) != 0)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(ctx, "unexpected argument %s", cli_q(argv[optind]));
    return monitor_options_check(ctx, a);
}

static void fmt_quota(uint64_t q, char *buf, size_t size)
{
    if (dw_quota_format(q, buf, size, NULL) != DW_OK)
        snprintf(buf, size, "%llu", (unsigned long long)q);
}

/* What probe() prints: the health record, the alert of a failure, the failure on stderr. */
enum { PROBE_REPORT = 1, PROBE_ALERT = 2, PROBE_EXPLAIN = 4 };

/* The health record of a probe (err: the failure, NULL when healthy). */
static void print_health(const cli_ctx *ctx, const cli_target *t, const dw_health *h, const dw_io_error *err)
{
    char q[64];
    cli_rec r;
    rec_begin(&r, ctx, "health", !err);
    rec_str(&r, "connector", t->conn->name);
    rec_str(&r, "drop_path", t->path ? t->path : t->exchange_path);
    rec_str(&r, "status", err ? "failed" : "healthy");
    rec_bool(&r, "exists", h->exists);
    rec_bool(&r, "is_directory", h->is_directory);
    rec_bool(&r, "writable", h->writable);
    rec_u64(&r, "free_bytes", h->free_bytes);
    rec_u64(&r, "total_bytes", h->total_bytes);
    rec_u64(&r, "used_bytes", h->used_bytes);
    rec_u64(&r, "file_count", h->file_count);
    fmt_quota(t->conn->quota, q, sizeof q);
    rec_str(&r, "quota", q);
    rec_u64(&r, "stale_temp_files", h->stale_temp_files);
    rec_u64(&r, "canary_micros", h->canary_micros);
    rec_str(&r, "publish", dw_publish_method_name(h->publish_method));
    if (err) {
        rec_str(&r, "class", dw_class_name(err->io_class));
        rec_str(&r, "operation", dw_op_name(err->op));
        const char *en = dw_errno_name(err->sys_errno);
        rec_str(&r, "errno", en ? en : "");
        rec_str(&r, "detail", err->detail);
        rec_str(&r, "action", dw_class_action(err->io_class));
    }
    rec_end(&r);
}

/* One probe. Returns 0 or the class's exit code; *res gets what was found (res->err the failure). */
static int probe(const cli_ctx *ctx, const cli_config *cfg, const cli_target *t, const probe_args *a, int show,
                 cli_probe_result *res)
{
    memset(res, 0, sizeof *res);
    res->connector = t->conn->name;
    res->quota = t->conn->quota;
    res->h.version = DW_HEALTH_VERSION;
    dw_health *hp = &res->h;
    dw_io_error *err = &res->err;
    dw_io_error_clear(err);
    dw_status st;
    if (t->status != DW_OK) {
        cli_target_error(t, err);
        st = DW_E_IO;
    } else {
        dw_drop_options o = a->dopts;
        o.quota_bytes = t->conn->quota;
        if (!o.temp_dir)
            o.temp_dir = t->conn->temp_dir;
        st = dw_testing_drop_health(t->path, &o, &a->fault, (unsigned)a->stale_age, hp, err);
        if (st != DW_OK && st != DW_E_IO) {
            if (show & PROBE_EXPLAIN)
                cli_err(ctx, "connector %s: health probe refused: %s", cli_q(t->conn->name), dw_status_str(st));
            if (err->io_class == DW_CLASS_NONE)
                err->io_class = DW_CLASS_CONFIGURATION;
            cli_probe_complete(res, NULL, ctx->event_mode);
            return cli_exit_for_status(st, NULL);
        }
    }
    int ok = st == DW_OK;
    res->ok = ok;
    cli_probe_complete(res, t->status == DW_OK ? t->path : NULL, ctx->event_mode);
    if (show & PROBE_REPORT)
        print_health(ctx, t, &res->h, ok ? NULL : err);
    if (ok)
        return 0;
    if (show & PROBE_EXPLAIN) {
        if (t->status != DW_OK)
            cli_target_explain_failure(ctx, t);
        else
            cli_io_failure(ctx, err, "connector %s", cli_q(t->conn->name));
    }
    int prc = (show & PROBE_ALERT) ? cli_print_alert(ctx, cfg, t, err) : 0;
    return prc ? prc : cli_exit_for_class(err->io_class);
}

/* Options, configuration and resolved targets of check (which = 0), watch (1) or sweep (2). Returns -1 to
 * go on, else the exit code (0 after --help). */
static int setup(cli_ctx *ctx, int argc, char **argv, int which, probe_args *a, cli_config *cfg, cli_target **ts)
{
    int rc = parse(ctx, argc, argv, which, a);
    if (rc >= 0)
        return rc;
    if ((rc = cli_sel_build(ctx, &a->sel, cfg)) != 0)
        return rc;
    *ts = cli_xmalloc(cfg->n_connectors * sizeof **ts);
    for (size_t i = 0; i < cfg->n_connectors; i++)
        cli_target_resolve(&(*ts)[i], cfg, &cfg->connectors[i]);
    return -1;
}

static void targets_end(cli_config *cfg, cli_target *ts)
{
    for (size_t i = 0; i < cfg->n_connectors; i++)
        cli_target_free(&ts[i]);
    free(ts);
    cli_config_free(cfg);
}

/* --plugin is looked for before parsing, so that even a bad argument list ends as UNKNOWN (3). */
static int wants_plugin(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--plugin") == 0)
            return 1;
    return 0;
}

int cmd_check(cli_ctx *ctx, int argc, char **argv)
{
    probe_args a;
    cli_config cfg;
    cli_target *ts;
    int plugin = wants_plugin(argc, argv);
    cli_plugin_capture cap;
    if (plugin)
        cli_plugin_capture_begin(&cap);
    int rc = setup(ctx, argc, argv, 0, &a, &cfg, &ts);
    if (plugin) {
        char why[256];
        cli_plugin_capture_end(&cap, why, sizeof why);
        if (rc > 0)
            return cli_plugin_unknown(stdout, why[0] ? why : "invalid arguments or configuration");
    }
    if (rc >= 0)
        return rc;
    rc = 0;
    /* Metrics and the status line own standard output: no reports or alert records there. */
    int show = a.plugin ? 0 : ctx->metrics ? PROBE_EXPLAIN : PROBE_REPORT | PROBE_ALERT | PROBE_EXPLAIN;
    cli_probe_result *rs = cli_xmalloc(cfg.n_connectors * sizeof *rs);
    cli_metrics m;
    cli_metrics_init(&m, cfg.n_connectors, ctx->event_mode, 0);
    size_t failing = 0;
    for (size_t i = 0; i < cfg.n_connectors; i++) {
        int r1 = probe(ctx, &cfg, &ts[i], &a, show, &rs[i]);
        cli_metrics_record(&m, i, &rs[i]);
        if (r1) {
            failing++;
            if (!rc)
                rc = r1;
        }
    }
    if (a.plugin) {
        rc = cli_plugin_report(stdout, &a.popts, rs, cfg.n_connectors);
    } else {
        if (ctx->metrics)
            cli_metrics_write(stdout, &m, rs, ctx->metrics);
        if (a.textfile && cli_metrics_textfile(a.textfile, &m, rs) != 0) {
            cli_err(ctx, "cannot write --textfile %s: %s", cli_q(a.textfile), strerror(errno));
            if (!rc)
                rc = EX_CANTCREAT;
        }
        if (cli_summary_wanted(ctx))
            fprintf(stderr, "dropwatch check: %zu connector(s), %zu healthy, %zu failing\n", cfg.n_connectors,
                    cfg.n_connectors - failing, failing);
    }
    cli_metrics_free(&m);
    free(rs);
    targets_end(&cfg, ts);
    return rc;
}

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

/* The metrics of a finished round to --textfile. A failure to write them is reported (once per streak)
 * but does not stop the watch: the alerts on standard output matter more. */
static void watch_textfile(const cli_ctx *ctx, const probe_args *a, cli_metrics *m, const cli_probe_result *rs,
                           uint64_t round)
{
    m->rounds = round;
    m->round_time_s = (int64_t)time(NULL);
    if (cli_metrics_textfile(a->textfile, m, rs) != 0) {
        if (!m->textfile_failing)
            cli_err(ctx, "cannot write --textfile %s: %s", cli_q(a->textfile), strerror(errno));
        m->textfile_failing = 1;
    } else if (m->textfile_failing) {
        cli_err(ctx, "--textfile %s written again", cli_q(a->textfile));
        m->textfile_failing = 0;
    }
}

/* The SIGINT and SIGTERM handlers watch replaces, restored when it ends. No SA_RESTART: a signal must cut
 * the pause short so the service stops promptly. */
typedef struct stop_handlers {
#ifdef _WIN32
    void (*old_int)(int), (*old_term)(int);
#else
    struct sigaction old_int, old_term;
#endif
} stop_handlers;

static void stop_handlers_install(stop_handlers *h)
{
    stop_signal = 0;
#ifdef _WIN32
    /* Ctrl-C (SIGINT) and SIGTERM through the C runtime: Windows has no sigaction. */
    h->old_int = signal(SIGINT, on_signal);
    h->old_term = signal(SIGTERM, on_signal);
#else
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &h->old_int);
    sigaction(SIGTERM, &sa, &h->old_term);
#endif
}

static void stop_handlers_restore(const stop_handlers *h)
{
#ifdef _WIN32
    signal(SIGINT, h->old_int);
    signal(SIGTERM, h->old_term);
#else
    sigaction(SIGINT, &h->old_int, NULL);
    sigaction(SIGTERM, &h->old_term, NULL);
#endif
}

/* The state of a watch: the targets, each one's failed probes in a row, the last results, the metrics. */
typedef struct watch_state {
    cli_config cfg;
    cli_target *ts;
    unsigned *fails;
    cli_probe_result *rs;
    cli_metrics m;
} watch_state;

/* A connector healthy again after failed probes: one recovery record. */
static void print_recovery(const cli_ctx *ctx, const cli_target *t, unsigned failed_probes)
{
    cli_rec r;
    rec_begin(&r, ctx, "recovery", 1);
    rec_str(&r, "connector", t->conn->name);
    rec_str(&r, "drop_path", t->path);
    rec_str(&r, "status", "recovered");
    rec_u64(&r, "failed_probes", failed_probes);
    rec_end(&r);
}

/* One round over every connector. Returns the first failing probe's exit code (0: all healthy). */
static int watch_round(const cli_ctx *ctx, const probe_args *a, watch_state *w, uint64_t round)
{
    int last = 0;
    size_t failing = 0;
    for (size_t i = 0; i < w->cfg.n_connectors && !stop_signal; i++) {
        int r1 = probe(ctx, &w->cfg, &w->ts[i], a, PROBE_ALERT | PROBE_EXPLAIN, &w->rs[i]);
        cli_metrics_record(&w->m, i, &w->rs[i]);
        if (r1) {
            failing++;
            w->fails[i]++;
            if (!last)
                last = r1;
        } else if (w->fails[i]) {
            print_recovery(ctx, &w->ts[i], w->fails[i]);
            w->fails[i] = 0;
        }
    }
    cli_throttle_flush(ctx, -1); /* report suppression windows that closed without a new alert */
    if (cli_summary_wanted(ctx))
        fprintf(stderr, "dropwatch watch: round %llu: %zu connector(s), %zu failing\n", (unsigned long long)round,
                w->cfg.n_connectors, failing);
    fflush(stdout); /* a service's log must see records as they happen */
    if (a->textfile && !stop_signal)
        watch_textfile(ctx, a, &w->m, w->rs, round);
    return last;
}

/* Rounds every --interval seconds until --count rounds have run or a signal came. Returns the last
 * round's status. */
static int watch_rounds(const cli_ctx *ctx, const probe_args *a, watch_state *w)
{
    uint64_t round = 0;
    int last = 0;
    while (!stop_signal && (a->count == 0 || round < a->count)) {
        last = watch_round(ctx, a, w, ++round);
        if (a->count && round >= a->count)
            break;
        struct timespec pause = {(time_t)a->interval, 0};
        while (!stop_signal && nanosleep(&pause, &pause) != 0 && errno == EINTR)
            ;
    }
    if (stop_signal && cli_summary_wanted(ctx))
        fprintf(stderr, "dropwatch watch: stopped by %s after %llu round(s)\n",
                stop_signal == SIGINT ? "SIGINT" : "SIGTERM", (unsigned long long)round);
    return last;
}

int cmd_watch(cli_ctx *ctx, int argc, char **argv)
{
    probe_args a;
    watch_state w;
    memset(&w, 0, sizeof w);
    int rc = setup(ctx, argc, argv, 1, &a, &w.cfg, &w.ts);
    if (rc >= 0)
        return rc;
    stop_handlers h;
    stop_handlers_install(&h);
    w.fails = calloc(w.cfg.n_connectors, sizeof *w.fails);
    w.rs = calloc(w.cfg.n_connectors, sizeof *w.rs);
    cli_metrics_init(&w.m, w.cfg.n_connectors, ctx->event_mode, 1);
    if (!w.fails || !w.rs) {
        cli_err(ctx, "out of memory");
        rc = EX_OSERR;
    } else {
        rc = watch_rounds(ctx, &a, &w);
    }
    stop_handlers_restore(&h);
    free(w.fails);
    free(w.rs);
    cli_metrics_free(&w.m);
    targets_end(&w.cfg, w.ts);
    return rc;
}

int cmd_sweep(cli_ctx *ctx, int argc, char **argv)
{
    probe_args a;
    cli_config cfg;
    cli_target *ts;
    int rc = setup(ctx, argc, argv, 2, &a, &cfg, &ts);
    if (rc >= 0)
        return rc;
    rc = 0;
    cli_progress prog;
    uint64_t removed_total = 0;
    cli_progress_begin(&prog, ctx, "connectors", cfg.n_connectors);
    for (size_t i = 0; i < cfg.n_connectors; i++) {
        cli_progress_update(&prog, i, 0);
        dw_io_error err;
        dw_io_error_clear(&err);
        dw_drop *drop = NULL;
        uint64_t removed = 0;
        dw_status st = DW_E_IO;
        if (ts[i].status != DW_OK) {
            cli_target_explain_failure(ctx, &ts[i]);
            cli_target_error(&ts[i], &err);
        } else {
            dw_drop_options o = a.dopts;
            if (!o.temp_dir)
                o.temp_dir = ts[i].conn->temp_dir;
            if ((st = dw_testing_drop_open(&drop, ts[i].path, &o, &a.fault, &err)) == DW_OK) {
                st = dw_drop_sweep(drop, (unsigned)a.max_age, &removed, &err);
                dw_drop_close(drop);
            }
        }
        if (st == DW_OK) {
            cli_rec r;
            rec_begin(&r, ctx, "sweep", 1);
            rec_str(&r, "connector", ts[i].conn->name);
            rec_str(&r, "drop_path", ts[i].path);
            rec_u64(&r, "removed", removed);
            rec_end(&r);
            removed_total += removed;
            continue;
        }
        if (st != DW_E_IO) {
            cli_err(ctx, "connector %s: sweep refused: %s", cli_q(ts[i].conn->name), dw_status_str(st));
            if (!rc)
                rc = cli_exit_for_status(st, NULL);
            continue;
        }
        cli_io_failure(ctx, &err, "connector %s", cli_q(ts[i].conn->name));
        int prc = cli_print_alert(ctx, &cfg, &ts[i], &err);
        if (!rc)
            rc = prc ? prc : cli_exit_for_class(err.io_class);
    }
    cli_progress_end(&prog);
    if (cli_summary_wanted(ctx) && cfg.n_connectors > 1)
        fprintf(stderr, "dropwatch sweep: %zu connector(s), %llu stale temporary file(s) removed\n", cfg.n_connectors,
                (unsigned long long)removed_total);
    targets_end(&cfg, ts);
    return rc;
}
