/* SPDX-License-Identifier: MIT */
/* Parsing helpers, exit-code mapping and allocation helpers of the dropwatch tool. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void *cli_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("dropwatch: out of memory\n", stderr);
        exit(EX_OSERR);
    }
    return p;
}

const char *cli_q(const char *s)
{
    /* a ring of slots, so one message can quote several values; per thread, as the messages are */
    static _Thread_local char slots[CLI_QUOTE_SLOTS][DW_QUOTE_SIZE];
    static _Thread_local unsigned next;
    char *b = slots[next++ % CLI_QUOTE_SLOTS];
    if (dw_quote(s ? s : "", s ? strlen(s) : 0, b, DW_QUOTE_SIZE, NULL) != DW_OK)
        b[0] = '\0'; /* not reached: DW_QUOTE_SIZE holds any quote */
    return b;
}

char *cli_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(cli_xmalloc(n), s, n);
}

char *cli_hostname(void)
{
    char buf[256];
    if (gethostname(buf, sizeof buf) != 0 || buf[0] == '\0')
        return cli_xstrdup("localhost");
    buf[sizeof buf - 1] = '\0';
    return cli_xstrdup(buf);
}

/* Strict unsigned decimal: digits only (no sign, no spaces, no trailing text). */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    if (!s || !*s)
        return -1;
    uint64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Numbers: errno values are small on every platform the tool targets. Names: the library's tables
 * (dw_errno_from_name / dw_win32_from_name, exact); the tool itself accepts them in any case. */
#define CLI_ERRNO_MAX 4095

/* `s` in upper case into buf (names in the tables are upper case); -1 when it does not fit. */
static int upper_copy(const char *s, char *buf, size_t size)
{
    size_t n = strlen(s);
    if (n >= size)
        return -1;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)toupper((unsigned char)s[i]);
    return 0;
}

int cli_parse_errno(const char *s, int *out)
{
    uint64_t v;
    char name[64];
    if (cli_parse_u64(s, 1, CLI_ERRNO_MAX, &v) == 0) {
        *out = (int)v;
        return 0;
    }
    if (!s || upper_copy(s, name, sizeof name) != 0)
        return -1;
    return dw_errno_from_name(name, out) == DW_OK ? 0 : -1;
}

int cli_parse_win32(const char *s, uint32_t *out)
{
    uint64_t v;
    char name[64];
    if (!s || !*s)
        return -1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
        v = 0;
        for (const char *p = s + 2; *p; p++) {
            if (!isxdigit((unsigned char)*p) || v > 0xFFFFFFFu)
                return -1;
            v = v * 16 + (uint64_t)(isdigit((unsigned char)*p) ? *p - '0' : toupper((unsigned char)*p) - 'A' + 10);
        }
        *out = (uint32_t)v;
        return 0;
    }
    if (cli_parse_u64(s, 0, UINT32_MAX, &v) == 0) {
        *out = (uint32_t)v;
        return 0;
    }
    if (upper_copy(s, name, sizeof name) != 0)
        return -1;
    return dw_win32_from_name(name, out) == DW_OK ? 0 : -1;
}

static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* ISO 8601 UTC only ("...Z"): an alert's time must be unambiguous; local-time forms are refused. */
int cli_parse_time(const char *s, int64_t *ms)
{
    if (!s || !*s)
        return -1;
    if (strcmp(s, "now") == 0) {
        *ms = -1;
        return 0;
    }
    if (s[0] == '@') {
        uint64_t v;
        if (cli_parse_u64(s + 1, 0, (uint64_t)INT64_MAX, &v) != 0)
            return -1;
        *ms = (int64_t)v;
        return 0;
    }
    const char *p = s;
    int Y, M, D, h, m, sec, frac = 0;
    if (digits(&p, 4, &Y) || *p++ != '-' || digits(&p, 2, &M) || *p++ != '-' || digits(&p, 2, &D))
        return -1;
    if ((*p != 'T' && *p != 't') || (p++, digits(&p, 2, &h)) || *p++ != ':' || digits(&p, 2, &m) ||
        *p++ != ':' || digits(&p, 2, &sec))
        return -1;
    if (*p == '.') {
        p++;
        int n = 0, scale = 100;
        while (isdigit((unsigned char)*p)) {
            if (n < 3)
                frac += (*p - '0') * scale;
            scale /= 10;
            n++;
            p++;
        }
        if (n == 0)
            return -1;
    }
    if ((*p != 'Z' && *p != 'z') || p[1] != '\0')
        return -1;
    if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
        return -1;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    if (D > mdays[M - 1] || (M == 2 && D == 29 && !leap))
        return -1;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = sec > 59 ? 59 : sec;
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return -1;
    *ms = (int64_t)t * 1000 + frac;
    return 0;
}

int cli_parse_inject(const char *s, dw_fault *fault)
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *op = buf, *en = strchr(buf, ':');
    if (!en)
        return -1;
    *en++ = '\0';
    char *cnt = strchr(en, ':');
    if (cnt)
        *cnt++ = '\0';
    int o, e;
    uint64_t c = 1;
    if (cli_parse_enum(DW_ENUM_OP, op, &o) != 0 || o == DW_OP_NONE || cli_parse_errno(en, &e) != 0)
        return -1;
    if (cnt && cli_parse_u64(cnt, 1, 1000000, &c) != 0)
        return -1;
    fault->op = (dw_op)o;
    fault->sys_errno = e;
    fault->count = (unsigned)c;
    return 0;
}

