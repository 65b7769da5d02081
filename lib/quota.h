/* Placeholder: implemented by its own issue's work. */
#ifndef DW_LIB_QUOTA_H
#define DW_LIB_QUOTA_H
#endif
