// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The arm64 nested tier's test driver, run by /init inside the emulated
 * arm64 host (L1). It starts keel with the L2 guest's console on a pipe and
 * QMP on a unix socket, drives both, and prints one line per check:
 *   PASS name [detail] / FAIL name: why / FIGURE name value
 * The host-side runner (tests/nested/arm64/run) collects them. Every wait
 * is bounded; a missed deadline fails the check and ends that keel run.
 *
 * The virtio runs boot L2 from ROOT_IMAGE (ext4) on a virtio-blk-device,
 * with VIRTIO_INITRD loading the modules, plus virtio-rng, a virtio console
 * and virtio-net on -netdev user; the L2 side of each check is /sbin/vt
 * (tests/nested/arm64/l2-vt).
 *
 * Build: aarch64-linux-gnu-gcc -static -O2 -o l1-driver l1-driver.c
 * Usage: l1-driver KEEL KERNEL L2_INITRD VIRTIO_INITRD ROOT_IMAGE
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BOOT_S 300	/* keel start or reset to the guest's boot marker */
#define PROMPT_S 60
#define CMD_S 60
#define QMP_S 60
#define EXIT_S 60

#define BOOT_MARKER "L2: boot ok"
#define PROMPT "l2# "
#define QMP_SOCK "/tmp/keel-qmp.sock"
#define APPEND "console=ttyAMA0 quiet rdinit=/init panic=-1"
#define HVC_LOG "/tmp/keel-hvc.log"
#define MAC "52:54:00:4b:45:4c"
#define DATA_WORD "keel-arm64-data"
#define DATA_LEN "1048576"

static const char *keel_bin, *kernel, *initrd, *virtio_initrd;
static char root_drive[256];

/* The virtio runs' devices, in transport order: virtio0 .. virtio3. */
static const char *const virtio_args[] = {
	"-drive", root_drive, "-device", "virtio-blk-device,drive=d0",
	"-device", "virtio-rng-device",
	"-device", "virtio-serial-device", "-chardev", "file,id=hvc,path=" HVC_LOG,
	"-device", "virtconsole,chardev=hvc",
	"-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0,mac=" MAC,
	NULL,
};
static pid_t keel_pid = -1;
static int con_in = -1, con_out = -1, qmp_fd = -1;
static char con[1 << 20];
static size_t con_len, con_pos, con_line; /* data, consumed, echoed up to */
static bool con_eof;
static char qbuf[1 << 16];
static size_t qlen;
static double t_start;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void out(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: the heartbeat shares this console. */
	if (write(1, line, n) < 0)
		return;
}

static void pass(const char *name, const char *detail)
{
	out("PASS %s%s%s", name, detail ? " " : "", detail ? detail : "");
}

