/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_TESTS_GUESTS_PPC64_PAPR_H
#define KEEL_TESTS_GUESTS_PPC64_PAPR_H

/*
 * What the pseries test guests share: the hypercall, console output on
 * Keel's VTY (H_PUT_TERM_CHAR, 16 bytes per call) and RTAS calls through
 * H_RTAS with big-endian argument buffers. Fixed numbers, so the guests
 * need no device tree parsing to use them.
 */
#include <stdint.h>

#define H_PUT_TERM_CHAR 0x58
#define H_CONFER 0xe4
#define H_RTAS 0xf000
#define VTY 0x71000000u
#define RTAS_TOKEN_BASE 0x2000u
#define RTAS_POWER_OFF (RTAS_TOKEN_BASE + 3)
#define RTAS_SYSTEM_REBOOT (RTAS_TOKEN_BASE + 4)

static inline long hcall(unsigned long nr, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
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

static inline uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static inline void put(const char *s, unsigned long n)
{
	while (n) {
		unsigned long len = n > 16 ? 16 : n, w[2] = { 0, 0 };

		for (unsigned long i = 0; i < len; i++)
			w[i / 8] |= (unsigned long)(uint8_t)s[i] << (56 - 8 * (i % 8));
		hcall(H_PUT_TERM_CHAR, VTY, len, w[0], w[1]);
		s += len;
		n -= len;
	}
}

static inline void puts_(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	put(s, n);
}

static inline void puthex(uint64_t v)
{
	char b[18] = "0x";

	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	put(b, 18);
}

/* An RTAS call with up to two arguments and one return word, in buf (16-byte aligned). */
static inline void rtas(uint32_t *buf, uint32_t token, uint32_t nargs, uint32_t a0,
			uint32_t a1)
{
	buf[0] = be32(token);
	buf[1] = be32(nargs);
	buf[2] = be32(1);
	buf[3] = be32(a0);
	buf[4] = be32(a1);
	hcall(H_RTAS, (unsigned long)buf, 0, 0, 0);
}

#endif
