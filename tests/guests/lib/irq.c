// SPDX-License-Identifier: GPL-2.0-or-later
/* Interrupt helpers for the tiny guests (see irq.h). */
#include "irq.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
static void (*handler_fn)(void);

void irq_dispatch(void);
void irq_unexpected(void);
extern char irq_stub[], irq_unexpected_stub[];
asm(".text\n"
    "	.globl irq_window\n"
    "irq_window:\n"
    "	sti\n"
    "	mov $2000, %ecx\n"
    "1:	pause\n"
    "	loop 1b\n"
    "	cli\n"
    "	ret\n"
    /* Drop the interrupt frame (EIP, CS, EFLAGS) and return from irq_window. */
    "irq_stub:\n"
    "	pusha\n"
    "	cld\n"
    "	call irq_dispatch\n"
    "	popa\n"
    "	add $12, %esp\n"
    "	cli\n"
    "	ret\n"
    "irq_unexpected_stub:\n"
    "	call irq_unexpected\n");

void irq_dispatch(void)
{
	handler_fn();
}

void irq_unexpected(void)
{
	put_kv_str("FAIL", "unexpected interrupt or exception");
	debug_exit(2);
}

static void set_gate(unsigned vec, void *fn)
{
	uint32_t a = (uint32_t)fn;

	idt[vec] = (struct idt_gate){ a & 0xffff, 0x08, 0, 0x8e, a >> 16 };
}

void irq_init(unsigned vec, void (*handler)(void))
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	for (unsigned i = 0; i < 256; i++)
		set_gate(i, irq_unexpected_stub);
	set_gate(vec, irq_stub);
	handler_fn = handler;
	asm volatile("lidt %0" : : "m"(idtr));
	mmio_write32(LAPIC_BASE + 0xf0, 0x1ff);	/* SVR: enabled, spurious vector 0xff */
}

void irq_eoi(void)
{
	mmio_write32(LAPIC_BASE + 0xb0, 0);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC_BASE, reg);
	mmio_write32(IOAPIC_BASE + 0x10, v);
}

void ioapic_route_level(unsigned gsi, unsigned vec)
{
	ioapic_write(0x10 + 2 * gsi + 1, 0);
	ioapic_write(0x10 + 2 * gsi, vec | (1u << 15));
}
