// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-pci, modern only (virtio 1.x, 4.1): vendor 1af4, device
 * 0x1040 + virtio ID, revision 1. BAR 0 holds the common configuration,
 * the ISR, the device configuration and the notification area (one 4-byte
 * doorbell per queue, each a KVM ioeventfd); BAR 1 the MSI-X table and PBA.
 * The PCI configuration access capability reaches them through config space.
 * Interrupts are MSI-X vectors (irqfd) once the driver enables MSI-X, INTx
 * (the ISR, read to clear) before. Device and queue state live in the
 * virtio core, so every virtio device model works here unchanged.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "accel/kvm.h"
#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci.h"
#include "hw/virtio/virtio-pci.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

struct virtio_pci {
	struct pci_device pci;
	struct virtio_device *vdev;
	struct msix msix;
	uint32_t dfselect, gfselect;
	uint16_t queue_sel;
	uint16_t config_vector;
	uint16_t queue_vector[VIRTIO_MAX_QUEUES];
	uint8_t cfg_cap;	/* VIRTIO_PCI_CAP_PCI_CFG */
	/* KVM_IOEVENTFD per queue doorbell (-1: plain MMIO exits), and where it is. */
	int notify_fd[VIRTIO_MAX_QUEUES];
	guint notify_src[VIRTIO_MAX_QUEUES];
	uint64_t notify_at;
};

static struct virtqueue *cur_vq(struct virtio_pci *t)
{
	return t->queue_sel < t->vdev->num_queues ? &t->vdev->vqs[t->queue_sel] : NULL;
}

static void update_intx(struct virtio_pci *t)
{
	pci_set_irq(&t->pci, !msix_enabled(&t->msix) && t->vdev->isr);
}

static void pci_update_irq(struct virtio_device *vdev)
{
	struct virtio_pci *t = vdev->transport_opaque;

	if (msix_enabled(&t->msix) && (vdev->isr & VIRTIO_ISR_CONFIG)) {
		/* With MSI-X the config change is its vector, not an ISR bit. */
		vdev->isr &= ~VIRTIO_ISR_CONFIG;
		msix_notify(&t->msix, t->config_vector);
	}
	update_intx(t);
}

static void pci_queue_irq(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_pci *t = vdev->transport_opaque;

	if (msix_enabled(&t->msix))
		msix_notify(&t->msix, t->queue_vector[vq->index]);
	else
		virtio_raise_queue_irq(vdev);
}

static const struct virtio_transport_ops pci_transport = {
	.update_irq = pci_update_irq,
	.queue_irq = pci_queue_irq,
};

/* Doorbells KVM signalled and the main loop has not handled yet go first. */
static void flush_notifies(struct virtio_pci *t)
{
	virtio_flush_notify_fds(t->vdev, t->notify_fd);
}

static gboolean notify_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	flush_notifies(opaque);
	return G_SOURCE_CONTINUE;
}

static void drop_ioeventfds(struct virtio_pci *t)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		if (t->notify_src[q])
			g_source_remove(t->notify_src[q]);
		if (t->notify_fd[q] >= 0)
			close(t->notify_fd[q]);
		t->notify_src[q] = 0;
		t->notify_fd[q] = -1;
	}
}

/* Register (or drop) the doorbell ioeventfds at BAR 0 address base. */
static void ioeventfds_at(struct virtio_pci *t, uint64_t base, bool assign)
{
	for (unsigned q = 0; q < t->vdev->num_queues; q++) {
		/* len 0: any write width, and KVM's fast MMIO path. */
		struct kvm_ioeventfd ev = {
			.addr = base + VIRTIO_PCI_NOTIFY_OFFSET + q * VIRTIO_PCI_NOTIFY_MULT,
			.len = 0,
			.fd = t->notify_fd[q],
			.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
		};

		if (t->notify_fd[q] < 0)
			continue;
		if (ioctl(kvm_vm_fd(), KVM_IOEVENTFD, &ev) < 0 && assign) {
			warn_report("%s: no ioeventfd for queue %u (%s); notifications exit to "
				    "userspace", t->vdev->name, q, g_strerror(errno));
			for (unsigned i = 0; i < q; i++) {
				ev.addr = base + VIRTIO_PCI_NOTIFY_OFFSET + i * VIRTIO_PCI_NOTIFY_MULT;
				ev.fd = t->notify_fd[i];
				ev.flags = KVM_IOEVENTFD_FLAG_DEASSIGN;
				ioctl(kvm_vm_fd(), KVM_IOEVENTFD, &ev);
			}
			drop_ioeventfds(t);
			return;
		}
	}
}

