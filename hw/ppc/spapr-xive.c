// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PAPR XIVE exploitation-mode hypercalls (H_INT_*). They check the
 * guest's arguments, keep what the guest configured (so the GET calls and
 * H_INT_RESET need no backend round trip) and hand the work to the
 * interrupt controller's ops. Everything runs under the bql.
 *
 * Argument errors follow PAPR: H_PARAMETER for reserved flags, H_Pn for
 * the n-th argument (flags being the first), H_HARDWARE when the backend
 * refused what the checks let through.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>

#include "hw/ppc/spapr-xive.h"
#include "system/log.h"
#include "system/memory.h"

#define NR_PRIOS 8

struct xive_source {
	bool claimed, lsi;
	bool masked;
	unsigned server, prio;
	uint32_t eisn;
};

struct xive_queue {
	uint64_t qpage;
	unsigned qshift; /* 0: disabled */
	bool always_notify;
};

static const struct spapr_xive_ops *xops;
static unsigned nr_servers;
/* Indexed by LISN; grows as sources are claimed. */
static struct xive_source *sources;
static unsigned sources_len, nr_lisns;
/* nr_servers * NR_PRIOS, by (server, prio). */
static struct xive_queue *queues;

/* Every notification page fits below the TIMA. */
_Static_assert(SPAPR_XIVE_END_BASE +
			       ((uint64_t)SPAPR_MAX_CPUS * NR_PRIOS << SPAPR_XIVE_ESB_SHIFT) <=
		       SPAPR_XIVE_TM_BASE,
	       "END notification pages overlap the TIMA");

/* A fresh source: masked, and its EISN is its LISN until the guest sets one. */
static void source_forget(struct xive_source *s, unsigned lisn)
{
	s->masked = true;
	s->server = 0;
	s->prio = SPAPR_XIVE_PRIO_MASKED;
	s->eisn = lisn;
}

static void forget_all(void)
{
	for (unsigned i = 0; i < nr_lisns; i++)
		source_forget(&sources[i], i);
	if (queues)
		memset(queues, 0, sizeof(*queues) * nr_servers * NR_PRIOS);
}

void spapr_xive_fini(void)
{
	g_free(sources);
	g_free(queues);
	sources = NULL;
	queues = NULL;
	sources_len = nr_lisns = 0;
	nr_servers = 0;
	xops = NULL;
}

void spapr_xive_init(const struct spapr_xive_ops *ops, unsigned servers)
{
	spapr_xive_fini();
	if (servers > SPAPR_MAX_CPUS) {
		warn_report("XIVE: %u interrupt servers, only %u supported", servers,
			    SPAPR_MAX_CPUS);
		servers = SPAPR_MAX_CPUS;
	}
	xops = ops;
	nr_servers = servers;
	queues = g_new0(struct xive_queue, (size_t)servers * NR_PRIOS);
}

bool spapr_xive_enabled(void)
{
	return xops != NULL;
}

unsigned spapr_xive_nr_servers(void)
{
	return nr_servers;
}

int spapr_xive_claim(unsigned lisn, bool lsi)
{
	if (!xops)
		return -ENODEV;
	if (lisn >= SPAPR_XIVE_NR_LISNS_MAX)
		return -ERANGE;
	if (lisn >= sources_len) {
		unsigned len = MAX(lisn + 1, sources_len * 2);

		len = MIN(len, SPAPR_XIVE_NR_LISNS_MAX);
		sources = g_renew(struct xive_source, sources, len);
		memset(sources + sources_len, 0, sizeof(*sources) * (len - sources_len));
		sources_len = len;
	}
	if (sources[lisn].claimed)
		return -EBUSY;
	sources[lisn].claimed = true;
	sources[lisn].lsi = lsi;
	source_forget(&sources[lisn], lisn);
	nr_lisns = MAX(nr_lisns, lisn + 1);
	return 0;
}

bool spapr_xive_source_exists(unsigned lisn)
{
	return lisn < nr_lisns && sources[lisn].claimed;
}

bool spapr_xive_source_is_lsi(unsigned lisn)
{
	return spapr_xive_source_exists(lisn) && sources[lisn].lsi;
}

unsigned spapr_xive_nr_lisns(void)
{
	return nr_lisns;
}

void spapr_xive_reset(void)
{
	if (!xops)
		return;
	if (xops->reset() < 0)
		error_report("XIVE: reset of the interrupt controller failed");
	forget_all();
}

/* Arguments are 64-bit: compare before narrowing. */
static struct xive_source *source_get(uint64_t lisn)
{
	return lisn < nr_lisns && sources[lisn].claimed ? &sources[lisn] : NULL;
}

