/* SPDX-License-Identifier: MIT */
/*
 * dropwatch_csharp.i - SWIG interface for the C# binding of libdropwatch.
 *
 *   swig -csharp -namespace DropWatch.Native -dllimport dropwatch_csharp dropwatch_csharp.i
 *
 * The generated classes are internal plumbing: the hand-written layer (DropWatch/*.cs) is the public .NET
 * API. Everything crosses the boundary as plain values (status codes, structs, byte arrays) and the managed
 * layer throws after the native call returns: an exception thrown inside a native->managed callback kills
 * the process on .NET for Linux, so the glue sets no pending exceptions at all.
 */
%module DropWatchNative

%include <stdint.i>
%include <typemaps.i>
%include <arrays_csharp.i>

/* SWIG 4.1 maps size_t, long and unsigned long to 32-bit C# types (fixed only in 4.2): sizes, quotas and
 * byte counts must stay 64-bit end to end. */
%apply unsigned long long { size_t, unsigned long };
%apply long long { long, ssize_t };

/* Generated types are the binding's internals; DropWatch.dll exposes its own idiomatic types. */
%pragma(csharp) moduleclassmodifiers="internal class"
%pragma(csharp) imclassclassmodifiers="internal class"
%typemap(csclassmodifiers) SWIGTYPE "internal class"
%typemap(csclassmodifiers) enum SWIGTYPE "internal enum"
%typemap(csclassmodifiers) SWIGTYPE *, SWIGTYPE &, SWIGTYPE [] "internal class"

/* The library speaks UTF-8. P/Invoke's default string marshalling is the ANSI code page on Windows (UTF-8
 * elsewhere), which turns a path like "dröp" into "dr?p" there: every string argument crosses as UTF-8.
 * UnmanagedType.LPUTF8Str (48) is missing from netstandard2.0's reference assemblies, hence the number;
 * every runtime the package targets (.NET Core/5+, .NET Framework 4.7+) knows it. */
%typemap(imtype, inattributes="[global::System.Runtime.InteropServices.MarshalAs((global::System.Runtime.InteropServices.UnmanagedType)48)]") const char * "string"
/* The marshalled text ends at its first NUL, so "drop\0/x" would reach the library as "drop": refused. */
%typemap(csin) const char * "global::DropWatch.Interop.NoNul($csinput, \"$csinput\")"

/* Caller buffers and message bytes cross as byte arrays (UTF-8 decoded/encoded by the managed layer). */
%apply unsigned char OUTPUT[] { unsigned char *out_buf };
%apply unsigned char INPUT[] { const unsigned char *in_bytes };
%apply unsigned long long INPUT[] { const unsigned long long *in_lens };
%apply unsigned long long *OUTPUT { unsigned long long *needed, unsigned long long *out_u64,
                                    unsigned long long *out_u64b };
%apply int *OUTPUT { int *out_status };
%apply long long *OUTPUT { long long *out_i64a, long long *out_i64b };

/* Texts cross as pointers the managed layer decodes as UTF-8 (Interop.TakeText/PeekText): DWB_TEXT is a
 * string the library allocated (the dw_*_alloc() calls: bindings/common/dropwatch.i), freed with dw_free
 * once decoded; DWCS_BORROWED points into a struct or handle that outlives the call. */
%define DWCS_TEXT_OUT(TYPE)
%typemap(ctype) TYPE "char **"
%typemap(imtype) TYPE "out global::System.IntPtr"
%typemap(cstype) TYPE "out global::System.IntPtr"
%typemap(csin) TYPE "out $csinput"
%typemap(in) TYPE %{ $1 = ($1_ltype)$input; %}
%enddef
DWCS_TEXT_OUT(char **DWB_TEXT)
DWCS_TEXT_OUT(const char **DWCS_BORROWED)
%apply void *VOID_INT_PTR { void *ptr };

