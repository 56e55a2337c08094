// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Queries management software (libvirt) makes while probing an emulator
 * and starting a domain: the QMP schema, CPU models, TPM, command-line
 * options, migration capabilities and state, jobs, I/O threads and block
 * devices. Each answer describes what Keel has, which is often nothing (no
 * TPM, no migration, no jobs, no I/O threads): an empty list is the true
 * answer then, and it is what tells libvirt not to use the feature.
 */
#include <string.h>
#include <sys/stat.h>

#include "block/block.h"
#include "monitor/qmp.h"
#include "system/machine.h"
#include "system/opts.h"

static JsonNode *builder_finish(JsonBuilder *b)
{
	JsonNode *n = json_builder_get_root(b);

	g_object_unref(b);
	return n;
}

static JsonNode *empty_list(void)
{
	return json_node_init_array(json_node_alloc(), json_array_new());
}

/* ---- query-qmp-schema, derived from the command and event tables ---- */

struct schema {
	JsonBuilder *b;
	unsigned next_type; /* QEMU names generated types "0", "1", ... */
	GPtrArray *arg_types; /* per command: its argument list, for the object types */
};

static const char *arg_type_name(enum qmp_arg_type t)
{
	switch (t) {
	case QMP_ARG_STR:
		return "str";
	case QMP_ARG_INT:
		return "int";
	case QMP_ARG_BOOL:
		return "bool";
	case QMP_ARG_NUMBER:
		return "number";
	default:
		return "any";
	}
}

static void add_entity(JsonBuilder *b, const char *name, const char *meta, const char *arg_type)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "meta-type");
	json_builder_add_string_value(b, meta);
	json_builder_set_member_name(b, "arg-type");
	json_builder_add_string_value(b, arg_type);
	if (!strcmp(meta, "command")) {
		json_builder_set_member_name(b, "ret-type");
		json_builder_add_string_value(b, "any");
	}
	json_builder_end_object(b);
}

static void schema_command(const struct qmp_command *cmd, void *opaque)
{
	struct schema *sc = opaque;
	g_autofree char *type = g_strdup_printf("%u", sc->next_type++);

	add_entity(sc->b, cmd->name, "command", type);
	g_ptr_array_add(sc->arg_types, (gpointer)cmd->args);
}

static void schema_event(const char *name, void *opaque)
{
	struct schema *sc = opaque;
	g_autofree char *type = g_strdup_printf("%u", sc->next_type++);

	/* Event data are not described: an object with no fixed members. */
	add_entity(sc->b, name, "event", type);
	g_ptr_array_add(sc->arg_types, NULL);
}

static void schema_object(JsonBuilder *b, unsigned index, const struct qmp_arg *args)
{
	g_autofree char *name = g_strdup_printf("%u", index);

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "meta-type");
	json_builder_add_string_value(b, "object");
	json_builder_set_member_name(b, "members");
	json_builder_begin_array(b);
	for (const struct qmp_arg *a = args; a && a->name; a++) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, a->name);
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, arg_type_name(a->type));
		if (a->optional) {
			json_builder_set_member_name(b, "default");
			json_builder_add_null_value(b);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
}

static void schema_builtin(JsonBuilder *b, const char *name, const char *json_type)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "meta-type");
	json_builder_add_string_value(b, "builtin");
	json_builder_set_member_name(b, "json-type");
	json_builder_add_string_value(b, json_type);
	json_builder_end_object(b);
}

static JsonNode *qmp_query_qmp_schema(struct qmp_session *s, JsonObject *args, GError **err)
{
	struct schema sc = {
		.b = json_builder_new_immutable(),
		.arg_types = g_ptr_array_new(),
	};

	json_builder_begin_array(sc.b);
	qmp_command_foreach(schema_command, &sc);
	qmp_event_foreach(schema_event, &sc);
	for (guint i = 0; i < sc.arg_types->len; i++)
		schema_object(sc.b, i, sc.arg_types->pdata[i]);
	schema_builtin(sc.b, "str", "string");
	schema_builtin(sc.b, "int", "int");
	schema_builtin(sc.b, "bool", "boolean");
	schema_builtin(sc.b, "number", "number");
	schema_builtin(sc.b, "any", "value");
	json_builder_end_array(sc.b);
	g_ptr_array_free(sc.arg_types, true);
	return builder_finish(sc.b);
}

