/* SPDX-License-Identifier: MIT */
/* Tests for the pickup side (lib/pickup.c, lib/envelope_parse.c): envelope parsing at every cut, the
 * readiness rules, claims (two pickers, expired claims of dead pickers, the TTL), ack/release/archive,
 * Exchange-style partial files (always quarantined, with an alert record), the quota ledger, faults
 * injected through the platform seam, inotify wake-ups, and pickers and writers running concurrently
 * (threads, and processes killed with SIGKILL): every message handed on at least once, duplicates only for
 * messages a killed picker held. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
/* Under Wine (tools/test-all.d/20-windows.sh): Check runs without fork, so every test cleans up after
 * itself; the tests that need fork, SIGKILL or a symlink say "not applicable on Windows". */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <direct.h>
#else
#include <sys/wait.h>
#endif

#include "dropwatch.h"
#include "../lib/envelope.h"
#include "../lib/guard_internal.h"
#include "../lib/pickup_internal.h"
#include "dead_server.h"

#ifdef _WIN32
#define mkdir(path, mode) _mkdir(path)
#define lstat stat
#define NOT_ON_WINDOWS(what) fprintf(stderr, "pickup: %s: not applicable on Windows\n", what)
/* The POSIX helpers of rel_common.h, for this suite. */
static double rel_now(void)
{
    LARGE_INTEGER c, f;
    QueryPerformanceCounter(&c);
    QueryPerformanceFrequency(&f);
    return (double)c.QuadPart / (double)f.QuadPart;
}
/* Open handles of this process: what the descriptor count is on POSIX. */
static int rel_count_fds(void)
{
    DWORD n = 0;
    return GetProcessHandleCount(GetCurrentProcess(), &n) ? (int)n : -1;
}
static void rel_rm_rf(const char *path)
{
    DWORD attr = GetFileAttributesA(path);
    if (attr == INVALID_FILE_ATTRIBUTES)
        return;
    if ((attr & FILE_ATTRIBUTE_DIRECTORY) && !(attr & FILE_ATTRIBUTE_REPARSE_POINT)) {
        char pat[1100];
        snprintf(pat, sizeof pat, "%s\\*", path);
        WIN32_FIND_DATAA fd;
        HANDLE h = FindFirstFileA(pat, &fd);
        if (h != INVALID_HANDLE_VALUE) {
            do {
                if (!strcmp(fd.cFileName, ".") || !strcmp(fd.cFileName, ".."))
                    continue;
                char sub[1100];
                snprintf(sub, sizeof sub, "%s\\%s", path, fd.cFileName);
                rel_rm_rf(sub);
            } while (FindNextFileA(h, &fd));
            FindClose(h);
        }
        RemoveDirectoryA(path);
    } else {
        SetFileAttributesA(path, FILE_ATTRIBUTE_NORMAL);
        DeleteFileA(path);
    }
}
/* A fresh scratch folder below the current one (the stage runs in _build/win/tests). */
static char *mkdtemp(char *tmpl)
{
    static unsigned seq;
    char rel[96];
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(rel, sizeof rel, "pkscratch-%lu-%u-%llu", (unsigned long)GetCurrentProcessId(), seq++,
                 (unsigned long long)GetTickCount64());
        if (CreateDirectoryA(rel, NULL))
            return GetFullPathNameA(rel, 200, tmpl, NULL) > 0 ? tmpl : NULL;
    }
    return NULL;
}
#else
#include "rel_common.h"
#endif

static char tmp_root[200];
static char dir[256];

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmp_root, sizeof tmp_root, "%s/dwpickup-XXXXXX", t && *t ? t : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(tmp_root));
    snprintf(dir, sizeof dir, "%s/drop", tmp_root);
    ck_assert_int_eq(mkdir(dir, 0750), 0);
}

static void teardown(void)
{
    rel_rm_rf(tmp_root);
}

static void put_file(const char *name, const char *data, size_t len, int age_seconds)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
#ifdef _WIN32
    HANDLE h = CreateFileA(path, GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert_msg(h != INVALID_HANDLE_VALUE, "create %s: %lu", path, (unsigned long)GetLastError());
    DWORD w = 0;
    ck_assert(len == 0 || WriteFile(h, data, (DWORD)len, &w, NULL));
    ck_assert_uint_eq(w, len);
    if (age_seconds) {
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        ULARGE_INTEGER u = {.LowPart = ft.dwLowDateTime, .HighPart = ft.dwHighDateTime};
        u.QuadPart -= (ULONGLONG)age_seconds * 10000000u;
        ft.dwLowDateTime = u.LowPart;
        ft.dwHighDateTime = u.HighPart;
        ck_assert(SetFileTime(h, NULL, &ft, &ft));
    }
    CloseHandle(h);
#else
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0640);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
    if (age_seconds) {
        struct timespec ts[2];
        clock_gettime(CLOCK_REALTIME, &ts[0]);
        ts[0].tv_sec -= age_seconds;
        ts[1] = ts[0];
        ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
    }
#endif
}

/* A drop file exactly as Exchange writes it: "X-sender", CRLF, the MIME length; mime_written < mime_len
 * leaves it short as after an 8004. */
static size_t exchange_file(char *buf, size_t size, const char *mime, size_t mime_len, size_t mime_written)
{
    int h = snprintf(buf, size,
                     "X-sender: <fax@contoso.com> SIZE=%zu\r\nX-Receiver: <+15551234@fax> ORCPT=rfc822;a@b\r\n"
                     "X-Receiver: <second@fax>\r\nX-EndOfInjectedXHeaders: %zu\r\n",
                     mime_len, mime_len);
    ck_assert(h > 0 && (size_t)h + mime_written <= size);
    memcpy(buf + h, mime, mime_written);
    return (size_t)h + mime_written;
}

static int exists(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    struct stat st;
    return lstat(path, &st) == 0;
}

