/* SPDX-License-Identifier: MIT */
/* dropwatch pickup: the gateway's loop. Claims each ready message of a drop directory, runs a command
 * with the envelope in environment variables and the MIME message on standard input, acknowledges the
 * message when the command exits 0 and releases it otherwise. Quarantined files print alert records. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "cli.h"

static const char help[] =
    "Usage: dropwatch pickup [OPTIONS] DROPDIR [--] COMMAND [ARG...]\n"
    "       dropwatch pickup [OPTIONS] (--drop-dir NAME [--root ROOT] | --config FILE --connector NAME)\n"
    "                        [--] COMMAND [ARG...]\n"
    "\n"
    "Take the ready messages out of DROPDIR, oldest first, one at a time: claim the message (two pickers\n"
    "never get the same one), run COMMAND with the MIME message (without the injected X-headers) on its\n"
    "standard input and the envelope in its environment, then acknowledge it (delete, or --archive) when\n"
    "COMMAND exits 0, or put it back when it fails. Files Exchange left incomplete are quarantined in\n"
    "DROPDIR/.dwpickup/quarantine and reported as Event 8004 alert records on stdout.\n"
    "\n"
    "Environment of COMMAND:\n"
    "  DW_FILE                  the message's file name      DW_DROP_DIR   DROPDIR\n"
    "  DW_SENDER, DW_SENDER_PARAMS  X-Sender address and MAIL FROM parameters (unset without envelope)\n"
    "  DW_RECIPIENT_COUNT       number of X-Receiver lines\n"
    "  DW_RECIPIENT_<i>, DW_RECIPIENT_PARAMS_<i>  the i-th recipient (1-based) and its parameters\n"
    "  DW_RECIPIENTS            all recipient addresses, separated by newlines\n"
    "  DW_MIME_SIZE             bytes on standard input     DW_REDELIVERED 1 when possibly a duplicate\n"
    "\n"
    "  --follow                 keep watching (inotify, ReadDirectoryChangesW) for new messages; stop on\n"
    "                           SIGINT/SIGTERM (Ctrl-C on Windows); a\n"
    "                           released message is retried after 1, 2, 4 ... 32 s\n"
    "  --max N                  stop after N messages (0 = no limit)\n"
    "  --archive DIR            acknowledge by moving into DROPDIR/DIR instead of deleting\n"
    "  --settle-ms N            age before a file without a verifiable length is ready (default " CLI_STR(DW_PICKUP_SETTLE_DEFAULT_MS) ")\n"
    "  --incomplete-after SEC   age after which a short file is quarantined (default " CLI_STR(DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS) ")\n"
    "  --claim-ttl SEC          age after which another picker's claim is taken over (default " CLI_STR(DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS) ")\n"
    "  --require-envelope       quarantine files without an X-Sender envelope\n"
    "  --no-fsync               do not fsync the directories after ack/release\n"
    "  --root ROOT, --drop-dir NAME, --connector NAME, --install-dir DIR, --exchange-version VER,\n"
    "  --style STYLE            the connector whose drop directory to empty, as for 'dropwatch resolve'\n"
    "  -f, --format FMT         alert record format: text (default), xml, json, syslog\n"
    "\n"
    "Exit status: 0 every message acknowledged; 75 when COMMAND failed for some (they were released);\n"
    "65 when files were quarantined; 74/77/78 for an I/O failure of the drop directory; 64 usage.\n";

enum {
    OPT_FOLLOW = OPT_FIRST_COMMAND_OPTION, OPT_MAX, OPT_ARCHIVE, OPT_SETTLE, OPT_INCOMPLETE, OPT_TTL,
    OPT_REQUIRE_ENV, OPT_NO_FSYNC
};

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* The envelope as "NAME=value" strings (malloc'd, NULL-terminated): the command's added environment. */
typedef struct env_list {
    char **v;
    size_t n, cap;
} env_list;

