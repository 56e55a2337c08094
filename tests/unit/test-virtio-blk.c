// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk over virtio-mmio with a raw image in a temporary directory,
 * without KVM: the test plays the driver through the MMIO dispatcher and
 * runs the GLib main loop to deliver completions. Every test that does I/O
 * runs once per aio= mode (a loop test: _i indexes aio_modes).
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "block/block.h"
#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/machine.h"
#include "system/memory.h"
#include "system/opts.h"

#define RAM_SIZE (4u << 20)
#define BASE 0xfeb00000ULL
#define QSZ 16
#define DESC 0x1000
#define AVAIL 0x2000
#define USED 0x3000
#define HDRS 0x4000	/* 16 bytes per request slot */
#define STATUS 0x5000	/* one byte per slot */
#define DATA 0x10000	/* 4 KiB per slot */
#define IMG_SECTORS 2048

static const char *const aio_modes[] = { "threads", "io_uring" };
#define IO_URING 1	/* _i of the aio=io_uring run */

static uint8_t *ram;
static char *dir, *img;
static char *setup_err;	/* the device's error when setup() expected one */
static uint16_t avail_idx, used_seen;

static uint32_t rd(uint64_t reg)
{
	uint32_t v = 0;

	io_dispatch(IO_SPACE_MMIO, BASE + reg, &v, 4, false);
	return v;
}

static void wr(uint64_t reg, uint32_t v)
{
	io_dispatch(IO_SPACE_MMIO, BASE + reg, &v, 4, true);
}

static void make_image(void)
{
	g_autofree uint8_t *buf = g_malloc(IMG_SECTORS * 512);

	for (unsigned i = 0; i < IMG_SECTORS * 512; i++)
		buf[i] = i * 13 + 5;
	dir = g_dir_make_tmp("keel-blk-XXXXXX", NULL);
	img = g_build_filename(dir, "disk.img", NULL);
	ck_assert(g_file_set_contents(img, (char *)buf, IMG_SECTORS * 512, NULL));
}

static void driver_init(void)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	/* Only what is offered: FEATURES_OK is refused otherwise. */
	wr(VIRTIO_MMIO_DRIVER_FEATURES, rd(VIRTIO_MMIO_DEVICE_FEATURES) &
	   (1u << VIRTIO_BLK_F_FLUSH | 1u << VIRTIO_BLK_F_DISCARD | 1u << VIRTIO_BLK_F_RO |
	    1u << VIRTIO_BLK_F_WRITE_ZEROES | 1u << VIRTIO_BLK_F_CONFIG_WCE));
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0xb);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSZ);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, DESC);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, AVAIL);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, USED);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, 0xf);
	memset(ram, 0, 0x10000);
	avail_idx = used_seen = 0;
}

/* Create RAM, the drive and the device from command-line style options. */
static void setup(unsigned aio, const char *drive_extra, bool expect_ok)
{
	struct ram_region *r = ram_region_new("test-ram", RAM_SIZE);
	g_autofree char *opt = NULL;
	GError *err = NULL;
	int ret = 0;

	memory_begin();
	memory_map_ram(r, 0);
	ck_assert_int_eq(memory_commit(), 0);
	ram = ram_region_host(r);
	make_image();
	machine_cfg.devices = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	machine_cfg.drives = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	opt = g_strdup_printf("file=%s,format=raw,if=virtio,serial=SN1,aio=%s%s", img,
			      aio_modes[aio], drive_extra);
	ck_assert_int_eq(drive_add(&machine_cfg, opt, &err), 0);
	if (strstr(drive_extra, "if=none")) {
		struct kopts *dev = kopts_new();

		kopts_set(dev, "driver", "virtio-blk-device");
		kopts_set(dev, "drive", "d7");
		g_ptr_array_add(machine_cfg.devices, dev);
	}
	for (guint i = 0; i < machine_cfg.devices->len && !ret; i++)
		ret = device_create(machine_cfg.devices->pdata[i], &err);
	if (!expect_ok) {
		ck_assert_int_lt(ret, 0);
		setup_err = g_strdup(err->message);
		g_error_free(err);
		return;
	}
	ck_assert_msg(ret == 0, "%s", err ? err->message : "");
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	driver_init();
}

