// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ppc64 (sPAPR on KVM-HV) vCPU: PAPR mode, the cold-reset register state
 * pushed into KVM (GPRs, MSR, LPCR, the SPRs a guest may leave behind, the
 * VPA registrations, the SLB, the XICS presenter), the reset audit, and the
 * PAPR hypercall exit.
 *
 * Stopped CPUs (secondaries before RTAS start-cpu, and after stop-self) run
 * a tiny loop that makes Keel's private KEEL_H_HOLD hypercall. Like an
 * H_CEDE that KVM passes up, it completes first and then halts the vCPU
 * (vcpu_halt_current): the thread waits outside KVM_RUN, costs nothing, and
 * pauses, resets and quits like any other. start-cpu sets the registers of
 * the halted CPU and wakes it; a ceded CPU wakes when its ICP has an
 * interrupt for it, its decrementer fires, or it is prodded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/platform/ppc.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "accel/kvm.h"
#include "hw/core/reset.h"
#include "hw/intc/xics.h"
#include "hw/intc/xive.h"
#include "hw/ppc/spapr.h"
#include "system/bql.h"
#include "system/error.h"
#include "system/log.h"
#include "system/runstate.h"
#include "target/ppc/cpu.h"

#define STOPPED_MSR (MSR_SF | MSR_ME)
#define SLB_ESID_V (1ULL << 27)

/* SPRs with a cold value of zero that a previous guest may have changed. */
static const struct {
	uint64_t id;
	const char *name;
} cold_sprs[] = {
	{ KVM_REG_PPC_PID, "PID" },	{ KVM_REG_PPC_AMR, "AMR" },
	{ KVM_REG_PPC_UAMOR, "UAMOR" }, { KVM_REG_PPC_IAMR, "IAMR" },
	{ KVM_REG_PPC_DSCR, "DSCR" },	{ KVM_REG_PPC_PSSCR, "PSSCR" },
	{ KVM_REG_PPC_FSCR, "FSCR" },	{ KVM_REG_PPC_TAR, "TAR" },
	{ KVM_REG_PPC_CIABR, "CIABR" }, { KVM_REG_PPC_DAWR, "DAWR" },
	{ KVM_REG_PPC_DAWRX, "DAWRX" }, { KVM_REG_PPC_TIDR, "TIDR" },
	{ KVM_REG_PPC_FPSCR, "FPSCR" },
};

/* Why a vCPU is halted in userspace. */
enum ppc_halt {
	PPC_RUNNING,
	PPC_HELD,  /* stopped: KEEL_H_HOLD, waits for start-cpu */
	PPC_CEDED, /* H_CEDE passed up by KVM */
};

struct ppc_vcpu {
	struct kvm_regs regs; /* template pushed at the last reset */
	uint64_t lpcr;	      /* pushed at the last reset */
	uint32_t spr_ok;      /* bit i: cold_sprs[i] accepted by this kernel */
	/* bql: */
	bool stopped;
	bool start_pending;
	uint64_t start_pc, start_r3;
	enum ppc_halt halt;
};

static struct ppc_boot_entry boot_entry;
static uint64_t hold_gpa;
static uint64_t lpcr_initial;
static bool lpcr_known;
static uint32_t host_pvr;
static bool want_ile = true; /* H_SET_MODE LE; cold: little-endian */

void ppc_set_boot_entry(const struct ppc_boot_entry *e)
{
	boot_entry = *e;
}

void ppc_get_boot_entry(struct ppc_boot_entry *e)
{
	*e = boot_entry;
}

void ppc_set_hold_address(uint64_t gpa)
{
	hold_gpa = gpa;
}

uint32_t ppc_kvm_pvr(void)
{
	return host_pvr;
}

bool ppc_kvm_has_radix(void)
{
	return kvm_check_extension(KVM_CAP_PPC_MMU_RADIX) > 0;
}

bool ppc_kvm_has_hash(void)
{
	return kvm_check_extension(KVM_CAP_PPC_MMU_HASH_V3) > 0;
}

