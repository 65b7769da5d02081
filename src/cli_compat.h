/* SPDX-License-Identifier: MIT */
/* The few POSIX calls the CLI uses that Windows (mingw-w64's C runtime) lacks, mapped to their Windows
 * equivalents (src/cli_win32.c). Included by cli.h after the system headers of each file. */
#ifndef DW_CLI_COMPAT_H
#define DW_CLI_COMPAT_H

#ifdef _WIN32
#include <direct.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

/* The NetBIOS computer name (what Exchange puts in its file names). */
int cli_win_gethostname(char *buf, size_t size);
#define gethostname(b, n) cli_win_gethostname((b), (n))
#define timegm _mkgmtime
static inline struct tm *cli_gmtime_r(const time_t *t, struct tm *tm)
{
    return gmtime_s(tm, t) == 0 ? tm : NULL;
}
#define gmtime_r cli_gmtime_r
ssize_t cli_getline(char **line, size_t *cap, FILE *f);
#define getline cli_getline
char *cli_mkdtemp(char *tmpl);
#define mkdtemp cli_mkdtemp
#ifndef O_CLOEXEC
#define O_CLOEXEC O_NOINHERIT
#endif
/* Clocks and sleep without libwinpthread (whose DLL would have to ship beside dropwatch.exe). */
int cli_clock_gettime(int clock, struct timespec *ts);
#define clock_gettime cli_clock_gettime
int cli_nanosleep(const struct timespec *req, struct timespec *rem);
#define nanosleep cli_nanosleep
/* Binary standard streams (messages and records are bytes, never CRLF-translated), and the arguments
 * as UTF-8 (from the UTF-16 command line; the C runtime's argv is in the ANSI code page). */
void cli_win_init(int *argc, char ***argv);
#define cli_mkdir(p) _mkdir(p)
#else
#define cli_win_init(argc, argv) ((void)(argc), (void)(argv))
#define cli_mkdir(p) mkdir((p), 0750)
#endif

#endif /* DW_CLI_COMPAT_H */