/* ---- CPU models ---- */

#if defined(__x86_64__)
#define CPU_TYPE_SUFFIX "-x86_64-cpu"
#elif defined(__aarch64__)
#define CPU_TYPE_SUFFIX "-arm-cpu"
#else
#define CPU_TYPE_SUFFIX "-powerpc64-cpu"
#endif

/*
 * "host" and "max" both give the guest the host CPU as KVM reports it;
 * Keel accepts other names with a warning but does not model them, so it
 * does not offer them.
 */
static JsonNode *qmp_query_cpu_definitions(struct qmp_session *s, JsonObject *args, GError **err)
{
	static const char *const models[] = { "host", "max" };
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	for (unsigned i = 0; i < G_N_ELEMENTS(models); i++) {
		g_autofree char *type = g_strconcat(models[i], CPU_TYPE_SUFFIX, NULL);

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, models[i]);
		json_builder_set_member_name(b, "typename");
		json_builder_add_string_value(b, type);
		json_builder_set_member_name(b, "static");
		json_builder_add_boolean_value(b, false);
		json_builder_set_member_name(b, "migration-safe");
		json_builder_add_boolean_value(b, false);
		json_builder_set_member_name(b, "unavailable-features");
		json_builder_begin_array(b);
		json_builder_end_array(b);
		json_builder_set_member_name(b, "deprecated");
		json_builder_add_boolean_value(b, false);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return builder_finish(b);
}

/* ---- command-line options ---- */

/*
 * The options (and their parameters) system/cmdline.c accepts, in QEMU's
 * option-group names. No "sandbox": Keel has no seccomp sandbox, and listing
 * it would make libvirt ask for one.
 */
static const char *const cmdline_options[][12] = {
	{ "machine", "type", "accel", "memory-backend", "acpi", "usb", "dump-guest-core",
	  "mem-merge", "kernel-irqchip", NULL },
	{ "smp-opts", "cpus", "maxcpus", "sockets", "dies", "cores", "threads", NULL },
	{ "memory", "size", "slots", "maxmem", NULL },
	{ "boot-opts", "order", "once", "menu", "strict", "splash", "splash-time",
	  "reboot-timeout", NULL },
	{ "name", "guest", "debug-threads", "process", NULL },
	{ "msg", "timestamp", NULL },
	{ "overcommit", "mem-lock", "cpu-pm", NULL },
	{ "realtime", "mlock", NULL },
	{ "rtc", "base", "clock", "driftfix", NULL },
	{ "mon", "chardev", "mode", NULL },
	{ "action", "reboot", "shutdown", NULL },
	{ "chardev", "backend", "path", "host", "port", "fd", "server", "wait", "mux",
	  "signal", "append", NULL },
	{ "device", NULL },
	{ "object", NULL },
	{ "audiodev", NULL },
	{ "global", "driver", "property", "value", NULL },
	{ "drive", NULL },
};

static JsonNode *qmp_query_command_line_options(struct qmp_session *s, JsonObject *args,
					       GError **err)
{
	const char *only = json_object_get_string_member_with_default(args, "option", NULL);
	JsonBuilder *b = json_builder_new_immutable();
	bool found = false;

	json_builder_begin_array(b);
	for (unsigned i = 0; i < G_N_ELEMENTS(cmdline_options); i++) {
		const char *const *o = cmdline_options[i];

		if (only && strcmp(only, o[0]))
			continue;
		found = true;
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "option");
		json_builder_add_string_value(b, o[0]);
		json_builder_set_member_name(b, "parameters");
		json_builder_begin_array(b);
		for (unsigned k = 1; o[k]; k++) {
			json_builder_begin_object(b);
			json_builder_set_member_name(b, "name");
			json_builder_add_string_value(b, o[k]);
			json_builder_set_member_name(b, "type");
			json_builder_add_string_value(b, "string");
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	if (only && !found) {
		json_node_unref(builder_finish(b));
		g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "invalid option name: %s", only);
		return NULL;
	}
	return builder_finish(b);
}

/* ---- migration: Keel cannot migrate ---- */

/*
 * The one capability Keel has is "events" (send MIGRATION events): libvirt
 * turns it on at every domain start, and with no migration there is never
 * an event to send, so the promise holds. Everything else needs migration.
 */
