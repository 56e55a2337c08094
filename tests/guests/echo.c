// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Serial input echo. COM1's receive interrupt (ISA IRQ 4) is routed through
 * the IOAPIC to vector 0x24; the handler echoes every byte. 'q' ends the
 * guest with status 0. "mode=poll" on the command line polls LSR instead.
 */
#include "guest.h"

#define LAPIC_SVR 0xfee000f0u
#define LAPIC_EOI 0xfee000b0u
#define IOAPIC 0xfec00000u
#define SERIAL_VECTOR 0x24

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
static volatile int done;
static volatile uint32_t received;

void serial_irq(void);
void unexpected_irq(void);
extern char serial_isr[], unexpected_isr[];

/*
 * Interrupts are enabled only inside wait_irq(), so the handler always
 * interrupts it and can return straight to its end, dropping the interrupt
 * frame, instead of using IRET: on hosts running kvm_pvm a 32-bit IRET
 * failed with a KVM emulation error.
 */
void wait_irq(void);
asm(".text\n"
    "wait_irq:\n"
    "	sti\n"
    "	hlt\n"
    "wait_irq_done:\n"
    "	cli\n"
    "	ret\n"
    "serial_isr:\n"
    "	pusha\n"
    "	cld\n"
    "	call serial_irq\n"
    "	popa\n"
    "	add $12, %esp\n"
    "	jmp wait_irq_done\n"
    "unexpected_isr:\n"
    "	call unexpected_irq\n");

static void handle(uint8_t c)
{
	received++;
	serial_putc(c);
	if (c == 'q')
		done = 1;
}

void serial_irq(void)
{
	while (inb(COM1 + 5) & 1)
		handle(inb(COM1));
	mmio_write32(LAPIC_EOI, 0);
}

void unexpected_irq(void)
{
	puts("\necho: unexpected interrupt or exception\n");
	debug_exit(3);
}

static void set_gate(unsigned vec, void *handler)
{
	uint32_t a = (uint32_t)handler;

	idt[vec] = (struct idt_gate){ a & 0xffff, 0x08, 0, 0x8e, a >> 16 };
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	char buf[8];
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	if (!cmdline_get(cmdline, "mode", buf, sizeof(buf)) && !memcmp(buf, "poll", 5)) {
		puts("echo: ready (poll)\n");
		while (!done)
			if (inb(COM1 + 5) & 1)
				handle(inb(COM1));
		puts("\necho: bye\n");
		return 0;
	}
	for (unsigned i = 0; i < 256; i++)
		set_gate(i, unexpected_isr);
	set_gate(SERIAL_VECTOR, serial_isr);
	asm volatile("lidt %0" : : "m"(idtr));

	mmio_write32(LAPIC_SVR, 0x1ff);
	ioapic_write(0x10 + 2 * 4 + 1, 0);		/* destination APIC 0 */
	ioapic_write(0x10 + 2 * 4, SERIAL_VECTOR);	/* fixed, edge, high, unmasked */
	outb(COM1 + 4, 0x0b);				/* DTR, RTS, OUT2 */
	outb(COM1 + 1, 0x01);				/* receive data interrupt */
	while (inb(COM1 + 5) & 1)			/* drop stale input */
		inb(COM1);
	puts("echo: ready\n");
	while (!done)
		wait_irq();
	outb(COM1 + 1, 0);
	puts("\necho: bye (");
	put_dec(received);
	puts(" bytes)\n");
	return 0;
}
