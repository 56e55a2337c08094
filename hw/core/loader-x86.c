// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 boot protocols as boot plans: Linux bzImage (zero page, 64-bit entry
 * through identity page tables), Multiboot v1 and PVH. Pure layout: nothing
 * here touches guest memory, so unit tests can inspect every byte.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hw/core/loader.h"
#include "hw/i386/e820.h"
#include "target/x86/cpu.h"

#define PAGE 4096ULL
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define GIB (1ULL << 30)
#define FOUR_GIB (4ULL << 30)

static GQuark loader_x86_quark(void)
{
	return g_quark_from_static_string("keel-loader-x86");
}

#define fail(err, code, ...)                                                                       \
	({                                                                                         \
		g_set_error(err, loader_x86_quark(), code, __VA_ARGS__);                           \
		-(code);                                                                           \
	})

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void wr32(uint8_t *p, uint32_t v)
{
	wr16(p, v);
	wr16(p + 2, v >> 16);
}

static void wr64(uint8_t *p, uint64_t v)
{
	wr32(p, v);
	wr32(p + 4, v >> 32);
}

bool x86_e820_is_ram(const struct x86_boot_env *env, uint64_t gpa, uint64_t len)
{
	uint64_t pos = gpa, end = gpa + len;

	if (end < gpa)
		return false;
	while (pos < end) {
		bool found = false;

		for (unsigned i = 0; i < env->e820_count; i++) {
			const struct e820_entry *e = &env->e820[i];

			if (e->type == E820_RAM && pos >= e->addr && pos - e->addr < e->size) {
				pos = e->addr + e->size;
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	return true;
}

uint64_t x86_initrd_place(const struct x86_boot_env *env, uint64_t size, uint64_t low,
			  uint64_t max_end)
{
	uint64_t best = 0;

	for (unsigned i = 0; i < env->e820_count; i++) {
		const struct e820_entry *e = &env->e820[i];
		uint64_t a = e->addr, b = e->addr + e->size, cand;

		if (e->type != E820_RAM)
			continue;
		if (b > max_end)
			b = max_end;
		if (a < low)
			a = low;
		if (b <= a || b - a < size)
			continue;
		cand = (b - size) & ~(PAGE - 1);
		if (cand >= a && cand > best)
			best = cand;
	}
	return best;
}

/* End of the RAM that is contiguous from addr (addr itself if it is not RAM). */
static uint64_t ram_end_from(const struct x86_boot_env *env, uint64_t addr)
{
	uint64_t pos = addr;

	for (;;) {
		bool found = false;

		for (unsigned i = 0; i < env->e820_count; i++) {
			const struct e820_entry *e = &env->e820[i];

			if (e->type == E820_RAM && pos >= e->addr && pos - e->addr < e->size) {
				pos = e->addr + e->size;
				found = true;
				break;
			}
		}
		if (!found)
			return pos;
	}
}

/*
 * GDT for the entry state. The guest may reload segments from it before it
 * installs its own table, so it must match the hidden state the CPU gets.
 */
static void plan_gdt(struct boot_plan *p, struct x86_boot_entry *entry, bool is_linux, bool long64)
{
	uint64_t gdt[4] = { 0 };
	const uint64_t code32 = 0x00cf9b000000ffffULL, code64 = 0x00af9b000000ffffULL;
	const uint64_t data = 0x00cf93000000ffffULL;
	unsigned n;

	if (is_linux) {
		/* Boot protocol: __BOOT_CS = 0x10, __BOOT_DS = 0x18. */
		gdt[2] = long64 ? code64 : code32;
		gdt[3] = data;
		entry->cs_sel = 0x10;
		entry->ds_sel = 0x18;
		n = 4;
	} else {
		gdt[1] = code32;
		gdt[2] = data;
		entry->cs_sel = 0x08;
		entry->ds_sel = 0x10;
		n = 3;
	}
	boot_plan_add_copy(p, "gdt", X86_BOOT_GDT, gdt, n * 8);
	entry->gdt_base = X86_BOOT_GDT;
	entry->gdt_limit = n * 8 - 1;
}

static int plan_cmdline(struct boot_plan *p, const char *cmdline, uint64_t max, GError **err)
{
	size_t len = strlen(cmdline);

	if (len > max || len >= X86_BOOT_CMDLINE_MAX)
		return fail(err, E2BIG, "kernel command line too long (%zu bytes, max %llu)", len,
			    (unsigned long long)MIN(max, X86_BOOT_CMDLINE_MAX - 1));
	boot_plan_add_copy(p, "cmdline", X86_BOOT_CMDLINE, cmdline, len + 1);
	return 0;
}

static int check_ram(const struct x86_boot_env *env, const char *what, uint64_t gpa, uint64_t len,
		     GError **err)
{
	if (!x86_e820_is_ram(env, gpa, len))
		return fail(err, ENOMEM, "%s [0x%llx-0x%llx) is not in guest RAM", what,
			    (unsigned long long)gpa, (unsigned long long)(gpa + len));
	return 0;
}

/* ELF PT_LOAD segments at their physical addresses. */
static int plan_elf_segments(struct boot_plan *p, GBytes *kernel, const struct elf_info *info,
			     const struct x86_boot_env *env, GError **err)
{
	for (unsigned i = 0; i < info->nsegs; i++) {
		const struct elf_segment *s = &info->segs[i];
		GBytes *part = NULL;
		char name[32];
		int ret;

		snprintf(name, sizeof(name), "kernel segment %u", i);
		ret = check_ram(env, name, s->paddr, s->memsz, err);
		if (ret)
			return ret;
		if (s->filesz)
			part = g_bytes_new_from_bytes(kernel, s->offset, s->filesz);
		boot_plan_add(p, name, s->paddr, part, s->memsz - s->filesz);
		if (part)
			g_bytes_unref(part);
	}
	return 0;
}

/* Linux */

static void plan_page_tables(struct boot_plan *p)
{
	/* PML4, PDPT, 4 PDs of 2 MiB pages: identity map of the low 4 GiB. */
	uint64_t *pt = g_new0(uint64_t, 6 * 512);
	uint64_t base = X86_BOOT_PGTABLE;

	pt[0] = (base + PAGE) | 3;
	for (unsigned i = 0; i < 4; i++) {
		pt[512 + i] = (base + (2 + i) * PAGE) | 3;
		for (unsigned j = 0; j < 512; j++)
			pt[(2 + i) * 512 + j] = (i * GIB + j * (2ULL << 20)) | 0x83;
	}
	boot_plan_add_copy(p, "page tables", base, pt, 6 * 512 * 8);
	g_free(pt);
}

static void zp_e820(uint8_t *zp, const struct x86_boot_env *env)
{
	unsigned n = MIN(env->e820_count, 128u);

	zp[0x1e8] = n;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = zp + 0x2d0 + i * 20;

		wr64(e, env->e820[i].addr);
		wr64(e + 8, env->e820[i].size);
		wr32(e + 16, env->e820[i].type);
	}
}

int x86_plan_bzimage(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		     GBytes *initrd, const char *cmdline, const struct x86_boot_env *env,
		     GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);
	struct bzimage_header h;
	uint8_t zp[4096] = { 0 };
	uint64_t load = X86_BOOT_KERNEL, kend, buf_end;
	bool long64;
	GBytes *part;
	int ret;

	ret = bzimage_parse(buf, size, &h, err);
	if (ret)
		return ret;
	long64 = h.xloadflags & BZIMAGE_XLF_KERNEL_64;

	/*
	 * The decompressor works in a buffer of init_size bytes at the load
	 * address, or at pref_address if a relocatable kernel moves itself up
	 * there. Keep the initrd out of both.
	 */
	kend = load + MAX((uint64_t)h.kernel_size, (uint64_t)h.init_size);
	buf_end = kend;
	if (h.pref_address > load && h.pref_address < FOUR_GIB)
		buf_end = MAX(buf_end, h.pref_address + h.init_size);
	ret = check_ram(env, "kernel", load, kend - load, err);
	if (ret)
		return ret;
	part = g_bytes_new_from_bytes(kernel, h.setup_size, h.kernel_size);
	boot_plan_add(p, "kernel", load, part, 0);
	g_bytes_unref(part);

	memcpy(zp + 0x1f1, buf + 0x1f1, h.header_end - 0x1f1);
	zp[0x210] = 0xff; /* type_of_loader: undefined */
	wr32(zp + 0x214, load); /* code32_start */
	wr64(zp + 0x070, env->rsdp); /* acpi_rsdp_addr */
	zp_e820(zp, env);

	ret = plan_cmdline(p, cmdline ? cmdline : "", h.cmdline_size, err);
	if (ret)
		return ret;
	wr32(zp + 0x228, X86_BOOT_CMDLINE);

	if (initrd) {
		uint64_t isize = g_bytes_get_size(initrd);
		uint64_t max_end = (uint64_t)(h.initrd_addr_max ? h.initrd_addr_max : 0x37ffffff) + 1;
		uint64_t at;

		max_end = MIN(max_end, FOUR_GIB);
		at = x86_initrd_place(env, isize, ALIGN_UP(buf_end, PAGE), max_end);
		if (!at)
			return fail(err, ENOMEM,
				    "initrd (%llu bytes) does not fit in guest RAM below 0x%llx",
				    (unsigned long long)isize, (unsigned long long)max_end);
		boot_plan_add(p, "initrd", at, initrd, 0);
		wr32(zp + 0x218, (uint32_t)at);
		wr32(zp + 0x21c, (uint32_t)isize);
		wr32(zp + 0x0c0, at >> 32);
		wr32(zp + 0x0c4, isize >> 32);
	}
	boot_plan_add_copy(p, "zero page", X86_BOOT_INFO, zp, sizeof(zp));

	memset(entry, 0, sizeof(*entry));
	plan_gdt(p, entry, true, long64);
	entry->rsi = X86_BOOT_INFO;
	if (long64) {
		plan_page_tables(p);
		entry->mode = X86_BOOT_LONG64;
		entry->rip = load + 0x200;
		entry->cr3 = X86_BOOT_PGTABLE;
	} else {
		entry->mode = X86_BOOT_PROTECTED32;
		entry->rip = load;
	}
	return boot_plan_check_overlap(p, err) ? 0 : -EINVAL;
}

/* Multiboot v1 */

enum {
	MBI_MEM = 1 << 0,
	MBI_CMDLINE = 1 << 2,
	MBI_MODS = 1 << 3,
	MBI_MMAP = 1 << 6,
	MBI_LOADER_NAME = 1 << 9,
};

/* Offsets in the tables page. */
#define MB_MMAP_OFF 0x000
#define MB_MMAP_MAX 100
#define MB_MODS_OFF 0xa00
#define MB_NAME_OFF 0xa20
#define MB_MODNAME_OFF 0xa40
#define MB_MODNAME_MAX (PAGE - MB_MODNAME_OFF)

static int mb_load_aout(struct boot_plan *p, GBytes *kernel, const struct multiboot_header_info *h,
			const struct x86_boot_env *env, uint64_t *image_end, GError **err)
{
	gsize size = g_bytes_get_size(kernel);
	uint64_t file_off, load_len, bss_len = 0;
	GBytes *part;
	int ret;

	if (h->header_addr < h->load_addr || h->header_addr - h->load_addr > h->offset)
		return fail(err, ENOEXEC, "bad Multiboot header addresses");
	file_off = h->offset - (h->header_addr - h->load_addr);
	if (h->load_end_addr) {
		if (h->load_end_addr < h->load_addr ||
		    h->load_end_addr - h->load_addr > size - file_off)
			return fail(err, ENOEXEC, "bad Multiboot load_end_addr");
		load_len = h->load_end_addr - h->load_addr;
	} else {
		load_len = size - file_off;
	}
	if (h->bss_end_addr) {
		if (h->bss_end_addr < h->load_addr + load_len)
			return fail(err, ENOEXEC, "bad Multiboot bss_end_addr");
		bss_len = h->bss_end_addr - (h->load_addr + load_len);
	}
	ret = check_ram(env, "kernel", h->load_addr, load_len + bss_len, err);
	if (ret)
		return ret;
	part = g_bytes_new_from_bytes(kernel, file_off, load_len);
	boot_plan_add(p, "kernel", h->load_addr, part, bss_len);
	g_bytes_unref(part);
	*image_end = h->load_addr + load_len + bss_len;
	return 0;
}

int x86_plan_multiboot(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		       const char *kernel_name, GBytes *initrd, const char *initrd_name,
		       const char *cmdline, const struct x86_boot_env *env, GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);
	struct multiboot_header_info h;
	uint8_t info[88] = { 0 };
	uint8_t *tables = g_malloc0(PAGE);
	uint64_t image_end = 0, entry_pc, lower_end, upper_end;
	uint32_t flags = MBI_MEM | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME;
	unsigned n;
	char *line;
	int ret;

	if (!multiboot_find_header(buf, size, &h)) {
		ret = fail(err, ENOEXEC, "no Multiboot header");
		goto out;
	}
	/* Bits 0-15 are requirements; we satisfy 0 (aligned modules) and 1 (memory info). */
	if (h.flags & 0xfff8) {
		ret = fail(err, ENOEXEC, "unsupported Multiboot header flags 0x%x", h.flags);
		goto out;
	}
	if (h.flags & MULTIBOOT_AOUT_KLUDGE) {
		ret = mb_load_aout(p, kernel, &h, env, &image_end, err);
		if (ret)
			goto out;
		entry_pc = h.entry_addr;
	} else {
		struct elf_info ei;

		ret = elf_parse(buf, size, &ei, err);
		if (ret)
			goto out;
		if (ei.is64) {
			ret = fail(err, ENOEXEC, "64-bit ELF Multiboot images are not supported");
			goto out;
		}
		ret = plan_elf_segments(p, kernel, &ei, env, err);
		if (ret)
			goto out;
		image_end = ei.paddr_high;
		entry_pc = ei.entry;
		/* A higher-half kernel's entry is virtual: translate it. */
		for (unsigned i = 0; i < ei.nsegs; i++) {
			const struct elf_segment *s = &ei.segs[i];

			if (ei.entry >= s->vaddr && ei.entry - s->vaddr < s->memsz) {
				entry_pc = s->paddr + (ei.entry - s->vaddr);
				break;
			}
		}
	}

	line = g_strdup_printf("%s%s%s", kernel_name ? kernel_name : "", cmdline ? " " : "",
			       cmdline ? cmdline : "");
	ret = plan_cmdline(p, line, X86_BOOT_CMDLINE_MAX - 1, err);
	g_free(line);
	if (ret)
		goto out;

	/* Memory: KiB below 640K and contiguous KiB from 1 MiB. */
	lower_end = ram_end_from(env, 0);
	upper_end = ram_end_from(env, X86_HIMEM_START);
	wr32(info + 4, MIN(lower_end, 0xa0000ULL) / 1024);
	if (upper_end > X86_HIMEM_START)
		wr32(info + 8, MIN((upper_end - X86_HIMEM_START) / 1024, 0xffffffffULL));
	wr32(info + 16, X86_BOOT_CMDLINE);

	n = MIN(env->e820_count, (unsigned)MB_MMAP_MAX);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *m = tables + MB_MMAP_OFF + i * 24;

		wr32(m, 20);
		wr64(m + 4, env->e820[i].addr);
		wr64(m + 12, env->e820[i].size);
		wr32(m + 20, env->e820[i].type);
	}
	wr32(info + 44, n * 24);
	wr32(info + 48, X86_BOOT_TABLES + MB_MMAP_OFF);

	wr32(info + 24, X86_BOOT_TABLES + MB_MODS_OFF);
	if (initrd) {
		uint64_t isize = g_bytes_get_size(initrd);
		uint64_t at = ALIGN_UP(image_end, PAGE);
		const char *mname = initrd_name ? initrd_name : "";
		size_t mlen = MIN(strlen(mname), (size_t)MB_MODNAME_MAX - 1);

		ret = check_ram(env, "initrd (Multiboot module)", at, isize, err);
		if (ret)
			goto out;
		if (at + isize > FOUR_GIB) {
			ret = fail(err, ENOMEM, "Multiboot module does not fit below 4 GiB");
			goto out;
		}
		boot_plan_add(p, "initrd", at, initrd, 0);
		wr32(tables + MB_MODS_OFF, at);
		wr32(tables + MB_MODS_OFF + 4, at + isize);
		wr32(tables + MB_MODS_OFF + 8, X86_BOOT_TABLES + MB_MODNAME_OFF);
		memcpy(tables + MB_MODNAME_OFF, mname, mlen);
		wr32(info + 20, 1);
	}
	memcpy(tables + MB_NAME_OFF, "keel", 5);
	wr32(info + 64, X86_BOOT_TABLES + MB_NAME_OFF);
	wr32(info, flags);

	boot_plan_add_copy(p, "multiboot info", X86_BOOT_INFO, info, sizeof(info));
	boot_plan_add_copy(p, "multiboot tables", X86_BOOT_TABLES, tables, PAGE);

	memset(entry, 0, sizeof(*entry));
	plan_gdt(p, entry, false, false);
	entry->mode = X86_BOOT_PROTECTED32;
	entry->rip = entry_pc;
	entry->rax = MULTIBOOT_BOOTLOADER_MAGIC;
	entry->rbx = X86_BOOT_INFO;
	ret = boot_plan_check_overlap(p, err) ? 0 : -EINVAL;
