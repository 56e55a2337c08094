// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Raw image backend. Requests run on a per-image GThreadPool; finished ones
 * are queued and an eventfd wakes the main loop, which runs their done()
 * callbacks with the bql held. With aio=io_uring, reads, writes and flushes
 * go through the image's io_uring instead (block/io-uring.c) and the rest
 * (discard, write zeroes, refused requests) still through the pool. Nothing
 * in here touches device state.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <linux/fs.h>

#include "block/block.h"
#include "block/io-uring.h"
#include "system/error.h"
#include "system/log.h"

#define BLK_DEFAULT_THREADS 4
#define BLK_DRAIN_TIMEOUT_US (60 * G_USEC_PER_SEC)
/* The byte QEMU's raw driver uses to say "someone writes this image". */
#define BLK_LOCK_BYTE 100
#define BLK_RING_ENTRIES 128

struct blk_counters blk_counters;

struct blk_backend {
	char *path;
	int fd;
	int fd_buffered;	/* O_DIRECT fallback for unaligned requests */
	bool readonly;
	bool is_blockdev;
	bool discard;
	enum blk_cache_mode cache;
	uint64_t size;
	GThreadPool *pool;
	GAsyncQueue *done_q;
	int efd;
	guint source;
	unsigned inflight;	/* bql */
	unsigned pool_running;	/* atomic: pool tasks not past their eventfd write */
	struct blk_uring *uring;	/* aio=io_uring */
};

/* Take the image lock: shared for readers, exclusive for a writer. */
static int lock_image(struct blk_backend *b, GError **err)
{
	struct flock fl = {
		.l_type = b->readonly ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = BLK_LOCK_BYTE,
		.l_len = 1,
	};

	if (fcntl(b->fd, F_OFD_SETLK, &fl) == 0)
		return 0;
	if (errno == EAGAIN || errno == EACCES) {
		error_setg(err, "Failed to get \"%s\" lock on '%s': Is another process using "
			   "the image?", b->readonly ? "shared" : "write", b->path);
		return -1;
	}
	if (errno == EINVAL || errno == ENOLCK || errno == EOPNOTSUPP) {
		warn_report("%s: file locking is not supported; not locking the image", b->path);
		return 0;
	}
	error_setg(err, "Could not lock '%s': %s", b->path, g_strerror(errno));
	return -1;
}

static gboolean completions_ready(gint fd, GIOCondition cond, gpointer opaque);

static void run_req(gpointer data, gpointer opaque);

static void uring_complete(struct blk_req *req, void *opaque);