static int count_entries(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (de->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static dw_pickup *open_p(unsigned settle_ms, unsigned incomplete_after)
{
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.settle_ms = settle_ms;
    o.incomplete_after_seconds = incomplete_after;
    o.durable = 0;
    dw_pickup *p = NULL;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_OK);
    return p;
}

static char *read_all(dw_pickup_msg *m, size_t *len)
{
    size_t cap = 1024, n = 0, got;
    char *buf = malloc(cap);
    for (;;) {
        if (n == cap)
            buf = realloc(buf, cap *= 2);
        dw_io_error e;
        ck_assert_int_eq(dw_pickup_msg_read(m, buf + n, cap - n, &got, &e), DW_OK);
        if (!got)
            break;
        n += got;
    }
    *len = n;
    return buf;
}

/* ---- envelope parsing -------------------------------------------------------------------------------- */

static const char ENV_OK[] = "X-sender: <a@b.example> SIZE=5\r\nx-receiver: <c@d> ORCPT=rfc822;c@d\r\n"
                             "X-RECEIVER: plain@e NOTIFY=NEVER\r\nX-EndOfInjectedXHeaders: 5\r\nhello";

START_TEST(parse_ok_case_insensitive)
{
    dw_envelope *env;
    dwi_env_parse r;
    ck_assert_int_eq(dwi_envelope_parse(ENV_OK, sizeof ENV_OK - 1, &env, &r), DW_OK);
    ck_assert_int_eq(r.state, DWI_ENV_OK);
    ck_assert_uint_eq(r.eoh_value, 5);
    ck_assert_uint_eq(r.header_len, sizeof ENV_OK - 1 - 5);
    const char *params;
    ck_assert_str_eq(dwi_envelope_sender(env, &params), "a@b.example");
    ck_assert_str_eq(params, "SIZE=5");
    ck_assert_uint_eq(dwi_envelope_recipient_count(env), 2);
    ck_assert_str_eq(dwi_envelope_recipient(env, 0, &params), "c@d");
    ck_assert_str_eq(params, "ORCPT=rfc822;c@d");
    ck_assert_str_eq(dwi_envelope_recipient(env, 1, &params), "plain@e");
    ck_assert_str_eq(params, "NOTIFY=NEVER");
    dw_envelope_free(env);
    /* LF line ends and the null sender */
    const char lf[] = "X-Sender: <>\nX-Receiver: <x@y>\nX-EndOfInjectedXHeaders: 0\n";
    ck_assert_int_eq(dwi_envelope_parse(lf, sizeof lf - 1, &env, &r), DW_OK);
    ck_assert_int_eq(r.state, DWI_ENV_OK);
    ck_assert_str_eq(dwi_envelope_sender(env, &params), "");
    ck_assert_ptr_null(params);
    dw_envelope_free(env);
}
END_TEST

/* Every cut of a valid envelope before its last line end is PARTIAL; from there on it is OK. */
START_TEST(parse_every_cut)
{
    size_t hdr = sizeof ENV_OK - 1 - 5;
    for (size_t cut = 0; cut <= sizeof ENV_OK - 1; cut++) {
        dwi_env_parse r;
        dw_envelope *env;
        ck_assert_int_eq(dwi_envelope_parse(ENV_OK, cut, &env, &r), DW_OK);
        ck_assert_int_eq(r.state, cut < hdr ? DWI_ENV_PARTIAL : DWI_ENV_OK);
        dw_envelope_free(env);
    }
}
END_TEST

START_TEST(parse_none_and_malformed)
{
    static const struct {
        const char *text;
        dwi_env_state want;
    } cases[] = {
        {"From: a@b\r\n\r\nbody", DWI_ENV_NONE},
        {"Received: x\r\n", DWI_ENV_NONE},
        {"X-Sende", DWI_ENV_PARTIAL},
        {"X-Sender: <a@b>\r\nX-Sender: <c@d>\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-EndOfInjectedXHeaders: 3\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 3x\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: 99999999999999999999\r\n",
         DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-Receiver: <c@d>\r\nX-EndOfInjectedXHeaders: \r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nSubject: hi\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nno colon here\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-Receiver: <c\x01@d>\r\n", DWI_ENV_MALFORMED},
        {"X-Sender: <a@b>\r\nX-Receiver: <>\r\n", DWI_ENV_MALFORMED},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        dwi_env_parse r;
        dw_envelope *env = (dw_envelope *)1;
        ck_assert_int_eq(dwi_envelope_parse(cases[i].text, strlen(cases[i].text), &env, &r), DW_OK);
        ck_assert_msg(r.state == cases[i].want, "case %zu: state %d", i, (int)r.state);
        ck_assert_ptr_null(env);
        if (r.state == DWI_ENV_MALFORMED)
            ck_assert_ptr_nonnull(r.problem);
    }
}
END_TEST

START_TEST(claim_name_parse)
{
    char orig[DW_PICKUP_NAME_MAX], host[64];
    long pid;
    int64_t sec;
    ck_assert(dwi_claim_parse("EX01-1-20240501120000Z.Normal.eml~gw1~123~1700000000~0badf00d", orig, host,
                              sizeof host, &pid, &sec));
    ck_assert_str_eq(orig, "EX01-1-20240501120000Z.Normal.eml");
    ck_assert_str_eq(host, "gw1");
    ck_assert_int_eq(pid, 123);
    ck_assert_int_eq(sec, 1700000000);
    ck_assert(dwi_claim_parse("a~b.eml~h~1~2~x", orig, host, sizeof host, &pid, &sec));
    ck_assert_str_eq(orig, "a~b.eml");
    ck_assert(!dwi_claim_parse("a.eml~h~x~2~x", orig, host, sizeof host, &pid, &sec));
    ck_assert(!dwi_claim_parse("a.eml~h~1~2", orig, host, sizeof host, &pid, &sec));
    ck_assert(!dwi_claim_parse("~h~1~2~x", orig, host, sizeof host, &pid, &sec));
    ck_assert(!dwi_claim_parse("a.eml~~1~2~x", orig, host, sizeof host, &pid, &sec));
}
END_TEST

/* ---- open and options -------------------------------------------------------------------------------- */

START_TEST(open_rejects_bad_input)
{
    dw_pickup *p = (dw_pickup *)1;
    dw_io_error e;
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    ck_assert_uint_eq(o.version, DW_PICKUP_OPTIONS_VERSION);
    ck_assert_uint_eq(o.settle_ms, 2000);
    /* the header's default macros are what init sets (bindings and the CLI read the macros) */
    ck_assert_uint_eq(o.settle_ms, DW_PICKUP_SETTLE_DEFAULT_MS);
    ck_assert_uint_eq(o.incomplete_after_seconds, DW_PICKUP_INCOMPLETE_DEFAULT_SECONDS);
    ck_assert_uint_eq(o.claim_ttl_seconds, DW_PICKUP_CLAIM_TTL_DEFAULT_SECONDS);
    ck_assert_int_eq(o.durable, 1);
    ck_assert_int_eq(dw_pickup_open(&p, NULL, &o, &e), DW_E_INVAL);
    ck_assert_ptr_null(p);
    o.version = 0;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_E_INVAL);
    o.version = DW_PICKUP_OPTIONS_VERSION + 1;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_E_INVAL);
    dw_pickup_options_init(&o);
    const char *bad_archives[] = {"/abs", "..", "a/../b", "a/b/c", "", "a//b", ".", "x\\y"};
    for (size_t i = 0; i < sizeof bad_archives / sizeof bad_archives[0]; i++) {
        o.archive_dir = bad_archives[i];
        ck_assert_msg(dw_pickup_open(&p, dir, &o, &e) == DW_E_INVAL, "%s", bad_archives[i]);
    }
    o.archive_dir = NULL;
    o.ack_mode = (dw_pickup_ack_mode)7;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_E_INVAL);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope", tmp_root);
    ck_assert_int_eq(dw_pickup_open(&p, missing, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENOENT);
#ifdef _WIN32
    ck_assert_uint_eq(e.win32, ERROR_FILE_NOT_FOUND); /* the native code of the missing folder */
    NOT_ON_WINDOWS("a symlinked work folder (a Windows program cannot make a Unix symlink under Wine)");
#else
    /* a symlinked work folder is refused */
    char link[600];
    snprintf(link, sizeof link, "%s/.dwpickup", dir);
    ck_assert_int_eq(symlink(tmp_root, link), 0);
    ck_assert_int_eq(dw_pickup_open(&p, dir, NULL, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ELOOP);
    ck_assert_ptr_null(p);
#endif
    dw_pickup_close(NULL);
    ck_assert_ptr_null(dw_pickup_reason_name((dw_pickup_reason)99));
    ck_assert_str_eq(dw_pickup_reason_name(DW_PICKUP_INCOMPLETE), "incomplete");
}
END_TEST

/* ---- the normal path --------------------------------------------------------------------------------- */

START_TEST(roundtrip_guarded_write)
{
    int fds = rel_count_fds();
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    dw_envelope *env;
    ck_assert_int_eq(dw_envelope_new(&env), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(env, "<s@x.example>", "SIZE=11"), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "r1@y", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "r2@y", "NOTIFY=NEVER"), DW_OK);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    const char mime[] = "Subject: t\r\n\r\nbody\r\n";
    char name[DW_FILE_NAME_MAX];
    ck_assert_int_eq(dw_drop_write(d, mime, sizeof mime - 1, &mo, name, sizeof name, NULL, &e), DW_OK);
    dw_envelope_free(env);
    dw_drop_close(d);

    dw_pickup *p = open_p(2000, 300);
    dw_pickup_stats s;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 1);
    ck_assert_str_eq(dw_pickup_ready_name(p, 0), name);
    ck_assert_ptr_null(dw_pickup_ready_name(p, 1));
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(dw_pickup_msg_name(m), name);
    ck_assert(!exists(name));
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 1);
    const char *params;
    ck_assert_str_eq(dw_pickup_msg_sender(m, &params), "s@x.example");
    ck_assert_str_eq(params, "SIZE=11");
    ck_assert_uint_eq(dw_pickup_msg_recipient_count(m), 2);
    ck_assert_str_eq(dw_pickup_msg_recipient(m, 1, &params), "r2@y");
    ck_assert_str_eq(params, "NOTIFY=NEVER");
    ck_assert_ptr_null(dw_pickup_msg_recipient(m, 2, &params));
    dw_pickup_info info;
    ck_assert_int_eq(dw_pickup_msg_info(m, &info), DW_OK);
    ck_assert_uint_eq(info.mime_size, sizeof mime - 1);
    ck_assert_int_eq(info.has_envelope, 1);
    ck_assert_int_eq(info.redelivered, 0);
    size_t len;
    char *got = read_all(m, &len);
    ck_assert_uint_eq(len, sizeof mime - 1);
    ck_assert(memcmp(got, mime, len) == 0);
    free(got);
    ck_assert_int_eq(dw_pickup_msg_rewind(m), DW_OK);
    char small[4];
    size_t n;
    ck_assert_int_eq(dw_pickup_msg_read(m, small, sizeof small, &n, &e), DW_OK);
    ck_assert_uint_eq(n, 4);
    ck_assert(memcmp(small, "Subj", 4) == 0);
    ck_assert_int_eq(dw_pickup_msg_read(m, NULL, 1, &n, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 0);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    dw_pickup_close(p);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

START_TEST(order_and_skips)
{
    put_file("c.eml", "plain c", 7, 30);
    put_file("a.eml", "plain a", 7, 10);
    put_file("b.EML", "plain b", 7, 20);
    put_file(".hidden.eml", "x", 1, 60);
    put_file(".dwtmp-1-2-3.tmp", "x", 1, 60);
    put_file(".dwquota", "x", 1, 60);
    put_file("note.txt", "x", 1, 60);
    char sub[300];
    snprintf(sub, sizeof sub, "%s/dir.eml", dir);
    ck_assert_int_eq(mkdir(sub, 0750), 0);
#ifdef _WIN32
    NOT_ON_WINDOWS("a symlinked message file");
#else
    char link[300];
    snprintf(link, sizeof link, "%s/link.eml", dir);
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
#endif
    dw_pickup *p = open_p(2000, 300);
    dw_pickup_stats s;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 3);
    ck_assert_str_eq(dw_pickup_ready_name(p, 0), "c.eml");
    ck_assert_str_eq(dw_pickup_ready_name(p, 1), "b.EML");
    ck_assert_str_eq(dw_pickup_ready_name(p, 2), "a.eml");
    const char *want[] = {"c.eml", "b.EML", "a.eml"};
    for (int i = 0; i < 3; i++) {
        dw_pickup_msg *m;
        ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
        ck_assert_ptr_nonnull(m);
        ck_assert_str_eq(dw_pickup_msg_name(m), want[i]);
        ck_assert_ptr_null(dw_pickup_msg_sender(m, NULL));
        ck_assert_uint_eq(dw_pickup_msg_recipient_count(m), 0);
        size_t len;
        char *got = read_all(m, &len);
        ck_assert_uint_eq(len, 7);
        free(got);
        ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    }
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    ck_assert(exists(".hidden.eml") && exists(".dwtmp-1-2-3.tmp") && exists("note.txt"));
#ifndef _WIN32
    ck_assert(exists("link.eml"));
#endif
    dw_pickup_close(p);
}
END_TEST

