// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 "virt" machine on KVM: RAM at 0x40000000, the in-kernel GICv3
 * and ITS, the architected timer, a PL011, PSCI 0.2 for power-off, reset
 * and secondary CPUs, and a Linux Image booted with a libfdt device tree.
 * No firmware: -kernel is required.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/arm/virt.h"
#include "hw/char/pl011.h"
#include "hw/core/loader.h"
#include "hw/core/loader-arm64.h"
#include "hw/core/reset.h"
#include "hw/intc/arm_gicv3.h"
#include "accel/kvm.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/memory.h"
#include "system/opts.h"
#include "target/arm/cpu.h"

#define VIRT_MIN_RAM (64ULL << 20)
#define VIRT_MAX_RAM (255ULL << 30) /* below the 40-bit default IPA space */

struct virt {
	struct machine_config *cfg;
	bool its;
	GBytes *kernel, *initrd;
	struct arm64_image_header hdr;
	struct arm64_boot_layout layout;
	struct boot_plan *plan;
	struct arm_boot_entry entry;
	unsigned virtio_mmio_slots;
};

static struct virt virt;

void virt_note_virtio_mmio(unsigned index)
{
	virt.virtio_mmio_slots = MAX(virt.virtio_mmio_slots, index + 1);
}

static int ram_init(uint64_t size, GError **err)
{
	struct ram_region *r;
	int ret;

	if (size < VIRT_MIN_RAM || size > VIRT_MAX_RAM) {
		error_setg(err, "virt: RAM size must be between %llu MiB and %llu GiB",
			   (unsigned long long)(VIRT_MIN_RAM >> 20),
			   (unsigned long long)(VIRT_MAX_RAM >> 30));
		return -EINVAL;
	}
	r = ram_region_new("mach-virt.ram", size);
	if (!r) {
		error_setg(err, "cannot allocate %llu MiB of guest RAM",
			   (unsigned long long)(size >> 20));
		return -ENOMEM;
	}
	memory_begin();
	memory_map_ram(r, VIRT_RAM_BASE);
	ret = memory_commit();
	if (ret < 0)
		error_setg(err, "cannot map guest RAM: %s", g_strerror(-ret));
	return ret;
}

static int uart_init(struct machine_config *cfg, GError **err)
{
	unsigned n = cfg->serials ? cfg->serials->len : 0;
	struct chardev *chr = NULL;

	if (n > 1) {
		error_setg(err, "virt has one UART: at most one -serial");
		return -EINVAL;
	}
	if (n) {
		const char *spec = g_ptr_array_index(cfg->serials, 0);

		if (!strcmp(spec, "none"))
			return 0;
		if (g_str_has_prefix(spec, "chardev:")) {
			chr = chardev_find(spec + 8);
			if (!chr) {
				error_setg(err, "-serial %s: no chardev with id '%s'", spec,
					   spec + 8);
				return -EINVAL;
			}
		} else if (!(chr = chardev_from_spec(spec, "serial0", err))) {
			return -EINVAL;
		}
	} else if (cfg->nodefaults) {
		return 0;
	}
	return pl011_create(chr, VIRT_UART_BASE, gicv3_spi_line(VIRT_UART_SPI), err) ? 0 : -EINVAL;
}

static int load_images(struct machine_config *cfg, GError **err)
{
	const uint8_t *buf;
	gsize len;

	if (!cfg->kernel) {
		error_setg(err, "virt has no firmware: -kernel is required");
		return -EINVAL;
	}
	virt.kernel = loader_read_file(cfg->kernel, 0, err);
	if (!virt.kernel)
		return -EINVAL;
	buf = g_bytes_get_data(virt.kernel, &len);
	if (arm64_image_parse(buf, len, &virt.hdr, err) < 0) {
		g_prefix_error(err, "%s: ", cfg->kernel);
		return -EINVAL;
	}
	if (cfg->initrd && !(virt.initrd = loader_read_file(cfg->initrd, 0, err)))
		return -EINVAL;
	return arm64_boot_layout(&virt.hdr, len, virt.initrd ? g_bytes_get_size(virt.initrd) : 0,
				 VIRT_RAM_BASE, cfg->ram_size, &virt.layout, err);
}

