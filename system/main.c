// SPDX-License-Identifier: GPL-2.0-or-later
/* Process start-up: parse, build the machine, run the main loop, clean up. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/error.h"
#include "accel/kvm.h"
#include "chardev/char.h"
#include "hw/core/device.h"
#include "hw/virtio/virtio-mmio.h"
#include "monitor/monitor.h"
#include "system/bql.h"
#include "system/cmdline.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/main-loop.h"
#include "system/memory.h"
#include "system/runstate.h"

static int daemon_pipe = -1;

/* The parent waits for the child's start-up verdict so errors reach the caller. */
static void daemonize_start(void)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds) < 0) {
		error_report("daemonize: pipe: %s", strerror(errno));
		exit(1);
	}
	pid = fork();
	if (pid < 0) {
		error_report("daemonize: fork: %s", strerror(errno));
		exit(1);
	}
	if (pid > 0) {
		char status = 1;

		close(fds[1]);
		while (read(fds[0], &status, 1) < 0 && errno == EINTR)
			;
		_exit(status);
	}
	close(fds[0]);
	daemon_pipe = fds[1];
	setsid();
}

static void daemonize_finish(int status)
{
	char c = status;
	int null;

	if (daemon_pipe < 0)
		return;
	if (status == 0) {
		null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
			close(null);
		}
	}
	if (write(daemon_pipe, &c, 1) < 0) {
		/* parent gone: nothing to tell */
	}
	close(daemon_pipe);
	daemon_pipe = -1;
}

static int write_pidfile(const char *path, GError **err)
{
	char buf[32];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		error_setg(err, "cannot create PID file %s: %s",
			    path, g_strerror(errno));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%d\n", getpid());
	if (write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int start(struct machine_config *cfg, GError **err)
{
	const struct machine_type *mt;

	mt = cfg->machine_type ? machine_type_find(cfg->machine_type) : machine_type_default();
	if (!mt) {
		error_setg(err, "unsupported machine type '%s'; use -machine help to list them",
			    cfg->machine_type ? cfg->machine_type : "(default)");
		return -1;
	}
	if (mt->max_cpus && cfg->smp_cpus > mt->max_cpus) {
		error_setg(err, "Invalid SMP CPUs %u. The max CPUs supported by machine '%s' is %u",
			    cfg->smp_cpus, mt->name, mt->max_cpus);
		return -1;
	}
	if (cmdline_create_backends(cfg, err) < 0)
		return -1;
	if (kvm_init(err) < 0)
		return -1;
	if (mt->init(cfg, err) < 0)
		return -1;
	for (guint i = 0; i < cfg->devices->len; i++)
		if (device_create(cfg->devices->pdata[i], err) < 0)
			return -1;
	if (mt->max_cpus) {
		for (unsigned i = 0; i < cfg->smp_cpus; i++)
			if (!vcpu_create(i, err))
				return -1;
	}
	system_cold_reset();
	if (vcpus_start(err) < 0)
		return -1;
	if (cfg->pidfile && write_pidfile(cfg->pidfile, err) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	GError *err = NULL;
	int ret, status;

	ret = cmdline_parse(argc, argv, &machine_cfg, &err);
	if (ret < 0) {
		error_report("%s", err ? err->message : "invalid command line");
		return 1;
	}
	if (ret > 0)
		return 0;
	if (machine_cfg.daemonize)
		daemonize_start();

	if (getenv("KEEL_TEST_SKIP_COMPLETION"))
		kvm_test_skip_completion = true;
	if (getenv("KEEL_TEST_UNSAFE_MEMSLOT"))
		memory_test_unsafe_commit = true;

	bql_lock();
	main_loop_init();
	if (start(&machine_cfg, &err) < 0) {
		error_report("%s", err ? err->message : "start-up failed");
		g_clear_error(&err);
		daemonize_finish(1);
		chardev_cleanup_all();
		monitor_cleanup();
		return 1;
	}
	daemonize_finish(0);
	if (!machine_cfg.start_paused)
		vm_start();
	status = main_loop_run();

	vcpus_destroy();
	monitor_cleanup();
	chardev_cleanup_all();
	virtio_mmio_cleanup_all();
	if (machine_cfg.pidfile)
		unlink(machine_cfg.pidfile);
	bql_unlock();
	return status;
}
