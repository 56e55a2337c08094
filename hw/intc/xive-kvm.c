// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * XIVE exploitation mode in KVM (KVM_DEV_TYPE_XIVE). Every source is an
 * interrupt of the host's XIVE that KVM allocated for us; the guest reaches
 * its two ESB pages (trigger, then management) and the TIMA's OS page
 * directly, through memslots backed by the device fd's mmap, so they never
 * exit. What the guest configures with H_INT_* (hw/ppc/spapr-xive.c) lands
 * here as device attributes.
 *
 * The cold state a reset pushes: KVM_DEV_XIVE_RESET disables every event
 * queue (KVM stops writing into guest RAM the next kernel owns) and each
 * source is created again, which masks it and sets its PQ bits to 01 (off);
 * each vCPU's thread context goes back to what KVM gave it at connection.
 * The audit reads all of it back.
 *
 * LSIs (PCI INTx) sit on sources that cannot latch a level: the guest's
 * EOI goes through H_INT_ESB, and an EOI that finds the line still high
 * triggers the source again. The line levels come from irq_set_level().
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "accel/kvm.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "hw/intc/xive.h"
#include "hw/ppc/spapr-xive.h"
#include "system/error.h"
#include "system/log.h"
#include "system/memory.h"

/* ESB management page offsets (loads). */
#define ESB_LOAD_EOI 0x000
#define ESB_GET 0x800
#define ESB_SET_PQ_00 0xc00
#define ESB_SET_PQ_01 0xd00
#define PQ_OFF 0x1

#define TM_SIZE (4ULL << SPAPR_XIVE_TM_SHIFT)
#define ESB_PAGE (1ULL << (SPAPR_XIVE_ESB_SHIFT - 1))

/*
 * The OS ring's word 0-1 as KVM sets it when a vCPU connects: CPPR 0
 * (everything masked), ACK# 0xff. Bytes in TIMA order: NSR CPPR IPB LSMFB
 * ACK# INC AGE PIPR; KVM keeps them as they are in memory.
 */
static const uint8_t vp_cold[8] = { 0, 0, 0, 0, 0xff, 0, 0, 0 };
#define TM_CPPR 1
#define TM_IPB 2

static int xive_fd = -1;
static void *tima = MAP_FAILED, *esb = MAP_FAILED;
/* Current line level per LISN, for the LSIs' re-trigger (irq_set_level_observer). */
static GByteArray *level;
static bool no_reset; /* KEEL_TEST_NO_XIVE_RESET: negative control */

static int dev_attr(unsigned long req, uint32_t group, uint64_t attr, void *val)
{
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)val };

	return ioctl(xive_fd, req, &a) < 0 ? -errno : 0;
}

static bool is_lsi(unsigned lisn)
{
	return spapr_xive_source_is_lsi(lisn);
}

static bool is_high(unsigned lisn)
{
	return level && lisn < level->len && level->data[lisn];
}

/* The management page of a source; volatile MMIO, big-endian. */
static volatile uint64_t *mgmt(unsigned lisn, uint64_t offset)
{
	return (volatile uint64_t *)((uint8_t *)esb + ((uint64_t)lisn << SPAPR_XIVE_ESB_SHIFT) +
				     ESB_PAGE + offset);
}

static uint64_t esb_load(unsigned lisn, uint64_t offset)
{
	uint64_t v;

	__asm__ volatile("sync" ::: "memory");
	v = *mgmt(lisn, offset);
	__asm__ volatile("isync" ::: "memory");
	return GUINT64_FROM_BE(v);
}

static void esb_store(unsigned lisn, uint64_t offset, uint64_t data)
{
	__asm__ volatile("sync" ::: "memory");
	*mgmt(lisn, offset) = GUINT64_TO_BE(data);
	__asm__ volatile("sync" ::: "memory");
}

bool xive_kvm_available(void)
{
	return kvm_check_extension(KVM_CAP_PPC_IRQ_XIVE) > 0 &&
	       getpagesize() == (int)ESB_PAGE;
}

bool xive_kvm_present(void)
{
	return xive_fd >= 0;
}

