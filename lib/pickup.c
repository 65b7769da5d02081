/* SPDX-License-Identifier: MIT */
/* The gateway's side of a drop directory: list, claim, read, acknowledge or release (see
 * dropwatch/pickup.h and doc/pickup.md). Every OS call goes through the dwi_ops seam of the dw_drop handle
 * underneath, which also carries the quota ledger so that taking a file out keeps it right.
 *
 * Claim protocol. A ready "X.eml" is renamed (no-replace) into ".dwpickup/claimed/" as
 * "X.eml~<host>~<pid>~<unix seconds>~<random>": the rename is atomic, so of several pickers exactly one
 * succeeds and the others see ENOENT. Exchange counts only top-level files, so the claim also frees the
 * quota; the ledger is updated in the same locked step. A claim is expired when its owner ran on this
 * host and its pid is gone, or when it is older than claim_ttl_seconds; the next picker takes it over
 * with one more rename inside the claimed folder (again exactly one winner) and marks it redelivered.
 * Acknowledging unlinks (or moves to the archive) and fsyncs the folder. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "guard_internal.h"
#include "internal.h"
#include "pickup_internal.h"
#include "quota.h"

/* First read of a file: an envelope is normally a few hundred bytes. */
#define HEAD_FIRST 4096u
/* Longest wait between rescans while files are settling or others hold claims. */
#define RECHECK_MS 250u
#define HOST_MAX 63

typedef struct entry {
    char *name;
    int64_t mtime_ns;
    uint64_t size;
} entry;

struct dw_pickup {
    dw_drop *drop;           /* directory handle, ops, path, retries, quota ledger */
    const dwi_ops *ops;
    void *ctx;
    int dirfd;               /* drop->dirfd (not owned) */
    int workfd, claimfd, quarfd, archfd;
    dw_pickup_options opts;
    char *archive_dir;
    char host[HOST_MAX + 1];
    uint64_t salt, seq;
    int watch;               /* change notification handle, -1 without */
    entry *ready;            /* candidates of the last listing, oldest first */
    size_t n_ready, cap_ready, next_ready;
    char **expired;          /* expired claim names found by the last listing */
    size_t n_expired, cap_expired, next_expired;
    dw_pickup_quarantine *quar;
    size_t n_quar, cap_quar;
    uint64_t pending;        /* not-ready files and foreign claims seen by the last listing */
};

struct dw_pickup_msg {
    dw_pickup *p;
    int fd;
    char name[DW_PICKUP_NAME_MAX];   /* original name */
    char claim[DW_PICKUP_NAME_MAX];  /* name inside claimed/ */
    dw_envelope *env;
    dw_pickup_info info;
    uint64_t pos;                    /* MIME bytes read so far */
};

/* Verdict on one file. */
typedef enum verdict { V_GONE, V_NOT_READY, V_READY, V_QUARANTINE } verdict;

typedef struct exam {
    verdict v;
    dw_pickup_reason reason;
    dw_envelope *env;        /* V_READY with an envelope */
    dw_pickup_info info;
    uint64_t mime_expected;
    uint64_t dev, ino;       /* identity of the examined file */
    const char *problem;
} exam;

/* ---- small helpers ------------------------------------------------------------------------------------ */

void dw_pickup_options_init(dw_pickup_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->version = DW_PICKUP_OPTIONS_VERSION;
    opts->settle_ms = DW_PICKUP_SETTLE_DEFAULT_MS;
    opts->incomplete_after_seconds = DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS;
    opts->claim_ttl_seconds = DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS;
    opts->ack_mode = DW_PICKUP_DELETE;
    opts->durable = 1;
}

const char *dw_pickup_reason_name(dw_pickup_reason r)
{
    static const char *const names[] = {"incomplete", "truncated", "malformed", "oversize", "no-envelope"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : NULL;
}

static int64_t now_ns(const dw_pickup *p)
{
    int64_t s = 0, ns = 0;
    if (p->ops->now(p->ctx, &s, &ns) < 0)
        return 0;
    return s * 1000000000 + ns;
}

static int is_message_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 5 || name[0] == '.')
        return 0;
    const char *e = name + n - 4;
    return e[0] == '.' && (e[1] | 32) == 'e' && (e[2] | 32) == 'm' && (e[3] | 32) == 'l';
}

static void out_hex8(dwi_out *o, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--)
        dwi_out_char(o, hex[(v >> (4 * i)) & 15]);
}