static void setup_ioeventfds(struct virtio_pci *t)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		t->notify_fd[q] = -1;
	t->notify_at = PCI_BAR_UNMAPPED;
	if (!t->vdev->ioeventfd || kvm_vm_fd() < 0 || kvm_check_extension(KVM_CAP_IOEVENTFD) <= 0)
		return;
	for (unsigned q = 0; q < t->vdev->num_queues; q++) {
		t->notify_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (t->notify_fd[q] >= 0)
			t->notify_src[q] = g_unix_fd_add(t->notify_fd[q], G_IO_IN, notify_ready, t);
	}
}

static void bar_moved(struct pci_device *d, unsigned n, uint64_t old, uint64_t addr)
{
	struct virtio_pci *t = container_of(d, struct virtio_pci, pci);

	if (n != VIRTIO_PCI_BAR || kvm_vm_fd() < 0)
		return;
	flush_notifies(t);
	if (t->notify_at != PCI_BAR_UNMAPPED)
		ioeventfds_at(t, t->notify_at, false);
	t->notify_at = addr;
	if (addr != PCI_BAR_UNMAPPED)
		ioeventfds_at(t, addr, true);
}

/* The common configuration structure as the guest reads it. */
static void common_snapshot(struct virtio_pci *t, uint8_t *r)
{
	struct virtio_device *vdev = t->vdev;
	struct virtqueue *vq = cur_vq(t);

	memset(r, 0, VIRTIO_PCI_COMMON_LEN);
	pci_set32(r + VIRTIO_PCI_COMMON_DFSELECT, t->dfselect);
	pci_set32(r + VIRTIO_PCI_COMMON_DF, virtio_get_device_features(vdev, t->dfselect));
	pci_set32(r + VIRTIO_PCI_COMMON_GFSELECT, t->gfselect);
	if (t->gfselect < 2)
		pci_set32(r + VIRTIO_PCI_COMMON_GF, vdev->guest_features >> (32 * t->gfselect));
	pci_set16(r + VIRTIO_PCI_COMMON_MSIX, t->config_vector);
	pci_set16(r + VIRTIO_PCI_COMMON_NUMQ, vdev->num_queues);
	r[VIRTIO_PCI_COMMON_STATUS] = vdev->status;
	r[VIRTIO_PCI_COMMON_CFGGENERATION] = vdev->config_generation;
	pci_set16(r + VIRTIO_PCI_COMMON_Q_SELECT, t->queue_sel);
	if (!vq)
		return; /* queue_size 0: no such queue */
	pci_set16(r + VIRTIO_PCI_COMMON_Q_SIZE, vq->num);
	pci_set16(r + VIRTIO_PCI_COMMON_Q_MSIX, t->queue_vector[t->queue_sel]);
	pci_set16(r + VIRTIO_PCI_COMMON_Q_ENABLE, vq->ready);
	pci_set16(r + VIRTIO_PCI_COMMON_Q_NOFF, t->queue_sel);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_DESCLO, vq->desc_gpa);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_DESCLO + 4, vq->desc_gpa >> 32);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_AVAILLO, vq->avail_gpa);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_AVAILLO + 4, vq->avail_gpa >> 32);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_USEDLO, vq->used_gpa);
	pci_set32(r + VIRTIO_PCI_COMMON_Q_USEDLO + 4, vq->used_gpa >> 32);
}

static uint64_t common_read(struct virtio_pci *t, uint64_t off, unsigned size)
{
	uint8_t r[VIRTIO_PCI_COMMON_LEN];
	uint64_t v = 0;

	if (off >= VIRTIO_PCI_COMMON_LEN || size > VIRTIO_PCI_COMMON_LEN - off)
		return 0;
	common_snapshot(t, r);
	memcpy(&v, r + off, size);
	return v;
}

