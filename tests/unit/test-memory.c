// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest memory without KVM: device-backed regions (a KVM device's mmap,
 * e.g. the XIVE ESB pages) are mapped for the guest, but Keel's own
 * accessors must never reach them, since a load there has side effects.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "system/memory.h"

#define RAM_GPA 0x0ULL
#define DEV_GPA 0x100000000ULL

START_TEST(test_device_region_not_accessed)
{
	static uint8_t dev[0x2000];
	struct ram_region *ram = ram_region_new("test.ram", 0x10000);
	struct ram_region *d = ram_region_new_device("test.dev", dev, sizeof(dev));
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	ck_assert_ptr_nonnull(ram);
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_eq(ram_region_host(d), dev);
	ck_assert_uint_eq(ram_region_size(d), sizeof(dev));
	memset(dev, 0xaa, sizeof(dev));
	memory_begin();
	memory_map_ram(ram, RAM_GPA);
	memory_map_ram(d, DEV_GPA);
	ck_assert_int_eq(memory_commit(), 0);

	/* RAM is reachable, the device's pages are not, and stay untouched. */
	ck_assert_ptr_nonnull(gpa_to_hva(RAM_GPA + 8, 8));
	ck_assert(guest_write(RAM_GPA + 8, buf, sizeof(buf)));
	ck_assert_ptr_null(gpa_to_hva(DEV_GPA, 8));
	ck_assert_ptr_null(gpa_to_hva(DEV_GPA + 0x1000, 1));
	ck_assert(!guest_write(DEV_GPA, buf, sizeof(buf)));
	ck_assert(!guest_read(DEV_GPA + 0x10, buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(dev); i++)
		ck_assert_uint_eq(dev[i], 0xaa);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("memory");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_device_region_not_accessed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