static uint64_t next_random(dw_pickup *p)
{
    uint64_t x = p->salt + 0x9E3779B97F4A7C15ull * ++p->seq;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* "<base>~<host>~<pid>~<sec>~<hex>" (claims) or "<base>~<sec>~<hex>" (host NULL: unique names for the
 * archive and the quarantine when the plain name is taken). */
static void make_tagged(dw_pickup *p, const char *base, const char *host, char *out)
{
    dwi_out o;
    dwi_out_init(&o, out, DW_PICKUP_NAME_MAX);
    dwi_out_str(&o, base);
    dwi_out_char(&o, DWI_CLAIM_SEP);
    if (host) {
        dwi_out_str(&o, host);
        dwi_out_char(&o, DWI_CLAIM_SEP);
        dwi_out_u64(&o, (unsigned long long)p->ops->pid(p->ctx));
        dwi_out_char(&o, DWI_CLAIM_SEP);
    }
    int64_t ns = now_ns(p);
    dwi_out_u64(&o, (unsigned long long)(ns > 0 ? ns / 1000000000 : 0));
    dwi_out_char(&o, DWI_CLAIM_SEP);
    out_hex8(&o, next_random(p));
    (void)dwi_out_finish(&o, NULL);
}

int dwi_claim_parse(const char *claim, char *orig, char *host, size_t host_size, long *pid, int64_t *sec)
{
    const char *sep[4];
    size_t n = strlen(claim), k = 0;
    for (size_t i = n; i > 0 && k < 4; i--)
        if (claim[i - 1] == DWI_CLAIM_SEP)
            sep[k++] = claim + i - 1;
    if (k < 4)
        return 0;
    /* sep[3] < sep[2] < sep[1] < sep[0]: orig ~ host ~ pid ~ sec ~ hex */
    size_t olen = (size_t)(sep[3] - claim), hlen = (size_t)(sep[2] - sep[3] - 1);
    if (olen == 0 || olen >= DW_PICKUP_NAME_MAX || hlen == 0 || hlen >= host_size)
        return 0;
    long long v[2];
    const char *from[2] = {sep[2] + 1, sep[1] + 1}, *to[2] = {sep[1], sep[0]};
    for (int j = 0; j < 2; j++) {
        if (from[j] == to[j] || to[j] - from[j] > 18)
            return 0;
        v[j] = 0;
        for (const char *c = from[j]; c < to[j]; c++) {
            if (*c < '0' || *c > '9')
                return 0;
            v[j] = v[j] * 10 + (*c - '0');
        }
    }
    memcpy(orig, claim, olen);
    orig[olen] = '\0';
    memcpy(host, sep[3] + 1, hlen);
    host[hlen] = '\0';
    *pid = (long)v[0];
    *sec = (int64_t)v[1];
    return 1;
}

/* The failure codes of the seam carry a native code on Windows: compare by their portable errno. */
static int is_err(int64_t rc, int e)
{
    return rc < 0 && dwi_err_errno((int)rc) == e;
}

static dw_status fail(dw_pickup *p, dw_io_error *err, dw_op op, int rc, const char *name)
{
    return dwi_fail(p->drop, err, op, rc, name, 1);
}

/* ---- open / close ------------------------------------------------------------------------------------- */

static int open_or_make(dw_pickup *p, int dirfd, const char *name)
{
    if (!p->ops->open_subdir || !p->ops->mkdir_at)
        return -ENOSYS;
    int fd = p->ops->open_subdir(p->ctx, dirfd, name);
    if (is_err(fd, ENOENT)) {
        int rc = p->ops->mkdir_at(p->ctx, dirfd, name, 0750);
        if (rc < 0 && !is_err(rc, EEXIST))
            return rc;
        fd = p->ops->open_subdir(p->ctx, dirfd, name);
    }
    return fd;
}

/* The quota ledger is kept when a writer created one (the picker has no quota of its own to enforce: it
 * only ever removes files, so it never reserves). */
static dw_status attach_ledger(dw_pickup *p, dw_io_error *err)
{
    dw_drop *d = p->drop;
    if (d->quota)
        return DW_OK;
    dwi_stat st;
    if (p->ops->stat(p->ctx, p->dirfd, DWI_LEDGER_NAME, &st) < 0 || !st.is_reg)
        return DW_OK;
    d->opts.quota_bytes = UINT64_MAX;
    dw_status s = dwi_quota_open(d, err);
    if (s != DW_OK)
        d->opts.quota_bytes = 0;
    return s;
}

static void sanitize_host(dw_pickup *p)
{
    char buf[256] = "";
    if (p->ops->hostname(p->ctx, buf, sizeof buf) < 0 || !buf[0])
        memcpy(buf, "localhost", sizeof "localhost");
    size_t n = 0;
    for (; buf[n] && buf[n] != '.' && n < HOST_MAX; n++) {
        char c = buf[n];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        p->host[n] = ok ? c : '_';
    }
    p->host[n] = '\0';
    if (!n)
        memcpy(p->host, "localhost", sizeof "localhost");
}

const char *dwi_pickup_host(const dw_pickup *p)
{
    return p->host;
}

static int valid_archive_dir(const char *a)
{
    size_t n = strlen(a);
    if (!n || n >= 128 || a[0] == '/' || a[0] == '\\' || strchr(a, '\\'))
        return 0;
    /* at most two components, none "." or "..", none empty */
    const char *slash = strchr(a, '/');
    if (slash && strchr(slash + 1, '/'))
        return 0;
    const char *parts[2] = {a, slash ? slash + 1 : NULL};
    size_t lens[2] = {slash ? (size_t)(slash - a) : n, slash ? n - (size_t)(slash - a) - 1 : 0};
    for (int i = 0; i < 2 && parts[i]; i++)
        if (!lens[i] || (lens[i] == 1 && parts[i][0] == '.') || (lens[i] == 2 && !strncmp(parts[i], "..", 2)))
            return 0;
    return 1;
}

static int open_archive(dw_pickup *p)
{
    const char *a = p->archive_dir;
    const char *slash = strchr(a, '/');
    if (!slash)
        return open_or_make(p, p->dirfd, a);
    char first[128];
    memcpy(first, a, (size_t)(slash - a));
    first[slash - a] = '\0';
    int top = open_or_make(p, p->dirfd, first);
    if (top < 0)
        return top;
    int fd = open_or_make(p, top, slash + 1);
    p->ops->close(p->ctx, top);
    return fd;
}

dw_status dwi_pickup_open_ops(dw_pickup **out, const char *path, const dw_pickup_options *opts, const dwi_ops *ops,
                              void *ctx, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (out)
        *out = NULL;
    dw_pickup_options defaults;
    if (!opts) {
        dw_pickup_options_init(&defaults);
        opts = &defaults;
    }
    if (!out || !path || !ops || opts->version == 0 || opts->version > DW_PICKUP_OPTIONS_VERSION ||
        (unsigned)opts->ack_mode > DW_PICKUP_ARCHIVE || (opts->archive_dir && !valid_archive_dir(opts->archive_dir))) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
        dwi_io_error_detail(err, "invalid argument or pickup options");
        return DW_E_INVAL;
    }
    dw_pickup *p = calloc(1, sizeof *p);
    if (!p)
        return DW_E_NOMEM;
    p->workfd = p->claimfd = p->quarfd = p->archfd = p->watch = -1;
    p->opts = *opts;
    p->archive_dir = strdup(opts->archive_dir ? opts->archive_dir : DWI_PICKUP_ARCHIVE);
    if (!p->archive_dir) {
        free(p);
        return DW_E_NOMEM;
    }
    p->opts.archive_dir = p->archive_dir;
    dw_drop_options dopts;
    dw_drop_options_init(&dopts);
    dw_status st = dwi_drop_open_ops(&p->drop, path, &dopts, ops, ctx, err);
    if (st != DW_OK) {
        dw_pickup_close(p);
        return st;
    }
    p->ops = ops;
    p->ctx = ctx;
    p->dirfd = p->drop->dirfd;
    if (!ops->open_read || !ops->rename_at || !ops->open_subdir || !ops->mkdir_at) {
        dw_io_error_set(err, DW_OP_OPEN_DIR, ENOSYS, 0, path);
        dwi_io_error_detail(err, "pickup is not available on this platform");
        dw_pickup_close(p);
        return DW_E_UNSUPPORTED;
    }
    p->salt = p->drop->salt;
    sanitize_host(p);
    int rc = p->workfd = open_or_make(p, p->dirfd, DWI_PICKUP_DIR);
    if (rc >= 0)
        rc = p->claimfd = open_or_make(p, p->workfd, DWI_PICKUP_CLAIMED);
    if (rc >= 0)
        rc = p->quarfd = open_or_make(p, p->workfd, DWI_PICKUP_QUARANTINE);
    if (rc >= 0 && p->opts.ack_mode == DW_PICKUP_ARCHIVE)
        rc = p->archfd = open_archive(p);
    if (rc < 0) {
        st = fail(p, err, DW_OP_MKDIR, rc, DWI_PICKUP_DIR);
        if (is_err(rc, ELOOP))
            dwi_io_error_detail(err, "a pickup work folder is a symlink (refused)");
        dw_pickup_close(p);
        return st;
    }
    st = attach_ledger(p, err);
    if (st != DW_OK) {
        dw_pickup_close(p);
        return st;
    }
    if (ops->watch_open && ops->watch_wait) {
        rc = ops->watch_open(ctx, p->dirfd, path);
        p->watch = rc >= 0 ? rc : -1;
    }
    *out = p;
    return DW_OK;
}

