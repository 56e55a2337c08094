// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-serial-device on virtio-mmio, with its ports: virtconsole (hvcN
 * in a Linux guest) and virtserialport (/dev/vport*, named by name=), each
 * on a chardev. QEMU's model: the ports are separate -device entries that
 * join the last virtio-serial-device (or bus=ID.0).
 *
 * Multiport protocol: the driver says DEVICE_READY, the device announces
 * every port (DEVICE_ADD); for each PORT_READY it answers CONSOLE_PORT,
 * PORT_NAME and PORT_OPEN (host side connected) as they apply. Drivers
 * that do not take VIRTIO_CONSOLE_F_MULTIPORT get port 0 alone.
 *
 * Host input waits in a small per-port buffer until the guest posts
 * receive buffers (the chardev is asked for more only then); control
 * messages for the driver wait in a queue likewise. Guest output goes to
 * the chardev at once (chardev_write never blocks). Nothing is in flight
 * across calls, so a reset has nothing to wait for.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "hw/core/device.h"
#include "hw/virtio/virtio-console.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

#define SERIAL_QUEUE_SIZE 128
#define SERIAL_MAX_PORTS ((VIRTIO_MAX_QUEUES - 2) / 2)	/* queues the core allows */
#define SERIAL_DEF_PORTS SERIAL_MAX_PORTS
#define PORT_PENDING 4096	/* host bytes held for the guest */
#define CTRL_PENDING 256	/* control messages held for the driver */
#define CTRL_MAX 256		/* bytes of one control message from the driver */

struct virtio_serial;

struct vser_port {
	struct virtio_serial *s;
	unsigned nr;
	bool console;
	char *name;
	char *id;
	struct chardev *chr;
	bool guest_ready;	/* PORT_READY seen since the last reset */
	bool guest_open;	/* the guest has the port open */
	size_t pend_len;
	uint8_t pend[PORT_PENDING];
};

struct virtio_serial {
	struct virtio_device vdev;
	char *id;
	unsigned max_ports;
	struct vser_port *ports[SERIAL_MAX_PORTS];
	GQueue ctrlq;		/* GBytes for the driver */
	int ctrl_warned;
};

static GPtrArray *serial_buses;	/* struct virtio_serial *, in creation order */

static bool multiport(struct virtio_serial *s)
{
	return virtio_has_feature(&s->vdev, VIRTIO_CONSOLE_F_MULTIPORT);
}

static uint64_t serial_features(struct virtio_device *vdev)
{
	return 1ULL << VIRTIO_CONSOLE_F_MULTIPORT | 1ULL << VIRTIO_CONSOLE_F_EMERG_WRITE |
	       1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX;
}

static void serial_get_config(struct virtio_device *vdev, uint8_t *buf)
{
	struct virtio_serial *s = container_of(vdev, struct virtio_serial, vdev);
	struct virtio_console_config c = { .max_nr_ports = htole32(s->max_ports) };

	memcpy(buf, &c, sizeof(c));
}

static void serial_set_config(struct virtio_device *vdev, const uint8_t *buf)
{
	struct virtio_serial *s = container_of(vdev, struct virtio_serial, vdev);
	struct virtio_console_config c;

	/* emerg_wr reads as 0: anything else there is a character for port 0. */
	memcpy(&c, buf, sizeof(c));
	if (c.emerg_wr && s->ports[0] && s->ports[0]->chr) {
		uint8_t ch = le32toh(c.emerg_wr);

		chardev_write(s->ports[0]->chr, &ch, 1);
	}
}

/* ---- device -> driver ---- */

static bool queue_usable(struct virtio_serial *s, unsigned index)
{
	return virtio_device_running(&s->vdev) && index < s->vdev.num_queues &&
	       s->vdev.vqs[index].ready;
}