%{
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dropwatch.h>
#include <dropwatch/testing.h>

/* The test-only fault (dropwatch/testing.h) from plain values; op DW_OP_NONE = no fault. */
static dw_fault dwcs_fault(int op, int sys_errno, unsigned int count, unsigned int short_write) {
    dw_fault f = DW_FAULT_INIT;
    f.op = (dw_op)op;
    f.sys_errno = sys_errno;
    f.count = count;
    f.short_write = short_write;
    return f;
}

/* An alert record assembled from plain values; the strings are borrowed for the call only. */
static void dwcs_alert_setup(dw_alert *a, const char *connector, const char *drop_path, const char *root,
                             const char *drop_dir, const char *computer, const char *exception_text,
                             const dw_io_error *err, long long time_ms, unsigned long long record_id,
                             int has_record_id, int event_mode, int syslog_facility, const char *app_name,
                             int exchange_version) {
    dw_alert_init(a);
    a->connector = connector;
    a->drop_path = drop_path;
    a->root = root;
    a->drop_dir = drop_dir;
    a->computer = computer;
    a->exception_text = exception_text;
    if (err != NULL) a->error = *err;
    a->time_ms = time_ms;
    a->record_id = record_id;
    a->has_record_id = has_record_id;
    a->event_mode = (dw_event_mode)event_mode;
    a->syslog_facility = syslog_facility;
    a->app_name = app_name;
    a->exchange_version = (dw_exchange_version)exchange_version;
}
%}

/* Structs holding borrowed const char * members are filled by the helpers below instead (a SWIG setter
 * would copy the string and leak it); their numeric fields stay reachable through the proxies. */
%ignore dw_alert_event_id;
/* Functions whose buffer or out-pointer shapes are replaced by the dwcs_* helpers. */
%ignore dw_name_validate_n;
%ignore dw_msg_begin;
%ignore dw_msg_write;
%ignore dw_drop_sweep;
%ignore dw_drop_usage;
%ignore dw_envelope_new;
%ignore dw_quota_parse;
/* The throttle crosses through the dwcs_throttle_* helpers (plain values, no char arrays). */
%ignore dw_throttle_new;
%ignore dw_throttle_check;
%ignore dw_throttle_next_expired;
%ignore dw_throttle_window;
%ignore dw_throttle_result;
%ignore dw_io_error::path;
%ignore dw_io_error::detail;
%ignore dw_io_error::published;
%ignore dw_io_error::left_behind;

/* pickup: crosses through the dwcs_pickup_* helpers below. */
%ignore dw_pickup_scan;
%ignore dw_pickup_stats;
%ignore dw_pickup_ready_name;
%ignore dw_pickup_msg_name;
%ignore dw_pickup_quarantine;
%ignore dw_pickup_quarantined;
%ignore dw_pickup_reason_name;

/* The library's defaults as C# compile-time constants (the header's values, for default parameter values;
 * other macros stay static readonly fields read from the library). */
%csconst(1) DW_STALE_AGE_DEFAULT_SECONDS;
%csconst(1) DW_THROTTLE_DEFAULT_SECONDS;
%csconst(1) DW_PICKUP_WAIT_DEFAULT_MS;

/* The shared part: the common %ignore list, the headers and the dwb_* helpers. */
%include "common/dropwatch.i"

