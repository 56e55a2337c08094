// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "hw/i386/acpi.h"
#include "system/bql.h"
#include "system/memory.h"
#include "system/runstate.h"

#define BASE ACPI_TABLES_BASE

static uint8_t buf[ACPI_TABLES_MAX];
static size_t len;

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

/* A table at guest address gpa: check signature, bounds and checksum. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t;

	ck_assert(gpa >= BASE && gpa + 36 <= BASE + len);
	t = buf + (gpa - BASE);
	ck_assert_mem_eq(t, sig, 4);
	ck_assert(gpa + rd32(t + 4) <= BASE + len);
	ck_assert_uint_eq(acpi_checksum(t, rd32(t + 4)), 0);
	return t;
}

static void build(unsigned smp, unsigned max)
{
	struct acpi_build_config cfg = { .smp_cpus = smp, .max_cpus = max };

	memset(buf, 0xaa, sizeof(buf));
	len = acpi_build_tables(buf, sizeof(buf), BASE, &cfg);
	ck_assert_uint_gt(len, 0);
}

START_TEST(test_rsdp)
{
	build(1, 1);
	ck_assert_mem_eq(buf, "RSD PTR ", 8);
	ck_assert_uint_eq(acpi_checksum(buf, 20), 0);
	ck_assert_uint_eq(acpi_checksum(buf, 36), 0);
	ck_assert_uint_eq(buf[15], 2);
	ck_assert_uint_eq(rd32(buf + 20), 36);
	table(rd32(buf + 16), "RSDT");
	table(rd64(buf + 24), "XSDT");
	/* The RSDP must be 16-byte aligned inside the BIOS area for a scan to find it. */
	ck_assert_uint_eq(BASE % 16, 0);
	ck_assert(BASE >= 0xe0000 && BASE + len <= 0x100000);
}
END_TEST

START_TEST(test_xsdt_fadt)
{
	const uint8_t *xsdt, *fadt, *facs;

	build(2, 2);
	xsdt = table(rd64(buf + 24), "XSDT");
	ck_assert_uint_eq(rd32(xsdt + 4), 36 + 16);
	fadt = table(rd64(xsdt + 36), "FACP");
	table(rd64(xsdt + 44), "APIC");
	ck_assert_uint_eq(rd32(fadt + 4), 244);
	ck_assert_uint_eq(fadt[46] | fadt[47] << 8, ACPI_SCI_IRQ);
	ck_assert_uint_eq(rd32(fadt + 56), ACPI_PM_BASE);
	ck_assert_uint_eq(rd32(fadt + 64), ACPI_PM_BASE + 4);
	ck_assert_uint_eq(fadt[88], 4);
	ck_assert_uint_eq(fadt[89], 2);
	/* Fixed power button (bit 4 clear), reset register supported. */
	ck_assert_uint_eq(rd32(fadt + 112) & (1u << 4), 0);
	ck_assert_uint_ne(rd32(fadt + 112) & (1u << 10), 0);
	ck_assert_uint_eq(fadt[116], 1);
	ck_assert_uint_eq(rd64(fadt + 120), ACPI_RESET_PORT);
	ck_assert_uint_eq(fadt[128], ACPI_RESET_VALUE);
	/* 32- and 64-bit pointers agree. */
	ck_assert_uint_eq(rd32(fadt + 40), rd64(fadt + 140));
	ck_assert_uint_eq(rd32(fadt + 36), rd64(fadt + 132));
	ck_assert_uint_eq(rd64(fadt + 148 + 4), ACPI_PM_BASE);
	ck_assert_uint_eq(fadt[148 + 1], 32);
	ck_assert_uint_eq(rd64(fadt + 172 + 4), ACPI_PM_BASE + 4);
	ck_assert_uint_eq(fadt[172 + 1], 16);
	table(rd32(fadt + 40), "DSDT");
	ck_assert_uint_eq(rd32(fadt + 36) % 64, 0);
	facs = buf + (rd32(fadt + 36) - BASE);
	ck_assert_mem_eq(facs, "FACS", 4);
	ck_assert_uint_eq(rd32(facs + 4), 64);
}
END_TEST

START_TEST(test_madt)
{
	const uint8_t *xsdt, *madt, *p, *end;
	unsigned lapics = 0, enabled = 0, ioapics = 0, isos = 0;
	bool irq0_to_2 = false, sci_level = false;

	build(3, 8);
	xsdt = table(rd64(buf + 24), "XSDT");
	madt = table(rd64(xsdt + 44), "APIC");
	ck_assert_uint_eq(rd32(madt + 36), ACPI_LAPIC_ADDR);
	ck_assert_uint_eq(rd32(madt + 40) & 1, 1);
	end = madt + rd32(madt + 4);
	for (p = madt + 44; p < end; p += p[1]) {
		ck_assert_uint_ge(p[1], 2);
		switch (p[0]) {
		case 0:
			ck_assert_uint_eq(p[3], lapics);
			lapics++;
			enabled += rd32(p + 4) & 1;
			break;
		case 1:
			ioapics++;
			ck_assert_uint_eq(rd32(p + 4), ACPI_IOAPIC_ADDR);
			ck_assert_uint_eq(rd32(p + 8), 0);
			break;
		case 2:
			isos++;
			if (p[3] == 0 && rd32(p + 4) == 2)
				irq0_to_2 = true;
			if (p[3] == 9 && rd32(p + 4) == 9 && (p[8] | p[9] << 8) == 0xd)
				sci_level = true;
			break;
		}
	}
	ck_assert(p == end);
	ck_assert_uint_eq(lapics, 8);
	ck_assert_uint_eq(enabled, 3);
	ck_assert_uint_eq(ioapics, 1);
	ck_assert_uint_eq(isos, 2);
	ck_assert(irq0_to_2);
	ck_assert(sci_level);
}
END_TEST

