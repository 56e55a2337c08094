/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_BLOCK_BLOCK_H
#define KEEL_BLOCK_BLOCK_H

/*
 * Host-side block backends: a raw image file (or block device) with
 * asynchronous requests run by a small thread pool (aio=threads) or an
 * io_uring (aio=io_uring, block/io-uring.c). Completions come back through
 * the GLib main loop, so done() runs with the bql held, never on a pool
 * thread. Images are locked with OFD locks (like QEMU) so two processes
 * cannot write the same image.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

enum blk_cache_mode {
	BLK_CACHE_WRITEBACK,	/* page cache; flush -> fdatasync (default) */
	BLK_CACHE_NONE,		/* O_DIRECT; flush -> fdatasync */
	BLK_CACHE_WRITETHROUGH,	/* O_DSYNC */
	BLK_CACHE_DIRECTSYNC,	/* O_DIRECT | O_DSYNC */
	BLK_CACHE_UNSAFE,	/* page cache; flushes ignored */
};

enum blk_aio {
	BLK_AIO_THREADS,	/* a GThreadPool per image (default) */
	BLK_AIO_IO_URING,	/* an io_uring per image, driven from the main loop */
};

struct blk_open_opts {
	const char *path;
	bool readonly;
	enum blk_cache_mode cache;
	bool discard;		/* discard=unmap: punch holes (QEMU's default is ignore) */
	unsigned threads;	/* pool size; 0 = default (4) */
	bool no_lock;		/* locking=off: no OFD lock on the image */
	enum blk_aio aio;
	unsigned ring_entries;	/* io_uring submission queue size; 0 = default (128) */
};

/* Whether this build has aio=io_uring (liburing). */
bool blk_io_uring_built(void);

struct blk_backend;

/* Errors: "Could not open 'path': ...", or the lock conflict message. */
struct blk_backend *blk_open(const struct blk_open_opts *o, GError **err);
/* Drains and closes. */
void blk_close(struct blk_backend *b);
uint64_t blk_size(const struct blk_backend *b);
bool blk_readonly(const struct blk_backend *b);
/* Whether the backend needs explicit flushes (false for writethrough modes). */
bool blk_has_volatile_cache(const struct blk_backend *b);
const char *blk_path(const struct blk_backend *b);

enum blk_op {
	BLK_OP_READ,
	BLK_OP_WRITE,
	BLK_OP_FLUSH,
	BLK_OP_DISCARD,
	BLK_OP_WRITE_ZEROES,
};

struct blk_req {
	enum blk_op op;
	uint64_t offset;	/* bytes */
	uint64_t len;		/* discard and write-zeroes */
	struct iovec *iov;	/* read and write */
	unsigned niov;
	bool may_unmap;		/* write-zeroes may punch a hole */
	bool fua;		/* write: data on stable storage before done() */
	int ret;		/* 0 or -errno, valid in done() */
	void (*done)(struct blk_req *req);
};

/* Queue req; done() runs later from the main loop (bql held). */
void blk_submit(struct blk_backend *b, struct blk_req *req);
/*
 * Wait until every submitted request has completed and run its done()
 * (bql held, any thread). done() may submit more; those are waited for too.
 */
void blk_drain(struct blk_backend *b);
unsigned blk_inflight(const struct blk_backend *b);

/*
 * Requests submitted between plug and unplug go to the kernel together when
 * the outermost unplug comes (one io_uring_enter for a whole virtqueue kick).
 * A no-op for aio=threads.
 */
void blk_io_plug(struct blk_backend *b);
void blk_io_unplug(struct blk_backend *b);

/* Process-wide counters, for tests and debugging (bql). */
struct blk_counters {
	uint64_t pool_reqs;		/* requests run on a thread pool */
	uint64_t ring_enters;		/* io_uring_submit() calls that passed SQEs on */
	uint64_t ring_sqes;		/* SQEs the kernel took */
	uint64_t ring_cqes_eventfd;	/* CQEs reaped after the ring's eventfd fired */
	uint64_t ring_cqes_drain;	/* CQEs reaped by blk_drain() */
	uint64_t ring_resubmits;	/* short I/O, -EAGAIN, -EINTR, O_DIRECT retry */
	uint64_t ring_waits;		/* requests that waited for room in the ring */
};
extern struct blk_counters blk_counters;

/* -drive: parse, check and remember; for if=virtio also add a virtio-blk. */
struct machine_config;
struct kopts;
int drive_add(struct machine_config *cfg, const char *optstr, GError **err);

/* What a device asks of the drive it attaches (drive_claim). */
struct drive_user {
	const char *id;		/* the device's id=, or NULL */
	int write_cache;	/* the device's write-cache: -1 auto, 0 off, 1 on */
};
/*
 * Open the backend of drive NAME for a device, once (a second user gets an
 * error): a -drive id, else a -blockdev node-name. serial receives the
 * drive's serial= (or NULL).
 */
struct blk_backend *drive_claim(const char *name, const struct drive_user *u,
				const char **serial, GError **err);
/* Whether NAME has been claimed; *dev_id then is the device's id or NULL. */
bool drive_claimed(const char *name, const char **dev_id);

/*
 * I/O accounting of a claimed drive, kept by its device as QEMU's devices
 * do (query-blockstats). Requests refused before they reach the image
 * (out of range, a write to a read-only disk) are "invalid".
 */
enum blk_acct_type { BLK_ACCT_READ, BLK_ACCT_WRITE, BLK_ACCT_FLUSH, BLK_ACCT_UNMAP, BLK_ACCT_NR };
struct blk_stats {
	uint64_t bytes[BLK_ACCT_NR];
	uint64_t ops[BLK_ACCT_NR];
	uint64_t failed[BLK_ACCT_NR];
	uint64_t invalid[BLK_ACCT_NR];
	uint64_t total_ns[BLK_ACCT_NR];
	uint64_t wr_highest_offset;	/* end of the highest successful write */
};
/* The statistics of claimed drive NAME (NULL if no device has it). */
struct blk_stats *drive_stats(const char *name);
/* Account a completed request; ns is how long it took. */
void blk_account(struct blk_stats *s, enum blk_acct_type t, uint64_t offset, uint64_t bytes,
		 uint64_t ns, bool failed);

/*
 * The -drive option checks and open, shared by -blockdev: o holds -drive
 * keys (file, readonly, cache, discard, aio, file.locking).
 */
int drive_opts_check(struct kopts *o, GError **err);
struct blk_backend *drive_opts_open(struct kopts *o, int write_cache, GError **err);

/*
 * -blockdev: a protocol node (driver=file or host_device) or a raw format
 * node over one, in QEMU's key=value (file.driver=...) or JSON form. Nodes
 * are kept in machine_config.blockdevs; a device attaches one by node-name.
 */
int blockdev_add(struct machine_config *cfg, const char *optstr, GError **err);
/* The node NAME of machine_cfg as -drive options for drive_opts_open(), or NULL. */
struct kopts *blockdev_drive_opts(const char *name, GError **err);

/* For QMP: node i of machine_cfg (false past the last). */
struct blockdev_info {
	const char *node_name;
	const char *driver;	/* raw, file or host_device */
	const char *filename;	/* the image (a raw node's too) */
	const char *file_node;	/* a raw node's child, NULL for a protocol node */
	bool ro;
};
bool blockdev_info(unsigned i, struct blockdev_info *out);

#endif
