// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev/-nic parsing, and virtio-net over virtio-mmio on a tap fd= that
 * is a datagram socket the test holds, without KVM: the test plays the
 * driver through the MMIO dispatcher and runs the GLib main loop.
 */
#include <check.h>
#include <endian.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw/core/device.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-net.h"
#include "net/net.h"
#include "system/machine.h"
#include "system/memory.h"
#include "system/opts.h"

#define RAM_SIZE (4u << 20)
#define BASE 0xfeb00000ULL
#define QSZ 16
#define RXQ_DESC 0x1000
#define RXQ_AVAIL 0x2000
#define RXQ_USED 0x3000
#define TXQ_DESC 0x4000
#define TXQ_AVAIL 0x5000
#define TXQ_USED 0x6000
#define RXBUF 0x10000	/* 256 bytes per buffer */
#define TXBUF 0x20000
#define HDR 12

struct ring {
	uint32_t desc, avail, used;
	uint16_t avail_idx, used_seen;
};

static uint8_t *ram;
static int peer = -1;
static struct ring rx = { RXQ_DESC, RXQ_AVAIL, RXQ_USED }, tx = { TXQ_DESC, TXQ_AVAIL, TXQ_USED };

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

static void queue_setup(unsigned index, const struct ring *r)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, index);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSZ);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, r->desc);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, r->avail);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, r->used);
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void driver_init(uint32_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, 3);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1);
	wr(VIRTIO_MMIO_STATUS, 0xb);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_STATUS), 0xb);
	memset(ram, 0, 0x30000);
	rx.avail_idx = rx.used_seen = tx.avail_idx = tx.used_seen = 0;
	queue_setup(VIRTIO_NET_RXQ, &rx);
	queue_setup(VIRTIO_NET_TXQ, &tx);
	wr(VIRTIO_MMIO_STATUS, 0xf);
}

/* RAM, a tap netdev on a socketpair and the NIC, from command-line options. */
static void setup(const char *dev_extra, uint32_t features)
{
	struct ram_region *r = ram_region_new("test-ram", RAM_SIZE);
	g_autofree char *nd = NULL, *dev = NULL;
	GError *err = NULL;
	struct kopts *o;
	int sv[2];

	memory_begin();
	memory_map_ram(r, 0);
	ck_assert_int_eq(memory_commit(), 0);
	ram = ram_region_host(r);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	peer = sv[0];
	nd = g_strdup_printf("tap,id=t0,fd=%d", sv[1]);
	ck_assert_int_eq(netdev_add(nd, &err), 0);
	dev = g_strdup_printf("virtio-net-device,netdev=t0,id=nic0%s", dev_extra);
	o = kopts_parse(dev, "driver", &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_msg(device_create(o, &err) == 0, "%s", err ? err->message : "");
	kopts_free(o);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET);
	driver_init(features);
}

static void set_desc(const struct ring *r, unsigned i, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	struct vring_desc d = { htole64(addr), htole32(len), htole16(flags), htole16(next) };

	memcpy(ram + r->desc + 16 * i, &d, 16);
}

static void make_avail(struct ring *r, uint16_t head)
{
	memcpy(ram + r->avail + 4 + 2 * (r->avail_idx % QSZ), &(uint16_t){ htole16(head) }, 2);
	r->avail_idx++;
	memcpy(ram + r->avail + 2, &(uint16_t){ htole16(r->avail_idx) }, 2);
}

static uint16_t used_idx(const struct ring *r)
{
	uint16_t v;

	memcpy(&v, ram + r->used + 2, 2);
	return le16toh(v);
}

static struct vring_used_elem used_elem(const struct ring *r, uint16_t i)
{
	struct vring_used_elem e;

	memcpy(&e, ram + r->used + 4 + 8 * (i % QSZ), 8);
	return (struct vring_used_elem){ le32toh(e.id), le32toh(e.len) };
}

/* Run the main loop until used reaches n more entries, or for a while when n is 0. */
static void run_until_used(struct ring *r, unsigned n)
{
	gint64 end = g_get_monotonic_time() + (n ? 10 : 0.2) * G_USEC_PER_SEC;

	while ((uint16_t)(used_idx(r) - r->used_seen) < n || !n) {
		if (g_get_monotonic_time() >= end) {
			ck_assert_msg(!n, "%u used entries did not come", n);
			return;
		}
		g_main_context_iteration(NULL, FALSE);
	}
}

static void post_rx(unsigned count, uint32_t len)
{
	for (unsigned i = 0; i < count; i++) {
		set_desc(&rx, i, RXBUF + 256 * i, len, VRING_DESC_F_WRITE, 0);
		make_avail(&rx, i);
	}
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
}

