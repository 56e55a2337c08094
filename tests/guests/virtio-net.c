// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives a virtio-net on virtio-mmio slot 0 directly. "test=" picks:
 *   udp   ARP for the gateway 10.0.2.2, then a UDP datagram to
 *         10.0.2.2:port= (-netdev user forwards it to the host's loopback);
 *         the reply (big= bytes asked for) is reassembled from mergeable
 *         buffers of rxbuf= bytes
 *   raw   one frame of ethertype 0x88b5 out, one back in (a tap fd= that
 *         is a socket the test holds)
 *   link  reports the link status while the test flips it with set_link
 * Output lines are "key=value" for the test script. Polling only.
 */
#include "guest.h"
#include "virtio.h"

#define NET_F_MAC (1u << 5)
#define NET_F_MRG_RXBUF (1u << 15)
#define NET_F_STATUS (1u << 16)
#define HDR_LEN 12
#define RXBUF_MAX 2048
#define SPINS 4000000u
#define ETH_P_TEST 0x88b5

static struct vio_queue rxq, txq;
static uint8_t rxbuf[VQ_SIZE][RXBUF_MAX];
static uint8_t txhdr[HDR_LEN];
static uint8_t txframe[1600];
static uint8_t frame[4096];
static uint32_t base = VIO_SLOT(0), rxbuf_len, mrg;
static uint8_t mac[6];
static const uint8_t gw_ip[4] = { 10, 0, 2, 2 }, my_ip[4] = { 10, 0, 2, 15 };
static uint32_t max_bufs;

static int streq(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && !memcmp(a, b, strlen(a));
}

static void fail(const char *what)
{
	put_kv_str("FAIL", what);
	debug_exit(2);
}

static uint32_t fnv(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static void post_rx(uint16_t i)
{
	rxq.desc[i].addr = (uint32_t)rxbuf[i];
	rxq.desc[i].len = rxbuf_len;
	rxq.desc[i].flags = VIO_F_WRITE;
	vio_publish(&rxq, i);
}

/* One frame into frame[]; returns its length or -1. */
static int rx_frame(void)
{
	uint32_t len, total = 0, nb = 1;
	int id;

	for (uint32_t i = 0; i < nb; i++) {
		const uint8_t *p;

		id = vio_wait_used(&rxq, SPINS, &len);
		if (id < 0 || id >= VQ_SIZE)
			return -1;
		p = rxbuf[id];
		if (!i) {
			if (len < HDR_LEN)
				fail("short receive buffer");
			nb = mrg ? (uint32_t)(p[10] | p[11] << 8) : 1;
			if (!nb || nb > VQ_SIZE)
				fail("num_buffers");
			p += HDR_LEN;
			len -= HDR_LEN;
		}
		if (total + len > sizeof(frame))
			fail("frame too long");
		memcpy(frame + total, p, len);
		total += len;
		post_rx(id);
	}
	if (nb > max_bufs)
		max_bufs = nb;
	return total;
}

static void tx_frame(uint32_t len)
{
	txq.desc[0] = (struct vio_desc){ (uint32_t)txhdr, HDR_LEN, VIO_F_NEXT, 1 };
	txq.desc[1] = (struct vio_desc){ (uint32_t)txframe, len, 0, 0 };
	vio_publish(&txq, 0);
	if (vio_wait_used(&txq, SPINS, NULL) != 0)
		fail("transmit not completed");
}

static void eth_header(const uint8_t *dst, uint16_t type)
{
	memcpy(txframe, dst, 6);
	memcpy(txframe + 6, mac, 6);
	put16(txframe + 12, type);
}

static uint16_t ip_csum(const uint8_t *p, uint32_t n)
{
	uint32_t s = 0;

	for (uint32_t i = 0; i < n; i += 2)
		s += get16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static void net_init(uint32_t features)
{
	if (vio_begin(base, 1, features) < 0)
		fail("virtio-net negotiation");
	mrg = !!(features & NET_F_MRG_RXBUF);
	if (vio_queue_init(&rxq, base, 0) < 0 || vio_queue_init(&txq, base, 1) < 0)
		fail("queue setup");
	vio_driver_ok(base);
	for (int i = 0; i < 6; i++)
		mac[i] = vio_config8(base, i);
	for (uint16_t i = 0; i < VQ_SIZE; i++)
		post_rx(i);
}

static void put_mac(const char *key, const uint8_t *m)
{
	static const char hex[] = "0123456789abcdef";
	char s[18];

	for (int i = 0; i < 6; i++) {
		s[3 * i] = hex[m[i] >> 4];
		s[3 * i + 1] = hex[m[i] & 15];
		s[3 * i + 2] = i == 5 ? 0 : ':';
	}
	put_kv_str(key, s);
}

static uint32_t link_status(void)
{
	return vio_config8(base, 6) | vio_config8(base, 7) << 8;
}

static int test_udp(const char *cmdline)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t port = cmdline_get_uint(cmdline, "port", 0);
	uint32_t big = cmdline_get_uint(cmdline, "big", 64);
	uint8_t gw_mac[6], *ip, *udp;
	char msg[32] = "keel-udp ";
	uint32_t mlen;
	int len, tries;

	/* ARP who-has 10.0.2.2 */
	eth_header(bcast, 0x0806);
	put16(txframe + 14, 1);
	put16(txframe + 16, 0x0800);
	txframe[18] = 6;
	txframe[19] = 4;
	put16(txframe + 20, 1);
	memcpy(txframe + 22, mac, 6);
	memcpy(txframe + 28, my_ip, 4);
	memset(txframe + 32, 0, 6);
	memcpy(txframe + 38, gw_ip, 4);
	tx_frame(42);
	for (tries = 0; tries < 16; tries++) {
		len = rx_frame();
		if (len < 0)
			fail("no ARP reply");
		if (len >= 42 && get16(frame + 12) == 0x0806 && get16(frame + 20) == 2)
			break;
	}
	if (tries == 16)
		fail("no ARP reply among the frames");
	memcpy(gw_mac, frame + 22, 6);
	put_mac("gw_mac", gw_mac);

	/* UDP to the gateway: "keel-udp <big>" */
	mlen = strlen(msg);
	msg[mlen++] = '0' + big / 1000 % 10;
	msg[mlen++] = '0' + big / 100 % 10;
	msg[mlen++] = '0' + big / 10 % 10;
	msg[mlen++] = '0' + big % 10;
	eth_header(gw_mac, 0x0800);
	ip = txframe + 14;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, 20 + 8 + mlen);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, my_ip, 4);
	memcpy(ip + 16, gw_ip, 4);
	put16(ip + 10, ip_csum(ip, 20));
	udp = ip + 20;
	put16(udp, 40000);
	put16(udp + 2, port);
	put16(udp + 4, 8 + mlen);
	put16(udp + 6, 0);
	memcpy(udp + 8, msg, mlen);
	tx_frame(14 + 20 + 8 + mlen);
	for (tries = 0; tries < 16; tries++) {
		len = rx_frame();
		if (len < 0)
			fail("no UDP reply");
		if (len >= 42 && get16(frame + 12) == 0x0800 && frame[23] == 17 &&
		    get16(frame + 34) == port)
			break;
	}
	if (tries == 16)
		fail("no UDP reply among the frames");
	put_kv_dec("udp_len", get16(frame + 38) - 8);
	put_kv_hex("udp_fnv", fnv(frame + 42, get16(frame + 38) - 8));
	put_kv_dec("num_buffers", max_bufs);
	puts("virtio-net: udp ok\n");
	return 0;
}

