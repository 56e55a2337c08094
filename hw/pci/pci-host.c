// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PC's PCI host bridge: an i440FX (8086:1237) at 00.0, configuration
 * mechanism #1 (CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC) for bus 0,
 * and the bridge's description for Linux in the DSDT: \_SB.PCI0 (PNP0A03)
 * with its bus range, I/O and memory windows and a _PRT that maps every
 * slot's INTA-D to the IOAPIC GSIs hw/pci/pci.c drives.
 */
#include <string.h>

#include "hw/core/reset.h"
#include "hw/i386/acpi.h"
#include "hw/pci/pci.h"
#include "system/error.h"

#define PCI_HOST_ADDR_PORT 0xcf8
#define PCI_HOST_DATA_PORT 0xcfc
#define CONFIG_ENABLE 0x80000000U

static uint32_t config_address;
static struct pci_device host_bridge;

uint64_t pci_host_addr_read(void *opaque, uint64_t offset, unsigned size)
{
	/* Only dword accesses reach CONFIG_ADDRESS; others are ISA cycles. */
	return size == 4 && !offset ? config_address : ~0ULL;
}

void pci_host_addr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	if (size == 4 && !offset)
		config_address = value & ~3U;
}

/* The function CONFIG_ADDRESS selects (bus 0, function 0 only), or NULL. */
static struct pci_device *selected(void)
{
	unsigned bus = (config_address >> 16) & 0xff, fn = (config_address >> 8) & 7;

	if (!(config_address & CONFIG_ENABLE) || bus || fn)
		return NULL;
	return pci_bus_device((config_address >> 11) & 0x1f);
}

uint64_t pci_host_data_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pci_device *d = selected();

	if (!d || size > 4 || offset + size > 4)
		return ~0ULL;
	return pci_config_read(d, (config_address & 0xfc) + offset, size);
}

void pci_host_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pci_device *d = selected();

	if (d && size <= 4 && offset + size <= 4)
		pci_config_write(d, (config_address & 0xfc) + offset, value, size);
}

static const struct io_ops addr_ops = {
	.read = pci_host_addr_read,
	.write = pci_host_addr_write,
};

static const struct io_ops data_ops = {
	.read = pci_host_data_read,
	.write = pci_host_data_write,
};

/* AML writer over a bounded buffer; len counts even what did not fit. */
struct aml {
	uint8_t *buf;
	size_t cap, len;
};

static void emit(struct aml *a, const void *p, size_t n)
{
	if (a->len + n <= a->cap)
		memcpy(a->buf + a->len, p, n);
	a->len += n;
}

static void emit8(struct aml *a, uint8_t v)
{
	emit(a, &v, 1);
}

static void emit16(struct aml *a, uint16_t v)
{
	emit8(a, v);
	emit8(a, v >> 8);
}

static void emit32(struct aml *a, uint32_t v)
{
	emit16(a, v);
	emit16(a, v >> 16);
}

/* An integer in its shortest AML encoding. */
static void emit_int(struct aml *a, uint32_t v)
{
	if (v <= 1) {
		emit8(a, v);		/* ZeroOp, OneOp */
	} else if (v <= 0xff) {
		emit8(a, 0x0a);
		emit8(a, v);
	} else if (v <= 0xffff) {
		emit8(a, 0x0b);
		emit16(a, v);
	} else {
		emit8(a, 0x0c);
		emit32(a, v);
	}
}

/* PkgLength (ACPI 20.2.4) for a body of len bytes, the length bytes included. */
static void emit_pkglen(struct aml *a, size_t body)
{
	size_t n = body + 1 < 0x40 ? 1 : body + 2 < 0x1000 ? 2 : 3;
	size_t total = body + n;

	if (n == 1) {
		emit8(a, total);
		return;
	}
	emit8(a, ((n - 1) << 6) | (total & 0xf));
	emit8(a, total >> 4);
	if (n == 3)
		emit8(a, total >> 12);
}

/* Write body (built separately) behind op and its PkgLength. */
static void emit_pkg(struct aml *a, const uint8_t *op, size_t oplen, const struct aml *body)
{
	emit(a, op, oplen);
	emit_pkglen(a, body->len);
	emit(a, body->buf, body->len);
}

static void word_space(struct aml *a, uint8_t type, uint8_t tflags, uint16_t min, uint16_t max)
{
	emit8(a, 0x88);			/* Word Address Space Descriptor */
	emit16(a, 13);
	emit8(a, type);
	emit8(a, 0x0c);			/* producer, positive decode, min and max fixed */
	emit8(a, tflags);
	emit16(a, 0);			/* granularity */
	emit16(a, min);
	emit16(a, max);
	emit16(a, 0);			/* translation */
	emit16(a, max - min + 1);
}

