// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * 16550A UART. Transmission is instantaneous: a byte written to THR goes to
 * the backend at once and THR is empty again, so the THRE interrupt fires
 * right away. Received bytes wait in a 16-byte FIFO; the backend is told to
 * hold further input while it is full. Interrupts are driven both ways.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/char/serial.h"
#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "system/error.h"
#include "system/memory.h"
#include "system/opts.h"

enum {
	REG_RBR_THR = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define IER_RDI 0x01	/* received data available */
#define IER_THRI 0x02	/* THR empty */
#define IER_RLSI 0x04	/* receiver line status */
#define IER_MSI 0x08	/* modem status */

#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_CTI 0x0c	/* character timeout: data below the trigger level */
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_PE 0x04
#define LSR_FE 0x08
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define LSR_ERRORS (LSR_OE | LSR_PE | LSR_FE | LSR_BI)

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

#define FIFO_SIZE 16

struct serial_state {
	struct chardev *chr;
	int index;
	uint16_t iobase;
	unsigned irq;

	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint16_t divisor;
	bool thr_ipending;
	uint8_t rx[FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool rx_held;	/* can_read() said 0: call chardev_accept_input() on space */
	bool irq_level;
};

static struct serial_state *ports[SERIAL_MAX_PORTS];

static const uint16_t default_iobase[SERIAL_MAX_PORTS] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
static const uint8_t default_irq[SERIAL_MAX_PORTS] = { 4, 3, 4, 3 };

uint16_t serial_default_iobase(unsigned index)
{
	return index < SERIAL_MAX_PORTS ? default_iobase[index] : 0;
}

unsigned serial_default_irq(unsigned index)
{
	return index < SERIAL_MAX_PORTS ? default_irq[index] : 0;
}

static bool fifo_enabled(const struct serial_state *s)
{
	return s->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct serial_state *s)
{
	return fifo_enabled(s) ? FIFO_SIZE : 1;
}

static unsigned rx_trigger(const struct serial_state *s)
{
	static const uint8_t level[4] = { 1, 4, 8, 14 };

	return fifo_enabled(s) ? level[s->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t pending_iir(const struct serial_state *s)
{
	if ((s->ier & IER_RLSI) && (s->lsr & LSR_ERRORS))
		return IIR_RLSI;
	if ((s->ier & IER_RDI) && s->rx_count)
		return s->rx_count >= rx_trigger(s) ? IIR_RDI : IIR_CTI;
	if ((s->ier & IER_THRI) && s->thr_ipending)
		return IIR_THRI;
	if ((s->ier & IER_MSI) && (s->msr & MSR_DELTAS))
		return IIR_MSI;
	return IIR_NO_INT;
}

static void update_irq(struct serial_state *s)
{
	bool level = pending_iir(s) != IIR_NO_INT;

	if (level != s->irq_level) {
		s->irq_level = level;
		irq_set_level(s->irq, level);
	}
}

static void rx_clear(struct serial_state *s)
{
	s->rx_head = 0;
	s->rx_count = 0;
	s->lsr &= ~LSR_DR;
}

static bool rx_push(struct serial_state *s, uint8_t c)
{
	if (s->rx_count >= rx_capacity(s)) {
		s->lsr |= LSR_OE;
		return false;
	}
	s->rx[(s->rx_head + s->rx_count++) % FIFO_SIZE] = c;
	s->lsr |= LSR_DR;
	return true;
}

static uint8_t rx_pop(struct serial_state *s)
{
	uint8_t c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % FIFO_SIZE;
	if (!--s->rx_count)
		s->lsr &= ~LSR_DR;
	if (s->rx_held && s->chr) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
	return c;
}

/* Modem status lines: from MCR in loopback mode, else always asserted. */
static void update_msr(struct serial_state *s)
{
	uint8_t old = s->msr, now, deltas = 0;

	if (s->mcr & MCR_LOOP) {
		now = (s->mcr & MCR_RTS ? MSR_CTS : 0) | (s->mcr & MCR_DTR ? MSR_DSR : 0) |
		      (s->mcr & MCR_OUT1 ? MSR_RI : 0) | (s->mcr & MCR_OUT2 ? MSR_DCD : 0);
	} else {
		now = MSR_CTS | MSR_DSR | MSR_DCD;
	}
	if ((old ^ now) & MSR_CTS)
		deltas |= MSR_DCTS;
	if ((old ^ now) & MSR_DSR)
		deltas |= MSR_DDSR;
	if ((old & MSR_RI) && !(now & MSR_RI))
		deltas |= MSR_TERI;
	if ((old ^ now) & MSR_DCD)
		deltas |= MSR_DDCD;
	s->msr = now | (old & MSR_DELTAS) | deltas;
}

static void transmit(struct serial_state *s, uint8_t c)
{
	if (s->mcr & MCR_LOOP)
		rx_push(s, c);
	else if (s->chr)
		chardev_write(s->chr, &c, 1);
	s->lsr |= LSR_THRE | LSR_TEMT;
	s->thr_ipending = true;
}

static uint8_t reg_read(struct serial_state *s, unsigned reg)
{
	uint8_t v, iir;

	switch (reg) {
	case REG_RBR_THR:
		if (s->lcr & LCR_DLAB)
			return s->divisor & 0xff;
		v = rx_pop(s);
		update_irq(s);
		return v;
	case REG_IER:
		if (s->lcr & LCR_DLAB)
			return s->divisor >> 8;
		return s->ier;
	case REG_IIR_FCR:
		iir = pending_iir(s);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if (iir == IIR_THRI) {
			s->thr_ipending = false;
			update_irq(s);
		}
		return iir | (fifo_enabled(s) ? IIR_FIFO : 0);
	case REG_LCR:
		return s->lcr;
	case REG_MCR:
		return s->mcr;
	case REG_LSR:
		v = s->lsr;
		s->lsr &= ~LSR_ERRORS;
		update_irq(s);
		return v;
	case REG_MSR:
		v = s->msr;
		s->msr &= ~MSR_DELTAS;
		update_irq(s);
		return v;
	default:
		return s->scr;
	}
}

static void write_fcr(struct serial_state *s, uint8_t v)
{
	if ((v ^ s->fcr) & FCR_ENABLE) {
		rx_clear(s); /* toggling the FIFO mode empties both FIFOs */
		v |= FCR_CLEAR_RX;
	}
	if (v & FCR_CLEAR_RX)
		rx_clear(s);
	/* Keep enable, DMA mode and the trigger level; the clear bits self-reset. */
	s->fcr = v & (v & FCR_ENABLE ? 0xc9 : 0x00);
	if (s->rx_held && s->chr) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
}

static void reg_write(struct serial_state *s, unsigned reg, uint8_t v)
{
	switch (reg) {
	case REG_RBR_THR:
		if (s->lcr & LCR_DLAB) {
			s->divisor = (s->divisor & 0xff00) | v;
			return;
		}
		s->thr_ipending = false;
		transmit(s, v);
		break;
	case REG_IER:
		if (s->lcr & LCR_DLAB) {
			s->divisor = (s->divisor & 0x00ff) | (v << 8);
			return;
		}
		v &= 0x0f;
		if ((v ^ s->ier) & IER_THRI)
			s->thr_ipending = (v & IER_THRI) && (s->lsr & LSR_THRE);
		s->ier = v;
		break;
	case REG_IIR_FCR:
		write_fcr(s, v);
		break;
	case REG_LCR:
		s->lcr = v;
		return;
	case REG_MCR:
		s->mcr = v & 0x1f;
		update_msr(s);
		break;
	case REG_LSR:
	case REG_MSR:
		return; /* read-only on a 16550A */
	default:
		s->scr = v;
		return;
	}
	update_irq(s);
}

static uint64_t serial_io_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && offset + i < 8; i++)
		v |= (uint64_t)reg_read(opaque, offset + i) << (8 * i);
	return v;
}

static void serial_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	for (unsigned i = 0; i < size && offset + i < 8; i++)
		reg_write(opaque, offset + i, value >> (8 * i));
}

static const struct io_ops serial_ops = {
	.read = serial_io_read,
	.write = serial_io_write,
};

static size_t fe_can_read(void *opaque)
{
	struct serial_state *s = opaque;
	size_t room = rx_capacity(s) - s->rx_count;

	if (!room)
		s->rx_held = true;
	return room;
}

size_t serial_receive(struct serial_state *s, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	/* Loopback mode disconnects the receiver from the line. */
	if (s->mcr & MCR_LOOP)
		return len;
	while (n < len && rx_push(s, buf[n]))
		n++;
	/*
	 * A backend that buffers (the mux) may hold more bytes without asking
	 * can_read() again: once the FIFO is full, ask for them on the next pop.
	 */
	if (s->rx_count == rx_capacity(s))
		s->rx_held = true;
	update_irq(s);
	return n;
}

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
	/* More than can_read() allowed is an overrun: the rest is lost. */
	serial_receive(opaque, buf, len);
}

