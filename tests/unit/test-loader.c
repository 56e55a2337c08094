// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Loaders: ELF/Multiboot/Linux header parsing on synthetic images (including
 * every truncation of them, for the bounds checks) and the x86 boot plans.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/loader.h"
#include "hw/i386/e820.h"
#include "target/x86/cpu.h"

#define MiB (1ULL << 20)

static void w16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void w32(uint8_t *p, uint32_t v)
{
	w16(p, v);
	w16(p + 2, v >> 16);
}

static void w64(uint8_t *p, uint64_t v)
{
	w32(p, v);
	w32(p + 4, v >> 32);
}

static uint32_t r32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t r64(const uint8_t *p)
{
	return r32(p) | (uint64_t)r32(p + 4) << 32;
}

/*
 * ELF32 executable: a code segment at 1 MiB (0x100 bytes of file data,
 * 0x1000 in memory), an optional Multiboot header in it, an optional PVH note.
 */
#define ELF_SIZE 0x400
#define ELF_SEG_OFF 0x100

static uint8_t *make_elf32(size_t *size, bool multiboot, int pvh_descsz)
{
	uint8_t *b = calloc(1, ELF_SIZE);
	uint8_t *ph = b + 52;

	memcpy(b, "\177ELF", 4);
	b[4] = 1; /* ELFCLASS32 */
	b[5] = 1; /* little endian */
	b[6] = 1;
	w16(b + 16, 2);	 /* ET_EXEC */
	w16(b + 18, 3);	 /* EM_386 */
	w32(b + 24, 0x100010);
	w32(b + 28, 52); /* phoff */
	w16(b + 42, 32); /* phentsize */
	w16(b + 44, pvh_descsz ? 2 : 1);
	w32(ph, 1);	 /* PT_LOAD */
	w32(ph + 4, ELF_SEG_OFF);
	w32(ph + 8, 0x100000);
	w32(ph + 12, 0x100000);
	w32(ph + 16, 0x100);
	w32(ph + 20, 0x1000);
	if (multiboot) {
		uint8_t *h = b + ELF_SEG_OFF;

		w32(h, MULTIBOOT_HEADER_MAGIC);
		w32(h + 4, 3);
		w32(h + 8, -(MULTIBOOT_HEADER_MAGIC + 3));
	}
	if (pvh_descsz) {
		uint8_t *n = b + 0x300;

		ph += 32;
		w32(ph, 4); /* PT_NOTE */
		w32(ph + 4, 0x300);
		w32(ph + 16, 12 + 4 + pvh_descsz);
		w32(n, 4);
		w32(n + 4, pvh_descsz);
		w32(n + 8, 18);
		memcpy(n + 12, "Xen", 4);
		if (pvh_descsz == 8)
			w64(n + 16, 0x100020);
		else
			w32(n + 16, 0x100020);
	}
	*size = ELF_SIZE;
	return b;
}

/* bzImage: boot sector + 1 setup sector, then a 0x800 byte protected-mode part. */
#define BZ_SETUP 0x400
#define BZ_SIZE (BZ_SETUP + 0x800)

static uint8_t *make_bzimage(size_t *size, uint16_t version, bool long64)
{
	uint8_t *b = calloc(1, BZ_SIZE);

	b[0x1f1] = 1; /* setup_sects */
	b[0x201] = 0x66; /* jump: header ends at 0x268 */
	w32(b + 0x202, BZIMAGE_HDRS_MAGIC);
	w16(b + 0x206, version);
	b[0x211] = 1; /* LOADED_HIGH */
	w32(b + 0x22c, 0x37ffffff);
	w32(b + 0x230, 2 * MiB);
	b[0x234] = 1;
	w16(b + 0x236, long64 ? BZIMAGE_XLF_KERNEL_64 : 0);
	w32(b + 0x238, 2047);
	w64(b + 0x258, 16 * MiB);
	w32(b + 0x260, 0x100000);
	memset(b + BZ_SETUP, 0xcc, BZ_SIZE - BZ_SETUP);
	*size = BZ_SIZE;
	return b;
}

