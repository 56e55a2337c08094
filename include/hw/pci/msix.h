/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_PCI_MSIX_H
#define KEEL_HW_PCI_MSIX_H

/*
 * MSI-X for a PCI function: the capability, the vector table and the
 * pending bit array in a memory BAR of their own. A vector is delivered
 * through a KVM MSI route and an irqfd (pci_msi_signal() where that is not
 * available); a masked vector sets its pending bit and is delivered when
 * unmasked. Main thread or vCPU thread, bql held.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/pci/pci.h"

/*
 * MSI routes for KVM_IRQFD, from the architecture (x86: hw/i386/irqchip.c,
 * MSI routes in the irqchip's GSI routing table; pseries: hw/ppc/spapr-msi.c,
 * the GSI of the source the message names): add one (returns its GSI or
 * -errno), retarget it (an error: msix.c drops the irqfd and adds a route
 * again), drop it. pci_msi_signal delivers one message without an irqfd
 * (x86: KVM_SIGNAL_MSI); 0 or -errno. Main thread, bql held.
 */
int pci_msi_route_add(uint64_t addr, uint32_t data, GError **err);
int pci_msi_route_update(unsigned gsi, uint64_t addr, uint32_t data, GError **err);
void pci_msi_route_del(unsigned gsi);
int pci_msi_signal(uint64_t addr, uint32_t data);

#define MSIX_MAX_VECTORS 64
#define MSIX_BAR_SIZE 0x1000
#define MSIX_TABLE_OFFSET 0
#define MSIX_PBA_OFFSET 0x800
#define MSIX_NO_VECTOR 0xffff

struct msix_vector {
	uint64_t addr;
	uint32_t data;
	uint32_t ctrl;
	bool pending;
	/* KVM route and irqfd, made at first delivery (-1: none yet or failed). */
	int gsi;
	int irqfd;
	bool no_irqfd;
	uint64_t route_addr;
	uint32_t route_data;
};

struct msix {
	struct pci_device *dev;
	uint8_t cap;
	unsigned nvec;
	struct msix_vector vec[MSIX_MAX_VECTORS];
	unsigned long sent;	/* messages delivered (tests) */
};

/*
 * Add the capability and serve table + PBA in BAR bar. nvec 0: no MSI-X at
 * all (no capability, no BAR; buses without MSI). Returns 0 or -1 with err set.
 */
int msix_init(struct msix *m, struct pci_device *d, unsigned nvec, unsigned bar, GError **err);
/* The device's config_write hook must call this (flags: enable, function mask). */
void msix_config_write(struct msix *m, uint32_t addr, uint32_t val, unsigned len);
/* MSI-X enabled by the driver (then INTx is not used). */
bool msix_enabled(const struct msix *m);
/* Signal vector (ignored when out of range or MSI-X is disabled). */
void msix_notify(struct msix *m, unsigned vector);
/* Cold state: disabled, every vector masked, nothing pending. */
void msix_reset(struct msix *m);

/* Table/PBA access as the guest does it (exported for tests). */
uint64_t msix_bar_read(void *opaque, uint64_t offset, unsigned size);
void msix_bar_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

#endif
