/* SPDX-License-Identifier: MIT */
/* Tests for lib/platform_win32.c, run as a Windows program (under Wine by tools/test-all.d/20-windows.sh):
 * the guarded write on the Windows ops table, the per-handle fault injection there, and real Win32
 * failures, each classified from its NATIVE code (dw_io_error.win32 is GetLastError()'s value, the errno
 * only derived from it). Check runs without fork on Windows: every test cleans up after itself.
 * DW_WIN_SMALLFS names a small file system (a 1 MiB tmpfs mounted by the stage script) for ERROR_DISK_FULL. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "dropwatch.h"
#include "dropwatch/testing.h"
#include "../lib/guard_internal.h"
#include "dead_server.h"

#define W_PATH_NOT_FOUND 3u
#define W_ACCESS_DENIED 5u
#define W_SHARING_VIOLATION 32u
#define W_DISK_FULL 112u
#define W_ALREADY_EXISTS 183u
#define W_REPARSE_POINT_ENCOUNTERED 4395u

static char dir[MAX_PATH];
static unsigned scratch_seq;

/* A fresh scratch directory below the current one (absolute, with backslashes). Process ids are small
 * and reused under Wine: the name also carries the time, and a clash draws another. */
static void make_scratch(void)
{
    char rel[96];
    for (int attempt = 0;; attempt++) {
        snprintf(rel, sizeof rel, "w32scratch-%lu-%u-%llu", (unsigned long)GetCurrentProcessId(), scratch_seq++,
                 (unsigned long long)GetTickCount64());
        if (CreateDirectoryA(rel, NULL))
            break;
        ck_assert_msg(GetLastError() == ERROR_ALREADY_EXISTS && attempt < 100, "cannot create %s", rel);
    }
    ck_assert(GetFullPathNameA(rel, sizeof dir, dir, NULL) > 0);
}

static void path_in(char *out, size_t size, const char *d, const char *name)
{
    snprintf(out, size, "%s\\%s", d, name);
}

/* Remove a tree with the \\?\ wide API, so that paths beyond MAX_PATH (test_long_path) go too. */
static void rm_tree_w(const wchar_t *d)
{
    size_t n = wcslen(d);
    wchar_t *pat = malloc((n + 3) * sizeof *pat);
    memcpy(pat, d, n * sizeof *pat);
    memcpy(pat + n, L"\\*", 3 * sizeof *pat);
    WIN32_FIND_DATAW fd;
    HANDLE h = FindFirstFileW(pat, &fd);
    free(pat);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!wcscmp(fd.cFileName, L".") || !wcscmp(fd.cFileName, L".."))
                continue;
            size_t m = wcslen(fd.cFileName);
            wchar_t *p = malloc((n + m + 2) * sizeof *p);
            memcpy(p, d, n * sizeof *p);
            p[n] = L'\\';
            memcpy(p + n + 1, fd.cFileName, (m + 1) * sizeof *p);
            SetFileAttributesW(p, FILE_ATTRIBUTE_NORMAL);
            if ((fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && !(fd.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT))
                rm_tree_w(p);
            else if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                RemoveDirectoryW(p);
            else
                DeleteFileW(p);
            free(p);
        } while (FindNextFileW(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryW(d);
}

static void rm_tree(const char *d)
{
    wchar_t w[MAX_PATH + 8] = L"\\\\?\\";
    MultiByteToWideChar(CP_UTF8, 0, d, -1, w + 4, MAX_PATH);
    rm_tree_w(w);
}

static void setup(void)
{
    make_scratch();
}

static void teardown(void)
{
    rm_tree(dir);
}

typedef struct listing {
    int eml, temps, other;
} listing;

static listing list_dir(const char *d)
{
    listing l = {0, 0, 0};
    char pat[MAX_PATH + 4];
    snprintf(pat, sizeof pat, "%s\\*", d);
    WIN32_FIND_DATAA fd;
    HANDLE h = FindFirstFileA(pat, &fd);
    if (h == INVALID_HANDLE_VALUE)
        return l;
    do {
        const char *n = fd.cFileName;
        size_t len = strlen(n);
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, DWI_LEDGER_NAME))
            continue;
        if (dwi_is_temp_name(n))
            l.temps++;
        else if (len > 4 && !strcmp(n + len - 4, ".eml"))
            l.eml++;
        else
            l.other++;
    } while (FindNextFileA(h, &fd));
    FindClose(h);
    return l;
}