%inline %{
/* ---- helpers: C shapes that marshal as plain values ---------------------------------------------- */

/* A char-array member of a dw_io_error (NUL-terminated by the library): which = 0 path, 1 detail,
 * 2 published, 3 left_behind. Borrowed from err. */
static dw_status dwcs_io_error_text(const dw_io_error *err, int which, const char **DWCS_BORROWED) {
    if (err == NULL) return DW_E_INVAL;
    *DWCS_BORROWED = which == 0 ? err->path : which == 1 ? err->detail : which == 2 ? err->published : err->left_behind;
    return DW_OK;
}

/* dw_quote(): a caller's value (UTF-8 bytes) quoted for an exception message, bounded (DW_QUOTE_MAX). */
static dw_status dwcs_quote(const unsigned char *in_bytes, unsigned long long len, char **DWB_TEXT) {
    return dw_quote_alloc((const char *)in_bytes, (size_t)len, DWB_TEXT, NULL);
}

static dw_status dwcs_name_validate(const unsigned char *in_bytes, unsigned long long len, dw_name_check *out) {
    return dw_name_validate_n((const char *)in_bytes, (size_t)len, out);
}

static dw_status dwcs_path_resolve(const char *root, const char *drop_dir, const char *install_dir, int version,
                                   int style, char **DWB_TEXT, dw_resolve_info *info) {
    dw_resolve_options o = dwb_resolve_options(install_dir, version, style, NULL);
    return dw_path_resolve_alloc(root, drop_dir, &o, DWB_TEXT, info);
}

static dw_status dwcs_path_explain(const char *root, const char *drop_dir, const char *install_dir, int version,
                                   int style, char **DWB_TEXT, dw_explain_info *info) {
    dw_resolve_options o = dwb_resolve_options(install_dir, version, style, NULL);
    return dw_path_explain_alloc(root, drop_dir, &o, DWB_TEXT, info);
}

/* dw_drop_open with the borrowed strings passed alongside the options (dw_drop_open copies them), and
 * the test-only fault injection as plain values (DropOptions.Inject*). */
static dw_drop *dwcs_drop_open(const char *path, const dw_drop_options *opts, const char *name_prefix,
                               const char *machine_name, const char *temp_dir, int fault_op, int fault_errno,
                               unsigned int fault_count, unsigned int fault_short_write, dw_io_error *err,
                               int *out_status) {
    dw_drop_options o;
    dw_drop *drop = NULL;
    if (opts != NULL) o = *opts; else dw_drop_options_init(&o);
    o.name_prefix = name_prefix;
    o.machine_name = machine_name;
    o.temp_dir = temp_dir;
    dw_fault f = dwcs_fault(fault_op, fault_errno, fault_count, fault_short_write);
    *out_status = (int)dw_testing_drop_open(&drop, path, &o, &f, err);
    return drop;
}

static dw_status dwcs_drop_create_dir(const char *path, unsigned int mode, dw_io_error *err) {
    return dw_drop_create_dir(path, mode, err);
}

static dw_msg *dwcs_msg_begin(dw_drop *drop, const dw_msg_options *opts, const dw_envelope *env,
                              dw_io_error *err, int *out_status) {
    dw_msg_options o;
    dw_msg *msg = NULL;
    if (opts != NULL) o = *opts; else dw_msg_options_init(&o);
    o.envelope = env;
    *out_status = (int)dw_msg_begin(drop, &msg, &o, err);
    return msg;
}

static dw_status dwcs_msg_write(dw_msg *msg, const unsigned char *in_bytes, unsigned long long offset,
                                unsigned long long len, dw_io_error *err) {
    if (in_bytes == NULL && len > 0) return DW_E_INVAL;
    return dw_msg_write(msg, in_bytes == NULL ? NULL : in_bytes + offset, (size_t)len, err);
}

static dw_status dwcs_msg_commit(dw_msg *msg, unsigned char *out_buf, unsigned long long size,
                                 unsigned long long *needed, dw_io_error *err) {
    size_t n = 0;
    dw_status st = dw_msg_commit(msg, (char *)out_buf, (size_t)size, &n, err);
    *needed = n;
    return st;
}

static dw_status dwcs_drop_write(dw_drop *drop, const unsigned char *in_bytes, unsigned long long len,
                                 const dw_msg_options *opts, const dw_envelope *env, unsigned char *out_buf,
                                 unsigned long long size, unsigned long long *needed, dw_io_error *err) {
    dw_msg_options o;
    size_t n = 0;
    dw_status st;
    if (opts != NULL) o = *opts; else dw_msg_options_init(&o);
    o.envelope = env;
    st = dw_drop_write(drop, in_bytes, (size_t)len, &o, (char *)out_buf, (size_t)size, &n, err);
    *needed = n;
    return st;
}

/* Guarded write of a file's content through dw_drop_write_fd: the source is opened here, so a source
 * that cannot be read is classified like every other failure (operation "read"). */
static dw_status dwcs_drop_write_file(dw_drop *drop, const char *source, const dw_msg_options *opts,
                                      const dw_envelope *env, unsigned char *out_buf, unsigned long long size,
                                      unsigned long long *needed, dw_io_error *err) {
    dw_msg_options o;
    size_t n = 0;
    dw_status st;
    *needed = 0;
    if (drop == NULL || source == NULL) return DW_E_INVAL;
    if (opts != NULL) o = *opts; else dw_msg_options_init(&o);
    o.envelope = env;
    /* the portable source (POSIX and Windows): the library opens and reads the file itself */
    st = dw_drop_write_file(drop, source, &o, (char *)out_buf, (size_t)size, &n, err);
    *needed = n;
    return st;
}

/* dw_drop_write_batch from one concatenated byte array and its lengths; the names come back in out_buf,
 * DW_FILE_NAME_MAX bytes each. *out_u64 receives how many messages were published. */
static dw_status dwcs_drop_write_batch(dw_drop *drop, const unsigned char *in_bytes, const unsigned long long *in_lens,
                                       unsigned long long count, const dw_msg_options *opts, const dw_envelope *env,
                                       unsigned char *out_buf, unsigned long long size, unsigned long long *out_u64,
                                       dw_io_error *err) {
    dw_msg_options o;
    const void **bufs;
    size_t *lens, i, done = 0, off = 0;
    dw_status st;
    *out_u64 = 0;
    if (drop == NULL || (count > 0 && in_lens == NULL) || count > SIZE_MAX / sizeof(void *)) return DW_E_INVAL;
    if (size < count * DW_FILE_NAME_MAX) return DW_E_BUFFER;
    bufs = calloc(count ? count : 1, sizeof *bufs);
    lens = calloc(count ? count : 1, sizeof *lens);
    if (bufs == NULL || lens == NULL) {
        free(bufs);
        free(lens);
        return DW_E_NOMEM;
    }
    for (i = 0; i < count; i++) {
        bufs[i] = in_bytes == NULL ? NULL : in_bytes + off;
        lens[i] = (size_t)in_lens[i];
        off += lens[i];
    }
    if (opts != NULL) o = *opts; else dw_msg_options_init(&o);
    o.envelope = env;
    st = dw_drop_write_batch(drop, bufs, lens, (size_t)count, &o, (char *)out_buf, DW_FILE_NAME_MAX, &done, err);
    free(bufs);
    free(lens);
    *out_u64 = done;
    return st;
}

static dw_status dwcs_drop_sweep(dw_drop *drop, unsigned int max_age_seconds, unsigned long long *out_u64,
                                 dw_io_error *err) {
    uint64_t removed = 0;
    dw_status st = dw_drop_sweep(drop, max_age_seconds, &removed, err);
    *out_u64 = removed;
    return st;
}

static dw_status dwcs_drop_usage(dw_drop *drop, unsigned long long *out_u64, unsigned long long *out_u64b,
                                 dw_io_error *err) {
    uint64_t bytes = 0, files = 0;
    dw_status st = dw_drop_usage(drop, &bytes, &files, err);
    *out_u64 = bytes;
    *out_u64b = files;
    return st;
}

static dw_status dwcs_drop_health(const char *path, const dw_drop_options *opts, const char *temp_dir,
                                  int fault_op, int fault_errno, unsigned int fault_count,
                                  unsigned int fault_short_write, unsigned int stale_age_seconds, dw_health *out,
                                  dw_io_error *err) {
    dw_drop_options o;
    if (opts != NULL) o = *opts; else dw_drop_options_init(&o);
    o.temp_dir = temp_dir;
    dw_fault f = dwcs_fault(fault_op, fault_errno, fault_count, fault_short_write);
    if (out != NULL) out->version = DW_HEALTH_VERSION;
    return dw_testing_drop_health(path, &o, &f, stale_age_seconds, out, err);
}

static dw_envelope *dwcs_envelope_new(int *out_status) {
    dw_envelope *env = NULL;
    *out_status = (int)dw_envelope_new(&env);
    return env;
}

/* dw_resolve_style() with the options as plain values. */
static int dwcs_resolve_style(const char *root, const char *install_dir, int version, int style) {
    dw_resolve_options o = dwb_resolve_options(install_dir, version, style, NULL);
    return (int)dw_resolve_style(root, &o);
}

/* The Exchange version an AdminDisplayVersion text names (dw_exchange_version_from_build), or -1. */
static int dwcs_exchange_version_from_build(const char *text) {
    dw_exchange_version v;
    return text != NULL && dw_exchange_version_from_build(text, &v) == DW_OK ? (int)v : -1;
}

/* dw_envelope_format_alloc() without the length (the text has no NUL). */
static dw_status dwcs_envelope_format(const dw_envelope *env, unsigned long long mime_length, char **DWB_TEXT) {
    return dw_envelope_format_alloc(env, mime_length, DWB_TEXT, NULL);
}

static dw_status dwcs_quota_parse(const char *text, unsigned long long *out_u64) {
    uint64_t v = 0;
    dw_status st = dw_quota_parse(text, &v);
    *out_u64 = v;
    return st;
}

static dw_status dwcs_alert_format(const char *connector, const char *drop_path, const char *root,
                                   const char *drop_dir, const char *computer, const char *exception_text,
                                   const dw_io_error *err, long long time_ms, unsigned long long record_id,
                                   int has_record_id, int event_mode, int syslog_facility, const char *app_name,
                                   int exchange_version, int format, char **DWB_TEXT) {
    dw_alert a;
    dwcs_alert_setup(&a, connector, drop_path, root, drop_dir, computer, exception_text, err, time_ms,
                     record_id, has_record_id, event_mode, syslog_facility, app_name, exchange_version);
    return dw_alert_format_alloc(&a, (dw_format)format, DWB_TEXT, NULL);
}

static unsigned int dwcs_alert_event_id(int event_mode, const dw_io_error *err) {
    dw_alert a;
    dw_alert_init(&a);
    a.event_mode = (dw_event_mode)event_mode;
    if (err != NULL) a.error = *err;
    return dw_alert_event_id(&a);
}

static dw_throttle *dwcs_throttle_new(unsigned int window_seconds, int *out_status) {
    dw_throttle *t = NULL;
    *out_status = (int)dw_throttle_new(&t, window_seconds);
    return t;
}

/* One alert: *out_status = 1 to log it; the window it closed (same connector and event) in the u64 outputs. */
static dw_status dwcs_throttle_check(dw_throttle *t, const char *connector, unsigned int event_id, long long now_ms,
                                     int *out_status, unsigned long long *out_u64, long long *out_i64a,
                                     long long *out_i64b) {
    dw_throttle_result r;
    dw_status st = dw_throttle_check(t, connector, event_id, now_ms, &r);
    *out_status = r.log;
    *out_u64 = r.closed.suppressed;
    *out_i64a = r.closed.opened_ms;
    *out_i64b = r.closed.closed_ms;
    return st;
}

/* One closed window with suppressed alerts; *out_status receives its event ID (0: none left). The name
 * buffer must hold DW_THROTTLE_NAME_MAX bytes: the window is taken out, so it is not asked twice. */
static dw_status dwcs_throttle_next_expired(dw_throttle *t, long long now_ms, unsigned char *out_buf,
                                            unsigned long long size, int *out_status, unsigned long long *out_u64,
                                            long long *out_i64a, long long *out_i64b) {
    dw_throttle_window w;
    dw_status st;
    if (out_buf == NULL || size < DW_THROTTLE_NAME_MAX) return DW_E_BUFFER;
    st = dw_throttle_next_expired(t, now_ms, &w);
    memcpy(out_buf, w.connector, sizeof w.connector);
    *out_status = (int)w.event_id;
    *out_u64 = w.suppressed;
    *out_i64a = w.opened_ms;
    *out_i64b = w.closed_ms;
    return st;
}
%}

