// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MSI-X: capability, vector table and PBA. Delivery goes through an MSI
 * route in the irqchip's GSI routing table and an irqfd on it, made at a
 * vector's first delivery and retargeted only when the guest changed the
 * entry since; pci_msi_signal() (x86: KVM_SIGNAL_MSI) is the fallback.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "accel/kvm.h"
#include "hw/pci/msix.h"
#include "system/error.h"
#include "system/log.h"

static uint16_t flags(const struct msix *m)
{
	return pci_get16(m->dev->config + m->cap + PCI_MSIX_FLAGS);
}

bool msix_enabled(const struct msix *m)
{
	return m->cap && (flags(m) & PCI_MSIX_FLAGS_ENABLE);
}

static bool vector_masked(const struct msix *m, unsigned v)
{
	return (flags(m) & PCI_MSIX_FLAGS_MASKALL) ||
	       (m->vec[v].ctrl & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

/* Unregister e's irqfd and free its route. */
static void irqfd_drop(struct msix_vector *e)
{
	struct kvm_irqfd irqfd = {
		.fd = e->irqfd,
		.gsi = e->gsi,
		.flags = KVM_IRQFD_FLAG_DEASSIGN,
	};

	if (ioctl(kvm_vm_fd(), KVM_IRQFD, &irqfd) < 0)
		warn_report("KVM_IRQFD deassign (GSI %d): %s", e->gsi, g_strerror(errno));
	close(e->irqfd);
	pci_msi_route_del(e->gsi);
	e->irqfd = -1;
	e->gsi = -1;
}

/* Route + irqfd for e; false when the vector must use pci_msi_signal(). */
static bool irqfd_ready(struct msix *m, struct msix_vector *e)
{
	GError *err = NULL;

	if (e->no_irqfd)
		return false;
	if (e->gsi < 0) {
		struct kvm_irqfd irqfd = { 0 };
		int gsi, fd;

		if (kvm_check_extension(KVM_CAP_IRQFD) <= 0) {
			e->no_irqfd = true;
			return false;
		}
		gsi = pci_msi_route_add(e->addr, e->data, &err);
		if (gsi < 0)
			goto fail;
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		irqfd.fd = fd;
		irqfd.gsi = gsi;
		if (fd < 0 || ioctl(kvm_vm_fd(), KVM_IRQFD, &irqfd) < 0) {
			error_setg(&err, "KVM_IRQFD: %s", g_strerror(errno));
			if (fd >= 0)
				close(fd);
			pci_msi_route_del(gsi);
			goto fail;
		}
		e->gsi = gsi;
		e->irqfd = fd;
		e->route_addr = e->addr;
		e->route_data = e->data;
		return true;
	}
	if (e->route_addr != e->addr || e->route_data != e->data) {
		if (pci_msi_route_update(e->gsi, e->addr, e->data, &err) < 0) {
			/* pseries: the route is the source; another one needs another irqfd. */
			g_clear_error(&err);
			irqfd_drop(e);
			return irqfd_ready(m, e);
		}
		e->route_addr = e->addr;
		e->route_data = e->data;
	}
	return true;
fail:
	warn_report("%s: MSI-X vector %u without irqfd (%s); delivering without one",
		    m->dev->name, (unsigned)(e - m->vec), err->message);
	g_error_free(err);
	e->no_irqfd = true;
	return false;
}

static void deliver(struct msix *m, unsigned v)
{
	struct msix_vector *e = &m->vec[v];
	uint64_t one = 1;
	int ret;

	m->sent++;
	if (kvm_vm_fd() < 0)
		return; /* unit tests: counted only */
	if (irqfd_ready(m, e) && write(e->irqfd, &one, sizeof(one)) == sizeof(one))
		return;
	ret = pci_msi_signal(e->addr, e->data);
	if (ret < 0)
		warn_report_once("%s: MSI delivery failed: %s", m->dev->name, g_strerror(-ret));
}

void msix_notify(struct msix *m, unsigned v)
{
	if (v >= m->nvec || !msix_enabled(m))
		return;
	if (vector_masked(m, v)) {
		m->vec[v].pending = true;
		return;
	}
	deliver(m, v);
}

/* A vector may have become unmasked: deliver what is pending. */
static void flush_pending(struct msix *m)
{
	if (!msix_enabled(m))
		return;
	for (unsigned v = 0; v < m->nvec; v++) {
		if (m->vec[v].pending && !vector_masked(m, v)) {
			m->vec[v].pending = false;
			deliver(m, v);
		}
	}
}

uint64_t msix_bar_read(void *opaque, uint64_t offset, unsigned size)
{
	struct msix *m = opaque;
	uint64_t v = 0;

	if (size != 4 && size != 8)
		return ~0ULL;
	if (offset >= MSIX_PBA_OFFSET) {
		unsigned first = (offset - MSIX_PBA_OFFSET) * 8;

		for (unsigned b = 0; b < size * 8; b++)
			if (first + b < m->nvec && m->vec[first + b].pending)
				v |= 1ULL << b;
		return v;
	}
	for (unsigned i = 0; i < size; i += 4) {
		unsigned n = (offset + i) / PCI_MSIX_ENTRY_SIZE, reg = (offset + i) % 16;
		uint32_t w = 0;

		if (n >= m->nvec)
			continue;
		switch (reg) {
		case 0:
			w = m->vec[n].addr;
			break;
		case 4:
			w = m->vec[n].addr >> 32;
			break;
		case 8:
			w = m->vec[n].data;
			break;
		case 12:
			w = m->vec[n].ctrl;
			break;
		}
		v |= (uint64_t)w << (8 * i);
	}
	return v;
}

void msix_bar_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct msix *m = opaque;

	if ((size != 4 && size != 8) || offset >= MSIX_PBA_OFFSET || (offset & 3))
		return; /* the PBA is read-only */
	for (unsigned i = 0; i < size; i += 4) {
		unsigned n = (offset + i) / PCI_MSIX_ENTRY_SIZE, reg = (offset + i) % 16;
		uint32_t w = value >> (8 * i);
		struct msix_vector *e;

		if (n >= m->nvec)
			continue;
		e = &m->vec[n];
		switch (reg) {
		case 0:
			e->addr = (e->addr & ~0xffffffffULL) | (w & ~3U);
			break;
		case 4:
			e->addr = (e->addr & 0xffffffffULL) | (uint64_t)w << 32;
			break;
		case 8:
			e->data = w;
			break;
		case 12:
			e->ctrl = w & PCI_MSIX_ENTRY_CTRL_MASKBIT;
			break;
		}
	}
	flush_pending(m);
}

static const struct io_ops msix_bar_ops = {
	.read = msix_bar_read,
	.write = msix_bar_write,
};

void msix_config_write(struct msix *m, uint32_t addr, uint32_t val, unsigned len)
{
	if (addr < m->cap + PCI_MSIX_FLAGS + 2u && addr + len > m->cap + PCI_MSIX_FLAGS + 0u)
		flush_pending(m);
}

void msix_reset(struct msix *m)
{
	uint8_t *f = m->dev->config + m->cap + PCI_MSIX_FLAGS;

	if (!m->cap)
		return;
	pci_set16(f, pci_get16(f) & PCI_MSIX_FLAGS_QSIZE);
	for (unsigned v = 0; v < m->nvec; v++) {
		struct msix_vector *e = &m->vec[v];

		e->addr = 0;
		e->data = 0;
		e->ctrl = PCI_MSIX_ENTRY_CTRL_MASKBIT;
		e->pending = false;
	}
}

int msix_init(struct msix *m, struct pci_device *d, unsigned nvec, unsigned bar, GError **err)
{
	uint8_t cap;

	g_assert(nvec <= MSIX_MAX_VECTORS);
	memset(m, 0, sizeof(*m));
	m->dev = d;
	m->nvec = nvec;
	if (!nvec)
		return 0;
	cap = pci_add_capability(d, PCI_CAP_ID_MSIX, 12);
	if (!cap) {
		error_setg(err, "%s: no room for the MSI-X capability", d->name);
		return -1;
	}
	m->cap = cap;
	pci_set16(d->config + cap + PCI_MSIX_FLAGS, nvec - 1);
	pci_set16(d->wmask + cap + PCI_MSIX_FLAGS,
		  PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_set32(d->config + cap + PCI_MSIX_TABLE, MSIX_TABLE_OFFSET | bar);
	pci_set32(d->config + cap + PCI_MSIX_PBA, MSIX_PBA_OFFSET | bar);
	for (unsigned v = 0; v < nvec; v++) {
		m->vec[v].gsi = -1;
		m->vec[v].irqfd = -1;
	}
	msix_reset(m);
	pci_register_bar(d, bar, MSIX_BAR_SIZE, &msix_bar_ops, m);
	return 0;
}
