/* SPDX-License-Identifier: MIT */
/*
 * Reading the envelope Exchange (or dw_msg_begin()) puts at the top of a drop file:
 *
 *   X-sender: <a@example.com> SIZE=12\r\n
 *   X-Receiver: <b@example.com> ORCPT=rfc822;b@example.com\r\n      (one per pending recipient)
 *   X-EndOfInjectedXHeaders: 5678\r\n                               (length of the MIME part that follows)
 *
 * The parser is strict about structure (sender first and once, at least one receiver, nothing else before
 * the end line, a plain decimal number) because a file that fails here is quarantined rather than handed
 * on with a guessed envelope. It never reads past `len`: a buffer ending inside the envelope is PARTIAL.
 */
#include <stdlib.h>
#include <string.h>

#include "envelope.h"

#define H_SENDER "x-sender"
#define H_RECEIVER "x-receiver"
#define H_EOH "x-endofinjectedxheaders"

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* 1 when s[0..n) equals the lower-case name, ignoring case. */
static int name_is(const char *s, size_t n, const char *name)
{
    if (strlen(name) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)s[i]) != name[i])
            return 0;
    return 1;
}

/* Whether buf[0..len) can still become "X-Sender:" (case-insensitive): 1 yes, 0 no. */
static int could_be_sender(const char *buf, size_t len)
{
    static const char want[] = H_SENDER ":";
    for (size_t i = 0; i < len && i < sizeof want - 1; i++)
        if (lower((unsigned char)buf[i]) != want[i])
            return 0;
    return 1;
}

static dwi_env_state malformed(dwi_env_parse *res, const char *problem)
{
    res->state = DWI_ENV_MALFORMED;
    res->problem = problem;
    return DWI_ENV_MALFORMED;
}

/* Add one address line's value ("<addr> params" or "addr params") to env. */
static dw_status add_addr(dw_envelope *env, const char *v, size_t n, int sender, int *bad)
{
    while (n && v[0] == ' ') {
        v++;
        n--;
    }
    size_t alen;
    if (n && v[0] == '<') {
        const char *gt = memchr(v, '>', n);
        if (!gt) {
            *bad = 1;
            return DW_OK;
        }
        alen = (size_t)(gt - v) + 1;
    } else {
        const char *sp = memchr(v, ' ', n);
        alen = sp ? (size_t)(sp - v) : n;
    }
    char *addr = malloc(alen + 1), *params = malloc(n - alen + 1);
    if (!addr || !params) {
        free(addr);
        free(params);
        return DW_E_NOMEM;
    }
    memcpy(addr, v, alen);
    addr[alen] = '\0';
    memcpy(params, v + alen, n - alen);
    params[n - alen] = '\0';
    dw_status st = sender ? dw_envelope_set_sender(env, addr, params) : dw_envelope_add_recipient(env, addr, params);
    free(addr);
    free(params);
    if (st == DW_E_ENVELOPE || st == DW_E_INVAL) {
        *bad = 1;
        st = DW_OK;
    }
    return st;
}

dw_status dwi_envelope_parse(const char *buf, size_t len, dw_envelope **env_out, dwi_env_parse *res)
{
    memset(res, 0, sizeof *res);
    if (env_out)
        *env_out = NULL;
    if (!could_be_sender(buf, len)) {
        res->state = DWI_ENV_NONE;
        return DW_OK;
    }
    dw_envelope *env = NULL;
    dw_status st = dw_envelope_new(&env);
    if (st != DW_OK)
        return st;
    int have_sender = 0;
    size_t receivers = 0, at = 0;
    res->state = DWI_ENV_PARTIAL;
    while (res->state == DWI_ENV_PARTIAL) {
        if (at >= DWI_ENVELOPE_MAX) {
            malformed(res, "the envelope is longer than 1 MiB without X-EndOfInjectedXHeaders");
            break;
        }
        const char *nl = memchr(buf + at, '\n', len - at);
        if (!nl)
            break; /* still PARTIAL */
        size_t end = (size_t)(nl - buf), n = end - at;
        const char *line = buf + at;
        if (n && line[n - 1] == '\r')
            n--;
        at = end + 1;
        const char *colon = memchr(line, ':', n);
        if (!colon) {
            malformed(res, "a line without a header name inside the envelope");
            break;
        }
        size_t nlen = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vlen = n - nlen - 1;
        for (size_t i = 0; i < vlen; i++)
            if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7E) {
                malformed(res, "a control or non-ASCII byte inside the envelope");
                break;
            }
        if (res->state != DWI_ENV_PARTIAL)
            break;
        int bad = 0;
        if (name_is(line, nlen, H_SENDER)) {
            if (have_sender) {
                malformed(res, "more than one X-Sender line");
                break;
            }
            st = add_addr(env, v, vlen, 1, &bad);
            have_sender = 1;
        } else if (name_is(line, nlen, H_RECEIVER)) {
            st = add_addr(env, v, vlen, 0, &bad);
            receivers++;
        } else if (name_is(line, nlen, H_EOH)) {
            while (vlen && *v == ' ') {
                v++;
                vlen--;
            }
            while (vlen && v[vlen - 1] == ' ')
                vlen--;
            uint64_t num = 0;
            int ok = vlen > 0 && vlen <= 20;
            for (size_t i = 0; ok && i < vlen; i++) {
                unsigned d = (unsigned)(v[i] - '0');
                if (d > 9 || num > (UINT64_MAX - d) / 10)
                    ok = 0;
                else
                    num = num * 10 + d;
            }
            if (!ok) {
                malformed(res, "X-EndOfInjectedXHeaders does not hold a decimal length");
                break;
            }
            if (!receivers) {
                malformed(res, "no X-Receiver line before X-EndOfInjectedXHeaders");
                break;
            }
            res->state = DWI_ENV_OK;
            res->header_len = at;
            res->eoh_value = num;
        } else {
            malformed(res, "an unexpected header before X-EndOfInjectedXHeaders");
            break;
        }
        if (st != DW_OK) {
            dw_envelope_free(env);
            memset(res, 0, sizeof *res);
            return st;
        }
        if (bad)
            malformed(res, "an invalid address in the envelope");
    }
    if (res->state == DWI_ENV_OK && env_out)
        *env_out = env;
    else
        dw_envelope_free(env);
    return DW_OK;
}
