// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CPUID construction from recorded KVM_GET_SUPPORTED_CPUID sets: the sizes
 * in leaf 0xD must be the ones Linux computes from the sub-leaves for the
 * XCR0 it enables (arch/x86/kernel/fpu/xstate.c, paranoid_xstate_size_valid).
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "target/x86/cpuid.h"

#define SIG KVM_CPUID_FLAG_SIGNIFCANT_INDEX
#define LEAF1_XSAVE_AVX 0x94000000u /* leaf 1 ECX: AVX, XSAVE (bit 26), hypervisor */

static const struct x86_cpuid_topo one = { .index = 0, .ncpus = 1, .cores = 1, .threads = 1 };

static struct kvm_cpuid_entry2 *get(struct kvm_cpuid_entry2 *e, unsigned n, uint32_t fn,
				    uint32_t idx)
{
	for (unsigned i = 0; i < n; i++)
		if (e[i].function == fn && e[i].index == idx)
			return &e[i];
	ck_abort_msg("no leaf 0x%x.%u", fn, idx);
	return NULL;
}

/* A recorded set as one vCPU gets it when its XCR0 is xcr0; the XCR0 an OS enables. */
static uint64_t build(struct kvm_cpuid_entry2 *e, const struct kvm_cpuid_entry2 *rec, unsigned n,
		      uint64_t xcr0)
{
	memcpy(e, rec, n * sizeof(*e));
	x86_cpuid_build(e, n, &one, xcr0);
	return x86_cpuid_xcr0_max(e, n);
}

/*
 * QEMU 7.2 TCG -cpu max (the emulated host of tests/nested) through Debian
 * 12's KVM: x87, SSE, AVX, PKRU; XSAVEOPT and XGETBV1 but no XSAVEC/XSAVES.
 * Linux in the guest: "size 2696 != kernel_size 576" when XCR0 stayed 1.
 */
static const struct kvm_cpuid_entry2 tcg_max[] = {
	{ .function = 1, .eax = 0x000806f1, .ecx = LEAF1_XSAVE_AVX, .edx = 0x0f8bfbff },
	{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x009c27ab, .ecx = 0x0040069c },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x207, .ebx = 0x240, .ecx = 0xa88 },
	{ .function = 0xd, .index = 1, .flags = SIG, .eax = 0x5 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 0x100, .ebx = 0x240 },
	{ .function = 0xd, .index = 9, .flags = SIG, .eax = 0x8, .ebx = 0xa80 },
};

START_TEST(test_tcg_max)
{
	struct kvm_cpuid_entry2 e[G_N_ELEMENTS(tcg_max)];
	unsigned n = G_N_ELEMENTS(e);
	uint64_t xcr0;

	xcr0 = build(e, tcg_max, n, XSTATE_X87);
	ck_assert_uint_eq(xcr0, 0x207);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->eax, 0x207);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ecx, 2696);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ebx, 576); /* x87 only */
	ck_assert_uint_eq(get(e, n, 0xd, 1)->ebx, 0);	/* no compacted form */
	ck_assert_uint_eq(x86_xsave_size(e, n, xcr0, false), 2696);
	ck_assert_uint_eq(x86_xsave_size(e, n, xcr0, true), 576 + 256 + 8);

	/* Built for the XCR0 the guest enables: EBX is what Linux compares. */
	build(e, tcg_max, n, xcr0);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ebx, 2696);
	ck_assert_uint_eq(get(e, n, 1, 0)->ecx & (1u << 28), 1u << 28); /* AVX stays */
}
END_TEST

/* This project's dev host (kvm_pvm): leaf 0xD lists AVX-512, leaf 1 no XSAVE. */
static const struct kvm_cpuid_entry2 pvm[] = {
	{ .function = 1, .eax = 0x000a0671, .ebx = 0x01020800, .ecx = 0x81202000,
	  .edx = 0x0f8bfbff },
	{ .function = 7, .index = 0, .flags = SIG, .eax = 2, .ebx = 0x01802852,
	  .ecx = 0x1a010104, .edx = 0x20010000 },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0xe7, .ebx = 0xa80, .ecx = 0xa80 },
	{ .function = 0xd, .index = 1, .flags = SIG },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 0x100, .ebx = 0x240 },
	{ .function = 0xd, .index = 5, .flags = SIG, .eax = 0x40, .ebx = 0x440 },
	{ .function = 0xd, .index = 6, .flags = SIG, .eax = 0x200, .ebx = 0x480 },
	{ .function = 0xd, .index = 7, .flags = SIG, .eax = 0x400, .ebx = 0x680 },
};

START_TEST(test_no_xsave)
{
	struct kvm_cpuid_entry2 e[G_N_ELEMENTS(pvm)];
	unsigned n = G_N_ELEMENTS(e);

	/* Without XSAVE in leaf 1 the guest cannot set CR4.OSXSAVE: XCR0 stays 1. */
	ck_assert_uint_eq(build(e, pvm, n, XSTATE_X87), XSTATE_X87);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->eax, 0xe7);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ecx, 0xa80);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ebx, 576);
	ck_assert_uint_eq(x86_xsave_size(e, n, 0xe7, false), 0xa80);
	ck_assert_uint_eq(x86_xsave_size(e, n, 0xe7, true), 576 + 256 + 64 + 512 + 1024);
}
END_TEST

/*
 * Sapphire Rapids without AMX permission on a KVM before 55cd57b596e8:
 * XTILECFG listed without XTILEDATA (XSETBV would #GP), AMX in leaf 7, and
 * a 64-byte-aligned component for the compacted form.
 */
