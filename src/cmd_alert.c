/* SPDX-License-Identifier: MIT */
/* dropwatch alert: format an Event 8004 record from fields given on the command line, for scripts that
 * detect failures themselves (or that re-emit what Exchange logged). */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: dropwatch alert [OPTIONS] (--errno E | --win32 CODE) [--connector NAME] [--drop-path PATH]\n"
    "\n"
    "Format one Event 8004 alert record from the given fields and print it on stdout. The failure class\n"
    "follows from the errno value (or the Win32 code when no errno is given).\n"
    "\n"
    "  --connector NAME         Foreign connector name (%1)\n"
    "  --drop-path PATH         resolved drop directory (%2)\n"
    "  --root ROOT              RootDropDirectoryPath as configured\n"
    "  --drop-dir NAME          DropDirectory as configured\n"
    "  --errno E                errno value: number or name (EIO, ENOSPC, ...)\n"
    "  --win32 CODE             Win32 error code: decimal, 0x hex or name (ERROR_DISK_FULL)\n"
    "  --op OP                  failing operation: open-dir, create, write, fsync, rename, dir-fsync, quota, ...\n"
    "  --path PATH              the path involved (default: --drop-path)\n"
    "  --detail TEXT            extra detail\n"
    "  --exception-text TEXT    the I/O exception text (%3); default: derived from the error\n"
    "  --computer NAME          computer name (default: this host)\n"
    "  --time TIME              event time: 2026-11-25T04:30:00.123Z (UTC), @MILLISECONDS, or now (default)\n"
    "  --record-id N            EventRecordID\n"
    "  --event 8004|auto        8004 (default) or the ID Exchange would log (8005/8007/8008/8009/8004)\n"
    "  --eventlog               also write the record to the Windows Event Log (Windows only)\n"
    "  --source NAME            event source for --eventlog (default DropWatch)\n"
    "  --facility N             syslog facility 0-" CLI_STR(DW_SYSLOG_FACILITY_MAX) " (default " CLI_STR(DW_SYSLOG_FACILITY_DEFAULT) ", local0)\n"
    "  --app-name NAME          syslog APP-NAME (default dropwatch)\n"
    "  -f, --format FMT         text (default), xml, json, syslog\n"
    "\n"
    "Exit status: 0 when the record was printed, 64 on usage errors.\n";

enum {
    O_CONNECTOR = OPT_FIRST_COMMAND_OPTION, O_DROP_PATH, O_ROOT, O_DROP_DIR, O_ERRNO, O_WIN32, O_OP, O_PATH,
    O_DETAIL, O_EXC, O_COMPUTER, O_TIME, O_RECORD_ID, O_FACILITY, O_APP, O_EVENTLOG, O_SOURCE
};

/* What the options give: the record's fields, and the failure it describes. */
typedef struct alert_args {
    dw_alert a;
    int have_errno, have_win32, errnum;
    uint32_t win32;
    dw_op op;
    const char *path, *detail;
} alert_args;

/* An option that fills a field of the record. Returns 0, or the usage error. */
static int alert_option(cli_ctx *ctx, alert_args *x, int opt, const char *arg)
{
    uint64_t v;
    int op;
    switch (opt) {
    case O_CONNECTOR: x->a.connector = arg; return 0;
    case O_DROP_PATH: x->a.drop_path = arg; return 0;
    case O_ROOT: x->a.root = arg; return 0;
    case O_DROP_DIR: x->a.drop_dir = arg; return 0;
    case O_PATH: x->path = arg; return 0;
    case O_DETAIL: x->detail = arg; return 0;
    case O_EXC: x->a.exception_text = arg; return 0;
    case O_COMPUTER: x->a.computer = arg; return 0;
    case O_APP: x->a.app_name = arg; return 0;
    case O_EVENTLOG: ctx->eventlog = 1; return 0;
    case O_SOURCE: ctx->event_source = arg; return 0;
    case O_ERRNO:
        x->have_errno = 1;
        if (cli_parse_errno(arg, &x->errnum) != 0)
            return cli_usage_error(ctx, "invalid --errno %s (expected a number or a name such as EIO)", cli_q(arg));
        return 0;
    case O_WIN32:
        x->have_win32 = 1;
        if (cli_parse_win32(arg, &x->win32) != 0)
            return cli_usage_error(ctx, "invalid --win32 %s (expected a code such as 112, 0x70 or "
                                        "ERROR_DISK_FULL)", cli_q(arg));
        return 0;
    case O_OP:
        if (cli_parse_enum(DW_ENUM_OP, arg, &op) != 0 || op == DW_OP_NONE)
            return cli_usage_error(ctx, "invalid --op %s (expected open-dir, create, write, fsync, rename, ...)", cli_q(arg));
        x->op = (dw_op)op;
        return 0;
    case O_TIME:
        if (cli_parse_time(arg, &x->a.time_ms) != 0)
            return cli_usage_error(ctx, "invalid --time %s (expected YYYY-MM-DDTHH:MM:SS[.mmm]Z, @MILLISECONDS "
                                        "or now)", cli_q(arg));
        return 0;
    case O_RECORD_ID:
        if (cli_parse_u64(arg, 0, UINT64_MAX, &v) != 0)
            return cli_usage_error(ctx, "invalid --record-id %s", cli_q(arg));
        x->a.record_id = v;
        x->a.has_record_id = 1;
        return 0;
    case O_FACILITY:
        if (cli_parse_u64(arg, 0, DW_SYSLOG_FACILITY_MAX, &v) != 0)
            return cli_usage_error(ctx, "invalid --facility %s (expected 0 to %d)", cli_q(arg), DW_SYSLOG_FACILITY_MAX);
        x->a.syslog_facility = (int)v;
        return 0;
    }
    return -1;
}

