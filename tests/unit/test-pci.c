// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * PCI: config mechanism #1 through the port dispatcher, header write masks,
 * BAR sizing and decoding, the capability list, INTx, MSI-X table/PBA and
 * masking, the DSDT's \_SB.PCI0, and virtio-pci's capabilities and common
 * configuration. No KVM: interrupts are counted, not injected.
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "hw/i386/acpi.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-pci.h"
#include "system/memory.h"
#include "system/opts.h"

#define RAM_SIZE (1u << 20)

static uint32_t cfg_read(unsigned slot, unsigned reg, unsigned size)
{
	uint32_t addr = 0x80000000u | slot << 11 | (reg & 0xfc), v = 0;

	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcf8, &addr, 4, true));
	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcfc + (reg & 3), &v, size, false));
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

static void cfg_write(unsigned slot, unsigned reg, uint32_t v, unsigned size)
{
	uint32_t addr = 0x80000000u | slot << 11 | (reg & 0xfc);

	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcf8, &addr, 4, true));
	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcfc + (reg & 3), &v, size, true));
}

static uint32_t raw_read(uint32_t addr)
{
	uint32_t v = 0;

	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcf8, &addr, 4, true));
	io_dispatch(IO_SPACE_PIO, 0xcfc, &v, 4, false);
	return v;
}

static void host_setup(void)
{
	GError *err = NULL;

	ck_assert_int_eq(pci_host_init(&err), 0);
}

START_TEST(host_bridge)
{
	uint32_t a = 0x80001234, v = 0;

	host_setup();
	ck_assert(pci_bus_present());
	ck_assert_uint_eq(cfg_read(0, PCI_VENDOR_ID, 4), 0x12378086);
	ck_assert_uint_eq(cfg_read(0, PCI_REVISION_ID, 4) >> 8, 0x060000);
	ck_assert_uint_eq(cfg_read(0, PCI_HEADER_TYPE, 1), 0);
	ck_assert_uint_eq(cfg_read(0, PCI_DEVICE_ID, 2), 0x1237);
	ck_assert_uint_eq(cfg_read(0, PCI_CLASS_DEVICE + 1, 1), 0x06);
	/* Empty slots, other functions and buses, and a disabled address read all ones. */
	ck_assert_uint_eq(cfg_read(5, 0, 4), 0xffffffff);
	ck_assert_uint_eq(raw_read(0x80000100), 0xffffffff);
	ck_assert_uint_eq(raw_read(0x80010000), 0xffffffff);
	ck_assert_uint_eq(raw_read(0x00000000), 0xffffffff);
	/* CONFIG_ADDRESS reads back (low two bits are zero). */
	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcf8, &a, 4, true));
	ck_assert(io_dispatch(IO_SPACE_PIO, 0xcf8, &v, 4, false));
	ck_assert_uint_eq(v, 0x80001234);
	/* Read-only IDs stay. */
	cfg_write(0, PCI_VENDOR_ID, 0, 4);
	ck_assert_uint_eq(cfg_read(0, PCI_VENDOR_ID, 4), 0x12378086);
	/* A second init is harmless. */
	host_setup();
}
END_TEST

static unsigned bar_reads, bar_writes;
static uint64_t last_off;

static uint64_t bar_read(void *opaque, uint64_t off, unsigned size)
{
	bar_reads++;
	last_off = off;
	return 0x5a5a5a5a;
}

static void bar_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	bar_writes++;
	last_off = off;
}

static const struct io_ops test_bar_ops = { .read = bar_read, .write = bar_write };
static unsigned moves;
static uint64_t moved_to;

static void on_move(struct pci_device *d, unsigned n, uint64_t old, uint64_t addr)
{
	moves++;
	moved_to = addr;
}

static struct pci_device *test_dev(int slot)
{
	struct pci_device *d = g_new0(struct pci_device, 1);
	GError *err = NULL;

	pci_device_init(d, "test", 0x1234, 0x5678, 0x028000, 0x1af4, 1);
	pci_register_bar(d, 0, 0x4000, &test_bar_ops, d);
	pci_register_bar(d, 2, 0x1000, &test_bar_ops, d);
	d->bar_moved = on_move;
	ck_assert_int_eq(pci_device_plug(d, slot, &err), slot);
	return d;
}

