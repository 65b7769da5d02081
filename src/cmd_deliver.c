/* SPDX-License-Identifier: MIT */
/* dropwatch deliver: guarded write of each file (or standard input) as one message into a connector's
 * drop directory; on failure the alert record and the class's exit code. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_progress.h"

static const char help[] =
    "Usage: dropwatch deliver [OPTIONS] --drop-dir NAME [--root ROOT] [FILE...]\n"
    "       dropwatch deliver [OPTIONS] --config FILE --connector NAME [FILE...]\n"
    "\n"
    "Write each FILE (standard input when none or '-') into the connector's drop directory as one\n"
    "message: a temporary file, fsync, then an atomic rename to a unique *.eml name, so the gateway never\n"
    "sees a partial file. The drop directory must exist (it is never created). Prints one line per\n"
    "message: delivered<TAB>SOURCE<TAB>FILE<TAB>BYTES, flushed at once. The first failure stops the run,\n"
    "prints the Event 8004 alert record on stdout and exits with its class's code.\n"
    "\n"
    "Connector:\n"
    "  --root ROOT, --drop-dir NAME, --connector NAME, --install-dir DIR, --exchange-version VER,\n"
    "  --style STYLE, --computer NAME   as for 'dropwatch resolve'\n"
    "  --quota QUOTA            DropDirectoryQuota: unlimited, 1048576, 10MB, \"10 MB (10,485,760 bytes)\"\n"
    "  --quota-mode exchange|strict  exchange (default): refuse only when the files already add up to the\n"
    "                           quota, as Exchange does; strict: never exceed it (not Exchange's rule)\n"
    "Message:\n"
    "  --sender ADDR            X-Sender envelope header (needs --recipient)\n"
    "  --sender-params P        MAIL FROM parameters after the sender address\n"
    "  --recipient ADDR         X-Receiver header; repeat for more recipients\n"
    "  --eoh mime|header        X-EndOfInjectedXHeaders value: MIME length (default, what Exchange writes)\n"
    "                           or header length (the documentation's reading; not Exchange's bytes)\n"
    "  --naming unique|exchange file names: unique (default) or {Machine}-{RecordId}-{UTC}Z.{Priority}.eml\n"
    "                           (Machine: NetBIOS-style, upper case, at most 15 characters)\n"
    "  --machine NAME           machine name for exchange naming (default: ComputerName, host name)\n"
    "  --priority P             high, normal (default), low (exchange naming)\n"
    "  --record-id N            record id of the first message, incremented per message (exchange naming)\n"
    "  --prefix P               prefix of unique file names\n"
    "  --temp-dir DIR           write temporary files there, not in the drop directory: a subdirectory\n"
    "                           name (\".dwtmp\") or an absolute directory on the same file system; it must\n"
    "                           exist (overrides the connector's TempDirectory)\n"
    "  --durability full|none   full (default): fsync file and directory; none: atomic but not durable\n"
    "  --retry-max N            transient retries per operation (default " CLI_STR(DW_RETRY_MAX_DEFAULT) ")\n"
    "  --lock-timeout MS        longest wait for the quota ledger lock (default " CLI_STR(DW_LOCK_TIMEOUT_DEFAULT_MS) ")\n"
    "  --keep-going             after a failure, go on with the next file (exit code of the first failure)\n"
    "Test aids (fault injection, documented in dropwatch(1)):\n"
    "  --inject OP:ERRNO[:N]    the next N (default 1) OP calls fail with ERRNO, e.g. fsync:EIO, write:ENOSPC\n"
    "  --short-write BYTES      each write transfers at most BYTES bytes\n"
    "  -f, --format FMT         alert format: text (default), xml, json, syslog\n"
    "\n"
    "Exit status: 0 delivered; 73 capacity, 74 physical/logical, 75 transient/remote, 77 access,\n"
    "78 configuration (missing drop directory, invalid setting); 66 unreadable input; 64 usage;\n"
    "79 published but durability unknown (the directory sync failed and could not be undone): the\n"
    "record published-unsure<TAB>SOURCE<TAB>FILE<TAB>BYTES names it; do not deliver it again.\n";

enum {
    OPT_SENDER = OPT_FIRST_COMMAND_OPTION, OPT_SENDER_PARAMS, OPT_RECIPIENT, OPT_EOH, OPT_NAMING, OPT_MACHINE,
    OPT_PRIORITY, OPT_RECORD_ID, OPT_PREFIX, OPT_DURABILITY, OPT_RETRY_MAX, OPT_KEEP_GOING, OPT_INJECT,
    OPT_SHORT_WRITE, OPT_LOCK_TIMEOUT, OPT_QUOTA_MODE, OPT_TEMP_DIR
};

/* Reads all of fd into memory (standard input and other non-regular sources, so the size is known
 * before the first byte goes to the drop directory: quota checks and the envelope need it). */
