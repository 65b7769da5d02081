/* SPDX-License-Identifier: MIT */
/*
 * enums.c - name <-> value for every public enum (dropwatch/enums.h).
 *
 * One X-macro table per kind: V(constant, name). The constant is both stringified (the symbol) and used as
 * the value, so the compiler ties every row to the header. A NULL name means "ask the enum's own name
 * function" (dw_class_name(), dw_op_name(), ...), so names that already have an owner are not copied here.
 * Rows after the first with the same value are aliases: accepted by dw_enum_from_name(), never listed.
 */
#include <stddef.h>
#include <string.h>

#include "dropwatch.h"

typedef struct enum_row {
    int value;
    const char *symbol;
    const char *name; /* NULL: from the kind's name function */
} enum_row;

#define V(sym, nm) {(int)(sym), #sym, nm},

static const enum_row rows_status[] = {
    V(DW_OK, NULL) V(DW_E_INVAL, NULL) V(DW_E_BUFFER, NULL) V(DW_E_NOMEM, NULL) V(DW_E_ROOT, NULL)
    V(DW_E_NAME, NULL) V(DW_E_TOOLONG, NULL) V(DW_E_IO, NULL) V(DW_E_STATE, NULL) V(DW_E_UNSUPPORTED, NULL)
    V(DW_E_PARSE, NULL) V(DW_E_ENVELOPE, NULL)};
static const enum_row rows_class[] = {
    V(DW_CLASS_NONE, NULL) V(DW_CLASS_PHYSICAL, NULL) V(DW_CLASS_LOGICAL, NULL) V(DW_CLASS_TRANSIENT, NULL)
    V(DW_CLASS_CAPACITY, NULL) V(DW_CLASS_ACCESS, NULL) V(DW_CLASS_CONFIGURATION, NULL) V(DW_CLASS_REMOTE, NULL)};
static const enum_row rows_op[] = {
    V(DW_OP_NONE, NULL) V(DW_OP_OPEN_DIR, NULL) V(DW_OP_CREATE, NULL) V(DW_OP_WRITE, NULL) V(DW_OP_READ, NULL)
    V(DW_OP_FSYNC, NULL) V(DW_OP_CLOSE, NULL) V(DW_OP_RENAME, NULL) V(DW_OP_DIR_FSYNC, NULL) V(DW_OP_QUOTA, NULL)
    V(DW_OP_UNLINK, NULL) V(DW_OP_SCAN, NULL) V(DW_OP_STAT, NULL) V(DW_OP_MKDIR, NULL) V(DW_OP_LOCK, NULL)
    V(DW_OP_VALIDATE, NULL) V(DW_OP_RESOLVE, NULL)};
static const enum_row rows_outcome[] = {
    V(DW_OUTCOME_NONE, NULL) V(DW_OUTCOME_DURABLE, NULL) V(DW_OUTCOME_NOT_PUBLISHED, NULL)
    V(DW_OUTCOME_UNCERTAIN, NULL)};
static const enum_row rows_reason[] = {
    V(DW_REASON_OK, NULL) V(DW_REASON_EMPTY, NULL) V(DW_REASON_BLANK, NULL) V(DW_REASON_SEPARATOR, NULL)
    V(DW_REASON_DRIVE, NULL) V(DW_REASON_UNC, NULL) V(DW_REASON_DEVICE_PREFIX, NULL) V(DW_REASON_ROOTED, NULL)
    V(DW_REASON_DOT_NAME, NULL) V(DW_REASON_FORBIDDEN_CHAR, NULL) V(DW_REASON_STREAM, NULL)
    V(DW_REASON_CONTROL_CHAR, NULL) V(DW_REASON_EMBEDDED_NUL, NULL) V(DW_REASON_TRAILING_DOT, NULL)
    V(DW_REASON_TRAILING_SPACE, NULL) V(DW_REASON_RESERVED_NAME, NULL) V(DW_REASON_TOO_LONG, NULL)
    V(DW_REASON_INVALID_UTF8, NULL) V(DW_REASON_LOOKALIKE, NULL) V(DW_REASON_PATH_TOO_LONG, NULL)
    V(DW_REASON_ROOT_RELATIVE, NULL) V(DW_REASON_ROOT_DRIVE_RELATIVE, NULL) V(DW_REASON_ROOT_ROOTED_RELATIVE, NULL)
    V(DW_REASON_ROOT_DOT_COMPONENT, NULL) V(DW_REASON_ROOT_INVALID, NULL) V(DW_REASON_ROOT_TOO_LONG, NULL)};