static const struct kvm_cpuid_entry2 spr_old[] = {
	{ .function = 1, .ecx = LEAF1_XSAVE_AVX },
	{ .function = 7, .index = 0, .flags = SIG, .ebx = 1u << 16, .edx = 0x03400000 },
	{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0x202e7, .ebx = 0x240,
	  .ecx = 0xb00 },
	{ .function = 0xd, .index = 1, .flags = SIG, .eax = 0xf, .ecx = 0x1900 },
	{ .function = 0xd, .index = 2, .flags = SIG, .eax = 0x100, .ebx = 0x240 },
	{ .function = 0xd, .index = 5, .flags = SIG, .eax = 0x40, .ebx = 0x440 },
	{ .function = 0xd, .index = 6, .flags = SIG, .eax = 0x200, .ebx = 0x480 },
	{ .function = 0xd, .index = 7, .flags = SIG, .eax = 0x400, .ebx = 0x680 },
	{ .function = 0xd, .index = 8, .flags = SIG, .eax = 0x80, .ecx = 1 }, /* PT: supervisor */
	{ .function = 0xd, .index = 9, .flags = SIG, .eax = 0x8, .ebx = 0xa80 },
	{ .function = 0xd, .index = 17, .flags = SIG, .eax = 0x40, .ebx = 0xac0, .ecx = 2 },
};

START_TEST(test_tile_without_data)
{
	struct kvm_cpuid_entry2 e[G_N_ELEMENTS(spr_old)];
	unsigned n = G_N_ELEMENTS(e);
	uint64_t xcr0;

	xcr0 = build(e, spr_old, n, XSTATE_X87);
	ck_assert_uint_eq(xcr0, 0x2e7);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->eax, 0x2e7);
	ck_assert_uint_eq(get(e, n, 0xd, 17)->eax, 0); /* dropped with its bit */
	ck_assert_uint_eq(get(e, n, 0xd, 8)->eax, 0x80); /* supervisor: kept */
	ck_assert_uint_eq(get(e, n, 7, 0)->edx & 0x03400000, 0); /* no AMX */
	ck_assert_uint_eq(get(e, n, 7, 0)->ebx, 1u << 16); /* AVX-512 state is there */
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ecx, 2696);
	ck_assert_uint_eq(get(e, n, 0xd, 1)->ebx, 576); /* XSAVES: compacted, x87 */

	build(e, spr_old, n, xcr0);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ebx, 2696);
	ck_assert_uint_eq(get(e, n, 0xd, 1)->ebx, 576 + 256 + 64 + 512 + 1024 + 8);
	/* With the tile state: XTILECFG 64-byte aligned in the compacted form. */
	ck_assert_uint_eq(x86_xsave_size(spr_old, n, 0x202e7, true), 2440 + 56 + 64);
}
END_TEST

START_TEST(test_invalid_combinations)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1, .ecx = LEAF1_XSAVE_AVX },
		{ .function = 7, .index = 0, .flags = SIG, .ebx = 1u << 16 },
		/* AVX-512 without YMM, half of MPX */
		{ .function = 0xd, .index = 0, .flags = SIG, .eax = 0xeb },
		{ .function = 0xd, .index = 3, .flags = SIG, .eax = 0x40, .ebx = 0x3c0 },
		{ .function = 0xd, .index = 5, .flags = SIG, .eax = 0x40, .ebx = 0x440 },
		{ .function = 0xd, .index = 6, .flags = SIG, .eax = 0x200, .ebx = 0x480 },
		{ .function = 0xd, .index = 7, .flags = SIG, .eax = 0x400, .ebx = 0x680 },
	};
	unsigned n = G_N_ELEMENTS(e);

	x86_cpuid_build(e, n, &one, XSTATE_X87);
	ck_assert_uint_eq(x86_cpuid_xcr0_max(e, n), XSTATE_X87 | XSTATE_SSE);
	ck_assert_uint_eq(get(e, n, 0xd, 0)->ecx, 576);
	ck_assert_uint_eq(get(e, n, 1, 0)->ecx & (1u << 28), 0); /* no AVX without YMM */
	ck_assert_uint_eq(get(e, n, 7, 0)->ebx, 0);		 /* nor AVX-512F */
	ck_assert_uint_eq(get(e, n, 0xd, 7)->eax, 0);
}
END_TEST

START_TEST(test_topology)
{
	struct kvm_cpuid_entry2 e[] = {
		{ .function = 1, .ebx = 0xff00ffff },
		{ .function = 0xb, .index = 1, .flags = SIG },
	};
	struct x86_cpuid_topo t = { .index = 3, .ncpus = 4, .cores = 2, .threads = 2 };

	x86_cpuid_build(e, 2, &t, XSTATE_X87);
	ck_assert_uint_eq(e[0].ebx, 0x0304ffff);
	ck_assert_uint_eq(e[0].ecx, 1u << 31);
	ck_assert_uint_eq(e[0].edx, 1u << 28);
	ck_assert_uint_eq(e[1].ebx, 4);
	ck_assert_uint_eq(e[1].edx, 3);
	ck_assert_uint_eq(e[1].ecx, 0x201);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("x86-cpuid");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_tcg_max);
	tcase_add_test(tc, test_no_xsave);
	tcase_add_test(tc, test_tile_without_data);
	tcase_add_test(tc, test_invalid_combinations);
	tcase_add_test(tc, test_topology);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
