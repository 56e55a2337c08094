// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * QMP protocol engine and stream framing, without sockets: a session's
 * output lines are captured and every one must be a JSON object.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "monitor/json-stream.h"
#include "monitor/qmp.h"

/* ---- framing ---- */

static GPtrArray *frames; /* char *: the value text, or "<too-long>", "<too-deep>" */

static void frame_cb(void *opaque, enum json_stream_status st, const char *text, size_t len)
{
	if (st == JSON_STREAM_VALUE)
		g_ptr_array_add(frames, g_strndup(text, len));
	else
		g_ptr_array_add(frames, g_strdup(st == JSON_STREAM_TOO_LONG ? "<too-long>"
									 : "<too-deep>"));
}

static struct json_stream *new_stream(size_t max)
{
	if (frames)
		g_ptr_array_free(frames, TRUE);
	frames = g_ptr_array_new_with_free_func(g_free);
	return json_stream_new(max, frame_cb, NULL);
}

static void feed(struct json_stream *s, const char *str)
{
	json_stream_feed(s, (const uint8_t *)str, strlen(str));
}

#define FRAME(i) ((const char *)frames->pdata[i])

START_TEST(test_stream_merged)
{
	struct json_stream *s = new_stream(0);

	feed(s, "{\"a\":1}{\"b\":[2,{}]}\r\n  [1]\t\"x}\"");
	ck_assert_uint_eq(frames->len, 4);
	ck_assert_str_eq(FRAME(0), "{\"a\":1}");
	ck_assert_str_eq(FRAME(1), "{\"b\":[2,{}]}");
	ck_assert_str_eq(FRAME(2), "[1]");
	ck_assert_str_eq(FRAME(3), "\"x}\"");
	ck_assert_uint_eq(json_stream_pending(s), 0);
	json_stream_free(s);
}
END_TEST

START_TEST(test_stream_split_every_byte)
{
	const char *in = "{\"execute\": \"q\\\"}{\", \"arguments\": {\"k\": [\"]\\\\\"]}} {\"x\":1}";
	struct json_stream *s = new_stream(0);

	for (size_t i = 0; in[i]; i++)
		json_stream_feed(s, (const uint8_t *)&in[i], 1);
	ck_assert_uint_eq(frames->len, 2);
	ck_assert_str_eq(FRAME(0), "{\"execute\": \"q\\\"}{\", \"arguments\": {\"k\": [\"]\\\\\"]}}");
	ck_assert_str_eq(FRAME(1), "{\"x\":1}");
	json_stream_free(s);
}
END_TEST

START_TEST(test_stream_scalars_and_garbage)
{
	struct json_stream *s = new_stream(0);

	feed(s, "123 true}]x{\"a\":1}nul");
	/* "nul" may continue: it is held until a delimiter comes. */
	ck_assert_uint_eq(frames->len, 6);
	ck_assert_str_eq(FRAME(0), "123");
	ck_assert_str_eq(FRAME(1), "true");
	ck_assert_str_eq(FRAME(2), "}");
	ck_assert_str_eq(FRAME(3), "]");
	ck_assert_str_eq(FRAME(4), "x");
	ck_assert_str_eq(FRAME(5), "{\"a\":1}");
	feed(s, "l ");
	ck_assert_uint_eq(frames->len, 7);
	ck_assert_str_eq(FRAME(6), "null");
	json_stream_free(s);
}
END_TEST

START_TEST(test_stream_too_long)
{
	struct json_stream *s = new_stream(64);
	GString *big = g_string_new("{\"a\": \"");

	for (int i = 0; i < 200; i++)
		g_string_append_c(big, 'x');
	/* Braces inside the dropped string must not confuse resynchronisation. */
	g_string_append(big, "{{{\"} {\"ok\":1}");
	feed(s, big->str);
	ck_assert_uint_eq(frames->len, 2);
	ck_assert_str_eq(FRAME(0), "<too-long>");
	ck_assert_str_eq(FRAME(1), "{\"ok\":1}");
	g_string_free(big, TRUE);
	json_stream_free(s);
}
END_TEST

