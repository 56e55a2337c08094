// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP protocol engine of one connection: greeting, capabilities
 * negotiation, request checking, dispatch through the command table, and
 * replies. Input arrives as bytes; json-stream cuts it into values, this
 * file checks them and hands them to json-glib.
 *
 * Requests are answered strictly in order. A command flagged
 * QMP_CMD_REPLY_AFTER_REQUESTS holds its reply (and every request behind
 * it) until the main loop has handled the request it posted.
 */
#include <errno.h>
#include <string.h>

#include "monitor/json-stream.h"
#include "monitor/qmp.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "unknown"
#endif

/* What a request queue entry is. */
enum item_kind { ITEM_TEXT, ITEM_TOO_LONG, ITEM_TOO_DEEP };

struct item {
	enum item_kind kind;
	size_t len;
	char text[]; /* ITEM_TEXT only */
};

struct qmp_session {
	qmp_output_fn out;
	void *opaque;
	struct json_stream *stream;
	GQueue queue; /* struct item * */
	bool negotiated;
	bool oob;
	/* A reply waiting for the main loop (QMP_CMD_REPLY_AFTER_REQUESTS). */
	char *deferred;
	guint deferred_src;
	bool in_process;
	bool defer_current; /* set by qmp_defer_reply() during a handler */
	void (*drained)(void *opaque);
};

G_DEFINE_QUARK(qmp-error-quark, qmp_error)

