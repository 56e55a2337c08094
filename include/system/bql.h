/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_BQL_H
#define KEEL_SYSTEM_BQL_H

#include <stdbool.h>

#include "system/thread.h"

/*
 * The big lock. It protects device state, the run state and the request
 * flags. vCPU threads take it only around device dispatch; the main loop
 * takes it around every callback that touches devices.
 *
 * Lock order (outer first): bql -> device-private locks -> chardev write lock.
 * Nothing may take the bql while holding one of the inner locks.
 */
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void);
struct kmutex *bql_mutex(void);

#endif
