/* SPDX-License-Identifier: MIT */
/*
 * bindings/common/dropwatch.i - the language-neutral part of the SWIG interface (GDAL's swig/include/
 * layout): which C declarations are wrapped as they are, which are replaced by per-language helpers, and
 * the helpers every language needs. %included by bindings/python/dropwatch.i and
 * bindings/csharp/dropwatch_csharp.i AFTER their typemaps (SWIG applies a typemap only to declarations
 * that follow it); those files keep only their language's type mapping and exception glue.
 *
 * Logic lives in C: names of enum values (dw_enum_*), the text of a failure (dw_io_error_describe) and
 * "not found" (dw_io_error_not_found) are library functions, never rebuilt in a binding.
 *
 * Each language defines, before %including this file, the typemaps of `char **DWB_TEXT`: a UTF-8 string the
 * library allocated (the dw_*_alloc() calls), handed to the language and released with dw_free(). No
 * binding grows a buffer until a text fits.
 */

%{
#include <stdlib.h>
#include <string.h>
#include <dropwatch.h>
#include <dropwatch/testing.h>
%}

%{
/* Resolution options from plain values (dw_resolve_options holds borrowed strings, so it is not wrapped):
 * the strings are borrowed for the call only. */
static dw_resolve_options dwb_resolve_options(const char *install_dir, int version, int style,
                                              const char *machine_name)
{
    dw_resolve_options o;
    dw_resolve_options_init(&o);
    o.install_dir = install_dir;
    o.exchange_version = (dw_exchange_version)version;
    o.style = (dw_path_style)style;
    o.machine_name = machine_name;
    return o;
}
%}

/* ---- replaced by the languages' helpers (caller buffers, out-pointers, borrowed strings) ------------ */

/* Borrowed const char * members would dangle (or leak through a SWIG setter): passed to helpers instead. */
%ignore dw_resolve_options;
%ignore dw_resolve_options_init;
%ignore dw_drop_options::name_prefix;
%ignore dw_drop_options::machine_name;
%ignore dw_drop_options::temp_dir;
%ignore dw_msg_options::envelope;
%ignore dw_pickup_options::archive_dir;
%ignore dw_alert::connector;
%ignore dw_alert::drop_path;
%ignore dw_alert::root;
%ignore dw_alert::drop_dir;
%ignore dw_alert::computer;
%ignore dw_alert::exception_text;
%ignore dw_alert::app_name;
/* Caller-buffer and out-pointer shapes. */
%ignore dw_errno_str;
%ignore dw_resolve_describe;
%ignore dw_path_full;
%ignore dw_path_resolve;
%ignore dw_path_explain;
%ignore dw_name_validate;
%ignore dw_drop_open;
%ignore dw_drop_create_dir;
%ignore dw_msg_commit;
%ignore dw_drop_write;
%ignore dw_drop_write_fd;
%ignore dw_drop_write_batch;
%ignore dw_drop_health;
/* Group commit across handles (dw_flush_group): threads sharing one handle get it without a call. */
%ignore dw_flush_group_new;
%ignore dw_flush_group_new_ex;
%ignore dw_flush_group_options;
%ignore dw_flush_group_free;
%ignore dw_drop_set_flush_group;
%ignore dw_testing_drop_open;
%ignore dw_testing_drop_health;
%ignore dw_envelope_format;
%ignore dw_quota_format;
%ignore dw_alert_format;
%ignore dw_alert_format_alloc;
%ignore dw_format_from_name;
%ignore dw_pickup_open;
%ignore dw_pickup_next;
%ignore dw_pickup_claim;
%ignore dw_pickup_msg_read;
%ignore dw_pickup_msg_sender;
%ignore dw_pickup_msg_recipient;
%ignore dw_pickup_quarantine_alert;
%ignore dw_enum_value;
%ignore dw_enum_from_name;
%ignore dw_errno_from_name;
%ignore dw_win32_from_name;
%ignore dw_io_error_describe;

/* ---- texts the library allocates: every `char **out` of a dw_*_alloc() call, mapped once ------------- */

%apply char **DWB_TEXT { char **out };

/* ---- the headers ---------------------------------------------------------------------------------- */

%include <dropwatch/common.h>
%include <dropwatch/version.h>
%include <dropwatch/name.h>
%include <dropwatch/path.h>
%include <dropwatch/classify.h>
%include <dropwatch/envelope.h>
%include <dropwatch/quota.h>
%include <dropwatch/guard.h>
%include <dropwatch/alert.h>
%include <dropwatch/throttle.h>
%include <dropwatch/enums.h>
%include <dropwatch/pickup.h>

/* ---- helpers every language uses: plain values in, plain values out ------------------------------- */

%inline %{
/* The i-th value of an enum kind (dw_enum_value()), or -1 past the end (every enum value is >= 0). */
static int dwb_enum_value_at(int kind, unsigned i)
{
    int v = -1;
    return dw_enum_value((dw_enum)kind, i, &v, NULL) == DW_OK ? v : -1;
}

/* The C constant's name of the i-th value ("DW_NAMING_UNIQUE"), or NULL past the end. Static. */
static const char *dwb_enum_symbol_at(int kind, unsigned i)
{
    const char *s = NULL;
    return dw_enum_value((dw_enum)kind, i, NULL, &s) == DW_OK ? s : NULL;
}

/* The value named `name` (dw_enum_from_name(): case-insensitive, aliases accepted), or -1 when unknown. */
static int dwb_enum_from_name(int kind, const char *name)
{
    int v = -1;
    return dw_enum_from_name((dw_enum)kind, name, &v) == DW_OK ? v : -1;
}

/* The errno value named `name` (dw_errno_from_name(): exact, case-sensitive), or 0 when it is no name
 * (no errno value is 0). */
static int dwb_errno_from_name(const char *name)
{
    int v = 0;
    return dw_errno_from_name(name, &v) == DW_OK ? v : 0;
}

/* The Win32 code named `name` (dw_win32_from_name()), or 0 when it is no name (0 is ERROR_SUCCESS, which
 * the table does not name). */
static unsigned int dwb_win32_from_name(const char *name)
{
    uint32_t v = 0;
    return dw_win32_from_name(name, &v) == DW_OK ? v : 0;
}

/* Copy a text into a char-array member, truncated to fit (SWIG leaves those members read-only). */
static void dwb_copy_member(char *dst, size_t size, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Fill a dw_io_error from plain values (a classification the language layer holds, e.g. for an alert).
 * NULL texts leave the member empty. */
static void dwb_io_error_fill(dw_io_error *err, int io_class, int op, int sys_errno, unsigned int win32,
                              int retryable, unsigned int attempts, const char *path, const char *detail)
{
    if (!err)
        return;
    dw_io_error_clear(err);
    err->io_class = (dw_class)io_class;
    err->op = (dw_op)op;
    err->sys_errno = sys_errno;
    err->win32 = win32;
    err->retryable = retryable;
    err->attempts = attempts;
    dwb_copy_member(err->path, sizeof err->path, path);
    dwb_copy_member(err->detail, sizeof err->detail, detail);
}

/* The guarded-write part of a dw_io_error (outcome, published name, file left behind). */
static void dwb_io_error_set_outcome(dw_io_error *err, int outcome, const char *published,
                                     const char *left_behind, int left_errno)
{
    if (!err)
        return;
    err->outcome = (dw_outcome)outcome;
    err->left_errno = left_errno;
    dwb_copy_member(err->published, sizeof err->published, published);
    dwb_copy_member(err->left_behind, sizeof err->left_behind, left_behind);
}
%}
