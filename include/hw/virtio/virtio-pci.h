/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_VIRTIO_VIRTIO_PCI_H
#define KEEL_HW_VIRTIO_VIRTIO_PCI_H

/* virtio-pci, modern (virtio 1.x, 4.1). */
#include <glib.h>
#include <stdint.h>

#include "hw/virtio/virtio.h"

#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEVICE_BASE 0x1040	/* + virtio device ID */
#define VIRTIO_PCI_SUBSYS 0x1100

/* Vendor-specific capability types (cfg_type). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5

/* Our layout: BAR 0 with four 4 KiB regions, MSI-X table and PBA in BAR 1. */
#define VIRTIO_PCI_BAR 0
#define VIRTIO_PCI_MSIX_BAR 1
#define VIRTIO_PCI_BAR_SIZE 0x4000
#define VIRTIO_PCI_REGION 0x1000
#define VIRTIO_PCI_COMMON_OFFSET 0x0000
#define VIRTIO_PCI_ISR_OFFSET 0x1000
#define VIRTIO_PCI_DEVICE_OFFSET 0x2000
#define VIRTIO_PCI_NOTIFY_OFFSET 0x3000
#define VIRTIO_PCI_NOTIFY_MULT 4	/* queue q's doorbell at NOTIFY_OFFSET + 4 * q */

/* VIRTIO_PCI_CAP_PCI_CFG: bar (+4), offset (+8), length (+12), then the data window. */
#define VIRTIO_PCI_CFG_DATA 16

/* Common configuration structure (4.1.4.3). */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00
#define VIRTIO_PCI_COMMON_DF 0x04
#define VIRTIO_PCI_COMMON_GFSELECT 0x08
#define VIRTIO_PCI_COMMON_GF 0x0c
#define VIRTIO_PCI_COMMON_MSIX 0x10
#define VIRTIO_PCI_COMMON_NUMQ 0x12
#define VIRTIO_PCI_COMMON_STATUS 0x14
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1a
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1c
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1e
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30
#define VIRTIO_PCI_COMMON_LEN 0x38

struct virtio_pci;
struct pci_device;
struct msix;

/*
 * Put vdev on a new virtio-pci function at slot (-1: the first free one)
 * with vectors MSI-X vectors (-1: one per queue plus config, or none where
 * the bus has no MSI; 0: no MSI-X, INTx only). Registers a system reset
 * handler. NULL with err set on failure.
 */
struct virtio_pci *virtio_pci_create(struct virtio_device *vdev, int slot, int vectors,
				     GError **err);
struct pci_device *virtio_pci_device(struct virtio_pci *t);
struct msix *virtio_pci_msix(struct virtio_pci *t);

/* BAR 0 accesses, as the guest does them (exported for unit tests). */
uint64_t virtio_pci_bar_read(void *opaque, uint64_t offset, unsigned size);
void virtio_pci_bar_write(void *opaque, uint64_t offset, uint64_t value, unsigned size);

#endif
