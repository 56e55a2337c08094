/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_IRQ_H
#define KEEL_HW_CORE_IRQ_H

#include <stdbool.h>

/* Drive an interrupt line of the in-kernel irqchip (GSI number on x86). */
void irq_set_level(unsigned gsi, bool level);
/*
 * Told every level set through irq_set_level() before KVM is: an interrupt
 * controller that must re-trigger a level still asserted at EOI (pseries
 * XIVE, whose EOIs Keel sees) keeps the levels this way. One observer.
 */
void irq_set_level_observer(void (*fn)(unsigned gsi, bool level));
static inline void irq_pulse(unsigned gsi)
{
	irq_set_level(gsi, true);
	irq_set_level(gsi, false);
}

/*
 * The GSI a KVM_IRQFD uses for the KVM_IRQ_LINE number line (the same on
 * x86; the SPI's routing entry on arm64), or -1 when the arch has none.
 */
int irq_line_irqfd_gsi(unsigned line);

#endif