static bool prio_ok(uint64_t prio)
{
	return prio <= SPAPR_XIVE_PRIO_MAX;
}

static struct xive_queue *queue_get(uint64_t server, uint64_t prio)
{
	return &queues[server * NR_PRIOS + prio];
}

static bool eq_shift_ok(uint64_t shift)
{
	static const unsigned shifts[] = SPAPR_XIVE_EQ_SHIFTS;

	for (unsigned i = 0; i < G_N_ELEMENTS(shifts); i++)
		if (shift == shifts[i])
			return true;
	return false;
}

/*
 * (flags=0, lisn) -> r4 flags, r5 management (EOI) page, r6 trigger page,
 * r7 the pages' shift. An LSI is managed through H_INT_ESB only: under KVM
 * its EOI must go through the kernel, which re-triggers a still asserted
 * level.
 */
static int64_t h_int_get_source_info(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], lisn = h->args[1];
	uint64_t page = SPAPR_XIVE_ESB_BASE + (lisn << SPAPR_XIVE_ESB_SHIFT);
	struct xive_source *s;

	if (flags)
		return H_PARAMETER;
	s = source_get(lisn);
	if (!s)
		return H_P2;
	if (s->lsi) {
		h->args[0] = SPAPR_XIVE_SRC_LSI | SPAPR_XIVE_SRC_H_INT_ESB;
		h->args[1] = -1ULL;
		h->args[2] = -1ULL;
	} else {
		h->args[0] = 0;
		h->args[1] = page + (1ULL << (SPAPR_XIVE_ESB_SHIFT - 1));
		h->args[2] = page;
	}
	h->args[3] = SPAPR_XIVE_ESB_SHIFT - 1;
	return H_SUCCESS;
}

/* (flags, lisn, target, prio, eisn): prio 0xff masks the source and resets its routing. */
static int64_t h_int_set_source_config(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], lisn = h->args[1], target = h->args[2];
	uint64_t prio = h->args[3], eisn = h->args[4];
	struct xive_source *s, n;

	if (flags & ~(SPAPR_XIVE_SRC_SET_EISN | SPAPR_XIVE_SRC_MASK))
		return H_PARAMETER;
	s = source_get(lisn);
	if (!s)
		return H_P2;
	n = *s;
	if (prio == SPAPR_XIVE_PRIO_MASKED) {
		source_forget(&n, lisn);
	} else {
		if (!prio_ok(prio))
			return H_P4;
		if (target >= nr_servers)
			return H_P3;
		/* KVM keeps 31 bits of EISN (what Linux puts in its queues). */
		if ((flags & SPAPR_XIVE_SRC_SET_EISN) && eisn > INT32_MAX)
			return H_P5;
		n.masked = flags & SPAPR_XIVE_SRC_MASK;
		n.server = target;
		n.prio = prio;
		n.eisn = flags & SPAPR_XIVE_SRC_SET_EISN ? eisn : lisn;
	}
	if (xops->set_source(lisn, n.masked, n.server, n.prio, n.eisn) < 0)
		return H_HARDWARE;
	*s = n;
	return H_SUCCESS;
}

/* (flags=0, lisn) -> r4 target, r5 prio (0xff while masked), r6 eisn. */
static int64_t h_int_get_source_config(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], lisn = h->args[1];
	struct xive_source *s;

	if (flags)
		return H_PARAMETER;
	s = source_get(lisn);
	if (!s)
		return H_P2;
	h->args[0] = s->server;
	h->args[1] = s->masked ? SPAPR_XIVE_PRIO_MASKED : s->prio;
	h->args[2] = s->eisn;
	return H_SUCCESS;
}

/*
 * (flags=0, target, prio) -> r4 the queue's notification page (never
 * mapped: Linux only records it), r5 log2 of the queue's size or 0.
 */
static int64_t h_int_get_queue_info(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], target = h->args[1], prio = h->args[2];

	if (flags)
		return H_PARAMETER;
	if (!prio_ok(prio))
		return H_P3;
	if (target >= nr_servers)
		return H_P2;
	h->args[0] = SPAPR_XIVE_END_BASE + ((target * NR_PRIOS + prio) << SPAPR_XIVE_ESB_SHIFT);
	h->args[1] = queue_get(target, prio)->qshift;
	return H_SUCCESS;
}

/*
 * (flags, target, prio, qpage, qshift): qshift 0 disables the queue (qpage
 * is then ignored), else the queue must be naturally aligned guest RAM,
 * which KVM pins and writes into.
 */
