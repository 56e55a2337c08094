// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Chardev core: the backend registry, the id namespace, frontend handling
 * and non-blocking fd I/O in the GLib default context.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "system/thread.h"
#include "chardev/char-be.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

struct chardev {
	char *id;
	char *filename;
	char *backend_name;
	const struct chardev_ops *ops;
	void *be_opaque;
	bool connected;

	/* frontend (single; a mux keeps its own list) */
	const struct chr_frontend *fe;
	void *fe_opaque;
	guint open_idle;

	/* input */
	int in_fd;
	guint in_watch;
	bool in_eof;

	/* output; out_lock is the innermost lock (see system/bql.h) */
	struct kmutex out_lock;
	int out_fd;
	int out_fd_flags; /* original F_GETFL, restored on switch and at exit */
	bool out_dead;
	GByteArray *out_buf;
	size_t out_limit;
	bool out_quiet;
	int out_warned;
	guint out_watch;
};

static GPtrArray *backends;
static GPtrArray *chardevs;
static bool cleanup_registered;

void chardev_backend_register(const struct chardev_backend *b)
{
	if (!backends)
		backends = g_ptr_array_new();
	g_ptr_array_add(backends, (gpointer)b);
}

static const struct chardev_backend *backend_find(const char *name)
{
	for (guint i = 0; backends && i < backends->len; i++) {
		const struct chardev_backend *b = backends->pdata[i];

		if (!strcmp(b->name, name))
			return b;
	}
	return NULL;
}

static char *backend_list(void)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; backends && i < backends->len; i++) {
		const struct chardev_backend *b = backends->pdata[i];

		g_string_append_printf(s, "%s%s", i ? ", " : "", b->name);
	}
	return g_string_free(s, FALSE);
}

struct chardev *chardev_find(const char *id)
{
	for (guint i = 0; id && chardevs && i < chardevs->len; i++) {
		struct chardev *c = chardevs->pdata[i];

		if (!strcmp(c->id, id))
			return c;
	}
	return NULL;
}

void chardev_foreach(void (*fn)(struct chardev *c, void *opaque), void *opaque)
{
	for (guint i = 0; chardevs && i < chardevs->len; i++)
		fn(chardevs->pdata[i], opaque);
}

/* QEMU's id rule: a letter, then letters, digits, '-', '.', '_'. */
static bool id_valid(const char *id)
{
	if (!g_ascii_isalpha(id[0]))
		return false;
	for (const char *p = id; *p; p++) {
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_')
			return false;
	}
	return true;
}

struct chardev *chardev_alloc(const char *id, const char *backend, GError **err)
{
	struct chardev *c;

	if (!id || !*id) {
		error_setg(err, "chardev: Parameter 'id' is missing");
		return NULL;
	}
	if (!id_valid(id)) {
		error_setg(err, "chardev: invalid id '%s' (a letter, then letters, digits, '-', '.', '_')",
			    id);
		return NULL;
	}
	if (chardev_find(id)) {
		error_setg(err, "Duplicate chardev ID '%s'", id);
		return NULL;
	}
	if (!cleanup_registered) {
		/*
		 * A peer that goes away must not kill the VMM: write errors
		 * are handled where they happen. And a normal exit() must
		 * restore the terminal even if a caller forgets.
		 */
		signal(SIGPIPE, SIG_IGN);
		atexit(chardev_cleanup_all);
		cleanup_registered = true;
	}
	c = g_new0(struct chardev, 1);
	c->id = g_strdup(id);
	c->backend_name = g_strdup(backend);
	c->filename = g_strdup(backend);
	c->in_fd = -1;
	c->out_fd = -1;
	c->out_limit = CHARDEV_OUT_LIMIT;
	c->out_buf = g_byte_array_new();
	kmutex_init(&c->out_lock);
	if (!chardevs)
		chardevs = g_ptr_array_new();
	g_ptr_array_add(chardevs, c);
	return c;
}

void chardev_free(struct chardev *c)
{
	if (!c)
		return;
	chardev_detach(c);
	chardev_set_fds(c, -1, -1);
	if (c->ops && c->ops->close)
		c->ops->close(c);
	g_ptr_array_remove(chardevs, c);
	g_byte_array_unref(c->out_buf);
	kmutex_destroy(&c->out_lock);
	g_free(c->id);
	g_free(c->filename);
	g_free(c->backend_name);
	g_free(c);
}

void chardev_set_ops(struct chardev *c, const struct chardev_ops *ops, void *opaque)
{
	c->ops = ops;
	c->be_opaque = opaque;
}

void *chardev_be_opaque(struct chardev *c)
{
	return c->be_opaque;
}

void chardev_set_filename(struct chardev *c, const char *filename)
{
	g_free(c->filename);
	c->filename = g_strdup(filename);
}