dw_status dw_pickup_open(dw_pickup **out, const char *path, const dw_pickup_options *opts, dw_io_error *err)
{
    return dwi_pickup_open_ops(out, path, opts, &dwi_default_ops, NULL, err);
}

static void clear_lists(dw_pickup *p)
{
    for (size_t i = 0; i < p->n_ready; i++)
        free(p->ready[i].name);
    for (size_t i = 0; i < p->n_expired; i++)
        free(p->expired[i]);
    p->n_ready = p->next_ready = p->n_expired = p->next_expired = 0;
}

void dw_pickup_close(dw_pickup *p)
{
    if (!p)
        return;
    clear_lists(p);
    free(p->ready);
    free(p->expired);
    free(p->quar);
    if (p->drop) {
        int fds[] = {p->workfd, p->claimfd, p->quarfd, p->archfd};
        for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
            if (fds[i] >= 0)
                p->ops->close(p->ctx, fds[i]);
        if (p->watch >= 0 && p->ops->watch_close)
            p->ops->watch_close(p->ctx, p->watch);
        dw_drop_close(p->drop);
    }
    free(p->archive_dir);
    free(p);
}

int dw_pickup_watching(const dw_pickup *p)
{
    return p && p->watch >= 0;
}

/* ---- examining a file --------------------------------------------------------------------------------- */

/* Read the start of fd until the envelope is complete, absent or malformed, or the file ends. */
static dw_status read_head(dw_pickup *p, int fd, uint64_t size, dw_envelope **env, dwi_env_parse *res,
                           dw_io_error *err, const char *name)
{
    size_t cap = HEAD_FIRST, len = 0;
    char *buf = NULL;
    for (;;) {
        uint64_t want = size < cap ? size : cap;
        char *nb = realloc(buf, cap);
        if (!nb) {
            free(buf);
            return DW_E_NOMEM;
        }
        buf = nb;
        while (len < want) {
            ssize_t n = p->ops->pread(p->ctx, fd, buf + len, (size_t)(want - len), len);
            if (n < 0) {
                free(buf);
                return fail(p, err, DW_OP_READ, (int)n, name);
            }
            if (n == 0)
                break;
            len += (size_t)n;
        }
        dw_status st = dwi_envelope_parse(buf, len, env, res);
        if (st != DW_OK || res->state != DWI_ENV_PARTIAL || len < want || len >= size ||
            cap > DWI_ENVELOPE_MAX) {
            free(buf);
            return st;
        }
        cap *= 4;
    }
}

