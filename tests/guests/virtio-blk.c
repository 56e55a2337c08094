// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Drives virtio-mmio devices directly: slot 0 is a virtio-blk, slot 1 (when
 * asked for) a virtio-rng. "test=" on the command line picks the scenario:
 *   rw       writes, flushes and reads back (checksums), several requests in
 *            flight, an indirect chain, GET_ID, out-of-range and read-only
 *            errors, the interrupt status
 *   reset    writes in flight, then status 0: the writes must be complete
 *            and the queues cold when the reset returns
 *   bad      a descriptor loop on the disk: only the disk breaks; the rng
 *            keeps working; a reset brings the disk back
 *   sysreset writes in flight, then a system reset (0xCF9); after the
 *            reboot the device is cold and the data is on the disk
 *   irq      completions raise GSI 16 through the IOAPIC (level-triggered):
 *            one interrupt with the queue bit per completion, InterruptACK
 *            clears it, none with VRING_AVAIL_F_NO_INTERRUPT
 * Output lines are "key=value" for the test script. Polling only, short loops.
 */
#include "guest.h"

#define MMIO_BASE 0xfeb00000u
#define SLOT(n) (MMIO_BASE + (n) * 0x200u)
#define QSZ 8
#define SECTOR 512

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_INT_STATUS 0x060
#define R_INT_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_DRIVER_LO 0x090
#define R_DRIVER_HI 0x094
#define R_DEVICE_LO 0x0a0
#define R_DEVICE_HI 0x0a4
#define R_CONFIG 0x100