/* Creating a source again is KVM's cold state for it: masked, PQ 01. */
static int create_source(unsigned lisn)
{
	uint64_t v = (is_lsi(lisn) ? KVM_XIVE_LEVEL_SENSITIVE : 0) |
		     (is_lsi(lisn) && is_high(lisn) ? KVM_XIVE_LEVEL_ASSERTED : 0);

	return dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE, lisn, &v);
}

static int op_set_source(unsigned lisn, bool masked, unsigned server, unsigned prio,
			 uint32_t eisn)
{
	uint64_t v = (masked ? KVM_XIVE_SOURCE_MASKED_MASK : 0) |
		     (((uint64_t)server << KVM_XIVE_SOURCE_SERVER_SHIFT) &
		      KVM_XIVE_SOURCE_SERVER_MASK) |
		     (((uint64_t)eisn << KVM_XIVE_SOURCE_EISN_SHIFT) & KVM_XIVE_SOURCE_EISN_MASK);

	/* A masked source has no priority; KVM wants a valid one in the field. */
	if (!masked)
		v |= (prio << KVM_XIVE_SOURCE_PRIORITY_SHIFT) & KVM_XIVE_SOURCE_PRIORITY_MASK;
	return dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_CONFIG, lisn, &v);
}

static uint64_t eq_id(unsigned server, unsigned prio)
{
	return (((uint64_t)server << KVM_XIVE_EQ_SERVER_SHIFT) & KVM_XIVE_EQ_SERVER_MASK) |
	       ((prio << KVM_XIVE_EQ_PRIORITY_SHIFT) & KVM_XIVE_EQ_PRIORITY_MASK);
}

/*
 * KVM notifies through the queue only unconditionally (no END ESBs) and
 * refuses a queue without the flag. A new queue starts at index 0 with
 * generation 1, the first value the guest's empty (zeroed) queue lacks.
 */
static int op_set_queue(unsigned server, unsigned prio, uint64_t qpage, unsigned qshift,
			bool always_notify)
{
	struct kvm_ppc_xive_eq eq = {
		.flags = always_notify ? KVM_XIVE_EQ_ALWAYS_NOTIFY : 0,
		.qshift = qshift,
		.qaddr = qshift ? qpage : 0,
		.qtoggle = 1,
		.qindex = 0,
	};

	return dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, eq_id(server, prio), &eq);
}

static int get_queue(unsigned server, unsigned prio, struct kvm_ppc_xive_eq *eq)
{
	memset(eq, 0, sizeof(*eq));
	return dev_attr(KVM_GET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_EQ_CONFIG, eq_id(server, prio), eq);
}

static int op_get_queue(unsigned server, unsigned prio, uint32_t *toggle, uint32_t *index)
{
	struct kvm_ppc_xive_eq eq;
	int ret = get_queue(server, prio, &eq);

	if (ret < 0)
		return ret;
	*toggle = eq.qtoggle;
	*index = eq.qindex;
	return 0;
}

static int op_reset(void)
{
	uint64_t none = 0;
	int ret = dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_RESET, &none);

	if (ret < 0)
		return ret;
	for (unsigned lisn = 0; lisn < spapr_xive_nr_lisns(); lisn++) {
		if (!spapr_xive_source_exists(lisn))
			continue;
		ret = create_source(lisn);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int op_sync(unsigned lisn)
{
	uint64_t none = 0;

	return dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_SOURCE_SYNC, lisn, &none);
}

static int op_esb(unsigned lisn, uint64_t offset, uint64_t data, bool write, uint64_t *value)
{
	if (esb == MAP_FAILED || lisn >= spapr_xive_nr_lisns() || offset >= ESB_PAGE)
		return -EINVAL;
	if (write) {
		esb_store(lisn, offset, data);
		return 0;
	}
	if (is_lsi(lisn) && offset == ESB_LOAD_EOI) {
		/* An LSI's PQ never latches a second event: EOI, then the level decides. */
		esb_load(lisn, ESB_SET_PQ_00);
		if (is_high(lisn))
			kvm_irq_line(lisn, true);
		*value = 0;
		return 0;
	}
	*value = esb_load(lisn, offset);
	return 0;
}

static const struct spapr_xive_ops kvm_ops = {
	.set_source = op_set_source,
	.set_queue = op_set_queue,
	.get_queue = op_get_queue,
	.reset = op_reset,
	.sync = op_sync,
	.esb = op_esb,
};

