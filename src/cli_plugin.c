/* SPDX-License-Identifier: MIT */
/* check --plugin: the monitoring-plugin interface that Nagios, Icinga, Naemon, Shinken and Zabbix-agent
 * wrappers run. One status line "DROPWATCH STATE - text | perfdata", exit status 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN, and thresholds in the range syntax of the monitoring-plugins development
 * guidelines. A failing probe is CRITICAL whatever the thresholds: mail is not reaching the gateway. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_monitor.h"

enum { ST_OK, ST_WARNING, ST_CRITICAL, ST_UNKNOWN };
static const char *const state_names[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

/* A finite decimal number using the whole string (no locale: "." is always the decimal point here). */
static int parse_number(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789.-+", buf[i]))
            return -1; /* no "inf", "nan", hex or exponent forms */
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (*end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_range_parse(const char *s, cli_range *r)
{
    memset(r, 0, sizeof *r);
    if (!s || !*s)
        return -1;
    if (*s == '@') {
        r->inside = 1;
        s++;
    }
    const char *colon = strchr(s, ':');
    if (!colon) {
        /* "10": outside 0..10 */
        if (parse_number(s, strlen(s), &r->hi) != 0)
            return -1;
        r->lo = 0;
    } else {
        if (colon == s + 1 && *s == '~')
            r->lo_inf = 1;
        else if (parse_number(s, (size_t)(colon - s), &r->lo) != 0)
            return -1;
        if (colon[1] == '\0')
            r->hi_inf = 1;
        else if (parse_number(colon + 1, strlen(colon + 1), &r->hi) != 0)
            return -1;
    }
    if (!r->lo_inf && !r->hi_inf && r->lo > r->hi)
        return -1;
    r->set = 1;
    return 0;
}

int cli_range_alert(const cli_range *r, double v)
{
    if (!r->set)
        return 0;
    int in = (r->lo_inf || v >= r->lo) && (r->hi_inf || v <= r->hi);
    return r->inside ? in : !in;
}

int cli_plugin_threshold(cli_plugin_opts *o, const char *arg, int critical)
{
    /* Items separated by single commas; an empty item ("quota=80,") is an error, not ignored. */
    for (const char *item = arg;;) {
        const char *end = strchr(item, ',');
        size_t n = end ? (size_t)(end - item) : strlen(item);
        cli_range *dst = NULL;
        size_t key = 0;
        if (n > 6 && strncmp(item, "quota=", 6) == 0) {
            dst = critical ? &o->crit_quota : &o->warn_quota;
            key = 6;
        } else if (n > 4 && strncmp(item, "age=", 4) == 0) {
            dst = critical ? &o->crit_age : &o->warn_age;
            key = 4;
        }
        if (!dst || n - key >= 64)
            return -1;
        char range[64];
        memcpy(range, item + key, n - key);
        range[n - key] = '\0';
        if (cli_range_parse(range, dst) != 0)
            return -1;
        if (!end)
            return 0;
        item = end + 1;
    }
}

/* A range back in the guidelines' syntax, for the perfdata warn/crit fields. */
static void put_range(FILE *f, const cli_range *r)
{
    if (!r->set)
        return;
    if (r->inside)
        fputc('@', f);
    if (r->lo_inf)
        fputs("~:", f);
    else if (r->lo != 0 || r->hi_inf || r->inside)
        fprintf(f, "%g:", r->lo);
    if (!r->hi_inf)
        fprintf(f, "%g", r->hi);
}

/* A perfdata label: always quoted; a quote is doubled and '=' (which would end the label) replaced. */
static void put_label(FILE *f, const char *connector, const char *what)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)connector; *p; p++) {
        if (*p == '\'')
            fputs("''", f);
        else if (*p == '=' || *p < 0x20 || *p == 0x7F)
            fputc('_', f);
        else
            fputc(*p, f);
    }
    fprintf(f, " %s'=", what);
}

/* One performance datum, " 'CONNECTOR WHAT'=VALUE;WARN;CRIT;0[;MAX]" (VALUE carries its unit). */
static void perf(FILE *f, const char *connector, const char *what, const char *value, const cli_range *warn,
                 const cli_range *crit, const char *max)
{
    fputc(' ', f);
    put_label(f, strlen(connector) > DW_QUOTE_MAX ? cli_q(connector) : connector, what);
    fprintf(f, "%s;", value);
    if (warn)
        put_range(f, warn);
    fputc(';', f);
    if (crit)
        put_range(f, crit);
    fputs(";0", f);
    if (max)
        fprintf(f, ";%s", max);
}

static void put_text(FILE *f, const char *s)
{
    /* The status line must stay one line, and '|' would start the performance data. */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        fputc(*p < 0x20 || *p == 0x7F || *p == '|' ? '_' : *p, f);
}

/* The state of one connector: CRITICAL when its probe failed, else by the --critical/--warning ranges. */
static int connector_state(const cli_plugin_opts *o, const cli_probe_result *r)
{
    if (!r->ok)
        return ST_CRITICAL;
    double pct = r->quota && r->have_usage ? 100.0 * (double)r->h.used_bytes / (double)r->quota : NAN;
    double age = r->have_usage ? (double)(r->oldest_age > 0 ? r->oldest_age : 0) : NAN;
    if ((!isnan(pct) && cli_range_alert(&o->crit_quota, pct)) || (!isnan(age) && cli_range_alert(&o->crit_age, age)))
        return ST_CRITICAL;
    if ((!isnan(pct) && cli_range_alert(&o->warn_quota, pct)) || (!isnan(age) && cli_range_alert(&o->warn_age, age)))
        return ST_WARNING;
    return ST_OK;
}

