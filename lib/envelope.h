/* SPDX-License-Identifier: MIT */
/* Envelope internals shared by lib/envelope.c (which owns the type) and lib/guard.c (which writes it). */
#ifndef DW_LIB_ENVELOPE_H
#define DW_LIB_ENVELOPE_H

#include "dropwatch/guard.h"

/* What X-EndOfInjectedXHeaders carries for this envelope. */
dw_eoh_mode dwi_envelope_eoh_mode(const dw_envelope *env);

/* 1 when the envelope has a sender and at least one recipient (so dw_envelope_format() can succeed). */
int dwi_envelope_complete(const dw_envelope *env);

#endif /* DW_LIB_ENVELOPE_H */
