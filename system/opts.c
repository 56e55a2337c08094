// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/json-glib-dl.h"
#include "system/error.h"
#include "system/opts.h"

struct kopt {
	char *key;
	char *value;
	bool used;
};

struct kopts {
	GArray *items; /* struct kopt */
};

struct kopts *kopts_new(void)
{
	struct kopts *o = g_new0(struct kopts, 1);

	o->items = g_array_new(FALSE, TRUE, sizeof(struct kopt));
	return o;
}

void kopts_free(struct kopts *o)
{
	if (!o)
		return;
	for (guint i = 0; i < o->items->len; i++) {
		struct kopt *k = &g_array_index(o->items, struct kopt, i);

		g_free(k->key);
		g_free(k->value);
	}
	g_array_free(o->items, TRUE);
	g_free(o);
}

static struct kopt *find(struct kopts *o, const char *key)
{
	/* The last occurrence wins, as in QEMU. */
	for (guint i = o->items->len; i-- > 0;) {
		struct kopt *k = &g_array_index(o->items, struct kopt, i);

		if (!strcmp(k->key, key))
			return k;
	}
	return NULL;
}

void kopts_set(struct kopts *o, const char *key, const char *value)
{
	struct kopt k = { g_strdup(key), g_strdup(value), false };

	g_array_append_val(o->items, k);
}

/* Read up to an unescaped ',' (",," is a literal comma) or stop char. */
static char *read_token(const char **p, char stop)
{
	GString *s = g_string_new(NULL);

	while (**p) {
		if (**p == ',') {
			if ((*p)[1] == ',') {
				g_string_append_c(s, ',');
				*p += 2;
				continue;
			}
			break;
		}
		if (stop && **p == stop)
			break;
		g_string_append_c(s, **p);
		(*p)++;
	}
	return g_string_free(s, FALSE);
}

struct kopts *kopts_parse(const char *str, const char *implied_key, GError **err)
{
	struct kopts *o = kopts_new();
	const char *p = str;
	bool first = true;

	if (!str)
		return o;
	while (*p) {
		char *key = read_token(&p, '=');

		if (*p == '=') {
			char *val;

			p++;
			val = read_token(&p, 0);
			if (!*key) {
				error_setg(err, "Invalid parameter '' in '%s'", str);
				g_free(key);
				g_free(val);
				kopts_free(o);
				return NULL;
			}
			kopts_set(o, key, val);
			g_free(val);
		} else if (first && implied_key) {
			kopts_set(o, implied_key, key);
		} else if (*key) {
			/* A bare "flag" means flag=on; "noflag" is not supported. */
			kopts_set(o, key, "on");
		} else if (*p == ',' || !*p) {
			/* empty item (e.g. trailing comma): ignore */
		}
		g_free(key);
		first = false;
		if (*p == ',')
			p++;
	}
	return o;
}

const char *kopts_get(struct kopts *o, const char *key)
{
	struct kopt *k = find(o, key);

	if (!k)
		return NULL;
	/* Every duplicate counts as used. */
	for (guint i = 0; i < o->items->len; i++) {
		struct kopt *d = &g_array_index(o->items, struct kopt, i);

		if (!strcmp(d->key, key))
			d->used = true;
	}
	return k->value;
}

bool kopts_has(struct kopts *o, const char *key)
{
	return find(o, key) != NULL;
}

