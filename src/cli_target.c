/* SPDX-License-Identifier: MIT */
/* Connector selection (config file + command-line overrides), resolution of each connector's drop path,
 * and alert printing shared by the sub-commands that touch drop directories. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli.h"

int cli_sel_option(const cli_ctx *ctx, cli_sel *sel, int opt, const char *arg, int *rc)
{
    switch (opt) {
    case OPT_CONNECTOR: sel->connector = arg; return 1;
    case OPT_ROOT: sel->root = arg; sel->have_root = 1; return 1;
    case OPT_DROP_DIR: sel->drop_dir = arg; return 1;
    case OPT_INSTALL_DIR: sel->install_dir = arg; return 1;
    case OPT_COMPUTER: sel->computer = arg; return 1;
    case OPT_QUOTA: {
        uint64_t q;
        if (dw_quota_parse(arg, &q) != DW_OK)
            *rc = cli_usage_error(ctx, "invalid --quota %s (expected 'unlimited', bytes, a B/KB/MB/GB/TB "
                                       "value or '10 MB (10,485,760 bytes)')", cli_q(arg));
        sel->quota_text = arg;
        return 1;
    }
    case OPT_EXCHANGE_VERSION: {
        int v = 0;
        *rc = cli_enum_option(ctx, "exchange-version", arg, &v);
        sel->version = (dw_exchange_version)v;
        sel->have_version = 1;
        return 1;
    }
    case OPT_STYLE: {
        int v = 0;
        *rc = cli_enum_option(ctx, "style", arg, &v);
        sel->style = (dw_path_style)v;
        sel->have_style = 1;
        return 1;
    }
    }
    return 0;
}

/* The server settings given on the command line replace the file's. */
static void apply_overrides(const cli_sel *sel, cli_config *cfg)
{
    if (sel->have_root) {
        free(cfg->root);
        cfg->root = cli_xstrdup(sel->root);
    }
    if (sel->install_dir) {
        free(cfg->install_dir);
        cfg->install_dir = cli_xstrdup(sel->install_dir);
    }
    if (sel->have_version)
        cfg->version = sel->version;
    if (sel->have_style)
        cfg->style = sel->style;
    if (sel->computer) {
        free(cfg->computer);
        cfg->computer = cli_xstrdup(sel->computer);
    }
}

/* An explicit DropDirectory describes one ad-hoc connector, replacing the file's; the file still
 * supplies the server. */
static void adhoc_connector(const cli_sel *sel, cli_config *cfg)
{
    for (size_t i = 0; i < cfg->n_connectors; i++) {
        free(cfg->connectors[i].name);
        free(cfg->connectors[i].drop_dir);
    }
    free(cfg->connectors);
    cfg->connectors = NULL;
    cfg->n_connectors = 0;
    cli_connector *c = cli_config_add_connector(cfg, sel->connector ? sel->connector : sel->drop_dir, 0);
    free(c->drop_dir);
    c->drop_dir = cli_xstrdup(sel->drop_dir);
}

/* --connector NAME: only that connector of the file is kept. Returns 0, or EX_CONFIG when it has none
 * of that name (case-insensitive, as Exchange's names). */
static int keep_connector(const cli_ctx *ctx, const cli_sel *sel, cli_config *cfg)
{
    size_t keep = cfg->n_connectors;
    for (size_t i = 0; i < cfg->n_connectors; i++) {
        if (strcasecmp(cfg->connectors[i].name, sel->connector) == 0)
            keep = i;
    }
    if (keep == cfg->n_connectors) {
        cli_err(ctx, "no connector %s in %s", cli_q(sel->connector), cli_q(ctx->config_path));
        return EX_CONFIG;
    }
    for (size_t i = 0; i < cfg->n_connectors; i++) {
        if (i != keep) {
            free(cfg->connectors[i].name);
            free(cfg->connectors[i].drop_dir);
        }
    }
    cfg->connectors[0] = cfg->connectors[keep];
    cfg->n_connectors = 1;
    return 0;
}