START_TEST(settling_and_require_envelope)
{
    put_file("fresh.eml", "no envelope", 11, 0);
    dw_pickup *p = open_p(60000, 300);
    dw_pickup_stats s;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 0);
    ck_assert_uint_eq(s.not_ready, 1);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    ck_assert(exists("fresh.eml"));
    dw_pickup_close(p);
    /* without an envelope and require_envelope: quarantined once given up on */
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.require_envelope = 1;
    o.incomplete_after_seconds = 0;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.quarantined, 1);
    ck_assert_int_eq(dw_pickup_quarantined(p, 0)->reason, DW_PICKUP_NO_ENVELOPE);
    dw_pickup_close(p);
}
END_TEST

/* A complete Exchange file is ready at once, however fresh (its length is verifiable). */
START_TEST(exchange_complete_ready_at_once)
{
    char buf[4096];
    const char mime[] = "Subject: fax\r\n\r\npage 1\r\n";
    size_t n = exchange_file(buf, sizeof buf, mime, sizeof mime - 1, sizeof mime - 1);
    put_file("EX01-42-20240501120000Z.Normal.eml", buf, n, 0);
    dw_pickup *p = open_p(60000, 300);
    dw_pickup_msg *m;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(dw_pickup_msg_sender(m, NULL), "fax@contoso.com");
    ck_assert_uint_eq(dw_pickup_msg_recipient_count(m), 2);
    size_t len;
    char *got = read_all(m, &len);
    ck_assert_uint_eq(len, sizeof mime - 1);
    ck_assert(memcmp(got, mime, len) == 0);
    free(got);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    dw_pickup_close(p);
}
END_TEST

/* Exchange-style partial files: short MIME part, truncated envelope, empty file, longer than announced. */
START_TEST(exchange_partial_quarantined)
{
    char buf[8192], mime[4000];
    memset(mime, 'm', sizeof mime);
    size_t n = exchange_file(buf, sizeof buf, mime, sizeof mime, 1234);
    put_file("EX01-1-20240501120000Z.Normal.eml", buf, n, 5);
    put_file("EX01-2-20240501120001Z.High.eml", buf, 40, 5); /* inside the envelope */
    put_file("EX01-3-20240501120002Z.Low.eml", "", 0, 5);
    size_t full = exchange_file(buf, sizeof buf, mime, 100, 100);
    memcpy(buf + full, "extra", 5);
    put_file("EX01-4-20240501120003Z.Normal.eml", buf, full + 5, 5);
    put_file("EX01-5-20240501120004Z.Normal.eml", "X-Sender: <a@b>\r\nSubject: x\r\n", 29, 5);

    /* still within incomplete_after: not ready, nothing moved */
    dw_pickup *p = open_p(0, 300);
    dw_pickup_stats s;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 0);
    ck_assert_uint_eq(s.not_ready, 5);
    ck_assert_uint_eq(s.quarantined, 0);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    dw_pickup_close(p);

    p = open_p(0, 1);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK); /* next() quarantines too, and hands nothing on */
    ck_assert_ptr_null(m);
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 0);
    ck_assert_int_eq(count_entries(".dwpickup/quarantine"), 10); /* 5 files + 5 alert records */
    ck_assert_int_eq(count_entries("."), 0);
    dw_pickup_close(p);

    /* the same through scan, checking each record */
    rel_rm_rf(tmp_root);
    setup();
    n = exchange_file(buf, sizeof buf, mime, sizeof mime, 1234);
    put_file("EX01-1-20240501120000Z.Normal.eml", buf, n, 5);
    put_file("EX01-2-20240501120001Z.High.eml", buf, 40, 5);
    p = open_p(0, 1);
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.quarantined, 2);
    int seen = 0;
    for (size_t i = 0; dw_pickup_quarantined(p, i); i++) {
        const dw_pickup_quarantine *q = dw_pickup_quarantined(p, i);
        if (q->reason == DW_PICKUP_INCOMPLETE) {
            ck_assert_str_eq(q->name, "EX01-1-20240501120000Z.Normal.eml");
            ck_assert_uint_eq(q->mime_expected, sizeof mime);
            ck_assert_uint_eq(q->mime_actual, 1234);
            ck_assert_ptr_nonnull(strstr(q->text, "MIME part of 1234 bytes"));
            seen |= 1;
        } else {
            ck_assert_int_eq(q->reason, DW_PICKUP_TRUNCATED);
            ck_assert_uint_eq(q->file_size, 40);
            seen |= 2;
        }
        dw_alert a;
        ck_assert_int_eq(dw_pickup_quarantine_alert(p, q, &a), DW_OK);
        ck_assert_uint_eq(dw_alert_event_id(&a), 8004);
        char rec[8192];
        ck_assert_int_eq(dw_alert_format(&a, DW_FORMAT_JSON, rec, sizeof rec, NULL), DW_OK);
        ck_assert_ptr_nonnull(strstr(rec, q->moved_to));
        char alert[600];
        snprintf(alert, sizeof alert, ".dwpickup/quarantine/%s.alert.json", q->moved_to);
        ck_assert(exists(alert));
    }
    ck_assert_int_eq(seen, 3);
    ck_assert_ptr_null(dw_pickup_quarantined(p, 2));
    ck_assert_int_eq(dw_pickup_quarantine_alert(p, NULL, NULL), DW_E_INVAL);
    dw_pickup_close(p);
}
END_TEST

