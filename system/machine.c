// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "system/machine.h"

struct machine_config machine_cfg;
static GPtrArray *machines;

void machine_type_register(const struct machine_type *t)
{
	if (!machines)
		machines = g_ptr_array_new();
	g_ptr_array_add(machines, (gpointer)t);
}

const struct machine_type *machine_type_find(const char *name)
{
	if (!machines || !name)
		return NULL;
	for (guint i = 0; i < machines->len; i++) {
		const struct machine_type *t = machines->pdata[i];

		if (!strcmp(t->name, name) || (t->alias && !strcmp(t->alias, name)))
			return t;
	}
	return NULL;
}

const struct machine_type *machine_type_default(void)
{
	if (!machines)
		return NULL;
	for (guint i = 0; i < machines->len; i++) {
		const struct machine_type *t = machines->pdata[i];

		if (t->is_default)
			return t;
	}
	return NULL;
}

void machine_type_foreach(void (*fn)(const struct machine_type *t, void *opaque), void *opaque)
{
	if (!machines)
		return;
	for (guint i = 0; i < machines->len; i++)
		fn(machines->pdata[i], opaque);
}
