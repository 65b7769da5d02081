/* SPDX-License-Identifier: MIT */
/* Guarded writes: a message lands in the drop directory completely or not at all (see dropwatch/guard.h
 * and doc/guarded-writes.md). Every OS call goes through the handle's dwi_ops table (lib/platform.h),
 * with the per-handle fault injection of dw_drop_options in front of it. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "guard_internal.h"
#include "group_commit.h"
#include "internal.h"
#include "quota.h"

/* Bounded retries of a name collision (EEXIST): names carry pid, sequence and randomness, so more than a
 * handful means something else is wrong. */
#define NAME_ATTEMPTS 64
/* Quota reservations of streamed messages grow by at least this much, so the ledger lock is not taken on
 * every small write. */
#define RESERVE_STEP (64u * 1024u)
#define STR_(x) #x
#define STR(x) STR_(x)
/* Copy buffer of dw_drop_write_fd(), _file() and _cb(). */
#define COPY_BUF (64u * 1024u)

/* ---- small helpers ---------------------------------------------------------------------------------- */

/* 1 when rc is a failure code whose portable errno is e (a native Win32 code counts by its derived errno). */
static int is_err(int rc, int e)
{
    return rc < 0 && dwi_err_errno(rc) == e;
}

void dw_drop_options_init(dw_drop_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->version = DW_DROP_OPTIONS_VERSION;
    opts->quota_bytes = 0;
    opts->retry_max = 4;
    opts->retry_base_ms = 10;
    opts->retry_cap_ms = 1000;
    opts->durability = DW_DURABLE_FULL;
    opts->naming = DW_NAMING_UNIQUE;
    opts->file_mode = 0640;
    opts->lock_timeout_ms = DW_LOCK_TIMEOUT_DEFAULT_MS;
}

void dw_msg_options_init(dw_msg_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->version = DW_MSG_OPTIONS_VERSION;
    opts->priority = DW_PRIORITY_NORMAL;
}

static size_t str_len_max(const char *s, size_t max)
{
    size_t n = 0;
    while (n <= max && s[n])
        n++;
    return n;
}

static int name_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

int dwi_is_temp_name(const char *name)
{
    size_t n = strlen(name), sl = strlen(DWI_TMP_SUFFIX);
    if (n < sl || strcmp(name + n - sl, DWI_TMP_SUFFIX) != 0)
        return 0;
    return strncmp(name, DWI_TMP_PREFIX, strlen(DWI_TMP_PREFIX)) == 0 ||
           strncmp(name, DWI_CANARY_PREFIX, strlen(DWI_CANARY_PREFIX)) == 0;
}

int dwi_inject(dw_drop *d, dw_op op)
{
    if (d->fault.op == DW_OP_NONE || d->fault.op != op)
        return 0;
    unsigned left = atomic_load(&d->inject_left);
    while (left > 0) {
        if (atomic_compare_exchange_weak(&d->inject_left, &left, left - 1))
            return d->fault.sys_errno > 0 ? -d->fault.sys_errno : -EIO;
    }
    return 0;
}

dw_status dwi_fail(const dw_drop *d, dw_io_error *err, dw_op op, int neg_errno, const char *name, unsigned attempts)
{
    if (err) {
        dwi_io_error_set_code(err, op, neg_errno < 0 ? neg_errno : -EIO, NULL);
        dwi_out o;
        dwi_out_init(&o, err->path, sizeof err->path);
        dwi_out_str(&o, d->path);
        if (name && *name) {
            size_t n = strlen(d->path);
            if (n == 0 || (d->path[n - 1] != '/' && d->path[n - 1] != DWI_PATH_SEP))
                dwi_out_char(&o, DWI_PATH_SEP);
            dwi_out_str(&o, name);
        }
        (void)dwi_out_finish(&o, NULL);
        err->attempts = attempts ? attempts : 1;
        /* On a network file system a "device" error (EIO when the server died or the connection broke)
         * is the server's or the network's, not a disk's: remote class, retryable later. */
        if (d->remote && err->io_class == DW_CLASS_PHYSICAL) {
            err->io_class = DW_CLASS_REMOTE;
            err->retryable = dw_class_retryable(DW_CLASS_REMOTE);
            err->win32 = 59; /* ERROR_UNEXP_NET_ERR */
            dwi_io_error_detail(err, "I/O error on a network file system (the file server or the connection failed)");
        }
    }
    return DW_E_IO;
}

/* Transient failures are retried with exponential backoff (base, doubled, capped) up to retry_max times.
 * Returns 1 after sleeping when another attempt should be made. */
static int should_retry(dw_drop *d, int rc, unsigned attempt)
{
    if (rc >= 0 || dwi_err_class(rc) != DW_CLASS_TRANSIENT || attempt > d->opts.retry_max)
        return 0;
    uint64_t delay = d->opts.retry_base_ms;
    for (unsigned i = 1; i < attempt && delay < d->opts.retry_cap_ms; i++)
        delay *= 2;
    if (delay > d->opts.retry_cap_ms)
        delay = d->opts.retry_cap_ms;
    if (delay)
        d->ops->sleep_ms(d->ctx, (unsigned)delay);
    return 1;
}

/* splitmix64: spreads the per-handle salt and a counter into unguessable name parts. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static void out_hex(dwi_out *o, uint64_t v, int digits)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = digits - 1; i >= 0; i--)
        dwi_out_char(o, hex[(v >> (4 * i)) & 15]);
}

static void out_2(dwi_out *o, unsigned v)
{
    dwi_out_char(o, (char)('0' + v / 10 % 10));
    dwi_out_char(o, (char)('0' + v % 10));
}

/* UTC calendar fields from Unix seconds (Howard Hinnant's days-to-civil; no libc time zone state). */
void dwi_utc_fields(int64_t t, unsigned f[6])
{
    int64_t days = t / 86400, rem = t % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    f[0] = (unsigned)year;
    f[1] = (unsigned)month;
    f[2] = (unsigned)day;
    f[3] = (unsigned)(rem / 3600);
    f[4] = (unsigned)(rem / 60 % 60);
    f[5] = (unsigned)(rem % 60);
}

static void out_utc(dwi_out *o, dw_drop *d, int with_t)
{
    int64_t sec = 0, nsec = 0;
    if (d->ops->now(d->ctx, &sec, &nsec) < 0)
        sec = 0;
    unsigned f[6];
    dwi_utc_fields(sec, f);
    out_2(o, f[0] / 100);
    out_2(o, f[0] % 100);
    out_2(o, f[1]);
    out_2(o, f[2]);
    if (with_t)
        dwi_out_char(o, 'T');
    out_2(o, f[3]);
    out_2(o, f[4]);
    out_2(o, f[5]);
}

static void make_temp_name(dw_drop *d, char *buf)
{
    uint64_t seq = atomic_fetch_add(&d->seq, 1);
    dwi_out o;
    dwi_out_init(&o, buf, DWI_NAME_BUF);
    dwi_out_str(&o, DWI_TMP_PREFIX);
    dwi_out_u64(&o, (unsigned long long)d->ops->pid(d->ctx));
    dwi_out_char(&o, '-');
    dwi_out_u64(&o, seq);
    dwi_out_char(&o, '-');
    out_hex(&o, mix64(d->salt ^ mix64(seq)), 16);
    dwi_out_str(&o, DWI_TMP_SUFFIX);
    (void)dwi_out_finish(&o, NULL);
}