int cli_parse_enum(dw_enum kind, const char *s, int *out)
{
    if (dw_enum_from_name(kind, s, out) == DW_OK)
        return 0;
    size_t len = strlen(s), n = dw_enum_count(kind), found = 0;
    int match = 0;
    for (size_t i = 0; len && i < n; i++) {
        int value;
        (void)dw_enum_value(kind, i, &value, NULL);
        const char *name = dw_enum_name(kind, value);
        if (name && strncasecmp(name, s, len) == 0 && name[len] == '-') {
            match = value;
            found++;
        }
    }
    if (found != 1)
        return -1;
    *out = match;
    return 0;
}

void cli_enum_names(dw_enum kind, char *buf, size_t size)
{
    size_t n = dw_enum_count(kind);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int value;
        (void)dw_enum_value(kind, i, &value, NULL);
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ",
                 dw_enum_name(kind, value));
    }
}

const cli_enum_opt cli_enum_opts[] = {
    {"format", DW_ENUM_FORMAT},          {"event", DW_ENUM_EVENT_MODE},     {"style", DW_ENUM_PATH_STYLE},
    {"exchange-version", DW_ENUM_EXCHANGE_VERSION},                        {"naming", DW_ENUM_NAMING},
    {"priority", DW_ENUM_PRIORITY},      {"durability", DW_ENUM_DURABILITY}, {"quota-mode", DW_ENUM_QUOTA_MODE},
    {"eoh", DW_ENUM_EOH_MODE},
};
const size_t cli_n_enum_opts = sizeof cli_enum_opts / sizeof cli_enum_opts[0];

int cli_enum_option(const cli_ctx *ctx, const char *option, const char *arg, int *out)
{
    size_t i = 0;
    while (i < cli_n_enum_opts && strcmp(cli_enum_opts[i].option, option) != 0)
        i++;
    if (i == cli_n_enum_opts) {
        cli_err(ctx, "internal error: --%s is not in the enum option table", option);
        return EX_SOFTWARE;
    }
    if (cli_parse_enum(cli_enum_opts[i].kind, arg, out) == 0)
        return 0;
    char expected[256];
    cli_enum_names(cli_enum_opts[i].kind, expected, sizeof expected);
    return cli_usage_error(ctx, "invalid --%s %s (expected %s)", option, cli_q(arg), expected);
}

int cli_unsigned_option(const cli_ctx *ctx, const char *option, const char *arg, unsigned *out)
{
    uint64_t v;
    /* digits of any length: only the library's range decides what is too much */
    int all_digits = *arg != '\0' && strspn(arg, "0123456789") == strlen(arg);
    if (!all_digits)
        return cli_usage_error(ctx, "invalid --%s %s (expected a number)", option, cli_q(arg));
    *out = cli_parse_u64(arg, 0, UINT_MAX, &v) == 0 ? (unsigned)v : UINT_MAX;
    return 0;
}

int cli_drop_option_check(const cli_ctx *ctx, const dw_drop_options *opts, const char *option, const char *arg)
{
    dw_io_error err;
    dw_status st = dw_drop_options_check(opts, &err);
    if (st == DW_OK)
        return 0;
    return cli_usage_error(ctx, "invalid --%s %s: %s", option, cli_q(arg), err.detail[0] ? err.detail : dw_status_str(st));
}

void cli_io_failure(const cli_ctx *ctx, const dw_io_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *what = cli_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    what[0] = '\0';
    va_start(ap, fmt);
    if (n > 0)
        vsnprintf(what, (size_t)n + 1, fmt, ap);
    va_end(ap);
    char *text = NULL;
    if (dw_io_error_describe_alloc(err, &text) == DW_OK)
        cli_err(ctx, "%s: %s", what, text);
    else
        cli_err(ctx, "%s: %s failure", what, dw_class_name(err->io_class));
    dw_free(text);
    free(what);
}

/* The exit code a failure class maps to (documented in dropwatch(1), EXIT STATUS). Remote failures map to
 * EX_TEMPFAIL like transient ones: a mail system calling the tool then defers and retries rather than
 * bouncing, which is what Exchange does with its queue. */
int cli_exit_for_class(dw_class cls)
{
    switch (cls) {
    case DW_CLASS_NONE: return EX_OK;
    case DW_CLASS_TRANSIENT: return EX_TEMPFAIL;
    case DW_CLASS_REMOTE: return EX_TEMPFAIL;
    case DW_CLASS_PHYSICAL: return EX_IOERR;
    case DW_CLASS_LOGICAL: return EX_IOERR;
    case DW_CLASS_CAPACITY: return EX_CANTCREAT;
    case DW_CLASS_ACCESS: return EX_NOPERM;
    case DW_CLASS_CONFIGURATION: return EX_CONFIG;
    }
    return EX_IOERR;
}

int cli_exit_for_status(dw_status st, const dw_io_error *err)
{
    switch (st) {
    case DW_OK: return EX_OK;
    case DW_E_IO: return err ? cli_exit_for_class(err->io_class) : EX_IOERR;
    case DW_E_ROOT:
    case DW_E_NAME:
    case DW_E_TOOLONG: return EX_CONFIG;
    case DW_E_NOMEM: return EX_OSERR;
    case DW_E_UNSUPPORTED: return EX_UNAVAILABLE;
    case DW_E_PARSE:
    case DW_E_ENVELOPE: return EX_DATAERR;
    default: return EX_SOFTWARE;
    }
}