/* Decide about the file open as fd (stat'ed as st). */
static dw_status examine_fd(dw_pickup *p, int fd, const char *name, exam *x, dw_io_error *err)
{
    memset(x, 0, sizeof *x);
    dwi_stat st;
    int rc = p->ops->stat(p->ctx, fd, NULL, &st);
    if (rc < 0)
        return fail(p, err, DW_OP_STAT, rc, name);
    x->info.file_size = st.size;
    x->info.mtime_sec = st.mtime_sec;
    x->dev = st.dev;
    x->ino = st.ino;
    int64_t age = now_ns(p) - (st.mtime_sec * 1000000000 + st.mtime_nsec);
    if (age < 0)
        age = 0;
    int settled = age >= (int64_t)p->opts.settle_ms * 1000000;
    int given_up = age >= (int64_t)p->opts.incomplete_after_seconds * 1000000000;
    dwi_env_parse res;
    dw_status s = read_head(p, fd, st.size, &x->env, &res, err, name);
    if (s != DW_OK)
        return s;
    x->v = V_NOT_READY;
    switch (res.state) {
    case DWI_ENV_OK: {
        uint64_t mime = st.size - res.header_len;
        x->info.has_envelope = 1;
        x->info.header_size = res.header_len;
        x->mime_expected = res.eoh_value;
        x->info.mime_size = mime;
        if (mime == res.eoh_value) {
            x->v = V_READY;
        } else if (res.eoh_value == res.header_len) {
            /* X-EndOfInjectedXHeaders holds the header length (the documented reading): no MIME length to
             * check, so the file must have settled. */
            x->mime_expected = 0;
            x->v = settled ? V_READY : V_NOT_READY;
        } else if (given_up) {
            x->v = V_QUARANTINE;
            x->reason = mime < res.eoh_value ? DW_PICKUP_INCOMPLETE : DW_PICKUP_OVERSIZE;
        }
        break;
    }
    case DWI_ENV_NONE:
        x->info.mime_size = st.size;
        if (p->opts.require_envelope) {
            if (given_up) {
                x->v = V_QUARANTINE;
                x->reason = DW_PICKUP_NO_ENVELOPE;
            }
        } else if (settled) {
            x->v = V_READY;
        }
        break;
    case DWI_ENV_PARTIAL:
        if (given_up) {
            x->v = V_QUARANTINE;
            x->reason = DW_PICKUP_TRUNCATED;
        }
        break;
    case DWI_ENV_MALFORMED:
        x->problem = res.problem;
        if (given_up) {
            x->v = V_QUARANTINE;
            x->reason = DW_PICKUP_MALFORMED;
        }
        break;
    }
    if (x->v != V_READY) {
        dw_envelope_free(x->env);
        x->env = NULL;
    }
    return DW_OK;
}

/* Open and examine a top-level file. *fd_out keeps the descriptor for V_READY. */
static dw_status examine(dw_pickup *p, int dirfd, const char *name, exam *x, int *fd_out, dw_io_error *err)
{
    memset(x, 0, sizeof *x);
    *fd_out = -1;
    if (!p->ops->open_read)
        return fail(p, err, DW_OP_READ, -ENOSYS, name);
    int fd = p->ops->open_read(p->ctx, dirfd, name);
    if (is_err(fd, ENOENT)) {
        x->v = V_GONE;
        return DW_OK;
    }
    if (is_err(fd, EBUSY) || is_err(fd, ETXTBSY)) {
        x->v = V_NOT_READY; /* the writer still holds it exclusively (Windows) */
        return DW_OK;
    }
    if (fd < 0)
        return fail(p, err, DW_OP_READ, fd, name);
    dwi_stat st;
    if (p->ops->stat(p->ctx, fd, NULL, &st) == 0 && !st.is_reg) {
        p->ops->close(p->ctx, fd);
        x->v = V_GONE;
        return DW_OK;
    }
    dw_status s = examine_fd(p, fd, name, x, err);
    if (s != DW_OK || x->v != V_READY)
        p->ops->close(p->ctx, fd);
    else
        *fd_out = fd;
    return s;
}

/* ---- quarantine --------------------------------------------------------------------------------------- */

static void describe(dw_pickup_quarantine *q, const char *problem)
{
    dwi_out o;
    dwi_out_init(&o, q->text, sizeof q->text);
    switch (q->reason) {
    case DW_PICKUP_INCOMPLETE:
    case DW_PICKUP_OVERSIZE:
        dwi_out_str(&o, q->reason == DW_PICKUP_INCOMPLETE ? "incomplete drop file: MIME part of "
                                                          : "drop file longer than announced: MIME part of ");
        dwi_out_u64(&o, q->mime_actual);
        dwi_out_str(&o, " bytes, X-EndOfInjectedXHeaders announced ");
        dwi_out_u64(&o, q->mime_expected);
        break;
    case DW_PICKUP_TRUNCATED:
        dwi_out_str(&o, "truncated drop file: it ends inside the envelope after ");
        dwi_out_u64(&o, q->file_size);
        dwi_out_str(&o, " bytes");
        break;
    case DW_PICKUP_MALFORMED:
        dwi_out_str(&o, "malformed envelope: ");
        dwi_out_str(&o, problem ? problem : "unreadable");
        break;
    case DW_PICKUP_NO_ENVELOPE:
        dwi_out_str(&o, "drop file without an envelope (X-Sender, X-Receiver, X-EndOfInjectedXHeaders)");
        break;
    }
    dwi_out_str(&o, "; quarantined as " DWI_PICKUP_DIR "/" DWI_PICKUP_QUARANTINE "/");
    dwi_out_str(&o, q->moved_to);
    (void)dwi_out_finish(&o, NULL);
}