static void ctrl_flush(struct virtio_serial *s)
{
	struct virtqueue *vq = &s->vdev.vqs[VIRTIO_CONSOLE_CTRL_RXQ];
	bool pushed = false;
	GBytes *b;

	if (!queue_usable(s, VIRTIO_CONSOLE_CTRL_RXQ))
		return;
	while ((b = g_queue_peek_head(&s->ctrlq))) {
		struct vq_elem *e = virtqueue_pop(vq, sizeof(*e));
		const uint8_t *p;
		gsize len;

		if (!e)
			break;
		if (e->out_num) {
			virtio_device_break(&s->vdev, "control receive buffer is device-readable");
			g_free(e);
			return;
		}
		p = g_bytes_get_data(b, &len);
		virtqueue_push(vq, e, iov_from_buf(e->iov, e->in_num, 0, p, len));
		g_free(e);
		g_bytes_unref(g_queue_pop_head(&s->ctrlq));
		pushed = true;
	}
	if (pushed)
		virtqueue_notify(vq);
}

static void ctrl_send(struct virtio_serial *s, unsigned id, uint16_t event, uint16_t value,
		      const char *data)
{
	struct virtio_console_control c = {
		.id = htole32(id), .event = htole16(event), .value = htole16(value),
	};
	size_t dlen = data ? strlen(data) : 0;
	uint8_t *msg;

	if (!multiport(s))
		return;
	if (g_queue_get_length(&s->ctrlq) >= CTRL_PENDING) {
		/* Only a driver that never posts control buffers gets here. */
		warn_report_once_flag(&s->ctrl_warned, "%s: control messages dropped (the driver "
				      "takes none)", s->vdev.name);
		return;
	}
	msg = g_malloc(sizeof(c) + dlen);
	memcpy(msg, &c, sizeof(c));
	if (dlen)
		memcpy(msg + sizeof(c), data, dlen);
	g_queue_push_tail(&s->ctrlq, g_bytes_new_take(msg, sizeof(c) + dlen));
	ctrl_flush(s);
}

/* Move held host input into the port's receive buffers. */
static void port_flush(struct vser_port *p)
{
	struct virtio_serial *s = p->s;
	unsigned index = virtio_console_rxq(p->nr);
	struct virtqueue *vq;
	bool pushed = false, was_full = p->pend_len == PORT_PENDING;

	if (!queue_usable(s, index) || (p->nr && !multiport(s)))
		return;
	vq = &s->vdev.vqs[index];
	while (p->pend_len) {
		struct vq_elem *e = virtqueue_pop(vq, sizeof(*e));
		size_t n;

		if (!e)
			break;
		if (e->out_num) {
			virtio_device_break(&s->vdev, "port %u: receive buffer is device-readable",
					    p->nr);
			g_free(e);
			return;
		}
		n = iov_from_buf(e->iov, e->in_num, 0, p->pend, p->pend_len);
		memmove(p->pend, p->pend + n, p->pend_len - n);
		p->pend_len -= n;
		virtqueue_push(vq, e, n);
		g_free(e);
		pushed = true;
	}
	if (pushed)
		virtqueue_notify(vq);
	if (was_full && p->pend_len < PORT_PENDING && p->chr)
		chardev_accept_input(p->chr);
}

static size_t port_can_read(void *opaque)
{
	struct vser_port *p = opaque;

	return PORT_PENDING - p->pend_len;
}

static void port_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct vser_port *p = opaque;

	len = MIN(len, PORT_PENDING - p->pend_len);
	memcpy(p->pend + p->pend_len, buf, len);
	p->pend_len += len;
	port_flush(p);
}

static void port_event(void *opaque, enum chr_event ev)
{
	struct vser_port *p = opaque;

	if (p->guest_ready)
		ctrl_send(p->s, p->nr, VIRTIO_CONSOLE_PORT_OPEN, ev == CHR_EVENT_OPENED, NULL);
}

