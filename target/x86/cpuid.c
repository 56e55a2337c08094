// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The CPUID a vCPU sees, built from KVM_GET_SUPPORTED_CPUID without any
 * ioctl so that it can be tested from recorded sets: topology leaves and
 * the XSAVE leaf 0xD, whose sizes must match what the guest enables in XCR0
 * (Linux compares them at boot: "XSAVE consistency problem").
 */
#include <glib.h>

#include "target/x86/cpuid.h"

#define CPUID1_ECX_AVX (1u << 28)
#define CPUID1_ECX_XSAVE (1u << 26)
#define CPUID7_EBX_AVX512F (1u << 16)
#define CPUID7_EDX_AMX (1u << 22 | 1u << 24 | 1u << 25) /* AMX-BF16, AMX-TILE, AMX-INT8 */
#define CPUID_D1_EAX_XSAVEC (1u << 1)
#define CPUID_D1_EAX_XSAVES (1u << 3)

static struct kvm_cpuid_entry2 *find(const struct kvm_cpuid_entry2 *e, unsigned n,
				     uint32_t function, uint32_t index)
{
	for (unsigned i = 0; i < n; i++) {
		if (e[i].function != function)
			continue;
		if (!(e[i].flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e[i].index == index)
			return (struct kvm_cpuid_entry2 *)&e[i];
	}
	return NULL;
}

/* The largest subset of m that XSETBV accepts (SDM 13.3, as KVM checks it). */
static uint64_t xcr0_valid(uint64_t m)
{
	const uint64_t mpx = XSTATE_BNDREGS | XSTATE_BNDCSR;
	const uint64_t tile = XSTATE_XTILECFG | XSTATE_XTILEDATA;

	m |= XSTATE_X87;
	if (!(m & XSTATE_SSE))
		m &= ~XSTATE_YMM;
	if (!(m & XSTATE_YMM) || (m & XSTATE_AVX512) != XSTATE_AVX512)
		m &= ~XSTATE_AVX512;
	if ((m & mpx) != mpx)
		m &= ~mpx;
	if ((m & tile) != tile)
		m &= ~tile;
	return m;
}

uint32_t x86_xsave_size(const struct kvm_cpuid_entry2 *e, unsigned n, uint64_t xfeatures,
			bool compacted)
{
	uint32_t size = XSAVE_LEGACY_SIZE;

	for (unsigned i = 2; i < 64; i++) {
		const struct kvm_cpuid_entry2 *s;

		if (!(xfeatures >> i & 1) || !(s = find(e, n, 0xd, i)) || !s->eax)
			continue;
		if (compacted) {
			if (s->ecx & 2) /* 64-byte aligned in the compacted form */
				size = (size + 63) & ~63u;
			size += s->eax;
		} else if (s->ebx + s->eax > size) {
			size = s->ebx + s->eax;
		}
	}
	return size;
}

uint64_t x86_cpuid_xcr0_max(const struct kvm_cpuid_entry2 *e, unsigned n)
{
	const struct kvm_cpuid_entry2 *l1 = find(e, n, 1, 0), *d0 = find(e, n, 0xd, 0);

	if (!l1 || !(l1->ecx & CPUID1_ECX_XSAVE) || !d0)
		return XSTATE_X87;
	return xcr0_valid(d0->eax | (uint64_t)d0->edx << 32);
}

/*
 * Leaf 0xD: drop components XCR0 cannot hold on their own (e.g. XTILECFG
 * without XTILEDATA, which KVM reported to a process without AMX permission
 * until Linux 6.4, commit 55cd57b596e8) and the features that need them;
 * the sizes for xcr0.
 */
static void build_xsave(struct kvm_cpuid_entry2 *e, unsigned n, uint64_t xcr0)
{
	struct kvm_cpuid_entry2 *d0 = find(e, n, 0xd, 0), *d1 = find(e, n, 0xd, 1);
	struct kvm_cpuid_entry2 *l1 = find(e, n, 1, 0), *l7 = find(e, n, 7, 0);
	uint64_t mask;

	if (!d0)
		return;
	mask = xcr0_valid(d0->eax | (uint64_t)d0->edx << 32);
	d0->eax = (uint32_t)mask;
	d0->edx = (uint32_t)(mask >> 32);
	for (unsigned i = 0; i < n; i++) {
		struct kvm_cpuid_entry2 *s = &e[i];

		/* ECX bit 0 set: a supervisor (XSS) component, governed by 0xD.1. */
		if (s->function == 0xd && s->index >= 2 && s->index < 64 && !(s->ecx & 1) &&
		    !(mask >> s->index & 1))
			s->eax = s->ebx = s->ecx = s->edx = 0;
	}
	if (l1 && !(mask & XSTATE_YMM))
		l1->ecx &= ~CPUID1_ECX_AVX;
	if (l7 && !(mask & XSTATE_AVX512))
		l7->ebx &= ~CPUID7_EBX_AVX512F;
	if (l7 && !(mask & XSTATE_XTILEDATA))
		l7->edx &= ~CPUID7_EDX_AMX;

	xcr0 &= mask;
	d0->ecx = x86_xsave_size(e, n, mask, false);
	d0->ebx = x86_xsave_size(e, n, xcr0, false);
	/* IA32_XSS is 0 after reset: the compacted size covers XCR0 alone. */
	if (d1)
		d1->ebx = d1->eax & (CPUID_D1_EAX_XSAVEC | CPUID_D1_EAX_XSAVES) ?
				  x86_xsave_size(e, n, xcr0, true) : 0;
}

static void build_topology(struct kvm_cpuid_entry2 *e, const struct x86_cpuid_topo *t)
{
	switch (e->function) {
	case 1:
		e->ebx = (e->ebx & 0x0000ffff) | (t->index << 24) |
			 ((t->ncpus > 255 ? 255 : t->ncpus) << 16);
		e->ecx |= 1u << 31; /* hypervisor present */
		if (t->ncpus > 1)
			e->edx |= 1u << 28; /* HTT: multi-threaded package */
		break;
	case 0xb:
	case 0x1f:
		e->edx = t->index;
		if (e->index == 0) {
			e->eax = t->threads > 1 ? g_bit_storage(t->threads - 1) : 0;
			e->ebx = t->threads;
			e->ecx = (1 << 8) | 0;
		} else if (e->index == 1) {
			e->eax = g_bit_storage(t->threads * t->cores - 1);
			e->ebx = t->threads * t->cores;
			e->ecx = (2 << 8) | 1;
		} else {
			e->eax = e->ebx = 0;
			e->ecx = e->index;
		}
		break;
	case 4:
		e->eax &= 0x3ff;
		if (e->eax & 0x1f)
			e->eax |= ((t->cores - 1) << 26) | ((t->threads - 1) << 14);
		break;
	}
}

void x86_cpuid_build(struct kvm_cpuid_entry2 *e, unsigned n, const struct x86_cpuid_topo *t,
		     uint64_t xcr0)
{
	for (unsigned i = 0; i < n; i++)
		build_topology(&e[i], t);
	build_xsave(e, n, xcr0);
}
