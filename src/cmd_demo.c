/* SPDX-License-Identifier: MIT */
/* dropwatch demo: the whole story in one command, against a demo drop root created under a temporary
 * folder: resolve, validate, create the drop directory, deliver, check health, then provoke real
 * failures and show the alerts. Every step checks what it expects; the exit status is 0 only when the
 * story ran as expected, so the demo doubles as an end-to-end test. */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char help[] =
    "Usage: dropwatch demo [--keep] [--format FMT] [--event 8004|auto]\n"
    "\n"
    "Run the whole story against a demo drop root created under a temporary folder ($TMPDIR or /tmp):\n"
    "resolve the demo connector's drop path (Windows form and this machine's POSIX form, and where\n"
    "Exchange would really write for a bad value), validate good and bad DropDirectory values, create\n"
    "the drop directory explicitly, deliver sample messages, probe its health, then provoke real\n"
    "failures (an injected EIO during fsync; the drop directory removed) and print the Event 8004\n"
    "alerts. Everything is removed afterwards unless --keep is given.\n"
    "\n"
    "  --keep             keep the demo folder (with its demo.conf) and print its path\n"
    "  -f, --format FMT   format of the records and alerts: text (default), xml, json, syslog\n"
    "\n"
    "Exit status: 0 when every step behaved as expected, 70 (EX_SOFTWARE) when one did not.\n";

static const char demo_conf[] =
    "# dropwatch demo configuration (see dropwatch(1), CONFIGURATION)\n"
    "[server]\n"
    "RootDropDirectoryPath = %s\n"
    "ComputerName = HUB01\n"
    "ExchangeVersion = 2007\n"
    "\n"
    "[connector Fax Connector]\n"
    "DropDirectory = Fax Connector\n"
    "DropDirectoryQuota = 10 MB (10,485,760 bytes)\n";

static int unexpected;

static void expect(int cond, const char *what)
{
    if (!cond) {
        fprintf(stderr, "dropwatch demo: UNEXPECTED: %s\n", what);
        unexpected++;
    }
}

static void heading(const char *title)
{
    fflush(stdout);
    printf("\n== %s ==\n", title);
}

/* Counts final messages and temporary files in the drop directory (-1 when it cannot be read). */
static int count_files(const char *dir, int *tmp)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int eml = 0;
    *tmp = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".eml") == 0 && e->d_name[0] != '.')
            eml++;
        else if (strncmp(e->d_name, ".dwtmp-", 7) == 0)
            (*tmp)++;
    }
    closedir(d);
    return eml;
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = cli_xmalloc(n);
    snprintf(s, n, "%s/%s", a, b);
    return s;
}

/* Remove the demo folder (no nftw: Windows has none). Symlinks are removed, never followed. */
static int rm_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *p = join(dir, e->d_name);
        struct stat sb;
#ifdef _WIN32
        int is_dir = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
#else
        int is_dir = lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
#endif
        if ((is_dir ? rm_tree(p) : unlink(p)) != 0)
            rc = -1;
        free(p);
    }
    closedir(d);
    return rmdir(dir) == 0 ? rc : -1;
}

static void show_resolve(const char *label, const char *root, const char *dd, dw_exchange_version ver,
                         dw_path_style style, dw_status want)
{
    dw_resolve_options ro;
    dw_resolve_options_init(&ro);
    ro.exchange_version = ver;
    ro.style = style;
    char buf[4096];
    dw_resolve_info info;
    dw_status st = dw_path_resolve(root, dd, &ro, buf, sizeof buf, NULL, &info);
    printf("%-30s ", label);
    if (st == DW_OK) {
        cli_put_escaped(stdout, buf, strlen(buf));
        fputc('\n', stdout);
    } else {
        printf("rejected: %s (%s)\n", dw_reason_str(info.reason), dw_reason_name(info.reason));
    }
    expect(st == want, label);
}

