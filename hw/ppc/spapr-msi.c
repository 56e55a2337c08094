// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pseries has no MSI yet (no RTAS ibm,change-msi): the PHB's layout says
 * no_msi, so its functions have no MSI-X capability and msix.c never asks
 * for a route. Linux 6.1 would otherwise try MSI-X without an MSI domain
 * and crash; its virtio-pci uses INTx instead.
 */
#include <errno.h>

#include "hw/pci/msix.h"
#include "system/error.h"

int pci_msi_route_add(uint64_t addr, uint32_t data, GError **err)
{
	error_setg(err, "pseries has no MSI routes");
	return -ENOTSUP;
}

int pci_msi_route_update(unsigned gsi, uint64_t addr, uint32_t data, GError **err)
{
	error_setg(err, "pseries has no MSI routes");
	return -ENOTSUP;
}

void pci_msi_route_del(unsigned gsi)
{
}
