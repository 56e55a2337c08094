// SPDX-License-Identifier: GPL-2.0-or-later
/* PLACEHOLDER (the cmdline helper replaces this file): minimal options for bring-up. */
#include <string.h>

#include "system/error.h"
#include "monitor/monitor.h"
#include "system/cmdline.h"
#include "system/machine.h"
#include "system/opts.h"
#include "system/runstate.h"

int cmdline_parse(int argc, char **argv, struct machine_config *cfg, GError **err)
{
	cfg->smp_cpus = 1;
	cfg->ram_size = 128 << 20;
	cfg->devices = g_ptr_array_new();
	cfg->serials = g_ptr_array_new();
	cfg->monitors = g_ptr_array_new();
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t v;

		if (!strcmp(o, "-nodefaults")) {
			cfg->nodefaults = true;
		} else if (!strcmp(o, "-S")) {
			cfg->start_paused = true;
		} else if (!strcmp(o, "-no-reboot")) {
			opt_no_reboot = true;
		} else if (!strcmp(o, "-no-shutdown")) {
			opt_no_shutdown = true;
		} else if (a && !strcmp(o, "-display")) {
			i++;
		} else if (a && !strcmp(o, "-serial")) {
			g_ptr_array_add(cfg->serials, g_strdup(a));
			i++;
		} else if (a && !strcmp(o, "-kernel")) {
			cfg->kernel = a;
			i++;
		} else if (a && !strcmp(o, "-append")) {
			cfg->append = a;
			i++;
		} else if (a && !strcmp(o, "-smp")) {
			cfg->smp_cpus = atoi(a);
			i++;
		} else if (a && !strcmp(o, "-m") && parse_u64(a, &v, true) == 0) {
			cfg->ram_size = v < (1 << 20) ? v << 20 : v;
			i++;
		} else if (a && !strcmp(o, "-qmp")) {
			struct kopts *k = kopts_new();

			kopts_set(k, "spec", a);
			g_ptr_array_add(cfg->monitors, k);
			i++;
		} else if (a && !strcmp(o, "-device")) {
			struct kopts *k = kopts_parse(a, "driver", err);

			if (!k)
				return -1;
			g_ptr_array_add(cfg->devices, k);
			i++;
		} else {
			error_setg(err, "%s: invalid option", o);
			return -1;
		}
	}
	cfg->max_cpus = cfg->smp_cpus;
	return 0;
}

int cmdline_create_backends(struct machine_config *cfg, GError **err)
{
	for (guint i = 0; i < cfg->monitors->len; i++) {
		struct kopts *k = cfg->monitors->pdata[i];

		if (kopts_get(k, "spec") && monitor_add_qmp_spec(kopts_get(k, "spec"), err) < 0)
			return -1;
	}
	return 0;
}