static const char *priority_name(dw_priority p)
{
    return p == DW_PRIORITY_HIGH ? "High" : p == DW_PRIORITY_LOW ? "Low" : "Normal";
}

/* The final name. DW_NAMING_UNIQUE: "<prefix><UTC yyyymmddTHHMMSS>-<pid>-<seq>-<random>.eml";
 * DW_NAMING_EXCHANGE: "{Machine}-{RecordId}-{UTC yyyyMMddHHmmss}Z.{Priority}.eml" (the record id is bumped
 * when the name exists already). */
static void make_final_name(dw_drop *d, dw_msg *m, char *buf)
{
    dwi_out o;
    dwi_out_init(&o, buf, DWI_NAME_BUF);
    if (d->opts.naming == DW_NAMING_EXCHANGE) {
        dwi_out_str(&o, d->machine);
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, m->record_id);
        dwi_out_char(&o, '-');
        out_utc(&o, d, 0);
        dwi_out_str(&o, "Z.");
        dwi_out_str(&o, priority_name(m->priority));
    } else {
        uint64_t seq = atomic_fetch_add(&d->seq, 1);
        if (d->prefix)
            dwi_out_str(&o, d->prefix);
        out_utc(&o, d, 1);
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, (unsigned long long)d->ops->pid(d->ctx));
        dwi_out_char(&o, '-');
        dwi_out_u64(&o, seq);
        dwi_out_char(&o, '-');
        out_hex(&o, mix64(d->salt + seq) & 0xffffffffu, 8);
    }
    dwi_out_str(&o, ".eml");
    (void)dwi_out_finish(&o, NULL);
}

/* ---- open / close ----------------------------------------------------------------------------------- */

static int valid_prefix(const char *p)
{
    size_t n = str_len_max(p, DWI_PREFIX_MAX);
    if (n > DWI_PREFIX_MAX || p[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char_ok(p[i]))
            return 0;
    return 1;
}

/* A machine name as it goes into an Exchange-style file name: Exchange uses Environment.MachineName, the
 * NetBIOS name, which Windows derives from the host name's first DNS label, upper case, cut to 15
 * characters. The label must be letters, digits, '-' and '_' (1 to 63 characters). */
static int set_machine(dw_drop *d, const char *name)
{
    size_t n = 0;
    while (name[n] && name[n] != '.' && n < DWI_MACHINE_MAX + 1)
        n++;
    if (n == 0 || n > DWI_MACHINE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!name_char_ok(name[i]) || name[i] == '.')
            return 0;
    if (n > DW_NETBIOS_NAME_MAX)
        n = DW_NETBIOS_NAME_MAX;
    for (size_t i = 0; i < n; i++)
        d->machine[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
    d->machine[n] = '\0';
    return 1;
}

/* The first invalid field of `o`, named as the detail text of the refusal; NULL when every field is valid.
 * The one place the option ranges live: the bindings report these texts instead of checking themselves. */
static const char *invalid_option(const dw_drop_options *o)
{
    if (!dwi_version_ok(o->version, DW_DROP_OPTIONS_VERSION))
        return "dw_drop_options.version unknown: initialise the options with dw_drop_options_init() or "
               "DW_DROP_OPTIONS_INIT";
    if (o->retry_max > DW_RETRY_MAX_LIMIT)
        return "retry_max out of range (0 to " STR(DW_RETRY_MAX_LIMIT) ")";
    if (o->retry_base_ms > 60000)
        return "retry_base_ms out of range (0 to 60000)";
    if (o->retry_cap_ms > 60000)
        return "retry_cap_ms out of range (0 to 60000)";
    if ((unsigned)o->durability > DW_DURABLE_NONE)
        return "durability unknown";
    if ((unsigned)o->naming > DW_NAMING_EXCHANGE)
        return "naming unknown";
    if ((unsigned)o->quota_mode > DW_QUOTA_STRICT)
        return "quota_mode unknown";
    if (o->file_mode > 07777)
        return "file_mode out of range (0 to 07777)";
    if (o->lock_timeout_ms > 3600000u)
        return "lock_timeout_ms out of range (0 to 3600000)";
    if (o->name_prefix && !valid_prefix(o->name_prefix))
        return "name_prefix invalid (letters, digits, '-', '_' and '.', not first, at most " STR(DWI_PREFIX_MAX)
               " bytes)";
    return NULL;
}

dw_status dw_drop_options_check(const dw_drop_options *opts, dw_io_error *err)
{
    dw_io_error_clear(err);
    const char *why = opts ? invalid_option(opts) : "no options";
    if (!why)
        return DW_OK;
    if (err) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        dwi_io_error_detail(err, why);
    }
    return DW_E_INVAL;
}

static void drop_free(dw_drop *d)
{
    if (!d)
        return;
    dwi_quota_free(d);
    if (d->dirfd != DWI_FD_NONE)
        d->ops->close(d->ctx, d->dirfd);
    free(d->path);
    free(d->prefix);
    free(d);
}

static int valid_fault(const dw_fault *f)
{
    return !f || (dwi_version_ok(f->version, DW_FAULT_VERSION) && (unsigned)f->op < DW_OP_COUNT && f->sys_errno >= 0);
}

dw_status dwi_drop_open_ops(dw_drop **out, const char *path, const dw_drop_options *opts, const dwi_ops *ops,
                            void *ctx, dw_io_error *err)
{
    return dwi_drop_open_fault(out, path, opts, NULL, ops, ctx, err);
}

dw_status dw_testing_drop_open(dw_drop **out, const char *path, const dw_drop_options *opts, const dw_fault *fault,
                               dw_io_error *err)
{
    return dwi_drop_open_fault(out, path, opts, fault, &dwi_default_ops, NULL, err);
}

dw_status dwi_drop_open_fault(dw_drop **out, const char *path, const dw_drop_options *opts, const dw_fault *fault,
                              const dwi_ops *ops, void *ctx, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (out)
        *out = NULL;
    dw_drop_options defaults;
    if (!opts) {
        dw_drop_options_init(&defaults);
        opts = &defaults;
    }
    const char *bad_option = invalid_option(opts);
    if (!out || !path || !ops || !*path || bad_option || !valid_fault(fault)) {
        if (err) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
            dwi_io_error_detail(err, bad_option ? bad_option : "invalid argument");
        }
        return DW_E_INVAL;
    }
    if (str_len_max(path, DW_IO_PATH_MAX) >= DW_IO_PATH_MAX) {
        /* A path the system cannot open (PATH_MAX) is a wrong DropDirectory / root setting, not a bad call:
         * the same class and code as the kernel's own ENAMETOOLONG (event 8007). */
        if (err) {
            dw_io_error_set(err, DW_OP_OPEN_DIR, ENAMETOOLONG, 0, path);
            dwi_io_error_detail(err, "the drop directory path is 4096 bytes or longer");
        }
        return DW_E_IO;
    }
    dw_drop *d = calloc(1, sizeof *d);
    if (!d)
        return DW_E_NOMEM;
    d->ops = ops;
    d->ctx = ctx;
    d->dirfd = DWI_FD_NONE;
    atomic_init(&d->group, NULL);
    d->opts = *opts;
    d->opts.name_prefix = NULL;
    d->opts.machine_name = NULL;
    atomic_init(&d->seq, 0);
    atomic_init(&d->record_next, 0);
    if (fault)
        d->fault = *fault;
    d->fault.version = DW_FAULT_VERSION;
    if (!fault)
        d->fault.op = DW_OP_NONE;
    atomic_init(&d->inject_left, d->fault.op == DW_OP_NONE ? 0 : d->fault.count);
    atomic_init(&d->publish_method, DW_PUBLISH_UNKNOWN);
    d->path = strdup(path);
    if (!d->path || (opts->name_prefix && !(d->prefix = strdup(opts->name_prefix)))) {
        drop_free(d);
        return DW_E_NOMEM;
    }
    d->opts.name_prefix = d->prefix;

    if (opts->naming == DW_NAMING_EXCHANGE) {
        char host[256];
        const char *m = opts->machine_name;
        if (!m) {
            if (ops->hostname(ctx, host, sizeof host) < 0 || !host[0])
                memcpy(host, "localhost", sizeof "localhost");
            m = host;
        }
        if (!set_machine(d, m)) {
            drop_free(d);
            if (err) {
                dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
                dwi_io_error_detail(err, "invalid machine name for Exchange naming");
            }
            return DW_E_INVAL;
        }
        d->opts.machine_name = d->machine;
    }

    int rc = ops->random(ctx, &d->salt, sizeof d->salt);
    if (rc < 0) {
        dw_status st = dwi_fail(d, err, DW_OP_OPEN_DIR, rc, NULL, 1);
        drop_free(d);
        return st;
    }
    /* Exchange record ids are large integers; start generated ones at a random point below 2^40 so two
     * handles rarely meet, and bump on collision anyway. */
    atomic_store(&d->record_next, 1 + (mix64(d->salt) >> 24));

    unsigned attempt = 0;
    dwi_fd dirfd = DWI_FD_NONE;
    do {
        attempt++;
        rc = dwi_inject(d, DW_OP_OPEN_DIR);
        if (!rc) {
            dirfd = ops->open_dir(ctx, path);
            rc = dirfd < 0 ? (int)dirfd : 0;
        }
    } while (rc < 0 && should_retry(d, rc, attempt));
    if (rc < 0) {
        /* A device-class failure to open a directory on a share is the server's (it died, the network broke). */
        d->remote = dw_class_from_errno(-rc) == DW_CLASS_PHYSICAL && ops->path_is_remote &&
                    ops->path_is_remote(ctx, path) > 0;
        dw_status st = dwi_fail(d, err, DW_OP_OPEN_DIR, rc, NULL, attempt);
        /* O_NOFOLLOW on a symlink: the symlink was refused, say so. */
        int e = dwi_err_errno(rc);
        if (err && e == ELOOP)
            dwi_io_error_detail(err, "the drop directory is a symlink (refused)");
        else if (err && e == ENOENT)
            dwi_io_error_detail(err, "the drop directory does not exist (it is never created automatically)");
        else if (err && e == ENOTDIR)
            dwi_io_error_detail(err, "the drop path is not a directory");
        drop_free(d);
        return st;
    }
    d->dirfd = dirfd;
    d->remote = ops->is_remote ? ops->is_remote(ctx, dirfd) > 0 : 0;

    if (opts->quota_bytes) {
        dw_status st = dwi_quota_open(d, err);
        if (st != DW_OK) {
            drop_free(d);
            return st;
        }
    }
    *out = d;
    return DW_OK;
}

