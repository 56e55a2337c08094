/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_MONITOR_MONITOR_H
#define KEEL_MONITOR_MONITOR_H

#include <glib.h>
#include <stdbool.h>

struct kopts;

/* -qmp SPEC (unix:PATH,server=on,wait=off | tcp:HOST:PORT,... | stdio) */
int monitor_add_qmp_spec(const char *spec, GError **err);
/* -mon chardev=ID,mode=control */
int monitor_add_mon(struct kopts *opts, GError **err);

/*
 * Emit an event to every negotiated QMP client. data_json is a JSON object
 * text or NULL. Any thread (queued to the main loop).
 */
void monitor_event(const char *name, const char *data_json);

/* Shut monitors down (remove sockets). */
void monitor_cleanup(void);

#endif