#define F_NEXT 1
#define F_WRITE 2
#define F_INDIRECT 4

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_WRITE_ZEROES 13

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct vq {
	uint32_t base;
	struct desc desc[QSZ] __attribute__((aligned(16)));
	struct {
		uint16_t flags, idx, ring[QSZ], used_event;
	} avail __attribute__((aligned(4)));
	struct {
		uint16_t flags, idx;
		struct { uint32_t id, len; } ring[QSZ];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	uint16_t last_used;
};

struct req {
	uint32_t type, ioprio;
	uint64_t sector;
};

static struct vq blkq, rngq;
static struct req hdr[QSZ];
static volatile uint8_t status[QSZ];
static uint8_t data[QSZ][4096] __attribute__((aligned(4096)));
static struct desc itable[3] __attribute__((aligned(16)));
static uint8_t rngbuf[64];

static void barrier(void)
{
	asm volatile("" ::: "memory");
}

static uint32_t rd(uint32_t base, uint32_t reg)
{
	return mmio_read32(base + reg);
}

static void wr(uint32_t base, uint32_t reg, uint32_t v)
{
	mmio_write32(base + reg, v);
}

static uint32_t fnv(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void fail(const char *what)
{
	put_kv_str("FAIL", what);
	debug_exit(2);
}

/* Standard init sequence (3.1.1) with one queue of QSZ. Returns 0 or -1. */
static int dev_init(struct vq *q, uint32_t base, uint32_t dev_id, uint32_t features)
{
	if (rd(base, R_MAGIC) != 0x74726976 || rd(base, R_VERSION) != 2 ||
	    rd(base, R_DEVICE_ID) != dev_id)
		return -1;
	wr(base, R_STATUS, 0);
	if (rd(base, R_STATUS) != 0)
		return -1;
	wr(base, R_STATUS, 1);
	wr(base, R_STATUS, 3);
	wr(base, R_DEV_FEATURES_SEL, 1);
	if (!(rd(base, R_DEV_FEATURES) & 1))
		return -1;
	wr(base, R_DRV_FEATURES_SEL, 0);
	wr(base, R_DRV_FEATURES, features);
	wr(base, R_DRV_FEATURES_SEL, 1);
	wr(base, R_DRV_FEATURES, 1);	/* VERSION_1 */
	wr(base, R_STATUS, 0xb);
	if (!(rd(base, R_STATUS) & 8))
		return -1;
	memset(q, 0, sizeof(*q));
	q->base = base;
	wr(base, R_QUEUE_SEL, 0);
	if (rd(base, R_QUEUE_READY) != 0 || rd(base, R_QUEUE_NUM_MAX) < QSZ)
		return -1;
	wr(base, R_QUEUE_NUM, QSZ);
	wr(base, R_DESC_LO, (uint32_t)q->desc);
	wr(base, R_DESC_HI, 0);
	wr(base, R_DRIVER_LO, (uint32_t)&q->avail);
	wr(base, R_DRIVER_HI, 0);
	wr(base, R_DEVICE_LO, (uint32_t)&q->used);
	wr(base, R_DEVICE_HI, 0);
	wr(base, R_QUEUE_READY, 1);
	if (rd(base, R_QUEUE_READY) != 1)
		return -1;
	wr(base, R_STATUS, 0xf);
	return 0;
}

static void publish(struct vq *q, uint16_t head)
{
	q->avail.ring[q->avail.idx % QSZ] = head;
	barrier();
	q->avail.idx++;
	barrier();
}

static void kick(struct vq *q)
{
	wr(q->base, R_QUEUE_NOTIFY, 0);
}

/* Wait until n more used entries; bounded (the host completes in ms). */
static int wait_used(struct vq *q, uint16_t n)
{
	uint16_t want = q->last_used + n;

	for (uint32_t i = 0; i < 4000000; i++) {
		if (*(volatile uint16_t *)&q->used.idx == want) {
			q->last_used = want;
			return 0;
		}
		cpu_relax();
	}
	return -1;
}

/* Request slot s: descriptors 3s.. would not fit QSZ=8; use s as chain index. */
static void blk_req(unsigned slot, uint32_t type, uint32_t sector, uint32_t len, int indirect)
{
	/* Each slot owns descriptors; with QSZ 8 we use at most 2 direct 3-desc chains
	 * plus indirect ones, so lay chains out as: slot k -> descs from k*3 (k < 2). */
	struct desc *d;
	unsigned first;
	int dev_writes = type == T_IN || type == T_GET_ID;

	hdr[slot].type = type;
	hdr[slot].ioprio = 0;
	hdr[slot].sector = sector;
	status[slot] = 0xee;
	if (indirect) {
		d = itable;
		first = 0;
	} else {
		d = blkq.desc;
		first = slot * 3;
	}
	d[first] = (struct desc){ (uint32_t)&hdr[slot], 16, F_NEXT, first + 1 };
	if (len) {
		d[first + 1] = (struct desc){ (uint32_t)data[slot], len,
					      F_NEXT | (dev_writes ? F_WRITE : 0), first + 2 };
		d[first + 2] = (struct desc){ (uint32_t)&status[slot], 1, F_WRITE, 0 };
	} else {
		d[first + 1] = (struct desc){ (uint32_t)&status[slot], 1, F_WRITE, 0 };
	}
	if (indirect) {
		/* The indirect chain lives in descriptor 7 of the ring. */
		blkq.desc[7] = (struct desc){ (uint32_t)itable, (len ? 3 : 2) * 16, F_INDIRECT, 0 };
		publish(&blkq, 7);
	} else {
		publish(&blkq, first);
	}
}

static int blk_sync(unsigned slot, uint32_t type, uint32_t sector, uint32_t len, int indirect)
{
	blk_req(slot, type, sector, len, indirect);
	kick(&blkq);
	if (wait_used(&blkq, 1))
		fail("request timed out");
	return status[slot];
}

static void fill(uint8_t *p, uint32_t n, uint32_t seed)
{
	for (uint32_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 9));
}

static void check_pattern(unsigned slot, uint32_t seed, const char *what)
{
	static uint8_t want[4096];

	fill(want, sizeof(want), seed);
	if (memcmp(data[slot], want, sizeof(want)))
		fail(what);
}

static uint32_t blk_features(void)
{
	wr(SLOT(0), R_DEV_FEATURES_SEL, 0);
	return rd(SLOT(0), R_DEV_FEATURES);
}

static void init_blk(void)
{
	/* INDIRECT_DESC (28) and EVENT_IDX (29) plus FLUSH (9), WRITE_ZEROES (14). */
	uint32_t want = (1u << 28) | (1u << 29) | (1u << 9) | (1u << 14) | (1u << 5);

	if (dev_init(&blkq, SLOT(0), 2, blk_features() & want))
		fail("virtio-blk init");
}

static void test_rw(void)
{
	uint32_t cap, feat;
	int ro;

	init_blk();
	feat = blk_features();
	ro = !!(feat & (1u << 5));
	cap = rd(SLOT(0), R_CONFIG);
	put_kv_dec("capacity", cap);
	put_kv_dec("readonly", ro);
	/* Host-written sectors 0..7: report their checksum. */
	if (blk_sync(0, T_IN, 0, 4096, 0))
		fail("read 0");
	put_kv_hex("host_fnv", fnv(data[0], 4096));
	/* Event index: ask for an interrupt after every completion. */
	blkq.avail.used_event = blkq.last_used;
	if (ro) {
		if (blk_sync(1, T_OUT, 8, 4096, 0) != 1)
			fail("write to read-only disk succeeded");
		puts("virtio: ro ok\n");
		return;
	}
	/* Two writes in flight at once, then a flush. */
	fill(data[0], 4096, 1);
	fill(data[1], 4096, 2);
	blk_req(0, T_OUT, 8, 4096, 0);
	blk_req(1, T_OUT, 16, 4096, 0);
	kick(&blkq);
	if (wait_used(&blkq, 2) || status[0] || status[1])
		fail("writes");
	if (!(rd(SLOT(0), R_INT_STATUS) & 1))
		fail("no queue interrupt status");
	wr(SLOT(0), R_INT_ACK, 1);
	if (rd(SLOT(0), R_INT_STATUS) & 1)
		fail("interrupt not acknowledged");
	if (blk_sync(0, T_FLUSH, 0, 0, 0))
		fail("flush");
	/* Read back through an indirect chain. */
	memset(data[0], 0, 4096);
	if (blk_sync(0, T_IN, 8, 4096, 1))
		fail("indirect read");
	check_pattern(0, 1, "data read back (sector 8)");
	memset(data[1], 0, 4096);
	if (blk_sync(1, T_IN, 16, 4096, 0))
		fail("read 16");
	check_pattern(1, 2, "data read back (sector 16)");
	put_kv_hex("written_fnv", fnv(data[0], 4096));
	/* Errors the guest may cause without breaking anything. */
	if (blk_sync(0, T_IN, cap - 4, 4096, 0) != 1)
		fail("read past the end succeeded");
	if (blk_sync(0, 99, 0, 0, 0) != 2)
		fail("unknown request type not UNSUPP");
	memset(data[0], 0, 32);
	if (blk_sync(0, T_GET_ID, 0, 20, 0))
		fail("get id");
	data[0][20] = 0;
	put_kv_str("serial", (const char *)data[0]);
	/* Write zeroes over sector 16..23 (segment in the data buffer). */
	if (blk_features() & (1u << 14)) {
		struct { uint64_t sector; uint32_t num, flags; } *seg = (void *)data[1];

		seg->sector = 16;
		seg->num = 8;
		seg->flags = 0;
		blk_req(1, T_WRITE_ZEROES, 0, 16, 0);
		kick(&blkq);
		if (wait_used(&blkq, 1) || status[1])
			fail("write zeroes");
	}
	if (rd(SLOT(0), R_STATUS) != 0xf)
		fail("device status changed");
	puts("virtio: rw ok\n");
}

static void test_reset(void)
{
	init_blk();
	fill(data[0], 4096, 5);
	fill(data[1], 4096, 6);
	blk_req(0, T_OUT, 32, 4096, 0);
	blk_req(1, T_OUT, 40, 4096, 0);
	kick(&blkq);
	/* Reset at once: the writes are in flight on the host. */
	wr(SLOT(0), R_STATUS, 0);
	if (rd(SLOT(0), R_STATUS) != 0)
		fail("status after reset");
	wr(SLOT(0), R_QUEUE_SEL, 0);
	if (rd(SLOT(0), R_QUEUE_READY) != 0 || rd(SLOT(0), R_QUEUE_NUM) != rd(SLOT(0), R_QUEUE_NUM_MAX))
		fail("queue not cold after reset");
	if (rd(SLOT(0), R_INT_STATUS) != 0)
		fail("interrupt status after reset");
	/* Fresh rings: indices restart from 0. */
	init_blk();
	memset(data[0], 0, 4096);
	if (blk_sync(0, T_IN, 32, 4096, 0))
		fail("read after reset");
	check_pattern(0, 5, "first in-flight write lost");
	memset(data[1], 0, 4096);
	if (blk_sync(1, T_IN, 40, 4096, 0))
		fail("read after reset");
	check_pattern(1, 6, "second in-flight write lost");
	puts("virtio: reset ok\n");
}

static void rng_read(void)
{
	uint32_t nz = 0;

	memset(rngbuf, 0, sizeof(rngbuf));
	rngq.desc[0] = (struct desc){ (uint32_t)rngbuf, sizeof(rngbuf), F_WRITE, 0 };
	publish(&rngq, 0);
	kick(&rngq);
	if (wait_used(&rngq, 1))
		fail("rng timed out");
	for (unsigned i = 0; i < sizeof(rngbuf); i++)
		nz += rngbuf[i] != 0;
	put_kv_dec("rng_len", rngq.used.ring[(rngq.last_used - 1) % QSZ].len);
	if (nz < 32)
		fail("rng returned zeroes");
}

static void test_bad(void)
{
	init_blk();
	if (dev_init(&rngq, SLOT(1), 4, 0))
		fail("virtio-rng init");
	rng_read();
	/* A descriptor loop: 0 -> 1 -> 0. */
	blkq.desc[0] = (struct desc){ (uint32_t)&hdr[0], 16, F_NEXT, 1 };
	blkq.desc[1] = (struct desc){ (uint32_t)data[0], 512, F_NEXT, 0 };
	publish(&blkq, 0);
	kick(&blkq);
	if (!(rd(SLOT(0), R_STATUS) & 0x40))
		fail("no NEEDS_RESET after a descriptor loop");
	if (!(rd(SLOT(0), R_INT_STATUS) & 2))
		fail("no config interrupt after a descriptor loop");
	put_kv_hex("bad_status", rd(SLOT(0), R_STATUS));
	/* Further notifications are ignored, the other device still works. */
	kick(&blkq);
	rng_read();
	/* A reset revives the disk. */
	init_blk();
	if (blk_sync(0, T_IN, 0, 4096, 0))
		fail("read after recovering");
	rng_read();
	puts("virtio: bad ok\n");
}

struct persist {
	uint32_t magic, boots;
};

static void test_sysreset(void)
{
	struct persist *p = (struct persist *)GUEST_PERSIST_ADDR;

	if (p->magic != 0x76697274u) {
		p->magic = 0x76697274u;
		p->boots = 0;
	}
	p->boots++;
	put_kv_dec("boot", p->boots);
	if (p->boots == 1) {
		init_blk();
		fill(data[0], 4096, 9);
		fill(data[1], 4096, 10);
		blk_req(0, T_OUT, 48, 4096, 0);
		blk_req(1, T_OUT, 56, 4096, 0);
		kick(&blkq);
		outb(0xcf9, 0x06);
		for (;;)
			cpu_relax();
	}
	/* After the reset: a cold device and the data on the disk. */
	if (rd(SLOT(0), R_STATUS) != 0)
		fail("status not 0 after system reset");
	wr(SLOT(0), R_QUEUE_SEL, 0);
	if (rd(SLOT(0), R_QUEUE_READY) != 0)
		fail("queue ready after system reset");
	init_blk();
	memset(data[0], 0, 4096);
	if (blk_sync(0, T_IN, 48, 4096, 0))
		fail("read after system reset");
	check_pattern(0, 9, "in-flight write lost across system reset");
	memset(data[1], 0, 4096);
	if (blk_sync(1, T_IN, 56, 4096, 0))
		fail("read after system reset");
	check_pattern(1, 10, "in-flight write lost across system reset");
	puts("virtio: sysreset ok\n");
}

/*
 * Interrupts, as in echo.c: enabled only inside wait_irq(), and the handler
 * returns to its end instead of using IRET (32-bit IRET failed on some
 * nested hosts).
 */
#define LAPIC_SVR 0xfee000f0u
#define LAPIC_EOI 0xfee000b0u
#define IOAPIC 0xfec00000u
#define VIRTIO_VECTOR 0x30

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(8)));
static volatile uint32_t irqs, last_isr;

