// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI tables for the x86 machine: just enough for Linux to find the CPUs
 * and the IOAPIC, route the SCI, reset through 0xCF9 and power off via S5.
 * Layout and field offsets follow the ACPI 6.x specification (FADT rev 3).
 */
#include <errno.h>
#include <string.h>

#include "hw/i386/acpi.h"

#define OEM_ID "KEEL  "
#define OEM_TABLE_ID "KEELVM  "
#define HDR_LEN 36
#define FADT_LEN 244
#define FACS_LEN 64
#define RSDP_LEN 36

static void put8(uint8_t *p, uint8_t v)
{
	p[0] = v;
}

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

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

uint8_t acpi_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* Fill a standard table header; the checksum is set by finish_table(). */
static void put_header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	put8(t + 8, rev);
	memcpy(t + 10, OEM_ID, 6);
	memcpy(t + 16, OEM_TABLE_ID, 8);
	put32(t + 24, 1);		/* OEM revision */
	memcpy(t + 28, "KEEL", 4);	/* creator ID */
	put32(t + 32, 1);		/* creator revision */
}

static void finish_table(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = -acpi_checksum(t, len);
}

/* Generic Address Structure in System I/O space. */
static void put_gas_io(uint8_t *p, uint8_t bit_width, uint8_t access, uint64_t addr)
{
	put8(p, 1);	/* SystemIO */
	put8(p + 1, bit_width);
	put8(p + 2, 0);
	put8(p + 3, access);
	put64(p + 4, addr);
}

static size_t build_fadt(uint8_t *t, uint32_t facs, uint32_t dsdt)
{
	memset(t, 0, FADT_LEN);
	put_header(t, "FACP", FADT_LEN, 3);
	put32(t + 36, facs);
	put32(t + 40, dsdt);
	put16(t + 46, ACPI_SCI_IRQ);
	/* SMI_CMD = 0: the hardware is always in ACPI mode (SCI_EN reads 1). */
	put32(t + 56, ACPI_PM_BASE);		/* PM1a_EVT_BLK */
	put32(t + 64, ACPI_PM_BASE + 4);	/* PM1a_CNT_BLK */
	put8(t + 88, 4);			/* PM1_EVT_LEN */
	put8(t + 89, 2);			/* PM1_CNT_LEN */
	put16(t + 96, 0x65);			/* P_LVL2_LAT > 100: no C2 */
	put16(t + 98, 0x3e9);			/* P_LVL3_LAT > 1000: no C3 */
	/* IAPC_BOOT_ARCH: no VGA, no CMOS RTC; no 8042 bit, so Linux skips probing it. */
	put16(t + 109, (1u << 2) | (1u << 5));
	/* WBINVD, PROC_C1, SLP_BUTTON (none), FIX_RTC, RESET_REG_SUP; power button is fixed. */
	put32(t + 112, (1u << 0) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 10));
	put_gas_io(t + 116, 8, 1, ACPI_RESET_PORT);
	put8(t + 128, ACPI_RESET_VALUE);
	put64(t + 132, facs);			/* X_FIRMWARE_CTRL */
	put64(t + 140, dsdt);			/* X_DSDT */
	put_gas_io(t + 148, 32, 0, ACPI_PM_BASE);
	put_gas_io(t + 172, 16, 0, ACPI_PM_BASE + 4);
	finish_table(t, FADT_LEN);
	return FADT_LEN;
}

static size_t build_facs(uint8_t *t)
{
	memset(t, 0, FACS_LEN);
	memcpy(t, "FACS", 4);
	put32(t + 4, FACS_LEN);
	put8(t + 32, 2);	/* version */
	return FACS_LEN;
}

static size_t madt_len(const struct acpi_build_config *cfg)
{
	return HDR_LEN + 8 + 8 * cfg->max_cpus + 12 + 2 * 10 + 6;
}

