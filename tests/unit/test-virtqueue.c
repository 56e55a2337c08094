// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Split virtqueue parser: well-formed chains (direct, indirect), event
 * index, and every malformed input that must break the device instead of
 * the VMM. Guest RAM is a plain region at 0 (no KVM needed).
 */
#include <check.h>
#include <glib.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "hw/virtio/virtio.h"
#include "system/memory.h"

#define RAM_SIZE (8u << 20)
#define QSZ 8
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define BUF 0x10000

static uint8_t *ram;
static struct virtio_device dev;
static int notifies, irq_updates;

static void notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	notifies++;
}

static void upd_irq(struct virtio_device *vdev)
{
	irq_updates++;
}

static const struct virtio_transport_ops tops = { .update_irq = upd_irq };

static uint64_t features(struct virtio_device *vdev)
{
	return (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | (1ULL << VIRTIO_RING_F_EVENT_IDX);
}

static const struct virtio_device_ops ops = {
	.device_id = 99,
	.get_features = features,
	.queue_notify = notify,
};

static struct virtqueue *setup(uint64_t guest_features)
{
	static struct ram_region *r;
	struct virtqueue *vq;

	if (!r) {
		r = ram_region_new("test-ram", RAM_SIZE);
		memory_begin();
		memory_map_ram(r, 0);
		ck_assert_int_eq(memory_commit(), 0);
		ram = ram_region_host(r);
	}
	memset(ram, 0, RAM_SIZE);
	virtio_device_init(&dev, &ops, "virtio-test", 1, QSZ);
	dev.transport = &tops;
	virtio_set_status(&dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	virtio_set_driver_features(&dev, 0, (uint32_t)guest_features);
	virtio_set_driver_features(&dev, 1, 1);
	virtio_set_status(&dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			  VIRTIO_STATUS_FEATURES_OK);
	ck_assert(dev.status & VIRTIO_STATUS_FEATURES_OK);
	vq = &dev.vqs[0];
	vq->num = QSZ;
	vq->desc_gpa = DESC;
	vq->avail_gpa = AVAIL;
	vq->used_gpa = USED;
	ck_assert(virtqueue_enable(vq));
	virtio_set_status(&dev, dev.status | VIRTIO_STATUS_DRIVER_OK);
	return vq;
}

static void set_desc(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	struct vring_desc d = { htole64(addr), htole32(len), htole16(flags), htole16(next) };

	memcpy(ram + table + i * sizeof(d), &d, sizeof(d));
}

static uint16_t rd16(uint64_t gpa)
{
	uint16_t v;

	memcpy(&v, ram + gpa, 2);
	return le16toh(v);
}

static void wr16(uint64_t gpa, uint16_t v)
{
	v = htole16(v);
	memcpy(ram + gpa, &v, 2);
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram + gpa, 4);
	return le32toh(v);
}

/* Publish head in the next avail slot. */
static void make_avail(uint16_t head)
{
	uint16_t idx = rd16(AVAIL + 2);

	wr16(AVAIL + 4 + 2 * (idx % QSZ), head);
	wr16(AVAIL + 2, idx + 1);
}

static void expect_broken(struct virtqueue *vq)
{
	ck_assert_ptr_null(virtqueue_pop(vq, sizeof(struct vq_elem)));
	ck_assert(dev.broken);
	ck_assert(dev.status & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert(dev.isr & VIRTIO_ISR_CONFIG);
	/* Nothing more is taken until a reset. */
	ck_assert_ptr_null(virtqueue_pop(vq, sizeof(struct vq_elem)));
}

START_TEST(simple_chain)
{
	struct virtqueue *vq = setup(0);
	struct vq_elem *e;

	set_desc(DESC, 0, BUF, 16, VRING_DESC_F_NEXT, 3);
	set_desc(DESC, 3, BUF + 0x100, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 5);
	set_desc(DESC, 5, BUF + 0x400, 1, VRING_DESC_F_WRITE, 0);
	make_avail(0);
	e = virtqueue_pop(vq, sizeof(*e));
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->head, 0);
	ck_assert_uint_eq(e->out_num, 1);
	ck_assert_uint_eq(e->in_num, 2);
	ck_assert_uint_eq(e->out_len, 16);
	ck_assert_uint_eq(e->in_len, 513);
	ck_assert_ptr_eq(e->iov[0].iov_base, ram + BUF);
	ck_assert_ptr_eq(e->iov[2].iov_base, ram + BUF + 0x400);
	ck_assert_uint_eq(vq->inflight, 1);
	ck_assert_ptr_null(virtqueue_pop(vq, sizeof(*e)));
	virtqueue_push(vq, e, 513);
	ck_assert_uint_eq(rd16(USED + 2), 1);
	ck_assert_uint_eq(rd32(USED + 4), 0);
	ck_assert_uint_eq(rd32(USED + 8), 513);
	ck_assert_uint_eq(vq->inflight, 0);
	virtqueue_notify(vq);
	ck_assert(dev.isr & VIRTIO_ISR_QUEUE);
	ck_assert(!dev.broken);
	g_free(e);
}
END_TEST

START_TEST(no_interrupt_flag)
{
	struct virtqueue *vq = setup(0);
	struct vq_elem *e;

	set_desc(DESC, 0, BUF, 8, 0, 0);
	make_avail(0);
	wr16(AVAIL, VRING_AVAIL_F_NO_INTERRUPT);
	e = virtqueue_pop(vq, sizeof(*e));
	ck_assert_ptr_nonnull(e);
	virtqueue_push(vq, e, 0);
	virtqueue_notify(vq);
	ck_assert_uint_eq(dev.isr, 0);
	g_free(e);
}
END_TEST

START_TEST(indirect_chain)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	struct vq_elem *e;
	const uint64_t tbl = 0x5000;

	set_desc(tbl, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(tbl, 1, BUF + 0x1000, 4096, VRING_DESC_F_NEXT, 2);
	set_desc(tbl, 2, BUF + 0x3000, 1, VRING_DESC_F_WRITE, 0);
	set_desc(DESC, 2, tbl, 3 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(2);
	e = virtqueue_pop(vq, sizeof(*e) + 32);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->head, 2);
	ck_assert_uint_eq(e->out_num, 2);
	ck_assert_uint_eq(e->in_num, 1);
	ck_assert_uint_eq(e->out_len, 16 + 4096);
	ck_assert_ptr_eq(e->iov[1].iov_base, ram + BUF + 0x1000);
	g_free(e);
}
END_TEST

START_TEST(indirect_without_feature)
{
	struct virtqueue *vq = setup(0);

	set_desc(0x5000, 0, BUF, 16, 0, 0);
	set_desc(DESC, 0, 0x5000, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(indirect_nested)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	set_desc(0x5000, 0, 0x6000, 16, VRING_DESC_F_INDIRECT, 0);
	set_desc(DESC, 0, 0x5000, 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(indirect_with_next)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	set_desc(0x5000, 0, BUF, 16, 0, 0);
	set_desc(DESC, 0, 0x5000, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(indirect_bad_len)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	set_desc(DESC, 0, 0x5000, 17, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(indirect_loop)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	set_desc(0x5000, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(0x5000, 1, BUF, 16, VRING_DESC_F_NEXT, 0);
	set_desc(DESC, 0, 0x5000, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(indirect_outside_ram)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	set_desc(DESC, 0, RAM_SIZE - 16, 32, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(descriptor_loop)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 0, BUF, 16, VRING_DESC_F_NEXT, 1);
	set_desc(DESC, 1, BUF, 16, VRING_DESC_F_NEXT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(self_loop)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 4, BUF, 16, VRING_DESC_F_NEXT, 4);
	make_avail(4);
	expect_broken(vq);
}
END_TEST

START_TEST(next_out_of_range)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 0, BUF, 16, VRING_DESC_F_NEXT, QSZ);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(head_out_of_range)
{
	struct virtqueue *vq = setup(0);

	make_avail(0xffff);
	expect_broken(vq);
}
END_TEST

START_TEST(buffer_outside_ram)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 0, RAM_SIZE - 8, 16, 0, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(buffer_address_wraps)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 0, UINT64_MAX - 4, 16, 0, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(wrong_direction)
{
	struct virtqueue *vq = setup(0);

	set_desc(DESC, 0, BUF, 16, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
	set_desc(DESC, 1, BUF + 16, 16, 0, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(oversized)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_INDIRECT_DESC);

	/* 17 x 4 MiB (the same RAM each time) > VIRTQUEUE_MAX_BYTES */
	for (unsigned i = 0; i < 17; i++)
		set_desc(0x5000, i, BUF, 4u << 20, i < 16 ? VRING_DESC_F_NEXT : 0, i + 1);
	set_desc(DESC, 0, 0x5000, 17 * 16, VRING_DESC_F_INDIRECT, 0);
	make_avail(0);
	expect_broken(vq);
}
END_TEST

START_TEST(avail_too_far)
{
	struct virtqueue *vq = setup(0);

	wr16(AVAIL + 2, QSZ + 1);
	expect_broken(vq);
}
END_TEST

START_TEST(too_many_inflight)
{
	struct virtqueue *vq = setup(0);
	void *e[QSZ];

	set_desc(DESC, 0, BUF, 16, 0, 0);
	for (unsigned i = 0; i < QSZ; i++)
		make_avail(0);
	for (unsigned i = 0; i < QSZ; i++)
		ck_assert_ptr_nonnull(e[i] = virtqueue_pop(vq, sizeof(struct vq_elem)));
	/* The driver re-publishes a head the device still owns. */
	make_avail(0);
	expect_broken(vq);
	for (unsigned i = 0; i < QSZ; i++)
		g_free(e[i]);
}
END_TEST

START_TEST(bad_ring_setup)
{
	struct virtqueue *vq = setup(0);

	virtio_device_reset(&dev);
	ck_assert(!dev.broken);
	ck_assert_uint_eq(dev.status, 0);
	vq->num = 3; /* not a power of two */
	ck_assert(!virtqueue_enable(vq));
	ck_assert(dev.broken);
	virtio_device_reset(&dev);
	vq->num = QSZ;
	vq->desc_gpa = RAM_SIZE - 64;
	ck_assert(!virtqueue_enable(vq));
	virtio_device_reset(&dev);
	vq->desc_gpa = DESC + 8;
	ck_assert(!virtqueue_enable(vq));
	virtio_device_reset(&dev);
	vq->num = QSZ * 2; /* above QueueNumMax */
	ck_assert(!virtqueue_enable(vq));
}
END_TEST

START_TEST(reset_is_cold)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_EVENT_IDX);
	struct vq_elem *e;

	set_desc(DESC, 0, BUF, 16, 0, 0);
	make_avail(0);
	e = virtqueue_pop(vq, sizeof(*e));
	ck_assert_ptr_nonnull(e);
	virtqueue_push(vq, e, 0);
	virtqueue_notify(vq);
	g_free(e);
	set_desc(DESC, 0, BUF, 16, VRING_DESC_F_NEXT, 0);
	make_avail(0);
	expect_broken(vq);
	virtio_device_reset(&dev);
	ck_assert(!dev.broken);
	ck_assert_uint_eq(dev.status, 0);
	ck_assert_uint_eq(dev.isr, 0);
	ck_assert_uint_eq(dev.guest_features, 0);
	ck_assert(!vq->ready);
	ck_assert_uint_eq(vq->last_avail, 0);
	ck_assert_uint_eq(vq->used_idx, 0);
	ck_assert_uint_eq(vq->num, QSZ);
	ck_assert(!vq->signalled_valid);
	ck_assert_uint_eq(vq->inflight, 0);
}
END_TEST

START_TEST(event_idx)
{
	struct virtqueue *vq = setup(1ULL << VIRTIO_RING_F_EVENT_IDX);
	struct vq_elem *e;
	const uint64_t used_event = AVAIL + 4 + 2 * QSZ;
	const uint64_t avail_event = USED + 4 + 8 * QSZ;

	set_desc(DESC, 0, BUF, 16, 0, 0);
	/* The driver wants an interrupt only once used->idx passes 2. */
	wr16(used_event, 2);
	for (unsigned i = 0; i < 3; i++)
		make_avail(0);
	for (unsigned i = 0; i < 3; i++) {
		e = virtqueue_pop(vq, sizeof(*e));
		ck_assert_ptr_nonnull(e);
		/* The device tells the driver which avail index it will look at next. */
		ck_assert_uint_eq(rd16(avail_event), i + 1);
		virtqueue_push(vq, e, 0);
		g_free(e);
		dev.isr = 0;
		virtqueue_notify(vq);
		/* The first notification always goes out; then only when used passes 2. */
		if (i == 0 || i == 2)
			ck_assert(dev.isr & VIRTIO_ISR_QUEUE);
		else
			ck_assert_uint_eq(dev.isr, 0);
	}
	/* Nothing new pushed: no interrupt. */
	dev.isr = 0;
	virtqueue_notify(vq);
	ck_assert_uint_eq(dev.isr, 0);
	ck_assert_ptr_null(virtqueue_pop(vq, sizeof(*e)));
	ck_assert_uint_eq(rd16(avail_event), 3);
}
END_TEST

START_TEST(features_negotiation)
{
	setup(0);
	virtio_device_reset(&dev);
	virtio_set_status(&dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	/* Without VERSION_1 FEATURES_OK does not stick. */
	virtio_set_driver_features(&dev, 0, 0);
	virtio_set_driver_features(&dev, 1, 0);
	virtio_set_status(&dev, dev.status | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(!(dev.status & VIRTIO_STATUS_FEATURES_OK));
	/* Nor with a feature we do not offer. */
	virtio_set_driver_features(&dev, 1, 1 | 2);
	virtio_set_status(&dev, dev.status | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(!(dev.status & VIRTIO_STATUS_FEATURES_OK));
	virtio_set_driver_features(&dev, 1, 1);
	virtio_set_status(&dev, dev.status | VIRTIO_STATUS_FEATURES_OK);
	ck_assert(dev.status & VIRTIO_STATUS_FEATURES_OK);
	/* Features are frozen after FEATURES_OK. */
	virtio_set_driver_features(&dev, 0, 1u << VIRTIO_RING_F_EVENT_IDX);
	ck_assert(!virtio_has_feature(&dev, VIRTIO_RING_F_EVENT_IDX));
	ck_assert_uint_eq(virtio_get_device_features(&dev, 1), 1);
	ck_assert_uint_eq(virtio_get_device_features(&dev, 0),
			  (1u << VIRTIO_RING_F_INDIRECT_DESC) | (1u << VIRTIO_RING_F_EVENT_IDX));
}
END_TEST

START_TEST(notify_only_when_running)
{
	setup(0);
	virtio_queue_notify(&dev, 0);
	ck_assert_int_eq(notifies, 1);
	virtio_queue_notify(&dev, 5);
	ck_assert_int_eq(notifies, 1);
	virtio_device_break(&dev, "test");
	virtio_queue_notify(&dev, 0);
	ck_assert_int_eq(notifies, 1);
}
END_TEST

START_TEST(iov_helpers)
{
	char a[4] = "abcd", b[3] = "efg", out[8] = { 0 };
	struct iovec iov[2] = { { a, 4 }, { b, 3 } }, s[2];

	ck_assert_uint_eq(iov_to_buf(iov, 2, 2, out, 8), 5);
	ck_assert(!memcmp(out, "cdefg", 5));
	ck_assert_uint_eq(iov_from_buf(iov, 2, 3, "XYZ", 3), 3);
	ck_assert(!memcmp(a, "abcX", 4) && !memcmp(b, "YZg", 3));
	ck_assert_uint_eq(iov_slice(iov, 2, 1, 4, s, 2), 2);
	ck_assert_ptr_eq(s[0].iov_base, a + 1);
	ck_assert_uint_eq(s[0].iov_len, 3);
	ck_assert_uint_eq(s[1].iov_len, 1);
	ck_assert_uint_eq(iov_slice(iov, 2, 7, 4, s, 2), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtqueue");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, simple_chain);
	tcase_add_test(tc, no_interrupt_flag);
	tcase_add_test(tc, indirect_chain);
	tcase_add_test(tc, indirect_without_feature);
	tcase_add_test(tc, indirect_nested);
	tcase_add_test(tc, indirect_with_next);
	tcase_add_test(tc, indirect_bad_len);
	tcase_add_test(tc, indirect_loop);
	tcase_add_test(tc, indirect_outside_ram);
	tcase_add_test(tc, descriptor_loop);
	tcase_add_test(tc, self_loop);
	tcase_add_test(tc, next_out_of_range);
	tcase_add_test(tc, head_out_of_range);
	tcase_add_test(tc, buffer_outside_ram);
	tcase_add_test(tc, buffer_address_wraps);
	tcase_add_test(tc, wrong_direction);
	tcase_add_test(tc, oversized);
	tcase_add_test(tc, avail_too_far);
	tcase_add_test(tc, too_many_inflight);
	tcase_add_test(tc, bad_ring_setup);
	tcase_add_test(tc, reset_is_cold);
	tcase_add_test(tc, event_idx);
	tcase_add_test(tc, features_negotiation);
	tcase_add_test(tc, notify_only_when_running);
	tcase_add_test(tc, iov_helpers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
