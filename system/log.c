// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>

#include "system/error.h"
#include "system/log.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	/* One fprintf per line so lines from different threads do not interleave. */
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "keel: %s%s\n", prefix, buf);
}

void error_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void warn_report(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void warn_report_once_flag(int *flag, const char *fmt, ...)
{
	va_list ap;

	if (__atomic_exchange_n(flag, 1, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void debug_log(const char *fmt, ...)
{
	static int enabled = -1;
	va_list ap;

	if (enabled < 0)
		enabled = getenv("KEEL_DEBUG") != NULL;
	if (!enabled)
		return;
	va_start(ap, fmt);
	vreport("debug: ", fmt, ap);
	va_end(ap);
}

GQuark keel_error_quark(void)
{
	return g_quark_from_static_string("keel-error");
}
