// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sPAPR pieces that need no KVM: the device tree (checked with libfdt and
 * round-tripped through dtc), RTAS argument buffers (big-endian in guest
 * RAM), hypercall argument decoding, cede/prod against a fake vCPU side,
 * RTAS events (the EPOW log and its RTAS calls), VTY input interrupts, and
 * the ppc64 kernel loader.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>

#include "chardev/char-be.h"
#include "chardev/char.h"
#include "hw/core/loader-ppc.h"
#include "hw/core/loader.h"
#include "hw/ppc/spapr.h"
#include "system/bql.h"
#include "system/memory.h"
#include "system/runstate.h"

#define RAM_SIZE (32ULL << 20)
#define RTAS_BUF 0x8000ULL

static struct ram_region *ram;
static uint8_t *ram_host;

/* Fake CPU side: records what the hypercalls asked for. */
static struct {
	int start_calls;
	unsigned start_index;
	uint64_t start_pc, start_r3;
	int stop_self_calls;
	int ile;
	bool radix, gtse;
	uint64_t patb;
	int mmu_calls;
	int cpu_states[4];
	/* The vCPU side of cede: halted after the completion, woken by a prod. */
	bool ceded[4];
	int cede_calls, prod_calls;
	unsigned cede_caller;
} fake;

static int fake_start(unsigned index, uint64_t pc, uint64_t r3)
{
	if (index >= 4 || fake.cpu_states[index] != 0)
		return -1;
	fake.start_calls++;
	fake.start_index = index;
	fake.start_pc = pc;
	fake.start_r3 = r3;
	fake.cpu_states[index] = 2;
	return 0;
}

static int fake_state(unsigned index)
{
	return index < 4 ? fake.cpu_states[index] : -1;
}

static void fake_stop_self(unsigned index)
{
	fake.stop_self_calls++;
	fake.cpu_states[index] = 0;
}

static int fake_set_ile(unsigned caller, bool le)
{
	fake.ile = le;
	return 0;
}

static int fake_mmu(bool radix, bool gtse, uint64_t patb)
{
	fake.mmu_calls++;
	fake.radix = radix;
	fake.gtse = gtse;
	fake.patb = patb;
	return 0;
}

static void fake_cede(unsigned caller)
{
	fake.cede_calls++;
	fake.cede_caller = caller;
	fake.ceded[caller] = true;
}

static int fake_prod(unsigned index)
{
	fake.prod_calls++;
	if (index >= 4)
		return -1;
	if (!fake.ceded[index])
		return 0;
	fake.ceded[index] = false;
	return 1;
}

static const struct spapr_cpu_ops fake_ops = {
	.start_cpu = fake_start,
	.cpu_state = fake_state,
	.stop_self = fake_stop_self,
	.set_ile = fake_set_ile,
	.configure_mmu = fake_mmu,
	.cede = fake_cede,
	.prod = fake_prod,
};

/* Fake interrupt side of the RTAS events. */
static unsigned raised, raised_irq;

static void fake_raise(unsigned irq)
{
	raised++;
	raised_irq = irq;
}

static void setup_once(void)
{
	if (ram)
		return;
	ram = ram_region_new("test.ram", RAM_SIZE);
	ck_assert_ptr_nonnull(ram);
	memory_begin();
	memory_map_ram(ram, 0);
	ck_assert_int_eq(memory_commit(), 0);
	ram_host = ram_region_host(ram);
	ck_assert_int_eq(spapr_vty_init(NULL, NULL), 0);
}

static void setup(void)
{
	setup_once();
	memset(&fake, 0, sizeof(fake));
	spapr_hcall_reset();
	spapr_events_reset();
	spapr_events_init(fake_raise);
	raised = raised_irq = 0;
	fake.cpu_states[0] = 2;
	fake.cpu_states[1] = fake.cpu_states[2] = fake.cpu_states[3] = 0;
	spapr_set_cpu_ops(&fake_ops);
	spapr_hcall_set_mmu(SPAPR_MMU_RADIX);
}

static uint32_t be32_at(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, ram_host + gpa, 4);
	return GUINT32_FROM_BE(v);
}

/* Write an RTAS buffer: token, nargs, nret, args (big-endian). */
static void rtas_buf(uint32_t token, uint32_t nargs, uint32_t nret, const uint32_t *args)
{
	uint32_t w[3 + 16] = { GUINT32_TO_BE(token), GUINT32_TO_BE(nargs), GUINT32_TO_BE(nret) };

	unsigned n = MIN(nargs, 16u);

	for (unsigned i = 0; i < n; i++)
		w[3 + i] = GUINT32_TO_BE(args[i]);
	memset(ram_host + RTAS_BUF, 0xee, sizeof(w));
	memcpy(ram_host + RTAS_BUF, w, (3 + n) * 4);
}

static const uint32_t zeros16[16];

static uint32_t rtas_ret(uint32_t nargs, unsigned i)
{
	return be32_at(RTAS_BUF + 12 + 4 * (nargs + i));
}

static int64_t hcall_on(unsigned cpu, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			uint64_t a3, struct spapr_hcall *out)
{
	struct spapr_hcall h = { .cpu = cpu, .nr = nr, .args = { a0, a1, a2, a3 } };
	int64_t ret = spapr_hcall(&h);

	if (out)
		*out = h;
	return ret;
}

static int64_t hcall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		     struct spapr_hcall *out)
{
	return hcall_on(0, nr, a0, a1, a2, a3, out);
}

/* FDT */

static const struct spapr_fdt_config base_cfg = {
	.ram_size = 512ULL << 20,
	.smp_cpus = 2,
	.pvr = 0x004e1202,
	.radix = true,
	.bootargs = "console=hvc0 quiet",
	.initrd_start = 0x3000000,
	.initrd_end = 0x3100000,
	.rtas_addr = 0x1ffff000,
	.rtas_size = SPAPR_RTAS_SIZE,
	.vty = true,
	.nr_irqs = 32,
	.reset_count = 7,
};

static void *build(const struct spapr_fdt_config *c)
{
	void *buf = g_malloc0(SPAPR_FDT_MAX_SIZE);
	GError *err = NULL;
	int size = spapr_build_fdt(c, buf, SPAPR_FDT_MAX_SIZE, &err);

	ck_assert_msg(size > 0, "build failed: %s", err ? err->message : "?");
	ck_assert_int_eq(fdt_check_header(buf), 0);
	ck_assert_int_eq(fdt_totalsize(buf), size);
	return buf;
}

static uint32_t prop_u32(const void *fdt, const char *path, const char *name)
{
	int off = fdt_path_offset(fdt, path), len;
	const fdt32_t *p;

	ck_assert_msg(off >= 0, "%s missing", path);
	p = fdt_getprop(fdt, off, name, &len);
	ck_assert_msg(p && len == 4, "%s/%s missing or not a cell", path, name);
	return fdt32_to_cpu(*p);
}

static uint64_t prop_u64(const void *fdt, const char *path, const char *name)
{
	int off = fdt_path_offset(fdt, path), len;
	const void *p;
	fdt64_t v;

	ck_assert_msg(off >= 0, "%s missing", path);
	p = fdt_getprop(fdt, off, name, &len);
	ck_assert_msg(p && len == 8, "%s/%s missing or not 64-bit", path, name);
	memcpy(&v, p, sizeof(v)); /* cells are only 4-byte aligned */
	return fdt64_to_cpu(v);
}

static const char *prop_str(const void *fdt, const char *path, const char *name)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "%s missing", path);
	return fdt_getprop(fdt, off, name, NULL);
}