dw_status dw_drop_open(dw_drop **out, const char *path, const dw_drop_options *opts, dw_io_error *err)
{
    return dwi_drop_open_ops(out, path, opts, &dwi_default_ops, NULL, err);
}

void dw_drop_close(dw_drop *drop)
{
    drop_free(drop);
}

const char *dw_drop_path(const dw_drop *drop)
{
    return drop ? drop->path : NULL;
}

dw_status dw_drop_create_dir(const char *path, unsigned mode, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!path || !*path || mode > 07777) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
        if (err)
            dwi_io_error_detail(err, mode > 07777 ? "mode out of range (0 to 07777)" : "no path");
        return DW_E_INVAL;
    }
    if (str_len_max(path, DW_IO_PATH_MAX) >= DW_IO_PATH_MAX) {
        dw_io_error_set(err, DW_OP_MKDIR, ENAMETOOLONG, 0, path);
        return DW_E_IO;
    }
    const dwi_ops *ops = &dwi_default_ops;
    int rc = ops->mkdir(NULL, path, mode ? mode : 0750);
    if (rc < 0 && dwi_err_errno(rc) == EEXIST) {
        /* Existing is fine only when it really is a directory (not a symlink to one, not a file). */
        dwi_fd fd = ops->open_dir(NULL, path);
        if (fd >= 0) {
            ops->close(NULL, fd);
            return DW_OK;
        }
        dwi_io_error_set_code(err, DW_OP_MKDIR, (int)fd, path);
        return DW_E_IO;
    }
    if (rc < 0) {
        dwi_io_error_set_code(err, DW_OP_MKDIR, rc, path);
        return DW_E_IO;
    }
    return DW_OK;
}

/* ---- streaming -------------------------------------------------------------------------------------- */

/* An undo (unlink) that failed: the file stays in the drop directory, and the caller is told which and why
 * (a file system that just went read-only refuses the clean-up too). ENOENT means it is gone anyway. The
 * first one is kept: it is the one the failure is about. */
static void note_left(dw_io_error *err, const char *name, int rc)
{
    if (!err || rc >= 0 || is_err(rc, ENOENT) || err->left_behind[0])
        return;
    (void)dwi_copy_out(name, strlen(name), err->left_behind, sizeof err->left_behind, NULL);
    err->left_errno = -rc;
}

/* A message whose final name exists (or may exist) although the call fails: the third outcome. */
static void note_uncertain(dw_io_error *err, const char *final)
{
    if (!err || err->outcome == DW_OUTCOME_UNCERTAIN)
        return;
    err->outcome = DW_OUTCOME_UNCERTAIN;
    (void)dwi_copy_out(final, strlen(final), err->published, sizeof err->published, NULL);
}

/* The outcome of a guarded write step, set last (dw_io_error_set() clears the whole record). A failed
 * step that did not publish anything is "not published"; `publishes`: success means published. */
static dw_status write_outcome(dw_status st, int publishes, dw_io_error *err)
{
    if (err) {
        if (st == DW_OK && publishes)
            err->outcome = DW_OUTCOME_DURABLE;
        else if (st != DW_OK && err->outcome != DW_OUTCOME_UNCERTAIN)
            err->outcome = DW_OUTCOME_NOT_PUBLISHED;
    }
    return st;
}

/* Remove the temporary file of a message (under the quota lock, giving back its reservation). */
static void discard_temp(dw_msg *m, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (m->fd != DWI_FD_NONE) {
        d->ops->close(d->ctx, m->fd);
        m->fd = DWI_FD_NONE;
    }
    if (!m->tmp[0])
        return;
    dw_io_error ignored;
    int locked = dwi_dirop_begin(d, &ignored) == DW_OK;
    /* Unlink failures are not injected here: cleanup must not be the step under test. */
    note_left(err, m->tmp, d->ops->unlink(d->ctx, d->dirfd, m->tmp));
    if (locked) {
        dwi_quota_release(d, m->reserved);
        dwi_dirop_end(d);
    }
    m->reserved = 0;
    m->tmp[0] = '\0';
}

