// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives a virtio-serial-device on virtio-mmio slot 0 directly, with a
 * virtconsole as port 0 and a virtserialport as port 1. "test=" picks:
 *   multi   the multiport handshake (DEVICE_READY, DEVICE_ADD, PORT_READY,
 *           CONSOLE_PORT, PORT_NAME, PORT_OPEN), output on both ports,
 *           input on both, then big= bytes on port 1 through 64-byte buffers
 *   single  no VIRTIO_CONSOLE_F_MULTIPORT: port 0 alone on queues 0 and 1
 * Output lines are "key=value" for the test script. Polling only.
 */
#include "guest.h"
#include "virtio.h"

#define F_MULTIPORT (1u << 1)
#define BUF 64
#define SPINS 4000000u

enum { RX0, TX0, CRX, CTX, RX1, TX1, NQ };

static struct vio_queue q[NQ];
static uint8_t rxbuf[NQ][VQ_SIZE][BUF];
static uint8_t txbuf[NQ][BUF];
static uint32_t base = VIO_SLOT(0);

struct ctrl {
	uint32_t id;
	uint16_t event, value;
};

static void fail(const char *what)
{
	put_kv_str("FAIL", what);
	debug_exit(2);
}

static uint32_t fnv_step(uint32_t h, const uint8_t *p, uint32_t n)
{
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void post(int qi, uint16_t i)
{
	q[qi].desc[i].addr = (uint32_t)rxbuf[qi][i];
	q[qi].desc[i].len = BUF;
	q[qi].desc[i].flags = VIO_F_WRITE;
	vio_publish(&q[qi], i);
}

static void send(int qi, const void *data, uint32_t len)
{
	memcpy(txbuf[qi], data, len);
	q[qi].desc[0] = (struct vio_desc){ (uint32_t)txbuf[qi], len, 0, 0 };
	vio_publish(&q[qi], 0);
	if (vio_wait_used(&q[qi], SPINS, NULL) != 0)
		fail("transmit not completed");
}

/* Next receive buffer of queue qi: its data (valid until the next call) or NULL. */
static uint8_t held[BUF + 1];

static uint8_t *recv(int qi, uint32_t *len)
{
	int id = vio_wait_used(&q[qi], SPINS, len);

	if (id < 0)
		return NULL;
	if (id >= VQ_SIZE || *len > BUF)
		fail("bad used entry");
	memcpy(held, rxbuf[qi][id], *len);
	held[*len] = 0;
	post(qi, id);
	return held;
}

static void ctrl_send(uint32_t id, uint16_t event, uint16_t value)
{
	struct ctrl c = { id, event, value };

	send(CTX, &c, sizeof(c));
}

/* Log control messages until count of them arrived. */
static void ctrl_expect(int count)
{
	for (int n = 0; n < count; n++) {
		uint32_t len;
		uint8_t *m = recv(CRX, &len);
		struct ctrl c;

		if (!m)
			fail("control message missing");
		if (len < sizeof(c))
			fail("short control message");
		memcpy(&c, m, sizeof(c));
		puts("ctrl=");
		put_dec(c.event);
		puts(",");
		put_dec(c.id);
		puts(",");
		put_dec(c.value);
		if (len > sizeof(c)) {
			puts(",");
			puts((char *)m + sizeof(c));
		}
		puts("\n");
	}
}

/* Read exactly n bytes from receive queue qi into out (n <= 32) */
static void read_exact(int qi, char *out, uint32_t n)
{
	uint32_t got = 0, len;

	while (got < n) {
		uint8_t *m = recv(qi, &len);

		if (!m)
			fail("input missing");
		if (got + len > n)
			fail("too much input");
		memcpy(out + got, m, len);
		got += len;
	}
	out[n] = 0;
}

static uint32_t setup(uint32_t features, int nq)
{
	if (vio_begin(base, 3, features) < 0)
		fail("virtio-console negotiation");
	for (int i = 0; i < nq; i++)
		if (vio_queue_init(&q[i], base, i) < 0)
			fail("queue setup");
	vio_driver_ok(base);
	for (int i = 0; i < nq; i++)
		if (i == RX0 || i == CRX || i == RX1)
			for (uint16_t d = 0; d < VQ_SIZE; d++)
				post(i, d);
	return mmio_read32(base + VIO_CONFIG + 4);
}

static int test_multi(const char *cmdline)
{
	uint32_t big = cmdline_get_uint(cmdline, "big", 0);
	uint32_t h = 2166136261u, got = 0, len;
	char in[33];

	put_kv_dec("max_nr_ports", setup(F_MULTIPORT, NQ));
	ctrl_send(0, 0, 1);		/* DEVICE_READY */
	ctrl_expect(2);			/* DEVICE_ADD 0, 1 */
	ctrl_send(0, 3, 1);		/* PORT_READY 0 */
	ctrl_expect(2);			/* CONSOLE_PORT, PORT_OPEN */
	ctrl_send(1, 3, 1);		/* PORT_READY 1 */
	ctrl_expect(2);			/* PORT_NAME, PORT_OPEN */
	ctrl_send(1, 6, 1);		/* the guest opens port 1 */
	send(TX0, "hello-console\n", 14);
	send(TX1, "hello-port\n", 11);
	puts("virtio-console: ready\n");
	read_exact(RX0, in, 5);
	put_kv_str("rx0", in);
	read_exact(RX1, in, 5);
	put_kv_str("rx1", in);
	while (got < big) {
		uint8_t *m = recv(RX1, &len);

		if (!m)
			fail("big input missing");
		h = fnv_step(h, m, len);
		got += len;
	}
	put_kv_dec("big_len", got);
	put_kv_hex("big_fnv", h);
	puts("virtio-console: multi ok\n");
	return 0;
}

static int test_single(void)
{
	char in[33];

	setup(0, 2);
	send(TX0, "hello-single\n", 13);
	puts("virtio-console: ready\n");
	read_exact(RX0, in, 5);
	put_kv_str("rx0", in);
	puts("virtio-console: single ok\n");
	return 0;
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	char test[16];

	if (cmdline_get(cmdline, "test", test, sizeof(test)) < 0)
		fail("no test= on the command line");
	if (!memcmp(test, "multi", 6))
		return test_multi(cmdline);
	if (!memcmp(test, "single", 7))
		return test_single();
	fail("unknown test");
	return 1;
}
