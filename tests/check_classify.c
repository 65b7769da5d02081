/* SPDX-License-Identifier: MIT */
/* Tests for lib/classify.c: every errno and Win32 code of the documented table (doc/guarded-writes.md,
 * from Event 8004 and io-errors reference) gets its documented class, names and Win32 equivalent. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dropwatch.h"
#include "../lib/guard_internal.h"

typedef struct {
    int errnum;
    const char *name;
    dw_class cls;
} errno_case;

/* The documented classification, written out independently of the library's table. */
static const errno_case documented_errno[] = {
    {EIO, "EIO", DW_CLASS_PHYSICAL},
    {ENXIO, "ENXIO", DW_CLASS_PHYSICAL},
    {ENODEV, "ENODEV", DW_CLASS_PHYSICAL},
#ifdef ENOMEDIUM
    {ENOMEDIUM, "ENOMEDIUM", DW_CLASS_PHYSICAL},
#endif
#ifdef EMEDIUMTYPE
    {EMEDIUMTYPE, "EMEDIUMTYPE", DW_CLASS_PHYSICAL},
#endif
#ifdef EUCLEAN
    {EUCLEAN, "EUCLEAN", DW_CLASS_LOGICAL},
#endif
    {EBADMSG, "EBADMSG", DW_CLASS_LOGICAL},
    {EROFS, "EROFS", DW_CLASS_LOGICAL},
    {EINTR, "EINTR", DW_CLASS_TRANSIENT},
    {EAGAIN, "EAGAIN", DW_CLASS_TRANSIENT},
    {EBUSY, "EBUSY", DW_CLASS_TRANSIENT},
    {ETXTBSY, "ETXTBSY", DW_CLASS_TRANSIENT},
    {ETIMEDOUT, "ETIMEDOUT", DW_CLASS_TRANSIENT},
    {ENOMEM, "ENOMEM", DW_CLASS_TRANSIENT},
    {ENOBUFS, "ENOBUFS", DW_CLASS_TRANSIENT},
    {EMFILE, "EMFILE", DW_CLASS_TRANSIENT},
    {ENFILE, "ENFILE", DW_CLASS_TRANSIENT},
    {ENOSPC, "ENOSPC", DW_CLASS_CAPACITY},
#ifdef EDQUOT
    {EDQUOT, "EDQUOT", DW_CLASS_CAPACITY},
#endif
    {EFBIG, "EFBIG", DW_CLASS_CAPACITY},
    {EACCES, "EACCES", DW_CLASS_ACCESS},
    {EPERM, "EPERM", DW_CLASS_ACCESS},
    {ENOENT, "ENOENT", DW_CLASS_CONFIGURATION},
    {ENOTDIR, "ENOTDIR", DW_CLASS_CONFIGURATION},
    {ELOOP, "ELOOP", DW_CLASS_CONFIGURATION},
    {ENAMETOOLONG, "ENAMETOOLONG", DW_CLASS_CONFIGURATION},
    {EINVAL, "EINVAL", DW_CLASS_CONFIGURATION},
    {EXDEV, "EXDEV", DW_CLASS_CONFIGURATION},
    /* Added after the outside test of issue 17 (EISDIR was "unclassified -> physical"). */
    {EISDIR, "EISDIR", DW_CLASS_CONFIGURATION},
    {ENOTEMPTY, "ENOTEMPTY", DW_CLASS_CONFIGURATION},
    {EOPNOTSUPP, "EOPNOTSUPP", DW_CLASS_CONFIGURATION},
    {ENOSYS, "ENOSYS", DW_CLASS_CONFIGURATION},
    {EMLINK, "EMLINK", DW_CLASS_CAPACITY},
    {EOVERFLOW, "EOVERFLOW", DW_CLASS_CAPACITY},
    {EDEADLK, "EDEADLK", DW_CLASS_TRANSIENT},
    {ENOTCONN, "ENOTCONN", DW_CLASS_REMOTE},
    {EPIPE, "EPIPE", DW_CLASS_REMOTE},
#ifdef ESTALE
    {ESTALE, "ESTALE", DW_CLASS_REMOTE},
#endif
    {ECONNRESET, "ECONNRESET", DW_CLASS_REMOTE},
    {ECONNABORTED, "ECONNABORTED", DW_CLASS_REMOTE},
    {ECONNREFUSED, "ECONNREFUSED", DW_CLASS_REMOTE},
#ifdef EHOSTDOWN
    {EHOSTDOWN, "EHOSTDOWN", DW_CLASS_REMOTE},
#endif
    {EHOSTUNREACH, "EHOSTUNREACH", DW_CLASS_REMOTE},
    {ENETDOWN, "ENETDOWN", DW_CLASS_REMOTE},
    {ENETUNREACH, "ENETUNREACH", DW_CLASS_REMOTE},
    {ENETRESET, "ENETRESET", DW_CLASS_REMOTE},
    {ENOLCK, "ENOLCK", DW_CLASS_REMOTE},
#ifdef EREMOTEIO
    {EREMOTEIO, "EREMOTEIO", DW_CLASS_REMOTE},
#endif
};

