/* SPDX-License-Identifier: MIT */
/* Classification of errno values and Win32 codes into the I/O failure classes of dropwatch/classify.h.
 * The tables are X-macros so one list yields both the switch used for lookup (constant time, no scan)
 * and the symbolic names. Everything here is a pure function of its arguments. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch/classify.h"
#include "guard_internal.h"
#include "internal.h"

/* Win32 codes (winerror.h values; 665 and 1295 from Microsoft's System Error Codes list). */
#define W_FILE_NOT_FOUND 2u
#define W_PATH_NOT_FOUND 3u
#define W_TOO_MANY_OPEN_FILES 4u
#define W_ACCESS_DENIED 5u
#define W_NOT_ENOUGH_MEMORY 8u
#define W_OUTOFMEMORY 14u
#define W_NOT_SAME_DEVICE 17u
#define W_WRITE_PROTECT 19u
#define W_NOT_READY 21u
#define W_CRC 23u
#define W_SEEK 25u
#define W_SECTOR_NOT_FOUND 27u
#define W_WRITE_FAULT 29u
#define W_READ_FAULT 30u
#define W_GEN_FAILURE 31u
#define W_SHARING_VIOLATION 32u
#define W_LOCK_VIOLATION 33u
#define W_HANDLE_DISK_FULL 39u
#define W_BAD_NETPATH 53u
#define W_NETWORK_BUSY 54u
#define W_DEV_NOT_EXIST 55u
#define W_UNEXP_NET_ERR 59u
#define W_NETNAME_DELETED 64u
#define W_NETWORK_ACCESS_DENIED 65u
#define W_BAD_NET_NAME 67u
#define W_INVALID_PARAMETER 87u
#define W_DISK_FULL 112u
#define W_SEM_TIMEOUT 121u
#define W_INVALID_NAME 123u
#define W_BAD_PATHNAME 161u
#define W_BUSY 170u
#define W_FILENAME_EXCED_RANGE 206u
#define W_FILE_TOO_LARGE 223u
#define W_DIRECTORY 267u
#define W_NOT_SUPPORTED 50u
#define W_DIR_NOT_EMPTY 145u
#define W_TOO_MANY_LINKS 1142u
#define W_FILE_SYSTEM_LIMITATION 665u
#define W_OPERATION_ABORTED 995u
#define W_IO_DEVICE 1117u
#define W_DEVICE_NOT_CONNECTED 1167u
#define W_CONNECTION_REFUSED 1225u
#define W_NETWORK_UNREACHABLE 1231u
#define W_HOST_UNREACHABLE 1232u
#define W_CONNECTION_ABORTED 1236u
#define W_DISK_QUOTA_EXCEEDED 1295u
#define W_PRIVILEGE_NOT_HELD 1314u
#define W_FILE_CORRUPT 1392u
#define W_DISK_CORRUPT 1393u
#define W_NO_SYSTEM_RESOURCES 1450u
#define W_WORKING_SET_QUOTA 1453u
#define W_TIMEOUT 1460u
#define W_CANT_RESOLVE_FILENAME 1921u
#define W_INVALID_FUNCTION 1u
#define W_FILE_EXISTS 80u
#define W_ALREADY_EXISTS 183u
#define W_REPARSE_POINT_ENCOUNTERED 4395u

/* errno values some platforms lack (mingw-w64 has no ENOMEDIUM, EUCLEAN, EDQUOT, ESTALE, ...): their rows
 * exist only where the value does, and the Win32 table derives the nearest value that exists. */
#ifdef ENOMEDIUM
#define ROW_ENOMEDIUM(X) X(ENOMEDIUM, PHYSICAL, W_NOT_READY)
#else
#define ROW_ENOMEDIUM(X)
#endif
#ifdef EMEDIUMTYPE
#define ROW_EMEDIUMTYPE(X) X(EMEDIUMTYPE, PHYSICAL, W_GEN_FAILURE)
#else
#define ROW_EMEDIUMTYPE(X)
#endif
#ifdef EUCLEAN
#define ROW_EUCLEAN(X) X(EUCLEAN, LOGICAL, W_DISK_CORRUPT)
#define DWI_EUCLEAN EUCLEAN
#else
#define ROW_EUCLEAN(X)
#define DWI_EUCLEAN EBADMSG
#endif
#ifdef EDQUOT
#define ROW_EDQUOT(X) X(EDQUOT, CAPACITY, W_DISK_QUOTA_EXCEEDED)
#define DWI_EDQUOT EDQUOT
#else
#define ROW_EDQUOT(X)
#define DWI_EDQUOT ENOSPC
#endif
#ifdef ESTALE
#define ROW_ESTALE(X) X(ESTALE, REMOTE, W_NETNAME_DELETED)
#else
#define ROW_ESTALE(X)
#endif
#ifdef EHOSTDOWN
#define ROW_EHOSTDOWN(X) X(EHOSTDOWN, REMOTE, W_BAD_NETPATH)
#else
#define ROW_EHOSTDOWN(X)
#endif
#ifdef EREMOTEIO
#define ROW_EREMOTEIO(X) X(EREMOTEIO, REMOTE, W_UNEXP_NET_ERR)
#else
#define ROW_EREMOTEIO(X)
#endif

