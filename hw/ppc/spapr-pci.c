// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pseries PCI host bridge: a PAPR "logical PHB" in front of hw/pci's
 * bus 0, which keeps all config-space, BAR and INTx logic.
 *
 * A pseries kernel on a hypervisor (FW_FEATURE_LPAR) does not probe the
 * bus: it creates a pci_dev for every child node of the PHB node (IDs,
 * class and BARs from "assigned-addresses") and only then uses config
 * space, through RTAS ibm,read/write-pci-config with the PHB's BUID. So the
 * tree, rebuilt at every reset, lists each plugged function, and the BARs
 * it gives are where hw/pci placed them, as firmware would (Linux keeps
 * firmware's assignment on pseries).
 *
 * DMA: Linux 6.1 dereferences the PHB's ibm,dma-window unconditionally, so
 * there is a small default window whose TCE table lives in KVM (spapr.c);
 * nothing translates through it, since virtio without
 * VIRTIO_F_ACCESS_PLATFORM hands the device guest-physical addresses.
 *
 * Interrupts: MSI-X through RTAS ibm,change-msi (spapr-pci-msi.c), and INTx,
 * swizzled onto four XICS LSIs through the PHB's interrupt-map, for
 * functions without MSI-X (vectors=0) and guests that do not ask.
 */
#include <errno.h>
#include <stdio.h>
#include <libfdt.h>

#include "hw/pci/pci.h"
#include "hw/ppc/spapr-pci.h"
#include "system/error.h"

/* Config addresses in RTAS calls: register[11:8] << 20 | bus << 16 | devfn << 8 | register[7:0]. */
#define CFG_BUS(a) (((a) >> 16) & 0xff)
#define CFG_DEVFN(a) (((a) >> 8) & 0xff)
#define CFG_REG(a) ((((a) >> 20) & 0xf00) | ((a) & 0xff))

/* Open Firmware PCI address, phys.hi: n p t ss bbbbbbbb ddddd fff rrrrrrrr. */
#define OF_PCI_RELOC_N 0x80000000u
#define OF_PCI_SS_CONFIG 0x00000000u
#define OF_PCI_SS_MEM32 0x02000000u

static const struct pci_bus_layout spapr_layout = {
	.mem_base = SPAPR_PCI_MEM32_PCI,
	.mem_end = SPAPR_PCI_MEM32_PCI + SPAPR_PCI_MEM32_SIZE - 1,
	.cpu_offset = SPAPR_PCI_MEM32_CPU - SPAPR_PCI_MEM32_PCI,
	.intx_irq = { SPAPR_PHB_INTX_IRQ, SPAPR_PHB_INTX_IRQ + 1, SPAPR_PHB_INTX_IRQ + 2,
		      SPAPR_PHB_INTX_IRQ + 3 },
};

/*
 * The function a config address names, or NULL: bus 0 and function 0 only,
 * as hw/pci models; the register must lie in the 256-byte header and be
 * naturally aligned for a 1, 2 or 4-byte access.
 */
static struct pci_device *cfg_target(uint32_t addr, uint32_t size, int *status)
{
	uint32_t reg = CFG_REG(addr);

	if ((size != 1 && size != 2 && size != 4) || (reg & (size - 1))) {
		*status = RTAS_OUT_PARAM_ERROR;
		return NULL;
	}
	*status = RTAS_OUT_HW_ERROR;
	if (CFG_BUS(addr) || (CFG_DEVFN(addr) & 7) || reg + size > PCI_CONFIG_SIZE)
		return NULL;
	return pci_bus_device(CFG_DEVFN(addr) >> 3);
}

static void cfg_read(uint32_t addr, uint32_t size, uint32_t nret, uint32_t *rets)
{
	int status;
	struct pci_device *d = cfg_target(addr, size, &status);

	if (nret < 2) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (!d) {
		/* What a master abort reads, for callers that ignore the status. */
		rets[0] = status;
		rets[1] = size == 1 ? 0xff : size == 2 ? 0xffff : ~0u;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = pci_config_read(d, CFG_REG(addr), size);
}

static void cfg_write(uint32_t addr, uint32_t size, uint32_t val, uint32_t *rets)
{
	int status;
	struct pci_device *d = cfg_target(addr, size, &status);

	if (!d) {
		rets[0] = status;
		return;
	}
	pci_config_write(d, CFG_REG(addr), val, size);
	rets[0] = RTAS_OUT_SUCCESS;
}

static bool buid_ok(uint32_t hi, uint32_t lo)
{
	return ((uint64_t)hi << 32 | lo) == SPAPR_PHB_BUID;
}

/* read-pci-config (addr, size) -> (status, value): the only PHB's config space. */
void spapr_phb_rtas_read(uint32_t nargs, const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	if (nargs != 2) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	cfg_read(args[0], args[1], nret, rets);
}

/* write-pci-config (addr, size, value) -> (status). */
void spapr_phb_rtas_write(uint32_t nargs, const uint32_t *args, uint32_t nret, uint32_t *rets)
{
	if (nargs != 3) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	cfg_write(args[0], args[1], args[2], rets);
}

/* ibm,read-pci-config (addr, buid hi, buid lo, size) -> (status, value). */
void spapr_phb_rtas_ibm_read(uint32_t nargs, const uint32_t *args, uint32_t nret,
			     uint32_t *rets)
{
	if (nargs != 4 || nret < 2) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (!buid_ok(args[1], args[2])) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		rets[1] = ~0u;
		return;
	}
	cfg_read(args[0], args[3], nret, rets);
}

/* ibm,write-pci-config (addr, buid hi, buid lo, size, value) -> (status). */
void spapr_phb_rtas_ibm_write(uint32_t nargs, const uint32_t *args, uint32_t nret,
			      uint32_t *rets)
{
	if (nargs != 5) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	if (!buid_ok(args[1], args[2])) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	cfg_write(args[0], args[3], args[4], rets);
}

static int prop_cells(void *fdt, const char *name, const uint32_t *cells, unsigned n)
{
	fdt32_t be[PCI_NUM_BARS * 5 + 5];

	g_assert(n <= G_N_ELEMENTS(be));
	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	return fdt_property(fdt, name, be, n * sizeof(fdt32_t));
}

/* Stop at the first libfdt error. */
#define TRY(expr)                     \
	do {                          \
		int ret_ = (expr);    \
		if (ret_ < 0)         \
			return ret_;  \
	} while (0)

/* One function: what of_create_pci_dev() and the pci_dn code read. */
static int build_function(void *fdt, const struct pci_device *d)
{
	const uint8_t *cfg = d->config;
	uint32_t devfn = d->slot << 3, reg[5 * (PCI_NUM_BARS + 1)], assigned[5 * PCI_NUM_BARS];
	unsigned nreg = 0, nassigned = 0;
	char name[40];

	snprintf(name, sizeof(name), "pci%x,%x@%x", pci_get16(cfg + PCI_VENDOR_ID),
		 pci_get16(cfg + PCI_DEVICE_ID), d->slot);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_u32(fdt, "vendor-id", pci_get16(cfg + PCI_VENDOR_ID)));
	TRY(fdt_property_u32(fdt, "device-id", pci_get16(cfg + PCI_DEVICE_ID)));
	TRY(fdt_property_u32(fdt, "revision-id", cfg[PCI_REVISION_ID]));
	TRY(fdt_property_u32(fdt, "class-code", pci_get32(cfg + PCI_REVISION_ID) >> 8));
	TRY(fdt_property_u32(fdt, "subsystem-vendor-id",
			     pci_get16(cfg + PCI_SUBSYSTEM_VENDOR_ID)));
	TRY(fdt_property_u32(fdt, "subsystem-id", pci_get16(cfg + PCI_SUBSYSTEM_ID)));
	if (cfg[PCI_INTERRUPT_PIN])
		TRY(fdt_property_u32(fdt, "interrupts", cfg[PCI_INTERRUPT_PIN]));
	/* reg: config space first, then each BAR's size; assigned-addresses: where it is. */
	reg[nreg++] = OF_PCI_SS_CONFIG | devfn << 8;
	for (unsigned i = 0; i < 4; i++)
		reg[nreg++] = 0;
	for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
		uint32_t size = d->bars[n].size, hi = OF_PCI_SS_MEM32 | devfn << 8 |
						       (PCI_BASE_ADDRESS_0 + 4 * n);

		if (!size)
			continue;
		reg[nreg++] = hi;
		reg[nreg++] = 0;
		reg[nreg++] = 0;
		reg[nreg++] = 0;
		reg[nreg++] = size;
		assigned[nassigned++] = OF_PCI_RELOC_N | hi;
		assigned[nassigned++] = 0;
		assigned[nassigned++] = d->bars[n].cold_addr;
		assigned[nassigned++] = 0;
		assigned[nassigned++] = size;
	}
	TRY(prop_cells(fdt, "reg", reg, nreg));
	if (nassigned)
		TRY(prop_cells(fdt, "assigned-addresses", assigned, nassigned));
	TRY(spapr_phb_msi_fdt_function(fdt, d));
	return fdt_end_node(fdt);
}

