// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "system/error.h"
#include "hw/core/device.h"
#include "system/cmdline.h"
#include "system/opts.h"

static GPtrArray *types;

void device_type_register(const struct device_type *t)
{
	if (!types)
		types = g_ptr_array_new();
	g_ptr_array_add(types, (gpointer)t);
}

const struct device_type *device_type_find(const char *name)
{
	if (!types || !name)
		return NULL;
	for (guint i = 0; i < types->len; i++) {
		const struct device_type *t = types->pdata[i];

		if (!strcmp(t->name, name))
			return t;
	}
	return NULL;
}

static gint type_cmp(gconstpointer a, gconstpointer b)
{
	const struct device_type *x = *(const struct device_type *const *)a;
	const struct device_type *y = *(const struct device_type *const *)b;

	return strcmp(x->name, y->name);
}

void device_type_foreach(void (*fn)(const struct device_type *t, void *opaque), void *opaque)
{
	if (!types)
		return;
	g_ptr_array_sort(types, type_cmp);
	for (guint i = 0; i < types->len; i++)
		fn(types->pdata[i], opaque);
}

int device_create(struct kopts *props, GError **err)
{
	const char *driver = kopts_get(props, "driver");
	const struct device_type *t;

	if (!driver) {
		error_setg(err, "Parameter 'driver' is missing");
		return -EINVAL;
	}
	t = device_type_find(driver);
	if (!t || !t->user_creatable) {
		error_setg(err, "'%s' is not a valid device model name", driver);
		return -EINVAL;
	}
	if (t->resolve) {
		const char *name = t->resolve();

		t = device_type_find(name);
		if (!t) {
			error_setg(err, "'%s' (for '%s') does not exist on this machine", name,
				   driver);
			return -EINVAL;
		}
		cmdline_apply_globals_to(t->name, props);
	}
	return t->create(props, err);
}