static void frame_pattern(uint8_t *f, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f[i] = i * 7 + seed;
}

START_TEST(config_and_tx)
{
	uint8_t f[60], got[128];
	struct virtio_net_hdr h = { 0 };

	setup(",mac=52:54:00:01:02:03", 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG), 0x01005452);
	ck_assert_uint_eq(rd(VIRTIO_MMIO_CONFIG + 4), 0x00010302);	/* mac 4-5, status 1 */
	/* Header and frame in two descriptors, the frame split again. */
	frame_pattern(f, sizeof(f), 1);
	memcpy(ram + TXBUF, &h, HDR);
	memcpy(ram + TXBUF + 0x100, f, sizeof(f));
	set_desc(&tx, 0, TXBUF, HDR, VRING_DESC_F_NEXT, 1);
	set_desc(&tx, 1, TXBUF + 0x100, 20, VRING_DESC_F_NEXT, 2);
	set_desc(&tx, 2, TXBUF + 0x114, 40, 0, 0);
	make_avail(&tx, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	run_until_used(&tx, 1);
	ck_assert_int_eq(recv(peer, got, sizeof(got), MSG_DONTWAIT), (ssize_t)sizeof(f));
	ck_assert_mem_eq(got, f, sizeof(f));
	ck_assert_uint_eq(used_elem(&tx, 0).id, 0);
}
END_TEST

START_TEST(rx_mergeable)
{
	uint8_t f[700];
	struct virtio_net_hdr h;
	uint8_t all[1024];
	size_t off = 0;

	setup("", 1u << VIRTIO_NET_F_MRG_RXBUF);
	post_rx(4, 256);
	frame_pattern(f, sizeof(f), 3);
	ck_assert_int_eq(send(peer, f, sizeof(f), 0), (ssize_t)sizeof(f));
	run_until_used(&rx, 3);
	for (unsigned i = 0; i < 3; i++) {
		struct vring_used_elem e = used_elem(&rx, i);

		ck_assert_uint_eq(e.id, i);
		ck_assert_uint_eq(e.len, i < 2 ? 256 : HDR + sizeof(f) - 512);
		memcpy(all + off, ram + RXBUF + 256 * i, e.len);
		off += e.len;
	}
	memcpy(&h, all, HDR);
	ck_assert_uint_eq(le16toh(h.num_buffers), 3);
	ck_assert_mem_eq(all + HDR, f, sizeof(f));
	ck_assert_uint_eq(used_idx(&rx), 3);
}
END_TEST

START_TEST(rx_waits_for_buffers)
{
	uint8_t f[300];

	setup("", 1u << VIRTIO_NET_F_MRG_RXBUF);
	frame_pattern(f, sizeof(f), 5);
	ck_assert_int_eq(send(peer, f, sizeof(f), 0), (ssize_t)sizeof(f));
	/* Not enough room: one buffer for a frame that needs two; nothing is taken. */
	post_rx(1, 256);
	run_until_used(&rx, 0);
	ck_assert_uint_eq(used_idx(&rx), 0);
	set_desc(&rx, 1, RXBUF + 256, 256, VRING_DESC_F_WRITE, 0);
	make_avail(&rx, 1);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
	run_until_used(&rx, 2);
	ck_assert_mem_eq(ram + RXBUF + HDR, f, 256 - HDR);
	ck_assert_mem_eq(ram + RXBUF + 256, f + 256 - HDR, sizeof(f) - (256 - HDR));
}
END_TEST

START_TEST(rx_without_mergeable)
{
	uint8_t f[200];
	struct virtio_net_hdr h;

	setup(",mrg_rxbuf=off", 0);
	ck_assert(!(rd(VIRTIO_MMIO_DEVICE_FEATURES) & 1u << VIRTIO_NET_F_MRG_RXBUF));
	post_rx(2, 256);
	frame_pattern(f, sizeof(f), 9);
	ck_assert_int_eq(send(peer, f, sizeof(f), 0), (ssize_t)sizeof(f));
	run_until_used(&rx, 1);
	ck_assert_uint_eq(used_elem(&rx, 0).len, HDR + sizeof(f));
	memcpy(&h, ram + RXBUF, HDR);
	ck_assert_uint_eq(le16toh(h.num_buffers), 1);
	ck_assert_mem_eq(ram + RXBUF + HDR, f, sizeof(f));
}
END_TEST

