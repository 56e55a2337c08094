// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QOM view of Keel that management software asks for: which types
 * exist (qom-list-types, the capability probe's way of learning what may go
 * on the command line), their properties, and the object tree's few paths
 * libvirt reads at domain start (/machine/peripheral, the CPUs). Keel has no
 * object model; the answers are derived from the device and machine
 * registries and the command line, so they only name what Keel really has.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/device.h"
#include "monitor/qmp.h"
#include "system/machine.h"
#include "system/opts.h"

#if defined(__x86_64__)
#define CPU_TYPE_SUFFIX "-x86_64-cpu"
#define CPU_PARENT "x86_64-cpu"
#define PC_MACHINE_PARENT "generic-pc-machine"
#elif defined(__aarch64__)
#define CPU_TYPE_SUFFIX "-arm-cpu"
#define CPU_PARENT "arm-cpu"
#define PC_MACHINE_PARENT "machine"
#elif defined(__powerpc64__)
#define CPU_TYPE_SUFFIX "-powerpc64-cpu"
#define CPU_PARENT "powerpc64-cpu"
#define PC_MACHINE_PARENT "machine"
#else
#error "unsupported host architecture"
#endif

#define CPU_PATH_PREFIX "/machine/unattached/device["
#define PERIPHERAL "/machine/peripheral"

/* Abstract types and their parents: enough of QEMU's tree for `implements`. */
static const char *const abstract_types[][2] = {
	{ "object", NULL },
	{ "device", "object" },
	{ "sys-bus-device", "device" },
	{ "isa-device", "device" },
	{ "virtio-device", "device" },
	{ "cpu", "device" },
	{ CPU_PARENT, "cpu" },
	{ "machine", "object" },
	{ "x86-machine", "machine" },
	{ "generic-pc-machine", "x86-machine" },
	{ "memory-backend", "object" },
	{ "secret_common", "object" },
};

/* The -object types system/cmdline.c creates (see `-object help`). */
static const char *const object_types[][2] = {
	{ "memory-backend-ram", "memory-backend" },
	{ "secret", "secret_common" },
};

/* CPU models that are more than an alias of the host CPU. */
static const char *const cpu_models[] = { "host", "max" };

static JsonNode *builder_finish(JsonBuilder *b)
{
	JsonNode *n = json_builder_get_root(b);

	g_object_unref(b);
	return n;
}

static const char *abstract_parent(const char *name, bool *found)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(abstract_types); i++) {
		if (!strcmp(abstract_types[i][0], name)) {
			*found = true;
			return abstract_types[i][1];
		}
	}
	*found = false;
	return NULL;
}

static bool type_implements(const char *name, const char *parent, const char *want)
{
	bool found;

	if (!want || !strcmp(name, want))
		return true;
	for (const char *p = parent; p; p = abstract_parent(p, &found))
		if (!strcmp(p, want))
			return true;
	return false;
}

static const char *device_parent(const struct device_type *t)
{
	if (t->bus && !strcmp(t->bus, "isa"))
		return "isa-device";
	if (t->bus && !strcmp(t->bus, "virtio"))
		return "virtio-device";
	return "sys-bus-device";
}

static const char *machine_parent(const char *name)
{
#if defined(__x86_64__)
	if (g_str_has_prefix(name, "pc"))
		return PC_MACHINE_PARENT;
	if (!strcmp(name, "microvm"))
		return "x86-machine";
#endif
	return "machine";
}

/* ---- the list of types ---- */

struct type_list {
	JsonBuilder *b;
	const char *implements;
	bool abstract;
};

static void add_type(struct type_list *l, const char *name, const char *parent, bool abstract)
{
	if (abstract && !l->abstract)
		return;
	if (!type_implements(name, parent, l->implements))
		return;
	json_builder_begin_object(l->b);
	json_builder_set_member_name(l->b, "name");
	json_builder_add_string_value(l->b, name);
	if (parent) {
		json_builder_set_member_name(l->b, "parent");
		json_builder_add_string_value(l->b, parent);
	}
	if (abstract) {
		json_builder_set_member_name(l->b, "abstract");
		json_builder_add_boolean_value(l->b, true);
	}
	json_builder_end_object(l->b);
}

