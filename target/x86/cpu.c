// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86_64 vCPU: CPUID/MSR setup, the architectural cold-reset state pushed
 * into KVM, the reset audit, and the register dump.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "system/error.h"
#include "accel/kvm.h"
#include "hw/core/reset.h"
#include "system/bql.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/runstate.h"
#include "target/x86/cpu.h"
#include "target/x86/cpuid.h"

#define MAX_CPUID 256
#define APIC_DEFAULT_BASE 0xfee00000ULL
#define MSR_APIC_BASE_BSP (1ULL << 8)
#define MSR_APIC_BASE_ENABLE (1ULL << 11)

struct cpuid2 {
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 e[MAX_CPUID];
};

struct msrs {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[32];
};

struct x86_vcpu {
	uint32_t cpuid1_eax; /* family/model/stepping: RDX at reset */
	/* Template of the last pushed cold state, for the audit. */
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct msrs msrs;
	uint32_t mp_state;
	bool has_xsave, has_xcrs;
	uint64_t xcr0_max; /* every XSAVE component the CPUID offers */
	uint64_t xcr0;	   /* the value pushed at the last reset */
	uint32_t xsave_size; /* KVM_SET_XSAVE's buffer: KVM_CAP_XSAVE2, at least 4 KiB */
};

static struct cpuid2 *supported;
static struct x86_boot_entry boot_entry = { .mode = X86_BOOT_RESET_VECTOR };
static const char *cpu_model;
static uint32_t *msr_list;
static unsigned msr_list_len;

/* MSRs with their cold values; written only when KVM lists them. */
static const struct {
	uint32_t index;
	uint64_t value;
	bool audit;
} cold_msrs[] = {
	{ 0x10, 0, false },		     /* IA32_TSC: starts counting at once */
	{ 0x174, 0, true },		     /* SYSENTER_CS */
	{ 0x175, 0, true },		     /* SYSENTER_ESP */
	{ 0x176, 0, true },		     /* SYSENTER_EIP */
	{ 0x277, 0x0007040600070406ULL, true }, /* PAT */
	{ 0xc0000081, 0, true },	     /* STAR */
	{ 0xc0000082, 0, true },	     /* LSTAR */
	{ 0xc0000083, 0, true },	     /* CSTAR */
	{ 0xc0000084, 0, true },	     /* FMASK */
	{ 0xc0000102, 0, true },	     /* KERNEL_GS_BASE */
	{ 0xc0000103, 0, true },	     /* TSC_AUX */
	{ 0x4b564d00, 0, false },	     /* KVM wall clock (write-only) */
	{ 0x4b564d01, 0, true },	     /* KVM system time */
	{ 0x4b564d02, 0, true },	     /* KVM async PF */
	{ 0x4b564d03, 0, true },	     /* KVM steal time */
	{ 0x4b564d04, 0, true },	     /* KVM PV EOI */
	{ 0x11, 0, false },		     /* old KVM wall clock */
	{ 0x12, 0, true },		     /* old KVM system time */
	{ 0x3b, 0, false },		     /* TSC_ADJUST */
};

void x86_set_boot_entry(const struct x86_boot_entry *e)
{
	boot_entry = *e;
}

void x86_get_boot_entry(struct x86_boot_entry *e)
{
	*e = boot_entry;
}

void x86_cpu_set_model(const char *model)
{
	cpu_model = model;
}

static bool msr_supported(uint32_t index)
{
	for (unsigned i = 0; i < msr_list_len; i++)
		if (msr_list[i] == index)
			return true;
	return false;
}

