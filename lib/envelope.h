/* SPDX-License-Identifier: MIT */
/* Envelope internals shared by lib/envelope.c (which owns the type) and lib/guard.c (which writes it). */
#ifndef DW_LIB_ENVELOPE_H
#define DW_LIB_ENVELOPE_H

#include "dropwatch/guard.h"

/* What X-EndOfInjectedXHeaders carries for this envelope. */
dw_eoh_mode dwi_envelope_eoh_mode(const dw_envelope *env);

/* 1 when the envelope has a sender and at least one recipient (so dw_envelope_format() can succeed). */
int dwi_envelope_complete(const dw_envelope *env);

/* Read access (pickup): addresses without brackets ("" for the null sender), params NULL when none. */
const char *dwi_envelope_sender(const dw_envelope *env, const char **params);
size_t dwi_envelope_recipient_count(const dw_envelope *env);
const char *dwi_envelope_recipient(const dw_envelope *env, size_t i, const char **params);

/* Longest envelope (injected headers) the parser accepts: 10,000 recipients of ~100 bytes. */
#define DWI_ENVELOPE_MAX (1024u * 1024u)

/* What the start of a drop file holds. */
typedef enum dwi_env_state {
    DWI_ENV_OK = 0,        /* a complete envelope ending with X-EndOfInjectedXHeaders */
    DWI_ENV_NONE = 1,      /* no envelope: the file does not start with an X-Sender line */
    DWI_ENV_PARTIAL = 2,   /* the bytes end inside the envelope (more may come, or the file is truncated) */
    DWI_ENV_MALFORMED = 3  /* an envelope that no more bytes can make valid */
} dwi_env_state;

typedef struct dwi_env_parse {
    dwi_env_state state;
    size_t header_len;     /* DWI_ENV_OK: bytes of the injected headers, the X-EndOfInjectedXHeaders line included */
    uint64_t eoh_value;    /* DWI_ENV_OK: the number X-EndOfInjectedXHeaders carries */
    const char *problem;   /* DWI_ENV_MALFORMED: static text saying what is wrong */
} dwi_env_parse;

/* Parse the injected headers at the start of buf[0..len) (lib/envelope_parse.c). Header names match
 * case-insensitively ("X-sender" as Exchange writes it); lines end in CRLF or LF. On DWI_ENV_OK and *env
 * not NULL, *env receives a new envelope (free with dw_envelope_free). Returns DW_OK or DW_E_NOMEM. */
dw_status dwi_envelope_parse(const char *buf, size_t len, dw_envelope **env, dwi_env_parse *res);

#endif /* DW_LIB_ENVELOPE_H */