static void list_device_type(const struct device_type *t, void *opaque)
{
	add_type(opaque, t->name, device_parent(t), false);
}

static void list_machine_type(const struct machine_type *t, void *opaque)
{
	g_autofree char *name = g_strconcat(t->name, "-machine", NULL);

	add_type(opaque, name, machine_parent(t->name), false);
}

static JsonNode *qmp_qom_list_types(struct qmp_session *s, JsonObject *args, GError **err)
{
	struct type_list l = {
		.b = json_builder_new_immutable(),
		.implements = json_object_get_string_member_with_default(args, "implements", NULL),
		.abstract = json_object_get_boolean_member_with_default(args, "abstract", false),
	};

	json_builder_begin_array(l.b);
	device_type_foreach(list_device_type, &l);
	machine_type_foreach(list_machine_type, &l);
	for (unsigned i = 0; i < G_N_ELEMENTS(object_types); i++)
		add_type(&l, object_types[i][0], object_types[i][1], false);
	for (unsigned i = 0; i < G_N_ELEMENTS(cpu_models); i++) {
		g_autofree char *name = g_strconcat(cpu_models[i], CPU_TYPE_SUFFIX, NULL);

		add_type(&l, name, CPU_PARENT, false);
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(abstract_types); i++)
		add_type(&l, abstract_types[i][0], abstract_types[i][1], true);
	json_builder_end_array(l.b);
	return builder_finish(l.b);
}

/* ---- properties of a type ---- */

struct prop {
	const char *name, *type, *desc;
};

/* The -machine properties system/cmdline.c accepts. */
static const struct prop machine_props[] = {
	{ "type", "string", NULL },
	{ "accel", "string", "Accelerator list (Keel: kvm)" },
	{ "memory-backend", "link<memory-backend>", "Set RAM backend" },
	{ "acpi", "OnOffAuto", "Enable ACPI" },
	{ "usb", "bool", "Set on/off to enable/disable usb (Keel: off)" },
	{ "dump-guest-core", "bool", "Include guest memory in a core dump" },
	{ "mem-merge", "bool", "Enable/disable memory merge support" },
	{ "kernel-irqchip", "on|off|split", "Configure KVM in-kernel irqchip (Keel: on)" },
	{ NULL },
};

static const struct prop memory_backend_ram_props[] = {
	{ "type", "string", NULL },
	{ "size", "int", "Size of the memory region (ex: 500M)" },
	{ NULL },
};

static const struct prop secret_props[] = {
	{ "type", "string", NULL },
	{ "format", "QCryptoSecretFormat", NULL },
	{ "data", "string", NULL },
	{ "file", "string", NULL },
	{ "keyid", "string", NULL },
	{ "iv", "string", NULL },
	{ NULL },
};

static const struct prop cpu_props[] = {
	{ "type", "string", NULL },
	{ "migratable", "bool", NULL },
	{ NULL },
};

static const struct prop *type_props(const char *name)
{
	const char *base;

	if (!strcmp(name, "memory-backend-ram"))
		return memory_backend_ram_props;
	if (!strcmp(name, "secret"))
		return secret_props;
	if (g_str_has_suffix(name, "-machine")) {
		g_autofree char *m = g_strndup(name, strlen(name) - strlen("-machine"));
		const struct machine_type *t = machine_type_find(m);

		return t && !strcmp(t->name, m) ? machine_props : NULL;
	}
	if (g_str_has_suffix(name, CPU_TYPE_SUFFIX)) {
		base = name;
		for (unsigned i = 0; i < G_N_ELEMENTS(cpu_models); i++)
			if (!strncmp(base, cpu_models[i], strlen(cpu_models[i])) &&
			    !strcmp(base + strlen(cpu_models[i]), CPU_TYPE_SUFFIX))
				return cpu_props;
	}
	return NULL;
}

