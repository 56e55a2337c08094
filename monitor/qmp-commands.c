// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QMP command table: queries of the machine and the run-state commands.
 * Each entry is data (name, argument schema, handler); query-commands and
 * the argument checks are derived from it. Handlers run in the main loop
 * with the bql held and act only through system/ APIs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accel/kvm.h"
#include "chardev/char.h"
#include "monitor/qmp.h"
#include "system/machine.h"
#include "system/runstate.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "unknown"
#endif

#if defined(__x86_64__)
#define TARGET_ARCH "x86_64"
#define DEFAULT_CPU_TYPE "qemu64-x86_64-cpu"
#define CPU_TYPE_SUFFIX "-x86_64-cpu"
#define DEFAULT_RAM_ID "pc.ram"
#elif defined(__aarch64__)
#define TARGET_ARCH "aarch64"
#define DEFAULT_CPU_TYPE "cortex-a15-arm-cpu"
#define CPU_TYPE_SUFFIX "-arm-cpu"
#define DEFAULT_RAM_ID "mach-virt.ram"
#elif defined(__powerpc64__)
#define TARGET_ARCH "ppc64"
#define DEFAULT_CPU_TYPE "power10_v2.0-powerpc64-cpu"
#define CPU_TYPE_SUFFIX "-powerpc64-cpu"
#define DEFAULT_RAM_ID "ppc_spapr.ram"
#else
#error "unsupported host architecture"
#endif

/* ---- helpers ---- */

static JsonNode *builder_finish(JsonBuilder *b)
{
	JsonNode *n = json_builder_get_root(b);

	g_object_unref(b);
	return n;
}

static JsonNode *version_node(void)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "qemu");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "major");
	json_builder_add_int_value(b, QMP_QEMU_MAJOR);
	json_builder_set_member_name(b, "minor");
	json_builder_add_int_value(b, QMP_QEMU_MINOR);
	json_builder_set_member_name(b, "micro");
	json_builder_add_int_value(b, QMP_QEMU_MICRO);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "package");
	json_builder_add_string_value(b, "keel-" KEEL_VERSION);
	json_builder_end_object(b);
	return builder_finish(b);
}

/* ---- queries ---- */

static JsonNode *qmp_query_version(struct qmp_session *s, JsonObject *args, GError **err)
{
	return version_node();
}

static void add_command_name(const struct qmp_command *cmd, void *opaque)
{
	JsonBuilder *b = opaque;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, cmd->name);
	json_builder_end_object(b);
}

static JsonNode *qmp_query_commands(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	qmp_command_foreach(add_command_name, b);
	json_builder_end_array(b);
	return builder_finish(b);
}

static void add_event_name(const char *name, void *opaque)
{
	JsonBuilder *b = opaque;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, name);
	json_builder_end_object(b);
}

static JsonNode *qmp_query_events(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	qmp_event_foreach(add_event_name, b);
	json_builder_end_array(b);
	return builder_finish(b);
}

static JsonNode *qmp_query_status(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	enum run_state st = runstate_get();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "status");
	json_builder_add_string_value(b, run_state_name(st));
	json_builder_set_member_name(b, "singlestep");
	json_builder_add_boolean_value(b, false);
	json_builder_set_member_name(b, "running");
	json_builder_add_boolean_value(b, st == RUN_STATE_RUNNING);
	json_builder_end_object(b);
	return builder_finish(b);
}

static JsonNode *qmp_query_name(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_object(b);
	if (machine_cfg.name) {
		json_builder_set_member_name(b, "name");
		json_builder_add_string_value(b, machine_cfg.name);
	}
	json_builder_end_object(b);
	return builder_finish(b);
}

static JsonNode *qmp_query_uuid(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	const uint8_t *u = machine_cfg.uuid;
	char str[37];

	/* Without -uuid QEMU reports the nil UUID; uuid[] is then all zero. */
	snprintf(str, sizeof(str),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0],
		 u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
		 u[14], u[15]);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "UUID");
	json_builder_add_string_value(b, str);
	json_builder_end_object(b);
	return builder_finish(b);
}

static JsonNode *qmp_query_kvm(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	bool present = kvm_available();

	/* KVM is Keel's only accelerator: when it is there, it is in use. */
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "enabled");
	json_builder_add_boolean_value(b, present);
	json_builder_set_member_name(b, "present");
	json_builder_add_boolean_value(b, present);
	json_builder_end_object(b);
	return builder_finish(b);
}

static JsonNode *qmp_query_target(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "arch");
	json_builder_add_string_value(b, TARGET_ARCH);
	json_builder_end_object(b);
	return builder_finish(b);
}

