/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_CHARDEV_CHAR_H
#define KEEL_CHARDEV_CHAR_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kopts;
struct chardev;

enum chr_event { CHR_EVENT_OPENED, CHR_EVENT_CLOSED };

/* Frontend callbacks run in the main loop with the bql held. */
struct chr_frontend {
	size_t (*can_read)(void *opaque);
	void (*read)(void *opaque, const uint8_t *buf, size_t len);
	void (*event)(void *opaque, enum chr_event ev);
};

/* A backend kind ("stdio", "socket", ...). open() fills the chardev. */
struct chardev_backend {
	const char *name;
	int (*open)(struct chardev *chr, struct kopts *opts, GError **err);
};
void chardev_backend_register(const struct chardev_backend *b);

/* -chardev BACKEND,id=ID,... */
struct chardev *chardev_new(struct kopts *opts, GError **err);
/* -serial style spec: stdio, null, file:PATH, pty, chardev:ID, mon:stdio, unix:..., tcp:... */
struct chardev *chardev_from_spec(const char *spec, const char *id, GError **err);
struct chardev *chardev_find(const char *id);
void chardev_foreach(void (*fn)(struct chardev *c, void *opaque), void *opaque);

const char *chardev_id(const struct chardev *c);
/* QEMU's query-chardev "filename", e.g. "pty:/dev/pts/3", "stdio". */
const char *chardev_filename(const struct chardev *c);
bool chardev_is_connected(const struct chardev *c);

/*
 * One frontend per chardev, except multiplexers (mon:stdio, mux=on), where
 * input goes to the focused frontend (Ctrl-A c) and output from all of them
 * goes out. CHR_EVENT_OPENED arrives from the main loop after attach if the
 * backend is connected; on a mux only the focused frontend is open.
 * chardev_detach() on a mux detaches all its frontends.
 */
int chardev_attach(struct chardev *c, const struct chr_frontend *fe, void *opaque, GError **err);
void chardev_detach(struct chardev *c);
/* Frontend can take more input now (after can_read returned 0). */
void chardev_accept_input(struct chardev *c);
/*
 * Never blocks: sends what the backend takes now, queues the rest up to a
 * bound (256 KiB; 64 KiB for a pty) for the main loop to send, and drops
 * what does not fit with one warning per chardev. Output to a disconnected
 * backend is dropped. Returns len (the caller never has to retry).
 * Any thread, bql held.
 */
size_t chardev_write(struct chardev *c, const void *buf, size_t len);

/* Restore terminals, remove sockets. Called on every exit path. */
void chardev_cleanup_all(void);

#endif
