// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON output for QMP. Written by hand (rather than with JsonGenerator) so
 * that every line is valid JSON whatever the tree holds: strings are
 * re-encoded as ASCII with \u escapes, bytes that are not UTF-8 become
 * U+FFFD, and numbers that JSON cannot express become null. The spacing
 * follows QEMU's output.
 */
#include <math.h>
#include <string.h>
#include <stdio.h>

#include "monitor/qmp.h"

static void append_unichar_escape(GString *out, gunichar c)
{
	if (c > 0xffff) {
		c -= 0x10000;
		g_string_append_printf(out, "\\u%04X\\u%04X", 0xd800 | (c >> 10), 0xdc00 | (c & 0x3ff));
	} else {
		g_string_append_printf(out, "\\u%04X", c);
	}
}

static void append_string(GString *out, const char *s)
{
	const char *end = s + strlen(s);

	g_string_append_c(out, '"');
	while (s < end) {
		gunichar c = g_utf8_get_char_validated(s, end - s);

		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append(out, "\\uFFFD");
			s++;
			continue;
		}
		s = g_utf8_next_char(s);
		switch (c) {
		case '"':
			g_string_append(out, "\\\"");
			break;
		case '\\':
			g_string_append(out, "\\\\");
			break;
		case '\b':
			g_string_append(out, "\\b");
			break;
		case '\f':
			g_string_append(out, "\\f");
			break;
		case '\n':
			g_string_append(out, "\\n");
			break;
		case '\r':
			g_string_append(out, "\\r");
			break;
		case '\t':
			g_string_append(out, "\\t");
			break;
		default:
			if (c >= 0x20 && c < 0x7f)
				g_string_append_c(out, (char)c);
			else
				append_unichar_escape(out, c);
		}
	}
	g_string_append_c(out, '"');
}

static void append_value(GString *out, JsonNode *node)
{
	GType t = json_node_get_value_type(node);

	if (t == G_TYPE_INT64) {
		g_string_append_printf(out, "%" G_GINT64_FORMAT, json_node_get_int(node));
	} else if (t == G_TYPE_DOUBLE) {
		double d = json_node_get_double(node);
		char buf[G_ASCII_DTOSTR_BUF_SIZE];

		if (!isfinite(d))
			g_string_append(out, "null");
		else
			g_string_append(out, g_ascii_formatd(buf, sizeof(buf), "%.17g", d));
	} else if (t == G_TYPE_BOOLEAN) {
		g_string_append(out, json_node_get_boolean(node) ? "true" : "false");
	} else if (t == G_TYPE_STRING) {
		append_string(out, json_node_get_string(node) ?: "");
	} else {
		/* JsonBuilder and the parser only make the types above. */
		g_string_append(out, "null");
	}
}

void qmp_json_append(GString *out, JsonNode *node)
{
	if (!node) {
		g_string_append(out, "null");
		return;
	}
	switch (json_node_get_node_type(node)) {
	case JSON_NODE_OBJECT: {
		JsonObjectIter it;
		const char *name;
		JsonNode *member;
		bool first = true;

		g_string_append_c(out, '{');
		json_object_iter_init_ordered(&it, json_node_get_object(node));
		while (json_object_iter_next_ordered(&it, &name, &member)) {
			if (!first)
				g_string_append(out, ", ");
			first = false;
			append_string(out, name);
			g_string_append(out, ": ");
			qmp_json_append(out, member);
		}
		g_string_append_c(out, '}');
		break;
	}
	case JSON_NODE_ARRAY: {
		JsonArray *a = json_node_get_array(node);
		guint n = json_array_get_length(a);

		g_string_append_c(out, '[');
		for (guint i = 0; i < n; i++) {
			if (i)
				g_string_append(out, ", ");
			qmp_json_append(out, json_array_get_element(a, i));
		}
		g_string_append_c(out, ']');
		break;
	}
	case JSON_NODE_VALUE:
		append_value(out, node);
		break;
	case JSON_NODE_NULL:
	default:
		g_string_append(out, "null");
		break;
	}
}

char *qmp_json_to_string(JsonNode *node)
{
	GString *out = g_string_new(NULL);

	qmp_json_append(out, node);
	return g_string_free(out, FALSE);
}