static uint16_t valid_vector(struct virtio_pci *t, uint64_t v)
{
	return v < t->msix.nvec ? v : MSIX_NO_VECTOR;
}

/* 64-bit ring addresses: written as two dwords or one qword. */
static void set_addr(uint64_t *a, uint64_t off, uint64_t v, unsigned size)
{
	if (size == 8)
		*a = v;
	else if (off & 4)
		*a = (*a & 0xffffffffULL) | (v & 0xffffffffULL) << 32;
	else
		*a = (*a & ~0xffffffffULL) | (v & 0xffffffffULL);
}

static void transport_reset(struct virtio_pci *t)
{
	t->dfselect = t->gfselect = 0;
	t->queue_sel = 0;
	t->config_vector = MSIX_NO_VECTOR;
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		t->queue_vector[q] = MSIX_NO_VECTOR;
}

static void common_write(struct virtio_pci *t, uint64_t off, uint64_t v, unsigned size)
{
	struct virtio_device *vdev = t->vdev;
	struct virtqueue *vq = cur_vq(t);

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		t->dfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		t->gfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GF:
		virtio_set_driver_features(vdev, t->gfselect, v);
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		t->config_vector = valid_vector(t, v & 0xffff);
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		if (!(v & 0xff))
			transport_reset(t);
		virtio_set_status(vdev, v);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		t->queue_sel = v;
		return;
	}
	if (!vq)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_MSIX:
		t->queue_vector[vq->index] = valid_vector(t, v & 0xffff);
		return;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/* Only 1 may be written; a queue is disabled by a device reset. */
		if ((v & 0xffff) == 1 && !vq->ready)
			virtqueue_enable(vq);
		return;
	}
	/* Queue layout is frozen while the queue is live. */
	if (vq->ready)
		return;
	switch (off & ~7ULL) {
	case VIRTIO_PCI_COMMON_Q_DESCLO:
		set_addr(&vq->desc_gpa, off, v, size);
		return;
	case VIRTIO_PCI_COMMON_Q_AVAILLO:
		set_addr(&vq->avail_gpa, off, v, size);
		return;
	case VIRTIO_PCI_COMMON_Q_USEDLO:
		set_addr(&vq->used_gpa, off, v, size);
		return;
	}
	if (off == VIRTIO_PCI_COMMON_Q_SIZE) {
		vq->num = v;
		if (vq->num != v)
			vq->num = 0; /* truncated: certainly invalid, enable will say so */
	}
}

uint64_t virtio_pci_bar_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_pci *t = opaque;
	struct virtio_device *vdev = t->vdev;
	uint8_t isr;

	flush_notifies(t);
	switch (offset & ~(uint64_t)(VIRTIO_PCI_REGION - 1)) {
	case VIRTIO_PCI_COMMON_OFFSET:
		return common_read(t, offset - VIRTIO_PCI_COMMON_OFFSET, size);
	case VIRTIO_PCI_ISR_OFFSET:
		if (offset != VIRTIO_PCI_ISR_OFFSET)
			return 0;
		/* Read to clear, and that deasserts INTx. */
		isr = vdev->isr;
		virtio_ack_irq(vdev, isr);
		return isr;
	case VIRTIO_PCI_DEVICE_OFFSET:
		return virtio_config_read(vdev, offset - VIRTIO_PCI_DEVICE_OFFSET, size);
	}
	return 0;
}

void virtio_pci_bar_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct virtio_pci *t = opaque;
	uint64_t off;

	flush_notifies(t);
	switch (offset & ~(uint64_t)(VIRTIO_PCI_REGION - 1)) {
	case VIRTIO_PCI_COMMON_OFFSET:
		common_write(t, offset - VIRTIO_PCI_COMMON_OFFSET, value, size);
		return;
	case VIRTIO_PCI_DEVICE_OFFSET:
		virtio_config_write(t->vdev, offset - VIRTIO_PCI_DEVICE_OFFSET, value, size);
		return;
	case VIRTIO_PCI_NOTIFY_OFFSET:
		off = offset - VIRTIO_PCI_NOTIFY_OFFSET;
		if (!(off % VIRTIO_PCI_NOTIFY_MULT))
			virtio_queue_notify(t->vdev, off / VIRTIO_PCI_NOTIFY_MULT);
		return;
	}
}