static size_t build_madt(uint8_t *t, const struct acpi_build_config *cfg)
{
	size_t len = madt_len(cfg);
	uint8_t *p = t + HDR_LEN + 8;

	memset(t, 0, len);
	put_header(t, "APIC", len, 4);
	put32(t + 36, ACPI_LAPIC_ADDR);
	put32(t + 40, 1);	/* PCAT_COMPAT: there are 8259s to mask */
	for (unsigned i = 0; i < cfg->max_cpus; i++, p += 8) {
		put8(p, 0);		/* Processor Local APIC */
		put8(p + 1, 8);
		put8(p + 2, i);		/* ACPI processor UID */
		put8(p + 3, i);		/* APIC ID */
		put32(p + 4, i < cfg->smp_cpus ? 1 : 0);
	}
	put8(p, 1);			/* I/O APIC */
	put8(p + 1, 12);
	put8(p + 2, 0);			/* IOAPIC ID */
	put32(p + 4, ACPI_IOAPIC_ADDR);
	put32(p + 8, 0);		/* GSI base */
	p += 12;
	/* The PIT's IRQ0 is wired to IOAPIC pin 2, as on every PC. */
	put8(p, 2);
	put8(p + 1, 10);
	put8(p + 2, 0);
	put8(p + 3, 0);
	put32(p + 4, 2);
	put16(p + 8, 0);
	p += 10;
	/* SCI: level triggered, active high (what the in-kernel IOAPIC sees). */
	put8(p, 2);
	put8(p + 1, 10);
	put8(p + 2, 0);
	put8(p + 3, ACPI_SCI_IRQ);
	put32(p + 4, ACPI_SCI_IRQ);
	put16(p + 8, 0x000d);
	p += 10;
	put8(p, 4);			/* Local APIC NMI on LINT1 of every CPU */
	put8(p + 1, 6);
	put8(p + 2, 0xff);
	put16(p + 3, 0);
	put8(p + 5, 1);
	finish_table(t, len);
	return len;
}

/*
 * DSDT body: Name (\_S5, Package () { SLP_TYP, SLP_TYP, 0, 0 }), which is all
 * Linux needs to power off through PM1a_CNT.
 */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_',	/* NameOp "_S5_" */
	0x12, 0x08, 0x04,		/* PackageOp, PkgLength 8, 4 elements */
	0x0a, ACPI_SLP_TYP_S5,		/* BytePrefix SLP_TYPa */
	0x0a, ACPI_SLP_TYP_S5,		/* BytePrefix SLP_TYPb */
	0x00, 0x00,			/* ZeroOp, ZeroOp */
};

/* virtio-mmio transports registered by hw/virtio (a process-wide registry). */
static struct {
	uint64_t base;
	uint32_t size;
	unsigned gsi;
} virtio_mmio[ACPI_VIRTIO_MMIO_MAX];
static unsigned n_virtio_mmio;

int acpi_add_virtio_mmio(uint64_t base, uint32_t size, unsigned gsi)
{
	if (n_virtio_mmio >= ACPI_VIRTIO_MMIO_MAX)
		return -ENOSPC;
	virtio_mmio[n_virtio_mmio].base = base;
	virtio_mmio[n_virtio_mmio].size = size;
	virtio_mmio[n_virtio_mmio].gsi = gsi;
	n_virtio_mmio++;
	return 0;
}

/* Complete AML blocks for the DSDT body (the PCI host bridge's \_SB.PCI0). */
static GByteArray *extra_aml;

int acpi_add_dsdt_aml(const void *aml, size_t len)
{
	if (len > ACPI_TABLES_MAX / 2)
		return -ENOSPC;
	if (!extra_aml)
		extra_aml = g_byte_array_new();
	g_byte_array_append(extra_aml, aml, len);
	return 0;
}

static size_t extra_aml_len(void)
{
	return extra_aml ? extra_aml->len : 0;
}

/* AML PkgLength (ACPI 20.2.4) of a package whose body is len bytes; returns its size. */
static size_t put_pkglen(uint8_t *p, size_t len)
{
	if (len + 1 < 0x40) {
		if (p)
			p[0] = len + 1;
		return 1;
	}
	len += 2; /* two bytes cover everything a DSDT of ours can hold (< 4 KiB) */
	if (p) {
		p[0] = 0x40 | (len & 0xf);
		p[1] = len >> 4;
	}
	return 2;
}

#define VIRTIO_DEV_BODY 54	/* _HID + _UID + _CRS below */

/*
 * Device (VRnn) { Name (_HID, "LNRO0005") Name (_UID, n)
 *   Name (_CRS, ResourceTemplate () { Memory32Fixed (ReadWrite, base, size)
 *     Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive) { gsi } }) }
 * Returns the bytes written (or needed when p is NULL).
 */