static char *read_all(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* ---- the guarded write on the Windows ops table ------------------------------------------------------- */

START_TEST(test_write_publishes_whole_message)
{
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    const char msg[] = "X-Sender: <a@b>\r\n\r\nbody\r\n";
    ck_assert_int_eq(dw_drop_write(d, msg, sizeof msg - 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, name);
    size_t len = 0;
    char *got = read_all(p, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, sizeof msg - 1);
    ck_assert_int_eq(memcmp(got, msg, len), 0);
    listing l = list_dir(dir);
    ck_assert_int_eq(l.eml, 1);
    ck_assert_int_eq(l.temps, 0);
    uint64_t bytes = 0, files = 0;
    ck_assert_int_eq(dw_drop_usage(d, &bytes, &files, &e), DW_OK);
    ck_assert_uint_eq(bytes, sizeof msg - 1);
    ck_assert_uint_eq(files, 1);
    /* a batch: every message published once */
    const void *bufs[3] = {"a", "bb", "ccc"};
    size_t lens[3] = {1, 2, 3};
    size_t done = 0;
    ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 3, NULL, NULL, 0, &done, &e), DW_OK);
    ck_assert_uint_eq(done, 3);
    ck_assert_int_eq(list_dir(dir).eml, 4);
    dw_drop_close(d);
}
END_TEST

/* The quota ledger (LockFileEx) counts the messages; in strict mode a message that does not fit is refused
 * up front. */
START_TEST(test_quota_on_windows)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = 1000;
    o.quota_mode = DW_QUOTA_STRICT;
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_OK);
    static char big[600];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(dw_drop_write(d, big, sizeof big, NULL, NULL, 0, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_drop_write(d, big, sizeof big, NULL, NULL, 0, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_uint_eq(e.win32, 1295);
    /* a streamed message that grows past the quota fails as well, its temp file removed */
    dw_msg *m;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, big, 300, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, big, 300, &e), DW_E_IO);
    dw_msg_abort(m);
    listing l = list_dir(dir);
    ck_assert_int_eq(l.eml, 1);
    ck_assert_int_eq(l.temps, 0);
    dw_drop_close(d);
}
END_TEST

/* Exchange naming takes the NetBIOS computer name. */
START_TEST(test_exchange_naming_uses_netbios_name)
{
    char host[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = sizeof host;
    ck_assert(GetComputerNameExA(ComputerNameNetBIOS, host, &n));
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.naming = DW_NAMING_EXCHANGE;
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "x", 1, NULL, name, sizeof name, NULL, &e), DW_OK);
    ck_assert_msg(strncmp(name, host, strlen(host)) == 0 && name[strlen(host)] == '-', "%s vs %s", name, host);
    ck_assert_ptr_nonnull(strstr(name, "Z.Normal.eml"));
    dw_drop_close(d);
}
END_TEST