typedef struct {
    uint32_t code;
    const char *name;
    dw_class cls;
} win32_case;

static const win32_case documented_win32[] = {
    {23, "ERROR_CRC", DW_CLASS_PHYSICAL},
    {25, "ERROR_SEEK", DW_CLASS_PHYSICAL},
    {27, "ERROR_SECTOR_NOT_FOUND", DW_CLASS_PHYSICAL},
    {29, "ERROR_WRITE_FAULT", DW_CLASS_PHYSICAL},
    {30, "ERROR_READ_FAULT", DW_CLASS_PHYSICAL},
    {31, "ERROR_GEN_FAILURE", DW_CLASS_PHYSICAL},
    {21, "ERROR_NOT_READY", DW_CLASS_PHYSICAL},
    {1117, "ERROR_IO_DEVICE", DW_CLASS_PHYSICAL},
    {1167, "ERROR_DEVICE_NOT_CONNECTED", DW_CLASS_PHYSICAL},
    {1392, "ERROR_FILE_CORRUPT", DW_CLASS_LOGICAL},
    {1393, "ERROR_DISK_CORRUPT", DW_CLASS_LOGICAL},
    {19, "ERROR_WRITE_PROTECT", DW_CLASS_LOGICAL},
    {665, "ERROR_FILE_SYSTEM_LIMITATION", DW_CLASS_LOGICAL},
    {32, "ERROR_SHARING_VIOLATION", DW_CLASS_TRANSIENT},
    {33, "ERROR_LOCK_VIOLATION", DW_CLASS_TRANSIENT},
    {170, "ERROR_BUSY", DW_CLASS_TRANSIENT},
    {8, "ERROR_NOT_ENOUGH_MEMORY", DW_CLASS_TRANSIENT},
    {14, "ERROR_OUTOFMEMORY", DW_CLASS_TRANSIENT},
    {1450, "ERROR_NO_SYSTEM_RESOURCES", DW_CLASS_TRANSIENT},
    {1453, "ERROR_WORKING_SET_QUOTA", DW_CLASS_TRANSIENT},
    {4, "ERROR_TOO_MANY_OPEN_FILES", DW_CLASS_TRANSIENT},
    {995, "ERROR_OPERATION_ABORTED", DW_CLASS_TRANSIENT},
    {1460, "ERROR_TIMEOUT", DW_CLASS_TRANSIENT},
    {112, "ERROR_DISK_FULL", DW_CLASS_CAPACITY},
    {39, "ERROR_HANDLE_DISK_FULL", DW_CLASS_CAPACITY},
    {1295, "ERROR_DISK_QUOTA_EXCEEDED", DW_CLASS_CAPACITY},
    {223, "ERROR_FILE_TOO_LARGE", DW_CLASS_CAPACITY},
    {5, "ERROR_ACCESS_DENIED", DW_CLASS_ACCESS},
    {1314, "ERROR_PRIVILEGE_NOT_HELD", DW_CLASS_ACCESS},
    {65, "ERROR_NETWORK_ACCESS_DENIED", DW_CLASS_ACCESS},
    {2, "ERROR_FILE_NOT_FOUND", DW_CLASS_CONFIGURATION},
    {3, "ERROR_PATH_NOT_FOUND", DW_CLASS_CONFIGURATION},
    {123, "ERROR_INVALID_NAME", DW_CLASS_CONFIGURATION},
    {267, "ERROR_DIRECTORY", DW_CLASS_CONFIGURATION},
    {206, "ERROR_FILENAME_EXCED_RANGE", DW_CLASS_CONFIGURATION},
    {161, "ERROR_BAD_PATHNAME", DW_CLASS_CONFIGURATION},
    {87, "ERROR_INVALID_PARAMETER", DW_CLASS_CONFIGURATION},
    {17, "ERROR_NOT_SAME_DEVICE", DW_CLASS_CONFIGURATION},
    {50, "ERROR_NOT_SUPPORTED", DW_CLASS_CONFIGURATION},
    {145, "ERROR_DIR_NOT_EMPTY", DW_CLASS_CONFIGURATION},
    {1142, "ERROR_TOO_MANY_LINKS", DW_CLASS_CAPACITY},
    {1921, "ERROR_CANT_RESOLVE_FILENAME", DW_CLASS_CONFIGURATION},
    {53, "ERROR_BAD_NETPATH", DW_CLASS_REMOTE},
    {54, "ERROR_NETWORK_BUSY", DW_CLASS_REMOTE},
    {55, "ERROR_DEV_NOT_EXIST", DW_CLASS_REMOTE},
    {59, "ERROR_UNEXP_NET_ERR", DW_CLASS_REMOTE},
    {64, "ERROR_NETNAME_DELETED", DW_CLASS_REMOTE},
    {67, "ERROR_BAD_NET_NAME", DW_CLASS_REMOTE},
    {121, "ERROR_SEM_TIMEOUT", DW_CLASS_REMOTE},
    {1231, "ERROR_NETWORK_UNREACHABLE", DW_CLASS_REMOTE},
    {1232, "ERROR_HOST_UNREACHABLE", DW_CLASS_REMOTE},
    {1225, "ERROR_CONNECTION_REFUSED", DW_CLASS_REMOTE},
    {1236, "ERROR_CONNECTION_ABORTED", DW_CLASS_REMOTE},
    {1, "ERROR_INVALID_FUNCTION", DW_CLASS_CONFIGURATION},
    {80, "ERROR_FILE_EXISTS", DW_CLASS_TRANSIENT},
    {183, "ERROR_ALREADY_EXISTS", DW_CLASS_TRANSIENT},
    {4395, "ERROR_REPARSE_POINT_ENCOUNTERED", DW_CLASS_CONFIGURATION},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_documented_errno_classes)
{
    const errno_case *c = &documented_errno[_i];
    ck_assert_msg(dw_class_from_errno(c->errnum) == c->cls, "%s classified %s", c->name,
                  dw_class_name(dw_class_from_errno(c->errnum)));
    ck_assert_int_eq(dw_errno_is_known(c->errnum), 1);
    ck_assert_str_eq(dw_errno_name(c->errnum), c->name);
}
END_TEST

