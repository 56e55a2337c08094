// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libvirt test guest: says it is ready on COM1, answers every letter it
 * receives with the same letter in upper case (so a console test can tell
 * the guest's answer from a local echo), and powers off through ACPI S5
 * when it sees the power button, as an OS with acpid would. It counts its
 * boots in memory the loader leaves alone, so a reset is visible on the
 * console. Serial (ISA IRQ 4) and the SCI (GSI 9, level, active high) come
 * through the IOAPIC; the guest sleeps in HLT in between. If the domain has
 * a virtio-blk-pci disk, the guest reads its sector 0 at each boot and
 * prints the checksum (polling, before the ready line).
 */
#include "guest.h"
#include "vpci-blk.h"

#define LAPIC_SVR 0xfee000f0u
#define LAPIC_EOI 0xfee000b0u
#define IOAPIC 0xfec00000u
#define SERIAL_VECTOR 0x24
#define SCI_VECTOR 0x29
#define SERIAL_GSI 4
#define SCI_GSI 9

#define PM1_STS 0x600
#define PM1_EN 0x602
#define PM1_CNT 0x604
#define PM1_PWRBTN (1u << 8)
#define PM1_CNT_SLP_EN (1u << 13)
#define SLP_TYP_S5 0	/* what Keel's \_S5 declares */
#define BOOT_MAGIC 0x6c766775u	/* "lvgu" */

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));

void serial_irq(void);
void sci_irq(void);
void unexpected_irq(void);
extern char serial_isr[], sci_isr[], unexpected_isr[];

/*
 * As in echo.c: interrupts are enabled only inside wait_irq(), and a
 * handler returns to its end instead of using IRET (a 32-bit IRET is
 * troublesome on some nested hosts).
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
    "sci_isr:\n"
    "	pusha\n"
    "	cld\n"
    "	call sci_irq\n"
    "	popa\n"
    "	add $12, %esp\n"
    "	jmp wait_irq_done\n"
    "unexpected_isr:\n"
    "	call unexpected_irq\n");

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

void serial_irq(void)
{
	while (inb(COM1 + 5) & 1) {
		uint8_t c = inb(COM1);

		if (c >= 'a' && c <= 'z')
			c -= 'a' - 'A';
		serial_putc(c);
	}
	mmio_write32(LAPIC_EOI, 0);
}

void sci_irq(void)
{
	uint16_t sts = inw(PM1_STS);

	outw(PM1_STS, sts);	/* write 1 to clear: the level drops */
	mmio_write32(LAPIC_EOI, 0);
	if (!(sts & PM1_PWRBTN))
		return;
	puts("\nlvguest: power button, powering off\n");
	outw(PM1_CNT, (SLP_TYP_S5 << 10) | PM1_CNT_SLP_EN);
	puts("lvguest: still running after S5\n");
	halt_forever();
}

void unexpected_irq(void)
{
	puts("\nlvguest: unexpected interrupt or exception\n");
	halt_forever();
}

static void set_gate(unsigned vec, void *handler)
{
	uint32_t a = (uint32_t)handler;

	idt[vec] = (struct idt_gate){ a & 0xffff, 0x08, 0, 0x8e, a >> 16 };
}

static void ioapic_route(unsigned gsi, uint32_t low)
{
	mmio_write32(IOAPIC, 0x10 + 2 * gsi + 1);
	mmio_write32(IOAPIC + 0x10, 0);		/* destination APIC 0 */
	mmio_write32(IOAPIC, 0x10 + 2 * gsi);
	mmio_write32(IOAPIC + 0x10, low);
}

/* The domain's virtio disk, if it has one: sector 0's checksum for the tier. */
static void read_disk(void)
{
	static uint8_t sector[512];
	int slot = vpci_blk_find();
	const char *why;

	if (slot < 0)
		return;
	puts("lvguest: disk slot=");
	put_dec(slot);
	if (vpci_blk_read(slot, 0xe0000000u, 0, sector, &why) < 0) {
		puts(" error: ");
		puts(why);
	} else {
		puts(" sector0_fnv=");
		put_hex(fnv1a(sector, sizeof(sector)));
	}
	puts("\n");
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	volatile uint32_t *persist = (volatile uint32_t *)GUEST_PERSIST_ADDR;
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };

	if (persist[0] != BOOT_MAGIC) {
		persist[0] = BOOT_MAGIC;
		persist[1] = 0;
	}
	persist[1]++;

	for (unsigned i = 0; i < 256; i++)
		set_gate(i, unexpected_isr);
	set_gate(SERIAL_VECTOR, serial_isr);
	set_gate(SCI_VECTOR, sci_isr);
	asm volatile("lidt %0" : : "m"(idtr));

	outb(0x21, 0xff);	/* mask the 8259s: a firmware may have set them up */
	outb(0xa1, 0xff);
	mmio_write32(LAPIC_SVR, 0x1ff);
	ioapic_route(SERIAL_GSI, SERIAL_VECTOR);		/* edge, active high */
	ioapic_route(SCI_GSI, SCI_VECTOR | (1u << 15));	/* level, active high */
	outb(COM1 + 4, 0x0b);				/* DTR, RTS, OUT2 */
	outb(COM1 + 1, 0x01);				/* receive data interrupt */
	while (inb(COM1 + 5) & 1)			/* drop stale input */
		inb(COM1);
	outw(PM1_EN, PM1_PWRBTN);	/* a press before this is still pending */

	read_disk();
	puts("lvguest: ready boot=");
	put_dec(persist[1]);
	puts("\n");
	for (;;)
		wait_irq();
	return 0;
}
