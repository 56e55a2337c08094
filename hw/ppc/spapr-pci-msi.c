// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PAPR MSI on the pseries PHB: RTAS ibm,change-msi and
 * ibm,query-interrupt-source-number, as a PAPR hypervisor offers them.
 *
 * The guest never composes MSI messages itself: it asks the hypervisor for
 * N vectors of a function, and the hypervisor picks interrupt sources and
 * writes each vector's address/data into the function's MSI-X table; Linux
 * reads the message back from the table (pseries_msi_compose_msg) and asks
 * which source each vector raises. A message is (SPAPR_MSI_WINDOW, source
 * number), so hw/ppc/spapr-msi.c maps it straight to KVM's GSI of that
 * source.
 *
 * The sources are the machine's free edge sources 0x1002-0x101b, which
 * XICS and XIVE claim at init. Allocations are per function and all go at
 * a system reset: the next kernel asks again.
 */
#include <libfdt.h>
#include <string.h>

#include "hw/core/reset.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci.h"
#include "hw/ppc/spapr-pci.h"
#include "system/log.h"

/* ibm,change-msi function codes and interrupt types (PAPR). */
#define CHANGE_QUERY 0
#define CHANGE_ANY 1	  /* MSI if present, else MSI-X */
#define CHANGE_MSI 3
#define CHANGE_MSIX 4
#define CHANGE_MSI32 5
#define TYPE_MSIX 2

/* Each slot's vectors: source of vector i. */
struct msi_alloc {
	unsigned n;
	uint16_t src[MSIX_MAX_VECTORS];
};

static struct msi_alloc allocs[PCI_SLOTS];
static uint32_t used; /* bit i: source SPAPR_MSI_FIRST + i is allocated */

_Static_assert(SPAPR_MSI_COUNT <= 32, "the free-source bitmap is one word");

/* The function a config address (bus 0, function 0) names, or NULL. */
static struct pci_device *function_of(uint32_t addr)
{
	unsigned bus = (addr >> 16) & 0xff, devfn = (addr >> 8) & 0xff;

	if (bus || (devfn & 7))
		return NULL;
	return pci_bus_device(devfn >> 3);
}

/* Offset of d's MSI-X capability, or 0. The list is bounded: 48 entries at most. */
static unsigned msix_cap_of(const struct pci_device *d)
{
	unsigned pos = d->config[PCI_CAPABILITY_LIST] & ~3u;

	for (unsigned i = 0; pos >= 0x40 && pos < PCI_CONFIG_SIZE - 1 && i < 48; i++) {
		if (d->config[pos] == PCI_CAP_ID_MSIX)
			return pos;
		pos = d->config[pos + 1] & ~3u;
	}
	return 0;
}