START_TEST(test_documented_win32_classes)
{
    const win32_case *c = &documented_win32[_i];
    ck_assert_msg(dw_class_from_win32(c->code) == c->cls, "%s classified %s", c->name,
                  dw_class_name(dw_class_from_win32(c->code)));
    ck_assert_int_eq(dw_win32_is_known(c->code), 1);
    ck_assert_str_eq(dw_win32_name(c->code), c->name);
}
END_TEST

/* The library's tables hold exactly the documented rows (nothing undocumented slipped in). */
START_TEST(test_tables_match_documentation)
{
    ck_assert_uint_eq(dwi_errno_table_size(), N(documented_errno));
    for (size_t i = 0; i < dwi_errno_table_size(); i++) {
        int e = dwi_errno_table_at(i);
        int found = 0;
        for (size_t j = 0; j < N(documented_errno); j++)
            found |= documented_errno[j].errnum == e;
        ck_assert_msg(found, "errno %d in the table is not documented", e);
    }
    ck_assert_uint_eq(dwi_win32_table_size(), N(documented_win32));
    for (size_t i = 0; i < dwi_win32_table_size(); i++) {
        uint32_t w = dwi_win32_table_at(i);
        int found = 0;
        for (size_t j = 0; j < N(documented_win32); j++)
            found |= documented_win32[j].code == w;
        ck_assert_msg(found, "Win32 code %u in the table is not documented", (unsigned)w);
    }
    ck_assert_int_eq(dwi_errno_table_at(9999), 0);
    ck_assert_uint_eq(dwi_win32_table_at(9999), 0);
}
END_TEST

