/* SPDX-License-Identifier: MIT */
/* Listing the drop directory (lib/scan.c): below the quota ledger, which counts with it. */
#ifndef DW_LIB_SCAN_H
#define DW_LIB_SCAN_H

#include "guard_internal.h"

/* A listing of the drop directory, as the quota counts it. */
typedef struct dwi_scan_result {
    uint64_t used_bytes;   /* top-level regular files other than our temporary files and the ledger */
    uint64_t files;
    uint64_t temp_bytes;   /* our temporary files (in-flight messages or crashed writers) */
    uint64_t temp_files;
    uint64_t stale_temps;  /* temporary files whose mtime is before stale_before_ns (when not 0) */
} dwi_scan_result;

/* List the directory once (and the temp_dir, for our temporary files only). Temps with mtime <
 * stale_before_ns (nanoseconds since the epoch) are counted in stale_temps and, when remove_stale,
 * unlinked (then not counted as temp bytes). */
dw_status dwi_scan(dw_drop *drop, int64_t stale_before_ns, int remove_stale, dwi_scan_result *res, dw_io_error *err);

/* The stale cut-off for an age: now - max_age_seconds in nanoseconds (at least 1, so 0 stays "off").
 * Nanoseconds, so that an age of 0 also takes the temporary files of the current second. */
int64_t dwi_stale_cutoff_ns(dw_drop *drop, unsigned max_age_seconds);

#endif /* DW_LIB_SCAN_H */