int ppc_kvm_hash_info(struct spapr_hash_mmu *h)
{
	struct kvm_ppc_smmu_info info;

	memset(&info, 0, sizeof(info));
	memset(h, 0, sizeof(*h));
	if (ioctl(kvm_vm_fd(), KVM_PPC_GET_SMMU_INFO, &info) < 0)
		return -errno;
	if (info.flags & KVM_PPC_NO_HASH)
		return -ENOTSUP;
	h->slb_size = info.slb_size;
	h->seg_1t = info.flags & KVM_PPC_1T_SEGMENTS;
	for (unsigned i = 0; i < KVM_PPC_PAGE_SIZES_MAX_SZ && i < SPAPR_MAX_PAGE_SIZES; i++) {
		struct spapr_seg_page_size *s = &h->sps[h->nsps];

		if (!info.sps[i].page_shift)
			break;
		s->page_shift = info.sps[i].page_shift;
		s->slb_enc = info.sps[i].slb_enc;
		for (unsigned j = 0; j < KVM_PPC_PAGE_SIZES_MAX_SZ && j < SPAPR_MAX_PAGE_SIZES; j++) {
			if (!info.sps[i].enc[j].page_shift)
				break;
			s->enc[s->nenc].page_shift = info.sps[i].enc[j].page_shift;
			s->enc[s->nenc].pte_enc = info.sps[i].enc[j].pte_enc;
			s->nenc++;
		}
		h->nsps++;
	}
	return 0;
}

/* Allocates the HPT, or clears it if it already has this size; switches a radix VM to hash. */
int ppc_kvm_alloc_htab(uint32_t shift)
{
	uint32_t order = shift;

	/* Order 0 ("the default") oopses Linux 6.1 on a VM that was radix: never pass it. */
	if (shift < 18 || shift > 46)
		return -EINVAL;
	if (ioctl(kvm_vm_fd(), KVM_PPC_ALLOCATE_HTAB, &order) < 0) {
		int e = errno;

		error_report("KVM_PPC_ALLOCATE_HTAB(order %u): %s", shift, g_strerror(e));
		return -e;
	}
	return 0;
}

int ppc_kvm_configure_mmu(bool radix, bool gtse, uint64_t process_table)
{
	struct kvm_ppc_mmuv3_cfg cfg = {
		.flags = (radix ? KVM_PPC_MMUV3_RADIX : 0) | (gtse ? KVM_PPC_MMUV3_GTSE : 0),
		.process_table = process_table,
	};

	if (ioctl(kvm_vm_fd(), KVM_PPC_CONFIGURE_V3_MMU, &cfg) < 0) {
		int e = errno;

		error_report("KVM_PPC_CONFIGURE_V3_MMU(%s, table 0x%llx): %s",
			     radix ? "radix" : "hash", (unsigned long long)process_table,
			     g_strerror(e));
		return -e;
	}
	return 0;
}

static int get_reg(int fd, uint64_t id, void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(fd, KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

static int set_reg(int fd, uint64_t id, const void *val)
{
	struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };

	return ioctl(fd, KVM_SET_ONE_REG, &r) < 0 ? -errno : 0;
}

static uint64_t cold_lpcr(void)
{
	uint64_t l = lpcr_initial & ~(LPCR_AIL | LPCR_ILE);

	return want_ile ? l | LPCR_ILE : l;
}

int arch_kvm_init(GError **err)
{
	if (kvm_check_extension(KVM_CAP_PPC_PAPR) <= 0) {
		error_setg(err, "this KVM cannot run sPAPR guests (no KVM_CAP_PPC_PAPR; "
				"load kvm-hv)");
		return -ENOTSUP;
	}
	spapr_set_cpu_ops(&ppc_spapr_cpu_ops);
	/*
	 * Test-only: H_CONFER handled by Keel, so a guest's confer-to-self takes
	 * the userspace cede path on kernels (POWER9) that never pass H_CEDE up.
	 */
	if (getenv("KEEL_TEST_USERSPACE_CONFER")) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_PPC_ENABLE_HCALL,
			.args = { H_CONFER, 0 },
		};

		if (ioctl(kvm_vm_fd(), KVM_ENABLE_CAP, &cap) < 0)
			warn_report("KVM_CAP_PPC_ENABLE_HCALL(H_CONFER, 0): %s", g_strerror(errno));
	}
	return 0;
}

/* Build the template: the boot CPU enters the kernel, the others hold. */
static void build_template(struct vcpu *cpu, struct ppc_vcpu *p)
{
	struct kvm_regs *r = &p->regs;

	memset(r, 0, sizeof(*r));
	if (vcpu_index(cpu) == 0) {
		r->pc = boot_entry.pc;
		r->msr = boot_entry.msr;
		r->gpr[3] = boot_entry.gpr3;
		r->gpr[4] = boot_entry.gpr4;
		r->gpr[5] = boot_entry.gpr5;
		p->stopped = false;
	} else {
		r->pc = hold_gpa;
		r->msr = STOPPED_MSR;
		p->stopped = true;
	}
	p->start_pending = false;
	p->halt = PPC_RUNNING;
	p->lpcr = cold_lpcr();
}