/* Name -> value: every name the forward functions print maps back to its value, in both tables. */
START_TEST(test_from_name_round_trip)
{
    for (size_t i = 0; i < dwi_errno_table_size(); i++) {
        int e = dwi_errno_table_at(i), back = -1;
        const char *name = dw_errno_name(e);
        ck_assert_ptr_nonnull(name);
        ck_assert_msg(dw_errno_from_name(name, &back) == DW_OK && back == e, "%s -> %d, not %d", name, back, e);
    }
    for (size_t i = 0; i < dwi_win32_table_size(); i++) {
        uint32_t w = dwi_win32_table_at(i), back = 0;
        const char *name = dw_win32_name(w);
        ck_assert_ptr_nonnull(name);
        ck_assert_msg(dw_win32_from_name(name, &back) == DW_OK && back == w, "%s -> %u, not %u", name,
                      (unsigned)back, (unsigned)w);
    }
    /* and every value the forward functions name (a scan wider than any table) comes back */
    for (int e = 1; e < 4096; e++) {
        const char *name = dw_errno_name(e);
        int back = -1;
        if (name)
            ck_assert_msg(dw_errno_from_name(name, &back) == DW_OK && back == e, "%s -> %d", name, back);
    }
    for (uint32_t w = 1; w < 20000; w++) {
        const char *name = dw_win32_name(w);
        uint32_t back = 0;
        if (name)
            ck_assert_msg(dw_win32_from_name(name, &back) == DW_OK && back == w, "%s -> %u", name, (unsigned)back);
    }
    int e = 0;
    uint32_t w = 0;
    ck_assert_int_eq(dw_errno_from_name("ENOSPC", &e), DW_OK);
    ck_assert_int_eq(e, ENOSPC);
    ck_assert_int_eq(dw_win32_from_name("ERROR_DISK_FULL", &w), DW_OK);
    ck_assert_uint_eq(w, 112);
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    ck_assert_int_eq(dw_errno_from_name("EWOULDBLOCK", &e), DW_OK);
    ck_assert_int_eq(e, EWOULDBLOCK);
#else
    /* where it equals EAGAIN, dw_errno_name() never prints it: not a name here */
    ck_assert_int_eq(dw_errno_from_name("EWOULDBLOCK", &e), DW_E_PARSE);
#endif
}
END_TEST

