// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pseries kernels: a ppc64le vmlinux ELF (virtual addresses 0xc000...,
 * physical 0) or a raw image, and the initrd just above the kernel. The
 * kernel is entered directly (no firmware) at its physical entry point.
 */
#include <errno.h>

#include "hw/core/loader.h"
#include "hw/core/loader-ppc.h"

#define PPC_PHYS_MASK 0x0fffffffffffffffULL

static GQuark loader_ppc_quark(void)
{
	return g_quark_from_static_string("keel-loader-ppc");
}

static uint64_t phys_of(uint64_t addr)
{
	/* Kernel linear-map addresses (0xc000...) name physical addresses. */
	return addr & PPC_PHYS_MASK;
}

static int plan_elf(struct boot_plan *p, GBytes *kernel, uint64_t limit,
		    struct ppc_kernel_layout *out, GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);
	struct elf_info info;
	bool entry_found = false;

	if (elf_parse(buf, size, &info, err) < 0)
		return -ENOEXEC;
	if (!info.is64 || info.machine != EM_PPC64) {
		g_set_error(err, loader_ppc_quark(), ENOEXEC,
			    "kernel is not a 64-bit PowerPC ELF (machine %u)", info.machine);
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < info.nsegs; i++) {
		const struct elf_segment *s = &info.segs[i];
		uint64_t pa = phys_of(s->paddr);
		GBytes *data;

		if (pa + s->memsz < pa || pa + s->memsz > limit) {
			g_set_error(err, loader_ppc_quark(), EFBIG,
				    "kernel segment at 0x%llx (0x%llx bytes) does not fit below 0x%llx",
				    (unsigned long long)pa, (unsigned long long)s->memsz,
				    (unsigned long long)limit);
			return -EFBIG;
		}
		data = s->filesz ? g_bytes_new_from_bytes(kernel, s->offset, s->filesz) : NULL;
		boot_plan_add(p, "kernel", pa, data, s->memsz - s->filesz);
		if (data)
			g_bytes_unref(data);
		if (pa + s->memsz > out->kernel_end)
			out->kernel_end = pa + s->memsz;
		if (!entry_found && info.entry >= s->vaddr && info.entry - s->vaddr < s->memsz) {
			out->entry = pa + (info.entry - s->vaddr);
			entry_found = true;
		}
	}
	if (!entry_found)
		out->entry = phys_of(info.entry);
	return 0;
}

int ppc_plan_kernel(struct boot_plan *p, GBytes *kernel, GBytes *initrd, uint64_t limit,
		    struct ppc_kernel_layout *out, GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);

	*out = (struct ppc_kernel_layout){ 0 };
	if (!size) {
		g_set_error(err, loader_ppc_quark(), ENOEXEC, "kernel image is empty");
		return -ENOEXEC;
	}
	if (elf_is_elf(buf, size)) {
		if (plan_elf(p, kernel, limit, out, err) < 0)
			return -ENOEXEC;
	} else {
		if (size > limit) {
			g_set_error(err, loader_ppc_quark(), EFBIG,
				    "kernel image (%llu bytes) does not fit below 0x%llx",
				    (unsigned long long)size, (unsigned long long)limit);
			return -EFBIG;
		}
		boot_plan_add(p, "kernel", 0, kernel, 0);
		out->kernel_end = size;
		out->entry = 0;
	}
	out->initrd_start = out->initrd_end =
		(out->kernel_end + PPC_INITRD_ALIGN - 1) & ~(PPC_INITRD_ALIGN - 1);
	if (initrd && g_bytes_get_size(initrd)) {
		uint64_t isz = g_bytes_get_size(initrd);

		if (out->initrd_start > limit || isz > limit - out->initrd_start) {
			g_set_error(err, loader_ppc_quark(), EFBIG,
				    "initrd (%llu bytes) does not fit between the kernel and 0x%llx",
				    (unsigned long long)isz, (unsigned long long)limit);
			return -EFBIG;
		}
		boot_plan_add(p, "initrd", out->initrd_start, initrd, 0);
		out->initrd_end = out->initrd_start + isz;
	}
	return boot_plan_check_overlap(p, err) ? 0 : -EINVAL;
}