/* Grow the quota reservation so that `size` bytes fit (streaming, or the size announced up front). The
 * temp file is extended to the reservation so that a rescan by any process counts it. */
static dw_status reserve_to(dw_msg *m, uint64_t size, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (!d->quota || size <= m->reserved)
        return DW_OK;
    uint64_t want = m->reserved + (size - m->reserved < RESERVE_STEP ? RESERVE_STEP : size - m->reserved);
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    st = dwi_quota_reserve(d, m->reserved, want - m->reserved, err);
    if (st != DW_OK && want > size) /* the rounded step did not fit: the exact size may */
        st = dwi_quota_reserve(d, m->reserved, (want = size) - m->reserved, err);
    if (st == DW_OK) {
        int rc = d->ops->ftruncate(d->ctx, m->fd, want);
        if (rc < 0) {
            /* Growing the temp file failed (EFBIG, ENOSPC): a write failure, not DropDirectoryQuota. */
            dwi_quota_release(d, want - m->reserved);
            st = dwi_fail(d, err, DW_OP_WRITE, rc, m->tmp, 1);
            dwi_io_error_detail(err, "extending the temporary file to its quota reservation failed");
        } else {
            m->reserved = want;
        }
    }
    dwi_dirop_end(d);
    return st;
}

static dw_status create_temp(dw_msg *m, uint64_t reserve, dw_io_error *err)
{
    dw_drop *d = m->drop;
    if (!d->quota)
        reserve = 0; /* nothing to account: no reservation, no extension of the temp file */
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    if (reserve) {
        st = dwi_quota_reserve(d, 0, reserve, err);
        if (st != DW_OK) {
            dwi_dirop_end(d);
            return st;
        }
    }
    unsigned attempt = 0, names = 0;
    int rc;
    dwi_fd fd = DWI_FD_NONE;
    for (;;) {
        attempt++;
        make_temp_name(d, m->tmp);
        rc = dwi_inject(d, DW_OP_CREATE);
        if (!rc) {
            fd = d->ops->create(d->ctx, d->dirfd, m->tmp, d->opts.file_mode);
            rc = fd < 0 ? (int)fd : 0;
        }
        if (rc < 0 && dwi_err_errno(rc) == EEXIST && ++names < NAME_ATTEMPTS) {
            attempt--;
            continue;
        }
        if (rc >= 0 || !should_retry(d, rc, attempt))
            break;
    }
    if (rc < 0) {
        dwi_quota_release(d, reserve);
        dwi_dirop_end(d);
        st = dwi_fail(d, err, DW_OP_CREATE, rc, m->tmp, attempt);
        m->tmp[0] = '\0';
        return st;
    }
    m->fd = fd;
    if (reserve) {
        rc = d->ops->ftruncate(d->ctx, m->fd, reserve);
        if (rc < 0) {
            st = dwi_fail(d, err, DW_OP_WRITE, rc, m->tmp, 1);
            dwi_io_error_detail(err, "extending the temporary file to its quota reservation failed");
            dwi_quota_release(d, reserve);
            d->ops->close(d->ctx, m->fd);
            m->fd = DWI_FD_NONE;
            note_left(err, m->tmp, d->ops->unlink(d->ctx, d->dirfd, m->tmp));
            m->tmp[0] = '\0';
            dwi_dirop_end(d);
            return st;
        }
        m->reserved = reserve;
    }
    dwi_dirop_end(d);
    return DW_OK;
}

/* Write all of buf at the current offset: short writes continue, transient errors back off and retry. */
static dw_status write_all(dw_msg *m, const unsigned char *p, size_t len, dw_io_error *err)
{
    dw_drop *d = m->drop;
    unsigned attempt = 0;
    while (len > 0) {
        size_t chunk = len;
        if (d->fault.short_write && chunk > d->fault.short_write)
            chunk = d->fault.short_write;
        attempt++;
        dwi_ssize n = dwi_inject(d, DW_OP_WRITE);
        if (!n)
            n = d->ops->write(d->ctx, m->fd, p, chunk);
        if (n > 0) {
            p += n;
            len -= (size_t)n;
            m->size += (uint64_t)n;
            attempt = 0;
            continue;
        }
        if (n == 0) /* no progress at all on a regular file: the device is not taking data */
            n = -EIO;
        if (!should_retry(d, (int)n, attempt))
            return dwi_fail(d, err, DW_OP_WRITE, (int)n, m->tmp, attempt);
    }
    return DW_OK;
}

/* Format the envelope for a MIME message of mime_len bytes into a new buffer (*len without the NUL). */
static dw_status format_envelope(const dw_envelope *env, uint64_t mime_len, char **out, size_t *len)
{
    size_t needed = 0;
    dw_status st = dw_envelope_format(env, mime_len, NULL, 0, &needed);
    if (st != DW_E_BUFFER)
        return st == DW_OK ? DW_E_ENVELOPE : st;
    char *buf = malloc(needed);
    if (!buf)
        return DW_E_NOMEM;
    st = dw_envelope_format(env, mime_len, buf, needed, NULL);
    if (st != DW_OK) {
        free(buf);
        return st;
    }
    *out = buf;
    *len = needed - 1;
    return DW_OK;
}

/* Create the temp file of `m` (quota reserved for the known size) and write the envelope first. With an
 * envelope whose X-EndOfInjectedXHeaders holds the MIME length, that length must be known now:
 * opts->expected_size (the MIME bytes the caller will write; checked at commit). */
static dw_status start_msg(dw_msg *m, dw_drop *d, const dw_msg_options *opts, uint64_t record_id, dw_io_error *err)
{
    m->drop = d;
    m->fd = DWI_FD_NONE;
    m->priority = opts->priority;
    m->record_id = record_id ? record_id : atomic_fetch_add(&d->record_next, 1);
    char *hdr = NULL;
    size_t hdr_len = 0;
    if (opts->envelope) {
        if (!dwi_envelope_complete(opts->envelope))
            return DW_E_ENVELOPE;
        m->check_mime = dwi_envelope_eoh_mode(opts->envelope) == DW_EOH_MIME_LENGTH;
        m->mime_expected = opts->expected_size;
        dw_status st = format_envelope(opts->envelope, opts->expected_size, &hdr, &hdr_len);
        if (st != DW_OK)
            return st;
    }
    if (opts->expected_size > UINT64_MAX - hdr_len) {
        free(hdr);
        dw_io_error_set(err, DW_OP_VALIDATE, EFBIG, 0, d->path);
        return DW_E_INVAL;
    }
    uint64_t reserve = opts->expected_size + hdr_len;
    dw_status st = create_temp(m, reserve, err);
    if (st == DW_OK && hdr_len) {
        st = write_all(m, (const unsigned char *)hdr, hdr_len, err);
        m->header_size = hdr_len;
        if (st != DW_OK)
            discard_temp(m, err);
    }
    free(hdr);
    return st;
}

static dw_status msg_begin(dw_drop *drop, dw_msg **out, const dw_msg_options *opts, dw_io_error *err)
{
    dw_msg_options defaults;
    if (!opts) {
        dw_msg_options_init(&defaults);
        opts = &defaults;
    }
    if ((unsigned)opts->priority > DW_PRIORITY_LOW || !dwi_version_ok(opts->version, DW_MSG_OPTIONS_VERSION)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        if (!dwi_version_ok(opts->version, DW_MSG_OPTIONS_VERSION))
            dwi_io_error_detail(err, "dw_msg_options.version unknown: initialise the options with "
                                     "dw_msg_options_init() or DW_MSG_OPTIONS_INIT");
        return DW_E_INVAL;
    }
    dw_msg *m = calloc(1, sizeof *m);
    if (!m)
        return DW_E_NOMEM;
    dw_status st = start_msg(m, drop, opts, opts->record_id, err);
    if (st != DW_OK) {
        free(m);
        return st;
    }
    *out = m;
    return DW_OK;
}

