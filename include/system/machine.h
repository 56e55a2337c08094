/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_MACHINE_H
#define KEEL_SYSTEM_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct kopts;

/* Everything the command line decided; filled by system/cmdline.c. */
struct machine_config {
	const char *machine_type; /* NULL: the default machine */
	struct kopts *machine_opts; /* -machine properties not consumed by the parser */
	uint64_t ram_size;
	unsigned smp_cpus, max_cpus, sockets, dies, cores, threads;
	const char *cpu_model;
	const char *kernel, *initrd, *append, *bios;
	const char *name;
	bool uuid_set;
	uint8_t uuid[16];
	bool start_paused; /* -S */
	bool nodefaults;
	bool daemonize;
	const char *pidfile;
	bool nographic;
	GPtrArray *devices; /* struct kopts * with "driver" key, in order */
	GPtrArray *serials; /* const char * specs from -serial, in order */
	GPtrArray *monitors; /* struct kopts *: mode=control,chardev=ID (from -qmp/-mon) */
	GPtrArray *drives; /* struct kopts *: checked -drive options, each with an id (block/drive.c) */
	GPtrArray *blockdevs; /* struct kopts *: -blockdev nodes, normalized (block/blockdev.c) */
};

extern struct machine_config machine_cfg;

struct machine_type {
	const char *name;
	const char *alias;
	const char *desc;
	bool is_default;
	unsigned max_cpus;
	/* Build the machine: RAM, irqchip, devices, loader. vCPUs are created by the caller after. */
	int (*init)(struct machine_config *cfg, GError **err);
};

void machine_type_register(const struct machine_type *t);
const struct machine_type *machine_type_find(const char *name);
const struct machine_type *machine_type_default(void);
void machine_type_foreach(void (*fn)(const struct machine_type *t, void *opaque), void *opaque);

#define MACHINE_TYPE_REGISTER(var)                                                                 \
	static void __attribute__((constructor)) machine_reg_##var(void)                          \
	{                                                                                          \
		machine_type_register(&var);                                                       \
	}

#endif