dw_status dw_pickup_quarantine_alert(const dw_pickup *p, const dw_pickup_quarantine *q, dw_alert *a)
{
    if (!p || !q || !a)
        return DW_E_INVAL;
    dw_alert_init(a);
    a->drop_path = p->drop->path;
    a->exception_text = q->text;
    a->time_ms = q->mtime_sec * 1000;
    dw_io_error_set(&a->error, DW_OP_READ, EIO, 0, NULL);
    dwi_out o;
    dwi_out_init(&o, a->error.path, sizeof a->error.path);
    dwi_out_str(&o, p->drop->path);
    dwi_out_str(&o, "/" DWI_PICKUP_DIR "/" DWI_PICKUP_QUARANTINE "/");
    dwi_out_str(&o, q->moved_to);
    (void)dwi_out_finish(&o, NULL);
    dwi_io_error_detail(&a->error, q->text);
    return DW_OK;
}

/* Write "<moved_to>.alert.json" beside the quarantined file for monitors that watch the folder. Best
 * effort: the quarantine itself already happened. */
static void write_alert_file(dw_pickup *p, const dw_pickup_quarantine *q)
{
    dw_alert a;
    char *text = NULL;
    size_t len = 0;
    if (dw_pickup_quarantine_alert(p, q, &a) != DW_OK || dw_alert_format_alloc(&a, DW_FORMAT_JSON, &text, &len) != DW_OK)
        return;
    char name[DW_PICKUP_NAME_MAX + 16];
    dwi_out o;
    dwi_out_init(&o, name, sizeof name);
    dwi_out_str(&o, q->moved_to);
    dwi_out_str(&o, ".alert.json");
    if (dwi_out_finish(&o, NULL) == DW_OK) {
        int fd = p->ops->create(p->ctx, p->quarfd, name, 0640);
        if (fd >= 0) {
            size_t off = 0;
            while (off < len) {
                ssize_t n = p->ops->write(p->ctx, fd, text + off, len - off);
                if (n <= 0)
                    break;
                off += (size_t)n;
            }
            p->ops->close(p->ctx, fd);
        }
    }
    dw_free(text);
}

static dw_status quarantine(dw_pickup *p, const char *name, const exam *x, dw_io_error *err)
{
    if (p->n_quar == p->cap_quar) {
        size_t cap = p->cap_quar ? p->cap_quar * 2 : 4;
        dw_pickup_quarantine *n = realloc(p->quar, cap * sizeof *n);
        if (!n)
            return DW_E_NOMEM;
        p->quar = n;
        p->cap_quar = cap;
    }
    dw_pickup_quarantine *q = &p->quar[p->n_quar];
    memset(q, 0, sizeof *q);
    (void)dwi_copy_out(name, strlen(name), q->name, sizeof q->name, NULL);
    q->reason = x->reason;
    q->file_size = x->info.file_size;
    q->header_size = x->info.header_size;
    q->mime_expected = x->mime_expected;
    q->mime_actual = x->info.header_size ? x->info.file_size - x->info.header_size : 0;
    q->mtime_sec = x->info.mtime_sec;
    dw_status st = dwi_dirop_begin(p->drop, err);
    if (st != DW_OK)
        return st;
    (void)dwi_copy_out(name, strlen(name), q->moved_to, sizeof q->moved_to, NULL);
    int rc = p->ops->rename_at(p->ctx, p->dirfd, name, p->quarfd, q->moved_to);
    if (is_err(rc, EEXIST)) {
        make_tagged(p, name, NULL, q->moved_to);
        rc = p->ops->rename_at(p->ctx, p->dirfd, name, p->quarfd, q->moved_to);
    }
    if (rc == 0)
        dwi_quota_unpublish(p->drop, x->info.file_size);
    dwi_dirop_end(p->drop);
    if (is_err(rc, ENOENT))
        return DW_OK; /* someone else moved it first */
    if (rc < 0)
        return fail(p, err, DW_OP_RENAME, rc, name);
    describe(q, x->problem);
    p->n_quar++;
    write_alert_file(p, q);
    return DW_OK;
}

const dw_pickup_quarantine *dw_pickup_quarantined(const dw_pickup *p, size_t i)
{
    return p && i < p->n_quar ? &p->quar[i] : NULL;
}

