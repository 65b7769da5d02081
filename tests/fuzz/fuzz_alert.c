/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: Event 8004 alert formatting (dw_alert_format, dw_alert_format_alloc) in every format.
 * Input: a 33-byte header (numbers and flags, zero-padded when short), then the string fields separated
 * by NUL bytes: connector, drop_path, root, drop_dir, computer, exception_text, app_name, error.path,
 * error.detail.
 * Properties: every output is NUL-free valid UTF-8 ending in '\n', bounded in size, identical through
 * the caller-buffer and allocating entry points, and deterministic for a fixed time; XML parses with
 * libxml2 and carries the event ID and Exchange's positional insertion strings first (connector and drop path
 * verbatim when representable); JSON is one line and one object that a strict validator accepts; syslog is one
 * RFC 5424 line whose PRI encodes the requested facility and whose header and structured data are well
 * formed; in text, field contents cannot add lines.
 */
#ifdef HAVE_CONFIG_H
#include <config.h> /* feature macros before any system header */
#endif
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "dropwatch.h"
#include "fuzz_common.h"
#include "json_check.h"

#define HEADER 33
#define NFIELDS 9
/* Generous bound on a record: every string field is capped at DW_ALERT_FIELD_MAX bytes, and escaping
 * grows a byte at most to "\u00XX" (6 bytes) or "&#xFFFD;"-like forms. */
#define OUTPUT_BOUND ((size_t)NFIELDS * DW_ALERT_FIELD_MAX * 8 + 65536)

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void xml_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* A field whose characters XML 1.0 can carry verbatim (so Data must equal it exactly). */
static int xml_plain(const char *s)
{
    size_t len = strlen(s);
    if (len >= DW_ALERT_FIELD_MAX)
        return 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = fuzz_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (!n || cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF)
            return 0;
        i += n;
    }
    return 1;
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return c;
    return NULL;
}

static void check_xml(const char *out, size_t len, const dw_alert *a, unsigned event_id)
{
    xmlDoc *doc = xmlReadMemory(out, (int)len, "alert.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FUZZ_CHECK(doc != NULL, "XML output does not parse:\n%s", out);
    xmlNode *root = xmlDocGetRootElement(doc);
    FUZZ_CHECK(root && strcmp((const char *)root->name, "Event") == 0, "root element is not Event:\n%s", out);
    xmlNode *id = child(child(root, "System"), "EventID");
    FUZZ_CHECK(id != NULL, "no System/EventID:\n%s", out);
    xmlChar *idtext = xmlNodeGetContent(id);
    char want[16];
    snprintf(want, sizeof want, "%u", event_id);
    FUZZ_CHECK(idtext && strcmp((const char *)idtext, want) == 0, "EventID '%s', expected %s", (const char *)idtext, want);
    xmlFree(idtext);

    /* Exchange's insertion strings come first, unnamed and in order: %1 connector; %2 the drop path
     * (8005 carries the quota there instead); %3 the exception text, which only 8004 has. */
    xmlNode *data = child(child(root, "EventData"), "Data");
    const char *expect[3] = {a->connector, event_id == 8005 ? NULL : a->drop_path, NULL};
    int positional = event_id == 8004 ? 3 : 2;
    for (int i = 0; i < positional; i++) {
        FUZZ_CHECK(data != NULL && strcmp((const char *)data->name, "Data") == 0, "event %u has fewer than %d Data items:\n%s",
                   event_id, positional, out);
        FUZZ_CHECK(!xmlHasProp(data, (const xmlChar *)"Name"), "Data item %d is named (must be positional):\n%s", i + 1, out);
        if (expect[i] && xml_plain(expect[i])) {
            xmlChar *t = xmlNodeGetContent(data);
            FUZZ_CHECK(t && strcmp((const char *)t, expect[i]) == 0, "Data %d is '%s', expected '%s'", i + 1,
                       (const char *)t, expect[i]);
            xmlFree(t);
        }
        do
            data = data->next;
        while (data && data->type != XML_ELEMENT_NODE);
    }
    xmlFreeDoc(doc);
}

static int digits_at(const char **p, int n, int lo, int hi)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return 0;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v >= lo && v <= hi;
}