static void record_level(unsigned gsi, bool high)
{
	if (!level || gsi >= level->len)
		return;
	level->data[gsi] = high;
}

int xive_kvm_init(unsigned nr_servers, GError **err)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XIVE };
	struct kvm_device_attr a = { .group = KVM_DEV_XIVE_GRP_CTRL,
				     .attr = KVM_DEV_XIVE_NR_SERVERS };
	uint32_t n = nr_servers;

	if (ioctl(kvm_vm_fd(), KVM_CREATE_DEVICE, &cd) < 0) {
		error_setg(err, "cannot create the in-kernel XIVE: %s", g_strerror(errno));
		return -errno;
	}
	xive_fd = cd.fd;
	/* Fewer VPs than KVM's default maximum: newer kernels only (5.8). */
	if (ioctl(xive_fd, KVM_HAS_DEVICE_ATTR, &a) == 0 &&
	    dev_attr(KVM_SET_DEVICE_ATTR, KVM_DEV_XIVE_GRP_CTRL, KVM_DEV_XIVE_NR_SERVERS, &n) < 0) {
		error_setg(err, "XIVE: cannot set %u servers: %s", n, g_strerror(errno));
		return -EINVAL;
	}
	level = g_byte_array_new();
	no_reset = getenv("KEEL_TEST_NO_XIVE_RESET") != NULL;
	if (no_reset)
		warn_report("KEEL_TEST_NO_XIVE_RESET: the XIVE is NOT reset (test switch)");
	irq_set_level_observer(record_level);
	spapr_xive_init(&kvm_ops, nr_servers);
	return 0;
}

int xive_kvm_claim(unsigned lisn, bool lsi_src, GError **err)
{
	int ret;

	if (xive_fd < 0 || spapr_xive_claim(lisn, lsi_src) < 0) {
		error_setg(err, "XIVE: cannot claim source 0x%x", lisn);
		return -EINVAL;
	}
	if (lisn >= level->len)
		g_byte_array_set_size(level, lisn + 1);
	level->data[lisn] = 0;
	ret = create_source(lisn);
	if (ret < 0)
		error_setg(err, "XIVE: cannot create source 0x%x: %s", lisn, g_strerror(-ret));
	return ret;
}

static void *map_dev(uint64_t pgoff, size_t len, const char *what, GError **err)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, xive_fd,
		       pgoff * getpagesize());

	if (p == MAP_FAILED)
		error_setg(err, "XIVE: cannot map the %s: %s", what, g_strerror(errno));
	return p;
}

static void xive_reset(void *opaque)
{
	if (no_reset)
		return;
	spapr_xive_reset();
}

int xive_kvm_map(GError **err)
{
	struct ram_region *tm_r, *esb_r;
	size_t esb_len;
	int ret;

	esb_len = (size_t)spapr_xive_nr_lisns() << SPAPR_XIVE_ESB_SHIFT;
	tima = map_dev(KVM_XIVE_TIMA_PAGE_OFFSET, TM_SIZE, "TIMA", err);
	if (tima == MAP_FAILED)
		return -ENOMEM;
	esb = map_dev(KVM_XIVE_ESB_PAGE_OFFSET, esb_len, "ESB pages", err);
	if (esb == MAP_FAILED)
		return -ENOMEM;
	tm_r = ram_region_new_device("xive.tima", tima, TM_SIZE);
	esb_r = ram_region_new_device("xive.esb", esb, esb_len);
	memory_begin();
	memory_map_ram(tm_r, SPAPR_XIVE_TM_BASE);
	memory_map_ram(esb_r, SPAPR_XIVE_ESB_BASE);
	ret = memory_commit();
	if (ret < 0) {
		error_setg(err, "XIVE: cannot map the TIMA and ESB pages: %s", g_strerror(-ret));
		return ret;
	}
	reset_register(RESET_ORDER_MACHINE, xive_reset, NULL, "xive-kvm");
	return 0;
}

int xive_kvm_connect_vcpu(int vcpu_fd, unsigned server, GError **err)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_PPC_IRQ_XIVE,
		.args = { (uint64_t)xive_fd, server },
	};

	if (xive_fd < 0)
		return 0;
	if (ioctl(vcpu_fd, KVM_ENABLE_CAP, &cap) < 0) {
		error_setg(err, "cannot connect vCPU %u to the in-kernel XIVE: %s", server,
			   g_strerror(errno));
		return -errno;
	}
	return 0;
}