/* A machine with 64 MiB: the usual low RAM, the hole, RAM from 1 MiB. */
static const struct e820_entry map64[] = {
	{ 0, X86_LOWMEM_END, E820_RAM },
	{ X86_LOWMEM_END, X86_HIMEM_START - X86_LOWMEM_END, E820_RESERVED },
	{ X86_HIMEM_START, 63 * MiB, E820_RAM },
};
static const struct x86_boot_env env64 = { map64, 3, 0xf0000 };

static GBytes *elf_bytes(bool multiboot, int pvh_descsz)
{
	size_t size;
	uint8_t *b = make_elf32(&size, multiboot, pvh_descsz);

	return g_bytes_new_take(b, size);
}

static GBytes *bz_bytes(uint16_t version, bool long64)
{
	size_t size;
	uint8_t *b = make_bzimage(&size, version, long64);

	return g_bytes_new_take(b, size);
}

START_TEST(test_elf_parse)
{
	size_t size;
	uint8_t *b = make_elf32(&size, false, 0);
	struct elf_info ei;
	GError *err = NULL;

	ck_assert(elf_is_elf(b, size));
	ck_assert_int_eq(elf_parse(b, size, &ei, &err), 0);
	ck_assert(!ei.is64);
	ck_assert_uint_eq(ei.machine, 3);
	ck_assert_uint_eq(ei.entry, 0x100010);
	ck_assert_uint_eq(ei.nsegs, 1);
	ck_assert_uint_eq(ei.paddr_low, 0x100000);
	ck_assert_uint_eq(ei.paddr_high, 0x101000);
	ck_assert(!ei.has_pvh_entry);
	free(b);
}
END_TEST

START_TEST(test_elf_pvh_note)
{
	int descsz = _i ? 8 : 4;
	size_t size;
	uint8_t *b = make_elf32(&size, false, descsz);
	struct elf_info ei;

	ck_assert_int_eq(elf_parse(b, size, &ei, NULL), 0);
	ck_assert(ei.has_pvh_entry);
	ck_assert_uint_eq(ei.pvh_entry, 0x100020);
	free(b);
}
END_TEST

START_TEST(test_elf_bad)
{
	size_t size;
	uint8_t *b = make_elf32(&size, false, 4);
	struct elf_info ei;
	GError *err = NULL;

	/* Every truncation parses or fails cleanly (ASan checks the reads). */
	for (size_t n = 0; n <= size; n++) {
		uint8_t *copy = g_memdup2(b, n ? n : 1);

		if (elf_parse(copy, n, &ei, NULL) == 0)
			ck_assert(n >= ELF_SEG_OFF + 0x100);
		g_free(copy);
	}
	w32(b + 52 + 16, 0x2000); /* filesz > memsz and beyond the file */
	ck_assert_int_lt(elf_parse(b, size, &ei, &err), 0);
	ck_assert(strstr(err->message, "segment"));
	g_clear_error(&err);
	w32(b + 52 + 16, 0x100);
	w32(b + 28, 0xfffffff0); /* phoff out of the file */
	ck_assert_int_lt(elf_parse(b, size, &ei, &err), 0);
	g_clear_error(&err);
	w32(b + 28, 52);
	b[4] = 3; /* bad class */
	ck_assert_int_lt(elf_parse(b, size, &ei, &err), 0);
	g_clear_error(&err);
	ck_assert(!elf_is_elf((const uint8_t *)"\177EL", 3));
	free(b);
}
END_TEST

