/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_X86_BOOT_H
#define KEEL_HW_I386_X86_BOOT_H

#include <glib.h>
#include <stdint.h>

struct machine_config;

/*
 * Load -kernel/-initrd/-append or -bios into guest RAM (after the machine has
 * built RAM, the e820 map and ACPI) and register the loader's reset handler,
 * which re-loads the images and sets the boot entry state on every reset.
 * Without -kernel and -bios the CPU starts at the reset vector.
 */
int x86_boot_init(struct machine_config *cfg, GError **err);

/* Guest address of the ACPI RSDP (0 if no ACPI), set by the machine. */
void x86_set_rsdp_address(uint64_t gpa);
uint64_t x86_rsdp_address(void);

#endif
