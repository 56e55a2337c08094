// SPDX-License-Identifier: GPL-2.0-or-later
#include "system/bql.h"

static GMutex bql;
static __thread bool bql_held;

void bql_lock(void)
{
	g_mutex_lock(&bql);
	bql_held = true;
}

void bql_unlock(void)
{
	bql_held = false;
	g_mutex_unlock(&bql);
}

bool bql_locked(void)
{
	return bql_held;
}

GMutex *bql_mutex(void)
{
	return &bql;
}
