// SPDX-License-Identifier: GPL-2.0-or-later
#include "guest.h"

#define LSR_THRE 0x20

void serial_putc(char c)
{
	/* Bounded wait: an absent UART reads as 0xff, which has THRE set. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1, c);
}

void puts(const char *s)
{
	while (*s)
		serial_putc(*s++);
}

static void put_hex_digits(uint64_t v, int digits)
{
	puts("0x");
	for (int i = digits - 1; i >= 0; i--)
		serial_putc("0123456789abcdef"[(v >> (i * 4)) & 0xf]);
}

void put_hex(uint32_t v)
{
	put_hex_digits(v, 8);
}

void put_hex64(uint64_t v)
{
	put_hex_digits(v, 16);
}

void put_dec(uint32_t v)
{
	char buf[11];
	int i = sizeof(buf);

	buf[--i] = 0;
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts(buf + i);
}

void put_kv_hex(const char *key, uint32_t v)
{
	puts(key);
	serial_putc('=');
	put_hex(v);
	serial_putc('\n');
}

void put_kv_dec(const char *key, uint32_t v)
{
	puts(key);
	serial_putc('=');
	put_dec(v);
	serial_putc('\n');
}

void put_kv_str(const char *key, const char *s)
{
	puts(key);
	puts("=<");
	puts(s);
	puts(">\n");
}

void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

void debug_exit(uint32_t value)
{
	outl(DEBUG_EXIT_PORT, value);
	halt_forever();
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *dp = d;

	while (n--)
		*dp++ = c;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

int cmdline_get(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!memcmp(p, key, klen) && p[klen] == '=') {
			size_t n = 0;

			p += klen + 1;
			while (p[n] && p[n] != ' ' && n + 1 < len) {
				buf[n] = p[n];
				n++;
			}
			buf[n] = 0;
			return 0;
		}
		while (*p && *p != ' ')
			p++;
	}
	return -1;
}

uint32_t cmdline_get_uint(const char *cmdline, const char *key, uint32_t def)
{
	char buf[16];
	uint32_t v = 0;
	const char *p = buf;

	if (cmdline_get(cmdline, key, buf, sizeof(buf)))
		return def;
	if (p[0] == '0' && p[1] == 'x') {
		for (p += 2; *p; p++) {
			char c = *p | 0x20;

			v = v * 16 + (c >= 'a' ? c - 'a' + 10 : c - '0');
		}
		return v;
	}
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return v;
}

const char *boot_cmdline(uint32_t magic, uint32_t info)
{
	if (magic == MULTIBOOT_BOOTLOADER_MAGIC) {
		const struct multiboot_info *mb = (const void *)(uintptr_t)info;

		if (mb->flags & (1 << 2))
			return (const char *)(uintptr_t)mb->cmdline;
	} else if (magic == PVH_START_MAGIC) {
		/* start_info.cmdline_paddr at offset 24 (low 32 bits suffice below 4 GiB) */
		uint32_t p = *(const uint32_t *)(uintptr_t)(info + 24);

		if (p)
			return (const char *)(uintptr_t)p;
	}
	return "";
}

void fw_cfg_read(uint16_t key, void *buf, size_t len)
{
	uint8_t *p = buf;

	outw(0x510, key);
	while (len--)
		*p++ = inb(0x511);
}

int fw_cfg_present(void)
{
	char sig[4];

	fw_cfg_read(0x00, sig, sizeof(sig));
	return !memcmp(sig, "QEMU", 4);
}

uint32_t fnv1a(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}