static bool mmio_claimed(uint64_t addr)
{
	uint32_t v;

	return io_dispatch(IO_SPACE_MMIO, addr, &v, 4, false);
}

START_TEST(bars)
{
	struct pci_device *d;
	uint32_t bar0, bar2;

	host_setup();
	d = test_dev(3);
	/* Placed like firmware would: aligned, inside the window, not decoded yet. */
	bar0 = cfg_read(3, PCI_BASE_ADDRESS_0, 4);
	bar2 = cfg_read(3, PCI_BASE_ADDRESS_0 + 8, 4);
	ck_assert_uint_eq(bar0, 0xc0000000);
	ck_assert_uint_eq(bar2, 0xc0004000);
	ck_assert_uint_eq(cfg_read(3, PCI_BASE_ADDRESS_0 + 4, 4), 0);	/* no BAR 1 */
	ck_assert(!mmio_claimed(bar0));
	ck_assert_uint_eq(cfg_read(3, PCI_INTERRUPT_PIN, 1), 1);
	ck_assert_uint_eq(cfg_read(3, PCI_INTERRUPT_LINE, 1), pci_slot_gsi(3));
	/* Sizing: all ones in, size mask out (32-bit, non-prefetchable memory). */
	cfg_write(3, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_read(3, PCI_BASE_ADDRESS_0, 4), 0xffffc000);
	cfg_write(3, PCI_BASE_ADDRESS_0 + 8, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_read(3, PCI_BASE_ADDRESS_0 + 8, 4), 0xfffff000);
	cfg_write(3, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_read(3, PCI_BASE_ADDRESS_0 + 4, 4), 0);
	/* Sizing with decoding on maps nothing at the all-ones pattern. */
	cfg_write(3, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	ck_assert(!mmio_claimed(0xffffc000));
	ck_assert_uint_eq(moves, 0);
	/* Program: the BAR decodes there, and follows a move. */
	cfg_write(3, PCI_BASE_ADDRESS_0, 0xe0000000, 4);
	cfg_write(3, PCI_BASE_ADDRESS_0 + 8, 0xe0010000, 4);
	ck_assert(mmio_claimed(0xe0000000 + 0x3ffc));
	ck_assert_uint_eq(last_off, 0x3ffc);
	ck_assert(!mmio_claimed(0xe0004000));
	ck_assert(mmio_claimed(0xe0010000));
	ck_assert_uint_eq(moves, 2);
	cfg_write(3, PCI_BASE_ADDRESS_0, 0xe0100000, 4);
	ck_assert(!mmio_claimed(0xe0000000));
	ck_assert(mmio_claimed(0xe0100000));
	ck_assert_uint_eq(moved_to, 0xe0100000);
	/* Another function's BAR over it: refused (not decoded), the first one stays. */
	{
		struct pci_device *e = test_dev(5);

		cfg_write(5, PCI_BASE_ADDRESS_0, 0xe0100000, 4);
		cfg_write(5, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
		ck_assert_uint_eq(e->bars[0].mapped, PCI_BAR_UNMAPPED);
		ck_assert_uint_eq(d->bars[0].mapped, 0xe0100000);
		cfg_write(5, PCI_COMMAND, 0, 2);
	}
	/* Decoding off: nothing claimed. */
	cfg_write(3, PCI_COMMAND, 0, 2);
	ck_assert(!mmio_claimed(0xe0100000));
	ck_assert_uint_eq(moved_to, PCI_BAR_UNMAPPED);
	/* Reset: placed addresses again, decoding off. */
	cfg_write(3, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	pci_device_reset(d);
	ck_assert_uint_eq(cfg_read(3, PCI_BASE_ADDRESS_0, 4), 0xc0000000);
	ck_assert_uint_eq(cfg_read(3, PCI_COMMAND, 2), 0);
	ck_assert(!mmio_claimed(0xe0100000));
	/* Narrow and misaligned config accesses. */
	ck_assert_uint_eq(cfg_read(3, PCI_VENDOR_ID + 2, 2), 0x5678);
	ck_assert_uint_eq(pci_config_read(d, 1, 2), 0xffff);
	ck_assert_uint_eq(pci_config_read(d, 0xfe, 4), 0xffffffff);
}
END_TEST

START_TEST(slots)
{
	static struct pci_device d2, d3; /* on the bus until exit */
	GError *err = NULL;

	pci_device_init(&d2, "early", 1, 2, 0, 0, 0);
	ck_assert_int_eq(pci_device_plug(&d2, -1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err->message, "no PCI bus"));
	g_clear_error(&err);
	host_setup();
	ck_assert_int_eq(pci_device_plug(&d2, -1, &err), 1);	/* first free slot */
	pci_device_init(&d3, "second", 1, 2, 0, 0, 0);
	ck_assert_int_eq(pci_device_plug(&d3, 1, &err), -1);
	ck_assert_ptr_nonnull(strstr(err->message, "slot 1 function 0 not available"));
	g_clear_error(&err);
	ck_assert_int_eq(pci_device_plug(&d3, 32, &err), -1);
	g_clear_error(&err);
	ck_assert_int_eq(pci_device_plug(&d3, 31, &err), 31);
	ck_assert_ptr_eq(pci_bus_device(31), &d3);
}
END_TEST

START_TEST(capabilities)
{
	struct pci_device d;
	uint8_t a, b;

	pci_device_init(&d, "caps", 1, 2, 0, 0, 0);
	ck_assert_uint_eq(d.config[PCI_STATUS] & PCI_STATUS_CAP_LIST, 0);
	a = pci_add_capability(&d, 0x09, 14);
	b = pci_add_capability(&d, 0x11, 12);
	ck_assert_uint_eq(a, 0x40);
	ck_assert_uint_eq(b, 0x50);	/* dword aligned after 14 bytes */
	ck_assert_uint_eq(d.config[PCI_CAPABILITY_LIST], 0x40);
	ck_assert_uint_eq(d.config[0x41], 0x50);
	ck_assert_uint_eq(d.config[0x51], 0);
	ck_assert(d.config[PCI_STATUS] & PCI_STATUS_CAP_LIST);
	/* No room: 0, the list unchanged. */
	ck_assert_uint_eq(pci_add_capability(&d, 0x09, 200), 0);
	ck_assert_uint_eq(d.config[0x51], 0);
	g_free(d.name);
}
END_TEST

/* A virtio device with two queues on virtio-pci. */
static struct virtio_device vdev;
static struct virtio_pci *vp;
static uint8_t devcfg[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static int notified = -1;

static uint64_t vfeatures(struct virtio_device *v)
{
	return 1ULL << VIRTIO_RING_F_EVENT_IDX;
}

static void vget_config(struct virtio_device *v, uint8_t *buf)
{
	memcpy(buf, devcfg, sizeof(devcfg));
}

static void vqueue_notify(struct virtio_device *v, struct virtqueue *vq)
{
	notified = vq->index;
}

static const struct virtio_device_ops vops = {
	.device_id = VIRTIO_ID_RNG,
	.get_features = vfeatures,
	.config_size = sizeof(devcfg),
	.get_config = vget_config,
	.queue_notify = vqueue_notify,
};

static void virtio_setup(void)
{
	struct ram_region *r = ram_region_new("test-ram", RAM_SIZE);
	GError *err = NULL;

	memory_begin();
	memory_map_ram(r, 0);
	ck_assert_int_eq(memory_commit(), 0);
	host_setup();
	virtio_device_init(&vdev, &vops, "virtio-test", 2, 64);
	vp = virtio_pci_create(&vdev, 4, -1, &err);
	ck_assert_ptr_nonnull(vp);
}

static uint64_t brd(uint64_t off, unsigned size)
{
	return virtio_pci_bar_read(vp, off, size);
}

static void bwr(uint64_t off, uint64_t v, unsigned size)
{
	virtio_pci_bar_write(vp, off, v, size);
}

START_TEST(virtio_caps)
{
	unsigned seen = 0, pos;

	virtio_setup();
	ck_assert_uint_eq(cfg_read(4, PCI_VENDOR_ID, 4), 0x1044u << 16 | 0x1af4);
	ck_assert_uint_eq(cfg_read(4, PCI_REVISION_ID, 1), 1);
	ck_assert_uint_eq(cfg_read(4, PCI_SUBSYSTEM_VENDOR_ID, 2), 0x1af4);
	ck_assert(cfg_read(4, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* Walk the list the way a driver does. */
	for (pos = cfg_read(4, PCI_CAPABILITY_LIST, 1); pos; pos = cfg_read(4, pos + 1, 1)) {
		unsigned id = cfg_read(4, pos, 1);

		ck_assert_uint_ge(pos, 0x40);
		if (id == PCI_CAP_ID_MSIX) {
			ck_assert_uint_eq(cfg_read(4, pos + 2, 2), 2);	/* 3 vectors */
			ck_assert_uint_eq(cfg_read(4, pos + 4, 4), 1);	/* table at BAR 1 + 0 */
			ck_assert_uint_eq(cfg_read(4, pos + 8, 4), 0x801);
			seen |= 1;
			continue;
		}
		ck_assert_uint_eq(id, PCI_CAP_ID_VNDR);
		ck_assert_uint_eq(cfg_read(4, pos + 4, 1), 0);	/* BAR 0 */
		switch (cfg_read(4, pos + 3, 1)) {
		case VIRTIO_PCI_CAP_COMMON_CFG:
			ck_assert_uint_eq(cfg_read(4, pos + 8, 4), 0);
			ck_assert_uint_eq(cfg_read(4, pos + 12, 4), 0x38);
			seen |= 2;
			break;
		case VIRTIO_PCI_CAP_NOTIFY_CFG:
			ck_assert_uint_eq(cfg_read(4, pos + 2, 1), 20);
			ck_assert_uint_eq(cfg_read(4, pos + 8, 4), 0x3000);
			ck_assert_uint_eq(cfg_read(4, pos + 12, 4), 8);
			ck_assert_uint_eq(cfg_read(4, pos + 16, 4), 4);
			seen |= 4;
			break;
		case VIRTIO_PCI_CAP_ISR_CFG:
			ck_assert_uint_eq(cfg_read(4, pos + 8, 4), 0x1000);
			seen |= 8;
			break;
		case VIRTIO_PCI_CAP_DEVICE_CFG:
			ck_assert_uint_eq(cfg_read(4, pos + 8, 4), 0x2000);
			ck_assert_uint_eq(cfg_read(4, pos + 12, 4), 8);
			seen |= 16;
			break;
		case VIRTIO_PCI_CAP_PCI_CFG:
			ck_assert_uint_eq(cfg_read(4, pos + 2, 1), 20);
			seen |= 32;
			break;
		default:
			ck_abort_msg("unexpected virtio capability");
		}
	}
	ck_assert_uint_eq(seen, 63);
	/* BAR 0 is 16 KiB, BAR 1 (MSI-X) 4 KiB. */
	cfg_write(4, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_read(4, PCI_BASE_ADDRESS_0, 4), 0xffffc000);
	cfg_write(4, PCI_BASE_ADDRESS_0 + 4, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_read(4, PCI_BASE_ADDRESS_0 + 4, 4), 0xfffff000);
}
END_TEST

static void enable_queue(unsigned q, uint32_t base)
{
	bwr(VIRTIO_PCI_COMMON_Q_SELECT, q, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 64);
	bwr(VIRTIO_PCI_COMMON_Q_SIZE, 16, 2);
	bwr(VIRTIO_PCI_COMMON_Q_DESCLO, base, 4);
	bwr(VIRTIO_PCI_COMMON_Q_DESCLO + 4, 0, 4);
	bwr(VIRTIO_PCI_COMMON_Q_AVAILLO, (uint64_t)base + 0x1000, 8);
	bwr(VIRTIO_PCI_COMMON_Q_USEDLO, base + 0x2000, 4);
	bwr(VIRTIO_PCI_COMMON_Q_USEDLO + 4, 0, 4);
	bwr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_AVAILLO, 4), base + 0x1000);
}

static void negotiate(void)
{
	bwr(VIRTIO_PCI_COMMON_STATUS, 0, 1);
	bwr(VIRTIO_PCI_COMMON_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER, 1);
	bwr(VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_DF, 4), 1u << VIRTIO_RING_F_EVENT_IDX);
	bwr(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_DF, 4), 1);	/* VERSION_1 */
	bwr(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	bwr(VIRTIO_PCI_COMMON_GF, 1, 4);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_GF, 4), 1);
	bwr(VIRTIO_PCI_COMMON_STATUS, 0x0b, 1);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_STATUS, 1), 0x0b);
}

