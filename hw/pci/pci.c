// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI functions on bus 0: type 0 config headers with write masks, 32-bit
 * memory BARs that follow the guest's programming (decoded only while
 * COMMAND.MEMORY is set), the capability list and INTx lines wired to
 * the interrupt controller (several functions may share one: the line is
 * their OR). The host bridge front end (pci-host.c on the PC, spapr-pci.c
 * on pseries) says where the memory window is and which interrupts INTx
 * uses: pci_bus_set_layout().
 */
#include <errno.h>
#include <string.h>

#include "hw/core/irq.h"
#include "hw/pci/pci.h"
#include "system/error.h"
#include "system/log.h"

static struct pci_device *bus[PCI_SLOTS];
static bool bus_present;

/*
 * The PC's layout unless a host bridge sets another: BARs identity-mapped
 * below the virtio-mmio slots and the IOAPIC, and INTA..INTD of slot s on
 * swizzled lines (s + pin) % 4, each an ISA IRQ that is free on the PC (as
 * the PIIX's PIRQ links would be routed); the DSDT's _PRT says the same.
 */
static struct pci_bus_layout layout = {
	.mem_base = PCI_MMIO_WINDOW_BASE,
	.mem_end = PCI_MMIO_WINDOW_END,
	.cpu_offset = 0,
	.intx_irq = { 10, 11, 5, 7 },
};
/* BAR placement as firmware would do it (the cold state after a reset). */
static uint64_t next_bar_addr = PCI_MMIO_WINDOW_BASE;
/* Functions asserting each of the four INTx lines. */
static unsigned line_users[4];

unsigned pci_slot_gsi(unsigned slot)
{
	return layout.intx_irq[slot % 4];
}

void pci_bus_set_layout(const struct pci_bus_layout *l)
{
	layout = *l;
	next_bar_addr = l->mem_base;
}

const struct pci_bus_layout *pci_bus_get_layout(void)
{
	return &layout;
}

struct pci_device *pci_bus_device(unsigned slot)
{
	return slot < PCI_SLOTS ? bus[slot] : NULL;
}

bool pci_bus_present(void)
{
	return bus_present;
}

void pci_bus_set_present(void)
{
	bus_present = true;
}