/* Unregister DTL and SLB shadow before the VPA: the kernel wants that order. */
static void reset_vpa(int fd, unsigned idx)
{
	uint64_t zero2[2] = { 0, 0 }, zero = 0;
	int ret;

	set_reg(fd, KVM_REG_PPC_VPA_DTL, zero2);
	set_reg(fd, KVM_REG_PPC_VPA_SLB, zero2);
	ret = set_reg(fd, KVM_REG_PPC_VPA_ADDR, &zero);
	if (ret < 0 && ret != -EINVAL && ret != -ENOENT)
		error_report("vCPU %u: cannot unregister the VPA: %s", idx, g_strerror(-ret));
}

/* vCPU thread, paused: push the full cold-reset state. */
void arch_vcpu_reset(struct vcpu *cpu)
{
	struct ppc_vcpu *p = vcpu_arch(cpu);
	int fd = vcpu_fd(cpu);
	unsigned idx = vcpu_index(cpu);
	struct kvm_sregs sregs;
	uint64_t zero = 0;
	uint32_t zero32 = 0;

	/* Reset work runs with the bql held (vcpu_run_on), which guards the hold state. */
	build_template(cpu, p);
	/* A held or ceded CPU starts over from the template. */
	vcpu_halt_cancel(cpu);

	if (set_reg(fd, KVM_REG_PPC_LPCR_64, &p->lpcr) < 0)
		error_report("vCPU %u: cannot set LPCR: %s", idx, g_strerror(errno));
	if (ioctl(fd, KVM_SET_REGS, &p->regs) < 0)
		error_report("vCPU %u: KVM_SET_REGS: %s", idx, g_strerror(errno));
	/* An empty SLB: the guest's entries must not survive into the next boot. */
	if (ioctl(fd, KVM_GET_SREGS, &sregs) == 0) {
		memset(&sregs.u.s, 0, sizeof(sregs.u.s));
		if (ioctl(fd, KVM_SET_SREGS, &sregs) < 0)
			error_report("vCPU %u: KVM_SET_SREGS: %s", idx, g_strerror(errno));
	}
	p->spr_ok = 0;
	for (unsigned i = 0; i < G_N_ELEMENTS(cold_sprs); i++)
		if (set_reg(fd, cold_sprs[i].id, &zero) == 0)
			p->spr_ok |= 1u << i;
	set_reg(fd, KVM_REG_PPC_VRSAVE, &zero32);
	/* A VPA left registered would let KVM write into the next kernel's memory. */
	reset_vpa(fd, idx);
	xics_kvm_reset_icp(fd);
	xive_kvm_reset_vp(fd);
}

#define AUDIT(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			error_report("reset audit: vCPU " __VA_ARGS__);                            \
			bad++;                                                                     \
		}                                                                                  \
	} while (0)

