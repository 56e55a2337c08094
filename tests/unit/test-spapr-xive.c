// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PAPR XIVE hypercalls (hw/ppc/spapr-xive.c) against a fake interrupt
 * controller that records every call: each hypercall's success path, each
 * rejected argument (and that nothing reached the controller then), the
 * ESB addresses given to MSI-like and level sources, reset.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/ppc/spapr-xive.h"
#include "system/bql.h"
#include "system/memory.h"

#define RAM_SIZE (64ULL << 20)
#define NR_SERVERS 4
/* Sources as the machine claims them: IPIs, then devices from SPAPR_IRQ_BASE. */
#define MSI SPAPR_IRQ_BASE
#define LSI (SPAPR_IRQ_BASE + 0x1c)

static struct ram_region *ram;

static struct {
	int set_source, set_queue, get_queue, reset, sync, esb;
	/* The last call's arguments. */
	unsigned lisn, server, prio;
	bool masked;
	uint32_t eisn;
	uint64_t qpage;
	unsigned qshift;
	bool notify;
	uint64_t offset, data;
	bool write;
	/* What get_queue and an ESB load answer; fail makes every op fail. */
	uint32_t toggle, index;
	uint64_t load;
	bool fail;
} fake;

static int fake_set_source(unsigned lisn, bool masked, unsigned server, unsigned prio,
			   uint32_t eisn)
{
	fake.set_source++;
	fake.lisn = lisn;
	fake.masked = masked;
	fake.server = server;
	fake.prio = prio;
	fake.eisn = eisn;
	return fake.fail ? -EINVAL : 0;
}

static int fake_set_queue(unsigned server, unsigned prio, uint64_t qpage, unsigned qshift,
			  bool always_notify)
{
	fake.set_queue++;
	fake.server = server;
	fake.prio = prio;
	fake.qpage = qpage;
	fake.qshift = qshift;
	fake.notify = always_notify;
	return fake.fail ? -EINVAL : 0;
}

static int fake_get_queue(unsigned server, unsigned prio, uint32_t *toggle, uint32_t *index)
{
	fake.get_queue++;
	fake.server = server;
	fake.prio = prio;
	*toggle = fake.toggle;
	*index = fake.index;
	return fake.fail ? -EIO : 0;
}

static int fake_reset(void)
{
	fake.reset++;
	return fake.fail ? -EIO : 0;
}

static int fake_sync(unsigned lisn)
{
	fake.sync++;
	fake.lisn = lisn;
	return fake.fail ? -EIO : 0;
}

static int fake_esb(unsigned lisn, uint64_t offset, uint64_t data, bool write, uint64_t *value)
{
	fake.esb++;
	fake.lisn = lisn;
	fake.offset = offset;
	fake.data = data;
	fake.write = write;
	if (!write)
		*value = fake.load;
	return fake.fail ? -EIO : 0;
}

static const struct spapr_xive_ops fake_ops = {
	.set_source = fake_set_source,
	.set_queue = fake_set_queue,
	.get_queue = fake_get_queue,
	.reset = fake_reset,
	.sync = fake_sync,
	.esb = fake_esb,
};

static int calls(void)
{
	return fake.set_source + fake.set_queue + fake.get_queue + fake.reset + fake.sync +
	       fake.esb;
}

static void setup(void)
{
	if (!ram) {
		ram = ram_region_new("test.ram", RAM_SIZE);
		memory_begin();
		memory_map_ram(ram, 0);
		ck_assert_int_eq(memory_commit(), 0);
	}
	memset(&fake, 0, sizeof(fake));
	spapr_xive_init(&fake_ops, NR_SERVERS);
	for (unsigned i = 0; i < NR_SERVERS; i++)
		ck_assert_int_eq(spapr_xive_claim(i, false), 0);
	ck_assert_int_eq(spapr_xive_claim(MSI, false), 0);
	ck_assert_int_eq(spapr_xive_claim(LSI, true), 0);
}

static void teardown(void)
{
	spapr_xive_fini();
}

