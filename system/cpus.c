// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "accel/kvm.h"
#include "system/bql.h"
#include "system/cpus.h"

/* Test-only negative control (KEEL_TEST_FAKE_PAUSE=1): claim a pause without one. */
static int fake_pause = -1;

bool pause_all_vcpus(void)
{
	g_assert(bql_locked());
	if (fake_pause < 0)
		fake_pause = getenv("KEEL_TEST_FAKE_PAUSE") != NULL;
	if (fake_pause)
		return true;
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
