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

static const char *style_name(dw_path_style s)
{
    return s == DW_STYLE_WINDOWS ? "windows" : s == DW_STYLE_POSIX ? "posix" : "auto";
}

static const char *input_word(dw_input in)
{
    return in == DW_INPUT_ROOT ? "root" : in == DW_INPUT_DROP_DIR ? "drop-dir" : in == DW_INPUT_RESULT ? "result" : "";
}

/* One connector. Returns 0 when the strict resolution succeeded. */
static int resolve_one(const cli_ctx *ctx, const cli_config *cfg, const cli_connector *conn, int explain,
                       int many)
{
    cli_target t;
    cli_target_resolve(&t, cfg, conn);
    int ok = t.status == DW_OK;

    if (ctx->format == DW_FORMAT_TEXT && !explain) {
        if (ok) {
            if (many) {
                cli_put_escaped(stdout, conn->name, strlen(conn->name));
                fputc('\t', stdout);
            }
            /* Only the path: scripts capture it with $(dropwatch resolve ...). */
            cli_put_escaped(stdout, t.path, strlen(t.path));
            fputc('\n', stdout);
        } else {
            cli_target_explain_failure(ctx, &t);
        }
        cli_target_free(&t);
        return ok ? 0 : EX_DATAERR;
    }

    dw_resolve_options ro;
    cli_resolve_options(cfg, &ro);
    dw_explain_info ei = {0};
    char *xpath = NULL;
    if (explain) {
        size_t need = 0;
        dw_status st = dw_path_explain(cfg->root, conn->drop_dir, &ro, NULL, 0, &need, &ei);
        if (need) {
            xpath = cli_xmalloc(need);
            st = dw_path_explain(cfg->root, conn->drop_dir, &ro, xpath, need, &need, &ei);
        }
        if (st != DW_OK) {
            cli_err(ctx, "cannot explain the resolution: %s", dw_status_str(st));
            free(xpath);
            cli_target_free(&t);
            return EX_SOFTWARE;
        }
    }

    cli_rec r;
    rec_begin(&r, ctx, explain ? "explain" : "resolve", ok && !ei.warnings);
    rec_str(&r, "connector", conn->name);
    rec_str(&r, "root", cfg->root ? cfg->root : "");
    rec_str(&r, "drop_dir", conn->drop_dir);
    rec_str(&r, "status", ok ? "ok" : "invalid");
    rec_str(&r, "path", t.path ? t.path : "");
    if (!ok) {
        rec_str(&r, "reason", dw_reason_name(t.info.reason));
        rec_str(&r, "reason_text", dw_reason_str(t.info.reason));
        rec_str(&r, "input", input_word(t.info.input));
        rec_u64(&r, "offset", t.info.offset);
    }
    rec_str(&r, "style", style_name(t.info.style));
    rec_bool(&r, "root_defaulted", t.info.root_defaulted);
    if (ok && t.info.style == DW_STYLE_WINDOWS && !t.info.long_path)
        rec_u64(&r, "file_name_room", t.info.file_name_room);
    if (explain) {
        rec_str(&r, "exchange_path", xpath);
        rec_bool(&r, "same", ok && strcmp(xpath, t.path) == 0 && !(ei.warnings & DW_WARN_DIFFERS));
        if (ei.event)
            rec_u64(&r, "exchange_event", ei.event);
        if (ei.warnings & DW_WARN_PATH_TOO_LONG) {
            /* the numbers behind "may exceed": directory + "\" + longest Exchange file name vs 259 */
            rec_u64(&r, "exchange_path_units", ei.exchange_units);
            rec_u64(&r, "longest_file_name", ei.longest_file_name);
            rec_u64(&r, "longest_full_path", ei.exchange_units + 1 + ei.longest_file_name);
            rec_u64(&r, "max_path", DW_WIN_MAX_PATH - 1);
        }
        if (ctx->format == DW_FORMAT_TEXT) {
            for (size_t i = 0; i < sizeof warn_names / sizeof warn_names[0]; i++)
                if (ei.warnings & warn_names[i].bit)
                    rec_str(&r, "warning", dw_explain_warning_str(warn_names[i].bit));
        } else {
            /* Structured formats get one field each: the names (machine) and the texts (human). */
            size_t cap = 1, n = 0;
            for (size_t i = 0; i < sizeof warn_names / sizeof warn_names[0]; i++)
                cap += strlen(warn_names[i].name) + strlen(dw_explain_warning_str(warn_names[i].bit)) + 4;
            char *names = cli_xmalloc(cap), *texts = cli_xmalloc(cap);
            names[0] = texts[0] = '\0';
            for (size_t i = 0; i < sizeof warn_names / sizeof warn_names[0]; i++) {
                if (!(ei.warnings & warn_names[i].bit))
                    continue;
                if (n++) {
                    strcat(names, ",");
                    strcat(texts, "; ");
                }
                strcat(names, warn_names[i].name);
                strcat(texts, dw_explain_warning_str(warn_names[i].bit));
            }
            rec_str(&r, "warnings", names);
            rec_str(&r, "warning_text", texts);
            free(names);
            free(texts);
        }
    }
    rec_end(&r);
    free(xpath);
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
            return cli_usage_error(ctx, "one DropDirectory only (got '%s' too)", argv[argc - 1]);
        sel.drop_dir = argv[optind];
    }
    if (sel.quota_text)
        return cli_usage_error(ctx, "--quota has no meaning for resolve");
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
