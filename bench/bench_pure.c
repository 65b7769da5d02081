/* SPDX-License-Identifier: MIT */
/*
 * bench_pure.c - pure functions: DropDirectory validation, path resolution, errno classification and
 * alert formatting, each against a naive baseline written here, plus heap-allocation counts.
 */
#include <config.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dropwatch.h"
#include "bench.h"

/* Results land here so the compiler cannot drop the work. */
static volatile size_t sink;

/* ---- the name corpus: a mix of valid and invalid DropDirectory values -------------------------------- */

static char long_ok[201];   /* 200 ASCII characters: valid */
static char long_bad[257];  /* 256 ASCII characters: too long */
static char long_utf8[601]; /* 200 × U+00E9 (2 bytes each): valid, 400 bytes */

const char *const bench_names[] = {
    /* valid */
    "Drop", "Pickup", "DropDirectory", "foreign-connector-01", "Fax_Gateway", "drop.dir", "%2e%2e",
    "\xc3\x9c" "n" "\xc3\xaf" "c" "\xc3\xb6" "d" "\xc3\xa9" "-Drop", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "mail-\xf0\x9f\x93\xac",
    "a", "CONSOLE", "COM10", "LPT", "con-drop", "CLOCK$", "Drop Directory (Fax)", "v1.2.3", long_ok, long_utf8,
    /* invalid */
    "", "   ", "a/b", "a\\b", "C:", "C:foo", "\\\\server\\share", "\\\\?\\C:\\x", "\\Drop", "..", "...", ". .",
    "bad<name", "bad|pipe", "name:stream", "tab\there", "Drop.", "Drop ", "CON", "nul.txt", "COM1.log",
    "LPT\xc2\xb2", "CON .txt", "CONIN$", long_bad, "full\xef\xbc\x8fwidth", "div\xe2\x88\x95slash",
    /* invalid UTF-8: an overlong '/', an encoded surrogate */
    "over\xc0\xaflong", "sur\xed\xa0\x80rogate",
};
const size_t bench_names_count = sizeof bench_names / sizeof bench_names[0];
size_t bench_names_len[sizeof bench_names / sizeof bench_names[0]];

/* Index of the first name that is not valid UTF-8 (they are last). */
#define BENCH_NAMES_UTF8 (sizeof bench_names / sizeof bench_names[0] - 2)

static void corpus_init(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    memset(long_ok, 'd', 200);
    memset(long_bad, 'e', 256);
    for (int i = 0; i < 200; i++) {
        long_utf8[2 * i] = (char)0xc3;
        long_utf8[2 * i + 1] = (char)0xa9;
    }
    for (size_t i = 0; i < bench_names_count; i++)
        bench_names_len[i] = strlen(bench_names[i]);
}

size_t bench_names_utf8_count(void)
{
    return BENCH_NAMES_UTF8;
}

/* ---- naive baselines ----------------------------------------------------------------------------------- */

/* What a hurried caller writes: non-empty and none of the obviously bad characters. */
__attribute__((noinline)) static int naive_validate(const char *name)
{
    size_t len = strlen(name);
    return len > 0 && strcspn(name, "<>:\"|?*\\/") == len;
}

__attribute__((noinline)) static int naive_join(const char *root, const char *name, char *buf, size_t size)
{
    return snprintf(buf, size, "%s\\%s", root ? root : "C:\\Program Files\\Microsoft\\Exchange Server\\", name);
}

/* A naive classifier: the handful of errno values people remember. */
__attribute__((noinline)) static int naive_classify(int e)
{
    switch (e) {
    case 0:
        return 0;
    case EIO:
        return 1;
    case EROFS:
    case EUCLEAN:
        return 2;
    case EINTR:
    case EAGAIN:
    case EBUSY:
        return 3;
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        return 4;
    case EACCES:
    case EPERM:
        return 5;
    case ENOENT:
    case ENOTDIR:
    case ELOOP:
        return 6;
    case ESTALE:
    case ETIMEDOUT:
    case EHOSTDOWN:
        return 7;
    default:
        return 1;
    }
}

