// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The in-kernel GICv3 and ITS on KVM (aarch64 hosts).
 *
 * Cold reset: right after KVM_DEV_ARM_VGIC_CTRL_INIT, before any guest
 * instruction, the distributor, redistributor and CPU-interface registers
 * hold the power-on state. We read them once into a template and write the
 * template back on every reset, so a reset restores exactly the state the
 * process started with. The ITS has state no register shows (cached
 * devices, collections, LPIs), so it is reset through its reset attribute;
 * see hw/intc/arm_gicv3_its_common.c for the sequences.
 *
 * Every device-attribute access to the GIC or ITS state needs all vCPUs out
 * of KVM_RUN (the kernel takes every vCPU mutex and fails with EBUSY
 * otherwise): reset handlers run paused, the QMP commands pause around it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "accel/kvm.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "hw/intc/arm_gicv3.h"
#include "hw/intc/arm_gicv3_its.h"
#include "monitor/qmp.h"
#include "system/cpus.h"
#include "system/error.h"
#include "system/log.h"
#include "system/runstate.h"
#include "target/arm/cpu.h"

_Static_assert(ITS_GRP_ADDR == KVM_DEV_ARM_VGIC_GRP_ADDR, "ABI");
_Static_assert(ITS_GRP_CTRL == KVM_DEV_ARM_VGIC_GRP_CTRL, "ABI");
_Static_assert(ITS_GRP_REGS == KVM_DEV_ARM_VGIC_GRP_ITS_REGS, "ABI");
_Static_assert(ITS_CTRL_INIT == KVM_DEV_ARM_VGIC_CTRL_INIT, "ABI");
_Static_assert(ITS_CTRL_SAVE_TABLES == KVM_DEV_ARM_ITS_SAVE_TABLES, "ABI");
_Static_assert(ITS_CTRL_RESTORE_TABLES == KVM_DEV_ARM_ITS_RESTORE_TABLES, "ABI");
_Static_assert(ITS_CTRL_RESET == KVM_DEV_ARM_ITS_CTRL_RESET, "ABI");

/* A register of the template; a set/clear pair is restored by clear-all then set. */
struct gic_reg {
	uint32_t group;
	uint64_t attr;
	uint64_t clear_attr; /* 0: a plain register */
	uint64_t val;
};

struct gic {
	int fd;
	unsigned nr_irqs;
	uint64_t dist_base, redist_base;
	GArray *regs; /* struct gic_reg: the cold template, in write order */
	unsigned reset_errors;
};

struct its {
	int fd;
	enum its_reset_mode mode;
	enum its_reset_result last_reset;
	unsigned resets;
	bool have_after_reset;
	struct its_regs after_reset;
	unsigned saves, save_errors;
	char *last_save_error;
};

static struct gic gic = { .fd = -1 };
static struct its *its_dev;

static int dev_attr(int fd, unsigned long req, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uintptr_t)val,
	};

	return ioctl(fd, req, &a) < 0 ? -errno : 0;
}

/* DIST and REDIST registers are 32-bit through the ABI, CPU sysregs 64-bit. */
static int gic_get(uint32_t group, uint64_t attr, uint64_t *val)
{
	uint32_t v32 = 0;
	int ret;

	if (group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
		return dev_attr(gic.fd, KVM_GET_DEVICE_ATTR, group, attr, val);
	ret = dev_attr(gic.fd, KVM_GET_DEVICE_ATTR, group, attr, &v32);
	*val = v32;
	return ret;
}

static int gic_set(uint32_t group, uint64_t attr, uint64_t val)
{
	uint32_t v32 = val;

	if (group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS)
		return dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, group, attr, &val);
	return dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, group, attr, &v32);
}

