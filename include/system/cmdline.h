/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_CMDLINE_H
#define KEEL_SYSTEM_CMDLINE_H

#include <glib.h>

struct machine_config;

/*
 * Parse argv into cfg. Returns 0 to go on, 1 when the process should exit
 * with status 0 now (help, version printed), -1 with *err set on bad input.
 * Nothing is created here: no chardevs, no devices.
 */
int cmdline_parse(int argc, char **argv, struct machine_config *cfg, GError **err);

/*
 * Create what the command line asked for before the machine exists:
 * chardevs, monitors and the default serial backend. Returns 0 or -1.
 */
int cmdline_create_backends(struct machine_config *cfg, GError **err);

#endif