/* ---- a timed round ---------------------------------------------------------------------------------------- */

typedef void (*pure_fn)(size_t iters);

/*
 * Pure functions are timed in this thread's CPU time, not wall time: on a shared machine the wall clock
 * also counts the time other processes held the core, which says nothing about the function.
 */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ns per operation of fn(iters) where one iteration performs `ops` operations. */
static double time_ns(pure_fn fn, size_t iters, size_t ops)
{
    double t0 = cpu_now();
    fn(iters);
    double t1 = cpu_now();
    return (t1 - t0) * 1e9 / ((double)iters * (double)ops);
}

/* Iterations so that one round of fn takes about bench_cfg.pure_ms. */
static size_t calibrate(pure_fn fn, size_t ops)
{
    size_t iters = 1;
    for (;;) {
        double t0 = cpu_now();
        fn(iters);
        double dt = cpu_now() - t0;
        if (dt * 1e3 >= bench_cfg.pure_ms / 4 || iters > ((size_t)1 << 40))
            return (size_t)((double)iters * (bench_cfg.pure_ms / 1e3) / (dt > 0 ? dt : 1e-9)) + 1;
        iters *= 4;
        (void)ops;
    }
}

/*
 * Alternate library and baseline rounds and add a row (lower ns is better). The iteration count of each
 * side is calibrated separately so both rounds take about the same wall time.
 */
static void pure_pair(const char *what, pure_fn lib, pure_fn base, size_t ops, const char *base_name,
                      int target_kind, double target, const char *note, double *lib_med_out)
{
    unsigned rounds = bench_cfg.rounds < 3 ? 3 : bench_cfg.rounds;
    if (rounds > 64)
        rounds = 64;
    size_t li = calibrate(lib, ops), bi = calibrate(base, ops);
    double l[64], b[64];
    for (unsigned r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
            l[r] = time_ns(lib, li, ops);
            b[r] = time_ns(base, bi, ops);
        } else {
            b[r] = time_ns(base, bi, ops);
            l[r] = time_ns(lib, li, ops);
        }
    }
    bench_row_pair("5. Pure functions", "— (CPU only)", what, "ns/op (CPU)", BENCH_LOWER_BETTER, l, b, rounds, base_name,
                   target_kind, target, note);
    if (lib_med_out != NULL)
        *lib_med_out = bench_median(l, rounds);
}

/* ---- validation ------------------------------------------------------------------------------------------- */

static size_t validate_count = sizeof bench_names / sizeof bench_names[0];
/* The names validated by lib_validate/base_validate: the whole corpus or a subset of it. */
static const char *vnames[sizeof bench_names / sizeof bench_names[0]];

static void select_names(size_t max_len, int utf8_only)
{
    validate_count = 0;
    size_t n = utf8_only ? BENCH_NAMES_UTF8 : bench_names_count;
    for (size_t i = 0; i < n; i++)
        if (bench_names_len[i] <= max_len)
            vnames[validate_count++] = bench_names[i];
}

static void lib_validate(size_t iters)
{
    size_t acc = 0;
    dw_name_check c;
    for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < validate_count; i++)
            acc += (size_t)dw_name_validate(vnames[i], &c) + c.reason;
    sink += acc;
}

static void base_validate(size_t iters)
{
    size_t acc = 0;
    for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < validate_count; i++)
            acc += (size_t)naive_validate(vnames[i]);
    sink += acc;
}

/* ---- resolution --------------------------------------------------------------------------------------------- */

