/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_E820_H
#define KEEL_HW_I386_E820_H

#include <stdint.h>

enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3, E820_NVS = 4, E820_UNUSABLE = 5 };

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

/* The machine's memory map (built by the x86 machine at init). */
void e820_reset_table(void);
void e820_add(uint64_t addr, uint64_t size, uint32_t type);
/* Copies up to max entries sorted by address; returns the total count. */
unsigned e820_get(struct e820_entry *out, unsigned max);

/* Layout shared by the machine and the loaders. */
#define X86_LOWMEM_END 0x9fc00ULL	/* RAM below the EBDA */
#define X86_HIMEM_START 0x100000ULL	/* 1 MiB */
#define X86_BELOW_4G_MAX 0xc0000000ULL	/* RAM above this goes above 4 GiB */
#define X86_ABOVE_4G_START 0x100000000ULL

#endif
