// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stdio backend: input from fd 0, output to fd 1. On a terminal, input is
 * switched to raw mode (keys go to the guest as typed) and the saved
 * settings come back at chardev_cleanup_all(), on every exit path.
 * signal=on (the default) keeps Ctrl-C/Ctrl-Z as signals for Keel; mon:stdio
 * turns it off so they reach the guest and Ctrl-A x is the way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include "chardev/char-be.h"
#include "system/error.h"
#include "system/opts.h"

static bool stdio_in_use;
static bool tty_saved;
static struct termios tty_orig, tty_raw;

static void stdio_cleanup(struct chardev *c)
{
	/* async-signal-safe: tcsetattr only. */
	if (tty_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &tty_orig);
		tty_saved = false;
	}
}

static void stdio_close(struct chardev *c)
{
	stdio_cleanup(c);
	stdio_in_use = false;
}

/*
 * After Ctrl-Z and fg the shell has put its own settings back: raw mode
 * again, but only in the foreground (a background tcsetattr would stop us).
 */
static void stdio_sigcont(int sig)
{
	int saved = errno;

	if (tty_saved && tcgetpgrp(STDIN_FILENO) == getpgrp())
		tcsetattr(STDIN_FILENO, TCSANOW, &tty_raw);
	errno = saved;
}

/*
 * A crash must not leave the user's terminal raw either. Restore it, put
 * back whatever handled the signal before (the default, or a sanitizer) and
 * let that run: a fault re-executes and faults again, a sent signal is
 * raised again.
 */
static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGQUIT };
static struct sigaction fatal_old[G_N_ELEMENTS(fatal_signals)];

static void stdio_fatal(int sig, siginfo_t *si, void *uc)
{
	chardev_cleanup_all();
	for (unsigned i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
		if (fatal_signals[i] == sig)
			sigaction(sig, &fatal_old[i], NULL);
	}
	if (si->si_code <= 0) /* sent (kill, raise, abort), not a fault */
		raise(sig);
}

static void stdio_catch_fatal(void)
{
	struct sigaction sa = { .sa_sigaction = stdio_fatal, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	for (unsigned i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
		sigaction(fatal_signals[i], &sa, &fatal_old[i]);
}

static void stdio_set_raw(bool allow_signals)
{
	struct sigaction sa = { .sa_handler = stdio_sigcont, .sa_flags = SA_RESTART };

	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &tty_orig) < 0)
		return;
	tty_saved = true;
	t = tty_orig;
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	if (!allow_signals)
		t.c_lflag &= ~ISIG;
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tty_raw = t;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCONT, &sa, NULL);
	stdio_catch_fatal();
}

static const struct chardev_ops stdio_ops = {
	.cleanup = stdio_cleanup,
	.close = stdio_close,
};

static int stdio_open(struct chardev *c, struct kopts *opts, GError **err)
{
	bool sig;
	int in_fd = STDIN_FILENO, out_fd = STDOUT_FILENO;

	if (kopts_get_bool(opts, "signal", true, &sig, err) < 0)
		return -EINVAL;
	if (stdio_in_use) {
		error_setg(err, "chardev '%s': stdio is already used by another chardev",
			    chardev_id(c));
		return -EBUSY;
	}
	if (kopts_check_unused(opts, NULL, err) < 0)
		return -EINVAL;
	/* A closed stdin/stdout is not an error: that direction is simply absent. */
	if (fcntl(in_fd, F_GETFL) < 0)
		in_fd = -1;
	if (fcntl(out_fd, F_GETFL) < 0)
		out_fd = -1;
	stdio_in_use = true;
	chardev_set_ops(c, &stdio_ops, NULL);
	stdio_set_raw(sig);
	chardev_set_fds(c, in_fd, out_fd);
	chardev_set_filename(c, "stdio");
	chardev_set_connected(c, true);
	return 0;
}

static const struct chardev_backend stdio_backend = {
	.name = "stdio",
	.open = stdio_open,
};
CHARDEV_BACKEND_REGISTER(stdio_backend)
