// SPDX-License-Identifier: GPL-2.0-or-later
#include "accel/kvm.h"
#include "system/bql.h"
#include "system/cpus.h"

bool pause_all_vcpus(void)
{
	g_assert(bql_locked());
	return vcpus_pause();
}

void resume_all_vcpus(void)
{
	g_assert(bql_locked());
	vcpus_resume();
}

bool all_vcpus_paused(void)
{
	return vcpus_all_paused();
}
