// SPDX-License-Identifier: GPL-2.0-or-later
/* The small PC devices: i8042, 0xCF9, isa-debug-exit, pc-testdev. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/i386/pc.h"
#include "system/bql.h"
#include "system/memory.h"
#include "system/opts.h"
#include "system/runstate.h"

static uint64_t in(uint64_t port, unsigned size)
{
	uint64_t v = 0;

	io_dispatch(IO_SPACE_PIO, port, &v, size, false);
	return v;
}

static void out(uint64_t port, uint64_t v, unsigned size)
{
	io_dispatch(IO_SPACE_PIO, port, &v, size, true);
}

static int create(const char *spec, GError **err)
{
	struct kopts *o = kopts_parse(spec, "driver", err);
	int ret;

	ck_assert_ptr_nonnull(o);
	ret = device_create(o, err);
	kopts_free(o);
	return ret;
}

/* Whether a request is pending; a reset request runs the reset handlers. */
static bool pending_exit(int *status)
{
	bool ret;

	bql_lock();
	ret = main_loop_handle_requests(status);
	bql_unlock();
	return ret;
}

START_TEST(test_i8042)
{
	struct reset_stats st;
	int status;

	ck_assert_int_eq(i8042_init(NULL), 0);
	ck_assert_uint_eq(in(0x64, 1) & 0x03, 0); /* nothing to read, input empty */
	out(0x64, 0xaa, 1);
	ck_assert_uint_eq(in(0x64, 1) & 0x01, 1);
	ck_assert_uint_eq(in(0x60, 1), 0x55);
	out(0x64, 0x60, 1);
	out(0x60, 0x47, 1);
	out(0x64, 0x20, 1);
	ck_assert_uint_eq(in(0x60, 1), 0x47);
	out(0x60, 0xff, 1); /* keyboard reset: ACK, self-test passed */
	ck_assert_uint_eq(in(0x60, 1), 0xfa);
	ck_assert_uint_eq(in(0x60, 1), 0xaa);

	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 0);
	ck_assert(!pending_exit(&status));
	out(0x64, 0xfe, 1);
	ck_assert(!pending_exit(&status));
	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 1);
	/* The reset handler emptied the output buffer. */
	ck_assert_uint_eq(in(0x64, 1) & 0x01, 0);
	/* Output port write with bit 0 clear also resets. */
	out(0x64, 0xd1, 1);
	out(0x60, 0x02, 1);
	ck_assert(!pending_exit(&status));
	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 2);
}
END_TEST

START_TEST(test_cf9)
{
	struct reset_stats st;
	int status;

	ck_assert_int_eq(cf9_init(NULL), 0);
	out(0xcf9, 0x02, 1);
	ck_assert_uint_eq(in(0xcf9, 1), 0x02);
	ck_assert(!pending_exit(&status));
	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 0);
	out(0xcf9, 0x06, 1);
	ck_assert(!pending_exit(&status));
	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 1);
	ck_assert_uint_eq(in(0xcf9, 1), 0);
	out(0xcf9, 0x0e, 1);
	ck_assert(!pending_exit(&status));
	reset_stats_peek(&st);
	ck_assert_uint_eq(st.resets, 2);
}
END_TEST

START_TEST(test_cf9_no_reboot)
{
	int status = -1;

	opt_no_reboot = true;
	ck_assert_int_eq(cf9_init(NULL), 0);
	out(0xcf9, 0x06, 1);
	ck_assert(pending_exit(&status));
	ck_assert_int_eq(status, 0);
}
END_TEST

START_TEST(test_debug_exit)
{
	GError *err = NULL;
	int status = -1;

	ck_assert_int_eq(create("isa-debug-exit,iobase=0xf4,iosize=0x4", &err), 0);
	out(0xf4, 0x10, 4);
	ck_assert(pending_exit(&status));
	ck_assert_int_eq(status, 0x21);
	ck_assert_int_eq(create("isa-debug-exit", &err), 0);
	out(0x502, 0, 1);
	ck_assert(pending_exit(&status));
	ck_assert_int_eq(status, 1);
}
END_TEST

START_TEST(test_debug_exit_errors)
{
	GError *err = NULL;

	ck_assert_int_lt(create("isa-debug-exit,iobase=0xfffff", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-debug-exit,iosize=0", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-debug-exit,iobase=zz", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "iobase"));
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-debug-exit,size=4", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "size"));
	g_clear_error(&err);
	ck_assert_int_eq(create("isa-debug-exit", &err), 0);
	ck_assert_int_lt(create("isa-debug-exit,iobase=0x502", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "in use"));
	g_clear_error(&err);
}
END_TEST

START_TEST(test_pc_testdev)
{
	GError *err = NULL;
	uint64_t v = 0;

	ck_assert_int_eq(create("pc-testdev", &err), 0);
	out(0xe0, 0x12345678, 4);
	ck_assert_uint_eq(in(0xe0, 4), 0x12345678);
	ck_assert_uint_eq(in(0xe2, 2), 0x1234);
	out(0xe1, 0xab, 1);
	ck_assert_uint_eq(in(0xe0, 4), 0x1234ab78);
	/* 0xe8 is the same register byte by byte. */
	ck_assert_uint_eq(in(0xe8, 1), 0x78);
	ck_assert_uint_eq(in(0xeb, 1), 0x12);
	out(0xe8, 0xdeadbeef, 4);
	ck_assert_uint_eq(in(0xe0, 4), 0xdeadbeef);
	out(0x2000 + 10, 1, 1); /* no VM: only must not crash */
	out(0xe4, 0x1000, 4);
	v = 0x1122334455667788ULL;
	io_dispatch(IO_SPACE_MMIO, 0xff000000 + 0x100, &v, 8, true);
	v = 0;
	io_dispatch(IO_SPACE_MMIO, 0xff000000 + 0x104, &v, 4, false);
	ck_assert_uint_eq(v, 0x11223344);
	v = 0;
	io_dispatch(IO_SPACE_MMIO, 0xff00ffff, &v, 1, false);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_lt(create("pc-testdev", &err), 0);
	g_clear_error(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcdev");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_i8042);
	tcase_add_test(tc, test_cf9);
	tcase_add_test(tc, test_cf9_no_reboot);
	tcase_add_test(tc, test_debug_exit);
	tcase_add_test(tc, test_debug_exit_errors);
	tcase_add_test(tc, test_pc_testdev);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* Devices register fixed ports: one process per test. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