/* Anything else is refused, and *out is left alone. */
START_TEST(test_from_name_refuses)
{
    static const char *const bad_errno[] = {"", "eio", "Eio", "EIO ", " EIO", "EIO\n", "E", "EIOX", "5", "0",
                                            "ERROR_DISK_FULL", "ENOTANERRNO"};
    static const char *const bad_win32[] = {"", "error_disk_full", "Error_Disk_Full", "ERROR_DISK_FULL ",
                                            " ERROR_DISK_FULL", "ERROR_", "ERROR_DISK_FUL", "112", "0x70",
                                            "ENOSPC", "ERROR_SUCCESS"};
    for (size_t i = 0; i < N(bad_errno); i++) {
        int e = 12345;
        ck_assert_msg(dw_errno_from_name(bad_errno[i], &e) == DW_E_PARSE, "'%s' accepted", bad_errno[i]);
        ck_assert_int_eq(e, 12345);
    }
    for (size_t i = 0; i < N(bad_win32); i++) {
        uint32_t w = 12345;
        ck_assert_msg(dw_win32_from_name(bad_win32[i], &w) == DW_E_PARSE, "'%s' accepted", bad_win32[i]);
        ck_assert_uint_eq(w, 12345);
    }
    int e = 12345;
    uint32_t w = 12345;
    ck_assert_int_eq(dw_errno_from_name(NULL, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_errno_from_name("EIO", NULL), DW_E_INVAL);
    ck_assert_int_eq(dw_win32_from_name(NULL, &w), DW_E_INVAL);
    ck_assert_int_eq(dw_win32_from_name("ERROR_DISK_FULL", NULL), DW_E_INVAL);
    ck_assert_int_eq(e, 12345);
    ck_assert_uint_eq(w, 12345);
}
END_TEST

/* The Win32 equivalent of an errno lands in the same class: tools on either side agree. */
START_TEST(test_win32_from_errno_is_consistent)
{
    for (size_t i = 0; i < N(documented_errno); i++) {
        uint32_t w = dw_win32_from_errno(documented_errno[i].errnum);
        if (!w)
            continue;
        ck_assert_msg(dw_win32_is_known(w), "%s maps to unknown %u", documented_errno[i].name, (unsigned)w);
        ck_assert_msg(dw_class_from_win32(w) == documented_errno[i].cls, "%s -> %s differs in class",
                      documented_errno[i].name, dw_win32_name(w));
    }
    ck_assert_uint_eq(dw_win32_from_errno(ENOSPC), 112);
    ck_assert_uint_eq(dw_win32_from_errno(EACCES), 5);
#ifdef EDQUOT
    ck_assert_uint_eq(dw_win32_from_errno(EDQUOT), 1295);
#endif
    ck_assert_uint_eq(dw_win32_from_errno(0), 0);
    ck_assert_uint_eq(dw_win32_from_errno(99999), 0);
}
END_TEST

/* Failure codes of the platform seam: a native Win32 code is the primary fact, errno derives from it. */
START_TEST(test_native_failure_codes)
{
    int rc = dwi_err_win32(112);
    ck_assert_int_lt(rc, 0);
    ck_assert(dwi_err_is_win32(rc));
    ck_assert_uint_eq(dwi_err_native(rc), 112);
    ck_assert_int_eq(dwi_err_errno(rc), ENOSPC);
    ck_assert_int_eq(dwi_err_class(rc), DW_CLASS_CAPACITY);
    ck_assert_int_eq(dwi_err_errno(dwi_err_win32(183)), EEXIST);
    ck_assert_int_eq(dwi_err_errno(dwi_err_win32(80)), EEXIST);
    ck_assert_int_eq(dwi_err_errno(dwi_err_win32(3)), ENOENT);
    ck_assert_int_eq(dwi_err_errno(dwi_err_win32(4395)), ELOOP);
    ck_assert_int_eq(dwi_err_errno(dwi_err_win32(424242)), EIO); /* unknown: EIO, class physical */
    ck_assert_int_eq(dwi_err_class(dwi_err_win32(424242)), DW_CLASS_PHYSICAL);
    /* a negated errno stays what it was */
    ck_assert(!dwi_err_is_win32(-ENOSPC));
    ck_assert_int_eq(dwi_err_errno(-ENOSPC), ENOSPC);
    ck_assert_uint_eq(dwi_err_native(-ENOSPC), 112);
    ck_assert_int_eq(dwi_err_class(-EACCES), DW_CLASS_ACCESS);
    ck_assert_int_eq(dwi_err_errno(0), 0);
    ck_assert_int_eq(dwi_err_class(0), DW_CLASS_NONE);
    /* every Win32 row derives an errno whose own class agrees, except where the errno side has no
     * equivalent class (the name clash, transient on Windows, is not an errno-table row) */
    for (size_t i = 0; i < dwi_win32_table_size(); i++) {
        uint32_t w = dwi_win32_table_at(i);
        ck_assert_int_ne(dwi_err_errno(dwi_err_win32(w)), 0);
    }
    /* dw_io_error from a native code: win32 is the native value, class from the Win32 table */
    dw_io_error e;
    dwi_io_error_set_code(&e, DW_OP_CREATE, dwi_err_win32(32), "C:\\drop");
    ck_assert_uint_eq(e.win32, 32);
    ck_assert_int_eq(e.sys_errno, EBUSY);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    ck_assert_str_eq(e.path, "C:\\drop");
    dwi_io_error_set_code(&e, DW_OP_WRITE, -ENOSPC, NULL);
    ck_assert_uint_eq(e.win32, 112);
    ck_assert_int_eq(e.sys_errno, ENOSPC);
}
END_TEST

START_TEST(test_unknown_and_zero)
{
    ck_assert_int_eq(dw_class_from_errno(0), DW_CLASS_NONE);
    ck_assert_int_eq(dw_class_from_win32(0), DW_CLASS_NONE);
    ck_assert_int_eq(dw_class_from_errno(9999), DW_CLASS_PHYSICAL);
    ck_assert_int_eq(dw_class_from_errno(-5), DW_CLASS_PHYSICAL);
    ck_assert_int_eq(dw_class_from_win32(0xDEADBEEFu), DW_CLASS_PHYSICAL);
    ck_assert_int_eq(dw_errno_is_known(9999), 0);
    ck_assert_int_eq(dw_win32_is_known(424242), 0);
    ck_assert_ptr_null(dw_errno_name(9999));
    ck_assert_ptr_null(dw_win32_name(424242));
    ck_assert_ptr_null(dw_errno_name(0));
#if EWOULDBLOCK != EAGAIN
    ck_assert_str_eq(dw_errno_name(EWOULDBLOCK), "EWOULDBLOCK");
#endif
    ck_assert_int_eq(dw_class_from_errno(EWOULDBLOCK), DW_CLASS_TRANSIENT);
}
END_TEST

START_TEST(test_class_texts)
{
    const char *names[DW_CLASS_COUNT] = {"none",   "physical",      "logical", "transient",
                                         "capacity", "access", "configuration", "remote"};
    for (int c = 0; c < DW_CLASS_COUNT; c++) {
        ck_assert_str_eq(dw_class_name((dw_class)c), names[c]);
        ck_assert_ptr_nonnull(dw_class_str((dw_class)c));
        ck_assert_uint_gt(strlen(dw_class_action((dw_class)c)), 10);
        ck_assert_uint_gt(strlen(dw_class_str((dw_class)c)), 5);
        for (int d = 0; d < c; d++)
            ck_assert_str_ne(dw_class_action((dw_class)c), dw_class_action((dw_class)d));
    }
    /* The three user actions of Event 8004. */
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_PHYSICAL), "drivers"));
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_PHYSICAL), "firmware"));
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_LOGICAL), "CHKDSK <drive>: /F /R"));
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_LOGICAL), "fsck"));
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_CAPACITY), "another disk"));
    ck_assert_ptr_nonnull(strstr(dw_class_action(DW_CLASS_ACCESS), "permission"));
    ck_assert_str_eq(dw_class_name((dw_class)99), "unknown");
    ck_assert_str_eq(dw_class_name((dw_class)-1), "unknown");
    ck_assert_ptr_nonnull(dw_class_str((dw_class)99));
    ck_assert_ptr_nonnull(dw_class_action((dw_class)99));
}
END_TEST

