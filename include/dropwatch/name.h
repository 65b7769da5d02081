/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/name.h - validation of a Foreign connector's DropDirectory value.
 *
 * Exchange accepts a DropDirectory only as "a simple directory name" with "no absolute path information",
 * and the directory lives on a Windows file system. dw_name_validate() applies every Windows naming rule
 * (see doc/libdropwatch.3) and reports the first violation as a machine-readable dw_reason plus the byte
 * offset and code point where it was seen. The same reasons are used for RootDropDirectoryPath problems
 * (dropwatch/path.h).
 */
#ifndef DROPWATCH_NAME_H
#define DROPWATCH_NAME_H

#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Why a DropDirectory value (or a root) was rejected. Values are only ever appended. */
typedef enum dw_reason {
    DW_REASON_OK = 0,               /**< valid */
    DW_REASON_EMPTY = 1,            /**< empty string */
    DW_REASON_BLANK = 2,            /**< only spaces */
    DW_REASON_SEPARATOR = 3,        /**< contains '\' or '/' (a path, not a simple name) */
    DW_REASON_DRIVE = 4,            /**< drive letter or drive-relative form: "C:", "C:foo" */
    DW_REASON_UNC = 5,              /**< UNC prefix "\\server\share" */
    DW_REASON_DEVICE_PREFIX = 6,    /**< Win32 device/namespace prefix "\\?\", "\\.\", "\??\" */
    DW_REASON_ROOTED = 7,           /**< starts with a separator: rooted, absolute path information */
    DW_REASON_DOT_NAME = 8,         /**< "." or ".." (also with trailing dots/spaces: "..", "...", ". .") */
    DW_REASON_FORBIDDEN_CHAR = 9,   /**< one of < > : " | ? * */
    DW_REASON_STREAM = 10,          /**< "name:stream" alternate data stream syntax */
    DW_REASON_CONTROL_CHAR = 11,    /**< control character U+0001..U+001F */
    DW_REASON_EMBEDDED_NUL = 12,    /**< U+0000 inside a length-delimited value */
    DW_REASON_TRAILING_DOT = 13,    /**< ends with '.', which Windows strips */
    DW_REASON_TRAILING_SPACE = 14,  /**< ends with ' ', which Windows strips */
    DW_REASON_RESERVED_NAME = 15,   /**< reserved device name (CON, NUL, COM1, LPT², CONIN$, ...) with or without extension */
    DW_REASON_TOO_LONG = 16,        /**< more than 255 UTF-16 code units */
    DW_REASON_INVALID_UTF8 = 17,    /**< not valid UTF-8 (overlong, surrogate, truncated, > U+10FFFF) */
    DW_REASON_LOOKALIKE = 18,       /**< Unicode look-alike of a separator (U+FF0F, U+FF3C, U+2215, ...) that best-fit conversion turns into one */
    DW_REASON_PATH_TOO_LONG = 19,   /**< root + name exceed MAX_PATH (260 incl. NUL), or leave no room for a file name */
    DW_REASON_ROOT_RELATIVE = 20,   /**< root is a relative path */
    DW_REASON_ROOT_DRIVE_RELATIVE = 21, /**< root is drive-relative ("C:foo") */
    DW_REASON_ROOT_ROOTED_RELATIVE = 22,/**< root is rooted but has no drive ("\foo") */
    DW_REASON_ROOT_DOT_COMPONENT = 23,  /**< root contains a "." or ".." component */
    DW_REASON_ROOT_INVALID = 24,    /**< root contains an invalid character, invalid UTF-8, or a malformed UNC/device form */
    DW_REASON_ROOT_TOO_LONG = 25    /**< root alone exceeds the path limit */
} dw_reason;

/** Number of dw_reason values. */
#define DW_REASON_COUNT 26

/** Maximum length of a DropDirectory value in UTF-16 code units (a character outside the BMP counts two). */
#define DW_NAME_MAX_UTF16 255

/** Result of a validation: the first violation found and where. */
typedef struct dw_name_check {
    dw_reason reason;     /**< DW_REASON_OK when valid */
    size_t offset;        /**< byte offset in the input where the violation was seen (0 if not positional) */
    uint32_t codepoint;   /**< offending code point, or 0 */
    size_t utf16_units;   /**< length of the value in UTF-16 code units (as far as it could be decoded) */
} dw_name_check;

/**
 * Validate a NUL-terminated DropDirectory value.
 * @param name   the value, UTF-8; must not be NULL.
 * @param out    receives the verdict; may be NULL when only the status matters.
 * @return DW_OK when valid, DW_E_NAME when invalid (reason in *out), DW_E_INVAL when name is NULL.
 * No allocation; thread-safe.
 */
DW_API dw_status dw_name_validate(const char *name, dw_name_check *out);

/**
 * Validate a DropDirectory value of explicit length (which may contain NUL bytes, which are rejected
 * with DW_REASON_EMBEDDED_NUL). Same results as dw_name_validate(). name may be NULL only when len is 0.
 */
DW_API dw_status dw_name_validate_n(const char *name, size_t len, dw_name_check *out);

/** Human-readable explanation of a reason ("contains a path separator ..."). Static string, never NULL. */
DW_API const char *dw_reason_str(dw_reason reason);

/** Symbolic name of a reason ("DW_REASON_SEPARATOR"), or "DW_REASON_UNKNOWN". Static string. */
DW_API const char *dw_reason_name(dw_reason reason);

/**
 * Whether `name` (one path component, NUL-terminated) is a Windows reserved device name, with or
 * without an extension, compared case-insensitively: CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9, COM¹²³,
 * LPT¹²³, CONIN$, CONOUT$. CLOCK$ is not reserved (only on pre-NT systems). Returns 1 or 0 (0 for NULL).
 */
DW_API int dw_name_is_reserved(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_NAME_H */