static const struct chr_frontend port_fe = {
	.can_read = port_can_read,
	.read = port_read,
	.event = port_event,
};

/* ---- driver -> device ---- */

static void port_transmit(struct virtio_serial *s, struct vser_port *p, struct virtqueue *vq)
{
	struct vq_elem *e;
	bool pushed = false;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		if (e->in_num) {
			virtio_device_break(&s->vdev, "port %u: transmit buffer is "
					    "device-writable", p ? p->nr : 0);
			g_free(e);
			break;
		}
		for (unsigned i = 0; p && p->chr && i < e->out_num; i++)
			chardev_write(p->chr, e->iov[i].iov_base, e->iov[i].iov_len);
		virtqueue_push(vq, e, 0);
		g_free(e);
		pushed = true;
	}
	if (pushed)
		virtqueue_notify(vq);
}

static struct vser_port *port_by_nr(struct virtio_serial *s, uint32_t nr)
{
	return nr < s->max_ports ? s->ports[nr] : NULL;
}

static void port_ready(struct vser_port *p)
{
	p->guest_ready = true;
	if (p->console)
		ctrl_send(p->s, p->nr, VIRTIO_CONSOLE_CONSOLE_PORT, 1, NULL);
	if (p->name)
		ctrl_send(p->s, p->nr, VIRTIO_CONSOLE_PORT_NAME, 1, p->name);
	/* A console is always open on the host side, as in QEMU. */
	if (p->console || (p->chr && chardev_is_connected(p->chr)))
		ctrl_send(p->s, p->nr, VIRTIO_CONSOLE_PORT_OPEN, 1, NULL);
}

static void ctrl_handle(struct virtio_serial *s, const struct virtio_console_control *c)
{
	uint32_t id = le32toh(c->id);
	uint16_t event = le16toh(c->event), value = le16toh(c->value);
	struct vser_port *p = port_by_nr(s, id);

	switch (event) {
	case VIRTIO_CONSOLE_DEVICE_READY:
		if (!value) {
			warn_report("%s: the driver failed to set up the device", s->vdev.name);
			break;
		}
		for (unsigned i = 0; i < s->max_ports; i++)
			if (s->ports[i])
				ctrl_send(s, i, VIRTIO_CONSOLE_DEVICE_ADD, 1, NULL);
		break;
	case VIRTIO_CONSOLE_PORT_READY:
		if (!p) {
			virtio_device_break(&s->vdev, "PORT_READY for port %u, which does not exist",
					    id);
			break;
		}
		if (value)
			port_ready(p);
		break;
	case VIRTIO_CONSOLE_PORT_OPEN:
		if (p) {
			p->guest_open = value;
			port_flush(p);
		}
		break;
	default:
		break; /* nothing else goes from the driver to the device */
	}
}

static void ctrl_receive(struct virtio_serial *s, struct virtqueue *vq)
{
	struct vq_elem *e;
	bool pushed = false;

	while ((e = virtqueue_pop(vq, sizeof(*e)))) {
		struct virtio_console_control c;

		if (e->in_num || e->out_len < sizeof(c) || e->out_len > CTRL_MAX) {
			virtio_device_break(&s->vdev, "malformed control message (%zu bytes)",
					    e->out_len);
			g_free(e);
			break;
		}
		iov_to_buf(e->iov, e->out_num, 0, &c, sizeof(c));
		virtqueue_push(vq, e, 0);
		g_free(e);
		pushed = true;
		ctrl_handle(s, &c);
		if (s->vdev.broken)
			break;
	}
	if (pushed)
		virtqueue_notify(vq);
}

static void serial_queue_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_serial *s = container_of(vdev, struct virtio_serial, vdev);
	unsigned q = vq->index;
	unsigned nr;

	if (q == VIRTIO_CONSOLE_CTRL_RXQ) {
		ctrl_flush(s);
		return;
	}
	if (q == VIRTIO_CONSOLE_CTRL_TXQ) {
		ctrl_receive(s, vq);
		return;
	}
	nr = q < 2 ? 0 : q / 2 - 1;
	if (q % 2)
		port_transmit(s, port_by_nr(s, nr), vq);
	else if (port_by_nr(s, nr))
		port_flush(port_by_nr(s, nr));
}

