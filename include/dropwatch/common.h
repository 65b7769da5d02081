/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/common.h - export macro, status codes and memory helpers shared by every part of libdropwatch.
 *
 * Conventions used throughout the API:
 *  - Every fallible call returns a dw_status: DW_OK (0) or a positive DW_E_* code. Codes are only ever
 *    appended, never renumbered (ABI).
 *  - Strings are NUL-terminated UTF-8 unless a length is passed explicitly.
 *  - Results go into caller buffers. When a buffer is too small the call returns DW_E_BUFFER and, when the
 *    caller passed a non-NULL `needed`, stores the size needed *including* the terminating NUL.
 *  - Calls that touch the file system fill a caller-owned dw_io_error (see dropwatch/classify.h).
 *  - The library never prints, never exits and keeps no global mutable state. Threads: a dw_drop may be
 *    shared by any number of threads (all calls but dw_drop_close()); a dw_msg belongs to one thread at a
 *    time; a complete dw_envelope may be read by many. The full rule: doc/thread-safety.md.
 *  - Caller-allocated option and record structs start with a `version` field (DW_*_INIT, the _init
 *    functions); the ABI policy is in doc/abi.md.
 */
#ifndef DROPWATCH_COMMON_H
#define DROPWATCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(SWIG)
#define DW_API
#elif defined(_WIN32)
/* DLL: exported when building it, imported when using it; DW_STATIC for the static library. */
#if defined(DW_STATIC)
#define DW_API
#elif defined(DW_BUILDING_LIBRARY)
#define DW_API __declspec(dllexport)
#else
#define DW_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define DW_API __attribute__((visibility("default")))
#else
#define DW_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Status returned by every fallible libdropwatch call. */
typedef enum dw_status {
    DW_OK = 0,          /**< success */
    DW_E_INVAL = 1,     /**< invalid argument: NULL where a value is required, out-of-range value */
    DW_E_BUFFER = 2,    /**< caller buffer too small; `needed` holds the size required (with NUL) */
    DW_E_NOMEM = 3,     /**< memory allocation failed */
    DW_E_ROOT = 4,      /**< invalid RootDropDirectoryPath (or install folder); reason in the result */
    DW_E_NAME = 5,      /**< invalid DropDirectory value; reason in the result */
    DW_E_TOOLONG = 6,   /**< resolved path exceeds the Windows MAX_PATH limit */
    DW_E_IO = 7,        /**< classified I/O failure; details in the dw_io_error */
    DW_E_STATE = 8,     /**< call out of sequence (e.g. write after commit) */
    DW_E_UNSUPPORTED = 9, /**< feature not available on this platform or build */
    DW_E_PARSE = 10,    /**< malformed text input (quota value, format name, ...) */
    DW_E_ENVELOPE = 11  /**< invalid envelope address or parameter (header injection refused) */
} dw_status;

/** Longest machine name in an Exchange-style file name: a NetBIOS name (Environment.MachineName). */
#define DW_NETBIOS_NAME_MAX 15

/** Number of dw_status values (one more than the highest code). */
#define DW_STATUS_COUNT 12

/**
 * Human-readable text for a status ("invalid argument", ...). Never NULL: unknown values give
 * "unknown status". The string is static and must not be freed. Thread-safe.
 */
DW_API const char *dw_status_str(dw_status status);

/** Symbolic name of a status ("DW_E_INVAL"), or "DW_E_UNKNOWN". Static string. Thread-safe. */
DW_API const char *dw_status_name(dw_status status);

/**
 * Frees memory that libdropwatch allocated for the caller (dw_alert_format_alloc() and friends).
 * NULL is accepted and ignored.
 */
DW_API void dw_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_COMMON_H */