/* Through the machine's dispatcher, as a vCPU would; out gets r4..r7. */
static int64_t hcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     uint64_t a4, uint64_t *out)
{
	struct spapr_hcall h = { .cpu = 0, .nr = nr, .args = { a0, a1, a2, a3, a4 } };
	int64_t ret = spapr_hcall(&h);

	if (out)
		memcpy(out, h.args, 4 * sizeof(*out));
	return ret;
}

START_TEST(test_claim)
{
	ck_assert(spapr_xive_enabled());
	ck_assert_uint_eq(spapr_xive_nr_servers(), NR_SERVERS);
	ck_assert_uint_eq(spapr_xive_nr_lisns(), LSI + 1);
	ck_assert(spapr_xive_source_exists(0));
	ck_assert(spapr_xive_source_exists(MSI));
	ck_assert(!spapr_xive_source_exists(MSI + 1));
	ck_assert(!spapr_xive_source_exists(NR_SERVERS));
	ck_assert(!spapr_xive_source_exists(1u << 30));
	ck_assert(spapr_xive_source_is_lsi(LSI));
	ck_assert(!spapr_xive_source_is_lsi(MSI));
	ck_assert(!spapr_xive_source_is_lsi(LSI + 1));
	ck_assert_int_eq(spapr_xive_claim(MSI, false), -EBUSY);
	ck_assert_int_eq(spapr_xive_claim(SPAPR_XIVE_NR_LISNS_MAX, false), -ERANGE);
	/* A claim above the others grows the table and keeps what was there. */
	ck_assert_int_eq(spapr_xive_claim(0x8000, true), 0);
	ck_assert_uint_eq(spapr_xive_nr_lisns(), 0x8001);
	ck_assert(spapr_xive_source_is_lsi(LSI));
	ck_assert(spapr_xive_source_exists(0));
	ck_assert(!spapr_xive_source_exists(0x7fff));
	/* A lower one afterwards leaves the end where it is. */
	ck_assert_int_eq(spapr_xive_claim(0x2000, false), 0);
	ck_assert_uint_eq(spapr_xive_nr_lisns(), 0x8001);
	ck_assert(spapr_xive_source_exists(0x2000));
	ck_assert_int_eq(calls(), 0);
}
END_TEST

START_TEST(test_not_initialised)
{
	uint64_t out[4];

	spapr_xive_fini();
	ck_assert(!spapr_xive_enabled());
	ck_assert_int_eq(spapr_xive_claim(MSI, false), -ENODEV);
	ck_assert(!spapr_xive_source_exists(MSI));
	for (uint64_t nr = H_INT_GET_SOURCE_INFO; nr <= H_INT_RESET; nr += 4)
		ck_assert_int_eq(hcall(nr, 0, MSI, 0, 0, 0, out), H_FUNCTION);
	spapr_xive_reset();
	ck_assert_int_eq(calls(), 0);
}
END_TEST

START_TEST(test_reporting_line)
{
	ck_assert_int_eq(hcall(H_INT_SET_OS_REPORTING_LINE, 0, 0x10000, 0, 0, 0, NULL),
			 H_FUNCTION);
	ck_assert_int_eq(hcall(H_INT_GET_OS_REPORTING_LINE, 0, 0, 0, 0, 0, NULL), H_FUNCTION);
	ck_assert_int_eq(calls(), 0);
}
END_TEST

