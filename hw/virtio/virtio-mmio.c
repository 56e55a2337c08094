// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-mmio transport, version 2 (virtio 1.x, 4.2.2): a 0x200-byte
 * register window and one level-triggered interrupt line that follows the
 * interrupt status (an irqfd with a resample eventfd where KVM has them,
 * else KVM_IRQ_LINE: hw/core/level-irq.c). Device and queue state live in
 * the virtio core.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "accel/kvm.h"
#include "hw/core/level-irq.h"
#include "hw/core/reset.h"
#include "hw/virtio/virtio-mmio.h"
#include "monitor/qmp.h"
#include "system/error.h"
#include "system/log.h"
#include "system/memory.h"

struct virtio_mmio {
	struct virtio_device *vdev;
	uint64_t base;
	unsigned gsi;
	uint32_t dev_features_sel;
	uint32_t drv_features_sel;
	uint32_t queue_sel;
	struct level_irq *irq;
	/* KVM_IOEVENTFD on QueueNotify, one per queue (-1: plain MMIO exits). */
	int notify_fd[VIRTIO_MAX_QUEUES];
};

static unsigned mmio_slots_used;
static GPtrArray *transports; /* every virtio_mmio, in slot order */

static struct virtqueue *cur_vq(struct virtio_mmio *t)
{
	struct virtio_device *vdev = t->vdev;

	return t->queue_sel < vdev->num_queues ? &vdev->vqs[t->queue_sel] : NULL;
}

static void mmio_update_irq(struct virtio_device *vdev)
{
	struct virtio_mmio *t = vdev->transport_opaque;

	if (t->irq) /* NULL only after virtio_mmio_cleanup_all() */
		level_irq_set(t->irq, vdev->isr != 0);
}

/* Asked at a resample (the guest EOId the line): is InterruptStatus still set? */
static bool mmio_irq_pending(void *opaque)
{
	struct virtio_mmio *t = opaque;

	return t->vdev->isr != 0;
}

static const struct virtio_transport_ops mmio_transport = {
	.update_irq = mmio_update_irq,
};

/*
 * Notifications that KVM signalled on an eventfd but the main loop has not
 * handled yet. Handling them before any other register access (and before
 * a reset) keeps what the guest can observe the same as with synchronous
 * QueueNotify exits: a notify always takes effect before the next access.
 */
static void flush_notifies(struct virtio_mmio *t)
{
	virtio_flush_notify_fds(t->vdev, t->notify_fd);
}

static gboolean notify_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	flush_notifies(opaque);
	return G_SOURCE_CONTINUE;
}

static void setup_ioeventfds(struct virtio_mmio *t)
{
	for (unsigned q = 0; q < VIRTIO_MAX_QUEUES; q++)
		t->notify_fd[q] = -1;
	if (!t->vdev->ioeventfd || kvm_vm_fd() < 0 || kvm_check_extension(KVM_CAP_IOEVENTFD) <= 0)
		return;
	for (unsigned q = 0; q < t->vdev->num_queues; q++) {
		int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		struct kvm_ioeventfd ev = {
			.datamatch = q,
			.addr = t->base + VIRTIO_MMIO_QUEUE_NOTIFY,
			.len = 4,
			.fd = fd,
			.flags = KVM_IOEVENTFD_FLAG_DATAMATCH,
		};

		if (fd < 0 || ioctl(kvm_vm_fd(), KVM_IOEVENTFD, &ev) < 0) {
			warn_report("%s: no ioeventfd for queue %u (%s); notifications exit to "
				    "userspace", t->vdev->name, q, g_strerror(errno));
			if (fd >= 0)
				close(fd);
			continue;
		}
		t->notify_fd[q] = fd;
		g_unix_fd_add(fd, G_IO_IN, notify_ready, t);
	}
}

