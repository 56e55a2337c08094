// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ITS reset, read-back and table save/restore as sequences of device
 * attribute calls. No ioctl here: hw/intc/arm_gicv3_kvm.c supplies the calls,
 * the unit tests a recording fake.
 */
#include <errno.h>

#include "hw/intc/arm_gicv3_its.h"
#include "system/error.h"

/* Keep the first failure; later steps still run so the device ends as reset as possible. */
static void note(GError **err, int ret, const char *what)
{
	if (ret < 0 && err && !*err)
		error_setg(err, "ITS %s: %s", what, g_strerror(-ret));
}

static void reset_registers(const struct its_dev_ops *ops, void *o, GError **err)
{
	static const uint64_t zero;

	/* Disable first: KVM ignores table and queue writes while the ITS is enabled. */
	note(err, ops->set_attr(o, ITS_GRP_REGS, GITS_CTLR, &zero), "GITS_CTLR write");
	note(err, ops->set_attr(o, ITS_GRP_REGS, GITS_CBASER, &zero), "GITS_CBASER write");
	note(err, ops->set_attr(o, ITS_GRP_REGS, GITS_CREADR, &zero), "GITS_CREADR write");
	note(err, ops->set_attr(o, ITS_GRP_REGS, GITS_CWRITER, &zero), "GITS_CWRITER write");
	for (unsigned n = 0; n < GITS_NR_BASER; n++) {
		uint64_t v = 0;
		int ret = ops->get_attr(o, ITS_GRP_REGS, GITS_BASER(n), &v);

		note(err, ret, "GITS_BASER read");
		if (ret < 0)
			continue;
		/* Type and entry size are read-only; clearing Valid is what reset means. */
		v &= ~GITS_BASER_VALID;
		note(err, ops->set_attr(o, ITS_GRP_REGS, GITS_BASER(n), &v), "GITS_BASER write");
	}
}

enum its_reset_result its_reset(const struct its_dev_ops *ops, void *opaque,
				enum its_reset_mode mode, GError **err)
{
	if (mode == ITS_RESET_NONE)
		return ITS_RESET_SKIPPED;
	if (mode == ITS_RESET_AUTO && ops->has_attr(opaque, ITS_GRP_CTRL, ITS_CTRL_RESET) == 0) {
		note(err, ops->set_attr(opaque, ITS_GRP_CTRL, ITS_CTRL_RESET, NULL), "reset");
		return ITS_RESET_DONE_ATTR;
	}
	reset_registers(ops, opaque, err);
	return ITS_RESET_DONE_REGISTERS;
}

int its_regs_read(const struct its_dev_ops *ops, void *o, struct its_regs *r, GError **err)
{
	struct {
		uint64_t off;
		uint64_t *val;
	} regs[] = {
		{ GITS_CTLR, &r->ctlr },     { GITS_IIDR, &r->iidr },
		{ GITS_TYPER, &r->typer },   { GITS_CBASER, &r->cbaser },
		{ GITS_CWRITER, &r->cwriter }, { GITS_CREADR, &r->creadr },
	};
	int first = 0;

	for (unsigned i = 0; i < G_N_ELEMENTS(regs); i++) {
		int ret = ops->get_attr(o, ITS_GRP_REGS, regs[i].off, regs[i].val);

		if (ret < 0 && !first) {
			first = ret;
			error_setg(err, "ITS register 0x%llx read: %s",
				   (unsigned long long)regs[i].off, g_strerror(-ret));
		}
	}
	for (unsigned n = 0; n < GITS_NR_BASER; n++) {
		int ret = ops->get_attr(o, ITS_GRP_REGS, GITS_BASER(n), &r->baser[n]);

		if (ret < 0 && !first) {
			first = ret;
			error_setg(err, "ITS GITS_BASER%u read: %s", n, g_strerror(-ret));
		}
	}
	return first;
}

bool its_regs_are_reset(const struct its_regs *r)
{
	if ((r->ctlr & GITS_CTLR_ENABLED) || (r->cbaser & GITS_CBASER_VALID) || r->cwriter ||
	    r->creadr)
		return false;
	for (unsigned n = 0; n < GITS_NR_BASER; n++)
		if (r->baser[n] & GITS_BASER_VALID)
			return false;
	return true;
}

static int tables_ctrl(const struct its_dev_ops *ops, void *o, uint64_t attr, const char *what,
		       GError **err)
{
	int ret = ops->set_attr(o, ITS_GRP_CTRL, attr, NULL);

	if (ret < 0)
		error_setg(err, "ITS table %s failed: %s", what, g_strerror(-ret));
	return ret;
}

int its_tables_save(const struct its_dev_ops *ops, void *opaque, GError **err)
{
	return tables_ctrl(ops, opaque, ITS_CTRL_SAVE_TABLES, "save", err);
}

int its_tables_restore(const struct its_dev_ops *ops, void *opaque, GError **err)
{
	return tables_ctrl(ops, opaque, ITS_CTRL_RESTORE_TABLES, "restore", err);
}