static const char *const roots[] = {
    "D:\\Exchange\\", "C:\\Program Files\\Microsoft\\Exchange Server\\", "\\\\fileserver\\share\\drops",
    "/var/spool/exchange", NULL, "\\\\?\\D:\\long\\form", "relative\\path", "C:foo", "D:\\a\\..\\b",
};
#define NROOTS (sizeof roots / sizeof roots[0])
static const char *const res_names[] = {
    "Drop", "foreign-connector-01", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "a/b", "CON", "..", "Drop.",
};
#define NRES_NAMES (sizeof res_names / sizeof res_names[0])

static void lib_resolve(size_t iters)
{
    size_t acc = 0;
    char buf[1024];
    size_t needed;
    dw_resolve_info info;
    for (size_t it = 0; it < iters; it++)
        for (size_t r = 0; r < NROOTS; r++)
            for (size_t n = 0; n < NRES_NAMES; n++)
                acc += (size_t)dw_path_resolve(roots[r], res_names[n], NULL, buf, sizeof buf, &needed, &info) +
                       needed + (unsigned char)buf[0];
    sink += acc;
}

static void base_resolve(size_t iters)
{
    size_t acc = 0;
    char buf[1024];
    for (size_t it = 0; it < iters; it++)
        for (size_t r = 0; r < NROOTS; r++)
            for (size_t n = 0; n < NRES_NAMES; n++)
                acc += (size_t)naive_join(roots[r], res_names[n], buf, sizeof buf) + (unsigned char)buf[0];
    sink += acc;
}

/* ---- classification ------------------------------------------------------------------------------------------ */

#define NERRNO 134

static void lib_classify(size_t iters)
{
    size_t acc = 0;
    for (size_t it = 0; it < iters; it++)
        for (int e = 0; e < NERRNO; e++)
            acc += (size_t)dw_class_from_errno(e);
    sink += acc;
}

static void base_classify(size_t iters)
{
    size_t acc = 0;
    for (size_t it = 0; it < iters; it++)
        for (int e = 0; e < NERRNO; e++)
            acc += (size_t)naive_classify(e);
    sink += acc;
}

static const int set_errnos[] = {EIO, ENOSPC, EACCES, ENOENT, EINTR, EROFS, ESTALE, EDQUOT};
#define NSET (sizeof set_errnos / sizeof set_errnos[0])
static const char set_path[] = "/var/spool/exchange/Drop/.dwtmp-20260101T000000-1234-1-abcdef.tmp";

static void lib_io_error_set(size_t iters)
{
    size_t acc = 0;
    dw_io_error err;
    for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < NSET; i++) {
            dw_io_error_set(&err, DW_OP_FSYNC, set_errnos[i], 0, set_path);
            acc += err.io_class + err.win32 + (size_t)err.retryable;
        }
    sink += acc;
}

static void base_io_error_set(size_t iters)
{
    size_t acc = 0;
    dw_io_error err;
    for (size_t it = 0; it < iters; it++)
        for (size_t i = 0; i < NSET; i++) {
            /* The same struct filled by hand: clear, classify, copy the path. */
            memset(&err, 0, sizeof err);
            err.sys_errno = set_errnos[i];
            err.io_class = (dw_class)naive_classify(set_errnos[i]);
            snprintf(err.path, sizeof err.path, "%s", set_path);
            acc += err.io_class + (size_t)err.path[0];
            __asm__ volatile("" : : "r"(&err) : "memory");
        }
    sink += acc;
}

/* ---- alert formatting ------------------------------------------------------------------------------------------ */

static dw_alert alert;
static dw_format alert_format;
static char alert_buf[65536];

static void alert_init(void)
{
    dw_alert_init(&alert);
    alert.connector = "Fax Gateway \"Contoso\"";
    alert.drop_path = "D:\\Exchange\\Drop\\Fax";
    alert.root = "D:\\Exchange\\";
    alert.drop_dir = "Fax";
    alert.computer = "EX01.contoso.local";
    alert.exception_text = "The process cannot access the file because it is being used by another process.\r\n"
                           "   at System.IO.__Error.WinIOError(Int32 errorCode, String maybeFullPath)";
    dw_io_error_set(&alert.error, DW_OP_RENAME, ENOSPC, 0, "D:\\Exchange\\Drop\\Fax\\msg.eml");
    alert.time_ms = 1764000000000LL;
    alert.record_id = 4242;
    alert.has_record_id = 1;
}