START_TEST(test_stream_too_deep)
{
	struct json_stream *s = new_stream(0);
	GString *deep = g_string_new(NULL);

	for (int i = 0; i < JSON_STREAM_MAX_DEPTH + 5; i++)
		g_string_append_c(deep, '[');
	for (int i = 0; i < JSON_STREAM_MAX_DEPTH + 5; i++)
		g_string_append_c(deep, ']');
	g_string_append(deep, "{}");
	feed(s, deep->str);
	ck_assert_uint_eq(frames->len, 2);
	ck_assert_str_eq(FRAME(0), "<too-deep>");
	ck_assert_str_eq(FRAME(1), "{}");
	g_string_free(deep, TRUE);
	json_stream_free(s);
}
END_TEST

/* ---- sessions ---- */

static GPtrArray *lines;

static void out_cb(void *opaque, const char *line, size_t len)
{
	ck_assert_uint_ge(len, 2);
	ck_assert(line[len - 2] == '\r' && line[len - 1] == '\n');
	ck_assert_ptr_null(memchr(line, '\n', len - 1));
	g_ptr_array_add(lines, g_strndup(line, len - 2));
}

static struct qmp_session *new_session(bool negotiate)
{
	struct qmp_session *s;

	if (lines)
		g_ptr_array_free(lines, TRUE);
	lines = g_ptr_array_new_with_free_func(g_free);
	s = qmp_session_new(out_cb, NULL);
	qmp_session_start(s);
	if (negotiate) {
		const char *cap = "{\"execute\": \"qmp_capabilities\"}";

		qmp_session_input(s, (const uint8_t *)cap, strlen(cap));
		ck_assert(qmp_session_negotiated(s));
	}
	g_ptr_array_set_size(lines, 0);
	return s;
}

static void send_str(struct qmp_session *s, const char *str)
{
	qmp_session_input(s, (const uint8_t *)str, strlen(str));
}

/* Parse output line i; it must be a valid JSON object. */
static JsonObject *line_obj(guint i, JsonParser **parser)
{
	GError *err = NULL;

	ck_assert_uint_lt(i, lines->len);
	ck_assert_msg(g_utf8_validate(lines->pdata[i], -1, NULL), "line %u not UTF-8", i);
	*parser = json_parser_new();
	ck_assert_msg(json_parser_load_from_data(*parser, lines->pdata[i], -1, &err),
		      "line %u not JSON: %s", i, (char *)lines->pdata[i]);
	ck_assert(JSON_NODE_HOLDS_OBJECT(json_parser_get_root(*parser)));
	return json_node_get_object(json_parser_get_root(*parser));
}

static void expect_error(guint i, const char *cls, const char *desc_part)
{
	JsonParser *p;
	JsonObject *o = line_obj(i, &p), *e;

	ck_assert_msg(json_object_has_member(o, "error"), "line %u: %s", i,
		      (char *)lines->pdata[i]);
	e = json_object_get_object_member(o, "error");
	ck_assert_str_eq(json_object_get_string_member(e, "class"), cls);
	if (desc_part)
		ck_assert_msg(strstr(json_object_get_string_member(e, "desc"), desc_part),
			      "line %u: %s", i, (char *)lines->pdata[i]);
	g_object_unref(p);
}

static void expect_return(guint i)
{
	JsonParser *p;
	JsonObject *o = line_obj(i, &p);

	ck_assert_msg(json_object_has_member(o, "return"), "line %u: %s", i,
		      (char *)lines->pdata[i]);
	g_object_unref(p);
}

