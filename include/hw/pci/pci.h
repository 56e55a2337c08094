/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_PCI_PCI_H
#define KEEL_HW_PCI_PCI_H

/*
 * Conventional PCI: one bus (bus 0) with 32 slots, function 0 only, type 0
 * config headers of 256 bytes, 32-bit memory BARs and a capability list.
 * The host bridges: the PC's (config mechanism #1 at 0xCF8/0xCFC) in
 * hw/pci/pci-host.c, the pseries PHB (RTAS config calls) in
 * hw/ppc/spapr-pci.c. Everything runs with the bql held.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "system/memory.h"

#define PCI_SLOTS 32
#define PCI_CONFIG_SIZE 256
#define PCI_NUM_BARS 6

/* Type 0 header offsets. */
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_REVISION_ID 0x08
#define PCI_CLASS_PROG 0x09
#define PCI_CLASS_DEVICE 0x0a
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID 0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d

#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_INTERRUPT 0x08
#define PCI_STATUS_CAP_LIST 0x10

#define PCI_BASE_ADDRESS_MEM_MASK (~0xfU)

#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_VNDR 0x09

/* MSI-X capability (offsets from the capability). */
#define PCI_MSIX_FLAGS 2
#define PCI_MSIX_FLAGS_QSIZE 0x07ff
#define PCI_MSIX_FLAGS_MASKALL 0x4000
#define PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE 4
#define PCI_MSIX_PBA 8
#define PCI_MSIX_ENTRY_SIZE 16
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 1

/* The PC's memory window BARs are placed in (below the virtio-mmio slots and the IOAPIC). */
#define PCI_MMIO_WINDOW_BASE 0xc0000000ULL
#define PCI_MMIO_WINDOW_END 0xfeafffffULL	/* inclusive */

struct pci_device;

struct pci_bar {
	uint32_t size;		/* power of two >= 16; 0: no BAR */
	const struct io_ops *ops;
	void *opaque;
	uint64_t mapped;	/* guest address it decodes at, or PCI_BAR_UNMAPPED */
	uint32_t cold_addr;	/* placed at plug time, as firmware would */
};
#define PCI_BAR_UNMAPPED (~0ULL)

struct pci_device {
	char *name;
	unsigned slot;
	uint8_t config[PCI_CONFIG_SIZE];
	uint8_t wmask[PCI_CONFIG_SIZE];		/* bits the guest may write */
	uint8_t w1cmask[PCI_CONFIG_SIZE];	/* write-1-to-clear bits */
	uint8_t cap_end;			/* next free capability offset */
	struct pci_bar bars[PCI_NUM_BARS];
	bool intx_level;	/* the device's pin */
	bool intx_asserted;	/* what it drives on the shared line (not disabled) */
	/* Optional hooks of the device model. */
	void *opaque;
	/* Before the core reads config bytes: refresh what is computed on demand. */
	void (*config_read)(struct pci_device *d, uint32_t addr, unsigned len);
	/* After the core applied a config write (capability registers, ...). */
	void (*config_write)(struct pci_device *d, uint32_t addr, uint32_t val, unsigned len);
	/* BAR n moved (or was unmapped: addr PCI_BAR_UNMAPPED); e.g. ioeventfds. */
	void (*bar_moved)(struct pci_device *d, unsigned n, uint64_t old_addr, uint64_t addr);
};

/*
 * Set up d as a type 0 function: IDs, class (base << 16 | sub << 8 | prog),
 * INTx pin A. Put it on the bus with pci_device_plug().
 */
void pci_device_init(struct pci_device *d, const char *name, uint16_t vendor, uint16_t device,
		     uint32_t class_code, uint16_t subsys_vendor, uint16_t subsys);
/* A 32-bit memory BAR of size bytes (power of two, >= 16) served by ops. */
void pci_register_bar(struct pci_device *d, unsigned n, uint32_t size, const struct io_ops *ops,
		      void *opaque);
/* Reserve size bytes of capability (ID and next pointer filled); returns its offset or 0. */
uint8_t pci_add_capability(struct pci_device *d, uint8_t id, uint8_t size);
/*
 * Put d at slot (or the first free one if slot < 0). Returns the slot or -1
 * with err set (no bus on this machine, slot taken, out of range).
 */
int pci_device_plug(struct pci_device *d, int slot, GError **err);
/* The cold state of the header's writable part (system reset, vCPUs paused). */
void pci_device_reset(struct pci_device *d);

/* Config space accesses (len 1, 2 or 4, naturally aligned; others are ignored). */
uint32_t pci_config_read(struct pci_device *d, uint32_t addr, unsigned len);
void pci_config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned len);

/* Drive d's INTx pin (level); ignored while INTx is disabled in COMMAND. */
void pci_set_irq(struct pci_device *d, bool level);
/* Interrupt of slot's INTA (IOAPIC GSI on the PC, XICS source on pseries). */
unsigned pci_slot_gsi(unsigned slot);

/*
 * Where the host bridge puts things. BARs hold PCI addresses in
 * [mem_base, mem_end]; the CPU sees them at PCI address + cpu_offset (what
 * io_region_add() and bar_moved get). INTA..INTD swizzle onto the four
 * interrupts intx_irq[(slot + pin) % 4]. Set before any device is plugged.
 */
struct pci_bus_layout {
	uint64_t mem_base, mem_end;	/* end inclusive */
	uint64_t cpu_offset;
	unsigned intx_irq[4];
	bool no_msi;	/* no MSI delivery: devices offer INTx only by default */
};
void pci_bus_set_layout(const struct pci_bus_layout *l);
const struct pci_bus_layout *pci_bus_get_layout(void);

/* Little-endian helpers for config space and tables. */
static inline uint16_t pci_get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}
static inline uint32_t pci_get32(const uint8_t *p)
{
	return pci_get16(p) | (uint32_t)pci_get16(p + 2) << 16;
}
static inline void pci_set16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}
static inline void pci_set32(uint8_t *p, uint32_t v)
{
	pci_set16(p, v);
	pci_set16(p + 2, v >> 16);
}

/* The bus: device at slot (NULL if empty), and whether this machine has one. */
struct pci_device *pci_bus_device(unsigned slot);
bool pci_bus_present(void);
/* The host bridge exists: pci_device_plug() may succeed (hw/pci/pci-host.c). */
void pci_bus_set_present(void);

/*
 * The i440FX host bridge at 00.0 and config mechanism #1 (0xCF8/0xCFC), and
 * its description in the DSDT (\_SB.PCI0 with _PRT). The pc machine calls it
 * before any -device.
 */
int pci_host_init(GError **err);
/* Config mechanism #1 as the guest sees it (exported for tests). */
uint64_t pci_host_addr_read(void *opaque, uint64_t offset, unsigned size);
void pci_host_addr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
uint64_t pci_host_data_read(void *opaque, uint64_t offset, unsigned size);
void pci_host_data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);
/* The AML of Device (PCI0) for the DSDT's \_SB scope; returns its length. */
size_t pci_host_build_aml(uint8_t *buf, size_t cap);

#endif
