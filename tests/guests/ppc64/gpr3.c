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
#include "papr.h"

#define FDT_MAGIC 0xd00dfeedu
#define BOOTS 20

struct counter {
	uint32_t magic;
	uint32_t boots;
};
#define COUNTER ((volatile struct counter *)0x8000)
#define COUNTER_MAGIC 0x6b65656cu

static uint32_t rtas_args[16] __attribute__((aligned(16)));

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
		rtas(rtas_args, RTAS_POWER_OFF, 2, ~0u, ~0u);
		return;
	}
	COUNTER->boots = boots + 1;
	if (boots + 1 >= BOOTS) {
		puts_("GPR3 DONE\n");
		rtas(rtas_args, RTAS_POWER_OFF, 2, ~0u, ~0u);
		return;
	}
	rtas(rtas_args, RTAS_SYSTEM_REBOOT, 0, 0, 0);
}
