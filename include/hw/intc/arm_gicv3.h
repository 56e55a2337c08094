/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_INTC_ARM_GICV3_H
#define KEEL_HW_INTC_ARM_GICV3_H
/*
 * The in-kernel GICv3 and ITS (aarch64 hosts). Two steps, because KVM wants
 * the vCPUs to exist before the GIC is initialised:
 *   gicv3_create()  at machine init: the device, its IRQ count and addresses;
 *   gicv3_realize() once every vCPU got KVM_ARM_VCPU_INIT: CTRL_INIT, the
 *                   ITS, the cold-state snapshot and the reset handlers.
 * Cold reset writes the snapshot back into the distributor, every
 * redistributor and CPU interface, and resets the ITS (see arm_gicv3_its.h).
 * The ITS tables are saved whenever the VM stops; failures are logged and
 * counted, never fatal.
 *
 * Test switch: KEEL_TEST_ITS_RESET=none (skip the ITS reset, the negative
 * control) or =registers (force the register fallback).
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

int gicv3_create(uint64_t dist_base, uint64_t redist_base, unsigned nr_irqs, GError **err);
int gicv3_realize(uint64_t its_base, bool its, GError **err);

/* KVM_IRQ_LINE number of shared peripheral interrupt spi (INTID 32 + spi). */
static inline unsigned gicv3_spi_line(unsigned spi)
{
	return (1u << 24) | (32 + spi); /* KVM_ARM_IRQ_TYPE_SPI */
}

#endif