static void teardown_image(void)
{
	g_unlink(img);
	g_rmdir(dir);
}

static void set_desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	struct vring_desc d = { htole64(addr), htole32(len), htole16(flags), htole16(next) };

	memcpy(ram + DESC + 16 * i, &d, 16);
}

/* Slot s uses descriptors 3s..3s+2 (s < 5). */
static void queue_req(unsigned s, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
	struct virtio_blk_outhdr h = { htole32(type), 0, htole64(sector) };
	unsigned d = 3 * s;

	memcpy(ram + HDRS + 16 * s, &h, 16);
	ram[STATUS + s] = 0xee;
	set_desc(d, HDRS + 16 * s, 16, VRING_DESC_F_NEXT, d + 1);
	if (len) {
		set_desc(d + 1, DATA + 4096 * s, len,
			 VRING_DESC_F_NEXT | (dev_writes ? VRING_DESC_F_WRITE : 0), d + 2);
		set_desc(d + 2, STATUS + s, 1, VRING_DESC_F_WRITE, 0);
	} else {
		set_desc(d + 1, STATUS + s, 1, VRING_DESC_F_WRITE, 0);
	}
	memcpy(ram + AVAIL + 4 + 2 * (avail_idx % QSZ), &(uint16_t){ htole16(d) }, 2);
	avail_idx++;
	memcpy(ram + AVAIL + 2, &(uint16_t){ htole16(avail_idx) }, 2);
}

static uint16_t used_idx(void)
{
	uint16_t v;

	memcpy(&v, ram + USED + 2, 2);
	return le16toh(v);
}

/* Run the main loop until n more completions (bounded). */
static void wait_used(unsigned n)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while ((uint16_t)(used_idx() - used_seen) < n) {
		ck_assert(g_get_monotonic_time() < end);
		g_main_context_iteration(NULL, TRUE);
	}
	used_seen += n;
}

static int do_req(unsigned s, uint32_t type, uint64_t sector, uint32_t len, bool dev_writes)
{
	queue_req(s, type, sector, len, dev_writes);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(1);
	return ram[STATUS + s];
}

static void read_image(uint64_t sector, void *buf, size_t len)
{
	int fd = open(img, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, sector * 512), (ssize_t)len);
	close(fd);
}

START_TEST(config_space)
{
	setup(_i, "", true);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG), IMG_SECTORS);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 20), 512);	/* blk_size */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 32) & 0xff, 1);	/* writeback */
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_BLK_F_FLUSH);
	ck_assert(!(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_BLK_F_RO));
	/* The guest turns the write cache off (CONFIG_WCE): a one-byte config write. */
	{
		uint8_t v = 0;

		io_dispatch(IO_SPACE_MMIO, BASE + VIRTIO_MMIO_CONFIG + 32, &v, 1, true);
	}
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 32) & 0xff, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG) , IMG_SECTORS); /* capacity is not writable */
	teardown_image();
}
END_TEST