static JsonNode *props_node(const struct prop *p)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	for (; p && p->name; p++) {
		json_builder_begin_object(b);
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, p->name);
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, p->type);
		if (p->desc) {
			json_builder_set_member_name(b, "description");
			json_builder_add_string_value(b, p->desc);
		}
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return builder_finish(b);
}

/*
 * Keel's device types do not describe their properties (each create()
 * checks its own), so a Keel device lists none; a type Keel lacks is
 * DeviceNotFound, which libvirt's probe takes as "not available".
 */
static JsonNode *qmp_device_list_properties(struct qmp_session *s, JsonObject *args, GError **err)
{
	const char *name = json_object_get_string_member(args, "typename");

	if (!device_type_find(name)) {
		g_set_error(err, QMP_ERROR, QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", name);
		return NULL;
	}
	return props_node(NULL);
}

/*
 * A type Keel lacks lists no properties rather than failing: libvirt 9.0's
 * probe asks for memory-backend-file and memory-backend-memfd, which QEMU
 * always has, and crashes on the error it does not expect.
 */
static JsonNode *qmp_qom_list_properties(struct qmp_session *s, JsonObject *args, GError **err)
{
	return props_node(type_props(json_object_get_string_member(args, "typename")));
}

/* ---- the object tree ---- */

/* vCPUs that exist: none on a machine without CPUs ("none", the probe's). */
static unsigned cpus_present(void)
{
	const char *name = machine_cfg.machine_type;
	const struct machine_type *t = name ? machine_type_find(name) : machine_type_default();

	return t && !t->max_cpus ? 0 : machine_cfg.smp_cpus;
}

/* Index of a CPU path "/machine/unattached/device[N]", or -1. */
static int cpu_index(const char *path)
{
	const char *p = path + strlen(CPU_PATH_PREFIX);
	unsigned long idx;
	char *end;

	if (!g_str_has_prefix(path, CPU_PATH_PREFIX) || !g_ascii_isdigit(*p))
		return -1;
	idx = strtoul(p, &end, 10);
	if (strcmp(end, "]") || idx >= cpus_present())
		return -1;
	return (int)idx;
}

static char *cpu_type(void)
{
	const char *model = machine_cfg.cpu_model;

	return g_strconcat(model ? model : "qemu64", CPU_TYPE_SUFFIX, NULL);
}

/* The -device of id ID (user-created devices live under /machine/peripheral). */
static struct kopts *peripheral(const char *id)
{
	GPtrArray *devs = machine_cfg.devices;

	for (guint i = 0; devs && i < devs->len; i++) {
		struct kopts *o = devs->pdata[i];

		for (unsigned k = 0; k < kopts_count(o); k++)
			if (!strcmp(kopts_key(o, k), "id") && !strcmp(kopts_value(o, k), id))
				return o;
	}
	return NULL;
}

static const char *device_driver(struct kopts *o)
{
	for (unsigned k = 0; k < kopts_count(o); k++)
		if (!strcmp(kopts_key(o, k), "driver"))
			return kopts_value(o, k);
	return "";
}

static void add_child(JsonBuilder *b, const char *name, const char *type)
{
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_set_member_name(b, "type");
	json_builder_add_string_value(b, type);
	json_builder_end_object(b);
}

static void path_not_found(GError **err, const char *path)
{
	g_set_error(err, QMP_ERROR, QMP_ERROR_DEVICE_NOT_FOUND, "Device '%s' not found", path);
}

static JsonNode *qmp_qom_list(struct qmp_session *s, JsonObject *args, GError **err)
{
	const char *path = json_object_get_string_member(args, "path");
	JsonBuilder *b = json_builder_new_immutable();
	GPtrArray *devs = machine_cfg.devices;

	json_builder_begin_array(b);
	add_child(b, "type", "string");
	if (!strcmp(path, "/machine")) {
		add_child(b, "peripheral", "child<container>");
		add_child(b, "unattached", "child<container>");
	} else if (!strcmp(path, "/machine/unattached")) {
		for (unsigned i = 0; i < cpus_present(); i++) {
			g_autofree char *name = g_strdup_printf("device[%u]", i);
			g_autofree char *type = cpu_type();
			g_autofree char *child = g_strdup_printf("child<%s>", type);

			add_child(b, name, child);
		}
	} else if (!strcmp(path, PERIPHERAL)) {
		for (guint i = 0; devs && i < devs->len; i++) {
			struct kopts *o = devs->pdata[i];

			for (unsigned k = 0; k < kopts_count(o); k++) {
				if (!strcmp(kopts_key(o, k), "id")) {
					g_autofree char *child =
						g_strdup_printf("child<%s>", device_driver(o));

					add_child(b, kopts_value(o, k), child);
				}
			}
		}
	} else if (cpu_index(path) >= 0) {
		add_child(b, "unavailable-features", "strList");
	} else if (!(g_str_has_prefix(path, PERIPHERAL "/") &&
		     peripheral(path + strlen(PERIPHERAL "/")))) {
		json_builder_end_array(b);
		json_node_unref(builder_finish(b));
		path_not_found(err, path);
		return NULL;
	}
	json_builder_end_array(b);
	return builder_finish(b);
}

static JsonNode *qmp_qom_get(struct qmp_session *s, JsonObject *args, GError **err)
{
	const char *path = json_object_get_string_member(args, "path");
	const char *prop = json_object_get_string_member(args, "property");

	if (cpu_index(path) >= 0) {
		if (!strcmp(prop, "type")) {
			g_autofree char *type = cpu_type();

			return json_node_init_string(json_node_alloc(), type);
		}
		if (!strcmp(prop, "unavailable-features")) {
			/* The guest gets what KVM reports; nothing is filtered. */
			return json_node_init_array(json_node_alloc(), json_array_new());
		}
	} else if (g_str_has_prefix(path, PERIPHERAL "/") &&
		   peripheral(path + strlen(PERIPHERAL "/"))) {
		if (!strcmp(prop, "type")) {
			struct kopts *o = peripheral(path + strlen(PERIPHERAL "/"));

			return json_node_init_string(json_node_alloc(), device_driver(o));
		}
	} else if (strcmp(path, "/machine") && strcmp(path, PERIPHERAL)) {
		path_not_found(err, path);
		return NULL;
	} else if (!strcmp(prop, "type")) {
		return json_node_init_string(json_node_alloc(),
					     !strcmp(path, "/machine") ? "machine" : "container");
	}
	g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "Property '%s' not found", prop);
	return NULL;
}

static const struct qmp_arg list_types_args[] = {
	{ "implements", QMP_ARG_STR, true },
	{ "abstract", QMP_ARG_BOOL, true },
	{ NULL },
};

static const struct qmp_arg typename_args[] = {
	{ "typename", QMP_ARG_STR },
	{ NULL },
};

static const struct qmp_arg path_args[] = {
	{ "path", QMP_ARG_STR },
	{ NULL },
};

static const struct qmp_arg get_args[] = {
	{ "path", QMP_ARG_STR },
	{ "property", QMP_ARG_STR },
	{ NULL },
};

static const struct qmp_command qom_commands[] = {
	{ .name = "qom-list-types", .args = list_types_args, .handler = qmp_qom_list_types },
	{ .name = "qom-list-properties", .args = typename_args,
	  .handler = qmp_qom_list_properties },
	{ .name = "device-list-properties", .args = typename_args,
	  .handler = qmp_device_list_properties },
	{ .name = "qom-list", .args = path_args, .handler = qmp_qom_list },
	{ .name = "qom-get", .args = get_args, .handler = qmp_qom_get },
};

static void __attribute__((constructor)) qmp_qom_register(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(qom_commands); i++)
		qmp_register_command(&qom_commands[i]);
}