dw_status dw_msg_begin(dw_drop *drop, dw_msg **out, const dw_msg_options *opts, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (out)
        *out = NULL;
    if (!drop || !out) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return write_outcome(DW_E_INVAL, 0, err);
    }
    if (opts && opts->envelope && !opts->expected_size && dwi_envelope_complete(opts->envelope) &&
        dwi_envelope_eoh_mode(opts->envelope) == DW_EOH_MIME_LENGTH) {
        /* The envelope is written first and announces the MIME length: it must be known now, not at commit. */
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        dwi_io_error_detail(err, "an envelope announcing the MIME length needs dw_msg_options.expected_size "
                                 "(the MIME bytes that will be written), or dw_envelope_set_eoh_mode() "
                                 "with DW_EOH_HEADER_LENGTH");
        return write_outcome(DW_E_INVAL, 0, err);
    }
    return write_outcome(msg_begin(drop, out, opts, err), 0, err);
}

dw_status dw_msg_write(dw_msg *msg, const void *data, size_t len, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!msg || (!data && len)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, msg ? msg->drop->path : NULL);
        return DW_E_INVAL;
    }
    if (msg->failed || msg->fd == DWI_FD_NONE)
        return DW_E_STATE;
    if (len == 0)
        return DW_OK;
    if (len > UINT64_MAX - msg->size) {
        dw_io_error_set(err, DW_OP_VALIDATE, EFBIG, 0, msg->drop->path);
        return DW_E_INVAL;
    }
    dw_status st = reserve_to(msg, msg->size + len, err);
    if (st == DW_OK)
        st = write_all(msg, data, len, err);
    if (st != DW_OK) {
        discard_temp(msg, err);
        msg->failed = 1;
    }
    return write_outcome(st, 0, err);
}

uint64_t dw_msg_size(const dw_msg *msg)
{
    return msg ? msg->size : 0;
}

void dw_msg_abort(dw_msg *msg)
{
    if (!msg)
        return;
    discard_temp(msg, NULL);
    free(msg);
}

/* fsync + close the temp file. On failure the temp file is removed: a failed fsync is never retried
 * because the kernel may already have dropped the dirty pages and cleared the error ("fsyncgate"). */
static dw_status flush_and_close(dw_msg *m, int do_fsync, dw_io_error *err)
{
    dw_drop *d = m->drop;
    int rc;
    if (m->reserved > m->size) {
        /* The file was extended to its quota reservation; cut it back to the bytes written. */
        rc = d->ops->ftruncate(d->ctx, m->fd, m->size);
        if (rc < 0)
            return dwi_fail(d, err, DW_OP_WRITE, rc, m->tmp, 1);
    }
    if (do_fsync) {
        rc = dwi_inject(d, DW_OP_FSYNC);
        if (!rc)
            rc = d->ops->fsync(d->ctx, m->fd, 0);
        if (rc < 0)
            return dwi_fail(d, err, DW_OP_FSYNC, rc, m->tmp, 1);
    }
    /* Remember which file we wrote: publish() checks that the name it renames still refers to it. */
    dwi_stat sb;
    rc = d->ops->stat(d->ctx, m->fd, NULL, &sb);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_STAT, rc, m->tmp, 1);
    m->dev = sb.dev;
    m->ino = sb.ino;
    dwi_fd fd = m->fd;
    m->fd = DWI_FD_NONE;
    rc = dwi_inject(d, DW_OP_CLOSE);
    if (rc < 0)
        d->ops->close(d->ctx, fd); /* an injected close failure still releases the descriptor, like Linux */
    else
        rc = d->ops->close(d->ctx, fd);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_CLOSE, rc, m->tmp, 1);
    return DW_OK;
}

/* The publish step with the method the file system supports (see dw_publish_method), learnt once per
 * handle: file systems without no-replace rename and hard links go straight to the unique-name rename. */
static int rename_final(dw_drop *d, const char *tmp, const char *final)
{
    int rc;
    if (atomic_load(&d->publish_method) == DW_PUBLISH_UNIQUE_RENAME || !d->ops->rename_noreplace) {
        rc = d->ops->rename_unique(d->ctx, d->dirfd, tmp, final);
        if (rc >= 0)
            atomic_store(&d->publish_method, DW_PUBLISH_UNIQUE_RENAME);
        return rc;
    }
    rc = d->ops->rename_noreplace(d->ctx, d->dirfd, tmp, final);
    if (is_err(rc, EOPNOTSUPP) && d->ops->rename_unique) {
        rc = d->ops->rename_unique(d->ctx, d->dirfd, tmp, final);
        if (rc >= 0)
            atomic_store(&d->publish_method, DW_PUBLISH_UNIQUE_RENAME);
        return rc;
    }
    if (rc >= 0)
        atomic_store(&d->publish_method, rc == 1 ? DW_PUBLISH_LINK : DW_PUBLISH_RENAME_NOREPLACE);
    return rc;
}

dw_publish_method dw_drop_publish_method(const dw_drop *drop)
{
    return drop ? (dw_publish_method)atomic_load(&((dw_drop *)drop)->publish_method) : DW_PUBLISH_UNKNOWN;
}

const char *dw_publish_method_name(dw_publish_method method)
{
    static const char *const names[] = {"unknown", "rename-noreplace", "link", "unique-rename"};
    return (unsigned)method < sizeof names / sizeof names[0] ? names[method] : "unknown";
}

