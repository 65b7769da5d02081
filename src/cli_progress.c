/* SPDX-License-Identifier: MIT */
/* The progress line of deliver and sweep. It lives on the terminal's last line and is redrawn with a
 * carriage return, padded with blanks instead of terminal escapes (any terminal, even TERM=dumb).
 * Records on standard output and messages on standard error must not land in the middle of it: while the
 * line is shown both streams are fully buffered, and each redraw first erases the line, flushes them
 * (they appear on clean lines above), then draws it again. */
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_progress.h"

/* Redraw at most this often; the first finished item is always shown, so a short run still gets a rate. */
#define PROGRESS_INTERVAL_S 0.25

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void put_raw(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(STDERR_FILENO, s, n);
        if (k <= 0)
            return; /* a progress line is never worth an error */
        s += k;
        n -= (size_t)k;
    }
}

static void erase(cli_progress *p)
{
    if (p->width == 0)
        return;
    char blank[256];
    size_t n = p->width < sizeof blank - 2 ? p->width : sizeof blank - 2;
    blank[0] = '\r';
    memset(blank + 1, ' ', n);
    blank[n + 1] = '\r';
    put_raw(blank, n + 2);
    p->width = 0;
}

void cli_progress_begin(cli_progress *p, const cli_ctx *ctx, const char *unit, uint64_t total)
{
    memset(p, 0, sizeof *p);
    p->cmd = ctx->cmd ? ctx->cmd : "dropwatch";
    p->unit = unit;
    p->total = total;
    p->on = total > 1 && ctx->verbose >= 0 && isatty(STDERR_FILENO);
    if (!p->on)
        return;
    p->t0 = mono_s();
    fflush(stdout);
    fflush(stderr);
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
    setvbuf(stderr, NULL, _IOFBF, BUFSIZ);
}

static void fmt_duration(char *buf, size_t size, double s)
{
    unsigned long t = s < 0 ? 0 : s > 359999 ? 359999 : (unsigned long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, size, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, size, "%lu:%02lu", t / 60, t % 60);
}

void cli_progress_update(cli_progress *p, uint64_t done, uint64_t bytes)
{
    if (!p->on)
        return;
    double now = mono_s();
    if (p->drawn && done != 1 && now - p->last < PROGRESS_INTERVAL_S)
        return;
    char line[200];
    int n = snprintf(line, sizeof line, "dropwatch %s: %llu/%llu %s (%u%%)", p->cmd, (unsigned long long)done,
                     (unsigned long long)p->total, p->unit, (unsigned)(done * 100 / p->total));
    double el = now - p->t0;
    if (done > 0 && el > 0 && n > 0 && (size_t)n < sizeof line) {
        double rate = (double)done / el;
        char eta[32];
        fmt_duration(eta, sizeof eta, (double)(p->total - done) / rate);
        n += snprintf(line + n, sizeof line - (size_t)n, ", %.1f %s/s", rate, p->unit);
        if (bytes && (size_t)n < sizeof line) {
            static const char *const units[] = {"B", "KiB", "MiB", "GiB"};
            double br = (double)bytes / el;
            int u = 0;
            while (br >= 1024 && u < 3) {
                br /= 1024;
                u++;
            }
            n += snprintf(line + n, sizeof line - (size_t)n, ", %.1f %s/s", br, units[u]);
        }
        if ((size_t)n < sizeof line)
            n += snprintf(line + n, sizeof line - (size_t)n, ", ETA %s", eta);
    }
    if (n < 0)
        return;
    size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
    memcpy(p->line, line, len);
    p->len = len;
    p->last = now;
    p->drawn = 1;
    cli_progress_flush(p);
}

void cli_progress_flush(cli_progress *p)
{
    if (!p->on) {
        fflush(stdout);
        return;
    }
    erase(p);
    fflush(stdout);
    fflush(stderr);
    if (p->drawn) {
        put_raw(p->line, p->len);
        p->width = p->len;
    }
}

void cli_progress_end(cli_progress *p)
{
    if (!p->on)
        return;
    erase(p);
    fflush(stdout);
    fflush(stderr);
    p->on = 0;
}
