/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CHAR_PL011_H
#define KEEL_HW_CHAR_PL011_H
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chardev;
struct pl011_state;

/*
 * An ARM PL011 UART at MMIO [base, base + 4 KiB) driving irq_line (a
 * KVM_IRQ_LINE number, already encoded for the machine's irqchip). chr may
 * be NULL: output is dropped, there is no input.
 */
struct pl011_state *pl011_create(struct chardev *chr, uint64_t base, unsigned irq_line,
				 GError **err);
/* Bytes as if received from the backend; returns how many were taken. */
size_t pl011_receive(struct pl011_state *s, const uint8_t *buf, size_t len);
bool pl011_irq_level(const struct pl011_state *s);

#endif
