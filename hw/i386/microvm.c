// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The x86_64 machine: RAM with the PC holes, the in-kernel irqchip and PIT,
 * ACPI and MP tables, fw_cfg, the legacy reset ports and COM ports. "pc" (alias
 * of "pc-i440fx-7.2") is the same machine plus a PCI host bridge (hw/pci).
 * ("none", for libvirt's probe, is in hw/core/machine-none.c.)
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/char/serial.h"
#include "hw/core/reset.h"
#include "hw/i386/acpi.h"
#include "hw/i386/e820.h"
#include "hw/i386/fw_cfg.h"
#include "hw/i386/mptable.h"
#include "hw/i386/pc.h"
#include "hw/i386/x86-boot.h"
#include "hw/pci/pci.h"
#include "system/error.h"
#include "system/machine.h"
#include "system/memory.h"
#include "system/opts.h"
#include "system/runstate.h"

#define X86_MAX_CPUS 255	/* xAPIC IDs in the MADT; 0xff is the broadcast ID */
#define X86_MIN_RAM (1ULL << 20)

static struct acpi_build_config acpi_cfg;

static void machine_error(GError **err, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void machine_error(GError **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_propagate_error(err, g_error_new_valist(keel_error_quark(), 0, fmt, ap));
	va_end(ap);
}

static int ram_init(uint64_t size, GError **err)
{
	uint64_t below = MIN(size, X86_BELOW_4G_MAX);
	uint64_t above = size - below;
	struct ram_region *lo, *hi = NULL;
	int ret;

	lo = ram_region_new("ram-below-4g", below);
	if (above)
		hi = ram_region_new("ram-above-4g", above);
	if (!lo || (above && !hi)) {
		machine_error(err, "cannot allocate %" G_GUINT64_FORMAT " MiB of guest RAM",
			      size >> 20);
		return -ENOMEM;
	}
	memory_begin();
	memory_map_ram(lo, 0);
	if (hi)
		memory_map_ram(hi, X86_ABOVE_4G_START);
	ret = memory_commit();
	if (ret < 0) {
		machine_error(err, "cannot map guest RAM: %s", g_strerror(-ret));
		return ret;
	}

	/* The EBDA and the legacy BIOS area (holding our ACPI tables) are reserved. */
	e820_reset_table();
	e820_add(0, MIN(below, X86_LOWMEM_END), E820_RAM);
	e820_add(X86_LOWMEM_END, X86_HIMEM_START - X86_LOWMEM_END, E820_RESERVED);
	if (below > X86_HIMEM_START)
		e820_add(X86_HIMEM_START, below - X86_HIMEM_START, E820_RAM);
	if (above)
		e820_add(X86_ABOVE_4G_START, above, E820_RAM);
	return 0;
}

/* Also run at every reset: the guest may have scribbled over the tables. */
static int acpi_write_tables(void)
{
	uint8_t *buf = g_malloc0(ACPI_TABLES_MAX);
	size_t len = acpi_build_tables(buf, ACPI_TABLES_MAX, ACPI_TABLES_BASE, &acpi_cfg);
	bool ok = len && guest_write(ACPI_TABLES_BASE, buf, len);

	g_free(buf);
	return ok ? 0 : -EINVAL;
}

static int mptable_write(void)
{
	uint8_t *buf = g_malloc0(MPTABLE_MAX);
	size_t len = mptable_build(buf, MPTABLE_MAX, MPTABLE_BASE, acpi_cfg.smp_cpus);
	bool ok = len && guest_write(MPTABLE_BASE, buf, len);

	g_free(buf);
	return ok ? 0 : -EINVAL;
}

static void acpi_reset(void *opaque)
{
	acpi_write_tables();
}

static void mptable_reset(void *opaque)
{
	mptable_write();
}

static void fw_cfg_setup(struct machine_config *cfg)
{
	static const uint8_t no_uuid[16];
	struct e820_entry map[32];
	unsigned n = MIN(e820_get(map, G_N_ELEMENTS(map)), G_N_ELEMENTS(map));

	fw_cfg_add_bytes(FW_CFG_UUID, cfg->uuid_set ? cfg->uuid : no_uuid, 16);
	fw_cfg_add_i64(FW_CFG_RAM_SIZE, cfg->ram_size);
	fw_cfg_add_i16(FW_CFG_NOGRAPHIC, cfg->nographic);
	fw_cfg_add_i16(FW_CFG_NB_CPUS, acpi_cfg.smp_cpus);
	fw_cfg_add_i16(FW_CFG_MAX_CPUS, acpi_cfg.max_cpus);
	fw_cfg_add_i16(FW_CFG_BOOT_MENU, 0);
	if (cfg->append) {
		fw_cfg_add_i32(FW_CFG_CMDLINE_SIZE, strlen(cfg->append) + 1);
		fw_cfg_add_bytes(FW_CFG_CMDLINE_DATA, cfg->append, strlen(cfg->append) + 1);
	} else {
		fw_cfg_add_i32(FW_CFG_CMDLINE_SIZE, 0);
	}
	/* Same layout as QEMU's etc/e820 (packed, little-endian, 20 bytes each). */
	fw_cfg_add_file("etc/e820", map, n * sizeof(map[0]));
}

/* After the command line, each -serial is "chardev:serialN" or "none". */
static struct chardev *serial_backend(const char *spec, unsigned i, GError **err)
{
	g_autofree char *id = g_strdup_printf("serial%u", i);
	struct chardev *chr;

	if (g_str_has_prefix(spec, "chardev:")) {
		chr = chardev_find(spec + 8);
		if (!chr)
			error_setg(err, "-serial %s: no chardev with id '%s'", spec, spec + 8);
		return chr;
	}
	return chardev_from_spec(spec, id, err);
}

static int serials_init(struct machine_config *cfg, GError **err)
{
	unsigned n = cfg->serials ? cfg->serials->len : 0;

	if (n > SERIAL_MAX_PORTS) {
		machine_error(err, "at most %d -serial options are supported", SERIAL_MAX_PORTS);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *spec = g_ptr_array_index(cfg->serials, i);
		struct chardev *chr;

		if (!strcmp(spec, "none"))
			continue;
		chr = serial_backend(spec, i, err);
		if (!chr || !serial_create(chr, i, 0, 0, err))
			return -EINVAL;
	}
	/* Without -serial the guest still finds COM1; its output goes nowhere. */
	if (!n && !cfg->nodefaults && !serial_create(NULL, 0, 0, 0, err))
		return -EINVAL;
	return 0;
}

static int acpi_init(GError **err)
{
	if (acpi_write_tables() < 0) {
		machine_error(err, "cannot write the ACPI tables to guest RAM");
		return -EINVAL;
	}
	x86_set_rsdp_address(ACPI_TABLES_BASE);
	reset_register(RESET_ORDER_MACHINE, acpi_reset, NULL, "acpi-tables");
	if (acpi_pm_init(err) < 0)
		return -1;
	system_powerdown_set_handler(acpi_power_button_press);
	return 0;
}

static int microvm_init(struct machine_config *cfg, GError **err)
{
	unsigned smp = MAX(cfg->smp_cpus, 1u);
	unsigned max = MAX(cfg->max_cpus, smp);
	bool acpi = true;

	if (cfg->machine_opts &&
	    (kopts_get_bool(cfg->machine_opts, "acpi", true, &acpi, err) < 0 ||
	     kopts_check_unused(cfg->machine_opts, "-machine", err) < 0))
		return -EINVAL;
	if (max > X86_MAX_CPUS) {
		machine_error(err, "Invalid SMP CPUs %u. The max CPUs supported by machine "
			      "'microvm' is %u", max, X86_MAX_CPUS);
		return -EINVAL;
	}
	if (cfg->ram_size < X86_MIN_RAM) {
		machine_error(err, "microvm needs at least 1M of RAM");
		return -EINVAL;
	}
	acpi_cfg.smp_cpus = smp;
	acpi_cfg.max_cpus = max;

	/*
	 * RAM first: once the irqchip exists, a new memslot waits for an SRCU
	 * grace period (5-70 ms here); before it, 0.1 ms. KVM only needs the
	 * irqchip before the first vCPU, and its TSS and identity-map pages are
	 * not RAM.
	 */
	if (ram_init(cfg->ram_size, err) < 0 || x86_irqchip_init(err) < 0)
		return -1;
	/* acpi=off: no ACPI tables (the guest then finds the CPUs in the MP table). */
	if (acpi && acpi_init(err) < 0)
		return -1;
	if (mptable_write() < 0) {
		machine_error(err, "cannot write the MP table to guest RAM");
		return -EINVAL;
	}
	reset_register(RESET_ORDER_MACHINE, mptable_reset, NULL, "mptable");
	if (fw_cfg_init(err) < 0)
		return -1;
	fw_cfg_setup(cfg);
	if (i8042_init(err) < 0 || cf9_init(err) < 0 || serials_init(cfg, err) < 0)
		return -1;
	return x86_boot_init(cfg, err);
}

static const struct machine_type microvm_machine = {
	.name = "microvm",
	.desc = "microvm (i386)",
	.is_default = true,
	.max_cpus = X86_MAX_CPUS,
	.init = microvm_init,
};
MACHINE_TYPE_REGISTER(microvm_machine)

static int pc_init(struct machine_config *cfg, GError **err)
{
	/* The host bridge first: its DSDT entry is part of the first tables. */
	if (pci_host_init(err) < 0)
		return -1;
	return microvm_init(cfg, err);
}

/*
 * QEMU 7.2 names its PC "pc-i440fx-7.2" with the alias "pc"; libvirt turns
 * machine='pc' into the versioned name, so Keel answers to both.
 */
static const struct machine_type pc_machine = {
	.name = "pc-i440fx-7.2",
	.alias = "pc",
	.desc = "Standard PC (i440FX, 1996)",
	.max_cpus = X86_MAX_CPUS,
	.init = pc_init,
};
MACHINE_TYPE_REGISTER(pc_machine)
