/* SPDX-License-Identifier: MIT */
/* dropwatch resolve: the strict drop path of each selected connector, and with --explain the path
 * Exchange itself would use (Path.Combine) with a warning for every difference. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: dropwatch resolve [OPTIONS] [--root ROOT] --drop-dir NAME\n"
    "       dropwatch resolve [OPTIONS] [--root ROOT] NAME\n"
    "       dropwatch resolve --config FILE [--connector NAME] [OPTIONS]\n"
    "\n"
    "Print the drop directory of a Foreign connector: RootDropDirectoryPath joined with DropDirectory,\n"
    "both validated strictly. A blank or omitted root means the Exchange installation folder.\n"
    "\n"
    "  --root ROOT              RootDropDirectoryPath (Windows \"D:\\Drops\", UNC, or POSIX \"/srv/drops\")\n"
    "  --drop-dir NAME          DropDirectory value (or give it as the argument)\n"
    "  --connector NAME         connector name (selects one connector of --config)\n"
    "  --install-dir DIR        installation folder standing in for a blank root\n"
    "  --exchange-version VER   2007 (default), 2010 (V14), 2013 or later (V15) default install folder\n"
    "  --style STYLE            auto (default: \"/...\" is POSIX), windows, posix\n"
    "  --explain                also show where Exchange would really write (.NET Path.Combine) and warn\n"
    "                           about every difference from the strict result\n"
    "  -f, --format FMT         text (default: the path alone), xml, json, syslog\n"
    "\n"
    "Exit status: 0 when every path resolved strictly, 65 when one did not (reason on stderr or in\n"
    "the record), 64 on usage errors, 78 on configuration file errors.\n";

static const struct { unsigned bit; const char *name; } warn_names[] = {
    {DW_WARN_ROOT_REPLACED, "root-replaced"}, {DW_WARN_SUBDIRECTORY, "subdirectory"},
    {DW_WARN_PARENT_ESCAPE, "parent-escape"}, {DW_WARN_INVALID_NAME, "invalid-name"},
    {DW_WARN_DIFFERS, "differs"},             {DW_WARN_PATH_TOO_LONG, "path-too-long"},
    {DW_WARN_DRIVE_RELATIVE, "drive-relative"}, {DW_WARN_NO_DROP_DIRECTORY, "no-drop-directory"},
    {DW_WARN_COMBINE_FAILS, "combine-fails"},
};

/* Text without --explain: only the path (scripts capture it with $(dropwatch resolve ...)), after the
 * connector name when there are several; a failure is explained on stderr. */
static void print_path(const cli_ctx *ctx, const cli_target *t, int many)
{
    if (t->status != DW_OK) {
        cli_target_explain_failure(ctx, t);
        return;
    }
    if (many) {
        cli_put_escaped(stdout, t->conn->name, strlen(t->conn->name));
        fputc('\t', stdout);
    }
    cli_put_escaped(stdout, t->path, strlen(t->path));
    fputc('\n', stdout);
}

/* The fields of the strict resolution. */
static void rec_strict(cli_rec *r, const cli_config *cfg, const cli_target *t)
{
    int ok = t->status == DW_OK;
    rec_str(r, "connector", t->conn->name);
    rec_str(r, "root", cfg->root ? cfg->root : "");
    rec_str(r, "drop_dir", t->conn->drop_dir);
    rec_str(r, "status", ok ? "ok" : "invalid");
    rec_str(r, "path", t->path ? t->path : "");
    if (!ok) {
        rec_str(r, "reason", dw_reason_name(t->info.reason));
        rec_str(r, "reason_text", dw_reason_str(t->info.reason));
        rec_str(r, "input", dw_enum_name(DW_ENUM_INPUT, (int)t->info.input));
        rec_u64(r, "offset", t->info.offset);
    }
    rec_str(r, "style", dw_enum_name(DW_ENUM_PATH_STYLE, (int)t->info.style));
    rec_bool(r, "root_defaulted", t->info.root_defaulted);
    if (ok && t->info.style == DW_STYLE_WINDOWS && !t->info.long_path)
        rec_u64(r, "file_name_room", t->info.file_name_room);
}

/* The warnings of --explain: one field per warning in text, else one field of names (for machines) and
 * one of texts (for humans). */
