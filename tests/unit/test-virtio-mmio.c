// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-mmio registers (version 2 layout), feature negotiation, queue setup
 * through the window, interrupt status/ack, reset, and the DSDT entry the x86
 * placement adds. No KVM: irq_set_level() is a no-op without a VM.
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/reset.h"
#include "hw/i386/acpi.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/memory.h"

#define RAM_SIZE (1u << 20)

static struct virtio_device dev;
static struct virtio_mmio *t;
static uint8_t cfg[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static int notified = -1, resets;

static uint64_t features(struct virtio_device *vdev)
{
	return 1ULL << VIRTIO_RING_F_EVENT_IDX | 1ULL << 40;
}

static void get_config(struct virtio_device *vdev, uint8_t *buf)
{
	memcpy(buf, cfg, sizeof(cfg));
}

static void set_config(struct virtio_device *vdev, const uint8_t *buf)
{
	memcpy(cfg, buf, sizeof(cfg));
}

static void queue_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	notified = vq->index;
}

static void dev_reset(struct virtio_device *vdev)
{
	resets++;
}

static const struct virtio_device_ops ops = {
	.device_id = 42,
	.get_features = features,
	.config_size = sizeof(cfg),
	.get_config = get_config,
	.set_config = set_config,
	.queue_notify = queue_notify,
	.reset = dev_reset,
};

static uint32_t rd(uint64_t off)
{
	return virtio_mmio_read(t, off, 4);
}

static void wr(uint64_t off, uint32_t v)
{
	virtio_mmio_write(t, off, v, 4);
}

static void setup(void)
{
	struct ram_region *r = ram_region_new("test-ram", RAM_SIZE);
	GError *err = NULL;

	memory_begin();
	memory_map_ram(r, 0);
	ck_assert_int_eq(memory_commit(), 0);
	virtio_device_init(&dev, &ops, "virtio-test", 2, 64);
	t = virtio_mmio_create(&dev, &err);
	ck_assert_ptr_nonnull(t);
}

START_TEST(identity)
{
	setup();
	ck_assert_uint_eq(rd(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), 42);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_MMIO_VENDOR);
	ck_assert_uint_eq(virtio_mmio_base(t), 0xfeb00000);
	ck_assert_uint_eq(virtio_mmio_gsi(t), 16);
	/* Through the real dispatcher too. */
	{
		uint32_t v = 0;

		ck_assert(io_dispatch(IO_SPACE_MMIO, 0xfeb00000, &v, 4, false));
		ck_assert_uint_eq(v, 0x74726976);
	}
	/* Narrow register accesses are ignored. */
	ck_assert_uint_eq(virtio_mmio_read(t, VIRTIO_MMIO_MAGIC_VALUE, 2), 0);
}
END_TEST

START_TEST(features_and_status)
{
	setup();
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1u << VIRTIO_RING_F_EVENT_IDX);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 1 | 1u << 8);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_FEATURES), 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1u << VIRTIO_RING_F_EVENT_IDX);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0xb);
	ck_assert(virtio_has_feature(&dev, VIRTIO_RING_F_EVENT_IDX));
	/* Config space: bytes, and a 4-byte write read back. */
	ck_assert_uint_eq(virtio_mmio_read(t, VIRTIO_MMIO_CONFIG + 1, 1), 2);
	ck_assert_uint_eq(virtio_mmio_read(t, VIRTIO_MMIO_CONFIG + 4, 4), 0x08070605);
	virtio_mmio_write(t, VIRTIO_MMIO_CONFIG, 0xaabbccdd, 4);
	ck_assert_uint_eq(cfg[0], 0xdd);
	ck_assert_uint_eq(virtio_mmio_read(t, VIRTIO_MMIO_CONFIG + 6, 4), 0); /* past the end */
	ck_assert_uint_eq(virtio_mmio_read(t, VIRTIO_MMIO_CONFIG + 0x80, 1), 0);
	/* Reset by status 0. */
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	ck_assert_int_eq(resets, 1);
	ck_assert_uint_eq(dev.guest_features, 0);
}
END_TEST

static void driver_ok_with_queue(void)
{
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 64);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, 0x2000);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, 0x3000);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	wr(VIRTIO_MMIO_STATUS, 0xf);
}

START_TEST(queues_and_irq)
{
	setup();
	driver_ok_with_queue();
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM), 16);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_DRIVER_LOW), 0x2000);
	/* Frozen while live. */
	wr(VIRTIO_MMIO_QUEUE_NUM, 8);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM), 16);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 1);
	ck_assert_int_eq(notified, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 7); /* no such queue: ignored */
	ck_assert_int_eq(notified, 1);
	virtio_raise_queue_irq(&dev);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 1);
	wr(VIRTIO_MMIO_INTERRUPT_ACK, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0);
	/* A system reset returns everything to cold state. */
	reset_run_all();
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_NUM), 64);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_DESC_LOW), 0);
}
END_TEST

START_TEST(bad_queue_breaks_device)
{
	setup();
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, 16);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1000);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, 0x10); /* beyond RAM */
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	/* The driver cannot clear NEEDS_RESET except by resetting. */
	wr(VIRTIO_MMIO_STATUS, 0xf);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0); /* was not DRIVER_OK yet */
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	driver_ok_with_queue();
	ck_assert(!dev.broken);
}
END_TEST

/* The DSDT gets \_SB.VR00 with _HID LNRO0005, the window and GSI 16. */
START_TEST(acpi_dsdt)
{
	static const uint8_t crs[] = { 0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xb0, 0xfe,
				       0x00, 0x02, 0x00, 0x00, 0x89, 0x06, 0x00, 0x01,
				       0x01, 0x10, 0x00, 0x00, 0x00, 0x79, 0x00 };
	struct acpi_build_config c = { .smp_cpus = 1, .max_cpus = 1 };
	/* Static, not g_malloc: GCC's -Wnonnull (with the sanitizers) cannot see g_malloc never fails. */
	static uint8_t buf[ACPI_TABLES_MAX];
	const void *hid, *name, *res;
	size_t len;

	setup();
	len = acpi_build_tables(buf, ACPI_TABLES_MAX, ACPI_TABLES_BASE, &c);
	ck_assert_uint_gt(len, 0);
	hid = memmem(buf, len, "LNRO0005", 8);
	name = memmem(buf, len, "VR00", 4);
	res = memmem(buf, len, crs, sizeof(crs));
	ck_assert_ptr_nonnull(hid);
	ck_assert_ptr_nonnull(name);
	ck_assert_ptr_nonnull(res);
	if (getenv("KEEL_DUMP_DSDT")) {
		const uint8_t *d = memmem(buf, len, "DSDT", 4);

		if (d)
			g_file_set_contents(getenv("KEEL_DUMP_DSDT"), (const char *)d,
					    d[4] | d[5] << 8, NULL);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio-mmio");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, identity);
	tcase_add_test(tc, features_and_status);
	tcase_add_test(tc, queues_and_irq);
	tcase_add_test(tc, bad_queue_breaks_device);
	tcase_add_test(tc, acpi_dsdt);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
