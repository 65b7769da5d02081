/* Placeholder: implemented by its own issue's work. */
#ifndef DW_LIB_ENVELOPE_H
#define DW_LIB_ENVELOPE_H
#endif
