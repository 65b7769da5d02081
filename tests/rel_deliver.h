/* SPDX-License-Identifier: MIT */
/* Helpers shared by the crash and power-loss programs (tests/crash, tests/powerloss): one delivery of a
 * test message (rel_common.h's content scheme) in each of the library's four ways, and the set of every
 * message index seen (duplicate detection). Header-only, after dropwatch.h and rel_common.h. */
#ifndef DW_REL_DELIVER_H
#define DW_REL_DELIVER_H

#include <sys/mman.h>

/* ---- the set of message indexes seen (open addressing; index + 1 stored so 0 means empty) ------------ */
typedef struct {
    uint64_t *slot;
    size_t cap, count;
} rel_idxset;

/* 1 when idx was new, 0 when it was already in the set. */
static inline int rel_idx_insert(rel_idxset *s, uint64_t idx)
{
    if ((s->count + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 4096;
        uint64_t *n = calloc(ncap, sizeof *n);
        REL_CHECK(n != NULL, "out of memory");
        for (size_t i = 0; i < s->cap; i++)
            if (s->slot[i])
                for (size_t h = (size_t)(s->slot[i] * 0x9E3779B97F4A7C15ull) & (ncap - 1);; h = (h + 1) & (ncap - 1))
                    if (!n[h]) {
                        n[h] = s->slot[i];
                        break;
                    }
        free(s->slot);
        s->slot = n;
        s->cap = ncap;
    }
    for (size_t h = (size_t)((idx + 1) * 0x9E3779B97F4A7C15ull) & (s->cap - 1);; h = (h + 1) & (s->cap - 1)) {
        if (s->slot[h] == idx + 1)
            return 0;
        if (!s->slot[h]) {
            s->slot[h] = idx + 1;
            s->count++;
            return 1;
        }
    }
}

static inline void rel_idx_free(rel_idxset *s)
{
    free(s->slot);
    s->slot = NULL;
    s->cap = s->count = 0;
}

/* ---- one delivery --------------------------------------------------------------------------------------- */
enum { REL_ONESHOT = 0, REL_STREAMED = 1, REL_FROM_FD = 2, REL_BATCH = 3, REL_WAYS = 4 };

typedef struct {
    unsigned count;    /* messages this call delivers: 3 for a batch, else 1 */
    size_t published;  /* how many of them were published (a failed batch may have published a prefix) */
    size_t bound;      /* bytes the call may hold at once (to judge a quota refusal) */
    char names[3][DW_FILE_NAME_MAX];
} rel_delivery;

/*
 * Deliver message idx (a batch: idx, idx + 1, idx + 2) of stream `seed` in way `way`: dw_drop_write,
 * dw_msg_begin + three dw_msg_write + dw_msg_commit, dw_drop_write_fd from a memfd, or
 * dw_drop_write_batch with one barrier. `mo` applies to every message (a batch ignores expected_size).
 */
static inline dw_status rel_deliver(dw_drop *drop, unsigned way, uint64_t seed, uint64_t idx, size_t max_large,
                                    const dw_msg_options *mo, rel_delivery *out, dw_io_error *err)
{
    size_t len;
    char *msg = rel_msg(seed, idx, max_large, &len);
    dw_status st;
    out->count = 1;
    out->published = 0;
    out->bound = len;
    switch (way) {
    case REL_STREAMED: {
        dw_msg *m = NULL;
        st = dw_msg_begin(drop, &m, mo, err);
        size_t a = len / 3, b = 2 * len / 3;
        if (st == DW_OK)
            st = dw_msg_write(m, msg, a, err);
        if (st == DW_OK)
            st = dw_msg_write(m, msg + a, b - a, err);
        if (st == DW_OK)
            st = dw_msg_write(m, msg + b, len - b, err);
        if (st == DW_OK)
            st = dw_msg_commit(m, out->names[0], DW_FILE_NAME_MAX, NULL, err);
        else if (m)
            dw_msg_abort(m);
        break;
    }
    case REL_FROM_FD: {
        int fd = memfd_create("dw-rel", MFD_CLOEXEC);
        if (fd < 0 || write(fd, msg, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
            REL_FAIL("memfd: %s", strerror(errno));
        st = dw_drop_write_fd(drop, fd, mo, out->names[0], DW_FILE_NAME_MAX, NULL, err);
        close(fd);
        break;
    }
    case REL_BATCH: {
        out->count = 3;
        const void *bufs[3];
        size_t lens[3], done = 0;
        char *msgs[3] = {msg, NULL, NULL};
        lens[0] = len;
        for (unsigned j = 1; j < 3; j++) {
            msgs[j] = rel_msg(seed, idx + j, max_large, &lens[j]);
            out->bound += lens[j];
        }
        for (unsigned j = 0; j < 3; j++)
            bufs[j] = msgs[j];
        st = dw_drop_write_batch(drop, bufs, lens, 3, mo, &out->names[0][0], DW_FILE_NAME_MAX, &done, err);
        for (unsigned j = 1; j < 3; j++)
            free(msgs[j]);
        out->published = st == DW_OK ? 3 : done;
        free(msg);
        return st;
    }
    default:
        st = dw_drop_write(drop, msg, len, mo, out->names[0], DW_FILE_NAME_MAX, NULL, err);
    }
    free(msg);
    out->published = st == DW_OK;
    return st;
}

#endif /* DW_REL_DELIVER_H */