static unsigned msix_size(const struct pci_device *d, unsigned cap)
{
	return (pci_get16(d->config + cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

/* Write vector v's message into d's MSI-X table, through its BAR as the device sees it. */
static void write_vector(struct pci_device *d, unsigned cap, unsigned v, uint64_t addr,
			 uint32_t data)
{
	uint32_t table = pci_get32(d->config + cap + PCI_MSIX_TABLE);
	const struct pci_bar *bar = &d->bars[table & 7];
	uint64_t off = (table & ~7u) + (uint64_t)v * PCI_MSIX_ENTRY_SIZE;

	if ((table & 7) >= PCI_NUM_BARS || !bar->ops || !bar->ops->write)
		return;
	bar->ops->write(bar->opaque, off, (uint32_t)addr, 4);
	bar->ops->write(bar->opaque, off + 4, addr >> 32, 4);
	bar->ops->write(bar->opaque, off + 8, data, 4);
}

static void free_slot(struct pci_device *d, unsigned slot)
{
	struct msi_alloc *a = &allocs[slot];
	unsigned cap = d ? msix_cap_of(d) : 0;

	for (unsigned i = 0; i < a->n; i++) {
		used &= ~(1u << (a->src[i] - SPAPR_MSI_FIRST));
		if (cap)
			write_vector(d, cap, i, 0, 0);
	}
	a->n = 0;
}

/* n free sources into a, or false (nothing taken). */
static bool alloc_sources(struct msi_alloc *a, unsigned n)
{
	unsigned got = 0;

	if ((unsigned)__builtin_popcountll(~used & ((1ull << SPAPR_MSI_COUNT) - 1)) < n)
		return false;
	for (unsigned i = 0; i < SPAPR_MSI_COUNT && got < n; i++) {
		if (used & (1u << i))
			continue;
		used |= 1u << i;
		a->src[got++] = SPAPR_MSI_FIRST + i;
	}
	a->n = n;
	return true;
}

static bool buid_ok(uint32_t hi, uint32_t lo)
{
	return ((uint64_t)hi << 32 | lo) == SPAPR_PHB_BUID;
}

/*
 * ibm,change-msi (config addr, buid hi, buid lo, function, requested, seq)
 * -> (status, allocated, next seq[, type]). A request of 0 frees; any other
 * replaces what the function had. The calls never answer "busy".
 */
void spapr_phb_rtas_change_msi(uint32_t nargs, const uint32_t *args, uint32_t nret,
			       uint32_t *rets)
{
	struct pci_device *d;
	unsigned cap, slot, func, req;

	if (nargs != 6 || nret < 3 || !buid_ok(args[1], args[2])) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	d = function_of(args[0]);
	func = args[3];
	req = args[4];
	if (!d || (func != CHANGE_ANY && func != CHANGE_MSI && func != CHANGE_MSIX &&
		   func != CHANGE_MSI32)) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	slot = d->slot;
	cap = msix_cap_of(d);
	/* Only MSI-X exists here: 32-bit MSI requests can only free. */
	if (req && (!cap || func == CHANGE_MSI32 || req > msix_size(d, cap))) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	free_slot(d, slot);
	if (req && !alloc_sources(&allocs[slot], req)) {
		rets[0] = RTAS_OUT_HW_ERROR;
		return;
	}
	for (unsigned i = 0; i < allocs[slot].n; i++)
		write_vector(d, cap, i, SPAPR_MSI_WINDOW, allocs[slot].src[i]);
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = req;
	rets[2] = args[5] + 1;
	if (nret > 3)
		rets[3] = TYPE_MSIX;
}

/*
 * ibm,query-interrupt-source-number (config addr, buid hi, buid lo, vector)
 * -> (status, source, 1 = edge).
 */
void spapr_phb_rtas_query_irq(uint32_t nargs, const uint32_t *args, uint32_t nret,
			      uint32_t *rets)
{
	struct pci_device *d;

	if (nargs != 4 || nret < 3 || !buid_ok(args[1], args[2])) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	d = function_of(args[0]);
	if (!d || args[3] >= allocs[d->slot].n) {
		rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	rets[0] = RTAS_OUT_SUCCESS;
	rets[1] = allocs[d->slot].src[args[3]];
	rets[2] = 1;
}

unsigned spapr_phb_msi_allocated(unsigned slot)
{
	return slot < PCI_SLOTS ? allocs[slot].n : 0;
}

/* After the devices' own reset (their tables are cold already): forget everything. */
static void msi_reset(void *opaque)
{
	memset(allocs, 0, sizeof(allocs));
	used = 0;
}

void spapr_phb_msi_init(void)
{
	msi_reset(NULL);
	spapr_rtas_register(RTAS_IBM_CHANGE_MSI, spapr_phb_rtas_change_msi);
	spapr_rtas_register(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, spapr_phb_rtas_query_irq);
	reset_register(RESET_ORDER_DEVICE, msi_reset, NULL, "spapr-msi");
}

int spapr_phb_msi_fdt_function(void *fdt, const struct pci_device *d)
{
	unsigned cap = msix_cap_of(d);

	return cap ? fdt_property_u32(fdt, "ibm,req#msi-x", msix_size(d, cap)) : 0;
}