START_TEST(test_class_retryable)
{
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_TRANSIENT), 1);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_REMOTE), 1);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_CAPACITY), 1);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_PHYSICAL), 0);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_LOGICAL), 0);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_ACCESS), 0);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_CONFIGURATION), 0);
    ck_assert_int_eq(dw_class_retryable(DW_CLASS_NONE), 0);
    ck_assert_int_eq(dw_class_retryable((dw_class)42), 0);
}
END_TEST

START_TEST(test_op_names)
{
    ck_assert_str_eq(dw_op_name(DW_OP_OPEN_DIR), "open-dir");
    ck_assert_str_eq(dw_op_name(DW_OP_DIR_FSYNC), "dir-fsync");
    ck_assert_str_eq(dw_op_name(DW_OP_QUOTA), "quota");
    for (int a = 0; a < DW_OP_COUNT; a++) {
        ck_assert_str_ne(dw_op_name((dw_op)a), "unknown");
        for (int b = 0; b < a; b++)
            ck_assert_str_ne(dw_op_name((dw_op)a), dw_op_name((dw_op)b));
    }
    ck_assert_str_eq(dw_op_name((dw_op)DW_OP_COUNT), "unknown");
}
END_TEST

START_TEST(test_errno_str)
{
    char buf[128];
    size_t needed = 0;
    ck_assert_int_eq(dw_errno_str(ENOSPC, buf, sizeof buf, &needed), DW_OK);
    ck_assert_str_eq(buf, "No space left on device");
    ck_assert_uint_eq(needed, strlen(buf) + 1);
    ck_assert_int_eq(dw_errno_str(ENOSPC, buf, 4, &needed), DW_E_BUFFER);
    ck_assert_uint_eq(needed, strlen("No space left on device") + 1);
    ck_assert_str_eq(buf, "No ");
    ck_assert_int_eq(dw_errno_str(ENOSPC, NULL, 0, &needed), DW_E_BUFFER);
    ck_assert_int_eq(dw_errno_str(123456, buf, sizeof buf, NULL), DW_OK);
    ck_assert_str_eq(buf, "Unknown error 123456");
}
END_TEST

