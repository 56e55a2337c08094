/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_TARGET_ARM_CPU_H
#define KEEL_TARGET_ARM_CPU_H
/*
 * arm64 vCPUs (aarch64 hosts only): KVM_ARM_VCPU_INIT with PSCI 0.2, cold
 * reset as a fresh VCPU_INIT plus the boot entry registers.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Boot CPU entry state, set by the loader's reset handler before the CPUs reset. */
struct arm_boot_entry {
	uint64_t pc;
	uint64_t x0; /* DTB address */
};

void arm_set_boot_entry(const struct arm_boot_entry *e);

/*
 * Called once, on the main thread, after the last vCPU of the machine got its
 * VCPU_INIT: the in-kernel GIC can only be initialised then. An error fails
 * start-up.
 */
void arm_set_cpus_created_hook(int (*fn)(GError **err));

uint64_t arm_vcpu_mpidr(struct vcpu *cpu);

#endif