static void serial_status_changed(struct virtio_device *vdev, uint8_t old)
{
	struct virtio_serial *s = container_of(vdev, struct virtio_serial, vdev);

	if ((old & VIRTIO_STATUS_DRIVER_OK) || !virtio_device_running(vdev))
		return;
	/* Without multiport, port 0 is open from the start. */
	if (!multiport(s) && s->ports[0])
		s->ports[0]->guest_ready = true;
	for (unsigned i = 0; i < s->max_ports; i++)
		if (s->ports[i])
			port_flush(s->ports[i]);
}

static void serial_reset(struct virtio_device *vdev)
{
	struct virtio_serial *s = container_of(vdev, struct virtio_serial, vdev);

	g_queue_clear_full(&s->ctrlq, (GDestroyNotify)g_bytes_unref);
	for (unsigned i = 0; i < s->max_ports; i++) {
		if (s->ports[i]) {
			s->ports[i]->guest_ready = false;
			s->ports[i]->guest_open = false;
		}
	}
}

static const struct virtio_device_ops serial_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.get_features = serial_features,
	.config_size = sizeof(struct virtio_console_config),
	.get_config = serial_get_config,
	.set_config = serial_set_config,
	.queue_notify = serial_queue_notify,
	.status_changed = serial_status_changed,
	.reset = serial_reset,
};

static int virtio_serial_create(struct kopts *props, GError **err)
{
	const char *id = kopts_get(props, "id");
	g_autofree char *name = NULL;
	struct virtio_serial *s;
	uint64_t max;
	bool ioeventfd, irqfd;

	kopts_get(props, "bus");
	if (kopts_get_u64(props, "max_ports", SERIAL_DEF_PORTS, &max, err) < 0 ||
	    kopts_get_bool(props, "ioeventfd", true, &ioeventfd, err) < 0 ||
	    kopts_get_bool(props, "irqfd", true, &irqfd, err) < 0 ||
	    kopts_check_unused(props, "virtio-serial-device", err) < 0)
		return -EINVAL;
	if (max < 1 || max > SERIAL_MAX_PORTS) {
		error_setg(err, "virtio-serial-device: max_ports must be 1 to %d", SERIAL_MAX_PORTS);
		return -EINVAL;
	}
	s = g_new0(struct virtio_serial, 1);
	s->id = g_strdup(id);
	s->max_ports = max;
	g_queue_init(&s->ctrlq);
	name = g_strdup_printf("virtio-serial '%s'", id ?: "serial");
	virtio_device_init(&s->vdev, &serial_ops, name, 2 * (max + 1), SERIAL_QUEUE_SIZE);
	s->vdev.ioeventfd = ioeventfd;
	s->vdev.irqfd = irqfd;
	if (!virtio_transport_plug(&s->vdev, err)) {
		virtio_device_cleanup(&s->vdev);
		g_free(s->id);
		g_free(s);
		return -EINVAL;
	}
	if (!serial_buses)
		serial_buses = g_ptr_array_new();
	g_ptr_array_add(serial_buses, s);
	return 0;
}

/* bus=ID.0 (QEMU's name of a virtio-serial-device's bus) or the last one. */
static struct virtio_serial *find_bus(const char *bus, GError **err)
{
	if (!serial_buses || !serial_buses->len) {
		error_setg(err, "No 'virtio-serial-bus' bus found for device (add -device "
			   "virtio-serial-device first)");
		return NULL;
	}
	if (!bus)
		return serial_buses->pdata[serial_buses->len - 1];
	for (guint i = 0; i < serial_buses->len; i++) {
		struct virtio_serial *s = serial_buses->pdata[i];
		g_autofree char *want = s->id ? g_strdup_printf("%s.0", s->id) : NULL;

		if (want && (!strcmp(bus, want) || !strcmp(bus, s->id)))
			return s;
	}
	error_setg(err, "Bus '%s' not found", bus);
	return NULL;
}

