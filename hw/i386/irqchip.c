// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The in-kernel interrupt controllers of the x86 machine: the two 8259 PICs,
 * the IOAPIC and the PIT, created before any vCPU. Their cold state is read
 * back right after creation and pushed again on every system reset.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "accel/kvm.h"
#include "hw/core/irq.h"
#include "hw/core/reset.h"
#include "hw/i386/pc.h"
#include "hw/pci/msix.h"
#include "system/error.h"
#include "system/log.h"

/* Below 4 GiB, under a 256 KiB firmware image, never RAM (X86_BELOW_4G_MAX). */
#define X86_IDENTITY_MAP_ADDR 0xfffbc000ULL	/* one page */
#define X86_TSS_ADDR 0xfffbd000ULL		/* three pages */

#define IOAPIC_PINS 24

static struct {
	struct kvm_irqchip chip[3]; /* PIC master, PIC slave, IOAPIC */
	struct kvm_pit_state2 pit;
} cold;

static int vm_ioctl(unsigned long req, void *arg, const char *what, GError **err)
{
	if (ioctl(kvm_vm_fd(), req, arg) < 0) {
		int e = errno;

		error_setg(err, "KVM: %s failed: %s",
			    what, g_strerror(e));
		return -e;
	}
	return 0;
}

static void add_route(struct kvm_irq_routing *r, unsigned gsi, unsigned chip, unsigned pin)
{
	r->entries[r->nr++] = (struct kvm_irq_routing_entry){
		.gsi = gsi,
		.type = KVM_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};
}

/*
 * MSI routes (PCI MSI-X vectors) live in the same routing table, on GSIs
 * above the IOAPIC's, so that an irqfd can target them. The table is always
 * set as a whole: the fixed pin routes, then every MSI route.
 */
#define MSI_GSI_BASE IOAPIC_PINS
#define MSI_ROUTES_MAX 512

static struct {
	bool used;
	uint64_t addr;
	uint32_t data;
} msi_routes[MSI_ROUTES_MAX];
static unsigned msi_routes_n;

/*
 * ISA IRQs 0-15 reach both the PICs and the IOAPIC; 16-23 only the IOAPIC.
 * IRQ0 (the PIT) is wired to IOAPIC pin 2, as the MADT's interrupt source
 * override tells the guest; GSI 2 itself is the PIC cascade and unused.
 */
static int set_gsi_routing(GError **err)
{
	struct kvm_irq_routing *r;
	int ret;

	r = g_malloc0(sizeof(*r) + (2 * IOAPIC_PINS + msi_routes_n) * sizeof(r->entries[0]));
	for (unsigned i = 0; i < 16; i++) {
		if (i == 2)
			continue;
		if (i < 8)
			add_route(r, i, KVM_IRQCHIP_PIC_MASTER, i);
		else
			add_route(r, i, KVM_IRQCHIP_PIC_SLAVE, i - 8);
	}
	for (unsigned i = 0; i < IOAPIC_PINS; i++) {
		if (i == 0)
			add_route(r, 0, KVM_IRQCHIP_IOAPIC, 2);
		else if (i != 2)
			add_route(r, i, KVM_IRQCHIP_IOAPIC, i);
	}
	for (unsigned i = 0; i < msi_routes_n; i++) {
		if (!msi_routes[i].used)
			continue;
		r->entries[r->nr++] = (struct kvm_irq_routing_entry){
			.gsi = MSI_GSI_BASE + i,
			.type = KVM_IRQ_ROUTING_MSI,
			.u.msi = {
				.address_lo = (uint32_t)msi_routes[i].addr,
				.address_hi = msi_routes[i].addr >> 32,
				.data = msi_routes[i].data,
			},
		};
	}
	ret = vm_ioctl(KVM_SET_GSI_ROUTING, r, "KVM_SET_GSI_ROUTING", err);
	g_free(r);
	return ret;
}

/* irqfds use the pin routes above: every IOAPIC GSI but 2 (the PIC cascade). */
int irq_line_irqfd_gsi(unsigned line)
{
	return line < IOAPIC_PINS && line != 2 ? (int)line : -1;
}

/* A message without an irqfd. */
int pci_msi_signal(uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr,
		.address_hi = addr >> 32,
		.data = data,
	};

	return ioctl(kvm_vm_fd(), KVM_SIGNAL_MSI, &msi) < 0 ? -errno : 0;
}

