// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * virtio-blk on a raw image (block/raw.c). Requests are validated here,
 * run by the backend (thread pool or io_uring) and completed from the main
 * loop, so several are in flight at once. A reset (guest status 0 or system reset)
 * waits for every request taken from the queue: what the guest was told is
 * done is on the image, and nothing completes into a reset ring later.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "block/block.h"
#include "hw/core/device.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"
#include "system/runstate.h"

#define BLK_QUEUE_SIZE 256
#define BLK_MAX_DISCARD_SECTORS (1u << 22)	/* 2 GiB per request */
/* seg_max * size_max stays below the virtqueue's per-request limit (64 MiB). */
#define BLK_SEG_MAX (BLK_QUEUE_SIZE - 2)
#define BLK_SIZE_MAX (256u << 10)

struct virtio_blk {
	struct virtio_device vdev;
	struct blk_backend *blk;
	struct blk_stats *stats;	/* the drive's, for query-blockstats */
	char serial[VIRTIO_BLK_ID_BYTES];
	uint64_t sectors;
	bool wce;	/* guest-visible writeback cache (CONFIG_WCE) */
};

struct blk_vreq {
	struct vq_elem elem; /* first: virtqueue_pop() allocates the whole struct */
	struct virtio_blk *dev;
	struct virtqueue *vq;
	uint8_t *status;
	uint32_t used_len;
	struct blk_req io;
	struct iovec *data;
	uint64_t start_ns;
	uint64_t bytes;		/* for the accounting */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static enum blk_acct_type acct_type(enum blk_op op)
{
	switch (op) {
	case BLK_OP_READ:
		return BLK_ACCT_READ;
	case BLK_OP_FLUSH:
		return BLK_ACCT_FLUSH;
	case BLK_OP_DISCARD:
		return BLK_ACCT_UNMAP;
	default:
		return BLK_ACCT_WRITE;	/* writes and write-zeroes, as in QEMU */
	}
}

static struct virtio_blk *to_blk(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_blk, vdev);
}

static uint64_t blk_features(struct virtio_device *vdev)
{
	struct virtio_blk *b = to_blk(vdev);
	uint64_t f = 1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX |
		     1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_SIZE_MAX |
		     1ULL << VIRTIO_BLK_F_BLK_SIZE |
		     1ULL << VIRTIO_BLK_F_FLUSH | 1ULL << VIRTIO_BLK_F_CONFIG_WCE;

	if (blk_readonly(b->blk))
		f |= 1ULL << VIRTIO_BLK_F_RO;
	else
		f |= 1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
	return f;
}

static void blk_get_config(struct virtio_device *vdev, uint8_t *buf)
{
	struct virtio_blk *b = to_blk(vdev);
	struct virtio_blk_config c = {
		.capacity = htole64(b->sectors),
		.size_max = htole32(BLK_SIZE_MAX),
		.seg_max = htole32(BLK_SEG_MAX),
		.blk_size = htole32(VIRTIO_BLK_SECTOR),
		.writeback = b->wce,
		.num_queues = htole16(1),
		.max_discard_sectors = htole32(BLK_MAX_DISCARD_SECTORS),
		.max_discard_seg = htole32(1),
		.discard_sector_alignment = htole32(1),
		.max_write_zeroes_sectors = htole32(BLK_MAX_DISCARD_SECTORS),
		.max_write_zeroes_seg = htole32(1),
		.write_zeroes_may_unmap = 1,
	};

	memcpy(buf, &c, sizeof(c));
}

static void blk_set_config(struct virtio_device *vdev, const uint8_t *buf)
{
	const struct virtio_blk_config *c = (const void *)buf;

	/* Only the writeback toggle is writable, and only with CONFIG_WCE. */
	if (virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE))
		to_blk(vdev)->wce = c->writeback != 0;
}

static void finish(struct blk_vreq *r, uint8_t status)
{
	*r->status = status;
	virtqueue_push(r->vq, &r->elem, status == VIRTIO_BLK_S_OK ? r->used_len : 1);
	virtqueue_notify(r->vq);
	g_free(r->data);
	g_free(r);
}