static int port_create(struct kopts *props, bool console, GError **err)
{
	const char *what = console ? "virtconsole" : "virtserialport";
	const char *chr_id = kopts_get(props, "chardev");
	const char *name = kopts_get(props, "name");
	const char *id = kopts_get(props, "id");
	const char *bus = kopts_get(props, "bus");
	struct virtio_serial *s;
	struct vser_port *p;
	struct chardev *chr = NULL;
	uint64_t nr = UINT64_MAX;

	if (kopts_has(props, "nr") && kopts_get_u64(props, "nr", 0, &nr, err) < 0)
		return -EINVAL;
	if (kopts_check_unused(props, what, err) < 0)
		return -EINVAL;
	s = find_bus(bus, err);
	if (!s)
		return -EINVAL;
	if (nr == UINT64_MAX) {
		/* Port 0 is for a console only (what older drivers expect). */
		for (nr = console ? 0 : 1; nr < s->max_ports && s->ports[nr]; nr++)
			;
		if (nr >= s->max_ports) {
			error_setg(err, "%s: no free port on '%s' (max_ports=%u)", what,
				   s->vdev.name, s->max_ports);
			return -EINVAL;
		}
	} else if (nr >= s->max_ports || s->ports[nr] || (nr == 0 && !console)) {
		error_setg(err, "%s: port number %" G_GUINT64_FORMAT " is %s", what, nr,
			   nr >= s->max_ports ? "out of range" :
			   s->ports[nr] ? "taken" : "reserved for a virtconsole");
		return -EINVAL;
	}
	if (chr_id) {
		chr = chardev_find(chr_id);
		if (!chr) {
			error_setg(err, "%s: Property 'chardev': chardev '%s' not found", what, chr_id);
			return -EINVAL;
		}
	}
	p = g_new0(struct vser_port, 1);
	p->s = s;
	p->nr = nr;
	p->console = console;
	p->name = g_strdup(name);
	p->id = g_strdup(id);
	if (chr && chardev_attach(chr, &port_fe, p, err) < 0) {
		g_prefix_error(err, "%s: ", what);
		g_free(p->name);
		g_free(p->id);
		g_free(p);
		return -EINVAL;
	}
	p->chr = chr;
	s->ports[nr] = p;
	return 0;
}

static int virtconsole_create(struct kopts *props, GError **err)
{
	return port_create(props, true, err);
}

static int virtserialport_create(struct kopts *props, GError **err)
{
	return port_create(props, false, err);
}

static const struct device_type virtio_serial_type = {
	.name = "virtio-serial-device",
	.desc = "virtio console/serial ports on virtio-mmio (max_ports=N, ioeventfd=on|off, "
		"irqfd=on|off)",
	.bus = "virtio",
	.user_creatable = true,
	.create = virtio_serial_create,
};
DEVICE_TYPE_REGISTER(virtio_serial_type)

static const struct device_type virtconsole_type = {
	.name = "virtconsole",
	.desc = "console port (hvc) of a virtio-serial-device (chardev=ID)",
	.bus = "virtio-serial-bus",
	.user_creatable = true,
	.create = virtconsole_create,
};
DEVICE_TYPE_REGISTER(virtconsole_type)

static const struct device_type virtserialport_type = {
	.name = "virtserialport",
	.desc = "named port of a virtio-serial-device (chardev=ID, name=N)",
	.bus = "virtio-serial-bus",
	.user_creatable = true,
	.create = virtserialport_create,
};
DEVICE_TYPE_REGISTER(virtserialport_type)