static size_t put_virtio_dev(uint8_t *p, unsigned n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t hdr = 2 + put_pkglen(NULL, 4 + VIRTIO_DEV_BODY) + 4;
	uint8_t *b;

	if (!p)
		return hdr + VIRTIO_DEV_BODY;
	p[0] = 0x5b;	/* ExtOpPrefix */
	p[1] = 0x82;	/* DeviceOp */
	b = p + 2 + put_pkglen(p + 2, 4 + VIRTIO_DEV_BODY);
	b[0] = 'V';
	b[1] = 'R';
	b[2] = hex[(n >> 4) & 0xf];
	b[3] = hex[n & 0xf];
	b += 4;
	memcpy(b, "\x08_HID\x0dLNRO0005", 15);	/* NameOp, StringPrefix, NUL-terminated */
	b += 15;
	memcpy(b, "\x08_UID\x0a", 6);			/* NameOp, BytePrefix */
	b[6] = n;
	b += 7;
	memcpy(b, "\x08_CRS\x11\x1a\x0a\x17", 9);	/* NameOp, BufferOp, PkgLength 26, size 23 */
	b += 9;
	b[0] = 0x86;				/* Memory32Fixed */
	put16(b + 1, 9);
	b[3] = 1;				/* read-write */
	put32(b + 4, virtio_mmio[n].base);
	put32(b + 8, virtio_mmio[n].size);
	b += 12;
	b[0] = 0x89;				/* Extended Interrupt */
	put16(b + 1, 6);
	b[3] = 0x01;				/* consumer, level, active high, exclusive */
	b[4] = 1;
	put32(b + 5, virtio_mmio[n].gsi);
	b += 9;
	b[0] = 0x79;				/* End Tag, checksum 0: "valid" */
	b[1] = 0;
	return hdr + VIRTIO_DEV_BODY;
}

/* Scope (\_SB) { the virtio-mmio devices }, or nothing without them. */
static size_t put_sb_scope(uint8_t *p)
{
	size_t body = 5, len;

	if (!n_virtio_mmio)
		return 0;
	for (unsigned i = 0; i < n_virtio_mmio; i++)
		body += put_virtio_dev(NULL, i);
	len = 1 + put_pkglen(NULL, body) + body;
	if (!p)
		return len;
	p[0] = 0x10;	/* ScopeOp */
	p += 1 + put_pkglen(p + 1, body);
	memcpy(p, "\\_SB_", 5);
	p += 5;
	for (unsigned i = 0; i < n_virtio_mmio; i++)
		p += put_virtio_dev(p, i);
	return len;
}

static size_t dsdt_len(void)
{
	return HDR_LEN + sizeof(dsdt_aml) + put_sb_scope(NULL) + extra_aml_len();
}

static size_t build_dsdt(uint8_t *t)
{
	size_t len = dsdt_len(), off;

	memset(t, 0, len);
	/* Revision 2: 64-bit AML integers. */
	put_header(t, "DSDT", len, 2);
	memcpy(t + HDR_LEN, dsdt_aml, sizeof(dsdt_aml));
	off = HDR_LEN + sizeof(dsdt_aml) + put_sb_scope(t + HDR_LEN + sizeof(dsdt_aml));
	if (extra_aml_len())
		memcpy(t + off, extra_aml->data, extra_aml->len);
	finish_table(t, len);
	return len;
}

static size_t align16(size_t v)
{
	return (v + 15) & ~(size_t)15;
}

size_t acpi_build_tables(uint8_t *buf, size_t cap, uint64_t base,
			 const struct acpi_build_config *cfg)
{
	size_t off_facs = 64; /* FACS must be 64-byte aligned */
	size_t off_rsdt = off_facs + FACS_LEN;
	size_t off_xsdt = align16(off_rsdt + HDR_LEN + 2 * 4);
	size_t off_fadt = align16(off_xsdt + HDR_LEN + 2 * 8);
	size_t off_madt = align16(off_fadt + FADT_LEN);
	size_t off_dsdt = align16(off_madt + madt_len(cfg));
	size_t end = off_dsdt + dsdt_len();
	uint8_t *rsdp = buf;
	uint8_t *t;

	if (cfg->smp_cpus > cfg->max_cpus || cfg->max_cpus > 255 || end > cap ||
	    base + end > UINT32_MAX || (base & 15))
		return 0;
	memset(buf, 0, end);

	build_facs(buf + off_facs);
	build_fadt(buf + off_fadt, base + off_facs, base + off_dsdt);
	build_madt(buf + off_madt, cfg);
	build_dsdt(buf + off_dsdt);

	t = buf + off_rsdt;
	put_header(t, "RSDT", HDR_LEN + 2 * 4, 1);
	put32(t + HDR_LEN, base + off_fadt);
	put32(t + HDR_LEN + 4, base + off_madt);
	finish_table(t, HDR_LEN + 2 * 4);

	t = buf + off_xsdt;
	put_header(t, "XSDT", HDR_LEN + 2 * 8, 1);
	put64(t + HDR_LEN, base + off_fadt);
	put64(t + HDR_LEN + 8, base + off_madt);
	finish_table(t, HDR_LEN + 2 * 8);

	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, OEM_ID, 6);
	put8(rsdp + 15, 2);			/* revision: ACPI 2.0+ */
	put32(rsdp + 16, base + off_rsdt);
	put32(rsdp + 20, RSDP_LEN);
	put64(rsdp + 24, base + off_xsdt);
	rsdp[8] = -acpi_checksum(rsdp, 20);
	rsdp[32] = -acpi_checksum(rsdp, RSDP_LEN);
	return end;
}
