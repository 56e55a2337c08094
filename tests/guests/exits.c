// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest-triggered exits for the exit-coverage tests. The command line picks
 * one: "do=triple" (interrupt with an empty IDT: #GP, #DF, triple fault),
 * "do=s5" (ACPI sleep S5 through PM1a_CNT), "do=badinsn" (an x87 load from
 * MMIO, which KVM's emulator cannot do: internal error). It prints
 * "exits: boot N" first, N counted in RAM that a reset does not clear.
 */
#include "guest.h"

static const struct {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed)) null_idt;

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	volatile uint32_t *boots = (volatile uint32_t *)GUEST_PERSIST_ADDR;
	char what[16];

	*boots += 1;
	puts("exits: boot ");
	put_dec(*boots);
	serial_putc('\n');
	if (cmdline_get(cmdline, "do", what, sizeof(what)) < 0)
		return 1;
	if (!memcmp(what, "triple", 7)) {
		__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	} else if (!memcmp(what, "s5", 3)) {
		outw(0x604, 0x2000); /* SLP_EN | SLP_TYP 0 (our \_S5) */
	} else if (!memcmp(what, "badinsn", 8)) {
		__asm__ volatile("fldl 0xff000000" : : : "memory"); /* pc-testdev iomem */
	}
	for (;;)
		__asm__ volatile("hlt");
}
