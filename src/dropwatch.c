/* SPDX-License-Identifier: MIT */
/* dropwatch: command-line front end of libdropwatch. Global options, sub-command dispatch, messages and
 * the final check that stdout was really written. See dropwatch(1). */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_monitor.h"

static const char usage_text[] =
    "Usage: dropwatch [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Resolve, validate, write into and watch Exchange Foreign connector drop directories.\n"
    "\n"
    "Commands:\n"
    "  resolve    print a connector's drop path (--explain: where Exchange would really write)\n"
    "  validate   judge DropDirectory values: one verdict and reason per value\n"
    "  deliver    guarded write of files (or standard input) as messages into a drop directory\n"
    "  check      health probe of drop directories; an Event 8004 alert on failure\n"
    "  watch      repeat check every --interval seconds; alerts and recovery lines\n"
    "  sweep      remove stale temporary files left by crashed writers\n"
    "  alert      format an Event 8004 record from given fields\n"
    "  demo       the whole story against a temporary demo drop root\n"
    "  eventlog   install or uninstall the Windows Event Log source (Windows only)\n"
    "  pickup     the gateway's side: run a command per ready message, ack or release it\n"
    "\n"
    "Global options (also accepted after the command):\n"
    "  -f, --format FMT   output format of records: text (default), xml, json, syslog;\n"
    "                     check also: prometheus, openmetrics (metrics)\n"
    "  -c, --config FILE  transport server and connectors (see dropwatch(1), CONFIGURATION)\n"
    "      --event MODE   event ID of alerts: auto (default: the event Exchange logs, 8004/8005/8007/8008/8009)\n"
    "                     or 8004 (always 8004)\n"
    "      --throttle S   log a repeated alert (same connector and event) at most once per S seconds,\n"
    "                     reporting the suppressed count when the window closes (default " CLI_STR(DW_THROTTLE_DEFAULT_SECONDS) "; 0 = off)\n"
    "  -v, --verbose      summary lines on stderr even when stdout is not a terminal\n"
    "  -q, --quiet        no summary lines\n"
    "  -h, --help         this help; COMMAND --help for a command's options\n"
    "  -V, --version      print the version\n"
    "\n"
    "Exit status follows sysexits.h: 0 ok, 64 usage, 65 invalid data, 66 missing input, 73 capacity,\n"
    "74 physical/logical I/O failure, 75 transient/remote failure, 77 access denied, 78 configuration.\n";

/* The message as one line: arguments, file names and config keys may hold newlines or terminal escapes,
 * which must neither forge a second message nor reach the terminal (the records on stdout do the same). */
static void put_message(const char *fmt, va_list ap)
{
    char small[512], *msg = small;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)) != NULL)
        vsnprintf(msg, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    if (!msg)
        msg = small;
    if (n > 0)
        cli_put_escaped(stderr, msg, strlen(msg));
    if (msg != small)
        free(msg);
}

void cli_err(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "dropwatch%s%s: ", ctx && ctx->cmd ? " " : "", ctx && ctx->cmd ? ctx->cmd : "");
    va_start(ap, fmt);
    put_message(fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    const char *cmd = ctx && ctx->cmd ? ctx->cmd : NULL;
    fprintf(stderr, "dropwatch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    put_message(fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'dropwatch%s%s --help' for more information.\n", cmd ? " " : "", cmd ? cmd : "");
    return EX_USAGE;
}

int cli_summary_wanted(const cli_ctx *ctx)
{
    if (ctx->verbose < 0)
        return 0;
    return ctx->verbose > 0 || isatty(STDOUT_FILENO);
}

/* An unknown --format: the record formats are the library's (dw_enum_name), the metrics ones check's. */
static int format_error(const cli_ctx *ctx, const char *arg)
{
    char names[128];
    cli_enum_names(DW_ENUM_FORMAT, names, sizeof names);
    return cli_usage_error(ctx, "unknown format %s (expected %s, or for check: prometheus, openmetrics)", cli_q(arg),
                           names);
}

