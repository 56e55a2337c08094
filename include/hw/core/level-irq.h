/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_LEVEL_IRQ_H
#define KEEL_HW_CORE_LEVEL_IRQ_H

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A level-triggered line of the in-kernel irqchip that one device drives
 * (virtio-mmio). With KVM_CAP_IRQFD_RESAMPLE it is an irqfd in resample
 * mode: raising the line writes the irqfd; the kernel lowers the line when
 * the guest EOIs it and signals the resample eventfd, on which the main loop
 * asks the device (pending()) and raises the line again if it is still due.
 * Lowering the level does nothing in the kernel then: the line drops at the
 * guest's EOI. Without the capability, or when forced, it is KVM_IRQ_LINE,
 * raised and lowered as the level changes.
 *
 * Every call with the bql held.
 */

enum level_irq_path {
	LEVEL_IRQ_LINE,		/* KVM_IRQ_LINE */
	LEVEL_IRQ_IRQFD,	/* KVM_IRQFD with KVM_IRQFD_FLAG_RESAMPLE */
};

struct level_irq_stats {
	uint64_t asserts;	/* the device raised the line */
	uint64_t deasserts;	/* lowered: KVM_IRQ_LINE 0, or by the kernel at an EOI */
	uint64_t resamples;	/* resample signals read (guest EOIs of a raised line) */
	uint64_t reasserts;	/* raised again at a resample: the device still pending */
	uint64_t reset_drops;	/* resets that found the irqfd line raised */
};

struct level_irq;

/*
 * line: the KVM_IRQ_LINE number (GSI on x86, the packed SPI on arm64).
 * use_irqfd false forces KVM_IRQ_LINE. Never fails: without the capability
 * or a GSI for the irqfd the line uses KVM_IRQ_LINE, and also when KVM
 * refuses the irqfd (with a warning) at the first reset or use, where it is
 * assigned. pending(opaque) is the device's level, asked at a resample.
 */
struct level_irq *level_irq_new(const char *name, unsigned line, bool use_irqfd,
				bool (*pending)(void *opaque), void *opaque);
/* Release the irqfd (KVM deassigns it and lowers the line) and the eventfds. */
void level_irq_free(struct level_irq *l);
void level_irq_set(struct level_irq *l, bool level);
/* Cold state: lowered in the kernel too, no resample left over. */
void level_irq_reset(struct level_irq *l);
/* Handle a signalled resample now (the main loop does this by itself). */
void level_irq_resample(struct level_irq *l);

enum level_irq_path level_irq_path(const struct level_irq *l);
const char *level_irq_path_name(const struct level_irq *l);
struct level_irq_stats level_irq_stats(const struct level_irq *l);
/* Raised in the kernel through the irqfd and not yet lowered by an EOI we saw. */
bool level_irq_raised(const struct level_irq *l);

/* Test seam: the kernel side. NULL restores the real ioctls on the VM. */
struct level_irq_kvm {
	bool (*has_resample)(void);
	int (*irq_line)(unsigned line, bool level);		/* 0 or -errno */
	int (*irqfd)(const struct kvm_irqfd *req);		/* 0 or -errno */
};
void level_irq_set_kvm(const struct level_irq_kvm *k);

#endif