static void env_add(env_list *l, const char *name, const char *value)
{
    if (l->n + 2 > l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        char **v = cli_xmalloc(l->cap * sizeof *v);
        if (l->n)
            memcpy(v, l->v, l->n * sizeof *v);
        free(l->v);
        l->v = v;
    }
    size_t n = strlen(name), m = strlen(value);
    char *e = cli_xmalloc(n + m + 2);
    memcpy(e, name, n);
    e[n] = '=';
    memcpy(e + n + 1, value, m + 1);
    l->v[l->n++] = e;
    l->v[l->n] = NULL;
}

static void env_add_u64(env_list *l, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    env_add(l, name, buf);
}

static void env_free(env_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static void envelope_env(dw_pickup_msg *m, const char *dropdir, env_list *l)
{
    dw_pickup_info info;
    dw_pickup_msg_info(m, &info);
    env_add(l, "DW_FILE", dw_pickup_msg_name(m));
    env_add(l, "DW_DROP_DIR", dropdir);
    const char *params;
    const char *s = dw_pickup_msg_sender(m, &params);
    if (s) {
        env_add(l, "DW_SENDER", s);
        env_add(l, "DW_SENDER_PARAMS", params ? params : "");
    }
    size_t n = dw_pickup_msg_recipient_count(m);
    env_add_u64(l, "DW_RECIPIENT_COUNT", n);
    size_t total = 1;
    for (size_t i = 0; i < n; i++)
        total += strlen(dw_pickup_msg_recipient(m, i, NULL)) + 1;
    char *all = cli_xmalloc(total);
    all[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        char name[48];
        const char *r = dw_pickup_msg_recipient(m, i, &params);
        snprintf(name, sizeof name, "DW_RECIPIENT_%zu", i + 1);
        env_add(l, name, r);
        snprintf(name, sizeof name, "DW_RECIPIENT_PARAMS_%zu", i + 1);
        env_add(l, name, params ? params : "");
        if (i)
            strcat(all, "\n");
        strcat(all, r);
    }
    env_add(l, "DW_RECIPIENTS", all);
    free(all);
    env_add_u64(l, "DW_MIME_SIZE", info.mime_size);
    env_add(l, "DW_REDELIVERED", info.redelivered ? "1" : "0");
}

/* The outcome of one command: ran (exited with code, or killed by signal on POSIX) or could not start. */
typedef struct cmd_result {
    int started, signaled;
    long code; /* exit code, or the signal */
} cmd_result;

/* Write up to len bytes into the command's pipe: the count written, or <= 0 when it is closed. */
typedef long (*write_fn)(void *pipe, const char *buf, size_t len);

/* The MIME message into the command's standard input. 1 when reading the message failed (err says why);
 * a command that closes its input early only ends the copy: its exit status decides. */
static int feed(dw_pickup_msg *m, write_fn put, void *pipe, dw_io_error *err)
{
    char buf[65536];
    for (;;) {
        size_t got;
        if (dw_pickup_msg_read(m, buf, sizeof buf, &got, err) != DW_OK)
            return 1;
        if (!got)
            return 0;
        size_t off = 0;
        while (off < got) {
            long w = put(pipe, buf + off, got - off);
            if (w <= 0)
                return 0;
            off += (size_t)w;
        }
    }
}

#ifdef _WIN32
static long pipe_write(void *pipe, const char *buf, size_t len)
{
    DWORD w = 0;
    /* ERROR_NO_DATA / ERROR_BROKEN_PIPE: the command does not want the rest */
    if (!WriteFile(*(HANDLE *)pipe, buf, (DWORD)(len > 0x40000000u ? 0x40000000u : len), &w, NULL))
        return -1;
    return (long)w;
}

/* Append one argument to a command line, quoted as CommandLineToArgvW and the C runtime parse it back
 * (backslashes are literal except before a quote). */
static void quote_arg(wchar_t *out, size_t *pos, const wchar_t *a)
{
    size_t o = *pos;
    int q = !*a || wcspbrk(a, L" \t\n\v\"") != NULL;
    if (q)
        out[o++] = L'"';
    for (const wchar_t *p = a;; p++) {
        size_t bs = 0;
        while (*p == L'\\') {
            p++;
            bs++;
        }
        if (!*p) {
            for (size_t i = 0; i < (q ? bs * 2 : bs); i++)
                out[o++] = L'\\';
            break;
        }
        if (*p == L'"') {
            for (size_t i = 0; i < bs * 2 + 1; i++)
                out[o++] = L'\\';
        } else {
            for (size_t i = 0; i < bs; i++)
                out[o++] = L'\\';
        }
        out[o++] = *p;
    }
    if (q)
        out[o++] = L'"';
    *pos = o;
}

static wchar_t *wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = cli_xmalloc((size_t)(n > 0 ? n : 1) * sizeof *w);
    if (n <= 0 || MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n) != n)
        w[0] = 0;
    return w;
}

