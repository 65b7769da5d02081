/* SPDX-License-Identifier: MIT */
/* Shared declarations of the dropwatch command-line tool (src/). Not part of the library. */
#ifndef DW_CLI_H
#define DW_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#ifdef HAVE_SYSEXITS_H
#include <sysexits.h>
#else
/* BSD sysexits.h values (Windows has no such header; the exit codes stay the same everywhere). */
#define EX_OK 0
#define EX_USAGE 64
#define EX_DATAERR 65
#define EX_NOINPUT 66
#define EX_UNAVAILABLE 69
#define EX_SOFTWARE 70
#define EX_OSERR 71
#define EX_CANTCREAT 73
#define EX_IOERR 74
#define EX_TEMPFAIL 75
#define EX_NOPERM 77
#define EX_CONFIG 78
#endif

#include <dropwatch.h>
#include <dropwatch/testing.h>

#include "cli_compat.h"

/* A numeric library macro as a string literal, so help texts print the library's defaults and ranges. */
#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)

/* Settings every sub-command sees (global options and the config file). */
typedef struct cli_ctx {
    const char *cmd;          /* sub-command name, for messages */
    dw_format format;         /* --format */
    dw_event_mode event_mode; /* --event */
    const char *config_path;  /* --config */
    int verbose;              /* 1 = summary lines even when stdout is not a terminal; -1 = never */
    int metrics;              /* --format prometheus|openmetrics (check only; src/cli_monitor.h) */
    unsigned throttle_seconds; /* --throttle: suppression window of repeated alerts (0 = off) */
    dw_throttle *throttle;    /* created by main() after the global options; NULL = no suppression */
    int eventlog;             /* --eventlog: alerts also go to the Windows Event Log */
    const char *event_source; /* --source (NULL: DW_EVENTLOG_DEFAULT_SOURCE) */
} cli_ctx;

