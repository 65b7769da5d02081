/* SPDX-License-Identifier: MIT */
/*
 * Suppression windows per (connector, event ID), as Exchange throttles its periodic events (see
 * dropwatch/throttle.h). A small array searched linearly: a server has a handful of connectors and five
 * event IDs, and the caller's monitor loop, not this object, bounds how many keys appear.
 */
#include "thread.h"
#include <stdlib.h>
#include <string.h>

#include "dropwatch/throttle.h"
#include "internal.h"

typedef struct key_state {
    char *connector;
    unsigned event_id;
    int64_t opened_ms, closes_ms;
    uint64_t suppressed;
} key_state;

struct dw_throttle {
    dwi_mutex mu;
    int64_t window_ms;
    key_state *keys;
    size_t n, cap;
};

dw_status dw_throttle_new(dw_throttle **out, unsigned window_seconds)
{
    if (!out)
        return DW_E_INVAL;
    *out = NULL;
    if (window_seconds > DW_THROTTLE_MAX_SECONDS)
        return DW_E_INVAL;
    dw_throttle *t = calloc(1, sizeof *t);
    if (!t)
        return DW_E_NOMEM;
    if (dwi_mutex_init(&t->mu) != 0) {
        free(t);
        return DW_E_NOMEM;
    }
    t->window_ms = (int64_t)window_seconds * 1000;
    *out = t;
    return DW_OK;
}

void dw_throttle_free(dw_throttle *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->keys[i].connector);
    free(t->keys);
    dwi_mutex_destroy(&t->mu);
    free(t);
}

unsigned dw_throttle_window_seconds(const dw_throttle *t)
{
    return t ? (unsigned)(t->window_ms / 1000) : 0;
}

static void window_clear(dw_throttle_window *w)
{
    memset(w, 0, sizeof *w);
}

/* Report a key's window: the name copied and cut at a UTF-8 character boundary if it is too long. */
static void window_fill(dw_throttle_window *w, const key_state *k)
{
    size_t n = strlen(k->connector);
    if (n >= sizeof w->connector) {
        n = sizeof w->connector - 1;
        while (n > 0 && ((unsigned char)k->connector[n] & 0xC0u) == 0x80u)
            n--;
    }
    memcpy(w->connector, k->connector, n);
    w->connector[n] = '\0';
    w->event_id = k->event_id;
    w->suppressed = k->suppressed;
    w->opened_ms = k->opened_ms;
    w->closed_ms = k->closes_ms;
}

static key_state *find_key(dw_throttle *t, const char *connector, unsigned event_id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->keys[i].event_id == event_id && strcmp(t->keys[i].connector, connector) == 0)
            return &t->keys[i];
    return NULL;
}

/* The end of a window opened at `at`, saturating instead of overflowing. */
static int64_t window_end(const dw_throttle *t, int64_t at)
{
    return at > INT64_MAX - t->window_ms ? INT64_MAX : at + t->window_ms;
}

dw_status dw_throttle_check(dw_throttle *t, const char *connector, unsigned event_id, int64_t now_ms,
                            dw_throttle_result *out)
{
    if (!out)
        return DW_E_INVAL;
    out->log = 1;
    window_clear(&out->closed);
    if (!t || event_id == 0)
        return DW_E_INVAL;
    if (!connector)
        connector = "";
    if (t->window_ms == 0)
        return DW_OK; /* no suppression */
    dwi_mutex_lock(&t->mu);
    dw_status st = DW_OK;
    key_state *k = find_key(t, connector, event_id);
    /* Inside the window; times up to one window before its start count as inside too (callers on several
     * threads pass slightly out-of-order times), while a clock stepped back further starts afresh. */
    if (k && now_ms < k->closes_ms &&
        now_ms >= (k->opened_ms < INT64_MIN + t->window_ms ? INT64_MIN : k->opened_ms - t->window_ms)) {
        k->suppressed++;
        out->log = 0;
    } else if (k) {
        /* The window is over (or the clock went back before it): it closes now, this one opens the next. */
        if (k->suppressed)
            window_fill(&out->closed, k);
        k->opened_ms = now_ms;
        k->closes_ms = window_end(t, now_ms);
        k->suppressed = 0;
    } else {
        char *name = malloc(strlen(connector) + 1);
        key_state *keys = t->keys;
        if (name && t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 8;
            keys = cap < SIZE_MAX / sizeof *keys ? realloc(t->keys, cap * sizeof *keys) : NULL;
            if (keys) {
                t->keys = keys;
                t->cap = cap;
            }
        }
        if (!name || !keys) {
            free(name);
            st = DW_E_NOMEM; /* out->log stays 1: better one alert too many than a lost one */
        } else {
            strcpy(name, connector);
            key_state *nk = &t->keys[t->n++];
            nk->connector = name;
            nk->event_id = event_id;
            nk->opened_ms = now_ms;
            nk->closes_ms = window_end(t, now_ms);
            nk->suppressed = 0;
        }
    }
    dwi_mutex_unlock(&t->mu);
    return st;
}

dw_status dw_throttle_next_expired(dw_throttle *t, int64_t now_ms, dw_throttle_window *out)
{
    if (!out)
        return DW_E_INVAL;
    window_clear(out);
    if (!t)
        return DW_E_INVAL;
    dwi_mutex_lock(&t->mu);
    size_t i = 0;
    while (i < t->n) {
        key_state *k = &t->keys[i];
        if (k->closes_ms > now_ms) {
            i++;
            continue;
        }
        int report = k->suppressed > 0;
        if (report)
            window_fill(out, k);
        free(k->connector);
        t->keys[i] = t->keys[--t->n]; /* order does not matter */
        if (report)
            break;
    }
    dwi_mutex_unlock(&t->mu);
    return DW_OK;
}
