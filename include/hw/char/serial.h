/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CHAR_SERIAL_H
#define KEEL_HW_CHAR_SERIAL_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;
struct serial_state;

#define SERIAL_MAX_PORTS 4

/*
 * A 16550A UART on ISA ports [iobase, iobase+8) driving GSI irq. chr may be
 * NULL (no backend: output dropped, no input). index is the COM number - 1,
 * or -1 for the first free one; iobase/irq 0 mean the index's PC defaults.
 */
struct serial_state *serial_create(struct chardev *chr, int index, uint16_t iobase,
				   unsigned irq, GError **err);
/* Default ports (0x3f8/4, 0x2f8/3, 0x3e8/4, 0x2e8/3). */
uint16_t serial_default_iobase(unsigned index);
unsigned serial_default_irq(unsigned index);

/* Bytes as if received from the backend; returns how many were taken. */
size_t serial_receive(struct serial_state *s, const uint8_t *buf, size_t len);
/* State of the interrupt line (tests). */
bool serial_irq_level(const struct serial_state *s);
/* Divisor latch value set by the guest. */
uint16_t serial_divisor(const struct serial_state *s);

#endif