static void virt_boot_reset(void *opaque)
{
	for (guint i = 0; i < virt.plan->blobs->len; i++) {
		const struct boot_blob *b = virt.plan->blobs->pdata[i];
		gsize len = 0;
		const void *data = g_bytes_get_data(b->data, &len);

		/* The guest may have reused any of it: reload everything. */
		if (!guest_write(b->gpa, data, len))
			error_report("reloading %s at 0x%llx on reset failed", b->name,
				     (unsigned long long)b->gpa);
	}
	arm_set_boot_entry(&virt.entry);
}

/* Every vCPU exists now: initialise the GIC and ITS, then the device tree. */
static int virt_cpus_created(GError **err)
{
	struct machine_config *cfg = virt.cfg;
	unsigned n = vcpu_count();
	g_autofree uint64_t *mpidr = g_new0(uint64_t, n);
	struct virt_fdt_config fc = {
		.ram_base = VIRT_RAM_BASE,
		.ram_size = cfg->ram_size,
		.ncpus = n,
		.mpidr = mpidr,
		.its = virt.its,
		.bootargs = cfg->append,
		.virtio_mmio_slots = virt.virtio_mmio_slots,
	};
	void *fdt;
	size_t fdt_size;

	if (gicv3_realize(VIRT_ITS_BASE, virt.its, err) < 0)
		return -1;
	for (unsigned i = 0; i < n; i++)
		mpidr[i] = arm_vcpu_mpidr(vcpu_get(i));
	if (virt.initrd) {
		fc.initrd_start = virt.layout.initrd;
		fc.initrd_end = virt.layout.initrd + virt.layout.initrd_size;
	}
	fdt = virt_fdt_build(&fc, &fdt_size, err);
	if (!fdt)
		return -1;
	if (fdt_size > ARM64_DTB_MAX) {
		error_setg(err, "device tree is %zu bytes, more than 2 MiB", fdt_size);
		g_free(fdt);
		return -1;
	}
	virt.plan = boot_plan_new();
	boot_plan_add(virt.plan, "kernel", virt.layout.kernel, virt.kernel, 0);
	if (virt.initrd)
		boot_plan_add(virt.plan, "initrd", virt.layout.initrd, virt.initrd, 0);
	boot_plan_add(virt.plan, "dtb", virt.layout.dtb, g_bytes_new_take(fdt, fdt_size), 0);
	if (!boot_plan_check_overlap(virt.plan, err))
		return -1;
	virt.entry.pc = virt.layout.kernel;
	virt.entry.x0 = virt.layout.dtb;
	reset_register(RESET_ORDER_LOADER, virt_boot_reset, NULL, "arm64-boot");
	return 0;
}

static int virt_opts(struct machine_config *cfg, GError **err)
{
	const char *gic;

	virt.its = true;
	if (!cfg->machine_opts)
		return 0;
	gic = kopts_get(cfg->machine_opts, "gic-version");
	if (gic && strcmp(gic, "3") && strcmp(gic, "host") && strcmp(gic, "max")) {
		error_setg(err, "virt: gic-version=%s is not supported (only 3, with KVM)", gic);
		return -EINVAL;
	}
	if (kopts_get_bool(cfg->machine_opts, "its", true, &virt.its, err) < 0)
		return -EINVAL;
	return kopts_check_unused(cfg->machine_opts, "-machine", err);
}

static int virt_init(struct machine_config *cfg, GError **err)
{
	unsigned smp = MAX(cfg->smp_cpus, 1u);

	virt.cfg = cfg;
	if (virt_opts(cfg, err) < 0)
		return -EINVAL;
	if (smp > VIRT_GICR_MAX_CPUS) {
		error_setg(err, "Invalid SMP CPUs %u. The max CPUs supported by machine 'virt' "
			   "is %u", smp, VIRT_GICR_MAX_CPUS);
		return -EINVAL;
	}
	if (ram_init(cfg->ram_size, err) < 0 || load_images(cfg, err) < 0)
		return -1;
	if (gicv3_create(VIRT_GICD_BASE, VIRT_GICR_BASE, VIRT_NR_IRQS, err) < 0)
		return -1;
	if (uart_init(cfg, err) < 0)
		return -1;
	arm_set_cpus_created_hook(virt_cpus_created);
	return 0;
}

static const struct machine_type virt_machine = {
	.name = "virt",
	.desc = "arm64 virtual machine (GICv3 + ITS, PL011, PSCI)",
	.is_default = true,
	.max_cpus = VIRT_GICR_MAX_CPUS,
	.init = virt_init,
};
MACHINE_TYPE_REGISTER(virt_machine)