static const struct chr_frontend serial_frontend = {
	.can_read = fe_can_read,
	.read = fe_read,
};

static void serial_reset(void *opaque)
{
	struct serial_state *s = opaque;

	s->ier = 0;
	s->lcr = 0;
	s->mcr = 0;
	s->scr = 0;
	s->fcr = 0;
	s->divisor = 0x0c; /* 9600 baud */
	s->lsr = LSR_THRE | LSR_TEMT;
	s->msr = MSR_CTS | MSR_DSR | MSR_DCD;
	s->thr_ipending = false;
	rx_clear(s);
	s->irq_level = false;
	irq_set_level(s->irq, false);
	if (s->rx_held && s->chr) {
		s->rx_held = false;
		chardev_accept_input(s->chr);
	}
}

struct serial_state *serial_create(struct chardev *chr, int index, uint16_t iobase,
				   unsigned irq, GError **err)
{
	struct serial_state *s;

	if (index < 0) {
		for (index = 0; index < SERIAL_MAX_PORTS && ports[index]; index++)
			;
		if (index == SERIAL_MAX_PORTS) {
			error_setg(err, "isa-serial: at most %d serial ports are supported",
				    SERIAL_MAX_PORTS);
			return NULL;
		}
	} else if (index >= SERIAL_MAX_PORTS || ports[index]) {
		error_setg(err, "isa-serial: index %d is %s", index,
			    index >= SERIAL_MAX_PORTS ? "out of range (0-3)" : "already in use");
		return NULL;
	}
	if (!iobase)
		iobase = default_iobase[index];
	if (!irq)
		irq = default_irq[index];
	if (iobase > 0x10000 - 8 || irq >= 24) {
		error_setg(err, "isa-serial: %s out of range", irq >= 24 ? "irq" : "iobase");
		return NULL;
	}

	s = g_new0(struct serial_state, 1);
	s->chr = chr;
	s->index = index;
	s->iobase = iobase;
	s->irq = irq;
	if (io_region_add(IO_SPACE_PIO, iobase, 8, &serial_ops, s, "serial") < 0) {
		error_setg(err, "isa-serial: I/O ports 0x%x-0x%x already in use", iobase, iobase + 7);
		g_free(s);
		return NULL;
	}
	if (chr && chardev_attach(chr, &serial_frontend, s, err) < 0) {
		io_region_del(IO_SPACE_PIO, iobase);
		g_free(s);
		return NULL;
	}
	serial_reset(s);
	ports[index] = s;
	reset_register(RESET_ORDER_DEVICE, serial_reset, s, "serial");
	return s;
}