/* ---- pickup (dropwatch/pickup.h): plain-value helpers for DropWatch/Pickup.cs ------------------------- */

%inline %{
static dw_pickup *dwcs_pickup_open(const char *path, unsigned int settle_ms, unsigned int incomplete_after,
                                   unsigned int claim_ttl, const char *archive_dir, int durable,
                                   int require_envelope, dw_io_error *err, int *out_status) {
    dw_pickup_options o;
    dw_pickup *p = NULL;
    dw_pickup_options_init(&o);
    o.settle_ms = settle_ms;
    o.incomplete_after_seconds = incomplete_after;
    o.claim_ttl_seconds = claim_ttl;
    if (archive_dir != NULL) {
        o.ack_mode = DW_PICKUP_ARCHIVE;
        o.archive_dir = archive_dir[0] ? archive_dir : NULL;
    }
    o.durable = durable;
    o.require_envelope = require_envelope;
    *out_status = (int)dw_pickup_open(&p, path, &o, err);
    return p;
}

static dw_pickup_msg *dwcs_pickup_next(dw_pickup *p, dw_io_error *err, int *out_status) {
    dw_pickup_msg *m = NULL;
    *out_status = (int)dw_pickup_next(p, &m, err);
    return m;
}

static dw_pickup_msg *dwcs_pickup_claim(dw_pickup *p, const char *name, dw_io_error *err, int *out_status) {
    dw_pickup_msg *m = NULL;
    *out_status = (int)dw_pickup_claim(p, name, &m, err);
    return m;
}

/* The message's name (which 0), or an address (which 1) / its parameters (which 2) of the sender
 * (index -1) or of recipient `index`; NULL when absent. Borrowed from the message. */
static dw_status dwcs_pickup_msg_text(const dw_pickup_msg *m, int which, long long index,
                                      const char **DWCS_BORROWED) {
    const char *params = NULL, *a;
    if (m == NULL) return DW_E_INVAL;
    if (which == 0) {
        *DWCS_BORROWED = dw_pickup_msg_name(m);
        return DW_OK;
    }
    a = index < 0 ? dw_pickup_msg_sender(m, &params) : dw_pickup_msg_recipient(m, (size_t)index, &params);
    *DWCS_BORROWED = which == 1 ? a : params;
    return DW_OK;
}

static dw_status dwcs_pickup_msg_read(dw_pickup_msg *m, unsigned char *out_buf, unsigned long long size,
                                      unsigned long long *out_u64, dw_io_error *err) {
    size_t got = 0;
    dw_status st = dw_pickup_msg_read(m, out_buf, (size_t)size, &got, err);
    *out_u64 = got;
    return st;
}

/* Quarantined file i of the last next()/scan(): its name (which 0), moved_to (1), text (2), reason (3)
 * (borrowed from the pickup handle, NULL past the end), or its alert record in format `which - 10`
 * (allocated: freed by the managed layer). */
static dw_status dwcs_pickup_quarantined_text(const dw_pickup *p, unsigned long long i, int which,
                                              const char **DWCS_BORROWED, char **DWB_TEXT) {
    const dw_pickup_quarantine *q = dw_pickup_quarantined(p, (size_t)i);
    dw_alert a;
    dw_status st;
    if (q == NULL) return DW_OK;
    if (which < 10) {
        *DWCS_BORROWED = which == 0 ? q->name : which == 1 ? q->moved_to : which == 2 ? q->text
                                                                                      : dw_pickup_reason_name(q->reason);
        return DW_OK;
    }
    st = dw_pickup_quarantine_alert(p, q, &a);
    return st != DW_OK ? st : dw_alert_format_alloc(&a, (dw_format)(which - 10), DWB_TEXT, NULL);
}
%}