/* The connectors the selection names. Returns 0 or an exit code. */
static int select_connectors(const cli_ctx *ctx, const cli_sel *sel, cli_config *cfg)
{
    if (sel->drop_dir) {
        adhoc_connector(sel, cfg);
        return 0;
    }
    if (!ctx->config_path)
        return cli_usage_error(ctx, "no connector given: use --drop-dir DIR (with --root ROOT) or --config FILE");
    if (sel->connector)
        return keep_connector(ctx, sel, cfg);
    if (cfg->n_connectors == 0) {
        cli_err(ctx, "%s describes no connector (add a [connector NAME] section)", cli_q(ctx->config_path));
        return EX_CONFIG;
    }
    return 0;
}

int cli_sel_build(const cli_ctx *ctx, const cli_sel *sel, cli_config *cfg)
{
    cli_config_init(cfg);
    int rc = ctx->config_path ? cli_config_load(cfg, ctx->config_path) : 0;
    if (!rc) {
        apply_overrides(sel, cfg);
        rc = select_connectors(ctx, sel, cfg);
    }
    if (rc) {
        cli_config_free(cfg); /* connectors parsed before the error */
        return rc;
    }
    if (sel->quota_text) {
        uint64_t q = 0;
        (void)dw_quota_parse(sel->quota_text, &q); /* validated when the option was read */
        for (size_t i = 0; i < cfg->n_connectors; i++)
            cfg->connectors[i].quota = q;
    }
    return 0;
}

void cli_resolve_options(const cli_config *cfg, dw_resolve_options *ro)
{
    dw_resolve_options_init(ro);
    ro->install_dir = cfg->install_dir;
    ro->exchange_version = cfg->version;
    ro->style = cfg->style;
    ro->machine_name = cfg->computer; /* the Exchange server's name sizes the 8007 estimate */
}

void cli_target_resolve(cli_target *t, const cli_config *cfg, const cli_connector *conn)
{
    dw_resolve_options ro;
    memset(t, 0, sizeof *t);
    t->conn = conn;
    t->root = cfg->root;
    cli_resolve_options(cfg, &ro);
    t->status = dw_path_resolve_alloc(cfg->root, conn->drop_dir, &ro, &t->path, &t->info);
    if (t->status != DW_OK) {
        /* DW_E_TOOLONG still writes the path; an unusable path is never handed to the writer. */
        dw_free(t->path);
        t->path = NULL;
        (void)dw_path_explain_alloc(cfg->root, conn->drop_dir, &ro, &t->exchange_path, &t->explain);
    }
}

void cli_target_free(cli_target *t)
{
    dw_free(t->path);
    dw_free(t->exchange_path);
    memset(t, 0, sizeof *t);
}

/* The library's line for the failed resolution (dw_resolve_describe: the setting, its value, the
 * reason and where) with the reason's code, which scripts match: allocated. */
static char *target_describe(const cli_target *t)
{
    size_t need = 0;
    (void)dw_resolve_describe(t->status, t->root, t->conn->drop_dir, &t->info, NULL, 0, &need);
    const char *code = dw_reason_name(t->info.reason);
    size_t len = need + strlen(code) + 4;
    char *s = cli_xmalloc(len);
    s[0] = '\0';
    if (dw_resolve_describe(t->status, t->root, t->conn->drop_dir, &t->info, s, need, &need) != DW_OK)
        s[0] = '\0';
    size_t used = strlen(s);
    snprintf(s + used, len - used, " [%s]", code);
    return s;
}