static void show_explain(const char *root, const char *dd)
{
    dw_resolve_options ro;
    dw_resolve_options_init(&ro);
    char buf[4096];
    dw_explain_info ei;
    dw_status st = dw_path_explain(root, dd, &ro, buf, sizeof buf, NULL, &ei);
    printf("RootDropDirectoryPath %s, DropDirectory %s\n", root, dd);
    if (st != DW_OK) {
        expect(0, "dw_path_explain produced Exchange's path");
        return;
    }
    printf("  Exchange writes to:  %s\n", buf);
    if (ei.strict_status == DW_OK)
        printf("  strict resolution:   the same\n");
    else
        printf("  strict resolution:   rejected: %s (%s)\n", dw_reason_str(ei.strict_reason),
               dw_reason_name(ei.strict_reason));
    for (unsigned bit = 1; bit <= DW_WARN_COMBINE_FAILS; bit <<= 1)
        if (ei.warnings & bit)
            printf("  warning:             %s\n", dw_explain_warning_str(bit));
    expect(ei.warnings != 0 && ei.strict_status != DW_OK, "the bad DropDirectory is flagged by --explain");
}

/* Shows the first lines of a published message: the envelope a foreign gateway reads first. */
static void show_head(const char *dir, const char *name, int lines)
{
    char *p = join(dir, name);
    FILE *f = fopen(p, "rb");
    free(p);
    if (!f)
        return;
    char buf[256];
    while (lines-- > 0 && fgets(buf, sizeof buf, f)) {
        size_t n = strcspn(buf, "\r\n");
        printf("  | %.*s\n", (int)n, buf);
    }
    fclose(f);
}

static int deliver_samples(dw_drop *drop, int n, int first, dw_io_error *err, char *first_name)
{
    static const dw_priority prio[] = {DW_PRIORITY_NORMAL, DW_PRIORITY_HIGH, DW_PRIORITY_LOW};
    dw_envelope *env = NULL;
    if (dw_envelope_new(&env) != DW_OK || dw_envelope_set_sender(env, "alice@contoso.com", NULL) != DW_OK ||
        dw_envelope_add_recipient(env, "fax=+15551234@fax.contoso.com", NULL) != DW_OK) {
        dw_envelope_free(env);
        expect(0, "the demo envelope is accepted");
        return -1;
    }
    int done = 0;
    for (int i = first; i < first + n; i++) {
        char msg[512];
        int len = snprintf(msg, sizeof msg,
                           "From: alice@contoso.com\r\nTo: fax=+15551234@fax.contoso.com\r\n"
                           "Subject: dropwatch demo message %d\r\nMessage-ID: <demo-%d@contoso.com>\r\n"
                           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                           "Hello from the dropwatch demo, message %d.\r\n", i, i, i);
        dw_msg_options mo;
        dw_msg_options_init(&mo);
        mo.envelope = env;
        mo.expected_size = (uint64_t)len;
        mo.priority = prio[i % 3];
        mo.record_id = 1000 + (uint64_t)i;
        char name[DW_FILE_NAME_MAX];
        dw_status st = dw_drop_write(drop, msg, (size_t)len, &mo, name, sizeof name, NULL, err);
        if (st != DW_OK) {
            printf("delivery failed: %s, class %s during %s\n", dw_status_name(st), dw_class_name(err->io_class),
                   dw_op_name(err->op));
            break;
        }
        printf("delivered  %s  (%d bytes of MIME after the X-Sender/X-Receiver envelope)\n", name, len);
        if (done == 0 && first_name)
            memcpy(first_name, name, sizeof name);
        done++;
    }
    dw_envelope_free(env);
    return done;
}

/* What the steps share: the demo folder, its configuration, the connector's target and drop options. */
typedef struct demo {
    cli_ctx *ctx;
    char *base, *root, *conf_path, *conf;
    size_t conf_len;
    cli_config cfg;
    cli_target t;
    dw_drop_options dopts;
    dw_io_error err;
} demo;

/* The demo folder with its drop root and demo.conf. Returns 0 or an exit code (d->base NULL when no
 * folder was created). */