/* The header-length reading of X-EndOfInjectedXHeaders: not verifiable, so ready once settled. */
START_TEST(header_length_mode)
{
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, NULL, &e), DW_OK);
    dw_envelope *env;
    ck_assert_int_eq(dw_envelope_new(&env), DW_OK);
    ck_assert_int_eq(dw_envelope_set_sender(env, "a@b", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_add_recipient(env, "c@d", NULL), DW_OK);
    ck_assert_int_eq(dw_envelope_set_eoh_mode(env, DW_EOH_HEADER_LENGTH), DW_OK);
    dw_msg_options mo;
    dw_msg_options_init(&mo);
    mo.envelope = env;
    ck_assert_int_eq(dw_drop_write(d, "Subject: x\r\n\r\nlonger body than header", 38, &mo, NULL, 0, NULL, &e), DW_OK);
    dw_envelope_free(env);
    dw_drop_close(d);
    dw_pickup *p = open_p(60000, 0);
    dw_pickup_stats s;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.not_ready, 1);
    ck_assert_uint_eq(s.quarantined, 0);
    dw_pickup_close(p);
    p = open_p(0, 0);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    dw_pickup_info info;
    dw_pickup_msg_info(m, &info);
    ck_assert_uint_eq(info.mime_size, 38);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    dw_pickup_close(p);
}
END_TEST

/* ---- claims ------------------------------------------------------------------------------------------- */

START_TEST(two_pickers_one_claim)
{
    put_file("one.eml", "body", 4, 10);
    dw_pickup *a = open_p(0, 300), *b = open_p(0, 300);
    dw_io_error e;
    dw_pickup_msg *ma, *mb;
    ck_assert_int_eq(dw_pickup_claim(a, "one.eml", &ma, &e), DW_OK);
    ck_assert_ptr_nonnull(ma);
    ck_assert_int_eq(dw_pickup_claim(b, "one.eml", &mb, &e), DW_OK);
    ck_assert_ptr_null(mb);
    /* b sees a live claim (same host, live pid), not an expired one */
    dw_pickup_stats s;
    ck_assert_int_eq(dw_pickup_scan(b, &s, &e), DW_OK);
    ck_assert_uint_eq(s.claimed, 1);
    ck_assert_uint_eq(s.expired, 0);
    ck_assert_int_eq(dw_pickup_next(b, &mb, &e), DW_OK);
    ck_assert_ptr_null(mb);
    ck_assert_int_eq(dw_pickup_claim(b, "../x.eml", &mb, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_pickup_claim(b, "x.txt", &mb, &e), DW_E_INVAL);
    ck_assert_int_eq(dw_pickup_claim(b, NULL, &mb, &e), DW_E_INVAL);
    /* release: back under its name, and b takes it */
    ck_assert_int_eq(dw_pickup_release(ma, &e), DW_OK);
    ck_assert(exists("one.eml"));
    ck_assert_int_eq(dw_pickup_next(b, &mb, &e), DW_OK);
    ck_assert_ptr_nonnull(mb);
    /* a new file under the same name meanwhile: release picks another message name */
    put_file("one.eml", "yody", 4, 10);
    ck_assert_int_eq(dw_pickup_release(mb, &e), DW_OK);
    ck_assert_int_eq(count_entries("."), 2);
    dw_pickup_stats s2;
    ck_assert_int_eq(dw_pickup_scan(a, &s2, &e), DW_OK);
    ck_assert_uint_eq(s2.ready, 2);
    dw_pickup_close(a);
    dw_pickup_close(b);
}
END_TEST

static void put_claim(const char *orig, const char *host, long pid, int64_t sec, const char *data)
{
    char name[400];
    snprintf(name, sizeof name, ".dwpickup/claimed/%s~%s~%ld~%lld~00c0ffee", orig, host, pid, (long long)sec);
    put_file(name, data, strlen(data), 0);
}

/* The host name a picker writes into its claims, from the platform's: cut at the first dot and at 63 bytes,
 * anything outside [A-Za-z0-9_-] as '_', "localhost" when there is none. The claim tests below read it
 * from the picker, so these rules are pinned here. */
static const char *fake_host;
static int fake_hostname(void *ctx, char *buf, size_t size)
{
    (void)ctx;
    if (!fake_host)
        return -1;
    snprintf(buf, size, "%s", fake_host);
    return 0;
}

START_TEST(host_name_sanitized)
{
    static const struct {
        const char *platform, *host;
    } cases[] = {
        {"gw01.contoso.com", "gw01"},
        {"Mail Gw:1.x", "Mail_Gw_1"},
        {"EX-01_b", "EX-01_b"},
        {"h\xc3\xbc" "b", "h__b"}, /* UTF-8 bytes, one '_' each */
        {"", "localhost"},
        {".local", "localhost"},
        {NULL, "localhost"},     /* the platform call fails */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, /* 90 bytes, cut at 63 */
    };
    dwi_ops o = dwi_default_ops;
    o.hostname = fake_hostname;
    dw_pickup_options po;
    dw_pickup_options_init(&po);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_host = cases[i].platform;
        dw_pickup *p = NULL;
        dw_io_error e;
        ck_assert_int_eq(dwi_pickup_open_ops(&p, dir, &po, &o, NULL, &e), DW_OK);
        ck_assert_msg(strcmp(dwi_pickup_host(p), cases[i].host) == 0, "'%s' -> '%s', not '%s'",
                      cases[i].platform ? cases[i].platform : "(failed)", dwi_pickup_host(p), cases[i].host);
        dw_pickup_close(p);
    }
    fake_host = NULL;
}
END_TEST