/* The command line of argv (UTF-8) for CreateProcessW. */
static wchar_t *command_line(char **argv)
{
    size_t cap = 1;
    for (char **a = argv; *a; a++)
        cap += strlen(*a) * 2 + 3; /* every character doubled at worst, quotes and a space */
    wchar_t *out = cli_xmalloc(cap * sizeof *out);
    size_t pos = 0;
    for (char **a = argv; *a; a++) {
        if (a != argv)
            out[pos++] = L' ';
        wchar_t *w = wide(*a);
        quote_arg(out, &pos, w);
        free(w);
    }
    out[pos] = 0;
    return out;
}

/* 1 when the environment entry e ("NAME=value") sets a name the list sets too (names are case-insensitive). */
static int env_overridden(const wchar_t *e, wchar_t **added, size_t n)
{
    const wchar_t *eq = wcschr(e + 1, L'='); /* "=C:=C:\..." entries start with '=' */
    size_t len = eq ? (size_t)(eq - e) : wcslen(e);
    for (size_t i = 0; i < n; i++)
        if (_wcsnicmp(e, added[i], len) == 0 && added[i][len] == L'=')
            return 1;
    return 0;
}

/* This process's environment plus the envelope, as a CreateProcessW block (UTF-16, double NUL). */
static wchar_t *environment_block(const env_list *l)
{
    wchar_t **added = cli_xmalloc((l->n + 1) * sizeof *added);
    size_t total = 1;
    for (size_t i = 0; i < l->n; i++) {
        added[i] = wide(l->v[i]);
        total += wcslen(added[i]) + 1;
    }
    wchar_t *cur = GetEnvironmentStringsW();
    for (const wchar_t *e = cur; e && *e; e += wcslen(e) + 1)
        total += wcslen(e) + 1;
    wchar_t *block = cli_xmalloc(total * sizeof *block), *o = block;
    for (const wchar_t *e = cur; e && *e; e += wcslen(e) + 1) {
        if (env_overridden(e, added, l->n))
            continue;
        size_t k = wcslen(e) + 1;
        memcpy(o, e, k * sizeof *o);
        o += k;
    }
    if (cur)
        FreeEnvironmentStringsW(cur);
    for (size_t i = 0; i < l->n; i++) {
        size_t k = wcslen(added[i]) + 1;
        memcpy(o, added[i], k * sizeof *o);
        o += k;
        free(added[i]);
    }
    *o = 0;
    free(added);
    return block;
}

/* An inheritable duplicate of a standard handle for the child (NULL when this process has none). */
static HANDLE inheritable(DWORD which)
{
    HANDLE h = GetStdHandle(which), d = NULL;
    if (h && h != INVALID_HANDLE_VALUE)
        DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, TRUE, DUPLICATE_SAME_ACCESS);
    return d;
}

/* Run the command on one message: CreateProcessW with the envelope in its environment block and the MIME
 * message written into a pipe that is its standard input. */
