/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI configuration mechanism #1 (ports 0xcf8/0xcfc) on bus 0, and the
 * virtio-pci common configuration offsets (virtio 1.x, 4.1.4.3), for the
 * guests that drive a virtio-pci function themselves.
 */
#ifndef KEEL_GUEST_PCI_H
#define KEEL_GUEST_PCI_H

#include "guest.h"

#define PCI_CONFIG_ADDR 0xcf8
#define PCI_CONFIG_DATA 0xcfc

static inline uint32_t pci_cfg_read(unsigned slot, unsigned reg)
{
	outl(PCI_CONFIG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	return inl(PCI_CONFIG_DATA);
}

static inline void pci_cfg_write(unsigned slot, unsigned reg, uint32_t v)
{
	outl(PCI_CONFIG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	outl(PCI_CONFIG_DATA, v);
}

static inline uint8_t pci_cfg_read8(unsigned slot, unsigned reg)
{
	return pci_cfg_read(slot, reg) >> (8 * (reg & 3));
}

#define C_DFSELECT 0x00
#define C_DF 0x04
#define C_GFSELECT 0x08
#define C_GF 0x0c
#define C_MSIX 0x10
#define C_STATUS 0x14
#define C_Q_SELECT 0x16
#define C_Q_SIZE 0x18
#define C_Q_MSIX 0x1a
#define C_Q_ENABLE 0x1c
#define C_Q_NOFF 0x1e
#define C_Q_DESC 0x20
#define C_Q_AVAIL 0x28
#define C_Q_USED 0x30

#endif
