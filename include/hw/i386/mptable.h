/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_MPTABLE_H
#define KEEL_HW_I386_MPTABLE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Intel MultiProcessor Specification 1.4 tables, for guests without ACPI
 * (acpi=off, old kernels): where a scan of the BIOS area finds them.
 */
#define MPTABLE_BASE 0xf0000ULL
#define MPTABLE_MAX 0x2000

/*
 * Build the floating pointer (at offset 0) and the configuration table for
 * ncpus processors with APIC IDs 0..ncpus-1, the IOAPIC and the ISA
 * interrupts, for placement at guest address base (16-byte aligned).
 * Returns the bytes used, or 0 if cap is too small or ncpus is 0 or > 255.
 */
size_t mptable_build(uint8_t *buf, size_t cap, uint64_t base, unsigned ncpus);

#endif
