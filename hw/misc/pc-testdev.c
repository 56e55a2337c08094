// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pc-testdev, the device kvm-unit-tests expect next to isa-debug-exit:
 *   0xe0   4-byte scratch register (any access size)
 *   0xe4   flush port: a 4-byte write of a guest physical address makes the
 *          host briefly write-protect that page, so KVM must refault it
 *   0xe8   the same scratch register, accessed one byte at a time
 *   0x2000 24 IRQ-line ports: writing port 0x2000+n sets GSI n's level
 *   0xff000000 64 KiB of scratch MMIO
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/core/device.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "system/error.h"
#include "system/memory.h"
#include "system/opts.h"

#define TESTDEV_IOMEM_BASE 0xff000000ULL
#define TESTDEV_IOMEM_LEN 0x10000
#define TESTDEV_IRQ_BASE 0x2000
#define TESTDEV_IRQ_LINES 24

struct testdev {
	uint32_t scratch;
	uint8_t iomem[TESTDEV_IOMEM_LEN];
};

static uint64_t scratch_read(void *opaque, uint64_t offset, unsigned size)
{
	struct testdev *d = opaque;
	unsigned shift = (offset & 3) * 8;

	if (shift + size * 8 > 32)
		return 0;
	return (d->scratch >> shift) & (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

static void scratch_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct testdev *d = opaque;
	unsigned shift = (offset & 3) * 8;
	uint32_t mask;

	if (shift + size * 8 > 32)
		return;
	mask = (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1) << shift;
	d->scratch = (d->scratch & ~mask) | (((uint32_t)value << shift) & mask);
}

static const struct io_ops scratch_ops = {
	.read = scratch_read,
	.write = scratch_write,
};

static uint64_t zero_read(void *opaque, uint64_t offset, unsigned size)
{
	return 0;
}

static void flush_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	long page = sysconf(_SC_PAGESIZE);
	uint64_t gpa = value & ~(uint64_t)(page - 1);
	void *hva;

	if (size != 4)
		return;
	hva = gpa_to_hva(gpa, page);
	if (!hva || ((uintptr_t)hva & (page - 1)))
		return;
	/*
	 * Changing the protection fires KVM's MMU notifier, which zaps the
	 * guest mapping. Read-only rather than no access keeps the window
	 * harmless for other threads that only read the page.
	 */
	mprotect(hva, page, PROT_READ);
	mprotect(hva, page, PROT_READ | PROT_WRITE);
}

static const struct io_ops flush_ops = {
	.read = zero_read,
	.write = flush_write,
};

static void irq_line_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	if (offset < TESTDEV_IRQ_LINES)
		irq_set_level(offset, value != 0);
}

static const struct io_ops irq_line_ops = {
	.read = zero_read,
	.write = irq_line_write,
};

static uint64_t iomem_read(void *opaque, uint64_t offset, unsigned size)
{
	struct testdev *d = opaque;
	uint64_t v = 0;

	if (offset + size <= TESTDEV_IOMEM_LEN)
		memcpy(&v, d->iomem + offset, size);
	return v;
}

static void iomem_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct testdev *d = opaque;

	if (offset + size <= TESTDEV_IOMEM_LEN)
		memcpy(d->iomem + offset, &value, size);
}

static const struct io_ops iomem_ops = {
	.read = iomem_read,
	.write = iomem_write,
};

static void testdev_reset(void *opaque)
{
	struct testdev *d = opaque;

	d->scratch = 0;
	memset(d->iomem, 0, sizeof(d->iomem));
}

static int testdev_create(struct kopts *props, GError **err)
{
	struct testdev *d;

	kopts_get(props, "id");
	if (kopts_check_unused(props, "pc-testdev", err) < 0)
		return -EINVAL;
	d = g_new0(struct testdev, 1);
	if (io_region_add(IO_SPACE_PIO, 0xe0, 4, &scratch_ops, d, "pc-testdev-ioport") < 0)
		goto busy;
	if (io_region_add(IO_SPACE_PIO, 0xe4, 4, &flush_ops, d, "pc-testdev-flush") < 0)
		goto busy_1;
	if (io_region_add(IO_SPACE_PIO, 0xe8, 4, &scratch_ops, d, "pc-testdev-ioport-byte") < 0)
		goto busy_2;
	if (io_region_add(IO_SPACE_PIO, TESTDEV_IRQ_BASE, TESTDEV_IRQ_LINES, &irq_line_ops, d,
			  "pc-testdev-irq") < 0)
		goto busy_3;
	if (io_region_add(IO_SPACE_MMIO, TESTDEV_IOMEM_BASE, TESTDEV_IOMEM_LEN, &iomem_ops, d,
			  "pc-testdev-iomem") < 0)
		goto busy_4;
	reset_register(RESET_ORDER_DEVICE, testdev_reset, d, "pc-testdev");
	return 0;

busy_4:
	io_region_del(IO_SPACE_PIO, TESTDEV_IRQ_BASE);
busy_3:
	io_region_del(IO_SPACE_PIO, 0xe8);
busy_2:
	io_region_del(IO_SPACE_PIO, 0xe4);
busy_1:
	io_region_del(IO_SPACE_PIO, 0xe0);
busy:
	g_free(d);
	error_setg(err, "pc-testdev: its I/O ports or MMIO range are already in use");
	return -EBUSY;
}

static const struct device_type testdev_type = {
	.name = "pc-testdev",
	.desc = "PC test device (kvm-unit-tests)",
	.bus = "isa",
	.user_creatable = true,
	.create = testdev_create,
};
DEVICE_TYPE_REGISTER(testdev_type)
