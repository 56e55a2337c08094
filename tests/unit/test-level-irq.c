// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hw/core/level-irq.c against a fake kernel: the fake records KVM_IRQ_LINE
 * levels and KVM_IRQFD (de)assignments, reads the irqfd as KVM would (a
 * write raises its line) and plays the guest's EOI by lowering the line and
 * signalling the resample eventfd, as KVM's resampler does.
 */
#include <check.h>
#include <errno.h>
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/core/irq.h"
#include "hw/core/level-irq.h"

static struct {
	bool resample;		/* KVM_CAP_IRQFD_RESAMPLE */
	int fail_assign;	/* -errno for the next assignment */
	int line_level, line_calls;
	int irqfd, resamplefd, gsi;	/* assigned now (-1: none) */
	int assigns, deassigns;
	bool level;		/* the irqfd source's line */
} k;

static bool pending_now;
static int pending_calls;

static bool fake_has_resample(void)
{
	return k.resample;
}

static int fake_irq_line(unsigned line, bool level)
{
	k.line_level = level;
	k.line_calls++;
	return 0;
}

static int fake_irqfd(const struct kvm_irqfd *req)
{
	if (req->flags & KVM_IRQFD_FLAG_DEASSIGN) {
		ck_assert_int_eq(req->fd, k.irqfd);
		k.deassigns++;
		k.irqfd = k.resamplefd = k.gsi = -1;
		k.level = false; /* the resampler's last irqfd went: KVM lowers */
		return 0;
	}
	if (k.fail_assign) {
		int e = k.fail_assign;

		k.fail_assign = 0;
		return e;
	}
	ck_assert_int_eq(req->flags, KVM_IRQFD_FLAG_RESAMPLE);
	ck_assert_int_eq(k.irqfd, -1);
	k.assigns++;
	k.irqfd = req->fd;
	k.resamplefd = req->resamplefd;
	k.gsi = req->gsi;
	return 0;
}

static const struct level_irq_kvm fake = {
	.has_resample = fake_has_resample,
	.irq_line = fake_irq_line,
	.irqfd = fake_irqfd,
};

/* KVM's side of the irqfd: consume writes, raise the line. */
static int kernel_poll(void)
{
	uint64_t n;

	if (k.irqfd >= 0 && read(k.irqfd, &n, sizeof(n)) == sizeof(n)) {
		k.level = true;
		return (int)n;
	}
	return 0;
}

/* The guest EOIs the line: lowered, then the resample eventfd signalled. */
static void guest_eoi(void)
{
	uint64_t one = 1;

	kernel_poll();
	k.level = false;
	ck_assert_int_eq(write(k.resamplefd, &one, sizeof(one)), sizeof(one));
}

static bool pending(void *opaque)
{
	pending_calls++;
	return pending_now;
}

static void setup(void)
{
	memset(&k, 0, sizeof(k));
	k.irqfd = k.resamplefd = k.gsi = -1;
	k.resample = true;
	pending_now = false;
	pending_calls = 0;
	level_irq_set_kvm(&fake);
}

static void teardown(void)
{
	level_irq_set_kvm(NULL);
}

/* x86 (this test's host): irqfds use the IOAPIC GSI itself. */
START_TEST(irqfd_assigned_with_resample)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	ck_assert_int_eq(level_irq_path(l), LEVEL_IRQ_IRQFD);
	ck_assert_str_eq(level_irq_path_name(l), "irqfd");
	/* Assigned at the cold reset, once the irqchip is complete. */
	ck_assert_int_eq(k.assigns, 0);
	level_irq_reset(l);
	ck_assert_int_eq(k.assigns, 1);
	ck_assert_int_eq(k.gsi, 16);
	ck_assert_int_ge(k.resamplefd, 0);
	ck_assert_int_eq(irq_line_irqfd_gsi(2), -1);	/* the PIC cascade */
	ck_assert_int_eq(irq_line_irqfd_gsi(24), -1);
	level_irq_free(l);
	ck_assert_int_eq(k.deassigns, 1);
	ck_assert_int_eq(k.line_calls, 0);
}
END_TEST