static int vp_state(int vcpu_fd, uint64_t state[2], bool set)
{
	struct kvm_one_reg r = { .id = KVM_REG_PPC_VP_STATE, .addr = (uintptr_t)state };

	return ioctl(vcpu_fd, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &r) < 0 ? -errno : 0;
}

void xive_kvm_reset_vp(int vcpu_fd)
{
	uint64_t state[2] = { 0, 0 };

	if (xive_fd < 0 || no_reset)
		return;
	memcpy(&state[0], vp_cold, sizeof(vp_cold));
	if (vp_state(vcpu_fd, state, true) < 0)
		error_report("XIVE: cannot reset a vCPU's thread context: %s", g_strerror(errno));
}

static unsigned audit_sources(void)
{
	unsigned bad = 0;

	for (unsigned lisn = 0; lisn < spapr_xive_nr_lisns(); lisn++) {
		uint64_t pq;

		if (!spapr_xive_source_exists(lisn))
			continue;
		pq = esb_load(lisn, ESB_GET) & 3;
		if (pq != PQ_OFF) {
			error_report("reset audit: XIVE source 0x%x: PQ %llu%llu, expected 01", lisn,
				     (unsigned long long)(pq >> 1), (unsigned long long)(pq & 1));
			bad++;
		}
	}
	return bad;
}

unsigned xive_kvm_audit_vp(int vcpu_fd, unsigned index)
{
	uint64_t state[2] = { 0, 0 };
	uint8_t w01[8];
	unsigned bad = 0;

	if (xive_fd < 0)
		return 0;
	if (vp_state(vcpu_fd, state, false) < 0) {
		error_report("reset audit: vCPU %u: XIVE thread context: %s", index,
			     g_strerror(errno));
		return 1;
	}
	memcpy(w01, &state[0], sizeof(w01));
	/*
	 * KVM merges the hardware's backlog for the VP (the NVT's IPB, set by an
	 * event that arrived while the vCPU was out of the guest, e.g. during
	 * the pause before this reset) into what it reports, and offers no way
	 * to clear it: the queues it points at are gone, so the worst it does is
	 * one spurious interrupt, which the guest's ack finds empty.
	 */
	if (w01[TM_IPB])
		debug_log("XIVE: vCPU %u: backlog IPB %02x left by the hardware at reset", index,
			  w01[TM_IPB]);
	w01[TM_IPB] = 0;
	if (memcmp(w01, vp_cold, sizeof(w01))) {
		error_report("reset audit: vCPU %u: XIVE NSR %02x CPPR %02x PIPR %02x, "
			     "expected the cold context",
			     index, w01[0], w01[TM_CPPR], w01[7]);
		bad++;
	}
	/* Priority 7 is the hypervisor's: KVM has no queue to name there. */
	for (unsigned prio = 0; prio <= SPAPR_XIVE_PRIO_MAX; prio++) {
		struct kvm_ppc_xive_eq eq;

		if (get_queue(index, prio, &eq) < 0 || eq.qshift || eq.qaddr) {
			error_report("reset audit: vCPU %u: XIVE queue %u still at 0x%llx (2^%u bytes)",
				     index, prio, (unsigned long long)eq.qaddr, eq.qshift);
			bad++;
		}
	}
	if (index == 0)
		bad += audit_sources();
	return bad;
}

/* A pending priority the thread's CPPR lets through. */
bool xive_kvm_vp_pending(int vcpu_fd)
{
	uint64_t state[2] = { 0, 0 };
	uint8_t w01[8];
	unsigned cppr, ipb;

	if (xive_fd < 0 || vp_state(vcpu_fd, state, false) < 0)
		return false;
	memcpy(w01, &state[0], sizeof(w01));
	cppr = w01[TM_CPPR];
	ipb = w01[TM_IPB];
	/* IPB bit 0x80 >> p: priority p pending; it presents when p < CPPR. */
	for (unsigned p = 0; p < 8 && p < cppr; p++)
		if (ipb & (0x80 >> p))
			return true;
	return false;
}