START_TEST(test_greeting)
{
	struct qmp_session *s = qmp_session_new(out_cb, NULL);
	JsonParser *p;
	JsonObject *o, *v;

	if (lines)
		g_ptr_array_free(lines, TRUE);
	lines = g_ptr_array_new_with_free_func(g_free);
	qmp_session_start(s);
	ck_assert_uint_eq(lines->len, 1);
	o = json_object_get_object_member(line_obj(0, &p), "QMP");
	v = json_object_get_object_member(json_object_get_object_member(o, "version"), "qemu");
	ck_assert_int_eq(json_object_get_int_member(v, "major"), 7);
	ck_assert_int_eq(json_object_get_int_member(v, "minor"), 2);
	ck_assert_int_eq(json_object_get_int_member(v, "micro"), 0);
	ck_assert(g_str_has_prefix(json_object_get_string_member(
					   json_object_get_object_member(o, "version"), "package"),
				   "keel-"));
	ck_assert(json_object_has_member(o, "capabilities"));
	g_object_unref(p);
	qmp_session_free(s);
}
END_TEST

START_TEST(test_negotiation)
{
	struct qmp_session *s = new_session(false);

	send_str(s, "{\"execute\": \"query-status\", \"id\": 5}");
	expect_error(0, "CommandNotFound", "Expecting capabilities negotiation");
	ck_assert_str_eq(lines->pdata[0], "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": "
					  "\"Expecting capabilities negotiation with "
					  "'qmp_capabilities'\"}, \"id\": 5}");
	send_str(s, "{\"execute\": \"no-such\"}");
	expect_error(1, "CommandNotFound", "Expecting capabilities negotiation");
	send_str(s, "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"x\"]}}");
	expect_error(2, "GenericError", "does not accept");
	ck_assert(!qmp_session_negotiated(s));
	send_str(s, "{\"execute\": \"qmp_capabilities\", \"id\": \"libvirt-1\"}");
	ck_assert_str_eq(lines->pdata[3], "{\"return\": {}, \"id\": \"libvirt-1\"}");
	send_str(s, "{\"execute\": \"qmp_capabilities\"}");
	expect_error(4, "CommandNotFound", "already complete");
	/* A new connection starts over. */
	qmp_session_start(s);
	ck_assert(!qmp_session_negotiated(s));
	qmp_session_free(s);
}
END_TEST

START_TEST(test_id_echo)
{
	static const char *const ids[] = {
		"1", "-7", "\"str\"", "null", "true", "[1, \"a\", {}]", "{\"x\": {\"y\": [null]}}",
		"1.5", "\"\\u00e9\\ud83d\\ude00\"", "9223372036854775807",
		"[100000000000000000000, -100000000000000000000, \"123456789012345678901\"]",
		"1e999",
	};
	static const char *const echoed[] = {
		"1", "-7", "\"str\"", "null", "true", "[1, \"a\", {}]", "{\"x\": {\"y\": [null]}}",
		"1.5", "\"\\u00E9\\uD83D\\uDE00\"", "9223372036854775807",
		"[1e+20, -1e+20, \"123456789012345678901\"]",
		"null",
	};
	struct qmp_session *s = new_session(true);

	for (unsigned i = 0; i < G_N_ELEMENTS(ids); i++) {
		char *in = g_strdup_printf("{\"execute\": \"query-name\", \"id\": %s}", ids[i]);
		char *want = g_strdup_printf("{\"return\": {}, \"id\": %s}", echoed[i]);

		send_str(s, in);
		ck_assert_str_eq(lines->pdata[i], want);
		g_free(in);
		g_free(want);
	}
	/* Errors echo the id too. */
	send_str(s, "{\"execute\": \"nope\", \"id\": [\"x\"]}");
	ck_assert(g_str_has_suffix(lines->pdata[G_N_ELEMENTS(ids)], ", \"id\": [\"x\"]}"));
	qmp_session_free(s);
}
END_TEST