START_TEST(write_read_flush)
{
	uint8_t buf[4096];
	struct blk_stats *st;

	setup(_i, "", true);
	for (unsigned i = 0; i < 4096; i++)
		ram[DATA + i] = i ^ 0x5a;
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_OUT, 100, 4096, false), VIRTIO_BLK_S_OK);
	ck_assert_int_eq(do_req(1, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	read_image(100, buf, sizeof(buf));
	ck_assert(!memcmp(buf, ram + DATA, 4096));
	ck_assert_int_eq(do_req(1, VIRTIO_BLK_T_IN, 100, 4096, true), VIRTIO_BLK_S_OK);
	ck_assert(!memcmp(ram + DATA + 4096, ram + DATA, 4096));
	/* used.len counts the data and the status byte */
	ck_assert_uint_eq(ram[USED + 4 + 8 * 2 + 4] | ram[USED + 4 + 8 * 2 + 5] << 8, 4097);
	ck_assert_int_eq(do_req(2, VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
	ck_assert(!memcmp(ram + DATA + 2 * 4096, "SN1", 4));
	/* What query-blockstats reports (GET_ID is not I/O). */
	st = drive_stats("virtio0");
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(st->ops[BLK_ACCT_WRITE], 1);
	ck_assert_uint_eq(st->bytes[BLK_ACCT_WRITE], 4096);
	ck_assert_uint_eq(st->ops[BLK_ACCT_READ], 1);
	ck_assert_uint_eq(st->bytes[BLK_ACCT_READ], 4096);
	ck_assert_uint_eq(st->ops[BLK_ACCT_FLUSH], 1);
	ck_assert_uint_eq(st->wr_highest_offset, 100 * 512 + 4096);
	ck_assert_uint_eq(st->invalid[BLK_ACCT_READ] + st->failed[BLK_ACCT_WRITE], 0);
	teardown_image();
}
END_TEST

START_TEST(many_in_flight)
{
	struct blk_counters c0;
	uint8_t buf[4096];

	setup(_i, "", true);
	for (unsigned s = 0; s < 5; s++) {
		memset(ram + DATA + 4096 * s, 0x10 + s, 4096);
		queue_req(s, VIRTIO_BLK_T_OUT, 8 * s, 4096, false);
	}
	c0 = blk_counters;
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (_i == IO_URING) {
		/* One kick: the five writes entered the kernel in one io_uring_enter. */
		ck_assert_uint_eq(blk_counters.ring_enters - c0.ring_enters, 1);
		ck_assert_uint_eq(blk_counters.ring_sqes - c0.ring_sqes, 5);
	}
	wait_used(5);
	if (_i == IO_URING) {
		/* Completions came through the ring's eventfd in the main loop, not a pool. */
		ck_assert_uint_eq(blk_counters.ring_cqes_eventfd - c0.ring_cqes_eventfd, 5);
		ck_assert_uint_eq(blk_counters.pool_reqs - c0.pool_reqs, 0);
	} else {
		ck_assert_uint_eq(blk_counters.pool_reqs - c0.pool_reqs, 5);
		ck_assert_uint_eq(blk_counters.ring_sqes - c0.ring_sqes, 0);
	}
	for (unsigned s = 0; s < 5; s++) {
		ck_assert_uint_eq(ram[STATUS + s], VIRTIO_BLK_S_OK);
		read_image(8 * s, buf, sizeof(buf));
		ck_assert_uint_eq(buf[0], 0x10 + s);
		ck_assert_uint_eq(buf[4095], 0x10 + s);
	}
	ck_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & 1);
	teardown_image();
}
END_TEST

START_TEST(reset_drains)
{
	struct blk_counters c0 = blk_counters;
	uint8_t buf[4096];

	setup(_i, "", true);
	for (unsigned s = 0; s < 5; s++) {
		memset(ram + DATA + 4096 * s, 0x70 + s, 4096);
		queue_req(s, VIRTIO_BLK_T_OUT, 200 + 8 * s, 4096, false);
	}
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	/* No main loop iteration: the reset itself must wait for the writes. */
	wr(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	if (_i == IO_URING) /* reaped from the ring by blk_drain() */
		ck_assert_uint_eq(blk_counters.ring_cqes_drain - c0.ring_cqes_drain, 5);
	for (unsigned s = 0; s < 5; s++) {
		read_image(200 + 8 * s, buf, sizeof(buf));
		ck_assert_uint_eq(buf[0], 0x70 + s);
		ck_assert_uint_eq(buf[4095], 0x70 + s);
		ck_assert_uint_eq(ram[STATUS + s], VIRTIO_BLK_S_OK);
	}
	ck_assert_uint_eq(used_idx(), 5); /* all of them were completed, none dropped */
	ck_assert_uint_eq(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	/* System reset the same way. */
	driver_init();
	queue_req(0, VIRTIO_BLK_T_OUT, 300, 4096, false);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	reset_run_all();
	read_image(300, buf, sizeof(buf));
	ck_assert_uint_eq(buf[0], 0x70);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0);
	teardown_image();
}
END_TEST

START_TEST(request_errors)
{
	setup(_i, "", true);
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_IN, IMG_SECTORS - 4, 4096, true),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_IN, UINT64_MAX - 2, 512, true),
			 VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(do_req(0, 77, 0, 0, false), VIRTIO_BLK_S_UNSUPP);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0xf);
	/* Refused before the image: invalid, not failed. */
	ck_assert_uint_eq(drive_stats("virtio0")->invalid[BLK_ACCT_READ], 3);
	ck_assert_uint_eq(drive_stats("virtio0")->ops[BLK_ACCT_READ], 0);
	teardown_image();
}
END_TEST

