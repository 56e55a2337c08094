/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_PPC_SPAPR_PCI_H
#define KEEL_HW_PPC_SPAPR_PCI_H

/*
 * The pseries PCI host bridge (PHB): the front end of hw/pci's bus 0 for a
 * PAPR guest. Config space through the RTAS calls (ibm,)read/write-pci-config,
 * the bus and its devices described in the device tree (a pseries kernel
 * builds its PCI devices from the tree, not by probing), INTx on four
 * level-sensitive XICS sources, MSI-X through RTAS ibm,change-msi. Free of KVM structures apart from the LSI
 * set-up in spapr_phb_init(): the unit tests build it on any host.
 */
#include <glib.h>
#include <stdint.h>

#include "hw/ppc/spapr.h"

/* The PHB's bus unit ID: its "reg", and what ibm,*-pci-config calls name. */
#define SPAPR_PHB_BUID 0x800000020000000ULL
/* 32-bit memory window: PCI 0x80000000-0xffffffff at CPU 1 << 45 and up. */
#define SPAPR_PCI_MEM32_PCI 0x80000000ULL
#define SPAPR_PCI_MEM32_SIZE 0x80000000ULL
#define SPAPR_PCI_MEM32_CPU (1ULL << 45)
/*
 * The default DMA window Linux insists on (ibm,dma-window): a small TCE
 * table of 4 KiB pages at bus address 0, kept in KVM (KVM_CREATE_SPAPR_TCE_64)
 * so the guest's H_PUT_TCE never exits. Nothing translates through it:
 * virtio without VIRTIO_F_ACCESS_PLATFORM uses guest-physical addresses.
 */
#define SPAPR_PHB_LIOBN 0x80000000u
#define SPAPR_PHB_DMA_WINDOW 0x100000u
#define SPAPR_TCE_PAGE_SHIFT 12
/* INTA-D: the last four of the machine's 32 XICS sources. */
#define SPAPR_PHB_INTX_IRQ (SPAPR_IRQ_BASE + 28)
/*
 * MSI: the edge sources between the fixed ones (EPOW, VTY) and INTx, and
 * the address every message Keel writes names (its data is the source).
 * Nothing is decoded there: messages only travel from msix.c to KVM.
 */
#define SPAPR_MSI_FIRST (SPAPR_IRQ_BASE + 2)
#define SPAPR_MSI_COUNT (SPAPR_PHB_INTX_IRQ - SPAPR_MSI_FIRST)
#define SPAPR_MSI_WINDOW 0x40000000000ULL

/*
 * Make hw/pci's bus 0 this PHB's: the memory window, INTx on the XICS
 * (level-sensitive when the in-kernel XICS exists), and the RTAS config
 * calls. Before any -device.
 */
int spapr_phb_init(GError **err);
/* The PHB node with a child per plugged function (spapr_fdt_config.add_nodes). */
int spapr_phb_build_fdt(void *fdt);
/* The RTAS config-space calls (registered by spapr_phb_init; exported for tests). */
void spapr_phb_rtas_read(uint32_t nargs, const uint32_t *args, uint32_t nret, uint32_t *rets);
void spapr_phb_rtas_write(uint32_t nargs, const uint32_t *args, uint32_t nret, uint32_t *rets);
void spapr_phb_rtas_ibm_read(uint32_t nargs, const uint32_t *args, uint32_t nret,
			     uint32_t *rets);
void spapr_phb_rtas_ibm_write(uint32_t nargs, const uint32_t *args, uint32_t nret,
			      uint32_t *rets);

struct pci_device;
/* MSI (spapr-pci-msi.c): the RTAS calls, a reset hook; spapr_phb_init() calls it. */
void spapr_phb_msi_init(void);
void spapr_phb_rtas_change_msi(uint32_t nargs, const uint32_t *args, uint32_t nret,
			       uint32_t *rets);
void spapr_phb_rtas_query_irq(uint32_t nargs, const uint32_t *args, uint32_t nret,
			      uint32_t *rets);
/* Vectors slot's function holds (tests). */
unsigned spapr_phb_msi_allocated(unsigned slot);
/* "ibm,req#msi-x" in a function's node when it has MSI-X; 0 or a libfdt error. */
int spapr_phb_msi_fdt_function(void *fdt, const struct pci_device *d);

#endif