void virtio_irq(void);
void unexpected_irq(void);
extern char virtio_isr[], unexpected_isr[];
void wait_irq(void);
void open_window(void);
asm(".text\n"
    "wait_irq:\n"
    "	sti\n"
    "	hlt\n"
    "wait_irq_done:\n"
    "	cli\n"
    "	ret\n"
    /* Interrupts on for a short while: a line that stays high would fire again here. */
    "open_window:\n"
    "	sti\n"
    "	mov $2000, %ecx\n"
    "1:	pause\n"
    "	loop 1b\n"
    "	cli\n"
    "	ret\n"
    "virtio_isr:\n"
    "	pusha\n"
    "	cld\n"
    "	call virtio_irq\n"
    "	popa\n"
    "	add $12, %esp\n"
    "	cli\n"
    "	ret\n"
    "unexpected_isr:\n"
    "	call unexpected_irq\n");

static volatile uint32_t spurious;

/*
 * Interrupts that find nothing in InterruptStatus are counted apart: on
 * nested hosts the vector is sometimes still pending in the LAPIC IRR when
 * the handler runs (outside keel's control). A line stuck high would show
 * as hundreds of them.
 */
void virtio_irq(void)
{
	last_isr = rd(SLOT(0), R_INT_STATUS);
	wr(SLOT(0), R_INT_ACK, last_isr);
	if (last_isr)
		irqs++;
	else
		spurious++;
	mmio_write32(LAPIC_EOI, 0);
}