START_TEST(expired_claims_taken_over)
{
#ifdef _WIN32
    /* a dead pid on this host: a process that ran and ended (process_alive: OpenProcess/GetExitCodeProcess) */
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    char cmdline[] = "cmd.exe /c exit 0";
    ck_assert(CreateProcessA(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    long child = (long)pi.dwProcessId;
    dw_pickup *p = open_p(0, 300);
    /* this host as the picker names itself (rules: host_name_sanitized), whatever the machine is called */
    const char *host = dwi_pickup_host(p);
    /* our own pid is alive: its claim is not taken over */
    put_claim("mine.eml", host, (long)GetCurrentProcessId(), (int64_t)time(NULL), "mine");
#else
    /* a dead pid on this host (forked before anything is allocated: the child leaks nothing) */
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    waitpid(child, NULL, 0);
    dw_pickup *p = open_p(0, 300);
    const char *host = dwi_pickup_host(p); /* as above */
    put_claim("mine.eml", host, (long)getpid(), (int64_t)time(NULL), "mine");
#endif
    put_claim("dead.eml", host, (long)child, (int64_t)time(NULL), "from a dead picker");
    /* too old, on another host */
    put_claim("old.eml", "otherhost", 1, (int64_t)time(NULL) - 100000, "old");
    /* live: another host, recent */
    put_claim("live.eml", "otherhost", 1, (int64_t)time(NULL), "live");
    /* not a claim name at all: never touched */
    put_file(".dwpickup/claimed/junk", "j", 1, 0);
    dw_pickup_stats s;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.expired, 2);
    ck_assert_uint_eq(s.claimed, 3);
    int got = 0;
    dw_pickup_msg *m;
    while (dw_pickup_next(p, &m, &e) == DW_OK && m) {
        dw_pickup_info info;
        dw_pickup_msg_info(m, &info);
        ck_assert_int_eq(info.redelivered, 1);
        ck_assert(!strcmp(dw_pickup_msg_name(m), "dead.eml") || !strcmp(dw_pickup_msg_name(m), "old.eml"));
        got++;
        ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    }
    ck_assert_int_eq(got, 2);
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 3);
    dw_pickup_close(p);
}
END_TEST

/* A picker whose claim was taken over learns it at ack time. */
START_TEST(ack_after_takeover_fails)
{
    put_file("slow.eml", "body", 4, 10);
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.settle_ms = 0;
    o.claim_ttl_seconds = 0;
    dw_pickup *a, *b;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_open(&a, dir, &o, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_open(&b, dir, &o, &e), DW_OK);
    dw_pickup_msg *ma, *mb;
    ck_assert_int_eq(dw_pickup_next(a, &ma, &e), DW_OK);
    ck_assert_ptr_nonnull(ma);
    sleep(2); /* older than the TTL of 0 seconds */
    ck_assert_int_eq(dw_pickup_next(b, &mb, &e), DW_OK);
    ck_assert_ptr_nonnull(mb);
    ck_assert_int_eq(dw_pickup_ack(ma, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENOENT);
    ck_assert_ptr_nonnull(strstr(e.detail, "took the message over"));
    ck_assert_int_eq(dw_pickup_ack(mb, &e), DW_OK);
    dw_pickup_close(a);
    dw_pickup_close(b);
}
END_TEST

START_TEST(archive_mode)
{
    put_file("keep.eml", "body", 4, 10);
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.settle_ms = 0;
    o.ack_mode = DW_PICKUP_ARCHIVE;
    o.archive_dir = "done";
    dw_pickup *p;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_OK);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert(exists("done/keep.eml"));
    /* the same name again: archived under a tagged name */
    put_file("keep.eml", "yody", 4, 10);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert_int_eq(count_entries("done"), 2);
    dw_pickup_close(p);
    o.archive_dir = NULL;
    put_file("two.eml", "yody", 4, 10);
    ck_assert_int_eq(dw_pickup_open(&p, dir, &o, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert(exists(".dwpickup/archive/two.eml"));
    dw_pickup_close(p);
}
END_TEST

/* ---- the quota ledger --------------------------------------------------------------------------------- */

static unsigned long long ledger_used(void)
{
    char path[400], buf[256] = "";
    snprintf(path, sizeof path, "%s/.dwquota", dir);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
    fclose(f);
    unsigned long long used = 0, inflight = 0;
    ck_assert_int_eq(sscanf(buf, "dwquota2 %llu %llu", &used, &inflight), 2);
    return used;
}

START_TEST(ledger_follows_pickup)
{
    dw_drop_options dopt;
    dw_drop_options_init(&dopt);
    dopt.quota_bytes = 10000;
    dopt.quota_mode = DW_QUOTA_STRICT; /* "would not fit" is the strict rule (Exchange's would write it) */
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, &dopt, &e), DW_OK);
    char body[1000];
    memset(body, 'b', sizeof body);
    for (int i = 0; i < 9; i++)
        ck_assert_int_eq(dw_drop_write(d, body, sizeof body, NULL, NULL, 0, NULL, &e), DW_OK);
    ck_assert_uint_eq(ledger_used(), 9000);
    /* full: a 2000-byte message does not fit */
    char big[2000] = {0};
    ck_assert_int_eq(dw_drop_write(d, big, sizeof big, NULL, NULL, 0, NULL, &e), DW_E_IO);
    dw_pickup *p = open_p(0, 300);
    for (int i = 0; i < 4; i++) {
        dw_pickup_msg *m;
        ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
        ck_assert_ptr_nonnull(m);
        ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    }
    /* the claim took them off the ledger at once */
    ck_assert_uint_eq(ledger_used(), 5000);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_release(m, &e), DW_OK);
    ck_assert_uint_eq(ledger_used(), 5000);
    ck_assert_int_eq(dw_drop_write(d, big, sizeof big, NULL, NULL, 0, NULL, &e), DW_OK);
    ck_assert_uint_eq(ledger_used(), 7000);
    dw_pickup_close(p);
    dw_drop_close(d);
}
END_TEST

/* ---- faults through the seam -------------------------------------------------------------------------- */

static struct {
    int fail_rename, fail_unlink, fail_fsync, fail_open_read, fail_scan;
} faults;

static int f_rename_at(void *c, dwi_fd a, const char *f, dwi_fd b, const char *t)
{
    return faults.fail_rename ? -faults.fail_rename : dwi_default_ops.rename_at(c, a, f, b, t);
}
static int f_unlink(void *c, dwi_fd d, const char *n)
{
    return faults.fail_unlink ? -faults.fail_unlink : dwi_default_ops.unlink(c, d, n);
}
static int f_fsync(void *c, dwi_fd fd, int d)
{
    return faults.fail_fsync ? -faults.fail_fsync : dwi_default_ops.fsync(c, fd, d);
}
static int f_open_read(void *c, dwi_fd d, const char *n)
{
    return faults.fail_open_read ? -faults.fail_open_read : dwi_default_ops.open_read(c, d, n);
}
static int f_dir_open(void *c, dwi_fd d, dwi_dir **o)
{
    return faults.fail_scan ? -faults.fail_scan : dwi_default_ops.dir_open(c, d, o);
}

START_TEST(faults_reported)
{
    int fds = rel_count_fds();
    dwi_ops ops = dwi_default_ops;
    ops.rename_at = f_rename_at;
    ops.unlink = f_unlink;
    ops.fsync = f_fsync;
    ops.open_read = f_open_read;
    ops.dir_open = f_dir_open;
    memset(&faults, 0, sizeof faults);
    put_file("f.eml", "body", 4, 10);
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.settle_ms = 0;
    dw_pickup *p;
    dw_io_error e;
    ck_assert_int_eq(dwi_pickup_open_ops(&p, dir, &o, &ops, NULL, &e), DW_OK);
    dw_pickup_msg *m;
    faults.fail_scan = EIO;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_SCAN);
    faults.fail_scan = 0;
    faults.fail_open_read = EACCES;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_READ);
    ck_assert_int_eq(e.sys_errno, EACCES);
    faults.fail_open_read = EBUSY; /* the writer still holds it (Windows sharing): not ready */
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    faults.fail_open_read = 0;
    faults.fail_rename = EIO;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_RENAME);
    ck_assert(exists("f.eml"));
    faults.fail_rename = 0;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    faults.fail_fsync = EIO;
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_E_IO);
    ck_assert_int_eq(e.op, DW_OP_DIR_FSYNC); /* the claim is removed; only its durability is unknown */
    ck_assert_ptr_nonnull(strstr(e.detail, "removed"));
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 0);
    faults.fail_fsync = 0;
    put_file("g.eml", "body", 4, 10);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    faults.fail_unlink = EROFS;
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, EROFS);
    faults.fail_unlink = 0;
    /* the claim is still there; a release of a new claim fails on rename and says so */
    put_file("h.eml", "body", 4, 10);
    ck_assert_int_eq(dw_pickup_claim(p, "h.eml", &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    faults.fail_rename = ENOSPC;
    ck_assert_int_eq(dw_pickup_release(m, &e), DW_E_IO);
    ck_assert_int_eq(e.sys_errno, ENOSPC);
    faults.fail_rename = 0;
    dw_pickup_close(p);
    /* a table without the pickup operations (another platform's) is refused cleanly */
    ops.open_read = NULL;
    ck_assert_int_eq(dwi_pickup_open_ops(&p, dir, &o, &ops, NULL, &e), DW_E_UNSUPPORTED);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST

/* ---- the file server dies at every step (tests/dead_server.h) ----------------------------------------- */

/* Files in the folder `rel` (relative to the drop directory) whose content is exactly `body`. */
static int copies_in(const char *rel, const char *body)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    size_t want = strlen(body);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char f[1400];
        snprintf(f, sizeof f, "%s/%s", path, de->d_name);
        FILE *fp = fopen(f, "rb");
        if (!fp)
            continue;
        char buf[256];
        size_t got = fread(buf, 1, sizeof buf, fp);
        fclose(fp);
        n += got == want && !memcmp(buf, body, want);
    }
    closedir(d);
    return n;
}