int pci_msi_route_add(uint64_t addr, uint32_t data, GError **err)
{
	unsigned i;

	for (i = 0; i < msi_routes_n && msi_routes[i].used; i++)
		;
	if (i == MSI_ROUTES_MAX) {
		error_setg(err, "KVM: no free MSI route (%d in use)", MSI_ROUTES_MAX);
		return -ENOSPC;
	}
	msi_routes[i].used = true;
	msi_routes[i].addr = addr;
	msi_routes[i].data = data;
	if (i == msi_routes_n)
		msi_routes_n++;
	if (set_gsi_routing(err) < 0) {
		msi_routes[i].used = false;
		return -EINVAL;
	}
	return MSI_GSI_BASE + i;
}

static bool msi_gsi_valid(unsigned gsi)
{
	return gsi >= MSI_GSI_BASE && gsi - MSI_GSI_BASE < msi_routes_n &&
	       msi_routes[gsi - MSI_GSI_BASE].used;
}

int pci_msi_route_update(unsigned gsi, uint64_t addr, uint32_t data, GError **err)
{
	unsigned i = gsi - MSI_GSI_BASE;

	if (!msi_gsi_valid(gsi)) {
		error_setg(err, "KVM: GSI %u is not an MSI route", gsi);
		return -EINVAL;
	}
	uint64_t old_addr = msi_routes[i].addr;
	uint32_t old_data = msi_routes[i].data;

	if (old_addr == addr && old_data == data)
		return 0;
	msi_routes[i].addr = addr;
	msi_routes[i].data = data;
	if (set_gsi_routing(err) < 0) {
		/* A route KVM refused must not spoil the table for the others. */
		msi_routes[i].addr = old_addr;
		msi_routes[i].data = old_data;
		return -EINVAL;
	}
	return 0;
}

void pci_msi_route_del(unsigned gsi)
{
	GError *err = NULL;

	if (!msi_gsi_valid(gsi))
		return;
	msi_routes[gsi - MSI_GSI_BASE].used = false;
	if (set_gsi_routing(&err) < 0) {
		error_report("%s", err->message);
		g_error_free(err);
	}
}

static void irqchip_reset(void *opaque)
{
	GError *err = NULL;

	for (unsigned i = 0; i < 3; i++) {
		struct kvm_irqchip chip = cold.chip[i];

		if (vm_ioctl(KVM_SET_IRQCHIP, &chip, "KVM_SET_IRQCHIP", &err) < 0)
			goto fail;
	}
	/* The GSI routing is not guest state: it stays as set at init. */
	if (vm_ioctl(KVM_SET_PIT2, &cold.pit, "KVM_SET_PIT2", &err) < 0)
		goto fail;
	return;
fail:
	error_report("irqchip reset: %s", err->message);
	g_error_free(err);
}

int x86_irqchip_init(GError **err)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	uint64_t ident = X86_IDENTITY_MAP_ADDR;

	if (kvm_vm_fd() < 0) {
		error_setg(err, "KVM is not initialized");
		return -ENODEV;
	}
	if (!kvm_check_extension(KVM_CAP_IRQCHIP) || !kvm_check_extension(KVM_CAP_PIT2) ||
	    !kvm_check_extension(KVM_CAP_IRQ_ROUTING)) {
		error_setg(err, "KVM: the in-kernel irqchip and PIT are not supported by this kernel");
		return -ENOTSUP;
	}
	/* Needed on Intel hosts for real-mode guests; both must precede any vCPU. */
	if (kvm_check_extension(KVM_CAP_SET_IDENTITY_MAP_ADDR) &&
	    vm_ioctl(KVM_SET_IDENTITY_MAP_ADDR, &ident, "KVM_SET_IDENTITY_MAP_ADDR", err) < 0)
		return -1;
	if (ioctl(kvm_vm_fd(), KVM_SET_TSS_ADDR, (unsigned long)X86_TSS_ADDR) < 0) {
		error_setg(err, "KVM: KVM_SET_TSS_ADDR failed: %s", g_strerror(errno));
		return -1;
	}
	if (vm_ioctl(KVM_CREATE_IRQCHIP, NULL, "KVM_CREATE_IRQCHIP", err) < 0 ||
	    set_gsi_routing(err) < 0 ||
	    vm_ioctl(KVM_CREATE_PIT2, &pit, "KVM_CREATE_PIT2", err) < 0)
		return -1;

	for (unsigned i = 0; i < 3; i++) {
		cold.chip[i].chip_id = i;
		if (vm_ioctl(KVM_GET_IRQCHIP, &cold.chip[i], "KVM_GET_IRQCHIP", err) < 0)
			return -1;
	}
	if (vm_ioctl(KVM_GET_PIT2, &cold.pit, "KVM_GET_PIT2", err) < 0)
		return -1;
	reset_register(RESET_ORDER_MACHINE, irqchip_reset, NULL, "irqchip");
	return 0;
}