START_TEST(discard_and_zeroes)
{
	struct virtio_blk_discard_write_zeroes seg = { htole64(16), htole32(8), 0 };
	uint8_t buf[4096], zero[4096] = { 0 };

	setup(_i, "", true);
	memcpy(ram + DATA, &seg, sizeof(seg));
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false), VIRTIO_BLK_S_OK);
	read_image(16, buf, sizeof(buf));
	ck_assert(!memcmp(buf, zero, sizeof(buf)));
	seg.sector = htole64(64);
	memcpy(ram + DATA, &seg, sizeof(seg));
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_DISCARD, 0, 16, false), VIRTIO_BLK_S_OK);
	/* discard=ignore (QEMU's default): the data stays. */
	read_image(64, buf, sizeof(buf));
	ck_assert_uint_eq(buf[0], (uint8_t)(64 * 512 * 13 + 5));
	/* Discard with the unmap flag is invalid; out of range is an I/O error. */
	seg.flags = htole32(1);
	memcpy(ram + DATA, &seg, sizeof(seg));
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_DISCARD, 0, 16, false), VIRTIO_BLK_S_UNSUPP);
	seg.flags = 0;
	seg.sector = htole64(IMG_SECTORS);
	memcpy(ram + DATA, &seg, sizeof(seg));
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_WRITE_ZEROES, 0, 16, false), VIRTIO_BLK_S_IOERR);
	teardown_image();
}
END_TEST

START_TEST(discard_unmap)
{
	struct virtio_blk_discard_write_zeroes seg = { htole64(64), htole32(8), 0 };
	uint8_t buf[4096], zero[4096] = { 0 };

	setup(_i, ",discard=unmap", true);
	memcpy(ram + DATA, &seg, sizeof(seg));
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_DISCARD, 0, 16, false), VIRTIO_BLK_S_OK);
	read_image(64, buf, sizeof(buf));
	ck_assert(!memcmp(buf, zero, sizeof(buf))); /* a hole reads as zeroes */
	read_image(72, buf, 1);
	ck_assert_uint_eq(buf[0], (uint8_t)(72 * 512 * 13 + 5));
	teardown_image();
}
END_TEST

START_TEST(readonly)
{
	uint8_t buf[512];

	setup(_i, ",readonly=on", true);
	wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	ck_assert(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_BLK_F_RO);
	memset(ram + DATA, 0xab, 512);
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_OUT, 0, 512, false), VIRTIO_BLK_S_IOERR);
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	read_image(0, buf, sizeof(buf));
	ck_assert_uint_eq(buf[0], 5);
	teardown_image();
}
END_TEST

START_TEST(wrong_direction_breaks)
{
	setup(_i, "", true);
	/* A read whose data buffer is device-readable. */
	ck_assert_int_eq(rd(VIRTIO_MMIO_STATUS), 0xf);
	queue_req(0, VIRTIO_BLK_T_IN, 0, 512, false);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_ISR_CONFIG);
	/* A request without a status byte. */
	driver_init();
	set_desc(0, HDRS, 16, 0, 0);
	memcpy(ram + AVAIL + 4, &(uint16_t){ 0 }, 2);
	memcpy(ram + AVAIL + 2, &(uint16_t){ htole16(1) }, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	driver_init();
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_IN, 0, 512, true), VIRTIO_BLK_S_OK);
	teardown_image();
}
END_TEST