bool serial_irq_level(const struct serial_state *s)
{
	return s->irq_level;
}

uint16_t serial_divisor(const struct serial_state *s)
{
	return s->divisor;
}

static int isa_serial_create(struct kopts *props, GError **err)
{
	const char *id = kopts_get(props, "chardev");
	struct chardev *chr = NULL;
	uint64_t index, iobase, irq;

	kopts_get(props, "id");
	if (kopts_get_u64(props, "index", UINT64_MAX, &index, err) < 0 ||
	    kopts_get_u64(props, "iobase", 0, &iobase, err) < 0 ||
	    kopts_get_u64(props, "irq", 0, &irq, err) < 0 ||
	    kopts_check_unused(props, "isa-serial", err) < 0)
		return -EINVAL;
	if (id && !(chr = chardev_find(id))) {
		error_setg(err, "Property 'isa-serial.chardev' can't find value '%s'", id);
		return -ENOENT;
	}
	if (index != UINT64_MAX && index >= SERIAL_MAX_PORTS) {
		error_setg(err, "isa-serial: index %" G_GUINT64_FORMAT " is out of range (0-3)", index);
		return -EINVAL;
	}
	if (iobase > 0xfff8 || irq >= 24) {
		error_setg(err, "isa-serial: %s out of range", irq >= 24 ? "irq" : "iobase");
		return -EINVAL;
	}
	if (!serial_create(chr, index == UINT64_MAX ? -1 : (int)index, iobase, irq, err))
		return -EINVAL;
	return 0;
}

static const struct device_type isa_serial_type = {
	.name = "isa-serial",
	.desc = "16550A UART (chardev=ID, index=, iobase=, irq=)",
	.bus = "isa",
	.user_creatable = true,
	.create = isa_serial_create,
};
DEVICE_TYPE_REGISTER(isa_serial_type)