const char *chardev_id(const struct chardev *c)
{
	return c->id;
}

const char *chardev_filename(const struct chardev *c)
{
	return c->filename;
}

bool chardev_is_connected(const struct chardev *c)
{
	return c->connected;
}

bool chardev_has_frontend(const struct chardev *c)
{
	return c->fe != NULL;
}

/* ---- creation ---- */

/* Every creation error names the chardev: "chardev 'ID': ...". */
static void name_error(GError **err, const char *id)
{
	if (err && *err && !g_str_has_prefix((*err)->message, "chardev"))
		g_prefix_error(err, "chardev '%s': ", id);
}

struct chardev *chardev_new(struct kopts *opts, GError **err)
{
	const struct chardev_backend *b;
	const char *name = kopts_get(opts, "backend");
	const char *id = kopts_get(opts, "id");
	struct chardev *c;
	char *base_id = NULL;
	bool mux;

	if (!name || !*name) {
		error_setg(err, "chardev: backend type is missing");
		return NULL;
	}
	b = backend_find(name);
	if (!b) {
		g_autofree char *list = backend_list();

		error_setg(err, "chardev: unsupported backend '%s' (supported: %s)", name, list);
		return NULL;
	}
	if (kopts_get_bool(opts, "mux", false, &mux, err) < 0) {
		name_error(err, id ? id : "");
		return NULL;
	}
	if (mux && id) {
		if (chardev_find(id)) {
			error_setg(err, "Duplicate chardev ID '%s'", id);
			return NULL;
		}
		base_id = g_strdup_printf("%s-base", id);
	}
	c = chardev_alloc(base_id ? base_id : id, name, err);
	g_free(base_id);
	if (!c)
		return NULL;
	if (b->open(c, opts, err) < 0) {
		if (err && !*err)
			error_setg(err, "chardev '%s': could not open backend '%s'", id, name);
		name_error(err, id);
		chardev_free(c);
		return NULL;
	}
	if (kopts_check_unused(opts, NULL, err) < 0) {
		name_error(err, id);
		chardev_free(c);
		return NULL;
	}
	if (mux) {
		struct chardev *m = chardev_mux_new(id, c, err);

		if (!m) {
			chardev_free(c);
			return NULL;
		}
		return m;
	}
	return c;
}

/* Turn the legacy "-serial" style spec into -chardev options. */
static struct kopts *spec_to_kopts(const char *spec, GError **err)
{
	struct kopts *o = NULL;
	const char *rest;

	if (!strcmp(spec, "stdio") || !strcmp(spec, "null") || !strcmp(spec, "pty")) {
		o = kopts_new();
		kopts_set(o, "backend", spec);
	} else if ((rest = g_str_has_prefix(spec, "file:") ? spec + 5 : NULL)) {
		if (!*rest)
			goto bad;
		o = kopts_new();
		kopts_set(o, "backend", "file");
		kopts_set(o, "path", rest);
	} else if (g_str_has_prefix(spec, "unix:")) {
		o = kopts_parse(spec + 5, "path", err);
		if (!o)
			return NULL;
		kopts_set(o, "backend", "socket");
	} else if (g_str_has_prefix(spec, "tcp:")) {
		const char *addr = spec + 4;
		const char *comma = strchr(addr, ',');
		g_autofree char *hp = g_strndup(addr, comma ? (gsize)(comma - addr) : strlen(addr));
		char *colon = strrchr(hp, ':');

		if (!colon || !colon[1])
			goto bad;
		*colon = 0;
		o = kopts_parse(comma ? comma + 1 : NULL, NULL, err);
		if (!o)
			return NULL;
		kopts_set(o, "backend", "socket");
		if (*hp)
			kopts_set(o, "host", hp);
		kopts_set(o, "port", colon + 1);
	} else {
		goto bad;
	}
	return o;
bad:
	error_setg(err, "chardev: unsupported spec '%s' (use stdio, null, pty, file:PATH, "
		    "chardev:ID, mon:stdio, unix:PATH,..., tcp:HOST:PORT,...)",
		    spec);
	return NULL;
}

struct chardev *chardev_from_spec(const char *spec, const char *id, GError **err)
{
	struct chardev *c;
	struct kopts *o;

