/* SPDX-License-Identifier: MIT */
/*
 * dropwatch/envelope.h - the X-Sender / X-Receiver envelope of a drop file (Exchange drop-file format).
 * (Declared in dropwatch/guard.h before; guard.h still includes this header.)
 */
#ifndef DROPWATCH_ENVELOPE_H
#define DROPWATCH_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <dropwatch/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An X-Sender / X-Receiver envelope for drop files (see dw_envelope_new()). */
typedef struct dw_envelope dw_envelope;

/* ---- Envelope (Exchange drop-file format) ---------------------------------------------------------- */

/** What X-EndOfInjectedXHeaders carries. The sources disagree; see doc/libdropwatch.3. */
typedef enum dw_eoh_mode {
    DW_EOH_MIME_LENGTH = 0,    /**< length of the MIME message in bytes (what Exchange's code writes; default) */
    DW_EOH_HEADER_LENGTH = 1   /**< length of the injected X-headers in bytes (what the documentation says;
                                    NOT what Exchange writes: files in this mode are not Exchange's bytes) */
} dw_eoh_mode;

/** Create an empty envelope. */
DW_API dw_status dw_envelope_new(dw_envelope **out);

/** Free an envelope. NULL is ignored. */
DW_API void dw_envelope_free(dw_envelope *env);

/**
 * Set the X-Sender address and optional MAIL FROM parameters (NULL or ""). Address and parameters must be
 * printable ASCII without CR, LF or NUL, else DW_E_ENVELOPE (header injection is impossible).
 */
DW_API dw_status dw_envelope_set_sender(dw_envelope *env, const char *address, const char *params);

/** Add an X-Receiver with optional RCPT TO parameters. Same character rules as the sender. */
DW_API dw_status dw_envelope_add_recipient(dw_envelope *env, const char *address, const char *params);

/** Choose what X-EndOfInjectedXHeaders holds (default DW_EOH_MIME_LENGTH). */
DW_API dw_status dw_envelope_set_eoh_mode(dw_envelope *env, dw_eoh_mode mode);

/**
 * Format the injected headers for a MIME message of mime_length bytes into buf (CRLF line ends, ends with
 * the X-EndOfInjectedXHeaders line). Needs a sender and at least one recipient (else DW_E_ENVELOPE).
 */
DW_API dw_status dw_envelope_format(const dw_envelope *env, uint64_t mime_length, char *buf, size_t size, size_t *needed);

/** dw_envelope_format() into a newly allocated string (free it with dw_free()); *len (may be NULL) gets its length. */
DW_API dw_status dw_envelope_format_alloc(const dw_envelope *env, uint64_t mime_length, char **out, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* DROPWATCH_ENVELOPE_H */
