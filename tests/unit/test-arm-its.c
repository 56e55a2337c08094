// SPDX-License-Identifier: GPL-2.0-or-later
/* ITS reset, read-back and table save/restore against a recording fake of the attribute calls. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/intc/arm_gicv3_its.h"

#define TYPE_DEVICE (1ULL << 56)	/* BASER type field, read-only on real hardware */
#define TYPE_COLLECTION (4ULL << 56)

struct fake {
	GString *log;
	bool has_reset;
	uint64_t regs[0x140 / 8];
	uint64_t fail_group, fail_attr; /* fail this call with fail_errno */
	int fail_errno;
	unsigned resets;
};

static int fake_fail(struct fake *f, uint32_t group, uint64_t attr)
{
	return f->fail_errno && f->fail_group == group && f->fail_attr == attr ? -f->fail_errno : 0;
}

static int f_has(void *o, uint32_t group, uint64_t attr)
{
	struct fake *f = o;

	g_string_append_printf(f->log, "has %u %llu;", group, (unsigned long long)attr);
	if (group == ITS_GRP_CTRL && attr == ITS_CTRL_RESET)
		return f->has_reset ? 0 : -ENXIO;
	return 0;
}

static int f_set(void *o, uint32_t group, uint64_t attr, const uint64_t *val)
{
	struct fake *f = o;
	int ret = fake_fail(f, group, attr);

	if (val)
		g_string_append_printf(f->log, "set %u 0x%llx=0x%llx;", group,
					(unsigned long long)attr, (unsigned long long)*val);
	else
		g_string_append_printf(f->log, "set %u %llu;", group, (unsigned long long)attr);
	if (ret)
		return ret;
	if (group == ITS_GRP_REGS) {
		ck_assert_ptr_nonnull(val);
		ck_assert_uint_lt(attr / 8, G_N_ELEMENTS(f->regs));
		if (attr == GITS_CTLR)
			f->regs[0] = (f->regs[0] & ~0xffffffffULL) | (uint32_t)*val;
		else
			f->regs[attr / 8] = *val;
	}
	if (group == ITS_GRP_CTRL && attr == ITS_CTRL_RESET) {
		f->resets++;
		memset(f->regs, 0, sizeof(f->regs));
	}
	return 0;
}

static int f_get(void *o, uint32_t group, uint64_t attr, uint64_t *val)
{
	struct fake *f = o;
	int ret = fake_fail(f, group, attr);

	g_string_append_printf(f->log, "get %u 0x%llx;", group, (unsigned long long)attr);
	if (ret)
		return ret;
	ck_assert_uint_eq(group, ITS_GRP_REGS);
	if (attr == GITS_CTLR)
		*val = (uint32_t)f->regs[0];
	else if (attr == GITS_IIDR)
		*val = 0x4b00243b;
	else
		*val = f->regs[attr / 8];
	return 0;
}

static const struct its_dev_ops fake_ops = { f_has, f_set, f_get };

/* An ITS the guest has set up: enabled, command queue in use, two valid tables. */
static void fake_dirty(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	f->log = g_string_new(NULL);
	f->regs[GITS_CTLR / 8] = GITS_CTLR_ENABLED;
	f->regs[GITS_CBASER / 8] = GITS_CBASER_VALID | 0x40100000;
	f->regs[GITS_CWRITER / 8] = 0x60;
	f->regs[GITS_CREADR / 8] = 0x60;
	f->regs[GITS_BASER(0) / 8] = GITS_BASER_VALID | TYPE_DEVICE | 0x40200000;
	f->regs[GITS_BASER(1) / 8] = GITS_BASER_VALID | TYPE_COLLECTION | 0x40300000;
}

static void fake_regs(struct fake *f, struct its_regs *r)
{
	GError *err = NULL;

	ck_assert_int_eq(its_regs_read(&fake_ops, f, r, &err), 0);
	ck_assert_ptr_null(err);
}

START_TEST(test_reset_attribute_when_present)
{
	struct fake f;
	struct its_regs r;
	GError *err = NULL;

	fake_dirty(&f);
	f.has_reset = true;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_AUTO, &err), ITS_RESET_DONE_ATTR);
	ck_assert_ptr_null(err);
	/* Exactly the probe and the reset: no register writes behind its back. */
	ck_assert_str_eq(f.log->str, "has 4 4;set 4 4;");
	ck_assert_uint_eq(f.resets, 1);
	fake_regs(&f, &r);
	ck_assert(its_regs_are_reset(&r));
	g_string_free(f.log, TRUE);
}
END_TEST

static const char *fallback_log =
	"set 8 0x0=0x0;set 8 0x80=0x0;set 8 0x90=0x0;set 8 0x88=0x0;"
	"get 8 0x100;set 8 0x100=0x100000040200000;"
	"get 8 0x108;set 8 0x108=0x400000040300000;"
	"get 8 0x110;set 8 0x110=0x0;get 8 0x118;set 8 0x118=0x0;"
	"get 8 0x120;set 8 0x120=0x0;get 8 0x128;set 8 0x128=0x0;"
	"get 8 0x130;set 8 0x130=0x0;get 8 0x138;set 8 0x138=0x0;";