static int demo_setup(demo *d)
{
    const char *tmp = getenv("TMPDIR");
    d->base = join(tmp && *tmp ? tmp : "/tmp", "dropwatch-demo.XXXXXX");
    if (!mkdtemp(d->base)) {
        cli_err(d->ctx, "cannot create the demo folder %s: %s", d->base, strerror(errno));
        free(d->base);
        d->base = NULL;
        return EX_CANTCREAT;
    }
    d->root = join(d->base, "Exchange");
    d->conf_path = join(d->base, "demo.conf");
    size_t conf_size = sizeof demo_conf + strlen(d->root);
    d->conf = cli_xmalloc(conf_size);
    snprintf(d->conf, conf_size, demo_conf, d->root);
    d->conf_len = strlen(d->conf);
    printf("dropwatch demo: a Foreign connector \"Fax Connector\" on transport server HUB01.\n"
           "Demo folder: %s\n", d->base);
    if (cli_mkdir(d->root) != 0) {
        cli_err(d->ctx, "cannot create %s: %s", d->root, strerror(errno));
        return EX_CANTCREAT;
    }
    FILE *cf = fopen(d->conf_path, "w");
    if (cf) {
        fputs(d->conf, cf);
        fclose(cf);
    }
    return 0;
}

/* Step 0: the configuration parses into one connector. */
static int step_configuration(demo *d)
{
    heading("0. The configuration (demo.conf)");
    fputs(d->conf, stdout);
    expect(cli_config_parse(&d->cfg, "demo.conf", d->conf, d->conf_len) == 0 && d->cfg.n_connectors == 1,
           "the demo configuration parses");
    return d->cfg.n_connectors == 1 ? 0 : EX_SOFTWARE;
}

/* Step 1: the drop path in Windows forms and on this machine, and Exchange's view of a bad value. */
static int step_resolve(demo *d)
{
    heading("1. Resolve the drop path");
    show_resolve("Exchange 2007, blank root:", "", "Fax Connector", DW_EXCHANGE_2007, DW_STYLE_AUTO, DW_OK);
    show_resolve("Exchange 2013, blank root:", "", "Fax Connector", DW_EXCHANGE_2013, DW_STYLE_AUTO, DW_OK);
    show_resolve("Root D:\\Exchange Drops:", "D:\\Exchange Drops", "Fax Connector", DW_EXCHANGE_2007,
                 DW_STYLE_AUTO, DW_OK);
    cli_target_resolve(&d->t, &d->cfg, &d->cfg.connectors[0]);
    printf("%-30s %s\n", "This machine (POSIX root):", d->t.path ? d->t.path : "(rejected)");
    expect(d->t.status == DW_OK && d->t.path != NULL, "the demo connector resolves under the demo root");
    if (!d->t.path)
        return EX_SOFTWARE;
    printf("\nWhere would Exchange really write? (dropwatch resolve --explain)\n");
    show_explain("D:\\Exchange Drops", "E:\\Elsewhere");
    return 0;
}

/* Step 2: good and bad DropDirectory values. */
static void step_validate(void)
{
    heading("2. Validate DropDirectory values (dropwatch validate)");
    static const struct { const char *v; int good; } values[] = {
        {"Fax Connector", 1}, {"X400-Gateway_2", 1}, {"Télécopie", 1}, {"..", 0}, {"CON", 0}, {"Fax\\Out", 0},
        {"C:\\Drops", 0}, {"Fax.", 0}, {"name:stream", 0}, {"", 0},
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        dw_name_check chk;
        dw_status st = dw_name_validate(values[i].v, &chk);
        printf("%-8s %-28s \"%s\"", st == DW_OK ? "valid" : "invalid", dw_reason_name(chk.reason), values[i].v);
        if (st != DW_OK)
            printf("  %s", dw_reason_str(chk.reason));
        fputc('\n', stdout);
        expect((st == DW_OK) == values[i].good, values[i].v[0] ? values[i].v : "(empty value)");
    }
}

/* Step 3: a missing drop directory is a configuration failure (it is never created implicitly). */
static void step_open_missing(demo *d)
{
    heading("3. Open the drop directory before it exists");
    dw_drop_options_init(&d->dopts);
    d->dopts.naming = DW_NAMING_EXCHANGE;
    d->dopts.machine_name = d->cfg.computer;
    d->dopts.quota_bytes = d->cfg.connectors[0].quota;
    dw_drop *drop = NULL;
    dw_status st = dw_drop_open(&drop, d->t.path, &d->dopts, &d->err);
    const char *en = dw_errno_name(d->err.sys_errno);
    printf("dw_drop_open: %s, class %s, %s (Exchange never creates it; neither does a guarded write)\n",
           dw_status_name(st), dw_class_name(d->err.io_class), en ? en : "-");
    expect(st == DW_E_IO && d->err.io_class == DW_CLASS_CONFIGURATION,
           "a missing drop directory is a configuration failure");
    if (st == DW_OK)
        dw_drop_close(drop);
}

