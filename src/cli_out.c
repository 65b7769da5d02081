/* SPDX-License-Identifier: MIT */
/* Records on stdout in the four output formats, with per-format escaping. Reports (resolve, validate,
 * check, deliver, sweep) use these; alerts come from the library's dw_alert_format(). */
#include <config.h>

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "utf8.h"

/* Walks s[0..len): calls put for each code point, with cp = 0xFFFD and bad = 1 for an invalid byte. */
typedef void (*cp_fn)(FILE *f, const char *raw, size_t n, uint32_t cp, int bad);

static void walk(FILE *f, const char *s, size_t len, cp_fn put)
{
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        uint32_t cp;
        int ok = dwi_utf8_next(s, len, &i, &cp);
        put(f, s + start, i - start, cp, !ok);
    }
}

static void put_text(FILE *f, const char *raw, size_t n, uint32_t cp, int bad)
{
    if (bad) {
        fprintf(f, "\\x%02X", (unsigned char)raw[0]);
    } else if (cp == '\n') {
        fputs("\\n", f);
    } else if (cp == '\t') {
        fputs("\\t", f);
    } else if (cp == '\r') {
        fputs("\\r", f);
    } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
        fprintf(f, "\\x%02X", (unsigned)cp);
    } else {
        fwrite(raw, 1, n, f);
    }
}

void cli_put_escaped(FILE *f, const char *s, size_t len)
{
    walk(f, s, len, put_text);
}

static void put_json(FILE *f, const char *raw, size_t n, uint32_t cp, int bad)
{
    if (bad)
        fputs("\\ufffd", f);
    else if (cp == '"')
        fputs("\\\"", f);
    else if (cp == '\\')
        fputs("\\\\", f);
    else if (cp == '\n')
        fputs("\\n", f);
    else if (cp == '\t')
        fputs("\\t", f);
    else if (cp == '\r')
        fputs("\\r", f);
    else if (cp < 0x20 || cp == 0x7F)
        fprintf(f, "\\u%04x", (unsigned)cp);
    else
        fwrite(raw, 1, n, f);
}

/* XML 1.0 cannot carry most control characters even as references: they become U+FFFD. */
static void put_xml(FILE *f, const char *raw, size_t n, uint32_t cp, int bad)
{
    if (bad || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF)
        fputs("\xEF\xBF\xBD", f);
    else if (cp == '&')
        fputs("&amp;", f);
    else if (cp == '<')
        fputs("&lt;", f);
    else if (cp == '>')
        fputs("&gt;", f);
    else if (cp == '"')
        fputs("&quot;", f);
    else if (cp < 0x20)
        fprintf(f, "&#%u;", (unsigned)cp);
    else
        fwrite(raw, 1, n, f);
}

/* RFC 5424 PARAM-VALUE: '"', '\' and ']' are escaped with a backslash; control characters would split
 * the line and become U+FFFD. */
static void put_sd(FILE *f, const char *raw, size_t n, uint32_t cp, int bad)
{
    if (bad || cp < 0x20 || cp == 0x7F)
        fputs("\xEF\xBF\xBD", f);
    else if (cp == '"' || cp == '\\' || cp == ']') {
        fputc('\\', f);
        fputc((int)cp, f);
    } else
        fwrite(raw, 1, n, f);
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
        fprintf(r->f, "<%d>1 %s.%03ldZ %s dropwatch %ld %s [dropwatch@32473", 16 * 8 + (ok ? 6 : 3), ts,
                now.tv_nsec / 1000000L, host, (long)getpid(), kind);
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
        walk(r->f, val, len, put_text);
        fputc('\n', r->f);
        break;
    case DW_FORMAT_JSON:
        fprintf(r->f, ",\"%s\":\"", key);
        walk(r->f, val, len, put_json);
        fputc('"', r->f);
        break;
    case DW_FORMAT_XML:
        fprintf(r->f, "<Field Name=\"%s\">", key);
        walk(r->f, val, len, put_xml);
        fputs("</Field>", r->f);
        break;
    case DW_FORMAT_SYSLOG:
        fprintf(r->f, " %s=\"", key);
        walk(r->f, val, len, put_sd);
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
