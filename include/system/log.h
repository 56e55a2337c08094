/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_LOG_H
#define KEEL_SYSTEM_LOG_H

#include <stdarg.h>

/* One line on stderr, prefixed "keel: ". Safe from any thread. */
void error_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like warn_report, but only the first call per flag prints. */
void warn_report_once_flag(int *flag, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define warn_report_once(...)                                                                      \
	({                                                                                         \
		static int once_;                                                                  \
		warn_report_once_flag(&once_, __VA_ARGS__);                                        \
	})
/* Debug trace, printed only when KEEL_DEBUG is set in the environment. */
void debug_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
