// SPDX-License-Identifier: GPL-2.0-or-later
/* aio=io_uring in a build without liburing: -drive refuses it (block/drive.c). */
#include "block/io-uring.h"
#include "system/error.h"

bool blk_io_uring_built(void)
{
	return false;
}

struct blk_uring *blk_uring_new(const struct blk_uring_cfg *cfg, GError **err)
{
	error_setg(err, "aio=io_uring is not supported: Keel was built without liburing");
	return NULL;
}

void blk_uring_free(struct blk_uring *u)
{
}

void blk_uring_submit(struct blk_uring *u, struct blk_req *req)
{
	g_assert_not_reached();
}

void blk_uring_plug(struct blk_uring *u)
{
}

void blk_uring_unplug(struct blk_uring *u)
{
}

int blk_uring_wait_fd(const struct blk_uring *u)
{
	return -1;
}

void blk_uring_drain_step(struct blk_uring *u)
{
}