static int test_raw(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const char out[] = "keel-raw-out";
	int len, tries;

	eth_header(bcast, ETH_P_TEST);
	memcpy(txframe + 14, out, sizeof(out) - 1);
	tx_frame(14 + sizeof(out) - 1);
	/* A real tap also brings the host's IPv6 chatter: skip it. */
	for (tries = 0; tries < 64; tries++) {
		len = rx_frame();
		if (len < 0)
			fail("no frame back");
		if (len >= 14 && get16(frame + 12) == ETH_P_TEST)
			break;
	}
	if (tries == 64)
		fail("no test frame among the frames");
	put_kv_dec("raw_len", len);
	put_kv_hex("raw_fnv", fnv(frame, len));
	put_kv_dec("num_buffers", max_bufs);
	puts("virtio-net: raw ok\n");
	return 0;
}

static int wait_link(uint32_t want)
{
	for (uint32_t i = 0; i < 20 * SPINS; i++) {
		if ((link_status() & 1) == want)
			return 0;
		cpu_relax();
	}
	return -1;
}

static int test_link(void)
{
	uint32_t isr;

	puts("virtio-net: ready\n");
	if (wait_link(0) < 0)
		fail("link did not go down");
	isr = vio_rd(base, VIO_INT_STATUS);
	vio_wr(base, VIO_INT_ACK, isr);
	put_kv_dec("link_down_isr", isr);
	puts("virtio-net: down\n");
	if (wait_link(1) < 0)
		fail("link did not come back");
	put_kv_dec("link", 1);
	puts("virtio-net: link ok\n");
	return 0;
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	char test[16];
	uint32_t features = NET_F_MAC | NET_F_STATUS;

	if (cmdline_get(cmdline, "test", test, sizeof(test)) < 0)
		fail("no test= on the command line");
	if (cmdline_get_uint(cmdline, "mrg", 1))
		features |= NET_F_MRG_RXBUF;
	rxbuf_len = cmdline_get_uint(cmdline, "rxbuf", 256);
	if (rxbuf_len < HDR_LEN || rxbuf_len > RXBUF_MAX)
		fail("rxbuf");
	net_init(features);
	put_mac("mac", mac);
	put_kv_dec("link", link_status() & 1);
	if (streq(test, "udp"))
		return test_udp(cmdline);
	if (streq(test, "raw"))
		return test_raw();
	if (streq(test, "link"))
		return test_link();
	fail("unknown test");
	return 1;
}