START_TEST(test_elf64_pvh)
{
	/* vmlinux-like: vaddr in the high half, paddr at 16 MiB, PVH note. */
	uint8_t *b = calloc(1, 0x400);
	uint8_t *ph = b + 64, *n = b + 0x300;
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	struct elf_info ei;
	GError *err = NULL;
	GBytes *k;

	memcpy(b, "\177ELF", 4);
	b[4] = 2;
	b[5] = 1;
	w16(b + 16, 2);
	w16(b + 18, 62);
	w64(b + 24, 0xffffffff81000000ULL);
	w64(b + 32, 64);	/* phoff */
	w16(b + 54, 56);	/* phentsize */
	w16(b + 56, 2);
	w32(ph, 1);
	w64(ph + 8, 0x200);	/* offset */
	w64(ph + 16, 0xffffffff81000000ULL);
	w64(ph + 24, 16 * MiB);
	w64(ph + 32, 0x100);
	w64(ph + 40, 0x2000);
	ph += 56;
	w32(ph, 4);
	w64(ph + 8, 0x300);
	w64(ph + 32, 24);
	w32(n, 4);
	w32(n + 4, 8);
	w32(n + 8, 18);
	memcpy(n + 12, "Xen", 4);
	w64(n + 16, 16 * MiB + 0x40);
	b[0x200] = 0x77;
	ck_assert_int_eq(elf_parse(b, 0x400, &ei, &err), 0);
	ck_assert(ei.is64);
	ck_assert_uint_eq(ei.machine, 62);
	ck_assert_uint_eq(ei.segs[0].paddr, 16 * MiB);
	ck_assert_uint_eq(ei.segs[0].vaddr, 0xffffffff81000000ULL);
	ck_assert_uint_eq(ei.paddr_high, 16 * MiB + 0x2000);
	ck_assert(ei.has_pvh_entry);
	ck_assert_uint_eq(ei.pvh_entry, 16 * MiB + 0x40);
	k = g_bytes_new_take(b, 0x400);
	ck_assert_int_eq(x86_plan_kernel(p, &e, k, "vmlinux", NULL, NULL, NULL, &env64, &err), 0);
	ck_assert_uint_eq(e.rip, 16 * MiB + 0x40);
	ck_assert_uint_eq(*boot_plan_peek(p, 16 * MiB, 1), 0x77);
	ck_assert_uint_eq(boot_plan_find(p, 16 * MiB)->zero_len, 0x1f00);
	boot_plan_free(p);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_multiboot_header)
{
	uint8_t *b = calloc(1, 16384);
	struct multiboot_header_info h;

	ck_assert(!multiboot_find_header(b, 16384, &h));
	w32(b + 0x40, MULTIBOOT_HEADER_MAGIC);
	w32(b + 0x44, 3);
	w32(b + 0x48, -(MULTIBOOT_HEADER_MAGIC + 2)); /* bad checksum */
	ck_assert(!multiboot_find_header(b, 16384, &h));
	w32(b + 0x48, -(MULTIBOOT_HEADER_MAGIC + 3));
	ck_assert(multiboot_find_header(b, 16384, &h));
	ck_assert_uint_eq(h.offset, 0x40);
	ck_assert_uint_eq(h.flags, 3);
	ck_assert(!multiboot_find_header(b, 0x4b, &h)); /* header cut short */
	memset(b, 0, 16384);
	w32(b + 8192, MULTIBOOT_HEADER_MAGIC); /* beyond the search window */
	w32(b + 8196, 0);
	w32(b + 8200, -MULTIBOOT_HEADER_MAGIC);
	ck_assert(!multiboot_find_header(b, 16384, &h));
	free(b);
}
END_TEST

START_TEST(test_bzimage_parse)
{
	size_t size;
	uint8_t *b = make_bzimage(&size, 0x020f, true);
	struct bzimage_header h;
	GError *err = NULL;

	ck_assert(bzimage_is_bzimage(b, size));
	ck_assert_int_eq(bzimage_parse(b, size, &h, &err), 0);
	ck_assert_uint_eq(h.setup_size, BZ_SETUP);
	ck_assert_uint_eq(h.kernel_size, BZ_SIZE - BZ_SETUP);
	ck_assert_uint_eq(h.header_end, 0x268);
	ck_assert_uint_eq(h.cmdline_size, 2047);
	ck_assert(h.xloadflags & BZIMAGE_XLF_KERNEL_64);
	ck_assert_uint_eq(h.pref_address, 16 * MiB);
	b[0x1f1] = 0; /* 0 means 4 */
	ck_assert_int_eq(bzimage_parse(b, size, &h, NULL), 0);
	ck_assert_uint_eq(h.setup_size, 5 * 512);
	w16(b + 0x206, 0x0204);
	ck_assert_int_lt(bzimage_parse(b, size, &h, &err), 0);
	ck_assert(strstr(err->message, "too old"));
	g_clear_error(&err);
	for (size_t n = 0; n < 0x600; n++)
		bzimage_parse(b, n, &h, NULL);
	free(b);
}
END_TEST

