// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdlib.h>

#include "hw/i386/e820.h"

START_TEST(test_sorted)
{
	struct e820_entry e[8];

	e820_reset_table();
	e820_add(X86_ABOVE_4G_START, 1 << 20, E820_RAM);
	e820_add(X86_HIMEM_START, 0x100000, E820_RAM);
	e820_add(0, X86_LOWMEM_END, E820_RAM);
	e820_add(X86_LOWMEM_END, X86_HIMEM_START - X86_LOWMEM_END, E820_RESERVED);
	ck_assert_uint_eq(e820_get(e, 8), 4);
	ck_assert_uint_eq(e[0].addr, 0);
	ck_assert_uint_eq(e[0].size, X86_LOWMEM_END);
	ck_assert_uint_eq(e[1].addr, X86_LOWMEM_END);
	ck_assert_uint_eq(e[1].type, E820_RESERVED);
	ck_assert_uint_eq(e[2].addr, X86_HIMEM_START);
	ck_assert_uint_eq(e[3].addr, X86_ABOVE_4G_START);
	for (int i = 0; i < 3; i++)
		ck_assert(e[i].addr + e[i].size <= e[i + 1].addr);
}
END_TEST

START_TEST(test_truncate_and_reset)
{
	struct e820_entry e[2] = { 0 };

	e820_reset_table();
	e820_add(0x3000, 0x1000, E820_RAM);
	e820_add(0x1000, 0x1000, E820_ACPI);
	e820_add(0x2000, 0, E820_RAM); /* empty entries are dropped */
	e820_add(0x2000, 0x1000, E820_NVS);
	ck_assert_uint_eq(e820_get(e, 1), 3);
	ck_assert_uint_eq(e[0].addr, 0x1000);
	ck_assert_uint_eq(e[0].type, E820_ACPI);
	ck_assert_uint_eq(e[1].addr, 0); /* untouched beyond max */
	e820_reset_table();
	ck_assert_uint_eq(e820_get(e, 2), 0);
	ck_assert_uint_eq(sizeof(struct e820_entry), 20);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("e820");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_sorted);
	tcase_add_test(tc, test_truncate_and_reset);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