static const char *const class_names[] = {
	[QMP_ERROR_GENERIC] = "GenericError",
	[QMP_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
	[QMP_ERROR_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
	[QMP_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
	[QMP_ERROR_KVM_MISSING_CAP] = "KVMMissingCap",
};

const char *qmp_error_class_name(int code)
{
	if (code < 0 || code >= (int)G_N_ELEMENTS(class_names))
		return "GenericError";
	return class_names[code];
}

/* ---- command and event registries ---- */

static GPtrArray *commands;
static GPtrArray *events;

void qmp_register_command(const struct qmp_command *cmd)
{
	if (!commands)
		commands = g_ptr_array_new();
	for (guint i = 0; i < commands->len; i++) {
		const struct qmp_command *c = commands->pdata[i];

		if (!strcmp(c->name, cmd->name)) {
			commands->pdata[i] = (gpointer)cmd;
			return;
		}
	}
	g_ptr_array_add(commands, (gpointer)cmd);
}

const struct qmp_command *qmp_find_command(const char *name)
{
	if (!commands || !name)
		return NULL;
	for (guint i = 0; i < commands->len; i++) {
		const struct qmp_command *c = commands->pdata[i];

		if (!strcmp(c->name, name))
			return c;
	}
	return NULL;
}

void qmp_command_foreach(void (*fn)(const struct qmp_command *cmd, void *opaque), void *opaque)
{
	if (!commands)
		return;
	for (guint i = 0; i < commands->len; i++)
		fn(commands->pdata[i], opaque);
}

void qmp_register_event(const char *name)
{
	if (!events)
		events = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < events->len; i++)
		if (!strcmp(events->pdata[i], name))
			return;
	g_ptr_array_add(events, g_strdup(name));
}

void qmp_event_foreach(void (*fn)(const char *name, void *opaque), void *opaque)
{
	if (!events)
		return;
	for (guint i = 0; i < events->len; i++)
		fn(events->pdata[i], opaque);
}

/* ---- output ---- */

static void send_line(struct qmp_session *s, GString *line)
{
	g_string_append(line, "\r\n");
	s->out(s->opaque, line->str, line->len);
}

static GString *format_error(int cls, const char *desc, JsonNode *id)
{
	GString *line = g_string_new("{\"error\": {\"class\": \"");
	JsonNode *d = json_node_init_string(json_node_alloc(), desc);

	g_string_append(line, qmp_error_class_name(cls));
	g_string_append(line, "\", \"desc\": ");
	qmp_json_append(line, d);
	json_node_unref(d);
	g_string_append_c(line, '}');
	if (id) {
		g_string_append(line, ", \"id\": ");
		qmp_json_append(line, id);
	}
	g_string_append_c(line, '}');
	return line;
}

static void send_error(struct qmp_session *s, int cls, const char *desc, JsonNode *id)
{
	GString *line = format_error(cls, desc, id);

	send_line(s, line);
	g_string_free(line, TRUE);
}

static GString *format_return(JsonNode *ret, JsonNode *id)
{
	GString *line = g_string_new("{\"return\": ");

	if (ret)
		qmp_json_append(line, ret);
	else
		g_string_append(line, "{}");
	if (id) {
		g_string_append(line, ", \"id\": ");
		qmp_json_append(line, id);
	}
	g_string_append_c(line, '}');
	return line;
}

char *qmp_format_event(const char *name, JsonNode *data, gint64 when_us, size_t *len)
{
	GString *line = g_string_new(NULL);
	JsonNode *n = json_node_init_string(json_node_alloc(), name);

	g_string_append_printf(line,
			       "{\"timestamp\": {\"seconds\": %" G_GINT64_FORMAT
			       ", \"microseconds\": %" G_GINT64_FORMAT "}, \"event\": ",
			       when_us / G_USEC_PER_SEC, when_us % G_USEC_PER_SEC);
	qmp_json_append(line, n);
	json_node_unref(n);
	if (data) {
		g_string_append(line, ", \"data\": ");
		qmp_json_append(line, data);
	}
	g_string_append(line, "}\r\n");
	if (len)
		*len = line->len;
	return g_string_free(line, FALSE);
}

/* ---- input checking ---- */

static bool is_hex(char c)
{
	return g_ascii_isxdigit(c);
}

/*
 * What json-glib lets through but JSON forbids, and what would make its
 * strings unusable: bytes that are not UTF-8, NUL, raw control characters
 * inside strings, and escapes other than JSON's.
 */
static const char *check_text(const char *text, size_t len)
{
	bool in_string = false;

	if (!g_utf8_validate(text, len, NULL))
		return memchr(text, 0, len) ? "stray NUL byte" : "invalid UTF-8 sequence";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = text[i];

		if (!in_string) {
			if (c == '"')
				in_string = true;
			continue;
		}
		if (c == '"') {
			in_string = false;
		} else if (c < 0x20) {
			return "control character in string";
		} else if (c == '\\') {
			if (++i >= len)
				return "unterminated string";
			switch (text[i]) {
			case '"':
			case '\\':
			case '/':
			case 'b':
			case 'f':
			case 'n':
			case 'r':
			case 't':
				break;
			case 'u':
				if (i + 4 >= len || !is_hex(text[i + 1]) || !is_hex(text[i + 2]) ||
				    !is_hex(text[i + 3]) || !is_hex(text[i + 4]))
					return "invalid hex escape sequence in string";
				i += 4;
				break;
			default:
				return "invalid escape sequence in string";
			}
		}
	}
	return NULL;
}

/*
 * json-glib wraps integers beyond 64 bits; QEMU reads them as floats. Return
 * a copy of text with ".0" after each such integer (NULL if there is none),
 * so that an id like 1e20 written as digits is echoed as a number close to
 * it rather than as garbage. text is NUL-terminated and passed check_text().
 */
static GString *widen_big_integers(const char *text, size_t len)
{
	GString *out = NULL;
	size_t i = 0, copied = 0;
	bool in_string = false;

	while (i < len) {
		char c = text[i];
		size_t start = i, end;
		bool is_int;

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			i++;
			continue;
		}
		if (c == '"') {
			in_string = true;
			i++;
			continue;
		}
		if (g_ascii_isalpha(c) || c == '_') {
			while (i < len && (g_ascii_isalnum(text[i]) || text[i] == '_'))
				i++;
			continue;
		}
		if (c != '-' && !g_ascii_isdigit(c)) {
			i++;
			continue;
		}
		if (c == '-')
			i++;
		while (i < len && g_ascii_isdigit(text[i]))
			i++;
		is_int = i > start + (c == '-') &&
			 !(i < len && (text[i] == '.' || text[i] == 'e' || text[i] == 'E'));
		while (i < len && (g_ascii_isdigit(text[i]) || strchr(".eE+-", text[i])))
			i++;
		end = i;
		if (is_int) {
			errno = 0;
			g_ascii_strtoll(text + start, NULL, 10);
			if (errno != ERANGE)
				continue;
			if (!out)
				out = g_string_sized_new(len + 16);
			g_string_append_len(out, text + copied, end - copied);
			g_string_append(out, ".0");
			copied = end;
		}
	}
	if (out)
		g_string_append_len(out, text + copied, len - copied);
	return out;
}