/* errno, class, closest Win32 code (0 = none fits). */
#define DWI_ERRNO_TABLE(X) \
    X(EIO, PHYSICAL, W_IO_DEVICE) \
    X(ENXIO, PHYSICAL, W_NOT_READY) \
    X(ENODEV, PHYSICAL, W_DEVICE_NOT_CONNECTED) \
    ROW_ENOMEDIUM(X) \
    ROW_EMEDIUMTYPE(X) \
    ROW_EUCLEAN(X) \
    X(EBADMSG, LOGICAL, W_FILE_CORRUPT) \
    X(EROFS, LOGICAL, W_WRITE_PROTECT) \
    X(EINTR, TRANSIENT, W_OPERATION_ABORTED) \
    X(EAGAIN, TRANSIENT, W_BUSY) \
    X(EBUSY, TRANSIENT, W_BUSY) \
    X(ETXTBSY, TRANSIENT, W_SHARING_VIOLATION) \
    X(ETIMEDOUT, TRANSIENT, W_TIMEOUT) \
    X(ENOMEM, TRANSIENT, W_NOT_ENOUGH_MEMORY) \
    X(ENOBUFS, TRANSIENT, W_NO_SYSTEM_RESOURCES) \
    X(EMFILE, TRANSIENT, W_TOO_MANY_OPEN_FILES) \
    X(ENFILE, TRANSIENT, W_TOO_MANY_OPEN_FILES) \
    X(ENOSPC, CAPACITY, W_DISK_FULL) \
    ROW_EDQUOT(X) \
    X(EFBIG, CAPACITY, W_FILE_TOO_LARGE) \
    X(EACCES, ACCESS, W_ACCESS_DENIED) \
    X(EPERM, ACCESS, W_ACCESS_DENIED) \
    X(ENOENT, CONFIGURATION, W_PATH_NOT_FOUND) \
    X(ENOTDIR, CONFIGURATION, W_DIRECTORY) \
    X(ELOOP, CONFIGURATION, W_CANT_RESOLVE_FILENAME) \
    X(ENAMETOOLONG, CONFIGURATION, W_FILENAME_EXCED_RANGE) \
    X(EINVAL, CONFIGURATION, W_INVALID_PARAMETER) \
    X(EXDEV, CONFIGURATION, W_NOT_SAME_DEVICE) \
    X(EISDIR, CONFIGURATION, W_DIRECTORY) \
    X(ENOTEMPTY, CONFIGURATION, W_DIR_NOT_EMPTY) \
    X(EOPNOTSUPP, CONFIGURATION, W_NOT_SUPPORTED) \
    X(ENOSYS, CONFIGURATION, W_NOT_SUPPORTED) \
    X(EMLINK, CAPACITY, W_TOO_MANY_LINKS) \
    X(EOVERFLOW, CAPACITY, W_FILE_TOO_LARGE) \
    X(EDEADLK, TRANSIENT, W_LOCK_VIOLATION) \
    X(ENOTCONN, REMOTE, W_NETNAME_DELETED) \
    X(EPIPE, REMOTE, W_NETNAME_DELETED) \
    ROW_ESTALE(X) \
    X(ECONNRESET, REMOTE, W_NETNAME_DELETED) \
    X(ECONNABORTED, REMOTE, W_CONNECTION_ABORTED) \
    X(ECONNREFUSED, REMOTE, W_CONNECTION_REFUSED) \
    ROW_EHOSTDOWN(X) \
    X(EHOSTUNREACH, REMOTE, W_HOST_UNREACHABLE) \
    X(ENETDOWN, REMOTE, W_UNEXP_NET_ERR) \
    X(ENETUNREACH, REMOTE, W_NETWORK_UNREACHABLE) \
    X(ENETRESET, REMOTE, W_NETNAME_DELETED) \
    X(ENOLCK, REMOTE, 0u) \
    ROW_EREMOTEIO(X)

