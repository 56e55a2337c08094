// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * aio=io_uring: one ring per image, filled and reaped with the bql held.
 * Requests queued while the device is plugged (one virtqueue kick) enter the
 * kernel with one io_uring_enter; the kernel signals completions on an
 * eventfd registered with the ring, which the main loop watches, so there
 * is no completion thread. A request that finds no room (SQ full, or the CQ
 * would be over-committed) waits in a queue until completions make room.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <glib-unix.h>
#include <liburing.h>

#include "block/io-uring.h"
#include "system/error.h"
#include "system/log.h"

struct uring_op {
	struct blk_req *req;
	int fd;
	bool sync;		/* the flush, or the data sync after a FUA write */
	bool waited;		/* counted in ring_waits once */
	uint64_t off;		/* where the rest goes */
	struct iovec *iov;	/* what is left: advanced after a short transfer */
	unsigned niov;
	struct iovec iov_copy[];
};

struct blk_uring {
	struct io_uring ring;
	struct blk_uring_cfg cfg;
	int efd;
	guint source;
	guint retry_source;
	GQueue waiting;		/* ops without an SQE yet, oldest first */
	unsigned queued;	/* SQEs prepared, not yet taken by the kernel */
	unsigned in_kernel;	/* taken by the kernel, CQE not reaped yet */
	unsigned cq_entries;	/* queued + in_kernel stay below: no CQ overflow */
	unsigned plugged;
};

bool blk_io_uring_built(void)
{
	return true;
}

static void prep(struct uring_op *op, struct io_uring_sqe *sqe)
{
	if (op->sync)
		io_uring_prep_fsync(sqe, op->fd, IORING_FSYNC_DATASYNC);
	else if (op->req->op == BLK_OP_READ)
		io_uring_prep_readv(sqe, op->fd, op->iov, op->niov, op->off);
	else
		io_uring_prep_writev(sqe, op->fd, op->iov, op->niov, op->off);
	io_uring_sqe_set_data(sqe, op);
}

/* Give waiting ops SQEs while the SQ and the CQ budget have room. */
static void fill(struct blk_uring *u)
{
	struct uring_op *op;

	while ((op = g_queue_peek_head(&u->waiting))) {
		struct io_uring_sqe *sqe;

		if (u->queued + u->in_kernel >= u->cq_entries)
			break;
		sqe = io_uring_get_sqe(&u->ring);
		if (!sqe)
			break;
		g_queue_pop_head(&u->waiting);
		prep(op, sqe);
		u->queued++;
	}
	for (GList *l = u->waiting.head; l; l = l->next) {
		op = l->data;
		if (!op->waited) {
			op->waited = true;
			blk_counters.ring_waits++;
		}
	}
}

static gboolean retry_kick(gpointer opaque);

/* Fill the SQ and pass it to the kernel, unless plugged (force: drain). */
static void kick(struct blk_uring *u, bool force)
{
	for (;;) {
		int r;

		fill(u);
		if (!u->queued || (u->plugged && !force))
			return;
		r = io_uring_submit(&u->ring);
		if (r == -EINTR)
			continue;
		if (r > 0) {
			blk_counters.ring_enters++;
			blk_counters.ring_sqes += r;
			u->queued -= MIN((unsigned)r, u->queued);
			u->in_kernel += r;
			continue;
		}
		/*
		 * -EAGAIN (no kernel memory for requests) or -EBUSY (completions
		 * backlogged): completions of what is in the kernel retry; with
		 * nothing there a short timer does.
		 */
		if (r < 0 && r != -EAGAIN && r != -EBUSY)
			warn_report_once("%s: io_uring_enter: %s; retrying", u->cfg.path,
					 g_strerror(-r));
		if (!u->in_kernel && !u->retry_source)
			u->retry_source = g_timeout_add(1, retry_kick, u);
		return;
	}
}

static gboolean retry_kick(gpointer opaque)
{
	struct blk_uring *u = opaque;

	u->retry_source = 0;
	kick(u, false);
	return G_SOURCE_REMOVE;
}

static void finish(struct blk_uring *u, struct uring_op *op, int ret)
{
	struct blk_req *req = op->req;

	g_free(op);
	req->ret = ret;
	u->cfg.complete(req, u->cfg.opaque);
}

/* Again from where it stopped, before anything newer. */
static void resubmit(struct blk_uring *u, struct uring_op *op)
{
	blk_counters.ring_resubmits++;
	g_queue_push_head(&u->waiting, op);
}

static void advance(struct uring_op *op, size_t done)
{
	op->off += done;
	while (op->niov && done >= op->iov->iov_len) {
		done -= op->iov->iov_len;
		op->iov++;
		op->niov--;
	}
	if (op->niov) {
		op->iov->iov_base = (uint8_t *)op->iov->iov_base + done;
		op->iov->iov_len -= done;
	}
}

