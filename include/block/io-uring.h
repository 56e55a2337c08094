/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_BLOCK_IO_URING_H
#define KEEL_BLOCK_IO_URING_H

/*
 * aio=io_uring for block/raw.c: reads, writes and flushes of one image go
 * through an io_uring that is submitted to and reaped from the main loop (an
 * eventfd registered with the ring wakes it), so no thread is involved.
 * Everything here runs with the bql held.
 */
#include <glib.h>
#include <stdbool.h>

#include "block/block.h"

struct blk_uring;

struct blk_uring_cfg {
	const char *path;	/* for messages */
	int fd;
	int fd_buffered;	/* O_DIRECT retry for unaligned requests, or -1 */
	bool fua_flush;		/* a FUA write is followed by a data sync */
	unsigned entries;	/* submission queue size */
	/* Called with req->ret set; may submit more. */
	void (*complete)(struct blk_req *req, void *opaque);
	void *opaque;
};

/* Errors: one line that says why the kernel refused the ring. */
struct blk_uring *blk_uring_new(const struct blk_uring_cfg *cfg, GError **err);
/* Nothing may be in flight (blk_drain first). */
void blk_uring_free(struct blk_uring *u);
/* BLK_OP_READ, BLK_OP_WRITE or BLK_OP_FLUSH. */
void blk_uring_submit(struct blk_uring *u, struct blk_req *req);
void blk_uring_plug(struct blk_uring *u);
void blk_uring_unplug(struct blk_uring *u);
/* Readable when completions may be waiting (the registered eventfd). */
int blk_uring_wait_fd(const struct blk_uring *u);
/* For blk_drain(): reap what completed and submit everything queued, plugged or not. */
void blk_uring_drain_step(struct blk_uring *u);

#endif