START_TEST(test_initrd_place)
{
	ck_assert_uint_eq(x86_initrd_place(&env64, MiB, 2 * MiB, 4ULL << 30), 63 * MiB);
	/* Capped by initrd_addr_max, page aligned down. */
	ck_assert_uint_eq(x86_initrd_place(&env64, 0x1800, 2 * MiB, 32 * MiB), 32 * MiB - 0x2000);
	/* Too big, or no room above low. */
	ck_assert_uint_eq(x86_initrd_place(&env64, 64 * MiB, 2 * MiB, 4ULL << 30), 0);
	ck_assert_uint_eq(x86_initrd_place(&env64, MiB, 63 * MiB + 1, 4ULL << 30), 0);
	ck_assert(x86_e820_is_ram(&env64, 0x100000, 63 * MiB));
	ck_assert(!x86_e820_is_ram(&env64, 0x9f000, 0x2000));
	ck_assert(!x86_e820_is_ram(&env64, 64 * MiB - 1, 2));
}
END_TEST

START_TEST(test_plan_multiboot)
{
	size_t size;
	GBytes *k = elf_bytes(true, 0);
	GBytes *initrd = g_bytes_new_static("MODULE", 6);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;
	const uint8_t *mbi, *mod;

	ck_assert_int_eq(x86_plan_kernel(p, &e, k, "guest.elf", initrd, "initrd.img", "a=1 b",
					 &env64, &err), 0);
	ck_assert_uint_eq(e.mode, X86_BOOT_PROTECTED32);
	ck_assert_uint_eq(e.rax, MULTIBOOT_BOOTLOADER_MAGIC);
	ck_assert_uint_eq(e.rbx, X86_BOOT_INFO);
	ck_assert_uint_eq(e.rip, 0x100010);
	ck_assert_uint_eq(e.gdt_base, X86_BOOT_GDT);
	mbi = boot_plan_peek(p, e.rbx, 88);
	ck_assert_ptr_nonnull(mbi);
	ck_assert_uint_eq(r32(mbi) & 0x24d, 0x24d); /* mem, cmdline, mods, mmap, name */
	ck_assert_uint_eq(r32(mbi + 4), 639);
	ck_assert_uint_eq(r32(mbi + 8), 63 * 1024);
	ck_assert_str_eq((const char *)boot_plan_peek(p, r32(mbi + 16), 16), "guest.elf a=1 b");
	ck_assert_uint_eq(r32(mbi + 20), 1);
	mod = boot_plan_peek(p, r32(mbi + 24), 16);
	ck_assert_uint_eq(r32(mod), 0x101000); /* page aligned after the image */
	ck_assert_uint_eq(r32(mod + 4), 0x101006);
	ck_assert_str_eq((const char *)boot_plan_peek(p, r32(mod + 8), 11), "initrd.img");
	ck_assert_mem_eq(boot_plan_peek(p, 0x101000, 6), "MODULE", 6);
	ck_assert_uint_eq(r32(mbi + 44), 3 * 24);
	ck_assert_uint_eq(r64(boot_plan_peek(p, r32(mbi + 48) + 4, 8)), 0);
	ck_assert_uint_eq(r32(boot_plan_peek(p, r32(mbi + 48) + 2 * 24 + 20, 4)), E820_RAM);
	/* The segment's bss is part of the plan (zeroed on every reset). */
	ck_assert_uint_eq(boot_plan_find(p, 0x100100)->zero_len, 0xf00);
	boot_plan_free(p);

	/* A segment outside RAM is an error, not a crash. */
	p = boot_plan_new();
	{
		uint8_t *b = make_elf32(&size, true, 0);
		GBytes *k2;

		w32(b + 52 + 12, 0x9f000);
		k2 = g_bytes_new_take(b, size);
		ck_assert_int_lt(x86_plan_multiboot(p, &e, k2, "k", NULL, NULL, NULL, &env64, &err),
				 0);
		ck_assert(strstr(err->message, "not in guest RAM"));
		g_clear_error(&err);
		g_bytes_unref(k2);
	}
	boot_plan_free(p);
	g_bytes_unref(initrd);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_plan_multiboot_overlap)
{
	size_t size;
	uint8_t *b = make_elf32(&size, true, 0);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;
	GBytes *k;

	w32(b + 52 + 12, 0x2000); /* onto the info block */
	k = g_bytes_new_take(b, size);
	ck_assert_int_lt(x86_plan_multiboot(p, &e, k, "k", NULL, NULL, NULL, &env64, &err), 0);
	ck_assert(strstr(err->message, "overlaps"));
	g_clear_error(&err);
	boot_plan_free(p);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_plan_multiboot_aout)
{
	/* Flat image with the a.out kludge: header at 0x20, loaded at 2 MiB. */
	uint8_t *b = calloc(1, 0x1000);
	uint32_t flags = MULTIBOOT_AOUT_KLUDGE | 2;
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;
	GBytes *k;
	const struct boot_blob *blob;

	w32(b + 0x20, MULTIBOOT_HEADER_MAGIC);
	w32(b + 0x24, flags);
	w32(b + 0x28, -(MULTIBOOT_HEADER_MAGIC + flags));
	w32(b + 0x2c, 0x200020);	/* header_addr */
	w32(b + 0x30, 0x200000);	/* load_addr */
	w32(b + 0x34, 0x200800);	/* load_end_addr */
	w32(b + 0x38, 0x203000);	/* bss_end_addr */
	w32(b + 0x3c, 0x200040);	/* entry_addr */
	b[0x7ff] = 0x5a;
	k = g_bytes_new_take(b, 0x1000);
	ck_assert_int_eq(x86_plan_kernel(p, &e, k, "k", NULL, NULL, NULL, &env64, &err), 0);
	ck_assert_uint_eq(e.rip, 0x200040);
	blob = boot_plan_find(p, 0x200000);
	ck_assert_uint_eq(g_bytes_get_size(blob->data), 0x800);
	ck_assert_uint_eq(blob->zero_len, 0x2800);
	ck_assert_uint_eq(*boot_plan_peek(p, 0x2007ff, 1), 0x5a);
	boot_plan_free(p);

	/* load_end_addr past the end of the file. */
	g_bytes_unref(k);
	{
		uint8_t *c = calloc(1, 0x100);

		w32(c, MULTIBOOT_HEADER_MAGIC);
		w32(c + 4, flags);
		w32(c + 8, -(MULTIBOOT_HEADER_MAGIC + flags));
		w32(c + 12, 0x200000);
		w32(c + 16, 0x200000);
		w32(c + 20, 0x300000);
		w32(c + 28, 0x200000);
		k = g_bytes_new_take(c, 0x100);
		p = boot_plan_new();
		ck_assert_int_lt(x86_plan_kernel(p, &e, k, "k", NULL, NULL, NULL, &env64, &err), 0);
		ck_assert(strstr(err->message, "load_end_addr"));
		g_clear_error(&err);
		boot_plan_free(p);
		g_bytes_unref(k);
	}
}
END_TEST