/* Step 4: create the directory, deliver three messages, show the envelope of the first. */
static int step_deliver(demo *d)
{
    heading("4. Create it explicitly and deliver three messages (dropwatch deliver)");
    dw_status st = dw_drop_create_dir(d->t.path, 0750, &d->err);
    printf("dw_drop_create_dir: %s\n", dw_status_name(st));
    expect(st == DW_OK, "the drop directory is created");
    dw_drop *drop = NULL;
    st = dw_drop_open(&drop, d->t.path, &d->dopts, &d->err);
    expect(st == DW_OK, "the drop directory opens");
    if (st != DW_OK)
        return EX_SOFTWARE;
    char first_name[DW_FILE_NAME_MAX] = "";
    int n = deliver_samples(drop, 3, 1, &d->err, first_name);
    dw_drop_close(drop);
    if (first_name[0]) {
        printf("%s begins with the envelope Exchange writes:\n", first_name);
        show_head(d->t.path, first_name, 5);
    }
    int tmpc, eml = count_files(d->t.path, &tmpc);
    printf("drop directory now holds %d message file(s), %d temporary file(s)\n", eml, tmpc);
    expect(n == 3 && eml == 3 && tmpc == 0, "three complete messages and no temporary file");
    return 0;
}

/* Step 5: the health probe's record. */
static void step_health(demo *d)
{
    heading("5. Health probe (dropwatch check)");
    dw_health h = DW_HEALTH_INIT;
    dw_status st = dw_drop_health(d->t.path, &d->dopts, DW_STALE_AGE_DEFAULT_SECONDS, &h, &d->err);
    char q[64] = "";
    dw_quota_format(d->dopts.quota_bytes, q, sizeof q, NULL);
    cli_rec r;
    rec_begin(&r, d->ctx, "health", st == DW_OK);
    rec_str(&r, "connector", d->t.conn->name);
    rec_str(&r, "drop_path", d->t.path);
    rec_str(&r, "status", st == DW_OK ? "healthy" : "failed");
    rec_bool(&r, "writable", h.writable);
    rec_u64(&r, "free_bytes", h.free_bytes);
    rec_u64(&r, "used_bytes", h.used_bytes);
    rec_u64(&r, "file_count", h.file_count);
    rec_str(&r, "quota", q);
    rec_u64(&r, "stale_temp_files", h.stale_temp_files);
    rec_u64(&r, "canary_micros", h.canary_micros);
    rec_end(&r);
    expect(st == DW_OK && h.writable && h.file_count == 3, "the drop directory is healthy with three files");
}

/* Step 6: an injected EIO during fsync: a physical failure, nothing published, the 8004 alert. */
static void step_fsync_failure(demo *d)
{
    heading("6. A disk failure: EIO during fsync (injected, as 'deliver --inject fsync:EIO' does)");
    dw_fault fsync_eio = {.version = DW_FAULT_VERSION, .op = DW_OP_FSYNC, .sys_errno = EIO, .count = 1};
    dw_drop *drop = NULL;
    dw_status st = dw_testing_drop_open(&drop, d->t.path, &d->dopts, &fsync_eio, &d->err);
    expect(st == DW_OK, "the drop directory opens for the fault run");
    if (st != DW_OK)
        return;
    st = deliver_samples(drop, 1, 4, &d->err, NULL) == 1 ? DW_OK : DW_E_IO;
    dw_drop_close(drop);
    expect(st == DW_E_IO && d->err.io_class == DW_CLASS_PHYSICAL && d->err.op == DW_OP_FSYNC,
           "an fsync EIO is a physical failure of the fsync operation");
    int tmpc, eml = count_files(d->t.path, &tmpc);
    printf("after the failure: %d message file(s), %d temporary file(s): nothing partial was published\n\n", eml,
           tmpc);
    expect(eml == 3 && tmpc == 0, "the failed message left nothing behind");
    cli_ctx c8004 = *d->ctx;
    c8004.event_mode = DW_EVENT_8004;
    if (cli_print_alert(&c8004, &d->cfg, &d->t, &d->err) != 0)
        expect(0, "the 8004 alert is formatted");
}

