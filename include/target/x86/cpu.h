/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_TARGET_X86_CPU_H
#define KEEL_TARGET_X86_CPU_H

#include <stdint.h>

/*
 * Where the boot CPU starts after a cold reset. The loader sets this (from
 * its reset handler, which runs before the CPU reset handlers); without a
 * loader the CPU starts at the reset vector (0xfffffff0).
 */
enum x86_boot_mode {
	X86_BOOT_RESET_VECTOR, /* real mode, CS base 0xffff0000, IP 0xfff0 */
	X86_BOOT_REAL,	       /* real mode at cs:ip given by rip (linear), cs = rip >> 4 */
	X86_BOOT_PROTECTED32,  /* flat 32-bit protected mode, paging off */
	X86_BOOT_LONG64,       /* 64-bit mode, paging on with cr3 */
};

struct x86_boot_entry {
	enum x86_boot_mode mode;
	uint64_t rip, rsp, rax, rbx, rcx, rdx, rsi, rdi;
	/* Descriptor table the guest may reload from; 0 = none needed. */
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t cs_sel, ds_sel; /* selectors matching gdt (0 -> 0x08/0x10) */
	uint64_t cr3; /* LONG64 only */
};

void x86_set_boot_entry(const struct x86_boot_entry *e);
void x86_get_boot_entry(struct x86_boot_entry *e);

/* -cpu model given on the command line (NULL = host). */
void x86_cpu_set_model(const char *model);

#endif