out:
	g_free(tables);
	return ret;
}

/* PVH (xen/include/public/arch-x86/hvm/start_info.h) */

#define PVH_MEMMAP_OFF 0x000
#define PVH_MEMMAP_MAX 100
#define PVH_MODS_OFF 0xa00

int x86_plan_pvh(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		 GBytes *initrd, const char *cmdline, const struct x86_boot_env *env,
		 GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);
	uint8_t si[56] = { 0 };
	uint8_t *tables;
	struct elf_info ei;
	unsigned n;
	int ret;

	ret = elf_parse(buf, size, &ei, err);
	if (ret)
		return ret;
	if (!ei.has_pvh_entry)
		return fail(err, ENOEXEC, "ELF image has no PVH entry note");
	if (ei.pvh_entry >= FOUR_GIB)
		return fail(err, ENOEXEC, "PVH entry 0x%llx is above 4 GiB",
			    (unsigned long long)ei.pvh_entry);
	ret = plan_elf_segments(p, kernel, &ei, env, err);
	if (ret)
		return ret;
	ret = plan_cmdline(p, cmdline ? cmdline : "", X86_BOOT_CMDLINE_MAX - 1, err);
	if (ret)
		return ret;

	tables = g_malloc0(PAGE);
	n = MIN(env->e820_count, (unsigned)PVH_MEMMAP_MAX);
	for (unsigned i = 0; i < n; i++) {
		uint8_t *m = tables + PVH_MEMMAP_OFF + i * 24;

		wr64(m, env->e820[i].addr);
		wr64(m + 8, env->e820[i].size);
		wr32(m + 16, env->e820[i].type);
	}
	if (initrd) {
		uint64_t isize = g_bytes_get_size(initrd);
		uint64_t at = x86_initrd_place(env, isize, ALIGN_UP(ei.paddr_high, PAGE), FOUR_GIB);

		if (!at) {
			g_free(tables);
			return fail(err, ENOMEM, "initrd (%llu bytes) does not fit in guest RAM",
				    (unsigned long long)isize);
		}
		boot_plan_add(p, "initrd", at, initrd, 0);
		wr64(tables + PVH_MODS_OFF, at);
		wr64(tables + PVH_MODS_OFF + 8, isize);
		wr32(si + 12, 1);
	}
	wr32(si, PVH_START_MAGIC);
	wr32(si + 4, 1);
	wr64(si + 16, X86_BOOT_TABLES + PVH_MODS_OFF);
	wr64(si + 24, X86_BOOT_CMDLINE);
	wr64(si + 32, env->rsdp);
	wr64(si + 40, X86_BOOT_TABLES + PVH_MEMMAP_OFF);
	wr32(si + 48, n);
	boot_plan_add_copy(p, "pvh start_info", X86_BOOT_INFO, si, sizeof(si));
	boot_plan_add_copy(p, "pvh tables", X86_BOOT_TABLES, tables, PAGE);
	g_free(tables);

	memset(entry, 0, sizeof(*entry));
	plan_gdt(p, entry, false, false);
	entry->mode = X86_BOOT_PROTECTED32;
	entry->rip = ei.pvh_entry;
	entry->rbx = X86_BOOT_INFO;
	return boot_plan_check_overlap(p, err) ? 0 : -EINVAL;
}

int x86_plan_kernel(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		    const char *kernel_name, GBytes *initrd, const char *initrd_name,
		    const char *cmdline, const struct x86_boot_env *env, GError **err)
{
	gsize size;
	const uint8_t *buf = g_bytes_get_data(kernel, &size);
	struct multiboot_header_info mh;

	if (bzimage_is_bzimage(buf, size))
		return x86_plan_bzimage(p, entry, kernel, initrd, cmdline, env, err);
	if (multiboot_find_header(buf, size, &mh))
		return x86_plan_multiboot(p, entry, kernel, kernel_name, initrd, initrd_name,
					  cmdline, env, err);
	if (elf_is_elf(buf, size))
		return x86_plan_pvh(p, entry, kernel, initrd, cmdline, env, err);
	return fail(err, ENOEXEC, "not a Linux bzImage, Multiboot or PVH ELF image");
}