START_TEST(test_register_fallback_sequence)
{
	struct fake f;
	struct its_regs r;
	GError *err = NULL;
	g_autofree char *expect = g_strconcat("has 4 4;", fallback_log, NULL);

	fake_dirty(&f);
	f.has_reset = false;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_AUTO, &err),
			 ITS_RESET_DONE_REGISTERS);
	ck_assert_ptr_null(err);
	/* CTLR first (KVM ignores table writes while enabled), then queue, then tables. */
	ck_assert_str_eq(f.log->str, expect);
	fake_regs(&f, &r);
	ck_assert(its_regs_are_reset(&r));
	/* Only Valid goes; the read-only type field and the address stay. */
	ck_assert_uint_eq(r.baser[0] >> 56, 1);
	ck_assert_uint_eq(r.baser[1] >> 56, 4);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_forced_register_mode_skips_probe)
{
	struct fake f;
	GError *err = NULL;

	fake_dirty(&f);
	f.has_reset = true;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_REGISTERS, &err),
			 ITS_RESET_DONE_REGISTERS);
	ck_assert_str_eq(f.log->str, fallback_log);
	ck_assert_uint_eq(f.resets, 0);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_disabled_reset_leaves_stale_state)
{
	struct fake f;
	struct its_regs r;
	GError *err = NULL;

	fake_dirty(&f);
	f.has_reset = true;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_NONE, &err), ITS_RESET_SKIPPED);
	ck_assert_str_eq(f.log->str, "");
	fake_regs(&f, &r);
	ck_assert(!its_regs_are_reset(&r));
	ck_assert(r.ctlr & GITS_CTLR_ENABLED);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_failed_write_reported_sequence_completes)
{
	struct fake f;
	GError *err = NULL;

	fake_dirty(&f);
	f.fail_group = ITS_GRP_REGS;
	f.fail_attr = GITS_CBASER;
	f.fail_errno = EBUSY;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_REGISTERS, &err),
			 ITS_RESET_DONE_REGISTERS);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "GITS_CBASER"));
	/* The remaining steps still ran: the last BASER was written. */
	ck_assert_ptr_nonnull(strstr(f.log->str, "set 8 0x138=0x0;"));
	g_error_free(err);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_failed_reset_attribute_reported)
{
	struct fake f;
	GError *err = NULL;

	fake_dirty(&f);
	f.has_reset = true;
	f.fail_group = ITS_GRP_CTRL;
	f.fail_attr = ITS_CTRL_RESET;
	f.fail_errno = EINVAL;
	ck_assert_int_eq(its_reset(&fake_ops, &f, ITS_RESET_AUTO, &err), ITS_RESET_DONE_ATTR);
	ck_assert_ptr_nonnull(err);
	g_error_free(err);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_regs_are_reset_each_field)
{
	struct its_regs clean = { .typer = 0x1234, .iidr = 1, .baser = { TYPE_DEVICE } };
	struct its_regs r;

	ck_assert(its_regs_are_reset(&clean));
	r = clean, r.ctlr = GITS_CTLR_ENABLED;
	ck_assert(!its_regs_are_reset(&r));
	r = clean, r.ctlr = GITS_CTLR_QUIESCENT; /* quiescent is fine */
	ck_assert(its_regs_are_reset(&r));
	r = clean, r.cbaser = GITS_CBASER_VALID;
	ck_assert(!its_regs_are_reset(&r));
	r = clean, r.cwriter = 0x20;
	ck_assert(!its_regs_are_reset(&r));
	r = clean, r.creadr = 0x20;
	ck_assert(!its_regs_are_reset(&r));
	for (unsigned n = 0; n < GITS_NR_BASER; n++) {
		r = clean, r.baser[n] = GITS_BASER_VALID;
		ck_assert(!its_regs_are_reset(&r));
	}
}
END_TEST

START_TEST(test_read_reports_first_error)
{
	struct fake f;
	struct its_regs r;
	GError *err = NULL;

	fake_dirty(&f);
	f.fail_group = ITS_GRP_REGS;
	f.fail_attr = GITS_BASER(3);
	f.fail_errno = EBUSY;
	ck_assert_int_eq(its_regs_read(&fake_ops, &f, &r, &err), -EBUSY);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "BASER3"));
	ck_assert_uint_eq(r.iidr, 0x4b00243b);
	g_error_free(err);
	g_string_free(f.log, TRUE);
}
END_TEST

START_TEST(test_tables_save_restore)
{
	struct fake f;
	GError *err = NULL;

	fake_dirty(&f);
	ck_assert_int_eq(its_tables_save(&fake_ops, &f, &err), 0);
	ck_assert_int_eq(its_tables_restore(&fake_ops, &f, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_str_eq(f.log->str, "set 4 1;set 4 2;");

	/* Restoring over live collections: the kernel says EEXIST; it is an error, not an abort. */
	f.fail_group = ITS_GRP_CTRL;
	f.fail_attr = ITS_CTRL_RESTORE_TABLES;
	f.fail_errno = EEXIST;
	ck_assert_int_eq(its_tables_restore(&fake_ops, &f, &err), -EEXIST);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "restore failed"));
	g_clear_error(&err);
	f.fail_attr = ITS_CTRL_SAVE_TABLES;
	f.fail_errno = EFAULT;
	ck_assert_int_eq(its_tables_save(&fake_ops, &f, &err), -EFAULT);
	ck_assert_ptr_nonnull(strstr(err->message, "save failed"));
	g_error_free(err);
	g_string_free(f.log, TRUE);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm-its");
	TCase *tc = tcase_create("its");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_reset_attribute_when_present);
	tcase_add_test(tc, test_register_fallback_sequence);
	tcase_add_test(tc, test_forced_register_mode_skips_probe);
	tcase_add_test(tc, test_disabled_reset_leaves_stale_state);
	tcase_add_test(tc, test_failed_write_reported_sequence_completes);
	tcase_add_test(tc, test_failed_reset_attribute_reported);
	tcase_add_test(tc, test_regs_are_reset_each_field);
	tcase_add_test(tc, test_read_reports_first_error);
	tcase_add_test(tc, test_tables_save_restore);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