START_TEST(test_source_info)
{
	uint64_t out[4];
	uint64_t esb = SPAPR_XIVE_ESB_BASE + ((uint64_t)MSI << SPAPR_XIVE_ESB_SHIFT);

	/* MSI-like: two pages, trigger then management, managed by loads and stores. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, MSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0x0006010020010000ULL);
	ck_assert_uint_eq(out[1], esb + (1ULL << (SPAPR_XIVE_ESB_SHIFT - 1)));
	ck_assert_uint_eq(out[2], 0x0006010020000000ULL);
	ck_assert_uint_eq(out[3], 16);
	/* An IPI. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, 1, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], SPAPR_XIVE_ESB_BASE + 0x30000);
	ck_assert_uint_eq(out[2], SPAPR_XIVE_ESB_BASE + 0x20000);
	/* Level: LSI and H_INT_ESB (the EOI goes through KVM), no pages. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, LSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], SPAPR_XIVE_SRC_LSI | SPAPR_XIVE_SRC_H_INT_ESB);
	ck_assert_uint_eq(out[0], 0x0c);
	ck_assert_uint_eq(out[1], -1ULL);
	ck_assert_uint_eq(out[2], -1ULL);
	ck_assert_uint_eq(out[3], 16);
	/* Rejected: flags, unclaimed, beyond nr_lisns, beyond 32 bits. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 1, MSI, 0, 0, 0, out), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, MSI + 1, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, spapr_xive_nr_lisns(), 0, 0, 0, out),
			 H_P2);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO, 0, (1ULL << 32) + MSI, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(calls(), 0);
}
END_TEST

START_TEST(test_source_config)
{
	uint64_t out[4];

	/* Fresh: masked, EISN = LISN. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, MSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0xff);
	ck_assert_uint_eq(out[2], MSI);

	/* Linux's call: SET_EISN with its virq. */
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_SET_EISN, MSI, 3, 6, 42,
			       NULL),
			 H_SUCCESS);
	ck_assert_int_eq(fake.set_source, 1);
	ck_assert_uint_eq(fake.lisn, MSI);
	ck_assert(!fake.masked);
	ck_assert_uint_eq(fake.server, 3);
	ck_assert_uint_eq(fake.prio, 6);
	ck_assert_uint_eq(fake.eisn, 42);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, MSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 3);
	ck_assert_uint_eq(out[1], 6);
	ck_assert_uint_eq(out[2], 42);

	/* Without SET_EISN the EISN is the LISN, whatever r8 holds. */
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, 1, 0, 99, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.set_source, 2);
	ck_assert_uint_eq(fake.lisn, LSI);
	ck_assert_uint_eq(fake.eisn, LSI);
	ck_assert_uint_eq(fake.server, 1);
	ck_assert_uint_eq(fake.prio, 0);

	/* The MASK flag: routed but masked; reported as prio 0xff. */
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_MASK, 2, 2, 5, 0, NULL),
			 H_SUCCESS);
	ck_assert(fake.masked);
	ck_assert_uint_eq(fake.server, 2);
	ck_assert_uint_eq(fake.prio, 5);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, 2, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(out[1], 0xff);

	/* Prio 0xff masks and resets the routing; the target is not looked at. */
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_SET_EISN, MSI, 1000, 0xff,
			       7, NULL),
			 H_SUCCESS);
	ck_assert_int_eq(fake.set_source, 4);
	ck_assert_uint_eq(fake.lisn, MSI);
	ck_assert(fake.masked);
	ck_assert_uint_eq(fake.prio, 0xff);
	ck_assert_uint_eq(fake.server, 0);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, MSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0xff);
	ck_assert_uint_eq(out[2], MSI);

	/* Rejected, with nothing sent to the controller and the config kept. */
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_SET_EISN, LSI, 2, 3, 5,
			       NULL),
			 H_SUCCESS);
	fake.set_source = 0;
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 4, LSI, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, MSI + 1, 0, 0, 0, NULL), H_P2);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, 0x100000, 0, 0, 0, NULL), H_P2);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, NR_SERVERS, 0, 0, NULL), H_P3);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, -1ULL, 0, 0, NULL), H_P3);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, 0, 7, 0, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, 0, 8, 0, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, 0, 0x1ff, 0, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_SET_EISN, LSI, 0, 0,
			       1ULL << 31, NULL),
			 H_P5);
	ck_assert_int_eq(calls(), 0);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, LSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_uint_eq(out[2], 5);

	/* The controller refusing: H_HARDWARE, the old config stays. */
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, 0, LSI, 1, 1, 0, NULL), H_HARDWARE);
	ck_assert_int_eq(fake.set_source, 1);
	fake.fail = false;
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, LSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 2);
	ck_assert_uint_eq(out[1], 3);
	ck_assert_uint_eq(out[2], 5);

	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 1, LSI, 0, 0, 0, out), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, LSI + 1, 0, 0, 0, out), H_P2);
}
END_TEST