static int slurp(int fd, char **out, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = cli_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return -1;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t k = read(fd, buf + n, cap - n);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            errno = e;
            return -1;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    *out = buf;
    *len = n;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What the options ask for. */
typedef struct deliver_opts {
    dw_drop_options dopts;
    dw_fault fault;
    dw_msg_options mopts;
    const char *sender, *sender_params;
    const char **rcpts;
    size_t n_rcpts;
    dw_eoh_mode eoh;
    uint64_t record_id;
    int keep_going;
} deliver_opts;

/* An option of the drop handle (dw_drop_options). Its value is checked by the library as soon as it is
 * set (dw_drop_options_check names the failing field and its range), so the CLI keeps no ranges or name
 * tables of its own. Returns 0, the usage error, or -1 when opt is not one of them. */
static int drop_option(cli_ctx *ctx, dw_drop_options *d, int opt, const char *arg)
{
    int e = 0, rc;
    switch (opt) {
    case OPT_MACHINE: d->machine_name = arg; return 0;
    case OPT_PREFIX: d->name_prefix = arg; return cli_drop_option_check(ctx, d, "prefix", arg);
    case OPT_TEMP_DIR: d->temp_dir = arg; return cli_drop_option_check(ctx, d, "temp-dir", arg);
    case OPT_NAMING:
        if (!(rc = cli_enum_option(ctx, "naming", arg, &e)))
            d->naming = (dw_naming)e;
        return rc;
    case OPT_QUOTA_MODE:
        if (!(rc = cli_enum_option(ctx, "quota-mode", arg, &e)))
            d->quota_mode = (dw_quota_mode)e;
        return rc;
    case OPT_DURABILITY:
        if (!(rc = cli_enum_option(ctx, "durability", arg, &e)))
            d->durability = (dw_durability)e;
        return rc;
    case OPT_RETRY_MAX:
        if ((rc = cli_unsigned_option(ctx, "retry-max", arg, &d->retry_max)) != 0)
            return rc;
        return cli_drop_option_check(ctx, d, "retry-max", arg);
    case OPT_LOCK_TIMEOUT:
        if ((rc = cli_unsigned_option(ctx, "lock-timeout", arg, &d->lock_timeout_ms)) != 0)
            return rc;
        return cli_drop_option_check(ctx, d, "lock-timeout", arg);
    }
    return -1;
}

/* An option of the messages (envelope, priority, record id) or of the run. Returns 0, the usage error,
 * or -1 when opt is not one of them. */
static int message_option(cli_ctx *ctx, int argc, deliver_opts *o, int opt, const char *arg)
{
    int e = 0, rc;
    uint64_t v;
    switch (opt) {
    case OPT_SENDER: o->sender = arg; return 0;
    case OPT_SENDER_PARAMS: o->sender_params = arg; return 0;
    case OPT_KEEP_GOING: o->keep_going = 1; return 0;
    case OPT_RECIPIENT:
        /* Allocated at the first --recipient (never before the table is handed to getopt_long: the
         * completion generator leaves at that call); argc bounds how many there can be. */
        if (!o->rcpts)
            o->rcpts = cli_xmalloc((size_t)argc * sizeof *o->rcpts);
        o->rcpts[o->n_rcpts++] = arg;
        return 0;
    case OPT_EOH: /* "mime" and "header" are the first words of the library's names */
        if (!(rc = cli_enum_option(ctx, "eoh", arg, &e)))
            o->eoh = (dw_eoh_mode)e;
        return rc;
    case OPT_PRIORITY:
        if (!(rc = cli_enum_option(ctx, "priority", arg, &e)))
            o->mopts.priority = (dw_priority)e;
        return rc;
    case OPT_RECORD_ID:
        if (cli_parse_u64(arg, 1, UINT64_MAX / 2, &o->record_id) != 0)
            return cli_usage_error(ctx, "invalid --record-id %s (expected a positive number)", cli_q(arg));
        return 0;
    case OPT_INJECT:
        if (cli_parse_inject(arg, &o->fault) != 0)
            return cli_usage_error(ctx, "invalid --inject %s (expected OP:ERRNO[:COUNT], e.g. fsync:EIO)", cli_q(arg));
        return 0;
    case OPT_SHORT_WRITE:
        if (cli_parse_u64(arg, 1, 1u << 30, &v) != 0)
            return cli_usage_error(ctx, "invalid --short-write %s (expected a byte count)", cli_q(arg));
        o->fault.short_write = (unsigned)v;
        return 0;
    }
    return drop_option(ctx, &o->dopts, opt, arg);
}

/* Step 1: the command line. Returns 0, an exit code, or -1 after printing the help. */
static int parse_options(cli_ctx *ctx, int argc, char **argv, cli_sel *sel, deliver_opts *o)
{
    static const struct option longopts[] = {
        CLI_GLOBAL_LONGOPTS, CLI_SEL_LONGOPTS, CLI_QUOTA_LONGOPT,
        {"sender", required_argument, NULL, OPT_SENDER}, {"sender-params", required_argument, NULL, OPT_SENDER_PARAMS},
        {"recipient", required_argument, NULL, OPT_RECIPIENT}, {"eoh", required_argument, NULL, OPT_EOH},
        {"naming", required_argument, NULL, OPT_NAMING}, {"machine", required_argument, NULL, OPT_MACHINE},
        {"priority", required_argument, NULL, OPT_PRIORITY}, {"record-id", required_argument, NULL, OPT_RECORD_ID},
        {"prefix", required_argument, NULL, OPT_PREFIX}, {"durability", required_argument, NULL, OPT_DURABILITY},
        {"retry-max", required_argument, NULL, OPT_RETRY_MAX}, {"keep-going", no_argument, NULL, OPT_KEEP_GOING},
        {"inject", required_argument, NULL, OPT_INJECT}, {"short-write", required_argument, NULL, OPT_SHORT_WRITE},
        {"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
        {"quota-mode", required_argument, NULL, OPT_QUOTA_MODE},
        {"temp-dir", required_argument, NULL, OPT_TEMP_DIR},
        {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    while (!rc && (opt = getopt_long(argc, argv, ":f:c:vqh", longopts, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc) || cli_sel_option(ctx, sel, opt, optarg, &rc))
            continue;
        if (opt == 'h') {
            fputs(help, stdout);
            return -1;
        }
        if ((rc = message_option(ctx, argc, o, opt, optarg)) < 0)
            rc = cli_getopt_error(ctx, argv, opt);
    }
    if (!rc && (o->sender || o->sender_params) && (!o->sender || o->n_rcpts == 0))
        rc = cli_usage_error(ctx, "an envelope needs --sender and at least one --recipient");
    if (!rc && !o->sender && o->n_rcpts)
        rc = cli_usage_error(ctx, "--recipient needs --sender");
    return rc;
}

/* Step 2: the envelope of every message (*env stays NULL without --sender). Returns 0 or an exit code. */
static int build_envelope(cli_ctx *ctx, const deliver_opts *o, dw_envelope **env)
{
    int rc = 0;
    *env = NULL;
    if (!o->sender)
        return 0;
    dw_status st = dw_envelope_new(env);
    if (st == DW_OK && (st = dw_envelope_set_sender(*env, o->sender, o->sender_params)) != DW_OK)
        rc = cli_usage_error(ctx, "invalid --sender or --sender-params: %s (printable ASCII only, no CR/LF)",
                             dw_status_str(st));
    for (size_t i = 0; st == DW_OK && i < o->n_rcpts; i++) {
        if ((st = dw_envelope_add_recipient(*env, o->rcpts[i], NULL)) != DW_OK)
            rc = cli_usage_error(ctx, "invalid --recipient %s: %s (printable ASCII only, no CR/LF)",
                                 cli_q(o->rcpts[i]), dw_status_str(st));
    }
    if (st == DW_OK)
        st = dw_envelope_set_eoh_mode(*env, o->eoh);
    if (st != DW_OK && !rc) {
        cli_err(ctx, "cannot build the envelope: %s", dw_status_str(st));
        rc = cli_exit_for_status(st, NULL);
    }
    return rc;
}

/* Step 3: the connector's drop directory, opened (*drop). On failure the explanation and the alert are
 * printed and the exit code returned; *drop is NULL then. */
static int open_drop(cli_ctx *ctx, cli_config *cfg, cli_target *t, deliver_opts *o, dw_drop **drop)
{
    dw_io_error err;
    dw_io_error_clear(&err);
    *drop = NULL;
    if (!o->dopts.machine_name)
        o->dopts.machine_name = cfg->computer;
    o->dopts.quota_bytes = cfg->connectors[0].quota;
    if (!o->dopts.temp_dir)
        o->dopts.temp_dir = cfg->connectors[0].temp_dir;
    cli_target_resolve(t, cfg, &cfg->connectors[0]);
    if (t->status != DW_OK) {
        cli_target_explain_failure(ctx, t);
        cli_target_error(t, &err);
    } else {
        dw_status st = dw_testing_drop_open(drop, t->path, &o->dopts, &o->fault, &err);
        if (st != DW_OK && st != DW_E_IO) {
            /* Not an I/O failure of the drop directory (an option the library refused, no memory): no alert. */
            cli_err(ctx, "cannot open drop directory of %s: %s", cli_q(t->conn->name),
                    err.detail[0] ? err.detail : dw_status_str(st));
            return st == DW_E_INVAL ? EX_USAGE : cli_exit_for_status(st, NULL);
        }
        if (st == DW_OK)
            return 0;
        *drop = NULL;
        cli_io_failure(ctx, &err, "cannot open drop directory of %s", cli_q(t->conn->name));
    }
    int prc = cli_print_alert(ctx, cfg, t, &err);
    return prc ? prc : cli_exit_for_class(err.io_class);
}

/* Step 4: one source (a file or "-") written as one message. Returns the library's status (*err filled),
 * or -1 when the source itself could not be opened or read (reported here; *src_rc holds the exit code). */
static int write_one(cli_ctx *ctx, dw_drop *drop, const char *src, dw_msg_options *mopts, char *name,
                     size_t name_size, uint64_t *bytes, dw_io_error *err, int *src_rc)
{
    int is_stdin = strcmp(src, "-") == 0;
    int fd = is_stdin ? STDIN_FILENO : open(src, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    size_t need = 0;
    dw_status st;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        cli_err(ctx, "%s: %s", cli_q(src), strerror(errno));
        if (fd >= 0 && !is_stdin)
            close(fd);
        *src_rc = EX_NOINPUT;
        return -1;
    }
#ifdef _WIN32
    /* No descriptors in the Windows API: the library opens the file itself (stdin is read whole). */
    if (S_ISREG(sb.st_mode) && !is_stdin) {
        mopts->expected_size = (uint64_t)sb.st_size;
        *bytes = (uint64_t)sb.st_size;
        st = dw_drop_write_file(drop, src, mopts, name, name_size, &need, err);
#else
    if (S_ISREG(sb.st_mode)) {
        mopts->expected_size = (uint64_t)sb.st_size;
        *bytes = (uint64_t)sb.st_size;
        st = dw_drop_write_fd(drop, fd, mopts, name, name_size, &need, err);
#endif
    } else {
        char *data;
        size_t len;
        if (slurp(fd, &data, &len) != 0) {
            cli_err(ctx, "%s: %s", is_stdin ? "standard input" : cli_q(src), strerror(errno));
            if (!is_stdin)
                close(fd);
            *src_rc = EX_IOERR;
            return -1;
        }
        mopts->expected_size = len;
        *bytes = len;
        st = dw_drop_write(drop, data, len, mopts, name, name_size, &need, err);
        free(data);
    }
    if (!is_stdin)
        close(fd);
    return (int)st;
}

/* Step 5a: the record of a published message (delivered, or published with durability unknown). */
static void report_published(cli_ctx *ctx, const cli_target *t, const char *src, const char *name,
                             uint64_t bytes, int unsure)
{
    const char *kind = unsure ? "published-unsure" : "delivered";
    if (ctx->format == DW_FORMAT_TEXT) {
        fputs(kind, stdout);
        fputc('\t', stdout);
        cli_put_escaped(stdout, src, strlen(src));
        fputc('\t', stdout);
        cli_put_escaped(stdout, t->path, strlen(t->path));
        printf("/%s\t%llu\n", name, (unsigned long long)bytes);
    } else {
        cli_rec r;
        rec_begin(&r, ctx, kind, !unsure);
        rec_str(&r, "connector", t->conn->name);
        rec_str(&r, "source", src);
        rec_str(&r, "drop_path", t->path);
        rec_str(&r, "file", name);
        rec_u64(&r, "bytes", bytes);
        rec_end(&r);
    }
}

/* Step 5b: a failed message: the error, and for a drop-directory failure the alert. Returns the exit code. */
static int report_failure(cli_ctx *ctx, cli_config *cfg, cli_target *t, const char *src, dw_status st,
                          const dw_io_error *err, int unsure)
{
    if (st == DW_E_IO && err->op == DW_OP_READ) {
        /* The source failed, not the drop directory: no alert for the connector. */
        cli_err(ctx, "%s: read error: %s", cli_q(src), strerror(err->sys_errno));
        return EX_IOERR;
    }
    if (st != DW_E_IO) {
        /* The library refused the request itself (envelope, options): an error, not a drop failure. */
        cli_err(ctx, "%s: cannot deliver: %s", cli_q(src), dw_status_str(st));
        return cli_exit_for_status(st, NULL);
    }
    cli_io_failure(ctx, err, "%s", cli_q(src));
    int prc = cli_print_alert(ctx, cfg, t, err);
    /* Published but not known durable: not the class's code, which a caller would retry (a duplicate). */
    return prc ? prc : unsure ? CLI_EX_PUBLISHED_UNSURE : cli_exit_for_class(err->io_class);
}

/* Counts of a run, for the summary line. */
typedef struct deliver_run {
    unsigned delivered, failed;
    uint64_t total;
    int first_rc;  /* exit code of the first failure */
    int attempted; /* sources tried */
} deliver_run;

/* One source delivered and reported. Returns 0 when the run goes on after it (success, or --keep-going). */
static int deliver_source(cli_ctx *ctx, cli_config *cfg, cli_target *t, deliver_opts *o, dw_drop *drop,
                          const char *src, cli_progress *prog, deliver_run *run)
{
    char name[DW_FILE_NAME_MAX];
    uint64_t bytes = 0;
    dw_io_error err;
    dw_io_error_clear(&err);
    int src_rc = 0, frc;
    int st = write_one(ctx, drop, src, &o->mopts, name, sizeof name, &bytes, &err, &src_rc);
    int unsure = st > 0 && err.outcome == DW_OUTCOME_UNCERTAIN;
    if (st == DW_OK || unsure) {
        if (unsure) /* published after all (durability unknown): its record names the file, like a delivery */
            snprintf(name, sizeof name, "%s", err.published);
        report_published(ctx, t, src, name, bytes, unsure);
        /* The caller learns of each published message at once: records held in a block buffer (a pipe)
         * would be lost with the process, and a caller that never heard of a message delivers it again.
         * On a terminal the progress line is erased first, so the record lands on a line of its own. */
        cli_progress_flush(prog);
        if (!unsure) {
            run->delivered++;
            run->total += bytes;
            return 0;
        }
    }
    run->failed++;
    /* st < 0: the source could not be read, reported already */
    frc = st < 0 ? src_rc : report_failure(ctx, cfg, t, src, (dw_status)st, &err, unsure);
    if (!run->first_rc)
        run->first_rc = frc;
    return o->keep_going ? 0 : -1;
}

/* Step 6: every source (standard input when there is none), until the first failure unless --keep-going. */
static void deliver_all(cli_ctx *ctx, cli_config *cfg, cli_target *t, deliver_opts *o, dw_drop *drop,
                        char **files, int nfiles, deliver_run *run)
{
    cli_progress prog;
    cli_progress_begin(&prog, ctx, "files", (uint64_t)nfiles);
    for (int i = 0; i < nfiles; i++) {
        cli_progress_update(&prog, (uint64_t)i, run->total);
        if (o->record_id)
            o->mopts.record_id = o->record_id + (uint64_t)i;
        run->attempted++;
        if (deliver_source(ctx, cfg, t, o, drop, files[i], &prog, run) != 0)
            break;
    }
    cli_progress_end(&prog);
}

int cmd_deliver(cli_ctx *ctx, int argc, char **argv)
{
    cli_sel sel = {0};
    deliver_opts o = {.fault = DW_FAULT_INIT, .eoh = DW_EOH_MIME_LENGTH};
    dw_drop_options_init(&o.dopts);
    dw_msg_options_init(&o.mopts);

    int rc = parse_options(ctx, argc, argv, &sel, &o);
    dw_envelope *env = NULL;
    if (!rc)
        rc = build_envelope(ctx, &o, &env);
    free(o.rcpts);
    if (rc) {
        dw_envelope_free(env);
        return rc < 0 ? 0 : rc;
    }
    o.mopts.envelope = env;

    cli_config cfg;
    rc = cli_sel_build(ctx, &sel, &cfg);
    if (rc) {
        dw_envelope_free(env);
        return rc;
    }
    cli_target t = {0};
    dw_drop *drop = NULL;
    if (cfg.n_connectors != 1)
        rc = cli_usage_error(ctx, "deliver writes to one connector: select it with --connector NAME");
    else
        rc = open_drop(ctx, &cfg, &t, &o, &drop);
    if (!rc && drop) {
        char *stdin_only[] = {"-"};
        int nfiles = argc - optind;
        deliver_run run = {0};
        double t0 = now_s();
        deliver_all(ctx, &cfg, &t, &o, drop, nfiles > 0 ? argv + optind : stdin_only, nfiles > 0 ? nfiles : 1,
                    &run);
        if (cli_summary_wanted(ctx))
            fprintf(stderr, "dropwatch deliver: %u delivered (%llu bytes), %u failed, %u not attempted, %.3f s\n",
                    run.delivered, (unsigned long long)run.total, run.failed,
                    (unsigned)((nfiles > 0 ? nfiles : 1) - run.attempted), now_s() - t0);
        rc = run.first_rc;
    }
    dw_drop_close(drop);
    cli_target_free(&t);
    cli_config_free(&cfg);
    dw_envelope_free(env);
    return rc;
}