/* The allocating variant gives the caller-buffer text, long or short; bad input is refused. */
START_TEST(test_errno_str_alloc)
{
    char buf[256], *s = (char *)buf;
    ck_assert_int_eq(dw_errno_str(ENOSPC, buf, sizeof buf, NULL), DW_OK);
    ck_assert_int_eq(dw_errno_str_alloc(ENOSPC, &s), DW_OK);
    ck_assert_str_eq(s, buf);
    dw_free(s);
    ck_assert_int_eq(dw_errno_str_alloc(123456, &s), DW_OK);
    ck_assert_str_eq(s, "Unknown error 123456");
    dw_free(s);
    ck_assert_int_eq(dw_errno_str_alloc(-7, &s), DW_OK);
    ck_assert_ptr_nonnull(s);
    dw_free(s);
    ck_assert_int_eq(dw_errno_str_alloc(EIO, NULL), DW_E_INVAL);
}
END_TEST

/* HRESULT_FROM_WIN32 undone: 0x8007xxxx carries the code in its low word; everything else passes through. */
START_TEST(test_win32_from_hresult)
{
    ck_assert_uint_eq(dw_win32_from_hresult(0x80070070u), 112); /* ERROR_DISK_FULL */
    ck_assert_uint_eq(dw_win32_from_hresult(0x80070005u), 5);   /* E_ACCESSDENIED */
    ck_assert_uint_eq(dw_win32_from_hresult(0x80070000u), 0);
    ck_assert_uint_eq(dw_win32_from_hresult(0x8007FFFFu), 0xFFFF);
    ck_assert_uint_eq(dw_win32_from_hresult(112), 112);               /* a plain Win32 code */
    ck_assert_uint_eq(dw_win32_from_hresult(0), 0);
    ck_assert_uint_eq(dw_win32_from_hresult(0x80004005u), 0x80004005u); /* E_FAIL: not FACILITY_WIN32 */
    ck_assert_uint_eq(dw_win32_from_hresult(0x00070070u), 0x00070070u); /* no failure bit */
    ck_assert_uint_eq(dw_win32_from_hresult(0xC0070070u), 0xC0070070u); /* NTSTATUS-like: not an HRESULT_FROM_WIN32 */
    ck_assert_int_eq(dw_class_from_win32(dw_win32_from_hresult(0x80070070u)), DW_CLASS_CAPACITY);

    /* and back: HRESULT_FROM_WIN32 */
    ck_assert_uint_eq(dw_hresult_from_win32(112), 0x80070070u);
    ck_assert_uint_eq(dw_hresult_from_win32(1117), 0x8007045Du); /* ERROR_IO_DEVICE */
    ck_assert_uint_eq(dw_hresult_from_win32(0), 0);
    ck_assert_uint_eq(dw_hresult_from_win32(0x12345678u), 0x80075678u); /* the low word only */
    ck_assert_uint_eq(dw_hresult_from_win32(0x80004005u), 0x80004005u); /* already a failure HRESULT */
    for (uint32_t c = 1; c < 0x10000u; c += 97)
        ck_assert_uint_eq(dw_win32_from_hresult(dw_hresult_from_win32(c)), c);
}
END_TEST

