/* SPDX-License-Identifier: MIT */
/*
 * Test helper for the alert formatter (not installed).
 *
 *   gen_alerts golden FORMAT [auto]   print the fixed golden record (the one tests/check_alert.c compares
 *                                     with tests/alert/golden/), to regenerate the golden files
 *   gen_alerts nasty [COUNT [SEED]]   print COUNT records built from adversarial inputs, each as five
 *                                     NUL-terminated parts: the connector in hex, then text, xml, json, syslog
 *
 * The nasty records feed real parsers (xmllint, Python's json, an RFC 5424 parser) in parse_records.py.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "golden_record.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
    /* xorshift64*: deterministic for a seed, so a failing record can be reproduced. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static const char *const pieces[] = {
    "\"", "\\", "]", "[", "<", ">", "&", "'", "=", " ", "\n", "\r", "\r\n", "\t", "\x01", "\x1b[31m", "\x1f",
    "\x7f", "\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xae", "\xef\xbb\xbf", "\xef\xbf\xbe", "\xef\xbf\xbf", "\xff",
    "\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "\x80", "]]>", "-->", "<!--", "&amp;",
    "&#0;", "%1", "%2", "%s", "%n", "\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80",
    "[dropwatch@32473 x=\"y\"]", "<Data>", "</Data>", "</Event>", "\"}\n{\"a\":1", "\nCritical Error - forged",
    "<14>1 - - - - - -", "C:\\Program Files\\Microsoft\\Exchange Server\\", "Fax Connector", "x", "\\\\srv\\share",
    "\xef\xbf\xbd", "\xe2\x80\x8b", "\u00ff",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static char *nasty_string(size_t max_pieces)
{
    size_t n = rnd() % (max_pieces + 1);
    size_t cap = 64, len = 0;
    char *s = malloc(cap);
    if (!s)
        exit(2);
    for (size_t i = 0; i < n; i++) {
        const char *p = pieces[rnd() % NPIECES];
        size_t k = strlen(p);
        if (len + k + 1 > cap) {
            while (len + k + 1 > cap)
                cap *= 2;
            s = realloc(s, cap);
            if (!s)
                exit(2);
        }
        memcpy(s + len, p, k);
        len += k;
    }
    s[len] = '\0';
    return s;
}

/* Sometimes very long (beyond DW_ALERT_FIELD_MAX), with a multi-byte character across the cut. */
static char *maybe_long(char *s)
{
    if (rnd() % 8)
        return s;
    size_t n = DW_ALERT_FIELD_MAX - 1 + rnd() % 4 + (rnd() % 2) * 5000;
    char *l = malloc(n + 8);
    if (!l)
        exit(2);
    size_t i = 0;
    while (i < n) {
        const char *p = (rnd() % 3) ? "a" : "\xe6\x97\xa5";
        size_t k = strlen(p);
        memcpy(l + i, p, k);
        i += k;
    }
    l[i] = '\0';
    free(s);
    return l;
}

static int emit(const dw_alert *a, dw_format f)
{
    char *out = NULL;
    size_t len = 0;
    dw_status st = dw_alert_format_alloc(a, f, &out, &len);
    if (st != DW_OK) {
        fprintf(stderr, "gen_alerts: format %s failed: %s\n", dw_format_name(f), dw_status_name(st));
        return 1;
    }
    fwrite(out, 1, len + 1, stdout); /* with the NUL separator */
    dw_free(out);
    return 0;
}

static int nasty(unsigned count, uint64_t seed)
{
    static const int errnos[] = {0, ENOSPC, EIO, EACCES, EPERM, ENOENT, ENAMETOOLONG, EROFS, EAGAIN, EDQUOT,
                                 ESTALE, 12345, -7};
    static const uint32_t win32s[] = {0, 0, 0, 2, 3, 5, 112, 206, 1117, 99999, 0xFFFFFFFFu};
    rng_state = seed ? seed : 1;
    for (unsigned i = 0; i < count; i++) {
        dw_alert a;
        dw_alert_init(&a);
        char *conn = maybe_long(nasty_string(12));
        char *drop = maybe_long(nasty_string(12));
        char *root = nasty_string(6);
        char *dd = nasty_string(6);
        char *comp = nasty_string(4);
        char *app = nasty_string(4);
        char *exc = nasty_string(10);
        char *path = nasty_string(10);
        char *detail = nasty_string(6);
        a.connector = (rnd() % 10) ? conn : NULL;
        a.drop_path = drop;
        a.root = (rnd() % 4) ? root : NULL;
        a.drop_dir = dd;
        a.computer = (rnd() % 5) ? comp : NULL;
        a.app_name = (rnd() % 3) ? app : NULL;
        a.exception_text = (rnd() % 2) ? exc : NULL;
        a.error.sys_errno = errnos[rnd() % (sizeof errnos / sizeof errnos[0])];
        a.error.win32 = win32s[rnd() % (sizeof win32s / sizeof win32s[0])];
        a.error.io_class = (dw_class)(rnd() % (DW_CLASS_COUNT + 1));
        a.error.op = (dw_op)(rnd() % (DW_OP_COUNT + 1));
        a.error.retryable = (int)(rnd() % 2);
        a.error.attempts = rnd() % 5;
        snprintf(a.error.path, sizeof a.error.path, "%s", path);
        snprintf(a.error.detail, sizeof a.error.detail, "%s%s", (rnd() % 4) ? "" : "quota 10485760 bytes, ", detail);
        if (rnd() % 7 == 0) /* an unterminated array must not be read past its end */
            memset(a.error.detail, 'd', sizeof a.error.detail);
        a.event_mode = (rnd() % 2) ? DW_EVENT_AUTO : DW_EVENT_8004;
        a.exchange_version = (dw_exchange_version)(rnd() % 3); /* every pack, rules with and without names */
        a.syslog_facility = (int)(rnd() % 24);
        a.has_record_id = (int)(rnd() % 2);
        a.record_id = ((uint64_t)rnd() << 32) | rnd();
        static const int64_t times[] = {0, 1, 999, INT64_C(1795581000123), INT64_C(253402300799999),
                                        INT64_C(253402300800000), INT64_MAX};
        a.time_ms = times[rnd() % (sizeof times / sizeof times[0])];

        const char *c = a.connector ? a.connector : "";
        for (const unsigned char *p = (const unsigned char *)c; *p; p++)
            printf("%02x", *p);
        putchar('\0');
        int bad = 0;
        for (int f = 0; f < DW_FORMAT_COUNT; f++)
            bad |= emit(&a, (dw_format)f);
        free(conn), free(drop), free(root), free(dd), free(comp), free(app), free(exc), free(path), free(detail);
        if (bad)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "golden") == 0) {
        dw_format f;
        if (dw_format_from_name(argv[2], &f) != DW_OK)
            return 64;
        dw_alert a;
        golden_record(&a, argc >= 4 ? golden_variant(argv[3]) : 0);
        char *out = NULL;
        size_t len = 0;
        if (dw_alert_format_alloc(&a, f, &out, &len) != DW_OK)
            return 1;
        fwrite(out, 1, len, stdout);
        dw_free(out);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "nasty") == 0) {
        unsigned count = argc >= 3 ? (unsigned)strtoul(argv[2], NULL, 10) : 300;
        uint64_t seed = argc >= 4 ? strtoull(argv[3], NULL, 10) : 20261125;
        return nasty(count, seed);
    }
    fprintf(stderr, "usage: gen_alerts golden FORMAT [VARIANT] | nasty [COUNT [SEED]]\n");
    return 64;
}
