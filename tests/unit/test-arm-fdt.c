// SPDX-License-Identifier: GPL-2.0-or-later
/* The arm64 virt device tree: contents through libfdt, and dtc must accept it. */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hw/arm/virt.h"

static const uint64_t mpidr2[] = { 0x80000000, 0x80000001 };

static void *build(unsigned ncpus, bool its, const char *bootargs, uint64_t initrd,
		   unsigned virtio, size_t *size)
{
	struct virt_fdt_config c = {
		.ram_base = VIRT_RAM_BASE,
		.ram_size = 256ULL << 20,
		.ncpus = ncpus,
		.mpidr = mpidr2,
		.its = its,
		.bootargs = bootargs,
		.initrd_start = initrd,
		.initrd_end = initrd ? initrd + 0x1000 : 0,
		.virtio_mmio_slots = virtio,
	};
	GError *err = NULL;
	void *fdt = virt_fdt_build(&c, size, &err);

	ck_assert_ptr_null(err);
	ck_assert_ptr_nonnull(fdt);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	ck_assert_uint_eq(fdt_totalsize(fdt), *size);
	return fdt;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "node %s missing", path);
	return off;
}

static const char *str(const void *fdt, const char *path, const char *prop)
{
	const char *s = fdt_getprop(fdt, node(fdt, path), prop, NULL);

	ck_assert_msg(s, "%s:%s missing", path, prop);
	return s;
}

static uint32_t cell(const void *fdt, const char *path, const char *prop, int i)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node(fdt, path), prop, &len);

	ck_assert_msg(p && len >= (i + 1) * 4, "%s:%s[%d] missing", path, prop, i);
	return fdt32_to_cpu(p[i]);
}

static uint64_t cell64(const void *fdt, const char *path, const char *prop, int i)
{
	return (uint64_t)cell(fdt, path, prop, 2 * i) << 32 | cell(fdt, path, prop, 2 * i + 1);
}

static bool has(const void *fdt, const char *path, const char *prop)
{
	int off = fdt_path_offset(fdt, path);

	return off >= 0 && fdt_getprop(fdt, off, prop, NULL);
}