static bool migrate_events;

static JsonNode *qmp_query_migrate(struct qmp_session *s, JsonObject *args, GError **err)
{
	/* No migration has run: QEMU answers with an empty object then. */
	return json_node_init_object(json_node_alloc(), json_object_new());
}

static JsonNode *qmp_query_migrate_capabilities(struct qmp_session *s, JsonObject *args,
						GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "state");
	json_builder_add_boolean_value(b, migrate_events);
	json_builder_set_member_name(b, "capability");
	json_builder_add_string_value(b, "events");
	json_builder_end_object(b);
	json_builder_end_array(b);
	return builder_finish(b);
}

static JsonNode *qmp_migrate_set_capabilities(struct qmp_session *s, JsonObject *args,
					      GError **err)
{
	JsonArray *caps = json_object_get_array_member(args, "capabilities");
	bool events = migrate_events;

	for (guint i = 0; i < json_array_get_length(caps); i++) {
		JsonNode *n = json_array_get_element(caps, i);
		JsonObject *c = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		JsonNode *name = c ? json_object_get_member(c, "capability") : NULL;
		JsonNode *state = c ? json_object_get_member(c, "state") : NULL;

		if (!name || json_node_get_value_type(name) != G_TYPE_STRING || !state ||
		    json_node_get_value_type(state) != G_TYPE_BOOLEAN) {
			g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
					    "Parameter 'capabilities' expects a list of "
					    "{\"capability\": NAME, \"state\": BOOL}");
			return NULL;
		}
		if (strcmp(json_node_get_string(name), "events")) {
			g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "Parameter 'capability' does not accept value '%s' "
				    "(Keel does not support migration)",
				    json_node_get_string(name));
			return NULL;
		}
		events = json_node_get_boolean(state);
	}
	/* All or nothing, as in QEMU. */
	migrate_events = events;
	return NULL;
}

static JsonNode *qmp_empty_list(struct qmp_session *s, JsonObject *args, GError **err)
{
	return empty_list();
}

/* ---- block devices (-drive, -blockdev) ---- */

static const char *opt(struct kopts *o, const char *key)
{
	for (unsigned k = 0; k < kopts_count(o); k++)
		if (!strcmp(kopts_key(o, k), key))
			return kopts_value(o, k);
	return NULL;
}

/* drv is the node's driver (raw, file, host_device); the image format is raw. */
static void add_image(JsonBuilder *b, const char *file, bool ro, const char *drv)
{
	struct stat st;

	json_builder_set_member_name(b, "file");
	json_builder_add_string_value(b, file);
	json_builder_set_member_name(b, "ro");
	json_builder_add_boolean_value(b, ro);
	json_builder_set_member_name(b, "drv");
	json_builder_add_string_value(b, drv);
	json_builder_set_member_name(b, "encrypted");
	json_builder_add_boolean_value(b, false);
	json_builder_set_member_name(b, "backing_file_depth");
	json_builder_add_int_value(b, 0);
	json_builder_set_member_name(b, "image");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "filename");
	json_builder_add_string_value(b, file);
	json_builder_set_member_name(b, "format");
	json_builder_add_string_value(b, drv);
	json_builder_set_member_name(b, "virtual-size");
	json_builder_add_int_value(b, !stat(file, &st) ? st.st_size : 0);
	json_builder_end_object(b);
}

static bool drive_ro(struct kopts *o)
{
	const char *v = opt(o, "readonly") ?: opt(o, "read-only");
	bool ro = false;

	return v && !parse_bool(v, &ro) && ro;
}

/*
 * One block backend: a -drive (device = its id), or a -blockdev node a
 * device attached (device "", as in QEMU). qdev is the QOM path of the
 * device's virtio backend, by which libvirt matches its disks.
 */
