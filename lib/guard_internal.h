/* Placeholder: implemented by its own issue's work. */
#ifndef DW_LIB_GUARD_INTERNAL_H
#define DW_LIB_GUARD_INTERNAL_H
#endif