int arch_kvm_init(GError **err)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	struct kvm_msr_list *list;

	supported = g_new0(struct cpuid2, 1);
	supported->hdr.nent = MAX_CPUID;
	if (ioctl(kvm_dev_fd(), KVM_GET_SUPPORTED_CPUID, &supported->hdr) < 0) {
		error_setg(err, "KVM_GET_SUPPORTED_CPUID: %s",
			    g_strerror(errno));
		return -errno;
	}
	ioctl(kvm_dev_fd(), KVM_GET_MSR_INDEX_LIST, &probe); /* E2BIG, sets nmsrs */
	list = g_malloc0(sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
	list->nmsrs = probe.nmsrs;
	if (ioctl(kvm_dev_fd(), KVM_GET_MSR_INDEX_LIST, list) == 0) {
		msr_list_len = list->nmsrs;
		msr_list = g_memdup2(list->indices, list->nmsrs * sizeof(uint32_t));
	}
	g_free(list);
	if (cpu_model && strcmp(cpu_model, "host") && strcmp(cpu_model, "max"))
		warn_report("CPU model '%s' is not modelled; using the host's CPUID", cpu_model);
	return 0;
}

static void setup_cpuid(struct vcpu *cpu, struct x86_vcpu *x)
{
	struct cpuid2 *c = g_memdup2(supported, sizeof(*supported));
	unsigned ncpus = machine_cfg.smp_cpus ? machine_cfg.smp_cpus : 1;
	unsigned threads = machine_cfg.threads ? machine_cfg.threads : 1;
	struct x86_cpuid_topo t = {
		.index = vcpu_index(cpu),
		.ncpus = ncpus,
		.threads = threads,
		.cores = machine_cfg.cores ? machine_cfg.cores : ncpus / threads,
	};

	if (!t.cores)
		t.cores = 1;
	/* XCR0 is x87 alone until put_fpu(); KVM keeps 0xD's sizes current. */
	x86_cpuid_build(c->e, c->hdr.nent, &t, XSTATE_X87);
	for (unsigned i = 0; i < c->hdr.nent; i++)
		if (c->e[i].function == 1)
			x->cpuid1_eax = c->e[i].eax;
	x->xcr0_max = x86_cpuid_xcr0_max(c->e, c->hdr.nent);
	if (ioctl(vcpu_fd(cpu), KVM_SET_CPUID2, &c->hdr) < 0)
		error_report("vCPU %u: KVM_SET_CPUID2: %s", t.index, g_strerror(errno));
	g_free(c);
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint64_t base, uint32_t limit,
		    uint8_t type, bool code32, bool gran, bool longmode)
{
	*s = (struct kvm_segment){
		.base = base,
		.limit = limit,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code32,
		.s = 1,
		.l = longmode,
		.g = gran,
	};
}

