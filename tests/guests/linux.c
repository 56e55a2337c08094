// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 64-bit part of the fake bzImage: prints what the boot loader passed in
 * boot_params (struct boot_params in Linux's bootparam.h) and exits with
 * "exit=" from the command line.
 */
#include "guest.h"

static uint32_t rd32(const uint8_t *p)
{
	return *(const uint32_t *)p;
}

static uint64_t rd64(const uint8_t *p)
{
	return *(const uint64_t *)p;
}

static void kv64(const char *key, uint64_t v)
{
	puts(key);
	serial_putc('=');
	put_hex64(v);
	serial_putc('\n');
}

uint32_t linux_main(const uint8_t *bp);
uint32_t linux_main(const uint8_t *bp)
{
	const char *cmdline = (const char *)(uintptr_t)rd32(bp + 0x228);
	uint64_t rd = rd32(bp + 0x218) | (uint64_t)rd32(bp + 0xc0) << 32;
	uint32_t rdsize = rd32(bp + 0x21c);
	uint64_t cr0, cr4;
	unsigned n = bp[0x1e8];

	asm volatile("mov %%cr0, %0; mov %%cr4, %1" : "=r"(cr0), "=r"(cr4));
	puts("linux: 64-bit entry\n");
	kv64("boot_params", (uintptr_t)bp);
	kv64("cr0", cr0);
	kv64("cr4", cr4);
	put_kv_hex("header", rd32(bp + 0x202));
	put_kv_hex("type_of_loader", bp[0x210]);
	put_kv_str("cmdline", cmdline);
	kv64("acpi_rsdp_addr", rd64(bp + 0x70));
	kv64("ramdisk_image", rd);
	put_kv_dec("ramdisk_size", rdsize);
	if (rdsize) {
		char buf[17];
		unsigned i;

		for (i = 0; i < 16 && i < rdsize; i++)
			buf[i] = ((const char *)(uintptr_t)rd)[i];
		buf[i] = 0;
		put_kv_str("ramdisk_data", buf);
	}
	put_kv_dec("e820_entries", n);
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *e = bp + 0x2d0 + i * 20;

		puts("e820 ");
		put_hex64(rd64(e));
		serial_putc(' ');
		put_hex64(rd64(e + 8));
		serial_putc(' ');
		put_dec(rd32(e + 16));
		serial_putc('\n');
	}
	return cmdline_get_uint(cmdline, "exit", 0);
}