/* One picker's cycle on a server that dies at call `die_at`: take the next message, read it all, then
 * acknowledge it (release it with `release`). Every failure is class remote with EIO, never a quarantine,
 * and the message is never lost: after an acknowledgement that returned DW_OK it is gone, otherwise exactly
 * one copy is left, in the drop directory or as a claim (taken over when the claim expires). */
START_TEST(server_dies_at_every_step)
{
    static const char body[] = "X-Sender: <a@b.example>\r\nX-Receiver: <c@d.example>\r\n"
                               "X-EndOfInjectedXHeaders: 8\r\nSubject:";
    const int release = _i;
    dwi_ops o = dead_ops();
    dw_pickup_options po;
    dw_pickup_options_init(&po);
    po.settle_ms = 0;
    int fds = rel_count_fds();
    int total = 0, failures = 0;
    for (int effect = 0; effect <= 1; effect++) {
        for (int k = 0; k == 0 || k <= total; k++) {
            rel_rm_rf(dir);
            ck_assert_int_eq(mkdir(dir, 0750), 0);
            put_file("m.eml", body, strlen(body), 10);
            dead_reset();
            dw_pickup *p = NULL;
            dw_io_error e;
            ck_assert_int_eq(dwi_pickup_open_ops(&p, dir, &po, &o, NULL, &e), DW_OK);
            dead_arm(k, effect);
            dw_pickup_msg *m = NULL;
            int acked = 0;
            dw_status st = dw_pickup_next(p, &m, &e);
            if (st == DW_OK) {
                ck_assert_msg(m != NULL, "die_at %d effect %d: a dead server looks like an empty directory", k, effect);
                char buf[64];
                size_t got = 1, n = 0;
                while (st == DW_OK && got) {
                    st = dw_pickup_msg_read(m, buf, sizeof buf, &got, &e);
                    n += got;
                }
                if (st == DW_OK)
                    ck_assert_uint_eq(n, 8);
                dw_status st2 = release ? dw_pickup_release(m, &e) : dw_pickup_ack(m, &e);
                acked = st == DW_OK && st2 == DW_OK && !release;
                if (st == DW_OK)
                    st = st2;
            }
            DEAD.armed = 0;
            if (k == 0) {
                ck_assert_msg(st == DW_OK, "on a live server: %s", e.detail);
                total = DEAD.calls;
                ck_assert_int_gt(total, 5);
            } else if (st != DW_OK) {
                failures++;
                ck_assert_int_eq(st, DW_E_IO);
                ck_assert_msg(e.io_class == DW_CLASS_REMOTE && e.sys_errno == EIO,
                              "die_at %d effect %d: op %s class %s errno %d (%s)", k, effect, dw_op_name(e.op),
                              dw_class_name(e.io_class), e.sys_errno, e.detail);
            }
            int left = copies_in(".", body) + copies_in(DWI_PICKUP_DIR "/" DWI_PICKUP_CLAIMED, body);
            ck_assert_msg(copies_in(DWI_PICKUP_DIR "/" DWI_PICKUP_QUARANTINE, body) == 0,
                          "die_at %d effect %d: a good message was quarantined", k, effect);
            if (acked)
                ck_assert_msg(left == 0, "die_at %d effect %d: acknowledged but %d copies left", k, effect, left);
            else if (!release && st != DW_OK && (e.op == DW_OP_UNLINK || e.op == DW_OP_DIR_FSYNC))
                /* a failed acknowledgement: the message was handed on; what is left comes back as a duplicate */
                ck_assert_msg(left <= 1, "die_at %d effect %d: %d copies left", k, effect, left);
            else
                ck_assert_msg(left == 1, "die_at %d effect %d: %d copies left (%s, op %s)", k, effect, left,
                              dw_status_name(st), dw_op_name(e.op));
            dw_pickup_close(p);
            ck_assert_msg(rel_count_fds() == fds, "die_at %d effect %d: a handle leaked", k, effect);
        }
    }
    ck_assert_int_gt(failures, total); /* most moments fail (both passes), and each was checked */
}
END_TEST

/* ---- watching ----------------------------------------------------------------------------------------- */

static void *late_writer(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 200 * 1000000L};
    nanosleep(&ts, NULL);
    dw_drop *d;
    dw_io_error e;
    if (dw_drop_open(&d, dir, NULL, &e) == DW_OK) {
        dw_drop_write(d, "late", 4, NULL, NULL, 0, NULL, &e);
        dw_drop_close(d);
    }
    return NULL;
}

START_TEST(wait_wakes_on_write)
{
    dw_pickup *p = open_p(0, 300);
    dw_io_error e;
#if defined(__linux__) || defined(_WIN32)
    ck_assert_int_eq(dw_pickup_watching(p), 1); /* inotify; ReadDirectoryChangesW */
#endif
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    pthread_t t;
    pthread_create(&t, NULL, late_writer, NULL);
    /* Each wait may last 30 s; woken by the write, the message arrives in well under that on any machine
     * (0.2 s plus one durable write), so "took < 20 s" tells a wake-up from a timed-out wait without a
     * tight bound that a loaded or valgrind run could miss. */
    double t0 = rel_now();
    while (!m && rel_now() - t0 < 60) {
        ck_assert_int_eq(dw_pickup_wait(p, 30000, &e), DW_OK);
        ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    }
    double took = rel_now() - t0;
    pthread_join(t, NULL);
    ck_assert_ptr_nonnull(m);
    ck_assert_msg(took < 20.0, "took %.3f s: the wait was not woken by the write", took);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_wait(NULL, 1, &e), DW_E_INVAL);
    dw_pickup_close(p);
}
END_TEST

/* ---- concurrency -------------------------------------------------------------------------------------- */

#define C_WRITERS 3
#define C_PER_WRITER 150
#define C_TOTAL (C_WRITERS * C_PER_WRITER)

static atomic_int seen[C_TOTAL];
static atomic_int writers_done;