/* ---- listing ------------------------------------------------------------------------------------------ */

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->mtime_ns != y->mtime_ns)
        return x->mtime_ns < y->mtime_ns ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int push_ready(dw_pickup *p, const char *name, const dwi_stat *st)
{
    if (p->n_ready == p->cap_ready) {
        size_t cap = p->cap_ready ? p->cap_ready * 2 : 64;
        entry *n = realloc(p->ready, cap * sizeof *n);
        if (!n)
            return 0;
        p->ready = n;
        p->cap_ready = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return 0;
    p->ready[p->n_ready++] = (entry){copy, st->mtime_sec * 1000000000 + st->mtime_nsec, st->size};
    return 1;
}

/* 1 when the claim is expired: its owner on this host is gone, or it is older than the TTL. */
static int claim_expired(dw_pickup *p, const char *claim, int64_t now_sec)
{
    char orig[DW_PICKUP_NAME_MAX], host[HOST_MAX + 1];
    long pid;
    int64_t sec;
    if (!dwi_claim_parse(claim, orig, host, sizeof host, &pid, &sec))
        return 0; /* not ours: never touched */
    if (now_sec - sec > (int64_t)p->opts.claim_ttl_seconds)
        return 1;
    if (strcmp(host, p->host) == 0 && p->ops->process_alive && p->ops->process_alive(p->ctx, pid) == 0)
        return 1;
    return 0;
}

static dw_status list_claims(dw_pickup *p, dw_pickup_stats *stats, dw_io_error *err)
{
    dwi_dir *dir = NULL;
    int rc = p->ops->dir_open(p->ctx, p->claimfd, &dir);
    if (rc < 0)
        return fail(p, err, DW_OP_SCAN, rc, DWI_PICKUP_DIR "/" DWI_PICKUP_CLAIMED);
    int64_t now_sec = now_ns(p) / 1000000000;
    const char *name;
    dw_status st = DW_OK;
    while (st == DW_OK && (rc = p->ops->dir_next(p->ctx, dir, &name)) > 0) {
        if (name[0] == '.')
            continue;
        if (!claim_expired(p, name, now_sec)) {
            stats->claimed++;
            continue;
        }
        stats->expired++;
        if (p->n_expired == p->cap_expired) {
            size_t cap = p->cap_expired ? p->cap_expired * 2 : 8;
            char **n = realloc(p->expired, cap * sizeof *n);
            if (!n) {
                st = DW_E_NOMEM;
                break;
            }
            p->expired = n;
            p->cap_expired = cap;
        }
        if (!(p->expired[p->n_expired] = strdup(name)))
            st = DW_E_NOMEM;
        else
            p->n_expired++;
    }
    p->ops->dir_close(p->ctx, dir);
    if (st == DW_OK && rc < 0)
        st = fail(p, err, DW_OP_SCAN, rc, DWI_PICKUP_DIR "/" DWI_PICKUP_CLAIMED);
    return st;
}

/* List the directory. full: examine every file (dw_pickup_scan); otherwise only stat and sort, leaving
 * the examination to the claim (dw_pickup_next, which opens each file anyway). */
static dw_status list_dir(dw_pickup *p, int full, dw_pickup_stats *stats, dw_io_error *err)
{
    clear_lists(p);
    memset(stats, 0, sizeof *stats);
    dw_status st = attach_ledger(p, err);
    if (st != DW_OK)
        return st;
    st = list_claims(p, stats, err);
    if (st != DW_OK)
        return st;
    dwi_dir *dir = NULL;
    int rc = p->ops->dir_open(p->ctx, p->dirfd, &dir);
    if (rc < 0)
        return fail(p, err, DW_OP_SCAN, rc, NULL);
    const char *name;
    while (st == DW_OK && (rc = p->ops->dir_next(p->ctx, dir, &name)) > 0) {
        if (!is_message_name(name))
            continue;
        dwi_stat sb;
        if (p->ops->stat(p->ctx, p->dirfd, name, &sb) < 0 || !sb.is_reg)
            continue; /* vanished (another picker took it) or not a file */
        if (strlen(name) > DWI_PICKUP_ORIG_MAX) {
            stats->not_ready++; /* no room for a claim name: left alone (doc/pickup.md) */
            continue;
        }
        if (!full) {
            if (!push_ready(p, name, &sb))
                st = DW_E_NOMEM;
            continue;
        }
        exam x;
        int fd;
        st = examine(p, p->dirfd, name, &x, &fd, err);
        if (st != DW_OK)
            break;
        if (fd >= 0)
            p->ops->close(p->ctx, fd);
        dw_envelope_free(x.env);
        if (x.v == V_READY) {
            if (!push_ready(p, name, &sb))
                st = DW_E_NOMEM;
        } else if (x.v == V_NOT_READY) {
            stats->not_ready++;
        } else if (x.v == V_QUARANTINE) {
            st = quarantine(p, name, &x, err);
        }
    }
    p->ops->dir_close(p->ctx, dir);
    if (st == DW_OK && rc < 0)
        st = fail(p, err, DW_OP_SCAN, rc, NULL);
    if (p->n_ready > 1)
        qsort(p->ready, p->n_ready, sizeof *p->ready, cmp_entry);
    stats->ready = p->n_ready;
    stats->quarantined = p->n_quar; /* dw_pickup_scan() starts from 0 */
    p->pending = stats->not_ready + stats->claimed;
    return st;
}

dw_status dw_pickup_scan(dw_pickup *p, dw_pickup_stats *stats, dw_io_error *err)
{
    dw_io_error_clear(err);
    dw_pickup_stats local;
    if (!p) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    p->n_quar = 0;
    return list_dir(p, 1, stats ? stats : &local, err);
}

const char *dw_pickup_ready_name(const dw_pickup *p, size_t i)
{
    return p && i < p->n_ready ? p->ready[i].name : NULL;
}

/* ---- claiming ----------------------------------------------------------------------------------------- */

static dw_status new_msg(dw_pickup *p, const char *name, const char *claim, int fd, exam *x, dw_pickup_msg **out)
{
    dw_pickup_msg *m = calloc(1, sizeof *m);
    if (!m) {
        dw_envelope_free(x->env);
        return DW_E_NOMEM;
    }
    m->p = p;
    m->fd = fd;
    (void)dwi_copy_out(name, strlen(name), m->name, sizeof m->name, NULL);
    (void)dwi_copy_out(claim, strlen(claim), m->claim, sizeof m->claim, NULL);
    m->env = x->env;
    x->env = NULL;
    m->info = x->info;
    *out = m;
    return DW_OK;
}

/* Put a claimed file back under its original name (or a new one when that is taken). */
static dw_status unclaim(dw_pickup *p, const char *claim, const char *name, uint64_t size, dw_io_error *err)
{
    dw_status st = dwi_dirop_begin(p->drop, err);
    if (st != DW_OK)
        return st;
    int rc = p->ops->rename_at(p->ctx, p->claimfd, claim, p->dirfd, name);
    for (int i = 0; is_err(rc, EEXIST) && i < 8; i++) {
        /* "stem-r<hex>.eml": still a message name, so it is picked up again. */
        char alt[DW_PICKUP_NAME_MAX];
        size_t n = strlen(name);
        dwi_out o;
        dwi_out_init(&o, alt, sizeof alt);
        dwi_out_bytes(&o, name, n - 4);
        dwi_out_str(&o, "-r");
        out_hex8(&o, next_random(p));
        dwi_out_str(&o, name + n - 4);
        (void)dwi_out_finish(&o, NULL);
        rc = p->ops->rename_at(p->ctx, p->claimfd, claim, p->dirfd, alt);
    }
    if (rc == 0)
        dwi_quota_publish(p->drop, 0, size);
    dwi_dirop_end(p->drop);
    if (rc < 0)
        return fail(p, err, DW_OP_RENAME, rc, claim);
    if (p->opts.durable) {
        rc = p->ops->fsync(p->ctx, p->dirfd, 0);
        if (rc < 0)
            return fail(p, err, DW_OP_DIR_FSYNC, rc, NULL);
    }
    return DW_OK;
}

/* Claim a top-level file by name. *out NULL when it is gone or not ready (possibly quarantined now);
 * *v says which. */
static dw_status claim_top(dw_pickup *p, const char *name, dw_pickup_msg **out, verdict *v, dw_io_error *err)
{
    exam x;
    int fd;
    dw_status st = examine(p, p->dirfd, name, &x, &fd, err);
    *v = x.v;
    if (st != DW_OK)
        return st;
    if (x.v == V_QUARANTINE)
        return quarantine(p, name, &x, err);
    if (x.v != V_READY)
        return DW_OK;
    char claim[DW_PICKUP_NAME_MAX];
    make_tagged(p, name, p->host, claim);
    st = dwi_dirop_begin(p->drop, err);
    int rc = -EIO;
    if (st == DW_OK) {
        rc = p->ops->rename_at(p->ctx, p->dirfd, name, p->claimfd, claim);
        if (rc == 0)
            dwi_quota_unpublish(p->drop, x.info.file_size);
        dwi_dirop_end(p->drop);
    }
    if (st != DW_OK || rc < 0) {
        p->ops->close(p->ctx, fd);
        dw_envelope_free(x.env);
        *v = V_GONE;
        if (st != DW_OK)
            return st;
        return is_err(rc, ENOENT) ? DW_OK : fail(p, err, DW_OP_RENAME, rc, name);
    }
    /* The name was examined through fd; make sure the rename moved that same file (a release by another
     * picker can put a different file under the same name in between). Otherwise judge the claimed one. */
    dwi_stat b;
    if (p->ops->stat(p->ctx, p->claimfd, claim, &b) < 0 || b.dev != x.dev || b.ino != x.ino) {
        p->ops->close(p->ctx, fd);
        dw_envelope_free(x.env);
        st = examine(p, p->claimfd, claim, &x, &fd, err);
        *v = x.v;
        if (st != DW_OK)
            return st;
        if (x.v != V_READY)
            return x.v == V_GONE ? DW_OK : unclaim(p, claim, name, x.info.file_size, err);
    }
    return new_msg(p, name, claim, fd, &x, out);
}

/* Take over an expired claim (one more rename inside claimed/: exactly one picker wins). */
static dw_status take_over(dw_pickup *p, const char *old, dw_pickup_msg **out, dw_io_error *err)
{
    char orig[DW_PICKUP_NAME_MAX], host[HOST_MAX + 1], claim[DW_PICKUP_NAME_MAX];
    long pid;
    int64_t sec;
    if (!dwi_claim_parse(old, orig, host, sizeof host, &pid, &sec))
        return DW_OK;
    make_tagged(p, orig, p->host, claim);
    int rc = p->ops->rename_at(p->ctx, p->claimfd, old, p->claimfd, claim);
    if (is_err(rc, ENOENT))
        return DW_OK;
    if (rc < 0)
        return fail(p, err, DW_OP_RENAME, rc, old);
    exam x;
    int fd;
    dw_status st = examine(p, p->claimfd, claim, &x, &fd, err);
    if (st != DW_OK)
        return st;
    if (x.v != V_READY) /* changed since it was claimed: let the normal rules judge it at the top level */
        return x.v == V_GONE ? DW_OK : unclaim(p, claim, orig, x.info.file_size, err);
    x.info.redelivered = 1;
    return new_msg(p, orig, claim, fd, &x, out);
}

dw_status dw_pickup_claim(dw_pickup *p, const char *name, dw_pickup_msg **msg, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (msg)
        *msg = NULL;
    if (!p || !name || !msg || !is_message_name(name) || strchr(name, '/') || strchr(name, '\\') ||
        strlen(name) > DWI_PICKUP_ORIG_MAX) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, p ? p->drop->path : NULL);
        return DW_E_INVAL;
    }
    verdict v;
    return claim_top(p, name, msg, &v, err);
}

