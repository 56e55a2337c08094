/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_DEVICE_H
#define KEEL_HW_CORE_DEVICE_H

#include <glib.h>
#include <stdbool.h>

struct kopts;

/* A -device driver. create() consumes its properties and must call kopts_check_unused(). */
struct device_type {
	const char *name;
	const char *desc;
	const char *bus; /* "isa", "virtio", ... for -device help; NULL for none */
	bool user_creatable;
	int (*create)(struct kopts *props, GError **err);
	/*
	 * An alias (QEMU's "virtio-blk"): the concrete type it stands for, known
	 * only once the machine exists. device_create() creates that type, with
	 * the -global values for that type; create is then unused.
	 */
	const char *(*resolve)(void);
};

void device_type_register(const struct device_type *t);
const struct device_type *device_type_find(const char *name);
void device_type_foreach(void (*fn)(const struct device_type *t, void *opaque), void *opaque);
/* Create from -device options (key "driver" names the type). */
int device_create(struct kopts *props, GError **err);

#define DEVICE_TYPE_REGISTER(var)                                                                  \
	static void __attribute__((constructor)) device_reg_##var(void)                           \
	{                                                                                          \
		device_type_register(&var);                                                        \
	}

#endif