/* Win32 code, symbolic name, class, the errno derived from it on Windows (the native code is the fact). */
#define DWI_WIN32_TABLE(X) \
    X(W_NOT_READY, "ERROR_NOT_READY", PHYSICAL, ENXIO) \
    X(W_CRC, "ERROR_CRC", PHYSICAL, EIO) \
    X(W_SEEK, "ERROR_SEEK", PHYSICAL, EIO) \
    X(W_SECTOR_NOT_FOUND, "ERROR_SECTOR_NOT_FOUND", PHYSICAL, EIO) \
    X(W_WRITE_FAULT, "ERROR_WRITE_FAULT", PHYSICAL, EIO) \
    X(W_READ_FAULT, "ERROR_READ_FAULT", PHYSICAL, EIO) \
    X(W_GEN_FAILURE, "ERROR_GEN_FAILURE", PHYSICAL, EIO) \
    X(W_IO_DEVICE, "ERROR_IO_DEVICE", PHYSICAL, EIO) \
    X(W_DEVICE_NOT_CONNECTED, "ERROR_DEVICE_NOT_CONNECTED", PHYSICAL, ENODEV) \
    X(W_FILE_CORRUPT, "ERROR_FILE_CORRUPT", LOGICAL, EBADMSG) \
    X(W_DISK_CORRUPT, "ERROR_DISK_CORRUPT", LOGICAL, DWI_EUCLEAN) \
    X(W_WRITE_PROTECT, "ERROR_WRITE_PROTECT", LOGICAL, EROFS) \
    X(W_FILE_SYSTEM_LIMITATION, "ERROR_FILE_SYSTEM_LIMITATION", LOGICAL, EIO) \
    X(W_SHARING_VIOLATION, "ERROR_SHARING_VIOLATION", TRANSIENT, EBUSY) \
    X(W_LOCK_VIOLATION, "ERROR_LOCK_VIOLATION", TRANSIENT, EAGAIN) \
    X(W_BUSY, "ERROR_BUSY", TRANSIENT, EBUSY) \
    X(W_NOT_ENOUGH_MEMORY, "ERROR_NOT_ENOUGH_MEMORY", TRANSIENT, ENOMEM) \
    X(W_OUTOFMEMORY, "ERROR_OUTOFMEMORY", TRANSIENT, ENOMEM) \
    X(W_NO_SYSTEM_RESOURCES, "ERROR_NO_SYSTEM_RESOURCES", TRANSIENT, ENOBUFS) \
    X(W_WORKING_SET_QUOTA, "ERROR_WORKING_SET_QUOTA", TRANSIENT, ENOMEM) \
    X(W_TOO_MANY_OPEN_FILES, "ERROR_TOO_MANY_OPEN_FILES", TRANSIENT, EMFILE) \
    X(W_OPERATION_ABORTED, "ERROR_OPERATION_ABORTED", TRANSIENT, EINTR) \
    X(W_TIMEOUT, "ERROR_TIMEOUT", TRANSIENT, ETIMEDOUT) \
    X(W_DISK_FULL, "ERROR_DISK_FULL", CAPACITY, ENOSPC) \
    X(W_HANDLE_DISK_FULL, "ERROR_HANDLE_DISK_FULL", CAPACITY, ENOSPC) \
    X(W_DISK_QUOTA_EXCEEDED, "ERROR_DISK_QUOTA_EXCEEDED", CAPACITY, DWI_EDQUOT) \
    X(W_FILE_TOO_LARGE, "ERROR_FILE_TOO_LARGE", CAPACITY, EFBIG) \
    X(W_ACCESS_DENIED, "ERROR_ACCESS_DENIED", ACCESS, EACCES) \
    X(W_PRIVILEGE_NOT_HELD, "ERROR_PRIVILEGE_NOT_HELD", ACCESS, EPERM) \
    X(W_NETWORK_ACCESS_DENIED, "ERROR_NETWORK_ACCESS_DENIED", ACCESS, EACCES) \
    X(W_FILE_NOT_FOUND, "ERROR_FILE_NOT_FOUND", CONFIGURATION, ENOENT) \
    X(W_PATH_NOT_FOUND, "ERROR_PATH_NOT_FOUND", CONFIGURATION, ENOENT) \
    X(W_INVALID_NAME, "ERROR_INVALID_NAME", CONFIGURATION, EINVAL) \
    X(W_DIRECTORY, "ERROR_DIRECTORY", CONFIGURATION, ENOTDIR) \
    X(W_FILENAME_EXCED_RANGE, "ERROR_FILENAME_EXCED_RANGE", CONFIGURATION, ENAMETOOLONG) \
    X(W_BAD_PATHNAME, "ERROR_BAD_PATHNAME", CONFIGURATION, EINVAL) \
    X(W_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER", CONFIGURATION, EINVAL) \
    X(W_NOT_SAME_DEVICE, "ERROR_NOT_SAME_DEVICE", CONFIGURATION, EXDEV) \
    X(W_NOT_SUPPORTED, "ERROR_NOT_SUPPORTED", CONFIGURATION, ENOTSUP) \
    X(W_DIR_NOT_EMPTY, "ERROR_DIR_NOT_EMPTY", CONFIGURATION, ENOTEMPTY) \
    X(W_TOO_MANY_LINKS, "ERROR_TOO_MANY_LINKS", CAPACITY, EMLINK) \
    X(W_CANT_RESOLVE_FILENAME, "ERROR_CANT_RESOLVE_FILENAME", CONFIGURATION, ELOOP) \
    X(W_BAD_NETPATH, "ERROR_BAD_NETPATH", REMOTE, EHOSTUNREACH) \
    X(W_NETWORK_BUSY, "ERROR_NETWORK_BUSY", REMOTE, ENETDOWN) \
    X(W_DEV_NOT_EXIST, "ERROR_DEV_NOT_EXIST", REMOTE, ENETDOWN) \
    X(W_UNEXP_NET_ERR, "ERROR_UNEXP_NET_ERR", REMOTE, ENETDOWN) \
    X(W_NETNAME_DELETED, "ERROR_NETNAME_DELETED", REMOTE, ECONNRESET) \
    X(W_BAD_NET_NAME, "ERROR_BAD_NET_NAME", REMOTE, EHOSTUNREACH) \
    X(W_SEM_TIMEOUT, "ERROR_SEM_TIMEOUT", REMOTE, ETIMEDOUT) \
    X(W_NETWORK_UNREACHABLE, "ERROR_NETWORK_UNREACHABLE", REMOTE, ENETUNREACH) \
    X(W_HOST_UNREACHABLE, "ERROR_HOST_UNREACHABLE", REMOTE, EHOSTUNREACH) \
    X(W_CONNECTION_REFUSED, "ERROR_CONNECTION_REFUSED", REMOTE, ECONNREFUSED) \
    X(W_CONNECTION_ABORTED, "ERROR_CONNECTION_ABORTED", REMOTE, ECONNABORTED) \
    X(W_INVALID_FUNCTION, "ERROR_INVALID_FUNCTION", CONFIGURATION, ENOSYS) \
    X(W_FILE_EXISTS, "ERROR_FILE_EXISTS", TRANSIENT, EEXIST) \
    X(W_ALREADY_EXISTS, "ERROR_ALREADY_EXISTS", TRANSIENT, EEXIST) \
    X(W_REPARSE_POINT_ENCOUNTERED, "ERROR_REPARSE_POINT_ENCOUNTERED", CONFIGURATION, ELOOP)

typedef struct errno_entry {
    int errnum;
    const char *name;
    dw_class cls;
    uint32_t win32;
} errno_entry;

typedef struct win32_entry {
    uint32_t code;
    const char *name;
    dw_class cls;
    int errnum;
} win32_entry;

#define ERRNO_ROW(e, c, w) {e, #e, DW_CLASS_##c, w},
static const errno_entry errno_table[] = {DWI_ERRNO_TABLE(ERRNO_ROW)};

#define WIN32_ROW(code, name, c, e) {code, name, DW_CLASS_##c, e},
static const win32_entry win32_table[] = {DWI_WIN32_TABLE(WIN32_ROW)};

/* Position of errnum in errno_table, or -1. The switch is built from the same list, so each case
 * returns its own row index (counted by an enum generated alongside). */
#define ERRNO_IDX(e, c, w) IDX_##e,
enum { DWI_ERRNO_TABLE(ERRNO_IDX) ERRNO_COUNT };
#define WIN32_IDX(code, name, c, e) WIDX_##code,
enum { DWI_WIN32_TABLE(WIN32_IDX) WIN32_COUNT };

static int errno_index(int errnum)
{
    switch (errnum) {
#define ERRNO_CASE(e, c, w) case e: return IDX_##e;
        DWI_ERRNO_TABLE(ERRNO_CASE)
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return IDX_EAGAIN;
#endif
    default: return -1;
    }
}

static int win32_index(uint32_t code)
{
    switch (code) {
#define WIN32_CASE(code, name, c, e) case code: return WIDX_##code;
        DWI_WIN32_TABLE(WIN32_CASE)
    default: return -1;
    }
}

size_t dwi_errno_table_size(void) { return ERRNO_COUNT; }
int dwi_errno_table_at(size_t i) { return i < ERRNO_COUNT ? errno_table[i].errnum : 0; }
size_t dwi_win32_table_size(void) { return WIN32_COUNT; }
uint32_t dwi_win32_table_at(size_t i) { return i < WIN32_COUNT ? win32_table[i].code : 0; }

dw_class dw_class_from_errno(int errnum)
{
    if (errnum == 0)
        return DW_CLASS_NONE;
    int i = errno_index(errnum);
    /* Unknown I/O errors are treated as physical: the conservative reading of an unexplained failure. */
    return i < 0 ? DW_CLASS_PHYSICAL : errno_table[i].cls;
}

dw_class dw_class_from_win32(uint32_t code)
{
    if (code == 0)
        return DW_CLASS_NONE;
    int i = win32_index(code);
    return i < 0 ? DW_CLASS_PHYSICAL : win32_table[i].cls;
}

int dw_errno_is_known(int errnum)
{
    return errno_index(errnum) >= 0;
}

int dw_win32_is_known(uint32_t code)
{
    return win32_index(code) >= 0;
}

const char *dw_errno_name(int errnum)
{
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    if (errnum == EWOULDBLOCK)
        return "EWOULDBLOCK";
#endif
    int i = errno_index(errnum);
    return i < 0 ? NULL : errno_table[i].name;
}

const char *dw_win32_name(uint32_t code)
{
    int i = win32_index(code);
    return i < 0 ? NULL : win32_table[i].name;
}

/* The reverse lookups scan the same static tables (a few dozen rows, read-only: thread-safe, no
 * allocation), so every name the forward functions print maps back and nothing else does. */
dw_status dw_errno_from_name(const char *name, int *out)
{
    if (!name || !out)
        return DW_E_INVAL;
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    if (strcmp(name, "EWOULDBLOCK") == 0) { /* dw_errno_name()'s one name outside the table */
        *out = EWOULDBLOCK;
        return DW_OK;
    }
#endif
    for (size_t i = 0; i < ERRNO_COUNT; i++) {
        if (strcmp(errno_table[i].name, name) == 0) {
            *out = errno_table[i].errnum;
            return DW_OK;
        }
    }
    return DW_E_PARSE;
}

dw_status dw_win32_from_name(const char *name, uint32_t *out)
{
    if (!name || !out)
        return DW_E_INVAL;
    for (size_t i = 0; i < WIN32_COUNT; i++) {
        if (strcmp(win32_table[i].name, name) == 0) {
            *out = win32_table[i].code;
            return DW_OK;
        }
    }
    return DW_E_PARSE;
}

uint32_t dw_win32_from_errno(int errnum)
{
    int i = errno_index(errnum);
    return i < 0 ? 0 : errno_table[i].win32;
}

uint32_t dw_win32_from_hresult(uint32_t code)
{
    /* HRESULT_FROM_WIN32 puts the code in the low word under FACILITY_WIN32 with the failure bit: 0x8007xxxx. */
    return (code & 0xFFFF0000u) == 0x80070000u ? code & 0xFFFFu : code;
}

uint32_t dw_hresult_from_win32(uint32_t code)
{
    /* winerror.h's macro compares the code as a signed HRESULT: 0 and negative values pass through. */
    return code == 0 || (code & 0x80000000u) ? code : (code & 0xFFFFu) | 0x80070000u;
}

int dwi_err_errno(int rc)
{
    if (rc >= 0)
        return 0;
    if (dwi_err_is_win32(rc)) {
        int i = win32_index((uint32_t)(-rc) & ~(uint32_t)DWI_ERR_WIN32);
        return i < 0 ? EIO : win32_table[i].errnum;
    }
    return -rc;
}

uint32_t dwi_err_native(int rc)
{
    if (rc >= 0)
        return 0;
    if (dwi_err_is_win32(rc))
        return (uint32_t)(-rc) & ~(uint32_t)DWI_ERR_WIN32;
    return dw_win32_from_errno(-rc);
}

dw_class dwi_err_class(int rc)
{
    if (rc >= 0)
        return DW_CLASS_NONE;
    return dwi_err_is_win32(rc) ? dw_class_from_win32(dwi_err_native(rc)) : dw_class_from_errno(-rc);
}

static const struct {
    const char *name;
    const char *text;
    const char *action;
    int retryable;
} class_table[DW_CLASS_COUNT] = {
    [DW_CLASS_NONE] = {"none", "no failure", "No action needed.", 0},
    [DW_CLASS_PHYSICAL] = {"physical", "the device or controller failed the request",
                           "Verify that the disk drivers and the drive and controller firmware are up to date, "
                           "and check the hardware.",
                           0},
    [DW_CLASS_LOGICAL] = {"logical", "the file-system structure is damaged or the file system is read-only",
                          "Run CHKDSK <drive>: /F /R on the drop directory's volume (fsck on POSIX), then retry.", 0},
    [DW_CLASS_TRANSIENT] = {"transient", "temporary contention or interruption (transient software error)",
                            "None if it clears on retry; otherwise reduce the I/O load on the disk.", 1},
    [DW_CLASS_CAPACITY] = {"capacity", "no room: disk full, user quota, file size or DropDirectoryQuota",
                           "Free space or raise DropDirectoryQuota (make sure the gateway picks up its files), "
                           "or move the Drop directory to another disk.",
                           1},
    [DW_CLASS_ACCESS] = {"access", "the service account may not write to the drop directory",
                         "Grant the transport service account write permission on the Drop directory.", 0},
    [DW_CLASS_CONFIGURATION] = {"configuration",
                                "the drop directory is missing, not a directory, a refused symlink, or misconfigured",
                                "Create the Drop directory or correct DropDirectory / RootDropDirectoryPath "
                                "(the directory is never created automatically).",
                                0},
    [DW_CLASS_REMOTE] = {"remote", "the network file system holding the drop directory failed",
                         "Check the file server and the network path to it.", 1},
};

const char *dw_class_name(dw_class cls)
{
    return (unsigned)cls < DW_CLASS_COUNT ? class_table[cls].name : "unknown";
}

const char *dw_class_str(dw_class cls)
{
    return (unsigned)cls < DW_CLASS_COUNT ? class_table[cls].text : "unknown failure class";
}

const char *dw_class_action(dw_class cls)
{
    return (unsigned)cls < DW_CLASS_COUNT ? class_table[cls].action
                                          : "Unknown failure class: check the disk and the drop directory.";
}

int dw_class_retryable(dw_class cls)
{
    return (unsigned)cls < DW_CLASS_COUNT ? class_table[cls].retryable : 0;
}

static const char *const op_names[DW_OP_COUNT] = {
    [DW_OP_NONE] = "none",         [DW_OP_OPEN_DIR] = "open-dir", [DW_OP_CREATE] = "create",
    [DW_OP_WRITE] = "write",       [DW_OP_READ] = "read",         [DW_OP_FSYNC] = "fsync",
    [DW_OP_CLOSE] = "close",       [DW_OP_RENAME] = "rename",     [DW_OP_DIR_FSYNC] = "dir-fsync",
    [DW_OP_QUOTA] = "quota",       [DW_OP_UNLINK] = "unlink",     [DW_OP_SCAN] = "scan",
    [DW_OP_STAT] = "stat",         [DW_OP_MKDIR] = "mkdir",       [DW_OP_LOCK] = "lock",
    [DW_OP_VALIDATE] = "validate", [DW_OP_RESOLVE] = "resolve",
};

const char *dw_outcome_name(dw_outcome outcome)
{
    static const char *const names[DW_OUTCOME_COUNT] = {"none", "durable", "not-published", "uncertain"};
    return (unsigned)outcome < DW_OUTCOME_COUNT ? names[outcome] : "unknown";
}

const char *dw_op_name(dw_op op)
{
    return (unsigned)op < DW_OP_COUNT ? op_names[op] : "unknown";
}

#if defined(_WIN32) || !(defined(_GNU_SOURCE) && defined(__GLIBC__))
/* "Unknown error N", glibc's text for a value it does not know. */
static void unknown_text(char *buf, size_t size, int errnum)
{
    dwi_out o;
    dwi_out_init(&o, buf, size);
    dwi_out_str(&o, "Unknown error ");
    dwi_out_i64(&o, errnum);
    (void)dwi_out_finish(&o, NULL);
}
#endif

#ifdef _WIN32
/* glibc's texts for the errno values the library reports, so that records read the same on every
 * platform (the Microsoft C runtime words them differently and knows fewer). */
static const char *portable_errno_text(int errnum)
{
    switch (errnum) {
    case EIO:
        return "Input/output error";
    case ENXIO:
        return "No such device or address";
    case ENODEV:
        return "No such device";
    case EBADMSG:
        return "Bad message";
    case EROFS:
        return "Read-only file system";
    case EINTR:
        return "Interrupted system call";
    case EAGAIN:
        return "Resource temporarily unavailable";
    case EBUSY:
        return "Device or resource busy";
    case ETXTBSY:
        return "Text file busy";
    case ETIMEDOUT:
        return "Connection timed out";
    case ENOMEM:
        return "Cannot allocate memory";
    case ENOBUFS:
        return "No buffer space available";
    case EMFILE:
        return "Too many open files";
    case ENFILE:
        return "Too many open files in system";
    case ENOSPC:
        return "No space left on device";
    case EFBIG:
        return "File too large";
    case EACCES:
        return "Permission denied";
    case EPERM:
        return "Operation not permitted";
    case ENOENT:
        return "No such file or directory";
    case ENOTDIR:
        return "Not a directory";
    case ELOOP:
        return "Too many levels of symbolic links";
    case ENAMETOOLONG:
        return "File name too long";
    case EINVAL:
        return "Invalid argument";
    case EXDEV:
        return "Invalid cross-device link";
    case ECONNRESET:
        return "Connection reset by peer";
    case ECONNABORTED:
        return "Software caused connection abort";
    case ECONNREFUSED:
        return "Connection refused";
    case EHOSTUNREACH:
        return "No route to host";
    case ENETDOWN:
        return "Network is down";
    case ENETUNREACH:
        return "Network is unreachable";
    case ENETRESET:
        return "Network dropped connection on reset";
    case ENOLCK:
        return "No locks available";
    case EEXIST:
        return "File exists";
    case ENOSYS:
        return "Function not implemented";
    case ENOTSUP:
        return "Operation not supported";
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
        return "Resource temporarily unavailable";
#endif
    default:
        return NULL;
    }
}
#endif

dw_status dw_errno_str(int errnum, char *buf, size_t size, size_t *needed)
{
    char tmp[256];
    const char *text;
#if defined(_WIN32)
    /* The C runtime's table (strerror_s: the thread-safe variant the Microsoft CRT offers). */
    text = portable_errno_text(errnum);
    if (text)
        return dwi_copy_out(text, strlen(text), buf, size, needed);
    /* The Microsoft C runtime says "Unknown error" without the number: add it, as glibc does. */
    if (strerror_s(tmp, sizeof tmp, errnum) != 0 || !tmp[0] || strcmp(tmp, "Unknown error") == 0)
        unknown_text(tmp, sizeof tmp, errnum);
    text = tmp;
#elif defined(_GNU_SOURCE) && defined(__GLIBC__)
    /* GNU strerror_r returns either tmp or a static immutable string; both are safe to read here. */
    text = strerror_r(errnum, tmp, sizeof tmp);
#else
    if (strerror_r(errnum, tmp, sizeof tmp) != 0)
        unknown_text(tmp, sizeof tmp, errnum);
    text = tmp;
#endif
    if (!text)
        return DW_E_INVAL;
    return dwi_copy_out(text, strlen(text), buf, size, needed);
}

static dw_status fill_errno_str(const void *args, char *buf, size_t size, size_t *needed)
{
    return dw_errno_str(*(const int *)args, buf, size, needed);
}

dw_status dw_errno_str_alloc(int errnum, char **out)
{
    return dwi_alloc_text(fill_errno_str, &errnum, DW_OK, out, NULL);
}

void dwi_io_error_set_code(dw_io_error *err, dw_op op, int code, const char *path)
{
    if (!err)
        return;
    if (!dwi_err_is_win32(code)) {
        dw_io_error_set(err, op, code < 0 ? -code : EIO, 0, path);
        return;
    }
    /* Native: the class is the Win32 code's, errno is only derived from it. */
    uint32_t w = dwi_err_native(code);
    dw_io_error_set(err, op, 0, w, path);
    err->sys_errno = dwi_err_errno(code);
}

void dw_io_error_clear(dw_io_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* Copy a detail string, truncated safely. */
void dwi_io_error_detail(dw_io_error *err, const char *detail)
{
    if (!err)
        return;
    (void)dwi_copy_out(detail ? detail : "", detail ? strlen(detail) : 0, err->detail, sizeof err->detail, NULL);
}

dw_status dw_io_error_set(dw_io_error *err, dw_op op, int errnum, uint32_t win32, const char *path)
{
    if (!err)
        return DW_E_INVAL;
    memset(err, 0, sizeof *err);
    err->op = op;
    err->sys_errno = errnum;
    err->win32 = win32 ? win32 : dw_win32_from_errno(errnum);
    err->io_class = errnum ? dw_class_from_errno(errnum) : dw_class_from_win32(win32);
    err->retryable = dw_class_retryable(err->io_class);
    err->attempts = 1;
    if (path)
        (void)dwi_copy_out(path, strlen(path), err->path, sizeof err->path, NULL);
    dwi_out o;
    if (errnum && !dw_errno_is_known(errnum)) {
        dwi_out_init(&o, err->detail, sizeof err->detail);
        dwi_out_str(&o, "unclassified errno ");
        dwi_out_i64(&o, errnum);
        (void)dwi_out_finish(&o, NULL);
    } else if (!errnum && win32 && !dw_win32_is_known(win32)) {
        dwi_out_init(&o, err->detail, sizeof err->detail);
        dwi_out_str(&o, "unclassified Win32 code ");
        dwi_out_u64(&o, win32);
        (void)dwi_out_finish(&o, NULL);
    }
    return DW_OK;
}

/* English system text (FormatMessage, en-US) of the Win32 codes the classification knows, as .NET's
 * IOException.Message carries it: that is what Exchange logs as event 8004's %3. Codes whose text is not
 * pinned down here give NULL (the caller falls back to the errno text). */
const char *dw_win32_message(uint32_t code)
{
    switch (code) {
    case 2: return "The system cannot find the file specified.";
    case 3: return "The system cannot find the path specified.";
    case 4: return "The system cannot open the file.";
    case 5: return "Access is denied.";
    case 8: return "Not enough memory resources are available to process this command.";
    case 14: return "Not enough memory resources are available to complete this operation.";
    case 17: return "The system cannot move the file to a different disk drive.";
    case 19: return "The media is write protected.";
    case 21: return "The device is not ready.";
    case 23: return "Data error (cyclic redundancy check).";
    case 25: return "The drive cannot locate a specific area or track on the disk.";
    case 27: return "The drive cannot find the sector requested.";
    case 29: return "The system cannot write to the specified device.";
    case 30: return "The system cannot read from the specified device.";
    case 31: return "A device attached to the system is not functioning.";
    case 32: return "The process cannot access the file because it is being used by another process.";
    case 33: return "The process cannot access the file because another process has locked a portion of the file.";
    case 39: return "The disk is full.";
    case 53: return "The network path was not found.";
    case 54: return "The network is busy.";
    case 55: return "The specified network resource or device is no longer available.";
    case 59: return "An unexpected network error occurred.";
    case 64: return "The specified network name is no longer available.";
    case 65: return "Network access is denied.";
    case 67: return "The network name cannot be found.";
    case 80: return "The file exists.";
    case 87: return "The parameter is incorrect.";
    case 112: return "There is not enough space on the disk.";
    case 121: return "The semaphore timeout period has expired.";
    case 123: return "The filename, directory name, or volume label syntax is incorrect.";
    case 161: return "The specified path is invalid.";
    case 170: return "The requested resource is in use.";
    case 183: return "Cannot create a file when that file already exists.";
    case 206: return "The filename or extension is too long.";
    case 267: return "The directory name is invalid.";
    case 995: return "The I/O operation has been aborted because of either a thread exit or an application request.";
    case 1117: return "The request could not be performed because of an I/O device error.";
    case 1167: return "The device is not connected.";
    case 1225: return "The remote computer refused the network connection.";
    case 1236: return "The network connection was aborted by the local system.";
    case 1314: return "A required privilege is not held by the client.";
    case 1392: return "The file or directory is corrupted and unreadable.";
    case 1393: return "The disk structure is corrupted and unreadable.";
    case 1450: return "Insufficient system resources exist to complete the requested service.";
    case 1453: return "Insufficient quota to complete the requested service.";
    default: return NULL;
    }
}

/* One pass of the description into `o` (see dw_io_error_describe()). */
static void describe(dwi_out *o, const dw_io_error *err)
{
    char text[128];
    const char *name;
    int codes = 0;
    dwi_out_str(o, dw_op_name(err->op));
    dwi_out_str(o, " failed");
    if (err->path[0]) {
        dwi_out_str(o, " on ");
        dwi_quote(o, err->path, strnlen(err->path, sizeof err->path)); /* bounded; err->path stays whole */
    }
    if (err->sys_errno) {
        (void)dw_errno_str(err->sys_errno, text, sizeof text, NULL); /* a truncated text is fine */
        dwi_out_str(o, ": ");
        dwi_out_str(o, text);
    }
    if (err->sys_errno || err->win32)
        dwi_out_str(o, " (");
    if (err->sys_errno) {
        name = dw_errno_name(err->sys_errno);
        if (name) {
            dwi_out_str(o, name);
        } else {
            dwi_out_str(o, "errno ");
            dwi_out_i64(o, err->sys_errno);
        }
        codes++;
    }
    if (err->win32) {
        name = dw_win32_name(err->win32);
        if (codes)
            dwi_out_str(o, ", ");
        dwi_out_str(o, name ? name : "Win32 error");
        dwi_out_char(o, ' ');
        dwi_out_u64(o, err->win32);
    }
    if (err->sys_errno || err->win32)
        dwi_out_char(o, ')');
    if (err->detail[0]) {
        dwi_out_str(o, ": ");
        dwi_out_bytes(o, err->detail, strnlen(err->detail, sizeof err->detail));
    }
    dwi_out_str(o, "; ");
    dwi_out_str(o, dw_class_name(err->io_class));
    dwi_out_str(o, ": ");
    dwi_out_str(o, dw_class_str(err->io_class));
    if (err->attempts > 1) {
        dwi_out_str(o, " (after ");
        dwi_out_u64(o, err->attempts);
        dwi_out_str(o, " attempts)");
    }
    if (err->outcome == DW_OUTCOME_UNCERTAIN) {
        dwi_out_str(o, "; PUBLISHED as ");
        dwi_out_bytes(o, err->published, strnlen(err->published, sizeof err->published));
        dwi_out_str(o, ", durability unknown: do not deliver it again");
    }
    if (err->left_behind[0]) {
        char left[sizeof err->left_behind];
        size_t n = strnlen(err->left_behind, sizeof err->left_behind - 1);
        memcpy(left, err->left_behind, n);
        left[n] = '\0';
        dwi_out_str(o, "; ");
        dwi_out_bytes(o, left, n);
        /* A temporary file is in dw_drop_options.temp_dir when one is set, which this record does not know. */
        dwi_out_str(o, dwi_is_temp_name(left) ? " left in the temp_dir, or the drop directory without one (removal "
                                                "failed, errno "
                                              : " left in the drop directory (removal failed, errno ");
        dwi_out_i64(o, err->left_errno);
        dwi_out_char(o, ')');
    }
}

dw_status dw_io_error_describe(const dw_io_error *err, char *buf, size_t size, size_t *needed)
{
    if (!err || (!buf && size))
        return DW_E_INVAL;
    dwi_out o;
    dwi_out_init(&o, buf, size);
    describe(&o, err);
    return dwi_out_finish(&o, needed);
}

dw_status dw_io_error_describe_alloc(const dw_io_error *err, char **out)
{
    size_t needed = 0;
    if (!out)
        return DW_E_INVAL;
    *out = NULL;
    dw_status st = dw_io_error_describe(err, NULL, 0, &needed);
    if (st != DW_OK && st != DW_E_BUFFER)
        return st;
    char *s = malloc(needed);
    if (!s)
        return DW_E_NOMEM;
    st = dw_io_error_describe(err, s, needed, NULL);
    if (st != DW_OK) {
        free(s);
        return st;
    }
    *out = s;
    return DW_OK;
}

int dw_io_error_not_found(const dw_io_error *err)
{
    if (!err)
        return 0;
    return err->sys_errno == ENOENT || err->win32 == 2 || err->win32 == 3;
}
