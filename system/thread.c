// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <time.h>

#include "system/thread.h"

void kmutex_init(struct kmutex *m)
{
	pthread_mutex_init(&m->m, NULL);
}

void kmutex_destroy(struct kmutex *m)
{
	pthread_mutex_destroy(&m->m);
}

void kmutex_lock(struct kmutex *m)
{
	pthread_mutex_lock(&m->m);
}

void kmutex_unlock(struct kmutex *m)
{
	pthread_mutex_unlock(&m->m);
}

void kcond_init(struct kcond *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&c->c, &a);
	pthread_condattr_destroy(&a);
	c->init = true;
}

void kcond_broadcast(struct kcond *c)
{
	pthread_cond_broadcast(&c->c);
}

bool kcond_wait_until(struct kcond *c, struct kmutex *m, int64_t deadline_us)
{
	/* g_get_monotonic_time() is CLOCK_MONOTONIC in microseconds. */
	struct timespec ts = {
		.tv_sec = deadline_us / 1000000,
		.tv_nsec = (deadline_us % 1000000) * 1000,
	};
	int ret;

	do {
		ret = pthread_cond_timedwait(&c->c, &m->m, &ts);
	} while (ret == EINTR);
	return ret != ETIMEDOUT;
}
