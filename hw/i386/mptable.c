// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MP tables (Intel MP Specification 1.4): the processors, one ISA bus, the
 * IOAPIC, the ISA interrupts (IRQ0 on pin 2, like the MADT's override), and
 * ExtINT/NMI on every LAPIC's LINT0/LINT1. Linux uses them only when it
 * does not use ACPI.
 */
#include <string.h>

#include "hw/i386/acpi.h"
#include "hw/i386/mptable.h"

#define FLOAT_LEN 16
#define HDR_LEN 44
#define CPU_LEN 20
#define ENTRY_LEN 8

enum { MP_CPU = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_IOINT = 3, MP_LINT = 4 };
enum { MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3 };

#define MP_LAPIC_VERSION 0x14
#define MP_IOAPIC_VERSION 0x11
#define MP_IOAPIC_ID 0	/* as in the MADT and the in-kernel IOAPIC's ID register */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static uint8_t *put_int(uint8_t *p, uint8_t type, uint8_t kind, uint8_t src_irq,
			uint8_t dst_id, uint8_t dst_pin)
{
	p[0] = type;
	p[1] = kind;
	put16(p + 2, 0);	/* conforming polarity and trigger */
	p[4] = 0;		/* source bus: ISA */
	p[5] = src_irq;
	p[6] = dst_id;
	p[7] = dst_pin;
	return p + ENTRY_LEN;
}

size_t mptable_build(uint8_t *buf, size_t cap, uint64_t base, unsigned ncpus)
{
	unsigned nirq = 15; /* ISA IRQs 0-15 but the cascade (2) */
	unsigned entries = ncpus + 1 + 1 + nirq + 2;
	size_t table_len = HDR_LEN + ncpus * CPU_LEN + (entries - ncpus) * ENTRY_LEN;
	size_t len = FLOAT_LEN + table_len;
	uint8_t *fp = buf, *t = buf + FLOAT_LEN, *p;

	if (!ncpus || ncpus > 255 || len > cap || (base & 15) || base + len > UINT32_MAX)
		return 0;
	memset(buf, 0, len);

	p = t + HDR_LEN;
	for (unsigned i = 0; i < ncpus; i++, p += CPU_LEN) {
		p[0] = MP_CPU;
		p[1] = i;			/* LAPIC ID */
		p[2] = MP_LAPIC_VERSION;
		p[3] = 1 | (i == 0 ? 2 : 0);	/* enabled, bootstrap processor */
		put32(p + 4, 0x600);		/* family 6: a signature Linux accepts */
		put32(p + 8, 0x201);		/* FPU, APIC */
	}
	p[0] = MP_BUS;
	memcpy(p + 2, "ISA   ", 6);
	p += ENTRY_LEN;
	p[0] = MP_IOAPIC;
	p[1] = MP_IOAPIC_ID;
	p[2] = MP_IOAPIC_VERSION;
	p[3] = 1;
	put32(p + 4, ACPI_IOAPIC_ADDR);
	p += ENTRY_LEN;
	for (unsigned irq = 0; irq < 16; irq++) {
		if (irq == 2)
			continue;
		p = put_int(p, MP_IOINT, MP_INT, irq, MP_IOAPIC_ID, irq ? irq : 2);
	}
	p = put_int(p, MP_LINT, MP_EXTINT, 0, 0xff, 0);
	p = put_int(p, MP_LINT, MP_NMI, 0, 0xff, 1);

	memcpy(t, "PCMP", 4);
	put16(t + 4, table_len);
	t[6] = 4;			/* spec revision 1.4 */
	memcpy(t + 8, "KEEL    ", 8);
	memcpy(t + 16, "KEELVM      ", 12);
	put16(t + 34, entries);
	put32(t + 36, ACPI_LAPIC_ADDR);
	t[7] = -acpi_checksum(t, table_len);

	memcpy(fp, "_MP_", 4);
	put32(fp + 4, base + FLOAT_LEN);
	fp[8] = 1;			/* length in 16-byte units */
	fp[9] = 4;
	/* Feature bytes 0: a configuration table is present, virtual wire mode. */
	fp[10] = -acpi_checksum(fp, FLOAT_LEN);
	return len;
}
