/* Placeholder: implemented by its own issue's work. */
#ifndef DW_LIB_PLATFORM_H
#define DW_LIB_PLATFORM_H
#endif
