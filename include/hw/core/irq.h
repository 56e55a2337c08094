/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_IRQ_H
#define KEEL_HW_CORE_IRQ_H

#include <stdbool.h>

/* Drive an interrupt line of the in-kernel irqchip (GSI number on x86). */
void irq_set_level(unsigned gsi, bool level);
static inline void irq_pulse(unsigned gsi)
{
	irq_set_level(gsi, true);
	irq_set_level(gsi, false);
}

#endif