static const struct io_ops bar_ops = {
	.read = virtio_pci_bar_read,
	.write = virtio_pci_bar_write,
};

/*
 * The VIRTIO_PCI_CAP_PCI_CFG window: an access to its data field is an
 * access of cap.length bytes at cap.offset of BAR cap.bar. Returns the
 * BAR's ops and opaque, or NULL when the window is not set up validly.
 */
static const struct io_ops *cfg_window(struct virtio_pci *t, uint32_t addr, unsigned len,
				       void **opaque, uint64_t *off, unsigned *size)
{
	const uint8_t *c = t->pci.config + t->cfg_cap;
	unsigned data = t->cfg_cap + VIRTIO_PCI_CFG_DATA;
	const struct pci_bar *b;

	if (addr >= data + 4 || addr + len <= data || c[4] >= PCI_NUM_BARS)
		return NULL;
	b = &t->pci.bars[c[4]];
	*off = pci_get32(c + 8);
	*size = pci_get32(c + 12);
	if (!b->size || (*size != 1 && *size != 2 && *size != 4) || (*off & (*size - 1)) ||
	    *off + *size > b->size)
		return NULL;
	*opaque = b->opaque;
	return b->ops;
}

static void config_read(struct pci_device *d, uint32_t addr, unsigned len)
{
	struct virtio_pci *t = container_of(d, struct virtio_pci, pci);
	const struct io_ops *ops;
	unsigned size;
	uint64_t off;
	void *opaque;

	ops = cfg_window(t, addr, len, &opaque, &off, &size);
	if (ops && ops->read)
		pci_set32(d->config + t->cfg_cap + VIRTIO_PCI_CFG_DATA, ops->read(opaque, off, size));
}

static void config_write(struct pci_device *d, uint32_t addr, uint32_t val, unsigned len)
{
	struct virtio_pci *t = container_of(d, struct virtio_pci, pci);
	const struct io_ops *ops;
	unsigned size;
	uint64_t off;
	void *opaque;

	ops = cfg_window(t, addr, len, &opaque, &off, &size);
	if (ops && ops->write)
		ops->write(opaque, off, pci_get32(d->config + t->cfg_cap + VIRTIO_PCI_CFG_DATA),
			   size);
	msix_config_write(&t->msix, addr, val, len);
	update_intx(t);
}

static void add_cfg_cap(struct virtio_pci *t)
{
	uint8_t cap = pci_add_capability(&t->pci, PCI_CAP_ID_VNDR, 20);

	g_assert(cap);
	t->cfg_cap = cap;
	t->pci.config[cap + 2] = 20;
	t->pci.config[cap + 3] = VIRTIO_PCI_CAP_PCI_CFG;
	/* bar, offset, length and the data window are the driver's. */
	t->pci.wmask[cap + 4] = 0xff;
	memset(t->pci.wmask + cap + 8, 0xff, 12);
}

static void add_virtio_cap(struct virtio_pci *t, uint8_t type, uint32_t offset, uint32_t length,
			   uint8_t caplen)
{
	uint8_t cap = pci_add_capability(&t->pci, PCI_CAP_ID_VNDR, caplen);
	uint8_t *c = t->pci.config + cap;

	g_assert(cap);
	c[2] = caplen;
	c[3] = type;
	c[4] = VIRTIO_PCI_BAR;
	pci_set32(c + 8, offset);
	pci_set32(c + 12, length);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		pci_set32(c + 16, VIRTIO_PCI_NOTIFY_MULT);
}

/* System reset (vCPUs paused): drain the device, then the cold PCI state. */
static void virtio_pci_reset(void *opaque)
{
	struct virtio_pci *t = opaque;

	flush_notifies(t);
	transport_reset(t);
	virtio_device_reset(t->vdev);
	msix_reset(&t->msix);
	memset(t->pci.config + t->cfg_cap + 4, 0, 16);
	pci_device_reset(&t->pci);
}