static void *c_writer(void *arg)
{
    int w = (int)(intptr_t)arg;
    dw_drop_options o;
    dw_drop_options_init(&o);
    o.durability = DW_DURABLE_NONE;
    o.quota_bytes = 1u << 30;
    dw_drop *d;
    dw_io_error e;
    ck_assert_int_eq(dw_drop_open(&d, dir, &o, &e), DW_OK);
    dw_envelope *env;
    dw_envelope_new(&env);
    dw_envelope_set_sender(env, "w@x", NULL);
    dw_envelope_add_recipient(env, "r@y", NULL);
    for (int i = 0; i < C_PER_WRITER; i++) {
        char body[64];
        int n = snprintf(body, sizeof body, "id=%d\r\n", w * C_PER_WRITER + i);
        dw_msg_options mo;
        dw_msg_options_init(&mo);
        mo.envelope = env;
        ck_assert_int_eq(dw_drop_write(d, body, (size_t)n, &mo, NULL, 0, NULL, &e), DW_OK);
    }
    dw_envelope_free(env);
    dw_drop_close(d);
    atomic_fetch_add(&writers_done, 1);
    return NULL;
}

static int msg_id(dw_pickup_msg *m)
{
    size_t len;
    char *b = read_all(m, &len);
    int id = -1;
    if (len < 60) {
        b = realloc(b, len + 1);
        b[len] = '\0';
        sscanf(b, "id=%d", &id);
    }
    free(b);
    return id;
}

/* Exchange's partial files among the good ones: written in Exchange's format directly under the final
 * name (short MIME part), then dated back, while the pickers run. None may ever be handed on. */
#define C_PARTIALS 30

static void *c_exchange(void *arg)
{
    (void)arg;
    for (int i = 0; i < C_PARTIALS; i++) {
        char name[64], buf[512];
        snprintf(name, sizeof name, "EX01-%d-20240501120000Z.Normal.eml", 1000 + i);
        int n = snprintf(buf, sizeof buf,
                         "X-sender: <fax@contoso.com>\r\nX-Receiver: <+1555@fax>\r\nX-EndOfInjectedXHeaders: 4000\r\n"
                         "partial=%d\r\n", i);
        put_file(name, buf, (size_t)n, 3600);
    }
    return NULL;
}

static void *c_picker(void *arg)
{
    (void)arg;
    dw_pickup *p = open_p(0, 1);
    dw_io_error e;
    for (;;) {
        dw_pickup_msg *m;
        ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
        if (!m) {
            if (atomic_load(&writers_done) == C_WRITERS) {
                /* one more look after the writers finished */
                ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
                if (!m)
                    break;
            } else {
                dw_pickup_wait(p, 50, &e);
                continue;
            }
        }
        int id = msg_id(m);
        ck_assert(id >= 0 && id < C_TOTAL);
        atomic_fetch_add(&seen[id], 1);
        ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    }
    dw_pickup_close(p);
    return NULL;
}

START_TEST(threads_writers_and_pickers)
{
    for (int i = 0; i < C_TOTAL; i++)
        atomic_store(&seen[i], 0);
    atomic_store(&writers_done, 0);
    /* The writers' ledger exists before the pickers start, as in a running gateway. (A ledger created
     * after a picker's listing is attached at its next listing; what it took in between stays counted,
     * the safe direction, until the next rescan.) */
    dw_drop_options lo;
    dw_drop_options_init(&lo);
    lo.quota_bytes = 1u << 30;
    dw_drop *ledger_holder;
    dw_io_error le;
    ck_assert_int_eq(dw_drop_open(&ledger_holder, dir, &lo, &le), DW_OK);
    pthread_t w[C_WRITERS], pk[3], ex;
    for (int i = 0; i < 3; i++)
        pthread_create(&pk[i], NULL, c_picker, NULL);
    pthread_create(&ex, NULL, c_exchange, NULL);
    for (int i = 0; i < C_WRITERS; i++)
        pthread_create(&w[i], NULL, c_writer, (void *)(intptr_t)i);
    pthread_join(ex, NULL);
    for (int i = 0; i < C_WRITERS; i++)
        pthread_join(w[i], NULL);
    for (int i = 0; i < 3; i++)
        pthread_join(pk[i], NULL);
    for (int i = 0; i < C_TOTAL; i++)
        ck_assert_msg(atomic_load(&seen[i]) == 1, "id %d seen %d times", i, atomic_load(&seen[i]));
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 0);
    /* A partial file a picker saw before it was dated back is quarantined by the next listing. */
    dw_pickup *p = open_p(0, 1);
    dw_io_error e;
    dw_pickup_stats st;
    ck_assert_int_eq(dw_pickup_scan(p, &st, &e), DW_OK);
    ck_assert_uint_eq(st.ready, 0);
    dw_pickup_close(p);
    ck_assert_int_eq(count_entries("."), 0);
    ck_assert_int_eq(count_entries(".dwpickup/quarantine"), 2 * C_PARTIALS);
    ck_assert_uint_eq(ledger_used(), 0);
    dw_drop_close(ledger_holder);
}
END_TEST

/* Processes: a writer process, pickers that log "H <id>" when they hand a message on and "A <id>" after
 * the ack, and a parent that SIGKILLs pickers at random moments and starts new ones. Every id must be
 * handed on at least once; an id handed on twice must have been in the hands of a killed picker (handed
 * on, no ack logged). */
#ifndef _WIN32
#define P_TOTAL 600

static void picker_process(const char *log, unsigned slow_us)
{
    int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
    dw_pickup_options o;
    dw_pickup_options_init(&o);
    o.settle_ms = 0;
    o.durable = 0;
    dw_pickup *p;
    dw_io_error e;
    if (fd < 0 || dw_pickup_open(&p, dir, &o, &e) != DW_OK)
        _exit(3);
    for (;;) {
        dw_pickup_msg *m;
        if (dw_pickup_next(p, &m, &e) != DW_OK)
            _exit(4);
        if (!m) {
            dw_pickup_wait(p, 100, &e);
            continue;
        }
        char line[64];
        int n = snprintf(line, sizeof line, "H %d %ld\n", msg_id(m), (long)getpid());
        if (write(fd, line, (size_t)n) != n)
            _exit(5);
        if (slow_us)
            usleep(slow_us);
        if (dw_pickup_ack(m, &e) != DW_OK)
            _exit(6);
        /* the ack line closes the picker's last hand-on */
        n = snprintf(line, sizeof line, "A %ld\n", (long)getpid());
        if (write(fd, line, (size_t)n) != n)
            _exit(5);
    }
}