static void add_backend(JsonBuilder *b, const char *device, const char *name,
			const char *node_name, const char *file, bool ro, const char *drv)
{
	const char *dev_id = NULL;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "device");
	json_builder_add_string_value(b, device);
	if (drive_claimed(name, &dev_id) && dev_id) {
		g_autofree char *qdev = g_strdup_printf("/machine/peripheral/%s/virtio-backend",
							dev_id);

		json_builder_set_member_name(b, "qdev");
		json_builder_add_string_value(b, qdev);
	}
	json_builder_set_member_name(b, "locked");
	json_builder_add_boolean_value(b, false);
	json_builder_set_member_name(b, "removable");
	json_builder_add_boolean_value(b, false);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, "unknown");
	if (file) {
		json_builder_set_member_name(b, "inserted");
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "node-name");
		json_builder_add_string_value(b, node_name);
		add_image(b, file, ro, drv);
		json_builder_end_object(b);
	}
	json_builder_end_object(b);
}

static JsonNode *qmp_query_block(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	GPtrArray *drives = machine_cfg.drives;
	struct blockdev_info bi;
	const char *dev_id;

	json_builder_begin_array(b);
	for (guint i = 0; drives && i < drives->len; i++) {
		struct kopts *o = drives->pdata[i];
		const char *id = opt(o, "id") ?: "";

		add_backend(b, id, id, id, opt(o, "file"), drive_ro(o), "raw");
	}
	/* A -blockdev node is a backend only once a device uses it. */
	for (unsigned i = 0; blockdev_info(i, &bi); i++)
		if (drive_claimed(bi.node_name, &dev_id))
			add_backend(b, "", bi.node_name, bi.node_name, bi.filename, bi.ro,
				    bi.driver);
	json_builder_end_array(b);
	return builder_finish(b);
}

static void add_node(JsonBuilder *b, const char *name, const char *file, bool ro,
		     const char *drv)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "node-name");
	json_builder_add_string_value(b, name);
	add_image(b, file, ro, drv);
	json_builder_end_object(b);
}

static JsonNode *qmp_query_named_block_nodes(struct qmp_session *s, JsonObject *args,
					     GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	GPtrArray *drives = machine_cfg.drives;
	struct blockdev_info bi;

	/* One node per -drive (a raw file has no format layer), named by its id. */
	json_builder_begin_array(b);
	for (guint i = 0; drives && i < drives->len; i++) {
		struct kopts *o = drives->pdata[i];
		const char *file = opt(o, "file");

		if (file)
			add_node(b, opt(o, "id") ?: "", file, drive_ro(o), "raw");
	}
	/* Every -blockdev node: a raw node and its file node are two. */
	for (unsigned i = 0; blockdev_info(i, &bi); i++)
		add_node(b, bi.node_name, bi.filename, bi.ro, bi.driver);
	json_builder_end_array(b);
	return builder_finish(b);
}

/* QEMU's BlockDeviceStats; backend says whether it is a device's (accounted) one. */
static void add_stats(JsonBuilder *b, const struct blk_stats *st, bool backend)
{
	static const char *const prefix[BLK_ACCT_NR] = { "rd", "wr", "flush", "unmap" };
	static const struct blk_stats zero;
	char key[40];

	if (!st)
		st = &zero;
	json_builder_set_member_name(b, "stats");
	json_builder_begin_object(b);
	for (unsigned t = 0; t < BLK_ACCT_NR; t++) {
		const struct {
			const char *fmt;
			uint64_t v;
		} f[] = {
			{ "%s_bytes", st->bytes[t] },
			{ "%s_operations", st->ops[t] },
			{ "failed_%s_operations", st->failed[t] },
			{ "invalid_%s_operations", st->invalid[t] },
			{ "%s_total_time_ns", st->total_ns[t] },
			{ "%s_merged", 0 },
		};

		for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
			/* flush has no bytes and is never merged */
			if (t == BLK_ACCT_FLUSH && (i == 0 || i == 5))
				continue;
			g_snprintf(key, sizeof(key), f[i].fmt, prefix[t]);
			json_builder_set_member_name(b, key);
			json_builder_add_int_value(b, f[i].v);
		}
	}
	json_builder_set_member_name(b, "wr_highest_offset");
	json_builder_add_int_value(b, st->wr_highest_offset);
	json_builder_set_member_name(b, "account_invalid");
	json_builder_add_boolean_value(b, backend);
	json_builder_set_member_name(b, "account_failed");
	json_builder_add_boolean_value(b, backend);
	json_builder_set_member_name(b, "timed_stats");
	json_builder_begin_array(b);
	json_builder_end_array(b);
	json_builder_end_object(b);
}

