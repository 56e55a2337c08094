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
#include <stdint.h>

#define H_PUT_TERM_CHAR 0x58
#define H_CONFER 0xe4
#define H_RTAS 0xf000
#define VTY 0x71000000u
#define RTAS_POWER_OFF (0x2000u + 3)
#define DEC_TICKS (512000000u / 10) /* 100 ms of the 512 MHz timebase */
#define DEC_REARM 0x7fff0000u
#define DEC_VECTOR 0x900

/* mtsprg1 r3; lis r3,0x7fff; mtdec r3; mfsprg1 r3; rfid */
static const uint32_t dec_handler[] = { 0x7c7143a6, 0x3c607fff, 0x7c7603a6, 0x7c7142a6,
					0x4c000024 };
static uint32_t rtas_args[8] __attribute__((aligned(16)));

static long hcall(unsigned long nr, unsigned long a0, unsigned long a1, unsigned long a2,
		  unsigned long a3)
{
	register unsigned long r3 __asm__("r3") = nr;
	register unsigned long r4 __asm__("r4") = a0;
	register unsigned long r5 __asm__("r5") = a1;
	register unsigned long r6 __asm__("r6") = a2;
	register unsigned long r7 __asm__("r7") = a3;

	__asm__ volatile("sc 1"
			 : "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6), "+r"(r7)
			 :
			 : "r0", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "cr1",
			   "cr5", "cr6", "cr7", "memory");
	return r3;
}

static void put(const char *s)
{
	while (*s) {
		unsigned long w[2] = { 0, 0 }, len = 0;

		while (len < 16 && s[len]) {
			w[len / 8] |= (unsigned long)(uint8_t)s[len] << (56 - 8 * (len % 8));
			len++;
		}
		hcall(H_PUT_TERM_CHAR, VTY, len, w[0], w[1]);
		s += len;
	}
}

static void puthex(uint64_t v)
{
	char b[19] = "0x";

	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	b[18] = 0;
	put(b);
}

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
	put("CEDE confer to self, decrementer in 100 ms\n");
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
	put("CEDE r3=");
	puthex(ret);
	put(" waited=");
	puthex(waited);
	put(" dec=");
	puthex(dec);
	put(ok ? " OK\n" : " BAD\n");
	rtas_args[0] = __builtin_bswap32(RTAS_POWER_OFF);
	rtas_args[1] = __builtin_bswap32(2);
	rtas_args[2] = __builtin_bswap32(1);
	hcall(H_RTAS, (unsigned long)rtas_args, 0, 0, 0);
}