static void build_crs(struct aml *a)
{
	uint8_t buf[128];
	struct aml r = { buf, sizeof(buf), 0 };
	uint8_t op[] = { 0x08, '_', 'C', 'R', 'S', 0x11 };	/* Name, Buffer */
	uint8_t body[160];
	struct aml b = { body, sizeof(body), 0 };

	word_space(&r, 2, 0, 0, 0xff);		/* bus numbers 0-255 */
	emit8(&r, 0x47);			/* IO (Decode16, 0xcf8, 0xcf8, 1, 8) */
	emit8(&r, 1);
	emit16(&r, PCI_HOST_ADDR_PORT);
	emit16(&r, PCI_HOST_ADDR_PORT);
	emit8(&r, 1);
	emit8(&r, 8);
	word_space(&r, 1, 3, 0, 0xcf7);		/* I/O window below and above the config ports */
	word_space(&r, 1, 3, 0xd00, 0xffff);
	emit8(&r, 0x87);			/* DWord Address Space Descriptor: memory */
	emit16(&r, 23);
	emit8(&r, 0);
	emit8(&r, 0x0c);
	emit8(&r, 0x01);			/* read-write, non-cacheable */
	emit32(&r, 0);
	emit32(&r, PCI_MMIO_WINDOW_BASE);
	emit32(&r, PCI_MMIO_WINDOW_END);
	emit32(&r, 0);
	emit32(&r, PCI_MMIO_WINDOW_END - PCI_MMIO_WINDOW_BASE + 1);
	emit8(&r, 0x79);			/* End Tag */
	emit8(&r, 0);
	g_assert(r.len <= r.cap);
	emit_int(&b, r.len);			/* BufferSize */
	emit(&b, r.buf, r.len);
	g_assert(b.len <= b.cap);
	emit_pkg(a, op, sizeof(op), &b);
}

static void build_prt(struct aml *a)
{
	uint8_t op[] = { 0x08, '_', 'P', 'R', 'T', 0x12 };	/* Name, Package */
	g_autofree uint8_t *buf = g_malloc(4096);
	struct aml list = { buf, 4096, 0 };

	emit8(&list, (PCI_SLOTS - 1) * 4);	/* NumElements: slots 1-31, pins A-D */
	for (unsigned slot = 1; slot < PCI_SLOTS; slot++) {
		for (unsigned pin = 0; pin < 4; pin++) {
			uint8_t eb[16];
			struct aml e = { eb, sizeof(eb), 0 };
			uint8_t pkg = 0x12;

			emit8(&e, 4);
			emit_int(&e, slot << 16 | 0xffff);	/* _ADR: any function */
			emit_int(&e, pin);
			emit_int(&e, 0);			/* Source: a GSI, no link */
			emit_int(&e, pci_slot_gsi(slot + pin));
			g_assert(e.len <= e.cap);
			emit_pkg(&list, &pkg, 1, &e);
		}
	}
	g_assert(list.len <= list.cap);
	emit_pkg(a, op, sizeof(op), &list);
}

size_t pci_host_build_aml(uint8_t *buf, size_t cap)
{
	static const uint8_t names[] = {
		0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,	/* EisaId("PNP0A03") */
		0x08, '_', 'A', 'D', 'R', 0x00,
		0x08, '_', 'U', 'I', 'D', 0x00,
		0x08, '_', 'B', 'B', 'N', 0x00,
	};
	static const uint8_t dev_op[] = { 0x5b, 0x82 };	/* DeviceOp */
	static const uint8_t scope_op[] = { 0x10 };	/* ScopeOp */
	g_autofree uint8_t *dbuf = g_malloc(8192);
	g_autofree uint8_t *sbuf = g_malloc(8192);
	struct aml dev = { dbuf, 8192, 0 }, scope = { sbuf, 8192, 0 };
	struct aml out = { buf, cap, 0 };

	emit(&dev, "PCI0", 4);
	emit(&dev, names, sizeof(names));
	build_crs(&dev);
	build_prt(&dev);
	g_assert(dev.len <= dev.cap);
	/* Scope (\_SB) { Device (PCI0) { ... } } */
	emit(&scope, "\\_SB_", 5);
	emit_pkg(&scope, dev_op, sizeof(dev_op), &dev);
	g_assert(scope.len <= scope.cap);
	emit_pkg(&out, scope_op, sizeof(scope_op), &scope);
	return out.len;
}

static void host_reset(void *opaque)
{
	config_address = 0;
	pci_device_reset(&host_bridge);
}

int pci_host_init(GError **err)
{
	uint8_t aml[4096];
	size_t len;

	if (pci_bus_present())
		return 0;
	if (io_region_add(IO_SPACE_PIO, PCI_HOST_ADDR_PORT, 1, &addr_ops, NULL, "pci-conf-addr") < 0 ||
	    io_region_add(IO_SPACE_PIO, PCI_HOST_DATA_PORT, 4, &data_ops, NULL, "pci-conf-data") < 0) {
		error_setg(err, "pci: the config ports 0xcf8/0xcfc are already in use");
		return -1;
	}
	pci_bus_set_present();
	/* Host bridge, class 06.00.00; no BARs, no interrupt. */
	pci_device_init(&host_bridge, "i440FX", 0x8086, 0x1237, 0x060000, 0x1af4, 0x1100);
	host_bridge.config[PCI_REVISION_ID] = 2;
	host_bridge.config[PCI_INTERRUPT_PIN] = 0;
	if (pci_device_plug(&host_bridge, 0, err) < 0)
		return -1;
	len = pci_host_build_aml(aml, sizeof(aml));
	if (len > sizeof(aml) || acpi_add_dsdt_aml(aml, len) < 0) {
		error_setg(err, "pci: the DSDT has no room for \\_SB.PCI0");
		return -1;
	}
	reset_register(RESET_ORDER_DEVICE, host_reset, NULL, "pci-host");
	return 0;
}