/* --throttle: the window's range is the library's (dw_throttle_new refuses a longer one). */
static int throttle_option(cli_ctx *ctx, const char *arg)
{
    unsigned v;
    dw_throttle *t = NULL;
    if (cli_unsigned_option(ctx, "throttle", arg, &v) != 0)
        return EX_USAGE;
    dw_status st = dw_throttle_new(&t, v);
    if (st == DW_E_INVAL)
        return cli_usage_error(ctx, "invalid --throttle %s: window too long (expected seconds, 0 to turn it off)", cli_q(arg));
    if (st != DW_OK) {
        cli_err(ctx, "out of memory");
        return EX_OSERR;
    }
    ctx->throttle_seconds = v;
    /* Given after the command name, the suppression is running already, with nothing in it yet: it
     * starts again with the new window. Before it, main() creates it from throttle_seconds. */
    dw_throttle_free(ctx->throttle ? ctx->throttle : t);
    if (ctx->throttle)
        ctx->throttle = t;
    return 0;
}

int cli_global_option(cli_ctx *ctx, int opt, const char *arg, int *rc)
{
    switch (opt) {
    case OPT_FORMAT:
    case 'f':
        /* The metrics formats are not record formats: check alone prints them (src/cli_metrics.c). */
        ctx->metrics = strcmp(arg, "prometheus") == 0    ? CLI_METRICS_PROMETHEUS
                       : strcmp(arg, "openmetrics") == 0 ? CLI_METRICS_OPENMETRICS
                                                         : CLI_METRICS_NONE;
        if (ctx->metrics && ctx->cmd && strcmp(ctx->cmd, "check") != 0)
            *rc = cli_usage_error(ctx, "format %s applies to check only (watch writes metrics with --textfile)", cli_q(arg));
        else if (!ctx->metrics && dw_format_from_name(arg, &ctx->format) != DW_OK)
            *rc = format_error(ctx, arg);
        return 1;
    case OPT_CONFIG:
    case 'c':
        ctx->config_path = arg;
        return 1;
    case OPT_EVENT: {
        int mode;
        if (!(*rc = cli_enum_option(ctx, "event", arg, &mode)))
            ctx->event_mode = (dw_event_mode)mode;
        return 1;
    }
    case OPT_THROTTLE:
        *rc = throttle_option(ctx, arg);
        return 1;
    case OPT_VERBOSE:
    case 'v':
        ctx->verbose = 1;
        return 1;
    case OPT_QUIET:
    case 'q':
        ctx->verbose = -1;
        return 1;
    }
    return 0;
}

int cli_flag_options(cli_ctx *ctx, int argc, char **argv, const char *help, const char *flag, int *flag_set,
                     cli_sel *sel)
{
    enum { OPT_FLAG = OPT_FIRST_COMMAND_OPTION };
    const struct option with_sel[] = {
        CLI_GLOBAL_LONGOPTS, CLI_SEL_LONGOPTS, {flag, no_argument, NULL, OPT_FLAG}, {NULL, 0, NULL, 0},
    };
    const struct option without_sel[] = {
        CLI_GLOBAL_LONGOPTS, {flag, no_argument, NULL, OPT_FLAG}, {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    while ((opt = getopt_long(argc, argv, ":f:c:vqh", sel ? with_sel : without_sel, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc) || (sel && cli_sel_option(ctx, sel, opt, optarg, &rc))) {
            if (rc)
                return rc;
            continue;
        }
        switch (opt) {
        case 'h':
            fputs(help, stdout);
            return 0;
        case OPT_FLAG:
            *flag_set = 1;
            break;
        default:
            return cli_getopt_error(ctx, argv, opt);
        }
    }
    return -1;
}

int cli_getopt_error(const cli_ctx *ctx, char **argv, int opt)
{
    const char *bad = argv[optind - 1];
    /* BSD-derived getopt_long (mingw-w64's) also answers ':' for "--flag=value" on a flag: that is an
     * argument too many, not one missing. */
    int has_value = strncmp(bad, "--", 2) == 0 && strchr(bad, '=') != NULL;
    if (opt == ':' && has_value)
        return cli_usage_error(ctx, "option %s takes no argument", cli_q(bad));
    if (opt == ':') {
        if (optopt && optopt < 256)
            return cli_usage_error(ctx, "option '-%c' needs an argument", optopt);
        return cli_usage_error(ctx, "option %s needs an argument", cli_q(bad));
    }
    if (strncmp(bad, "--", 2) == 0)
        return optopt ? cli_usage_error(ctx, "option %s takes no argument", cli_q(bad))
                      : cli_usage_error(ctx, "unknown option %s", cli_q(bad));
    return cli_usage_error(ctx, "unknown option '-%c'", optopt);
}

static const cli_command commands[] = {
    {"resolve", cmd_resolve}, {"validate", cmd_validate}, {"deliver", cmd_deliver}, {"check", cmd_check},
    {"watch", cmd_watch},     {"sweep", cmd_sweep},       {"alert", cmd_alert},     {"demo", cmd_demo},
    {"eventlog", cmd_eventlog},
    {"pickup", cmd_pickup},
};

/* Like gnulib's close_stdout: a full disk or closed pipe on stdout must not end in a silent success. */
static int finish_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        if (errno != EPIPE)
            fprintf(stderr, "dropwatch: write error on standard output: %s\n", strerror(errno));
        return rc ? rc : EX_IOERR;
    }
    return rc;
}

