/* SPDX-License-Identifier: MIT */
/* A progress line (count, rate, ETA) for long deliver and sweep runs, on standard error and only when
 * that is a terminal: pipes, files and the journal never see it. See src/cli_progress.c. */
#ifndef DW_CLI_PROGRESS_H
#define DW_CLI_PROGRESS_H

#include <stdint.h>

#include "cli.h"

typedef struct cli_progress {
    int on;
    const char *cmd, *unit;  /* "deliver", "files" */
    uint64_t total;
    double t0, last;         /* monotonic seconds: start, last drawing */
    size_t width;            /* characters of the line on screen */
    int drawn;
    char line[200];          /* the line last drawn, redrawn after a flush */
    size_t len;
} cli_progress;

/* Starts a run of `total` items; the line is drawn only for more than one item, when standard error is
 * a terminal and --quiet was not given. */
void cli_progress_begin(cli_progress *p, const cli_ctx *ctx, const char *unit, uint64_t total);
/* `done` items finished so far (bytes: their size, 0 when not meaningful); call before each item. */
void cli_progress_update(cli_progress *p, uint64_t done, uint64_t bytes);
/* Writes out the records buffered so far now (standard output is flushed in every case); with the line
 * shown, it is erased first and drawn again below them. */
void cli_progress_flush(cli_progress *p);
/* Erases the line (the summary and the shell prompt follow on a clean line). */
void cli_progress_end(cli_progress *p);

#endif /* DW_CLI_PROGRESS_H */