static void run_command(const cli_ctx *ctx, dw_pickup_msg *m, const char *dropdir, char **argv, dw_io_error *err,
                        int *read_failed, cmd_result *res)
{
    memset(res, 0, sizeof *res);
    *read_failed = 0;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE rd, wr;
    if (!CreatePipe(&rd, &wr, &sa, 0)) {
        cli_err(ctx, "CreatePipe: error %lu", (unsigned long)GetLastError());
        return;
    }
    /* Only the reading end goes to the child: the writing end must close when we are done. */
    SetHandleInformation(wr, HANDLE_FLAG_INHERIT, 0);
    env_list l = {0};
    envelope_env(m, dropdir, &l);
    wchar_t *block = environment_block(&l);
    env_free(&l);
    wchar_t *line = command_line(argv);
    STARTUPINFOW si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = rd;
    si.hStdOutput = inheritable(STD_OUTPUT_HANDLE);
    si.hStdError = inheritable(STD_ERROR_HANDLE);
    PROCESS_INFORMATION pi;
    fflush(stdout);
    BOOL ok = CreateProcessW(NULL, line, NULL, NULL, TRUE, CREATE_UNICODE_ENVIRONMENT, block, NULL, &si, &pi);
    DWORD e = ok ? 0 : GetLastError();
    CloseHandle(rd);
    if (si.hStdOutput)
        CloseHandle(si.hStdOutput);
    if (si.hStdError)
        CloseHandle(si.hStdError);
    free(line);
    free(block);
    if (!ok) {
        fprintf(stderr, "dropwatch pickup: %s: %s (error %lu)\n", cli_q(argv[0]),
                e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND ? "command not found" : "cannot start",
                (unsigned long)e);
        CloseHandle(wr);
        return;
    }
    CloseHandle(pi.hThread);
    *read_failed = feed(m, pipe_write, &wr, err);
    CloseHandle(wr);
    WaitForSingleObject(pi.hProcess, INFINITE);
    DWORD code = 1;
    if (!GetExitCodeProcess(pi.hProcess, &code))
        code = 1;
    CloseHandle(pi.hProcess);
    res->started = 1;
    res->code = (long)(int32_t)code; /* an NTSTATUS (a crash) reads as the negative number Windows shows */
}
#else
static long pipe_write(void *pipe, const char *buf, size_t len)
{
    for (;;) {
        ssize_t w = write(*(int *)pipe, buf, len);
        if (w < 0 && errno == EINTR)
            continue;
        return (long)w; /* EPIPE: the command does not want the rest */
    }
}

/* Run the command on one message: fork, the envelope into the child's environment, exec, and the MIME
 * message through a pipe on its standard input. */
static void run_command(const cli_ctx *ctx, dw_pickup_msg *m, const char *dropdir, char **argv, dw_io_error *err,
                        int *read_failed, cmd_result *res)
{
    memset(res, 0, sizeof *res);
    *read_failed = 0;
    int pfd[2];
    if (pipe(pfd) < 0) {
        cli_err(ctx, "pipe: %s", strerror(errno));
        return;
    }
    /* Built before fork: the child only puts the strings into its environment and execs. */
    env_list l = {0};
    envelope_env(m, dropdir, &l);
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        cli_err(ctx, "fork: %s", strerror(errno));
        close(pfd[0]);
        close(pfd[1]);
        env_free(&l);
        return;
    }
    if (pid == 0) {
        close(pfd[1]);
        if (dup2(pfd[0], STDIN_FILENO) < 0)
            _exit(126);
        close(pfd[0]);
        signal(SIGPIPE, SIG_DFL);
        for (size_t i = 0; i < l.n; i++)
            putenv(l.v[i]);
        execvp(argv[0], argv);
        fprintf(stderr, "dropwatch pickup: %s: %s\n", cli_q(argv[0]), strerror(errno));
        _exit(errno == ENOENT ? 127 : 126);
    }
    env_free(&l);
    close(pfd[0]);
    *read_failed = feed(m, pipe_write, &pfd[1], err);
    close(pfd[1]);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            cli_err(ctx, "waitpid: %s", strerror(errno));
            return;
        }
    }
    res->started = 1;
    res->signaled = WIFSIGNALED(status);
    res->code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? WTERMSIG(status) : 1;
}
#endif