int gicv3_create(uint64_t dist_base, uint64_t redist_base, unsigned nr_irqs, GError **err)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint32_t n = nr_irqs;
	int ret;

	if (ioctl(kvm_vm_fd(), KVM_CREATE_DEVICE, &cd) < 0) {
		error_setg(err, "in-kernel GICv3 (KVM_CREATE_DEVICE): %s", g_strerror(errno));
		return -errno;
	}
	gic.fd = cd.fd;
	gic.nr_irqs = nr_irqs;
	gic.dist_base = dist_base;
	gic.redist_base = redist_base;
	ret = dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n);
	if (!ret)
		ret = dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V3_ADDR_TYPE_DIST, &dist_base);
	if (!ret)
		ret = dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist_base);
	if (ret < 0) {
		error_setg(err, "GICv3 configuration: %s", g_strerror(-ret));
		return ret;
	}
	return 0;
}

/* ---- cold-state template ---- */

static void tmpl_add(uint32_t group, uint64_t attr, uint64_t clear_attr)
{
	struct gic_reg r = { .group = group, .attr = attr, .clear_attr = clear_attr };

	/* Registers this kernel does not expose are simply not part of the state. */
	if (gic_get(group, attr, &r.val) < 0) {
		debug_log("GICv3: register group %u attr 0x%llx not readable", group,
			  (unsigned long long)attr);
		return;
	}
	g_array_append_val(gic.regs, r);
}