static void io_done(struct blk_req *io)
{
	struct blk_vreq *r = container_of(io, struct blk_vreq, io);

	blk_account(r->dev->stats, acct_type(io->op), io->offset, r->bytes,
		    now_ns() - r->start_ns, io->ret < 0);
	if (io->ret < 0)
		warn_report_once("%s: %s failed: %s", r->dev->vdev.name, blk_path(r->dev->blk),
				 g_strerror(-io->ret));
	finish(r, io->ret < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
}

static bool in_range(struct virtio_blk *b, uint64_t sector, uint64_t nsect)
{
	return sector <= b->sectors && nsect <= b->sectors - sector;
}

/* Read/write: data between the header and the status byte. */
static uint8_t submit_rw(struct virtio_blk *b, struct blk_vreq *r, bool write, uint64_t sector)
{
	struct vq_elem *e = &r->elem;
	size_t len = write ? e->out_len - sizeof(struct virtio_blk_outhdr) : e->in_len - 1;
	size_t off = write ? sizeof(struct virtio_blk_outhdr) : 0;
	unsigned base = write ? 0 : e->out_num, n = write ? e->out_num : e->in_num;

	if ((write && blk_readonly(b->blk)) ||
	    len % VIRTIO_BLK_SECTOR || !in_range(b, sector, len / VIRTIO_BLK_SECTOR)) {
		b->stats->invalid[write ? BLK_ACCT_WRITE : BLK_ACCT_READ]++;
		return VIRTIO_BLK_S_IOERR;
	}
	r->data = g_new(struct iovec, n);
	r->io.op = write ? BLK_OP_WRITE : BLK_OP_READ;
	r->io.offset = sector * VIRTIO_BLK_SECTOR;
	r->io.niov = iov_slice(e->iov + base, n, off, len, r->data, n);
	r->io.iov = r->data;
	r->io.fua = write && !b->wce && blk_has_volatile_cache(b->blk);
	r->used_len = write ? 1 : len + 1;
	r->bytes = len;
	blk_submit(b->blk, &r->io);
	return 0xff;
}

static uint8_t submit_discard(struct virtio_blk *b, struct blk_vreq *r, uint32_t type)
{
	struct virtio_blk_discard_write_zeroes seg;
	struct vq_elem *e = &r->elem;
	uint64_t sector;
	uint32_t nsect, flags;

	if (blk_readonly(b->blk))
		return VIRTIO_BLK_S_IOERR;
	/* max_discard_seg = max_write_zeroes_seg = 1 */
	if (e->out_len != sizeof(struct virtio_blk_outhdr) + sizeof(seg))
		return VIRTIO_BLK_S_UNSUPP;
	iov_to_buf(e->iov, e->out_num, sizeof(struct virtio_blk_outhdr), &seg, sizeof(seg));
	sector = le64toh(seg.sector);
	nsect = le32toh(seg.num_sectors);
	flags = le32toh(seg.flags);
	if ((type == VIRTIO_BLK_T_DISCARD && flags) ||
	    (flags & ~VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (nsect > BLK_MAX_DISCARD_SECTORS || !in_range(b, sector, nsect)) {
		b->stats->invalid[type == VIRTIO_BLK_T_DISCARD ? BLK_ACCT_UNMAP : BLK_ACCT_WRITE]++;
		return VIRTIO_BLK_S_IOERR;
	}
	r->io.op = type == VIRTIO_BLK_T_DISCARD ? BLK_OP_DISCARD : BLK_OP_WRITE_ZEROES;
	r->io.offset = sector * VIRTIO_BLK_SECTOR;
	r->io.len = (uint64_t)nsect * VIRTIO_BLK_SECTOR;
	r->io.may_unmap = flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP;
	r->used_len = 1;
	r->bytes = r->io.len;
	blk_submit(b->blk, &r->io);
	return 0xff;
}

/*
 * Returns the status for an immediate completion, 0xff when the request went
 * to the backend, or -1 after breaking the device.
 */
static int handle_req(struct virtio_blk *b, struct blk_vreq *r)
{
	struct vq_elem *e = &r->elem;
	struct iovec *last;
	struct virtio_blk_outhdr h;
	uint32_t type;

	if (e->out_len < sizeof(h) || e->in_len < 1) {
		virtio_device_break(&b->vdev, "request without header or status byte");
		return -1;
	}
	last = &e->iov[e->out_num + e->in_num - 1];
	r->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	iov_to_buf(e->iov, e->out_num, 0, &h, sizeof(h));
	type = le32toh(h.type);
	r->io.done = io_done;
	r->start_ns = now_ns();

	switch (type) {
	case VIRTIO_BLK_T_IN:
		if (e->out_len != sizeof(h))
			goto wrong_direction;
		return submit_rw(b, r, false, le64toh(h.sector));
	case VIRTIO_BLK_T_OUT:
		if (e->in_len != 1)
			goto wrong_direction;
		return submit_rw(b, r, true, le64toh(h.sector));
	case VIRTIO_BLK_T_FLUSH:
		r->io.op = BLK_OP_FLUSH;
		r->used_len = 1;
		blk_submit(b->blk, &r->io);
		return 0xff;
	case VIRTIO_BLK_T_GET_ID:
		iov_from_buf(e->iov + e->out_num, e->in_num, 0, b->serial,
			     MIN(e->in_len - 1, sizeof(b->serial)));
		r->used_len = MIN(e->in_len - 1, sizeof(b->serial)) + 1;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (e->in_len != 1)
			goto wrong_direction;
		return submit_discard(b, r, type);
	}
	return VIRTIO_BLK_S_UNSUPP;
wrong_direction:
	virtio_device_break(&b->vdev, "request type %u with buffers in the wrong direction",
			    type);
	return -1;
}

static void blk_queue_notify(struct virtio_device *vdev, struct virtqueue *vq)
{
	struct virtio_blk *b = to_blk(vdev);
	struct blk_vreq *r;

	/* One kick's requests reach the host kernel together (aio=io_uring). */
	blk_io_plug(b->blk);
	while ((r = virtqueue_pop(vq, sizeof(*r)))) {
		int st;

		r->dev = b;
		r->vq = vq;
		st = handle_req(b, r);
		if (st < 0) {
			g_free(r);
			break;
		}
		if (st != 0xff)
			finish(r, st);
	}
	blk_io_unplug(b->blk);
}

static void blk_reset(struct virtio_device *vdev)
{
	struct virtio_blk *b = to_blk(vdev);

	/* Completions still land in the (about to be forgotten) used ring. */
	blk_drain(b->blk);
	b->wce = blk_has_volatile_cache(b->blk);
}

/* Stopped VM (QMP stop, shutdown, errors): nothing of ours is left running. */
static void blk_vm_change(bool running, enum run_state state, void *opaque)
{
	struct virtio_blk *b = opaque;

	if (!running)
		blk_drain(b->blk);
}

static const struct virtio_device_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.get_features = blk_features,
	.config_size = sizeof(struct virtio_blk_config),
	.get_config = blk_get_config,
	.set_config = blk_set_config,
	.queue_notify = blk_queue_notify,
	.reset = blk_reset,
};

static int virtio_blk_create(struct kopts *props, GError **err)
{
	const char *drive, *serial = NULL, *s, *wc;
	struct drive_user user = { .write_cache = -1 };
	g_autofree char *name = NULL;
	struct virtio_blk *b;
	struct blk_backend *blk;
	bool ioeventfd, irqfd, on;

	drive = kopts_get(props, "drive");
	user.id = kopts_get(props, "id");
	s = kopts_get(props, "serial");
	kopts_get(props, "bootindex"); /* libvirt passes it; firmware boot order is not ours */
	if (kopts_get_bool(props, "ioeventfd", true, &ioeventfd, err) < 0 ||
	    kopts_get_bool(props, "irqfd", true, &irqfd, err) < 0)
		return -EINVAL;
	/* write-cache=auto takes the drive's cache mode; on/off override it (WCE). */
	wc = kopts_get(props, "write-cache");
	if (wc && strcmp(wc, "auto")) {
		if (parse_bool(wc, &on) < 0) {
			error_setg(err, "virtio-blk-device: Property 'write-cache' takes on, off "
				   "or auto, not '%s'", wc);
			return -EINVAL;
		}
		user.write_cache = on;
	}
	if (kopts_check_unused(props, "virtio-blk-device", err) < 0)
		return -EINVAL;
	if (!drive) {
		error_setg(err, "virtio-blk-device: Property 'drive' is missing");
		return -EINVAL;
	}
	blk = drive_claim(drive, &user, &serial, err);
	if (!blk)
		return -EINVAL;
	b = g_new0(struct virtio_blk, 1);
	b->blk = blk;
	b->stats = drive_stats(drive);
	b->sectors = blk_size(blk) / VIRTIO_BLK_SECTOR;
	b->wce = blk_has_volatile_cache(blk);
	if (s)
		serial = s;
	if (serial)
		memcpy(b->serial, serial, MIN(strlen(serial), sizeof(b->serial)));
	name = g_strdup_printf("virtio-blk '%s'", user.id ?: drive);
	virtio_device_init(&b->vdev, &blk_ops, name, 1, BLK_QUEUE_SIZE);
	b->vdev.ioeventfd = ioeventfd;
	b->vdev.irqfd = irqfd;
	if (!virtio_transport_plug(&b->vdev, err)) {
		virtio_device_cleanup(&b->vdev);
		blk_close(blk);
		g_free(b);
		return -EINVAL;
	}
	runstate_add_change_handler(blk_vm_change, b);
	if (blk_size(blk) % VIRTIO_BLK_SECTOR)
		warn_report("%s: image size is not a multiple of 512; the tail is not visible",
			    blk_path(blk));
	return 0;
}

static const struct device_type virtio_blk_type = {
	.name = "virtio-blk-device",
	.desc = "virtio block device on virtio-mmio (drive=, serial=, write-cache=on|off|auto, "
		"ioeventfd=on|off, irqfd=on|off)",
	.bus = "virtio",
	.user_creatable = true,
	.create = virtio_blk_create,
};
DEVICE_TYPE_REGISTER(virtio_blk_type)

/* QEMU's alias: virtio-blk-pci where the machine has a PCI bus (-M pc), else virtio-mmio. */
static const char *virtio_blk_alias_resolve(void)
{
	return virtio_pci_available() ? "virtio-blk-pci" : "virtio-blk-device";
}

static const struct device_type virtio_blk_alias_type = {
	.name = "virtio-blk",
	.desc = "virtio-blk-pci on a machine with a PCI bus, else virtio-blk-device",
	.user_creatable = true,
	.resolve = virtio_blk_alias_resolve,
};
DEVICE_TYPE_REGISTER(virtio_blk_alias_type)
