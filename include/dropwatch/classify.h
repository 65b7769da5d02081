/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/classify.h - classified I/O exceptions.
 *
 * Event 8004 names three causes of the I/O exception (physical disk, logical disk structure, transient
 * software errors); production writers meet four more (capacity, access, configuration, remote). Every
 * failure of a file-system call is reported as a dw_io_error: its class, the failing operation, the raw
 * errno and/or Win32 code, the path involved, whether a retry may help and what the operator should do.
 * Classification is a pure function of errno values and of Win32 codes, so tools on any platform can
 * classify what Exchange logged.
 */
#ifndef DROPWATCH_CLASSIFY_H
#define DROPWATCH_CLASSIFY_H

#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** I/O failure class. Values are only ever appended. */
typedef enum dw_class {
    DW_CLASS_NONE = 0,          /**< no failure */
    DW_CLASS_PHYSICAL = 1,      /**< the device or controller failed (also the default for unknown codes) */
    DW_CLASS_LOGICAL = 2,       /**< file-system structure damaged or forced read-only */
    DW_CLASS_TRANSIENT = 3,     /**< temporary contention or interruption; retried with backoff */
    DW_CLASS_CAPACITY = 4,      /**< no room: disk full, user quota, file size, DropDirectoryQuota */
    DW_CLASS_ACCESS = 5,        /**< the service account may not write there */
    DW_CLASS_CONFIGURATION = 6, /**< drop directory missing, not a directory, symlink refused, bad setting */
    DW_CLASS_REMOTE = 7         /**< network file system (UNC/NFS/CIFS) failure */
} dw_class;

#define DW_CLASS_COUNT 8

/** The operation that failed. Values are only ever appended. */
typedef enum dw_op {
    DW_OP_NONE = 0,
    DW_OP_OPEN_DIR = 1,    /**< opening the drop directory */
    DW_OP_CREATE = 2,      /**< creating the temporary file */
    DW_OP_WRITE = 3,       /**< writing message bytes (including short writes that made no progress) */
    DW_OP_READ = 4,        /**< reading the source (dw_drop_write_fd) */
    DW_OP_FSYNC = 5,       /**< fsync of the temporary file */
    DW_OP_CLOSE = 6,       /**< close of the temporary file */
    DW_OP_RENAME = 7,      /**< publishing the final name */
    DW_OP_DIR_FSYNC = 8,   /**< fsync of the drop directory after the rename */
    DW_OP_QUOTA = 9,       /**< DropDirectoryQuota accounting or check */
    DW_OP_UNLINK = 10,     /**< removing a temporary or stale file */
    DW_OP_SCAN = 11,       /**< listing the directory (sweep, usage, health) */
    DW_OP_STAT = 12,       /**< stat/statfs of the directory */
    DW_OP_MKDIR = 13,      /**< explicit creation of the drop directory */
    DW_OP_LOCK = 14,       /**< locking the quota ledger */
    DW_OP_VALIDATE = 15,   /**< the configuration itself (invalid DropDirectory or root) */
    DW_OP_RESOLVE = 16     /**< resolving the drop path */
} dw_op;

#define DW_OP_COUNT 17

/**
 * What a guarded write (dw_drop_write(), dw_drop_write_fd(), dw_msg_commit(), dw_drop_write_batch(), and
 * the dw_msg_begin()/dw_msg_write() steps before it) left behind. Exactly one of three outcomes:
 *  - DW_OUTCOME_DURABLE: the call returned DW_OK; the message is published under its final name and
 *    durable (with DW_DURABLE_NONE: published, not synced, as requested).
 *  - DW_OUTCOME_NOT_PUBLISHED: the call failed and no final name exists; delivering it again is safe. A
 *    temporary file may remain when its removal failed too (left_behind).
 *  - DW_OUTCOME_UNCERTAIN: the call failed AFTER the final name appeared (the directory fsync failed and
 *    the publication could not be undone, or the consumer took the file meanwhile): the message IS
 *    published under `published` but its durability is unknown. Do NOT deliver it again (duplicate);
 *    check later that the file is still there, or let the operator decide.
 * Calls that are not guarded writes leave DW_OUTCOME_NONE. Values are only ever appended.
 */