static void rec_warnings(cli_rec *r, const cli_ctx *ctx, unsigned warnings)
{
    size_t nw = sizeof warn_names / sizeof warn_names[0], cap = 1, n = 0;
    if (ctx->format == DW_FORMAT_TEXT) {
        for (size_t i = 0; i < nw; i++)
            if (warnings & warn_names[i].bit)
                rec_str(r, "warning", dw_explain_warning_str(warn_names[i].bit));
        return;
    }
    for (size_t i = 0; i < nw; i++)
        cap += strlen(warn_names[i].name) + strlen(dw_explain_warning_str(warn_names[i].bit)) + 4;
    char *names = cli_xmalloc(cap), *texts = cli_xmalloc(cap);
    names[0] = texts[0] = '\0';
    for (size_t i = 0; i < nw; i++) {
        if (!(warnings & warn_names[i].bit))
            continue;
        if (n++) {
            strcat(names, ",");
            strcat(texts, "; ");
        }
        strcat(names, warn_names[i].name);
        strcat(texts, dw_explain_warning_str(warn_names[i].bit));
    }
    rec_str(r, "warnings", names);
    rec_str(r, "warning_text", texts);
    free(names);
    free(texts);
}

/* The fields of --explain: Exchange's own path, its event and the warnings. */
static void rec_explain(cli_rec *r, const cli_ctx *ctx, const cli_target *t, const char *xpath,
                        const dw_explain_info *ei)
{
    rec_str(r, "exchange_path", xpath);
    rec_bool(r, "same", t->status == DW_OK && strcmp(xpath, t->path) == 0 && !(ei->warnings & DW_WARN_DIFFERS));
    if (ei->event)
        rec_u64(r, "exchange_event", ei->event);
    if (ei->warnings & DW_WARN_PATH_TOO_LONG) {
        /* the numbers behind "may exceed": directory + "\" + longest Exchange file name vs 259 */
        rec_u64(r, "exchange_path_units", ei->exchange_units);
        rec_u64(r, "longest_file_name", ei->longest_file_name);
        rec_u64(r, "longest_full_path", ei->exchange_units + 1 + ei->longest_file_name);
        rec_u64(r, "max_path", DW_WIN_MAX_PATH - 1);
    }
    rec_warnings(r, ctx, ei->warnings);
}

/* One connector. Returns 0 when the strict resolution succeeded. */
static int resolve_one(const cli_ctx *ctx, const cli_config *cfg, const cli_connector *conn, int explain,
                       int many)
{
    cli_target t;
    cli_target_resolve(&t, cfg, conn);
    int ok = t.status == DW_OK;
    if (ctx->format == DW_FORMAT_TEXT && !explain) {
        print_path(ctx, &t, many);
        cli_target_free(&t);
        return ok ? 0 : EX_DATAERR;
    }
    dw_explain_info ei = {0};
    char *xpath = NULL;
    if (explain) {
        dw_resolve_options ro;
        cli_resolve_options(cfg, &ro);
        dw_status st = dw_path_explain_alloc(cfg->root, conn->drop_dir, &ro, &xpath, &ei);
        if (st != DW_OK) {
            cli_err(ctx, "cannot explain the resolution: %s", dw_status_str(st));
            cli_target_free(&t);
            return EX_SOFTWARE;
        }
    }
    cli_rec r;
    rec_begin(&r, ctx, explain ? "explain" : "resolve", ok && !ei.warnings);
    rec_strict(&r, cfg, &t);
    if (explain)
        rec_explain(&r, ctx, &t, xpath, &ei);
    rec_end(&r);
    dw_free(xpath);
    cli_target_free(&t);
    return ok ? 0 : EX_DATAERR;
}

int cmd_resolve(cli_ctx *ctx, int argc, char **argv)
{
    cli_sel sel = {0};
    int explain = 0;
    int rc = cli_flag_options(ctx, argc, argv, help, "explain", &explain, &sel);
    if (rc >= 0)
        return rc;
    rc = 0;
    if (optind < argc) {
        if (sel.drop_dir || argc - optind > 1)
            return cli_usage_error(ctx, "one DropDirectory only (got %s too)", cli_q(argv[argc - 1]));
        sel.drop_dir = argv[optind];
    }
    cli_config cfg;
    rc = cli_sel_build(ctx, &sel, &cfg);
    if (rc)
        return rc;
    int worst = 0;
    for (size_t i = 0; i < cfg.n_connectors; i++) {
        int r1 = resolve_one(ctx, &cfg, &cfg.connectors[i], explain, cfg.n_connectors > 1);
        if (r1 && (!worst || r1 == EX_SOFTWARE))
            worst = r1;
    }
    cli_config_free(&cfg);
    return worst;
}
