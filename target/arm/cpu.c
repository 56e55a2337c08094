// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arm64 vCPU: KVM_ARM_PREFERRED_TARGET + KVM_ARM_VCPU_INIT (PSCI 0.2),
 * one-reg access, cold reset, the NISV exit, the reset audit and the dump.
 *
 * Cold reset is a second VCPU_INIT with the same features: the kernel then
 * resets every register it owns (core, system, timer, PMU) to the
 * architectural values, which is what a power-on does. Only the boot entry
 * (PC, X0 = DTB) is ours to add.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "accel/kvm.h"
#include "hw/core/reset.h"
#include "system/cmdline.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/runstate.h"
#include "target/arm/cpu.h"

#define CORE_REG(x)                                                                                \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |                                     \
	 (offsetof(struct kvm_regs, x) / sizeof(uint32_t)))
#define REG_MPIDR ARM64_SYS_REG(3, 0, 0, 0, 5)

/* EL1h with D, A, I, F masked: the state booting.rst asks for. */
#define PSTATE_BOOT 0x3c5ULL

struct arm_vcpu {
	struct kvm_vcpu_init init;
	uint64_t mpidr;
	/* What the last reset pushed, for the audit. */
	bool boot_cpu;
	struct arm_boot_entry entry;
};

static struct kvm_vcpu_init preferred;
static struct arm_boot_entry boot_entry;
static int (*cpus_created_hook)(GError **err);

/* -cpu: KVM runs the host's CPU (KVM_ARM_PREFERRED_TARGET) whatever the name. */
void arch_cmdline_cpu_model(const char *model)
{
	if (model && strcmp(model, "host") && strcmp(model, "max"))
		warn_report("CPU model '%s' is not modelled; the vCPU is the host's CPU", model);
}

void arm_set_boot_entry(const struct arm_boot_entry *e)
{
	boot_entry = *e;
}

void arm_set_cpus_created_hook(int (*fn)(GError **err))
{
	cpus_created_hook = fn;
}

uint64_t arm_vcpu_mpidr(struct vcpu *cpu)
{
	struct arm_vcpu *a = vcpu_arch(cpu);

	return a ? a->mpidr : 0;
}

