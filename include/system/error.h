/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_ERROR_H
#define KEEL_SYSTEM_ERROR_H

#include <glib.h>

/* Keel's GError domain. Use error_setg(err, "fmt", ...) everywhere (no gio). */
GQuark keel_error_quark(void);
#define error_setg(errp, ...) g_set_error((errp), keel_error_quark(), 0, __VA_ARGS__)

#endif