START_TEST(assert_once_until_eoi)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);
	struct level_irq_stats st;

	pending_now = true;
	level_irq_set(l, true);
	level_irq_set(l, true);	/* already raised: no second write */
	ck_assert_int_eq(kernel_poll(), 1);
	ck_assert(k.level);
	/* The ack lowers the device level; the kernel line waits for the EOI. */
	pending_now = false;
	level_irq_set(l, false);
	ck_assert_int_eq(kernel_poll(), 0);
	ck_assert(k.level);
	guest_eoi();
	level_irq_resample(l);
	ck_assert_int_eq(pending_calls, 1);
	ck_assert(!k.level);
	ck_assert(!level_irq_raised(l));
	ck_assert_int_eq(kernel_poll(), 0);
	st = level_irq_stats(l);
	ck_assert_int_eq(st.asserts, 1);
	ck_assert_int_eq(st.resamples, 1);
	ck_assert_int_eq(st.reasserts, 0);
	ck_assert_int_eq(st.deasserts, 1);
	/* Nothing was signalled: a resample call reads nothing. */
	level_irq_resample(l);
	ck_assert_int_eq(pending_calls, 1);
	level_irq_free(l);
}
END_TEST

START_TEST(reassert_when_still_pending)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	pending_now = true;
	level_irq_set(l, true);
	ck_assert_int_eq(kernel_poll(), 1);
	/* EOI without an ack: InterruptStatus still set, the line comes back. */
	guest_eoi();
	level_irq_resample(l);
	ck_assert_int_eq(kernel_poll(), 1);
	ck_assert(k.level);
	ck_assert(level_irq_raised(l));
	/* Acked, then a new completion before the EOI's resample is read: the
	 * rising edge writes at once, and the resample finds it pending too. */
	level_irq_set(l, false);
	guest_eoi();
	level_irq_set(l, true);
	ck_assert_int_eq(kernel_poll(), 1);
	ck_assert(k.level);
	level_irq_resample(l);
	ck_assert_int_eq(kernel_poll(), 1);
	ck_assert(k.level);
	ck_assert_int_eq(level_irq_stats(l).reasserts, 2);
	ck_assert_int_eq(level_irq_stats(l).asserts, 2);
	/* A level that stays up writes no more until an EOI. */
	level_irq_set(l, true);
	ck_assert_int_eq(kernel_poll(), 0);
	level_irq_free(l);
}
END_TEST

/* The device's level is what counts at a resample, not what was last set. */
START_TEST(resample_asks_the_device)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	level_irq_set(l, true);
	kernel_poll();
	pending_now = false;	/* e.g. reset behind our back */
	guest_eoi();
	level_irq_resample(l);
	ck_assert_int_eq(kernel_poll(), 0);
	ck_assert(!k.level);
	level_irq_free(l);
}
END_TEST

START_TEST(reset_lowers_a_raised_line)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	level_irq_set(l, true);
	kernel_poll();
	ck_assert(k.level);
	level_irq_reset(l);
	/* Deassigned (KVM lowered the line) and assigned again. */
	ck_assert(!k.level);
	ck_assert_int_eq(k.deassigns, 1);
	ck_assert_int_eq(k.assigns, 2);
	ck_assert(!level_irq_raised(l));
	ck_assert_int_eq(level_irq_stats(l).reset_drops, 1);
	/* And it works afterwards. */
	level_irq_set(l, true);
	ck_assert_int_eq(kernel_poll(), 1);
	level_irq_free(l);
}
END_TEST

START_TEST(reset_after_an_unread_eoi_keeps_the_irqfd)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	level_irq_set(l, true);
	kernel_poll();
	level_irq_set(l, false);
	guest_eoi();		/* lowered; the main loop has not seen it */
	level_irq_reset(l);
	ck_assert_int_eq(k.deassigns, 0);
	ck_assert_int_eq(pending_calls, 1);
	ck_assert(!level_irq_raised(l));
	ck_assert_int_eq(level_irq_stats(l).reset_drops, 0);
	level_irq_free(l);
}
END_TEST

