/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_TARGET_X86_CPUID_H
#define KEEL_TARGET_X86_CPUID_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

/* XSAVE state components (bits of XCR0 and of CPUID 0xD.0 EDX:EAX). */
#define XSTATE_X87 (1ULL << 0)
#define XSTATE_SSE (1ULL << 1)
#define XSTATE_YMM (1ULL << 2)
#define XSTATE_BNDREGS (1ULL << 3)
#define XSTATE_BNDCSR (1ULL << 4)
#define XSTATE_AVX512 (7ULL << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XSTATE_PKRU (1ULL << 9)
#define XSTATE_XTILECFG (1ULL << 17)
#define XSTATE_XTILEDATA (1ULL << 18)

/* Legacy region plus XSAVE header: the size with x87/SSE only. */
#define XSAVE_LEGACY_SIZE 576

/* The vCPU's place in the topology, for leaves 1, 4, 0xb and 0x1f. */
struct x86_cpuid_topo {
	unsigned index, ncpus, cores, threads;
};

/*
 * The CPUID a vCPU gets, from KVM_GET_SUPPORTED_CPUID's entries (changed in
 * place): topology, the hypervisor bit, and leaf 0xD (and the leaf 7 bits
 * that depend on it) reduced to XCR0 values XSETBV accepts, its sizes
 * recomputed for xcr0. No side effects.
 */
void x86_cpuid_build(struct kvm_cpuid_entry2 *e, unsigned n, const struct x86_cpuid_topo *t,
		     uint64_t xcr0);

/*
 * The XCR0 an OS would enable: every state component in leaf 0xD after
 * x86_cpuid_build; XSTATE_X87 alone when leaf 1 offers no XSAVE.
 */
uint64_t x86_cpuid_xcr0_max(const struct kvm_cpuid_entry2 *e, unsigned n);

/* XSAVE area size for the components in xfeatures (standard or compacted form). */
uint32_t x86_xsave_size(const struct kvm_cpuid_entry2 *e, unsigned n, uint64_t xfeatures,
			bool compacted);

#endif