static void handle(struct blk_uring *u, struct uring_op *op, int res)
{
	struct blk_req *req = op->req;

	if (res == -EAGAIN || res == -EINTR) {
		resubmit(u, op);
		return;
	}
	if (op->sync) {
		finish(u, op, res < 0 ? res : 0);
		return;
	}
	/* O_DIRECT refuses buffers or offsets the device cannot DMA. */
	if (res == -EINVAL && op->fd == u->cfg.fd && u->cfg.fd_buffered >= 0) {
		op->fd = u->cfg.fd_buffered;
		resubmit(u, op);
		return;
	}
	if (res < 0) {
		finish(u, op, res);
		return;
	}
	if (res == 0 && op->niov) {
		if (req->op != BLK_OP_READ) {
			finish(u, op, -EIO);
			return;
		}
		/* End of file: the rest reads as zeroes, as with aio=threads. */
		for (; op->niov; op->niov--, op->iov++)
			memset(op->iov->iov_base, 0, op->iov->iov_len);
	}
	advance(op, res);
	if (op->niov) {
		resubmit(u, op);
		return;
	}
	if (req->op == BLK_OP_WRITE && req->fua && u->cfg.fua_flush) {
		op->sync = true;
		op->fd = u->cfg.fd;
		g_queue_push_head(&u->waiting, op);
		return;
	}
	finish(u, op, 0);
}

/* Reap every CQE; done() callbacks that submit more are batched. */
static void reap(struct blk_uring *u, bool in_drain)
{
	struct io_uring_cqe *cqe;
	uint64_t cnt;

	/* Read before peeking: a CQE posted after the read signals again. */
	if (read(u->efd, &cnt, sizeof(cnt)) < 0) {
		/* EAGAIN: not signalled, CQEs may still be there */
	}
	u->plugged++;
	while (io_uring_peek_cqe(&u->ring, &cqe) == 0) {
		struct uring_op *op = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&u->ring, cqe);
		u->in_kernel--;
		if (in_drain)
			blk_counters.ring_cqes_drain++;
		else
			blk_counters.ring_cqes_eventfd++;
		handle(u, op, res);
	}
	u->plugged--;
	kick(u, in_drain);
}

static gboolean ring_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	reap(opaque, false);
	return G_SOURCE_CONTINUE;
}

void blk_uring_drain_step(struct blk_uring *u)
{
	reap(u, true);
}

int blk_uring_wait_fd(const struct blk_uring *u)
{
	return u->efd;
}

void blk_uring_submit(struct blk_uring *u, struct blk_req *req)
{
	unsigned niov = req->op == BLK_OP_FLUSH ? 0 : req->niov;
	struct uring_op *op = g_malloc(sizeof(*op) + niov * sizeof(op->iov_copy[0]));

	op->req = req;
	op->fd = u->cfg.fd;
	op->sync = req->op == BLK_OP_FLUSH;
	op->waited = false;
	op->off = req->offset;
	op->iov = op->iov_copy;
	op->niov = niov;
	if (niov)
		memcpy(op->iov_copy, req->iov, niov * sizeof(op->iov_copy[0]));
	g_queue_push_tail(&u->waiting, op);
	kick(u, false);
}

void blk_uring_plug(struct blk_uring *u)
{
	u->plugged++;
}

void blk_uring_unplug(struct blk_uring *u)
{
	if (--u->plugged == 0)
		kick(u, false);
}

static const char *setup_hint(int err)
{
	switch (err) {
	case ENOSYS:
		return " (the kernel has no io_uring, or a seccomp filter hides it)";
	case EPERM:
	case EACCES:
		return " (io_uring is disabled by the kernel.io_uring_disabled sysctl or "
		       "forbidden by a seccomp filter)";
	case ENOMEM:
		return " (locked memory limit too low? see ulimit -l)";
	default:
		return "";
	}
}

struct blk_uring *blk_uring_new(const struct blk_uring_cfg *cfg, GError **err)
{
	struct blk_uring *u = g_new0(struct blk_uring, 1);
	struct io_uring_params p = { 0 };
	int ret;

	u->cfg = *cfg;
	u->efd = -1;
	g_queue_init(&u->waiting);
	ret = io_uring_queue_init_params(cfg->entries, &u->ring, &p);
	if (ret < 0) {
		error_setg(err, "aio=io_uring: cannot set up an io_uring for '%s': %s%s",
			   cfg->path, g_strerror(-ret), setup_hint(-ret));
		g_free(u);
		return NULL;
	}
	u->cq_entries = p.cq_entries;
	u->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (u->efd < 0) {
		error_setg(err, "aio=io_uring: eventfd for '%s': %s", cfg->path, g_strerror(errno));
		goto fail;
	}
	ret = io_uring_register_eventfd(&u->ring, u->efd);
	if (ret < 0) {
		error_setg(err, "aio=io_uring: cannot register an eventfd with the io_uring of "
			   "'%s': %s", cfg->path, g_strerror(-ret));
		goto fail;
	}
	u->source = g_unix_fd_add(u->efd, G_IO_IN, ring_ready, u);
	return u;
fail:
	if (u->efd >= 0)
		close(u->efd);
	io_uring_queue_exit(&u->ring);
	g_free(u);
	return NULL;
}

void blk_uring_free(struct blk_uring *u)
{
	g_assert(!u->in_kernel && !u->queued && g_queue_is_empty(&u->waiting));
	if (u->retry_source)
		g_source_remove(u->retry_source);
	g_source_remove(u->source);
	io_uring_queue_exit(&u->ring);
	close(u->efd);
	g_free(u);
}
