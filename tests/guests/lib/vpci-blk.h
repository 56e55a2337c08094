/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The least a guest needs to read a virtio-blk-pci disk on bus 0 (-M pc):
 * find it (modern or transitional), use its BAR where it is (placing it
 * only if nobody did), negotiate VERSION_1 and poll queue 0 (no
 * interrupts: MSI-X stays off and the INTx line is lowered by an ISR read).
 */
#ifndef KEEL_GUEST_VPCI_BLK_H
#define KEEL_GUEST_VPCI_BLK_H

#include "guest.h"

/* The slot of the first virtio-blk-pci (1af4:1042) on bus 0, or -1. */
int vpci_blk_find(void);
/* Read 512-byte sector into buf (an unplaced BAR goes to bar_addr); 0 or -1, *why says why. */
int vpci_blk_read(unsigned slot, uint32_t bar_addr, uint64_t sector, void *buf,
		  const char **why);

#endif