	if (!spec || !*spec) {
		error_setg(err, "chardev: empty spec");
		return NULL;
	}
	if (g_str_has_prefix(spec, "chardev:")) {
		c = chardev_find(spec + 8);
		if (!c)
			error_setg(err, "chardev '%s' not found", spec + 8);
		return c;
	}
	if (g_str_has_prefix(spec, "mon:")) {
		g_autofree char *base_id = g_strdup_printf("%s-base", id);
		struct chardev *base, *m;

		if (chardev_find(id)) {
			error_setg(err, "Duplicate chardev ID '%s'", id);
			return NULL;
		}
		o = spec_to_kopts(spec + 4, err);
		if (!o)
			return NULL;
		/* Ctrl-C goes to the guest; Ctrl-A x is the way out. */
		if (!strcmp(kopts_get(o, "backend"), "stdio"))
			kopts_set(o, "signal", "off");
		kopts_set(o, "id", base_id);
		base = chardev_new(o, err);
		kopts_free(o);
		if (!base)
			return NULL;
		m = chardev_mux_new(id, base, err);
		if (!m)
			chardev_free(base);
		return m;
	}
	o = spec_to_kopts(spec, err);
	if (!o)
		return NULL;
	kopts_set(o, "id", id);
	c = chardev_new(o, err);
	kopts_free(o);
	return c;
}

/* ---- frontends ---- */

static gboolean open_idle_cb(gpointer opaque)
{
	struct chardev *c = opaque;

	c->open_idle = 0;
	if (c->fe && c->connected)
		chardev_fe_event(c, CHR_EVENT_OPENED);
	return G_SOURCE_REMOVE;
}

static void in_watch_update(struct chardev *c);

int chardev_attach(struct chardev *c, const struct chr_frontend *fe, void *opaque, GError **err)
{
	if (c->ops && c->ops->attach)
		return c->ops->attach(c, fe, opaque, err);
	if (c->fe) {
		error_setg(err, "chardev '%s' is already in use", c->id);
		return -EBUSY;
	}
	c->fe = fe;
	c->fe_opaque = opaque;
	/* Deliver OPENED from the main loop, once the caller has finished setting up. */
	if (c->connected && !c->open_idle)
		c->open_idle = g_idle_add(open_idle_cb, c);
	in_watch_update(c);
	return 0;
}

void chardev_detach(struct chardev *c)
{
	if (c->ops && c->ops->detach) {
		c->ops->detach(c);
		return;
	}
	if (c->open_idle) {
		g_source_remove(c->open_idle);
		c->open_idle = 0;
	}
	c->fe = NULL;
	c->fe_opaque = NULL;
	in_watch_update(c);
}

size_t chardev_fe_can_read(struct chardev *c)
{
	if (!c->fe || !c->fe->read)
		return 0;
	if (!c->fe->can_read)
		return 4096;
	return c->fe->can_read(c->fe_opaque);
}

void chardev_fe_read(struct chardev *c, const uint8_t *buf, size_t len)
{
	if (c->fe && c->fe->read && len)
		c->fe->read(c->fe_opaque, buf, len);
}

void chardev_fe_event(struct chardev *c, enum chr_event ev)
{
	if (c->fe && c->fe->event)
		c->fe->event(c->fe_opaque, ev);
}

void chardev_set_connected(struct chardev *c, bool connected)
{
	if (c->connected == connected)
		return;
	c->connected = connected;
	if (c->open_idle && !connected) {
		g_source_remove(c->open_idle);
		c->open_idle = 0;
		return; /* the frontend never saw OPENED */
	}
	if (!c->open_idle)
		chardev_fe_event(c, connected ? CHR_EVENT_OPENED : CHR_EVENT_CLOSED);
}

/* ---- input ---- */

static gboolean in_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *c = opaque;
	uint8_t buf[4096];
	size_t room = chardev_fe_can_read(c);
	ssize_t n;

	if (!room) {
		/* Wait for chardev_accept_input() rather than poll a full frontend. */
		c->in_watch = 0;
		return G_SOURCE_REMOVE;
	}
	n = read(fd, buf, MIN(room, sizeof(buf)));
	if (n > 0) {
		chardev_fe_read(c, buf, n);
		return G_SOURCE_CONTINUE;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	/* EOF or error: stop watching, so a closed stdin cannot spin the loop. */
	c->in_watch = 0;
	c->in_eof = true;
	if (c->ops && c->ops->hup)
		c->ops->hup(c);
	return G_SOURCE_REMOVE;
}

static void in_watch_update(struct chardev *c)
{
	bool want = c->fe && c->in_fd >= 0 && !c->in_eof && chardev_fe_can_read(c) > 0;

	if (want && !c->in_watch)
		c->in_watch = g_unix_fd_add(c->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR, in_ready, c);
	else if (!want && c->in_watch) {
		g_source_remove(c->in_watch);
		c->in_watch = 0;
	}
}

void chardev_accept_input(struct chardev *c)
{
	if (c->ops && c->ops->accept_input) {
		c->ops->accept_input(c);
		return;
	}
	in_watch_update(c);
}

/* ---- output ---- */

