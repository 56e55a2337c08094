/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_CMDLINE_H
#define KEEL_SYSTEM_CMDLINE_H

#include <glib.h>

struct machine_config;
struct kopts;

/*
 * Parse argv into cfg. Returns 0 to go on, 1 when the process should exit
 * with status 0 now (help, version printed), -1 with *err set on bad input.
 * Nothing is created here: no chardevs, no devices.
 */
int cmdline_parse(int argc, char **argv, struct machine_config *cfg, GError **err);

/*
 * Create what the command line asked for before the machine exists, in this
 * order: the -chardev backends, the -serial backends (chardevs "serial0",
 * "serial1"..., after which cfg->serials holds "chardev:serialN"), then the
 * monitors (-qmp, -mon, and the QMP monitor that mon:stdio multiplexes).
 * Call it once, after -daemonize has forked. Returns 0 or -1 with err set.
 */
int cmdline_create_backends(struct machine_config *cfg, GError **err);

/*
 * Free what cmdline_parse() allocated in cfg and zero it. cfg must be zeroed
 * or filled by cmdline_parse() before its first use (cmdline_parse() calls
 * this first, so it may be called again on the same cfg).
 */
void cmdline_config_free(struct machine_config *cfg);

/*
 * Per-arch hook (system/cmdline-<arch>.c) given the -cpu model name, or NULL
 * for the default. A weak default that ignores it lives in cmdline.c.
 */
void arch_cmdline_cpu_model(const char *model);

/*
 * Give props the -global TYPE.PROP values it does not set itself (the
 * latest -global wins), for a device whose type is known only at creation
 * (an alias, see struct device_type). cmdline_parse() did the others.
 */
void cmdline_apply_globals_to(const char *type, struct kopts *props);

#endif