/* Rename the (closed) temp file to a new final name, never replacing anything. Under the quota lock. */
static dw_status publish(dw_msg *m, const char *fixed_name, char *final, dw_io_error *err)
{
    dw_drop *d = m->drop;
    dw_status st = dwi_dirop_begin(d, err);
    if (st != DW_OK)
        return st;
    unsigned attempt = 0, names = 0;
    /* The ledger's dirty mark reaches the disk before the rename can (lib/quota.h; tests/powerloss). */
    int rc = dwi_quota_flush_mark(d);
    if (rc < 0) {
        st = dwi_fail(d, err, DW_OP_QUOTA, rc, DWI_LEDGER_NAME, 1);
        note_left(err, m->tmp, d->ops->unlink(d->ctx, d->dirfd, m->tmp));
        dwi_quota_release(d, m->reserved);
        m->reserved = 0;
        m->tmp[0] = '\0';
        dwi_dirop_end(d);
        return st;
    }
    for (;;) {
        attempt++;
        if (fixed_name)
            (void)dwi_copy_out(fixed_name, strlen(fixed_name), final, DWI_NAME_BUF, NULL);
        else
            make_final_name(d, m, final);
        rc = dwi_inject(d, DW_OP_RENAME);
        if (!rc)
            rc = rename_final(d, m->tmp, final);
        if (rc < 0 && dwi_err_errno(rc) == EEXIST && !fixed_name && ++names < NAME_ATTEMPTS) {
            /* Someone holds that name: Exchange naming moves to the next record id, unique naming to the
             * next sequence number (make_final_name draws it). */
            if (d->opts.naming == DW_NAMING_EXCHANGE)
                m->record_id++;
            attempt--;
            continue;
        }
        if (rc >= 0 || !should_retry(d, rc, attempt))
            break;
    }
    if (rc >= 0) {
        /* The rename works on a name. If someone with write access to the directory swapped our temp
         * name for a symlink (to /etc/passwd, say) or another file, we just published that under a
         * ".eml" name for the gateway to read: take it back and refuse. */
        dwi_stat sb;
        int src = d->ops->stat(d->ctx, d->dirfd, final, &sb);
        /* ENOENT: the gateway already took the file (it was published); only a different file refuses. */
        if ((src < 0 && dwi_err_errno(src) != ENOENT) ||
            (src == 0 && (sb.is_link || sb.dev != m->dev || sb.ino != m->ino))) {
            int u = d->ops->unlink(d->ctx, d->dirfd, final);
            st = dwi_fail(d, err, DW_OP_RENAME, -ELOOP, final, attempt);
            dwi_io_error_detail(err, "the temporary file was replaced before it was published (refused)");
            note_left(err, final, u);
            rc = -ELOOP;
        }
    } else {
        st = dwi_fail(d, err, DW_OP_RENAME, rc, final, attempt);
        int u = d->ops->unlink(d->ctx, d->dirfd, m->tmp);
        note_left(err, m->tmp, u);
        /* A failed rename on a network share may still have happened on the server (the reply was lost).
         * If the temporary name is gone, or its state cannot be learned, the message may be published
         * under the final name: say so rather than "not published", which would invite a duplicate. */
        if (!is_err(rc, EEXIST) && u < 0) {
            dwi_stat sb;
            int f = d->ops->stat(d->ctx, d->dirfd, final, &sb);
            int ours = f == 0 && ((sb.dev == m->dev && sb.ino == m->ino) || is_err(u, ENOENT));
            if (ours || (f < 0 && !is_err(f, ENOENT)) || (is_err(f, ENOENT) && is_err(u, ENOENT)))
                note_uncertain(err, final);
        }
    }
    if (rc < 0)
        dwi_quota_release(d, m->reserved);
    else
        dwi_quota_publish(d, m->reserved, m->size);
    m->reserved = 0;
    m->tmp[0] = '\0';
    dwi_dirop_end(d);
    return st;
}

/* Withdraw published messages again (after a failed directory fsync). A message whose unlink fails stays
 * published (durability unknown), and so does one that is already gone (ENOENT: the consumer took it):
 * both are the third outcome, never "not published". Returns how many stay published. */
static size_t unpublish(dw_drop *d, const char *finals, size_t stride, const uint64_t *sizes, size_t n,
                        dw_io_error *err)
{
    dw_io_error ignored;
    int locked = dwi_dirop_begin(d, &ignored) == DW_OK;
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = finals + i * stride;
        int rc = d->ops->unlink(d->ctx, d->dirfd, name);
        if (rc < 0) {
            kept++;
            note_uncertain(err, name);
            note_left(err, name, rc);
        }
        if (locked && (rc == 0 || is_err(rc, ENOENT)))
            dwi_quota_unpublish(d, sizes[i]);
    }
    if (locked)
        dwi_dirop_end(d);
    return kept;
}

/* The directory is fsynced after the rename: without it the new name may not survive a power loss. If
 * that fails the message is withdrawn again (unlinked), so a failure never leaves a file the caller
 * will deliver a second time. */
static dw_status sync_dir(dw_drop *d, const char *final, uint64_t size, dw_io_error *err)
{
    if (d->opts.durability != DW_DURABLE_FULL)
        return DW_OK;
    int rc = dwi_group_sync_dir(d); /* group commit: one directory fsync may cover several writers */
    if (rc >= 0)
        return DW_OK;
    dw_status st = dwi_fail(d, err, DW_OP_DIR_FSYNC, rc, final, 1);
    unpublish(d, final, DWI_NAME_BUF, &size, 1, err);
    return st;
}

dw_status dwi_msg_commit_as(dw_msg *msg, const char *final_name, char *name_out, size_t size, size_t *needed,
                            dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!msg) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return write_outcome(DW_E_INVAL, 1, err);
    }
    dw_drop *d = msg->drop;
    dw_status st = DW_OK;
    /* The name buffer is checked first: once published, a message must not be reported as failed. */
    if (!name_out && size) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, d->path);
        st = DW_E_INVAL;
    } else if (size && size < DW_FILE_NAME_MAX) {
        if (needed)
            *needed = DW_FILE_NAME_MAX;
        st = DW_E_BUFFER;
    } else if (msg->failed || msg->fd == DWI_FD_NONE) {
        st = DW_E_STATE;
    } else if (msg->check_mime && msg->size - msg->header_size != msg->mime_expected) {
        /* X-EndOfInjectedXHeaders already announced another MIME length: publishing would lie. */
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, d->path);
        dwi_io_error_detail(err, "the MIME bytes written differ from expected_size announced in the envelope");
        st = DW_E_STATE;
    }
    if (st != DW_OK) {
        dw_msg_abort(msg);
        return write_outcome(st, 1, err);
    }
    char final[DWI_NAME_BUF];
    st = flush_and_close(msg, d->opts.durability == DW_DURABLE_FULL, err);
    if (st == DW_OK)
        st = publish(msg, final_name, final, err);
    if (st == DW_OK)
        st = sync_dir(d, final, msg->size, err);
    if (st != DW_OK) {
        discard_temp(msg, err); /* no-op when publish already consumed the temp */
        free(msg);
        return write_outcome(st, 1, err);
    }
    free(msg);
    (void)write_outcome(DW_OK, 1, err);
    if (size)
        return dwi_copy_out(final, strlen(final), name_out, size, needed);
    if (needed)
        *needed = strlen(final) + 1;
    return DW_OK;
}

dw_status dw_msg_commit(dw_msg *msg, char *name_out, size_t size, size_t *needed, dw_io_error *err)
{
    return dwi_msg_commit_as(msg, NULL, name_out, size, needed, err);
}

/* ---- one-shot ---------------------------------------------------------------------------------------- */

/* Common checks of the one-shot calls (the name buffer is checked before anything is written), and the
 * message options to use. */
static dw_status one_shot_args(dw_drop *drop, int bad_source, const dw_msg_options *opts, const char *name_out,
                               size_t size, size_t *needed, dw_msg_options *o, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!drop || bad_source || (!name_out && size)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop ? drop->path : NULL);
        return DW_E_INVAL;
    }
    if (size && size < DW_FILE_NAME_MAX) {
        if (needed)
            *needed = DW_FILE_NAME_MAX;
        return DW_E_BUFFER;
    }
    if (opts)
        *o = *opts;
    else
        dw_msg_options_init(o);
    return DW_OK;
}

dw_status dw_drop_write(dw_drop *drop, const void *data, size_t len, const dw_msg_options *opts, char *name_out,
                        size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !data && len, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return write_outcome(st, 1, err);
    /* The size is known: the quota is checked before the temp file exists. */
    o.expected_size = len;
    dw_msg *m;
    st = msg_begin(drop, &m, &o, err);
    if (st != DW_OK)
        return write_outcome(st, 1, err);
    st = dw_msg_write(m, data, len, err);
    if (st != DW_OK) {
        dw_msg_abort(m);
        return write_outcome(st, 1, err);
    }
    return dw_msg_commit(m, name_out, size, needed, err);
}