static uint32_t class_of(uint32_t id)
{
	switch (id) {
	case VIRTIO_ID_BLOCK:
		return 0x010000;	/* mass storage (SCSI), as QEMU */
	case VIRTIO_ID_NET:
		return 0x020000;	/* Ethernet */
	case VIRTIO_ID_CONSOLE:
		return 0x078000;	/* other communication controller */
	}
	return 0xff0000;		/* unclassified */
}

struct virtio_pci *virtio_pci_create(struct virtio_device *vdev, int slot, int vectors,
				     GError **err)
{
	struct virtio_pci *t = g_new0(struct virtio_pci, 1);
	uint32_t id = vdev->ops->device_id;

	t->vdev = vdev;
	pci_device_init(&t->pci, vdev->name, VIRTIO_PCI_VENDOR, VIRTIO_PCI_DEVICE_BASE + id,
			class_of(id), VIRTIO_PCI_VENDOR, VIRTIO_PCI_SUBSYS);
	t->pci.config[PCI_REVISION_ID] = 1;	/* modern-only device */
	t->pci.opaque = t;
	t->pci.config_read = config_read;
	t->pci.config_write = config_write;
	t->pci.bar_moved = bar_moved;
	pci_register_bar(&t->pci, VIRTIO_PCI_BAR, VIRTIO_PCI_BAR_SIZE, &bar_ops, t);
	if (vectors < 0)
		vectors = pci_bus_get_layout()->no_msi ? 0 :
			  MIN(vdev->num_queues + 1, (unsigned)MSIX_MAX_VECTORS);
	if (vectors > MSIX_MAX_VECTORS) {
		error_setg(err, "%s: at most %d MSI-X vectors", vdev->name, MSIX_MAX_VECTORS);
		goto fail;
	}
	if (vectors && pci_bus_get_layout()->no_msi) {
		error_setg(err, "%s: this machine's PCI bus has no MSI; only vectors=0 (INTx)",
			   vdev->name);
		goto fail;
	}
	if (msix_init(&t->msix, &t->pci, vectors, VIRTIO_PCI_MSIX_BAR, err) < 0)
		goto fail;
	/* irqfd=off: every vector takes the fallback path, pci_msi_signal() (for tests). */
	for (unsigned v = 0; !vdev->irqfd && v < vectors; v++)
		t->msix.vec[v].no_irqfd = true;
	add_virtio_cap(t, VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_COMMON_OFFSET,
		       VIRTIO_PCI_COMMON_LEN, 16);
	add_virtio_cap(t, VIRTIO_PCI_CAP_ISR_CFG, VIRTIO_PCI_ISR_OFFSET, 1, 16);
	add_virtio_cap(t, VIRTIO_PCI_CAP_DEVICE_CFG, VIRTIO_PCI_DEVICE_OFFSET,
		       MAX(vdev->ops->config_size, (size_t)4), 16);
	add_virtio_cap(t, VIRTIO_PCI_CAP_NOTIFY_CFG, VIRTIO_PCI_NOTIFY_OFFSET,
		       vdev->num_queues * VIRTIO_PCI_NOTIFY_MULT, 20);
	add_cfg_cap(t);
	transport_reset(t);
	setup_ioeventfds(t);
	if (pci_device_plug(&t->pci, slot, err) < 0)
		goto fail_fds;
	vdev->transport = &pci_transport;
	vdev->transport_opaque = t;
	reset_register(RESET_ORDER_DEVICE, virtio_pci_reset, t, vdev->name);
	return t;
fail_fds:
	drop_ioeventfds(t);
fail:
	g_free(t->pci.name);
	g_free(t);
	return NULL;
}

struct pci_device *virtio_pci_device(struct virtio_pci *t)
{
	return &t->pci;
}

struct msix *virtio_pci_msix(struct virtio_pci *t)
{
	return &t->msix;
}

/* -device virtio-*-pci: the virtio-*-device model on this transport. */

struct plug_req {
	int slot;
	int vectors;	/* -1: the default */
	struct virtio_pci *made;
};

