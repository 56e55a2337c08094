// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file backend: output to a file, truncated at start like QEMU unless
 * append=on. There is no input.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "chardev/char-be.h"
#include "system/error.h"
#include "system/opts.h"

struct file_be {
	int fd;
};

static void file_close(struct chardev *c)
{
	struct file_be *f = chardev_be_opaque(c);

	chardev_set_fds(c, -1, -1);
	if (f->fd >= 0)
		close(f->fd);
	g_free(f);
}

static const struct chardev_ops file_ops = {
	.close = file_close,
};

static int file_open(struct chardev *c, struct kopts *opts, GError **err)
{
	const char *path = kopts_get(opts, "path");
	struct file_be *f;
	bool append;
	int fd;

	if (kopts_get_bool(opts, "append", false, &append, err) < 0)
		return -EINVAL;
	if (!path || !*path) {
		error_setg(err, "chardev '%s': file backend needs path=", chardev_id(c));
		return -EINVAL;
	}
	if (kopts_check_unused(opts, NULL, err) < 0)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0666);
	if (fd < 0) {
		int e = errno;

		error_setg(err, "chardev '%s': could not open '%s': %s", chardev_id(c), path,
			    g_strerror(e));
		return -e;
	}
	f = g_new0(struct file_be, 1);
	f->fd = fd;
	chardev_set_ops(c, &file_ops, f);
	chardev_set_fds(c, -1, fd);
	{
		g_autofree char *name = g_strdup_printf("file:%s", path);

		chardev_set_filename(c, name);
	}
	chardev_set_connected(c, true);
	return 0;
}

static const struct chardev_backend file_backend = {
	.name = "file",
	.open = file_open,
};
CHARDEV_BACKEND_REGISTER(file_backend)