START_TEST(test_fdt_contents)
{
	void *fdt = build(&base_cfg);
	const uint8_t *ov5, *pa;
	const fdt32_t *reg;
	uint64_t addr, size;
	int len, off;

	ck_assert_str_eq(prop_str(fdt, "/", "device_type"), "chrp");
	ck_assert_uint_eq(prop_u32(fdt, "/", "#address-cells"), 2);
	ck_assert_str_eq(prop_str(fdt, "/chosen", "bootargs"), "console=hvc0 quiet");
	ck_assert_uint_eq(prop_u64(fdt, "/chosen", "linux,initrd-start"), 0x3000000);
	ck_assert_uint_eq(prop_u64(fdt, "/chosen", "linux,initrd-end"), 0x3100000);
	ck_assert_uint_eq(prop_u32(fdt, "/chosen", "keel,reset-count"), 7);
	ck_assert_str_eq(prop_str(fdt, "/chosen", "stdout-path"), "/vdevice/vty@71000000");
	/* Radix only, with GTSE, in the kernel's byte numbering. */
	ov5 = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "ibm,architecture-vec-5", &len);
	ck_assert_ptr_nonnull(ov5);
	ck_assert_int_ge(len, 27);
	ck_assert_uint_eq(ov5[24], 0x40);
	ck_assert_uint_eq(ov5[26], 0x40);

	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "linux,rtas-base"), 0x1ffff000);
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "linux,rtas-entry"), 0x1ffff000);
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "rtas-size"), SPAPR_RTAS_SIZE);
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "system-reboot"),
			  spapr_rtas_token(RTAS_SYSTEM_REBOOT));
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "power-off"), spapr_rtas_token(RTAS_POWER_OFF));
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "ibm,set-xive"), spapr_rtas_token(RTAS_SET_XIVE));
	for (unsigned i = 0; i < RTAS_COUNT; i++)
		ck_assert_uint_eq(prop_u32(fdt, "/rtas", spapr_rtas_name(i)), RTAS_TOKEN_BASE + i);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"),
					  "ibm,hypertas-functions", NULL));

	ck_assert_uint_eq(prop_u32(fdt, "/cpus/PowerPC,POWER9@0", "reg"), 0);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/PowerPC,POWER9@1", "ibm,ppc-interrupt-server#s"), 1);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/PowerPC,POWER9@1", "cpu-version"), 0x004e1202);
	ck_assert_uint_eq(prop_u32(fdt, "/cpus/PowerPC,POWER9@0", "timebase-frequency"),
			  SPAPR_TIMEBASE_FREQ);
	ck_assert_int_lt(fdt_path_offset(fdt, "/cpus/PowerPC,POWER9@2"), 0);
	/* pa-features: header (66, 0), then byte 40 bit 0 = radix. */
	pa = fdt_getprop(fdt, fdt_path_offset(fdt, "/cpus/PowerPC,POWER9@0"), "ibm,pa-features",
			 &len);
	ck_assert_int_eq(len, 68);
	ck_assert_uint_eq(pa[0], 66);
	ck_assert_uint_eq(pa[1], 0);
	ck_assert_uint_eq(pa[2 + 40] & 0x80, 0x80);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, fdt_path_offset(fdt, "/cpus/PowerPC,POWER9@0"),
					  "ibm,processor-radix-AP-encodings", NULL));

	reg = fdt_getprop(fdt, fdt_path_offset(fdt, "/memory@0"), "reg", &len);
	ck_assert_int_eq(len, 16);
	ck_assert_uint_eq(((uint64_t)fdt32_to_cpu(reg[2]) << 32) | fdt32_to_cpu(reg[3]),
			  512ULL << 20);

	ck_assert_str_eq(prop_str(fdt, "/vdevice/vty@71000000", "compatible"), "hvterm1");
	ck_assert_uint_eq(prop_u32(fdt, "/vdevice/vty@71000000", "reg"), SPAPR_VTY_REG);
	reg = fdt_getprop(fdt, fdt_path_offset(fdt, "/vdevice/vty@71000000"), "interrupts", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(reg[0]), SPAPR_IRQ_VTY);
	ck_assert_uint_eq(fdt32_to_cpu(reg[1]), 0);
	ck_assert_str_eq(prop_str(fdt, "/interrupt-controller", "compatible"), "IBM,ppc-xicp");
	off = fdt_path_offset(fdt, "/interrupt-controller");
	reg = fdt_getprop(fdt, off, "ibm,interrupt-server-ranges", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(reg[1]), 2);

	/* EPOW: its own interrupt controller node, one edge source. */
	off = fdt_path_offset(fdt, "/event-sources");
	ck_assert_int_ge(off, 0);
	ck_assert_ptr_nonnull(fdt_getprop(fdt, off, "interrupt-controller", NULL));
	ck_assert_uint_eq(prop_u32(fdt, "/event-sources", "#interrupt-cells"), 2);
	reg = fdt_getprop(fdt, fdt_path_offset(fdt, "/event-sources/epow-events"), "interrupts",
			  &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(reg[0]), SPAPR_IRQ_EPOW);
	ck_assert_uint_eq(fdt32_to_cpu(reg[1]), 0);
	ck_assert_uint_eq(prop_u32(fdt, "/rtas", "check-exception"),
			  spapr_rtas_token(RTAS_CHECK_EXCEPTION));

	/* The RTAS area is reserved so the kernel never allocates over it. */
	ck_assert_int_eq(fdt_num_mem_rsv(fdt), 1);
	ck_assert_int_eq(fdt_get_mem_rsv(fdt, 0, &addr, &size), 0);
	ck_assert_uint_eq(addr, 0x1ffff000);
	ck_assert_uint_eq(size, SPAPR_RTAS_SIZE);
	ck_assert_uint_eq(fdt_boot_cpuid_phys(fdt), 0);
	g_free(fdt);
}
END_TEST

START_TEST(test_fdt_variants_and_errors)
{
	struct spapr_fdt_config c = base_cfg;
	void *fdt, *small;
	GError *err = NULL;

	c.initrd_end = c.initrd_start; /* no initrd */
	c.nr_irqs = 0;		       /* no XICS: no interrupt RTAS tokens */
	c.vty = false;
	c.bootargs = NULL;
	fdt = build(&c);
	ck_assert_int_lt(fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp"), 0);
	ck_assert_int_lt(fdt_path_offset(fdt, "/event-sources"), 0);
	ck_assert_ptr_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "linux,initrd-start",
				       NULL));
	ck_assert_ptr_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "ibm,set-xive", NULL));
	ck_assert_int_lt(fdt_path_offset(fdt, "/vdevice/vty@71000000"), 0);
	ck_assert_str_eq(prop_str(fdt, "/chosen", "bootargs"), "");
	g_free(fdt);

	c = base_cfg;
	c.radix = false;
	fdt = build(&c);
	ck_assert_uint_eq(((const uint8_t *)fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
							 "ibm,architecture-vec-5", NULL))[24],
			  0);
	g_free(fdt);

	/* Too small a buffer and bad configurations are errors, not crashes. */
	small = g_malloc0(256);
	ck_assert_int_eq(spapr_build_fdt(&base_cfg, small, 256, &err), -ENOSPC);
	ck_assert_ptr_nonnull(err);
	g_clear_error(&err);
	g_free(small);
	c = base_cfg;
	c.smp_cpus = 0;
	fdt = g_malloc0(SPAPR_FDT_MAX_SIZE);
	ck_assert_int_lt(spapr_build_fdt(&c, fdt, SPAPR_FDT_MAX_SIZE, &err), 0);
	g_clear_error(&err);
	c.smp_cpus = SPAPR_MAX_CPUS + 1;
	ck_assert_int_lt(spapr_build_fdt(&c, fdt, SPAPR_FDT_MAX_SIZE, &err), 0);
	g_clear_error(&err);
	g_free(fdt);
}
END_TEST

