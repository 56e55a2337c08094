// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A virtio-blk on virtio-pci (-M pc), driven the way a firmware and a
 * driver would: enumerate bus 0 through 0xCF8/0xCFC, size and program the
 * BARs, walk the capability list to the virtio structures, negotiate, set
 * up queue 0 and read sector 0. "test=" picks how completions interrupt:
 *   msix  MSI-X vector 0 (table entry written by us) on LAPIC vector 0x31;
 *         then the vector masked: no interrupt, the PBA bit set, and the
 *         interrupt arrives when it is unmasked
 *   intx  INTx (MSI-X left disabled): the IOAPIC pin the interrupt line
 *         register names, level-triggered; the ISR read deasserts it
 *   reset MSI-X completions, then a system reset (0xCF9) with the device
 *         live; after the reboot the function is cold (decoding off, BARs
 *         where they were at power-on, MSI-X off and masked, status 0) and
 *         works again
 *   rw    MSI-X completions; the capacity, the writeback bit and the serial
 *         (GET_ID), then sector "wsec=" written with bytes (i * 7 + seed),
 *         "seed=", flushed and read back (FLUSH and CONFIG_WCE negotiated);
 *         with "hold=1" the guest then halts instead of exiting (for QMP)
 * "slot=" is the device's slot. Output lines are "key=value".
 */
#include "guest.h"
#include "irq.h"
#include "pci.h"
#include "virtio.h"

#define BAR0_AT 0xe0000000u
#define BAR1_AT 0xe0010000u
#define VEC_MSIX 0x31
#define VEC_INTX 0x30
#define SPINS 4000000u

static unsigned slot;
static uint32_t common, notify, isr, devcfg, notify_mult, msix_cap;
static struct vio_queue q;
static struct {
	uint32_t type, ioprio;
	uint64_t sector;
} hdr;
static uint8_t sector[512];
static volatile uint8_t blk_status;
static volatile uint32_t irqs, spurious, last_isr;

static int use_msix;

#define PERSIST_MAGIC 0x9c1b007u
static struct persist {
	uint32_t magic, boots, cold_bar0, cold_bar1;
} *const persist = (struct persist *)GUEST_PERSIST_ADDR;

static void fail(const char *what)
{
	put_kv_str("FAIL", what);
	debug_exit(2);
}

static void enumerate(void)
{
	unsigned found = 0;

	for (unsigned s = 0; s < 32; s++) {
		uint32_t id = pci_cfg_read(s, 0);

		if (id == 0xffffffff)
			continue;
		found++;
		puts("pci=");
		put_dec(s);
		puts(":");
		put_hex(id);
		puts("\n");
	}
	put_kv_dec("functions", found);
	if (pci_cfg_read(0, 0) != 0x12378086 || pci_cfg_read(0, 8) >> 8 != 0x060000)
		fail("no i440FX host bridge at 00.0");
	if (pci_cfg_read(slot, 0) != (0x1042u << 16 | 0x1af4))
		fail("no virtio-blk-pci at the slot");
}

/* Size a BAR (all ones in, mask out), then put it at addr. */
static uint32_t size_and_place(unsigned bar, uint32_t addr)
{
	unsigned reg = 0x10 + 4 * bar;
	uint32_t old = pci_cfg_read(slot, reg), mask;

	pci_cfg_write(slot, reg, 0xffffffff);
	mask = pci_cfg_read(slot, reg);
	if (mask & 0xf)
		fail("BAR is not 32-bit memory");
	pci_cfg_write(slot, reg, old);
	if (pci_cfg_read(slot, reg) != old)
		fail("BAR restore");
	pci_cfg_write(slot, reg, addr);
	if (pci_cfg_read(slot, reg) != addr)
		fail("BAR program");
	return ~mask + 1;
}

static uint32_t bar_addr(unsigned bar)
{
	return pci_cfg_read(slot, 0x10 + 4 * bar) & ~0xfu;
}