START_TEST(open_errors)
{
	struct blk_open_opts o = { .path = "/nonexistent/disk.img", .aio = _i };
	struct blk_backend *a, *b;
	GError *err = NULL;

	ck_assert_ptr_null(blk_open(&o, &err));
	ck_assert_ptr_nonnull(strstr(err->message, "Could not open '/nonexistent/disk.img'"));
	g_clear_error(&err);
	make_image();
	o.path = img;
	a = blk_open(&o, &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(blk_size(a), IMG_SECTORS * 512);
	ck_assert_ptr_null(blk_open(&o, &err));
	ck_assert_ptr_nonnull(strstr(err->message, "Failed to get \"write\" lock"));
	g_clear_error(&err);
	o.readonly = true;
	ck_assert_ptr_null(blk_open(&o, &err));
	g_clear_error(&err);
	blk_close(a);
	a = blk_open(&o, &err);
	b = blk_open(&o, &err);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	blk_close(a);
	blk_close(b);
	teardown_image();
}
END_TEST

START_TEST(cache_none_fua)
{
	struct blk_counters c0;
	uint8_t v = 0;

	setup(_i, ",cache=none", true);
	/* Write cache off: every write is FUA, a data sync follows it. */
	io_dispatch(IO_SPACE_MMIO, BASE + VIRTIO_MMIO_CONFIG + 32, &v, 1, true);
	for (unsigned i = 0; i < 4096; i++)
		ram[DATA + i] = i * 3 + 1;
	c0 = blk_counters;
	ck_assert_int_eq(do_req(0, VIRTIO_BLK_T_OUT, 100, 4096, false), VIRTIO_BLK_S_OK);
	if (_i == IO_URING)
		ck_assert_uint_eq(blk_counters.ring_sqes - c0.ring_sqes, 2); /* writev, fsync */
	ck_assert_int_eq(do_req(1, VIRTIO_BLK_T_IN, 100, 4096, true), VIRTIO_BLK_S_OK);
	ck_assert(!memcmp(ram + DATA + 4096, ram + DATA, 4096));
	/* An odd buffer address (older kernels refuse it for O_DIRECT). */
	queue_req(2, VIRTIO_BLK_T_IN, 100, 512, true);
	set_desc(7, DATA + 2 * 4096 + 1, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 8);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	wait_used(1);
	ck_assert_uint_eq(ram[STATUS + 2], VIRTIO_BLK_S_OK);
	ck_assert(!memcmp(ram + DATA + 2 * 4096 + 1, ram + DATA, 512));
	teardown_image();
}
END_TEST

static unsigned done_count;

static void count_done(struct blk_req *req)
{
	done_count++;
}

static void run_until_done(unsigned n)
{
	gint64 end = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (done_count < n) {
		ck_assert(g_get_monotonic_time() < end);
		g_main_context_iteration(NULL, TRUE);
	}
}

static struct blk_backend *open_image(unsigned aio, unsigned ring_entries,
				      enum blk_cache_mode cache)
{
	struct blk_open_opts o = { .aio = aio, .ring_entries = ring_entries, .cache = cache };
	struct blk_backend *b;
	GError *err = NULL;

	make_image();
	o.path = img;
	b = blk_open(&o, &err);
	ck_assert_msg(b != NULL, "%s", err ? err->message : "");
	done_count = 0;
	return b;
}

/* A read across the end of the image: short, then the rest reads as zeroes. */
START_TEST(read_past_eof)
{
	struct blk_backend *b = open_image(_i, 0, BLK_CACHE_WRITEBACK);
	struct blk_counters c0 = blk_counters;
	g_autofree uint8_t *buf = g_malloc(4096);
	struct iovec iov[2] = { { buf, 1024 }, { buf + 1024, 3072 } };
	struct blk_req req = {
		.op = BLK_OP_READ, .offset = IMG_SECTORS * 512 - 512, .iov = iov, .niov = 2,
		.done = count_done,
	};

	memset(buf, 0xcc, 4096);
	blk_submit(b, &req);
	run_until_done(1);
	ck_assert_int_eq(req.ret, 0);
	for (unsigned i = 0; i < 512; i++)
		ck_assert_uint_eq(buf[i], (uint8_t)((IMG_SECTORS * 512 - 512 + i) * 13 + 5));
	for (unsigned i = 512; i < 4096; i++)
		ck_assert_uint_eq(buf[i], 0);
	if (_i == IO_URING) /* the remainder was resubmitted and hit the end */
		ck_assert_uint_eq(blk_counters.ring_resubmits - c0.ring_resubmits, 1);
	blk_close(b);
	teardown_image();
}
END_TEST

/* An offset O_DIRECT refuses (-EINVAL): done through the page cache instead. */
START_TEST(direct_unaligned)
{
	struct blk_backend *b = open_image(_i, 0, BLK_CACHE_NONE);
	struct blk_counters c0 = blk_counters;
	uint8_t buf[100];
	struct iovec iov = { buf, sizeof(buf) };
	struct blk_req req = {
		.op = BLK_OP_READ, .offset = 1001, .iov = &iov, .niov = 1, .done = count_done,
	};

	blk_submit(b, &req);
	run_until_done(1);
	ck_assert_int_eq(req.ret, 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], (uint8_t)((1001 + i) * 13 + 5));
	if (_i == IO_URING)
		ck_assert_uint_eq(blk_counters.ring_resubmits - c0.ring_resubmits, 1);
	blk_close(b);
	teardown_image();
}
END_TEST