/* dtc decompiles our blob and compiles it again to the same structure. */
START_TEST(test_fdt_dtc_roundtrip)
{
	void *fdt = build(&base_cfg);
	char dir[] = "/tmp/keel-spapr-XXXXXX";
	g_autofree char *dtb = NULL, *dts = NULL, *dtb2 = NULL, *cmd = NULL, *again = NULL;
	gsize len = 0;
	int st;

	if (system("command -v dtc >/dev/null 2>&1") != 0) {
		fprintf(stderr, "dtc not installed: round trip skipped\n");
		g_free(fdt);
		return;
	}
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dtb = g_build_filename(dir, "a.dtb", NULL);
	dts = g_build_filename(dir, "a.dts", NULL);
	dtb2 = g_build_filename(dir, "b.dtb", NULL);
	ck_assert(g_file_set_contents(dtb, fdt, fdt_totalsize(fdt), NULL));
	cmd = g_strdup_printf("dtc -q -I dtb -O dts -o %s %s && dtc -q -I dts -O dtb -o %s %s",
			      dts, dtb, dtb2, dts);
	st = system(cmd);
	ck_assert_int_eq(st, 0);
	ck_assert(g_file_get_contents(dtb2, &again, &len, NULL));
	ck_assert_int_eq(fdt_check_header(again), 0);
	ck_assert_uint_eq(prop_u32(again, "/chosen", "keel,reset-count"), 7);
	ck_assert_uint_eq(prop_u32(again, "/rtas", "system-reboot"),
			  spapr_rtas_token(RTAS_SYSTEM_REBOOT));
	ck_assert_str_eq(prop_str(again, "/chosen", "bootargs"), "console=hvc0 quiet");
	ck_assert_int_eq(fdt_num_mem_rsv(again), 1);
	unlink(dtb);
	unlink(dts);
	unlink(dtb2);
	rmdir(dir);
	g_free(fdt);
}
END_TEST

/* RTAS */

START_TEST(test_rtas_time)
{
	uint32_t set[7] = { 2030, 2, 28, 23, 59, 58, 0 };

	rtas_buf(spapr_rtas_token(RTAS_GET_TIME_OF_DAY), 0, 8, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(0, 0), RTAS_OUT_SUCCESS);
	ck_assert_uint_ge(rtas_ret(0, 1), 2024);
	ck_assert(rtas_ret(0, 2) >= 1 && rtas_ret(0, 2) <= 12);

	rtas_buf(spapr_rtas_token(RTAS_SET_TIME_OF_DAY), 7, 1, set);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(7, 0), RTAS_OUT_SUCCESS);
	rtas_buf(spapr_rtas_token(RTAS_GET_TIME_OF_DAY), 0, 8, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(0, 1), 2030);
	ck_assert_uint_eq(rtas_ret(0, 2), 2);
	ck_assert_uint_eq(rtas_ret(0, 3), 28);
	spapr_rtas_reset();
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_lt(rtas_ret(0, 1), 2030);

	/* Wrong argument counts and bad dates give a status, not a crash. */
	set[1] = 13;
	rtas_buf(spapr_rtas_token(RTAS_SET_TIME_OF_DAY), 7, 1, set);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(7, 0), RTAS_OUT_PARAM_ERROR);
	rtas_buf(spapr_rtas_token(RTAS_GET_TIME_OF_DAY), 0, 3, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(0, 0), RTAS_OUT_PARAM_ERROR);
}
END_TEST