int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "on", "yes", "true", "y", NULL };
	static const char *const no[] = { "off", "no", "false", "n", NULL };

	for (int i = 0; yes[i]; i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

int parse_u64(const char *s, uint64_t *out, bool allow_suffix)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || !*s || *s == '-' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -EINVAL;
	if (*end && allow_suffix) {
		switch (*end) {
		case 'b': case 'B': shift = 0; break;
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: return -EINVAL;
		}
		end++;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = (uint64_t)v << shift;
	return 0;
}

int kopts_get_bool(struct kopts *o, const char *key, bool def, bool *out, GError **err)
{
	const char *v = kopts_get(o, key);

	if (!v) {
		*out = def;
		return 0;
	}
	if (parse_bool(v, out) < 0) {
		error_setg(err, "Parameter '%s' expects 'on' or 'off'", key);
		return -EINVAL;
	}
	return 0;
}

static int get_num(struct kopts *o, const char *key, uint64_t def, uint64_t *out, bool sfx,
		   GError **err)
{
	const char *v = kopts_get(o, key);

	if (!v) {
		*out = def;
		return 0;
	}
	if (parse_u64(v, out, sfx) < 0) {
		error_setg(err, "Parameter '%s' expects %s", key, sfx ? "a size value" : "a number");
		return -EINVAL;
	}
	return 0;
}

int kopts_get_u64(struct kopts *o, const char *key, uint64_t def, uint64_t *out, GError **err)
{
	return get_num(o, key, def, out, false, err);
}

int kopts_get_size(struct kopts *o, const char *key, uint64_t def, uint64_t *out, GError **err)
{
	return get_num(o, key, def, out, true, err);
}

int kopts_check_unused(struct kopts *o, const char *what, GError **err)
{
	for (guint i = 0; i < o->items->len; i++) {
		struct kopt *k = &g_array_index(o->items, struct kopt, i);

		if (!k->used) {
			if (what && *what)
				error_setg(err, "%s: Parameter '%s' is unexpected", what, k->key);
			else
				error_setg(err, "Parameter '%s' is unexpected", k->key);
			return -EINVAL;
		}
	}
	return 0;
}

bool kopts_used(const struct kopts *o, unsigned i)
{
	return g_array_index(o->items, struct kopt, i).used;
}

/* The shortest text that reads back as d (0.1, not 0.10000000000000001). */
static char *double_str(double d)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	for (int prec = 15; prec < 17; prec++) {
		g_autofree char *fmt = g_strdup_printf("%%.%dg", prec);

		g_ascii_formatd(buf, sizeof(buf), fmt, d);
		if (g_ascii_strtod(buf, NULL) == d)
			return g_strdup(buf);
	}
	return g_strdup(g_ascii_formatd(buf, sizeof(buf), "%.17g", d));
}

/*
 * Members become keys in their order; strings stay as they are, integers and
 * doubles are printed, booleans become on/off. A nested object becomes dotted
 * keys ("cache":{"direct":true} -> cache.direct=on, QEMU's flattening) when
 * nested is set; otherwise, like arrays and null, it is refused.
 */
static int json_object_to_kopts(struct kopts *o, JsonObject *obj, const char *prefix,
				bool nested, GError **err)
{
	JsonObjectIter it;
	const char *key;
	JsonNode *node;

	json_object_iter_init(&it, obj);
	while (json_object_iter_next(&it, &key, &node)) {
		g_autofree char *name = prefix ? g_strdup_printf("%s.%s", prefix, key) : g_strdup(key);
		g_autofree char *val = NULL;

		if (nested && JSON_NODE_HOLDS_OBJECT(node)) {
			if (json_object_to_kopts(o, json_node_get_object(node), name, nested, err) < 0)
				return -1;
			continue;
		}
		if (JSON_NODE_HOLDS_VALUE(node)) {
			GType t = json_node_get_value_type(node);

			if (t == G_TYPE_STRING)
				val = g_strdup(json_node_get_string(node));
			else if (t == G_TYPE_INT64)
				val = g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(node));
			else if (t == G_TYPE_BOOLEAN)
				val = g_strdup(json_node_get_boolean(node) ? "on" : "off");
			else if (t == G_TYPE_DOUBLE)
				val = double_str(json_node_get_double(node));
		}
		if (!val) {
			error_setg(err, "JSON member '%s': only %sstrings, numbers and booleans "
					"are supported", name, nested ? "objects, " : "");
			return -1;
		}
		if (kopts_has(o, name)) {
			error_setg(err, "JSON member '%s' is given twice", name);
			return -1;
		}
		kopts_set(o, name, val);
	}
	return 0;
}

static struct kopts *parse_json(const char *json, bool nested, GError **err)
{
	g_autoptr(GError) jerr = NULL;
	JsonParser *parser;
	JsonNode *root;
	struct kopts *o = NULL;

	if (!json_glib_load(err))
		return NULL;
	parser = json_parser_new_immutable();
	if (!json_parser_load_from_data(parser, json, -1, &jerr)) {
		error_setg(err, "invalid JSON: %s", jerr->message);
		goto out;
	}
	root = json_parser_get_root(parser); /* NULL for empty input */
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		error_setg(err, "JSON value must be an object");
		goto out;
	}
	o = kopts_new();
	if (json_object_to_kopts(o, json_node_get_object(root), NULL, nested, err) < 0)
		g_clear_pointer(&o, kopts_free);
out:
	g_object_unref(parser);
	return o;
}

struct kopts *kopts_parse_json(const char *json, GError **err)
{
	return parse_json(json, false, err);
}

struct kopts *kopts_parse_json_nested(const char *json, GError **err)
{
	return parse_json(json, true, err);
}

unsigned kopts_count(const struct kopts *o)
{
	return o->items->len;
}

const char *kopts_key(const struct kopts *o, unsigned i)
{
	return g_array_index(o->items, struct kopt, i).key;
}

const char *kopts_value(const struct kopts *o, unsigned i)
{
	return g_array_index(o->items, struct kopt, i).value;
}
