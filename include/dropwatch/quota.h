/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/quota.h - DropDirectoryQuota values as text: parsing, validating and formatting them.
 * (Declared in dropwatch/guard.h before; guard.h still includes this header.)
 */
#ifndef DROPWATCH_QUOTA_H
#define DROPWATCH_QUOTA_H

#include <stddef.h>
#include <stdint.h>
#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Quota values --------------------------------------------------------------------------------- */

/**
 * Parse a DropDirectoryQuota exactly as Exchange's ByteQuantifiedSize does: trimmed; "unlimited" (any
 * case); or a number of at most 15 characters ending in a digit (.NET Float | AllowThousands: "1,024",
 * "1.5", "1e6"), then an optional single space and a unit B, KB, MB, GB or TB (any case, binary
 * multiples; a bare number is bytes), then optionally " (N bytes)" (the Get-ForeignConnector form),
 * whose N wins. The fraction of a byte is cut off. *bytes receives the value, 0 for unlimited.
 * @return DW_OK, DW_E_INVAL (NULL), DW_E_PARSE (what Exchange rejects; and, libdropwatch's own refusals,
 *         a zero quota or one above 2^63 bytes). The range Exchange enforces on a stored DropDirectoryQuota
 *         is checked by dw_quota_validate().
 */
DW_API dw_status dw_quota_parse(const char *text, uint64_t *bytes);

/**
 * Check a DropDirectoryQuota against the range Set-ForeignConnector enforces: 1 MB to 2,147,483,647 MB
 * (0, libdropwatch's "unlimited", is accepted too). DW_OK or DW_E_INVAL.
 */
DW_API dw_status dw_quota_validate(uint64_t bytes);

/**
 * Format a quota exactly as ByteQuantifiedSize.ToString() prints it (what Get-ForeignConnector shows and
 * event 8005 logs as %2): the largest unit among TB, GB, MB, KB whose whole count is not zero, else B; the
 * quotient formatted with .NET "G4" (invariant culture); " (" + the byte count with comma separators +
 * " bytes)". "10 MB (10,485,760 bytes)", "9.766 KB (10,000 bytes)", "1024 KB (1,048,575 bytes)",
 * "1E+04 TB (...)"; 0 prints "unlimited".
 */
DW_API dw_status dw_quota_format(uint64_t bytes, char *buf, size_t size, size_t *needed);

/** dw_quota_format() into a newly allocated string (free it with dw_free()); *out is NULL on failure. */
DW_API dw_status dw_quota_format_alloc(uint64_t bytes, char **out);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_QUOTA_H */