static uint64_t queue_reg_read(struct virtio_mmio *t, uint64_t offset)
{
	struct virtqueue *vq = cur_vq(t);

	if (!vq)
		return 0;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq->num_max;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq->ready;
	case VIRTIO_MMIO_QUEUE_NUM:
		return vq->num;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		return (uint32_t)vq->desc_gpa;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		return vq->desc_gpa >> 32;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
		return (uint32_t)vq->avail_gpa;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		return vq->avail_gpa >> 32;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
		return (uint32_t)vq->used_gpa;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return vq->used_gpa >> 32;
	}
	return 0;
}

uint64_t virtio_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
	struct virtio_mmio *t = opaque;
	struct virtio_device *vdev = t->vdev;

	flush_notifies(t);
	if (offset >= VIRTIO_MMIO_CONFIG)
		return virtio_config_read(vdev, offset - VIRTIO_MMIO_CONFIG, size);
	if (size != 4 || (offset & 3)) {
		warn_report_once("%s: %u-byte read at 0x%" G_GINT64_MODIFIER "x ignored",
				 vdev->name, size, offset);
		return 0;
	}
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return 2;
	case VIRTIO_MMIO_DEVICE_ID:
		return vdev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return virtio_get_device_features(vdev, t->dev_features_sel);
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return vdev->isr;
	case VIRTIO_MMIO_STATUS:
		return vdev->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vdev->config_generation;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return 0xffffffff; /* no shared memory regions */
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		return queue_reg_read(t, offset);
	}
	return 0;
}

