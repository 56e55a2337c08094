// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Userspace cede test guest for pseries, run with KEEL_TEST_USERSPACE_CONFER=1
 * (KVM passes H_CONFER up; conferring to itself is a cede in Keel). It arms
 * the decrementer for DEC_TICKS, confers to itself and checks that the call
 * came back with H_SUCCESS only after the decrementer fired: Keel completed
 * the hypercall, waited outside KVM_RUN until the decrementer's expiry and
 * let the kernel deliver the interrupt (MSR[EE] is on after a cede). The
 * decrementer handler at 0x900 re-arms DEC far away and returns.
 */
#include "papr.h"

#define DEC_TICKS (512000000u / 10) /* 100 ms of the 512 MHz timebase */
#define DEC_REARM 0x7fff0000u
#define DEC_VECTOR 0x900

/* mtsprg1 r3; lis r3,0x7fff; mtdec r3; mfsprg1 r3; rfid */
static const uint32_t dec_handler[] = { 0x7c7143a6, 0x3c607fff, 0x7c7603a6, 0x7c7142a6,
					0x4c000024 };
static uint32_t rtas_args[8] __attribute__((aligned(16)));

static uint64_t mftb(void)
{
	uint64_t v;

	__asm__ volatile("mftb %0" : "=r"(v));
	return v;
}

static int64_t mfdec(void)
{
	int64_t v;

	__asm__ volatile("mfdec %0" : "=r"(v));
	return v;
}

static void mtdec(uint64_t v)
{
	__asm__ volatile("mtdec %0" : : "r"(v));
}

/* Real mode, caches on: the new vector must reach the instruction cache. */
static void install_dec_handler(void)
{
	uintptr_t addr = DEC_VECTOR;
	volatile uint32_t *vec;

	/* Hide the constant address from GCC's array-bounds check (page 0). */
	__asm__("" : "+r"(addr));
	vec = (volatile uint32_t *)addr;
	for (unsigned i = 0; i < sizeof(dec_handler) / 4; i++)
		vec[i] = dec_handler[i];
	__asm__ volatile("dcbst 0,%0; sync; icbi 0,%0; isync" : : "r"(DEC_VECTOR) : "memory");
}

/* The entry registers (r3 = device tree ...) are not needed here. */
void cmain(void)
{
	uint64_t tb0, waited;
	int64_t dec;
	long ret;
	int ok;

	install_dec_handler();
	puts_("CEDE confer to self, decrementer in 100 ms\n");
	mtdec(DEC_TICKS);
	tb0 = mftb();
	ret = hcall(H_CONFER, 0, 0, 0, 0);
	waited = mftb() - tb0;
	dec = mfdec();
	/*
	 * Not before the decrementer (less the few ticks between mtdec and
	 * mftb), and its interrupt was taken: DEC was re-armed, not negative
	 * (32-bit compare: the DEC may be 32 bits wide).
	 */
	ok = ret == 0 && waited >= DEC_TICKS - DEC_TICKS / 10 && (int32_t)dec > (int32_t)DEC_TICKS;
	puts_("CEDE r3=");
	puthex(ret);
	puts_(" waited=");
	puthex(waited);
	puts_(" dec=");
	puthex(dec);
	puts_(ok ? " OK\n" : " BAD\n");
	rtas(rtas_args, RTAS_POWER_OFF, 2, 0, 0);
}