START_TEST(test_queue_info)
{
	uint64_t out[4], first;

	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 0, 0, 0, 0, out), H_SUCCESS);
	first = out[0];
	ck_assert_uint_eq(first, SPAPR_XIVE_END_BASE);
	ck_assert_uint_eq(out[1], 0);
	/* One page per (server, prio), all distinct and below the TIMA. */
	for (unsigned s = 0; s < NR_SERVERS; s++)
		for (unsigned p = 0; p <= SPAPR_XIVE_PRIO_MAX; p++) {
			ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, s, p, 0, 0, out),
					 H_SUCCESS);
			ck_assert_uint_eq(out[0], SPAPR_XIVE_END_BASE +
							  ((uint64_t)(s * 8 + p) << 17));
			ck_assert_uint_lt(out[0], SPAPR_XIVE_TM_BASE);
		}
	/* The size follows the configured queue. */
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, SPAPR_XIVE_END_ALWAYS_NOTIFY, 1, 6,
			       0x10000, 16, NULL),
			 H_SUCCESS);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 1, 6, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[1], 16);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 1, 5, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[1], 0);

	fake.set_queue = 0;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 1, 0, 0, 0, 0, out), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, NR_SERVERS, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 0, 7, 0, 0, out), H_P3);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 0, 0xff, 0, 0, out), H_P3);
	ck_assert_int_eq(calls(), 0);
}
END_TEST

START_TEST(test_queue_config)
{
	uint64_t out[4];

	/* Linux: ALWAYS_NOTIFY, a 64 KiB queue. */
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, SPAPR_XIVE_END_ALWAYS_NOTIFY, 2, 5,
			       0x30000, 16, NULL),
			 H_SUCCESS);
	ck_assert_int_eq(fake.set_queue, 1);
	ck_assert_uint_eq(fake.server, 2);
	ck_assert_uint_eq(fake.prio, 5);
	ck_assert_uint_eq(fake.qpage, 0x30000);
	ck_assert_uint_eq(fake.qshift, 16);
	ck_assert(fake.notify);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 2, 5, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], SPAPR_XIVE_END_ALWAYS_NOTIFY);
	ck_assert_uint_eq(out[1], 0x30000);
	ck_assert_uint_eq(out[2], 16);
	ck_assert_uint_eq(out[3], 0);
	ck_assert_int_eq(fake.get_queue, 0);

	/* Debug: the controller's generation bit and index. */
	fake.toggle = 1;
	fake.index = 123;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, SPAPR_XIVE_END_DEBUG, 2, 5, 0, 0, out),
			 H_SUCCESS);
	ck_assert_int_eq(fake.get_queue, 1);
	ck_assert_uint_eq(fake.server, 2);
	ck_assert_uint_eq(fake.prio, 5);
	ck_assert_uint_eq(out[0], SPAPR_XIVE_END_ALWAYS_NOTIFY | SPAPR_XIVE_END_GENERATION);
	ck_assert_uint_eq(out[1], 0x30000);
	ck_assert_uint_eq(out[3], 123);
	fake.toggle = 0;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, SPAPR_XIVE_END_DEBUG, 2, 5, 0, 0, out),
			 H_SUCCESS);
	ck_assert_uint_eq(out[0], SPAPR_XIVE_END_ALWAYS_NOTIFY);
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, SPAPR_XIVE_END_DEBUG, 2, 5, 0, 0, out),
			 H_HARDWARE);
	fake.fail = false;
	/* A disabled queue has nothing to ask the controller. */
	fake.get_queue = 0;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, SPAPR_XIVE_END_DEBUG, 2, 4, 0, 0, out),
			 H_SUCCESS);
	ck_assert_int_eq(fake.get_queue, 0);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 0);
	ck_assert_uint_eq(out[3], 0);

	/* Every size, naturally aligned; without ALWAYS_NOTIFY passed on as asked. */
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, 0x1000, 12, NULL), H_SUCCESS);
	ck_assert(!fake.notify);
	ck_assert_uint_eq(fake.qshift, 12);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 1, 0x200000, 21, NULL), H_SUCCESS);
	ck_assert_uint_eq(fake.qshift, 21);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 3, 6, 0x3000000, 24, NULL), H_SUCCESS);
	ck_assert_uint_eq(fake.qshift, 24);
	ck_assert_uint_eq(fake.server, 3);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 3, 6, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0x3000000);
	ck_assert_uint_eq(out[2], 24);

	/* Size 0 disables, whatever qpage says (Linux passes 0). */
	fake.set_queue = 0;
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 2, 5, 0xdead, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.set_queue, 1);
	ck_assert_uint_eq(fake.qshift, 0);
	ck_assert_uint_eq(fake.qpage, 0);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 2, 5, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 0);

	/* Rejected, nothing reaching the controller. */
	memset(&fake, 0, sizeof(fake));
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 2, 0, 0, 0x10000, 16, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, NR_SERVERS, 0, 0x10000, 16, NULL),
			 H_P2);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 7, 0x10000, 16, NULL), H_P3);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, -1ULL, 0x10000, 16, NULL), H_P3);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, 0x1000, 16, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, 0x10800, 12, NULL), H_P4);
	/* Outside RAM: past its end, on the ESB pages. */
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, RAM_SIZE, 16, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, SPAPR_XIVE_ESB_BASE, 16, NULL),
			 H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, RAM_SIZE - 0x1000000, 25, NULL),
			 H_P5);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, RAM_SIZE, 24, NULL), H_P4);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, 0x10000, 13, NULL), H_P5);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 0, 0, 0, 0x10000, 64, NULL), H_P5);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 2, 0, 0, 0, 0, out), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, NR_SERVERS, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 0, 7, 0, 0, out), H_P3);
	ck_assert_int_eq(calls(), 0);

	/* The controller refusing: H_HARDWARE and the old queue stays. */
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 1, 3, 6, 0x10000, 16, NULL), H_HARDWARE);
	ck_assert_int_eq(fake.set_queue, 1);
	fake.fail = false;
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 3, 6, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[1], 0x3000000);
	ck_assert_uint_eq(out[2], 24);
}
END_TEST