START_TEST(reset_of_a_lowered_line_is_free)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	level_irq_reset(l);
	level_irq_reset(l);
	ck_assert_int_eq(k.deassigns, 0);
	ck_assert_int_eq(k.assigns, 1);
	level_irq_free(l);
}
END_TEST

START_TEST(no_capability_falls_back_to_irq_line)
{
	struct level_irq *l;

	k.resample = false;
	l = level_irq_new("t", 16, true, pending, NULL);
	ck_assert_int_eq(level_irq_path(l), LEVEL_IRQ_LINE);
	ck_assert_int_eq(k.assigns, 0);
	level_irq_set(l, true);
	ck_assert_int_eq(k.line_level, 1);
	level_irq_set(l, true);
	ck_assert_int_eq(k.line_calls, 1);
	level_irq_set(l, false);	/* the ack lowers it at once */
	ck_assert_int_eq(k.line_level, 0);
	level_irq_set(l, true);
	level_irq_reset(l);
	ck_assert_int_eq(k.line_level, 0);
	ck_assert_int_eq(level_irq_stats(l).asserts, 2);
	ck_assert_int_eq(level_irq_stats(l).deasserts, 1);
	level_irq_free(l);
	ck_assert_int_eq(k.deassigns, 0);
}
END_TEST

START_TEST(forced_off_and_refused_use_irq_line)
{
	struct level_irq *l = level_irq_new("t", 16, false, pending, NULL);

	ck_assert_str_eq(level_irq_path_name(l), "line");
	ck_assert_int_eq(k.assigns, 0);
	level_irq_free(l);
	/* KVM refuses the irqfd: a warning, and KVM_IRQ_LINE. */
	k.fail_assign = -EINVAL;
	l = level_irq_new("t", 16, true, pending, NULL);
	level_irq_set(l, true);
	ck_assert_int_eq(level_irq_path(l), LEVEL_IRQ_LINE);
	ck_assert_int_eq(k.line_level, 1);
	ck_assert_int_eq(k.assigns, 0);
	level_irq_free(l);
	/* No irqfd GSI for this line. */
	l = level_irq_new("t", 2, true, pending, NULL);
	ck_assert_int_eq(level_irq_path(l), LEVEL_IRQ_LINE);
	level_irq_free(l);
}
END_TEST

/* The resample eventfd is watched by the main loop (GLib default context). */
START_TEST(main_loop_handles_the_resample)
{
	struct level_irq *l = level_irq_new("t", 16, true, pending, NULL);

	pending_now = true;
	level_irq_set(l, true);
	kernel_poll();
	guest_eoi();
	for (int i = 0; i < 100 && !level_irq_stats(l).resamples; i++)
		g_main_context_iteration(NULL, TRUE);
	ck_assert_int_eq(level_irq_stats(l).resamples, 1);
	ck_assert_int_eq(kernel_poll(), 1);
	level_irq_free(l);
}
END_TEST

static Suite *level_irq_suite(void)
{
	Suite *s = suite_create("level-irq");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, irqfd_assigned_with_resample);
	tcase_add_test(tc, assert_once_until_eoi);
	tcase_add_test(tc, reassert_when_still_pending);
	tcase_add_test(tc, resample_asks_the_device);
	tcase_add_test(tc, reset_lowers_a_raised_line);
	tcase_add_test(tc, reset_after_an_unread_eoi_keeps_the_irqfd);
	tcase_add_test(tc, reset_of_a_lowered_line_is_free);
	tcase_add_test(tc, no_capability_falls_back_to_irq_line);
	tcase_add_test(tc, forced_off_and_refused_use_irq_line);
	tcase_add_test(tc, main_loop_handles_the_resample);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(level_irq_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
