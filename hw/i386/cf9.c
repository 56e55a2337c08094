// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The chipset's reset control register (0xCF9), which the FADT names as the
 * ACPI reset register: writing a value with bit 2 (RST_CPU) set resets the
 * machine. Bits 1 and 3 (hard/full reset) make no difference here.
 */
#include "hw/core/reset.h"
#include "hw/i386/pc.h"
#include "system/error.h"
#include "system/memory.h"
#include "system/runstate.h"

#define CF9_PORT 0xcf9
#define CF9_RST_CPU 0x04

static uint8_t cf9_value;

static uint64_t cf9_read(void *opaque, uint64_t offset, unsigned size)
{
	return cf9_value;
}

static void cf9_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	if (offset != 0)
		return;
	cf9_value = value & 0x0a;
	if (value & CF9_RST_CPU)
		system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
}

static const struct io_ops cf9_ops = {
	.read = cf9_read,
	.write = cf9_write,
};

static void cf9_reset(void *opaque)
{
	cf9_value = 0;
}

int cf9_init(GError **err)
{
	if (io_region_add(IO_SPACE_PIO, CF9_PORT, 1, &cf9_ops, NULL, "reset-control") < 0) {
		error_setg(err, "reset control: I/O port 0xcf9 already in use");
		return -1;
	}
	reset_register(RESET_ORDER_DEVICE, cf9_reset, NULL, "reset-control");
	return 0;
}