/* Strings the parser produced must be UTF-8 too (think of \u escapes). */
static bool tree_is_valid(JsonNode *node, unsigned depth)
{
	if (depth > JSON_STREAM_MAX_DEPTH)
		return false;
	switch (json_node_get_node_type(node)) {
	case JSON_NODE_OBJECT: {
		JsonObjectIter it;
		const char *name;
		JsonNode *member;

		json_object_iter_init_ordered(&it, json_node_get_object(node));
		while (json_object_iter_next_ordered(&it, &name, &member))
			if (!g_utf8_validate(name, -1, NULL) || !tree_is_valid(member, depth + 1))
				return false;
		return true;
	}
	case JSON_NODE_ARRAY: {
		JsonArray *a = json_node_get_array(node);

		for (guint i = 0; i < json_array_get_length(a); i++)
			if (!tree_is_valid(json_array_get_element(a, i), depth + 1))
				return false;
		return true;
	}
	case JSON_NODE_VALUE:
		if (json_node_get_value_type(node) == G_TYPE_STRING)
			return g_utf8_validate(json_node_get_string(node), -1, NULL);
		return true;
	default:
		return true;
	}
}

static const char *type_name(enum qmp_arg_type t)
{
	switch (t) {
	case QMP_ARG_STR:
		return "string";
	case QMP_ARG_INT:
		return "integer";
	case QMP_ARG_BOOL:
		return "boolean";
	case QMP_ARG_NUMBER:
		return "number";
	case QMP_ARG_OBJECT:
		return "object";
	case QMP_ARG_ARRAY:
		return "array";
	default:
		return "any";
	}
}

static bool arg_type_ok(JsonNode *n, enum qmp_arg_type t)
{
	JsonNodeType nt = json_node_get_node_type(n);
	GType vt = nt == JSON_NODE_VALUE ? json_node_get_value_type(n) : G_TYPE_INVALID;

	switch (t) {
	case QMP_ARG_STR:
		return vt == G_TYPE_STRING;
	case QMP_ARG_INT:
		return vt == G_TYPE_INT64;
	case QMP_ARG_BOOL:
		return vt == G_TYPE_BOOLEAN;
	case QMP_ARG_NUMBER:
		return vt == G_TYPE_INT64 || vt == G_TYPE_DOUBLE;
	case QMP_ARG_OBJECT:
		return nt == JSON_NODE_OBJECT;
	case QMP_ARG_ARRAY:
		return nt == JSON_NODE_ARRAY;
	default:
		return true;
	}
}

/* QEMU's input visitor: declared parameters in order first, then leftovers. */
static bool check_args(const struct qmp_command *cmd, JsonObject *args, GError **err)
{
	const struct qmp_arg *a;
	JsonObjectIter it;
	const char *name;
	JsonNode *member;

	for (a = cmd->args; a && a->name; a++) {
		JsonNode *n = json_object_get_member(args, a->name);

		if (!n) {
			if (a->optional)
				continue;
			g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "Parameter '%s' is missing",
				    a->name);
			return false;
		}
		if (!arg_type_ok(n, a->type)) {
			g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "Invalid parameter type for '%s', expected: %s", a->name,
				    type_name(a->type));
			return false;
		}
	}
	json_object_iter_init_ordered(&it, args);
	while (json_object_iter_next_ordered(&it, &name, &member)) {
		bool known = false;

		for (a = cmd->args; a && a->name && !known; a++)
			known = !strcmp(a->name, name);
		if (!known) {
			g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "Parameter '%s' is unexpected",
				    name);
			return false;
		}
	}
	return true;
}

