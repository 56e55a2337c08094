// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SMP bring-up: the BSP sends INIT and SIPI to all other CPUs through its
 * LAPIC; every CPU prints "cpu N up" with its APIC id. The number of CPUs
 * to wait for comes from "cpus=" on the command line, else fw_cfg.
 */
#include "guest.h"

#define LAPIC 0xfee00000u
#define LAPIC_ID (LAPIC + 0x20)
#define LAPIC_SVR (LAPIC + 0xf0)
#define LAPIC_ICR_LO (LAPIC + 0x300)
#define LAPIC_ICR_HI (LAPIC + 0x310)
#define ICR_ALL_BUT_SELF 0x000c0000u
#define ICR_INIT 0x00004500u	/* INIT, level assert */
#define ICR_SIPI 0x00004600u
#define TRAMP_BASE 0x8000u

extern char tramp_start[], tramp_end[];
static volatile uint32_t cpus_up;
static volatile uint32_t print_lock;

static void report(void)
{
	uint32_t id = mmio_read32(LAPIC_ID) >> 24;

	while (__sync_lock_test_and_set(&print_lock, 1))
		cpu_relax();
	puts("cpu ");
	put_dec(id);
	puts(" up\n");
	cpus_up++;
	__sync_lock_release(&print_lock);
}

void ap_main(void);
void ap_main(void)
{
	report();
}

static void send_ipi(uint32_t icr)
{
	mmio_write32(LAPIC_ICR_HI, 0);
	mmio_write32(LAPIC_ICR_LO, icr);
	for (int i = 0; i < 1000 && (mmio_read32(LAPIC_ICR_LO) & (1 << 12)); i++)
		cpu_relax();
}

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	const char *cmdline = boot_cmdline(magic, info);
	uint32_t want = cmdline_get_uint(cmdline, "cpus", 0);

	if (!want && fw_cfg_present()) {
		uint16_t n = 0;

		fw_cfg_read(0x05, &n, sizeof(n));
		want = n;
	}
	if (!want)
		want = 1;
	mmio_write32(LAPIC_SVR, mmio_read32(LAPIC_SVR) | 0x1ff);
	report();
	memcpy((void *)TRAMP_BASE, tramp_start, tramp_end - tramp_start);
	if (want > 1) {
		send_ipi(ICR_ALL_BUT_SELF | ICR_INIT);
		send_ipi(ICR_ALL_BUT_SELF | ICR_SIPI | (TRAMP_BASE >> 12));
		/* Bounded (seconds even on nested KVM); no pause, which may exit. */
		for (uint32_t i = 0; i < 4000000 && cpus_up < want; i++) {
			if (i == 200000)
				send_ipi(ICR_ALL_BUT_SELF | ICR_SIPI | (TRAMP_BASE >> 12));
		}
	}
	while (__sync_lock_test_and_set(&print_lock, 1))
		cpu_relax();
	puts("smp: ");
	put_dec(cpus_up);
	puts(" of ");
	put_dec(want);
	puts(" cpus up\n");
	return cpus_up == want ? 0 : 1;
}