/* RFC 5424 TIMESTAMP: NILVALUE or FULL-DATE "T" FULL-TIME. */
static int syslog_timestamp(const char **p)
{
    if (**p == '-') {
        (*p)++;
        return 1;
    }
    if (!digits_at(p, 4, 0, 9999) || *(*p)++ != '-' || !digits_at(p, 2, 1, 12) || *(*p)++ != '-' ||
        !digits_at(p, 2, 1, 31) || *(*p)++ != 'T' || !digits_at(p, 2, 0, 23) || *(*p)++ != ':' ||
        !digits_at(p, 2, 0, 59) || *(*p)++ != ':' || !digits_at(p, 2, 0, 60))
        return 0;
    if (**p == '.') {
        (*p)++;
        int n = 0;
        while (**p >= '0' && **p <= '9' && n < 7) {
            (*p)++;
            n++;
        }
        if (n < 1 || n > 6)
            return 0;
    }
    if (**p == 'Z') {
        (*p)++;
        return 1;
    }
    if (**p != '+' && **p != '-')
        return 0;
    (*p)++;
    return digits_at(p, 2, 0, 23) && *(*p)++ == ':' && digits_at(p, 2, 0, 59);
}

/* 1..max PRINTUSASCII (33..126), or "-" */
static int syslog_token(const char **p, int max)
{
    int n = 0;
    while (**p >= 33 && **p <= 126) {
        (*p)++;
        n++;
    }
    return n >= 1 && n <= max;
}

static int sd_name(const char **p)
{
    int n = 0;
    while (**p >= 33 && **p <= 126 && **p != '=' && **p != ']' && **p != '"') {
        (*p)++;
        n++;
    }
    return n >= 1 && n <= 32;
}

static int syslog_sd(const char **p)
{
    if (**p == '-') {
        (*p)++;
        return 1;
    }
    if (**p != '[')
        return 0;
    while (**p == '[') {
        (*p)++;
        if (!sd_name(p))
            return 0;
        while (**p == ' ') {
            (*p)++;
            if (!sd_name(p) || *(*p)++ != '=' || *(*p)++ != '"')
                return 0;
            for (;;) {
                char c = **p;
                if (c == '\0' || c == '\n' || c == ']')
                    return 0; /* unterminated, or an unescaped ']' */
                if (c == '"')
                    break;
                if (c == '\\') {
                    /* RFC 5424 6.3.3: '\' before '"', '\' or ']' escapes it; before anything else it is
                     * an ordinary backslash. */
                    char e = (*p)[1];
                    (*p) += (e == '"' || e == '\\' || e == ']') ? 2 : 1;
                    continue;
                }
                (*p)++;
            }
            (*p)++; /* closing quote */
        }
        if (*(*p)++ != ']')
            return 0;
    }
    return 1;
}

static void check_syslog(const char *out, size_t len, int facility)
{
    FUZZ_CHECK(memchr(out, '\n', len - 1) == NULL && memchr(out, '\r', len) == NULL, "syslog record is not one line:\n%s", out);
    const char *p = out;
    FUZZ_CHECK(*p++ == '<', "no PRI:\n%s", out);
    int pri = 0, nd = 0;
    const char *d0 = p;
    while (*p >= '0' && *p <= '9' && nd < 4) {
        pri = pri * 10 + (*p++ - '0');
        nd++;
    }
    FUZZ_CHECK(nd >= 1 && nd <= 3 && !(nd > 1 && *d0 == '0') && *p++ == '>' && pri <= 191, "bad PRI:\n%s", out);
    FUZZ_CHECK(pri / 8 == facility, "PRI %d does not encode facility %d", pri, facility);
    FUZZ_CHECK(p[0] == '1' && p[1] == ' ', "VERSION is not 1:\n%s", out);
    p += 2;
    FUZZ_CHECK(syslog_timestamp(&p) && *p++ == ' ', "bad TIMESTAMP:\n%s", out);
    FUZZ_CHECK(syslog_token(&p, 255) && *p++ == ' ', "bad HOSTNAME:\n%s", out);
    FUZZ_CHECK(syslog_token(&p, 48) && *p++ == ' ', "bad APP-NAME:\n%s", out);
    FUZZ_CHECK(syslog_token(&p, 128) && *p++ == ' ', "bad PROCID:\n%s", out);
    FUZZ_CHECK(syslog_token(&p, 32) && *p++ == ' ', "bad MSGID:\n%s", out);
    FUZZ_CHECK(syslog_sd(&p), "bad STRUCTURED-DATA at offset %zu:\n%s", (size_t)(p - out), out);
    FUZZ_CHECK(*p == '\n' || *p == ' ', "junk after STRUCTURED-DATA:\n%s", out);
}