START_TEST(test_esb)
{
	uint64_t out[4];

	/* A load: the value in r4. */
	fake.load = 0x5a;
	ck_assert_int_eq(hcall(H_INT_ESB, 0, LSI, 0x800, 0, 0, out), H_SUCCESS);
	ck_assert_int_eq(fake.esb, 1);
	ck_assert_uint_eq(fake.lisn, LSI);
	ck_assert_uint_eq(fake.offset, 0x800);
	ck_assert(!fake.write);
	ck_assert_uint_eq(out[0], 0x5a);
	/* A store: the data passed on, -1 in r4. */
	ck_assert_int_eq(hcall(H_INT_ESB, SPAPR_XIVE_ESB_STORE, LSI, 0xc00, 0x1234, 0, out),
			 H_SUCCESS);
	ck_assert_int_eq(fake.esb, 2);
	ck_assert(fake.write);
	ck_assert_uint_eq(fake.offset, 0xc00);
	ck_assert_uint_eq(fake.data, 0x1234);
	ck_assert_uint_eq(out[0], -1ULL);
	/* The last byte of the management page. */
	ck_assert_int_eq(hcall(H_INT_ESB, 0, MSI, 0xffff, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(fake.lisn, MSI);
	ck_assert_uint_eq(fake.offset, 0xffff);

	fake.esb = 0;
	ck_assert_int_eq(hcall(H_INT_ESB, 2, LSI, 0, 0, 0, out), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_ESB, 0, LSI + 1, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(hcall(H_INT_ESB, 0, 1ULL << 40, 0, 0, 0, out), H_P2);
	ck_assert_int_eq(hcall(H_INT_ESB, 0, LSI, 0x10000, 0, 0, out), H_P3);
	ck_assert_int_eq(hcall(H_INT_ESB, 0, LSI, -1ULL, 0, 0, out), H_P3);
	ck_assert_int_eq(calls(), 0);
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_ESB, 0, LSI, 0, 0, 0, out), H_HARDWARE);
	ck_assert_int_eq(fake.esb, 1);
}
END_TEST

START_TEST(test_sync)
{
	ck_assert_int_eq(hcall(H_INT_SYNC, 0, MSI, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.sync, 1);
	ck_assert_uint_eq(fake.lisn, MSI);
	ck_assert_int_eq(hcall(H_INT_SYNC, 1, MSI, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_INT_SYNC, 0, MSI + 1, 0, 0, 0, NULL), H_P2);
	ck_assert_int_eq(fake.sync, 1);
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_SYNC, 0, 0, 0, 0, 0, NULL), H_HARDWARE);
	ck_assert_int_eq(fake.sync, 2);
	ck_assert_uint_eq(fake.lisn, 0);
}
END_TEST