static void add_machine(const struct machine_type *t, void *opaque)
{
	JsonBuilder *b = opaque;
	bool has_cpus = t->max_cpus > 0; /* "none" has neither CPUs nor RAM */

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "name");
	json_builder_add_string_value(b, t->name);
	if (t->alias) {
		json_builder_set_member_name(b, "alias");
		json_builder_add_string_value(b, t->alias);
	}
	if (t->is_default) {
		json_builder_set_member_name(b, "is-default");
		json_builder_add_boolean_value(b, true);
	}
	json_builder_set_member_name(b, "cpu-max");
	json_builder_add_int_value(b, has_cpus ? t->max_cpus : 1);
	json_builder_set_member_name(b, "hotpluggable-cpus");
	json_builder_add_boolean_value(b, has_cpus);
	json_builder_set_member_name(b, "numa-mem-supported");
	json_builder_add_boolean_value(b, false);
	json_builder_set_member_name(b, "deprecated");
	json_builder_add_boolean_value(b, false);
	if (has_cpus) {
		json_builder_set_member_name(b, "default-cpu-type");
		json_builder_add_string_value(b, DEFAULT_CPU_TYPE);
		json_builder_set_member_name(b, "default-ram-id");
		/* libvirt names the RAM backend after this (-object memory-backend-ram,id=). */
		json_builder_add_string_value(b, g_str_has_prefix(t->name, "microvm")
							 ? "microvm.ram"
							 : DEFAULT_RAM_ID);
	}
	json_builder_end_object(b);
}

static JsonNode *qmp_query_machines(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	machine_type_foreach(add_machine, b);
	json_builder_end_array(b);
	return builder_finish(b);
}

/* ---- CPUs ---- */

struct topo {
	unsigned sockets, cores, threads;
};

static struct topo cpu_topology(void)
{
	struct topo t = {
		.sockets = machine_cfg.sockets,
		.cores = machine_cfg.cores,
		.threads = machine_cfg.threads,
	};

	if (!t.cores)
		t.cores = 1;
	if (!t.threads)
		t.threads = 1;
	if (!t.sockets) {
		unsigned max = machine_cfg.max_cpus ? machine_cfg.max_cpus : machine_cfg.smp_cpus;

		t.sockets = MAX(1u, max / (t.cores * t.threads));
	}
	return t;
}

static unsigned cpus_plugged(void)
{
	return machine_cfg.smp_cpus;
}

static unsigned cpus_possible(void)
{
	return MAX(machine_cfg.max_cpus, machine_cfg.smp_cpus);
}

static void add_cpu_props(JsonBuilder *b, unsigned index)
{
	struct topo t = cpu_topology();

	json_builder_set_member_name(b, "props");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "core-id");
	json_builder_add_int_value(b, (index / t.threads) % t.cores);
	json_builder_set_member_name(b, "thread-id");
	json_builder_add_int_value(b, index % t.threads);
	json_builder_set_member_name(b, "socket-id");
	json_builder_add_int_value(b, index / (t.threads * t.cores));
	json_builder_end_object(b);
}

static void add_qom_path(JsonBuilder *b, unsigned index)
{
	char path[64];

	snprintf(path, sizeof(path), "/machine/unattached/device[%u]", index);
	json_builder_set_member_name(b, "qom-path");
	json_builder_add_string_value(b, path);
}

/*
 * Host thread ids of the vCPUs, which libvirt pins. accel/ names each vCPU
 * thread "CPU N/KVM" (as QEMU does); find them by name rather than reach
 * into accel/. A vCPU without a thread (yet) reports the process id.
 */
static GHashTable *vcpu_thread_ids(void)
{
	GHashTable *ids = g_hash_table_new(NULL, NULL);
	GDir *dir = g_dir_open("/proc/self/task", 0, NULL);
	const char *tid;

	while (dir && (tid = g_dir_read_name(dir))) {
		g_autofree char *path = g_strdup_printf("/proc/self/task/%s/comm", tid);
		g_autofree char *comm = NULL;
		unsigned index;
		char tail[8];

		if (!g_file_get_contents(path, &comm, NULL, NULL))
			continue;
		if (sscanf(comm, "CPU %u/%7s", &index, tail) == 2 && !strncmp(tail, "KVM", 3))
			g_hash_table_insert(ids, GUINT_TO_POINTER(index + 1),
					    GINT_TO_POINTER(atoi(tid)));
	}
	if (dir)
		g_dir_close(dir);
	return ids;
}

