/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_ARM_VIRT_H
#define KEEL_HW_ARM_VIRT_H
/*
 * The arm64 "virt" machine: memory map (QEMU's, so guests and tools that
 * know QEMU's virt find things where they expect) and the device tree.
 */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRT_GICD_BASE 0x08000000ULL
#define VIRT_GICD_SIZE 0x10000ULL
#define VIRT_ITS_BASE 0x08080000ULL
#define VIRT_ITS_SIZE 0x20000ULL
#define VIRT_GICR_BASE 0x080a0000ULL
#define VIRT_GICR_STRIDE 0x20000ULL	/* RD_base + SGI_base frames per vCPU */
#define VIRT_GICR_MAX_CPUS 123		/* up to VIRT_UART_BASE */
#define VIRT_UART_BASE 0x09000000ULL
#define VIRT_UART_SIZE 0x1000ULL
#define VIRT_UART_SPI 1
#define VIRT_MMIO_BASE 0x0a000000ULL	/* virtio-mmio transports, 0x200 apart */
#define VIRT_MMIO_STRIDE 0x200ULL
#define VIRT_MMIO_SLOTS 32
#define VIRT_MMIO_SPI 16
#define VIRT_RAM_BASE 0x40000000ULL
#define VIRT_NR_IRQS 288		/* 32 private + 256 SPIs */

/* Architected timer PPIs (GIC PPI numbers, INTID - 16). */
#define VIRT_TIMER_PPI_SEC 13
#define VIRT_TIMER_PPI_NS 14
#define VIRT_TIMER_PPI_VIRT 11
#define VIRT_TIMER_PPI_HYP 10
#define VIRT_GIC_MAINT_PPI 9

struct virt_fdt_config {
	uint64_t ram_base, ram_size;
	unsigned ncpus;
	const uint64_t *mpidr; /* ncpus entries (MPIDR_EL1 values) */
	bool its;
	const char *bootargs;  /* NULL: none */
	uint64_t initrd_start, initrd_end; /* both 0: no initrd */
	unsigned virtio_mmio_slots; /* transports 0..n-1 in use */
};

/* A finished, packed device tree (g_free it), or NULL with *err set. */
void *virt_fdt_build(const struct virt_fdt_config *c, size_t *size, GError **err);

/* hw/arm/virt.c: a virtio-mmio transport took slot index (for the device tree). */
void virt_note_virtio_mmio(unsigned index);

#endif
