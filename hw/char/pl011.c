// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ARM PrimeCell UART (PL011), as much of it as Linux's amba-pl011 driver and
 * earlycon use: data, flags, the interrupt mask/status/clear registers, a
 * 16-byte receive FIFO and the PrimeCell ID registers the AMBA bus probes.
 * Transmission is instant, so the TX FIFO is always empty.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/char/pl011.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "system/error.h"
#include "system/memory.h"

#define PL011_SIZE 0x1000
#define RX_FIFO 16

enum {
	UARTDR = 0x000,
	UARTRSR = 0x004,
	UARTFR = 0x018,
	UARTILPR = 0x020,
	UARTIBRD = 0x024,
	UARTFBRD = 0x028,
	UARTLCR_H = 0x02c,
	UARTCR = 0x030,
	UARTIFLS = 0x034,
	UARTIMSC = 0x038,
	UARTRIS = 0x03c,
	UARTMIS = 0x040,
	UARTICR = 0x044,
	UARTDMACR = 0x048,
	UARTPERIPHID0 = 0xfe0,
};

#define FR_RXFE (1u << 4)
#define FR_TXFE (1u << 7)
#define LCR_FEN (1u << 4)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_ALL 0x7ffu

/* PeriphID0-3 (PL011 r1p5) then PrimeCell ID0-3. */
static const uint8_t pl011_id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011_state {
	struct chardev *chr;
	unsigned irq_line;
	bool irq_level;
	bool rx_held;
	uint8_t rx[RX_FIFO];
	unsigned rx_head, rx_count;
	uint32_t ris, imsc, cr, lcr_h, ibrd, fbrd, ifls, ilpr, dmacr;
};

static unsigned rx_capacity(const struct pl011_state *s)
{
	return s->lcr_h & LCR_FEN ? RX_FIFO : 1;
}

static void update_irq(struct pl011_state *s)
{
	bool level;

	/* Receive status follows the FIFO: set while data waits, whatever ICR says. */
	if (s->rx_count)
		s->ris |= INT_RX | INT_RT;
	else
		s->ris &= ~(INT_RX | INT_RT);
	level = (s->ris & s->imsc) != 0;
	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set_level(s->irq_line, level);
	}
}

static uint32_t rx_pop(struct pl011_state *s)
{
	uint32_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % RX_FIFO;
	s->rx_count--;
	if (s->rx_held && s->chr) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
	return c;
}

static uint64_t pl011_read(void *opaque, uint64_t offset, unsigned size)
{
	struct pl011_state *s = opaque;
	uint32_t v = 0;

	if (offset >= UARTPERIPHID0 && offset < PL011_SIZE)
		return pl011_id[(offset - UARTPERIPHID0) >> 2 & 7];
	switch (offset) {
	case UARTDR:
		v = rx_pop(s);
		update_irq(s);
		break;
	case UARTFR:
		v = FR_TXFE | (s->rx_count ? 0 : FR_RXFE);
		break;
	case UARTILPR:
		v = s->ilpr;
		break;
	case UARTIBRD:
		v = s->ibrd;
		break;
	case UARTFBRD:
		v = s->fbrd;
		break;
	case UARTLCR_H:
		v = s->lcr_h;
		break;
	case UARTCR:
		v = s->cr;
		break;
	case UARTIFLS:
		v = s->ifls;
		break;
	case UARTIMSC:
		v = s->imsc;
		break;
	case UARTRIS:
		v = s->ris;
		break;
	case UARTMIS:
		v = s->ris & s->imsc;
		break;
	case UARTDMACR:
		v = s->dmacr;
		break;
	default: /* RSR (no errors), reserved: zero */
		break;
	}
	return v;
}

static void pl011_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct pl011_state *s = opaque;
	uint32_t v = value;

	switch (offset) {
	case UARTDR: {
		uint8_t c = v;

		if (s->chr)
			chardev_write(s->chr, &c, 1);
		s->ris |= INT_TX; /* sent at once: the FIFO is below any trigger level */
		break;
	}
	case UARTILPR:
		s->ilpr = v & 0xff;
		break;
	case UARTIBRD:
		s->ibrd = v & 0xffff;
		break;
	case UARTFBRD:
		s->fbrd = v & 0x3f;
		break;
	case UARTLCR_H:
		/* Switching the FIFO off or on empties it, as on the real part. */
		if ((s->lcr_h ^ v) & LCR_FEN)
			s->rx_count = 0;
		s->lcr_h = v & 0xff;
		break;
	case UARTCR:
		s->cr = v & 0xffff;
		break;
	case UARTIFLS:
		s->ifls = v & 0x3f;
		break;
	case UARTIMSC:
		s->imsc = v & INT_ALL;
		break;
	case UARTICR:
		s->ris &= ~(v & INT_ALL);
		break;
	case UARTDMACR:
		s->dmacr = v & 7;
		break;
	default: /* RSR/ECR clears errors we never raise; read-only registers ignore writes */
		break;
	}
	update_irq(s);
	if (s->rx_held && s->chr && s->rx_count < rx_capacity(s)) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
}

static const struct io_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
};

size_t pl011_receive(struct pl011_state *s, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	while (n < len && s->rx_count < rx_capacity(s)) {
		s->rx[(s->rx_head + s->rx_count) % RX_FIFO] = buf[n++];
		s->rx_count++;
	}
	if (s->rx_count == rx_capacity(s))
		s->rx_held = true;
	update_irq(s);
	return n;
}

bool pl011_irq_level(const struct pl011_state *s)
{
	return s->irq_level;
}

static size_t fe_can_read(void *opaque)
{
	struct pl011_state *s = opaque;
	size_t room = rx_capacity(s) - s->rx_count;

	if (!room)
		s->rx_held = true;
	return room;
}

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
	pl011_receive(opaque, buf, len);
}

static const struct chr_frontend pl011_frontend = {
	.can_read = fe_can_read,
	.read = fe_read,
};

static void pl011_reset(void *opaque)
{
	struct pl011_state *s = opaque;

	s->rx_head = s->rx_count = 0;
	s->ris = s->imsc = s->lcr_h = s->ibrd = s->fbrd = s->ilpr = s->dmacr = 0;
	s->cr = 0x300; /* TXE | RXE */
	s->ifls = 0x12;
	s->irq_level = false;
	irq_set_level(s->irq_line, false);
	if (s->rx_held && s->chr) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
}

struct pl011_state *pl011_create(struct chardev *chr, uint64_t base, unsigned irq_line,
				 GError **err)
{
	struct pl011_state *s = g_new0(struct pl011_state, 1);

	s->chr = chr;
	s->irq_line = irq_line;
	/* Registers only: the interrupt controller is not initialised yet; cold reset follows. */
	s->cr = 0x300;
	s->ifls = 0x12;
	if (io_region_add(IO_SPACE_MMIO, base, PL011_SIZE, &pl011_ops, s, "pl011") < 0) {
		error_setg(err, "pl011: MMIO range at 0x%llx is already in use",
			   (unsigned long long)base);
		g_free(s);
		return NULL;
	}
	if (chr && chardev_attach(chr, &pl011_frontend, s, err) < 0) {
		io_region_del(IO_SPACE_MMIO, base);
		g_free(s);
		return NULL;
	}
	reset_register(RESET_ORDER_DEVICE, pl011_reset, s, "pl011");
	return s;
}
