// SPDX-License-Identifier: GPL-2.0-or-later
/* x86 hook of the command line: the -cpu model goes to target/x86. */
#include "system/cmdline.h"
#include "target/x86/cpu.h"

void arch_cmdline_cpu_model(const char *model)
{
	x86_cpu_set_model(model);
}
