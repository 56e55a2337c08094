// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pty backend: a new pseudo-terminal; the guest console is its master side
 * and users (virsh console, screen) open the slave, /dev/pts/N.
 *
 * Keel keeps a slave fd open itself, in raw mode, for the whole run. Without
 * it the master reports hang-up whenever no user has the slave open, and
 * polling it would spin. With it, output written while nobody is connected
 * stays in the pty (a few KiB) and then in a small quiet buffer, and what
 * does not fit is dropped, as a serial line with nobody listening would.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/char-be.h"
#include "system/error.h"
#include "system/opts.h"

#define PTY_OUT_LIMIT (64u * 1024)

struct pty_be {
	int master, slave;
};

static void pty_close(struct chardev *c)
{
	struct pty_be *p = chardev_be_opaque(c);

	chardev_set_fds(c, -1, -1);
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	g_free(p);
}

static const struct chardev_ops pty_ops = {
	.close = pty_close,
};

static int pty_fail(struct chardev *c, const char *what, int master, GError **err)
{
	int e = errno;

	error_setg(err, "chardev '%s': %s: %s",
		    chardev_id(c), what, g_strerror(e));
	if (master >= 0)
		close(master);
	return -e;
}

static int pty_open(struct chardev *c, struct kopts *opts, GError **err)
{
	struct pty_be *p;
	struct termios t;
	const char *name;
	int master, slave;

	if (kopts_check_unused(opts, NULL, err) < 0)
		return -EINVAL;
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return pty_fail(c, "could not open a pty", -1, err);
	if (grantpt(master) < 0 || unlockpt(master) < 0)
		return pty_fail(c, "could not unlock the pty", master, err);
	name = ptsname(master);
	if (!name)
		return pty_fail(c, "ptsname", master, err);
	slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0)
		return pty_fail(c, "could not open the pty slave", master, err);
	/* Raw, so the line discipline neither echoes guest output back nor edits it. */
	if (tcgetattr(slave, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(slave, TCSANOW, &t);
	}
	p = g_new0(struct pty_be, 1);
	p->master = master;
	p->slave = slave;
	chardev_set_ops(c, &pty_ops, p);
	chardev_set_out_limit(c, PTY_OUT_LIMIT, true);
	chardev_set_fds(c, master, master);
	{
		g_autofree char *fn = g_strdup_printf("pty:%s", name);

		chardev_set_filename(c, fn);
	}
	/* libvirt and users look for this exact line. */
	fprintf(stderr, "char device redirected to %s (label %s)\n", name, chardev_id(c));
	chardev_set_connected(c, true);
	return 0;
}

static const struct chardev_backend pty_backend = {
	.name = "pty",
	.open = pty_open,
};
CHARDEV_BACKEND_REGISTER(pty_backend)