void cli_target_error(const cli_target *t, dw_io_error *err)
{
    /* An invalid setting is a configuration failure of the connector: the same class Exchange's own
     * failures of that kind get, so the alert and exit code (EX_CONFIG) follow from it. */
    int too_long = t->status == DW_E_TOOLONG || t->info.reason == DW_REASON_PATH_TOO_LONG ||
                   t->info.reason == DW_REASON_ROOT_TOO_LONG;
    if (t->conn->drop_dir[0] == '\0') {
        /* Exchange's first check: no DropDirectory, nothing written, event 8008 (DirectoryNotFound). */
        dw_io_error_set(err, DW_OP_VALIDATE, ENOENT, 3u, "");
        err->retryable = 0;
        snprintf(err->detail, sizeof err->detail,
                 "DropDirectory is empty: Exchange writes nothing and logs event 8008");
        return;
    }
    dw_io_error_set(err, DW_OP_VALIDATE, too_long ? ENAMETOOLONG : EINVAL, too_long ? 206u : 123u,
                    t->exchange_path ? t->exchange_path : t->conn->drop_dir);
    err->io_class = DW_CLASS_CONFIGURATION;
    err->retryable = 0;
    if (too_long && t->explain.longest_file_name && t->info.reason == DW_REASON_PATH_TOO_LONG) {
        /* "may exceed", with the numbers: the longest file name Exchange generates for this machine */
        size_t units = t->explain.exchange_units, name = t->explain.longest_file_name;
        snprintf(err->detail, sizeof err->detail,
                 "a message file may exceed MAX_PATH: drop path %zu + 1 + longest file name %zu = %zu UTF-16 "
                 "units (limit 259; directory limit 247)",
                 units, name, units + 1 + name);
        return;
    }
    char *why = target_describe(t);
    snprintf(err->detail, sizeof err->detail, "%s", why);
    free(why);
}

void cli_target_explain_failure(const cli_ctx *ctx, const cli_target *t)
{
    char *why = target_describe(t);
    cli_err(ctx, "connector %s: %s", cli_q(t->conn->name), why);
    free(why);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The record of a closed throttle window: how many alerts for that connector and event were not printed. */
static void print_suppressed(const cli_ctx *ctx, const dw_throttle_window *w)
{
    cli_rec r;
    rec_begin(&r, ctx, "suppressed", 0);
    rec_str(&r, "connector", w->connector);
    rec_u64(&r, "event_id", w->event_id);
    const char *name = dw_event_name(w->event_id);
    rec_str(&r, "event_name", name ? name : "");
    rec_u64(&r, "suppressed", w->suppressed);
    rec_u64(&r, "window_seconds", dw_throttle_window_seconds(ctx->throttle));
    rec_end(&r);
}

void cli_throttle_flush(const cli_ctx *ctx, int64_t now)
{
    dw_throttle_window w;
    if (now < 0)
        now = now_ms();
    while (ctx->throttle && dw_throttle_next_expired(ctx->throttle, now, &w) == DW_OK && w.event_id)
        print_suppressed(ctx, &w);
}

int cli_print_alert(const cli_ctx *ctx, const cli_config *cfg, const cli_target *t, const dw_io_error *err)
{
    dw_alert a;
    dw_alert_init(&a);
    char *host = cfg->computer ? NULL : cli_hostname();
    a.connector = t->conn->name;
    a.drop_path = t->path ? t->path : t->exchange_path;
    a.root = cfg->root;
    a.drop_dir = t->conn->drop_dir;
    a.computer = cfg->computer ? cfg->computer : host;
    a.error = *err;
    a.event_mode = ctx->event_mode;
    a.exchange_version = cfg->version;
    if (ctx->throttle) {
        /* Exchange logs these events periodically per connector: repeats inside the window are counted,
         * and the count is printed when the window closes. */
        dw_throttle_result tr;
        a.time_ms = now_ms();
        cli_throttle_flush(ctx, a.time_ms);
        if (dw_throttle_check(ctx->throttle, t->conn->name, dw_alert_event_id(&a), a.time_ms, &tr) == DW_OK) {
            if (tr.closed.suppressed)
                print_suppressed(ctx, &tr.closed);
            if (!tr.log) {
                free(host);
                return 0;
            }
        }
    }
    char *out = NULL;
    size_t len = 0;
    dw_status st = dw_alert_format_alloc(&a, ctx->format, &out, &len);
    if (st != DW_OK) {
        free(host);
        cli_err(ctx, "cannot format the alert: %s", dw_status_str(st));
        return EX_SOFTWARE;
    }
    fwrite(out, 1, len, stdout);
    dw_free(out);
    /* The Event Log record reads a.computer too: the host name lives until it is written. */
    int rc = cli_eventlog_alert(ctx, &a);
    free(host);
    return rc;
}
