// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boottime: run one command and time it.
 *
 *   boottime MARKER TIMEOUT_S -- CMD [ARGS...]
 *
 * Prints one line: "first_byte_ms marker_ms exit_ms maxrss_kib status cpu_ms", times
 * counted from just before fork(): the first byte on the child's stdout, the
 * end of the first occurrence of MARKER there, and the child's exit (wait4);
 * peak RSS and CPU time (user + system, all threads) from wait4's rusage.
 * -1 for a time that never came. The child's stderr is passed through.
 *
 * A small C parent matters for the RSS figure: the kernel keeps a process's
 * high-water RSS across exec, so a child forked from a large parent (Python)
 * would report the parent's size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	static char acc[1 << 16];
	double t0, t_first = -1, t_marker = -1, timeout_ms;
	const char *marker;
	size_t alen = 0, mlen;
	struct rusage ru;
	int p[2], status;
	pid_t pid;

	if (argc < 5 || strcmp(argv[3], "--")) {
		fprintf(stderr, "usage: boottime MARKER TIMEOUT_S -- CMD [ARGS...]\n");
		return 2;
	}
	marker = argv[1];
	mlen = strlen(marker);
	timeout_ms = atof(argv[2]) * 1e3;
	if (pipe2(p, O_CLOEXEC)) {
		perror("pipe");
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 2;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul < 0 || dup2(nul, 0) < 0 || dup2(p[1], 1) < 0)
			_exit(126);
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		double left = timeout_ms - (now_ms() - t0);
		char buf[4096];
		ssize_t got;
		int r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		r = poll(&pf, 1, (int)left + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		got = read(p[0], buf, sizeof(buf));
		if (got <= 0)
			break;
		if (t_first < 0)
			t_first = now_ms() - t0;
		if (t_marker < 0) {
			size_t take = (size_t)got < sizeof(acc) - alen ? (size_t)got : sizeof(acc) - alen;

			memcpy(acc + alen, buf, take);
			alen += take;
			if (memmem(acc, alen, marker, mlen))
				t_marker = now_ms() - t0;
		}
	}
	close(p[0]);
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("wait4");
		return 2;
	}
	printf("%.3f %.3f %.3f %ld %d %.3f\n", t_first, t_marker, now_ms() - t0, ru.ru_maxrss,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	       (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
		       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	return 0;
}