static int get_reg(struct vcpu *cpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu_fd(cpu), KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int set_reg(struct vcpu *cpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu_fd(cpu), KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

int arch_kvm_init(GError **err)
{
	if (kvm_check_extension(KVM_CAP_ARM_PSCI_0_2) <= 0) {
		error_setg(err, "KVM has no PSCI 0.2 (KVM_CAP_ARM_PSCI_0_2)");
		return -ENOTSUP;
	}
	if (ioctl(kvm_vm_fd(), KVM_ARM_PREFERRED_TARGET, &preferred) < 0) {
		error_setg(err, "KVM_ARM_PREFERRED_TARGET: %s", g_strerror(errno));
		return -errno;
	}
	/*
	 * Without this, an MMIO access the CPU cannot describe (no valid ISV,
	 * e.g. a load pair) makes KVM_RUN fail with -ENOSYS and no detail.
	 */
	if (kvm_check_extension(KVM_CAP_ARM_NISV_TO_USER) > 0) {
		struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_NISV_TO_USER };

		if (ioctl(kvm_vm_fd(), KVM_ENABLE_CAP, &cap) < 0)
			warn_report("KVM_CAP_ARM_NISV_TO_USER: %s", g_strerror(errno));
	}
	return 0;
}

static int vcpu_init_ioctl(struct vcpu *cpu, struct arm_vcpu *a)
{
	return ioctl(vcpu_fd(cpu), KVM_ARM_VCPU_INIT, &a->init) < 0 ? -errno : 0;
}

/* vCPU thread, paused: power-on state, then the entry registers on the boot CPU. */
void arch_vcpu_reset(struct vcpu *cpu)
{
	struct arm_vcpu *a = vcpu_arch(cpu);
	int ret = vcpu_init_ioctl(cpu, a);

	if (ret < 0) {
		error_report("vCPU %u: KVM_ARM_VCPU_INIT on reset: %s", vcpu_index(cpu),
			     g_strerror(-ret));
		return;
	}
	if (!a->boot_cpu)
		return; /* started later by PSCI CPU_ON */
	a->entry = boot_entry;
	if (set_reg(cpu, CORE_REG(regs.pc), a->entry.pc) < 0 ||
	    set_reg(cpu, CORE_REG(regs.pstate), PSTATE_BOOT) < 0 ||
	    set_reg(cpu, CORE_REG(regs.regs[0]), a->entry.x0) < 0 ||
	    set_reg(cpu, CORE_REG(regs.regs[1]), 0) < 0 ||
	    set_reg(cpu, CORE_REG(regs.regs[2]), 0) < 0 ||
	    set_reg(cpu, CORE_REG(regs.regs[3]), 0) < 0)
		error_report("vCPU %u: cannot set the entry registers: %s", vcpu_index(cpu),
			     g_strerror(errno));
}

unsigned arch_vcpu_audit(struct vcpu *cpu)
{
	struct arm_vcpu *a = vcpu_arch(cpu);
	struct kvm_mp_state mp;
	unsigned bad = 0;
	uint64_t v;

	if (ioctl(vcpu_fd(cpu), KVM_GET_MP_STATE, &mp) < 0) {
		error_report("reset audit: vCPU %u: KVM_GET_MP_STATE: %s", vcpu_index(cpu),
			     g_strerror(errno));
		return 1;
	}
	if (!a->boot_cpu) {
		if (mp.mp_state != KVM_MP_STATE_STOPPED) {
			error_report("reset audit: vCPU %u: not powered off after reset",
				     vcpu_index(cpu));
			bad++;
		}
		return bad;
	}
	if (mp.mp_state != KVM_MP_STATE_RUNNABLE) {
		error_report("reset audit: vCPU %u: boot CPU not runnable", vcpu_index(cpu));
		bad++;
	}
	if (get_reg(cpu, CORE_REG(regs.pc), &v) < 0 || v != a->entry.pc) {
		error_report("reset audit: vCPU %u: PC differs", vcpu_index(cpu));
		bad++;
	}
	if (get_reg(cpu, CORE_REG(regs.regs[0]), &v) < 0 || v != a->entry.x0) {
		error_report("reset audit: vCPU %u: X0 differs", vcpu_index(cpu));
		bad++;
	}
	if (get_reg(cpu, CORE_REG(regs.pstate), &v) < 0 || v != PSTATE_BOOT) {
		error_report("reset audit: vCPU %u: PSTATE differs", vcpu_index(cpu));
		bad++;
	}
	return bad;
}

static void reset_cb(struct vcpu *cpu, void *opaque)
{
	arch_vcpu_reset(cpu);
}

static void cpu_reset_handler(void *opaque)
{
	vcpu_run_on(opaque, reset_cb, NULL);
}

static void audit_cb(struct vcpu *cpu, void *opaque)
{
	*(unsigned *)opaque += arch_vcpu_audit(cpu);
}

static void audit_handler(void *opaque)
{
	unsigned bad = 0;

	if (getenv("KEEL_NO_RESET_AUDIT"))
		return;
	for (unsigned i = 0; i < vcpu_count(); i++)
		vcpu_run_on(vcpu_get(i), audit_cb, &bad);
	reset_stats_audit(bad);
}

int arch_vcpu_init(struct vcpu *cpu, GError **err)
{
	struct arm_vcpu *a = g_new0(struct arm_vcpu, 1);
	unsigned ncpus = MAX(machine_cfg.smp_cpus, 1u);
	int ret;

	vcpu_set_arch(cpu, a);
	a->boot_cpu = vcpu_index(cpu) == 0;
	a->init = preferred;
	a->init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (!a->boot_cpu)
		a->init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	ret = vcpu_init_ioctl(cpu, a);
	if (ret < 0) {
		error_setg(err, "KVM_ARM_VCPU_INIT (target %u): %s", a->init.target,
			   g_strerror(-ret));
		return ret;
	}
	ret = get_reg(cpu, REG_MPIDR, &a->mpidr);
	if (ret < 0) {
		error_setg(err, "vCPU %u: reading MPIDR_EL1: %s", vcpu_index(cpu),
			   g_strerror(-ret));
		return ret;
	}
	reset_register(RESET_ORDER_CPU, cpu_reset_handler, cpu, "arm-cpu");
	if (a->boot_cpu)
		reset_register(RESET_ORDER_AUDIT, audit_handler, NULL, "arm-cpu-audit");
	if (vcpu_index(cpu) + 1 == ncpus && cpus_created_hook)
		return cpus_created_hook(err);
	return 0;
}

/* Nothing here halts a vCPU in userspace (HLT and WFI stay in the kernel). */
bool arch_vcpu_halt_done(struct vcpu *cpu, int64_t *deadline_us)
{
	return true;
}

int arch_handle_exit(struct vcpu *cpu, struct kvm_run *run)
{
	switch (run->exit_reason) {
	case KVM_EXIT_ARM_NISV:
		/*
		 * A data abort on MMIO whose syndrome does not describe the access
		 * (no ISV): there is no instruction emulator, so the VM stops
		 * with everything needed to find the guest's access.
		 */
		error_report("vCPU %u: MMIO access without a valid syndrome at IPA 0x%llx "
			     "(ESR ISS 0x%llx): cannot emulate it",
			     vcpu_index(cpu), (unsigned long long)run->arm_nisv.fault_ipa,
			     (unsigned long long)run->arm_nisv.esr_iss);
		arch_vcpu_dump(cpu);
		vm_stop_request(RUN_STATE_INTERNAL_ERROR);
		return 0;
	default:
		return -1;
	}
}

void arch_vcpu_dump(struct vcpu *cpu)
{
	uint64_t x[31], pc = 0, pstate = 0, sp = 0;
	GString *s = g_string_new(NULL);

	for (unsigned i = 0; i < 31; i++)
		if (get_reg(cpu, CORE_REG(regs.regs[i]), &x[i]) < 0)
			x[i] = 0;
	get_reg(cpu, CORE_REG(regs.pc), &pc);
	get_reg(cpu, CORE_REG(regs.pstate), &pstate);
	get_reg(cpu, CORE_REG(sp_el1), &sp);
	g_string_append_printf(s, "CPU#%u\n PC=%016llx PSTATE=%08llx SP_EL1=%016llx\n",
			       vcpu_index(cpu), (unsigned long long)pc,
			       (unsigned long long)pstate, (unsigned long long)sp);
	for (unsigned i = 0; i < 31; i++)
		g_string_append_printf(s, " X%02u=%016llx%s", i, (unsigned long long)x[i],
				       i % 4 == 3 || i == 30 ? "\n" : "");
	fputs(s->str, stderr);
	g_string_free(s, TRUE);
}
