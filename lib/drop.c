/* SPDX-License-Identifier: MIT */
/*
 * drop.c - the drop handle: options, open and close, creating a drop directory.
 */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch/name.h"
#include "guard_internal.h"
#include "group_commit.h"
#include "internal.h"
#include "quota.h"

#define STR_(x) #x
#define STR(x) STR_(x)


void dw_drop_options_init(dw_drop_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->version = DW_DROP_OPTIONS_VERSION; /* quota_bytes 0 (unlimited) and the rest zero: the memset */
    opts->retry_max = DW_RETRY_MAX_DEFAULT;
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

/* The caller's options in this library's layout: only the fields of the caller's version are read (a
 * version-1 struct ends before temp_dir), the others keep their defaults. When the version is unknown only
 * `version` is read (invalid_option then refuses it). */
static void drop_options_copy(dw_drop_options *dst, const dw_drop_options *src)
{
    dw_drop_options_init(dst);
    if (!dwi_version_ok(src->version, DW_DROP_OPTIONS_VERSION)) {
        dst->version = src->version;
        return;
    }
    /* A version-1 struct ends before temp_dir (its size is at least this offset on every ABI). */
    memcpy(dst, src, src->version == 1 ? offsetof(dw_drop_options, temp_dir) : sizeof *dst);
}

/* ---- open / close ----------------------------------------------------------------------------------- */

/* An absolute path on this platform ('/' on POSIX; on Windows also "\\server", "\\x" and "C:\"). */
static int path_absolute(const char *p)
{
#ifdef _WIN32
    int drive = (p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z' && p[1] == ':';
    if (p[0] == '\\' || (drive && (p[2] == '\\' || p[2] == '/')))
        return 1;
#endif
    return p[0] == '/';
}

/* What is wrong with a dw_drop_options.temp_dir value, or NULL. A relative value is a single name inside
 * the drop directory, judged as a DropDirectory value is (dw_name_validate: no separator, since a further
 * component could be a symlink the handle would follow; no "." or ".."; nothing Windows refuses or
 * rewrites, such as CON or a trailing dot) and at most NAME_MAX (255) bytes. */
static const char *invalid_temp_dir(const char *t)
{
    if (!t || !*t)
        return NULL;
    if (path_absolute(t))
        return dwi_str_len_max(t, DW_IO_PATH_MAX) >= DW_IO_PATH_MAX ? "temp_dir too long (4096 bytes or more)" : NULL;
    if (dw_name_validate(t, NULL) != DW_OK || dwi_str_len_max(t, 255) > 255)
        return "temp_dir invalid (an absolute directory on the drop directory's file system, or the name of one "
               "subdirectory, valid as a DropDirectory value is (dw_name_validate): no '/', '\\', ':', \".\", "
               "\"..\", device name such as CON or trailing dot; at most 255 bytes)";
    return NULL;
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
    if (o->name_prefix && !dwi_valid_prefix(o->name_prefix))
        return "name_prefix invalid (letters, digits, '-', '_' and '.', not first, at most " STR(DWI_PREFIX_MAX)
               " bytes)";
    return invalid_temp_dir(o->temp_dir);
}

dw_status dw_drop_options_check(const dw_drop_options *opts, dw_io_error *err)
{
    dw_io_error_clear(err);
    dw_drop_options copy;
    if (opts)
        drop_options_copy(&copy, opts);
    const char *why = opts ? invalid_option(&copy) : "no options";
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
    if (d->tmpfd != DWI_FD_NONE && d->tmpfd != d->dirfd)
        d->ops->close(d->ctx, d->tmpfd);
    if (d->dirfd != DWI_FD_NONE)
        d->ops->close(d->ctx, d->dirfd);
    free(d->path);
    free(d->tmp_path);
    free(d->prefix);
    free(d->temp_dir);
    free(d);
}

/* 1 when temp_dir's descriptor is on another mount than the drop directory's; 0 when the same or unknown. */
static int other_mount(const dw_drop *d, dwi_fd tmpfd)
{
    uint64_t a, b;
    return d->ops->mount_id && d->ops->mount_id(d->ctx, d->dirfd, &a) == 0 &&
           d->ops->mount_id(d->ctx, tmpfd, &b) == 0 && a != b;
}

/* Open dw_drop_options.temp_dir beside the open drop directory: symlink-safe like the drop directory
 * itself, and on the same file system (the publishing rename cannot cross file systems, and the batch's
 * syncfs of the drop directory's file system then flushes the temporary files too). */
static dw_status open_temp_dir(dw_drop *d, dw_io_error *err)
{
    const char *t = d->temp_dir;
    int relative = !path_absolute(t);
    size_t n = strlen(d->path), tn = strlen(t);
    d->tmp_path = malloc(relative ? n + 1 + tn + 1 : tn + 1);
    if (!d->tmp_path)
        return DW_E_NOMEM;
    if (relative) {
        memcpy(d->tmp_path, d->path, n);
        if (n && d->path[n - 1] != '/' && d->path[n - 1] != DWI_PATH_SEP)
            d->tmp_path[n++] = DWI_PATH_SEP;
        memcpy(d->tmp_path + n, t, tn + 1);
    } else {
        memcpy(d->tmp_path, t, tn + 1);
    }
    if (relative && !d->ops->open_subdir) {
        dw_io_error_set(err, DW_OP_OPEN_DIR, ENOSYS, 0, d->tmp_path);
        return DW_E_UNSUPPORTED;
    }
    unsigned attempt = 0;
    dwi_fd fd;
    int rc;
    do {
        attempt++;
        fd = relative ? (dwi_fd)d->ops->open_subdir(d->ctx, d->dirfd, t) : d->ops->open_dir(d->ctx, t);
        rc = fd < 0 ? (int)fd : 0;
    } while (rc < 0 && dwi_should_retry(d, rc, attempt));
    const char *why = NULL;
    dwi_stat ds, ts;
    if (rc < 0) {
        int e = dwi_err_errno(rc);
        why = e == ELOOP     ? DWI_TEMP_DIR_DETAIL "is a symlink (refused)"
              : e == ENOENT  ? DWI_TEMP_DIR_DETAIL "does not exist (it is never created automatically)"
              : e == ENOTDIR ? DWI_TEMP_DIR_DETAIL "is not a directory"
                             : DWI_TEMP_DIR_DETAIL "cannot be opened";
    } else {
        d->tmpfd = fd;
        if ((rc = d->ops->stat(d->ctx, d->dirfd, NULL, &ds)) >= 0 && (rc = d->ops->stat(d->ctx, fd, NULL, &ts)) >= 0) {
            if (ds.dev != ts.dev) {
                rc = -EXDEV;
                why = DWI_TEMP_DIR_DETAIL "is on another file system than the drop directory (a rename cannot cross "
                      "file systems)";
            } else if (ds.ino == ts.ino) {
                rc = -EINVAL;
                why = DWI_TEMP_DIR_DETAIL "is the drop directory itself (leave temp_dir empty for that)";
            } else if (other_mount(d, fd)) {
                rc = -EXDEV;
                why = DWI_TEMP_DIR_DETAIL "is on another mount of the drop directory's file system (a bind "
                                          "mount: a rename cannot cross mount points)";
            }
        } else {
            why = DWI_TEMP_DIR_DETAIL "cannot be examined";
        }
    }
    if (rc >= 0)
        return DW_OK;
    dw_status st = dwi_fail_tmp(d, err, DW_OP_OPEN_DIR, rc, NULL, attempt);
    dwi_io_error_detail(err, why);
    return st;
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
    /* Read only the fields the caller's version has (doc/abi.md). */
    dw_drop_options copy;
    if (opts)
        drop_options_copy(&copy, opts);
    else
        dw_drop_options_init(&copy);
    opts = &copy;
    const char *bad_option = invalid_option(opts);
    if (!out || !path || !ops || !*path || bad_option || !valid_fault(fault)) {
        if (err) {
            dw_io_error_set(err, DW_OP_VALIDATE, EINVAL, 0, path);
            dwi_io_error_detail(err, bad_option ? bad_option : "invalid argument");
        }
        return DW_E_INVAL;
    }
    if (dwi_str_len_max(path, DW_IO_PATH_MAX) >= DW_IO_PATH_MAX) {
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
    d->tmpfd = DWI_FD_NONE;
    atomic_init(&d->group, NULL);
    d->opts = *opts;
    d->opts.name_prefix = NULL;
    d->opts.machine_name = NULL;
    d->opts.temp_dir = NULL;
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
    if (!d->path || (opts->name_prefix && !(d->prefix = strdup(opts->name_prefix))) ||
        (opts->temp_dir && *opts->temp_dir && !(d->temp_dir = strdup(opts->temp_dir)))) {
        drop_free(d);
        return DW_E_NOMEM;
    }
    d->opts.name_prefix = d->prefix;
    d->opts.temp_dir = d->temp_dir;

    if (opts->naming == DW_NAMING_EXCHANGE) {
        char host[256];
        const char *m = opts->machine_name;
        if (!m) {
            if (ops->hostname(ctx, host, sizeof host) < 0 || !host[0])
                memcpy(host, "localhost", sizeof "localhost");
            m = host;
        }
        if (!dwi_set_machine(d, m)) {
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
    atomic_store(&d->record_next, 1 + (dwi_mix64(d->salt) >> 24));

    unsigned attempt = 0;
    dwi_fd dirfd = DWI_FD_NONE;
    do {
        attempt++;
        rc = dwi_inject(d, DW_OP_OPEN_DIR);
        if (!rc) {
            dirfd = ops->open_dir(ctx, path);
            rc = dirfd < 0 ? (int)dirfd : 0;
        }
    } while (rc < 0 && dwi_should_retry(d, rc, attempt));
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
    d->tmpfd = dirfd;
    d->remote = ops->is_remote ? ops->is_remote(ctx, dirfd) > 0 : 0;
    if (d->temp_dir) {
        dw_status st = open_temp_dir(d, err);
        if (st != DW_OK) {
            drop_free(d);
            return st;
        }
    }

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
    if (dwi_str_len_max(path, DW_IO_PATH_MAX) >= DW_IO_PATH_MAX) {
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
