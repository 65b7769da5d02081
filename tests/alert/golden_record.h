/* SPDX-License-Identifier: MIT */
/* The fixed records behind tests/alert/golden/ (shared by check_alert.c and gen_alerts.c). */
#ifndef DW_TESTS_GOLDEN_RECORD_H
#define DW_TESTS_GOLDEN_RECORD_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dropwatch.h"

/* 2026-11-25T04:30:00.123Z */
#define GOLDEN_TIME_MS INT64_C(1795581000123)

enum { GOLDEN_8004 = 0, GOLDEN_8005, GOLDEN_8007, GOLDEN_8008, GOLDEN_8009, GOLDEN_COUNT };
static const char *const golden_names[GOLDEN_COUNT] = {"8004", "8005", "8007", "8008", "8009"};

static inline int golden_variant(const char *name)
{
    for (int i = 0; i < GOLDEN_COUNT; i++)
        if (strcmp(name, golden_names[i]) == 0)
            return i;
    return 0;
}

/* A disk-full write for GOLDEN_8004; the siblings are the failures DW_EVENT_AUTO maps to each event. */
static inline void golden_record(dw_alert *a, int variant)
{
    static const char drop[] = "C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector";
    dw_alert_init(a);
    a->connector = "Fax Connector";
    a->drop_path = drop;
    a->root = "";
    a->drop_dir = "Fax Connector";
    a->computer = "HUB01.contoso.com";
    a->time_ms = GOLDEN_TIME_MS;
    a->record_id = 123456;
    a->has_record_id = 1;
    /* the default event mode (DW_EVENT_AUTO) picks each variant's event from its failure */
    switch (variant) {
    case GOLDEN_8005:
        /* As the guarded writer reports a DropDirectoryQuota refusal: ERROR_DISK_QUOTA_EXCEEDED (1295). */
        dw_io_error_set(&a->error, DW_OP_QUOTA, 0, 1295, drop);
        /* Exchange's test: the files already add up to the quota (used >= quota) */
        snprintf(a->error.detail, sizeof a->error.detail, "quota 10485760 bytes, used 10485760, message 9000");
        break;
    case GOLDEN_8007:
        dw_io_error_set(&a->error, DW_OP_CREATE, ENAMETOOLONG, 0,
                        "C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector\\.dwtmp-4242-1-0123456789abcdef.tmp");
        break;
    case GOLDEN_8008:
        dw_io_error_set(&a->error, DW_OP_OPEN_DIR, ENOENT, 0, drop);
        break;
    case GOLDEN_8009:
        dw_io_error_set(&a->error, DW_OP_CREATE, EACCES, 0, drop);
        break;
    default:
        /* libdropwatch writes a temporary name first (never ".eml", dot-prefixed), then renames */
        dw_io_error_set(&a->error, DW_OP_WRITE, ENOSPC, 0,
                        "C:\\Program Files\\Microsoft\\Exchange Server\\Fax Connector\\.dwtmp-4242-1-0123456789abcdef.tmp");
        break;
    }
    a->error.attempts = 1;
}

#endif