START_TEST(test_rtas_cpus)
{
	uint32_t a[3] = { 1 };

	rtas_buf(spapr_rtas_token(RTAS_QUERY_CPU_STOPPED_STATE), 1, 2, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(1, 0), 0);
	ck_assert_uint_eq(rtas_ret(1, 1), 0); /* stopped */

	a[0] = 1;
	a[1] = 0x60;
	a[2] = 0x1234;
	rtas_buf(spapr_rtas_token(RTAS_START_CPU), 3, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(3, 0), 0);
	ck_assert_int_eq(fake.start_calls, 1);
	ck_assert_uint_eq(fake.start_index, 1);
	ck_assert_uint_eq(fake.start_pc, 0x60);
	ck_assert_uint_eq(fake.start_r3, 0x1234);

	a[0] = 1;
	rtas_buf(spapr_rtas_token(RTAS_QUERY_CPU_STOPPED_STATE), 1, 2, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(1, 1), 2); /* running */
	/* Starting a running CPU, or one that does not exist, fails cleanly. */
	a[0] = 1;
	rtas_buf(spapr_rtas_token(RTAS_START_CPU), 3, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(3, 0), RTAS_OUT_PARAM_ERROR);
	a[0] = 99;
	rtas_buf(spapr_rtas_token(RTAS_QUERY_CPU_STOPPED_STATE), 1, 2, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(1, 0), RTAS_OUT_PARAM_ERROR);

	rtas_buf(spapr_rtas_token(RTAS_STOP_SELF), 0, 1, NULL);
	ck_assert_int_eq(spapr_rtas_call(1, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq(fake.stop_self_calls, 1);
	ck_assert_int_eq(fake.cpu_states[1], 0);
}
END_TEST

START_TEST(test_rtas_misc_and_bad_buffers)
{
	uint32_t a[4] = { 0 };
	struct reset_stats st;
	int status = -1;

	rtas_buf(spapr_rtas_token(RTAS_EVENT_SCAN), 4, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(4, 0), RTAS_OUT_NO_ERRORS_FOUND);
	rtas_buf(spapr_rtas_token(RTAS_GET_SYSTEM_PARAMETER), 3, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(3, 0), RTAS_OUT_NOT_SUPPORTED);
	a[0] = 'x';
	rtas_buf(spapr_rtas_token(RTAS_DISPLAY_CHARACTER), 1, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(1, 0), 0);
	/* Interrupt calls are the kernel's; here they are unsupported, and unknown tokens too. */
	rtas_buf(spapr_rtas_token(RTAS_INT_ON), 1, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(1, 0), RTAS_OUT_NOT_SUPPORTED);
	rtas_buf(0x12, 0, 1, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_int_eq((int32_t)rtas_ret(0, 0), RTAS_OUT_NOT_SUPPORTED);

	/* nargs + nret beyond the 16 words, or a buffer outside RAM: H_PARAMETER. */
	rtas_buf(spapr_rtas_token(RTAS_EVENT_SCAN), 17, 1, zeros16);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_PARAMETER);
	rtas_buf(spapr_rtas_token(RTAS_EVENT_SCAN), 10, 7, zeros16);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_PARAMETER);
	ck_assert_int_eq(spapr_rtas_call(0, RAM_SIZE - 4), H_PARAMETER);
	ck_assert_int_eq(spapr_rtas_call(0, ~0ULL - 2), H_PARAMETER);
	/* nret 0: nothing written back. */
	rtas_buf(spapr_rtas_token(RTAS_EVENT_SCAN), 0, 0, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(be32_at(RTAS_BUF + 12), 0xeeeeeeee);

	/* system-reboot requests a reset and returns success at once. */
	reset_stats_peek(&st);
	rtas_buf(spapr_rtas_token(RTAS_SYSTEM_REBOOT), 0, 1, NULL);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(0, 0), 0);
	bql_lock();
	ck_assert(!main_loop_handle_requests(&status));
	bql_unlock();
	{
		struct reset_stats st2;

		reset_stats_peek(&st2);
		ck_assert_uint_eq(st2.resets, st.resets + 1);
	}
	/* power-off requests a shutdown: the process exits with status 0. */
	a[0] = a[1] = 0xffffffff;
	rtas_buf(spapr_rtas_token(RTAS_POWER_OFF), 2, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(2, 0), 0);
	bql_lock();
	ck_assert(main_loop_handle_requests(&status));
	bql_unlock();
	ck_assert_int_eq(status, 0);
}
END_TEST

/* Hypercalls */

START_TEST(test_hcall_term)
{
	struct spapr_hcall h;
	uint64_t hi = 0x48656c6c6f2c2077ULL; /* "Hello, w" */

	ck_assert_int_eq(hcall(H_PUT_TERM_CHAR, SPAPR_VTY_REG, 8, hi, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(hcall(H_PUT_TERM_CHAR, SPAPR_VTY_REG, 17, hi, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_PUT_TERM_CHAR, 0x12345, 1, hi, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_GET_TERM_CHAR, SPAPR_VTY_REG, 0, 0, 0, &h), H_SUCCESS);
	ck_assert_uint_eq(h.args[0], 0); /* nothing typed: length 0 in r4 */
	ck_assert_int_eq(hcall(H_GET_TERM_CHAR, 7, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_VIO_SIGNAL, SPAPR_VTY_REG, 0, 0, 0, NULL), H_SUCCESS);
}
END_TEST

/* Typed input pulses the VTY interrupt; H_GET_TERM_CHAR then reads it. */
START_TEST(test_vty_input_irq)
{
	struct spapr_hcall h;
	struct chardev *c;
	GError *err = NULL;

	spapr_vty_fini();
	c = chardev_alloc("vtyin", "test", &err);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(spapr_vty_init(c, &err), 0);

	chardev_fe_read(c, (const uint8_t *)"ls\r", 3);
	ck_assert_uint_eq(raised, 1);
	ck_assert_uint_eq(raised_irq, SPAPR_IRQ_VTY);
	/* More input before the guest read: another pulse (edge-triggered). */
	chardev_fe_read(c, (const uint8_t *)"x", 1);
	ck_assert_uint_eq(raised, 2);
	chardev_fe_read(c, (const uint8_t *)"", 0);
	ck_assert_uint_eq(raised, 2);
	ck_assert_int_eq(hcall(H_GET_TERM_CHAR, SPAPR_VTY_REG, 0, 0, 0, &h), H_SUCCESS);
	ck_assert_uint_eq(h.args[0], 4);
	ck_assert_uint_eq(h.args[1] >> 32, 0x6c730d78); /* "ls\rx" */
	ck_assert_uint_eq(raised, 2);

	spapr_vty_fini();
	chardev_free(c);
	ck_assert_int_eq(spapr_vty_init(NULL, NULL), 0);
}
END_TEST

START_TEST(test_hcall_set_mode)
{
	ck_assert_int_eq(hcall(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.ile, 1);
	ck_assert_int_eq(hcall(H_SET_MODE, 0, H_SET_MODE_RESOURCE_LE, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.ile, 0);
	ck_assert_int_eq(hcall(H_SET_MODE, 2, H_SET_MODE_RESOURCE_LE, 0, 0, NULL),
			 H_UNSUPPORTED_FLAG);
	ck_assert_int_eq(hcall(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 1, 0, NULL), H_P3);
	ck_assert_int_eq(hcall(H_SET_MODE, 1, H_SET_MODE_RESOURCE_LE, 0, 1, NULL), H_P4);
	ck_assert_int_eq(hcall(H_SET_MODE, 0, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0, NULL),
			 H_SUCCESS);
	ck_assert_int_eq(hcall(H_SET_MODE, 3, H_SET_MODE_RESOURCE_ADDR_TRANS_MODE, 0, 0, NULL),
			 H_UNSUPPORTED_FLAG);
	ck_assert_int_eq(hcall(H_SET_MODE, 0, 99, 0, 0, NULL), H_P2);
}
END_TEST

START_TEST(test_hcall_proc_tbl)
{
	uint64_t flags = PROC_TBL_REGISTER | PROC_TBL_RADIX | PROC_TBL_GTSE;

	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, flags, 0x1230000, 0, 12, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.mmu_calls, 1);
	ck_assert(fake.radix && fake.gtse);
	ck_assert_uint_eq(fake.patb, PATB_GR | 0x1230000 | 12);
	/* Misaligned table, a page size, an oversized table, unknown flags: refused. */
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, flags, 0x1230800, 0, 12, NULL), H_P2);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, flags, 0x1230000, 1, 12, NULL), H_P3);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, flags, 0x1230000, 0, 25, NULL), H_P4);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, 0x100, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(fake.mmu_calls, 1);
	/* Deregistration goes back to an empty radix table. */
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_uint_eq(fake.patb, PATB_GR);
}
END_TEST