static void lib_alert(size_t iters)
{
    size_t acc = 0, needed;
    for (size_t it = 0; it < iters; it++)
        acc += (size_t)dw_alert_format(&alert, alert_format, alert_buf, sizeof alert_buf, &needed) + needed;
    sink += acc;
}

/* A JSON line with the same fields and no escaping at all: the cost floor of producing the text. */
static void base_alert(size_t iters)
{
    size_t acc = 0;
    for (size_t it = 0; it < iters; it++)
        acc += (size_t)snprintf(alert_buf, sizeof alert_buf,
                                "{\"EventID\":8004,\"Computer\":\"%s\",\"RecordID\":%llu,\"TimeMs\":%lld,"
                                "\"Connector\":\"%s\",\"DropPath\":\"%s\",\"Root\":\"%s\",\"DropDirectory\":\"%s\","
                                "\"Exception\":\"%s\",\"Class\":%d,\"Op\":%d,\"Errno\":%d,\"Path\":\"%s\"}\n",
                                alert.computer, (unsigned long long)alert.record_id, (long long)alert.time_ms,
                                alert.connector, alert.drop_path, alert.root, alert.drop_dir, alert.exception_text,
                                (int)alert.error.io_class, (int)alert.error.op, alert.error.sys_errno,
                                alert.error.path);
    sink += acc;
}

/* ---- allocation counts ------------------------------------------------------------------------------------------ */

static void alloc_row(const char *what, pure_fn fn, size_t iters, size_t ops, int must_be_zero)
{
    if (!bench_alloc_supported()) {
        bench_row_text("5. Pure functions", "— (CPU only)", what, "allocs/call", "n/a", "—", "—", NULL,
                       must_be_zero ? "0" : "—", "n/a", "allocation counting compiled out (sanitizer or non-glibc)");
        return;
    }
    bench_alloc_start();
    fn(iters);
    uint64_t a = bench_alloc_stop();
    char v[64], note[128];
    snprintf(v, sizeof v, "%llu in %zu calls", (unsigned long long)a, iters * ops);
    snprintf(note, sizeof note, "malloc/calloc/realloc/aligned calls counted by interposition");
    bench_row_text("5. Pure functions", "— (CPU only)", what, "heap allocations", v, "—", "—", NULL,
                   must_be_zero ? "0" : "—", must_be_zero ? (a == 0 ? "PASS" : "FAIL") : "info", note);
}

/* ---- entry points ------------------------------------------------------------------------------------------------ */

