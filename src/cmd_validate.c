/* SPDX-License-Identifier: MIT */
/* dropwatch validate: one verdict, reason code and message per DropDirectory value. */
#include <config.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char help[] =
    "Usage: dropwatch validate [OPTIONS] VALUE...\n"
    "       dropwatch validate [OPTIONS] --stdin\n"
    "\n"
    "Judge DropDirectory values by the Windows naming rules Exchange requires (a simple directory name,\n"
    "no absolute path information). Text output is one line per value, tab-separated:\n"
    "  VERDICT  REASON  VALUE  MESSAGE\n"
    "with VERDICT 'valid' or 'invalid', REASON a DW_REASON_* code, VALUE with control characters and\n"
    "invalid UTF-8 escaped, and MESSAGE the reason's explanation with the byte offset and code point.\n"
    "\n"
    "  --stdin            read the values from standard input, one per line (the newline is not part\n"
    "                     of the value; a carriage return is, and is reported)\n"
    "  -f, --format FMT   text (default), xml, json, syslog: one record per value\n"
    "\n"
    "Exit status: 0 when every value is valid, 65 (EX_DATAERR) when any is invalid, 64 on usage errors.\n";

static int validate_one(const cli_ctx *ctx, const char *v, size_t len)
{
    dw_name_check chk = {0};
    dw_status st = dw_name_validate_n(v, len, &chk);
    if (st != DW_OK && st != DW_E_NAME) {
        cli_err(ctx, "validation failed: %s", dw_status_str(st));
        return EX_SOFTWARE;
    }
    int ok = st == DW_OK;
    char where[64] = "";
    if (!ok) {
        if (chk.codepoint)
            snprintf(where, sizeof where, " (byte %zu, U+%04X)", chk.offset, (unsigned)chk.codepoint);
        else
            snprintf(where, sizeof where, " (byte %zu)", chk.offset);
    }
    if (ctx->format == DW_FORMAT_TEXT) {
        printf("%s\t%s\t", ok ? "valid" : "invalid", dw_reason_name(chk.reason));
        cli_put_escaped(stdout, v, len);
        printf("\t%s%s\n", ok ? "valid DropDirectory" : dw_reason_str(chk.reason), where);
    } else {
        cli_rec r;
        rec_begin(&r, ctx, "validate", ok);
        rec_strn(&r, "value", v, len);
        rec_str(&r, "verdict", ok ? "valid" : "invalid");
        rec_str(&r, "reason", dw_reason_name(chk.reason));
        rec_str(&r, "message", ok ? "valid DropDirectory" : dw_reason_str(chk.reason));
        if (!ok) {
            rec_u64(&r, "offset", chk.offset);
            if (chk.codepoint) {
                char cp[16];
                snprintf(cp, sizeof cp, "U+%04X", (unsigned)chk.codepoint);
                rec_str(&r, "codepoint", cp);
            }
        }
        rec_u64(&r, "utf16_units", chk.utf16_units);
        rec_end(&r);
    }
    return ok ? 0 : EX_DATAERR;
}

/* The worse of two results: any invalid value makes 65, an internal failure 70 wins. */
static int worse(int worst, int r1)
{
    return r1 && worst != EX_SOFTWARE ? r1 : worst;
}

/* --stdin: one value per line (the newline is not part of it). Returns the worst result, or EX_IOERR. */
static int validate_lines(const cli_ctx *ctx, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int worst = 0;
    while ((n = getline(&line, &cap, in)) >= 0) {
        if (n > 0 && line[n - 1] == '\n')
            n--;
        worst = worse(worst, validate_one(ctx, line, (size_t)n));
    }
    int bad = ferror(in);
    free(line);
    if (bad) {
        cli_err(ctx, "error reading standard input");
        return EX_IOERR;
    }
    return worst;
}

int cmd_validate(cli_ctx *ctx, int argc, char **argv)
{
    int from_stdin = 0;
    int rc = cli_flag_options(ctx, argc, argv, help, "stdin", &from_stdin, NULL);
    if (rc >= 0)
        return rc;
    if (from_stdin && optind < argc)
        return cli_usage_error(ctx, "give values as arguments or with --stdin, not both");
    if (!from_stdin && optind >= argc)
        return cli_usage_error(ctx, "no value to validate");
    if (from_stdin)
        return validate_lines(ctx, stdin);
    int worst = 0;
    for (int i = optind; i < argc; i++)
        worst = worse(worst, validate_one(ctx, argv[i], strlen(argv[i])));
    return worst;
}