void unexpected_irq(void)
{
	fail("unexpected interrupt or exception");
}

static void set_gate(unsigned vec, void *handler)
{
	uint32_t a = (uint32_t)handler;

	idt[vec] = (struct idt_gate){ a & 0xffff, 0x08, 0, 0x8e, a >> 16 };
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
	mmio_write32(IOAPIC, reg);
	mmio_write32(IOAPIC + 0x10, v);
}

/*
 * Queue interrupts through IOAPIC GSI 16; hold: stay halted afterwards so
 * the test can read keel's counters over QMP.
 */
static void test_irq(int hold)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint32_t)idt };
	uint32_t i;

	for (i = 0; i < 256; i++)
		set_gate(i, unexpected_isr);
	/*
	 * The handler returns to wait_irq's caller or open_window's caller
	 * (it drops the frame and returns): both leave with interrupts off.
	 */
	set_gate(VIRTIO_VECTOR, virtio_isr);
	asm volatile("lidt %0" : : "m"(idtr));
	mmio_write32(LAPIC_SVR, 0x1ff);
	/* GSI 16: destination APIC 0, level-triggered, active high, unmasked. */
	ioapic_write(0x10 + 2 * 16 + 1, 0);
	ioapic_write(0x10 + 2 * 16, VIRTIO_VECTOR | (1u << 15));
	/* Plain rings (no event index): every completion interrupts. */
	if (dev_init(&blkq, SLOT(0), 2, 0))
		fail("virtio-blk init");
	for (unsigned n = 1; n <= 3; n++) {
		blk_req(0, T_IN, 0, 4096, 0);
		kick(&blkq);
		for (i = 0; i < 1000 && irqs < n; i++)
			wait_irq();
		if (irqs != n)
			fail("no interrupt for a completion");
		if (!(last_isr & 1) || wait_used(&blkq, 1) || status[0])
			fail("interrupt without a completed request");
		open_window();
		if (irqs != n || spurious > n)
			fail("interrupts repeated after the ack");
	}
	/*
	 * A completion raises the line while GSI 16 is masked; a device reset
	 * must lower it, so unmasking delivers nothing from before the reset.
	 */
	ioapic_write(0x10 + 2 * 16, VIRTIO_VECTOR | (1u << 15) | (1u << 16));
	blk_req(0, T_IN, 0, 4096, 0);
	kick(&blkq);
	if (wait_used(&blkq, 1) || status[0] || !(rd(SLOT(0), R_INT_STATUS) & 1))
		fail("completion with GSI 16 masked");
	if (dev_init(&blkq, SLOT(0), 2, 0))
		fail("virtio-blk init after reset");
	ioapic_write(0x10 + 2 * 16, VIRTIO_VECTOR | (1u << 15));
	open_window();
	if (irqs != 3)
		fail("interrupt from before the device reset");
	blk_req(0, T_IN, 0, 4096, 0);
	kick(&blkq);
	for (i = 0; i < 1000 && irqs < 4; i++)
		wait_irq();
	if (irqs != 4 || wait_used(&blkq, 1) || status[0])
		fail("no interrupt after the device reset");
	open_window();
	/* The driver does not want interrupts: none comes, the request still completes. */
	blkq.avail.flags = 1;
	blk_req(0, T_IN, 0, 4096, 0);
	kick(&blkq);
	if (wait_used(&blkq, 1) || status[0])
		fail("request with NO_INTERRUPT");
	open_window();
	if (irqs != 4 || spurious > 6 || rd(SLOT(0), R_INT_STATUS))
		fail("interrupt despite VRING_AVAIL_F_NO_INTERRUPT");
	put_kv_dec("irqs", irqs);
	put_kv_dec("spurious", spurious);
	puts("virtio: irq ok\n");
	if (hold) {
		puts("virtio: holding\n");
		for (;;)
			asm volatile("cli; hlt");
	}
}