/* Build the cold-reset template of one vCPU (boot entry state for vCPU 0). */
static void build_template(struct vcpu *cpu, struct x86_vcpu *x, struct kvm_sregs *base)
{
	bool bsp = vcpu_index(cpu) == 0;
	struct kvm_regs *r = &x->regs;
	struct kvm_sregs *s = &x->sregs;
	const struct x86_boot_entry *e = &boot_entry;

	memset(r, 0, sizeof(*r));
	r->rflags = 2;
	r->rip = 0xfff0;
	r->rdx = x->cpuid1_eax;

	*s = *base; /* keeps interrupt_bitmap layout; every field below is set */
	memset(s->interrupt_bitmap, 0, sizeof(s->interrupt_bitmap));
	set_seg(&s->cs, 0xf000, 0xffff0000, 0xffff, 0xb, false, false, false);
	set_seg(&s->ds, 0, 0, 0xffff, 3, false, false, false);
	s->es = s->fs = s->gs = s->ss = s->ds;
	s->tr = (struct kvm_segment){ .limit = 0xffff, .type = 0xb, .present = 1 };
	s->ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
	s->gdt = (struct kvm_dtable){ .limit = 0xffff };
	s->idt = (struct kvm_dtable){ .limit = 0xffff };
	s->cr0 = 0x60000010;
	s->cr2 = s->cr3 = s->cr4 = s->cr8 = 0;
	s->efer = 0;
	s->apic_base = APIC_DEFAULT_BASE | MSR_APIC_BASE_ENABLE | (bsp ? MSR_APIC_BASE_BSP : 0);
	x->mp_state = bsp ? KVM_MP_STATE_RUNNABLE : KVM_MP_STATE_UNINITIALIZED;

	if (!bsp || e->mode == X86_BOOT_RESET_VECTOR)
		return;

	r->rip = e->rip;
	r->rsp = e->rsp;
	r->rax = e->rax;
	r->rbx = e->rbx;
	r->rcx = e->rcx;
	r->rdx = e->rdx;
	r->rsi = e->rsi;
	r->rdi = e->rdi;
	if (e->gdt_base || e->gdt_limit)
		s->gdt = (struct kvm_dtable){ .base = e->gdt_base, .limit = e->gdt_limit };
	switch (e->mode) {
	case X86_BOOT_REAL:
		set_seg(&s->cs, (e->rip >> 4) & 0xf000, e->rip & ~0xffffULL, 0xffff, 0xb, false,
			false, false);
		r->rip = e->rip & 0xffff;
		break;
	case X86_BOOT_PROTECTED32:
	case X86_BOOT_LONG64: {
		bool lm = e->mode == X86_BOOT_LONG64;
		uint16_t cs = e->cs_sel ? e->cs_sel : 0x08, ds = e->ds_sel ? e->ds_sel : 0x10;

		set_seg(&s->cs, cs, 0, 0xffffffff, 0xb, !lm, true, lm);
		set_seg(&s->ds, ds, 0, 0xffffffff, 3, true, true, false);
		s->es = s->fs = s->gs = s->ss = s->ds;
		s->cr0 = 0x11; /* PE | ET; caching enabled like firmware leaves it */
		if (lm) {
			s->cr0 |= 0x80000000; /* PG */
			s->cr3 = e->cr3;
			s->cr4 = 0x20;	  /* PAE */
			s->efer = 0x500;  /* LME | LMA */
		}
		break;
	}
	default:
		break;
	}
}

static void put_msrs(struct vcpu *cpu, struct x86_vcpu *x)
{
	memset(&x->msrs, 0, sizeof(x->msrs));
	for (unsigned i = 0; i < G_N_ELEMENTS(cold_msrs); i++) {
		if (!msr_supported(cold_msrs[i].index))
			continue;
		x->msrs.e[x->msrs.hdr.nmsrs++] = (struct kvm_msr_entry){
			.index = cold_msrs[i].index,
			.data = cold_msrs[i].value,
		};
	}
	if (ioctl(vcpu_fd(cpu), KVM_SET_MSRS, &x->msrs.hdr) != (int)x->msrs.hdr.nmsrs)
		warn_report_once("vCPU %u: KVM_SET_MSRS did not take every cold value",
				 vcpu_index(cpu));
}

static void put_lapic(struct vcpu *cpu)
{
	struct kvm_lapic_state l;
	uint32_t *reg = (uint32_t *)l.regs;
	uint32_t version;

	if (ioctl(vcpu_fd(cpu), KVM_GET_LAPIC, &l) < 0)
		return;
	version = reg[0x30 / 4];
	memset(&l, 0, sizeof(l));
	reg[0x20 / 4] = vcpu_index(cpu) << 24; /* ID */
	reg[0x30 / 4] = version;
	reg[0xe0 / 4] = 0xffffffff; /* DFR: flat model */
	reg[0xf0 / 4] = 0xff;	    /* SVR: software disabled, vector 0xff */
	for (unsigned off = 0x320; off <= 0x370; off += 0x10)
		reg[off / 4] = 1 << 16; /* LVT entries masked */
	reg[0x2f0 / 4] = 1 << 16;	/* LVT CMCI */
	if (ioctl(vcpu_fd(cpu), KVM_SET_LAPIC, &l) < 0)
		error_report("vCPU %u: KVM_SET_LAPIC: %s", vcpu_index(cpu), g_strerror(errno));
}

