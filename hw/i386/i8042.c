// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A keyboard controller without a keyboard: it answers the self tests and
 * the command byte so that firmware and polling guests are content, and
 * pulsing the reset line (0xFE, or the output port's bit 0) resets the
 * machine. There are no keystrokes, hence no IRQ1.
 */
#include "hw/core/reset.h"
#include "hw/i386/pc.h"
#include "system/error.h"
#include "system/memory.h"
#include "system/runstate.h"

#define I8042_DATA 0x60
#define I8042_CMD 0x64	/* status on read */

#define STAT_OBF 0x01
#define STAT_SYS 0x04
#define STAT_CMD 0x08	/* last write went to the command port */
#define STAT_UNLOCKED 0x10

#define QUEUE_LEN 8

static struct i8042 {
	uint8_t status;
	uint8_t cmd_byte;
	uint8_t outport;
	uint8_t pending;	/* command waiting for its data byte, or 0 */
	uint8_t queue[QUEUE_LEN];
	unsigned head, count;
	uint8_t last;		/* what an empty data port reads */
} kbc;

static void queue_byte(uint8_t v)
{
	if (kbc.count < QUEUE_LEN)
		kbc.queue[(kbc.head + kbc.count++) % QUEUE_LEN] = v;
}

static void pulse_reset(void)
{
	system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

static void write_command(uint8_t v)
{
	kbc.status |= STAT_CMD;
	kbc.pending = 0;
	switch (v) {
	case 0x20:
		queue_byte(kbc.cmd_byte);
		break;
	case 0x60: case 0xd1: case 0xd2: case 0xd3: case 0xd4:
		kbc.pending = v;
		break;
	case 0xa7:
		kbc.cmd_byte |= 0x20;
		break;
	case 0xa8:
		kbc.cmd_byte &= ~0x20;
		break;
	case 0xa9: case 0xab:
		queue_byte(0x00);	/* interface test passed */
		break;
	case 0xaa:
		kbc.status |= STAT_SYS;
		queue_byte(0x55);	/* self test passed */
		break;
	case 0xad:
		kbc.cmd_byte |= 0x10;
		break;
	case 0xae:
		kbc.cmd_byte &= ~0x10;
		break;
	case 0xc0:
		queue_byte(0x80);	/* input port: keyboard not locked */
		break;
	case 0xd0:
		queue_byte(kbc.outport);
		break;
	case 0xdd:
		kbc.outport &= ~0x02;
		break;
	case 0xdf:
		kbc.outport |= 0x02;
		break;
	default:
		/* 0xF0-0xFF pulse the output lines low for the bits that are 0. */
		if (v >= 0xf0 && !(v & 1))
			pulse_reset();
		break;
	}
}

static void write_data(uint8_t v)
{
	uint8_t cmd = kbc.pending;

	kbc.status &= ~STAT_CMD;
	kbc.pending = 0;
	switch (cmd) {
	case 0x60:
		kbc.cmd_byte = v;
		return;
	case 0xd1:
		kbc.outport = v;
		if (!(v & 1))
			pulse_reset();
		return;
	case 0xd2: case 0xd3:
		queue_byte(v);
		return;
	case 0xd4:
		queue_byte(0xfe);	/* no mouse behind the aux port */
		return;
	}
	/* A byte for the keyboard itself. */
	switch (v) {
	case 0xff:
		queue_byte(0xfa);
		queue_byte(0xaa);
		break;
	case 0xf2:
		queue_byte(0xfa);
		queue_byte(0xab);
		queue_byte(0x83);
		break;
	case 0xee:
		queue_byte(0xee);
		break;
	default:
		queue_byte(0xfa);
		break;
	}
}

static uint64_t data_read(void *opaque, uint64_t offset, unsigned size)
{
	if (kbc.count) {
		kbc.last = kbc.queue[kbc.head];
		kbc.head = (kbc.head + 1) % QUEUE_LEN;
		kbc.count--;
	}
	return kbc.last;
}

static void data_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	write_data(value);
}

static uint64_t status_read(void *opaque, uint64_t offset, unsigned size)
{
	return kbc.status | (kbc.count ? STAT_OBF : 0);
}

static void cmd_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	write_command(value);
}

static const struct io_ops data_ops = {
	.read = data_read,
	.write = data_write,
};

static const struct io_ops cmd_ops = {
	.read = status_read,
	.write = cmd_write,
};

static void i8042_reset(void *opaque)
{
	kbc.status = STAT_SYS | STAT_UNLOCKED;
	kbc.cmd_byte = 0x03;	/* keyboard and aux interrupts enabled */
	kbc.outport = 0x03;	/* reset line high, A20 on */
	kbc.pending = 0;
	kbc.head = 0;
	kbc.count = 0;
	kbc.last = 0;
}

int i8042_init(GError **err)
{
	/* Two single ports: 0x61 in between belongs to the in-kernel PIT speaker. */
	if (io_region_add(IO_SPACE_PIO, I8042_DATA, 1, &data_ops, &kbc, "i8042-data") < 0 ||
	    io_region_add(IO_SPACE_PIO, I8042_CMD, 1, &cmd_ops, &kbc, "i8042-cmd") < 0) {
		error_setg(err, "i8042: I/O ports 0x60/0x64 already in use");
		return -1;
	}
	i8042_reset(NULL);
	reset_register(RESET_ORDER_DEVICE, i8042_reset, &kbc, "i8042");
	return 0;
}