START_TEST(test_envelope_errors)
{
	struct qmp_session *s = new_session(true);
	guint i = 0;

	send_str(s, "[1, 2]");
	expect_error(i++, "GenericError", "QMP input must be a JSON object");
	send_str(s, "42 ");
	expect_error(i++, "GenericError", "QMP input must be a JSON object");
	send_str(s, "{\"id\": 1}");
	expect_error(i++, "GenericError", "QMP input lacks member 'execute'");
	send_str(s, "{\"execute\": 1}");
	expect_error(i++, "GenericError", "QMP input member 'execute' must be a string");
	send_str(s, "{\"execute\": \"query-status\", \"arguments\": []}");
	expect_error(i++, "GenericError", "QMP input member 'arguments' must be an object");
	send_str(s, "{\"execute\": \"query-status\", \"bogus\": 1}");
	expect_error(i++, "GenericError", "QMP input member 'bogus' is unexpected");
	send_str(s, "{\"exec-oob\": \"query-status\"}");
	expect_error(i++, "GenericError", "QMP input member 'exec-oob' is unexpected");
	send_str(s, "{\"execute\": \"no-such-command\"}");
	expect_error(i++, "CommandNotFound", "The command no-such-command has not been found");
	send_str(s, "{\"execute\": \"query-status\", \"arguments\": {\"x\": 1}}");
	expect_error(i++, "GenericError", "Parameter 'x' is unexpected");
	send_str(s, "{\"execute\": \"human-monitor-command\"}");
	expect_error(i++, "GenericError", "Parameter 'command-line' is missing");
	send_str(s, "{\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": 3}}");
	expect_error(i++, "GenericError", "Invalid parameter type for 'command-line', expected: string");
	/* Still usable. */
	send_str(s, "{\"execute\": \"query-version\"}");
	expect_return(i++);
	ck_assert_uint_eq(lines->len, i);
	qmp_session_free(s);
}
END_TEST

START_TEST(test_malformed)
{
	static const char *const bad[] = {
		"{\"execute\" \"x\"}",
		"{\"execute\": \"query-status\",}",
		"{\"execute\": tru}",
		"{\"a\": \"\\uZZZZ\"}",
		"{\"a\": \"\\ud800\"}",
		"{\"a\": \"\\udc00\\ud800x\"}",
		"{\"a\": \"\\q\"}",
		"{\"a\": \"\x01\"}",
		"{\"a\": \"\xff\xfe\"}",
		"{\"a\": \"\\uZZ\xc3\x28\"}",
		"{\"a\xc0\xaf\": 1}",
		"{\"execute\": \"query-status\" \xed\xa0\x80}",
		"]",
		",",
		"'x' ",
	};
	struct qmp_session *s = new_session(true);
	guint i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		send_str(s, bad[i]);
		ck_assert_msg(lines->len == i + 1, "input %u gave %u lines", i, lines->len - i);
		expect_error(i, "GenericError", NULL);
	}
	/* NUL bytes anywhere. */
	qmp_session_input(s, (const uint8_t *)"{\"a\": \"x\0y\"}", 12);
	expect_error(i++, "GenericError", "NUL");
	qmp_session_input(s, (const uint8_t *)"{\0}", 3);
	expect_error(i++, "GenericError", "NUL");
	send_str(s, "{\"execute\": \"query-status\"}");
	expect_return(i++);
	qmp_session_free(s);
}
END_TEST

START_TEST(test_oversized)
{
	struct qmp_session *s = new_session(true);
	GString *big = g_string_new("{\"execute\": \"query-status\", \"arguments\": {\"x\": \"");
	size_t n = 0;

	while (big->len < 2 * JSON_STREAM_DEFAULT_MAX)
		g_string_append(big, "0123456789abcdef");
	g_string_append(big, "\"}}");
	/* Feed it in pieces like a socket would. */
	while (n < big->len) {
		size_t k = MIN(4096, big->len - n);

		qmp_session_input(s, (const uint8_t *)big->str + n, k);
		n += k;
	}
	ck_assert_uint_eq(lines->len, 1);
	expect_error(0, "GenericError", "too long");
	send_str(s, "{\"execute\": \"query-status\", \"id\": 2}");
	expect_return(1);
	g_string_free(big, TRUE);
	qmp_session_free(s);
}
END_TEST

