// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i386/fw_cfg.h"
#include "system/memory.h"

static void select_key(uint16_t key)
{
	io_dispatch(IO_SPACE_PIO, FW_CFG_IO_BASE, &key, 2, true);
}

static uint8_t rd8(void)
{
	uint8_t v = 0;

	io_dispatch(IO_SPACE_PIO, FW_CFG_IO_BASE + 1, &v, 1, false);
	return v;
}

static void read_bytes(uint16_t key, void *out, size_t len)
{
	uint8_t *p = out;

	select_key(key);
	for (size_t i = 0; i < len; i++)
		p[i] = rd8();
}

static void setup(void)
{
	static bool done; /* tests share the process when CK_FORK=no */

	if (!done)
		ck_assert_int_eq(fw_cfg_init(NULL), 0);
	done = true;
}

START_TEST(test_signature_id)
{
	char sig[5] = { 0 };
	uint8_t id[4];

	read_bytes(FW_CFG_SIGNATURE, sig, 4);
	ck_assert_str_eq(sig, "QEMU");
	read_bytes(FW_CFG_ID, id, 4);
	ck_assert_uint_eq(id[0], 1);
	ck_assert_uint_eq(id[1] | id[2] | id[3], 0);
	/* Past the end and unknown items read as zero. */
	ck_assert_uint_eq(rd8(), 0);
	read_bytes(0x1234, id, 1);
	ck_assert_uint_eq(id[0], 0);
}
END_TEST

START_TEST(test_integers_le)
{
	uint8_t b[8];

	fw_cfg_add_i16(FW_CFG_NB_CPUS, 0x0104);
	fw_cfg_add_i64(FW_CFG_RAM_SIZE, 0x1122334455667788ULL);
	read_bytes(FW_CFG_NB_CPUS, b, 2);
	ck_assert_uint_eq(b[0], 0x04);
	ck_assert_uint_eq(b[1], 0x01);
	read_bytes(FW_CFG_RAM_SIZE, b, 8);
	ck_assert_uint_eq(b[0], 0x88);
	ck_assert_uint_eq(b[7], 0x11);
	/* Re-selecting restarts at offset 0, and replacing an item works. */
	fw_cfg_add_i16(FW_CFG_NB_CPUS, 7);
	read_bytes(FW_CFG_NB_CPUS, b, 1);
	ck_assert_uint_eq(b[0], 7);
}
END_TEST

START_TEST(test_cmdline)
{
	const char *cmd = "console=ttyS0 quiet";
	char got[64] = { 0 };
	uint8_t sz[4];

	fw_cfg_add_i32(FW_CFG_CMDLINE_SIZE, strlen(cmd) + 1);
	fw_cfg_add_bytes(FW_CFG_CMDLINE_DATA, cmd, strlen(cmd) + 1);
	read_bytes(FW_CFG_CMDLINE_SIZE, sz, 4);
	ck_assert_uint_eq(sz[0], strlen(cmd) + 1);
	read_bytes(FW_CFG_CMDLINE_DATA, got, strlen(cmd) + 1);
	ck_assert_str_eq(got, cmd);
}
END_TEST

START_TEST(test_wide_read_and_byte_select)
{
	uint32_t v = 0;
	uint8_t key = FW_CFG_SIGNATURE;

	io_dispatch(IO_SPACE_PIO, FW_CFG_IO_BASE, &key, 1, true);
	io_dispatch(IO_SPACE_PIO, FW_CFG_IO_BASE + 1, &v, 4, false);
	ck_assert_mem_eq(&v, "QEMU", 4);
}
END_TEST

START_TEST(test_file_dir)
{
	uint8_t dir[4 + 64 * 2];
	const char data[] = "hello";
	char got[6] = { 0 };
	int k1 = fw_cfg_add_file("etc/one", data, 5);
	int k2 = fw_cfg_add_file("opt/two", data, 3);

	ck_assert_int_eq(k1, FW_CFG_FILE_FIRST);
	ck_assert_int_eq(k2, FW_CFG_FILE_FIRST + 1);
	read_bytes(FW_CFG_FILE_DIR, dir, sizeof(dir));
	ck_assert_uint_eq(dir[3], 2);	/* big-endian count */
	ck_assert_uint_eq(dir[4 + 3], 5);	/* size */
	ck_assert_uint_eq(dir[4 + 4] << 8 | dir[4 + 5], k1);
	ck_assert_str_eq((char *)dir + 4 + 8, "etc/one");
	ck_assert_uint_eq(dir[68 + 3], 3);
	ck_assert_str_eq((char *)dir + 68 + 8, "opt/two");
	read_bytes(k1, got, 5);
	ck_assert_str_eq(got, "hello");
	/* Names that do not fit are refused. */
	ck_assert_int_eq(fw_cfg_add_file("a/very/long/name/that/does/not/fit/in/the/fifty-six/bytes/of/a/directory/entry",
					 data, 1), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fw_cfg");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_signature_id);
	tcase_add_test(tc, test_integers_le);
	tcase_add_test(tc, test_cmdline);
	tcase_add_test(tc, test_wide_read_and_byte_select);
	tcase_add_test(tc, test_file_dir);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
