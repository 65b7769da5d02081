/* SPDX-License-Identifier: MIT */
/*
 * The X-Sender / X-Receiver envelope Exchange writes at the top of a drop file:
 *
 *   X-sender: <sender@example.com> SIZE=1234\r\n
 *   X-Receiver: <rcpt@example.com> ORCPT=rfc822;rcpt@example.com\r\n
 *   X-EndOfInjectedXHeaders: 5678\r\n
 *
 * The angle brackets are literal: headers Exchange injected and that leaked into forwarded mail read
 * "X-sender: <a@b>" and "X-Receiver: <a@b> ORCPT=rfc822;a@b". Addresses may be given with or without one
 * enclosing pair. Every byte must be printable ASCII (0x20..0x7E), so no CR, LF, NUL, tab or 8-bit byte can
 * end a header early or start a new one: header injection is impossible by construction.
 */
#include <stdlib.h>
#include <string.h>

#include "dropwatch/envelope.h"
#include "envelope.h"
#include "internal.h"

typedef struct env_addr {
    char *address; /* without the enclosing brackets; "" only for the null sender "<>" */
    char *params;  /* trimmed; NULL when there are none */
} env_addr;

struct dw_envelope {
    int has_sender;
    env_addr sender;
    env_addr *rcpts;
    size_t n_rcpts;
    size_t cap_rcpts;
    dw_eoh_mode eoh_mode;
};

#define EOH_PREFIX "X-EndOfInjectedXHeaders: "

dw_status dw_envelope_new(dw_envelope **out)
{
    if (!out)
        return DW_E_INVAL;
    *out = calloc(1, sizeof **out);
    if (!*out)
        return DW_E_NOMEM;
    (*out)->eoh_mode = DW_EOH_MIME_LENGTH;
    return DW_OK;
}

static void addr_free(env_addr *a)
{
    free(a->address);
    free(a->params);
    a->address = NULL;
    a->params = NULL;
}

void dw_envelope_free(dw_envelope *env)
{
    if (!env)
        return;
    addr_free(&env->sender);
    for (size_t i = 0; i < env->n_rcpts; i++)
        addr_free(&env->rcpts[i]);
    free(env->rcpts);
    free(env);
}