/* ---- dispatch ---- */

static void process_queue(struct qmp_session *s);

static gboolean deferred_reply_cb(gpointer opaque)
{
	struct qmp_session *s = opaque;
	char *line = s->deferred;

	s->deferred_src = 0;
	s->deferred = NULL;
	s->out(s->opaque, line, strlen(line));
	g_free(line);
	process_queue(s);
	if (!s->deferred && !g_queue_get_length(&s->queue) && s->drained)
		s->drained(s->opaque);
	return G_SOURCE_REMOVE;
}

/* Check the envelope; returns the command name or NULL with *err set. */
static const char *check_envelope(struct qmp_session *s, JsonObject *req, bool *oob,
				  JsonObject **args, GError **err)
{
	JsonObjectIter it;
	const char *name;
	JsonNode *member;
	const char *cmd = NULL;
	bool have_exec = false;

	*oob = false;
	*args = NULL;
	json_object_iter_init_ordered(&it, req);
	while (json_object_iter_next_ordered(&it, &name, &member)) {
		if (!strcmp(name, "execute") || !strcmp(name, "exec-oob")) {
			bool is_oob = name[4] == '-';

			if (json_node_get_value_type(member) != G_TYPE_STRING) {
				g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
					    "QMP input member '%s' must be a string", name);
				return NULL;
			}
			if (is_oob && !s->oob) {
				g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
					    "QMP input member '%s' is unexpected", name);
				return NULL;
			}
			if (have_exec) {
				g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
						    "QMP input must not have both 'execute' and "
						    "'exec-oob'");
				return NULL;
			}
			have_exec = true;
			*oob = is_oob;
			cmd = json_node_get_string(member);
		} else if (!strcmp(name, "arguments")) {
			if (!JSON_NODE_HOLDS_OBJECT(member)) {
				g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
						    "QMP input member 'arguments' must be an object");
				return NULL;
			}
			*args = json_node_get_object(member);
		} else if (strcmp(name, "id")) {
			g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "QMP input member '%s' is unexpected", name);
			return NULL;
		}
	}
	if (!cmd)
		g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "QMP input lacks member 'execute'");
	return cmd;
}

static void reply_gerror(struct qmp_session *s, GError *e, JsonNode *id)
{
	int cls = e->domain == QMP_ERROR ? e->code : QMP_ERROR_GENERIC;

	send_error(s, cls, e->message, id);
}

static void handle_object(struct qmp_session *s, JsonObject *req)
{
	JsonNode *id = json_object_get_member(req, "id");
	const struct qmp_command *cmd;
	g_autoptr(GError) err = NULL;
	JsonObject *args, *empty = NULL;
	const char *name;
	JsonNode *ret;
	GString *line;
	bool oob;

	name = check_envelope(s, req, &oob, &args, &err);
	if (!name) {
		reply_gerror(s, err, id);
		return;
	}
	cmd = qmp_find_command(name);
	if (!s->negotiated && (!cmd || !(cmd->flags & QMP_CMD_BEFORE_NEGOTIATION))) {
		send_error(s, QMP_ERROR_COMMAND_NOT_FOUND,
			   "Expecting capabilities negotiation with 'qmp_capabilities'", id);
		return;
	}
	if (!cmd) {
		char *desc = g_strdup_printf("The command %s has not been found", name);

		send_error(s, QMP_ERROR_COMMAND_NOT_FOUND, desc, id);
		g_free(desc);
		return;
	}
	if (oob) {
		char *desc = g_strdup_printf("The command %s does not support OOB", name);

		send_error(s, QMP_ERROR_GENERIC, desc, id);
		g_free(desc);
		return;
	}
	if (!args)
		args = empty = json_object_new();
	if (!check_args(cmd, args, &err)) {
		reply_gerror(s, err, id);
		goto out;
	}
	s->defer_current = false;
	ret = cmd->handler(s, args, &err);
	if (err) {
		if (ret)
			json_node_unref(ret);
		reply_gerror(s, err, id);
		goto out;
	}
	line = format_return(ret, id);
	if (ret)
		json_node_unref(ret);
	if ((cmd->flags & QMP_CMD_REPLY_AFTER_REQUESTS) || s->defer_current) {
		/*
		 * The main loop handles requests between iterations; an idle
		 * added now runs in the next one, after the request's events.
		 */
		g_string_append(line, "\r\n");
		s->deferred = g_string_free(line, FALSE);
		s->deferred_src = g_idle_add(deferred_reply_cb, s);
	} else {
		send_line(s, line);
		g_string_free(line, TRUE);
	}
out:
	if (empty)
		json_object_unref(empty);
}