/* Alert records for the files the last dw_pickup_next() quarantined. */
static int report_quarantine(const cli_ctx *ctx, dw_pickup *p)
{
    const dw_pickup_quarantine *q;
    int any = 0;
    for (size_t i = 0; (q = dw_pickup_quarantined(p, i)) != NULL; i++) {
        dw_alert a;
        char *text = NULL;
        dw_pickup_quarantine_alert(p, q, &a);
        a.event_mode = ctx->event_mode;
        if (dw_alert_format_alloc(&a, ctx->format, &text, NULL) == DW_OK) {
            fputs(text, stdout);
            dw_free(text);
        }
        if (cli_summary_wanted(ctx))
            cli_err(ctx, "quarantined %s: %s", q->name, q->text);
        any = 1;
    }
    return any;
}

/* What the options ask for. */
typedef struct pickup_args {
    dw_pickup_options o;
    cli_sel sel;
    int follow;
    uint64_t max;
} pickup_args;

/* An option of pickup (not a global or selection one). Returns 0, the usage error, or -1 when unknown. */
static int pickup_option(cli_ctx *ctx, pickup_args *a, int opt, const char *arg)
{
    uint64_t v;
    switch (opt) {
    case OPT_FOLLOW: a->follow = 1; return 0;
    case OPT_REQUIRE_ENV: a->o.require_envelope = 1; return 0;
    case OPT_NO_FSYNC: a->o.durable = 0; return 0;
    case OPT_ARCHIVE:
        a->o.ack_mode = DW_PICKUP_ARCHIVE;
        a->o.archive_dir = arg;
        return 0;
    case OPT_MAX:
        if (cli_parse_u64(arg, 0, UINT64_MAX, &a->max) < 0)
            return cli_usage_error(ctx, "invalid --max %s", cli_q(arg));
        return 0;
    case OPT_SETTLE:
    case OPT_INCOMPLETE:
    case OPT_TTL:
        /* The CLI's own typo guards, not library ranges: the library handles any unsigned (its age
         * arithmetic is in int64 nanoseconds, no overflow) and has no pickup options check to own a
         * range, so a bound here would be a limit C does not have. A day to settle, a year otherwise. */
        if (cli_parse_u64(arg, 0, opt == OPT_SETTLE ? 86400000u : 86400u * 365, &v) < 0)
            return cli_usage_error(ctx, "invalid --%s %s (expected %s)", opt == OPT_SETTLE ? "settle-ms"
                                   : opt == OPT_INCOMPLETE ? "incomplete-after" : "claim-ttl", cli_q(arg),
                                   opt == OPT_SETTLE ? "0 to 86400000 milliseconds" : "0 to 31536000 seconds");
        if (opt == OPT_SETTLE)
            a->o.settle_ms = (unsigned)v;
        else if (opt == OPT_INCOMPLETE)
            a->o.incomplete_after_seconds = (unsigned)v;
        else
            a->o.claim_ttl_seconds = (unsigned)v;
        return 0;
    }
    return -1;
}

/* Step 1: the options, up to DROPDIR or the command. Returns -1 to go on, else the exit code. */
static int parse_options(cli_ctx *ctx, int argc, char **argv, pickup_args *a)
{
    static const struct option longopts[] = {
        CLI_GLOBAL_LONGOPTS,
        CLI_SEL_LONGOPTS,
        {"follow", no_argument, NULL, OPT_FOLLOW},
        {"max", required_argument, NULL, OPT_MAX},
        {"archive", required_argument, NULL, OPT_ARCHIVE},
        {"settle-ms", required_argument, NULL, OPT_SETTLE},
        {"incomplete-after", required_argument, NULL, OPT_INCOMPLETE},
        {"claim-ttl", required_argument, NULL, OPT_TTL},
        {"require-envelope", no_argument, NULL, OPT_REQUIRE_ENV},
        {"no-fsync", no_argument, NULL, OPT_NO_FSYNC},
        {NULL, 0, NULL, 0},
    };
    int opt, rc = 0;
    /* "+": options end at DROPDIR, so the command's own options are left alone. */
    while ((opt = getopt_long(argc, argv, "+:f:c:vqh", longopts, NULL)) != -1) {
        if (cli_global_option(ctx, opt, optarg, &rc) || cli_sel_option(ctx, &a->sel, opt, optarg, &rc)) {
            if (rc)
                return rc;
            continue;
        }
        if (opt == 'h') {
            fputs(help, stdout);
            return 0;
        }
        if ((rc = pickup_option(ctx, a, opt, optarg)) != 0)
            return rc > 0 ? rc : cli_getopt_error(ctx, argv, opt);
    }
    return -1;
}