static int printable(char c)
{
    return (unsigned char)c >= 0x20 && (unsigned char)c <= 0x7E;
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/*
 * Validate and copy an address and its parameters. Brackets: one enclosing pair is removed; any other
 * '<' or '>' is refused (it would end the address early for a reader). The empty address is allowed
 * only as the explicit null reverse-path "<>" of a sender (bounces use it).
 */
static dw_status make_addr(const char *address, const char *params, int is_sender, env_addr *out)
{
    if (!address)
        return DW_E_INVAL;
    size_t len = strlen(address);
    const char *a = address;
    int bracketed = len >= 2 && a[0] == '<' && a[len - 1] == '>';
    if (bracketed) {
        a++;
        len -= 2;
    }
    if (len == 0 && !(is_sender && bracketed))
        return DW_E_ENVELOPE;
    for (size_t i = 0; i < len; i++)
        if (!printable(a[i]) || a[i] == '<' || a[i] == '>')
            return DW_E_ENVELOPE;
    if (len && (a[0] == ' ' || a[len - 1] == ' '))
        return DW_E_ENVELOPE;

    const char *p = params ? params : "";
    size_t plen = strlen(p);
    for (size_t i = 0; i < plen; i++)
        if (!printable(p[i]))
            return DW_E_ENVELOPE;
    while (plen && *p == ' ') {
        p++;
        plen--;
    }
    while (plen && p[plen - 1] == ' ')
        plen--;

    env_addr r = {dup_n(a, len), plen ? dup_n(p, plen) : NULL};
    if (!r.address || (plen && !r.params)) {
        addr_free(&r);
        return DW_E_NOMEM;
    }
    *out = r;
    return DW_OK;
}

dw_status dw_envelope_set_sender(dw_envelope *env, const char *address, const char *params)
{
    if (!env)
        return DW_E_INVAL;
    env_addr a;
    dw_status st = make_addr(address, params, 1, &a);
    if (st != DW_OK)
        return st; /* the previous sender stays */
    addr_free(&env->sender);
    env->sender = a;
    env->has_sender = 1;
    return DW_OK;
}

dw_status dw_envelope_add_recipient(dw_envelope *env, const char *address, const char *params)
{
    if (!env)
        return DW_E_INVAL;
    env_addr a;
    dw_status st = make_addr(address, params, 0, &a);
    if (st != DW_OK)
        return st;
    if (env->n_rcpts == env->cap_rcpts) {
        size_t cap = env->cap_rcpts ? env->cap_rcpts * 2 : 4;
        env_addr *n = cap < SIZE_MAX / sizeof *n ? realloc(env->rcpts, cap * sizeof *n) : NULL;
        if (!n) {
            addr_free(&a);
            return DW_E_NOMEM;
        }
        env->rcpts = n;
        env->cap_rcpts = cap;
    }
    env->rcpts[env->n_rcpts++] = a;
    return DW_OK;
}

dw_status dw_envelope_set_eoh_mode(dw_envelope *env, dw_eoh_mode mode)
{
    if (!env || (mode != DW_EOH_MIME_LENGTH && mode != DW_EOH_HEADER_LENGTH))
        return DW_E_INVAL;
    env->eoh_mode = mode;
    return DW_OK;
}

dw_eoh_mode dwi_envelope_eoh_mode(const dw_envelope *env)
{
    return env ? env->eoh_mode : DW_EOH_MIME_LENGTH;
}

int dwi_envelope_complete(const dw_envelope *env)
{
    return env && env->has_sender && env->n_rcpts > 0;
}

static void out_line(dwi_out *o, const char *name, const env_addr *a)
{
    dwi_out_str(o, name);
    dwi_out_str(o, ": <");
    dwi_out_str(o, a->address);
    dwi_out_char(o, '>');
    if (a->params) {
        dwi_out_char(o, ' ');
        dwi_out_str(o, a->params);
    }
    dwi_out_str(o, "\r\n");
}

dw_status dw_envelope_format(const dw_envelope *env, uint64_t mime_length, char *buf, size_t size, size_t *needed)
{
    if (needed)
        *needed = 0;
    if (!env || (!buf && size))
        return DW_E_INVAL;
    if (!dwi_envelope_complete(env))
        return DW_E_ENVELOPE;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    /* Exchange's own spelling, lower-case s (gateways match case-insensitively; a byte-exact copy does not) */
    out_line(&o, "X-sender", &env->sender);
    for (size_t i = 0; i < env->n_rcpts; i++)
        out_line(&o, "X-Receiver", &env->rcpts[i]);

    uint64_t n = mime_length;
    if (env->eoh_mode == DW_EOH_HEADER_LENGTH) {
        /*
         * The injected headers including this last line, whose length depends on the digits of the
         * number itself: iterate to the fixed point n = before + len(prefix) + digits(n) + 2. It grows
         * monotonically and settles after at most two rounds.
         */
        uint64_t fixed = (uint64_t)o.len + (sizeof EOH_PREFIX - 1) + 2;
        size_t d = 1;
        for (;;) {
            n = fixed + d;
            size_t nd = dwi_decimal_digits(n);
            if (nd == d)
                break;
            d = nd;
        }
    }
    dwi_out_str(&o, EOH_PREFIX);
    dwi_out_u64(&o, n);
    dwi_out_str(&o, "\r\n");
    return dwi_out_finish(&o, needed);
}

/* ---- read access for the pickup side (lib/pickup.c) ---------------------------------------------------- */

const char *dwi_envelope_sender(const dw_envelope *env, const char **params)
{
    if (params)
        *params = env && env->has_sender ? env->sender.params : NULL;
    return env && env->has_sender ? env->sender.address : NULL;
}

size_t dwi_envelope_recipient_count(const dw_envelope *env)
{
    return env ? env->n_rcpts : 0;
}

const char *dwi_envelope_recipient(const dw_envelope *env, size_t i, const char **params)
{
    int ok = env && i < env->n_rcpts;
    if (params)
        *params = ok ? env->rcpts[i].params : NULL;
    return ok ? env->rcpts[i].address : NULL;
}

typedef struct format_args {
    const dw_envelope *env;
    uint64_t mime_length;
} format_args;

static dw_status fill_format(const void *args, char *buf, size_t size, size_t *needed)
{
    const format_args *a = args;
    return dw_envelope_format(a->env, a->mime_length, buf, size, needed);
}

dw_status dw_envelope_format_alloc(const dw_envelope *env, uint64_t mime_length, char **out, size_t *len)
{
    format_args a = {env, mime_length};
    return dwi_alloc_text(fill_format, &a, DW_OK, out, len);
}