/* The gateway picks the messages up (removes every file), as it would before the folder goes. */
static void empty_dir(const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    while (dp && (e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = join(dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    if (dp)
        closedir(dp);
}

/* Step 7: the drop directory removed: a configuration failure, event 8008 in auto mode. */
static void step_removed(demo *d)
{
    heading("7. The gateway's admin removes the drop directory (dropwatch deliver --event auto)");
    empty_dir(d->t.path);
    expect(rmdir(d->t.path) == 0, "the drop directory is removed");
    dw_drop *drop = NULL;
    dw_status st = dw_drop_open(&drop, d->t.path, &d->dopts, &d->err);
    if (st == DW_OK)
        dw_drop_close(drop);
    expect(st == DW_E_IO && d->err.io_class == DW_CLASS_CONFIGURATION, "the missing directory is a configuration failure");
    printf("exit status 'dropwatch deliver' would return: %d (EX_CONFIG)\n\n", cli_exit_for_class(d->err.io_class));
    cli_ctx cauto = *d->ctx;
    cauto.event_mode = DW_EVENT_AUTO;
    dw_alert probe;
    dw_alert_init(&probe);
    probe.error = d->err;
    probe.event_mode = DW_EVENT_AUTO;
    unsigned id = dw_alert_event_id(&probe);
    printf("event ID Exchange would log: %u (%s)\n", id, dw_event_name(id) ? dw_event_name(id) : "?");
    expect(id == 8008, "a missing drop directory maps to event 8008 in auto mode");
    if (cli_print_alert(&cauto, &d->cfg, &d->t, &d->err) != 0)
        expect(0, "the auto-mode alert is formatted");
}

/* The story, step by step; a step that leaves nothing to go on ends it early. Returns 0 or an exit code. */
static int run_story(demo *d)
{
    int rc;
    if ((rc = step_configuration(d)) != 0 || (rc = step_resolve(d)) != 0)
        return rc;
    step_validate();
    step_open_missing(d);
    if ((rc = step_deliver(d)) != 0)
        return rc;
    step_health(d);
    step_fsync_failure(d);
    step_removed(d);
    return 0;
}

/* The verdict, the demo folder removed (or kept) and everything freed. */
static int demo_finish(demo *d, int keep, int rc)
{
    heading(unexpected ? "Done, with unexpected results" : "Done: every step behaved as expected");
    if (keep) {
        printf("kept %s (try: dropwatch check --config %s)\n", d->base, d->conf_path);
    } else if (rm_tree(d->base) != 0) {
        cli_err(d->ctx, "could not remove the demo folder %s completely", d->base);
        if (!rc)
            rc = EX_IOERR;
    } else {
        printf("removed %s\n", d->base);
    }
    cli_target_free(&d->t);
    cli_config_free(&d->cfg);
    free(d->conf);
    free(d->conf_path);
    free(d->root);
    free(d->base);
    if (!rc && unexpected)
        rc = EX_SOFTWARE;
    return rc;
}

int cmd_demo(cli_ctx *ctx, int argc, char **argv)
{
    int keep = 0;
    int rc = cli_flag_options(ctx, argc, argv, help, "keep", &keep, NULL);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return cli_usage_error(ctx, "unexpected argument %s", cli_q(argv[optind]));
    if (ctx->config_path)
        return cli_usage_error(ctx, "the demo brings its own configuration; --config does not apply");
    demo d;
    memset(&d, 0, sizeof d);
    d.ctx = ctx;
    cli_config_init(&d.cfg);
    dw_io_error_clear(&d.err);
    unexpected = 0;
    rc = demo_setup(&d);
    if (!d.base)
        return rc;
    if (!rc)
        rc = run_story(&d);
    return demo_finish(&d, keep, rc);
}
