// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * isa-debug-exit: a guest write of V ends the VMM with status (V << 1) | 1,
 * so a test guest's exit status can never be mistaken for a clean 0.
 */
#include <errno.h>

#include "hw/core/device.h"
#include "system/error.h"
#include "system/memory.h"
#include "system/opts.h"
#include "system/runstate.h"

static uint64_t debug_exit_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0;
}

static void debug_exit_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	system_exit_request((int)((value << 1) | 1));
}

static const struct io_ops debug_exit_ops = {
	.read = debug_exit_read,
	.write = debug_exit_write,
};

static int debug_exit_create(struct kopts *props, GError **err)
{
	uint64_t iobase, iosize;

	kopts_get(props, "id");
	if (kopts_get_u64(props, "iobase", 0x501, &iobase, err) < 0 ||
	    kopts_get_u64(props, "iosize", 0x02, &iosize, err) < 0 ||
	    kopts_check_unused(props, "isa-debug-exit", err) < 0)
		return -EINVAL;
	if (!iosize || iosize > 0x10000 || iobase > 0x10000 - iosize) {
		error_setg(err, "isa-debug-exit: iobase 0x%" G_GINT64_MODIFIER "x with iosize 0x%"
			    G_GINT64_MODIFIER "x is outside the I/O port space", iobase, iosize);
		return -EINVAL;
	}
	if (io_region_add(IO_SPACE_PIO, iobase, iosize, &debug_exit_ops, NULL,
			  "isa-debug-exit") < 0) {
		error_setg(err, "isa-debug-exit: I/O port 0x%" G_GINT64_MODIFIER "x already in use",
			    iobase);
		return -EBUSY;
	}
	return 0;
}

static const struct device_type debug_exit_type = {
	.name = "isa-debug-exit",
	.desc = "exit with status (V << 1) | 1 on a write of V (iobase=, iosize=)",
	.bus = "isa",
	.user_creatable = true,
	.create = debug_exit_create,
};
DEVICE_TYPE_REGISTER(debug_exit_type)