/* The node below a device's node only knows how far writes reached. */
static void add_parent(JsonBuilder *b, const char *node, const struct blk_stats *st)
{
	struct blk_stats p = { .wr_highest_offset = st ? st->wr_highest_offset : 0 };

	json_builder_set_member_name(b, "parent");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "node-name");
	json_builder_add_string_value(b, node);
	add_stats(b, &p, false);
	json_builder_end_object(b);
}

static void add_blockstats(JsonBuilder *b, const char *device, const char *node,
			   const char *file_node, bool nodes)
{
	const char *dev_id = NULL;
	bool used = drive_claimed(node, &dev_id);

	json_builder_begin_object(b);
	if (!nodes) {
		json_builder_set_member_name(b, "device");
		json_builder_add_string_value(b, device);
	}
	json_builder_set_member_name(b, "node-name");
	json_builder_add_string_value(b, node);
	if (used && dev_id) {
		g_autofree char *qdev = g_strdup_printf("/machine/peripheral/%s/virtio-backend",
							dev_id);

		json_builder_set_member_name(b, "qdev");
		json_builder_add_string_value(b, qdev);
	}
	add_stats(b, drive_stats(node), used || !nodes);
	if (file_node)
		add_parent(b, file_node, drive_stats(node));
	json_builder_end_object(b);
}

/*
 * The -drives and the -blockdev nodes devices use (query-nodes: every
 * node instead), with what their devices accounted.
 */
static JsonNode *qmp_query_blockstats(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	GPtrArray *drives = machine_cfg.drives;
	bool nodes = args && json_object_get_boolean_member_with_default(args, "query-nodes",
									  false);
	struct blockdev_info bi;
	const char *dev_id;

	json_builder_begin_array(b);
	for (guint i = 0; drives && i < drives->len; i++) {
		const char *id = opt(drives->pdata[i], "id") ?: "";

		add_blockstats(b, id, id, NULL, nodes);
	}
	for (unsigned i = 0; blockdev_info(i, &bi); i++)
		if (nodes || drive_claimed(bi.node_name, &dev_id))
			add_blockstats(b, "", bi.node_name, nodes ? NULL : bi.file_node, nodes);
	json_builder_end_array(b);
	return builder_finish(b);
}

static const struct qmp_arg blockstats_args[] = {
	{ "query-nodes", QMP_ARG_BOOL, true },
	{ NULL },
};

static const struct qmp_arg cmdline_args[] = {
	{ "option", QMP_ARG_STR, true },
	{ NULL },
};

static const struct qmp_arg set_caps_args[] = {
	{ "capabilities", QMP_ARG_ARRAY },
	{ NULL },
};

static const struct qmp_arg named_nodes_args[] = {
	{ "flat", QMP_ARG_BOOL, true },
	{ NULL },
};

static const struct qmp_command mgmt_commands[] = {
	{ .name = "query-qmp-schema", .handler = qmp_query_qmp_schema },
	{ .name = "query-cpu-definitions", .handler = qmp_query_cpu_definitions },
	{ .name = "query-command-line-options", .args = cmdline_args,
	  .handler = qmp_query_command_line_options },
	/* No TPM, no jobs, no I/O threads. */
	{ .name = "query-tpm-models", .handler = qmp_empty_list },
	{ .name = "query-tpm-types", .handler = qmp_empty_list },
	{ .name = "query-tpm", .handler = qmp_empty_list },
	{ .name = "query-migrate-capabilities", .handler = qmp_query_migrate_capabilities },
	{ .name = "migrate-set-capabilities", .args = set_caps_args,
	  .handler = qmp_migrate_set_capabilities },
	{ .name = "query-migrate", .handler = qmp_query_migrate },
	{ .name = "query-jobs", .handler = qmp_empty_list },
	{ .name = "query-block-jobs", .handler = qmp_empty_list },
	{ .name = "query-iothreads", .handler = qmp_empty_list },
	{ .name = "query-block", .handler = qmp_query_block },
	{ .name = "query-blockstats", .args = blockstats_args, .handler = qmp_query_blockstats },
	{ .name = "query-named-block-nodes", .args = named_nodes_args,
	  .handler = qmp_query_named_block_nodes },
};

static void __attribute__((constructor)) qmp_mgmt_register(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(mgmt_commands); i++)
		qmp_register_command(&mgmt_commands[i]);
}