unsigned arch_vcpu_audit(struct vcpu *cpu)
{
	struct ppc_vcpu *p = vcpu_arch(cpu);
	int fd = vcpu_fd(cpu);
	unsigned idx = vcpu_index(cpu), bad = 0;
	struct kvm_sregs sregs;
	struct kvm_regs r;
	uint64_t v;

	if (ioctl(fd, KVM_GET_REGS, &r) < 0) {
		error_report("reset audit: vCPU %u: KVM_GET_REGS: %s", idx, g_strerror(errno));
		return 1;
	}
	AUDIT(r.pc == p->regs.pc, "%u: PC 0x%llx, expected 0x%llx", idx, (unsigned long long)r.pc,
	      (unsigned long long)p->regs.pc);
	AUDIT(r.msr == p->regs.msr, "%u: MSR 0x%llx, expected 0x%llx", idx,
	      (unsigned long long)r.msr, (unsigned long long)p->regs.msr);
	for (unsigned i = 0; i < 32; i++)
		AUDIT(r.gpr[i] == p->regs.gpr[i], "%u: GPR%u 0x%llx, expected 0x%llx", idx, i,
		      (unsigned long long)r.gpr[i], (unsigned long long)p->regs.gpr[i]);
	AUDIT(r.cr == 0 && r.ctr == 0 && r.lr == 0 && r.xer == 0, "%u: CR/CTR/LR/XER not zero", idx);
	AUDIT(r.srr0 == 0 && r.srr1 == 0, "%u: SRR0/SRR1 not zero", idx);
	AUDIT(r.sprg0 == 0 && r.sprg1 == 0 && r.sprg2 == 0 && r.sprg3 == 0,
	      "%u: SPRG0-3 not zero", idx);
	if (get_reg(fd, KVM_REG_PPC_LPCR_64, &v) == 0)
		AUDIT((v & (LPCR_ILE | LPCR_AIL)) == (p->lpcr & (LPCR_ILE | LPCR_AIL)),
		      "%u: LPCR 0x%llx, expected ILE/AIL of 0x%llx", idx, (unsigned long long)v,
		      (unsigned long long)p->lpcr);
	for (unsigned i = 0; i < G_N_ELEMENTS(cold_sprs); i++) {
		if (!(p->spr_ok & (1u << i)) || get_reg(fd, cold_sprs[i].id, &v) < 0)
			continue;
		AUDIT(v == 0, "%u: %s 0x%llx, expected 0", idx, cold_sprs[i].name,
		      (unsigned long long)v);
	}
	if (get_reg(fd, KVM_REG_PPC_VPA_ADDR, &v) == 0)
		AUDIT(v == 0, "%u: VPA still registered at 0x%llx", idx, (unsigned long long)v);
	if (ioctl(fd, KVM_GET_SREGS, &sregs) == 0)
		for (unsigned i = 0; i < 64; i++)
			AUDIT(!(sregs.u.s.ppc64.slb[i].slbe & SLB_ESID_V), "%u: SLB entry %u valid", idx,
			      i);
	return bad + xics_kvm_audit_icp(fd, idx) + xive_kvm_audit_vp(fd, idx);
}

static void reset_cb(struct vcpu *cpu, void *opaque)
{
	arch_vcpu_reset(cpu);
}

static void cpu_reset_handler(void *opaque)
{
	/* vCPU 0 resets first: the endianness choice goes back to cold too. */
	if (vcpu_index(opaque) == 0)
		want_ile = true;
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
	struct ppc_vcpu *p = g_new0(struct ppc_vcpu, 1);
	struct kvm_enable_cap papr = { .cap = KVM_CAP_PPC_PAPR };
	struct kvm_sregs sregs;
	int fd = vcpu_fd(cpu);

	vcpu_set_arch(cpu, p);
	if (ioctl(fd, KVM_ENABLE_CAP, &papr) < 0) {
		error_setg(err, "vCPU %u: cannot enable PAPR mode: %s", vcpu_index(cpu),
			   g_strerror(errno));
		return -errno;
	}
	if (ioctl(fd, KVM_GET_SREGS, &sregs) == 0 && !host_pvr)
		host_pvr = sregs.pvr;
	if (!lpcr_known && get_reg(fd, KVM_REG_PPC_LPCR_64, &lpcr_initial) == 0)
		lpcr_known = true;
	if (xics_kvm_connect_vcpu(fd, vcpu_index(cpu), err) < 0 ||
	    xive_kvm_connect_vcpu(fd, vcpu_index(cpu), err) < 0)
		return -1;
	reset_register(RESET_ORDER_CPU, cpu_reset_handler, cpu, "ppc-cpu");
	if (vcpu_index(cpu) == 0)
		reset_register(RESET_ORDER_AUDIT, audit_handler, NULL, "ppc-cpu-audit");
	return 0;
}

/*
 * A started CPU enters at start_pc with r3. Its hold hypercall completed
 * before it halted, so these registers are final. vCPU thread, bql held.
 */
static void start_held(struct vcpu *cpu, struct ppc_vcpu *p)
{
	struct kvm_regs r;
	int fd = vcpu_fd(cpu);
	uint64_t lpcr = cold_lpcr();

	p->start_pending = false;
	if (ioctl(fd, KVM_GET_REGS, &r) < 0) {
		error_report("vCPU %u: start-cpu: KVM_GET_REGS: %s", vcpu_index(cpu),
			     g_strerror(errno));
		return;
	}
	r.pc = p->start_pc;
	r.gpr[3] = p->start_r3;
	r.msr = STOPPED_MSR;
	if (ioctl(fd, KVM_SET_REGS, &r) < 0)
		error_report("vCPU %u: start-cpu: KVM_SET_REGS: %s", vcpu_index(cpu),
			     g_strerror(errno));
	/* Endianness chosen by H_SET_MODE while this CPU was stopped. */
	set_reg(fd, KVM_REG_PPC_LPCR_64, &lpcr);
}

