/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_INTC_ARM_GICV3_ITS_H
#define KEEL_HW_INTC_ARM_GICV3_ITS_H
/*
 * The in-kernel GICv3 ITS: its reset, register read-back and table
 * save/restore, written against a small table of device-attribute calls so
 * that the sequences run (and are unit tested) without a kernel. The values
 * below are the KVM ABI (arch/arm64/include/uapi/asm/kvm.h); they are
 * repeated here so this header also builds on hosts whose <asm/kvm.h> has
 * no GIC (the x86 unit tests). hw/intc/arm_gicv3_kvm.c checks them against
 * the real header.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define ITS_GRP_ADDR 0		/* KVM_DEV_ARM_VGIC_GRP_ADDR */
#define ITS_GRP_CTRL 4		/* KVM_DEV_ARM_VGIC_GRP_CTRL */
#define ITS_GRP_REGS 8		/* KVM_DEV_ARM_VGIC_GRP_ITS_REGS */
#define ITS_CTRL_INIT 0		/* KVM_DEV_ARM_VGIC_CTRL_INIT */
#define ITS_CTRL_SAVE_TABLES 1	/* KVM_DEV_ARM_ITS_SAVE_TABLES */
#define ITS_CTRL_RESTORE_TABLES 2 /* KVM_DEV_ARM_ITS_RESTORE_TABLES */
#define ITS_CTRL_RESET 4	/* KVM_DEV_ARM_ITS_CTRL_RESET */

/* Register offsets in the ITS control frame. */
#define GITS_CTLR 0x0
#define GITS_IIDR 0x4
#define GITS_TYPER 0x8
#define GITS_CBASER 0x80
#define GITS_CWRITER 0x88
#define GITS_CREADR 0x90
#define GITS_BASER(n) (0x100 + 8 * (n))
#define GITS_NR_BASER 8

#define GITS_CTLR_ENABLED (1ULL << 0)
#define GITS_CTLR_QUIESCENT (1ULL << 31)
#define GITS_CBASER_VALID (1ULL << 63)
#define GITS_BASER_VALID (1ULL << 63)

/* One device-attribute call each; 0 or -errno. val points to a u64 (or is NULL). */
struct its_dev_ops {
	int (*has_attr)(void *opaque, uint32_t group, uint64_t attr);
	int (*set_attr)(void *opaque, uint32_t group, uint64_t attr, const uint64_t *val);
	int (*get_attr)(void *opaque, uint32_t group, uint64_t attr, uint64_t *val);
};

struct its_regs {
	uint64_t ctlr, iidr, typer, cbaser, cwriter, creadr;
	uint64_t baser[GITS_NR_BASER];
};

enum its_reset_mode {
	ITS_RESET_AUTO,	    /* the reset attribute when the kernel has it */
	ITS_RESET_REGISTERS, /* force the register fallback */
	ITS_RESET_NONE,	    /* test switch: skip (the negative control) */
};

enum its_reset_result {
	ITS_RESET_DONE_ATTR,
	ITS_RESET_DONE_REGISTERS,
	ITS_RESET_SKIPPED,
};

/*
 * Reset the ITS as its reset line would. Uses ITS_CTRL_RESET when has_attr
 * says it exists (it also drops the kernel's cached devices, collections and
 * LPIs); otherwise writes GITS_CTLR=0, CBASER=0, CREADR=0, CWRITER=0 and
 * clears BASER<n>.Valid, which is all a register interface can do. Returns
 * how it reset; *err is set when a call failed (the sequence still runs to
 * the end).
 */
enum its_reset_result its_reset(const struct its_dev_ops *ops, void *opaque,
				enum its_reset_mode mode, GError **err);

int its_regs_read(const struct its_dev_ops *ops, void *opaque, struct its_regs *r,
		  GError **err);
/* Registers a reset must leave: disabled, no command queue, no valid table. */
bool its_regs_are_reset(const struct its_regs *r);

/* KVM_DEV_ARM_ITS_SAVE_TABLES / RESTORE_TABLES with the errno in *err. vCPUs paused. */
int its_tables_save(const struct its_dev_ops *ops, void *opaque, GError **err);
int its_tables_restore(const struct its_dev_ops *ops, void *opaque, GError **err);

#endif
