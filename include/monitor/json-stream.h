/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_MONITOR_JSON_STREAM_H
#define KEEL_MONITOR_JSON_STREAM_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Splits a byte stream into JSON value texts without parsing them: it only
 * tracks nesting, strings and escapes, so that several values in one read
 * and one value spread over many reads both come out whole. The texts are
 * handed to a real JSON parser by the caller.
 *
 * Top-level scalars (numbers, literals, garbage) end at whitespace or a
 * structural character. A value that grows beyond max_len bytes, or nests
 * deeper than JSON_STREAM_MAX_DEPTH, is reported once as an error and the
 * rest of it is skipped (structure is still tracked, nothing is stored).
 */
#define JSON_STREAM_MAX_DEPTH 1024
#define JSON_STREAM_DEFAULT_MAX (1024 * 1024)

enum json_stream_status {
	JSON_STREAM_VALUE,	/* text/len is one complete value */
	JSON_STREAM_TOO_LONG,	/* text is NULL */
	JSON_STREAM_TOO_DEEP,	/* text is NULL */
};

/* text is NUL-terminated for convenience but may contain NUL bytes: use len. */
typedef void (*json_stream_cb)(void *opaque, enum json_stream_status st, const char *text,
			       size_t len);

struct json_stream;

struct json_stream *json_stream_new(size_t max_len, json_stream_cb cb, void *opaque);
void json_stream_free(struct json_stream *s);
/* The callback may call json_stream_reset() but must not free the stream. */
void json_stream_feed(struct json_stream *s, const uint8_t *buf, size_t len);
/* Forget any partial value (e.g. on a new connection). */
void json_stream_reset(struct json_stream *s);
/* Bytes of an incomplete value currently held. */
size_t json_stream_pending(const struct json_stream *s);

#endif
