// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chardev/char.h"
#include "hw/char/serial.h"
#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "system/memory.h"
#include "system/opts.h"

#define COM1 0x3f8
enum { RBR, IER, IIR, LCR, MCR, LSR, MSR, SCR };
#define FCR IIR
#define THR RBR

static uint16_t port = COM1;

static uint8_t in(unsigned reg)
{
	uint8_t v = 0;

	io_dispatch(IO_SPACE_PIO, port + reg, &v, 1, false);
	return v;
}

static void out(unsigned reg, uint8_t v)
{
	io_dispatch(IO_SPACE_PIO, port + reg, &v, 1, true);
}

static struct serial_state *make(void)
{
	struct serial_state *s = serial_create(NULL, 0, 0, 0, NULL);

	ck_assert_ptr_nonnull(s);
	port = COM1;
	return s;
}

START_TEST(test_reset_values)
{
	make();
	ck_assert_uint_eq(in(LSR), 0x60);
	ck_assert_uint_eq(in(IIR), 0x01);
	ck_assert_uint_eq(in(MSR), 0xb0);
	ck_assert_uint_eq(in(IER), 0);
	out(SCR, 0x5a);
	ck_assert_uint_eq(in(SCR), 0x5a);
	out(IER, 0xff);
	ck_assert_uint_eq(in(IER), 0x0f);
}
END_TEST

START_TEST(test_divisor)
{
	struct serial_state *s = make();

	out(LCR, 0x83);
	out(RBR, 0x01);
	out(IER, 0x02);
	ck_assert_uint_eq(in(RBR), 0x01);
	ck_assert_uint_eq(in(IER), 0x02);
	out(LCR, 0x03);
	ck_assert_uint_eq(serial_divisor(s), 0x0201);
	ck_assert_uint_eq(in(IER), 0); /* IER untouched by the latch */
	ck_assert_uint_eq(in(LCR), 0x03);
}
END_TEST

START_TEST(test_thre_interrupt)
{
	struct serial_state *s = make();

	ck_assert(!serial_irq_level(s));
	/* Enabling THRI with an empty THR raises it at once (Linux tests this). */
	out(IER, 0x02);
	ck_assert(serial_irq_level(s));
	ck_assert_uint_eq(in(IIR), 0x02);
	/* Reading IIR acknowledged it. */
	ck_assert(!serial_irq_level(s));
	ck_assert_uint_eq(in(IIR), 0x01);
	out(THR, 'a');
	ck_assert(serial_irq_level(s));
	ck_assert_uint_eq(in(LSR) & 0x60, 0x60);
	out(IER, 0);
	ck_assert(!serial_irq_level(s));
	out(IER, 0x02);
	ck_assert_uint_eq(in(IIR), 0x02);
}
END_TEST

START_TEST(test_rx_fifo)
{
	struct serial_state *s = make();
	uint8_t data[20];

	for (int i = 0; i < 20; i++)
		data[i] = 'A' + i;
	/* Without the FIFO the receiver holds one byte. */
	ck_assert_uint_eq(serial_receive(s, data, 2), 1);
	ck_assert_uint_eq(in(LSR) & 0x03, 0x03); /* DR and OE */
	ck_assert_uint_eq(in(LSR) & 0x02, 0);	 /* OE clears on read */
	ck_assert_uint_eq(in(RBR), 'A');
	ck_assert_uint_eq(in(LSR) & 0x01, 0);

	out(FCR, 0xc7); /* enable, clear, trigger 14 */
	ck_assert_uint_eq(in(IIR), 0xc1);
	out(IER, 0x01);
	ck_assert_uint_eq(serial_receive(s, data, 3), 3);
	ck_assert(serial_irq_level(s));
	ck_assert_uint_eq(in(IIR), 0xcc); /* below the trigger: timeout */
	for (int i = 0; i < 3; i++)
		ck_assert_uint_eq(in(RBR), 'A' + i);
	ck_assert(!serial_irq_level(s));
	ck_assert_uint_eq(serial_receive(s, data, 20), 16);
	ck_assert_uint_eq(in(IIR), 0xc4);
	out(IER, 0x05);
	ck_assert_uint_eq(in(IIR), 0xc6); /* the overrun outranks data */
	ck_assert_uint_ne(in(LSR) & 0x02, 0);
	ck_assert_uint_eq(in(IIR), 0xc4);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(in(RBR), 'A' + i);
	ck_assert_uint_eq(in(LSR) & 0x01, 0);
	ck_assert(!serial_irq_level(s));
	/* Clearing the receive FIFO drops its contents. */
	serial_receive(s, data, 4);
	out(FCR, 0x03);
	ck_assert_uint_eq(in(LSR) & 0x01, 0);
}
END_TEST