/* An interrupt the ICP would present now (an IPI counts). */
static bool icp_pending(int fd)
{
	uint64_t st;
	unsigned cppr, mfrr, xisr;

	if (!xics_kvm_present() || get_reg(fd, KVM_REG_PPC_ICP_STATE, &st) < 0)
		return false;
	cppr = (st >> KVM_REG_PPC_ICP_CPPR_SHIFT) & KVM_REG_PPC_ICP_CPPR_MASK;
	xisr = (st >> KVM_REG_PPC_ICP_XISR_SHIFT) & KVM_REG_PPC_ICP_XISR_MASK;
	mfrr = (st >> KVM_REG_PPC_ICP_MFRR_SHIFT) & KVM_REG_PPC_ICP_MFRR_MASK;
	return xisr || mfrr < cppr;
}

/*
 * The decrementer: true if it has fired, else lower *deadline_us to when it
 * will. The expiry is in guest timebase, which runs tb_offset ahead.
 */
static bool dec_fired(int fd, int64_t *deadline_us)
{
	uint64_t expiry, offset, now;
	int64_t ticks;

	if (get_reg(fd, KVM_REG_PPC_DEC_EXPIRY, &expiry) < 0 ||
	    get_reg(fd, KVM_REG_PPC_TB_OFFSET, &offset) < 0)
		return true; /* unknown: run, a spurious wake-up is allowed */
	now = __ppc_get_timebase() + offset;
	ticks = (int64_t)(expiry - now);
	if (ticks <= 0)
		return true;
	if (ticks / (SPAPR_TIMEBASE_FREQ / 1000000) < *deadline_us - g_get_monotonic_time())
		*deadline_us = g_get_monotonic_time() + ticks / (SPAPR_TIMEBASE_FREQ / 1000000) + 1;
	return false;
}

bool arch_vcpu_halt_done(struct vcpu *cpu, int64_t *deadline_us)
{
	struct ppc_vcpu *p = vcpu_arch(cpu);

	switch (p->halt) {
	case PPC_HELD:
		if (!p->start_pending)
			return false;
		start_held(cpu, p);
		break;
	case PPC_CEDED:
		if (!icp_pending(vcpu_fd(cpu)) && !xive_kvm_vp_pending(vcpu_fd(cpu)) &&
		    !dec_fired(vcpu_fd(cpu), deadline_us))
			return false;
		break;
	case PPC_RUNNING: /* prodded, or reset */
		break;
	}
	p->halt = PPC_RUNNING;
	return true;
}

/* KEEL_H_HOLD: complete, then wait for start-cpu (or a pause) outside KVM_RUN. */
static void hold(struct vcpu *cpu, struct kvm_run *run)
{
	struct ppc_vcpu *p = vcpu_arch(cpu);

	run->papr_hcall.ret = H_SUCCESS;
	bql_lock();
	p->halt = PPC_HELD;
	bql_unlock();
	vcpu_halt_current();
}

int arch_handle_exit(struct vcpu *cpu, struct kvm_run *run)
{
	struct spapr_hcall h = { .cpu = vcpu_index(cpu) };

	if (run->exit_reason != KVM_EXIT_PAPR_HCALL)
		return -1;
	if (run->papr_hcall.nr == KEEL_H_HOLD) {
		hold(cpu, run);
		return 0;
	}
	h.nr = run->papr_hcall.nr;
	memcpy(h.args, run->papr_hcall.args, sizeof(h.args));
	run->papr_hcall.ret = spapr_hcall(&h);
	/* KVM writes args back into r4..r12 when it completes the call. */
	memcpy(run->papr_hcall.args, h.args, sizeof(h.args));
	return 0;
}

void arch_vcpu_dump(struct vcpu *cpu)
{
	struct kvm_regs r;

	if (ioctl(vcpu_fd(cpu), KVM_GET_REGS, &r) < 0)
		return;
	fprintf(stderr, "CPU#%u\nNIP %016llx MSR %016llx LR %016llx CTR %016llx CR %08llx\n",
		vcpu_index(cpu), (unsigned long long)r.pc, (unsigned long long)r.msr,
		(unsigned long long)r.lr, (unsigned long long)r.ctr, (unsigned long long)r.cr);
	for (unsigned i = 0; i < 32; i++)
		fprintf(stderr, "GPR%02u %016llx%s", i, (unsigned long long)r.gpr[i],
			i % 4 == 3 ? "\n" : " ");
	fprintf(stderr, "SRR0 %016llx SRR1 %016llx\n", (unsigned long long)r.srr0,
		(unsigned long long)r.srr1);
}