/* Configure a source and a queue, then check both are back to the boot state. */
static void configure(void)
{
	ck_assert_int_eq(hcall(H_INT_SET_SOURCE_CONFIG, SPAPR_XIVE_SRC_SET_EISN, MSI, 1, 2, 77,
			       NULL),
			 H_SUCCESS);
	ck_assert_int_eq(hcall(H_INT_SET_QUEUE_CONFIG, 1, 1, 2, 0x40000, 16, NULL), H_SUCCESS);
}

static void check_forgotten(void)
{
	uint64_t out[4];

	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_CONFIG, 0, MSI, 0, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0xff);
	ck_assert_uint_eq(out[2], MSI);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_CONFIG, 0, 1, 2, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[0], 0);
	ck_assert_uint_eq(out[1], 0);
	ck_assert_uint_eq(out[2], 0);
	ck_assert_int_eq(hcall(H_INT_GET_QUEUE_INFO, 0, 1, 2, 0, 0, out), H_SUCCESS);
	ck_assert_uint_eq(out[1], 0);
	/* Sources stay claimed, with their kind. */
	ck_assert(spapr_xive_source_exists(MSI));
	ck_assert(spapr_xive_source_is_lsi(LSI));
	ck_assert_uint_eq(spapr_xive_nr_lisns(), LSI + 1);
}

START_TEST(test_reset)
{
	configure();
	ck_assert_int_eq(hcall(H_INT_RESET, 1, 0, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(fake.reset, 0);
	ck_assert_int_eq(hcall(H_INT_RESET, 0, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.reset, 1);
	check_forgotten();

	/* A failing controller is H_HARDWARE; the configuration is forgotten all the same. */
	configure();
	fake.fail = true;
	ck_assert_int_eq(hcall(H_INT_RESET, 0, 0, 0, 0, 0, NULL), H_HARDWARE);
	ck_assert_int_eq(fake.reset, 2);
	fake.fail = false;
	check_forgotten();

	/* Machine reset. */
	configure();
	spapr_xive_reset();
	ck_assert_int_eq(fake.reset, 3);
	check_forgotten();
}
END_TEST

/* The machine's dispatcher takes the bql; so does the real vCPU path. */
START_TEST(test_dispatch_unknown)
{
	/* Hypercall numbers around the XIVE range stay unimplemented. */
	ck_assert_int_eq(hcall(H_INT_GET_SOURCE_INFO - 4, 0, 0, 0, 0, 0, NULL), H_FUNCTION);
	ck_assert_int_eq(hcall(H_INT_RESET + 4, 0, 0, 0, 0, 0, NULL), H_FUNCTION);
	ck_assert_int_eq(calls(), 0);
	ck_assert(!bql_locked());
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spapr-xive");
	TCase *tc = tcase_create("hcalls");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_claim);
	tcase_add_test(tc, test_not_initialised);
	tcase_add_test(tc, test_reporting_line);
	tcase_add_test(tc, test_source_info);
	tcase_add_test(tc, test_source_config);
	tcase_add_test(tc, test_queue_info);
	tcase_add_test(tc, test_queue_config);
	tcase_add_test(tc, test_esb);
	tcase_add_test(tc, test_sync);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_dispatch_unknown);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* One process: the RAM map is set up once. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
