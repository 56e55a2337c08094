// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * human-monitor-command: the few HMP commands clients pass through QMP
 * (virsh qemu-monitor-command --hmp). Output lines end in "\r\n", as
 * QEMU's monitor writes them.
 */
#include <errno.h>
#include <string.h>

#include "chardev/char.h"
#include "monitor/qmp.h"
#include "system/runstate.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "unknown"
#endif

typedef void (*hmp_fn)(GString *out, const char *arg);

static void hmp_info_status(GString *out, const char *arg)
{
	enum run_state st = runstate_get();

	if (st == RUN_STATE_RUNNING)
		g_string_append(out, "VM status: running\r\n");
	else if (st == RUN_STATE_PAUSED)
		g_string_append(out, "VM status: paused\r\n");
	else
		g_string_append_printf(out, "VM status: paused (%s)\r\n", run_state_name(st));
}

static void hmp_info_version(GString *out, const char *arg)
{
	g_string_append_printf(out, "%d.%d.%d (keel-%s)\r\n", QMP_QEMU_MAJOR, QMP_QEMU_MINOR,
			       QMP_QEMU_MICRO, KEEL_VERSION);
}

static void print_chardev(struct chardev *c, void *opaque)
{
	g_string_append_printf(opaque, "%s: filename=%s\r\n", chardev_id(c),
			       chardev_filename(c) ?: "");
}

static void hmp_info_chardev(GString *out, const char *arg)
{
	chardev_foreach(print_chardev, out);
}

static void hmp_stop(GString *out, const char *arg)
{
	if (vm_stop(RUN_STATE_PAUSED) < 0)
		g_string_append(out, "Error: Could not stop the vCPUs\r\n");
}

static void hmp_cont(GString *out, const char *arg)
{
	int ret = vm_cont();

	if (ret == -EPERM)
		g_string_append(out, "Error: Resetting the Virtual Machine is required\r\n");
	else if (ret < 0)
		g_string_append(out, "Error: Could not resume the VM\r\n");
}

static void hmp_system_reset(GString *out, const char *arg)
{
	system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
}

static void hmp_system_powerdown(GString *out, const char *arg)
{
	system_powerdown_request();
}

static void hmp_quit(GString *out, const char *arg)
{
	system_shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT);
}

/* defer: the command posts a request whose events QEMU sends before the reply. */
static const struct {
	const char *name;
	hmp_fn fn;
	bool defer;
} hmp_commands[] = {
	{ "info status", hmp_info_status },
	{ "info version", hmp_info_version },
	{ "info chardev", hmp_info_chardev },
	{ "stop", hmp_stop },
	{ "cont", hmp_cont },
	{ "c", hmp_cont },
	{ "system_reset", hmp_system_reset, true },
	{ "system_powerdown", hmp_system_powerdown, true },
	{ "quit", hmp_quit },
	{ "q", hmp_quit },
};

/* Collapse runs of blanks so that "info   status" works, as in QEMU. */
static char *normalize_blanks(const char *line)
{
	g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
	GString *n = g_string_new(NULL);

	for (unsigned i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		if (n->len)
			g_string_append_c(n, ' ');
		g_string_append(n, words[i]);
	}
	return g_string_free(n, FALSE);
}

static JsonNode *qmp_human_monitor_command(struct qmp_session *s, JsonObject *args,
					   GError **err)
{
	g_autofree char *cmd =
		normalize_blanks(json_object_get_string_member(args, "command-line"));
	GString *out = g_string_new(NULL);
	JsonNode *ret;
	unsigned i;

	if (*cmd) {
		for (i = 0; i < G_N_ELEMENTS(hmp_commands); i++) {
			if (!strcmp(cmd, hmp_commands[i].name)) {
				hmp_commands[i].fn(out, NULL);
				if (hmp_commands[i].defer)
					qmp_defer_reply(s);
				break;
			}
		}
		if (i == G_N_ELEMENTS(hmp_commands))
			g_string_append_printf(out, "unknown command: '%s'\r\n", cmd);
	}
	ret = json_node_init_string(json_node_alloc(), out->str);
	g_string_free(out, TRUE);
	return ret;
}

static const struct qmp_arg hmc_args[] = {
	{ "command-line", QMP_ARG_STR },
	{ "cpu-index", QMP_ARG_INT, true },
	{ NULL },
};

static const struct qmp_command hmc_cmd = {
	.name = "human-monitor-command",
	.args = hmc_args,
	.handler = qmp_human_monitor_command,
};
QMP_COMMAND_REGISTER(hmc_cmd)
