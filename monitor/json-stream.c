// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON stream framing: find where each top-level value ends. Only braces,
 * brackets, quotes and backslashes matter here; validating the text is the
 * parser's job, so any byte (NUL, invalid UTF-8) is simply carried along.
 */
#include <stdbool.h>
#include <string.h>

#include "monitor/json-stream.h"

enum value_kind { KIND_NONE, KIND_NESTED, KIND_STRING, KIND_SCALAR };

struct json_stream {
	GString *buf;
	size_t max_len;
	json_stream_cb cb;
	void *opaque;

	enum value_kind kind;
	unsigned depth;
	bool in_string;
	bool escape;
	bool discarding; /* value overflowed: track structure, store nothing */
};

struct json_stream *json_stream_new(size_t max_len, json_stream_cb cb, void *opaque)
{
	struct json_stream *s = g_new0(struct json_stream, 1);

	s->buf = g_string_sized_new(256);
	s->max_len = max_len ? max_len : JSON_STREAM_DEFAULT_MAX;
	s->cb = cb;
	s->opaque = opaque;
	return s;
}

void json_stream_free(struct json_stream *s)
{
	if (!s)
		return;
	g_string_free(s->buf, TRUE);
	g_free(s);
}

void json_stream_reset(struct json_stream *s)
{
	g_string_truncate(s->buf, 0);
	s->kind = KIND_NONE;
	s->depth = 0;
	s->in_string = false;
	s->escape = false;
	s->discarding = false;
}

size_t json_stream_pending(const struct json_stream *s)
{
	return s->buf->len;
}

static bool is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_structural(uint8_t c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == ':' || c == '"';
}

static void finish(struct json_stream *s)
{
	bool report = !s->discarding;

	s->kind = KIND_NONE;
	s->depth = 0;
	s->in_string = false;
	s->escape = false;
	s->discarding = false;
	if (report)
		s->cb(s->opaque, JSON_STREAM_VALUE, s->buf->str, s->buf->len);
	g_string_truncate(s->buf, 0);
}

static void overflow(struct json_stream *s, enum json_stream_status st)
{
	s->discarding = true;
	g_string_truncate(s->buf, 0);
	/* Give the memory back: the next value is probably small. */
	if (s->buf->allocated_len > 65536) {
		g_string_free(s->buf, TRUE);
		s->buf = g_string_sized_new(256);
	}
	s->cb(s->opaque, st, NULL, 0);
}

static void store(struct json_stream *s, uint8_t c)
{
	if (s->discarding)
		return;
	g_string_append_c(s->buf, (char)c);
	if (s->buf->len > s->max_len)
		overflow(s, JSON_STREAM_TOO_LONG);
}

static void start_value(struct json_stream *s, uint8_t c)
{
	switch (c) {
	case '{':
	case '[':
		s->kind = KIND_NESTED;
		s->depth = 1;
		store(s, c);
		break;
	case '"':
		s->kind = KIND_STRING;
		s->in_string = true;
		store(s, c);
		break;
	case '}':
	case ']':
	case ',':
	case ':':
		/* Stray punctuation is a value of its own, for the parser to refuse. */
		s->kind = KIND_SCALAR;
		store(s, c);
		finish(s);
		break;
	default:
		s->kind = KIND_SCALAR;
		store(s, c);
		break;
	}
}

/* One byte inside a string, nested value or not: returns true when the value ended. */
static bool nested_byte(struct json_stream *s, uint8_t c)
{
	store(s, c);
	if (s->in_string) {
		if (s->escape)
			s->escape = false;
		else if (c == '\\')
			s->escape = true;
		else if (c == '"') {
			s->in_string = false;
			return s->kind == KIND_STRING;
		}
		return false;
	}
	switch (c) {
	case '"':
		s->in_string = true;
		break;
	case '{':
	case '[':
		s->depth++;
		if (s->depth > JSON_STREAM_MAX_DEPTH && !s->discarding)
			overflow(s, JSON_STREAM_TOO_DEEP);
		break;
	case '}':
	case ']':
		return --s->depth == 0;
	}
	return false;
}

void json_stream_feed(struct json_stream *s, const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = buf[i];

		switch (s->kind) {
		case KIND_NONE:
			if (!is_space(c))
				start_value(s, c);
			i++;
			break;
		case KIND_SCALAR:
			if (is_space(c) || is_structural(c)) {
				/* The delimiter belongs to what follows: look at it again. */
				finish(s);
			} else {
				store(s, c);
				i++;
			}
			break;
		case KIND_NESTED:
		case KIND_STRING:
			i++;
			if (nested_byte(s, c))
				finish(s);
			break;
		}
	}
}
