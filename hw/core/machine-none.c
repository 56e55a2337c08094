// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "-machine none": no RAM, no devices, no vCPUs. libvirt probes an emulator's
 * capabilities with it; every architecture has it.
 */
#include "system/machine.h"
#include "system/opts.h"

/* No properties, as in QEMU: another machine's (acpi=, mmu=, ic-mode=) is an error. */
static int none_init(struct machine_config *cfg, GError **err)
{
	return cfg->machine_opts ? kopts_check_unused(cfg->machine_opts, "-machine", err) : 0;
}

static const struct machine_type none_machine = {
	.name = "none",
	.desc = "empty machine",
	.max_cpus = 0, /* the caller creates no vCPU for it */
	.init = none_init,
};
MACHINE_TYPE_REGISTER(none_machine)