static void parse_error(struct qmp_session *s, const char *why)
{
	char *desc = g_strdup_printf("JSON parse error, %s", why);

	send_error(s, QMP_ERROR_GENERIC, desc, NULL);
	g_free(desc);
}

static void parse_and_handle(struct qmp_session *s, JsonParser *parser, const char *text,
			     size_t len)
{
	g_autoptr(GError) err = NULL;
	JsonNode *root;

	if (!json_parser_load_from_data(parser, text, len, &err)) {
		const char *msg = err->message;

		/* "<data>:1:5: Parse error: ..." -> "1:5: ..." */
		if (g_str_has_prefix(msg, "<data>:"))
			msg += 7;
		parse_error(s, msg);
		return;
	}
	root = json_parser_get_root(parser);
	if (!root || !tree_is_valid(root, 0)) {
		parse_error(s, "invalid string");
		return;
	}
	if (!JSON_NODE_HOLDS_OBJECT(root)) {
		send_error(s, QMP_ERROR_GENERIC, "QMP input must be a JSON object", NULL);
		return;
	}
	handle_object(s, json_node_get_object(root));
}

static void handle_text(struct qmp_session *s, const char *text, size_t len)
{
	const char *bad = check_text(text, len);
	g_autoptr(GString) wide = NULL;
	JsonParser *parser;

	if (bad) {
		parse_error(s, bad);
		return;
	}
	wide = widen_big_integers(text, len);
	if (wide) {
		text = wide->str;
		len = wide->len;
	}
	/* Not g_autoptr: its cleanup would call g_object_unref directly (json-glib-dl.h). */
	parser = json_parser_new_immutable();
	parse_and_handle(s, parser, text, len);
	g_object_unref(parser);
}

static void process_queue(struct qmp_session *s)
{
	struct item *it;

	/* A handler may feed input (HMP) or a deferred reply may be pending. */
	if (s->in_process)
		return;
	s->in_process = true;
	while (!s->deferred && (it = g_queue_pop_head(&s->queue))) {
		switch (it->kind) {
		case ITEM_TEXT:
			handle_text(s, it->text, it->len);
			break;
		case ITEM_TOO_LONG:
			parse_error(s, "input too long (no complete value within 1 MiB)");
			break;
		case ITEM_TOO_DEEP:
			parse_error(s, "nesting depth limit exceeded");
			break;
		}
		g_free(it);
	}
	s->in_process = false;
}

static void stream_cb(void *opaque, enum json_stream_status st, const char *text, size_t len)
{
	struct qmp_session *s = opaque;
	struct item *it;

	if (st == JSON_STREAM_VALUE) {
		it = g_malloc(sizeof(*it) + len + 1);
		it->kind = ITEM_TEXT;
		it->len = len;
		memcpy(it->text, text, len);
		it->text[len] = 0;
	} else {
		it = g_malloc0(sizeof(*it));
		it->kind = st == JSON_STREAM_TOO_LONG ? ITEM_TOO_LONG : ITEM_TOO_DEEP;
	}
	g_queue_push_tail(&s->queue, it);
}