typedef enum dw_outcome {
    DW_OUTCOME_NONE = 0,          /**< not a guarded write */
    DW_OUTCOME_DURABLE = 1,       /**< published and durable (DW_OK) */
    DW_OUTCOME_NOT_PUBLISHED = 2, /**< failed; nothing under a final name */
    DW_OUTCOME_UNCERTAIN = 3      /**< failed; published under `published`, durability unknown */
} dw_outcome;

#define DW_OUTCOME_COUNT 4

/** Capacity of dw_io_error.published and .left_behind (a file name in the drop directory, with the NUL). */
#define DW_IO_NAME_MAX 128

/** Capacity of dw_io_error.path in bytes, including the NUL (longer paths are truncated). */
#define DW_IO_PATH_MAX 4096
/** Capacity of dw_io_error.detail in bytes, including the NUL. */
#define DW_IO_DETAIL_MAX 256

/**
 * A classified I/O exception. Filled by every call that touches the file system; zeroed (class
 * DW_CLASS_NONE) on success, except `outcome`, which a successful guarded write sets to DW_OUTCOME_DURABLE.
 * Plain data: copy it freely, no free function.
 */
typedef struct dw_io_error {
    dw_class io_class;   /**< the class */
    dw_op op;            /**< the failing operation */
    int sys_errno;       /**< errno value (0 when the failure has none, e.g. DropDirectoryQuota) */
    uint32_t win32;      /**< Win32 error code (the native code on Windows; the closest equivalent on POSIX, or 0) */
    int retryable;       /**< 1 when a retry (later, or after the action) may succeed */
    unsigned attempts;   /**< how many attempts were made (transient retries included) */
    char path[DW_IO_PATH_MAX];     /**< the path involved (drop directory or file), possibly truncated */
    char detail[DW_IO_DETAIL_MAX]; /**< extra detail ("quota 1048576 bytes, used 1040000, message 9000"; "unclassified errno 1234") */
    dw_outcome outcome;  /**< for guarded writes: which of the three outcomes (see dw_outcome) */
    char published[DW_IO_NAME_MAX];   /**< with DW_OUTCOME_UNCERTAIN: the final name the message is published under */
    char left_behind[DW_IO_NAME_MAX]; /**< a file whose removal (an undo) failed, or "": in the drop directory, or
                                           for a temporary file in dw_drop_options.temp_dir when one is set */
    int left_errno;      /**< errno of that failed removal (0 when none) */
} dw_io_error;

/** Set every field of `err` to "no error". NULL is ignored. */
DW_API void dw_io_error_clear(dw_io_error *err);

/** Class of an errno value. Unknown values give DW_CLASS_PHYSICAL (conservative); 0 gives DW_CLASS_NONE. */
DW_API dw_class dw_class_from_errno(int errnum);

/** Class of a Win32 error code (winerror.h). Unknown codes give DW_CLASS_PHYSICAL; 0 gives DW_CLASS_NONE. */
DW_API dw_class dw_class_from_win32(uint32_t code);

/** 1 when `errnum` is in the classification table, 0 when it fell back to the default. */
DW_API int dw_errno_is_known(int errnum);

/** 1 when `code` is in the Win32 classification table, 0 when it fell back to the default. */
DW_API int dw_win32_is_known(uint32_t code);

/** Short lower-case class name ("physical", "logical", ...; "none"; "unknown" out of range). Static. */
DW_API const char *dw_class_name(dw_class cls);

/** One-line description of a class ("the device or controller failed the request"). Static, never NULL. */
DW_API const char *dw_class_str(dw_class cls);

/** The operator's next action for a class ("Run CHKDSK <drive>: /F /R ..."). Static, never NULL. */
DW_API const char *dw_class_action(dw_class cls);

/** 1 when retrying may help for this class (transient, remote; capacity after space is freed), else 0. */
DW_API int dw_class_retryable(dw_class cls);

/** Short outcome name: "none", "durable", "not-published", "uncertain" ("unknown" out of range). Static. */
DW_API const char *dw_outcome_name(dw_outcome outcome);

/** Short operation name ("open-dir", "create", "write", "fsync", "rename", "dir-fsync", "quota", ...). Static. */
DW_API const char *dw_op_name(dw_op op);

/** Symbolic errno name ("ENOSPC"), or NULL when unknown. Static. */
DW_API const char *dw_errno_name(int errnum);

/** Symbolic Win32 name ("ERROR_DISK_FULL"), or NULL when unknown. Static. */
DW_API const char *dw_win32_name(uint32_t code);

