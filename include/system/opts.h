/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_OPTS_H
#define KEEL_SYSTEM_OPTS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * QEMU-style option lists: "value,key=val,key2=val2" with ",," as a literal
 * comma, or a JSON object ("{...}") for the options that take one. Keys keep
 * their order. Every kopts_get*() marks the key used so that
 * kopts_check_unused() can reject unknown keys with a clear error.
 */
struct kopts;

/* implied_key: name given to a leading bare value ("virtio-blk" -> driver=), or NULL. */
struct kopts *kopts_parse(const char *str, const char *implied_key, GError **err);
/* A flat JSON object ({"driver": "x", "n": 1, "b": true}) as options. */
struct kopts *kopts_parse_json(const char *json, GError **err);
/* The same, nested objects becoming dotted keys (-blockdev: {"cache":{"direct":true}}). */
struct kopts *kopts_parse_json_nested(const char *json, GError **err);
void kopts_free(struct kopts *o);
static inline void kopts_freep(struct kopts **o)
{
	kopts_free(*o);
}
/* "kopts_autofree struct kopts *o = ...": freed when o goes out of scope (as g_autofree). */
#define kopts_autofree __attribute__((cleanup(kopts_freep)))
struct kopts *kopts_new(void);
void kopts_set(struct kopts *o, const char *key, const char *value);

const char *kopts_get(struct kopts *o, const char *key);
bool kopts_has(struct kopts *o, const char *key);
/* Return 0 (value or default in *out) or -EINVAL with *err set naming the key. */
int kopts_get_bool(struct kopts *o, const char *key, bool def, bool *out, GError **err);
int kopts_get_u64(struct kopts *o, const char *key, uint64_t def, uint64_t *out, GError **err);
/* Sizes accept K/M/G/T suffixes (and k/m/g/t, KiB style is not accepted, as in QEMU). */
int kopts_get_size(struct kopts *o, const char *key, uint64_t def, uint64_t *out, GError **err);
/* Error "what: Parameter 'x' is unexpected" (no prefix when what is NULL) if any key is unused. */
int kopts_check_unused(struct kopts *o, const char *what, GError **err);
/* Iterate over all keys in order. */
unsigned kopts_count(const struct kopts *o);
const char *kopts_key(const struct kopts *o, unsigned i);
const char *kopts_value(const struct kopts *o, unsigned i);
/* Whether key i has been read by a kopts_get*() call. */
bool kopts_used(const struct kopts *o, unsigned i);

/* Parse "123", "0x10", with size suffixes when allow_suffix. */
int parse_u64(const char *s, uint64_t *out, bool allow_suffix);
int parse_bool(const char *s, bool *out); /* on/off, yes/no, true/false */

#endif