/* A source of a one-shot copy: a handle read through the ops table, or the caller's callback. */
typedef struct copy_src {
    dwi_fd fd;
    dw_read_fn fn;
    void *user;
} copy_src;

static dwi_ssize src_read(dw_drop *d, const copy_src *src, void *buf, size_t len)
{
    if (!src->fn)
        return d->ops->read(d->ctx, src->fd, buf, len);
    size_t got = 0;
    int e = src->fn(src->user, buf, len, &got);
    if (e)
        return e > 0 ? -e : -EIO;
    return got > len ? -EINVAL : (dwi_ssize)got;
}

/* Copy a source into a new message until it reports the end. known_size: the source's size when it is a
 * regular file (announced to an envelope that carries the MIME length), else -1. */
static dw_status write_from(dw_drop *drop, const copy_src *src, int64_t known_size, const char *src_path,
                            const dw_msg_options *o_in, char *name_out, size_t size, size_t *needed,
                            dw_io_error *err)
{
    dw_msg_options o = *o_in;
    if (o.envelope && !o.expected_size && dwi_envelope_eoh_mode(o.envelope) == DW_EOH_MIME_LENGTH) {
        /* The envelope announces the MIME length: take it from a regular file (read from its start). */
        if (known_size < 0) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
            dwi_io_error_detail(err, "an envelope with the MIME length needs expected_size for this source");
            return write_outcome(DW_E_INVAL, 1, err);
        }
        o.expected_size = (uint64_t)known_size;
    }
    unsigned char *buf = malloc(COPY_BUF);
    if (!buf)
        return write_outcome(DW_E_NOMEM, 1, err);
    dw_msg *m;
    dw_status st = msg_begin(drop, &m, &o, err);
    if (st != DW_OK) {
        free(buf);
        return write_outcome(st, 1, err);
    }
    unsigned attempt = 0;
    for (;;) {
        attempt++;
        dwi_ssize n = dwi_inject(drop, DW_OP_READ);
        if (!n)
            n = src_read(drop, src, buf, COPY_BUF);
        if (n == 0)
            break;
        if (n < 0) {
            if (should_retry(drop, (int)n, attempt))
                continue;
            dwi_io_error_set_code(err, DW_OP_READ, (int)n, src_path);
            if (err)
                err->attempts = attempt;
            st = DW_E_IO;
            break;
        }
        attempt = 0;
        st = dw_msg_write(m, buf, (size_t)n, err);
        if (st != DW_OK)
            break;
    }
    free(buf);
    if (st != DW_OK) {
        discard_temp(m, err);
        free(m);
        return write_outcome(st, 1, err);
    }
    return dw_msg_commit(m, name_out, size, needed, err);
}

/* The size of a regular file behind fd, or -1. */
static int64_t regular_size(dw_drop *drop, dwi_fd fd)
{
    dwi_stat sb;
    if (drop->ops->stat(drop->ctx, fd, NULL, &sb) < 0 || !sb.is_reg)
        return -1;
    return (int64_t)sb.size;
}

#ifndef _WIN32
dw_status dw_drop_write_fd(dw_drop *drop, int fd, const dw_msg_options *opts, char *name_out, size_t size,
                           size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, fd < 0, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return write_outcome(st, 1, err);
    copy_src src = {fd, NULL, NULL};
    int64_t known = -1;
    if (o.envelope && !o.expected_size && dwi_envelope_eoh_mode(o.envelope) == DW_EOH_MIME_LENGTH)
        known = regular_size(drop, fd);
    return write_from(drop, &src, known, NULL, &o, name_out, size, needed, err);
}
#endif

dw_status dw_drop_write_file(dw_drop *drop, const char *path, const dw_msg_options *opts, char *name_out,
                             size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !path || !*path, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return write_outcome(st, 1, err);
    dwi_fd fd = drop->ops->open_path_read(drop->ctx, path);
    if (fd < 0) {
        dwi_io_error_set_code(err, DW_OP_READ, (int)fd, path);
        return write_outcome(DW_E_IO, 1, err);
    }
    copy_src src = {fd, NULL, NULL};
    st = write_from(drop, &src, regular_size(drop, fd), path, &o, name_out, size, needed, err);
    drop->ops->close(drop->ctx, fd);
    return st;
}

dw_status dw_drop_write_cb(dw_drop *drop, dw_read_fn read, void *user, const dw_msg_options *opts, char *name_out,
                           size_t size, size_t *needed, dw_io_error *err)
{
    dw_msg_options o;
    dw_status st = one_shot_args(drop, !read, opts, name_out, size, needed, &o, err);
    if (st != DW_OK)
        return write_outcome(st, 1, err);
    copy_src src = {DWI_FD_NONE, read, user};
    return write_from(drop, &src, -1, NULL, &o, name_out, size, needed, err);
}

/* ---- batch ------------------------------------------------------------------------------------------- */

/* Files kept open at once by a batch (bounded so a big batch cannot run out of descriptors). */
#define BATCH_GROUP 256

typedef struct batch_item {
    dw_msg m;
    char final[DWI_NAME_BUF];
} batch_item;

/* Flush every temp file of a group at once: syncfs of the drop directory's file system (one journal
 * commit instead of one per file), or an fsync per file where syncfs is not available. A failure is final
 * for the whole group, like a failed fsync. */
static dw_status sync_group(dw_drop *d, batch_item *items, size_t n, dw_io_error *err)
{
    int rc = dwi_inject(d, DW_OP_FSYNC);
    if (!rc)
        rc = d->ops->syncfs(d->ctx, d->dirfd);
    if (rc < 0 && (dwi_err_errno(rc) == ENOSYS || dwi_err_errno(rc) == EINVAL || dwi_err_errno(rc) == ENOTSUP)) {
        rc = 0;
        for (size_t i = 0; i < n && rc >= 0; i++)
            rc = d->ops->fsync(d->ctx, items[i].m.fd, 0);
    }
    return rc < 0 ? dwi_fail(d, err, DW_OP_FSYNC, rc, NULL, 1) : DW_OK;
}

