// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz target for QMP framing, checking and dispatch. The first input byte
 * picks how the rest is cut into reads; the rest is what a client sends
 * (after the greeting, with or without negotiating first).
 *
 * The property checked: every line the server writes is one JSON object,
 * printable ASCII, terminated by "\r\n". A violation aborts (the fuzzer
 * reports it; the corpus replay fails).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/qmp.h"
#include "system/bql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(void *opaque, const char *line, size_t len)
{
	JsonParser *p;
	GError *err = NULL;

	if (len < 3 || line[len - 2] != '\r' || line[len - 1] != '\n')
		goto bad;
	for (size_t i = 0; i < len - 2; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] > 0x7e)
			goto bad;
	p = json_parser_new_immutable();
	if (!json_parser_load_from_data(p, line, len - 2, &err) ||
	    !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
		g_object_unref(p);
		goto bad;
	}
	g_object_unref(p);
	(*(unsigned *)opaque)++;
	return;
bad:
	fprintf(stderr, "fuzz-qmp: invalid output line (%zu bytes): %.*s\n", len, (int)len, line);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct qmp_session *s;
	unsigned lines = 0;
	size_t chunk, off = 1;

	if (!init) {
		/* The main loop's state: handlers expect the bql held. */
		bql_lock();
		/* A monitor would have loaded json-glib (json-glib-dl.h). */
		if (!json_glib_load(NULL))
			abort();
		init = true;
	}
	if (!size)
		return 0;
	chunk = (data[0] & 0x7f) + 1;
	s = qmp_session_new(check_line, &lines);
	qmp_session_start(s);
	while (off < size) {
		size_t n = MIN(chunk, size - off);

		qmp_session_input(s, data + off, n);
		off += n;
		/* Let deferred replies out now and then, as the main loop would. */
		if (data[0] & 0x80)
			while (g_main_context_iteration(NULL, FALSE))
				;
	}
	for (int i = 0; i < 100 && g_main_context_iteration(NULL, FALSE); i++)
		;
	qmp_session_free(s);
	return 0;
}