static uint64_t mpidr_attr(uint64_t mpidr)
{
	/* The ABI packs Aff3.Aff2.Aff1.Aff0 into bits 63:32. */
	uint64_t aff = ((mpidr >> 8) & 0xff000000ULL) | (mpidr & 0xffffffULL);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

#define SYSREG(op0, op1, crn, crm, op2)                                                            \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

static void tmpl_build(void)
{
	const uint32_t D = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	const uint32_t R = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
	const uint32_t C = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	static const uint64_t icc[] = {
		SYSREG(3, 0, 12, 12, 5), /* ICC_SRE_EL1 */
		SYSREG(3, 0, 12, 12, 4), /* ICC_CTLR_EL1 */
		SYSREG(3, 0, 4, 6, 0),	 /* ICC_PMR_EL1 */
		SYSREG(3, 0, 12, 8, 3),	 /* ICC_BPR0_EL1 */
		SYSREG(3, 0, 12, 12, 3), /* ICC_BPR1_EL1 */
		SYSREG(3, 0, 12, 8, 4),	 /* ICC_AP0R0_EL1 */
		SYSREG(3, 0, 12, 9, 0),	 /* ICC_AP1R0_EL1 */
		SYSREG(3, 0, 12, 12, 6), /* ICC_IGRPEN0_EL1 */
		SYSREG(3, 0, 12, 12, 7), /* ICC_IGRPEN1_EL1 */
	};

	gic.regs = g_array_new(FALSE, FALSE, sizeof(struct gic_reg));

	/* Distributor: control first (it gates the rest), then the SPIs. */
	tmpl_add(D, 0x0000, 0); /* GICD_CTLR */
	for (unsigned n = 1; n < gic.nr_irqs / 32; n++) {
		tmpl_add(D, 0x0080 + 4 * n, 0);		  /* IGROUPR */
		tmpl_add(D, 0x0d00 + 4 * n, 0);		  /* IGRPMODR */
		tmpl_add(D, 0x0100 + 4 * n, 0x0180 + 4 * n); /* ISENABLER / ICENABLER */
		tmpl_add(D, 0x0200 + 4 * n, 0x0280 + 4 * n); /* ISPENDR / ICPENDR */
		tmpl_add(D, 0x0300 + 4 * n, 0x0380 + 4 * n); /* ISACTIVER / ICACTIVER */
	}
	for (unsigned irq = 32; irq < gic.nr_irqs; irq += 4)
		tmpl_add(D, 0x0400 + irq, 0); /* IPRIORITYR */
	for (unsigned irq = 32; irq < gic.nr_irqs; irq += 16)
		tmpl_add(D, 0x0c00 + irq / 4, 0); /* ICFGR */
	for (unsigned irq = 32; irq < gic.nr_irqs; irq++) {
		tmpl_add(D, 0x6000 + 8 * irq, 0); /* IROUTER, low and high words */
		tmpl_add(D, 0x6000 + 8 * irq + 4, 0);
	}

	for (unsigned i = 0; i < vcpu_count(); i++) {
		uint64_t m = mpidr_attr(arm_vcpu_mpidr(vcpu_get(i)));

		/* CTLR first: PROPBASER/PENDBASER ignore writes while LPIs are enabled. */
		tmpl_add(R, m | 0x0000, 0); /* GICR_CTLR */
		tmpl_add(R, m | 0x0070, 0); /* GICR_PROPBASER */
		tmpl_add(R, m | 0x0074, 0);
		tmpl_add(R, m | 0x0078, 0); /* GICR_PENDBASER */
		tmpl_add(R, m | 0x007c, 0);
		tmpl_add(R, m | 0x10080, 0);	       /* GICR_IGROUPR0 */
		tmpl_add(R, m | 0x10d00, 0);	       /* GICR_IGRPMODR0 */
		tmpl_add(R, m | 0x10100, m | 0x10180); /* ISENABLER0 / ICENABLER0 */
		tmpl_add(R, m | 0x10200, m | 0x10280); /* ISPENDR0 / ICPENDR0 */
		tmpl_add(R, m | 0x10300, m | 0x10380); /* ISACTIVER0 / ICACTIVER0 */
		for (unsigned k = 0; k < 8; k++)
			tmpl_add(R, m | (0x10400 + 4 * k), 0); /* IPRIORITYR0-7 */
		tmpl_add(R, m | 0x10c00, 0); /* ICFGR0 */
		tmpl_add(R, m | 0x10c04, 0); /* ICFGR1 */
		for (unsigned k = 0; k < G_N_ELEMENTS(icc); k++)
			tmpl_add(C, m | icc[k], 0);
	}
}

static void gic_reset(void *opaque)
{
	unsigned errors = 0;

	for (guint i = 0; i < gic.regs->len; i++) {
		const struct gic_reg *r = &g_array_index(gic.regs, struct gic_reg, i);

		if (r->clear_attr) {
			if (gic_set(r->group, r->clear_attr, 0xffffffffULL) < 0)
				errors++;
			if (r->val && gic_set(r->group, r->attr, r->val) < 0)
				errors++;
		} else if (gic_set(r->group, r->attr, r->val) < 0) {
			errors++;
		}
	}
	if (errors && !gic.reset_errors)
		error_report("GICv3 reset: %u register writes failed; the interrupt controller "
			     "may keep state from before the reset", errors);
	gic.reset_errors += errors;
}

/* ---- ITS ---- */

static int its_has(void *o, uint32_t group, uint64_t attr)
{
	return dev_attr(((struct its *)o)->fd, KVM_HAS_DEVICE_ATTR, group, attr, NULL);
}

static int its_set(void *o, uint32_t group, uint64_t attr, const uint64_t *val)
{
	return dev_attr(((struct its *)o)->fd, KVM_SET_DEVICE_ATTR, group, attr, (void *)val);
}

static int its_get(void *o, uint32_t group, uint64_t attr, uint64_t *val)
{
	return dev_attr(((struct its *)o)->fd, KVM_GET_DEVICE_ATTR, group, attr, val);
}

static const struct its_dev_ops its_kvm_ops = {
	.has_attr = its_has,
	.set_attr = its_set,
	.get_attr = its_get,
};

static void its_reset_handler(void *opaque)
{
	struct its *s = opaque;
	GError *err = NULL;

	s->last_reset = its_reset(&its_kvm_ops, s, s->mode, &err);
	s->resets++;
	if (err) {
		error_report("%s", err->message);
		g_clear_error(&err);
	}
	if (s->last_reset == ITS_RESET_DONE_REGISTERS && s->mode == ITS_RESET_AUTO)
		warn_report_once("ITS: the kernel has no KVM_DEV_ARM_ITS_CTRL_RESET; resetting "
				 "through registers, its cached translations survive the reset");
	/* What the guest finds when it starts again: the QMP test command reports it. */
	s->have_after_reset = its_regs_read(&its_kvm_ops, s, &s->after_reset, &err) == 0;
	if (err) {
		error_report("%s", err->message);
		g_clear_error(&err);
	}
}

static void its_save(struct its *s, GError **err)
{
	GError *local = NULL;

	s->saves++;
	if (its_tables_save(&its_kvm_ops, s, &local) < 0) {
		s->save_errors++;
		g_free(s->last_save_error);
		s->last_save_error = g_strdup(local->message);
		g_propagate_error(err, local);
	}
}

/* The VM stopped: write the ITS caches out to the guest's tables, as hardware would. */
static void its_vm_state_change(bool running, enum run_state state, void *opaque)
{
	GError *err = NULL;

	if (running)
		return;
	its_save(opaque, &err);
	if (err) {
		error_report("%s (VM keeps its state; a later restore may be incomplete)",
			     err->message);
		g_error_free(err);
	}
}

static enum its_reset_mode its_mode_from_env(void)
{
	const char *m = getenv("KEEL_TEST_ITS_RESET");

	if (!m || !*m || !strcmp(m, "auto"))
		return ITS_RESET_AUTO;
	if (!strcmp(m, "none")) {
		warn_report("KEEL_TEST_ITS_RESET=none: the ITS is NOT reset (test switch)");
		return ITS_RESET_NONE;
	}
	if (!strcmp(m, "registers"))
		return ITS_RESET_REGISTERS;
	warn_report("KEEL_TEST_ITS_RESET=%s unknown (auto|registers|none); using auto", m);
	return ITS_RESET_AUTO;
}

static int its_create(uint64_t base, GError **err)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	struct its *s;
	int ret;

	if (ioctl(kvm_vm_fd(), KVM_CREATE_DEVICE, &cd) < 0) {
		error_setg(err, "in-kernel ITS (KVM_CREATE_DEVICE): %s", g_strerror(errno));
		return -errno;
	}
	s = g_new0(struct its, 1);
	s->fd = cd.fd;
	ret = dev_attr(s->fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       KVM_VGIC_ITS_ADDR_TYPE, &base);
	if (!ret)
		ret = dev_attr(s->fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret < 0) {
		error_setg(err, "ITS initialisation: %s", g_strerror(-ret));
		close(s->fd);
		g_free(s);
		return ret;
	}
	s->mode = its_mode_from_env();
	its_dev = s;
	reset_register(RESET_ORDER_MACHINE, its_reset_handler, s, "gicv3-its");
	runstate_add_change_handler(its_vm_state_change, s);
	return 0;
}