START_TEST(test_io_error_set)
{
    dw_io_error e;
    memset(&e, 0x5a, sizeof e);
    ck_assert_int_eq(dw_io_error_set(NULL, DW_OP_WRITE, EIO, 0, "/x"), DW_E_INVAL);
    ck_assert_int_eq(dw_io_error_set(&e, DW_OP_WRITE, ENOSPC, 0, "/drop/a.eml"), DW_OK);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_WRITE);
    ck_assert_int_eq(e.sys_errno, ENOSPC);
    ck_assert_uint_eq(e.win32, 112);
    ck_assert_int_eq(e.retryable, 1);
    ck_assert_uint_eq(e.attempts, 1);
    ck_assert_str_eq(e.path, "/drop/a.eml");
    ck_assert_str_eq(e.detail, "");

    /* Win32 only: class from the code. */
    ck_assert_int_eq(dw_io_error_set(&e, DW_OP_RENAME, 0, 1393, NULL), DW_OK);
    ck_assert_int_eq(e.io_class, DW_CLASS_LOGICAL);
    ck_assert_int_eq(e.retryable, 0);
    ck_assert_str_eq(e.path, "");

    ck_assert_int_eq(dw_io_error_set(&e, DW_OP_FSYNC, 4321, 0, "p"), DW_OK);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    ck_assert_str_eq(e.detail, "unclassified errno 4321");
    ck_assert_int_eq(dw_io_error_set(&e, DW_OP_FSYNC, 0, 77777, "p"), DW_OK);
    ck_assert_int_eq(e.io_class, DW_CLASS_PHYSICAL);
    ck_assert_str_eq(e.detail, "unclassified Win32 code 77777");

    /* A path longer than the field is truncated and terminated. */
    char *longp = malloc(DW_IO_PATH_MAX + 100);
    memset(longp, 'a', DW_IO_PATH_MAX + 99);
    longp[DW_IO_PATH_MAX + 99] = '\0';
    ck_assert_int_eq(dw_io_error_set(&e, DW_OP_CREATE, EACCES, 0, longp), DW_OK);
    ck_assert_uint_eq(strlen(e.path), DW_IO_PATH_MAX - 1);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    free(longp);

    dw_io_error_clear(&e);
    ck_assert_int_eq(e.io_class, DW_CLASS_NONE);
    ck_assert_int_eq(e.op, DW_OP_NONE);
    ck_assert_int_eq(e.sys_errno, 0);
    ck_assert_str_eq(e.path, "");
    dw_io_error_clear(NULL); /* ignored */
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *tc = tcase_create("tables");
    tcase_add_loop_test(tc, test_documented_errno_classes, 0, (int)N(documented_errno));
    tcase_add_loop_test(tc, test_documented_win32_classes, 0, (int)N(documented_win32));
    tcase_add_test(tc, test_tables_match_documentation);
    tcase_add_test(tc, test_from_name_round_trip);
    tcase_add_test(tc, test_from_name_refuses);
    tcase_add_test(tc, test_win32_from_errno_is_consistent);
    tcase_add_test(tc, test_unknown_and_zero);
    tcase_add_test(tc, test_native_failure_codes);
    suite_add_tcase(s, tc);
    tc = tcase_create("texts");
    tcase_add_test(tc, test_class_texts);
    tcase_add_test(tc, test_class_retryable);
    tcase_add_test(tc, test_op_names);
    tcase_add_test(tc, test_errno_str);
    tcase_add_test(tc, test_errno_str_alloc);
    tcase_add_test(tc, test_win32_from_hresult);
    tcase_add_test(tc, test_io_error_set);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(classify_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
