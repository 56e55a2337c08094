// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Multiboot entry check: prints the entry registers and the info block
 * (memory, command line, the module and the memory map) as key=value lines.
 */
#include "guest.h"

static void print_module(const struct multiboot_mod *m)
{
	const char *data = (const char *)m->mod_start;
	char buf[65];
	uint32_t n = m->mod_end - m->mod_start;

	put_kv_hex("mod0.start", m->mod_start);
	put_kv_hex("mod0.end", m->mod_end);
	put_kv_str("mod0.string", m->string ? (const char *)m->string : "");
	if (n > 64)
		n = 64;
	for (uint32_t i = 0; i < n; i++)
		buf[i] = data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '.';
	buf[n] = 0;
	put_kv_str("mod0.data", buf);
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const struct multiboot_info *mb = (const void *)info;

	put_kv_hex("eax", magic);
	put_kv_hex("ebx", info);
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		puts("mbinfo: bad magic\n");
		return 1;
	}
	put_kv_hex("flags", mb->flags);
	if (mb->flags & 1) {
		put_kv_dec("mem_lower", mb->mem_lower);
		put_kv_dec("mem_upper", mb->mem_upper);
	}
	if (mb->flags & (1 << 2))
		put_kv_str("cmdline", (const char *)mb->cmdline);
	if (mb->flags & (1 << 3)) {
		put_kv_dec("mods_count", mb->mods_count);
		if (mb->mods_count)
			print_module((const void *)mb->mods_addr);
	}
	if (mb->flags & (1 << 6)) {
		uint32_t p = mb->mmap_addr, end = mb->mmap_addr + mb->mmap_length;

		while (p < end) {
			const struct multiboot_mmap *m = (const void *)p;

			puts("mmap ");
			put_hex64(m->addr);
			serial_putc(' ');
			put_hex64(m->len);
			serial_putc(' ');
			put_dec(m->type);
			serial_putc('\n');
			p += m->size + 4;
		}
	}
	if (mb->flags & (1 << 9))
		put_kv_str("loader", (const char *)mb->boot_loader_name);
	puts("mbinfo: done\n");
	return 0;
}