struct blk_backend *blk_open(const struct blk_open_opts *o, GError **err)
{
	struct blk_backend *b = g_new0(struct blk_backend, 1);
	int flags = (o->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;
	off_t end;

	b->path = g_strdup(o->path);
	b->readonly = o->readonly;
	b->cache = o->cache;
	b->discard = o->discard;
	b->fd = b->fd_buffered = b->efd = -1;
	if (o->cache == BLK_CACHE_WRITETHROUGH || o->cache == BLK_CACHE_DIRECTSYNC)
		flags |= O_DSYNC;
	b->fd_buffered = open(o->path, flags);
	if (b->fd_buffered < 0) {
		error_setg(err, "Could not open '%s': %s", o->path, g_strerror(errno));
		goto fail;
	}
	if (o->cache == BLK_CACHE_NONE || o->cache == BLK_CACHE_DIRECTSYNC) {
		b->fd = open(o->path, flags | O_DIRECT);
		if (b->fd < 0) {
			error_setg(err, "Could not open '%s' with O_DIRECT (cache=none): %s",
				   o->path, g_strerror(errno));
			goto fail;
		}
	} else {
		b->fd = b->fd_buffered;
		b->fd_buffered = -1;
	}
	if (fstat(b->fd, &st) < 0) {
		error_setg(err, "Could not stat '%s': %s", o->path, g_strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		error_setg(err, "'%s' is not a regular file or block device", o->path);
		goto fail;
	}
	b->is_blockdev = S_ISBLK(st.st_mode);
	if (!o->no_lock && lock_image(b, err) < 0)
		goto fail;
	end = lseek(b->fd, 0, SEEK_END);
	if (end < 0) {
		error_setg(err, "Could not get the size of '%s': %s", o->path, g_strerror(errno));
		goto fail;
	}
	b->size = end;
	if (o->aio == BLK_AIO_IO_URING) {
		struct blk_uring_cfg cfg = {
			.path = o->path,
			.fd = b->fd,
			.fd_buffered = b->fd_buffered,
			.fua_flush = o->cache != BLK_CACHE_UNSAFE,
			.entries = o->ring_entries ? o->ring_entries : BLK_RING_ENTRIES,
			.complete = uring_complete,
			.opaque = b,
		};

		b->uring = blk_uring_new(&cfg, err);
		if (!b->uring)
			goto fail;
	}
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0) {
		error_setg(err, "eventfd: %s", g_strerror(errno));
		if (b->uring)
			blk_uring_free(b->uring);
		goto fail;
	}
	b->done_q = g_async_queue_new();
	b->pool = g_thread_pool_new(run_req, b, o->threads ? o->threads : BLK_DEFAULT_THREADS,
				    FALSE, NULL);
	b->source = g_unix_fd_add(b->efd, G_IO_IN, completions_ready, b);
	return b;
fail:
	if (b->fd >= 0)
		close(b->fd);
	if (b->fd_buffered >= 0)
		close(b->fd_buffered);
	g_free(b->path);
	g_free(b);
	return NULL;
}

void blk_close(struct blk_backend *b)
{
	if (!b)
		return;
	blk_drain(b);
	if (b->uring)
		blk_uring_free(b->uring);
	g_thread_pool_free(b->pool, FALSE, TRUE);
	/*
	 * The pool has waited for its tasks, but inside GLib: this acquire
	 * shows ThreadSanitizer that their eventfd writes precede the close.
	 */
	g_assert(!__atomic_load_n(&b->pool_running, __ATOMIC_ACQUIRE));
	g_source_remove(b->source);
	g_async_queue_unref(b->done_q);
	close(b->efd);
	close(b->fd);
	if (b->fd_buffered >= 0)
		close(b->fd_buffered);
	g_free(b->path);
	g_free(b);
}

uint64_t blk_size(const struct blk_backend *b)
{
	return b->size;
}

bool blk_readonly(const struct blk_backend *b)
{
	return b->readonly;
}

bool blk_has_volatile_cache(const struct blk_backend *b)
{
	return b->cache == BLK_CACHE_WRITEBACK || b->cache == BLK_CACHE_NONE ||
	       b->cache == BLK_CACHE_UNSAFE;
}

const char *blk_path(const struct blk_backend *b)
{
	return b->path;
}

/* preadv/pwritev until done; short reads at end of file read as zeroes. */
static int rw_fd(int fd, struct blk_req *req)
{
	struct iovec local[IOV_MAX], *v = local;
	unsigned cnt = req->niov;
	uint64_t off = req->offset;

	if (req->niov > IOV_MAX)
		return -EINVAL;
	memcpy(local, req->iov, cnt * sizeof(local[0]));
	while (cnt) {
		ssize_t r;

		if (req->op == BLK_OP_READ)
			r = preadv(fd, v, cnt, off);
		else
			r = pwritev(fd, v, cnt, off);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0) {
			if (req->op != BLK_OP_READ)
				return -EIO;
			for (; cnt; cnt--, v++)
				memset(v->iov_base, 0, v->iov_len);
			return 0;
		}
		off += r;
		while (cnt && (size_t)r >= v->iov_len) {
			r -= v->iov_len;
			v++;
			cnt--;
		}
		if (cnt) {
			v->iov_base = (uint8_t *)v->iov_base + r;
			v->iov_len -= r;
		}
	}
	return 0;
}

static int do_rw(struct blk_backend *b, struct blk_req *req)
{
	int ret = rw_fd(b->fd, req);

	/* O_DIRECT refuses buffers or offsets the device cannot DMA. */
	if (ret == -EINVAL && b->fd_buffered >= 0)
		ret = rw_fd(b->fd_buffered, req);
	if (!ret && req->op == BLK_OP_WRITE && req->fua && b->cache != BLK_CACHE_UNSAFE &&
	    fdatasync(b->fd) < 0)
		ret = -errno;
	return ret;
}

static int write_zero_bufs(struct blk_backend *b, uint64_t off, uint64_t len)
{
	static const uint8_t zeroes[65536];

	while (len) {
		ssize_t r = pwrite(b->fd_buffered >= 0 ? b->fd_buffered : b->fd, zeroes,
				   MIN(len, sizeof(zeroes)), off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		off += r;
		len -= r;
	}
	return 0;
}

static int do_discard(struct blk_backend *b, struct blk_req *req)
{
	if (!b->discard)
		return 0; /* discard=ignore: a hint we may drop */
	if (b->is_blockdev) {
		uint64_t range[2] = { req->offset, req->len };

		/* Advisory: a device that cannot discard simply keeps the data. */
		ioctl(b->fd, BLKDISCARD, range);
		return 0;
	}
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, req->offset,
		      req->len) < 0 && errno != EOPNOTSUPP)
		return -errno;
	return 0;
}

static int do_write_zeroes(struct blk_backend *b, struct blk_req *req)
{
	if (b->is_blockdev) {
		uint64_t range[2] = { req->offset, req->len };

		if (!ioctl(b->fd, BLKZEROOUT, range))
			return 0;
		return write_zero_bufs(b, req->offset, req->len);
	}
	if (req->may_unmap && b->discard &&
	    !fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, req->offset, req->len))
		return 0;
	if (!fallocate(b->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, req->offset, req->len))
		return 0;
	if (errno != EOPNOTSUPP && errno != EINVAL)
		return -errno;
	return write_zero_bufs(b, req->offset, req->len);
}

static int do_flush(struct blk_backend *b)
{
	if (b->cache == BLK_CACHE_UNSAFE)
		return 0;
	return fdatasync(b->fd) < 0 ? -errno : 0;
}

