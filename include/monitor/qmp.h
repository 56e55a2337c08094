/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_MONITOR_QMP_H
#define KEEL_MONITOR_QMP_H

#include <glib.h>
#include "monitor/json-glib-dl.h" /* json-glib, loaded on demand */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * QMP: the command table, the protocol engine of one connection (a session)
 * and the event formatter. Transport-free: a session eats bytes and writes
 * complete lines through a callback, so unit tests and the fuzzer drive it
 * without sockets.
 */

/* The QEMU version QMP reports (clients gate features on it). */
#define QMP_QEMU_MAJOR 7
#define QMP_QEMU_MINOR 2
#define QMP_QEMU_MICRO 0

/* QEMU's ErrorClass names; the GError code of the QMP_ERROR domain. */
enum qmp_error_class {
	QMP_ERROR_GENERIC,		/* GenericError */
	QMP_ERROR_COMMAND_NOT_FOUND,	/* CommandNotFound */
	QMP_ERROR_DEVICE_NOT_ACTIVE,	/* DeviceNotActive */
	QMP_ERROR_DEVICE_NOT_FOUND,	/* DeviceNotFound */
	QMP_ERROR_KVM_MISSING_CAP,	/* KVMMissingCap */
};
#define QMP_ERROR (qmp_error_quark())
GQuark qmp_error_quark(void);
const char *qmp_error_class_name(int code);

/* Top-level argument types checked before a handler runs. */
enum qmp_arg_type {
	QMP_ARG_STR,
	QMP_ARG_INT,
	QMP_ARG_BOOL,
	QMP_ARG_NUMBER, /* int or float */
	QMP_ARG_OBJECT,
	QMP_ARG_ARRAY,
	QMP_ARG_ANY,
};

struct qmp_arg {
	const char *name;
	enum qmp_arg_type type;
	bool optional;
};

enum qmp_cmd_flags {
	/* Allowed before qmp_capabilities (only qmp_capabilities itself). */
	QMP_CMD_BEFORE_NEGOTIATION = 1 << 0,
	/*
	 * The command only posts a request to the main loop: send the reply
	 * after the main loop has acted on it, so that its events (RESET,
	 * POWERDOWN) come first, as QEMU orders them.
	 */
	QMP_CMD_REPLY_AFTER_REQUESTS = 1 << 1,
};

struct qmp_session;

/*
 * A handler gets the checked arguments (never NULL; empty when none were
 * given) and returns the "return" value (NULL means {}), or NULL with *err
 * set. A GError outside the QMP_ERROR domain is a GenericError.
 */
typedef JsonNode *(*qmp_handler)(struct qmp_session *s, JsonObject *args, GError **err);

struct qmp_command {
	const char *name;
	const struct qmp_arg *args; /* NULL or terminated by { NULL } */
	qmp_handler handler;
	unsigned flags;
};

/*
 * From inside a handler: treat this reply as QMP_CMD_REPLY_AFTER_REQUESTS
 * (for handlers that only sometimes post a request, like HMP's).
 */
void qmp_defer_reply(struct qmp_session *s);

/* Later registrations with the same name replace earlier ones. */
void qmp_register_command(const struct qmp_command *cmd);
const struct qmp_command *qmp_find_command(const char *name);
void qmp_command_foreach(void (*fn)(const struct qmp_command *cmd, void *opaque), void *opaque);

#define QMP_COMMAND_REGISTER(var)                                                                  \
	static void __attribute__((constructor)) qmp_cmd_reg_##var(void)                          \
	{                                                                                          \
		qmp_register_command(&var);                                                        \
	}

/* Event names for query-events (monitor_event() registers unknown names too). */
void qmp_register_event(const char *name);
void qmp_event_foreach(void (*fn)(const char *name, void *opaque), void *opaque);

/* A session writes whole lines ("...\r\n") through this. */
typedef void (*qmp_output_fn)(void *opaque, const char *line, size_t len);

struct qmp_session *qmp_session_new(qmp_output_fn out, void *opaque);
void qmp_session_free(struct qmp_session *s);
/* New connection: forget partial input and negotiation, send the greeting. */
void qmp_session_start(struct qmp_session *s);
/* Connection gone: drop queued requests and partial input. */
void qmp_session_stop(struct qmp_session *s);
void qmp_session_input(struct qmp_session *s, const uint8_t *buf, size_t len);
bool qmp_session_negotiated(const struct qmp_session *s);
/* Requests parsed but not yet answered (a deferred reply blocks the queue). */
unsigned qmp_session_queued(const struct qmp_session *s);
/* Called when the request queue drained after a deferred reply (resume reading). */
void qmp_session_set_drained_cb(struct qmp_session *s, void (*fn)(void *opaque));
/* Send an already formatted event line to the client if it negotiated. */
void qmp_session_send_event(struct qmp_session *s, const char *line, size_t len);

/*
 * Format an event as one line ending in "\r\n". data may be NULL; the
 * timestamp is in microseconds since the epoch (g_get_real_time()).
 */
char *qmp_format_event(const char *name, JsonNode *data, gint64 when_us, size_t *len);

/*
 * Serialize as QEMU does: ", " and ": " separators, ASCII only (\uXXXX
 * escapes, invalid UTF-8 replaced by U+FFFD), non-finite numbers as null.
 * The result is always valid JSON.
 */
void qmp_json_append(GString *out, JsonNode *node);
char *qmp_json_to_string(JsonNode *node);

#endif
