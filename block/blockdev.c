// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -blockdev: QEMU's block node graph, as far as raw images need it. A
 * protocol node (driver=file or host_device) names an image; a raw format
 * node sits on one, given by node-name ("file":"libvirt-1-storage", what
 * libvirt emits) or inline (file.driver=file,file.filename=x.img, which makes
 * an implicit child "#blockN"). Nothing is opened here: a device attaches a
 * node by node-name through drive_claim(), which opens the chain as the
 * equivalent -drive options, so both options share one set of checks and
 * errors.
 *
 * Nodes are kept in machine_config.blockdevs as normalized options:
 * node-name, driver, filename (protocol), file (raw: its child), read-only,
 * cache.direct, cache.no-flush, discard, aio, locking.
 */
#include <string.h>

#include "block/block.h"
#include "system/error.h"
#include "system/machine.h"
#include "system/opts.h"

#define NODE_NAME_MAX 31

static bool is_protocol(const char *driver)
{
	return !strcmp(driver, "file") || !strcmp(driver, "host_device");
}

static struct kopts *node_find(struct machine_config *cfg, const char *name)
{
	for (guint i = 0; cfg->blockdevs && i < cfg->blockdevs->len; i++) {
		struct kopts *n = cfg->blockdevs->pdata[i];

		if (!strcmp(kopts_get(n, "node-name"), name))
			return n;
	}
	return NULL;
}

static bool node_used_by(struct machine_config *cfg, const char *name, const char **parent)
{
	for (guint i = 0; cfg->blockdevs && i < cfg->blockdevs->len; i++) {
		struct kopts *n = cfg->blockdevs->pdata[i];

		if (!g_strcmp0(kopts_get(n, "file"), name)) {
			*parent = kopts_get(n, "node-name");
			return true;
		}
	}
	return false;
}

/* QEMU's id_wellformed(): a letter, then letters, digits, '-', '.', '_'. */
static bool name_ok(const char *s)
{
	if (!g_ascii_isalpha(*s))
		return false;
	for (s++; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("-._", *s))
			return false;
	return true;
}

/* Option KEY of the node at PREFIX ("" or "file."). */
static const char *get(struct kopts *o, const char *prefix, const char *key)
{
	g_autofree char *k = g_strconcat(prefix, key, NULL);

	return kopts_get(o, k);
}

/* A boolean option copied as on/off into n (absent stays absent). */
static int copy_bool(struct kopts *o, const char *prefix, const char *key, struct kopts *n,
		     GError **err)
{
	g_autofree char *k = g_strconcat(prefix, key, NULL);
	bool v;

	if (!kopts_has(o, k))
		return 0;
	if (kopts_get_bool(o, k, false, &v, err) < 0)
		return -1;
	kopts_set(n, key, v ? "on" : "off");
	return 0;
}

static bool opt_on(struct kopts *n, const char *key)
{
	return !g_strcmp0(kopts_get(n, key), "on");
}

/* Options both kinds of node take; values are checked as -drive's later. */
static int common_opts(struct kopts *o, const char *prefix, struct kopts *n, GError **err)
{
	const char *v;

	if (copy_bool(o, prefix, "read-only", n, err) < 0 ||
	    copy_bool(o, prefix, "cache.direct", n, err) < 0 ||
	    copy_bool(o, prefix, "cache.no-flush", n, err) < 0)
		return -1;
	/* Keel opens read-write unless asked for read-only, so auto-read-only changes nothing. */
	if (copy_bool(o, prefix, "auto-read-only", n, err) < 0)
		return -1;
	v = get(o, prefix, "discard");
	if (v)
		kopts_set(n, "discard", v);
	v = get(o, prefix, "detect-zeroes");
	if (v && strcmp(v, "off")) {
		error_setg(err, "detect-zeroes=%s is not supported (only off)", v);
		return -1;
	}
	{
		g_autofree char *k = g_strconcat(prefix, "force-share", NULL);
		bool fs;

		if (kopts_get_bool(o, k, false, &fs, err) < 0)
			return -1;
		if (fs) {
			error_setg(err, "force-share=on is not supported");
			return -1;
		}
	}
	return 0;
}

static int node_add(struct machine_config *cfg, struct kopts *o, const char *prefix,
		    const char **name_out, GError **err);

/* The -drive options equivalent to node n (a raw node with its child). */
static struct kopts *drive_opts(struct machine_config *cfg, struct kopts *n)
{
	struct kopts *proto = n, *d = kopts_new();
	bool ro, direct, no_flush, unmap;
	const char *v, *bad_discard = NULL;