START_TEST(wrong_directions_break)
{
	uint8_t f[64] = { 0 };

	setup("", 0);
	/* A device-readable receive buffer. */
	set_desc(&rx, 0, RXBUF, 256, 0, 0);
	make_avail(&rx, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
	ck_assert_int_eq(send(peer, f, sizeof(f), 0), (ssize_t)sizeof(f));
	run_until_used(&rx, 0);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	/* A reset brings it back; then a transmit chain with a writable buffer. */
	driver_init(0);
	ck_assert(!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET));
	set_desc(&tx, 0, TXBUF, 64, VRING_DESC_F_WRITE, 0);
	make_avail(&tx, 0);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	ck_assert(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	ck_assert_uint_eq(used_idx(&tx), 0);
}
END_TEST

/* ---- command line ---- */

static int add(const char *opt, const char **msg)
{
	static GError *err;
	int ret;

	g_clear_error(&err);
	ret = netdev_add(opt, &err);
	*msg = err ? err->message : "";
	return ret;
}

START_TEST(netdev_options)
{
	const char *msg;

	netdev_reset_all();
	ck_assert_int_eq(add("{\"type\": \"tap\", \"id\": \"hostnet0\", \"fd\": \"5\", "
			     "\"vhost\": true, \"vhostfd\": \"6\"}", &msg), 0);
	ck_assert_int_eq(add("tap,id=t1,ifname=tap0,script=no,downscript=no,vnet_hdr=on", &msg),
			 0);
	ck_assert_int_eq(add("tap,id=t2,ifname=a-very-long-interface-name", &msg), -1);
	ck_assert_int_eq(add("tap,id=t2,fd=3,ifname=tap0", &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "mutually exclusive"));
	ck_assert_int_eq(add("bridge,id=b0", &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "'bridge' is not supported"));
	if (add("user,id=probe", &msg) < 0) {
		/* Built without libslirp. */
		ck_assert_ptr_nonnull(strstr(msg, "'user' is not supported"));
		netdev_reset_all();
		return;
	}
	ck_assert_int_eq(add("user,id=n0,net=10.1.0.0/16,hostfwd=tcp::2222-:22,"
			     "hostfwd=udp:127.0.0.1:5353-10.1.0.9:53", &msg), 0);
	ck_assert_int_eq(add("user,id=n0", &msg), -1);
	ck_assert_str_eq(msg, "Duplicate ID 'n0' for netdev");
	ck_assert_int_eq(add("user,id=0bad", &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "invalid id '0bad'"));
	ck_assert_int_eq(add("user,id=n1,dhcpstart=10.0.3.15", &msg), -1);
	ck_assert_ptr_nonnull(strstr(msg, "inside net"));
	ck_assert_int_eq(add("user,id=n1,ipv6=on", &msg), -1);
	ck_assert_int_eq(add("user,id=n1,hostfwd=tcp::99999-:22", &msg), -1);
	netdev_reset_all();
}
END_TEST

START_TEST(nic_options)
{
	struct machine_config cfg = { .devices = g_ptr_array_new_with_free_func(
					      (GDestroyNotify)kopts_free) };
	GError *err = NULL;
	struct kopts *d;

	netdev_reset_all();
	ck_assert_int_eq(nic_add(&cfg, "tap,mac=52:54:00:00:00:01,fd=4", &err), 0);
	ck_assert_msg(nic_add(&cfg, "tap,id=t0,model=virtio,fd=5", &err) == 0, "%s",
		      err ? err->message : "");
	ck_assert_int_eq(nic_add(&cfg, "none", &err), 0);
	ck_assert_uint_eq(cfg.devices->len, 2);
	d = cfg.devices->pdata[0];
	ck_assert_str_eq(kopts_get(d, "driver"), "virtio-net-device");
	ck_assert_str_eq(kopts_get(d, "netdev"), "__nic0");
	ck_assert_str_eq(kopts_get(d, "mac"), "52:54:00:00:00:01");
	d = cfg.devices->pdata[1];
	ck_assert_str_eq(kopts_get(d, "netdev"), "t0");
	ck_assert_int_eq(nic_add(&cfg, "user,model=e1000", &err), -1);
	ck_assert_ptr_nonnull(strstr(err->message, "'e1000'"));
	g_clear_error(&err);
	ck_assert_int_eq(nic_add(&cfg, "model=virtio", &err), -1);
	g_clear_error(&err);
	g_ptr_array_free(cfg.devices, TRUE);
	netdev_reset_all();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio-net");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, config_and_tx);
	tcase_add_test(tc, rx_mergeable);
	tcase_add_test(tc, rx_waits_for_buffers);
	tcase_add_test(tc, rx_without_mergeable);
	tcase_add_test(tc, wrong_directions_break);
	tcase_add_test(tc, netdev_options);
	tcase_add_test(tc, nic_options);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
