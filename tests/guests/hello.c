// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prints a greeting and the boot protocol it came in by, then exits with
 * the value of "exit=" from the command line (default 0).
 */
#include "guest.h"

struct hvm_start_info {
	uint32_t magic, version, flags, nr_modules;
	uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	uint32_t memmap_entries, reserved;
} __attribute__((packed));

struct hvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type, reserved;
} __attribute__((packed));

static void pvh_report(const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *m = (const void *)(uint32_t)si->memmap_paddr;

	put_kv_dec("pvh.version", si->version);
	put_kv_dec("pvh.nr_modules", si->nr_modules);
	put_kv_hex("pvh.rsdp", (uint32_t)si->rsdp_paddr);
	put_kv_dec("pvh.memmap_entries", si->memmap_entries);
	for (uint32_t i = 0; i < si->memmap_entries && i < 16; i++) {
		puts("pvh.memmap ");
		put_hex64(m[i].addr);
		serial_putc(' ');
		put_hex64(m[i].size);
		serial_putc(' ');
		put_dec(m[i].type);
		serial_putc('\n');
	}
	if (si->nr_modules) {
		const uint64_t *mod = (const void *)(uint32_t)si->modlist_paddr;

		put_kv_hex("pvh.module0.paddr", (uint32_t)mod[0]);
		put_kv_dec("pvh.module0.size", (uint32_t)mod[1]);
	}
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);

	if (magic == MULTIBOOT_BOOTLOADER_MAGIC) {
		puts("Hello from keel guest (multiboot)\n");
	} else if (magic == PVH_START_MAGIC) {
		puts("Hello from keel guest (pvh)\n");
		pvh_report((const void *)info);
	} else {
		puts("Hello from keel guest (unknown boot protocol)\n");
	}
	put_kv_str("cmdline", cmdline);
	return cmdline_get_uint(cmdline, "exit", 0);
}