static void find_caps(void)
{
	unsigned n = 0;

	if (!(pci_cfg_read(slot, 4) >> 16 & 0x10))
		fail("no capability list");
	for (unsigned pos = pci_cfg_read8(slot, 0x34); pos; pos = pci_cfg_read8(slot, pos + 1)) {
		uint8_t id = pci_cfg_read8(slot, pos);
		uint32_t where;

		if (++n > 16)
			fail("capability list loops");
		if (id == 0x11) {
			msix_cap = pos;
			continue;
		}
		if (id != 0x09)
			continue;
		where = bar_addr(pci_cfg_read8(slot, pos + 4)) + pci_cfg_read(slot, pos + 8);
		switch (pci_cfg_read8(slot, pos + 3)) {
		case 1:
			common = where;
			break;
		case 2:
			notify = where;
			notify_mult = pci_cfg_read(slot, pos + 16);
			break;
		case 3:
			isr = where;
			break;
		case 4:
			devcfg = where;
			break;
		}
	}
	put_kv_dec("caps", n);
	if (!common || !notify || !isr || !devcfg || !msix_cap)
		fail("missing virtio or MSI-X capability");
}

static uint32_t want_features;	/* feature bits 0-31 the test accepts if offered */

static void negotiate(void)
{
	uint32_t offered;

	mmio_write8(common + C_STATUS, 0);
	if (mmio_read8(common + C_STATUS))
		fail("reset");
	mmio_write8(common + C_STATUS, 1);
	mmio_write8(common + C_STATUS, 3);
	mmio_write32(common + C_DFSELECT, 1);
	if (!(mmio_read32(common + C_DF) & 1))
		fail("no VERSION_1");
	mmio_write32(common + C_DFSELECT, 0);
	offered = mmio_read32(common + C_DF);
	mmio_write32(common + C_GFSELECT, 0);
	mmio_write32(common + C_GF, offered & want_features);
	mmio_write32(common + C_GFSELECT, 1);
	mmio_write32(common + C_GF, 1);
	mmio_write8(common + C_STATUS, 0xb);
	if (mmio_read8(common + C_STATUS) != 0xb)
		fail("FEATURES_OK");
}

static void setup_queue(void)
{
	memset(&q, 0, sizeof(q));
	mmio_write16(common + C_Q_SELECT, 0);
	if (mmio_read16(common + C_Q_SIZE) < VQ_SIZE || mmio_read16(common + C_Q_ENABLE))
		fail("queue 0");
	mmio_write16(common + C_Q_SIZE, VQ_SIZE);
	mmio_write32(common + C_Q_DESC, (uint32_t)q.desc);
	mmio_write32(common + C_Q_DESC + 4, 0);
	mmio_write32(common + C_Q_AVAIL, (uint32_t)&q.avail);
	mmio_write32(common + C_Q_AVAIL + 4, 0);
	mmio_write32(common + C_Q_USED, (uint32_t)&q.used);
	mmio_write32(common + C_Q_USED + 4, 0);
	if (use_msix) {
		mmio_write16(common + C_Q_MSIX, 0);
		if (mmio_read16(common + C_Q_MSIX) != 0)
			fail("queue vector refused");
	}
	mmio_write16(common + C_Q_ENABLE, 1);
	if (mmio_read16(common + C_Q_ENABLE) != 1)
		fail("queue enable");
}

/* Read sector 0 into sector[]; the completion is reaped by wait_done(). */
static void submit_read(void)
{
	uint32_t doorbell = notify + mmio_read16(common + C_Q_NOFF) * notify_mult;

	hdr.type = 0;
	hdr.sector = 0;
	blk_status = 0xff;
	memset(sector, 0, sizeof(sector));
	q.desc[0] = (struct vio_desc){ (uint32_t)&hdr, sizeof(hdr), VIO_F_NEXT, 1 };
	q.desc[1] = (struct vio_desc){ (uint32_t)sector, sizeof(sector), VIO_F_NEXT | VIO_F_WRITE, 2 };
	q.desc[2] = (struct vio_desc){ (uint32_t)&blk_status, 1, VIO_F_WRITE, 0 };
	q.avail.ring[q.avail.idx % VQ_SIZE] = 0;
	vio_barrier();
	q.avail.idx++;
	vio_barrier();
	mmio_write16(doorbell, 0);
}

static void wait_done(void)
{
	uint32_t len;

	if (vio_wait_used(&q, SPINS, &len) != 0 || len != 513 || blk_status != 0)
		fail("request not completed");
}

