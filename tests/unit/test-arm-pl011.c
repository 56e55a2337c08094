// SPDX-License-Identifier: GPL-2.0-or-later
/* PL011 registers, receive FIFO and interrupt line, driven as the guest does. */
#include <check.h>
#include <stdlib.h>

#include "hw/char/pl011.h"
#include "system/memory.h"

#define BASE 0x09000000ULL
#define DR 0x000
#define FR 0x018
#define LCR_H 0x02c
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044

static struct pl011_state *uart;

static uint32_t rd(uint64_t off)
{
	uint32_t v = 0;

	ck_assert(io_dispatch(IO_SPACE_MMIO, BASE + off, &v, 4, false));
	return v;
}

static void wr(uint64_t off, uint32_t v)
{
	ck_assert(io_dispatch(IO_SPACE_MMIO, BASE + off, &v, 4, true));
}

static void setup(void)
{
	GError *err = NULL;

	if (!uart)
		uart = pl011_create(NULL, BASE, 33, &err);
	ck_assert_ptr_nonnull(uart);
	/* Drain and quiesce between tests. */
	wr(IMSC, 0);
	while (!(rd(FR) & (1u << 4)))
		rd(DR);
	wr(ICR, 0x7ff);
}

START_TEST(test_primecell_id)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	setup();
	/* Linux's AMBA bus reads these to match the driver. */
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(rd(0xfe0 + 4 * i), id[i]);
}
END_TEST

START_TEST(test_flags_and_rx)
{
	setup();
	ck_assert_uint_eq(rd(FR) & 0xf0, 0x90); /* TXFE, RXFE */
	ck_assert_uint_eq(pl011_receive(uart, (const uint8_t *)"ab", 2), 1); /* FIFO off: 1 deep */
	ck_assert_uint_eq(rd(FR) & (1u << 4), 0);
	ck_assert_uint_eq(rd(DR), 'a');
	ck_assert_uint_ne(rd(FR) & (1u << 4), 0);

	wr(LCR_H, 1u << 4); /* FIFO on: 16 deep */
	ck_assert_uint_eq(pl011_receive(uart, (const uint8_t *)"0123456789abcdefXYZ", 19), 16);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(rd(DR), (uint32_t)"0123456789abcdef"[i]);
	ck_assert_uint_eq(rd(DR), 0); /* empty */
	wr(LCR_H, 0);
}
END_TEST

START_TEST(test_rx_interrupt)
{
	setup();
	ck_assert(!pl011_irq_level(uart));
	pl011_receive(uart, (const uint8_t *)"x", 1);
	ck_assert_uint_eq(rd(RIS) & 0x50, 0x50); /* RX and RT raw status */
	ck_assert(!pl011_irq_level(uart));	   /* masked */
	wr(IMSC, 0x50);
	ck_assert(pl011_irq_level(uart));
	ck_assert_uint_eq(rd(MIS), 0x50);
	/* Status follows the FIFO: ICR cannot clear it while data waits. */
	wr(ICR, 0x50);
	ck_assert(pl011_irq_level(uart));
	rd(DR);
	ck_assert(!pl011_irq_level(uart));
}
END_TEST

START_TEST(test_tx_interrupt)
{
	setup();
	wr(IMSC, 0x20);
	ck_assert(!pl011_irq_level(uart));
	wr(DR, 'h'); /* sent at once (no backend: dropped) */
	ck_assert(pl011_irq_level(uart));
	wr(ICR, 0x20);
	ck_assert(!pl011_irq_level(uart));
	ck_assert_uint_eq(rd(RIS) & 0x20, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm-pl011");
	TCase *tc = tcase_create("pl011");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_primecell_id);
	tcase_add_test(tc, test_flags_and_rx);
	tcase_add_test(tc, test_rx_interrupt);
	tcase_add_test(tc, test_tx_interrupt);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
