/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_CPUS_H
#define KEEL_SYSTEM_CPUS_H

#include <stdbool.h>

/*
 * Return only when every vCPU is out of KVM_RUN with nothing pending
 * (accel rule: pending MMIO/PIO/hcall completed by an immediate_exit
 * re-entry). Called from the main loop with the bql held; the bql is
 * dropped while waiting. Bounded: returns false (and logs) if a vCPU did not
 * come back in time; callers then treat the VM as failed.
 */
bool pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);

#endif