START_TEST(virtio_common)
{
	virtio_setup();
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_NUMQ, 2), 2);
	negotiate();
	enable_queue(1, 0x10000);
	/* A queue that does not exist has size 0. */
	bwr(VIRTIO_PCI_COMMON_Q_SELECT, 2, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
	bwr(VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_NOFF, 2), 1);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 16);
	/* The layout is frozen while enabled. */
	bwr(VIRTIO_PCI_COMMON_Q_SIZE, 8, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 16);
	bwr(VIRTIO_PCI_COMMON_STATUS, 0x0f, 1);
	/* Queue 1's doorbell. */
	bwr(VIRTIO_PCI_NOTIFY_OFFSET + 4, 1, 2);
	ck_assert_int_eq(notified, 1);
	/* Device config. */
	ck_assert_uint_eq(brd(VIRTIO_PCI_DEVICE_OFFSET + 2, 2), 0x0403);
	ck_assert_uint_eq(brd(VIRTIO_PCI_DEVICE_OFFSET + 8, 1), 0);
	/* Status 0 resets device and transport. */
	bwr(VIRTIO_PCI_COMMON_STATUS, 0, 1);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	bwr(VIRTIO_PCI_COMMON_Q_SELECT, 1, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 64);
}
END_TEST

START_TEST(virtio_intx)
{
	struct pci_device *d;

	virtio_setup();
	d = virtio_pci_device(vp);
	negotiate();
	enable_queue(0, 0x10000);
	bwr(VIRTIO_PCI_COMMON_STATUS, 0x0f, 1);
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert(d->intx_asserted);
	ck_assert(cfg_read(4, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* ISR is read to clear, which deasserts. */
	ck_assert_uint_eq(brd(VIRTIO_PCI_ISR_OFFSET, 1), VIRTIO_ISR_QUEUE);
	ck_assert(!d->intx_asserted);
	ck_assert_uint_eq(brd(VIRTIO_PCI_ISR_OFFSET, 1), 0);
	ck_assert_uint_eq(cfg_read(4, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	/* INTx disabled in COMMAND: the pin is up, the line is not. */
	cfg_write(4, PCI_COMMAND, PCI_COMMAND_INTX_DISABLE, 2);
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert(d->intx_level);
	ck_assert(!d->intx_asserted);
	cfg_write(4, PCI_COMMAND, 0, 2);
	ck_assert(d->intx_asserted);
	/* A config change sets the config bit. */
	virtio_config_changed(&vdev);
	ck_assert_uint_eq(brd(VIRTIO_PCI_ISR_OFFSET, 1), VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG);
	ck_assert(!d->intx_asserted);
}
END_TEST

static uint8_t find_vcap(uint8_t type)
{
	for (unsigned pos = cfg_read(4, PCI_CAPABILITY_LIST, 1); pos; pos = cfg_read(4, pos + 1, 1))
		if (cfg_read(4, pos, 1) == PCI_CAP_ID_VNDR && cfg_read(4, pos + 3, 1) == type)
			return pos;
	ck_abort_msg("no such virtio capability");
	return 0;
}

START_TEST(virtio_cfg_window)
{
	uint8_t cap;

	virtio_setup();
	cap = find_vcap(VIRTIO_PCI_CAP_PCI_CFG);
	/* Not set up: the data field is plain storage, nothing reaches the BAR. */
	ck_assert_uint_eq(cfg_read(4, cap + 16, 4), 0);
	/* num_queues (2 bytes at 0x12 of BAR 0) through config space. */
	cfg_write(4, cap + 4, 0, 1);
	cfg_write(4, cap + 8, VIRTIO_PCI_COMMON_NUMQ, 4);
	cfg_write(4, cap + 12, 2, 4);
	ck_assert_uint_eq(cfg_read(4, cap + 16, 4) & 0xffff, 2);
	/* A status write goes to the device. */
	cfg_write(4, cap + 8, VIRTIO_PCI_COMMON_STATUS, 4);
	cfg_write(4, cap + 12, 1, 4);
	cfg_write(4, cap + 16, VIRTIO_STATUS_ACKNOWLEDGE, 4);
	ck_assert_uint_eq(vdev.status, VIRTIO_STATUS_ACKNOWLEDGE);
	ck_assert_uint_eq(cfg_read(4, cap + 16, 1), VIRTIO_STATUS_ACKNOWLEDGE);
	/* Bad lengths, misaligned offsets, BARs out of range or absent: ignored. */
	cfg_write(4, cap + 12, 3, 4);
	cfg_write(4, cap + 16, 0, 4);
	ck_assert_uint_eq(vdev.status, VIRTIO_STATUS_ACKNOWLEDGE);
	cfg_write(4, cap + 8, VIRTIO_PCI_COMMON_STATUS + 1, 4);
	cfg_write(4, cap + 12, 2, 4);
	cfg_write(4, cap + 16, 0, 4);
	ck_assert_uint_eq(vdev.status, VIRTIO_STATUS_ACKNOWLEDGE);
	cfg_write(4, cap + 4, 3, 1);
	cfg_write(4, cap + 8, 0, 4);
	cfg_write(4, cap + 12, 4, 4);
	cfg_read(4, cap + 16, 4);
	cfg_write(4, cap + 4, 7, 1);
	cfg_read(4, cap + 16, 4);
	cfg_write(4, cap + 4, 0, 1);
	cfg_write(4, cap + 8, VIRTIO_PCI_BAR_SIZE - 2, 4);
	cfg_read(4, cap + 16, 4);
	/* A system reset clears the window. */
	reset_run_all();
	ck_assert_uint_eq(cfg_read(4, cap + 8, 4), 0);
	ck_assert_uint_eq(cfg_read(4, cap + 4, 1), 0);
}
END_TEST

static uint8_t msix_cap(void)
{
	for (unsigned pos = cfg_read(4, PCI_CAPABILITY_LIST, 1); pos; pos = cfg_read(4, pos + 1, 1))
		if (cfg_read(4, pos, 1) == PCI_CAP_ID_MSIX)
			return pos;
	ck_abort_msg("no MSI-X capability");
	return 0;
}

START_TEST(virtio_msix)
{
	struct msix *m;
	struct pci_device *d;
	uint8_t cap;

	virtio_setup();
	m = virtio_pci_msix(vp);
	d = virtio_pci_device(vp);
	cap = msix_cap();
	/* Cold table: every vector masked, nothing pending. */
	ck_assert_uint_eq(msix_bar_read(m, 12, 4), 1);
	ck_assert_uint_eq(msix_bar_read(m, MSIX_PBA_OFFSET, 8), 0);
	/* Vector 1: address and data (qword and dword writes), unmasked. */
	msix_bar_write(m, 16, 0xfee00000, 8);
	msix_bar_write(m, 24, 0x4031, 4);
	msix_bar_write(m, 28, 0, 4);
	ck_assert_uint_eq(msix_bar_read(m, 16, 8), 0xfee00000);
	ck_assert_uint_eq(msix_bar_read(m, 24, 4), 0x4031);
	/* Writes to the PBA are ignored. */
	msix_bar_write(m, MSIX_PBA_OFFSET, ~0ULL, 8);
	ck_assert_uint_eq(msix_bar_read(m, MSIX_PBA_OFFSET, 8), 0);
	negotiate();
	bwr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
	bwr(VIRTIO_PCI_COMMON_MSIX, 7, 2);	/* no such vector */
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_MSIX, 2), MSIX_NO_VECTOR);
	enable_queue(0, 0x10000);
	bwr(VIRTIO_PCI_COMMON_Q_MSIX, 1, 2);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);
	bwr(VIRTIO_PCI_COMMON_STATUS, 0x0f, 1);
	/* Enable MSI-X: queue interrupts are messages, no ISR, no INTx. */
	cfg_write(4, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	ck_assert(msix_enabled(m));
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert_uint_eq(m->sent, 1);
	ck_assert(!d->intx_asserted);
	ck_assert_uint_eq(brd(VIRTIO_PCI_ISR_OFFSET, 1), 0);
	/* Masked vector: pending bit, delivered at unmask. */
	msix_bar_write(m, 28, 1, 4);
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert_uint_eq(m->sent, 1);
	ck_assert_uint_eq(msix_bar_read(m, MSIX_PBA_OFFSET, 4), 2);
	msix_bar_write(m, 28, 0, 4);
	ck_assert_uint_eq(m->sent, 2);
	ck_assert_uint_eq(msix_bar_read(m, MSIX_PBA_OFFSET, 4), 0);
	/* Function mask works the same way. */
	cfg_write(4, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 2);
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert_uint_eq(m->sent, 2);
	cfg_write(4, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	ck_assert_uint_eq(m->sent, 3);
	/* The config vector is NO_VECTOR: a config change sends nothing. */
	virtio_config_changed(&vdev);
	ck_assert_uint_eq(m->sent, 3);
	/* The table size field is read-only. */
	cfg_write(4, cap + PCI_MSIX_FLAGS, 0x07ff, 2);
	ck_assert_uint_eq(cfg_read(4, cap + PCI_MSIX_FLAGS, 2), 2);
	/* Disabled again: INTx. */
	virtio_raise_vq_irq(&vdev.vqs[0]);
	ck_assert(d->intx_asserted);
	/* System reset: MSI-X off, vectors masked, placed BARs, no interrupt. */
	cfg_write(4, cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	reset_run_all();
	ck_assert(!msix_enabled(m));
	ck_assert_uint_eq(msix_bar_read(m, 28, 4), 1);
	ck_assert(!d->intx_asserted);
	ck_assert_uint_eq(brd(VIRTIO_PCI_COMMON_STATUS, 1), 0);
}
END_TEST

static int create_device(const char *spec, GError **err)
{
	struct kopts *o = kopts_parse(spec, "driver", err);
	int ret;

	ck_assert_ptr_nonnull(o);
	ret = device_create(o, err);
	kopts_free(o);
	return ret;
}

START_TEST(device_options)
{
	GError *err = NULL;

	ck_assert_int_lt(create_device("virtio-rng-pci", &err), 0);
	ck_assert_str_eq(err->message, "No 'PCI' bus found for device 'virtio-rng-pci'");
	g_clear_error(&err);
	host_setup();
	ck_assert_int_lt(create_device("virtio-rng-pci,addr=0x20", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "'addr'"));
	g_clear_error(&err);
	ck_assert_int_lt(create_device("virtio-rng-pci,bus=pci.1", &err), 0);
	ck_assert_str_eq(err->message, "Bus 'pci.1' not found");
	g_clear_error(&err);
	ck_assert_int_lt(create_device("virtio-rng-pci,disable-legacy=off", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(create_device("virtio-rng-pci,bogus=1", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "'bogus'"));
	g_clear_error(&err);
	ck_assert_int_eq(create_device("virtio-rng-pci,bus=pci.0,addr=0x1f.0,id=rng0", &err), 0);
	ck_assert_uint_eq(cfg_read(31, PCI_VENDOR_ID, 4), 0x1044u << 16 | 0x1af4);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=5,vectors=4", &err), 0);
	ck_assert_uint_eq(cfg_read(5, PCI_DEVICE_ID, 2), 0x1044);
	ck_assert_int_lt(create_device("virtio-rng-pci,addr=5", &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "not available"));
	g_clear_error(&err);
	ck_assert_int_lt(create_device("virtio-rng-pci,addr=6,vectors=65", &err), 0);
	g_clear_error(&err);
	/* vectors=0: no MSI-X capability (and no table BAR), INTx only. */
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=6,vectors=0", &err), 0);
	for (unsigned pos = cfg_read(6, PCI_CAPABILITY_LIST, 1); pos; pos = cfg_read(6, pos + 1, 1))
		ck_assert_uint_eq(cfg_read(6, pos, 1), PCI_CAP_ID_VNDR);
	ck_assert_uint_eq(pci_bus_device(6)->bars[VIRTIO_PCI_MSIX_BAR].size, 0);
	reset_run_all();	/* an MSI-X reset without a capability touches nothing */
	ck_assert_uint_eq(cfg_read(6, PCI_DEVICE_ID, 2), 0x1044);
	/* A failed wrapper does not leak its transport into the next device. */
	ck_assert_int_eq(create_device("virtio-rng-device", &err), 0);
	ck_assert_uint_eq(cfg_read(1, PCI_VENDOR_ID, 4), 0xffffffff);
}
END_TEST

/* Find name in the AML (a NameSeg or string). */
static bool aml_has(const uint8_t *p, size_t len, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n <= len; i++)
		if (!memcmp(p + i, name, n))
			return true;
	return false;
}

START_TEST(acpi_dsdt)
{
	uint8_t aml[4096], *tables = g_malloc0(ACPI_TABLES_MAX);
	struct acpi_build_config cfg = { .smp_cpus = 1, .max_cpus = 1 };
	size_t len = pci_host_build_aml(aml, sizeof(aml)), tlen, pkg;
	const uint8_t *dsdt = NULL;

	ck_assert_uint_gt(len, 1000);
	ck_assert_uint_lt(len, sizeof(aml));
	/* Scope (\_SB) with a 2-byte PkgLength covering everything. */
	ck_assert_uint_eq(aml[0], 0x10);
	ck_assert_uint_eq(aml[1] >> 6, 1);
	pkg = (aml[1] & 0xf) | aml[2] << 4;
	ck_assert_uint_eq(pkg + 1, len);
	ck_assert(!memcmp(aml + 3, "\\_SB_", 5));
	ck_assert(aml_has(aml, len, "PCI0"));
	ck_assert(aml_has(aml, len, "_PRT"));
	ck_assert(aml_has(aml, len, "\x0c\x41\xd0\x0a\x03"));	/* PNP0A03 */
	/* _PRT entry of slot 1 pin A: GSI of slot 1. */
	ck_assert(aml_has(aml, len, "\x12\x0b\x04\x0c\xff\xff\x01\x00\x00\x00\x0a"));
	/* Too small a buffer: the needed length, nothing written past it. */
	ck_assert_uint_eq(pci_host_build_aml(aml, 10), len);
	/* In the DSDT, with valid checksums. */
	host_setup();
	tlen = acpi_build_tables(tables, ACPI_TABLES_MAX, ACPI_TABLES_BASE, &cfg);
	ck_assert_uint_gt(tlen, 0);
	for (size_t i = 0; i + 4 <= tlen; i += 4)
		if (!memcmp(tables + i, "DSDT", 4))
			dsdt = tables + i;
	ck_assert_ptr_nonnull(dsdt);
	ck_assert_uint_eq(acpi_checksum(dsdt, dsdt[4] | dsdt[5] << 8), 0);
	ck_assert(aml_has(dsdt, dsdt[4] | dsdt[5] << 8, "PCI0"));
	g_free(tables);
}
END_TEST

static Suite *pci_suite(void)
{
	Suite *s = suite_create("pci");
	TCase *tc = tcase_create("pci");

	tcase_add_test(tc, host_bridge);
	tcase_add_test(tc, bars);
	tcase_add_test(tc, slots);
	tcase_add_test(tc, capabilities);
	tcase_add_test(tc, virtio_caps);
	tcase_add_test(tc, virtio_common);
	tcase_add_test(tc, virtio_intx);
	tcase_add_test(tc, virtio_msix);
	tcase_add_test(tc, virtio_cfg_window);
	tcase_add_test(tc, device_options);
	tcase_add_test(tc, acpi_dsdt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pci_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