START_TEST(test_full_tree)
{
	size_t size;
	g_autofree void *fdt = build(2, true, "console=ttyAMA0 rdinit=/init", 0x44000000, 0,
				     &size);
	uint32_t gic_phandle;
	int len;
	const char *compat;

	ck_assert_str_eq(str(fdt, "/", "compatible"), "linux,dummy-virt");
	ck_assert_uint_eq(cell(fdt, "/", "#address-cells", 0), 2);
	ck_assert_uint_eq(cell(fdt, "/", "#size-cells", 0), 2);

	/* memory */
	ck_assert_str_eq(str(fdt, "/memory@40000000", "device_type"), "memory");
	ck_assert_uint_eq(cell64(fdt, "/memory@40000000", "reg", 0), VIRT_RAM_BASE);
	ck_assert_uint_eq(cell64(fdt, "/memory@40000000", "reg", 1), 256ULL << 20);

	/* cpus: reg is the affinity part of MPIDR, psci starts the secondaries */
	ck_assert_uint_eq(cell(fdt, "/cpus", "#address-cells", 0), 1);
	ck_assert_uint_eq(cell(fdt, "/cpus/cpu@0", "reg", 0), 0);
	ck_assert_uint_eq(cell(fdt, "/cpus/cpu@1", "reg", 0), 1);
	ck_assert_str_eq(str(fdt, "/cpus/cpu@1", "enable-method"), "psci");
	ck_assert_str_eq(str(fdt, "/cpus/cpu@0", "device_type"), "cpu");

	/* psci 0.2 over hvc */
	ck_assert_str_eq(str(fdt, "/psci", "compatible"), "arm,psci-0.2");
	ck_assert_str_eq(str(fdt, "/psci", "method"), "hvc");

	/* GICv3: distributor + redistributors for 2 CPUs, the ITS as msi-controller */
	ck_assert_str_eq(str(fdt, "/intc@8000000", "compatible"), "arm,gic-v3");
	ck_assert(has(fdt, "/intc@8000000", "interrupt-controller"));
	ck_assert_uint_eq(cell(fdt, "/intc@8000000", "#interrupt-cells", 0), 3);
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000", "reg", 0), VIRT_GICD_BASE);
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000", "reg", 1), VIRT_GICD_SIZE);
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000", "reg", 2), VIRT_GICR_BASE);
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000", "reg", 3), 2 * VIRT_GICR_STRIDE);
	ck_assert_str_eq(str(fdt, "/intc@8000000/its@8080000", "compatible"), "arm,gic-v3-its");
	ck_assert(has(fdt, "/intc@8000000/its@8080000", "msi-controller"));
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000/its@8080000", "reg", 0), VIRT_ITS_BASE);
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000/its@8080000", "reg", 1), VIRT_ITS_SIZE);
	gic_phandle = cell(fdt, "/intc@8000000", "phandle", 0);
	ck_assert_uint_eq(cell(fdt, "/", "interrupt-parent", 0), gic_phandle);
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, gic_phandle), node(fdt, "/intc@8000000"));

	/* timer: four PPIs, secure/non-secure/virtual/hypervisor */
	compat = fdt_getprop(fdt, node(fdt, "/timer"), "compatible", &len);
	ck_assert_str_eq(compat, "arm,armv8-timer");
	fdt_getprop(fdt, node(fdt, "/timer"), "interrupts", &len);
	ck_assert_int_eq(len, 12 * 4);
	ck_assert_uint_eq(cell(fdt, "/timer", "interrupts", 0), 1);
	ck_assert_uint_eq(cell(fdt, "/timer", "interrupts", 1), VIRT_TIMER_PPI_SEC);
	ck_assert_uint_eq(cell(fdt, "/timer", "interrupts", 4), VIRT_TIMER_PPI_NS);
	ck_assert_uint_eq(cell(fdt, "/timer", "interrupts", 7), VIRT_TIMER_PPI_VIRT);
	ck_assert_uint_eq(cell(fdt, "/timer", "interrupts", 10), VIRT_TIMER_PPI_HYP);

	/* PL011 on SPI 1 with its clocks */
	ck_assert_str_eq(str(fdt, "/pl011@9000000", "compatible"), "arm,pl011");
	ck_assert_uint_eq(cell64(fdt, "/pl011@9000000", "reg", 0), VIRT_UART_BASE);
	ck_assert_uint_eq(cell(fdt, "/pl011@9000000", "interrupts", 0), 0);
	ck_assert_uint_eq(cell(fdt, "/pl011@9000000", "interrupts", 1), VIRT_UART_SPI);
	ck_assert_int_ge(fdt_node_offset_by_phandle(fdt, cell(fdt, "/pl011@9000000", "clocks", 0)),
			 0);

	/* chosen */
	ck_assert_str_eq(str(fdt, "/chosen", "bootargs"), "console=ttyAMA0 rdinit=/init");
	ck_assert_int_ge(fdt_path_offset(fdt, str(fdt, "/chosen", "stdout-path")), 0);
	ck_assert_uint_eq(cell64(fdt, "/chosen", "linux,initrd-start", 0), 0x44000000);
	ck_assert_uint_eq(cell64(fdt, "/chosen", "linux,initrd-end", 0), 0x44001000);
	ck_assert(!has(fdt, "/virtio_mmio@a000000", "reg"));
}
END_TEST

START_TEST(test_minimal_tree)
{
	size_t size;
	g_autofree void *fdt = build(1, false, NULL, 0, 0, &size);

	ck_assert_int_lt(fdt_path_offset(fdt, "/intc@8000000/its@8080000"), 0);
	ck_assert(!has(fdt, "/cpus/cpu@0", "enable-method"));
	ck_assert(!has(fdt, "/chosen", "bootargs"));
	ck_assert(!has(fdt, "/chosen", "linux,initrd-start"));
	ck_assert(has(fdt, "/chosen", "stdout-path"));
	ck_assert_uint_eq(cell64(fdt, "/intc@8000000", "reg", 3), VIRT_GICR_STRIDE);
}
END_TEST