START_TEST(test_health_and_sweep)
{
    dw_health h = DW_HEALTH_INIT;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_health(dir, NULL, 60, &h, &e), DW_OK);
    ck_assert(h.exists && h.is_directory && h.writable);
    ck_assert_uint_gt(h.total_bytes, 0); /* GetDiskFreeSpaceExW */
    ck_assert_uint_eq(list_dir(dir).temps + list_dir(dir).eml + list_dir(dir).other, 0);
    /* an old temp file is swept, anything else is left alone */
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, ".dwtmp-1-1-0000000000000000.tmp");
    HANDLE f = CreateFileA(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert(f != INVALID_HANDLE_VALUE);
    FILETIME old = {0, 0x01000000}; /* long ago */
    SetFileTime(f, NULL, NULL, &old);
    CloseHandle(f);
    path_in(p, sizeof p, dir, "keep.eml");
    f = CreateFileA(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CloseHandle(f);
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    uint64_t removed = 0;
    ck_assert_int_eq(dw_drop_sweep(d, 60, &removed, &e), DW_OK);
    ck_assert_uint_eq(removed, 1);
    listing l = list_dir(dir);
    ck_assert_int_eq(l.temps, 0);
    ck_assert_int_eq(l.eml, 1);
    dw_drop_close(d);
}
END_TEST

/* The portable sources: a file by path (UTF-8, long-path aware) and a callback. */
static int cb_read(void *user, void *buf, size_t size, size_t *got)
{
    int *left = user;
    size_t n = (size_t)*left < size ? (size_t)*left : size;
    memset(buf, 'q', n);
    *left -= (int)n;
    *got = n;
    return 0;
}

START_TEST(test_write_file_and_callback)
{
    char src[MAX_PATH * 2];
    path_in(src, sizeof src, dir, "s\xc3\xa4ure.bin"); /* UTF-8 name: "säure.bin" */
    wchar_t wsrc[MAX_PATH * 2];
    MultiByteToWideChar(CP_UTF8, 0, src, -1, wsrc, MAX_PATH * 2);
    HANDLE f = CreateFileW(wsrc, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert(f != INVALID_HANDLE_VALUE);
    DWORD w;
    ck_assert(WriteFile(f, "from a file\r\n", 13, &w, NULL));
    CloseHandle(f);
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write_file(d, src, NULL, name, sizeof name, NULL, &e), DW_OK);
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, name);
    size_t len = 0;
    char *got = read_all(p, &len);
    ck_assert_uint_eq(len, 13);
    ck_assert_int_eq(memcmp(got, "from a file\r\n", 13), 0);
    int left = 100000;
    ck_assert_int_eq(dw_drop_write_cb(d, cb_read, &left, NULL, name, sizeof name, NULL, &e), DW_OK);
    path_in(p, sizeof p, dir, name);
    WIN32_FILE_ATTRIBUTE_DATA ad;
    ck_assert(GetFileAttributesExA(p, GetFileExInfoStandard, &ad));
    ck_assert_uint_eq(ad.nFileSizeLow, 100000);
    dw_drop_close(d);
}
END_TEST

/* A drop directory deeper than MAX_PATH works through the \\?\ prefix. */
START_TEST(test_long_path)
{
    char deep[1024];
    snprintf(deep, sizeof deep, "%s", dir);
    for (int i = 0; i < 5; i++) {
        size_t n = strlen(deep);
        snprintf(deep + n, sizeof deep - n, "\\%s", "a-rather-long-directory-name-of-fifty-characters-x");
        wchar_t w[1100] = L"\\\\?\\";
        MultiByteToWideChar(CP_UTF8, 0, deep, -1, w + 4, 1000);
        ck_assert(CreateDirectoryW(w, NULL));
    }
    ck_assert_uint_gt(strlen(deep), MAX_PATH);
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, deep, NULL, &e), DW_OK);
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, "long", 4, NULL, name, sizeof name, NULL, &e), DW_OK);
    dw_drop_close(d);
    /* the same directory named with forward slashes and with the \\?\ prefix */
    char alt[1100];
    snprintf(alt, sizeof alt, "%s", deep);
    for (char *c = alt; *c; c++)
        if (*c == '\\')
            *c = '/';
    ck_assert_int_eq(dw_drop_open(&d, alt, NULL, &e), DW_OK);
    dw_drop_close(d);
    snprintf(alt, sizeof alt, "\\\\?\\%s", deep);
    ck_assert_int_eq(dw_drop_open(&d, alt, NULL, &e), DW_OK);
    uint64_t files = 0;
    ck_assert_int_eq(dw_drop_usage(d, NULL, &files, &e), DW_OK);
    ck_assert_uint_eq(files, 1);
    dw_drop_close(d);
}
END_TEST

/* ---- real Win32 failures, classified from the native code ---------------------------------------------- */

