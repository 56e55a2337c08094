/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_MAIN_LOOP_H
#define KEEL_SYSTEM_MAIN_LOOP_H

#include <glib.h>

/*
 * The process's GLib context is the default one. The main thread holds the
 * bql at all times except while it sleeps in poll(), so every GSource
 * callback (chardevs, monitors, timers) runs with the bql held.
 */
void main_loop_init(void);
/* Run until a request ends the process; returns the exit status. */
int main_loop_run(void);

#endif