START_TEST(test_virtio_mmio_nodes)
{
	size_t size;
	g_autofree void *fdt = build(1, true, NULL, 0, 2, &size);

	ck_assert_str_eq(str(fdt, "/virtio_mmio@a000000", "compatible"), "virtio,mmio");
	ck_assert_uint_eq(cell(fdt, "/virtio_mmio@a000000", "interrupts", 1), VIRT_MMIO_SPI);
	ck_assert_uint_eq(cell64(fdt, "/virtio_mmio@a000200", "reg", 0), VIRT_MMIO_BASE + 0x200);
	ck_assert_uint_eq(cell(fdt, "/virtio_mmio@a000200", "interrupts", 1), VIRT_MMIO_SPI + 1);
	ck_assert_int_lt(fdt_path_offset(fdt, "/virtio_mmio@a000400"), 0);
}
END_TEST

/* Linux probes in tree order: transport 0 (the first -device) comes first. */
START_TEST(test_virtio_mmio_node_order)
{
	size_t size;
	g_autofree void *fdt = build(1, true, NULL, 0, 3, &size);
	int prev = -1;

	for (unsigned i = 0; i < 3; i++) {
		char path[40];
		int off;

		snprintf(path, sizeof(path), "/virtio_mmio@%llx",
			 (unsigned long long)(VIRT_MMIO_BASE + i * VIRT_MMIO_STRIDE));
		off = fdt_path_offset(fdt, path);
		ck_assert_int_gt(off, prev);
		prev = off;
	}
}
END_TEST

START_TEST(test_rejects_empty)
{
	struct virt_fdt_config c = { .ram_size = 1 << 20 };
	GError *err = NULL;
	size_t size;

	ck_assert_ptr_null(virt_fdt_build(&c, &size, &err));
	ck_assert_ptr_nonnull(err);
	g_error_free(err);
}
END_TEST

/* dtc must decompile the blob; its checks catch malformed nodes libfdt accepts. */
START_TEST(test_dtc_accepts)
{
	size_t size;
	g_autofree void *fdt = build(2, true, "console=ttyAMA0", 0x44000000, 1, &size);
	g_autofree char *dir = g_dir_make_tmp("keel-fdt-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "virt.dtb", NULL);
	g_autofree char *out = NULL, *errout = NULL;
	g_autofree char *dtc = g_find_program_in_path("dtc");
	const char *argv[] = { "dtc", "-I", "dtb", "-O", "dts", path, NULL };
	int status = -1;

	if (!dtc) {
		fprintf(stderr, "test_dtc_accepts: dtc not installed, skipped\n");
		return;
	}
	ck_assert(g_file_set_contents(path, fdt, size, NULL));
	ck_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
			       &errout, &status, NULL));
	ck_assert_msg(g_spawn_check_wait_status(status, NULL), "dtc failed: %s", errout);
	ck_assert_ptr_nonnull(strstr(out, "compatible = \"arm,gic-v3-its\";"));
	ck_assert_ptr_nonnull(strstr(out, "msi-controller;"));
	ck_assert_ptr_nonnull(strstr(out, "method = \"hvc\";"));
	ck_assert_ptr_nonnull(strstr(out, "stdout-path = \"/pl011@9000000\";"));
	unlink(path);
	rmdir(dir);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm-fdt");
	TCase *tc = tcase_create("fdt");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_full_tree);
	tcase_add_test(tc, test_minimal_tree);
	tcase_add_test(tc, test_virtio_mmio_nodes);
	tcase_add_test(tc, test_virtio_mmio_node_order);
	tcase_add_test(tc, test_rejects_empty);
	tcase_add_test(tc, test_dtc_accepts);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
