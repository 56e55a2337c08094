/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_BLOCK_BLOCK_H
#define KEEL_BLOCK_BLOCK_H

/*
 * Host-side block backends: a raw image file (or block device) with
 * asynchronous requests run by a small thread pool. Completions come back
 * through the GLib main loop, so done() runs with the bql held, never on a
 * pool thread. Images are locked with OFD locks (like QEMU) so two
 * processes cannot write the same image.
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

struct blk_open_opts {
	const char *path;
	bool readonly;
	enum blk_cache_mode cache;
	bool discard;		/* discard=unmap: punch holes (QEMU's default is ignore) */
	unsigned threads;	/* pool size; 0 = default (4) */
};

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

/* -drive: parse, check and remember; for if=virtio also add a virtio-blk-device. */
struct machine_config;
int drive_add(struct machine_config *cfg, const char *optstr, GError **err);
/*
 * Open the backend of -drive id=ID for a device (once: a second user gets
 * an error). serial receives the drive's serial= (or NULL).
 */
struct blk_backend *drive_claim(const char *id, const char **serial, GError **err);

#endif
