// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Multiplexer (-serial mon:stdio, -chardev ...,mux=on): several frontends
 * share one backend. Output from all of them goes through; input goes to the
 * frontend that has the focus. Ctrl-A is the escape key: Ctrl-A c moves the
 * focus, Ctrl-A x exits, Ctrl-A h prints help, Ctrl-A Ctrl-A sends Ctrl-A.
 *
 * Only the focused frontend is "open": it gets CHR_EVENT_OPENED when it
 * gains the focus and CHR_EVENT_CLOSED when it loses it, so a monitor starts
 * a fresh session each time the user switches to it.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char-be.h"
#include "system/error.h"
#include "system/runstate.h"

#define MUX_MAX_FE 4
#define MUX_BUF 256
#define ESCAPE_CHAR 0x01 /* Ctrl-A */

struct mux {
	struct chardev *self, *base;
	const struct chr_frontend *fe[MUX_MAX_FE];
	void *opaque[MUX_MAX_FE];
	int count;
	int focus; /* -1 before the first attach */
	bool opened; /* the focused frontend has seen OPENED */
	bool escape;
	bool started; /* the main loop has run: focus no longer follows attach */
	guint open_idle;
	/* input for the focused frontend that it could not take yet */
	uint8_t buf[MUX_BUF];
	size_t buf_len;
};

static const char mux_help[] =
	"\r\n"
	"Ctrl-A h       print this help\r\n"
	"Ctrl-A x       exit Keel\r\n"
	"Ctrl-A c       switch between the console and the monitor\r\n"
	"Ctrl-A Ctrl-A  send Ctrl-A\r\n";

static void mux_focus_event(struct mux *m, bool open)
{
	const struct chr_frontend *fe;

	if (m->focus < 0 || m->opened == open)
		return;
	m->opened = open;
	fe = m->fe[m->focus];
	if (fe->event)
		fe->event(m->opaque[m->focus], open ? CHR_EVENT_OPENED : CHR_EVENT_CLOSED);
}

static void mux_flush(struct mux *m)
{
	const struct chr_frontend *fe;
	void *opaque;
	size_t n;

	if (m->focus < 0 || !m->buf_len)
		return;
	fe = m->fe[m->focus];
	opaque = m->opaque[m->focus];
	if (!fe->read) {
		m->buf_len = 0;
		return;
	}
	n = fe->can_read ? fe->can_read(opaque) : m->buf_len;
	n = MIN(n, m->buf_len);
	if (!n)
		return;
	/* Copy out first: read() may re-enter (accept_input) and refill. */
	{
		uint8_t tmp[MUX_BUF];

		memcpy(tmp, m->buf, n);
		memmove(m->buf, m->buf + n, m->buf_len - n);
		m->buf_len -= n;
		fe->read(opaque, tmp, n);
	}
}

static void mux_set_focus(struct mux *m, int focus)
{
	/* What the old focus cannot take now was typed for it, not for the next one. */
	mux_flush(m);
	mux_focus_event(m, false);
	m->buf_len = 0;
	m->focus = focus;
	if (chardev_is_connected(m->base))
		mux_focus_event(m, true);
}

static void mux_escape(struct mux *m, uint8_t ch)
{
	static const char bye[] = "\r\nkeel: terminating on Ctrl-A x\r\n";

	switch (ch) {
	case 'x':
	case 'X':
		chardev_write(m->base, bye, sizeof(bye) - 1);
		system_exit_request(0);
		break;
	case 'h':
	case 'H':
	case '?':
		chardev_write(m->base, mux_help, sizeof(mux_help) - 1);
		break;
	case 'c':
	case 'C':
		if (m->count > 1)
			mux_set_focus(m, (m->focus + 1) % m->count);
		break;
	case ESCAPE_CHAR:
		if (m->buf_len < MUX_BUF)
			m->buf[m->buf_len++] = ch;
		break;
	default:
		/* s, b, t and the rest do nothing here. */
		break;
	}
}