START_TEST(test_plan_pvh)
{
	GBytes *k = elf_bytes(false, 4);
	GBytes *initrd = g_bytes_new_static("INITRD", 6);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	const uint8_t *si, *mod;

	ck_assert_int_eq(x86_plan_kernel(p, &e, k, "k", initrd, "i", "console=ttyS0", &env64,
					 NULL), 0);
	ck_assert_uint_eq(e.mode, X86_BOOT_PROTECTED32);
	ck_assert_uint_eq(e.rip, 0x100020);
	ck_assert_uint_eq(e.rbx, X86_BOOT_INFO);
	si = boot_plan_peek(p, e.rbx, 56);
	ck_assert_uint_eq(r32(si), PVH_START_MAGIC);
	ck_assert_uint_eq(r32(si + 4), 1);
	ck_assert_uint_eq(r32(si + 12), 1);
	ck_assert_str_eq((const char *)boot_plan_peek(p, r64(si + 24), 14), "console=ttyS0");
	ck_assert_uint_eq(r64(si + 32), 0xf0000);
	ck_assert_uint_eq(r32(si + 48), 3);
	mod = boot_plan_peek(p, r64(si + 16), 32);
	ck_assert_uint_eq(r64(mod + 8), 6);
	ck_assert_uint_eq(r64(mod) % 4096, 0);
	ck_assert_uint_ge(r64(mod), 0x101000);
	ck_assert_uint_le(r64(mod) + 6, 64 * MiB);
	boot_plan_free(p);
	g_bytes_unref(initrd);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_plan_bzimage)
{
	GBytes *k = bz_bytes(0x020f, true);
	GBytes *initrd = g_bytes_new_static("RAMDISK", 7);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;
	const uint8_t *zp, *pt;
	uint64_t rd;

	ck_assert_int_eq(x86_plan_kernel(p, &e, k, "k", initrd, "i", "root=/dev/vda", &env64,
					 &err), 0);
	ck_assert_uint_eq(e.mode, X86_BOOT_LONG64);
	ck_assert_uint_eq(e.rip, 0x100200);
	ck_assert_uint_eq(e.rsi, X86_BOOT_INFO);
	ck_assert_uint_eq(e.cr3, X86_BOOT_PGTABLE);
	ck_assert_uint_eq(e.cs_sel, 0x10);
	ck_assert_uint_eq(e.ds_sel, 0x18);
	ck_assert_uint_eq(r64(boot_plan_peek(p, X86_BOOT_GDT + 16, 8)), 0x00af9b000000ffffULL);
	zp = boot_plan_peek(p, X86_BOOT_INFO, 4096);
	ck_assert_uint_eq(r32(zp + 0x202), BZIMAGE_HDRS_MAGIC);
	ck_assert_uint_eq(zp[0x210], 0xff);
	ck_assert_uint_eq(r64(zp + 0x70), 0xf0000);
	ck_assert_str_eq((const char *)boot_plan_peek(p, r32(zp + 0x228), 14), "root=/dev/vda");
	ck_assert_uint_eq(zp[0x1e8], 3);
	ck_assert_uint_eq(r64(zp + 0x2d0 + 2 * 20), X86_HIMEM_START);
	rd = r32(zp + 0x218);
	ck_assert_uint_eq(r32(zp + 0x21c), 7);
	ck_assert_uint_eq(rd % 4096, 0);
	/* Above the decompression buffer at pref_address, below RAM top. */
	ck_assert_uint_ge(rd, 17 * MiB);
	ck_assert_uint_le(rd + 7, 64 * MiB);
	ck_assert_mem_eq(boot_plan_peek(p, rd, 7), "RAMDISK", 7);
	ck_assert_uint_eq(*boot_plan_peek(p, 0x100000, 1), 0xcc);
	/* Identity map: PML4 -> PDPT -> PD, 2 MiB pages. */
	pt = boot_plan_peek(p, X86_BOOT_PGTABLE, 6 * 4096);
	ck_assert_uint_eq(r64(pt), (X86_BOOT_PGTABLE + 0x1000) | 3);
	ck_assert_uint_eq(r64(pt + 0x1000 + 3 * 8), (X86_BOOT_PGTABLE + 0x5000) | 3);
	ck_assert_uint_eq(r64(pt + 0x5000 + 511 * 8), (4ULL << 30) - 2 * MiB + 0x83);
	boot_plan_free(p);

	/* Command line longer than cmdline_size. */
	p = boot_plan_new();
	{
		char *longline = g_strnfill(3000, 'x');

		ck_assert_int_lt(x86_plan_bzimage(p, &e, k, NULL, longline, &env64, &err), 0);
		ck_assert(strstr(err->message, "command line too long"));
		g_clear_error(&err);
		g_free(longline);
	}
	boot_plan_free(p);
	g_bytes_unref(initrd);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_plan_bzimage_32bit_and_big_initrd)
{
	GBytes *k = bz_bytes(0x020a, false);
	GBytes *initrd = g_bytes_new(NULL, 0);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;
	uint8_t *big;
	GBytes *bigrd;

	ck_assert_int_eq(x86_plan_bzimage(p, &e, k, initrd, NULL, &env64, &err), 0);
	ck_assert_uint_eq(e.mode, X86_BOOT_PROTECTED32);
	ck_assert_uint_eq(e.rip, 0x100000);
	ck_assert_uint_eq(e.rsi, X86_BOOT_INFO);
	boot_plan_free(p);

	big = g_malloc0(60 * MiB);
	bigrd = g_bytes_new_take(big, 60 * MiB);
	p = boot_plan_new();
	ck_assert_int_lt(x86_plan_bzimage(p, &e, k, bigrd, NULL, &env64, &err), 0);
	ck_assert(strstr(err->message, "initrd"));
	g_clear_error(&err);
	boot_plan_free(p);
	g_bytes_unref(bigrd);
	g_bytes_unref(initrd);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_plan_junk)
{
	GBytes *k = g_bytes_new_static("not a kernel at all", 19);
	GBytes *empty = g_bytes_new(NULL, 0);
	struct boot_plan *p = boot_plan_new();
	struct x86_boot_entry e;
	GError *err = NULL;

	ck_assert_int_lt(x86_plan_kernel(p, &e, k, "k", NULL, NULL, NULL, &env64, &err), 0);
	ck_assert(strstr(err->message, "not a Linux bzImage, Multiboot or PVH"));
	g_clear_error(&err);
	ck_assert_int_lt(x86_plan_kernel(p, &e, empty, "k", NULL, NULL, NULL, &env64, &err), 0);
	g_clear_error(&err);
	boot_plan_free(p);
	g_bytes_unref(empty);
	g_bytes_unref(k);
}
END_TEST