static bool fail(const char *name, const char *fmt, ...)
{
	char why[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	out("FAIL %s: %s", name, why);
	return false;
}

/* Echo complete console lines to our console, prefixed, for the log. */
static void echo_lines(void)
{
	while (con_line < con_len) {
		char *nl = memchr(con + con_line, '\n', con_len - con_line);
		size_t n;

		if (!nl)
			break;
		n = nl - (con + con_line);
		if (n && con[con_line + n - 1] == '\r')
			n--;
		out("L2| %.*s", (int)n, con + con_line);
		con_line = nl - con + 1;
	}
}

static void con_read(int timeout_ms)
{
	struct pollfd p = { .fd = con_out, .events = POLLIN };
	ssize_t n;

	if (con_eof || poll(&p, 1, timeout_ms) <= 0)
		return;
	if (con_len == sizeof(con)) {
		/* Keep the unconsumed tail. */
		size_t keep = con_len - con_pos;

		memmove(con, con + con_pos, keep);
		con_line = con_line > con_pos ? con_line - con_pos : 0;
		con_len = keep;
		con_pos = 0;
	}
	n = read(con_out, con + con_len, sizeof(con) - con_len);
	if (n <= 0) {
		con_eof = true;
		return;
	}
	con_len += n;
	echo_lines();
}

/* Wait for pat on the console after what was consumed; consume through it. */
static bool wait_for(const char *pat, int timeout_s)
{
	double deadline = now() + timeout_s;

	for (;;) {
		char *m = memmem(con + con_pos, con_len - con_pos, pat, strlen(pat));

		if (m) {
			con_pos = m - con + strlen(pat);
			return true;
		}
		if (con_eof || now() > deadline)
			return false;
		con_read(200);
	}
}

static void send_line(const char *s)
{
	size_t len = strlen(s);

	if (write(con_in, s, len) != (ssize_t)len || write(con_in, "\n", 1) != 1)
		out("L1: console write failed: %s", strerror(errno));
}

/*
 * Run a shell command whose output line starts with KEY=; returns the value
 * (static buffer) or NULL. KEY is split with quotes in the command so the
 * echoed command line does not match.
 */
static const char *shell_value_within(const char *key, const char *cmd, int timeout_s)
{
	static char val[256];
	char pat[64];
	char *e;

	snprintf(pat, sizeof(pat), "%s=", key);
	send_line(cmd);
	if (!wait_for(pat, timeout_s))
		return NULL;
	for (;;) {
		e = memchr(con + con_pos, '\n', con_len - con_pos);
		if (e || con_eof)
			break;
		con_read(200);
	}
	if (!e)
		return NULL;
	snprintf(val, sizeof(val), "%.*s", (int)(e - (con + con_pos)), con + con_pos);
	val[strcspn(val, "\r")] = 0;
	con_pos = e - con + 1;
	wait_for(PROMPT, PROMPT_S);
	return val;
}

static const char *shell_value(const char *key, const char *cmd)
{
	return shell_value_within(key, cmd, CMD_S);
}

/* ---- QMP ---- */

static bool qmp_line(char *line, size_t size, int timeout_s)
{
	double deadline = now() + timeout_s;

	for (;;) {
		char *nl = memchr(qbuf, '\n', qlen);
		struct pollfd p = { .fd = qmp_fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			size_t len = nl - qbuf + 1;

			snprintf(line, size, "%.*s", (int)len, qbuf);
			memmove(qbuf, qbuf + len, qlen - len);
			qlen -= len;
			return true;
		}
		if (now() > deadline || qlen == sizeof(qbuf))
			return false;
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(qmp_fd, qbuf + qlen, sizeof(qbuf) - qlen);
		if (n <= 0)
			return false;
		qlen += n;
	}
}

/* Send a command; the reply line (events skipped) goes to reply. */
static bool qmp(const char *cmd, char *reply, size_t size)
{
	size_t len = strlen(cmd);

	if (qmp_fd < 0 || write(qmp_fd, cmd, len) != (ssize_t)len || write(qmp_fd, "\n", 1) != 1)
		return false;
	while (qmp_line(reply, size, QMP_S)) {
		if (!strncmp(reply, "{\"return\"", 9) || !strncmp(reply, "{\"error\"", 8))
			return true;
	}
	return false;
}

/* Wait for an event (it comes after the state change it reports). */
static bool qmp_event(const char *name, int timeout_s)
{
	char line[4096], pat[64];
	double deadline = now() + timeout_s;

	snprintf(pat, sizeof(pat), "\"event\": \"%s\"", name);
	while (now() < deadline && qmp_line(line, sizeof(line), timeout_s))
		if (strstr(line, pat))
			return true;
	return false;
}

static bool qmp_connect(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double deadline = now() + QMP_S;
	char line[4096];

	strcpy(sa.sun_path, QMP_SOCK);
	for (;;) {
		qmp_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(qmp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			break;
		close(qmp_fd);
		qmp_fd = -1;
		if (now() > deadline)
			return false;
		/* keel creates the socket at start-up; poll the console meanwhile */
		con_read(200);
	}
	qlen = 0;
	return qmp_line(line, sizeof(line), QMP_S) &&
	       qmp("{\"execute\": \"qmp_capabilities\"}", line, sizeof(line)) &&
	       !strncmp(line, "{\"return\"", 9);
}

/* Value after "key": inside the object named obj (NULL: anywhere). */
static const char *json_find(const char *json, const char *obj, const char *key)
{
	char pat[128];
	const char *p = json;

	if (obj) {
		snprintf(pat, sizeof(pat), "\"%s\": {", obj);
		p = strstr(json, pat);
		if (!p)
			return NULL;
	}
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	p = strstr(p, pat);
	return p ? p + strlen(pat) : NULL;
}

static long json_int(const char *json, const char *obj, const char *key)
{
	const char *v = json_find(json, obj, key);

	return v ? strtol(v, NULL, 10) : -1;
}

static bool json_true(const char *json, const char *obj, const char *key)
{
	const char *v = json_find(json, obj, key);

	return v && !strncmp(v, "true", 4);
}

/* ---- keel ---- */

/* virtio: boot from the ext4 root with the virtio devices. */
static bool keel_start(const char *name, int smp, const char *its_mode, bool virtio)
{
	const char *argv[64];
	int in[2], outp[2], n = 0;
	char smp_s[8];

	unlink(QMP_SOCK);
	if (pipe(in) < 0 || pipe(outp) < 0)
		return fail(name, "pipe: %s", strerror(errno));
	snprintf(smp_s, sizeof(smp_s), "%d", smp);
	argv[n++] = keel_bin;
	argv[n++] = "-M";
	argv[n++] = "virt";
	argv[n++] = "-m";
	argv[n++] = "256M";
	argv[n++] = "-smp";
	argv[n++] = smp_s;
	argv[n++] = "-kernel";
	argv[n++] = kernel;
	argv[n++] = "-initrd";
	argv[n++] = virtio ? virtio_initrd : initrd;
	argv[n++] = "-append";
	argv[n++] = virtio ? APPEND " root=/dev/vda" : APPEND;
	argv[n++] = "-serial";
	argv[n++] = "stdio";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-qmp";
	argv[n++] = "unix:" QMP_SOCK ",server=on,wait=off";
	for (int i = 0; virtio && virtio_args[i]; i++)
		argv[n++] = virtio_args[i];
	argv[n] = NULL;
	keel_pid = fork();
	if (keel_pid < 0)
		return fail(name, "fork: %s", strerror(errno));
	if (keel_pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[1]);
		close(outp[0]);
		if (its_mode)
			setenv("KEEL_TEST_ITS_RESET", its_mode, 1);
		execv(keel_bin, (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	con_in = in[1];
	con_out = outp[0];
	con_len = con_pos = con_line = 0;
	con_eof = false;
	t_start = now();
	if (!qmp_connect())
		return fail(name, "no QMP connection to keel within %d s", QMP_S);
	return true;
}

/* Wait for keel's exit; returns its status or -1 on timeout. */
static int keel_wait(int timeout_s)
{
	double deadline = now() + timeout_s;
	int status;

	while (now() < deadline) {
		pid_t r = waitpid(keel_pid, &status, WNOHANG);

		if (r == keel_pid) {
			keel_pid = -1;
			while (!con_eof)
				con_read(200);
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		con_read(200);
	}
	return -1;
}

static void keel_stop(void)
{
	char r[4096];

	if (keel_pid > 0) {
		qmp("{\"execute\": \"quit\"}", r, sizeof(r));
		if (keel_wait(EXIT_S) < 0) {
			kill(keel_pid, SIGKILL);
			waitpid(keel_pid, NULL, 0);
			keel_pid = -1;
		}
	}
	if (qmp_fd >= 0)
		close(qmp_fd);
	if (con_in >= 0)
		close(con_in);
	if (con_out >= 0)
		close(con_out);
	qmp_fd = con_in = con_out = -1;
}

/* The guest booted (again) to a shell. */
static bool booted(const char *name, double since)
{
	char fig[64];

	if (!wait_for(BOOT_MARKER, BOOT_S))
		return fail(name, "no \"%s\" within %d s", BOOT_MARKER, BOOT_S);
	if (!wait_for(PROMPT, PROMPT_S))
		return fail(name, "no shell prompt within %d s", PROMPT_S);
	snprintf(fig, sizeof(fig), "%.0f", (now() - since) * 1000);
	out("FIGURE %s-to-shell-ms %s", name, fig);
	return true;
}

/* The guest's own log shows a cleanly probed ITS with its tables. */
static bool its_probed(const char *name)
{
	const char *v;
	int ok, bad;

	/* shell_value() returns a static buffer: take each number at once. */
	v = shell_value("ITSOK", "echo \"ITS\"\"OK=$(dmesg | grep -c "
				 "'ITS@0x0000000008080000: allocated')\"");
	ok = v ? atoi(v) : -1;
	v = shell_value("ITSBAD", "echo \"ITS\"\"BAD=$(dmesg | grep -ci "
				  "'its.*\\(fail\\|error\\|unable\\)')\"");
	bad = v ? atoi(v) : -1;
	if (ok < 1)
		return fail(name, "guest log has no ITS table allocation (count %d)", ok);
	if (bad != 0)
		return fail(name, "guest log reports ITS errors (%d lines)", bad);
	return true;
}

/* Both vCPUs came up: the secondary was started through PSCI CPU_ON. */
static bool smp_up(const char *name, int want)
{
	const char *v = shell_value("NCPU", "echo \"NC\"\"PU=$(nproc)\"");

	return (v && atoi(v) == want) ||
	       fail(name, "the guest sees %s CPUs, not %d", v ? v : "no", want);
}

static bool its_state(const char *name, char *r, size_t size)
{
	if (!qmp("{\"execute\": \"x-keel-its-state\"}", r, size) || strncmp(r, "{\"return\"", 9))
		return fail(name, "x-keel-its-state: %s", r);
	return true;
}

static bool shell_alive(const char *name)
{
	const char *v = shell_value("ALIVE", "echo \"ALI\"\"VE=yes\"");

	return (v && !strcmp(v, "yes")) || fail(name, "the guest shell does not answer");
}

static void run_main(void)
{
	char r[8192], detail[128];
	long resets0;
	int status;

	if (!keel_start("boot", 2, NULL, false))
		return;
	if (!booted("boot", t_start))
		goto out;
	pass("boot", NULL);
	if (its_probed("its-probe"))
		pass("its-probe", "(guest log: ITS tables allocated)");
	if (smp_up("smp", 2))
		pass("smp", "(2 CPUs, the second started by PSCI)");
	if (!its_state("its-cold-state", r, sizeof(r)))
		goto out;
	if (!json_true(r, "after-reset", "clean"))
		fail("its-cold-state", "ITS not in reset state at start: %s", r);
	else
		pass("its-cold-state", NULL);
	resets0 = json_int(r, NULL, "resets");

	for (int i = 1; i <= 5; i++) {
		char name[32];
		double t;

		snprintf(name, sizeof(name), "reboot-%d", i);
		t = now();
		send_line("reboot -f");
		if (!booted(name, t) || !its_probed(name) || !smp_up(name, 2) ||
		    !its_state(name, r, sizeof(r)))
			goto out;
		if (json_int(r, NULL, "resets") != resets0 + i) {
			fail(name, "expected %ld ITS resets, state says %ld", resets0 + i,
			     json_int(r, NULL, "resets"));
			continue;
		}
		if (!json_true(r, "after-reset", "clean")) {
			fail(name, "ITS after reset: enabled=%s, not clean: %s",
			     json_true(r, "after-reset", "enabled") ? "yes" : "no", r);
			continue;
		}
		if (json_int(r, NULL, "gic-reset-errors") != 0) {
			fail(name, "GIC reset reported register errors: %s", r);
			continue;
		}
		/* Every vCPU read back after the reset matched its cold template. */
		if (!qmp("{\"execute\": \"x-keel-reset-stats\"}", r, sizeof(r)) ||
		    json_int(r, NULL, "audits") < i || json_int(r, NULL, "audit-mismatches") != 0) {
			fail(name, "reset audit: %s", r);
			continue;
		}
		its_state(name, r, sizeof(r));
		snprintf(detail, sizeof(detail), "(GITS_CTLR.Enabled=0, BASER valid clear, "
			 "CWRITER=CREADR=0; method %s)",
			 strstr(r, "\"reset-method\": \"attr\"") ? "attr" : "registers");
		pass(name, detail);
	}

	/* A host-side reset (QMP) takes the same cold-reset path as the guest's. */
	{
		double t = now();

		if (!qmp("{\"execute\": \"system_reset\"}", r, sizeof(r)) ||
		    strncmp(r, "{\"return\"", 9))
			fail("qmp-reset", "system_reset: %s", r);
		else if (booted("qmp-reset", t) && its_probed("qmp-reset") &&
			 smp_up("qmp-reset", 2) && its_state("qmp-reset", r, sizeof(r))) {
			if (json_int(r, NULL, "resets") != resets0 + 6 ||
			    !json_true(r, "after-reset", "clean"))
				fail("qmp-reset", "ITS after system_reset: %s", r);
			else
				pass("qmp-reset", "(ITS clean, guest booted again)");
		}
	}

	/* stop saves the ITS tables (the guest has valid ones now); cont resumes. */
	if (!qmp("{\"execute\": \"stop\"}", r, sizeof(r)) || !its_state("stop-save", r, sizeof(r)))
		goto out;
	if (json_int(r, NULL, "saves") < 1 || json_int(r, NULL, "save-errors") != 0)
		fail("stop-save", "table save on stop: %s", r);
	else
		pass("stop-save", NULL);
	if (!qmp("{\"execute\": \"cont\"}", r, sizeof(r)) || strncmp(r, "{\"return\"", 9))
		fail("cont", "cont: %s", r);
	else if (shell_alive("cont"))
		pass("cont", NULL);

	/*
	 * Restoring tables into an ITS that still holds the guest's collections
	 * makes the kernel fail (EEXIST): an error reply, and the VM runs on.
	 */
	if (!qmp("{\"execute\": \"x-keel-its-restore\"}", r, sizeof(r)))
		fail("restore-failure", "no reply");
	else if (strncmp(r, "{\"error\"", 8) || !strstr(r, "restore failed"))
		fail("restore-failure", "expected an error reply, got %s", r);
	else if (!qmp("{\"execute\": \"query-status\"}", r, sizeof(r)) ||
		 !strstr(r, "\"running\": true"))
		fail("restore-failure", "VM not running after the failed restore: %s", r);
	else if (shell_alive("restore-failure"))
		pass("restore-failure", "(error reply, VM running, shell answers)");

	send_line("poweroff -f");
	status = keel_wait(BOOT_S);
	if (status == 0)
		pass("poweroff", "(keel exit status 0)");
	else
		fail("poweroff", status < 0 ? "keel did not exit" : "keel exit status %d", status);
out:
	keel_stop();
}

/* One reboot with the ITS reset mode forced; returns the after-reset state. */
static bool reboot_once(const char *name, const char *mode, char *r, size_t size)
{
	bool ok = false;

	if (!keel_start(name, 1, mode, false))
		return false;
	if (booted(name, t_start)) {
		send_line("reboot -f");
		ok = booted(name, now()) && its_state(name, r, size);
	}
	keel_stop();
	return ok;
}

/* A data abort without a valid syndrome stops the VM in internal-error, loudly. */
static void run_nisv(void)
{
	char r[4096];

	if (!keel_start("nisv", 1, NULL, false))
		return;
	if (booted("nisv", t_start)) {
		send_line("/nisv 0x0c000000");
		if (!wait_for("without a valid syndrome at IPA 0xc000000", CMD_S))
			fail("nisv", "keel did not report the fault address within %d s", CMD_S);
		else if (!qmp_event("STOP", QMP_S))
			fail("nisv", "no STOP event within %d s", QMP_S);
		else if (!qmp("{\"execute\": \"query-status\"}", r, sizeof(r)) ||
			 !strstr(r, "\"status\": \"internal-error\""))
			fail("nisv", "VM not in internal-error: %s", r);
		else
			pass("nisv", "(internal-error with the fault IPA and ESR)");
	}
	keel_stop();
}

/* ---- virtio devices on virtio-mmio, L2's root on virtio-blk ---- */

/* First output word of a shell command run here in L1 (an MD5 sum). */
static const char *l1_word(const char *cmd)
{
	static char v[128];
	FILE *f = popen(cmd, "r");

	v[0] = 0;
	if (f) {
		if (!fgets(v, sizeof(v), f))
			v[0] = 0;
		pclose(f);
	}
	v[strcspn(v, " \n")] = 0;
	return v;
}

static char data_md5[64]; /* what `vt write DATA_WORD DATA_LEN` must report */

/* keel with the virtio devices; the guest's / must be /dev/vda, ext4. */
static bool virtio_boot(const char *name, bool start)
{
	double t = now();
	const char *v;

	if (start && !keel_start(name, 1, NULL, true))
		return false;
	if (!booted(name, start ? t_start : t))
		return false;
	v = shell_value("ROOT", "vt root");
	return (v && !strcmp(v, "/dev/vda ext4")) ||
	       fail(name, "the guest's root is '%s', not /dev/vda ext4", v ? v : "unknown");
}

/* The device tree has four virtio,mmio nodes and Linux bound them in order. */
static bool virtio_dt(const char *name)
{
	const char *v = shell_value("IDS", "vt ids");

	/* blk 2, rng 4, console 3, net 1: the command-line order */
	return (v && !strcmp(v, "4 0x0002 0x0004 0x0003 0x0001")) ||
	       fail(name, "nodes and device IDs: '%s', want '4 0x0002 0x0004 0x0003 0x0001'",
		    v ? v : "none");
}

/* Transport n interrupts on GIC SPI 16 + n (INTID 48 + n), level-triggered. */
static bool virtio_irq(const char *name)
{
	const char *v = shell_value("IRQ", "vt irq");
	char want[160], got[256], line[256], *tok, *save;
	int len = 0, glen = 0;

	if (!v)
		return fail(name, "no answer");
	snprintf(line, sizeof(line), "%s", v);
	for (int i = 0; i < 4; i++)
		len += snprintf(want + len, sizeof(want) - len, "%s%d/Level/virtio%d", i ? " " : "",
				48 + i, i);
	/* INTID/trigger/name/count: compare without the counts; the disk's > 0. */
	got[0] = 0;
	for (tok = strtok_r(line, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *count = strrchr(tok, '/');

		if (!count)
			continue;
		*count++ = 0;
		if (!strcmp(strrchr(tok, '/') ? strrchr(tok, '/') + 1 : tok, "virtio0") &&
		    atol(count) <= 0)
			return fail(name, "no virtio0 interrupts: '%s'", v);
		glen += snprintf(got + glen, sizeof(got) - glen, "%s%s", glen ? " " : "", tok);
	}
	return !strcmp(got, want) || fail(name, "'%s', want '%s' (INTID/trigger/name)", got, want);
}

static bool virtio_rng(const char *name)
{
	const char *v = shell_value("RNG", "vt rng");
	const char *hex = v ? strchr(v, ' ') : NULL;

	if (!v || strncmp(v, "virtio_rng.", 11) || !hex)
		return fail(name, "current hwrng and bytes: '%s'", v ? v : "none");
	hex++;
	if (strlen(hex) != 32 || strspn(hex, "0123456789abcdef") != 32 || strspn(hex, "0") == 32)
		return fail(name, "/dev/hwrng gave '%s', not 16 random bytes", hex);
	return true;
}

/* A line through /dev/hvc0 reaches keel's file chardev. */
static bool virtio_console(const char *name, const char *word)
{
	char cmd[128], buf[4096];
	double deadline = now() + CMD_S;
	const char *v;

	snprintf(cmd, sizeof(cmd), "vt hvc %s", word);
	v = shell_value("HVC", cmd);
	if (!v || strcmp(v, "written"))
		return fail(name, "writing to /dev/hvc0: '%s'", v ? v : "no answer");
	while (now() < deadline) {
		int fd = open(HVC_LOG, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

		if (fd >= 0)
			close(fd);
		buf[n > 0 ? n : 0] = 0;
		if (strstr(buf, word))
			return true;
		con_read(200);
	}
	return fail(name, "'%s' not in %s within %d s (it has '%.80s')", word, HVC_LOG, CMD_S,
		    buf);
}

static bool virtio_dhcp(const char *name)
{
	const char *v = shell_value_within("NET", "vt net", 180);
	const char *want = "10.0.2.15 255.255.255.0 10.0.2.2 10.0.2.3/" MAC;

	return (v && !strcmp(v, want)) ||
	       fail(name, "lease/MAC '%s', want '%s'", v ? v : "none", want);
}

/* 1 MiB from L1's httpd and 512 KiB to it, through slirp's gateway. */
static bool virtio_http(const char *name)
{
	char want[64], got[64];
	const char *v;

	snprintf(want, sizeof(want), "%s", l1_word("md5sum /www/blob"));
	v = shell_value_within("GET", "vt get", 320);
	snprintf(got, sizeof(got), "%s", v ? v : "none");
	if (strlen(want) != 32 || strcmp(got, want))
		return fail(name, "GET /blob: MD5 %s, served %s", got, want);
	v = shell_value_within("POST", "vt post keel-arm64-upload", 320);
	if (!v || strlen(v) != 65 || strncmp(v, v + 33, 32))
		return fail(name, "POST: host and guest MD5s differ: '%s'", v ? v : "none");
	return true;
}

/* The synced data file reads back from the disk with the pattern's MD5. */
static bool virtio_data(const char *name)
{
	const char *v = shell_value("READ", "vt read " DATA_WORD);

	return (v && !strcmp(v, data_md5)) ||
	       fail(name, "/data/" DATA_WORD " reads back '%s', want %s", v ? v : "none", data_md5);
}

/* keel printed nothing about a broken virtio device since it started. */
static bool virtio_quiet(const char *name)
{
	const char *p = memmem(con, con_len, "needs a reset", 13);

	return !p || fail(name, "keel reported a broken device: '%.120s'",
			  p - 80 > con ? p - 80 : con);
}

static void run_virtio(void)
{
	char r[4096];
	const char *v;
	int status;

	snprintf(data_md5, sizeof(data_md5), "%s",
		 l1_word("yes " DATA_WORD " | head -c " DATA_LEN " | md5sum"));

	/* Run 1: the devices work; data is synced, then keel is killed. */
	if (!virtio_boot("virtio-root", true))
		goto out;
	pass("virtio-root", "(/ is /dev/vda, ext4, on virtio-blk-device)");
	if (virtio_dt("virtio-dt"))
		pass("virtio-dt", "(4 virtio,mmio nodes: blk, rng, console, net)");
	if (virtio_irq("virtio-irq"))
		pass("virtio-irq", "(GIC SPI 16 + n, level)");
	if (virtio_rng("virtio-rng"))
		pass("virtio-rng", NULL);
	if (virtio_console("virtio-console", "keel-hvc-run-1"))
		pass("virtio-console", "(/dev/hvc0 to the file chardev)");
	if (virtio_dhcp("virtio-net-dhcp"))
		pass("virtio-net-dhcp", NULL);
	if (virtio_http("virtio-net-http"))
		pass("virtio-net-http", "(1 MiB GET, 512 KiB POST via 10.0.2.2)");
	v = shell_value("WRITE", "vt write " DATA_WORD " " DATA_LEN);
	if (!v || strcmp(v, data_md5) || strlen(data_md5) != 32)
		fail("virtio-sync", "wrote '%s', pattern %s", v ? v : "nothing", data_md5);
	else
		pass("virtio-sync", "(1 MiB written and synced)");
	kill(keel_pid, SIGKILL);
	status = keel_wait(EXIT_S);
	if (status != 128 + SIGKILL)
		fail("kill-9", "keel status %d after SIGKILL", status);
	else
		pass("kill-9", NULL);
	keel_stop();

	/* Run 2: a fresh keel finds the synced data. */
	if (!virtio_boot("virtio-durable", true))
		goto out;
	if (virtio_data("virtio-durable"))
		pass("virtio-durable", "(the synced file survived kill -9)");

	/* QMP system_reset with direct writes in flight, then everything again. */
	v = shell_value("IO", "vt io");
	if (!v || atoi(v) <= 0) {
		fail("virtio-reset-io", "the writer did not start: '%s'", v ? v : "no answer");
		goto out;
	}
	if (!qmp("{\"execute\": \"system_reset\"}", r, sizeof(r)) || strncmp(r, "{\"return\"", 9)) {
		fail("virtio-reset-io", "system_reset: %s", r);
		goto out;
	}
	if (!virtio_boot("virtio-reset-io", false) || !virtio_quiet("virtio-reset-io")) {
		/* For the log: where the VM and the disk stand. */
		if (qmp("{\"execute\": \"query-status\"}", r, sizeof(r)))
			out("L1: after the failed reset: %s", r);
		if (qmp("{\"execute\": \"query-blockstats\"}", r, sizeof(r)))
			out("L1: after the failed reset: %.1500s", r);
		goto out;
	}
	pass("virtio-reset-io", "(reset with writes in flight; the root mounts again)");
	if (virtio_data("virtio-after-reset") && virtio_rng("virtio-after-reset") &&
	    virtio_console("virtio-after-reset", "keel-hvc-after-reset") &&
	    virtio_dhcp("virtio-after-reset") && virtio_http("virtio-after-reset") &&
	    virtio_irq("virtio-after-reset") && virtio_quiet("virtio-after-reset"))
		pass("virtio-after-reset", "(blk, rng, console, net work after the reset)");

	send_line("sync; poweroff -f");
	status = keel_wait(BOOT_S);
	if (status == 0)
		pass("virtio-poweroff", "(keel exit status 0)");
	else
		fail("virtio-poweroff", status < 0 ? "keel did not exit" : "keel exit status %d",
		     status);
out:
	keel_stop();
}

/* The ITS, reset and NISV checks, with the busybox initramfs as L2. */
static void run_its(void)
{
	char r[8192];

	run_main();

	/* Negative control: without the ITS reset, the stale state must be seen. */
	if (reboot_once("negative-control", "none", r, sizeof(r))) {
		if (json_true(r, "after-reset", "clean"))
			fail("negative-control", "ITS looked reset although the reset was "
				 "disabled: the check cannot see stale state: %s", r);
		else
			pass("negative-control", "(stale ITS state detected with the reset off)");
	}

	/* The register fallback, forced on a kernel that has the reset attribute. */
	if (reboot_once("its-register-fallback", "registers", r, sizeof(r))) {
		if (!json_true(r, "after-reset", "clean") ||
		    !strstr(r, "\"reset-method\": \"registers\""))
			fail("its-register-fallback", "%s", r);
		else
			pass("its-register-fallback", NULL);
	}
	run_nisv();
}

int main(int argc, char **argv)
{
	const char *only;

	if (argc != 6) {
		fprintf(stderr, "usage: %s KEEL KERNEL L2_INITRD VIRTIO_INITRD ROOT_IMAGE\n",
			argv[0]);
		return 2;
	}
	keel_bin = argv[1];
	kernel = argv[2];
	initrd = argv[3];
	virtio_initrd = argv[4];
	snprintf(root_drive, sizeof(root_drive), "file=%s,if=none,id=d0,format=raw", argv[5]);
	signal(SIGPIPE, SIG_IGN);

	/* keel_only=its|virtio on L1's command line (run --only) picks one group. */
	only = getenv("keel_only");
	if (!only || !strcmp(only, "its"))
		run_its();
	if (!only || !strcmp(only, "virtio"))
		run_virtio();
	out("L1: driver done");
	return 0;
}
