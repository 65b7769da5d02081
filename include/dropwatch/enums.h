/* SPDX-License-Identifier: MIT */
/**
 * @file dropwatch/enums.h
 * Name <-> value for every public enum, from one table in the library, so that bindings and tools never
 * keep their own copy (doc/dw_enum_name.3).
 */
#ifndef DROPWATCH_ENUMS_H
#define DROPWATCH_ENUMS_H

#include <stddef.h>
#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Which public enum a dw_enum_* call is about. New kinds are only ever appended. */
typedef enum dw_enum {
    DW_ENUM_STATUS = 0,           /**< dw_status (dw_status_name(): the C constant, "DW_OK", "DW_E_INVAL") */
    DW_ENUM_CLASS = 1,            /**< dw_class (dw_class_name()) */
    DW_ENUM_OP = 2,               /**< dw_op (dw_op_name()) */
    DW_ENUM_OUTCOME = 3,          /**< dw_outcome (dw_outcome_name()) */
    DW_ENUM_REASON = 4,           /**< dw_reason (dw_reason_name(): the C constant, "DW_REASON_OK") */
    DW_ENUM_PATH_STYLE = 5,       /**< dw_path_style: auto, windows, posix */
    DW_ENUM_EXCHANGE_VERSION = 6, /**< dw_exchange_version: 2007, 2010, 2013 (aliases 2016, 2019, se) */
    DW_ENUM_INPUT = 7,            /**< dw_input: none, root, drop-directory, result */
    DW_ENUM_FORMAT = 8,           /**< dw_format (dw_format_name()) */
    DW_ENUM_EVENT_MODE = 9,       /**< dw_event_mode: 8004, auto */
    DW_ENUM_DURABILITY = 10,      /**< dw_durability: full, none */
    DW_ENUM_NAMING = 11,          /**< dw_naming: unique, exchange */
    DW_ENUM_PRIORITY = 12,        /**< dw_priority: normal, high, low */
    DW_ENUM_PUBLISH_METHOD = 13,  /**< dw_publish_method (dw_publish_method_name()) */
    DW_ENUM_QUOTA_MODE = 14,      /**< dw_quota_mode: exchange, strict */
    DW_ENUM_EOH_MODE = 15,        /**< dw_eoh_mode: mime-length, header-length */
    DW_ENUM_PICKUP_ACK_MODE = 16, /**< dw_pickup_ack_mode: delete, archive */
    DW_ENUM_PICKUP_REASON = 17,   /**< dw_pickup_reason (dw_pickup_reason_name()) */
    DW_ENUM_ESCAPE_STYLE = 18,    /**< dw_escape_style: text, json, xml, syslog, label */
    DW_ENUM_FLUSH_MODE = 19       /**< dw_flush_mode: directory, syncfs */
} dw_enum;

/** Number of dw_enum kinds (one more than the highest). */
#define DW_ENUM_COUNT 20

/** The C type name of a kind ("dw_naming"), or NULL for an unknown kind. Static. */
DW_API const char *dw_enum_type(dw_enum kind);

/** Number of distinct values of a kind (aliases not counted); 0 for an unknown kind. */
DW_API size_t dw_enum_count(dw_enum kind);

/**
 * The i-th value of a kind (0 <= i < dw_enum_count(kind)), in declaration order, into *value, and its C
 * constant's name ("DW_NAMING_UNIQUE") into *symbol (either may be NULL). DW_E_INVAL when out of range.
 */
DW_API dw_status dw_enum_value(dw_enum kind, size_t i, int *value, const char **symbol);

/** The canonical name of a value ("unique"; lower case except for DW_ENUM_STATUS and DW_ENUM_REASON,
 * whose names are their C constants), or NULL when the value is not in the enum. Static. */
DW_API const char *dw_enum_name(dw_enum kind, int value);

/**
 * The value named `name` (case-insensitive; canonical names and documented aliases such as "2016" for
 * DW_EXCHANGE_2013). DW_E_PARSE for an unknown name, DW_E_INVAL for NULL arguments or an unknown kind.
 */
DW_API dw_status dw_enum_from_name(dw_enum kind, const char *name, int *out);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_ENUMS_H */
