/* SPDX-License-Identifier: MIT */
/* Windows implementation of the platform seam (the counterpart of platform_posix.c). UTF-8 in, UTF-16 to
 * the OS; every failure returns the native GetLastError()/RtlNtStatusToDosError() value as a failure code
 * (dwi_err_win32), never an errno. No state: the table is const.
 *
 * Race freedom: the drop directory is opened once as a handle; every file inside it is created, opened,
 * renamed and removed relative to that handle (NtCreateFile with OBJECT_ATTRIBUTES.RootDirectory, and
 * FILE_RENAME_INFO.RootDirectory for the target of a rename), with single-component names only, so
 * renaming or replacing the directory's path cannot redirect a write. FILE_OPEN_REPARSE_POINT opens a
 * symlink or junction itself instead of following it, and such an object is refused. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <winternl.h>
#include <bcrypt.h>

#include <stdlib.h>
#include <string.h>

#include "platform.h"

#ifndef ERROR_REPARSE_POINT_ENCOUNTERED
#define ERROR_REPARSE_POINT_ENCOUNTERED 4395
#endif
#ifndef FILE_DIRECTORY_FILE
#define FILE_DIRECTORY_FILE 0x00000001
#endif
#ifndef FILE_NON_DIRECTORY_FILE
#define FILE_NON_DIRECTORY_FILE 0x00000040
#endif
#ifndef FILE_SYNCHRONOUS_IO_NONALERT
#define FILE_SYNCHRONOUS_IO_NONALERT 0x00000020
#endif
#ifndef FILE_CREATE
#define FILE_CREATE 0x00000002
#endif
#ifndef FILE_OPEN
#define FILE_OPEN 0x00000001
#endif
#ifndef FILE_OPEN_IF
#define FILE_OPEN_IF 0x00000003
#endif
#ifndef OBJ_CASE_INSENSITIVE
#define OBJ_CASE_INSENSITIVE 0x00000040
#endif

/* 100 ns ticks between 1601-01-01 and 1970-01-01. */
#define EPOCH_DIFF 116444736000000000LL
/* The byte range locked on the ledger: far beyond its data, so the lock is advisory in effect
 * (Windows byte-range locks are mandatory for the bytes they cover). */
#define LOCK_OFFSET_HIGH 0x40000000u

#define LAST_ERR() dwi_err_win32(GetLastError() ? GetLastError() : ERROR_GEN_FAILURE)

static int nt_err(NTSTATUS st)
{
    ULONG w = RtlNtStatusToDosError(st);
    return dwi_err_win32(w ? (uint32_t)w : ERROR_GEN_FAILURE);
}

static HANDLE H(dwi_fd fd)
{
    return (HANDLE)fd;
}

/* UTF-8 -> UTF-16 (malloc'd). */
static int to_wide(const char *s, wchar_t **out)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0)
        return dwi_err_win32(ERROR_NO_UNICODE_TRANSLATION);
    wchar_t *w = malloc((size_t)n * sizeof *w);
    if (!w)
        return dwi_err_win32(ERROR_NOT_ENOUGH_MEMORY);
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n);
    *out = w;
    return 0;
}

/* A path for the Win32 API: made absolute (GetFullPathNameW) and given the \\?\ or \\?\UNC\ prefix, so
 * paths beyond MAX_PATH work and nothing is reinterpreted later. A path that already starts with \\?\ is
 * taken as it is. */
static int long_path(const char *path, wchar_t **out)
{
    wchar_t *w;
    int rc = to_wide(path, &w);
    if (rc < 0)
        return rc;
    for (wchar_t *p = w; *p; p++)
        if (*p == L'/')
            *p = L'\\';
    if (wcsncmp(w, L"\\\\?\\", 4) == 0) {
        *out = w;
        return 0;
    }
    DWORD n = GetFullPathNameW(w, 0, NULL, NULL);
    if (n == 0) {
        rc = LAST_ERR();
        free(w);
        return rc;
    }
    wchar_t *full = malloc(((size_t)n + 8) * sizeof *full);
    if (!full) {
        free(w);
        return dwi_err_win32(ERROR_NOT_ENOUGH_MEMORY);
    }
    DWORD m = GetFullPathNameW(w, n, full + 8, NULL);
    free(w);
    if (m == 0 || m >= n) {
        free(full);
        return m == 0 ? LAST_ERR() : dwi_err_win32(ERROR_BAD_PATHNAME);
    }
    wchar_t *p = full + 8;
    if (p[0] == L'\\' && p[1] == L'\\') {
        /* \\server\share\... -> \\?\UNC\server\share\... */
        p -= 6;
        memcpy(p, L"\\\\?\\UNC", 7 * sizeof *p);
        p[7] = L'\\';
        memmove(p + 8, full + 10, (wcslen(full + 10) + 1) * sizeof *p);
    } else {
        p -= 4;
        memcpy(p, L"\\\\?\\", 4 * sizeof *p);
    }
    memmove(full, p, (wcslen(p) + 1) * sizeof *p);
    *out = full;
    return 0;
}