/* One request of type with buf (device-written if in), completed before returning. */
static uint32_t request(uint32_t type, uint64_t sec, void *buf, uint32_t len, int in)
{
	uint32_t doorbell = notify + mmio_read16(common + C_Q_NOFF) * notify_mult, used;
	unsigned d = 0;

	hdr.type = type;
	hdr.sector = sec;
	blk_status = 0xff;
	q.desc[d] = (struct vio_desc){ (uint32_t)&hdr, sizeof(hdr), VIO_F_NEXT, d + 1 };
	d++;
	if (len) {
		q.desc[d] = (struct vio_desc){ (uint32_t)buf, len,
					       VIO_F_NEXT | (in ? VIO_F_WRITE : 0), d + 1 };
		d++;
	}
	q.desc[d] = (struct vio_desc){ (uint32_t)&blk_status, 1, VIO_F_WRITE, 0 };
	q.avail.ring[q.avail.idx % VQ_SIZE] = 0;
	vio_barrier();
	q.avail.idx++;
	vio_barrier();
	mmio_write16(doorbell, 0);
	if (vio_wait_used(&q, SPINS, &used) != 0 || blk_status != 0)
		fail("request not completed");
	return used;
}

static int wait_irqs(uint32_t n)
{
	for (uint32_t i = 0; i < 2000 && irqs < n; i++)
		irq_window();
	return irqs == n;
}

static void msix_handler(void)
{
	irqs++;
	irq_eoi();
}

/* Reading the ISR clears it and drops the line. */
static void intx_handler(void)
{
	uint8_t v = mmio_read8(isr);

	if (v) {
		last_isr = v;
		irqs++;
	} else {
		spurious++;
	}
	irq_eoi();
}

static void msix_vector0(uint32_t ctrl)
{
	mmio_write32(BAR1_AT + 12, ctrl);
}

static void msix_setup(void)
{
	uint32_t table = pci_cfg_read(slot, msix_cap + 4), flags = pci_cfg_read(slot, msix_cap) >> 16;

	put_kv_dec("msix_vectors", (flags & 0x7ff) + 1);
	if ((table & 7) != 1 || (table & ~7u))
		fail("MSI-X table is not at BAR 1 + 0");
	irq_init(VEC_MSIX, msix_handler);
	mmio_write32(BAR1_AT + 0, 0xfee00000);	/* APIC 0 */
	mmio_write32(BAR1_AT + 4, 0);
	mmio_write32(BAR1_AT + 8, VEC_MSIX);	/* fixed, edge */
	msix_vector0(0);
	/* Enable MSI-X (message control is the upper half of the first dword). */
	pci_cfg_write(slot, msix_cap, (pci_cfg_read(slot, msix_cap) & 0xffff) | 0x8000u << 16);
	mmio_write16(common + C_MSIX, 0xffff);
	mmio_write8(common + C_STATUS, 0xf);

	submit_read();
	if (!wait_irqs(1))
		fail("no MSI-X interrupt");
	wait_done();
	put_kv_hex("sector_fnv", fnv1a(sector, sizeof(sector)));
}

static void test_msix(void)
{
	msix_setup();

	/* Masked: the message waits in the PBA until the unmask. */
	msix_vector0(1);
	submit_read();
	wait_done();
	irq_window();
	if (irqs != 1)
		fail("interrupt from a masked vector");
	put_kv_hex("pba", mmio_read32(BAR1_AT + 0x800));
	msix_vector0(0);
	if (!wait_irqs(2))
		fail("pending MSI-X not delivered at unmask");
	put_kv_hex("pba_after", mmio_read32(BAR1_AT + 0x800));
	put_kv_dec("isr", mmio_read8(isr));
	put_kv_dec("irqs", irqs);
	puts("virtio-pci: msix ok\n");
}

static void test_rw(const char *cmdline)
{
	uint32_t seed = cmdline_get_uint(cmdline, "seed", 1);
	uint32_t wsec = cmdline_get_uint(cmdline, "wsec", 1);
	char id[21];
	uint32_t n;

	msix_setup();
	put_kv_dec("capacity", mmio_read32(devcfg + 0));
	put_kv_dec("writeback", mmio_read8(devcfg + 32));
	memset(id, 0, sizeof(id));
	n = request(8, 0, id, 20, 1);
	put_kv_str("serial", id);
	if (n > 21)
		fail("GET_ID length");
	for (unsigned i = 0; i < sizeof(sector); i++)
		sector[i] = (uint8_t)(i * 7 + seed);
	put_kv_hex("write_fnv", fnv1a(sector, sizeof(sector)));
	request(1, wsec, sector, sizeof(sector), 0);
	request(4, 0, 0, 0, 0);
	memset(sector, 0, sizeof(sector));
	request(0, wsec, sector, sizeof(sector), 1);
	put_kv_hex("read_fnv", fnv1a(sector, sizeof(sector)));
	puts("virtio-pci: rw ok\n");
	if (cmdline_get_uint(cmdline, "hold", 0))
		halt_forever();
}

