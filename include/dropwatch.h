/* SPDX-License-Identifier: MIT */
/*
 * dropwatch.h - libdropwatch umbrella header.
 *
 * libdropwatch resolves and validates Exchange-style Foreign connector drop directories, writes message
 * files into them so that each lands completely or not at all, classifies every I/O failure, and formats
 * Event 8004 alert records. See libdropwatch(3).
 */
#ifndef DROPWATCH_H
#define DROPWATCH_H

#include <dropwatch/common.h>
#include <dropwatch/version.h>
#include <dropwatch/name.h>
#include <dropwatch/path.h>
#include <dropwatch/classify.h>
#include <dropwatch/envelope.h>
#include <dropwatch/quota.h>
#include <dropwatch/guard.h>
#include <dropwatch/alert.h>
#include <dropwatch/eventlog.h>
#include <dropwatch/pickup.h>
#include <dropwatch/throttle.h>
#include <dropwatch/enums.h>
#include <dropwatch/text.h>

#endif /* DROPWATCH_H */