START_TEST(test_split_and_merged_requests)
{
	const char *in = "{\"execute\": \"query-status\", \"id\": 1}\r\n"
			 "{\"execute\": \"query-name\", \"id\": 2}  {\"execute\": \"query-kvm\", "
			 "\"id\": 3}";
	struct qmp_session *s = new_session(true);

	for (size_t i = 0; in[i]; i++)
		qmp_session_input(s, (const uint8_t *)&in[i], 1);
	ck_assert_uint_eq(lines->len, 3);
	for (guint i = 0; i < 3; i++) {
		JsonParser *p;
		JsonObject *o = line_obj(i, &p);

		ck_assert_int_eq(json_object_get_int_member(o, "id"), i + 1);
		g_object_unref(p);
	}
	qmp_session_free(s);
}
END_TEST

/* A command that posts "a request": its reply must wait for the main loop. */
static int posted;

static gboolean handle_posted(gpointer opaque)
{
	g_ptr_array_add(lines, g_strdup("{\"event\": \"POSTED\"}"));
	return G_SOURCE_REMOVE;
}

static JsonNode *test_post(struct qmp_session *s, JsonObject *args, GError **err)
{
	posted++;
	/* Stands in for main_loop_handle_requests(), which runs between iterations. */
	g_idle_add_full(G_PRIORITY_HIGH, handle_posted, NULL, NULL);
	return NULL;
}

static const struct qmp_command test_post_cmd = {
	.name = "x-test-post",
	.handler = test_post,
	.flags = QMP_CMD_REPLY_AFTER_REQUESTS,
};

START_TEST(test_deferred_order)
{
	struct qmp_session *s;

	qmp_register_command(&test_post_cmd);
	s = new_session(true);
	send_str(s, "{\"execute\": \"x-test-post\", \"id\": 1}{\"execute\": \"query-name\", "
		    "\"id\": 2}");
	/* Nothing yet: the reply waits, and the request behind it waits too. */
	ck_assert_uint_eq(lines->len, 0);
	ck_assert_uint_eq(qmp_session_queued(s), 2);
	for (int i = 0; i < 10 && lines->len < 3; i++)
		g_main_context_iteration(NULL, FALSE);
	ck_assert_uint_eq(lines->len, 3);
	ck_assert_str_eq(lines->pdata[0], "{\"event\": \"POSTED\"}");
	ck_assert_str_eq(lines->pdata[1], "{\"return\": {}, \"id\": 1}");
	ck_assert_str_eq(lines->pdata[2], "{\"return\": {}, \"id\": 2}");
	ck_assert_uint_eq(qmp_session_queued(s), 0);
	/* A disconnect with a reply pending drops it cleanly. */
	send_str(s, "{\"execute\": \"x-test-post\"}");
	qmp_session_stop(s);
	qmp_session_free(s);
	while (g_main_context_iteration(NULL, FALSE))
		;
	ck_assert_int_eq(posted, 2);
}
END_TEST

START_TEST(test_events)
{
	struct qmp_session *s = new_session(false);
	JsonParser *p = json_parser_new();
	size_t len;
	char *ev;
	JsonObject *o;

	ck_assert(json_parser_load_from_data(p, "{\"guest\": false, \"reason\": \"x\"}", -1, NULL));
	ev = qmp_format_event("RESET", json_parser_get_root(p), 1234567890123456LL, &len);
	ck_assert_str_eq(ev, "{\"timestamp\": {\"seconds\": 1234567890, \"microseconds\": "
			     "123456}, \"event\": \"RESET\", \"data\": {\"guest\": false, "
			     "\"reason\": \"x\"}}\r\n");
	/* Not before negotiation. */
	qmp_session_send_event(s, ev, len);
	ck_assert_uint_eq(lines->len, 0);
	send_str(s, "{\"execute\": \"qmp_capabilities\"}");
	qmp_session_send_event(s, ev, len);
	ck_assert_uint_eq(lines->len, 2);
	o = line_obj(1, &p);
	ck_assert_str_eq(json_object_get_string_member(o, "event"), "RESET");
	g_object_unref(p);
	g_free(ev);
	ev = qmp_format_event("STOP", NULL, 0, &len);
	ck_assert_str_eq(ev, "{\"timestamp\": {\"seconds\": 0, \"microseconds\": 0}, "
			     "\"event\": \"STOP\"}\r\n");
	g_free(ev);
	qmp_session_free(s);
}
END_TEST

