/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_RESET_H
#define KEEL_HW_CORE_RESET_H

#include <stdbool.h>

/*
 * Ordered reset handlers. Lower order runs first. A system reset runs all of
 * them with every vCPU paused and quiescent.
 */
enum reset_order {
	RESET_ORDER_MACHINE = 100,	/* irqchip, PIT, routing */
	RESET_ORDER_DEVICE = 200,	/* device models */
	RESET_ORDER_LOADER = 300,	/* reload images, set entry state template */
	RESET_ORDER_CPU = 400,		/* push cold state into each vCPU */
	RESET_ORDER_AUDIT = 900,	/* read back and compare */
};

typedef void (*reset_fn)(void *opaque);

/*
 * -accel kvm,reset-audit=on|off (default on). The audit reads every vCPU
 * back after a reset: about 6 ioctls per vCPU (60 us per vCPU on the nested
 * development hosts, where each vCPU ioctl is slow; a few us on bare metal).
 */
extern bool reset_audit_enabled;

void reset_register(int order, reset_fn fn, void *opaque, const char *name);
void reset_unregister(reset_fn fn, void *opaque);
/* Run every handler in order (main loop, vCPUs paused). */
void reset_run_all(void);

#endif