#define NREQ 24

/*
 * Many more requests than a 2-entry ring holds (CQ 4): they wait for room
 * and go in as completions free it; writes (half of them FUA) and a flush
 * reaped from the main loop, then reads of the same data reaped by a drain.
 */
START_TEST(more_than_the_ring)
{
	struct blk_backend *b = open_image(_i, 2, BLK_CACHE_WRITEBACK);
	struct blk_counters c0 = blk_counters;
	g_autofree uint8_t *data = g_malloc(NREQ * 4096);
	g_autofree uint8_t *back = g_malloc0(NREQ * 4096);
	struct iovec iov[NREQ], iov_back[NREQ];
	struct blk_req req[NREQ + 1];

	memset(req, 0, sizeof(req));
	for (unsigned k = 0; k < NREQ * 4096; k++)
		data[k] = k * 7 + k / 4096;
	blk_io_plug(b);
	for (unsigned k = 0; k < NREQ; k++) {
		iov[k] = (struct iovec){ data + 4096 * k, 4096 };
		req[k] = (struct blk_req){ .op = BLK_OP_WRITE, .offset = 8192 * k, .iov = &iov[k],
					   .niov = 1, .fua = k & 1, .done = count_done };
		blk_submit(b, &req[k]);
	}
	req[NREQ] = (struct blk_req){ .op = BLK_OP_FLUSH, .done = count_done };
	blk_submit(b, &req[NREQ]);
	blk_io_unplug(b);
	run_until_done(NREQ + 1);
	for (unsigned k = 0; k <= NREQ; k++)
		ck_assert_int_eq(req[k].ret, 0);
	if (_i == IO_URING) {
		ck_assert_uint_gt(blk_counters.ring_waits - c0.ring_waits, 0);
		ck_assert_uint_gt(blk_counters.ring_enters - c0.ring_enters, 1);
		/* writes, one sync per FUA write, the flush */
		ck_assert_uint_eq(blk_counters.ring_sqes - c0.ring_sqes, NREQ + NREQ / 2 + 1);
	}
	c0 = blk_counters;
	done_count = 0;
	for (unsigned k = 0; k < NREQ; k++) {
		iov_back[k] = (struct iovec){ back + 4096 * k, 4096 };
		req[k] = (struct blk_req){ .op = BLK_OP_READ, .offset = 8192 * k,
					   .iov = &iov_back[k], .niov = 1, .done = count_done };
		blk_submit(b, &req[k]);
	}
	blk_drain(b);
	ck_assert_uint_eq(done_count, NREQ);
	ck_assert_uint_eq(blk_inflight(b), 0);
	for (unsigned k = 0; k < NREQ; k++)
		ck_assert_int_eq(req[k].ret, 0);
	ck_assert(!memcmp(back, data, NREQ * 4096));
	if (_i == IO_URING)
		ck_assert_uint_gt(blk_counters.ring_cqes_drain - c0.ring_cqes_drain, 0);
	blk_close(b);
	teardown_image();
}
END_TEST