static const enum_row rows_path_style[] = {
    V(DW_STYLE_AUTO, "auto") V(DW_STYLE_WINDOWS, "windows") V(DW_STYLE_POSIX, "posix")};
static const enum_row rows_exchange_version[] = {
    V(DW_EXCHANGE_2007, "2007") V(DW_EXCHANGE_2010, "2010") V(DW_EXCHANGE_2013, "2013")
    /* 2016, 2019 and Subscription Edition install under V15 as 2013 does */
    V(DW_EXCHANGE_2013, "2016") V(DW_EXCHANGE_2013, "2019") V(DW_EXCHANGE_2013, "se")};
static const enum_row rows_input[] = {
    V(DW_INPUT_NONE, "none") V(DW_INPUT_ROOT, "root") V(DW_INPUT_DROP_DIR, "drop-directory")
    V(DW_INPUT_RESULT, "result")};
static const enum_row rows_format[] = {
    V(DW_FORMAT_TEXT, NULL) V(DW_FORMAT_XML, NULL) V(DW_FORMAT_JSON, NULL) V(DW_FORMAT_SYSLOG, NULL)};
static const enum_row rows_event_mode[] = {V(DW_EVENT_8004, "8004") V(DW_EVENT_AUTO, "auto")};
static const enum_row rows_durability[] = {V(DW_DURABLE_FULL, "full") V(DW_DURABLE_NONE, "none")};
static const enum_row rows_flush_mode[] = {V(DW_FLUSH_DIRECTORY, "directory") V(DW_FLUSH_SYNCFS, "syncfs")};
static const enum_row rows_naming[] = {V(DW_NAMING_UNIQUE, "unique") V(DW_NAMING_EXCHANGE, "exchange")};
static const enum_row rows_priority[] = {
    V(DW_PRIORITY_NORMAL, "normal") V(DW_PRIORITY_HIGH, "high") V(DW_PRIORITY_LOW, "low")};
static const enum_row rows_publish_method[] = {
    V(DW_PUBLISH_UNKNOWN, NULL) V(DW_PUBLISH_RENAME_NOREPLACE, NULL) V(DW_PUBLISH_LINK, NULL)
    V(DW_PUBLISH_UNIQUE_RENAME, NULL)};
static const enum_row rows_quota_mode[] = {V(DW_QUOTA_EXCHANGE, "exchange") V(DW_QUOTA_STRICT, "strict")};
static const enum_row rows_eoh_mode[] = {
    V(DW_EOH_MIME_LENGTH, "mime-length") V(DW_EOH_HEADER_LENGTH, "header-length")};
static const enum_row rows_pickup_ack_mode[] = {V(DW_PICKUP_DELETE, "delete") V(DW_PICKUP_ARCHIVE, "archive")};
static const enum_row rows_pickup_reason[] = {
    V(DW_PICKUP_INCOMPLETE, NULL) V(DW_PICKUP_TRUNCATED, NULL) V(DW_PICKUP_MALFORMED, NULL)
    V(DW_PICKUP_OVERSIZE, NULL) V(DW_PICKUP_NO_ENVELOPE, NULL)};
static const enum_row rows_escape_style[] = {
    V(DW_ESCAPE_TEXT, "text") V(DW_ESCAPE_JSON, "json") V(DW_ESCAPE_XML, "xml") V(DW_ESCAPE_SYSLOG, "syslog")
    V(DW_ESCAPE_LABEL, "label")};
#undef V