START_TEST(test_serializer)
{
	JsonNode *n = json_node_init_string(json_node_alloc(), "a\"\\\b\f\n\r\t\x01\x7f\xc3\xa9\xff/");
	char *s = qmp_json_to_string(n);

	ck_assert_str_eq(s, "\"a\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u007F\\u00E9\\uFFFD/\"");
	g_free(s);
	json_node_unref(n);
	n = json_node_init_double(json_node_alloc(), 1.0 / 0.0);
	s = qmp_json_to_string(n);
	ck_assert_str_eq(s, "null");
	g_free(s);
	json_node_unref(n);
}
END_TEST

START_TEST(test_commands_listed)
{
	struct qmp_session *s = new_session(true);
	static const char *const names[] = {
		"qmp_capabilities", "query-version", "query-commands", "query-status",
		"query-name", "query-uuid", "query-kvm", "query-target", "query-machines",
		"query-cpus-fast", "query-hotpluggable-cpus", "query-chardev", "query-events",
		"stop", "cont", "system_reset", "system_powerdown", "quit",
		"human-monitor-command",
	};

	send_str(s, "{\"execute\": \"query-commands\"}");
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
		char *want = g_strdup_printf("{\"name\": \"%s\"}", names[i]);

		ck_assert_msg(strstr(lines->pdata[0], want), "%s missing", names[i]);
		g_free(want);
	}
	send_str(s, "{\"execute\": \"query-events\"}");
	ck_assert(strstr(lines->pdata[1], "{\"name\": \"RESET\"}"));
	send_str(s, "{\"execute\": \"query-uuid\"}");
	ck_assert_str_eq(lines->pdata[2],
			 "{\"return\": {\"UUID\": \"00000000-0000-0000-0000-000000000000\"}}");
	send_str(s, "{\"execute\": \"human-monitor-command\", \"arguments\": "
		    "{\"command-line\": \"  info   status \"}}");
	for (int i = 0; i < 10 && lines->len < 4; i++)
		g_main_context_iteration(NULL, FALSE);
	ck_assert_str_eq(lines->pdata[3], "{\"return\": \"VM status: paused (prelaunch)\\r\\n\"}");
	qmp_session_free(s);
}
END_TEST

static Suite *qmp_suite(void)
{
	Suite *s = suite_create("qmp");
	TCase *t = tcase_create("stream");

	tcase_add_test(t, test_stream_merged);
	tcase_add_test(t, test_stream_split_every_byte);
	tcase_add_test(t, test_stream_scalars_and_garbage);
	tcase_add_test(t, test_stream_too_long);
	tcase_add_test(t, test_stream_too_deep);
	suite_add_tcase(s, t);
	t = tcase_create("session");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_greeting);
	tcase_add_test(t, test_negotiation);
	tcase_add_test(t, test_id_echo);
	tcase_add_test(t, test_envelope_errors);
	tcase_add_test(t, test_malformed);
	tcase_add_test(t, test_oversized);
	tcase_add_test(t, test_split_and_merged_requests);
	tcase_add_test(t, test_deferred_order);
	tcase_add_test(t, test_events);
	tcase_add_test(t, test_serializer);
	tcase_add_test(t, test_commands_listed);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *r;
	GError *err = NULL;
	int failed;

	/* Sessions are driven directly here: load what a monitor would have loaded. */
	if (!json_glib_load(&err)) {
		fprintf(stderr, "%s\n", err->message);
		return 1;
	}
	r = srunner_create(qmp_suite());
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
