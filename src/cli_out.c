/* SPDX-License-Identifier: MIT */
/* Records on stdout in the four output formats, with per-format escaping. Reports (resolve, validate,
 * check, deliver, sweep) use these; alerts come from the library's dw_alert_format(). */
#include <config.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Escaped output through the library's escapers (dw_escape): the CLI keeps no copy of the rules. */
static void put_escaped(FILE *f, dw_escape_style style, const char *s, size_t len)
{
    char small[512], *big = NULL;
    size_t needed = 0;
    const char *out = small;
    dw_status st = dw_escape(style, s, len, small, sizeof small, &needed);
    if (st == DW_E_BUFFER) {
        big = cli_xmalloc(needed);
        st = dw_escape(style, s, len, big, needed, NULL);
        out = big;
    }
    if (st == DW_OK)
        fputs(out, f);
    free(big);
}

void cli_put_escaped(FILE *f, const char *s, size_t len)
{
    put_escaped(f, DW_ESCAPE_TEXT, s, len);
}

void rec_begin(cli_rec *r, const cli_ctx *ctx, const char *kind, int ok)
{
    r->f = stdout;
    r->format = ctx->format;
    r->nfields = 0;
    switch (r->format) {
    case DW_FORMAT_TEXT:
        break;
    case DW_FORMAT_JSON:
        fprintf(r->f, "{\"record\":\"%s\"", kind);
        break;
    case DW_FORMAT_XML:
        fprintf(r->f, "<Record Type=\"%s\">", kind);
        break;
    case DW_FORMAT_SYSLOG: {
        /* local0 (16); informational (6) for a good result, error (3) otherwise. */
        char ts[40], host[256];
        struct timespec now;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &now);
        gmtime_r(&now.tv_sec, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
        if (gethostname(host, sizeof host) != 0 || !host[0])
            strcpy(host, "-");
        host[sizeof host - 1] = '\0';
        for (char *h = host; *h; h++)
            if (*h <= ' ' || *h > '~')
                *h = '_';
        /* the facility of the library's alert records (local0), so both land in one place */
        fprintf(r->f, "<%d>1 %s.%03ldZ %s dropwatch %ld %s [dropwatch@32473",
                DW_SYSLOG_FACILITY_DEFAULT * 8 + (ok ? 6 : 3), ts, now.tv_nsec / 1000000L, host, (long)getpid(), kind);
        break;
    }
    }
}

void rec_strn(cli_rec *r, const char *key, const char *val, size_t len)
{
    if (!val) {
        val = "";
        len = 0;
    }
    switch (r->format) {
    case DW_FORMAT_TEXT:
        fprintf(r->f, "%-18s ", key);
        put_escaped(r->f, DW_ESCAPE_TEXT, val, len);
        fputc('\n', r->f);
        break;
    case DW_FORMAT_JSON:
        fprintf(r->f, ",\"%s\":\"", key);
        put_escaped(r->f, DW_ESCAPE_JSON, val, len);
        fputc('"', r->f);
        break;
    case DW_FORMAT_XML:
        fprintf(r->f, "<Field Name=\"%s\">", key);
        put_escaped(r->f, DW_ESCAPE_XML, val, len);
        fputs("</Field>", r->f);
        break;
    case DW_FORMAT_SYSLOG:
        fprintf(r->f, " %s=\"", key);
        put_escaped(r->f, DW_ESCAPE_SYSLOG, val, len);
        fputc('"', r->f);
        break;
    }
    r->nfields++;
}

void rec_str(cli_rec *r, const char *key, const char *val)
{
    rec_strn(r, key, val, val ? strlen(val) : 0);
}

void rec_u64(cli_rec *r, const char *key, uint64_t v)
{
    if (r->format == DW_FORMAT_JSON) {
        fprintf(r->f, ",\"%s\":%llu", key, (unsigned long long)v);
        r->nfields++;
        return;
    }
    char buf[24];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    rec_str(r, key, buf);
}

void rec_bool(cli_rec *r, const char *key, int v)
{
    if (r->format == DW_FORMAT_JSON) {
        fprintf(r->f, ",\"%s\":%s", key, v ? "true" : "false");
        r->nfields++;
        return;
    }
    rec_str(r, key, r->format == DW_FORMAT_TEXT ? (v ? "yes" : "no") : (v ? "true" : "false"));
}

void rec_end(cli_rec *r)
{
    switch (r->format) {
    case DW_FORMAT_TEXT:
        fputc('\n', r->f);
        break;
    case DW_FORMAT_JSON:
        fputs("}\n", r->f);
        break;
    case DW_FORMAT_XML:
        fputs("</Record>\n", r->f);
        break;
    case DW_FORMAT_SYSLOG:
        fputs("]\n", r->f);
        break;
    }
}
