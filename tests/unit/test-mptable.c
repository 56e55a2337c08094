// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i386/acpi.h"
#include "hw/i386/mptable.h"

static uint8_t buf[MPTABLE_MAX];

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

START_TEST(test_layout)
{
	size_t len = mptable_build(buf, sizeof(buf), MPTABLE_BASE, 4);
	const uint8_t *t, *p, *end;
	unsigned cpus = 0, bsp = 0, buses = 0, ioapics = 0, ints = 0, lints = 0, n = 0;
	bool irq0_pin2 = false, cascade = false;

	ck_assert_uint_gt(len, 0);
	ck_assert_mem_eq(buf, "_MP_", 4);
	ck_assert_uint_eq(buf[8], 1);
	ck_assert_uint_eq(buf[9], 4);
	ck_assert_uint_eq(acpi_checksum(buf, 16), 0);
	ck_assert_uint_eq(rd32(buf + 4), MPTABLE_BASE + 16);
	t = buf + 16;
	ck_assert_mem_eq(t, "PCMP", 4);
	ck_assert_uint_eq(16 + rd16(t + 4), len);
	ck_assert_uint_eq(acpi_checksum(t, rd16(t + 4)), 0);
	ck_assert_uint_eq(rd32(t + 36), ACPI_LAPIC_ADDR);
	end = t + rd16(t + 4);
	for (p = t + 44; p < end; n++) {
		switch (p[0]) {
		case 0:
			ck_assert_uint_eq(p[1], cpus);
			ck_assert_uint_eq(p[3] & 1, 1);
			bsp += !!(p[3] & 2);
			cpus++;
			p += 20;
			continue;
		case 1:
			ck_assert_mem_eq(p + 2, "ISA   ", 6);
			buses++;
			break;
		case 2:
			ck_assert_uint_eq(rd32(p + 4), ACPI_IOAPIC_ADDR);
			ioapics++;
			break;
		case 3:
			ints++;
			if (p[5] == 0 && p[7] == 2)
				irq0_pin2 = true;
			if (p[5] == 2)
				cascade = true;
			break;
		case 4:
			ck_assert_uint_eq(p[6], 0xff);
			lints++;
			break;
		default:
			ck_abort_msg("unknown entry type %u", p[0]);
		}
		p += 8;
	}
	ck_assert(p == end);
	ck_assert_uint_eq(n, rd16(t + 34));
	ck_assert_uint_eq(cpus, 4);
	ck_assert_uint_eq(bsp, 1);
	ck_assert_uint_eq(buses, 1);
	ck_assert_uint_eq(ioapics, 1);
	ck_assert_uint_eq(ints, 15);
	ck_assert_uint_eq(lints, 2);
	ck_assert(irq0_pin2);
	ck_assert(!cascade);
	/* It fits between the ACPI tables and the end of the BIOS area. */
	ck_assert(MPTABLE_BASE >= ACPI_TABLES_BASE + ACPI_TABLES_MAX);
	ck_assert(MPTABLE_BASE + MPTABLE_MAX <= 0x100000);
}
END_TEST

START_TEST(test_limits)
{
	ck_assert_uint_eq(mptable_build(buf, sizeof(buf), MPTABLE_BASE, 0), 0);
	ck_assert_uint_eq(mptable_build(buf, sizeof(buf), MPTABLE_BASE, 256), 0);
	ck_assert_uint_eq(mptable_build(buf, 64, MPTABLE_BASE, 1), 0);
	ck_assert_uint_eq(mptable_build(buf, sizeof(buf), MPTABLE_BASE + 8, 1), 0);
	ck_assert_uint_gt(mptable_build(buf, sizeof(buf), MPTABLE_BASE, 255), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mptable");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