void bench_pure(void)
{
    corpus_init();
    char note[200];
    size_t valid = 0;
    for (size_t i = 0; i < bench_names_count; i++)
        valid += dw_name_validate(bench_names[i], NULL) == DW_OK;
    size_t bytes = 0;
    for (size_t i = 0; i < bench_names_count; i++)
        bytes += bench_names_len[i];
    select_names((size_t)-1, 0);
    snprintf(note, sizeof note,
             "%zu names, %zu bytes: %zu valid by the library, %zu invalid (mixed reasons, 2 bad UTF-8); "
             "3 names of 200-400 bytes",
             bench_names_count, bytes, valid, bench_names_count - valid);
    pure_pair("dw_name_validate, mixed names (whole corpus)", lib_validate, base_validate, validate_count,
              "naive strlen+strcspn scan", 2, 100, note, NULL);
    select_names(32, 0);
    bytes = 0;
    for (size_t i = 0; i < validate_count; i++)
        bytes += strlen(vnames[i]);
    snprintf(note, sizeof note, "the %zu corpus names of at most 32 bytes (%zu bytes in all)", validate_count, bytes);
    pure_pair("dw_name_validate, short names (≤ 32 bytes)", lib_validate, base_validate, validate_count,
              "naive strlen+strcspn scan", 2, 100, note, NULL);
    select_names((size_t)-1, 0);
    snprintf(note, sizeof note, "%zu roots (incl. blank and 3 invalid) × %zu names", NROOTS, NRES_NAMES);
    pure_pair("dw_path_resolve", lib_resolve, base_resolve, NROOTS * NRES_NAMES, "snprintf(\"%s\\\\%s\") join", 0, 0,
              note, NULL);
    pure_pair("dw_class_from_errno, errno 0–133", lib_classify, base_classify, NERRNO, "switch on 16 errno values", 0,
              0, NULL, NULL);
    pure_pair("dw_io_error_set", lib_io_error_set, base_io_error_set, NSET, "memset+classify+snprintf path", 0, 0,
              "fills the 4.4 KB dw_io_error", NULL);
    alert_init();
    for (int f = 0; f < DW_FORMAT_COUNT; f++) {
        alert_format = (dw_format)f;
        size_t needed = 0;
        dw_status st = dw_alert_format(&alert, alert_format, alert_buf, sizeof alert_buf, &needed);
        char what[96];
        snprintf(what, sizeof what, "dw_alert_format %s", dw_format_name(alert_format) ? dw_format_name(alert_format) : "?");
        if (st != DW_OK) {
            snprintf(note, sizeof note, "dw_alert_format returned %s", dw_status_name(st));
            bench_row_text("5. Pure functions", "— (CPU only)", what, "ns/record", "n/a", "snprintf JSON line", "n/a",
                           NULL, f == DW_FORMAT_JSON ? "≤ 2000 ns/op" : "—", "n/a", note);
            continue;
        }
        double med = NAN;
        snprintf(note, sizeof note, "%zu-byte record; ns/op = ns/record", needed - 1);
        pure_pair(what, lib_alert, base_alert, 1, "snprintf JSON line, no escaping", f == DW_FORMAT_JSON ? 2 : 0, 2000,
                  note, &med);
        char v[64];
        snprintf(v, sizeof v, "%.0f", 1e9 / med);
        snprintf(what, sizeof what, "dw_alert_format %s throughput", dw_format_name(alert_format));
        bench_row_text("5. Pure functions", "— (CPU only)", what, "records/s", v, NULL, NULL, NULL, NULL, "info",
                       "from the median ns/record above");
    }
    select_names((size_t)-1, 0);
    alloc_row("dw_name_validate: heap allocations", lib_validate, 1000, bench_names_count, 1);
    alloc_row("dw_path_resolve: heap allocations", lib_resolve, 1000, NROOTS * NRES_NAMES, 1);
    alloc_row("dw_class_from_errno: heap allocations", lib_classify, 100, NERRNO, 1);
    alert_format = DW_FORMAT_JSON;
    alloc_row("dw_alert_format json (caller buffer): heap allocations", lib_alert, 1000, 1, 0);
}

/* For the Python benchmark: ns per name of dw_name_validate over the (UTF-8-only) corpus, one round. */
double bench_validate_ns(int utf8_only, double ms)
{
    corpus_init();
    select_names((size_t)-1, utf8_only);
    double saved = bench_cfg.pure_ms;
    bench_cfg.pure_ms = ms;
    size_t it = calibrate(lib_validate, validate_count);
    double ns = time_ns(lib_validate, it, validate_count);
    bench_cfg.pure_ms = saved;
    return ns;
}

/* Print the corpus, one hex-encoded name per line (names may hold any byte). */
void bench_dump_names(int utf8_only)
{
    corpus_init();
    size_t n = utf8_only ? BENCH_NAMES_UTF8 : bench_names_count;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < bench_names_len[i]; j++)
            printf("%02x", (unsigned char)bench_names[i][j]);
        putchar('\n');
    }
}