static void run_req(gpointer data, gpointer opaque)
{
	struct blk_backend *b = opaque;
	struct blk_req *req = data;
	uint64_t one = 1;
	int ret;

	/*
	 * The hand-offs go through GLib queues; these acquire/release pairs on
	 * req->ret state the ordering in a form ThreadSanitizer also sees.
	 */
	(void)__atomic_load_n(&req->ret, __ATOMIC_ACQUIRE);
	if (b->readonly && req->op != BLK_OP_READ && req->op != BLK_OP_FLUSH)
		ret = -EROFS;
	else if (req->op == BLK_OP_READ || req->op == BLK_OP_WRITE)
		ret = do_rw(b, req);
	else if (req->op == BLK_OP_FLUSH)
		ret = b->readonly ? 0 : do_flush(b);
	else if (req->op == BLK_OP_DISCARD)
		ret = do_discard(b, req);
	else
		ret = do_write_zeroes(b, req);
	__atomic_store_n(&req->ret, ret, __ATOMIC_RELEASE);
	g_async_queue_push(b->done_q, req);
	if (write(b->efd, &one, sizeof(one)) < 0) {
		/* the counter cannot overflow with our few requests */
	}
	__atomic_fetch_sub(&b->pool_running, 1, __ATOMIC_RELEASE);
}

static void complete(struct blk_backend *b, struct blk_req *req)
{
	(void)__atomic_load_n(&req->ret, __ATOMIC_ACQUIRE);
	b->inflight--;
	req->done(req);
}

static void uring_complete(struct blk_req *req, void *opaque)
{
	complete(opaque, req);
}

/* What the ring runs; the pool keeps discards, write zeroes and refusals. */
static bool uring_takes(const struct blk_backend *b, const struct blk_req *req)
{
	switch (req->op) {
	case BLK_OP_READ:
		return req->niov <= IOV_MAX;
	case BLK_OP_WRITE:
		return !b->readonly && req->niov <= IOV_MAX;
	case BLK_OP_FLUSH:
		return !b->readonly && b->cache != BLK_CACHE_UNSAFE;
	default:
		return false;
	}
}

static gboolean completions_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct blk_backend *b = opaque;
	struct blk_req *req;
	uint64_t cnt;

	if (read(fd, &cnt, sizeof(cnt)) < 0) {
		/* EAGAIN: a drain already took them */
	}
	while ((req = g_async_queue_try_pop(b->done_q)))
		complete(b, req);
	return G_SOURCE_CONTINUE;
}

void blk_submit(struct blk_backend *b, struct blk_req *req)
{
	b->inflight++;
	__atomic_store_n(&req->ret, 0, __ATOMIC_RELEASE);
	if (b->uring && uring_takes(b, req)) {
		blk_uring_submit(b->uring, req);
		return;
	}
	blk_counters.pool_reqs++;
	__atomic_fetch_add(&b->pool_running, 1, __ATOMIC_RELAXED);
	g_thread_pool_push(b->pool, req, NULL);
}

void blk_io_plug(struct blk_backend *b)
{
	if (b->uring)
		blk_uring_plug(b->uring);
}

void blk_io_unplug(struct blk_backend *b)
{
	if (b->uring)
		blk_uring_unplug(b->uring);
}

/* The ring and the pool both have requests: wait on both eventfds. */
static void drain_with_ring(struct blk_backend *b)
{
	gint64 deadline = g_get_monotonic_time() + BLK_DRAIN_TIMEOUT_US;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = b->efd, .events = POLLIN },
			{ .fd = blk_uring_wait_fd(b->uring), .events = POLLIN },
		};

		blk_uring_drain_step(b->uring);
		completions_ready(b->efd, G_IO_IN, b);
		if (!b->inflight)
			return;
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			g_error("blk_drain: poll: %s", g_strerror(errno));
		if (g_get_monotonic_time() > deadline) {
			error_report("%s: %u requests still running after 60 s; waiting on",
				     b->path, b->inflight);
			deadline = g_get_monotonic_time() + BLK_DRAIN_TIMEOUT_US;
		}
	}
}

void blk_drain(struct blk_backend *b)
{
	gint64 deadline = g_get_monotonic_time() + BLK_DRAIN_TIMEOUT_US;

	if (b->uring) {
		drain_with_ring(b);
		return;
	}
	while (b->inflight) {
		struct blk_req *req = g_async_queue_timeout_pop(b->done_q, G_USEC_PER_SEC);

		if (req) {
			complete(b, req);
			continue;
		}
		if (g_get_monotonic_time() > deadline) {
			/* A hung host disk: say so rather than hang the VMM silently forever. */
			error_report("%s: %u requests still running after 60 s; waiting on",
				     b->path, b->inflight);
			deadline = g_get_monotonic_time() + BLK_DRAIN_TIMEOUT_US;
		}
	}
}

unsigned blk_inflight(const struct blk_backend *b)
{
	return b->inflight;
}
