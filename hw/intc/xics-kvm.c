// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * In-kernel XICS (KVM_DEV_TYPE_XICS). The kernel emulates the ICS, the
 * per-vCPU ICPs, the interrupt hypercalls (H_XIRR, H_EOI, H_IPI, H_CPPR)
 * and the interrupt RTAS calls, so its state lives in the kernel and a reset
 * pushes the cold state of every source and every ICP back into it.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/kvm.h>

#include "accel/kvm.h"
#include "hw/core/reset.h"
#include "hw/intc/xics.h"
#include "hw/ppc/spapr.h"
#include "system/error.h"
#include "system/log.h"

#define ICP_COLD ((0xffULL << KVM_REG_PPC_ICP_MFRR_SHIFT) | (0xffULL << KVM_REG_PPC_ICP_PPRI_SHIFT))
#define SOURCE_COLD (KVM_XICS_MASKED | (0xffULL << KVM_XICS_PRIORITY_SHIFT))

static int xics_fd = -1;
static unsigned first_irq, nr_irqs;
/* Level-sensitive sources (PCI INTx), by index from first_irq. */
static GArray *lsi;

static uint64_t cold_state(unsigned i)
{
	bool level = lsi && i < lsi->len && g_array_index(lsi, bool, i);

	return SOURCE_COLD | (level ? KVM_XICS_LEVEL_SENSITIVE : 0);
}

bool xics_kvm_present(void)
{
	return xics_fd >= 0;
}

static int set_source(unsigned irq, uint64_t state)
{
	struct kvm_device_attr a = {
		.group = KVM_DEV_XICS_GRP_SOURCES,
		.attr = irq,
		.addr = (uintptr_t)&state,
	};

	return ioctl(xics_fd, KVM_SET_DEVICE_ATTR, &a) < 0 ? -errno : 0;
}

/* Every source masked at priority 0xff, pointing at server 0, nothing pending. */
static void xics_reset(void *opaque)
{
	for (unsigned i = 0; i < nr_irqs; i++) {
		int ret = set_source(first_irq + i, cold_state(i));

		if (ret < 0)
			error_report("XICS: cannot reset source 0x%x: %s", first_irq + i,
				     g_strerror(-ret));
	}
}

static int define_token(unsigned index)
{
	struct kvm_rtas_token_args t = { .token = spapr_rtas_token(index) };

	g_strlcpy(t.name, spapr_rtas_name(index), sizeof(t.name));
	return ioctl(kvm_vm_fd(), KVM_PPC_RTAS_DEFINE_TOKEN, &t) < 0 ? -errno : 0;
}

int xics_kvm_init(unsigned first, unsigned count, GError **err)
{
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_XICS };

	if (ioctl(kvm_vm_fd(), KVM_CREATE_DEVICE, &cd) < 0) {
		error_setg(err, "cannot create the in-kernel XICS: %s", g_strerror(errno));
		return -errno;
	}
	xics_fd = cd.fd;
	first_irq = first;
	nr_irqs = count;
	for (unsigned i = RTAS_FIRST_KERNEL; i < RTAS_COUNT; i++) {
		int ret = define_token(i);

		if (ret < 0) {
			error_setg(err, "KVM_PPC_RTAS_DEFINE_TOKEN %s: %s", spapr_rtas_name(i),
				   g_strerror(-ret));
			return ret;
		}
	}
	/* The first write creates the source in the kernel. */
	for (unsigned i = 0; i < nr_irqs; i++) {
		int ret = set_source(first_irq + i, SOURCE_COLD);

		if (ret < 0) {
			error_setg(err, "XICS: cannot create source 0x%x: %s", first_irq + i,
				   g_strerror(-ret));
			return ret;
		}
	}
	reset_register(RESET_ORDER_MACHINE, xics_reset, NULL, "xics-kvm");
	return 0;
}

int xics_kvm_set_lsi(unsigned irq, GError **err)
{
	unsigned i = irq - first_irq;
	int ret;

	if (xics_fd < 0 || irq < first_irq || i >= nr_irqs) {
		error_setg(err, "XICS: no source 0x%x to make level-sensitive", irq);
		return -EINVAL;
	}
	if (!lsi)
		lsi = g_array_sized_new(FALSE, TRUE, sizeof(bool), nr_irqs);
	if (lsi->len < nr_irqs)
		g_array_set_size(lsi, nr_irqs);
	g_array_index(lsi, bool, i) = true;
	ret = set_source(irq, cold_state(i));
	if (ret < 0)
		error_setg(err, "XICS: cannot make source 0x%x level-sensitive: %s", irq,
			   g_strerror(-ret));
	return ret;
}

int xics_kvm_connect_vcpu(int vcpu_fd, unsigned server, GError **err)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_IRQ_XICS,
		.args = { (uint64_t)xics_fd, server },
	};

	if (xics_fd < 0)
		return 0;
	if (ioctl(vcpu_fd, KVM_ENABLE_CAP, &cap) < 0) {
		error_setg(err, "cannot connect vCPU %u to the in-kernel XICS: %s", server,
			   g_strerror(errno));
		return -errno;
	}
	return 0;
}

void xics_kvm_reset_icp(int vcpu_fd)
{
	uint64_t state = ICP_COLD;
	struct kvm_one_reg r = { .id = KVM_REG_PPC_ICP_STATE, .addr = (uintptr_t)&state };

	if (xics_fd >= 0 && ioctl(vcpu_fd, KVM_SET_ONE_REG, &r) < 0)
		error_report("XICS: cannot reset an ICP: %s", g_strerror(errno));
}

unsigned xics_kvm_audit_icp(int vcpu_fd, unsigned index)
{
	uint64_t state = 0;
	struct kvm_one_reg r = { .id = KVM_REG_PPC_ICP_STATE, .addr = (uintptr_t)&state };

	if (xics_fd < 0)
		return 0;
	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &r) < 0 || state != ICP_COLD) {
		error_report("reset audit: vCPU %u: ICP state 0x%llx, expected 0x%llx", index,
			     (unsigned long long)state, (unsigned long long)ICP_COLD);
		return 1;
	}
	return 0;
}
