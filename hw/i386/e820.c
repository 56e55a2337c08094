// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest's memory map as the firmware interfaces (zero page, Multiboot,
 * fw_cfg) report it. The machine fills it once at init; loaders read it.
 */
#include <glib.h>

#include "hw/i386/e820.h"

static GArray *table; /* struct e820_entry, kept sorted by address */

void e820_reset_table(void)
{
	if (table)
		g_array_set_size(table, 0);
}

static gint entry_cmp(gconstpointer a, gconstpointer b)
{
	const struct e820_entry *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

void e820_add(uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_entry e = { .addr = addr, .size = size, .type = type };

	if (!size)
		return;
	if (!table)
		table = g_array_new(FALSE, TRUE, sizeof(struct e820_entry));
	g_array_append_val(table, e);
	/* Stable for equal addresses, so ties keep insertion order. */
	g_array_sort(table, entry_cmp);
}

unsigned e820_get(struct e820_entry *out, unsigned max)
{
	unsigned n = table ? table->len : 0;

	for (unsigned i = 0; i < n && i < max; i++)
		out[i] = g_array_index(table, struct e820_entry, i);
	return n;
}
