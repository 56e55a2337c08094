// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Monitors: a QMP session attached to a chardev (-qmp SPEC, or -chardev plus
 * -mon chardev=ID,mode=control), and event delivery to all of them.
 *
 * Events may be raised on any thread. The main thread sends them at once
 * (after anything other threads queued earlier, so order is kept); other
 * threads queue them with their timestamp and the main loop sends them.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "system/thread.h"
#include "monitor/qmp.h"
#include "system/error.h"
#include "system/log.h"
#include "system/opts.h"

struct monitor {
	struct chardev *chr;
	struct qmp_session *qmp;
};

static GPtrArray *monitors;
static unsigned compat_ids;

static GThread *main_thread;
static struct kmutex event_lock = KMUTEX_INITIALIZER;
static GQueue event_queue; /* struct pending_event *, under event_lock */
static guint event_idle;   /* under event_lock */

struct pending_event {
	char *name;
	char *data;
	gint64 when;
};

static void __attribute__((constructor)) monitor_record_main_thread(void)
{
	main_thread = g_thread_self();
}

/* ---- chardev frontend ---- */

static void mon_output(void *opaque, const char *line, size_t len)
{
	struct monitor *m = opaque;

	chardev_write(m->chr, line, len);
}

static size_t mon_can_read(void *opaque)
{
	struct monitor *m = opaque;

	/* Hold further input while a reply waits for the main loop. */
	return qmp_session_queued(m->qmp) ? 0 : 4096;
}

static void mon_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct monitor *m = opaque;

	qmp_session_input(m->qmp, buf, len);
}

static void mon_event(void *opaque, enum chr_event ev)
{
	struct monitor *m = opaque;

	if (ev == CHR_EVENT_OPENED)
		qmp_session_start(m->qmp);
	else
		qmp_session_stop(m->qmp);
}

static void mon_drained(void *opaque)
{
	struct monitor *m = opaque;

	chardev_accept_input(m->chr);
}

static const struct chr_frontend mon_frontend = {
	.can_read = mon_can_read,
	.read = mon_read,
	.event = mon_event,
};

static int monitor_attach(struct chardev *chr, GError **err)
{
	struct monitor *m;

	/* The first monitor loads json-glib; a VM without one never does. */
	if (!json_glib_load(err))
		return -1;
	m = g_new0(struct monitor, 1);
	m->chr = chr;
	m->qmp = qmp_session_new(mon_output, m);
	qmp_session_set_drained_cb(m->qmp, mon_drained);
	if (chardev_attach(chr, &mon_frontend, m, err) < 0) {
		qmp_session_free(m->qmp);
		g_free(m);
		return -1;
	}
	if (!monitors)
		monitors = g_ptr_array_new();
	g_ptr_array_add(monitors, m);
	return 0;
}

int monitor_add_qmp_spec(const char *spec, GError **err)
{
	g_autofree char *id = g_strdup_printf("compat_monitor%u", compat_ids++);
	struct chardev *chr;

	chr = chardev_from_spec(spec, id, err);
	if (!chr)
		return -1;
	return monitor_attach(chr, err);
}

int monitor_add_mon(struct kopts *opts, GError **err)
{
	const char *id = kopts_get(opts, "chardev");
	const char *mode = kopts_get(opts, "mode");
	struct chardev *chr;
	bool pretty;

	kopts_get(opts, "id"); /* the monitor's own name: nothing refers to it */
	if (kopts_get_bool(opts, "pretty", false, &pretty, err) < 0)
		return -1;
	if (kopts_check_unused(opts, "-mon", err) < 0)
		return -1;
	if (!id) {
		error_setg(err, "-mon: Parameter 'chardev' is missing");
		return -1;
	}
	if (!mode || strcmp(mode, "control")) {
		error_setg(err, "-mon: mode '%s' is not supported (Keel has no human monitor; "
				"use mode=control)", mode ? mode : "readline");
		return -1;
	}
	if (pretty) {
		error_setg(err, "-mon: pretty=on is not supported");
		return -1;
	}
	chr = chardev_find(id);
	if (!chr) {
		error_setg(err, "-mon: chardev '%s' not found", id);
		return -1;
	}
	return monitor_attach(chr, err);
}

/* ---- events ---- */

static void emit_now(const char *name, const char *data_json, gint64 when)
{
	JsonParser *parser = NULL;
	JsonNode *data = NULL;
	char *line;
	size_t len;

	qmp_register_event(name);
	/* Without a monitor json-glib is not loaded, and nobody would read the line. */
	if (!monitors || !monitors->len)
		return;
	if (data_json) {
		g_autoptr(GError) err = NULL;

		parser = json_parser_new_immutable();
		if (json_parser_load_from_data(parser, data_json, -1, &err) &&
		    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
			data = json_parser_get_root(parser);
		else
			warn_report("event %s: data is not a JSON object: %s", name, data_json);
	}
	line = qmp_format_event(name, data, when, &len);
	for (guint i = 0; i < monitors->len; i++) {
		struct monitor *m = monitors->pdata[i];

		qmp_session_send_event(m->qmp, line, len);
	}
	g_free(line);
	if (parser)
		g_object_unref(parser);
}

static void flush_queued_events(void)
{
	struct pending_event *e;

	for (;;) {
		kmutex_lock(&event_lock);
		e = g_queue_pop_head(&event_queue);
		kmutex_unlock(&event_lock);
		if (!e)
			break;
		emit_now(e->name, e->data, e->when);
		g_free(e->name);
		g_free(e->data);
		g_free(e);
	}
}

static gboolean event_idle_cb(gpointer opaque)
{
	kmutex_lock(&event_lock);
	event_idle = 0;
	kmutex_unlock(&event_lock);
	flush_queued_events();
	return G_SOURCE_REMOVE;
}

void monitor_event(const char *name, const char *data_json)
{
	gint64 when = g_get_real_time();
	struct pending_event *e;

	if (g_thread_self() == main_thread) {
		flush_queued_events();
		emit_now(name, data_json, when);
		return;
	}
	e = g_new(struct pending_event, 1);
	e->name = g_strdup(name);
	e->data = g_strdup(data_json);
	e->when = when;
	kmutex_lock(&event_lock);
	g_queue_push_tail(&event_queue, e);
	/* g_idle_add is thread safe and wakes the main loop's poll. */
	if (!event_idle)
		event_idle = g_idle_add(event_idle_cb, NULL);
	kmutex_unlock(&event_lock);
}

void monitor_cleanup(void)
{
	if (!monitors)
		return;
	/* Events raised by other threads just before exit still go out. */
	if (g_thread_self() == main_thread)
		flush_queued_events();
	for (guint i = 0; i < monitors->len; i++) {
		struct monitor *m = monitors->pdata[i];

		chardev_detach(m->chr);
		qmp_session_free(m->qmp);
		g_free(m);
	}
	g_ptr_array_free(monitors, TRUE);
	monitors = NULL;
}

/* The events Keel can emit, for query-events. */
static void __attribute__((constructor)) monitor_register_events(void)
{
	static const char *const names[] = {
		"SHUTDOWN", "POWERDOWN", "RESET", "STOP", "RESUME", "GUEST_PANICKED",
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
		qmp_register_event(names[i]);
}