/* The status text: all healthy, or the connectors that are not OK, worst first, each with its reason. */
static void put_summary(FILE *f, const cli_probe_result *rs, const int *cs, size_t n)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += cs[i] != ST_OK;
    if (!bad) {
        fprintf(f, "%zu connector(s) healthy", n);
        return;
    }
    const char *sep = "";
    for (int want = ST_CRITICAL; want >= ST_WARNING; want--) {
        for (size_t i = 0; i < n; i++) {
            const cli_probe_result *r = &rs[i];
            if (cs[i] != want)
                continue;
            fputs(sep, f);
            sep = "; ";
            /* a name as it is; one too long for a status line quoted and cut as every diagnostic is */
            put_text(f, strlen(r->connector) > DW_QUOTE_MAX ? cli_q(r->connector) : r->connector);
            if (!r->ok) {
                fprintf(f, ": %s failure during %s (event %u)", dw_class_name(r->err.io_class), dw_op_name(r->err.op),
                        r->event_id);
                continue;
            }
            fputs(":", f);
            if (r->quota)
                fprintf(f, " quota %.1f%% used", 100.0 * (double)r->h.used_bytes / (double)r->quota);
            fprintf(f, "%s oldest message %lld s", r->quota ? "," : "", (long long)(r->oldest_age > 0 ? r->oldest_age : 0));
        }
    }
    if (bad < n)
        fprintf(f, "; %zu of %zu connector(s) OK", n - bad, n);
}

/* Performance data of one connector: 'label'=value[UOM];warn;crit;min;max. */
static void put_perf(FILE *f, const cli_plugin_opts *o, const cli_probe_result *r)
{
    const char *c = r->connector;
    char v[64], max[32];
    perf(f, c, "healthy", r->ok ? "1" : "0", NULL, NULL, "1");
    if (!r->have_usage)
        return;
    snprintf(max, sizeof max, "%llu", (unsigned long long)r->quota);
    if (r->quota) {
        snprintf(v, sizeof v, "%.2f%%", 100.0 * (double)r->h.used_bytes / (double)r->quota);
        perf(f, c, "quota_used", v, &o->warn_quota, &o->crit_quota, "100");
    }
    snprintf(v, sizeof v, "%lluB", (unsigned long long)r->h.used_bytes);
    perf(f, c, "used", v, NULL, NULL, r->quota ? max : NULL);
    snprintf(v, sizeof v, "%llu", (unsigned long long)r->h.file_count);
    perf(f, c, "files", v, NULL, NULL, NULL);
    snprintf(v, sizeof v, "%llds", (long long)(r->oldest_age > 0 ? r->oldest_age : 0));
    perf(f, c, "oldest_age", v, &o->warn_age, &o->crit_age, NULL);
    snprintf(v, sizeof v, "%llu", (unsigned long long)r->h.stale_temp_files);
    perf(f, c, "stale_temps", v, NULL, NULL, NULL);
    if (r->have_fs) {
        snprintf(v, sizeof v, "%lluB", (unsigned long long)r->h.free_bytes);
        snprintf(max, sizeof max, "%llu", (unsigned long long)r->h.total_bytes);
        perf(f, c, "free", v, NULL, NULL, max);
    }
    if (r->h.writable) {
        snprintf(v, sizeof v, "%.6fs", (double)r->h.canary_micros / 1e6);
        perf(f, c, "canary", v, NULL, NULL, NULL);
    }
}

int cli_plugin_report(FILE *f, const cli_plugin_opts *o, const cli_probe_result *rs, size_t n)
{
    int state = ST_OK;
    int *cs = calloc(n ? n : 1, sizeof *cs);
    if (!cs)
        return cli_plugin_unknown(f, "out of memory");
    for (size_t i = 0; i < n; i++) {
        cs[i] = connector_state(o, &rs[i]);
        if (cs[i] > state)
            state = cs[i];
    }
    fprintf(f, "DROPWATCH %s - ", state_names[state]);
    put_summary(f, rs, cs, n);
    fputs(" |", f); /* performance data: one group per connector */
    for (size_t i = 0; i < n; i++)
        put_perf(f, o, &rs[i]);
    fputc('\n', f);
    free(cs);
    return state;
}

int cli_plugin_unknown(FILE *f, const char *why)
{
    fprintf(f, "DROPWATCH UNKNOWN - ");
    put_text(f, why);
    fputc('\n', f);
    return ST_UNKNOWN;
}

void cli_plugin_capture_begin(cli_plugin_capture *c)
{
    c->saved = -1;
    c->tmp = tmpfile();
    fflush(stderr);
#ifdef _WIN32
    if (c->tmp && (c->saved = _dup(STDERR_FILENO)) >= 0 &&
#else
    if (c->tmp && (c->saved = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) >= 0 &&
#endif
        dup2(fileno(c->tmp), STDERR_FILENO) >= 0)
        return;
    /* No capture: the messages simply stay on standard error. */
    if (c->saved >= 0)
        close(c->saved);
    c->saved = -1;
    if (c->tmp)
        fclose(c->tmp);
    c->tmp = NULL;
}

void cli_plugin_capture_end(cli_plugin_capture *c, char *first, size_t size)
{
    if (size)
        first[0] = '\0';
    if (!c->tmp)
        return;
    fflush(stderr);
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    rewind(c->tmp);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, c->tmp)) {
        if (n++ == 0 && size) {
            /* "dropwatch check: why" or "dropwatch: why" -> "why" */
            const char *why = strncmp(line, "dropwatch check: ", 17) == 0 ? line + 17
                              : strncmp(line, "dropwatch: ", 11) == 0     ? line + 11
                                                                          : line;
            snprintf(first, size, "%s", why);
            first[strcspn(first, "\n")] = '\0';
        }
        fputs(line, stderr);
    }
    fclose(c->tmp);
    c->tmp = NULL;
}