START_TEST(test_path_not_found)
{
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, "no-such-parent\\Drop");
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, p, NULL, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, W_PATH_NOT_FOUND);   /* native, not derived from errno */
    ck_assert_int_eq(e.sys_errno, ENOENT);          /* derived from it */
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_str_eq(e.path, p);
    dw_health h = DW_HEALTH_INIT;
    ck_assert_int_eq(dw_drop_health(p, NULL, 60, &h, &e), DW_E_IO);
    ck_assert_int_eq(h.exists, 0);
    /* a file where the directory should be: ERROR_DIRECTORY */
    path_in(p, sizeof p, dir, "file");
    HANDLE f = CreateFileA(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    CloseHandle(f);
    ck_assert_int_eq(dw_drop_open(&d, p, NULL, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, 267);
    ck_assert_int_eq(e.sys_errno, ENOTDIR);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
}
END_TEST

/* The temp file is opened without sharing (FileShare.None, as Exchange): a gateway that tries to open it
 * while it is written gets ERROR_SHARING_VIOLATION; and a source held without sharing cannot be read. */
START_TEST(test_sharing_violation)
{
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    dw_msg *m;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "partial", 7, &e), DW_OK);
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, m->tmp);
    HANDLE g = CreateFileA(p, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           0, NULL);
    DWORD gle = GetLastError();
    if (g != INVALID_HANDLE_VALUE)
        CloseHandle(g);
    ck_assert_msg(g == INVALID_HANDLE_VALUE, "the gateway could open a file still being written");
    ck_assert_uint_eq(gle, W_SHARING_VIOLATION);
    ck_assert_int_eq(dw_msg_commit(m, NULL, 0, NULL, &e), DW_OK);

    /* the source of dw_drop_write_file is held by someone else without sharing */
    path_in(p, sizeof p, dir, "locked.src");
    HANDLE f = CreateFileA(p, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert(f != INVALID_HANDLE_VALUE);
    ck_assert_int_eq(dw_drop_write_file(d, p, NULL, NULL, 0, NULL, &e), DW_E_IO);
    CloseHandle(f);
    ck_assert_uint_eq(e.win32, W_SHARING_VIOLATION);
    ck_assert_int_eq(e.sys_errno, EBUSY);
    ck_assert_int_eq(e.io_class, DW_CLASS_TRANSIENT);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(list_dir(dir).temps, 0);
    dw_drop_close(d);
}
END_TEST

/* ERROR_ACCESS_DENIED, natively: a read-only stale temp file cannot be removed by the sweep (the
 * read-only attribute is enforced even for an administrator, which the test process may be), and a
 * directory where the quota ledger should be cannot be opened as a file. */