START_TEST(processes_killed_pickers)
{
    char log[400];
    snprintf(log, sizeof log, "%s/log", tmp_root);
    pid_t writer = fork();
    if (writer == 0) {
        dw_drop *d;
        dw_io_error e;
        if (dw_drop_open(&d, dir, NULL, &e) != DW_OK)
            _exit(2);
        dw_envelope *env;
        dw_envelope_new(&env);
        dw_envelope_set_sender(env, "w@x", NULL);
        dw_envelope_add_recipient(env, "r@y", NULL);
        for (int i = 0; i < P_TOTAL; i++) {
            char body[64];
            int n = snprintf(body, sizeof body, "id=%d\r\n", i);
            dw_msg_options mo;
            dw_msg_options_init(&mo);
            mo.envelope = env;
            if (dw_drop_write(d, body, (size_t)n, &mo, NULL, 0, NULL, &e) != DW_OK)
                _exit(2);
            if (i % 50 == 0)
                usleep(20000);
        }
        _exit(0);
    }
    enum { NP = 3 };
    pid_t pk[NP];
    for (int i = 0; i < NP; i++)
        if ((pk[i] = fork()) == 0)
            picker_process(log, 2000);
    uint64_t rnd = (uint64_t)getpid();
    int kills = 0;
    double t0 = rel_now();
    int writer_status = -1;
    for (;;) {
        usleep(20000 + (useconds_t)(rel_splitmix(&rnd) % 60000));
        int k = (int)(rel_splitmix(&rnd) % NP);
        kill(pk[k], SIGKILL);
        waitpid(pk[k], NULL, 0);
        kills++;
        if ((pk[k] = fork()) == 0)
            picker_process(log, 2000);
        if (writer_status < 0 && waitpid(writer, &writer_status, WNOHANG) == 0)
            writer_status = -1;
        if (writer_status >= 0 && count_entries(".") == 0 && count_entries(".dwpickup/claimed") == 0)
            break;
        ck_assert_msg(rel_now() - t0 < 120, "pickers did not finish");
    }
    for (int i = 0; i < NP; i++) {
        kill(pk[i], SIGKILL);
        waitpid(pk[i], NULL, 0);
    }
    ck_assert(WIFEXITED(writer_status) && WEXITSTATUS(writer_status) == 0);
    /* read the log: per picker pid, the id it holds between H and A */
    static int handed[P_TOTAL];
    memset(handed, 0, sizeof handed);
    FILE *f = fopen(log, "r");
    ck_assert_ptr_nonnull(f);
    char line[128];
    int unacked = 0, dups = 0;
    struct {
        long pid;
        int id;
    } open_h[4096];
    int n_open = 0;
    while (fgets(line, sizeof line, f)) {
        int id;
        long pid;
        if (sscanf(line, "H %d %ld", &id, &pid) == 2) {
            ck_assert(id >= 0 && id < P_TOTAL);
            if (handed[id]++)
                dups++;
            ck_assert(n_open < 4096);
            open_h[n_open].pid = pid;
            open_h[n_open++].id = id;
        } else if (sscanf(line, "A %ld", &pid) == 1) {
            for (int i = n_open - 1; i >= 0; i--)
                if (open_h[i].pid == pid) {
                    open_h[i] = open_h[--n_open];
                    break;
                }
        }
    }
    fclose(f);
    unacked = n_open; /* handed on by a picker killed before its ack was logged */
    for (int i = 0; i < P_TOTAL; i++)
        ck_assert_msg(handed[i] >= 1, "id %d lost", i);
    /* Each duplicate needs a hand-on without a logged ack (the documented window), and each killed picker
     * held at most one message. */
    ck_assert_msg(dups <= unacked && unacked <= kills, "dups %d unacked %d kills %d", dups, unacked, kills);
    fprintf(stderr, "pickup: %d messages, %d SIGKILLs, %d duplicates (%d in-hand at a kill)\n", P_TOTAL, kills, dups,
            unacked);
}
END_TEST
#else
START_TEST(processes_killed_pickers)
{
    NOT_ON_WINDOWS("pickers as forked processes killed with SIGKILL");
}
END_TEST

/* A file the writer still holds without sharing (Exchange's FileShare.None; here a real second handle)
 * is never handed on, nor quarantined while held, however old and complete it looks; once closed it is. */
START_TEST(sharing_violation_not_ready)
{
    char buf[4096];
    const char mime[] = "Subject: held\r\n\r\nstill writing\r\n";
    size_t n = exchange_file(buf, sizeof buf, mime, sizeof mime - 1, sizeof mime - 1);
    put_file("EX01-9-20240501120000Z.Normal.eml", buf, n, 3600);
    put_file("EX01-8-20240501120000Z.Normal.eml", buf, 40, 3600); /* short, and held too */
    char path[600], path2[600];
    snprintf(path, sizeof path, "%s/EX01-9-20240501120000Z.Normal.eml", dir);
    snprintf(path2, sizeof path2, "%s/EX01-8-20240501120000Z.Normal.eml", dir);
    int fds = rel_count_fds();
    HANDLE h = CreateFileA(path, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    HANDLE h2 = CreateFileA(path2, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert(h != INVALID_HANDLE_VALUE && h2 != INVALID_HANDLE_VALUE);
    dw_pickup *p = open_p(0, 1);
    dw_pickup_stats s;
    dw_io_error e;
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.ready, 0);
    ck_assert_uint_eq(s.not_ready, 2);
    ck_assert_uint_eq(s.quarantined, 0);
    dw_pickup_msg *m;
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    ck_assert_int_eq(dw_pickup_claim(p, "EX01-9-20240501120000Z.Normal.eml", &m, &e), DW_OK);
    ck_assert_ptr_null(m);
    ck_assert(exists("EX01-9-20240501120000Z.Normal.eml") && exists("EX01-8-20240501120000Z.Normal.eml"));
    ck_assert_int_eq(count_entries(".dwpickup/claimed"), 0);
    /* the writer closes: handed on (the complete one), quarantined (the short one) */
    CloseHandle(h);
    CloseHandle(h2);
    ck_assert_int_eq(dw_pickup_next(p, &m, &e), DW_OK);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(dw_pickup_msg_name(m), "EX01-9-20240501120000Z.Normal.eml");
    size_t len;
    char *got = read_all(m, &len);
    ck_assert_uint_eq(len, sizeof mime - 1);
    ck_assert(memcmp(got, mime, len) == 0);
    free(got);
    ck_assert_int_eq(dw_pickup_ack(m, &e), DW_OK);
    ck_assert_int_eq(dw_pickup_scan(p, &s, &e), DW_OK);
    ck_assert_uint_eq(s.quarantined, 1);
    ck_assert_int_eq(count_entries("."), 0);
    ck_assert_int_eq(count_entries(".dwpickup/quarantine"), 2); /* the file and its alert record */
    /* the seam reports the native code: ERROR_SHARING_VIOLATION, whose errno is EBUSY */
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    ck_assert(h != INVALID_HANDLE_VALUE);
    dwi_fd d = dwi_default_ops.open_dir(NULL, dir);
    ck_assert_int_ge(d, 0);
    int rc = dwi_default_ops.open_read(NULL, d, "EX01-9-20240501120000Z.Normal.eml");
    ck_assert(dwi_err_is_win32(rc));
    ck_assert_uint_eq(dwi_err_native(rc), ERROR_SHARING_VIOLATION);
    ck_assert_int_eq(dwi_err_errno(rc), EBUSY);
    CloseHandle(h);
    rc = dwi_default_ops.open_read(NULL, d, "EX01-9-20240501120000Z.Normal.eml");
    ck_assert_int_ge(rc, 0);
    dwi_default_ops.close(NULL, rc);
    dwi_default_ops.close(NULL, d);
    dw_pickup_close(p);
    ck_assert_int_eq(rel_count_fds(), fds);
}
END_TEST
#endif

static Suite *pickup_suite(void)
{
    Suite *s = suite_create("pickup");
    TCase *tc = tcase_create("pickup");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 180);
    tcase_add_test(tc, parse_ok_case_insensitive);
    tcase_add_test(tc, parse_every_cut);
    tcase_add_test(tc, parse_none_and_malformed);
    tcase_add_test(tc, claim_name_parse);
    tcase_add_test(tc, open_rejects_bad_input);
    tcase_add_test(tc, roundtrip_guarded_write);
    tcase_add_test(tc, order_and_skips);
    tcase_add_test(tc, settling_and_require_envelope);
    tcase_add_test(tc, exchange_complete_ready_at_once);
    tcase_add_test(tc, exchange_partial_quarantined);
    tcase_add_test(tc, header_length_mode);
    tcase_add_test(tc, two_pickers_one_claim);
    tcase_add_test(tc, host_name_sanitized);
    tcase_add_test(tc, expired_claims_taken_over);
    tcase_add_test(tc, ack_after_takeover_fails);
    tcase_add_test(tc, archive_mode);
    tcase_add_test(tc, ledger_follows_pickup);
    tcase_add_test(tc, faults_reported);
    tcase_add_loop_test(tc, server_dies_at_every_step, 0, 2);
    tcase_add_test(tc, wait_wakes_on_write);
    tcase_add_test(tc, threads_writers_and_pickers);
    tcase_add_test(tc, processes_killed_pickers);
#ifdef _WIN32
    tcase_add_test(tc, sharing_violation_not_ready);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pickup_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
