// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Monitors over a real chardev: a socketpair end handed to the socket
 * backend as fd=N, attached with -mon semantics. Covers event delivery from
 * other threads (queued to the main loop, original order and timestamps
 * kept) and the socket backend's client mode.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chardev/char.h"
#include "monitor/monitor.h"
#include "monitor/qmp.h"
#include "system/bql.h"
#include "system/opts.h"

static int peer = -1;
static GString *inbuf;

static void setup(void)
{
	int sv[2];
	char *spec;
	struct kopts *o;
	GError *err = NULL;
	static unsigned n;
	char id[32];

	if (!bql_locked())
		bql_lock();
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	peer = sv[0];
	snprintf(id, sizeof(id), "mon%u", n++);
	spec = g_strdup_printf("socket,id=%s,fd=%d", id, sv[1]);
	o = kopts_parse(spec, "backend", &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_msg(chardev_new(o, &err) != NULL, "%s", err ? err->message : "?");
	kopts_free(o);
	g_free(spec);
	spec = g_strdup_printf("chardev=%s,mode=control", id);
	o = kopts_parse(spec, NULL, &err);
	ck_assert_msg(monitor_add_mon(o, &err) == 0, "%s", err ? err->message : "?");
	kopts_free(o);
	g_free(spec);
	inbuf = g_string_new(NULL);
}

static void teardown(void)
{
	monitor_cleanup();
	close(peer);
	g_string_free(inbuf, TRUE);
}

/* Next line from keel, iterating the main loop until it arrives (bounded). */
static char *next_line(void)
{
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

	while (!strchr(inbuf->str, '\n')) {
		char buf[4096];
		ssize_t r;

		ck_assert_msg(g_get_monotonic_time() < deadline, "no line; have '%s'", inbuf->str);
		g_main_context_iteration(NULL, FALSE);
		r = recv(peer, buf, sizeof(buf), MSG_DONTWAIT);
		if (r > 0)
			g_string_append_len(inbuf, buf, r);
		else
			g_main_context_iteration(NULL, FALSE);
	}
	{
		char *nl = strchr(inbuf->str, '\n');
		char *line = g_strndup(inbuf->str, nl - inbuf->str);

		g_string_erase(inbuf, 0, nl - inbuf->str + 1);
		return line;
	}
}

static void send_line(const char *s)
{
	ck_assert_int_eq(write(peer, s, strlen(s)), (ssize_t)strlen(s));
}

static void negotiate(void)
{
	char *l = next_line();

	ck_assert_msg(g_str_has_prefix(l, "{\"QMP\": "), "greeting: %s", l);
	g_free(l);
	send_line("{\"execute\": \"qmp_capabilities\"}\n");
	l = next_line();
	ck_assert_str_eq(l, "{\"return\": {}}\r");
	g_free(l);
}

static gpointer raise_events(gpointer data)
{
	for (int i = 0; i < 50; i++) {
		char d[64];

		snprintf(d, sizeof(d), "{\"n\": %d}", i);
		monitor_event("X_THREAD", d);
	}
	return NULL;
}

START_TEST(test_events_from_threads)
{
	GThread *t;
	gint64 last = 0;

	negotiate();
	t = g_thread_new("ev", raise_events, NULL);
	g_thread_join(t);
	/* Raised on this (main) thread after the others: must come last. */
	monitor_event("X_MAIN", NULL);
	for (int i = 0; i <= 50; i++) {
		char *l = next_line();
		JsonParser *p = json_parser_new();
		JsonObject *o, *ts;
		gint64 when;

		ck_assert_msg(json_parser_load_from_data(p, l, -1, NULL), "%s", l);
		o = json_node_get_object(json_parser_get_root(p));
		ts = json_object_get_object_member(o, "timestamp");
		when = json_object_get_int_member(ts, "seconds") * G_USEC_PER_SEC +
		       json_object_get_int_member(ts, "microseconds");
		ck_assert(when >= last);
		last = when;
		if (i < 50) {
			ck_assert_str_eq(json_object_get_string_member(o, "event"), "X_THREAD");
			ck_assert_int_eq(json_object_get_int_member(
						 json_object_get_object_member(o, "data"), "n"),
					 i);
		} else {
			ck_assert_str_eq(json_object_get_string_member(o, "event"), "X_MAIN");
			ck_assert(!json_object_has_member(o, "data"));
		}
		g_object_unref(p);
		g_free(l);
	}
}
END_TEST

START_TEST(test_not_negotiated_gets_no_events)
{
	char *l = next_line(); /* greeting */

	g_free(l);
	monitor_event("X_EARLY", NULL);
	send_line("{\"execute\": \"qmp_capabilities\"}\n");
	l = next_line();
	ck_assert_str_eq(l, "{\"return\": {}}\r");
	g_free(l);
	monitor_event("X_LATE", "{\"a\": [1, \"\\u00e9\"]}");
	l = next_line();
	ck_assert_msg(strstr(l, "\"event\": \"X_LATE\", \"data\": {\"a\": [1, \"\\u00E9\"]}}"),
		      "%s", l);
	g_free(l);
}
END_TEST

START_TEST(test_query_chardev_sees_monitor)
{
	char *l;

	negotiate();
	send_line("{\"execute\": \"query-chardev\"}{\"execute\": \"query-events\"}");
	l = next_line();
	ck_assert_msg(strstr(l, "\"label\": \"mon"), "%s", l);
	g_free(l);
	l = next_line();
	ck_assert_msg(strstr(l, "{\"name\": \"SHUTDOWN\"}"), "%s", l);
	g_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("qmp-monitor");
	TCase *t = tcase_create("monitor");
	SRunner *r;
	int failed;

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_set_timeout(t, 30);
	tcase_add_test(t, test_events_from_threads);
	tcase_add_test(t, test_not_negotiated_gets_no_events);
	tcase_add_test(t, test_query_chardev_sees_monitor);
	suite_add_tcase(s, t);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