/* "dropwatch help [CMD]": the usage text, or "dropwatch CMD --help". */
static int help_command(cli_ctx *ctx, int argc, char **argv)
{
    if (optind + 1 >= argc) {
        fputs(usage_text, stdout);
        return finish_stdout(0);
    }
    char *hv[] = {argv[optind + 1], "--help", NULL};
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, argv[optind + 1]) == 0) {
            ctx->cmd = commands[i].name;
            optind = 0;
            return finish_stdout(commands[i].fn(ctx, 2, hv));
        }
    }
    return cli_usage_error(ctx, "unknown command %s", cli_q(argv[optind + 1]));
}

/* A sub-command with the arguments after its name, inside the alert suppression it shares. */
static int run_subcommand(cli_ctx *ctx, const cli_command *c, int argc, char **argv)
{
    ctx->cmd = c->name;
    if (ctx->metrics && strcmp(c->name, "check") != 0)
        return cli_usage_error(ctx, "formats prometheus and openmetrics apply to check only");
    int sub_argc = argc - optind;
    char **sub_argv = argv + optind;
    optind = 0; /* GNU getopt: full re-initialisation for the sub-command's argument vector */
    /* Repeated alerts per connector and event are suppressed like Exchange's periodic events;
     * a sub-command's own --throttle (a global option there too) takes effect through the ctx. */
    if (dw_throttle_new(&ctx->throttle, ctx->throttle_seconds) != DW_OK) {
        cli_err(ctx, "out of memory");
        return EX_OSERR;
    }
    int rc = c->fn(ctx, sub_argc, sub_argv);
    cli_throttle_flush(ctx, INT64_MAX); /* windows still open close when the program ends */
    dw_throttle_free(ctx->throttle);
    return finish_stdout(rc);
}

int main(int argc, char **argv)
{
    cli_ctx ctx = {NULL, DW_FORMAT_TEXT, DW_EVENT_AUTO, NULL, 0, 0, DW_THROTTLE_DEFAULT_SECONDS, NULL, 0, NULL};
    cli_win_init(&argc, &argv);
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"config", required_argument, NULL, 'c'},
        {"event", required_argument, NULL, OPT_EVENT}, {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {"throttle", required_argument, NULL, OPT_THROTTLE},
        {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0},
    };
    int rc = 0, opt;
    /* Under RLIMIT_FSIZE the kernel sends SIGXFSZ before write() can return EFBIG, and its default action
     * kills the process with the temporary file left behind. Ignored, the write fails with EFBIG, which
     * the library reports (capacity, exit 73) after removing the temporary file. */
#ifdef SIGXFSZ
    signal(SIGXFSZ, SIG_IGN);
#endif
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "+:f:c:vqhV", longopts, NULL)) != -1) {
        if (cli_global_option(&ctx, opt, optarg, &rc)) {
            if (rc)
                return rc;
            continue;
        }
        switch (opt) {
        case 'h':
            fputs(usage_text, stdout);
            return finish_stdout(0);
        case 'V':
            printf("dropwatch (libdropwatch) %s\nlibrary %s\n", DW_VERSION_STRING, dw_version_string());
            return finish_stdout(0);
        default:
            return cli_getopt_error(&ctx, argv, opt);
        }
    }
    if (optind >= argc) {
        char names[256] = "";
        for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", commands[i].name);
        return cli_usage_error(&ctx, "no command given (%s)", names);
    }
    const char *name = argv[optind];
    if (strcmp(name, "help") == 0)
        return help_command(&ctx, argc, argv);
    if (strcmp(name, "completion") == 0) /* hidden: shell completion generated from the option tables */
        return finish_stdout(cli_completion(&ctx, argc - optind, argv + optind, commands,
                                            sizeof commands / sizeof commands[0]));
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return run_subcommand(&ctx, &commands[i], argc, argv);
    return cli_usage_error(&ctx, "unknown command %s", cli_q(name));
}