START_TEST(test_access_denied)
{
    char p[MAX_PATH * 2];
    path_in(p, sizeof p, dir, ".dwtmp-1-1-0000000000000000.tmp");
    HANDLE f = CreateFileA(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    ck_assert(f != INVALID_HANDLE_VALUE);
    FILETIME old = {0, 0x01000000};
    SetFileTime(f, NULL, NULL, &old);
    CloseHandle(f);
    ck_assert(SetFileAttributesA(p, FILE_ATTRIBUTE_READONLY));
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    uint64_t removed = 0;
    ck_assert_int_eq(dw_drop_sweep(d, 60, &removed, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, W_ACCESS_DENIED);
    ck_assert_int_eq(e.sys_errno, EACCES);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_int_eq(e.op, DW_OP_UNLINK);
    dw_drop_close(d);
    SetFileAttributesA(p, FILE_ATTRIBUTE_NORMAL);

    path_in(p, sizeof p, dir, DWI_LEDGER_NAME);
    ck_assert(CreateDirectoryA(p, NULL));
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.quota_bytes = 1 << 20;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, W_ACCESS_DENIED);
    ck_assert_int_eq(e.io_class, DW_CLASS_ACCESS);
    ck_assert_int_eq(e.op, DW_OP_QUOTA);
}
END_TEST

/* ERROR_DISK_FULL from a real small file system (DW_WIN_SMALLFS: a 1 MiB tmpfs seen through Wine). */
START_TEST(test_disk_full)
{
    const char *fs = getenv("DW_WIN_SMALLFS");
    ck_assert_msg(fs && *fs, "DW_WIN_SMALLFS is not set (tools/test-all.d/20-windows.sh mounts it)");
    char drop[MAX_PATH * 2];
    snprintf(drop, sizeof drop, "%s\\Drop-%lu", fs, (unsigned long)GetCurrentProcessId());
    ck_assert_msg(CreateDirectoryA(drop, NULL), "cannot create %s (%lu)", drop, GetLastError());
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, drop, NULL, &e), DW_OK);
    size_t n = 4u << 20;
    char *big = malloc(n);
    memset(big, 'F', n);
    ck_assert_int_eq(dw_drop_write(d, big, n, NULL, NULL, 0, NULL, &e), DW_E_IO);
    free(big);
    ck_assert_msg(e.win32 == W_DISK_FULL || e.win32 == 39, "win32 %u", (unsigned)e.win32);
    ck_assert_int_eq(e.sys_errno, ENOSPC);
    ck_assert_int_eq(e.io_class, DW_CLASS_CAPACITY);
    ck_assert_int_eq(e.op, DW_OP_WRITE);
    ck_assert_int_eq(list_dir(drop).temps, 0); /* the partial temp file is gone */
    ck_assert_int_eq(list_dir(drop).eml, 0);
    dw_drop_close(d);
    rm_tree(drop);
}
END_TEST

/* A symlink or junction as the drop directory, or as a name in it, is refused (FILE_OPEN_REPARSE_POINT). */
START_TEST(test_reparse_point_refused)
{
    const char *link = getenv("DW_WIN_SYMLINK");
    ck_assert_msg(link && *link, "DW_WIN_SYMLINK is not set (tools/test-all.d/20-windows.sh creates it)");
    DWORD attr = GetFileAttributesA(link);
    ck_assert_msg(attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_REPARSE_POINT),
                  "%s is not seen as a reparse point (attributes %lx)", link, (unsigned long)attr);
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, link, NULL, &e), DW_E_IO);
    ck_assert_uint_eq(e.win32, W_REPARSE_POINT_ENCOUNTERED);
    ck_assert_int_eq(e.sys_errno, ELOOP);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
}
END_TEST

/* dw_drop_options.temp_dir: temporary files in a subdirectory or another folder of the volume, renamed
 * across folders into the drop directory (FILE_RENAME_INFO.RootDirectory); the drop directory never holds
 * anything but final names. A missing or reparse-point temp_dir is refused. */