static int set_xcr0(struct vcpu *cpu, uint64_t value)
{
	struct kvm_xcrs xc = { .nr_xcrs = 1, .xcrs = { { .xcr = 0, .value = value } } };

	return ioctl(vcpu_fd(cpu), KVM_SET_XCRS, &xc);
}

/*
 * XCR0 after reset is x87 alone (SDM 13.3) when firmware runs from the reset
 * vector. When keel enters the guest OS directly it plays the firmware and
 * leaves every offered component enabled, which is what the OS then writes:
 * a host that does not report the guest's XSETBV to KVM (QEMU's emulated
 * SVM does not intercept it) would otherwise keep KVM's XCR0, and with it
 * CPUID 0xD's sizes, at x87 alone, and reload that XCR0 on every entry.
 */
static void put_fpu(struct vcpu *cpu, struct x86_vcpu *x)
{
	x->xcr0 = boot_entry.mode == X86_BOOT_RESET_VECTOR ? XSTATE_X87 : x->xcr0_max;
	if (x->has_xsave) {
		/* Sized by KVM: above 4 KiB once AMX state is permitted. */
		struct kvm_xsave *xs = g_malloc0(x->xsave_size);

		((uint16_t *)xs->region)[0] = 0x37f;	/* FCW */
		xs->region[6] = 0x1f80;			/* MXCSR */
		((uint64_t *)xs->region)[512 / 8] = 3;	/* XSTATE_BV: x87 | SSE */
		if (ioctl(vcpu_fd(cpu), KVM_SET_XSAVE, xs) < 0)
			error_report("vCPU %u: KVM_SET_XSAVE: %s", vcpu_index(cpu),
				     g_strerror(errno));
		g_free(xs);
	} else {
		struct kvm_fpu f = { .fcw = 0x37f, .mxcsr = 0x1f80 };

		ioctl(vcpu_fd(cpu), KVM_SET_FPU, &f);
	}
	if (x->has_xcrs && set_xcr0(cpu, x->xcr0) < 0 && x->xcr0 != XSTATE_X87) {
		warn_report_once("vCPU %u: KVM refused XCR0 0x%llx (%s); starting with x87 alone",
				 vcpu_index(cpu), (unsigned long long)x->xcr0, g_strerror(errno));
		x->xcr0 = XSTATE_X87;
		if (set_xcr0(cpu, x->xcr0) < 0)
			error_report("vCPU %u: KVM_SET_XCRS: %s", vcpu_index(cpu),
				     g_strerror(errno));
	}
}

/* vCPU thread, paused: push the full cold-reset state. */
void arch_vcpu_reset(struct vcpu *cpu)
{
	struct x86_vcpu *x = vcpu_arch(cpu);
	int fd = vcpu_fd(cpu);
	struct kvm_sregs base;
	struct kvm_mp_state mp;
	struct kvm_vcpu_events ev;
	struct kvm_debugregs dr;

	if (ioctl(fd, KVM_GET_SREGS, &base) < 0)
		memset(&base, 0, sizeof(base));
	build_template(cpu, x, &base);

	/* MP state first: it also clears a latched INIT/SIPI from before the reset. */
	mp.mp_state = x->mp_state;
	if (ioctl(fd, KVM_SET_MP_STATE, &mp) < 0)
		error_report("vCPU %u: KVM_SET_MP_STATE: %s", vcpu_index(cpu), g_strerror(errno));
	if (ioctl(fd, KVM_SET_REGS, &x->regs) < 0)
		error_report("vCPU %u: KVM_SET_REGS: %s", vcpu_index(cpu), g_strerror(errno));
	put_fpu(cpu, x);
	if (ioctl(fd, KVM_SET_SREGS, &x->sregs) < 0)
		error_report("vCPU %u: KVM_SET_SREGS: %s", vcpu_index(cpu), g_strerror(errno));
	put_msrs(cpu, x);
	put_lapic(cpu);

	memset(&ev, 0, sizeof(ev));
	ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SIPI_VECTOR |
		   KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM;
	if (ioctl(fd, KVM_SET_VCPU_EVENTS, &ev) < 0) {
		ev.flags &= ~KVM_VCPUEVENT_VALID_SMM;
		ioctl(fd, KVM_SET_VCPU_EVENTS, &ev);
	}
	memset(&dr, 0, sizeof(dr));
	dr.dr6 = 0xffff0ff0;
	dr.dr7 = 0x400;
	ioctl(fd, KVM_SET_DEBUGREGS, &dr);
	/* Set again: the LAPIC and events writes may have changed it. */
	if (ioctl(fd, KVM_SET_MP_STATE, &mp) < 0)
		error_report("vCPU %u: KVM_SET_MP_STATE: %s", vcpu_index(cpu), g_strerror(errno));
}

