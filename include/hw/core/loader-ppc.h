/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_LOADER_PPC_H
#define KEEL_HW_CORE_LOADER_PPC_H

#include <glib.h>
#include <stdint.h>

struct boot_plan;

#define EM_PPC64 21
#define PPC_INITRD_ALIGN 0x10000ULL

/* Where a ppc64 kernel and its initrd landed (guest physical). */
struct ppc_kernel_layout {
	uint64_t entry;
	uint64_t kernel_end; /* exclusive, bss included */
	uint64_t initrd_start, initrd_end; /* equal: no initrd */
};

/*
 * Plan a pseries kernel: an ELF vmlinux (ppc64 little-endian, loaded at its
 * physical addresses, entry translated to physical) or a raw image at 0.
 * Everything must end below limit (where the machine keeps the FDT and RTAS).
 */
int ppc_plan_kernel(struct boot_plan *p, GBytes *kernel, GBytes *initrd, uint64_t limit,
		    struct ppc_kernel_layout *out, GError **err);

#endif