/**
 * The errno value named `name`: the inverse of dw_errno_name() ("ENOSPC" -> ENOSPC). Exact and
 * case-sensitive, names only: what dw_errno_name() returns for some value on this platform, nothing else
 * (no number such as "28", no lower case, no surrounding space; callers that accept those parse them
 * first). *out is written only on success. No allocation; thread-safe.
 * @return DW_OK; DW_E_PARSE for a name not in the table (the empty string included); DW_E_INVAL when name
 *         or out is NULL.
 */
DW_API dw_status dw_errno_from_name(const char *name, int *out);

/**
 * The Win32 code named `name`: the inverse of dw_win32_name() ("ERROR_DISK_FULL" -> 112), with the same
 * rules as dw_errno_from_name() (exact, case-sensitive, names only, *out written only on success).
 * @return DW_OK; DW_E_PARSE for a name not in the table; DW_E_INVAL when name or out is NULL.
 */
DW_API dw_status dw_win32_from_name(const char *name, uint32_t *out);

/**
 * Description of an errno value, written into buf (thread-safe strerror_r wrapper; unknown values give
 * "Unknown error N"). Same buffer rules as the rest of the API.
 */
DW_API dw_status dw_errno_str(int errnum, char *buf, size_t size, size_t *needed);

/** dw_errno_str() into a newly allocated string (free it with dw_free()); *out is NULL on failure. */
DW_API dw_status dw_errno_str_alloc(int errnum, char **out);

/**
 * The English system text of a Win32 code, as Windows' FormatMessage gives it and .NET puts it in an
 * IOException's Message ("There is not enough space on the disk." for ERROR_DISK_FULL 112): what Exchange
 * logs as event 8004's %3. NULL for codes without a known text. Static string.
 */
DW_API const char *dw_win32_message(uint32_t code);

/** The closest Win32 code for an errno value (ENOSPC -> ERROR_DISK_FULL 112), or 0 when none fits. */
DW_API uint32_t dw_win32_from_errno(int errnum);

/**
 * The Win32 code inside an HRESULT of FACILITY_WIN32 (0x8007xxxx, what HRESULT_FROM_WIN32 and .NET's
 * IOException.HResult give: its low word, 0x80070070 -> 112); any other value is returned unchanged, so a
 * plain Win32 code (Marshal.GetLastWin32Error) passes through. Pure function.
 */
DW_API uint32_t dw_win32_from_hresult(uint32_t code);

/**
 * The HRESULT of a Win32 code, as HRESULT_FROM_WIN32 makes it and .NET's IOException.HResult carries it
 * (112 -> 0x80070070): FACILITY_WIN32 with the failure bit around the code's low word. 0, and values that
 * already are failure HRESULTs (high bit set), are returned unchanged. Pure function.
 */
DW_API uint32_t dw_hresult_from_win32(uint32_t code);

/**
 * Fill `err` for a failure: class from errnum (or from win32 when errnum is 0), retryable from the class,
 * win32 from errnum when 0 is passed, path copied (truncated safely). Used by the library and by callers
 * that detect failures themselves. Returns DW_E_INVAL when err is NULL, else DW_OK.
 */
DW_API dw_status dw_io_error_set(dw_io_error *err, dw_op op, int errnum, uint32_t win32, const char *path);

/**
 * One line describing a failure, the text every binding shows for it:
 * "create failed on '/x': Permission denied (EACCES, ERROR_ACCESS_DENIED 5): <detail>; access: <class text>
 * (after 3 attempts); PUBLISHED as <name>, ...". Caller buffer rules as dw_errno_str(); NULL err is DW_E_INVAL.
 */
DW_API dw_status dw_io_error_describe(const dw_io_error *err, char *buf, size_t size, size_t *needed);

/** dw_io_error_describe() into a newly allocated string (free it with dw_free()). */
DW_API dw_status dw_io_error_describe_alloc(const dw_io_error *err, char **out);

/**
 * 1 when the failure means "does not exist" (errno ENOENT, Win32 ERROR_FILE_NOT_FOUND 2 or
 * ERROR_PATH_NOT_FOUND 3), else 0 (also for NULL): so that callers never compare raw codes.
 */
DW_API int dw_io_error_not_found(const dw_io_error *err);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_CLASSIFY_H */
