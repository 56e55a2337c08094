// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reset loop: counts boots in RAM outside the image (the loader restores
 * the image on reset, not the rest of RAM), resets through the i8042
 * ("method=kbd", default) or port 0xCF9 ("method=cf9") until "boots=N"
 * boots have happened, then exits with 0x2a. Every boot checks that the
 * loader restored the image (.data and .bss as in the file) and the entry
 * registers, and dirties both before resetting.
 */
#include "guest.h"

#define PERSIST_MAGIC 0x6b65656cu /* "keel" */

struct persist {
	uint32_t magic;
	uint32_t boots;
};

static volatile uint32_t data_marker = 0x600d1234;
static volatile uint32_t bss_marker;

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	struct persist *p = (struct persist *)GUEST_PERSIST_ADDR;
	uint32_t want = cmdline_get_uint(cmdline, "boots", 3);
	char method[8] = "kbd";

	cmdline_get(cmdline, "method", method, sizeof(method));
	if (p->magic != PERSIST_MAGIC) {
		p->magic = PERSIST_MAGIC;
		p->boots = 0;
	}
	p->boots++;
	puts("boot ");
	put_dec(p->boots);
	serial_putc('\n');
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
		puts("reset: bad entry registers\n");
		return 0x3d;
	}
	if (data_marker != 0x600d1234 || bss_marker) {
		puts("reset: image not reloaded\n");
		return 0x3e;
	}
	data_marker = 0xdeadbeef;
	bss_marker = 1;
	if (p->boots >= want) {
		puts("reset: done\n");
		p->magic = 0;
		return 0x2a;
	}
	puts("reset: via ");
	puts(method);
	serial_putc('\n');
	if (!memcmp(method, "cf9", 4)) {
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);	/* SYS_RST | RST_CPU */
	} else {
		outb(0x64, 0xfe);	/* pulse the reset line */
	}
	/* The reset happens from the main loop; wait for it here. */
	halt_forever();
}
