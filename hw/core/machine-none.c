// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "-machine none": no RAM, no devices, no vCPUs. libvirt probes an emulator's
 * capabilities with it; every architecture has it.
 */
#include "system/machine.h"

static int none_init(struct machine_config *cfg, GError **err)
{
	return 0;
}

static const struct machine_type none_machine = {
	.name = "none",
	.desc = "empty machine",
	.max_cpus = 0, /* the caller creates no vCPU for it */
	.init = none_init,
};
MACHINE_TYPE_REGISTER(none_machine)