static bool plug(struct virtio_device *vdev, void *opaque, GError **err)
{
	struct plug_req *req = opaque;

	req->made = virtio_pci_create(vdev, req->slot, req->vectors, err);
	return req->made != NULL;
}

/* addr=SLOT[.0], SLOT in hex as QEMU reads it ("0x5", "05", "5.0"). */
static int parse_addr(const char *s, int *slot)
{
	char *end;
	unsigned long v;

	if (!s) {
		*slot = -1;
		return 0;
	}
	errno = 0;
	v = strtoul(s, &end, 16);
	if (errno || end == s || (*end && strcmp(end, ".0")) || v >= PCI_SLOTS)
		return -1;
	*slot = v;
	return 0;
}

static int pci_wrapper_create(struct kopts *props, const char *type, const char *inner,
			      GError **err)
{
	const char *bus = kopts_get(props, "bus");
	const char *addr = kopts_get(props, "addr");
	struct plug_req req = { 0 };
	const struct device_type *dt = device_type_find(inner);
	bool legacy_off = true, modern_off = false, multifunction = false;
	uint64_t vectors = 0;
	int ret;

	if (kopts_get_bool(props, "disable-legacy", true, &legacy_off, err) < 0 ||
	    kopts_get_bool(props, "disable-modern", false, &modern_off, err) < 0 ||
	    kopts_get_bool(props, "multifunction", false, &multifunction, err) < 0 ||
	    (kopts_has(props, "vectors") &&
	     kopts_get_u64(props, "vectors", 0, &vectors, err) < 0))
		return -EINVAL;
	if (!legacy_off || modern_off || multifunction) {
		error_setg(err, "%s: only modern (virtio 1.x) single-function devices are "
			   "supported (disable-legacy=on, disable-modern=off, multifunction=off)",
			   type);
		return -EINVAL;
	}
	if (kopts_has(props, "vectors") && vectors > MSIX_MAX_VECTORS) {
		error_setg(err, "%s: vectors must be 0 (no MSI-X) to %d", type, MSIX_MAX_VECTORS);
		return -EINVAL;
	}
	if (!pci_bus_present()) {
		error_setg(err, "No 'PCI' bus found for device '%s'", type);
		return -EINVAL;
	}
	if (bus && strcmp(bus, "pci.0")) {
		error_setg(err, "Bus '%s' not found", bus);
		return -EINVAL;
	}
	if (parse_addr(addr, &req.slot) < 0) {
		error_setg(err, "%s: Property 'addr' expects a slot 0x0-0x1f (SLOT or SLOT.0), "
			   "not '%s'", type, addr);
		return -EINVAL;
	}
	req.vectors = kopts_has(props, "vectors") ? (int)vectors : -1;
	g_assert(dt);
	virtio_transport_select(plug, &req);
	ret = dt->create(props, err);
	virtio_transport_select(NULL, NULL);
	return ret;
}

bool virtio_pci_available(void)
{
	return pci_bus_present();
}

#define VIRTIO_PCI_TYPE(var, pci_name, inner, text)                                               \
	static int var##_create(struct kopts *props, GError **err)                                 \
	{                                                                                          \
		return pci_wrapper_create(props, pci_name, inner, err);                            \
	}                                                                                          \
	static const struct device_type var = {                                                    \
		.name = pci_name,                                                                  \
		.desc = text " on virtio-pci (bus=pci.0, addr=SLOT, vectors=N; the options of "   \
			inner ")",                                                                 \
		.bus = "PCI",                                                                      \
		.user_creatable = true,                                                            \
		.create = var##_create,                                                            \
	};                                                                                         \
	DEVICE_TYPE_REGISTER(var)

VIRTIO_PCI_TYPE(virtio_blk_pci, "virtio-blk-pci", "virtio-blk-device", "virtio block device")
VIRTIO_PCI_TYPE(virtio_net_pci, "virtio-net-pci", "virtio-net-device", "virtio network card")
VIRTIO_PCI_TYPE(virtio_rng_pci, "virtio-rng-pci", "virtio-rng-device", "virtio entropy source")
VIRTIO_PCI_TYPE(virtio_serial_pci, "virtio-serial-pci", "virtio-serial-device",
		"virtio serial ports")