/* Step 2: the drop directory, from a connector selection (resolved into *t, *have_cfg set) or the first
 * operand. Returns -1 to go on with *dropdir set, else the exit code (nothing left to free). */
static int find_dropdir(cli_ctx *ctx, int argc, char **argv, pickup_args *a, cli_config *cfg, cli_target *t,
                        int *have_cfg, const char **dropdir)
{
    if (!a->sel.drop_dir && !a->sel.connector && !ctx->config_path) {
        if (optind >= argc)
            return cli_usage_error(ctx, "no drop directory");
        *dropdir = argv[optind++];
        return -1;
    }
    int rc = cli_sel_build(ctx, &a->sel, cfg);
    if (rc)
        return rc;
    if (cfg->n_connectors != 1) {
        cli_config_free(cfg);
        return cli_usage_error(ctx, "pickup empties one connector's drop directory: select it with --connector NAME");
    }
    cli_target_resolve(t, cfg, &cfg->connectors[0]);
    if (t->status != DW_OK) {
        dw_io_error e;
        cli_target_explain_failure(ctx, t);
        cli_target_error(t, &e);
        cli_target_free(t);
        cli_config_free(cfg);
        return cli_exit_for_class(e.io_class);
    }
    *have_cfg = 1;
    *dropdir = t->path;
    return -1;
}

static int pickup_loop(cli_ctx *ctx, const char *dropdir, const pickup_args *a, char **cmd);

int cmd_pickup(cli_ctx *ctx, int argc, char **argv)
{
    pickup_args a = {.follow = 0};
    dw_pickup_options_init(&a.o);
    int rc = parse_options(ctx, argc, argv, &a);
    if (rc >= 0)
        return rc;
    cli_config cfg;
    cli_target t;
    int have_cfg = 0;
    const char *dropdir = NULL;
    rc = find_dropdir(ctx, argc, argv, &a, &cfg, &t, &have_cfg, &dropdir);
    if (rc >= 0)
        return rc;
    if (optind < argc && strcmp(argv[optind], "--") == 0)
        optind++;
    if (optind >= argc)
        rc = cli_usage_error(ctx, "no command to run per message");
    else
        rc = pickup_loop(ctx, dropdir, &a, argv + optind);
    if (have_cfg) {
        cli_target_free(&t);
        cli_config_free(&cfg);
    }
    return rc;
}

/* SIGINT and SIGTERM end the loop after the current message. */
static void catch_stop_signals(void)
{
#ifdef _WIN32
    /* Ctrl-C (SIGINT) and SIGTERM through the C runtime: Windows has no sigaction (and no SIGPIPE: a closed
     * pipe is an error of WriteFile). */
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
#else
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
#endif
}

/* Counts and state of the loop. */
typedef struct pickup_run {
    uint64_t done, acked, released;
    int quarantined, worst;
    unsigned backoff; /* seconds before a released message is retried with --follow */
} pickup_run;

/* The command succeeded: acknowledge the message. */
static void ack_message(cli_ctx *ctx, dw_pickup_msg *m, const char *name, pickup_run *run)
{
    dw_io_error err;
    dw_status st = dw_pickup_ack(m, &err);
    run->backoff = 1;
    if (st == DW_OK) {
        run->acked++;
        if (cli_summary_wanted(ctx))
            cli_err(ctx, "acknowledged %s", name);
    } else {
        cli_io_failure(ctx, &err, "%s: acknowledgement failed", name);
        run->worst = cli_exit_for_status(st, &err);
    }
}

