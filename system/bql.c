// SPDX-License-Identifier: GPL-2.0-or-later
#include "system/bql.h"

static struct kmutex bql = KMUTEX_INITIALIZER;
static __thread bool bql_held;

void bql_lock(void)
{
	kmutex_lock(&bql);
	bql_held = true;
}

void bql_unlock(void)
{
	bql_held = false;
	kmutex_unlock(&bql);
}

bool bql_locked(void)
{
	return bql_held;
}

struct kmutex *bql_mutex(void)
{
	return &bql;
}