static int64_t h_int_set_queue_config(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], target = h->args[1], prio = h->args[2];
	uint64_t qpage = h->args[3], qshift = h->args[4];
	bool notify = flags & SPAPR_XIVE_END_ALWAYS_NOTIFY;
	struct xive_queue *q;

	if (flags & ~SPAPR_XIVE_END_ALWAYS_NOTIFY)
		return H_PARAMETER;
	if (!prio_ok(prio))
		return H_P3;
	if (target >= nr_servers)
		return H_P2;
	if (!qshift) {
		qpage = 0;
	} else {
		if (!eq_shift_ok(qshift))
			return H_P5;
		if (qpage & ((1ULL << qshift) - 1))
			return H_P4;
		if (!gpa_to_hva(qpage, 1ULL << qshift))
			return H_P4;
	}
	if (xops->set_queue(target, prio, qpage, qshift, notify) < 0)
		return H_HARDWARE;
	q = queue_get(target, prio);
	q->qpage = qpage;
	q->qshift = qshift;
	q->always_notify = notify;
	return H_SUCCESS;
}

/*
 * (flags, target, prio) -> r4 flags (ALWAYS_NOTIFY; with DEBUG also the
 * generation bit), r5 qpage, r6 log2 size, r7 the queue index with DEBUG.
 */
static int64_t h_int_get_queue_config(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], target = h->args[1], prio = h->args[2];
	uint32_t toggle = 0, index = 0;
	struct xive_queue *q;

	if (flags & ~SPAPR_XIVE_END_DEBUG)
		return H_PARAMETER;
	if (!prio_ok(prio))
		return H_P3;
	if (target >= nr_servers)
		return H_P2;
	q = queue_get(target, prio);
	/* A disabled queue has no position to report. */
	if ((flags & SPAPR_XIVE_END_DEBUG) && q->qshift &&
	    xops->get_queue(target, prio, &toggle, &index) < 0)
		return H_HARDWARE;
	h->args[0] = q->always_notify ? SPAPR_XIVE_END_ALWAYS_NOTIFY : 0;
	if (toggle)
		h->args[0] |= SPAPR_XIVE_END_GENERATION;
	h->args[1] = q->qpage;
	h->args[2] = q->qshift;
	h->args[3] = index;
	return H_SUCCESS;
}

/* (flags, lisn, offset, data): a load (r4 = value) or store (r4 = -1) in the management page. */
static int64_t h_int_esb(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], lisn = h->args[1], offset = h->args[2];
	uint64_t data = h->args[3], value = 0;
	bool store = flags & SPAPR_XIVE_ESB_STORE;

	if (flags & ~SPAPR_XIVE_ESB_STORE)
		return H_PARAMETER;
	if (!source_get(lisn))
		return H_P2;
	if (offset >= 1ULL << (SPAPR_XIVE_ESB_SHIFT - 1))
		return H_P3;
	if (xops->esb(lisn, offset, data, store, &value) < 0)
		return H_HARDWARE;
	h->args[0] = store ? -1ULL : value;
	return H_SUCCESS;
}

/* (flags=0, lisn): what the source sent is in its queue on return. */
static int64_t h_int_sync(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], lisn = h->args[1];

	if (flags)
		return H_PARAMETER;
	if (!source_get(lisn))
		return H_P2;
	return xops->sync(lisn) < 0 ? H_HARDWARE : H_SUCCESS;
}

/*
 * (flags=0): back to the boot state, as kexec and kdump kernels ask. The
 * configuration is forgotten even when the backend fails: the guest will
 * configure again from scratch either way.
 */
static int64_t h_int_reset(struct spapr_hcall *h)
{
	int ret;

	if (h->args[0])
		return H_PARAMETER;
	ret = xops->reset();
	forget_all();
	return ret < 0 ? H_HARDWARE : H_SUCCESS;
}

int64_t spapr_xive_hcall(struct spapr_hcall *h)
{
	if (!xops)
		return H_FUNCTION;
	switch (h->nr) {
	case H_INT_GET_SOURCE_INFO:
		return h_int_get_source_info(h);
	case H_INT_SET_SOURCE_CONFIG:
		return h_int_set_source_config(h);
	case H_INT_GET_SOURCE_CONFIG:
		return h_int_get_source_config(h);
	case H_INT_GET_QUEUE_INFO:
		return h_int_get_queue_info(h);
	case H_INT_SET_QUEUE_CONFIG:
		return h_int_set_queue_config(h);
	case H_INT_GET_QUEUE_CONFIG:
		return h_int_get_queue_config(h);
	case H_INT_ESB:
		return h_int_esb(h);
	case H_INT_SYNC:
		return h_int_sync(h);
	case H_INT_RESET:
		return h_int_reset(h);
	default:
		/* The OS reporting lines are optional in PAPR; Linux does not use them. */
		return H_FUNCTION;
	}
}