	if (!is_protocol(kopts_get(n, "driver")))
		proto = node_find(cfg, kopts_get(n, "file"));
	g_assert(proto);
	/* Cache options a child does not set are inherited from its parent. */
	direct = opt_on(kopts_has(proto, "cache.direct") ? proto : n, "cache.direct");
	no_flush = opt_on(n, "cache.no-flush") ||
		   opt_on(kopts_has(proto, "cache.no-flush") ? proto : n, "cache.no-flush");
	ro = opt_on(n, "read-only") || opt_on(proto, "read-only");
	/* Discards reach the image only if every node passes them on. */
	unmap = true;
	for (struct kopts *x = n;; x = proto) {
		v = kopts_get(x, "discard");
		if (v && strcmp(v, "unmap") && strcmp(v, "on") && strcmp(v, "ignore") &&
		    strcmp(v, "off"))
			bad_discard = v;	/* for drive_opts_check() to name */
		unmap &= v && (!strcmp(v, "unmap") || !strcmp(v, "on"));
		if (x == proto)
			break;
	}
	kopts_set(d, "file", kopts_get(proto, "filename"));
	kopts_set(d, "readonly", ro ? "on" : "off");
	/* Writeback is the device's default (write-cache=auto); it may turn it off. */
	kopts_set(d, "cache", no_flush ? "unsafe" : direct ? "none" : "writeback");
	kopts_set(d, "discard", bad_discard ?: unmap ? "unmap" : "ignore");
	if ((v = kopts_get(proto, "aio")))
		kopts_set(d, "aio", v);
	if ((v = kopts_get(proto, "locking")))
		kopts_set(d, "file.locking", v);
	return d;
}

static int protocol_opts(struct kopts *o, const char *prefix, struct kopts *n, GError **err)
{
	const char *v = get(o, prefix, "filename");

	if (!v || !*v) {
		error_setg(err, "Parameter '%sfilename' is missing", prefix);
		return -1;
	}
	kopts_set(n, "filename", v);
	if ((v = get(o, prefix, "aio")))
		kopts_set(n, "aio", v);
	if ((v = get(o, prefix, "locking")))
		kopts_set(n, "locking", v);
	return 0;
}

static int raw_opts(struct machine_config *cfg, struct kopts *o, const char *prefix,
		    struct kopts *n, GError **err)
{
	g_autofree char *child_prefix = g_strconcat(prefix, "file.", NULL);
	g_autofree char *driver_key = g_strconcat(child_prefix, "driver", NULL);
	const char *child = get(o, prefix, "file"), *parent;
	struct kopts *c;

	if (get(o, prefix, "offset") || get(o, prefix, "size")) {
		error_setg(err, "raw: offset and size are not supported");
		return -1;
	}
	if (child && kopts_has(o, driver_key)) {
		error_setg(err, "Parameter '%sfile' is given both as a node name and as options",
			   prefix);
		return -1;
	}
	if (!child && !kopts_has(o, driver_key)) {
		error_setg(err, "Parameter '%sfile' is missing (a node-name, or "
			   "%sfile.driver=file,%sfile.filename=IMG)", prefix, prefix, prefix);
		return -1;
	}
	if (!child) {
		if (node_add(cfg, o, child_prefix, &child, err) < 0)
			return -1;
	} else if (!node_find(cfg, child)) {
		error_setg(err, "Cannot find node-name '%s' (define it with an earlier -blockdev)",
			   child);
		return -1;
	} else if (node_used_by(cfg, child, &parent)) {
		error_setg(err, "node '%s' is already the file of node '%s'", child, parent);
		return -1;
	}
	c = node_find(cfg, child);
	if (!is_protocol(kopts_get(c, "driver"))) {
		error_setg(err, "raw over a '%s' node is not supported (its file must be a "
			   "file or host_device node)", kopts_get(c, "driver"));
		return -1;
	}
	if (opt_on(c, "read-only") && !opt_on(c, "auto-read-only") && !opt_on(n, "read-only")) {
		error_setg(err, "Block node '%s' is read-only (use read-only=on)", child);
		return -1;
	}
	kopts_set(n, "file", child);
	return 0;
}