START_TEST(test_temp_dir)
{
    char drop[MAX_PATH * 2], sub[MAX_PATH * 2], tmp[MAX_PATH * 2], p[MAX_PATH * 2];
    path_in(drop, sizeof drop, dir, "drop");
    path_in(sub, sizeof sub, drop, ".dwtmp");
    path_in(tmp, sizeof tmp, dir, "tmp");
    ck_assert(CreateDirectoryA(drop, NULL));
    ck_assert(CreateDirectoryA(sub, NULL));
    ck_assert(CreateDirectoryA(tmp, NULL));
    const char *values[2] = {".dwtmp", tmp};
    const char *paths[2] = {sub, tmp};
    dw_io_error e;
    for (int i = 0; i < 2; i++) {
        dw_drop_options o;
        dw_drop_options_init(&o);
        o.temp_dir = values[i];
        o.quota_bytes = 1u << 20;
        dw_drop *d;
        ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_OK);
        dw_msg *m;
        ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
        ck_assert_int_eq(dw_msg_write(m, "hello\r\n", 7, &e), DW_OK);
        ck_assert_int_eq(list_dir(drop).temps, 0);
        ck_assert_int_eq(list_dir(paths[i]).temps, 1);
        char name[DW_FILE_NAME_MAX];
        ck_assert_int_eq(dw_msg_commit(m, name, sizeof name, NULL, &e), DW_OK);
        const void *bufs[2] = {"a", "bb"};
        size_t lens[2] = {1, 2}, done = 0;
        ck_assert_int_eq(dw_drop_write_batch(d, bufs, lens, 2, NULL, NULL, 0, &done, &e), DW_OK);
        ck_assert_uint_eq(done, 2);
        listing l = list_dir(drop);
        ck_assert_int_eq(l.eml, 3 * (i + 1));
        ck_assert_int_eq(l.temps, 0);
        ck_assert_int_eq(l.other, 1); /* the .dwtmp subdirectory, and no ledger-other file */
        l = list_dir(paths[i]);
        ck_assert_int_eq(l.temps + l.eml + l.other, 0);
        /* a stale temporary file in temp_dir is swept */
        path_in(p, sizeof p, paths[i], ".dwtmp-1-1-0000000000000000.tmp");
        HANDLE f = CreateFileA(p, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
        ck_assert(f != INVALID_HANDLE_VALUE);
        FILETIME old = {0, 0x01000000};
        SetFileTime(f, NULL, NULL, &old);
        CloseHandle(f);
        uint64_t removed = 0;
        ck_assert_int_eq(dw_drop_sweep(d, 60, &removed, &e), DW_OK);
        ck_assert_uint_eq(removed, 1);
        dw_drop_close(d);
        dw_health h = DW_HEALTH_INIT;
        ck_assert_int_eq(dw_drop_health(drop, &o, 60, &h, &e), DW_OK);
        ck_assert_int_eq(h.writable, 1);
        ck_assert_int_eq(list_dir(drop).temps, 0);
    }
    /* missing: configuration, never created */
    dw_drop_options o;
    dw_drop_options_init(&o);
    path_in(p, sizeof p, dir, "missing");
    o.temp_dir = p;
    dw_drop *d;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    ck_assert_int_eq(e.op, DW_OP_OPEN_DIR);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    ck_assert_str_eq(e.path, p);
    ck_assert_uint_eq(GetFileAttributesA(p), INVALID_FILE_ATTRIBUTES);
    o.temp_dir = "missing";
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    /* the drop directory itself */
    o.temp_dir = drop;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, EINVAL);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
    /* a drive-absolute value is absolute; a relative one is a single name */
    o.temp_dir = "a\\b";
    ck_assert_int_eq(dw_drop_options_check(&o, &e), DW_E_INVAL);
    o.temp_dir = "C:\\dropwatch-tmp";
    ck_assert_int_eq(dw_drop_options_check(&o, &e), DW_OK);
    /* a reparse point (the stage's symlink) is refused like a symlinked drop directory */
    const char *link = getenv("DW_WIN_SYMLINK");
    ck_assert_msg(link && *link, "DW_WIN_SYMLINK is not set (tools/test-all.d/20-windows.sh creates it)");
    o.temp_dir = link;
    ck_assert_int_eq(dw_drop_open(&d, drop, &o, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ELOOP);
    ck_assert_int_eq(e.io_class, DW_CLASS_CONFIGURATION);
}
END_TEST

/* The no-replace rename never replaces: the name clash is ERROR_ALREADY_EXISTS, and a fixed final name
 * that exists fails the publish without touching the existing file. */