dw_status dw_pickup_next(dw_pickup *p, dw_pickup_msg **msg, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (msg)
        *msg = NULL;
    if (!p || !msg) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    p->n_quar = 0;
    int listed = 0;
    for (;;) {
        if (p->next_ready >= p->n_ready && p->next_expired >= p->n_expired) {
            /* The list is used up: list again once (a stale list only costs failed claims). */
            if (listed)
                return DW_OK;
            dw_pickup_stats stats;
            dw_status st = list_dir(p, 0, &stats, err);
            if (st != DW_OK)
                return st;
            listed = 1;
        }
        while (p->next_expired < p->n_expired) {
            dw_status st = take_over(p, p->expired[p->next_expired++], msg, err);
            if (st != DW_OK || *msg)
                return st;
        }
        while (p->next_ready < p->n_ready) {
            verdict v;
            dw_status st = claim_top(p, p->ready[p->next_ready++].name, msg, &v, err);
            if (v == V_NOT_READY)
                p->pending++; /* settling: dw_pickup_wait() comes back soon */
            if (st != DW_OK || *msg)
                return st;
        }
    }
}

dw_status dw_pickup_wait(dw_pickup *p, unsigned timeout_ms, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!p) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    /* Settling files and foreign claims change state without any event: come back to rescan them. */
    unsigned limit = p->pending && timeout_ms > RECHECK_MS ? RECHECK_MS : timeout_ms;
    if (p->watch >= 0) {
        int rc = p->ops->watch_wait(p->ctx, p->watch, limit);
        if (rc >= 0)
            return DW_OK;
        /* The watch broke (queue overflow is drained, so this is rare): fall back to rescanning. */
        if (p->ops->watch_close)
            p->ops->watch_close(p->ctx, p->watch);
        p->watch = -1;
    }
    p->ops->sleep_ms(p->ctx, limit > RECHECK_MS ? RECHECK_MS : limit);
    return DW_OK;
}