/* ---- session ---- */

struct qmp_session *qmp_session_new(qmp_output_fn out, void *opaque)
{
	struct qmp_session *s = g_new0(struct qmp_session, 1);

	s->out = out;
	s->opaque = opaque;
	s->stream = json_stream_new(JSON_STREAM_DEFAULT_MAX, stream_cb, s);
	g_queue_init(&s->queue);
	return s;
}

void qmp_session_stop(struct qmp_session *s)
{
	struct item *it;

	while ((it = g_queue_pop_head(&s->queue)))
		g_free(it);
	json_stream_reset(s->stream);
	if (s->deferred_src)
		g_source_remove(s->deferred_src);
	s->deferred_src = 0;
	g_clear_pointer(&s->deferred, g_free);
	s->negotiated = false;
	s->oob = false;
}

void qmp_session_free(struct qmp_session *s)
{
	if (!s)
		return;
	qmp_session_stop(s);
	json_stream_free(s->stream);
	g_free(s);
}

void qmp_session_start(struct qmp_session *s)
{
	GString *line = g_string_new(NULL);

	qmp_session_stop(s);
	g_string_append_printf(line,
			       "{\"QMP\": {\"version\": {\"qemu\": {\"major\": %d, \"minor\": %d, "
			       "\"micro\": %d}, \"package\": \"keel-%s\"}, \"capabilities\": "
			       "[\"oob\"]}}",
			       QMP_QEMU_MAJOR, QMP_QEMU_MINOR, QMP_QEMU_MICRO, KEEL_VERSION);
	send_line(s, line);
	g_string_free(line, TRUE);
}

void qmp_session_input(struct qmp_session *s, const uint8_t *buf, size_t len)
{
	json_stream_feed(s->stream, buf, len);
	process_queue(s);
}

bool qmp_session_negotiated(const struct qmp_session *s)
{
	return s->negotiated;
}

unsigned qmp_session_queued(const struct qmp_session *s)
{
	return g_queue_get_length((GQueue *)&s->queue) + (s->deferred ? 1 : 0);
}

void qmp_defer_reply(struct qmp_session *s)
{
	s->defer_current = true;
}

void qmp_session_set_drained_cb(struct qmp_session *s, void (*fn)(void *opaque))
{
	s->drained = fn;
}

void qmp_session_send_event(struct qmp_session *s, const char *line, size_t len)
{
	if (s->negotiated)
		s->out(s->opaque, line, len);
}

/* ---- qmp_capabilities lives here: it changes the session ---- */

static JsonNode *qmp_capabilities(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonNode *en = json_object_get_member(args, "enable");
	bool oob = false;

	if (s->negotiated) {
		g_set_error_literal(err, QMP_ERROR, QMP_ERROR_COMMAND_NOT_FOUND,
				    "Capabilities negotiation is already complete, command ignored");
		return NULL;
	}
	if (en) {
		JsonArray *a = json_node_get_array(en);

		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonNode *c = json_array_get_element(a, i);

			if (json_node_get_value_type(c) != G_TYPE_STRING) {
				g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
					    "Invalid parameter type for 'enable[%u]', expected: "
					    "string",
					    i);
				return NULL;
			}
			if (strcmp(json_node_get_string(c), "oob")) {
				g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
					    "Parameter 'enable[%u]' does not accept value '%s'", i,
					    json_node_get_string(c));
				return NULL;
			}
			oob = true;
		}
	}
	s->negotiated = true;
	s->oob = oob;
	return NULL;
}

static const struct qmp_arg qmp_capabilities_args[] = {
	{ "enable", QMP_ARG_ARRAY, true },
	{ NULL },
};

static const struct qmp_command qmp_capabilities_cmd = {
	.name = "qmp_capabilities",
	.args = qmp_capabilities_args,
	.handler = qmp_capabilities,
	.flags = QMP_CMD_BEFORE_NEGOTIATION,
};
QMP_COMMAND_REGISTER(qmp_capabilities_cmd)