START_TEST(test_rename_name_clash)
{
    dwi_fd dfd = dwi_win32_ops.open_dir(NULL, dir);
    ck_assert_int_ge(dfd, 0);
    dwi_fd f = dwi_win32_ops.create(NULL, dfd, "a.tmp", 0600);
    ck_assert_int_ge(f, 0);
    ck_assert_int_eq(dwi_win32_ops.write(NULL, f, "new", 3), 3);
    ck_assert_int_eq(dwi_win32_ops.fsync(NULL, f, 0), 0);
    ck_assert_int_eq(dwi_win32_ops.close(NULL, f), 0);
    f = dwi_win32_ops.create(NULL, dfd, "b.eml", 0600);
    ck_assert_int_ge(f, 0);
    ck_assert_int_eq(dwi_win32_ops.write(NULL, f, "old!!", 5), 5);
    ck_assert_int_eq(dwi_win32_ops.close(NULL, f), 0);
    /* create refuses an existing name */
    int rc = (int)dwi_win32_ops.create(NULL, dfd, "b.eml", 0600);
    ck_assert(dwi_err_is_win32(rc));
    ck_assert_int_eq(dwi_err_errno(rc), EEXIST);
    rc = dwi_win32_ops.rename_noreplace(NULL, dfd, "a.tmp", dfd, "b.eml");
    ck_assert(dwi_err_is_win32(rc));
    ck_assert_uint_eq(dwi_err_native(rc), W_ALREADY_EXISTS);
    ck_assert_int_eq(dwi_err_errno(rc), EEXIST);
    dwi_stat st;
    ck_assert_int_eq(dwi_win32_ops.stat(NULL, dfd, "b.eml", &st), 0);
    ck_assert_uint_eq(st.size, 5);
    ck_assert_int_eq(dwi_win32_ops.rename_noreplace(NULL, dfd, "a.tmp", dfd, "c.eml"), 0);
    ck_assert_int_ne(dwi_win32_ops.stat(NULL, dfd, "a.tmp", &st), 0);
    /* names are single components: a path is refused, never resolved */
    rc = (int)dwi_win32_ops.create(NULL, dfd, "..\\escape.eml", 0600);
    ck_assert_uint_eq(dwi_err_native(rc), 123);
    ck_assert_int_eq(dwi_win32_ops.close(NULL, dfd), 0);

    /* through the guard: a fixed name that exists */
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    dw_msg *m;
    ck_assert_int_eq(dw_msg_begin(d, &m, NULL, &e), DW_OK);
    ck_assert_int_eq(dw_msg_write(m, "x", 1, &e), DW_OK);
    ck_assert_int_eq(dwi_msg_commit_as(m, "b.eml", NULL, 0, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_RENAME);
    ck_assert_uint_eq(e.win32, W_ALREADY_EXISTS);
    ck_assert_int_eq(e.sys_errno, EEXIST);
    ck_assert_int_eq(list_dir(dir).temps, 0);
    dw_drop_close(d);
}
END_TEST

/* ---- per-handle fault injection on the Windows ops table ---------------------------------------------- */

static const struct {
    dw_op op;
    int err;
    dw_class cls;
} inject_cases[] = {
    {DW_OP_OPEN_DIR, EACCES, DW_CLASS_ACCESS},  {DW_OP_CREATE, ENOSPC, DW_CLASS_CAPACITY},
    {DW_OP_WRITE, EIO, DW_CLASS_PHYSICAL},      {DW_OP_FSYNC, EIO, DW_CLASS_PHYSICAL},
    {DW_OP_CLOSE, EIO, DW_CLASS_PHYSICAL},      {DW_OP_RENAME, EROFS, DW_CLASS_LOGICAL},
    {DW_OP_DIR_FSYNC, EIO, DW_CLASS_PHYSICAL},  {DW_OP_QUOTA, EIO, DW_CLASS_PHYSICAL},
    {DW_OP_LOCK, ENOLCK, DW_CLASS_REMOTE},
};

START_TEST(test_injection_at_every_step)
{
    dw_drop_options o;
    dw_drop_options_init(&o);
    dw_fault f = DW_FAULT_INIT;
    f.op = inject_cases[_i].op;
    f.sys_errno = inject_cases[_i].err;
    f.count = 1;
    o.retry_max = 0;
    if (f.op == DW_OP_QUOTA || f.op == DW_OP_LOCK)
        o.quota_bytes = 1 << 20;
    dw_drop *d = NULL;
    dw_io_error e;
    dw_status st = dw_testing_drop_open(&d, dir, &o, &f, &e);
    if (st == DW_OK)
        st = dw_drop_write(d, "message", 7, NULL, NULL, 0, NULL, &e);
    ck_assert_int_eq(st, DW_E_IO);
    ck_assert_int_eq(e.op, inject_cases[_i].op);
    ck_assert_int_eq(e.sys_errno, inject_cases[_i].err);
    ck_assert_int_eq(e.io_class, inject_cases[_i].cls);
    listing l = list_dir(dir);
    ck_assert_int_eq(l.eml, 0);
    ck_assert_int_eq(l.temps, 0);
    /* the fault was one call: the same handle writes the next message */
    if (d) {
        ck_assert_int_eq(dw_drop_write(d, "message", 7, NULL, NULL, 0, NULL, &e), DW_OK);
        ck_assert_int_eq(list_dir(dir).eml, 1);
        dw_drop_close(d);
    }
}
END_TEST

/* The file server dies at every call of a write in turn (tests/dead_server.h, on the Windows ops table; the
 * POSIX twin is check_guard's test_server_dies_at_every_step): class remote with EIO whatever the moment,
 * and a final name exists only when the caller was told of it (published, or maybe published). */
START_TEST(test_server_dies_at_every_step)
{
    dwi_ops o = dead_ops();
    int total = 0, unsure = 0;
    for (int effect = 0; effect <= 1; effect++) {
        for (int k = 0; k == 0 || k <= total; k++) {
            rm_tree(dir);
            ck_assert(CreateDirectoryA(dir, NULL));
            dead_reset();
            dw_drop *d = NULL;
            dw_io_error e;
            ck_assert_int_eq(dwi_drop_open_ops(&d, dir, NULL, &o, NULL, &e), DW_OK);
            dead_arm(k, effect);
            char name[DW_FILE_NAME_MAX] = "";
            dw_status st = dw_drop_write(d, "message", 7, NULL, name, sizeof name, NULL, &e);
            DEAD.armed = 0;
            int finals = list_dir(dir).eml;
            if (k == 0) {
                ck_assert_int_eq(st, DW_OK);
                total = DEAD.calls;
                ck_assert_int_gt(total, 5);
            }
            if (st == DW_OK) {
                ck_assert_int_eq(finals, 1);
            } else {
                ck_assert_int_eq(st, DW_E_IO);
                ck_assert_msg(e.io_class == DW_CLASS_REMOTE && e.sys_errno == EIO,
                              "die_at %d effect %d: op %s class %s errno %d (%s)", k, effect, dw_op_name(e.op),
                              dw_class_name(e.io_class), e.sys_errno, e.detail);
                if (e.outcome == DW_OUTCOME_UNCERTAIN) {
                    unsure++;
                    ck_assert_int_le(finals, 1);
                    ck_assert_int_gt((int)strlen(e.published), 4);
                } else {
                    ck_assert_int_eq(e.outcome, DW_OUTCOME_NOT_PUBLISHED);
                    ck_assert_msg(finals == 0, "die_at %d effect %d: not published, but a final name", k, effect);
                }
            }
            dw_drop_close(d);
        }
    }
    ck_assert_int_gt(unsure, 0);
}
END_TEST

static Suite *win32_suite(void)
{
    Suite *s = suite_create("win32");
    TCase *tc = tcase_create("guard");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_write_publishes_whole_message);
    tcase_add_test(tc, test_quota_on_windows);
    tcase_add_test(tc, test_exchange_naming_uses_netbios_name);
    tcase_add_test(tc, test_health_and_sweep);
    tcase_add_test(tc, test_write_file_and_callback);
    tcase_add_test(tc, test_long_path);
    suite_add_tcase(s, tc);
    tc = tcase_create("native");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_path_not_found);
    tcase_add_test(tc, test_sharing_violation);
    tcase_add_test(tc, test_access_denied);
    tcase_add_test(tc, test_disk_full);
    tcase_add_test(tc, test_reparse_point_refused);
    tcase_add_test(tc, test_rename_name_clash);
    tcase_add_test(tc, test_temp_dir);
    suite_add_tcase(s, tc);
    tc = tcase_create("inject");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_injection_at_every_step, 0, (int)(sizeof inject_cases / sizeof inject_cases[0]));
    tcase_add_test(tc, test_server_dies_at_every_step);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(win32_suite());
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