/* The command failed (or the message could not be read): put the message back. */
static void release_message(cli_ctx *ctx, dw_pickup_msg *m, const char *name, const cmd_result *res,
                            int read_failed, const dw_io_error *read_err, pickup_run *run)
{
    if (read_failed)
        cli_io_failure(ctx, read_err, "%s: reading the message failed", name);
    else if (res->started && cli_summary_wanted(ctx))
        cli_err(ctx, "%s: command %s %ld: released", name, res->signaled ? "killed by signal" : "exited with",
                res->code);
    dw_io_error err;
    dw_status st = dw_pickup_release(m, &err);
    if (st != DW_OK) {
        cli_io_failure(ctx, &err, "%s: release failed", name);
        run->worst = cli_exit_for_status(st, &err);
    } else {
        run->released++;
        if (!run->worst)
            run->worst = EX_TEMPFAIL;
    }
}

/* The release itself wakes the watch: back off (1, 2, 4 ... 32 s while failures go on) so a failing
 * command is not retried in a tight loop. The sleep returns early on SIGTERM (in slices on Windows, where
 * a signal does not cut it short). */
static void back_off(pickup_run *run)
{
    struct timespec pause = {(time_t)run->backoff, 0};
    while (!stop_requested && nanosleep(&pause, &pause) < 0 && errno == EINTR) {
    }
    if (run->backoff < 32)
        run->backoff *= 2;
}

/* One claimed message: run the command, then ack or release. Returns 0 to go on, -1 to stop. */
static int handle_message(cli_ctx *ctx, dw_pickup_msg *m, const char *dropdir, const pickup_args *a, char **cmd,
                          pickup_run *run)
{
    dw_io_error err;
    dw_io_error_clear(&err);
    int read_failed = 0;
    cmd_result res;
    run->done++;
    run_command(ctx, m, dropdir, cmd, &err, &read_failed, &res);
    char *name = cli_xstrdup(dw_pickup_msg_name(m)); /* the message is gone after ack or release */
    int go_on = 0;
    if (res.started && !read_failed && !res.signaled && res.code == 0) {
        ack_message(ctx, m, name, run);
    } else {
        release_message(ctx, m, name, &res, read_failed, &err, run);
        if (!a->follow)
            go_on = -1; /* without --follow, a released message would come straight back: stop here */
        else
            back_off(run);
    }
    free(name);
    return go_on;
}

/* Step 3: claim, run, ack or release until nothing is ready (or, with follow, until SIGINT/SIGTERM). */
static int pickup_loop(cli_ctx *ctx, const char *dropdir, const pickup_args *a, char **cmd)
{
    dw_pickup *p;
    dw_io_error err;
    dw_status st = dw_pickup_open(&p, dropdir, &a->o, &err);
    if (st != DW_OK) {
        if (st == DW_E_INVAL)
            return cli_usage_error(ctx, "invalid --archive %s (a subdirectory name, at most one '/')",
                                   cli_q(a->o.archive_dir ? a->o.archive_dir : ""));
        cli_io_failure(ctx, &err, "%s", cli_q(dropdir));
        return cli_exit_for_status(st, &err);
    }
    catch_stop_signals();
    pickup_run run = {.backoff = 1};
    while (!stop_requested && (!a->max || run.done < a->max)) {
        dw_pickup_msg *m;
        st = dw_pickup_next(p, &m, &err);
        if (report_quarantine(ctx, p))
            run.quarantined = 1;
        if (st != DW_OK) {
            cli_io_failure(ctx, &err, "%s", cli_q(dropdir));
            run.worst = cli_exit_for_status(st, &err);
            break;
        }
        if (!m) {
            if (!a->follow)
                break;
            dw_pickup_wait(p, DW_PICKUP_WAIT_DEFAULT_MS, &err);
            continue;
        }
        if (handle_message(ctx, m, dropdir, a, cmd, &run) != 0)
            break;
    }
    dw_pickup_close(p);
    if (cli_summary_wanted(ctx))
        cli_err(ctx, "%llu acknowledged, %llu released", (unsigned long long)run.acked,
                (unsigned long long)run.released);
    if (!run.worst && run.quarantined)
        run.worst = EX_DATAERR;
    return run.worst;
}
