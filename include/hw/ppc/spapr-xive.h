/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_PPC_SPAPR_XIVE_H
#define KEEL_HW_PPC_SPAPR_XIVE_H

/*
 * XIVE exploitation mode on pseries: the guest drives the interrupt
 * controller itself through the PAPR H_INT_* hypercalls, loads and stores
 * on its sources' ESB pages and on the thread interrupt management area
 * (TIMA). KVM does the presentation (KVM_DEV_TYPE_XIVE, hw/intc/xive-kvm.c);
 * the hypercalls land here, are checked against PAPR and turned into calls
 * on a backend, so this file builds and is unit tested on any host.
 *
 * Interrupt numbers (LISNs): 0 .. nr_servers-1 are the IPIs the guest
 * allocates from ibm,xive-lisn-ranges, SPAPR_IRQ_BASE and up the devices'
 * sources, as with XICS. A "target" is a vCPU's interrupt server number.
 */
#include <stdbool.h>
#include <stdint.h>

#include "hw/ppc/spapr.h"

#define H_INT_GET_SOURCE_INFO 0x3a8
#define H_INT_SET_SOURCE_CONFIG 0x3ac
#define H_INT_GET_SOURCE_CONFIG 0x3b0
#define H_INT_GET_QUEUE_INFO 0x3b4
#define H_INT_SET_QUEUE_CONFIG 0x3b8
#define H_INT_GET_QUEUE_CONFIG 0x3bc
#define H_INT_SET_OS_REPORTING_LINE 0x3c0
#define H_INT_GET_OS_REPORTING_LINE 0x3c4
#define H_INT_ESB 0x3c8
#define H_INT_SYNC 0x3cc
#define H_INT_RESET 0x3d0
#define H_P5 (-58)

/*
 * Guest-physical layout (the addresses QEMU uses, so guests see the same):
 * each source has two 64 KiB ESB pages, trigger then management (EOI);
 * the TIMA is four 64 KiB pages of which the guest uses the OS (2) and
 * user (3) ones; the queues' notification pages are never mapped.
 */
#define SPAPR_XIVE_ESB_BASE 0x0006010000000000ULL
#define SPAPR_XIVE_ESB_SHIFT 17
#define SPAPR_XIVE_END_BASE 0x0006030000000000ULL
#define SPAPR_XIVE_TM_BASE 0x0006030203180000ULL
#define SPAPR_XIVE_TM_SHIFT 16
#define SPAPR_XIVE_TM_OS_PAGE 2
#define SPAPR_XIVE_TM_USER_PAGE 3
/* Priorities 0..6 are the guest's; 7 is reserved (ibm,plat-res-int-priorities). */
#define SPAPR_XIVE_PRIO_MAX 6
#define SPAPR_XIVE_PRIO_MASKED 0xff

/* H_INT_GET_SOURCE_INFO flags (PAPR bit numbering: bit 63 is 1). */
#define SPAPR_XIVE_SRC_H_INT_ESB (1ULL << 3)
#define SPAPR_XIVE_SRC_LSI (1ULL << 2)
#define SPAPR_XIVE_SRC_TRIGGER (1ULL << 1)
#define SPAPR_XIVE_SRC_STORE_EOI (1ULL << 0)
/* H_INT_SET_SOURCE_CONFIG flags. */
#define SPAPR_XIVE_SRC_SET_EISN (1ULL << 1)
#define SPAPR_XIVE_SRC_MASK (1ULL << 0)
/* H_INT_ESB flags. */
#define SPAPR_XIVE_ESB_STORE (1ULL << 0)
/* H_INT_SET_QUEUE_CONFIG flags; H_INT_GET_QUEUE_CONFIG's debug flag. */
#define SPAPR_XIVE_END_ALWAYS_NOTIFY (1ULL << 0)
#define SPAPR_XIVE_END_DEBUG (1ULL << 0)
/* H_INT_GET_QUEUE_CONFIG output flags: ALWAYS_NOTIFY, and with DEBUG the generation bit. */
#define SPAPR_XIVE_END_GENERATION (1ULL << 1)
/* Queue sizes (log2) the guest may ask for (ibm,xive-eq-sizes). */
#define SPAPR_XIVE_EQ_SHIFTS { 12, 16, 21, 24 }
/* The ESB space up to SPAPR_XIVE_END_BASE: how many LISNs can be claimed. */
#define SPAPR_XIVE_NR_LISNS_MAX                                                                    \
	((unsigned)((SPAPR_XIVE_END_BASE - SPAPR_XIVE_ESB_BASE) >> SPAPR_XIVE_ESB_SHIFT))

/* What the hypercalls ask of the interrupt controller; each returns 0 or -errno. */
struct spapr_xive_ops {
	/*
	 * Route lisn to server's queue prio, delivering eisn; or mask it. Masked
	 * by H_INT_SET_SOURCE_CONFIG's MASK flag, server and prio are the guest's;
	 * by prio 0xff, they are 0 and SPAPR_XIVE_PRIO_MASKED, eisn the lisn.
	 */
	int (*set_source)(unsigned lisn, bool masked, unsigned server, unsigned prio,
			  uint32_t eisn);
	/*
	 * Give server's queue prio the 1 << qshift bytes at qpage; qshift 0 disables it.
	 * always_notify: the guest's SPAPR_XIVE_END_ALWAYS_NOTIFY (KVM requires it).
	 */
	int (*set_queue)(unsigned server, unsigned prio, uint64_t qpage, unsigned qshift,
			 bool always_notify);
	/* A queue's generation bit and index (H_INT_GET_QUEUE_CONFIG with the debug flag). */
	int (*get_queue)(unsigned server, unsigned prio, uint32_t *toggle, uint32_t *index);
	/* Every source masked, every queue disabled (H_INT_RESET, machine reset). */
	int (*reset)(void);
	/* Everything lisn has sent is in its queue (H_INT_SYNC). */
	int (*sync)(unsigned lisn);
	/* H_INT_ESB: a load (into *value) or store at offset in lisn's management page. */
	int (*esb)(unsigned lisn, uint64_t offset, uint64_t data, bool write, uint64_t *value);
};

/*
 * XIVE mode with these ops; servers 0 .. nr_servers-1 (at most
 * SPAPR_MAX_CPUS); sources are claimed next.
 */
void spapr_xive_init(const struct spapr_xive_ops *ops, unsigned nr_servers);
bool spapr_xive_enabled(void);
unsigned spapr_xive_nr_servers(void);
/*
 * Make lisn a source the guest may configure; lsi: level-sensitive (PCI INTx).
 * Returns 0, -ENODEV without XIVE mode, -EBUSY if already claimed, -ERANGE
 * beyond SPAPR_XIVE_NR_LISNS_MAX.
 */
int spapr_xive_claim(unsigned lisn, bool lsi);
bool spapr_xive_source_exists(unsigned lisn);
bool spapr_xive_source_is_lsi(unsigned lisn);
/* One past the highest claimed LISN (how much ESB space to map). */
unsigned spapr_xive_nr_lisns(void);
/* The H_INT_* hypercalls (bql held); H_FUNCTION when XIVE mode is off. */
int64_t spapr_xive_hcall(struct spapr_hcall *h);
/* Machine reset: ops->reset, and every configuration forgotten. */
void spapr_xive_reset(void);
/* Back to no XIVE (tests). */
void spapr_xive_fini(void);

#endif