void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
		     uint32_t class_code, uint16_t subsys_vendor, uint16_t subsys)
{
	memset(d, 0, sizeof(*d));
	d->name = g_strdup(name);
	pci_set16(d->config + PCI_VENDOR_ID, vendor);
	pci_set16(d->config + PCI_DEVICE_ID, device);
	d->config[PCI_CLASS_PROG] = class_code;
	pci_set16(d->config + PCI_CLASS_DEVICE, class_code >> 8);
	pci_set16(d->config + PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	pci_set16(d->config + PCI_SUBSYSTEM_ID, subsys);
	d->config[PCI_INTERRUPT_PIN] = 1;
	pci_set16(d->wmask + PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
		  PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	d->wmask[0x0c] = 0xff;	/* cache line size */
	d->wmask[0x0d] = 0xff;	/* latency timer */
	d->wmask[PCI_INTERRUPT_LINE] = 0xff;
	d->cap_end = 0x40;
	for (unsigned i = 0; i < PCI_NUM_BARS; i++)
		d->bars[i].mapped = PCI_BAR_UNMAPPED;
}

void pci_register_bar(struct pci_device *d, unsigned n, uint32_t size, const struct io_ops *ops,
		      void *opaque)
{
	g_assert(n < PCI_NUM_BARS && size >= 16 && !(size & (size - 1)));
	d->bars[n].size = size;
	d->bars[n].ops = ops;
	d->bars[n].opaque = opaque;
	/* Only the address bits above the size are writable: that is BAR sizing. */
	pci_set32(d->wmask + PCI_BASE_ADDRESS_0 + 4 * n, ~(size - 1) & PCI_BASE_ADDRESS_MEM_MASK);
}

uint8_t pci_add_capability(struct pci_device *d, uint8_t id, uint8_t size)
{
	uint8_t off = d->cap_end;
	uint8_t *link;

	if (size < 2 || (unsigned)off + size > PCI_CONFIG_SIZE)
		return 0;
	/* Append at the end of the list (the guest walks it in order). */
	link = d->config + PCI_CAPABILITY_LIST;
	while (*link)
		link = d->config + *link + 1;
	*link = off;
	d->config[off] = id;
	d->config[off + 1] = 0;
	d->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	d->cap_end = (off + size + 3) & ~3;
	return off;
}

static uint32_t bar_addr(struct pci_device *d, unsigned n)
{
	return pci_get32(d->config + PCI_BASE_ADDRESS_0 + 4 * n) & PCI_BASE_ADDRESS_MEM_MASK;
}

/* Decode each BAR where the guest put it, if memory decoding is on. */
static void update_bars(struct pci_device *d)
{
	bool mem = pci_get16(d->config + PCI_COMMAND) & PCI_COMMAND_MEMORY;

	for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
		struct pci_bar *b = &d->bars[n];
		uint64_t want = PCI_BAR_UNMAPPED, old = b->mapped;
		uint32_t addr = bar_addr(d, n);

		if (!b->size)
			continue;
		/* 0 and the all-ones sizing pattern are "not placed" in practice. */
		if (mem && addr && addr != (~(b->size - 1) & PCI_BASE_ADDRESS_MEM_MASK))
			want = addr + layout.cpu_offset;
		if (want == old)
			continue;
		if (old != PCI_BAR_UNMAPPED)
			io_region_del(IO_SPACE_MMIO, old);
		b->mapped = PCI_BAR_UNMAPPED;
		if (want != PCI_BAR_UNMAPPED) {
			/* The guest's choice: said once, not for every config write. */
			if (io_region_add(IO_SPACE_MMIO, want, b->size, b->ops, b->opaque, d->name) < 0)
				warn_report_once("%s: BAR %u at 0x%" G_GINT64_MODIFIER "x overlaps "
						 "another region; not decoded", d->name, n, want);
			else
				b->mapped = want;
		}
		if (d->bar_moved && b->mapped != old)
			d->bar_moved(d, n, old, b->mapped);
	}
}

static void update_intx(struct pci_device *d)
{
	bool disabled = pci_get16(d->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
	bool asserted = d->intx_level && !disabled && bus[d->slot] == d;
	unsigned line = d->slot % 4;

	if (d->intx_level)
		d->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		d->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
	if (asserted == d->intx_asserted)
		return;
	d->intx_asserted = asserted;
	if (asserted ? line_users[line]++ == 0 : --line_users[line] == 0)
		irq_set_level(pci_slot_gsi(d->slot), asserted);
}

void pci_set_irq(struct pci_device *d, bool level)
{
	d->intx_level = level;
	update_intx(d);
}

uint32_t pci_config_read(struct pci_device *d, uint32_t addr, unsigned len)
{
	uint32_t v = 0;

	if ((len != 1 && len != 2 && len != 4) || (addr & (len - 1)) || addr + len > PCI_CONFIG_SIZE)
		return ~0U >> (32 - 8 * MIN(len, 4u));
	if (d->config_read)
		d->config_read(d, addr, len);
	memcpy(&v, d->config + addr, len); /* little-endian host */
	return v;
}

static bool overlaps(uint32_t addr, unsigned len, uint32_t start, uint32_t end)
{
	return addr < end && addr + len > start;
}

void pci_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned len)
{
	if ((len != 1 && len != 2 && len != 4) || (addr & (len - 1)) || addr + len > PCI_CONFIG_SIZE)
		return;
	for (unsigned i = 0; i < len; i++) {
		uint8_t b = val >> (8 * i), wm = d->wmask[addr + i], w1c = d->w1cmask[addr + i];

		d->config[addr + i] = (d->config[addr + i] & ~wm) | (b & wm);
		d->config[addr + i] &= ~(b & w1c);
	}
	if (overlaps(addr, len, PCI_COMMAND, PCI_COMMAND + 2) ||
	    overlaps(addr, len, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS))
		update_bars(d);
	if (overlaps(addr, len, PCI_COMMAND, PCI_COMMAND + 2))
		update_intx(d);
	if (d->config_write)
		d->config_write(d, addr, val, len);
}

/* Firmware-style BAR placement: naturally aligned, in plug order. */
static int place_bars(struct pci_device *d, GError **err)
{
	for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
		uint32_t size = d->bars[n].size;
		uint64_t addr;

		if (!size)
			continue;
		addr = (next_bar_addr + size - 1) & ~(uint64_t)(size - 1);
		if (addr + size - 1 > layout.mem_end) {
			error_setg(err, "%s: the PCI memory window is full", d->name);
			return -ENOSPC;
		}
		pci_set32(d->config + PCI_BASE_ADDRESS_0 + 4 * n, addr);
		d->bars[n].cold_addr = addr;
		next_bar_addr = addr + size;
	}
	return 0;
}

int pci_device_plug(struct pci_device *d, int slot, GError **err)
{
	if (!bus_present) {
		error_setg(err, "%s: this machine has no PCI bus", d->name);
		return -1;
	}
	if (slot < 0) {
		for (slot = 0; slot < PCI_SLOTS && bus[slot]; slot++)
			;
		if (slot == PCI_SLOTS) {
			error_setg(err, "%s: no free PCI slot", d->name);
			return -1;
		}
	} else if (slot >= PCI_SLOTS) {
		error_setg(err, "%s: PCI slot %d does not exist (0-%d)", d->name, slot,
			   PCI_SLOTS - 1);
		return -1;
	} else if (bus[slot]) {
		error_setg(err, "PCI: slot %d function 0 not available for %s, in use by %s",
			   slot, d->name, bus[slot]->name);
		return -1;
	}
	if (place_bars(d, err) < 0)
		return -1;
	d->slot = slot;
	d->config[PCI_INTERRUPT_LINE] = pci_slot_gsi(slot);
	bus[slot] = d;
	return slot;
}

void pci_device_reset(struct pci_device *d)
{
	/* Writable header bits: BARs as placed, the line as routed, the rest zero. */
	pci_set16(d->config + PCI_COMMAND, 0);
	d->config[0x0c] = d->config[0x0d] = 0;
	d->config[PCI_INTERRUPT_LINE] = pci_slot_gsi(d->slot);
	for (unsigned n = 0; n < PCI_NUM_BARS; n++)
		if (d->bars[n].size)
			pci_set32(d->config + PCI_BASE_ADDRESS_0 + 4 * n, d->bars[n].cold_addr);
	d->intx_level = false;
	update_bars(d);
	update_intx(d);
}