int gicv3_realize(uint64_t its_base, bool its, GError **err)
{
	int ret;

	ret = dev_attr(gic.fd, KVM_SET_DEVICE_ATTR, KVM_DEV_ARM_VGIC_GRP_CTRL,
		       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret < 0) {
		error_setg(err, "GICv3 initialisation (CTRL_INIT): %s", g_strerror(-ret));
		return ret;
	}
	tmpl_build();
	reset_register(RESET_ORDER_MACHINE, gic_reset, NULL, "gicv3");
	if (its)
		return its_create(its_base, err);
	return 0;
}

/* ---- test-only QMP commands ---- */

static void add_regs(JsonBuilder *b, const char *name, const struct its_regs *r)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "ctlr");
	json_builder_add_int_value(b, r->ctlr);
	json_builder_set_member_name(b, "enabled");
	json_builder_add_boolean_value(b, r->ctlr & GITS_CTLR_ENABLED);
	json_builder_set_member_name(b, "cbaser");
	json_builder_add_int_value(b, r->cbaser);
	json_builder_set_member_name(b, "cwriter");
	json_builder_add_int_value(b, r->cwriter);
	json_builder_set_member_name(b, "creadr");
	json_builder_add_int_value(b, r->creadr);
	json_builder_set_member_name(b, "baser");
	json_builder_begin_array(b);
	for (unsigned n = 0; n < GITS_NR_BASER; n++)
		json_builder_add_int_value(b, r->baser[n]);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "baser-valid");
	json_builder_begin_array(b);
	for (unsigned n = 0; n < GITS_NR_BASER; n++)
		json_builder_add_boolean_value(b, r->baser[n] & GITS_BASER_VALID);
	json_builder_end_array(b);
	json_builder_set_member_name(b, "clean");
	json_builder_add_boolean_value(b, its_regs_are_reset(r));
	json_builder_end_object(b);
}