START_TEST(test_loopback_and_msr)
{
	struct serial_state *s = make();

	/* Linux's probe: OUT2|RTS in loopback must read back as DCD|CTS. */
	out(MCR, 0x1a);
	ck_assert_uint_eq(in(MSR) & 0xf0, 0x90);
	out(MCR, 0x1f);
	ck_assert_uint_eq(in(MSR) & 0xf0, 0xf0);
	out(THR, 'z');
	ck_assert_uint_eq(in(LSR) & 0x01, 1);
	ck_assert_uint_eq(in(RBR), 'z');
	/* Modem status interrupt on a delta. */
	out(IER, 0x08);
	out(MCR, 0x10);
	ck_assert(serial_irq_level(s));
	ck_assert_uint_eq(in(IIR), 0x00);
	ck_assert_uint_eq(in(MSR) & 0x0f, 0x0f);
	ck_assert(!serial_irq_level(s));
	out(IER, 0);
	out(MCR, 0x0b);
	in(MSR);
	ck_assert_uint_eq(in(MSR), 0xb0);
}
END_TEST

START_TEST(test_reset_handler)
{
	struct serial_state *s = make();
	uint8_t c = 'x';

	out(IER, 0x03);
	out(LCR, 0x1b);
	out(FCR, 0x01);
	serial_receive(s, &c, 1);
	ck_assert(serial_irq_level(s));
	reset_run_all();
	ck_assert(!serial_irq_level(s));
	ck_assert_uint_eq(in(IER), 0);
	ck_assert_uint_eq(in(LCR), 0);
	ck_assert_uint_eq(in(IIR), 0x01);
	ck_assert_uint_eq(in(LSR), 0x60);
}
END_TEST

static int create(const char *spec, GError **err)
{
	struct kopts *o = kopts_parse(spec, "driver", err);
	int ret;

	ck_assert_ptr_nonnull(o);
	ret = device_create(o, err);
	kopts_free(o);
	return ret;
}

START_TEST(test_device_props)
{
	GError *err = NULL;

	ck_assert_int_eq(create("isa-serial,index=1", &err), 0);
	port = 0x2f8;
	ck_assert_uint_eq(in(LSR), 0x60);
	ck_assert_int_eq(create("isa-serial,iobase=0x3e8,irq=5", &err), 0);
	port = 0x3e8;
	ck_assert_uint_eq(in(LSR), 0x60);

	ck_assert_int_lt(create("isa-serial,bogus=1", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "bogus"));
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-serial,chardev=nosuch", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "nosuch"));
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-serial,index=1", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-serial,index=9", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(create("isa-serial,irq=40", &err), 0);
	g_clear_error(&err);
	/* The port range is taken by index 1. */
	ck_assert_int_lt(create("isa-serial,iobase=0x2f8", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "in use"));
	g_clear_error(&err);
}
END_TEST

START_TEST(test_tx_to_chardev)
{
	char path[] = "/tmp/keel-test-serial-XXXXXX";
	int fd = mkstemp(path);
	g_autofree char *spec = g_strdup_printf("file:%s", path);
	g_autofree char *got = NULL;
	GError *err = NULL;
	struct chardev *chr;
	gsize len = 0;

	ck_assert_int_ge(fd, 0);
	close(fd);
	chr = chardev_from_spec(spec, "serial0", &err);
	ck_assert_msg(chr, "%s", err ? err->message : "");
	ck_assert_ptr_nonnull(serial_create(chr, 0, 0, 0, &err));
	port = COM1;
	for (const char *p = "hello\n"; *p; p++) {
		while (!(in(LSR) & 0x20))
			;
		out(THR, *p);
	}
	chardev_cleanup_all();
	ck_assert(g_file_get_contents(path, &got, &len, NULL));
	unlink(path);
	ck_assert_uint_eq(len, 6);
	ck_assert_mem_eq(got, "hello\n", 6);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("serial");
	TCase *tc = tcase_create("regs");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_reset_values);
	tcase_add_test(tc, test_divisor);
	tcase_add_test(tc, test_thre_interrupt);
	tcase_add_test(tc, test_rx_fifo);
	tcase_add_test(tc, test_loopback_and_msr);
	tcase_add_test(tc, test_reset_handler);
	tcase_add_test(tc, test_device_props);
	tcase_add_test(tc, test_tx_to_chardev);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* Each test builds its own ports: keep them in separate processes. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
