/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_THREAD_H
#define KEEL_SYSTEM_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * Mutexes and condition variables on pthreads. GLib's GMutex/GCond are
 * futex-based on Linux and invisible to ThreadSanitizer, which CI runs the
 * concurrency tests under; these are not.
 */
struct kmutex {
	pthread_mutex_t m;
};

struct kcond {
	pthread_cond_t c;
	bool init;
};

#define KMUTEX_INITIALIZER { PTHREAD_MUTEX_INITIALIZER }

void kmutex_init(struct kmutex *m);
void kmutex_destroy(struct kmutex *m);
void kmutex_lock(struct kmutex *m);
void kmutex_unlock(struct kmutex *m);

void kcond_init(struct kcond *c); /* CLOCK_MONOTONIC */
void kcond_broadcast(struct kcond *c);
/* Wait until woken or deadline_us (g_get_monotonic_time() clock); false on timeout. */
bool kcond_wait_until(struct kcond *c, struct kmutex *m, int64_t deadline_us);

#endif