#define AUDIT(cond, name)                                                                          \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			error_report("reset audit: vCPU %u: %s differs", vcpu_index(cpu), name);   \
			bad++;                                                                     \
		}                                                                                  \
	} while (0)

static bool seg_eq(const struct kvm_segment *a, const struct kvm_segment *b)
{
	return a->base == b->base && a->limit == b->limit && a->selector == b->selector &&
	       a->type == b->type && a->present == b->present && a->db == b->db && a->l == b->l &&
	       a->s == b->s && a->dpl == b->dpl;
}

unsigned arch_vcpu_audit(struct vcpu *cpu)
{
	struct x86_vcpu *x = vcpu_arch(cpu);
	int fd = vcpu_fd(cpu);
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_mp_state mp;
	struct kvm_vcpu_events ev;
	struct kvm_debugregs dr;
	struct kvm_xcrs xc;
	struct msrs m;
	unsigned bad = 0;

	if (ioctl(fd, KVM_GET_REGS, &r) < 0 || ioctl(fd, KVM_GET_SREGS, &s) < 0 ||
	    ioctl(fd, KVM_GET_MP_STATE, &mp) < 0) {
		error_report("reset audit: vCPU %u: cannot read state: %s", vcpu_index(cpu),
			     g_strerror(errno));
		return 1;
	}
	AUDIT(r.rip == x->regs.rip, "RIP");
	AUDIT(r.rax == x->regs.rax, "RAX");
	AUDIT(r.rbx == x->regs.rbx, "RBX");
	AUDIT(r.rcx == x->regs.rcx, "RCX");
	AUDIT(r.rdx == x->regs.rdx, "RDX");
	AUDIT(r.rsi == x->regs.rsi, "RSI");
	AUDIT(r.rdi == x->regs.rdi, "RDI");
	AUDIT(r.rsp == x->regs.rsp, "RSP");
	AUDIT(r.rbp == x->regs.rbp, "RBP");
	AUDIT(r.r8 == 0 && r.r9 == 0 && r.r10 == 0 && r.r11 == 0 && r.r12 == 0 && r.r13 == 0 &&
		      r.r14 == 0 && r.r15 == 0,
	      "R8-R15");
	AUDIT(r.rflags == x->regs.rflags, "RFLAGS");
	AUDIT(seg_eq(&s.cs, &x->sregs.cs), "CS");
	AUDIT(seg_eq(&s.ds, &x->sregs.ds), "DS");
	AUDIT(seg_eq(&s.ss, &x->sregs.ss), "SS");
	AUDIT(s.cr0 == x->sregs.cr0, "CR0");
	AUDIT(s.cr3 == x->sregs.cr3, "CR3");
	AUDIT(s.cr4 == x->sregs.cr4, "CR4");
	AUDIT(s.efer == x->sregs.efer, "EFER");
	AUDIT(s.gdt.base == x->sregs.gdt.base && s.gdt.limit == x->sregs.gdt.limit, "GDTR");
	AUDIT(s.apic_base == x->sregs.apic_base, "APIC_BASE");
	AUDIT(mp.mp_state == x->mp_state, "MP_STATE");
	if (ioctl(fd, KVM_GET_VCPU_EVENTS, &ev) == 0) {
		AUDIT(!ev.exception.injected && !ev.exception.pending, "pending exception");
		AUDIT(!ev.interrupt.injected, "injected interrupt");
		AUDIT(!ev.nmi.injected && !ev.nmi.pending, "NMI");
		AUDIT(!(ev.flags & KVM_VCPUEVENT_VALID_SMM) || !ev.smi.latched_init,
		      "latched INIT");
	}
	if (ioctl(fd, KVM_GET_DEBUGREGS, &dr) == 0)
		AUDIT(dr.dr7 == 0x400, "DR7");
	if (x->has_xcrs && ioctl(fd, KVM_GET_XCRS, &xc) == 0)
		AUDIT(xc.nr_xcrs >= 1 && xc.xcrs[0].xcr == 0 && xc.xcrs[0].value == x->xcr0, "XCR0");
	m = x->msrs;
	if (m.hdr.nmsrs && ioctl(fd, KVM_GET_MSRS, &m.hdr) == (int)m.hdr.nmsrs) {
		for (unsigned i = 0; i < m.hdr.nmsrs; i++) {
			for (unsigned j = 0; j < G_N_ELEMENTS(cold_msrs); j++) {
				if (cold_msrs[j].index == m.e[i].index && cold_msrs[j].audit &&
				    m.e[i].data != x->msrs.e[i].data) {
					error_report("reset audit: vCPU %u: MSR 0x%x = 0x%llx",
						     vcpu_index(cpu), m.e[i].index,
						     (unsigned long long)m.e[i].data);
					bad++;
				}
			}
		}
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

	for (unsigned i = 0; i < vcpu_count(); i++)
		vcpu_run_on(vcpu_get(i), audit_cb, &bad);
	reset_stats_audit(bad);
}

int arch_vcpu_init(struct vcpu *cpu, GError **err)
{
	struct x86_vcpu *x = g_new0(struct x86_vcpu, 1);

	vcpu_set_arch(cpu, x);
	x->has_xsave = kvm_check_extension(KVM_CAP_XSAVE) > 0;
	x->has_xcrs = kvm_check_extension(KVM_CAP_XCRS) > 0;
	x->xsave_size = MAX(kvm_check_extension(KVM_CAP_XSAVE2), (int)sizeof(struct kvm_xsave));
	setup_cpuid(cpu, x);
	reset_register(RESET_ORDER_CPU, cpu_reset_handler, cpu, "x86-cpu");
	if (vcpu_index(cpu) == 0)
		reset_register(RESET_ORDER_AUDIT, audit_handler, NULL, "x86-cpu-audit");
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
	case KVM_EXIT_HLT:
		/* Only without an in-kernel LAPIC; the machine always has one. */
		vcpu_request_exit(cpu);
		return 0;
	default:
		return -1;
	}
}

void arch_vcpu_dump(struct vcpu *cpu)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(vcpu_fd(cpu), KVM_GET_REGS, &r) < 0 ||
	    ioctl(vcpu_fd(cpu), KVM_GET_SREGS, &s) < 0)
		return;
	fprintf(stderr,
		"CPU#%u\nRAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n"
		"RSI=%016llx RDI=%016llx RBP=%016llx RSP=%016llx\n"
		"RIP=%016llx RFL=%08llx CS=%04x base %016llx\n"
		"CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%016llx\n",
		vcpu_index(cpu), (unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx, (unsigned long long)r.rsi,
		(unsigned long long)r.rdi, (unsigned long long)r.rbp, (unsigned long long)r.rsp,
		(unsigned long long)r.rip, (unsigned long long)r.rflags, s.cs.selector,
		(unsigned long long)s.cs.base, (unsigned long long)s.cr0,
		(unsigned long long)s.cr2, (unsigned long long)s.cr3, (unsigned long long)s.cr4,
		(unsigned long long)s.efer);
}
