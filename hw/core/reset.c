// SPDX-License-Identifier: GPL-2.0-or-later
#include <glib.h>

#include "hw/core/reset.h"
#include "system/log.h"

struct reset_entry {
	int order;
	unsigned seq; /* registration order breaks ties */
	reset_fn fn;
	void *opaque;
	const char *name;
};

bool reset_audit_enabled = true;

static GPtrArray *handlers;
static unsigned seq;

static gint entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct reset_entry *x = *(struct reset_entry *const *)a;
	const struct reset_entry *y = *(struct reset_entry *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

void reset_register(int order, reset_fn fn, void *opaque, const char *name)
{
	struct reset_entry *e = g_new0(struct reset_entry, 1);

	if (!handlers)
		handlers = g_ptr_array_new_with_free_func(g_free);
	e->order = order;
	e->seq = seq++;
	e->fn = fn;
	e->opaque = opaque;
	e->name = name;
	g_ptr_array_add(handlers, e);
	g_ptr_array_sort(handlers, entry_cmp);
}

void reset_unregister(reset_fn fn, void *opaque)
{
	if (!handlers)
		return;
	for (guint i = 0; i < handlers->len; i++) {
		struct reset_entry *e = handlers->pdata[i];

		if (e->fn == fn && e->opaque == opaque) {
			g_ptr_array_remove_index(handlers, i);
			return;
		}
	}
}

void reset_run_all(void)
{
	if (!handlers)
		return;
	for (guint i = 0; i < handlers->len; i++) {
		struct reset_entry *e = handlers->pdata[i];

		if (e->order == RESET_ORDER_AUDIT && !reset_audit_enabled)
			continue;
		debug_log("reset: %s", e->name ? e->name : "?");
		e->fn(e->opaque);
	}
}