START_TEST(test_dsdt_s5)
{
	const uint8_t *xsdt, *fadt, *dsdt;
	static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12 };

	build(1, 1);
	xsdt = table(rd64(buf + 24), "XSDT");
	fadt = table(rd64(xsdt + 36), "FACP");
	dsdt = table(rd32(fadt + 40), "DSDT");
	ck_assert_mem_eq(dsdt + 36, s5, sizeof(s5));
	/* PkgLength covers the rest of the table. */
	ck_assert_uint_eq(36 + 6 + dsdt[36 + 6], rd32(dsdt + 4));
	ck_assert_uint_eq(dsdt[36 + 9], ACPI_SLP_TYP_S5);
}
END_TEST

START_TEST(test_bad_config)
{
	struct acpi_build_config cfg = { .smp_cpus = 2, .max_cpus = 1 };

	ck_assert_uint_eq(acpi_build_tables(buf, sizeof(buf), BASE, &cfg), 0);
	cfg = (struct acpi_build_config){ .smp_cpus = 1, .max_cpus = 256 };
	ck_assert_uint_eq(acpi_build_tables(buf, sizeof(buf), BASE, &cfg), 0);
	cfg = (struct acpi_build_config){ .smp_cpus = 1, .max_cpus = 1 };
	ck_assert_uint_eq(acpi_build_tables(buf, 100, BASE, &cfg), 0);
	ck_assert_uint_eq(acpi_build_tables(buf, sizeof(buf), BASE + 4, &cfg), 0);
	/* The largest MADT still fits the reserved area. */
	cfg = (struct acpi_build_config){ .smp_cpus = 255, .max_cpus = 255 };
	ck_assert_uint_gt(acpi_build_tables(buf, sizeof(buf), BASE, &cfg), 0);
}
END_TEST

static uint16_t pm_in(unsigned off)
{
	uint16_t v = 0;

	io_dispatch(IO_SPACE_PIO, ACPI_PM_BASE + off, &v, 2, false);
	return v;
}

static void pm_out(unsigned off, uint16_t v, unsigned size)
{
	io_dispatch(IO_SPACE_PIO, ACPI_PM_BASE + off, &v, size, true);
}

static bool handle_requests(int *status)
{
	bool ret;

	bql_lock();
	ret = main_loop_handle_requests(status);
	bql_unlock();
	return ret;
}

START_TEST(test_pm_power_button)
{
	int status = -1;

	ck_assert_int_eq(acpi_pm_init(NULL), 0);
	ck_assert_uint_eq(pm_in(4) & ACPI_PM1_CNT_SCI_EN, ACPI_PM1_CNT_SCI_EN);
	/* Pressed while disabled: status only. */
	acpi_power_button_press();
	ck_assert_uint_eq(pm_in(0), ACPI_PM1_PWRBTN);
	ck_assert(!acpi_pm_sci_level());
	pm_out(2, ACPI_PM1_PWRBTN, 2);
	ck_assert_uint_eq(pm_in(2), ACPI_PM1_PWRBTN);
	ck_assert(acpi_pm_sci_level());
	/* Writing 0 clears nothing; writing 1 clears. */
	pm_out(0, 0, 2);
	ck_assert(acpi_pm_sci_level());
	pm_out(1, ACPI_PM1_PWRBTN >> 8, 1);
	ck_assert_uint_eq(pm_in(0), 0);
	ck_assert(!acpi_pm_sci_level());
	acpi_power_button_press();
	ck_assert(acpi_pm_sci_level());
	/* Nothing is pending in the run state yet. */
	ck_assert(!handle_requests(&status));
}
END_TEST

START_TEST(test_pm_s5)
{
	int status = -1;
	uint16_t cnt;

	ck_assert_int_eq(acpi_pm_init(NULL), 0);
	/* Another sleep type is ignored. */
	pm_out(4, ACPI_PM1_CNT_SLP_EN | (3 << ACPI_PM1_CNT_SLP_TYP_SHIFT) | 1, 2);
	ck_assert(!handle_requests(&status));
	cnt = pm_in(4);
	ck_assert_uint_eq(cnt & ACPI_PM1_CNT_SLP_EN, 0); /* write-only */
	pm_out(4, ACPI_PM1_CNT_SLP_EN | (ACPI_SLP_TYP_S5 << ACPI_PM1_CNT_SLP_TYP_SHIFT) | 1, 2);
	ck_assert(handle_requests(&status));
	ck_assert_int_eq(status, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("acpi");
	TCase *tc = tcase_create("tables");
	TCase *pm = tcase_create("pm");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_rsdp);
	tcase_add_test(tc, test_xsdt_fadt);
	tcase_add_test(tc, test_madt);
	tcase_add_test(tc, test_dsdt_s5);
	tcase_add_test(tc, test_bad_config);
	suite_add_tcase(s, tc);
	tcase_add_test(pm, test_pm_power_button);
	tcase_add_test(pm, test_pm_s5);
	suite_add_tcase(s, pm);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
