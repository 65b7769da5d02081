/* SPDX-License-Identifier: MIT */
/* Windows versions of the POSIX helpers the CLI uses (src/cli_compat.h). Built only for Windows. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <bcrypt.h>
#include <shellapi.h>

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_win_gethostname(char *buf, size_t size)
{
    wchar_t w[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = MAX_COMPUTERNAME_LENGTH + 1;
    if (size == 0 || !GetComputerNameExW(ComputerNameNetBIOS, w, &n))
        return -1;
    int k = WideCharToMultiByte(CP_UTF8, 0, w, (int)n, buf, (int)(size - 1), NULL, NULL);
    if (k <= 0)
        return -1;
    buf[k] = '\0';
    return 0;
}

ssize_t cli_getline(char **line, size_t *cap, FILE *f)
{
    size_t n = 0;
    int c;
    if (!*line || *cap < 2) {
        char *p = realloc(*line, 128);
        if (!p)
            return -1;
        *line = p;
        *cap = 128;
    }
    while ((c = getc(f)) != EOF) {
        if (n + 2 > *cap) {
            char *p = realloc(*line, *cap * 2);
            if (!p)
                return -1;
            *line = p;
            *cap *= 2;
        }
        (*line)[n++] = (char)c;
        if (c == '\n')
            break;
    }
    if (n == 0 && c == EOF)
        return -1;
    (*line)[n] = '\0';
    return (ssize_t)n;
}

char *cli_mkdtemp(char *tmpl)
{
    size_t n = strlen(tmpl);
    if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return NULL;
    }
    static const char set[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (BCryptGenRandom(NULL, r, sizeof r, BCRYPT_USE_SYSTEM_PREFERRED_RNG) < 0) {
            errno = EIO;
            return NULL;
        }
        for (int i = 0; i < 6; i++)
            tmpl[n - 6 + i] = set[r[i] % (sizeof set - 1)];
        if (CreateDirectoryA(tmpl, NULL))
            return tmpl;
        if (GetLastError() != ERROR_ALREADY_EXISTS) {
            errno = EACCES;
            return NULL;
        }
    }
    errno = EEXIST;
    return NULL;
}

void cli_win_init(int *argc, char ***argv)
{
    int n = 0;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    if (wargv && n > 0) {
        /* Kept for the life of the process, like the C runtime's own argv. */
        char **out = calloc((size_t)n + 1, sizeof *out);
        int ok = out != NULL;
        for (int i = 0; ok && i < n; i++) {
            int k = WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, NULL, 0, NULL, NULL);
            out[i] = k > 0 ? malloc((size_t)k) : NULL;
            ok = out[i] && WideCharToMultiByte(CP_UTF8, 0, wargv[i], -1, out[i], k, NULL, NULL) == k;
        }
        if (ok) {
            *argc = n;
            *argv = out;
        }
        LocalFree(wargv);
    }
    _setmode(_fileno(stdin), _O_BINARY);
    _setmode(_fileno(stdout), _O_BINARY);
    _setmode(_fileno(stderr), _O_BINARY);
}

int cli_clock_gettime(int clock, struct timespec *ts)
{
    if (clock == CLOCK_MONOTONIC) {
        LARGE_INTEGER c, f;
        QueryPerformanceCounter(&c);
        QueryPerformanceFrequency(&f);
        ts->tv_sec = (time_t)(c.QuadPart / f.QuadPart);
        ts->tv_nsec = (long)((c.QuadPart % f.QuadPart) * 1000000000LL / f.QuadPart);
        return 0;
    }
    FILETIME ft;
    GetSystemTimePreciseAsFileTime(&ft);
    long long t = (long long)(((unsigned long long)ft.dwHighDateTime << 32) | ft.dwLowDateTime) - 116444736000000000LL;
    ts->tv_sec = (time_t)(t / 10000000);
    ts->tv_nsec = (long)(t % 10000000) * 100;
    return 0;
}

int cli_nanosleep(const struct timespec *req, struct timespec *rem)
{
    /* Sleep is not cut short by a signal on Windows: sleep in slices so Ctrl-C still stops promptly. */
    long long ms = (long long)req->tv_sec * 1000 + req->tv_nsec / 1000000;
    while (ms > 0) {
        DWORD slice = ms > 200 ? 200 : (DWORD)ms;
        Sleep(slice);
        ms -= slice;
        if (ms > 0 && rem) {
            rem->tv_sec = (time_t)(ms / 1000);
            rem->tv_nsec = (long)(ms % 1000) * 1000000;
            errno = EINTR;
            return -1; /* the caller's loop checks its stop flag, then sleeps the rest */
        }
    }
    if (rem) {
        rem->tv_sec = 0;
        rem->tv_nsec = 0;
    }
    return 0;
}
