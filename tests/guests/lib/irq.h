/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interrupts for the tiny guests: an IDT where one vector calls a handler
 * and every other one fails the test, the local APIC enabled, and bounded
 * windows with interrupts on. The handler returns to the window's caller
 * instead of using IRET (32-bit IRET failed on some nested hosts), so
 * interrupts are only ever taken inside irq_window().
 */
#ifndef KEEL_GUEST_IRQ_H
#define KEEL_GUEST_IRQ_H

#include "guest.h"

#define LAPIC_BASE 0xfee00000u
#define IOAPIC_BASE 0xfec00000u

/* Vector vec calls handler (which must send the EOI); the LAPIC is enabled. */
void irq_init(unsigned vec, void (*handler)(void));
/* Interrupts on for a short while (a bounded spin), then off again. */
void irq_window(void);
/* Local APIC end of interrupt. */
void irq_eoi(void);
/* IOAPIC pin gsi: vector vec to APIC 0, level-triggered, active high, unmasked. */
void ioapic_route_level(unsigned gsi, unsigned vec);

#endif