static const char *name_status(int v) { return dw_status_name((dw_status)v); }
static const char *name_class(int v) { return dw_class_name((dw_class)v); }
static const char *name_op(int v) { return dw_op_name((dw_op)v); }
static const char *name_outcome(int v) { return dw_outcome_name((dw_outcome)v); }
static const char *name_reason(int v) { return dw_reason_name((dw_reason)v); }
static const char *name_format(int v) { return dw_format_name((dw_format)v); }
static const char *name_publish(int v) { return dw_publish_method_name((dw_publish_method)v); }
static const char *name_pickup_reason(int v) { return dw_pickup_reason_name((dw_pickup_reason)v); }

typedef struct enum_kind {
    const char *type;
    const enum_row *rows;
    size_t nrows;   /* rows, aliases included */
    const char *(*name)(int);
} enum_kind;

#define K(t, r, n) {#t, r, sizeof r / sizeof r[0], n}
/* Indexed by dw_enum. */
static const enum_kind kinds[DW_ENUM_COUNT] = {
    K(dw_status, rows_status, name_status),
    K(dw_class, rows_class, name_class),
    K(dw_op, rows_op, name_op),
    K(dw_outcome, rows_outcome, name_outcome),
    K(dw_reason, rows_reason, name_reason),
    K(dw_path_style, rows_path_style, NULL),
    K(dw_exchange_version, rows_exchange_version, NULL),
    K(dw_input, rows_input, NULL),
    K(dw_format, rows_format, name_format),
    K(dw_event_mode, rows_event_mode, NULL),
    K(dw_durability, rows_durability, NULL),
    K(dw_naming, rows_naming, NULL),
    K(dw_priority, rows_priority, NULL),
    K(dw_publish_method, rows_publish_method, name_publish),
    K(dw_quota_mode, rows_quota_mode, NULL),
    K(dw_eoh_mode, rows_eoh_mode, NULL),
    K(dw_pickup_ack_mode, rows_pickup_ack_mode, NULL),
    K(dw_pickup_reason, rows_pickup_reason, name_pickup_reason),
    K(dw_escape_style, rows_escape_style, NULL),
    K(dw_flush_mode, rows_flush_mode, NULL),
};
#undef K

static const enum_kind *kind_of(dw_enum kind)
{
    return (unsigned)kind < DW_ENUM_COUNT ? &kinds[kind] : NULL;
}

/* Distinct values: the rows before the first one whose value was seen already (aliases come last). */
static size_t kind_count(const enum_kind *k)
{
    for (size_t i = 1; i < k->nrows; i++)
        for (size_t j = 0; j < i; j++)
            if (k->rows[j].value == k->rows[i].value)
                return i;
    return k->nrows;
}

static const char *row_name(const enum_kind *k, const enum_row *r)
{
    return r->name ? r->name : k->name(r->value);
}

const char *dw_enum_type(dw_enum kind)
{
    const enum_kind *k = kind_of(kind);
    return k ? k->type : NULL;
}

size_t dw_enum_count(dw_enum kind)
{
    const enum_kind *k = kind_of(kind);
    return k ? kind_count(k) : 0;
}

dw_status dw_enum_value(dw_enum kind, size_t i, int *value, const char **symbol)
{
    const enum_kind *k = kind_of(kind);
    if (!k || i >= kind_count(k))
        return DW_E_INVAL;
    if (value)
        *value = k->rows[i].value;
    if (symbol)
        *symbol = k->rows[i].symbol;
    return DW_OK;
}

const char *dw_enum_name(dw_enum kind, int value)
{
    const enum_kind *k = kind_of(kind);
    if (!k)
        return NULL;
    for (size_t i = 0; i < k->nrows; i++)
        if (k->rows[i].value == value)
            return row_name(k, &k->rows[i]);
    return NULL;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int same_name(const char *a, const char *b)
{
    while (*a && *b && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
        a++, b++;
    return !*a && !*b;
}

dw_status dw_enum_from_name(dw_enum kind, const char *name, int *out)
{
    const enum_kind *k = kind_of(kind);
    if (!k || !name || !out)
        return DW_E_INVAL;
    for (size_t i = 0; i < k->nrows; i++) {
        if (same_name(name, row_name(k, &k->rows[i]))) {
            *out = k->rows[i].value;
            return DW_OK;
        }
    }
    return DW_E_PARSE;
}
