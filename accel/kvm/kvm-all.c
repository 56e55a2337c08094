// SPDX-License-Identifier: GPL-2.0-or-later
/* /dev/kvm, the VM fd, memslots and interrupt lines. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "system/error.h"
#include "accel/kvm.h"
#include "hw/core/irq.h"
#include "system/log.h"

static int dev_fd = -1;
static int vm_fd = -1;
static unsigned max_slots;

bool kvm_available(void)
{
	return vm_fd >= 0;
}

int kvm_dev_fd(void)
{
	return dev_fd;
}

int kvm_vm_fd(void)
{
	return vm_fd;
}

int kvm_check_extension(long cap)
{
	int fd = vm_fd >= 0 ? vm_fd : dev_fd;
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

int kvm_init(GError **err)
{
	int ret;

	dev_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		error_setg(err, "Could not access KVM kernel module: %s", g_strerror(errno));
		return -errno;
	}
	ret = ioctl(dev_fd, KVM_GET_API_VERSION, 0);
	if (ret != KVM_API_VERSION) {
		error_setg(err, "KVM API version %d, expected %d",
			    ret, KVM_API_VERSION);
		return -EINVAL;
	}
	do {
		vm_fd = ioctl(dev_fd, KVM_CREATE_VM, 0);
	} while (vm_fd < 0 && errno == EINTR);
	if (vm_fd < 0) {
		error_setg(err, "KVM_CREATE_VM: %s",
			    g_strerror(errno));
		return -errno;
	}
	fcntl(vm_fd, F_SETFD, FD_CLOEXEC);
	max_slots = kvm_check_extension(KVM_CAP_NR_MEMSLOTS);
	if (!max_slots)
		max_slots = 32;
	return arch_kvm_init(err);
}

unsigned kvm_max_memslots(void)
{
	return max_slots;
}

int kvm_set_memslot(unsigned slot, uint64_t gpa, uint64_t size, void *hva, uint32_t flags)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return -errno;
	return 0;
}

int kvm_irq_line(unsigned gsi, bool level)
{
	struct kvm_irq_level l = { .irq = gsi, .level = level };

	if (ioctl(vm_fd, KVM_IRQ_LINE, &l) < 0)
		return -errno;
	return 0;
}

static void (*level_observer)(unsigned gsi, bool level);

void irq_set_level_observer(void (*fn)(unsigned gsi, bool level))
{
	level_observer = fn;
}

void irq_set_level(unsigned gsi, bool level)
{
	int ret;

	if (level_observer)
		level_observer(gsi, level);
	if (vm_fd < 0)
		return; /* unit tests without a VM */
	ret = kvm_irq_line(gsi, level);
	if (ret < 0)
		warn_report_once("KVM_IRQ_LINE %u: %s", gsi, g_strerror(-ret));
}

/* Arches whose lines have no irqfd routing (yet) override nothing. */
__attribute__((weak)) int irq_line_irqfd_gsi(unsigned line)
{
	return -1;
}
