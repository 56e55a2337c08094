/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_CHARDEV_CHAR_BE_H
#define KEEL_CHARDEV_CHAR_BE_H

/*
 * The backend side of a chardev, for files under chardev/ only. Frontends
 * (devices, monitors) use include/chardev/char.h.
 *
 * Most backends are a pair of file descriptors: open() calls
 * chardev_set_fds() and the core does all the I/O in the GLib default
 * context: it reads input only while the frontend can take it, and writes
 * output without blocking (a bounded buffer, then drops with one warning).
 * A backend that changes connection (a socket client comes and goes) calls
 * chardev_set_fds() again and chardev_set_connected(). A backend that is not
 * an fd pair (the mux) overrides write/attach/... in its ops.
 *
 * All of these run in the main loop with the bql held, except write(),
 * which runs in the caller of chardev_write() (any thread, bql held).
 */

#include "chardev/char.h"

/*
 * open() consumes its keys with kopts_get*(); the core then rejects any key
 * left unused (and calls close()). Backends that grab resources may call
 * kopts_check_unused() themselves first.
 */
struct chardev_ops {
	/* Take over output entirely (mux). Default: the core's fd writer. */
	size_t (*write)(struct chardev *c, const void *buf, size_t len);
	/* Take over frontends entirely (mux). Default: one frontend per chardev. */
	int (*attach)(struct chardev *c, const struct chr_frontend *fe, void *opaque,
		      GError **err);
	void (*detach)(struct chardev *c);
	void (*accept_input)(struct chardev *c);
	/* Input fd reached EOF or failed. Default: stop reading it. */
	void (*hup)(struct chardev *c);
	/*
	 * Process exit: restore terminals, unlink sockets. Must be idempotent
	 * and async-signal-safe (no malloc, no locks): it may run from a
	 * fatal-signal handler.
	 */
	void (*cleanup)(struct chardev *c);
	/* Release backend state and fds (chardev_free, failed open). */
	void (*close)(struct chardev *c);
};

void chardev_set_ops(struct chardev *c, const struct chardev_ops *ops, void *opaque);
void *chardev_be_opaque(struct chardev *c);
void chardev_set_filename(struct chardev *c, const char *filename);

/*
 * Use in_fd for input and out_fd for output (-1: none; they may be equal).
 * The core does not take ownership: the backend closes the fds after
 * replacing them. out_fd is made non-blocking; its original file status
 * flags come back when it is replaced and at chardev_cleanup_all().
 * Replacing out_fd discards unwritten output.
 */
void chardev_set_fds(struct chardev *c, int in_fd, int out_fd);
/* Backend connection state; sends CHR_EVENT_OPENED/CLOSED to the frontend on change. */
void chardev_set_connected(struct chardev *c, bool connected);
/*
 * Output buffered while out_fd is not writable, per chardev (default
 * CHARDEV_OUT_LIMIT). Beyond it data is dropped, with a one-time warning
 * unless quiet (a pty nobody reads is normal, not worth a warning).
 */
#define CHARDEV_OUT_LIMIT (256u * 1024)
void chardev_set_out_limit(struct chardev *c, size_t limit, bool quiet);

/* Deliver to the attached frontend (for backends that read themselves). */
size_t chardev_fe_can_read(struct chardev *c);
void chardev_fe_read(struct chardev *c, const uint8_t *buf, size_t len);
void chardev_fe_event(struct chardev *c, enum chr_event ev);
bool chardev_has_frontend(const struct chardev *c);

/*
 * Create a chardev with this id and no backend state yet, registered so
 * chardev_find() sees it (for backends that build on other chardevs).
 * Returns NULL with err set if the id is invalid or taken.
 */
struct chardev *chardev_alloc(const char *id, const char *backend, GError **err);
/* Unregister and free a chardev whose open failed or that has no users. */
void chardev_free(struct chardev *c);

/* Wrap base in a multiplexer named id (chardev/char-mux.c). */
struct chardev *chardev_mux_new(const char *id, struct chardev *base, GError **err);

#define CHARDEV_BACKEND_REGISTER(var)                                                              \
	static void __attribute__((constructor)) chardev_backend_reg_##var(void)                  \
	{                                                                                          \
		chardev_backend_register(&var);                                                    \
	}

#endif
