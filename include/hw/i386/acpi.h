/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_ACPI_H
#define KEEL_HW_I386_ACPI_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Guest-visible ACPI layout. The tables live in the reserved BIOS area so
 * that an RSDP scan of 0xe0000..0xfffff finds them without the zero page.
 */
#define ACPI_TABLES_BASE 0xe0000ULL
#define ACPI_TABLES_MAX 0x10000
#define ACPI_PM_BASE 0x600	/* PM1a_EVT (4 bytes), PM1a_CNT at +4 (2 bytes) */
#define ACPI_PM_LEN 6
#define ACPI_SCI_IRQ 9
#define ACPI_RESET_PORT 0xcf9
#define ACPI_RESET_VALUE 0x06
#define ACPI_SLP_TYP_S5 0	/* the value our \_S5 package declares (PIIX4's) */

#define ACPI_IOAPIC_ADDR 0xfec00000U
#define ACPI_LAPIC_ADDR 0xfee00000U

/* PM1 status/enable bits. */
#define ACPI_PM1_TMR (1u << 0)
#define ACPI_PM1_GBL (1u << 5)
#define ACPI_PM1_PWRBTN (1u << 8)
#define ACPI_PM1_SLPBTN (1u << 9)
#define ACPI_PM1_RTC (1u << 10)
#define ACPI_PM1_WAK (1u << 15)
/* PM1 control bits. */
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_TYP_SHIFT 10
#define ACPI_PM1_CNT_SLP_EN (1u << 13)

struct acpi_build_config {
	unsigned smp_cpus; /* enabled LAPICs, APIC IDs 0..smp_cpus-1 */
	unsigned max_cpus; /* LAPIC entries in the MADT (the rest disabled) */
};

/* Sum of the bytes (a valid table sums to 0). */
uint8_t acpi_checksum(const void *buf, size_t len);

/*
 * Build RSDP, RSDT, XSDT, FACS, FADT, MADT and DSDT into buf, which the
 * guest will see at address base (16-byte aligned). The RSDP is at offset 0.
 * Returns the bytes used, or 0 if cap is too small.
 */
size_t acpi_build_tables(uint8_t *buf, size_t cap, uint64_t base,
			 const struct acpi_build_config *cfg);

/*
 * A virtio-mmio transport to describe in the DSDT (\_SB.VRnn, _HID
 * "LNRO0005", its window and a level-triggered, active-high GSI). Call
 * before the tables are (re)written; they are rewritten at every reset.
 * Returns 0, or -ENOSPC beyond ACPI_VIRTIO_MMIO_MAX.
 */
#define ACPI_VIRTIO_MMIO_MAX 32
int acpi_add_virtio_mmio(uint64_t base, uint32_t size, unsigned gsi);

/*
 * A complete AML term list (e.g. Scope (\_SB) { Device (PCI0) ... }) to
 * append to the DSDT body at every table build. Returns 0 or -ENOSPC.
 */
int acpi_add_dsdt_aml(const void *aml, size_t len);

/* The PM1 register block at ACPI_PM_BASE with the SCI on ACPI_SCI_IRQ. */
int acpi_pm_init(GError **err);
/* SCI level as the PM block drives it (tests). */
bool acpi_pm_sci_level(void);

/*
 * The power button: sets PWRBTN_STS and raises the SCI if the guest enabled
 * it. Called by the main loop's powerdown request handler (bql held); a no-op
 * on machines without ACPI.
 */
void acpi_power_button_press(void);

#endif