/*
 * Boot 1 leaves the line raised (GSI 16 masked, as after power-on, so the
 * completion stays undelivered) and resets the system; boot 2 must get
 * every interrupt: the reset lowered the line in the kernel as well.
 */
static void test_irq_sysreset(void)
{
	struct persist *p = (struct persist *)GUEST_PERSIST_ADDR;

	if (p->magic != 0x69727172u) {
		p->magic = 0x69727172u;
		p->boots = 0;
	}
	p->boots++;
	put_kv_dec("boot", p->boots);
	if (p->boots == 1) {
		if (dev_init(&blkq, SLOT(0), 2, 0))
			fail("virtio-blk init");
		blk_req(0, T_IN, 0, 4096, 0);
		kick(&blkq);
		if (wait_used(&blkq, 1) || status[0] || !(rd(SLOT(0), R_INT_STATUS) & 1))
			fail("completion before the reset");
		outb(0xcf9, 0x06);
		for (;;)
			cpu_relax();
	}
	test_irq(0);
}

/* n x 4 KiB reads, two in flight (bench/ and manual figures; not a test). */
static void test_bench(uint32_t n)
{
	init_blk();
	for (uint32_t i = 0; i < n; i += 2) {
		blk_req(0, T_IN, (i * 8) % 2000, 4096, 0);
		blk_req(1, T_IN, ((i + 1) * 8) % 2000, 4096, 0);
		kick(&blkq);
		if (wait_used(&blkq, 2) || status[0] || status[1])
			fail("bench read");
	}
	put_kv_dec("bench_reads", n);
	puts("virtio: bench done\n");
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	char test[16];

	if (cmdline_get(cmdline, "test", test, sizeof(test)))
		memcpy(test, "rw", 3);
	if (!memcmp(test, "rw", 3))
		test_rw();
	else if (!memcmp(test, "reset", 6))
		test_reset();
	else if (!memcmp(test, "bad", 4))
		test_bad();
	else if (!memcmp(test, "sysreset", 9))
		test_sysreset();
	else if (!memcmp(test, "irq", 4))
		test_irq(cmdline_get_uint(cmdline, "hold", 0));
	else if (!memcmp(test, "irqreset", 9))
		test_irq_sysreset();
	else if (!memcmp(test, "bench", 6))
		test_bench(cmdline_get_uint(cmdline, "n", 1000));
	else
		fail("unknown test");
	return 0;
}
