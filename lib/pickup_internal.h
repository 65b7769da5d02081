/* SPDX-License-Identifier: MIT */
/* Internals of lib/pickup.c shared with the Check tests. */
#ifndef DW_LIB_PICKUP_INTERNAL_H
#define DW_LIB_PICKUP_INTERNAL_H

#include "dropwatch/pickup.h"
#include "platform.h"

/* Work folders inside the drop directory (dot-prefixed: gateways and the quota skip them, and Exchange
 * counts only top-level files). */
#define DWI_PICKUP_DIR ".dwpickup"
#define DWI_PICKUP_CLAIMED "claimed"
#define DWI_PICKUP_QUARANTINE "quarantine"
#define DWI_PICKUP_ARCHIVE ".dwpickup/archive"
/* Claim names: "<original>~<host>~<pid>~<claim time, Unix seconds>~<8 hex>". */
#define DWI_CLAIM_SEP '~'
/* Longest original name pickup takes (room for the claim suffix within 255 bytes). */
#define DWI_PICKUP_ORIG_MAX 140

/* dw_pickup_open() with an explicit ops table (fault injection in the tests). */
dw_status dwi_pickup_open_ops(dw_pickup **out, const char *path, const dw_pickup_options *opts, const dwi_ops *ops,
                              void *ctx, dw_io_error *err);

/* The host name this picker writes into its claims (the platform's, sanitized; see sanitize_host()). */
const char *dwi_pickup_host(const dw_pickup *p);

/* Parse a claim name: original name into orig (size DW_PICKUP_NAME_MAX), host, pid and time. 1 when valid. */
int dwi_claim_parse(const char *claim, char *orig, char *host, size_t host_size, long *pid, int64_t *sec);

#endif /* DW_LIB_PICKUP_INTERNAL_H */