/* spapr_cpu_ops: called from hypercall handlers on some vCPU's thread, bql held. */

static struct ppc_vcpu *ppc_vcpu_get(unsigned index)
{
	struct vcpu *cpu = vcpu_get(index);

	return cpu ? vcpu_arch(cpu) : NULL;
}

static int ops_start_cpu(unsigned index, uint64_t pc, uint64_t r3)
{
	struct ppc_vcpu *p = ppc_vcpu_get(index);

	if (!p || !p->stopped)
		return -EINVAL;
	p->stopped = false;
	p->start_pending = true;
	p->start_pc = pc;
	p->start_r3 = r3;
	vcpu_wake(vcpu_get(index));
	return 0;
}

static int ops_cpu_state(unsigned index)
{
	struct ppc_vcpu *p = ppc_vcpu_get(index);

	return p ? (p->stopped ? 0 : 2) : -1;
}

/* On the caller's own thread: the completion of this RTAS hypercall then lands in the loop. */
static void ops_stop_self(unsigned index)
{
	struct vcpu *cpu = vcpu_get(index);
	struct ppc_vcpu *p = cpu ? vcpu_arch(cpu) : NULL;
	struct kvm_regs r;

	if (!p || ioctl(vcpu_fd(cpu), KVM_GET_REGS, &r) < 0)
		return;
	r.pc = hold_gpa;
	r.msr = STOPPED_MSR;
	if (ioctl(vcpu_fd(cpu), KVM_SET_REGS, &r) < 0) {
		error_report("vCPU %u: stop-self: KVM_SET_REGS: %s", index, g_strerror(errno));
		return;
	}
	p->stopped = true;
}

static int ops_set_ile(unsigned caller, bool le)
{
	struct vcpu *cpu = vcpu_get(caller);
	uint64_t lpcr;

	if (!cpu)
		return -EINVAL;
	want_ile = le;
	if (get_reg(vcpu_fd(cpu), KVM_REG_PPC_LPCR_64, &lpcr) < 0)
		return -errno;
	lpcr = le ? lpcr | LPCR_ILE : lpcr & ~LPCR_ILE;
	return set_reg(vcpu_fd(cpu), KVM_REG_PPC_LPCR_64, &lpcr);
}

static int ops_configure_mmu(bool radix, bool gtse, uint64_t process_table)
{
	return ppc_kvm_configure_mmu(radix, gtse, process_table);
}

/* Inside the caller's H_CEDE: the completion writes only r3-r12, MSR stays. */
static void ops_cede(unsigned caller)
{
	struct vcpu *cpu = vcpu_get(caller);
	struct ppc_vcpu *p = cpu ? vcpu_arch(cpu) : NULL;
	struct kvm_regs r;

	if (!p)
		return;
	/* As PAPR (and KVM's own cede) has it: a ceded CPU takes interrupts. */
	if (ioctl(vcpu_fd(cpu), KVM_GET_REGS, &r) == 0 && !(r.msr & MSR_EE)) {
		r.msr |= MSR_EE;
		if (ioctl(vcpu_fd(cpu), KVM_SET_REGS, &r) < 0)
			error_report("vCPU %u: H_CEDE: KVM_SET_REGS: %s", caller,
				     g_strerror(errno));
	}
	p->halt = PPC_CEDED;
	vcpu_halt_current();
}

static int ops_prod(unsigned index)
{
	struct vcpu *cpu = vcpu_get(index);
	struct ppc_vcpu *p = cpu ? vcpu_arch(cpu) : NULL;

	if (!p)
		return -1;
	if (p->halt != PPC_CEDED)
		return 0;
	p->halt = PPC_RUNNING;
	vcpu_wake(cpu);
	return 1;
}

const struct spapr_cpu_ops ppc_spapr_cpu_ops = {
	.start_cpu = ops_start_cpu,
	.cpu_state = ops_cpu_state,
	.stop_self = ops_stop_self,
	.set_ile = ops_set_ile,
	.configure_mmu = ops_configure_mmu,
	.cede = ops_cede,
	.prod = ops_prod,
};