/* ---- messages (src/dropwatch.c) ---- */
void cli_err(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a usage error with the "Try ... --help" hint and returns EX_USAGE. */
int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A caller's value (argument, option value, configuration value, path) quoted for a diagnostic with the
 * library's dw_quote(): at most DW_QUOTE_MAX bytes shown, a cut marked "...' (N bytes)". Never quote such a
 * value with '%s'. The text lives in one of CLI_QUOTE_SLOTS per-thread buffers, reused in turn: one
 * message may quote up to that many values. */
#define CLI_QUOTE_SLOTS 4
const char *cli_q(const char *s);
/* Whether summary/progress lines go to stderr (stdout is a terminal, or -v). */
int cli_summary_wanted(const cli_ctx *ctx);

/* Global options every sub-command also accepts after its name. Returns 1 when `opt` was one of them,
 * 0 when not, and sets *rc (EX_USAGE) when its argument was bad. */
enum {
    OPT_FORMAT = 1000, OPT_CONFIG, OPT_EVENT, OPT_VERBOSE, OPT_QUIET, OPT_THROTTLE,
    OPT_FIRST_COMMAND_OPTION = 1100
};
#define CLI_GLOBAL_LONGOPTS \
    {"format", required_argument, NULL, OPT_FORMAT}, \
    {"config", required_argument, NULL, OPT_CONFIG}, \
    {"event", required_argument, NULL, OPT_EVENT}, \
    {"verbose", no_argument, NULL, OPT_VERBOSE}, \
    {"quiet", no_argument, NULL, OPT_QUIET}, \
    {"throttle", required_argument, NULL, OPT_THROTTLE}, \
    {"help", no_argument, NULL, 'h'}
int cli_global_option(cli_ctx *ctx, int opt, const char *arg, int *rc);
/* Reports an unknown option or a missing argument from getopt_long (opt is '?' or ':'). */
int cli_getopt_error(const cli_ctx *ctx, char **argv, int opt);

/* ---- parsing helpers (src/cli_util.c) ---- */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int cli_parse_errno(const char *s, int *out);          /* "5", "EIO" */
int cli_parse_win32(const char *s, uint32_t *out);     /* "112", "0x70", "ERROR_DISK_FULL" */
int cli_parse_time(const char *s, int64_t *ms);        /* "2026-11-25T04:30:00.123Z", "@1764045000123" (ms) */
int cli_parse_inject(const char *s, dw_fault *fault);        /* OP:ERRNO[:COUNT] */
/* A value of a library enum by the library's names (dw_enum_from_name: case-insensitive, with its
 * aliases such as "2016" for Exchange 2013), or by the first word of a hyphenated name when only one name
 * starts with it ("mime" for "mime-length"). The CLI keeps no name table of its own. */
int cli_parse_enum(dw_enum kind, const char *s, int *out);
/* The canonical names of an enum for messages: "a, b or c". */
void cli_enum_names(dw_enum kind, char *buf, size_t size);
/* Options whose value names a library enum. Parsing (cli_enum_option) and the generated shell completion
 * (src/cli_complete.c, which offers dw_enum_name's names) read this one table. */
typedef struct cli_enum_opt {
    const char *option; /* long option name without "--" */
    dw_enum kind;
} cli_enum_opt;
extern const cli_enum_opt cli_enum_opts[];
extern const size_t cli_n_enum_opts;
/* cli_parse_enum for the value of --`option` (one of cli_enum_opts): 0, or the usage error naming the
 * expected values. */
int cli_enum_option(const cli_ctx *ctx, const char *option, const char *arg, int *out);
/* A number for an unsigned option field whose range the library owns: digits only; a value above
 * UINT_MAX becomes UINT_MAX, so the library's check still names the range. 0, or the usage error. */
int cli_unsigned_option(const cli_ctx *ctx, const char *option, const char *arg, unsigned *out);
/* After an option set a field of *opts: the library's verdict on the options (dw_drop_options_check).
 * 0, or the usage error "invalid --OPTION 'ARG': <the failing field and its range>". */
int cli_drop_option_check(const cli_ctx *ctx, const dw_drop_options *opts, const char *option, const char *arg);

/* deliver: the message is published under its final name but its durability is unknown (the directory
 * sync failed and the publication could not be undone). Outside sysexits on purpose: every sysexits
 * failure code makes a mail system retry or bounce, and either is wrong for a message that is there. */
#define CLI_EX_PUBLISHED_UNSURE 79

/* sysexits code for a failure class and for a non-I/O library status. */
int cli_exit_for_class(dw_class cls);
int cli_exit_for_status(dw_status st, const dw_io_error *err);

/* Prints "dropwatch CMD: <fmt...>: <the library's description of err>" (dw_io_error_describe: operation,
 * path, errno and Win32 code, detail, class, attempts, what was published or left behind). */
void cli_io_failure(const cli_ctx *ctx, const dw_io_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* malloc that never returns NULL (the tool exits with EX_OSERR instead). */
void *cli_xmalloc(size_t n);
char *cli_xstrdup(const char *s);
char *cli_hostname(void); /* allocated */

/* ---- records on stdout (src/cli_out.c) ---- */
/* One record of fields: "key: value" lines (text), a one-line JSON object, a one-line XML element, or an
 * RFC 5424 line with the fields as structured data. Keys are fixed identifiers; values may be anything
 * (escaped per format, invalid UTF-8 replaced). */
typedef struct cli_rec {
    FILE *f;
    dw_format format;
    int nfields;
} cli_rec;
void rec_begin(cli_rec *r, const cli_ctx *ctx, const char *kind, int ok);
void rec_str(cli_rec *r, const char *key, const char *val);
void rec_strn(cli_rec *r, const char *key, const char *val, size_t len);
void rec_u64(cli_rec *r, const char *key, uint64_t v);
void rec_bool(cli_rec *r, const char *key, int v);
void rec_end(cli_rec *r);
/* Writes s (len bytes) for a human: control characters and invalid UTF-8 as C escapes. */
void cli_put_escaped(FILE *f, const char *s, size_t len);

/* ---- configuration (src/cli_config.c) ---- */
typedef struct cli_connector {
    char *name;
    char *drop_dir;      /* DropDirectory (defaults to the name, as in Exchange) */
    uint64_t quota;      /* 0 = unlimited */
    char *temp_dir;      /* TempDirectory (libdropwatch's own: dw_drop_options.temp_dir), NULL = none */
    unsigned line;       /* where it was defined (0 = command line) */
} cli_connector;

typedef struct cli_config {
    char *root;          /* RootDropDirectoryPath; NULL or "" = install folder */
    char *install_dir;
    dw_exchange_version version;
    dw_path_style style;
    char *computer;      /* NULL = host name */
    cli_connector *connectors;
    size_t n_connectors;
} cli_config;

void cli_config_init(cli_config *cfg);
void cli_config_free(cli_config *cfg);
/* Parse a config file. Returns 0, or an exit code after printing "FILE:LINE: message" errors. */
int cli_config_load(cli_config *cfg, const char *path);
/* Same from a string (the demo's embedded configuration); name is used in messages. */
int cli_config_parse(cli_config *cfg, const char *name, const char *text, size_t len);
cli_connector *cli_config_add_connector(cli_config *cfg, const char *name, unsigned line);

/* ---- targets: a connector with its resolved drop path (src/cli_target.c) ---- */
typedef struct cli_target {
    const cli_connector *conn;
    const char *root;        /* the configuration's RootDropDirectoryPath (not owned) */
    char *path;              /* strictly resolved drop directory, or NULL when resolution failed (dw_free) */
    char *exchange_path;     /* where Exchange would write, for messages about invalid settings (dw_free) */
    dw_status status;        /* of dw_path_resolve() */
    dw_resolve_info info;
    dw_explain_info explain; /* Exchange's view when resolution failed (8007 numbers, 8008 for no name) */
} cli_target;

/* Resolution options (install folder, version, style) of a configuration. */
void cli_resolve_options(const cli_config *cfg, dw_resolve_options *ro);
void cli_target_resolve(cli_target *t, const cli_config *cfg, const cli_connector *conn);
void cli_target_free(cli_target *t);
/* Fills err with a configuration-class failure describing why the target did not resolve. */
void cli_target_error(const cli_target *t, dw_io_error *err);
/* Prints an alert record for a failure on a target to stdout in ctx->format. Returns 0 or EX_SOFTWARE. */
int cli_print_alert(const cli_ctx *ctx, const cli_config *cfg, const cli_target *t, const dw_io_error *err);
/* Prints the "suppressed" record of every throttle window closed by now_ms (INT64_MAX: all of them; -1:
 * the current time). */
void cli_throttle_flush(const cli_ctx *ctx, int64_t now_ms);
/* Prints a "resolve failed" explanation to stderr. */
void cli_target_explain_failure(const cli_ctx *ctx, const cli_target *t);

/* Options selecting connectors, shared by resolve, deliver, check, watch and sweep. */
typedef struct cli_sel {
    const char *connector, *root, *drop_dir, *install_dir, *quota_text, *computer;
    int have_root, have_version, have_style;
    dw_exchange_version version;
    dw_path_style style;
} cli_sel;
enum {
    OPT_CONNECTOR = 1050, OPT_ROOT, OPT_DROP_DIR, OPT_INSTALL_DIR, OPT_EXCHANGE_VERSION, OPT_STYLE,
    OPT_QUOTA, OPT_COMPUTER
};
#define CLI_SEL_LONGOPTS \
    {"connector", required_argument, NULL, OPT_CONNECTOR}, \
    {"root", required_argument, NULL, OPT_ROOT}, \
    {"drop-dir", required_argument, NULL, OPT_DROP_DIR}, \
    {"install-dir", required_argument, NULL, OPT_INSTALL_DIR}, \
    {"exchange-version", required_argument, NULL, OPT_EXCHANGE_VERSION}, \
    {"style", required_argument, NULL, OPT_STYLE}, \
    {"computer", required_argument, NULL, OPT_COMPUTER}
/* DropDirectoryQuota, for the commands that write into or measure the drop directory (deliver, check,
 * watch, sweep); not in CLI_SEL_LONGOPTS, so resolve and pickup refuse it and completion does not offer it. */
#define CLI_QUOTA_LONGOPT {"quota", required_argument, NULL, OPT_QUOTA}
/* Returns 1 when opt was a selection option (stored), 0 when not; sets *rc on a bad value. */
int cli_sel_option(const cli_ctx *ctx, cli_sel *sel, int opt, const char *arg, int *rc);

/*
 * Options of a sub-command that takes the global options, --help, one flag (--`flag`, sets *flag_set)
 * and, when sel is not NULL, the connector selection options. Returns -1 when the command goes on
 * (optind then points at its operands), else the exit status (0 after --help, EX_USAGE on a bad option).
 */
int cli_flag_options(cli_ctx *ctx, int argc, char **argv, const char *help, const char *flag, int *flag_set,
                     cli_sel *sel);
/* Builds the configuration the selection describes (config file + overrides). Returns 0 or an exit code. */
int cli_sel_build(const cli_ctx *ctx, const cli_sel *sel, cli_config *cfg);

/* ---- sub-commands ---- */
/* A sub-command of the command table (src/dropwatch.c). */
typedef struct cli_command {
    const char *name;
    int (*fn)(cli_ctx *, int, char **);
} cli_command;

/* Every getopt_long call of the CLI goes through this wrapper, so that the hidden "completion" command
 * (src/cli_complete.c) can collect each command's option table: completion cannot drift from parsing. */
int cli_getopt_long(int argc, char *const argv[], const char *optstring, const struct option *longopts,
                    int *longindex);
#ifndef CLI_NO_GETOPT_WRAP
#define getopt_long cli_getopt_long
#endif

/* Hidden "dropwatch completion bash|zsh": the completion script for the command table. */
int cli_completion(cli_ctx *ctx, int argc, char **argv, const cli_command *cmds, size_t n);

int cmd_resolve(cli_ctx *ctx, int argc, char **argv);
int cmd_validate(cli_ctx *ctx, int argc, char **argv);
int cmd_deliver(cli_ctx *ctx, int argc, char **argv);
int cmd_check(cli_ctx *ctx, int argc, char **argv);
int cmd_watch(cli_ctx *ctx, int argc, char **argv);
int cmd_sweep(cli_ctx *ctx, int argc, char **argv);
int cmd_alert(cli_ctx *ctx, int argc, char **argv);
int cmd_demo(cli_ctx *ctx, int argc, char **argv);
int cmd_eventlog(cli_ctx *ctx, int argc, char **argv);
/* Write an alert to the Windows Event Log when --eventlog was given: 0, or an exit code (69 elsewhere). */
int cli_eventlog_alert(const cli_ctx *ctx, const dw_alert *alert);
int cmd_pickup(cli_ctx *ctx, int argc, char **argv);

#endif /* DW_CLI_H */