static JsonNode *qmp_query_cpus_fast(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	GHashTable *tids = vcpu_thread_ids();

	json_builder_begin_array(b);
	for (unsigned i = 0; i < cpus_plugged(); i++) {
		int tid = GPOINTER_TO_INT(g_hash_table_lookup(tids, GUINT_TO_POINTER(i + 1)));

		json_builder_begin_object(b);
		json_builder_set_member_name(b, "thread-id");
		json_builder_add_int_value(b, tid ? tid : getpid());
		add_cpu_props(b, i);
		add_qom_path(b, i);
		json_builder_set_member_name(b, "cpu-index");
		json_builder_add_int_value(b, i);
		json_builder_set_member_name(b, "target");
		json_builder_add_string_value(b, TARGET_ARCH);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	g_hash_table_destroy(tids);
	return builder_finish(b);
}

static JsonNode *qmp_query_hotpluggable_cpus(struct qmp_session *s, JsonObject *args,
					     GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	const char *model = machine_cfg.cpu_model;
	g_autofree char *type = model ? g_strconcat(model, CPU_TYPE_SUFFIX, NULL)
				      : g_strdup(DEFAULT_CPU_TYPE);

	if (!machine_cfg.smp_cpus) {
		g_object_unref(b);
		g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "machine does not support hot-plugging CPUs");
		return NULL;
	}
	/* QEMU lists the highest slot first. */
	json_builder_begin_array(b);
	for (unsigned i = cpus_possible(); i-- > 0;) {
		json_builder_begin_object(b);
		add_cpu_props(b, i);
		json_builder_set_member_name(b, "vcpus-count");
		json_builder_add_int_value(b, 1);
		if (i < cpus_plugged())
			add_qom_path(b, i);
		json_builder_set_member_name(b, "type");
		json_builder_add_string_value(b, type);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	return builder_finish(b);
}

/* ---- chardevs ---- */

static void add_chardev(struct chardev *c, void *opaque)
{
	JsonBuilder *b = opaque;

	json_builder_begin_object(b);
	/* Every Keel chardev has its frontend from start-up on, as in QEMU. */
	json_builder_set_member_name(b, "frontend-open");
	json_builder_add_boolean_value(b, true);
	json_builder_set_member_name(b, "filename");
	json_builder_add_string_value(b, chardev_filename(c) ?: "");
	json_builder_set_member_name(b, "label");
	json_builder_add_string_value(b, chardev_id(c));
	json_builder_end_object(b);
}

static JsonNode *qmp_query_chardev(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();

	json_builder_begin_array(b);
	chardev_foreach(add_chardev, b);
	json_builder_end_array(b);
	return builder_finish(b);
}

/* ---- run state ---- */

static JsonNode *qmp_stop(struct qmp_session *s, JsonObject *args, GError **err)
{
	int ret = vm_stop(RUN_STATE_PAUSED);

	if (ret < 0)
		g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "Could not stop the vCPUs: %s",
			    g_strerror(-ret));
	return NULL;
}

static JsonNode *qmp_cont(struct qmp_session *s, JsonObject *args, GError **err)
{
	int ret = vm_cont();

	if (ret == -EPERM)
		g_set_error_literal(err, QMP_ERROR, QMP_ERROR_GENERIC,
				    "Resetting the Virtual Machine is required");
	else if (ret < 0)
		g_set_error(err, QMP_ERROR, QMP_ERROR_GENERIC, "Could not resume the VM: %s",
			    g_strerror(-ret));
	return NULL;
}

static JsonNode *qmp_system_reset(struct qmp_session *s, JsonObject *args, GError **err)
{
	system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
	return NULL;
}

static JsonNode *qmp_system_powerdown(struct qmp_session *s, JsonObject *args, GError **err)
{
	system_powerdown_request();
	return NULL;
}

static JsonNode *qmp_quit(struct qmp_session *s, JsonObject *args, GError **err)
{
	/* The reply goes out now; SHUTDOWN follows from the main loop, then exit. */
	system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
	return NULL;
}

/* ---- test support ---- */

/* Reset and audit counters, for the reset storm tests (bql held: peek). */
static JsonNode *qmp_x_keel_reset_stats(struct qmp_session *s, JsonObject *args, GError **err)
{
	JsonBuilder *b = json_builder_new_immutable();
	struct reset_stats st;

	reset_stats_peek(&st);
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "resets");
	json_builder_add_int_value(b, st.resets);
	json_builder_set_member_name(b, "audits");
	json_builder_add_int_value(b, st.audits);
	json_builder_set_member_name(b, "audit-mismatches");
	json_builder_add_int_value(b, st.audit_mismatches);
	json_builder_end_object(b);
	return builder_finish(b);
}

/* ---- the table ---- */

static const struct qmp_command commands[] = {
	{ .name = "query-version", .handler = qmp_query_version },
	{ .name = "query-commands", .handler = qmp_query_commands },
	{ .name = "query-events", .handler = qmp_query_events },
	{ .name = "query-status", .handler = qmp_query_status },
	{ .name = "query-name", .handler = qmp_query_name },
	{ .name = "query-uuid", .handler = qmp_query_uuid },
	{ .name = "query-kvm", .handler = qmp_query_kvm },
	{ .name = "query-target", .handler = qmp_query_target },
	{ .name = "query-machines", .handler = qmp_query_machines },
	{ .name = "query-cpus-fast", .handler = qmp_query_cpus_fast },
	{ .name = "query-hotpluggable-cpus", .handler = qmp_query_hotpluggable_cpus },
	{ .name = "query-chardev", .handler = qmp_query_chardev },
	{ .name = "stop", .handler = qmp_stop },
	{ .name = "cont", .handler = qmp_cont },
	{ .name = "system_reset", .handler = qmp_system_reset,
	  .flags = QMP_CMD_REPLY_AFTER_REQUESTS },
	{ .name = "system_powerdown", .handler = qmp_system_powerdown,
	  .flags = QMP_CMD_REPLY_AFTER_REQUESTS },
	{ .name = "quit", .handler = qmp_quit },
	{ .name = "x-keel-reset-stats", .handler = qmp_x_keel_reset_stats },
};

static void __attribute__((constructor)) qmp_commands_register(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(commands); i++)
		qmp_register_command(&commands[i]);
}