int spapr_phb_build_fdt(void *fdt)
{
	const uint64_t cpu = SPAPR_PCI_MEM32_CPU, size = SPAPR_PCI_MEM32_SIZE;
	const uint32_t ranges[] = {
		OF_PCI_SS_MEM32, 0, (uint32_t)SPAPR_PCI_MEM32_PCI,
		cpu >> 32, (uint32_t)cpu, size >> 32, (uint32_t)size,
	};
	const uint32_t reg[] = { SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID, 0, 1 };
	const uint32_t bus_range[] = { 0, 0 };
	const uint32_t dma_window[] = { SPAPR_PHB_LIOBN, 0, 0, 0, SPAPR_PHB_DMA_WINDOW };
	const uint32_t map_mask[] = { 0xf800, 0, 0, 7 };
	/* slot/pin -> XICS source, level (bit 0 of the XICS specifier's sense cell). */
	g_autofree uint32_t *map = g_new(uint32_t, PCI_SLOTS * 4 * 7);
	g_autofree fdt32_t *map_be = g_new(fdt32_t, PCI_SLOTS * 4 * 7);
	unsigned n = 0;
	char name[32];

	snprintf(name, sizeof(name), "pci@%llx", (unsigned long long)SPAPR_PHB_BUID);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "device_type", "pci"));
	TRY(fdt_property_string(fdt, "compatible", "IBM,Logical_PHB"));
	TRY(fdt_property_u32(fdt, "#address-cells", 3));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(prop_cells(fdt, "reg", reg, G_N_ELEMENTS(reg)));
	TRY(prop_cells(fdt, "bus-range", bus_range, G_N_ELEMENTS(bus_range)));
	TRY(prop_cells(fdt, "ranges", ranges, G_N_ELEMENTS(ranges)));
	TRY(fdt_property_u32(fdt, "ibm,#dma-address-cells", 2));
	TRY(fdt_property_u32(fdt, "ibm,#dma-size-cells", 2));
	TRY(prop_cells(fdt, "ibm,dma-window", dma_window, G_N_ELEMENTS(dma_window)));
	/* The MSI sources the PHB's functions share: Linux makes its MSI domain from it. */
	TRY(fdt_property_u32(fdt, "ibm,pe-total-#msi", SPAPR_MSI_COUNT));
	TRY(prop_cells(fdt, "interrupt-map-mask", map_mask, G_N_ELEMENTS(map_mask)));
	for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
		for (unsigned pin = 0; pin < 4; pin++) {
			map[n++] = slot << 11;
			map[n++] = 0;
			map[n++] = 0;
			map[n++] = pin + 1;
			map[n++] = SPAPR_XICS_PHANDLE;
			map[n++] = pci_slot_gsi(slot + pin);
			map[n++] = 1;
		}
	}
	for (unsigned i = 0; i < n; i++)
		map_be[i] = cpu_to_fdt32(map[i]);
	TRY(fdt_property(fdt, "interrupt-map", map_be, n * sizeof(fdt32_t)));
	for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
		const struct pci_device *d = pci_bus_device(slot);

		if (d)
			TRY(build_function(fdt, d));
	}
	return fdt_end_node(fdt);
}

int spapr_phb_init(GError **err)
{
	if (pci_bus_present()) {
		error_setg(err, "pseries: the PCI bus exists already");
		return -EEXIST;
	}
	pci_bus_set_layout(&spapr_layout);
	pci_bus_set_present();
	spapr_rtas_register(RTAS_READ_PCI_CONFIG, spapr_phb_rtas_read);
	spapr_rtas_register(RTAS_WRITE_PCI_CONFIG, spapr_phb_rtas_write);
	spapr_rtas_register(RTAS_IBM_READ_PCI_CONFIG, spapr_phb_rtas_ibm_read);
	spapr_rtas_register(RTAS_IBM_WRITE_PCI_CONFIG, spapr_phb_rtas_ibm_write);
	spapr_phb_msi_init();
	return 0;
}