START_TEST(test_read_file)
{
	char path[] = "/tmp/keel-test-loader-XXXXXX";
	int fd = mkstemp(path);
	GError *err = NULL;
	GBytes *b;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "12345", 5), 5);
	close(fd);
	b = loader_read_file(path, 0, &err);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(g_bytes_get_size(b), 5);
	g_bytes_unref(b);
	ck_assert_ptr_null(loader_read_file(path, 4, &err));
	ck_assert(strstr(err->message, "too large"));
	g_clear_error(&err);
	unlink(path);
	ck_assert_ptr_null(loader_read_file(path, 0, &err));
	ck_assert(strstr(err->message, path));
	ck_assert(strstr(err->message, "No such file"));
	g_clear_error(&err);
	ck_assert_ptr_null(loader_read_file("/tmp", 0, &err));
	g_clear_error(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("loader");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_elf_parse);
	tcase_add_loop_test(tc, test_elf_pvh_note, 0, 2);
	tcase_add_test(tc, test_elf_bad);
	tcase_add_test(tc, test_elf64_pvh);
	tcase_add_test(tc, test_multiboot_header);
	tcase_add_test(tc, test_bzimage_parse);
	tcase_add_test(tc, test_initrd_place);
	tcase_add_test(tc, test_plan_multiboot);
	tcase_add_test(tc, test_plan_multiboot_overlap);
	tcase_add_test(tc, test_plan_multiboot_aout);
	tcase_add_test(tc, test_plan_pvh);
	tcase_add_test(tc, test_plan_bzimage);
	tcase_add_test(tc, test_plan_bzimage_32bit_and_big_initrd);
	tcase_add_test(tc, test_plan_junk);
	tcase_add_test(tc, test_read_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
