/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_PC_H
#define KEEL_HW_I386_PC_H

#include <glib.h>
#include <stdint.h>

/*
 * Board pieces of the x86 machine, created by its init. Each registers its
 * ports and its own reset handler; errors name the device.
 */

/* In-kernel PIC, IOAPIC and PIT, GSI routing; TSS and identity map. */
int x86_irqchip_init(GError **err);
/* i8042 at 0x60/0x64: enough for firmware; command 0xFE resets the machine. */
int i8042_init(GError **err);
/* Reset control register at 0xCF9: setting bit 2 resets the machine. */
int cf9_init(GError **err);

#endif