static dw_status batch_group(dw_drop *d, const void *const *bufs, const size_t *lens, size_t n,
                             const dw_msg_options *opts, char *names, size_t stride, size_t *done, dw_io_error *err)
{
    batch_item *items = calloc(n, sizeof *items);
    uint64_t *sizes = calloc(n, sizeof *sizes);
    char *finals = malloc(n * DWI_NAME_BUF);
    if (!items || !sizes || !finals) {
        free(items);
        free(sizes);
        free(finals);
        return DW_E_NOMEM;
    }
    size_t opened = 0, published = 0;
    dw_status st = DW_OK;
    /* 1. every message into its own temp file (quota reserved per message before it is created) */
    for (; opened < n && st == DW_OK; opened++) {
        dw_msg *m = &items[opened].m;
        dw_msg_options mo = *opts;
        mo.expected_size = lens[opened];
        st = start_msg(m, d, &mo, opts->record_id ? opts->record_id + opened : 0, err);
        if (st == DW_OK)
            st = write_all(m, bufs[opened], lens[opened], err);
        else
            break;
    }
    /* Exchange's quota rule stops before the message after the one that crossed the line: the messages
     * already accepted are still published, and the refusal is reported afterwards. */
    dw_io_error refusal;
    int refused = st == DW_E_IO && opened > 0 && d->opts.quota_mode == DW_QUOTA_EXCHANGE && err &&
                  err->op == DW_OP_QUOTA && err->io_class == DW_CLASS_CAPACITY;
    if (refused) {
        refusal = *err;
        st = DW_OK;
    }
    /* 2. one flush for the group, then close */
    int durable = d->opts.durability == DW_DURABLE_FULL;
    if (st == DW_OK && durable)
        st = sync_group(d, items, opened, err);
    for (size_t i = 0; i < opened && st == DW_OK; i++)
        st = flush_and_close(&items[i].m, 0, err);
    /* 3. publish each under its own final name */
    for (; published < opened && st == DW_OK; published++) {
        sizes[published] = items[published].m.size;
        st = publish(&items[published].m, NULL, finals + published * DWI_NAME_BUF, err);
        if (st != DW_OK)
            break;
    }
    /* whatever was not published is removed */
    for (size_t i = 0; i < opened; i++)
        discard_temp(&items[i].m, err);
    /* 4. one directory fsync makes every new name durable; if it fails, none of this group stays */
    if (published && durable) {
        int rc = dwi_inject(d, DW_OP_DIR_FSYNC);
        if (!rc)
            rc = d->ops->fsync(d->ctx, d->dirfd, 0);
        if (rc < 0) {
            dw_status s2 = dwi_fail(d, err, DW_OP_DIR_FSYNC, rc, NULL, 1);
            size_t kept = unpublish(d, finals, DWI_NAME_BUF, sizes, published, err);
            if (kept && err) {
                dwi_out o;
                dwi_out_init(&o, err->detail, sizeof err->detail);
                dwi_out_u64(&o, kept);
                dwi_out_str(&o, " of the ");
                dwi_out_u64(&o, published);
                dwi_out_str(&o, " messages of this group stay published (durability unknown; first in `published`)");
                (void)dwi_out_finish(&o, NULL);
            }
            published = 0;
            st = s2;
        }
    }
    for (size_t i = 0; names && i < published; i++)
        (void)dwi_copy_out(finals + i * DWI_NAME_BUF, strlen(finals + i * DWI_NAME_BUF), names + i * stride, stride,
                           NULL);
    *done += published;
    free(items);
    free(sizes);
    free(finals);
    if (st == DW_OK && refused) {
        *err = refusal;
        return DW_E_IO;
    }
    return st;
}

dw_status dw_drop_write_batch(dw_drop *drop, const void *const *bufs, const size_t *lens, size_t count,
                              const dw_msg_options *opts, char *names, size_t name_stride, size_t *done,
                              dw_io_error *err)
{
    dw_io_error_clear(err);
    if (done)
        *done = 0;
    if (!drop || (count && (!bufs || !lens))) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop ? drop->path : NULL);
        return write_outcome(DW_E_INVAL, 1, err);
    }
    for (size_t i = 0; i < count; i++)
        if (!bufs[i] && lens[i]) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
            return write_outcome(DW_E_INVAL, 1, err);
        }
    if (names && name_stride < DW_FILE_NAME_MAX)
        return write_outcome(DW_E_BUFFER, 1, err);
    dw_msg_options o;
    if (opts)
        o = *opts;
    else
        dw_msg_options_init(&o);
    if ((unsigned)o.priority > DW_PRIORITY_LOW || !dwi_version_ok(o.version, DW_MSG_OPTIONS_VERSION)) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, drop->path);
        return write_outcome(DW_E_INVAL, 1, err);
    }
    size_t published = 0;
    dw_status st = DW_OK;
    for (size_t at = 0; at < count && st == DW_OK; at += BATCH_GROUP) {
        size_t n = count - at < BATCH_GROUP ? count - at : BATCH_GROUP;
        if (o.record_id && at)
            o.record_id = opts->record_id + at;
        st = batch_group(drop, bufs + at, lens + at, n, &o, names ? names + at * name_stride : NULL, name_stride,
                         &published, err);
    }
    if (done)
        *done = published;
    /* On failure the outcome is that of the messages after the first *done (not published, or uncertain). */
    return write_outcome(st, 1, err);
}

/* ---- listing: usage, sweep --------------------------------------------------------------------------- */

dw_status dwi_scan(dw_drop *d, int64_t stale_before_ns, int remove_stale, dwi_scan_result *res, dw_io_error *err)
{
    memset(res, 0, sizeof *res);
    dwi_dir *dir = NULL;
    int rc = dwi_inject(d, DW_OP_SCAN);
    if (!rc)
        rc = d->ops->dir_open(d->ctx, d->dirfd, &dir);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_SCAN, rc, NULL, 1);
    const char *name;
    while ((rc = d->ops->dir_next(d->ctx, dir, &name)) > 0) {
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, DWI_LEDGER_NAME) == 0)
            continue;
        dwi_stat st;
        /* Vanished between readdir and stat (the consumer took it): simply not counted. */
        if (d->ops->stat(d->ctx, d->dirfd, name, &st) < 0 || !st.is_reg)
            continue;
        if (!dwi_is_temp_name(name)) {
            res->used_bytes += st.size;
            res->files++;
            continue;
        }
        if (stale_before_ns && st.mtime_sec * 1000000000 + st.mtime_nsec < stale_before_ns) {
            res->stale_temps++;
            if (remove_stale) {
                int u = dwi_inject(d, DW_OP_UNLINK);
                if (!u)
                    u = d->ops->unlink(d->ctx, d->dirfd, name);
                if (u == 0 || dwi_err_errno(u) == ENOENT)
                    continue;
                dw_status s = dwi_fail(d, err, DW_OP_UNLINK, u, name, 1);
                d->ops->dir_close(d->ctx, dir);
                return s;
            }
        }
        res->temp_bytes += st.size;
        res->temp_files++;
    }
    d->ops->dir_close(d->ctx, dir);
    if (rc < 0)
        return dwi_fail(d, err, DW_OP_SCAN, rc, NULL, 1);
    return DW_OK;
}

int64_t dwi_stale_cutoff_ns(dw_drop *d, unsigned max_age_seconds)
{
    int64_t sec = 0, nsec = 0;
    if (d->ops->now(d->ctx, &sec, &nsec) < 0)
        return 1; /* no clock: nothing counts as stale rather than everything */
    int64_t cut = (sec - (int64_t)max_age_seconds) * 1000000000 + nsec;
    return cut > 0 ? cut : 1;
}

dw_status dw_drop_sweep(dw_drop *drop, unsigned max_age_seconds, uint64_t *removed, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (removed)
        *removed = 0;
    if (!drop) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    /* "Older than max_age" means mtime < now - max_age: a file of exactly that age is kept. */
    dwi_scan_result res;
    dw_status st = dwi_scan(drop, dwi_stale_cutoff_ns(drop, max_age_seconds), 1, &res, err);
    if (removed)
        *removed = res.stale_temps;
    return st;
}

dw_status dw_drop_usage(dw_drop *drop, uint64_t *bytes, uint64_t *files, dw_io_error *err)
{
    dw_io_error_clear(err);
    if (!drop) {
        dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, NULL);
        return DW_E_INVAL;
    }
    dwi_scan_result res;
    dw_status st = dwi_scan(drop, 0, 0, &res, err);
    if (st == DW_OK) {
        if (bytes)
            *bytes = res.used_bytes;
        if (files)
            *files = res.files;
    }
    return st;
}