START_TEST(test_hcall_ci_and_unknown)
{
	struct spapr_hcall h;
	static const uint8_t bytes[8] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };

	memcpy(ram_host + 0x9000, bytes, 8);
	ck_assert_int_eq(hcall(H_LOGICAL_CI_LOAD, 4, 0x9000, 0, 0, &h), H_SUCCESS);
	ck_assert_uint_eq(h.args[0], 0x11223344); /* big-endian */
	ck_assert_int_eq(hcall(H_LOGICAL_CI_LOAD, 8, 0x9000, 0, 0, &h), H_SUCCESS);
	ck_assert_uint_eq(h.args[0], 0x1122334455667788ULL);
	ck_assert_int_eq(hcall(H_LOGICAL_CI_STORE, 2, 0x9000, 0xabcd, 0, NULL), H_SUCCESS);
	ck_assert_uint_eq(ram_host[0x9000], 0xab);
	ck_assert_uint_eq(ram_host[0x9001], 0xcd);
	ck_assert_int_eq(hcall(H_LOGICAL_CI_LOAD, 3, 0x9000, 0, 0, NULL), H_PARAMETER);
	/* Outside RAM and unclaimed: all ones, as any unclaimed MMIO read. */
	ck_assert_int_eq(hcall(H_LOGICAL_CI_LOAD, 4, 0xf0000000ULL, 0, 0, &h), H_SUCCESS);
	ck_assert_uint_eq(h.args[0], 0xffffffff);
	ck_assert_int_eq(hcall(0x7777, 0, 0, 0, 0, NULL), H_FUNCTION);
	/* H_RTAS passes the buffer through. */
	rtas_buf(spapr_rtas_token(RTAS_EVENT_SCAN), 4, 1, (uint32_t[4]){ 0 });
	ck_assert_int_eq(hcall(H_RTAS, RTAS_BUF, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_uint_eq(rtas_ret(4, 0), RTAS_OUT_NO_ERRORS_FOUND);
}
END_TEST

/*
 * H_CEDE completes with H_SUCCESS and asks the vCPU side to halt (after the
 * completion, which the run loop does); H_PROD wakes a ceded CPU or is
 * remembered for the next cede; H_CONFER to itself cedes.
 */
START_TEST(test_hcall_cede_prod_confer)
{
	struct spapr_hcall h;

	/* The outputs are untouched: KVM writes r4..r12 back from args. */
	ck_assert_int_eq(hcall_on(1, H_CEDE, 0x11, 0x22, 0, 0, &h), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 1);
	ck_assert_uint_eq(fake.cede_caller, 1);
	ck_assert(fake.ceded[1]);
	ck_assert_uint_eq(h.args[0], 0x11);
	ck_assert_uint_eq(h.args[1], 0x22);

	/* A prod wakes the ceded CPU and is used up by it. */
	ck_assert_int_eq(hcall_on(0, H_PROD, 1, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert(!fake.ceded[1]);
	ck_assert_int_eq(hcall_on(1, H_CEDE, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 2);
	fake.ceded[1] = false; /* an interrupt woke it */

	/* A prod to a running CPU: its next cede returns at once, the one after waits. */
	ck_assert_int_eq(hcall_on(0, H_PROD, 2, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(hcall_on(2, H_CEDE, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 2);
	ck_assert(!fake.ceded[2]);
	ck_assert_int_eq(hcall_on(2, H_CEDE, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 3);
	ck_assert(fake.ceded[2]);

	/* A remembered prod does not survive a machine reset. */
	ck_assert_int_eq(hcall_on(0, H_PROD, 3, 0, 0, 0, NULL), H_SUCCESS);
	spapr_hcall_reset();
	ck_assert_int_eq(hcall_on(3, H_CEDE, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 4);

	/* Bad targets: H_PARAMETER, and nothing is woken or remembered. */
	fake.prod_calls = 0;
	ck_assert_int_eq(hcall(H_PROD, 4, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_PROD, ~0ULL, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_PROD, SPAPR_MAX_CPUS + 5ULL, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(fake.prod_calls, 0);
	ck_assert_int_eq(hcall(H_CONFER, 4, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(hcall(H_CONFER, -2LL, 0, 0, 0, NULL), H_PARAMETER);

	/* Confer to all or to another CPU: a hint, no wait. To itself: a cede. */
	ck_assert_int_eq(hcall(H_CONFER, -1LL, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(hcall(H_CONFER, 1, 7, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 4);
	ck_assert_int_eq(hcall_on(0, H_CONFER, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.cede_calls, 5);
	ck_assert(fake.ceded[0]);

	/* Without a CPU side (no KVM) a cede is a plain spurious wake-up. */
	spapr_set_cpu_ops(NULL);
	ck_assert_int_eq(hcall(H_CEDE, 0, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(hcall(H_PROD, 1, 0, 0, 0, NULL), H_PARAMETER);
	ck_assert_int_eq(fake.cede_calls, 5);
}
END_TEST

static uint16_t be16p(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t be32p(const uint8_t *p)
{
	return (uint32_t)be16p(p) << 16 | be16p(p + 2);
}

/* The section with this id, found the way Linux's get_pseries_errorlog walks them. */
static const uint8_t *find_section(const uint8_t *log, const char id[2])
{
	uint32_t ext_len = be32p(log + 4);
	const uint8_t *ext = log + 8, *p = ext + 16, *end = ext + ext_len;

	if (ext_len < 16 || (ext[2] & 0x0f) != 14 || be32p(ext + 12) != 0x49424d00u)
		return NULL;
	while (p + 8 <= end) {
		uint16_t len = be16p(p + 2);

		if (p[0] == id[0] && p[1] == id[1])
			return p;
		if (len < 8)
			return NULL;
		p += len;
	}
	return NULL;
}

/* The EPOW log in the PAPR version 6 format that Linux's ras.c parses. */
START_TEST(test_epow_log_format)
{
	uint8_t log[SPAPR_EPOW_LOG_LEN + 8];
	const uint8_t *ph, *uh, *ep;
	/* 2026-12-06 14:25:07 UTC */
	time_t t = 1796567107;

	memset(log, 0xaa, sizeof(log));
	ck_assert_uint_eq(spapr_epow_log(log, sizeof(log), t, 0x1234), SPAPR_EPOW_LOG_LEN);
	ck_assert_uint_eq(log[0], 6);			/* version 6 */
	ck_assert_uint_eq(log[1] >> 5, 1);		/* severity: event */
	ck_assert_uint_eq(log[1] & 0x04, 0x04);		/* extended log present */
	ck_assert_uint_eq(log[3], 0x40);		/* type EPOW */
	ck_assert_uint_eq(be32p(log + 4), SPAPR_EPOW_LOG_LEN - 8);
	ck_assert_uint_eq(log[8] & 0x80, 0x80);		/* log valid */
	ck_assert_uint_eq(log[8] & 0x02, 0x02);		/* big-endian */
	ck_assert_uint_eq(log[10], 0x8e);		/* PowerPC format, event log (14) */
	ck_assert_uint_eq(log[SPAPR_EPOW_LOG_LEN], 0xaa); /* nothing written past it */

	ph = find_section(log, "PH");
	uh = find_section(log, "UH");
	ep = find_section(log, "EP");
	ck_assert_ptr_eq(ph, log + 24); /* PAPR: PH first, then UH */
	ck_assert_ptr_eq(uh, ph + be16p(ph + 2));
	ck_assert_ptr_nonnull(ep);
	ck_assert_uint_eq(be16p(ph + 2) + be16p(uh + 2) + be16p(ep + 2) + 16, be32p(log + 4));
	ck_assert_uint_eq(be32p(ph + 8), 0x20261206); /* BCD date */
	ck_assert_uint_eq(be32p(ph + 12) >> 8, 0x142507); /* BCD time */
	ck_assert_uint_eq(ph[27], 3); /* section count */
	ck_assert_uint_eq(be32p(ph + 40), 0x1234);
	/* Action code "system shutdown", modifier "normal": Linux's orderly poweroff. */
	ck_assert_uint_eq(ep[8] & 0x0f, 3);
	ck_assert_uint_eq(ep[9] & 0x0f, 1);

	ck_assert_uint_eq(spapr_epow_log(log, SPAPR_EPOW_LOG_LEN - 1, t, 0), 0);
}
END_TEST

static int32_t check_exception(uint32_t nargs, uint32_t mask, uint32_t buf, uint32_t len)
{
	uint32_t a[7] = { 0x500, SPAPR_IRQ_EPOW, mask, 0, buf, len, 0 };

	rtas_buf(spapr_rtas_token(RTAS_CHECK_EXCEPTION), nargs, 1, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	return (int32_t)rtas_ret(nargs, 0);
}

static int32_t sensor(uint32_t nargs, uint32_t nret, uint32_t token, uint32_t index,
		      uint32_t *state)
{
	uint32_t a[2] = { token, index };

	rtas_buf(spapr_rtas_token(RTAS_GET_SENSOR_STATE), nargs, nret, a);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	if (state && nret > 1)
		*state = rtas_ret(nargs, 1);
	return (int32_t)rtas_ret(nargs, 0);
}

/* system_powerdown -> interrupt -> check-exception returns the log once. */
START_TEST(test_epow_rtas)
{
	const uint32_t log_gpa = 0xa000;
	uint8_t expect[SPAPR_EPOW_LOG_LEN];
	uint32_t state = 99;

	/* Nothing queued: no errors found, the buffer untouched. */
	memset(ram_host + log_gpa, 0x5a, 4096);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, log_gpa, 2048),
			 RTAS_OUT_NO_ERRORS_FOUND);
	ck_assert_uint_eq(ram_host[log_gpa], 0x5a);
	ck_assert_int_eq(sensor(2, 2, 9, 0, &state), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(state, 0);

	spapr_events_powerdown();
	ck_assert_uint_eq(raised, 1);
	ck_assert_uint_eq(raised_irq, SPAPR_IRQ_EPOW);
	ck_assert_int_eq(sensor(2, 2, 9, 0, &state), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(state, 3);

	/* Bad arguments: an RTAS error, and the event stays queued. */
	ck_assert_int_eq(check_exception(5, RTAS_EVENT_EPOW_WARNING, log_gpa, 2048),
			 RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, log_gpa, 4),
			 RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, RAM_SIZE - 8, 2048),
			 RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, 0xfffffff0u, 2048),
			 RTAS_OUT_PARAM_ERROR);
	/* A mask without EPOW (internal errors only) finds nothing. */
	ck_assert_int_eq(check_exception(6, 0x80000000u, log_gpa, 2048),
			 RTAS_OUT_NO_ERRORS_FOUND);
	ck_assert_uint_eq(spapr_events_pending(), 1);
	ck_assert_uint_eq(ram_host[log_gpa], 0x5a);

	/* The real call (7 arguments is valid too): the log, then nothing more. */
	ck_assert_int_eq(check_exception(7, 0xffffffffu, log_gpa, 2048), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(spapr_events_pending(), 0);
	ck_assert_uint_eq(raised, 1); /* nothing left: no second pulse */
	spapr_epow_log(expect, sizeof(expect), time(NULL), 0);
	/* Same bytes but the PH section's date, time and log id. */
	ck_assert_mem_eq(ram_host + log_gpa, expect, 24 + 8);
	ck_assert_mem_eq(ram_host + log_gpa + 72, expect + 72, SPAPR_EPOW_LOG_LEN - 72);
	ck_assert_uint_eq(ram_host[log_gpa + SPAPR_EPOW_LOG_LEN], 0x5a);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, log_gpa, 2048),
			 RTAS_OUT_NO_ERRORS_FOUND);

	/* A short buffer gets the start of the log. */
	spapr_events_powerdown();
	memset(ram_host + log_gpa, 0x5a, 4096);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, log_gpa, 16),
			 RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(ram_host[log_gpa], 6);
	ck_assert_uint_eq(ram_host[log_gpa + 16], 0x5a);

	/* Two presses: the first fetch pulses again for the second; the queue is bounded. */
	raised = 0;
	spapr_events_powerdown();
	spapr_events_powerdown();
	ck_assert_uint_eq(raised, 2);
	ck_assert_int_eq(check_exception(6, RTAS_EVENT_EPOW_WARNING, log_gpa, 2048),
			 RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(raised, 3);
	for (unsigned i = 0; i < 100; i++)
		spapr_events_powerdown();
	ck_assert_uint_le(spapr_events_pending(), 8);
	/* A machine reset forgets them. */
	spapr_events_reset();
	ck_assert_uint_eq(spapr_events_pending(), 0);

	/* get-sensor-state: other sensors and bad argument counts are errors. */
	ck_assert_int_eq(sensor(2, 2, 9003, 0, &state), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(sensor(2, 2, 9, 1, &state), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(sensor(1, 2, 9, 0, NULL), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(sensor(2, 1, 9, 0, NULL), RTAS_OUT_PARAM_ERROR);
}
END_TEST

START_TEST(test_blobs_encoding)
{
	/* sc 1 in both, and the hold loop calls KEEL_H_HOLD then branches back to itself. */
	ck_assert_uint_eq(spapr_rtas_blob[3], 0x44000022);
	ck_assert_uint_eq(spapr_rtas_blob[2] & 0xffff, H_RTAS);
	ck_assert_uint_eq(spapr_hold_loop[1] & 0xffff, KEEL_H_HOLD);
	ck_assert_uint_eq(spapr_hold_loop[2], 0x44000022);
	ck_assert_uint_eq(spapr_hold_loop[3], 0x4bfffff8); /* b .-8 */
}
END_TEST

/* Loader */

/* A minimal ELF64 LE executable with one PT_LOAD at paddr 0, vaddr 0xc000... */
static GBytes *make_elf(uint16_t machine, uint64_t entry, uint64_t filesz, uint64_t memsz)
{
	size_t size = 0x1000 + filesz;
	uint8_t *b = g_malloc0(size);

	memcpy(b, "\177ELF", 4);
	b[4] = 2; /* 64-bit */
	b[5] = 1; /* LE */
	b[6] = 1;
	b[16] = 2; /* ET_EXEC */
	b[18] = machine;
	b[20] = 1;
	memcpy(b + 24, &entry, 8);
	*(uint64_t *)(b + 32) = 64; /* phoff */
	b[52] = 64;
	b[54] = 56;
	b[56] = 1;
	*(uint32_t *)(b + 64) = 1;			/* PT_LOAD */
	*(uint64_t *)(b + 64 + 8) = 0x1000;		/* offset */
	*(uint64_t *)(b + 64 + 16) = 0xc000000000000000ULL; /* vaddr */
	*(uint64_t *)(b + 64 + 24) = 0;			/* paddr */
	*(uint64_t *)(b + 64 + 32) = filesz;
	*(uint64_t *)(b + 64 + 40) = memsz;
	for (size_t i = 0; i < filesz; i++)
		b[0x1000 + i] = i;
	return g_bytes_new_take(b, size);
}

START_TEST(test_loader_elf)
{
	g_autoptr(GBytes) k = make_elf(EM_PPC64, 0xc000000000000100ULL, 0x3000, 0x25000);
	g_autoptr(GBytes) initrd = g_bytes_new_static("initrd-bytes", 12);
	struct boot_plan *p = boot_plan_new();
	struct ppc_kernel_layout l;
	GError *err = NULL;
	const uint8_t *peek;

	ck_assert_int_eq(ppc_plan_kernel(p, k, initrd, 0x1000000, &l, &err), 0);
	ck_assert_uint_eq(l.entry, 0x100); /* translated to physical */
	ck_assert_uint_eq(l.kernel_end, 0x25000);
	ck_assert_uint_eq(l.initrd_start, 0x30000); /* 64 KiB aligned above bss */
	ck_assert_uint_eq(l.initrd_end, 0x30000 + 12);
	peek = boot_plan_peek(p, 0x10, 4);
	ck_assert_ptr_nonnull(peek);
	ck_assert_uint_eq(peek[0], 0x10);
	ck_assert_ptr_nonnull(boot_plan_find(p, 0x24fff)); /* bss is zero-filled */
	boot_plan_free(p);

	/* Too big for the space below the FDT. */
	p = boot_plan_new();
	ck_assert_int_lt(ppc_plan_kernel(p, k, NULL, 0x20000, &l, &err), 0);
	ck_assert_ptr_nonnull(err);
	g_clear_error(&err);
	boot_plan_free(p);
	p = boot_plan_new();
	ck_assert_int_lt(ppc_plan_kernel(p, k, initrd, 0x30004, &l, &err), 0);
	ck_assert(strstr(err->message, "initrd"));
	g_clear_error(&err);
	boot_plan_free(p);
}
END_TEST

START_TEST(test_loader_raw_and_bad)
{
	g_autoptr(GBytes) x86 = make_elf(62, 0x100000, 0x100, 0x100);
	g_autoptr(GBytes) raw = g_bytes_new_static("\x48\x00\x00\x00rawkernel", 13);
	g_autoptr(GBytes) empty = g_bytes_new_static("", 0);
	g_autoptr(GBytes) trunc = g_bytes_new_static("\177ELF\002\001", 6);
	struct boot_plan *p = boot_plan_new();
	struct ppc_kernel_layout l;
	GError *err = NULL;

	ck_assert_int_lt(ppc_plan_kernel(p, x86, NULL, 1 << 24, &l, &err), 0);
	ck_assert(strstr(err->message, "PowerPC"));
	g_clear_error(&err);
	ck_assert_int_lt(ppc_plan_kernel(p, empty, NULL, 1 << 24, &l, &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(ppc_plan_kernel(p, trunc, NULL, 1 << 24, &l, &err), 0);
	g_clear_error(&err);
	boot_plan_free(p);

	p = boot_plan_new();
	ck_assert_int_eq(ppc_plan_kernel(p, raw, NULL, 1 << 24, &l, &err), 0);
	ck_assert_uint_eq(l.entry, 0);
	ck_assert_uint_eq(l.kernel_end, 13);
	ck_assert_uint_eq(l.initrd_start, l.initrd_end);
	boot_plan_free(p);
}
END_TEST

/* MMU mode: the machine option, the kernel command line and what KVM offers. */
START_TEST(test_mmu_select)
{
	static const struct {
		const char *opt, *cmdline;
		bool radix, hash;
		int ret;
		enum spapr_mmu_mode mode;
	} cases[] = {
		{ NULL, "console=hvc0", true, false, 0, SPAPR_MMU_RADIX },  /* nested KVM-HV */
		{ NULL, "console=hvc0", true, true, 0, SPAPR_MMU_RADIX },   /* radix stays default */
		{ "auto", NULL, true, true, 0, SPAPR_MMU_RADIX },
		{ NULL, "console=hvc0", false, true, 0, SPAPR_MMU_HASH },   /* hash host */
		{ NULL, "quiet disable_radix", true, true, 0, SPAPR_MMU_HASH },
		{ NULL, "disable_radix=on", true, true, 0, SPAPR_MMU_HASH },
		{ NULL, "disable_radix=no", true, true, 0, SPAPR_MMU_RADIX },
		{ NULL, "disable_radixx", true, true, 0, SPAPR_MMU_RADIX },
		{ NULL, "xdisable_radix", true, true, 0, SPAPR_MMU_RADIX },
		{ NULL, "disable_radix", true, false, -EINVAL, 0 },	    /* asked, not offered */
		{ "hash", NULL, true, true, 0, SPAPR_MMU_HASH },
		{ "hash", NULL, true, false, -EINVAL, 0 },
		{ "radix", NULL, true, true, 0, SPAPR_MMU_RADIX },
		{ "radix", NULL, false, true, -EINVAL, 0 },
		{ "radix", "disable_radix", true, true, -EINVAL, 0 },
		{ NULL, NULL, false, false, -EINVAL, 0 },
		{ "segments", NULL, true, true, -EINVAL, 0 },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		enum spapr_mmu_mode mode = 99;
		GError *err = NULL;
		int ret = spapr_mmu_select(cases[i].opt, cases[i].cmdline, cases[i].radix,
					   cases[i].hash, &mode, &err);

		ck_assert_msg(ret == cases[i].ret, "case %u: %d", i, ret);
		if (ret == 0) {
			ck_assert_msg(mode == cases[i].mode, "case %u: mode %d", i, mode);
			ck_assert_ptr_null(err);
		} else {
			ck_assert_msg(err && err->message[0], "case %u: no message", i);
			g_error_free(err);
		}
	}
	ck_assert(spapr_cmdline_disables_radix("a disable_radix=0 disable_radix"));
	ck_assert(!spapr_cmdline_disables_radix("disable_radix disable_radix=off"));
	ck_assert(!spapr_cmdline_disables_radix(""));
}
END_TEST

/* Page sizes as Linux 6.1's KVM-HV reports them on POWER9 (4K, 64K, 16M segments). */
static void p9_hash(struct spapr_hash_mmu *h)
{
	static const struct spapr_seg_page_size sps[] = {
		{ 12, 0x000, 2, { { 12, 0 }, { 24, 0x38 } } },
		{ 16, 0x110, 2, { { 16, 1 }, { 24, 8 } } },
		{ 24, 0x100, 1, { { 24, 0 } } },
	};

	memset(h, 0, sizeof(*h));
	memcpy(h->sps, sps, sizeof(sps));
	h->nsps = G_N_ELEMENTS(sps);
	h->slb_size = 32;
	h->seg_1t = true;
	h->htab_shift = 22;
}

START_TEST(test_hash_sizes)
{
	struct spapr_hash_mmu h;

	/* 1/128 of RAM, between 256 KiB and 2^46. */
	ck_assert_uint_eq(spapr_hpt_shift(512ULL << 20), 22);
	ck_assert_uint_eq(spapr_hpt_shift(600ULL << 20), 23);
	ck_assert_uint_eq(spapr_hpt_shift(16ULL << 20), 18);
	ck_assert_uint_eq(spapr_hpt_shift(1ULL << 62), 46);

	/* 64 KiB host pages: 16M pages go, the 4K segment keeps its 4K page only. */
	p9_hash(&h);
	spapr_hash_filter_page_sizes(&h, 16);
	ck_assert_uint_eq(h.nsps, 2);
	ck_assert_uint_eq(h.sps[0].page_shift, 12);
	ck_assert_uint_eq(h.sps[0].nenc, 1);
	ck_assert_uint_eq(h.sps[0].enc[0].page_shift, 12);
	ck_assert_uint_eq(h.sps[1].page_shift, 16);
	ck_assert_uint_eq(h.sps[1].slb_enc, 0x110);
	ck_assert_uint_eq(h.sps[1].nenc, 1);
	ck_assert_uint_eq(h.sps[1].enc[0].pte_enc, 1);
	ck_assert_uint_eq(h.sps[2].page_shift, 0);
	/* 4 KiB host pages: 4K only; 16 MiB huge pages: everything. */
	p9_hash(&h);
	spapr_hash_filter_page_sizes(&h, 12);
	ck_assert_uint_eq(h.nsps, 1);
	p9_hash(&h);
	spapr_hash_filter_page_sizes(&h, 24);
	ck_assert_uint_eq(h.nsps, 3);
	ck_assert_uint_eq(h.sps[0].nenc, 2);
}
END_TEST

START_TEST(test_fdt_hash)
{
	struct spapr_fdt_config c = base_cfg;
	const char *cpu = "/cpus/PowerPC,POWER9@1";
	const fdt32_t *cells;
	const uint8_t *pa;
	const char *tas;
	void *fdt;
	int len, off;

	c.radix = false;
	p9_hash(&c.hash);
	spapr_hash_filter_page_sizes(&c.hash, 16);
	fdt = build(&c);
	off = fdt_path_offset(fdt, cpu);
	ck_assert_int_ge(off, 0);
	/* Hash only in the vector; no radix bit, no radix page sizes. */
	ck_assert_uint_eq(((const uint8_t *)fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
							 "ibm,architecture-vec-5", NULL))[24],
			  0);
	pa = fdt_getprop(fdt, off, "ibm,pa-features", &len);
	ck_assert_int_eq(len, 68);
	ck_assert_uint_eq(pa[2 + 40] & 0x80, 0);
	ck_assert_uint_eq(pa[2 + 0], 0xf6); /* the rest unchanged */
	ck_assert_ptr_null(fdt_getprop(fdt, off, "ibm,processor-radix-AP-encodings", NULL));
	/* The HPT size, as (0, log2 size). */
	cells = fdt_getprop(fdt, off, "ibm,pft-size", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(cells[0]), 0);
	ck_assert_uint_eq(fdt32_to_cpu(cells[1]), 22);
	cells = fdt_getprop(fdt, off, "ibm,processor-segment-sizes", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(cells[1]), 40);
	ck_assert_uint_eq(prop_u32(fdt, cpu, "ibm,slb-size"), 32);
	/* 4K segment: one size (4K, enc 0); 64K segment (SLB L|LP=01): one size (64K, enc 1). */
	cells = fdt_getprop(fdt, off, "ibm,segment-page-sizes", &len);
	ck_assert_int_eq(len, 10 * 4);
	{
		static const uint32_t want[] = { 12, 0, 1, 12, 0, 16, 0x110, 1, 16, 1 };

		for (unsigned i = 0; i < G_N_ELEMENTS(want); i++)
			ck_assert_uint_eq(fdt32_to_cpu(cells[i]), want[i]);
	}
	/* H_ENTER & co. (hcall-pft) and H_BULK_REMOVE are announced. */
	tas = fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "ibm,hypertas-functions", &len);
	ck_assert_int_gt(len, 0);
	{
		bool pft = false, bulk = false, term = false;

		for (int i = 0; i < len; i += strlen(tas + i) + 1) {
			pft |= !strcmp(tas + i, "hcall-pft");
			bulk |= !strcmp(tas + i, "hcall-bulk");
			term |= !strcmp(tas + i, "hcall-term");
		}
		ck_assert(pft && bulk && term);
	}
	g_free(fdt);

	/* Radix trees carry none of it. */
	fdt = build(&base_cfg);
	off = fdt_path_offset(fdt, cpu);
	ck_assert_ptr_null(fdt_getprop(fdt, off, "ibm,pft-size", NULL));
	ck_assert_ptr_null(fdt_getprop(fdt, off, "ibm,segment-page-sizes", NULL));
	tas = fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "ibm,hypertas-functions", &len);
	ck_assert_ptr_null(memmem(tas, len, "hcall-pft", 9));
	g_free(fdt);
}
END_TEST

/*
 * XIVE exploitation mode: the ibm,power-ivpe node Linux's xive_spapr_init
 * reads (OS TIMA page as resource 1, 64K queues, one IPI per CPU from 0),
 * priorities 7+ reserved, vector 5 byte 23 = exploitation, no XICS node
 * and no XICS RTAS calls; the PHB and the vdevice still find the same
 * phandle. With XICS, none of it.
 */
START_TEST(test_fdt_xive)
{
	struct spapr_fdt_config c = base_cfg;
	const char *node = "/interrupt-controller@60302031b0000";
	const fdt32_t *cells;
	const void *prop;
	fdt64_t reg[4];
	const uint8_t *ov5;
	void *fdt;
	int len, off;

	c.xive = true;
	fdt = build(&c);
	off = fdt_path_offset(fdt, node);
	ck_assert_msg(off >= 0, "%s missing", node);
	ck_assert_str_eq(prop_str(fdt, node, "compatible"), "ibm,power-ivpe");
	ck_assert_str_eq(prop_str(fdt, node, "device_type"), "power-ivpe");
	ck_assert_ptr_nonnull(fdt_getprop(fdt, off, "interrupt-controller", NULL));
	ck_assert_uint_eq(prop_u32(fdt, node, "#interrupt-cells"), 2);
	ck_assert_uint_eq(prop_u32(fdt, node, "phandle"), SPAPR_XICS_PHANDLE);
	prop = fdt_getprop(fdt, off, "reg", &len);
	ck_assert_int_eq(len, 32);
	memcpy(reg, prop, sizeof(reg)); /* cells are only 4-byte aligned */
	ck_assert_uint_eq(fdt64_to_cpu(reg[0]), 0x6030203180000ULL + 3 * 0x10000);
	ck_assert_uint_eq(fdt64_to_cpu(reg[1]), 0x10000);
	ck_assert_uint_eq(fdt64_to_cpu(reg[2]), 0x6030203180000ULL + 2 * 0x10000);
	ck_assert_uint_eq(fdt64_to_cpu(reg[3]), 0x10000);
	ck_assert_uint_eq(prop_u32(fdt, node, "ibm,xive-eq-sizes"), 16);
	cells = fdt_getprop(fdt, off, "ibm,xive-lisn-ranges", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(cells[0]), 0);
	ck_assert_uint_eq(fdt32_to_cpu(cells[1]), 2);
	cells = fdt_getprop(fdt, 0, "ibm,plat-res-int-priorities", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(cells[0]), 7);
	ck_assert_uint_eq(fdt32_to_cpu(cells[1]), 0xf8);
	ov5 = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "ibm,architecture-vec-5", &len);
	ck_assert_int_ge(len, 27);
	ck_assert_uint_eq(ov5[23], 0x40);
	ck_assert_uint_eq(ov5[24], 0x40); /* radix unchanged */
	ck_assert_int_lt(fdt_node_offset_by_compatible(fdt, -1, "IBM,ppc-xicp"), 0);
	ck_assert_ptr_null(fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "ibm,set-xive", NULL));
	ck_assert_ptr_nonnull(fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"), "system-reboot", NULL));
	ck_assert_uint_eq(fdt_node_offset_by_phandle(fdt, SPAPR_XICS_PHANDLE), off);
	g_free(fdt);

	fdt = build(&base_cfg);
	ck_assert_int_lt(fdt_path_offset(fdt, node), 0);
	ck_assert_ptr_null(fdt_getprop(fdt, 0, "ibm,plat-res-int-priorities", NULL));
	ov5 = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "ibm,architecture-vec-5", &len);
	ck_assert_uint_eq(ov5[23], 0);
	ck_assert_str_eq(prop_str(fdt, "/interrupt-controller", "compatible"), "IBM,ppc-xicp");
	g_free(fdt);
}
END_TEST

/* Hash guests register "no process table, SLB" (Linux passes flags 0x18, no base). */
START_TEST(test_hcall_proc_tbl_hash)
{
	uint64_t new_hash = PROC_TBL_REGISTER | PROC_TBL_MODIFY;

	spapr_hcall_set_mmu(SPAPR_MMU_HASH);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, new_hash, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert_int_eq(fake.mmu_calls, 1);
	ck_assert(!fake.radix && !fake.gtse);
	ck_assert_uint_eq(fake.patb, 0);
	/* A radix table or a hash segment table: not what this VM runs. */
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, new_hash | PROC_TBL_RADIX | PROC_TBL_GTSE,
			       0x1230000, 0, 12, NULL),
			 H_PARAMETER);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, new_hash | PROC_TBL_HASH_PT, 0x1230000, 0, 12,
			       NULL),
			 H_PARAMETER);
	ck_assert_int_eq(fake.mmu_calls, 1);
	/* Deregistration stays hash. */
	fake.radix = true;
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, PROC_TBL_MODIFY, 0, 0, 0, NULL), H_SUCCESS);
	ck_assert(!fake.radix);
	ck_assert_uint_eq(fake.patb, 0);
	/* And a radix VM refuses a hash registration. */
	spapr_hcall_set_mmu(SPAPR_MMU_RADIX);
	ck_assert_int_eq(hcall(H_REGISTER_PROC_TBL, new_hash, 0, 0, 0, NULL), H_PARAMETER);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("spapr");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_fdt_contents);
	tcase_add_test(tc, test_fdt_variants_and_errors);
	tcase_add_test(tc, test_fdt_dtc_roundtrip);
	tcase_add_test(tc, test_rtas_time);
	tcase_add_test(tc, test_rtas_cpus);
	tcase_add_test(tc, test_rtas_misc_and_bad_buffers);
	tcase_add_test(tc, test_hcall_term);
	tcase_add_test(tc, test_vty_input_irq);
	tcase_add_test(tc, test_hcall_set_mode);
	tcase_add_test(tc, test_hcall_proc_tbl);
	tcase_add_test(tc, test_hcall_proc_tbl_hash);
	tcase_add_test(tc, test_mmu_select);
	tcase_add_test(tc, test_hash_sizes);
	tcase_add_test(tc, test_fdt_hash);
	tcase_add_test(tc, test_fdt_xive);
	tcase_add_test(tc, test_hcall_ci_and_unknown);
	tcase_add_test(tc, test_hcall_cede_prod_confer);
	tcase_add_test(tc, test_epow_log_format);
	tcase_add_test(tc, test_epow_rtas);
	tcase_add_test(tc, test_blobs_encoding);
	tcase_add_test(tc, test_loader_elf);
	tcase_add_test(tc, test_loader_raw_and_bad);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* One process: the RAM map and the VTY are set up once. */
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
