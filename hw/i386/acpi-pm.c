// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ACPI fixed hardware: the PM1a event block (status and enable, 16 bits
 * each) and the PM1a control block. The power button is a fixed feature;
 * S5 through SLP_EN powers the machine off.
 */
#include <errno.h>

#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "hw/i386/acpi.h"
#include "system/error.h"
#include "system/log.h"
#include "system/memory.h"
#include "system/runstate.h"

#define PM1_STS_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | \
		      ACPI_PM1_RTC | ACPI_PM1_WAK)
#define PM1_EN_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_SLPBTN | \
		     ACPI_PM1_RTC)
/* Events that raise the SCI when both status and enable are set. */
#define PM1_SCI_BITS (ACPI_PM1_TMR | ACPI_PM1_GBL | ACPI_PM1_PWRBTN | ACPI_PM1_RTC)

static struct acpi_pm {
	bool present;
	uint16_t sts, en, cnt;
	bool sci;
} pm;

static void pm_update_sci(void)
{
	bool level = (pm.sts & pm.en & PM1_SCI_BITS) != 0;

	if (level != pm.sci) {
		pm.sci = level;
		irq_set_level(ACPI_SCI_IRQ, level);
	}
}

/* The three registers as bytes: STS at 0, EN at 2, CNT at 4. */
static uint8_t pm_read_byte(unsigned off)
{
	uint16_t reg = off < 2 ? pm.sts : off < 4 ? pm.en : pm.cnt;

	return reg >> ((off & 1) * 8);
}

static uint64_t pm_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < size && offset + i < ACPI_PM_LEN; i++)
		v |= (uint64_t)pm_read_byte(offset + i) << (8 * i);
	return v;
}

static void pm_write_cnt(uint16_t val)
{
	unsigned typ = (val >> ACPI_PM1_CNT_SLP_TYP_SHIFT) & 7;

	/* SLP_EN is write-only; SCI_EN stays set because there is no SMI_CMD. */
	pm.cnt = (val & ~ACPI_PM1_CNT_SLP_EN) | ACPI_PM1_CNT_SCI_EN;
	if (!(val & ACPI_PM1_CNT_SLP_EN))
		return;
	if (typ == ACPI_SLP_TYP_S5)
		system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
	else
		debug_log("acpi: sleep type %u not supported, ignored", typ);
}

static void pm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	uint16_t sts_clear = 0;
	uint16_t en = pm.en, cnt = pm.cnt;
	bool cnt_written = false;

	for (unsigned i = 0; i < size && offset + i < ACPI_PM_LEN; i++) {
		unsigned off = offset + i;
		unsigned shift = (off & 1) * 8;
		uint16_t byte = (uint16_t)((value >> (8 * i)) & 0xff) << shift;
		uint16_t mask = 0xff << shift;

		if (off < 2) {
			sts_clear |= byte;	/* write 1 to clear */
		} else if (off < 4) {
			en = (en & ~mask) | byte;
		} else {
			cnt = (cnt & ~mask) | byte;
			cnt_written = true;
		}
	}
	pm.sts &= ~(sts_clear & PM1_STS_BITS);
	pm.en = en & PM1_EN_BITS;
	pm_update_sci();
	if (cnt_written)
		pm_write_cnt(cnt);
}

static const struct io_ops pm_ops = {
	.read = pm_read,
	.write = pm_write,
};

static void pm_reset(void *opaque)
{
	pm.sts = 0;
	pm.en = 0;
	pm.cnt = ACPI_PM1_CNT_SCI_EN;
	pm.sci = false;
	irq_set_level(ACPI_SCI_IRQ, false);
}

int acpi_pm_init(GError **err)
{
	int ret = io_region_add(IO_SPACE_PIO, ACPI_PM_BASE, ACPI_PM_LEN, &pm_ops, &pm, "acpi-pm");

	if (ret < 0) {
		error_setg(err, "acpi: I/O ports 0x%x-0x%x already in use", ACPI_PM_BASE,
			    ACPI_PM_BASE + ACPI_PM_LEN - 1);
		return ret;
	}
	pm.present = true;
	pm.sts = 0;
	pm.en = 0;
	pm.cnt = ACPI_PM1_CNT_SCI_EN;
	pm.sci = false;
	reset_register(RESET_ORDER_DEVICE, pm_reset, &pm, "acpi-pm");
	return 0;
}

bool acpi_pm_sci_level(void)
{
	return pm.sci;
}

void acpi_power_button_press(void)
{
	if (!pm.present)
		return;
	pm.sts |= ACPI_PM1_PWRBTN;
	pm_update_sci();
}