/*
 * A kernel that refuses io_uring (here a seccomp filter, as in a container):
 * a one-line error naming the drive, no fall back to threads.
 */
START_TEST(io_uring_refused)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { G_N_ELEMENTS(f), f };

	/* Only this forked test process is filtered. */
	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
	setup(IO_URING, "", false);
	ck_assert_msg(g_str_has_prefix(setup_err, "drive 'virtio0': aio=io_uring: cannot set up "
				       "an io_uring for '"), "%s", setup_err);
	ck_assert_ptr_nonnull(strstr(setup_err, "Operation not permitted (io_uring is disabled"));
	ck_assert_ptr_null(strchr(setup_err, '\n'));
	teardown_image();
}
END_TEST

START_TEST(aio_option)
{
	struct machine_config cfg = { 0 };
	GError *err = NULL;

	cfg.devices = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	cfg.drives = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	ck_assert_int_lt(drive_add(&cfg, "file=x.img,aio=native", &err), 0);
	ck_assert_str_eq(err->message,
			 "aio=native is not supported (use aio=threads or aio=io_uring)");
	g_clear_error(&err);
	ck_assert_int_eq(drive_add(&cfg, "file=x.img,aio=threads", &err), 0);
	ck_assert_int_eq(drive_add(&cfg, "file=x.img,aio=io_uring", &err), 0);
	g_ptr_array_free(cfg.devices, TRUE);
	g_ptr_array_free(cfg.drives, TRUE);
}
END_TEST

START_TEST(missing_drive)
{
	struct kopts *dev = kopts_new();
	GError *err = NULL;

	setup(_i, ",id=d7,if=none", true);
	kopts_set(dev, "driver", "virtio-blk-device");
	kopts_set(dev, "drive", "d8");
	ck_assert_int_lt(device_create(dev, &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "drive 'd8' not found"));
	g_clear_error(&err);
	kopts_set(dev, "drive", "d7");
	ck_assert_int_lt(device_create(dev, &err), 0); /* already claimed by the first device */
	ck_assert_ptr_nonnull(strstr(err->message, "already in use"));
	kopts_free(dev);
	teardown_image();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio-blk");
	TCase *tc = tcase_create("core");
	SRunner *sr = srunner_create(s);
	/* aio=threads, and aio=io_uring where the build has it */
	int naio = blk_io_uring_built() ? 2 : 1;
	int failed;

	if (naio == 1)
		printf("test-virtio-blk: built without liburing, aio=io_uring not tested\n");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, config_space, 0, naio);
	tcase_add_loop_test(tc, write_read_flush, 0, naio);
	tcase_add_loop_test(tc, many_in_flight, 0, naio);
	tcase_add_loop_test(tc, reset_drains, 0, naio);
	tcase_add_loop_test(tc, request_errors, 0, naio);
	tcase_add_loop_test(tc, discard_and_zeroes, 0, naio);
	tcase_add_loop_test(tc, discard_unmap, 0, naio);
	tcase_add_loop_test(tc, readonly, 0, naio);
	tcase_add_loop_test(tc, wrong_direction_breaks, 0, naio);
	tcase_add_loop_test(tc, open_errors, 0, naio);
	tcase_add_loop_test(tc, cache_none_fua, 0, naio);
	tcase_add_loop_test(tc, read_past_eof, 0, naio);
	tcase_add_loop_test(tc, direct_unaligned, 0, naio);
	tcase_add_loop_test(tc, more_than_the_ring, 0, naio);
	tcase_add_loop_test(tc, missing_drive, 0, naio);
	tcase_add_test(tc, aio_option);
	/* The seccomp filter would outlive the test without a fork per test. */
	if (naio == 2 && srunner_fork_status(sr) == CK_FORK)
		tcase_add_test(tc, io_uring_refused);
	suite_add_tcase(s, tc);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