/* ---- the message -------------------------------------------------------------------------------------- */

const char *dw_pickup_msg_name(const dw_pickup_msg *m)
{
    return m ? m->name : NULL;
}

const char *dw_pickup_msg_sender(const dw_pickup_msg *m, const char **params)
{
    if (params)
        *params = NULL;
    return m && m->env ? dwi_envelope_sender(m->env, params) : NULL;
}

size_t dw_pickup_msg_recipient_count(const dw_pickup_msg *m)
{
    return m && m->env ? dwi_envelope_recipient_count(m->env) : 0;
}

const char *dw_pickup_msg_recipient(const dw_pickup_msg *m, size_t i, const char **params)
{
    if (params)
        *params = NULL;
    return m && m->env ? dwi_envelope_recipient(m->env, i, params) : NULL;
}

dw_status dw_pickup_msg_info(const dw_pickup_msg *m, dw_pickup_info *info)
{
    if (!m || !info)
        return DW_E_INVAL;
    *info = m->info;
    return DW_OK;
}

dw_status dw_pickup_msg_read(dw_pickup_msg *m, void *buf, size_t size, size_t *got, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (got)
        *got = 0;
    if (!m || !got || (!buf && size)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    uint64_t left = m->info.mime_size - m->pos;
    size_t want = left < size ? (size_t)left : size;
    if (!want)
        return DW_OK;
    dw_pickup *p = m->p;
    for (;;) {
        ssize_t n = p->ops->pread(p->ctx, m->fd, buf, want, m->info.header_size + m->pos);
        if (is_err(n, EINTR))
            continue;
        if (n < 0)
            return fail(p, err, DW_OP_READ, (int)n, m->claim);
        if (n == 0) {
            /* Shorter than when it was claimed: someone truncated a claimed file. */
            dw_io_error_set(err, DW_OP_READ, EIO, 0, p->drop->path);
            dwi_io_error_detail(err, "the claimed file became shorter while it was read");
            return DW_E_IO;
        }
        m->pos += (uint64_t)n;
        *got = (size_t)n;
        return DW_OK;
    }
}

dw_status dw_pickup_msg_rewind(dw_pickup_msg *m)
{
    if (!m)
        return DW_E_INVAL;
    m->pos = 0;
    return DW_OK;
}

static void msg_free(dw_pickup_msg *m)
{
    if (m->fd >= 0)
        m->p->ops->close(m->p->ctx, m->fd);
    dw_envelope_free(m->env);
    free(m);
}

dw_status dw_pickup_ack(dw_pickup_msg *m, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!m) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    dw_pickup *p = m->p;
    int rc;
    int dirty = p->claimfd;
    const int archive = p->opts.ack_mode == DW_PICKUP_ARCHIVE;
    if (archive) {
        char to[DW_PICKUP_NAME_MAX];
        (void)dwi_copy_out(m->name, strlen(m->name), to, sizeof to, NULL);
        rc = p->ops->rename_at(p->ctx, p->claimfd, m->claim, p->archfd, to);
        if (is_err(rc, EEXIST)) {
            make_tagged(p, m->name, NULL, to);
            rc = p->ops->rename_at(p->ctx, p->claimfd, m->claim, p->archfd, to);
        }
    } else {
        rc = p->ops->unlink(p->ctx, p->claimfd, m->claim);
    }
    dw_status st = DW_OK;
    if (rc < 0) {
        st = fail(p, err, archive ? DW_OP_RENAME : DW_OP_UNLINK, rc, m->claim);
        if (is_err(rc, ENOENT))
            dwi_io_error_detail(err, "the claim expired and another picker took the message over");
    } else if (p->opts.durable) {
        /* The claim is gone: a failure now only means the acknowledgement may not survive a crash (the
         * claim would come back and be taken over, a duplicate), so the caller must not act as if the
         * message were still claimed. */
        rc = archive ? p->ops->fsync(p->ctx, p->archfd, 0) : 0;
        if (rc == 0)
            rc = p->ops->fsync(p->ctx, dirty, 0);
        if (rc < 0) {
            st = fail(p, err, DW_OP_DIR_FSYNC, rc, NULL);
            dwi_io_error_detail(err, archive ? "the message was archived, but the directory fsync failed: after a "
                                               "crash it may be handed on again"
                                             : "the message was removed, but the directory fsync failed: after a "
                                               "crash it may be handed on again");
        }
    }
    msg_free(m);
    return st;
}

dw_status dw_pickup_release(dw_pickup_msg *m, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!m) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    dw_status st = unclaim(m->p, m->claim, m->name, m->info.file_size, err);
    msg_free(m);
    return st;
}