/* Step 1: the command line. Returns -1 to go on, else the exit code (0 after --help). */
static int parse_options(cli_ctx *ctx, int argc, char **argv, alert_args *x)
{
    static const struct option longopts[] = {
        CLI_GLOBAL_LONGOPTS,
        {"connector", required_argument, NULL, O_CONNECTOR}, {"drop-path", required_argument, NULL, O_DROP_PATH},
        {"root", required_argument, NULL, O_ROOT}, {"drop-dir", required_argument, NULL, O_DROP_DIR},
        {"errno", required_argument, NULL, O_ERRNO}, {"win32", required_argument, NULL, O_WIN32},
        {"op", required_argument, NULL, O_OP}, {"path", required_argument, NULL, O_PATH},
        {"detail", required_argument, NULL, O_DETAIL}, {"exception-text", required_argument, NULL, O_EXC},
        {"computer", required_argument, NULL, O_COMPUTER}, {"time", required_argument, NULL, O_TIME},
        {"record-id", required_argument, NULL, O_RECORD_ID}, {"facility", required_argument, NULL, O_FACILITY},
        {"app-name", required_argument, NULL, O_APP}, {"eventlog", no_argument, NULL, O_EVENTLOG},
        {"source", required_argument, NULL, O_SOURCE}, {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    while ((opt = getopt_long(argc, argv, ":f:c:vqh", longopts, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc)) {
            if (rc)
                return rc;
        } else if (opt == 'h') {
            fputs(help, stdout);
            return 0;
        } else if ((rc = alert_option(ctx, x, opt, optarg)) != 0) {
            return rc > 0 ? rc : cli_getopt_error(ctx, argv, opt);
        }
    }
    if (optind < argc)
        return cli_usage_error(ctx, "unexpected argument %s", cli_q(argv[optind]));
    if (!x->have_errno && !x->have_win32)
        return cli_usage_error(ctx, "give the failure with --errno or --win32");
    if (ctx->config_path)
        return cli_usage_error(ctx, "--config has no meaning for alert");
    return -1;
}

/* Step 2: the record, formatted on stdout and (with --eventlog) written to the Event Log. */
static int print_record(cli_ctx *ctx, alert_args *x)
{
    dw_alert *a = &x->a;
    dw_io_error_set(&a->error, x->op, x->have_errno ? x->errnum : 0, x->have_win32 ? x->win32 : 0,
                    x->path ? x->path : a->drop_path ? a->drop_path : "");
    if (x->detail)
        snprintf(a->error.detail, sizeof a->error.detail, "%s", x->detail);
    a->event_mode = ctx->event_mode;
    char *host = a->computer ? NULL : cli_hostname();
    if (!a->computer)
        a->computer = host;
    char *out = NULL;
    size_t len = 0;
    dw_status st = dw_alert_format_alloc(a, ctx->format, &out, &len);
    if (st != DW_OK) {
        free(host);
        cli_err(ctx, "cannot format the record: %s", dw_status_str(st));
        return st == DW_E_INVAL ? EX_USAGE : cli_exit_for_status(st, NULL);
    }
    fwrite(out, 1, len, stdout);
    dw_free(out);
    /* The Event Log record reads a->computer too: the host name lives until it is written. */
    int rc = cli_eventlog_alert(ctx, a);
    free(host);
    return rc;
}

int cmd_alert(cli_ctx *ctx, int argc, char **argv)
{
    alert_args x = {.op = DW_OP_WRITE};
    dw_alert_init(&x.a);
    int rc = parse_options(ctx, argc, argv, &x);
    if (rc >= 0)
        return rc;
    return print_record(ctx, &x);
}