/* A single-component name (never a path: the handle-relative calls must stay inside the directory). */
static int name_wide(const char *name, wchar_t **out)
{
    if (!name || !*name || strchr(name, '\\') || strchr(name, '/') || strchr(name, ':') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return dwi_err_win32(ERROR_INVALID_NAME);
    return to_wide(name, out);
}

/* The object attributes naming the wide single-component name w relative to the directory handle dir
 * (case-insensitive, as Win32 names are); us must outlive oa, which points at it. */
static void rel_attrs(HANDLE dir, wchar_t *w, UNICODE_STRING *us, OBJECT_ATTRIBUTES *oa)
{
    us->Buffer = w;
    us->Length = (USHORT)(wcslen(w) * sizeof(wchar_t));
    us->MaximumLength = us->Length;
    InitializeObjectAttributes(oa, us, OBJ_CASE_INSENSITIVE, dir, NULL);
}

/* NtCreateFile of `name` relative to the directory handle `dir`, never following a reparse point. */
static int open_rel(HANDLE dir, const char *name, ACCESS_MASK access, ULONG share, ULONG disposition, ULONG options,
                    HANDLE *out)
{
    wchar_t *w;
    int rc = name_wide(name, &w);
    if (rc < 0)
        return rc;
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    rel_attrs(dir, w, &us, &oa);
    IO_STATUS_BLOCK io;
    HANDLE h = NULL;
    NTSTATUS st = NtCreateFile(&h, access | SYNCHRONIZE, &oa, &io, NULL, FILE_ATTRIBUTE_NORMAL, share, disposition,
                               options | FILE_SYNCHRONOUS_IO_NONALERT | FILE_OPEN_REPARSE_POINT, NULL, 0);
    free(w);
    if (st < 0)
        return nt_err(st);
    *out = h;
    return 0;
}

/* Refuse a reparse point (symlink, junction, mount point) that FILE_OPEN_REPARSE_POINT opened. */
static int refuse_reparse(HANDLE h)
{
    FILE_ATTRIBUTE_TAG_INFO ti;
    if (!GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti, sizeof ti)) {
        BY_HANDLE_FILE_INFORMATION bi;
        if (!GetFileInformationByHandle(h, &bi))
            return LAST_ERR();
        ti.FileAttributes = bi.dwFileAttributes;
    }
    return (ti.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? dwi_err_win32(ERROR_REPARSE_POINT_ENCOUNTERED) : 0;
}

static dwi_fd w_open_dir(void *ctx, const char *path)
{
    (void)ctx;
    wchar_t *w;
    int rc = long_path(path, &w);
    if (rc < 0)
        return rc;
    /* Sharing everything: the directory stays usable by Exchange, the gateway and other writers. */
    HANDLE h = CreateFileW(w, FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES | SYNCHRONIZE,
                           FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                           FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        rc = LAST_ERR();
        free(w);
        return rc;
    }
    BY_HANDLE_FILE_INFORMATION bi;
    rc = GetFileInformationByHandle(h, &bi) ? 0 : LAST_ERR();
    if (rc == 0)
        rc = refuse_reparse(h);
    /* Windows opened the link itself, so the handle check above is the guarantee. Wine opens the target
     * of a Unix symlink even so, and only the path shows the reparse point: check the path too. */
    if (rc == 0) {
        DWORD attr = GetFileAttributesW(w);
        if (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_REPARSE_POINT))
            rc = dwi_err_win32(ERROR_REPARSE_POINT_ENCOUNTERED);
    }
    free(w);
    if (rc == 0 && !(bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
        rc = dwi_err_win32(ERROR_DIRECTORY);
    if (rc < 0) {
        CloseHandle(h);
        return rc;
    }
    return (dwi_fd)h;
}

static dwi_fd w_create(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    (void)ctx;
    (void)mode; /* permissions come from the directory's inherited ACL */
    HANDLE h;
    /* No sharing, as Exchange (FileShare.None): a gateway cannot open a file still being written. DELETE
     * so that a failed write can be removed through this handle's directory. FILE_CREATE never opens an
     * existing name (a planted symlink included): the name clash is ERROR_FILE_EXISTS. */
    int rc = open_rel(H(dirfd), name, GENERIC_WRITE | FILE_READ_ATTRIBUTES | DELETE, 0, FILE_CREATE,
                      FILE_NON_DIRECTORY_FILE, &h);
    return rc < 0 ? rc : (dwi_fd)h;
}

static dwi_fd w_open_rw(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    (void)ctx;
    (void)mode;
    HANDLE h;
    int rc = open_rel(H(dirfd), name, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                      FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE, &h);
    if (rc < 0)
        return rc;
    rc = refuse_reparse(h);
    if (rc < 0) {
        CloseHandle(h);
        return rc;
    }
    return (dwi_fd)h;
}

static dwi_fd w_open_path_read(void *ctx, const char *path)
{
    (void)ctx;
    wchar_t *w;
    int rc = long_path(path, &w);
    if (rc < 0)
        return rc;
    HANDLE h = CreateFileW(w, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    free(w);
    return h == INVALID_HANDLE_VALUE ? LAST_ERR() : (dwi_fd)h;
}

/* ReadFile/WriteFile take a DWORD: larger requests are done in parts by the callers' loops. */
static DWORD clamp_len(size_t len)
{
    return len > 0x40000000u ? 0x40000000u : (DWORD)len;
}

static dwi_ssize w_write(void *ctx, dwi_fd fd, const void *buf, size_t len)
{
    (void)ctx;
    DWORD n = 0;
    if (!WriteFile(H(fd), buf, clamp_len(len), &n, NULL))
        return LAST_ERR();
    return (dwi_ssize)n;
}

static dwi_ssize w_read(void *ctx, dwi_fd fd, void *buf, size_t len)
{
    (void)ctx;
    DWORD n = 0;
    if (!ReadFile(H(fd), buf, clamp_len(len), &n, NULL)) {
        DWORD e = GetLastError();
        return e == ERROR_HANDLE_EOF || e == ERROR_BROKEN_PIPE ? 0 : dwi_err_win32(e);
    }
    return (dwi_ssize)n;
}

static OVERLAPPED at(uint64_t off)
{
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.Offset = (DWORD)off;
    ov.OffsetHigh = (DWORD)(off >> 32);
    return ov;
}

static dwi_ssize w_pread(void *ctx, dwi_fd fd, void *buf, size_t len, uint64_t off)
{
    (void)ctx;
    OVERLAPPED ov = at(off);
    DWORD n = 0;
    if (!ReadFile(H(fd), buf, clamp_len(len), &n, &ov))
        return GetLastError() == ERROR_HANDLE_EOF ? 0 : LAST_ERR();
    return (dwi_ssize)n;
}

static dwi_ssize w_pwrite(void *ctx, dwi_fd fd, const void *buf, size_t len, uint64_t off)
{
    (void)ctx;
    OVERLAPPED ov = at(off);
    DWORD n = 0;
    if (!WriteFile(H(fd), buf, clamp_len(len), &n, &ov))
        return LAST_ERR();
    return (dwi_ssize)n;
}

static int w_ftruncate(void *ctx, dwi_fd fd, uint64_t len)
{
    (void)ctx;
    FILE_END_OF_FILE_INFO eof;
    eof.EndOfFile.QuadPart = (LONGLONG)len;
    return SetFileInformationByHandle(H(fd), FileEndOfFileInfo, &eof, sizeof eof) ? 0 : LAST_ERR();
}

static int is_dir_handle(HANDLE h)
{
    BY_HANDLE_FILE_INFORMATION bi;
    return GetFileInformationByHandle(h, &bi) && (bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
}

static int w_fsync(void *ctx, dwi_fd fd, int data_only)
{
    (void)ctx;
    (void)data_only;
    if (FlushFileBuffers(H(fd)))
        return 0;
    DWORD e = GetLastError();
    /* A directory handle opened for listing may not be flushed (NTFS wants write access; SMB and FAT
     * refuse): the rename itself was write-through, which is what Windows offers for a name. */
    if (is_dir_handle(H(fd)) &&
        (e == ERROR_ACCESS_DENIED || e == ERROR_INVALID_FUNCTION || e == ERROR_INVALID_HANDLE || e == ERROR_NOT_SUPPORTED))
        return 0;
    return dwi_err_win32(e);
}

static int w_syncfs(void *ctx, dwi_fd fd)
{
    (void)ctx;
    (void)fd;
    /* Flushing a whole volume needs administrator rights on Windows: the batch flushes file by file. */
    return dwi_err_win32(ERROR_NOT_SUPPORTED);
}

static int w_close(void *ctx, dwi_fd fd)
{
    (void)ctx;
    return CloseHandle(H(fd)) ? 0 : LAST_ERR();
}

/* FILE_RENAME_INFORMATION (ntifs.h; not in the user-mode headers) and its information class. */
typedef struct rename_info {
    BOOLEAN ReplaceIfExists;
    HANDLE RootDirectory;
    ULONG FileNameLength;
    WCHAR FileName[1];
} rename_info;
#define FILE_RENAME_INFORMATION_CLASS ((FILE_INFORMATION_CLASS)10)

/* Rename `from` in from_dir to `to` in to_dir, never replacing: both names are relative to their directory
 * handles (the target through FILE_RENAME_INFORMATION.RootDirectory). */
static int rename_rel(HANDLE from_dir, const char *from, HANDLE to_dir, const char *to)
{
    wchar_t *wto;
    int rc = name_wide(to, &wto);
    if (rc < 0)
        return rc;
    HANDLE h;
    rc = open_rel(from_dir, from, DELETE | FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  FILE_OPEN, FILE_NON_DIRECTORY_FILE, &h);
    if (rc < 0) {
        free(wto);
        return rc;
    }
    rc = refuse_reparse(h);
    size_t n = wcslen(wto) * sizeof(wchar_t);
    rename_info *ri = rc < 0 ? NULL : calloc(1, sizeof *ri + n);
    if (rc == 0 && !ri)
        rc = dwi_err_win32(ERROR_NOT_ENOUGH_MEMORY);
    if (rc == 0) {
        /* ReplaceIfExists FALSE: an existing target fails (STATUS_OBJECT_NAME_COLLISION, i.e.
         * ERROR_ALREADY_EXISTS), it is never replaced. The target is relative to the directory handle, like
         * the source. NtSetInformationFile is what SetFileInformationByHandle(FileRenameInfo) calls; called
         * directly because some implementations (Wine 8) refuse a RootDirectory at the Win32 layer. */
        ri->ReplaceIfExists = FALSE;
        ri->RootDirectory = to_dir;
        ri->FileNameLength = (ULONG)n;
        memcpy(ri->FileName, wto, n);
        IO_STATUS_BLOCK io;
        NTSTATUS st = NtSetInformationFile(h, &io, ri, (ULONG)(sizeof *ri + n), FILE_RENAME_INFORMATION_CLASS);
        if (st < 0)
            rc = nt_err(st);
    }
    free(ri);
    free(wto);
    CloseHandle(h);
    return rc;
}

static int w_rename_noreplace(void *ctx, dwi_fd from_dir, const char *from, dwi_fd to_dir, const char *to)
{
    (void)ctx;
    return rename_rel(H(from_dir), from, H(to_dir), to);
}

/* The rename above is already atomic and never replaces on every Windows file system (SMB included): the
 * unique-name strategy of POSIX shares is the same call here. */
static int w_rename_unique(void *ctx, dwi_fd from_dir, const char *from, dwi_fd to_dir, const char *to)
{
    return w_rename_noreplace(ctx, from_dir, from, to_dir, to);
}

static int w_unlink(void *ctx, dwi_fd dirfd, const char *name)
{
    (void)ctx;
    HANDLE h;
    int rc = open_rel(H(dirfd), name, DELETE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN,
                      FILE_NON_DIRECTORY_FILE, &h);
    if (rc < 0)
        return rc;
    FILE_DISPOSITION_INFO di;
    di.DeleteFile = TRUE;
    rc = SetFileInformationByHandle(h, FileDispositionInfo, &di, sizeof di) ? 0 : LAST_ERR();
    CloseHandle(h);
    return rc;
}

static int64_t ft_ticks(FILETIME ft)
{
    return (int64_t)(((uint64_t)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
}

static void ticks_to(int64_t ticks, int64_t *sec, int64_t *nsec)
{
    int64_t t = ticks - EPOCH_DIFF;
    *sec = t / 10000000;
    *nsec = (t % 10000000) * 100;
    if (*nsec < 0) {
        *nsec += 1000000000;
        (*sec)--;
    }
}

static int stat_handle(HANDLE h, dwi_stat *st)
{
    BY_HANDLE_FILE_INFORMATION bi;
    if (!GetFileInformationByHandle(h, &bi))
        return LAST_ERR();
    memset(st, 0, sizeof *st);
    st->size = ((uint64_t)bi.nFileSizeHigh << 32) | bi.nFileSizeLow;
    st->dev = bi.dwVolumeSerialNumber;
    st->ino = ((uint64_t)bi.nFileIndexHigh << 32) | bi.nFileIndexLow;
    ticks_to(ft_ticks(bi.ftLastWriteTime), &st->mtime_sec, &st->mtime_nsec);
    FILE_BASIC_INFO basic;
    if (GetFileInformationByHandleEx(h, FileBasicInfo, &basic, sizeof basic))
        ticks_to(basic.ChangeTime.QuadPart, &st->ctime_sec, &st->ctime_nsec);
    else
        ticks_to(ft_ticks(bi.ftLastWriteTime), &st->ctime_sec, &st->ctime_nsec);
    st->nlink = bi.nNumberOfLinks;
    /* Ownership is a matter of the ACL on Windows (the owner SID is not the writer's identity there): the
     * POSIX "owned by the effective user" check of the ledger does not apply. */
    st->owned = 1;
    st->is_link = (bi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? 1 : 0;
    st->is_dir = !st->is_link && (bi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) ? 1 : 0;
    st->is_reg = !st->is_link && !st->is_dir;
    return 0;
}

static int w_stat(void *ctx, dwi_fd dirfd, const char *name, dwi_stat *st)
{
    (void)ctx;
    if (!name || !*name)
        return stat_handle(H(dirfd), st);
    HANDLE h;
    /* Attribute access only: not blocked by a writer that shares nothing. */
    int rc = open_rel(H(dirfd), name, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      FILE_OPEN, 0, &h);
    if (rc < 0)
        return rc;
    rc = stat_handle(h, st);
    CloseHandle(h);
    return rc;
}

static int w_statfs(void *ctx, dwi_fd fd, uint64_t *free_bytes, uint64_t *total_bytes)
{
    (void)ctx;
    wchar_t buf[32768];
    DWORD n = GetFinalPathNameByHandleW(H(fd), buf, (DWORD)(sizeof buf / sizeof buf[0]), FILE_NAME_NORMALIZED);
    if (n == 0 || n >= sizeof buf / sizeof buf[0])
        return n == 0 ? LAST_ERR() : dwi_err_win32(ERROR_FILENAME_EXCED_RANGE);
    if (buf[n - 1] != L'\\' && n + 1 < sizeof buf / sizeof buf[0]) {
        buf[n] = L'\\';
        buf[n + 1] = 0;
    }
    ULARGE_INTEGER avail, total, tfree;
    if (!GetDiskFreeSpaceExW(buf, &avail, &total, &tfree))
        return LAST_ERR();
    *free_bytes = avail.QuadPart;
    *total_bytes = total.QuadPart;
    return 0;
}

static int w_lock(void *ctx, dwi_fd fd, int lock)
{
    (void)ctx;
    OVERLAPPED ov = at((uint64_t)LOCK_OFFSET_HIGH << 32);
    /* lock == 2: do not wait; a held lock is ERROR_LOCK_VIOLATION (errno EAGAIN, as flock's EWOULDBLOCK). */
    DWORD flags = LOCKFILE_EXCLUSIVE_LOCK | (lock == 2 ? LOCKFILE_FAIL_IMMEDIATELY : 0);
    if (lock)
        return LockFileEx(H(fd), flags, 0, 1, 0, &ov) ? 0 : LAST_ERR();
    return UnlockFileEx(H(fd), 0, 1, 0, &ov) ? 0 : LAST_ERR();
}

static long w_lock_holder(void *ctx, dwi_fd fd)
{
    (void)ctx;
    (void)fd;
    return 0; /* Windows does not tell who holds a byte-range lock */
}

/* A \\?\ path (or a final path of a handle) on a network: \\?\UNC\..., or a drive letter mapped to a share. */
static int wide_is_remote(const wchar_t *w)
{
    if (wcsncmp(w, L"\\\\?\\UNC\\", 8) == 0)
        return 1;
    if (wcsncmp(w, L"\\\\?\\", 4) == 0 && w[4] && w[5] == L':') {
        wchar_t root[4] = {w[4], L':', L'\\', 0};
        return GetDriveTypeW(root) == DRIVE_REMOTE;
    }
    return 0;
}

static int w_is_remote(void *ctx, dwi_fd fd)
{
    (void)ctx;
    wchar_t buf[1024];
    DWORD n = GetFinalPathNameByHandleW(H(fd), buf, (DWORD)(sizeof buf / sizeof buf[0]), FILE_NAME_NORMALIZED);
    return n > 0 && n < sizeof buf / sizeof buf[0] ? wide_is_remote(buf) : 0;
}

static int w_path_is_remote(void *ctx, const char *path)
{
    (void)ctx;
    wchar_t *w;
    if (long_path(path, &w) < 0)
        return 0;
    int r = wide_is_remote(w);
    free(w);
    return r;
}

static int w_mkdir(void *ctx, const char *path, unsigned mode)
{
    (void)ctx;
    (void)mode; /* the new directory inherits its parent's ACL */
    wchar_t *w;
    int rc = long_path(path, &w);
    if (rc < 0)
        return rc;
    rc = CreateDirectoryW(w, NULL) ? 0 : LAST_ERR();
    free(w);
    return rc;
}

struct dwi_dir {
    HANDLE h;
    int restart;
    size_t off;       /* next record in buf, or (size_t)-1 when buf is used up */
    char name[1024];  /* UTF-8 of the current entry (MAX_PATH UTF-16 units need at most 780 bytes) */
    unsigned char buf[64 * 1024];
};

static int w_dir_open(void *ctx, dwi_fd dirfd, dwi_dir **out)
{
    (void)ctx;
    dwi_dir *d = malloc(sizeof *d);
    if (!d)
        return dwi_err_win32(ERROR_NOT_ENOUGH_MEMORY);
    /* A handle of our own (its own listing position), opened relative to the directory handle itself:
     * an empty name with RootDirectory opens that same directory. */
    UNICODE_STRING us = {0, 0, NULL};
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &us, 0, H(dirfd), NULL);
    IO_STATUS_BLOCK io;
    NTSTATUS st = NtCreateFile(&d->h, FILE_LIST_DIRECTORY | SYNCHRONIZE, &oa, &io, NULL, 0,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN,
                               FILE_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (st < 0) {
        free(d);
        return nt_err(st);
    }
    d->restart = 1;
    d->off = (size_t)-1;
    *out = d;
    return 0;
}

static int w_dir_next(void *ctx, dwi_dir *d, const char **name)
{
    (void)ctx;
    for (;;) {
        if (d->off == (size_t)-1) {
            if (!GetFileInformationByHandleEx(d->h, d->restart ? FileFullDirectoryRestartInfo : FileFullDirectoryInfo,
                                              d->buf, sizeof d->buf)) {
                DWORD e = GetLastError();
                return e == ERROR_NO_MORE_FILES ? 0 : dwi_err_win32(e);
            }
            d->restart = 0;
            d->off = 0;
        }
        FILE_FULL_DIR_INFO *fi = (FILE_FULL_DIR_INFO *)(d->buf + d->off);
        d->off = fi->NextEntryOffset ? d->off + fi->NextEntryOffset : (size_t)-1;
        int n = WideCharToMultiByte(CP_UTF8, 0, fi->FileName, (int)(fi->FileNameLength / sizeof(WCHAR)), d->name,
                                    (int)sizeof d->name - 1, NULL, NULL);
        if (n <= 0)
            continue; /* not representable: never one of ours, and the quota counts what it can name */
        d->name[n] = '\0';
        *name = d->name;
        return 1;
    }
}

static void w_dir_close(void *ctx, dwi_dir *d)
{
    (void)ctx;
    if (d) {
        CloseHandle(d->h);
        free(d);
    }
}

static int w_now(void *ctx, int64_t *sec, int64_t *nsec)
{
    (void)ctx;
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    ticks_to(ft_ticks(ft), sec, nsec);
    return 0;
}

static uint64_t w_monotonic_us(void *ctx)
{
    (void)ctx;
    LARGE_INTEGER c, f;
    QueryPerformanceCounter(&c);
    QueryPerformanceFrequency(&f);
    return (uint64_t)(c.QuadPart / f.QuadPart) * 1000000u +
           (uint64_t)(c.QuadPart % f.QuadPart) * 1000000u / (uint64_t)f.QuadPart;
}

static void w_sleep_ms(void *ctx, unsigned ms)
{
    (void)ctx;
    Sleep(ms);
}

static int w_random(void *ctx, void *buf, size_t len)
{
    (void)ctx;
    unsigned char *p = buf;
    while (len) {
        ULONG n = len > 0x10000000u ? 0x10000000u : (ULONG)len;
        NTSTATUS st = BCryptGenRandom(NULL, p, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG);
        if (st < 0)
            return nt_err(st);
        p += n;
        len -= n;
    }
    return 0;
}

static long w_pid(void *ctx)
{
    (void)ctx;
    return (long)GetCurrentProcessId();
}

static int w_lock_inherited(void *ctx, long owner)
{
    (void)ctx;
    (void)owner;
    return 0; /* no fork on Windows: the ledger handle's lock is never shared with another process */
}

static int w_hostname(void *ctx, char *buf, size_t size)
{
    (void)ctx;
    if (size == 0)
        return dwi_err_win32(ERROR_INVALID_PARAMETER);
    /* The NetBIOS name, as Exchange's Environment.MachineName. */
    wchar_t w[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    if (!GetComputerNameExW(ComputerNameNetBIOS, w, &n))
        return LAST_ERR();
    int k = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf, (int)(size - 1), NULL, NULL);
    if (k <= 0)
        return LAST_ERR();
    buf[k] = '\0';
    return 0;
}

/* ---- pickup --------------------------------------------------------------------------------------------- */

/* ntdll's attribute query of a name relative to a directory handle (not in mingw's winternl.h; the
 * FILE_BASIC_INFORMATION it fills has the layout of FILE_BASIC_INFO). */
NTSTATUS NTAPI NtQueryAttributesFile(POBJECT_ATTRIBUTES ObjectAttributes, FILE_BASIC_INFO *FileInformation);

/* 1 when `name` in dir is a reparse point as seen without opening it. Windows itself already refuses
 * through the handle (refuse_reparse); Wine opens the target of a Unix symlink and only the name shows it. */
static int name_is_reparse(HANDLE dir, const char *name)
{
    wchar_t *w;
    if (name_wide(name, &w) < 0)
        return 0;
    UNICODE_STRING us;
    OBJECT_ATTRIBUTES oa;
    rel_attrs(dir, w, &us, &oa);
    FILE_BASIC_INFO bi;
    NTSTATUS st = NtQueryAttributesFile(&oa, &bi);
    free(w);
    return st >= 0 && (bi.FileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ? 1 : 0;
}

/* The handle h just opened as `name` in dir, as pickup's int result; closed and refused when it or the name
 * is a reparse point. */
static int opened_beneath(HANDLE dir, const char *name, HANDLE h)
{
    int rc = refuse_reparse(h);
    if (rc == 0 && name_is_reparse(dir, name))
        rc = dwi_err_win32(ERROR_REPARSE_POINT_ENCOUNTERED);
    if (rc < 0) {
        CloseHandle(h);
        return rc;
    }
    return (int)(intptr_t)h; /* kernel handles fit in 32 bits (documented for 32/64-bit interop) */
}

/* Pickup's open: reading, sharing reads and DELETE (the picker renames and removes the file while it holds
 * this handle) but not writing. A writer that shares nothing (Exchange's FileShare.None, our own temp
 * files) or still has the file open for writing makes this fail with ERROR_SHARING_VIOLATION, which pickup
 * treats as "not ready" (its errno is EBUSY). */
static int w_open_read(void *ctx, dwi_fd dirfd, const char *name)
{
    (void)ctx;
    HANDLE h;
    int rc = open_rel(H(dirfd), name, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, FILE_OPEN,
                      FILE_NON_DIRECTORY_FILE, &h);
    return rc < 0 ? rc : opened_beneath(H(dirfd), name, h);
}

static int w_open_subdir(void *ctx, dwi_fd dirfd, const char *name)
{
    (void)ctx;
    HANDLE h;
    int rc = open_rel(H(dirfd), name, FILE_LIST_DIRECTORY | FILE_TRAVERSE | FILE_READ_ATTRIBUTES,
                      FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN, FILE_DIRECTORY_FILE, &h);
    /* A symlink or junction in place of a work folder: refused (errno ELOOP, as O_NOFOLLOW on POSIX). */
    return rc < 0 ? rc : opened_beneath(H(dirfd), name, h);
}

static int w_mkdir_at(void *ctx, dwi_fd dirfd, const char *name, unsigned mode)
{
    (void)ctx;
    (void)mode; /* the new folder inherits the drop directory's ACL */
    HANDLE h;
    /* FILE_CREATE: an existing name is ERROR_ALREADY_EXISTS (errno EEXIST), never opened. */
    int rc = open_rel(H(dirfd), name, FILE_LIST_DIRECTORY, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                      FILE_CREATE, FILE_DIRECTORY_FILE, &h);
    if (rc < 0)
        return rc;
    CloseHandle(h);
    return 0;
}

static int w_process_alive(void *ctx, long pid)
{
    (void)ctx;
    if (pid <= 0)
        return dwi_err_win32(ERROR_INVALID_PARAMETER);
    HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, (DWORD)pid);
    if (!h) {
        DWORD e = GetLastError();
        /* ERROR_INVALID_PARAMETER: no process has this id; ERROR_ACCESS_DENIED: it exists (another user's). */
        return e == ERROR_INVALID_PARAMETER ? 0 : e == ERROR_ACCESS_DENIED ? 1 : dwi_err_win32(e);
    }
    DWORD code = 0;
    int rc;
    if (!GetExitCodeProcess(h, &code))
        rc = LAST_ERR();
    else if (code != STILL_ACTIVE)
        rc = 0;
    else /* a process may exit with 259 itself: the handle's state decides */
        rc = WaitForSingleObject(h, 0) == WAIT_OBJECT_0 ? 0 : 1;
    CloseHandle(h);
    return rc;
}

/* Change notification with ReadDirectoryChangesW on a handle of its own (opened for overlapped I/O relative
 * to the drop directory's handle, so a replaced path is not what is watched). The watch is that handle; no
 * request stays pending between waits: each wait issues one, waits with the timeout and cancels it when
 * nothing came. The file system keeps recording changes for the handle between requests (once the first
 * was issued, which watch_open does), so nothing is lost in between; a buffer overflow still completes the
 * request and counts as a change, and pickup rescans after every wake anyway. */
#define WATCH_FILTER                                                                                            \
    (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME | FILE_NOTIFY_CHANGE_SIZE |                        \
     FILE_NOTIFY_CHANGE_LAST_WRITE | FILE_NOTIFY_CHANGE_ATTRIBUTES)

/* One request: 1 when a change was reported, 0 when none came within timeout_ms, < 0 on failure. */
static int watch_once(HANDLE h, unsigned timeout_ms)
{
    DWORD buf[1024]; /* DWORD-aligned, as ReadDirectoryChangesW requires */
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!ov.hEvent)
        return LAST_ERR();
    int rc;
    DWORD n = 0;
    if (!ReadDirectoryChangesW(h, buf, sizeof buf, FALSE, WATCH_FILTER, NULL, &ov, NULL)) {
        rc = LAST_ERR();
    } else {
        DWORD w = WaitForSingleObject(ov.hEvent, timeout_ms);
        if (w == WAIT_OBJECT_0) {
            rc = 1;
        } else {
            /* Nothing yet: cancel, and wait for the request to end so buf and ov outlive it. A change that
             * raced with the cancel still completes it successfully. */
            CancelIoEx(h, &ov);
            rc = GetOverlappedResult(h, &ov, &n, TRUE) ? 1 : 0;
        }
    }
    CloseHandle(ov.hEvent);
    return rc;
}

static int w_watch_open(void *ctx, dwi_fd dirfd, const char *path)
{
    (void)ctx;
    (void)path; /* the handle is watched, never the path */
    UNICODE_STRING us = {0, 0, NULL};
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &us, 0, H(dirfd), NULL);
    IO_STATUS_BLOCK io;
    HANDLE h;
    /* No FILE_SYNCHRONOUS_IO_* option: an asynchronous handle, for the overlapped requests. */
    NTSTATUS st = NtCreateFile(&h, FILE_LIST_DIRECTORY | SYNCHRONIZE, &oa, &io, NULL, 0,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, FILE_OPEN, FILE_DIRECTORY_FILE,
                               NULL, 0);
    if (st < 0)
        return nt_err(st);
    /* The first request starts the recording of changes (and shows early that the file system supports
     * notification: a share or file system without it fails here and pickup rescans instead). */
    int rc = watch_once(h, 0);
    if (rc < 0) {
        CloseHandle(h);
        return rc;
    }
    return (int)(intptr_t)h;
}

static int w_watch_wait(void *ctx, int watch, unsigned timeout_ms)
{
    (void)ctx;
    HANDLE h = (HANDLE)(intptr_t)watch;
    int rc = watch_once(h, timeout_ms);
    /* Drain what else is already recorded, so the next wait does not wake for the same burst. */
    for (int i = 0; rc == 1 && i < 16 && watch_once(h, 0) == 1; i++) {
    }
    return rc;
}

static void w_watch_close(void *ctx, int watch)
{
    (void)ctx;
    CloseHandle((HANDLE)(intptr_t)watch);
}

const dwi_ops dwi_win32_ops = {
    .open_dir = w_open_dir,
    .create = w_create,
    .open_rw = w_open_rw,
    .open_path_read = w_open_path_read,
    .write = w_write,
    .read = w_read,
    .pread = w_pread,
    .pwrite = w_pwrite,
    .ftruncate = w_ftruncate,
    .fsync = w_fsync,
    .syncfs = w_syncfs,
    .close = w_close,
    .rename_noreplace = w_rename_noreplace,
    .rename_unique = w_rename_unique,
    .unlink = w_unlink,
    .stat = w_stat,
    .is_remote = w_is_remote,
    .path_is_remote = w_path_is_remote,
    .statfs = w_statfs,
    .lock = w_lock,
    .lock_holder = w_lock_holder,
    .mkdir = w_mkdir,
    .dir_open = w_dir_open,
    .dir_next = w_dir_next,
    .dir_close = w_dir_close,
    .now = w_now,
    .monotonic_us = w_monotonic_us,
    .sleep_ms = w_sleep_ms,
    .random = w_random,
    .pid = w_pid,
    .hostname = w_hostname,
    .lock_inherited = w_lock_inherited,
    .open_read = w_open_read,
    .open_subdir = w_open_subdir,
    .mkdir_at = w_mkdir_at,
    .rename_at = w_rename_noreplace,
    .process_alive = w_process_alive,
    .watch_open = w_watch_open,
    .watch_wait = w_watch_wait,
    .watch_close = w_watch_close,
};
