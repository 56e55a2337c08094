// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The GLib main loop. The main thread holds the bql except while it sleeps
 * in poll(), so device callbacks never race with vCPU dispatch.
 */
#include <glib-unix.h>
#include <signal.h>

#include "system/bql.h"
#include "system/log.h"
#include "system/main-loop.h"
#include "system/runstate.h"

static GPollFunc default_poll;

static gint poll_without_bql(GPollFD *fds, guint nfds, gint timeout)
{
	gint ret;

	bql_unlock();
	ret = default_poll(fds, nfds, timeout);
	bql_lock();
	return ret;
}

static gboolean on_signal(gpointer data)
{
	int sig = GPOINTER_TO_INT(data);

	error_report("terminating on signal %d", sig);
	system_shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL);
	return G_SOURCE_CONTINUE;
}

void main_loop_wakeup(void)
{
	g_main_context_wakeup(NULL);
}

void main_loop_init(void)
{
	GMainContext *ctx = g_main_context_default();

	default_poll = g_main_context_get_poll_func(ctx);
	g_main_context_set_poll_func(ctx, poll_without_bql);
	g_unix_signal_add(SIGTERM, on_signal, GINT_TO_POINTER(SIGTERM));
	g_unix_signal_add(SIGINT, on_signal, GINT_TO_POINTER(SIGINT));
	g_unix_signal_add(SIGHUP, on_signal, GINT_TO_POINTER(SIGHUP));
	signal(SIGPIPE, SIG_IGN);
}

int main_loop_run(void)
{
	int status = 0;

	/* Called with the bql held. */
	for (;;) {
		if (main_loop_handle_requests(&status))
			return status;
		g_main_context_iteration(NULL, TRUE);
	}
}