/* Parse the node at prefix (and its inline child); *name_out: its node-name. */
static int node_add(struct machine_config *cfg, struct kopts *o, const char *prefix,
		    const char **name_out, GError **err)
{
	static unsigned implicit;
	const char *driver = get(o, prefix, "driver"), *name = get(o, prefix, "node-name");
	g_autofree char *auto_name = NULL;
	struct kopts *n, *d;

	if (!driver) {
		error_setg(err, "Parameter '%sdriver' is missing", prefix);
		return -1;
	}
	if (!is_protocol(driver) && strcmp(driver, "raw")) {
		error_setg(err, "Block driver '%s' is not supported (Keel has raw images only: "
			   "driver=raw, file or host_device)", driver);
		return -1;
	}
	if (!name && !*prefix) {
		error_setg(err, "'node-name' must be specified for the root node");
		return -1;
	}
	if (!name) {
		name = auto_name = g_strdup_printf("#block%03u", implicit++);
	} else if (strlen(name) > NODE_NAME_MAX) {
		error_setg(err, "Node name too long: '%s'", name);
		return -1;
	} else if (!name_ok(name)) {
		error_setg(err, "Invalid node-name: '%s'", name);
		return -1;
	}
	if (node_find(cfg, name)) {
		error_setg(err, "Duplicate nodes with node-name='%s'", name);
		return -1;
	}
	for (guint i = 0; cfg->drives && i < cfg->drives->len; i++) {
		if (!g_strcmp0(kopts_get(cfg->drives->pdata[i], "id"), name)) {
			error_setg(err, "node-name=%s is conflicting with a device id", name);
			return -1;
		}
	}
	n = kopts_new();
	kopts_set(n, "node-name", name);
	kopts_set(n, "driver", driver);
	if (common_opts(o, prefix, n, err) < 0 ||
	    (is_protocol(driver) ? protocol_opts(o, prefix, n, err)
				 : raw_opts(cfg, o, prefix, n, err)) < 0) {
		kopts_free(n);
		return -1;
	}
	if (opt_on(n, "cache.direct") && opt_on(n, "cache.no-flush")) {
		error_setg(err, "cache.direct=on with cache.no-flush=on is not supported");
		kopts_free(n);
		return -1;
	}
	/* Everything else is checked by -drive's rules. */
	g_ptr_array_add(cfg->blockdevs, n);
	d = drive_opts(cfg, n);
	if (drive_opts_check(d, err) < 0) {
		kopts_free(d);
		g_ptr_array_remove_index(cfg->blockdevs, cfg->blockdevs->len - 1);
		return -1;
	}
	kopts_free(d);
	*name_out = kopts_get(n, "node-name");
	return 0;
}

int blockdev_add(struct machine_config *cfg, const char *optstr, GError **err)
{
	struct kopts *o = optstr[0] == '{' ? kopts_parse_json_nested(optstr, err)
					   : kopts_parse(optstr, NULL, err);
	guint len;
	const char *name;
	int ret = -1;

	if (!o)
		return -1;
	if (!cfg->blockdevs)
		cfg->blockdevs = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	len = cfg->blockdevs->len;
	if (node_add(cfg, o, "", &name, err) == 0 && kopts_check_unused(o, NULL, err) == 0)
		ret = 0;
	else	/* an inline child goes with its parent */
		g_ptr_array_remove_range(cfg->blockdevs, len, cfg->blockdevs->len - len);
	kopts_free(o);
	return ret;
}

struct kopts *blockdev_drive_opts(const char *name, GError **err)
{
	struct kopts *n = node_find(&machine_cfg, name);
	const char *parent;

	if (!n)
		return NULL;
	if (node_used_by(&machine_cfg, name, &parent)) {
		error_setg(err, "Property 'drive': node '%s' is already the file of node '%s'",
			   name, parent);
		return NULL;
	}
	return drive_opts(&machine_cfg, n);
}

bool blockdev_info(unsigned i, struct blockdev_info *out)
{
	GPtrArray *nodes = machine_cfg.blockdevs;
	struct kopts *n, *proto;

	if (!nodes || i >= nodes->len)
		return false;
	n = nodes->pdata[i];
	proto = is_protocol(kopts_get(n, "driver")) ? n : node_find(&machine_cfg,
								   kopts_get(n, "file"));
	out->node_name = kopts_get(n, "node-name");
	out->driver = kopts_get(n, "driver");
	out->filename = kopts_get(proto, "filename");
	out->file_node = proto == n ? NULL : kopts_get(n, "file");
	out->ro = opt_on(n, "read-only") || opt_on(proto, "read-only");
	return true;
}