static size_t count_lines(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s[i] == '\n';
    return n;
}

static void json_self_test(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    static const char *const good[] = {"{}", "[]", "0", "-0.5e+3", "\"a\\u00e9\\ud83d\\udce7\"", "{\"a\":[1,true,null,{}]}",
                                       " {\"a\" : \"\xc3\xa9\"} "};
    static const char *const bad[] = {"", "{", "{\"a\":1,}", "[1,]", "01", "1.", "\"\x01\"", "\"\\x\"", "\"\\ud800\"",
                                      "{\"a\":1,\"a\":2}", "\"\xc0\xaf\"", "{} {}", "tru", "{'a':1}", "\"\\udc00\""};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        FUZZ_CHECK(json_check(good[i], strlen(good[i]), NULL, NULL), "validator rejects valid JSON %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        FUZZ_CHECK(!json_check(bad[i], strlen(bad[i]), NULL, NULL), "validator accepts invalid JSON %s", bad[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        init = 1;
        xmlSetGenericErrorFunc(NULL, xml_silent);
        json_self_test();
    }
    uint8_t h[HEADER] = {0};
    memcpy(h, data, size < HEADER ? size : HEADER);
    char *fields[NFIELDS] = {0};
    const uint8_t *p = data + (size < HEADER ? size : HEADER), *end = data + size;
    for (int i = 0; i < NFIELDS && p <= end; i++) {
        const uint8_t *nul = memchr(p, '\0', (size_t)(end - p));
        size_t n = nul ? (size_t)(nul - p) : (size_t)(end - p);
        fields[i] = malloc(n + 1);
        FUZZ_CHECK(fields[i] != NULL, "out of memory");
        memcpy(fields[i], p, n);
        fields[i][n] = '\0';
        p = nul ? nul + 1 : end + 1;
    }

    dw_alert a;
    dw_alert_init(&a);
    a.connector = fields[0];
    a.drop_path = fields[1];
    a.root = fields[2];
    a.drop_dir = fields[3];
    a.computer = fields[4];
    a.exception_text = (h[0] & 8) ? NULL : fields[5];
    a.app_name = fields[6];
    a.error.io_class = (dw_class)(h[2] % 10);
    a.error.op = (dw_op)(h[3] % 20);
    a.error.sys_errno = (int)(int32_t)get_le(h + 4, 4);
    a.error.win32 = (uint32_t)get_le(h + 8, 4);
    a.error.retryable = h[12] & 1;
    a.error.attempts = (unsigned)get_le(h + 13, 4);
    if (fields[7])
        snprintf(a.error.path, sizeof a.error.path, "%s", fields[7]);
    if (fields[8])
        snprintf(a.error.detail, sizeof a.error.detail, "%s", fields[8]);
    a.time_ms = (h[0] & 4) ? -1 : (int64_t)get_le(h + 17, 8);
    a.record_id = get_le(h + 25, 8);
    a.has_record_id = h[0] & 1;
    a.event_mode = (h[0] & 2) ? DW_EVENT_AUTO : DW_EVENT_8004;
    a.syslog_facility = h[1] % 32;
    int fixed_time = a.time_ms >= 0;

    unsigned event_id = dw_alert_event_id(&a);
    FUZZ_CHECK(event_id == 8004 || event_id == 8005 || event_id == 8007 || event_id == 8008 || event_id == 8009,
               "event id %u", event_id);
    FUZZ_CHECK(dw_event_name(event_id) != NULL, "event %u has no name", event_id);
    if (a.event_mode == DW_EVENT_8004)
        FUZZ_CHECK(event_id == 8004, "DW_EVENT_8004 mode gave %u", event_id);

    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        char *out = NULL;
        size_t len = 0;
        dw_status st = dw_alert_format_alloc(&a, (dw_format)f, &out, &len);
        if (a.syslog_facility > 23 && f == DW_FORMAT_SYSLOG) {
            FUZZ_CHECK(st == DW_E_INVAL, "facility %d accepted for syslog", a.syslog_facility);
            continue;
        }
        if (a.syslog_facility > 23 && st == DW_E_INVAL)
            continue; /* facility may be validated for every format */
        FUZZ_CHECK(st == DW_OK && out != NULL, "format %d failed with %d", f, (int)st);
        FUZZ_CHECK(len > 0 && strlen(out) == len, "format %d: length %zu, strlen %zu", f, len, strlen(out));
        FUZZ_CHECK(out[len - 1] == '\n', "format %d output does not end with a newline", f);
        FUZZ_CHECK(fuzz_utf8_valid(out, len), "format %d output is not valid UTF-8", f);
        FUZZ_CHECK(len <= OUTPUT_BOUND, "format %d output of %zu bytes", f, len);

        /* The caller-buffer entry point agrees byte for byte, and reports the size when short. */
        size_t needed = 0;
        FUZZ_CHECK(dw_alert_format(&a, (dw_format)f, NULL, 0, &needed) == DW_E_BUFFER, "size probe did not give DW_E_BUFFER");
        if (fixed_time) {
            FUZZ_CHECK(needed == len + 1, "format %d: needed %zu, alloc length %zu", f, needed, len);
            char *buf = malloc(len + 1);
            FUZZ_CHECK(buf != NULL, "out of memory");
            FUZZ_CHECK(dw_alert_format(&a, (dw_format)f, buf, len + 1, NULL) == DW_OK && memcmp(buf, out, len + 1) == 0,
                       "format %d: buffer and alloc outputs differ", f);
            FUZZ_CHECK(dw_alert_format(&a, (dw_format)f, buf, len, &needed) == DW_E_BUFFER && needed == len + 1 &&
                           buf[len - 1] == '\0',
                       "format %d: short buffer not reported or not terminated", f);
            free(buf);
        }

        switch (f) {
        case DW_FORMAT_XML:
            check_xml(out, len, &a, event_id);
            break;
        case DW_FORMAT_JSON: {
            size_t at = 0;
            const char *why = NULL;
            FUZZ_CHECK(memchr(out, '\n', len - 1) == NULL, "JSON record spans lines:\n%s", out);
            FUZZ_CHECK(json_check(out, len, &at, &why), "JSON invalid at %zu (%s):\n%s", at, why, out);
            FUZZ_CHECK(out[0] == '{', "JSON record is not an object:\n%s", out);
            break;
        }
        case DW_FORMAT_SYSLOG:
            check_syslog(out, len, a.syslog_facility);
            break;
        default: {
            for (size_t i = 0; i < len; i++)
                FUZZ_CHECK((unsigned char)out[i] >= 0x20 || out[i] == '\n' || out[i] == '\t',
                           "text record has control byte 0x%02x at %zu", (unsigned char)out[i], i);
            /* Field contents cannot add or remove lines: compare with plain "x" in every non-empty field. */
            int plain = 1;
            for (int i = 0; i < NFIELDS; i++)
                if (fields[i] && (!fuzz_utf8_valid(fields[i], strlen(fields[i])) || strlen(fields[i]) >= 200))
                    plain = 0;
            if (plain) {
                dw_alert b = a;
                const char **sp[] = {&b.connector, &b.drop_path, &b.root, &b.drop_dir, &b.computer, &b.exception_text, &b.app_name};
                for (size_t i = 0; i < sizeof sp / sizeof *sp; i++)
                    if (*sp[i] && **sp[i])
                        *sp[i] = "x";
                if (b.error.path[0])
                    strcpy(b.error.path, "x");
                if (b.error.detail[0])
                    strcpy(b.error.detail, "x");
                char *ref = NULL;
                size_t rlen = 0;
                FUZZ_CHECK(dw_alert_format_alloc(&b, DW_FORMAT_TEXT, &ref, &rlen) == DW_OK, "reference text failed");
                FUZZ_CHECK(count_lines(out, len) == count_lines(ref, rlen), "field contents changed the line count:\n%s\nvs\n%s",
                           out, ref);
                dw_free(ref);
            }
            break;
        }
        }

        if (fixed_time) {
            char *again = NULL;
            size_t alen = 0;
            FUZZ_CHECK(dw_alert_format_alloc(&a, (dw_format)f, &again, &alen) == DW_OK && alen == len &&
                           memcmp(again, out, len) == 0,
                       "format %d is not deterministic", f);
            dw_free(again);
        }
        dw_free(out);
    }
    FUZZ_CHECK(dw_alert_format(NULL, DW_FORMAT_TEXT, NULL, 0, NULL) == DW_E_INVAL, "NULL alert accepted");
    FUZZ_CHECK(dw_alert_format_alloc(&a, (dw_format)DW_FORMAT_COUNT, &(char *){NULL}, NULL) == DW_E_INVAL, "unknown format accepted");

    for (int i = 0; i < NFIELDS; i++)
        free(fields[i]);
    return 0;
}
