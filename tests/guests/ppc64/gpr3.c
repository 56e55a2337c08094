// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GPR3 guarantee test guest for pseries. On every entry it checks that r3
 * points to a valid device tree whose /chosen/keel,reset-count equals the
 * number of boots so far (a fresh tree, not a stale one) and that r4 and r5
 * are 0, prints one line, then reboots through RTAS system-reboot (from
 * inside the H_RTAS hypercall, where the reset bug lives). After BOOTS boots
 * it powers off; on a bad entry it prints BAD and powers off at once.
 *
 * The boot counter lives at 0x8000, below the loaded image, so resets (which
 * rewrite the image) keep it.
 */
#include <stdint.h>

#define H_PUT_TERM_CHAR 0x58
#define H_RTAS 0xf000
#define VTY 0x71000000u
#define RTAS_TOKEN_BASE 0x2000u
#define RTAS_POWER_OFF (RTAS_TOKEN_BASE + 3)
#define RTAS_SYSTEM_REBOOT (RTAS_TOKEN_BASE + 4)
#define FDT_MAGIC 0xd00dfeedu
#define BOOTS 20

struct counter {
	uint32_t magic;
	uint32_t boots;
};
#define COUNTER ((volatile struct counter *)0x8000)
#define COUNTER_MAGIC 0x6b65656cu

static uint32_t rtas_args[16] __attribute__((aligned(16)));

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

static uint32_t be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

static void put(const char *s, unsigned long n)
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

static void puts_(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	put(s, n);
}

static void puthex(uint64_t v)
{
	char b[18] = "0x";

	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	put(b, 18);
}

static void putdec(uint32_t v)
{
	char b[10];
	int n = 0;

	do {
		b[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		put(&b[--n], 1);
}

static void rtas(uint32_t token, uint32_t nargs, uint32_t a0, uint32_t a1)
{
	rtas_args[0] = be32(token);
	rtas_args[1] = be32(nargs);
	rtas_args[2] = be32(1);
	rtas_args[3] = be32(a0);
	rtas_args[4] = be32(a1);
	hcall(H_RTAS, (unsigned long)rtas_args, 0, 0, 0);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Value of the first property named name (a u32), or -1. Bounded by totalsize. */
static int64_t fdt_find_u32(const uint8_t *fdt, const char *name)
{
	const uint32_t *h = (const uint32_t *)fdt;
	uint32_t total = be32(h[1]), off_struct = be32(h[2]), off_strings = be32(h[3]);
	uint32_t size_struct = be32(h[9]);
	const uint32_t *p = (const uint32_t *)(fdt + off_struct);
	const uint32_t *end = (const uint32_t *)(fdt + off_struct + size_struct);

	if (total > (1u << 20) || off_struct + size_struct > total)
		return -1;
	while (p < end) {
		uint32_t tag = be32(*p++);

		if (tag == 1) { /* BEGIN_NODE: skip the name */
			const char *s = (const char *)p;
			uint32_t n = 0;

			while (s[n])
				n++;
			p += (n + 4) / 4;
		} else if (tag == 3) { /* PROP */
			uint32_t len = be32(p[0]), nameoff = be32(p[1]);

			if (streq((const char *)fdt + off_strings + nameoff, name) && len == 4)
				return be32(p[2]);
			p += 2 + (len + 3) / 4;
		} else if (tag == 9) { /* END */
			break;
		} else if (tag != 2 && tag != 4) {
			return -1;
		}
	}
	return -1;
}

void cmain(uint64_t r3, uint64_t r4, uint64_t r5)
{
	uint32_t boots;
	int64_t count = -1;
	int ok;

	if (COUNTER->magic != COUNTER_MAGIC) {
		COUNTER->magic = COUNTER_MAGIC;
		COUNTER->boots = 0;
	}
	boots = COUNTER->boots;
	ok = r3 && r3 < (1ULL << 32) && !(r3 & 7) && be32(*(const uint32_t *)r3) == FDT_MAGIC;
	if (ok)
		count = fdt_find_u32((const uint8_t *)r3, "keel,reset-count");
	ok = ok && count == boots && r4 == 0 && r5 == 0;
	puts_("GPR3 boot ");
	putdec(boots);
	puts_(" r3=");
	puthex(r3);
	puts_(" r4=");
	puthex(r4);
	puts_(" r5=");
	puthex(r5);
	puts_(" reset-count=");
	putdec((uint32_t)count);
	puts_(ok ? " OK\n" : " BAD\n");
	if (!ok) {
		rtas(RTAS_POWER_OFF, 2, ~0u, ~0u);
		return;
	}
	COUNTER->boots = boots + 1;
	if (boots + 1 >= BOOTS) {
		puts_("GPR3 DONE\n");
		rtas(RTAS_POWER_OFF, 2, ~0u, ~0u);
		return;
	}
	rtas(RTAS_SYSTEM_REBOOT, 0, 0, 0);
}