static size_t mux_can_read(void *opaque)
{
	struct mux *m = opaque;

	return MUX_BUF - m->buf_len;
}

static void mux_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct mux *m = opaque;

	for (size_t i = 0; i < len; i++) {
		uint8_t ch = buf[i];

		if (m->escape) {
			m->escape = false;
			mux_escape(m, ch);
		} else if (ch == ESCAPE_CHAR) {
			m->escape = true;
		} else if (m->buf_len < MUX_BUF) {
			m->buf[m->buf_len++] = ch;
		}
	}
	mux_flush(m);
}

static void mux_event(void *opaque, enum chr_event ev)
{
	struct mux *m = opaque;

	m->started = true;
	chardev_set_connected(m->self, ev == CHR_EVENT_OPENED);
	mux_focus_event(m, ev == CHR_EVENT_OPENED);
}

static const struct chr_frontend mux_as_frontend = {
	.can_read = mux_can_read,
	.read = mux_read,
	.event = mux_event,
};

static gboolean mux_open_idle(gpointer opaque)
{
	struct mux *m = opaque;

	m->open_idle = 0;
	m->started = true;
	if (chardev_is_connected(m->base))
		mux_focus_event(m, true);
	return G_SOURCE_REMOVE;
}

static int mux_attach(struct chardev *c, const struct chr_frontend *fe, void *opaque,
		      GError **err)
{
	struct mux *m = chardev_be_opaque(c);

	if (m->count == MUX_MAX_FE) {
		error_setg(err, "chardev '%s': too many frontends on one multiplexer",
			    chardev_id(c));
		return -EBUSY;
	}
	m->fe[m->count] = fe;
	m->opaque[m->count] = opaque;
	/*
	 * Like QEMU, the frontend attached last before the main loop runs has
	 * the focus: monitors are set up before the machine, so the serial
	 * port wins and the console is what the user sees first.
	 */
	if (!m->started) {
		m->focus = m->count;
		if (!m->open_idle)
			m->open_idle = g_idle_add(mux_open_idle, m);
	} else if (m->focus < 0) {
		m->focus = m->count;
		if (!m->open_idle)
			m->open_idle = g_idle_add(mux_open_idle, m);
	}
	m->count++;
	return 0;
}

/* Detaches every frontend: it is only used at teardown. */
static void mux_detach(struct chardev *c)
{
	struct mux *m = chardev_be_opaque(c);

	if (m->open_idle) {
		g_source_remove(m->open_idle);
		m->open_idle = 0;
	}
	m->count = 0;
	m->focus = -1;
	m->opened = false;
	m->buf_len = 0;
}

static void mux_accept_input(struct chardev *c)
{
	struct mux *m = chardev_be_opaque(c);

	mux_flush(m);
	chardev_accept_input(m->base);
}

static size_t mux_write(struct chardev *c, const void *buf, size_t len)
{
	struct mux *m = chardev_be_opaque(c);

	return chardev_write(m->base, buf, len);
}

static void mux_close(struct chardev *c)
{
	struct mux *m = chardev_be_opaque(c);

	mux_detach(c);
	chardev_detach(m->base);
	g_free(m);
}

static const struct chardev_ops mux_ops = {
	.write = mux_write,
	.attach = mux_attach,
	.detach = mux_detach,
	.accept_input = mux_accept_input,
	.close = mux_close,
};

struct chardev *chardev_mux_new(const char *id, struct chardev *base, GError **err)
{
	struct chardev *c = chardev_alloc(id, "mux", err);
	struct mux *m;

	if (!c)
		return NULL;
	m = g_new0(struct mux, 1);
	m->self = c;
	m->base = base;
	m->focus = -1;
	chardev_set_ops(c, &mux_ops, m);
	chardev_set_filename(c, chardev_filename(base));
	if (chardev_attach(base, &mux_as_frontend, m, err) < 0) {
		chardev_set_ops(c, NULL, NULL);
		g_free(m);
		chardev_free(c);
		return NULL;
	}
	chardev_set_connected(c, chardev_is_connected(base));
	return c;
}