static void test_intx(void)
{
	uint8_t line = pci_cfg_read8(slot, 0x3c), pin = pci_cfg_read8(slot, 0x3d);

	put_kv_dec("intx_line", line);
	put_kv_dec("intx_pin", pin);
	if (pin != 1 || line >= 24)
		fail("interrupt pin/line");
	irq_init(VEC_INTX, intx_handler);
	ioapic_route_level(line, VEC_INTX);
	mmio_write8(common + C_STATUS, 0xf);
	submit_read();
	if (!wait_irqs(1))
		fail("no INTx interrupt");
	wait_done();
	put_kv_hex("sector_fnv", fnv1a(sector, sizeof(sector)));
	/* The line went down with the ISR read: no second interrupt. */
	irq_window();
	irq_window();
	if (irqs != 1 || spurious > 1)
		fail("INTx line stuck");
	put_kv_dec("isr", last_isr);
	put_kv_dec("irqs", irqs);
	puts("virtio-pci: intx ok\n");
}

/* Before the BARs are touched: what a system reset must have restored. */
static void check_cold_header(void)
{
	if (pci_cfg_read(slot, 4) & 0x7)
		fail("decoding still on after the reset");
	if (pci_cfg_read(slot, 0x10) != persist->cold_bar0 || pci_cfg_read(slot, 0x14) != persist->cold_bar1)
		fail("BARs not back at their power-on place");
}

static void check_cold_device(void)
{
	if (pci_cfg_read(slot, msix_cap) >> 16 & 0xc000)
		fail("MSI-X still enabled after the reset");
	if (mmio_read32(BAR1_AT + 12) != 1 || mmio_read32(BAR1_AT + 0x800))
		fail("MSI-X vector not masked or still pending after the reset");
	if (mmio_read8(common + C_STATUS))
		fail("device status survived the reset");
	mmio_write16(common + C_Q_SELECT, 0);
	if (mmio_read16(common + C_Q_ENABLE) || mmio_read16(common + C_Q_MSIX) != 0xffff)
		fail("queue 0 survived the reset");
	puts("virtio-pci: cold after reset\n");
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	char test[16] = "";

	cmdline_get(cmdline, "test", test, sizeof(test));
	slot = cmdline_get_uint(cmdline, "slot", 3);
	int reset = !memcmp(test, "reset", 6);

	int rw = !memcmp(test, "rw", 3);

	use_msix = !memcmp(test, "msix", 5) || reset || rw;
	if (rw)
		want_features = 1u << 9 | 1u << 11;	/* FLUSH, CONFIG_WCE */
	enumerate();
	if (reset && persist->magic == PERSIST_MAGIC) {
		persist->boots++;
		check_cold_header();
	} else if (reset) {
		persist->magic = PERSIST_MAGIC;
		persist->boots = 1;
		persist->cold_bar0 = pci_cfg_read(slot, 0x10);
		persist->cold_bar1 = pci_cfg_read(slot, 0x14);
	}
	put_kv_hex("bar0_size", size_and_place(0, BAR0_AT));
	put_kv_hex("bar1_size", size_and_place(1, BAR1_AT));
	pci_cfg_write(slot, 4, 0x6);	/* memory decoding and bus mastering on */
	find_caps();
	put_kv_dec("notify_mult", notify_mult);
	if (reset && persist->boots > 1)
		check_cold_device();
	negotiate();
	setup_queue();
	if (reset) {
		msix_setup();
		put_kv_dec("boot", persist->boots);
		if (persist->boots > 1) {
			persist->magic = 0;
			puts("virtio-pci: reset ok\n");
			return 0;
		}
		/* Reset with the device live: MSI-X on, queue enabled, BARs moved. */
		outb(0xcf9, 0x02);
		outb(0xcf9, 0x06);
		halt_forever();
	} else if (rw) {
		test_rw(cmdline);
	} else if (use_msix) {
		test_msix();
	} else if (!memcmp(test, "intx", 5)) {
		test_intx();
	} else {
		fail("test=");
	}
	return 0;
}