static struct its *its_or_error(GError **err)
{
	if (!its_dev)
		g_set_error(err, QMP_ERROR, QMP_ERROR_DEVICE_NOT_FOUND,
			    "this machine has no in-kernel ITS");
	return its_dev;
}

/* The kernel only lets us at the ITS with every vCPU out of KVM_RUN. */
static bool paused_begin(GError **err)
{
	if (!pause_all_vcpus()) {
		error_setg(err, "vCPUs did not pause");
		return false;
	}
	return true;
}

static void paused_end(void)
{
	if (runstate_is_running())
		resume_all_vcpus();
}

static const char *const reset_names[] = {
	[ITS_RESET_DONE_ATTR] = "attr",
	[ITS_RESET_DONE_REGISTERS] = "registers",
	[ITS_RESET_SKIPPED] = "none",
};

static JsonNode *qmp_its_state(struct qmp_session *qs, JsonObject *args, GError **err)
{
	struct its *s = its_or_error(err);
	struct its_regs cur;
	JsonBuilder *b;
	JsonNode *n;
	int ret;

	if (!s || !paused_begin(err))
		return NULL;
	ret = its_regs_read(&its_kvm_ops, s, &cur, err);
	paused_end();
	if (ret < 0)
		return NULL;
	b = json_builder_new();
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "reset-method");
	json_builder_add_string_value(b, reset_names[s->last_reset]);
	json_builder_set_member_name(b, "resets");
	json_builder_add_int_value(b, s->resets);
	add_regs(b, "current", &cur);
	if (s->have_after_reset)
		add_regs(b, "after-reset", &s->after_reset);
	json_builder_set_member_name(b, "saves");
	json_builder_add_int_value(b, s->saves);
	json_builder_set_member_name(b, "save-errors");
	json_builder_add_int_value(b, s->save_errors);
	if (s->last_save_error) {
		json_builder_set_member_name(b, "last-save-error");
		json_builder_add_string_value(b, s->last_save_error);
	}
	json_builder_set_member_name(b, "gic-reset-errors");
	json_builder_add_int_value(b, gic.reset_errors);
	json_builder_end_object(b);
	n = json_builder_get_root(b);
	g_object_unref(b);
	return n;
}

static JsonNode *qmp_its_save(struct qmp_session *qs, JsonObject *args, GError **err)
{
	struct its *s = its_or_error(err);

	if (!s || !paused_begin(err))
		return NULL;
	its_save(s, err);
	paused_end();
	if (err && *err)
		error_report("%s", (*err)->message);
	return NULL;
}

static JsonNode *qmp_its_restore(struct qmp_session *qs, JsonObject *args, GError **err)
{
	struct its *s = its_or_error(err);

	if (!s || !paused_begin(err))
		return NULL;
	its_tables_restore(&its_kvm_ops, s, err);
	paused_end();
	if (err && *err)
		error_report("%s (VM continues with the state it had)", (*err)->message);
	return NULL;
}

/*
 * irqfds name an SPI by its index: the vGIC's default routing (Keel sets no
 * other on arm64) maps GSI n to SPI n, INTID 32 + n.
 */
int irq_line_irqfd_gsi(unsigned line)
{
	unsigned intid = line & 0xffff;

	/* Only what gicv3_spi_line() makes: type SPI, no vCPU index. */
	if ((line & 0xffff0000) != (gicv3_spi_line(0) & 0xffff0000) || intid < 32)
		return -1;
	return intid - 32;
}

/*
 * Test-only commands (the x-keel- prefix): the ITS registers as the kernel
 * has them, and table save/restore on demand, for tests/nested/arm64.
 */
static const struct qmp_command its_state_cmd = { .name = "x-keel-its-state",
						  .handler = qmp_its_state };
static const struct qmp_command its_save_cmd = { .name = "x-keel-its-save",
						 .handler = qmp_its_save };
static const struct qmp_command its_restore_cmd = { .name = "x-keel-its-restore",
						    .handler = qmp_its_restore };
QMP_COMMAND_REGISTER(its_state_cmd)
QMP_COMMAND_REGISTER(its_save_cmd)
QMP_COMMAND_REGISTER(its_restore_cmd)