/* Write what the fd takes now; returns bytes written. out_lock held. */
static size_t out_write_now(struct chardev *c, const uint8_t *p, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(c->out_fd, p + done, len - done);

		if (n > 0) {
			done += n;
		} else if (n < 0 && errno == EINTR) {
			continue;
		} else if (n < 0 && errno == EAGAIN) {
			break;
		} else {
			/* The reader is gone (EPIPE, EIO...): drop until the fd changes. */
			debug_log("chardev '%s': write: %s", c->id, g_strerror(errno));
			c->out_dead = true;
			return len;
		}
	}
	return done;
}

static gboolean out_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	struct chardev *c = opaque;
	gboolean ret = G_SOURCE_CONTINUE;
	size_t n;

	kmutex_lock(&c->out_lock);
	n = out_write_now(c, c->out_buf->data, c->out_buf->len);
	if (c->out_dead)
		n = c->out_buf->len;
	g_byte_array_remove_range(c->out_buf, 0, n);
	if (!c->out_buf->len) {
		c->out_watch = 0;
		ret = G_SOURCE_REMOVE;
	}
	kmutex_unlock(&c->out_lock);
	return ret;
}

size_t chardev_write(struct chardev *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	size_t done = 0, room, take;

	if (c->ops && c->ops->write)
		return c->ops->write(c, buf, len);
	if (!len)
		return 0;
	kmutex_lock(&c->out_lock);
	if (c->out_fd < 0 || c->out_dead)
		goto out;
	if (!c->out_buf->len)
		done = out_write_now(c, p, len);
	if (done == len || c->out_dead)
		goto out;
	room = c->out_limit > c->out_buf->len ? c->out_limit - c->out_buf->len : 0;
	take = MIN(room, len - done);
	g_byte_array_append(c->out_buf, p + done, take);
	if (take < len - done && !c->out_quiet)
		warn_report_once_flag(&c->out_warned,
				      "chardev '%s': output is not being read; dropping data",
				      c->id);
	/* Attaching to the default context is thread safe; it wakes up poll(). */
	if (c->out_buf->len && !c->out_watch)
		c->out_watch = g_unix_fd_add(c->out_fd, G_IO_OUT | G_IO_ERR | G_IO_HUP,
					     out_ready, c);
out:
	kmutex_unlock(&c->out_lock);
	/* Everything was sent, queued or dropped: callers never retry. */
	return len;
}

void chardev_set_out_limit(struct chardev *c, size_t limit, bool quiet)
{
	kmutex_lock(&c->out_lock);
	c->out_limit = limit;
	c->out_quiet = quiet;
	kmutex_unlock(&c->out_lock);
}

void chardev_set_fds(struct chardev *c, int in_fd, int out_fd)
{
	if (c->in_fd != in_fd) {
		if (c->in_watch) {
			g_source_remove(c->in_watch);
			c->in_watch = 0;
		}
		c->in_fd = in_fd;
		c->in_eof = false;
	}
	kmutex_lock(&c->out_lock);
	if (c->out_fd != out_fd) {
		if (c->out_watch) {
			g_source_remove(c->out_watch);
			c->out_watch = 0;
		}
		g_byte_array_set_size(c->out_buf, 0);
		if (c->out_fd >= 0 && c->out_fd_flags >= 0)
			fcntl(c->out_fd, F_SETFL, c->out_fd_flags);
		c->out_fd = out_fd;
		c->out_dead = false;
		c->out_fd_flags = -1;
		if (out_fd >= 0) {
			c->out_fd_flags = fcntl(out_fd, F_GETFL);
			if (c->out_fd_flags >= 0 && !(c->out_fd_flags & O_NONBLOCK))
				fcntl(out_fd, F_SETFL, c->out_fd_flags | O_NONBLOCK);
			else
				c->out_fd_flags = -1; /* nothing to restore */
		}
	}
	kmutex_unlock(&c->out_lock);
	in_watch_update(c);
}

/* ---- exit ---- */

void chardev_cleanup_all(void)
{
	/* No locks, no allocation: this may run in a fatal-signal handler. */
	for (guint i = 0; chardevs && i < chardevs->len; i++) {
		struct chardev *c = chardevs->pdata[i];

		if (c->out_fd >= 0 && c->out_fd_flags >= 0) {
			fcntl(c->out_fd, F_SETFL, c->out_fd_flags);
			c->out_fd_flags = -1;
		}
		if (c->ops && c->ops->cleanup)
			c->ops->cleanup(c);
	}
}

/* ---- null: accepts and discards output, never has input ---- */

static int null_open(struct chardev *c, struct kopts *opts, GError **err)
{
	chardev_set_connected(c, true);
	return 0;
}

static const struct chardev_backend null_backend = {
	.name = "null",
	.open = null_open,
};
CHARDEV_BACKEND_REGISTER(null_backend)