static void set_addr(uint64_t *addr, bool high, uint32_t v)
{
	if (high)
		*addr = (*addr & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | v;
}

static void queue_reg_write(struct virtio_mmio *t, uint64_t offset, uint32_t v)
{
	struct virtqueue *vq = cur_vq(t);

	if (!vq)
		return;
	if (offset == VIRTIO_MMIO_QUEUE_READY) {
		if (!v)
			vq->ready = false;
		else if (!vq->ready)
			virtqueue_enable(vq);
		return;
	}
	/* Queue layout is frozen while the queue is live (4.2.2.3). */
	if (vq->ready)
		return;
	switch (offset) {
	case VIRTIO_MMIO_QUEUE_NUM:
		vq->num = v;
		if (v != vq->num) /* truncated: certainly invalid */
			vq->num = 0;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_addr(&vq->desc_gpa, offset == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_addr(&vq->avail_gpa, offset == VIRTIO_MMIO_QUEUE_DRIVER_HIGH, v);
		break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		set_addr(&vq->used_gpa, offset == VIRTIO_MMIO_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

void virtio_mmio_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	struct virtio_mmio *t = opaque;
	struct virtio_device *vdev = t->vdev;
	uint32_t v = value;

	flush_notifies(t);
	if (offset >= VIRTIO_MMIO_CONFIG) {
		virtio_config_write(vdev, offset - VIRTIO_MMIO_CONFIG, value, size);
		return;
	}
	if (size != 4 || (offset & 3)) {
		warn_report_once("%s: %u-byte write at 0x%" G_GINT64_MODIFIER "x ignored",
				 vdev->name, size, offset);
		return;
	}
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->dev_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		virtio_set_driver_features(vdev, t->drv_features_sel, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->drv_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_READY:
	case VIRTIO_MMIO_QUEUE_DESC_LOW ... VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		queue_reg_write(t, offset, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		virtio_queue_notify(vdev, v & 0xffff);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		virtio_ack_irq(vdev, v);
		break;
	case VIRTIO_MMIO_STATUS:
		if (!v) {
			t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
		}
		virtio_set_status(vdev, v);
		if (!v && t->irq)
			level_irq_reset(t->irq); /* lowered in the kernel too */
		break;
	}
}

static const struct io_ops mmio_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

/* System reset (vCPUs paused): the device drains, then returns to cold state. */
static void mmio_reset(void *opaque)
{
	struct virtio_mmio *t = opaque;

	flush_notifies(t);
	t->dev_features_sel = t->drv_features_sel = t->queue_sel = 0;
	virtio_device_reset(t->vdev);
	if (t->irq)
		level_irq_reset(t->irq);
}

/* Machines without virtio-mmio placement (yet) have no slots. */
__attribute__((weak)) int virtio_mmio_arch_place(unsigned index, uint64_t *base, unsigned *gsi)
{
	return -ENOSPC;
}

struct virtio_mmio *virtio_mmio_create(struct virtio_device *vdev, GError **err)
{
	struct virtio_mmio *t;
	uint64_t base;
	unsigned gsi;

	if (virtio_mmio_arch_place(mmio_slots_used, &base, &gsi) < 0) {
		error_setg(err, "%s: no free virtio-mmio slot (this machine has %u)", vdev->name,
			   mmio_slots_used);
		return NULL;
	}
	t = g_new0(struct virtio_mmio, 1);
	t->vdev = vdev;
	t->base = base;
	t->gsi = gsi;
	if (io_region_add(IO_SPACE_MMIO, base, VIRTIO_MMIO_SIZE, &mmio_ops, t, vdev->name) < 0) {
		error_setg(err, "%s: MMIO range 0x%" G_GINT64_MODIFIER "x is already in use",
			   vdev->name, base);
		g_free(t);
		return NULL;
	}
	mmio_slots_used++;
	setup_ioeventfds(t);
	t->irq = level_irq_new(vdev->name, gsi, vdev->irqfd, mmio_irq_pending, t);
	vdev->transport = &mmio_transport;
	vdev->transport_opaque = t;
	reset_register(RESET_ORDER_DEVICE, mmio_reset, t, vdev->name);
	if (!transports)
		transports = g_ptr_array_new();
	g_ptr_array_add(transports, t);
	return t;
}

/* At exit, after the vCPUs and chardevs: KVM would drop them with the VM anyway. */
void virtio_mmio_cleanup_all(void)
{
	if (!transports)
		return;
	for (guint i = 0; i < transports->len; i++) {
		struct virtio_mmio *t = transports->pdata[i];

		g_clear_pointer(&t->irq, level_irq_free);
	}
}

uint64_t virtio_mmio_base(const struct virtio_mmio *t)
{
	return t->base;
}

unsigned virtio_mmio_gsi(const struct virtio_mmio *t)
{
	return t->gsi;
}

const char *virtio_mmio_irq_path(const struct virtio_mmio *t)
{
	return level_irq_path_name(t->irq);
}

/*
 * Test-only (x-keel- prefix): how each virtio-mmio line is delivered and
 * what it did, for tests/functional/test_virtio.py and the nested tiers.
 */
static JsonNode *qmp_virtio_mmio_irqs(struct qmp_session *qs, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	JsonNode *n;

	json_builder_begin_array(b);
	for (guint i = 0; transports && i < transports->len; i++) {
		struct virtio_mmio *t = transports->pdata[i];
		struct level_irq_stats st;

		if (!t->irq)
			continue;
		st = level_irq_stats(t->irq);
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "device");
		json_builder_add_string_value(b, t->vdev->name);
		json_builder_set_member_name(b, "line");
		json_builder_add_int_value(b, t->gsi);
		json_builder_set_member_name(b, "path");
		json_builder_add_string_value(b, level_irq_path_name(t->irq));
		json_builder_set_member_name(b, "isr");
		json_builder_add_int_value(b, t->vdev->isr);
		json_builder_set_member_name(b, "raised");
		json_builder_add_boolean_value(b, level_irq_raised(t->irq));
		json_builder_set_member_name(b, "asserts");
		json_builder_add_int_value(b, st.asserts);
		json_builder_set_member_name(b, "deasserts");
		json_builder_add_int_value(b, st.deasserts);
		json_builder_set_member_name(b, "resamples");
		json_builder_add_int_value(b, st.resamples);
		json_builder_set_member_name(b, "reasserts");
		json_builder_add_int_value(b, st.reasserts);
		json_builder_set_member_name(b, "reset-drops");
		json_builder_add_int_value(b, st.reset_drops);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	n = json_builder_get_root(b);
	g_object_unref(b);
	return n;
}

static const struct qmp_command virtio_mmio_irqs_cmd = { .name = "x-keel-virtio-mmio-irqs",
							 .handler = qmp_virtio_mmio_irqs };
QMP_COMMAND_REGISTER(virtio_mmio_irqs_cmd)
