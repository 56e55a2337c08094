// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "chardev/char.h"
#include "system/cmdline.h"
#include "system/machine.h"
#include "system/opts.h"
#include "system/runstate.h"

static struct machine_config cfg;
static char *last_error;

/* Parse "keel" + the NULL-terminated arguments; returns cmdline_parse's result. */
static int parse(const char *first, ...)
{
	GPtrArray *argv = g_ptr_array_new();
	GError *err = NULL;
	va_list ap;
	int ret;

	g_ptr_array_add(argv, "keel");
	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		g_ptr_array_add(argv, (char *)a);
	va_end(ap);
	g_ptr_array_add(argv, NULL);
	opt_no_reboot = opt_no_shutdown = false;
	ret = cmdline_parse(argv->len - 1, (char **)argv->pdata, &cfg, &err);
	g_free(last_error);
	last_error = NULL;
	if (ret < 0) {
		ck_assert_ptr_nonnull(err);
		last_error = g_strdup(err->message);
		/* One line, always. */
		ck_assert_ptr_null(strchr(last_error, '\n'));
		g_error_free(err);
	} else {
		ck_assert_ptr_null(err);
	}
	g_ptr_array_free(argv, TRUE);
	return ret;
}

#define ck_error(needle)                                                                           \
	do {                                                                                       \
		ck_assert_ptr_nonnull(last_error);                                                 \
		ck_assert_msg(strstr(last_error, needle), "error '%s' lacks '%s'", last_error,    \
			      needle);                                                             \
	} while (0)

static void teardown(void)
{
	cmdline_config_free(&cfg);
}

START_TEST(defaults)
{
	ck_assert_int_eq(parse(NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 128u << 20);
	ck_assert_uint_eq(cfg.smp_cpus, 1);
	ck_assert_uint_eq(cfg.max_cpus, 1);
	ck_assert_ptr_null(cfg.machine_type);
	ck_assert(!cfg.start_paused && !cfg.nodefaults && !cfg.daemonize);
	/* No display: the default serial port is the terminal. */
	ck_assert_uint_eq(cfg.serials->len, 1);
	ck_assert_str_eq(cfg.serials->pdata[0], "stdio");
	ck_assert_uint_eq(cfg.monitors->len, 0);
	ck_assert_uint_eq(cfg.devices->len, 0);
}
END_TEST

START_TEST(nographic_default_is_mux)
{
	struct kopts *m;

	ck_assert_int_eq(parse("-nographic", NULL), 0);
	ck_assert(cfg.nographic);
	ck_assert_str_eq(cfg.serials->pdata[0], "mon:stdio");
	ck_assert_uint_eq(cfg.monitors->len, 1);
	m = cfg.monitors->pdata[0];
	ck_assert_str_eq(kopts_get(m, "chardev"), "serial0");
	ck_assert_str_eq(kopts_get(m, "mode"), "control");
}
END_TEST

START_TEST(nodefaults)
{
	ck_assert_int_eq(parse("-nodefaults", "-nographic", NULL), 0);
	ck_assert_uint_eq(cfg.serials->len, 0);
	ck_assert_uint_eq(cfg.monitors->len, 0);
}
END_TEST

START_TEST(memory)
{
	ck_assert_int_eq(parse("-m", "256", NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 256u << 20);
	ck_assert_int_eq(parse("-m", "1G", NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 1u << 30);
	ck_assert_int_eq(parse("-m", "size=512M", NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 512u << 20);
	ck_assert_int_eq(parse("-m", "size=64", NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 64u << 20);
	ck_assert_int_eq(parse("-m", "size=64M,slots=0,maxmem=64M", NULL), 0);
	ck_assert_int_eq(parse("-m", "1000k", NULL), -1);
	ck_error("too small");
	ck_assert_int_eq(parse("-m", "0", NULL), -1);
	ck_assert_int_eq(parse("-m", "12Q", NULL), -1);
	ck_error("-m 12Q: invalid RAM size");
	ck_assert_int_eq(parse("-m", "99999999T", NULL), -1);
	ck_assert_int_eq(parse("-m", "size=1G,maxmem=2G", NULL), -1);
	ck_error("hotplug");
	ck_assert_int_eq(parse("-m", "size=1G,bogus=1", NULL), -1);
	ck_error("'bogus'");
	ck_assert_int_eq(parse("-m", NULL), -1);
	ck_error("-m: requires an argument");
}
END_TEST

START_TEST(smp)
{
	ck_assert_int_eq(parse("-smp", "4", NULL), 0);
	ck_assert_uint_eq(cfg.smp_cpus, 4);
	ck_assert_uint_eq(cfg.max_cpus, 4);
	ck_assert_uint_eq(cfg.sockets * cfg.dies * cfg.cores * cfg.threads, 4);
	ck_assert_int_eq(parse("-smp", "1,sockets=1,dies=1,cores=1,threads=1", NULL), 0);
	ck_assert_uint_eq(cfg.smp_cpus, 1);
	ck_assert_int_eq(parse("-smp", "sockets=2,cores=2,threads=2", NULL), 0);
	ck_assert_uint_eq(cfg.smp_cpus, 8);
	ck_assert_uint_eq(cfg.sockets, 2);
	ck_assert_uint_eq(cfg.cores, 2);
	ck_assert_uint_eq(cfg.threads, 2);
	ck_assert_int_eq(parse("-smp", "2,maxcpus=4", NULL), 0);
	ck_assert_uint_eq(cfg.smp_cpus, 2);
	ck_assert_uint_eq(cfg.max_cpus, 4);
	ck_assert_uint_eq(cfg.cores, 4);
	ck_assert_int_eq(parse("-smp", "cpus=3,sockets=3", NULL), 0);
	ck_assert_uint_eq(cfg.sockets, 3);
	ck_assert_uint_eq(cfg.cores, 1);
	ck_assert_int_eq(parse("-smp", "cpus=4,cores=2", NULL), 0);
	ck_assert_uint_eq(cfg.sockets, 2);
	ck_assert_int_eq(parse("-smp", "8,sockets=2,cores=2", NULL), 0);
	ck_assert_uint_eq(cfg.threads, 2);
	ck_assert_int_eq(parse("-smp", "maxcpus=4", NULL), 0);
	ck_assert_uint_eq(cfg.smp_cpus, 4);
	ck_assert_uint_eq(cfg.cores, 4);
	ck_assert_int_eq(parse("-smp", "4,sockets=3", NULL), -1);
	ck_error("Invalid CPU topology");
	ck_assert_int_eq(parse("-smp", "4,maxcpus=2", NULL), -1);
	ck_assert_int_eq(parse("-smp", "0", NULL), -1);
	ck_assert_int_eq(parse("-smp", "x", NULL), -1);
	ck_assert_int_eq(parse("-smp", "100000", NULL), -1);
	ck_error("too large");
	ck_assert_int_eq(parse("-smp", "sockets=4096,cores=4096", NULL), -1);
	ck_error("too many");
	ck_assert_int_eq(parse("-smp", "2,books=2", NULL), -1);
	ck_error("'books'");
}
END_TEST

START_TEST(machine)
{
	ck_assert_int_eq(parse("-machine", "pc,accel=kvm", NULL), 0);
	ck_assert_str_eq(cfg.machine_type, "pc");
	ck_assert_int_eq(parse("-M", "microvm", NULL), 0);
	ck_assert_str_eq(cfg.machine_type, "microvm");
	ck_assert_int_eq(parse("-machine", "none,accel=kvm:tcg", NULL), 0);
	ck_assert_int_eq(parse("-machine", "type=pc", "-machine", "usb=off,dump-guest-core=off",
			       NULL), 0);
	ck_assert_str_eq(cfg.machine_type, "pc");
	ck_assert_int_eq(parse("-machine", "pc,acpi=off", NULL), 0);
	ck_assert_str_eq(kopts_get(cfg.machine_opts, "acpi"), "off");
	ck_assert_int_eq(parse("-no-acpi", NULL), 0);
	ck_assert_str_eq(kopts_get(cfg.machine_opts, "acpi"), "off");
	ck_assert_int_eq(parse("-machine", "nosuch", NULL), -1);
	ck_error("-machine nosuch: unsupported machine type");
	ck_assert_int_eq(parse("-machine", "pc,accel=tcg", NULL), -1);
	ck_error("only kvm");
	ck_assert_int_eq(parse("-machine", "pc,usb=on", NULL), -1);
	ck_error("usb=on");
	ck_assert_int_eq(parse("-machine", "pc,frobnicate=1", NULL), -1);
	ck_error("'frobnicate'");
	ck_assert_int_eq(parse("-machine", "pc,memory-backend=ram0", NULL), -1);
	ck_error("memory-backend=ram0");
}
END_TEST

START_TEST(memory_backend)
{
	ck_assert_int_eq(parse("-machine", "pc,memory-backend=pc.ram", "-m", "256", "-object",
			       "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\","
			       "\"size\":268435456}",
			       NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 256u << 20);
	ck_assert_int_eq(parse("-object", "memory-backend-ram,id=r,size=64M", "-machine",
			       "memory-backend=r", NULL), 0);
	ck_assert_uint_eq(cfg.ram_size, 64u << 20);
	ck_assert_int_eq(parse("-object", "memory-backend-ram,id=r,size=64M", "-machine",
			       "memory-backend=r", "-m", "128", NULL), -1);
	ck_error("does not match");
	ck_assert_int_eq(parse("-object", "memory-backend-ram,id=r", NULL), -1);
	ck_error("'size'");
	ck_assert_int_eq(parse("-object", "memory-backend-ram,id=r,size=1M,share=on", NULL), -1);
	ck_assert_int_eq(parse("-object", "iothread,id=io1", NULL), -1);
	ck_error("'iothread' is not supported");
	ck_assert_int_eq(parse("-object", "secret,id=masterKey0,format=raw,file=/x", NULL), 0);
}
END_TEST

START_TEST(accel_and_cpu)
{
	ck_assert_int_eq(parse("-accel", "kvm", "-enable-kvm", NULL), 0);
	ck_assert_int_eq(parse("-accel", "tcg", NULL), -1);
	ck_error("-accel tcg:");
	ck_assert_int_eq(parse("-accel", "kvm,thread=multi", NULL), -1);
	ck_assert_int_eq(parse("-cpu", "host,migratable=on", NULL), 0);
	ck_assert_str_eq(cfg.cpu_model, "host");
	ck_assert_int_eq(parse("-cpu", "max", NULL), 0);
	ck_assert_str_eq(cfg.cpu_model, "max");
	ck_assert_int_eq(parse("-cpu", "", NULL), -1);
}
END_TEST

START_TEST(boot_files)
{
	ck_assert_int_eq(parse("-kernel", "k", "-initrd", "i", "-append", "a b", "-bios", "b",
			       NULL), 0);
	ck_assert_str_eq(cfg.kernel, "k");
	ck_assert_str_eq(cfg.initrd, "i");
	ck_assert_str_eq(cfg.append, "a b");
	ck_assert_str_eq(cfg.bios, "b");
	ck_assert_int_eq(parse("-initrd", "i", NULL), -1);
	ck_error("-initrd");
	ck_assert_int_eq(parse("--kernel", "k", "--append", "", NULL), 0);
	ck_assert_str_eq(cfg.kernel, "k");
	ck_assert_str_eq(cfg.append, "");
	ck_assert_int_eq(parse("-kernel", "", NULL), -1);
}
END_TEST

START_TEST(serials)
{
	ck_assert_int_eq(parse("-serial", "null", "-serial", "file:/tmp/x", "-serial", "pty",
			       "-serial", "none", NULL), 0);
	ck_assert_uint_eq(cfg.serials->len, 4);
	ck_assert_str_eq(cfg.serials->pdata[1], "file:/tmp/x");
	ck_assert_int_eq(parse("-serial", "null", "-serial", "null", "-serial", "null", "-serial",
			       "null", "-serial", "null", NULL), -1);
	ck_error("too many");
	ck_assert_int_eq(parse("-serial", "vc", NULL), -1);
	ck_error("display");
	ck_assert_int_eq(parse("-serial", "bogus", NULL), -1);
	ck_error("-serial bogus:");
	ck_assert_int_eq(parse("-serial", "file:", NULL), -1);
	ck_assert_int_eq(parse("-serial", "chardev:nope", NULL), -1);
	ck_error("'nope'");
	ck_assert_int_eq(parse("-chardev", "pty,id=c0", "-serial", "chardev:c0", NULL), 0);
	ck_assert_int_eq(parse("-serial", "mon:stdio", NULL), 0);
	ck_assert_uint_eq(cfg.monitors->len, 1);
	ck_assert_int_eq(parse("-serial", "null", "-serial", "mon:stdio", NULL), 0);
	ck_assert_str_eq(kopts_get(cfg.monitors->pdata[0], "chardev"), "serial1");
}
END_TEST

START_TEST(chardevs_and_monitors)
{
	ck_assert_int_eq(parse("-chardev", "socket,id=charmonitor,fd=3,server=on,wait=off",
			       "-mon", "chardev=charmonitor,id=monitor,mode=control", NULL), 0);
	ck_assert_uint_eq(cfg.monitors->len, 1);
	ck_assert_str_eq(kopts_get(cfg.monitors->pdata[0], "chardev"), "charmonitor");
	ck_assert_int_eq(parse("-qmp", "unix:/tmp/q.sock,server=on,wait=off", NULL), 0);
	ck_assert_str_eq(kopts_get(cfg.monitors->pdata[0], "spec"),
			 "unix:/tmp/q.sock,server=on,wait=off");
	ck_assert_int_eq(parse("-chardev", "pty", NULL), -1);
	ck_error("'id'");
	ck_assert_int_eq(parse("-chardev", "pty,id=a", "-chardev", "null,id=a", NULL), -1);
	ck_error("Duplicate");
	ck_assert_int_eq(parse("-chardev", "spice,id=a", NULL), -1);
	ck_error("'spice'");
	ck_assert_int_eq(parse("-mon", "chardev=nope,mode=control", NULL), -1);
	ck_error("'nope'");
	ck_assert_int_eq(parse("-chardev", "null,id=h", "-mon", "chardev=h", NULL), -1);
	ck_error("readline");
	ck_assert_int_eq(parse("-mon", "mode=control", NULL), -1);
	ck_assert_int_eq(parse("-qmp", "vc", NULL), -1);
	ck_assert_int_eq(parse("-monitor", "stdio", NULL), -1);
	ck_assert_int_eq(parse("-monitor", "none", NULL), 0);
}
END_TEST

START_TEST(devices)
{
	struct kopts *d;

	ck_assert_int_eq(parse("-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", NULL), 0);
	ck_assert_uint_eq(cfg.devices->len, 1);
	d = cfg.devices->pdata[0];
	ck_assert_str_eq(kopts_get(d, "driver"), "isa-debug-exit");
	ck_assert_str_eq(kopts_get(d, "iobase"), "0xf4");
	ck_assert_int_eq(parse("-chardev", "pty,id=charserial0", "-device",
			       "{\"driver\":\"isa-serial\",\"chardev\":\"charserial0\","
			       "\"id\":\"serial0\",\"index\":0,\"x\":true,\"y\":1.5}",
			       NULL), 0);
	d = cfg.devices->pdata[0];
	ck_assert_str_eq(kopts_get(d, "driver"), "isa-serial");
	ck_assert_str_eq(kopts_get(d, "index"), "0");
	ck_assert_str_eq(kopts_get(d, "x"), "on");
	ck_assert_str_eq(kopts_get(d, "y"), "1.5");
	ck_assert_int_eq(parse("-device", "{\"driver\":\"isa-serial\",\"a\":{\"b\":1}}", NULL),
			 -1);
	ck_error("'a'");
	ck_assert_int_eq(parse("-device", "{\"driver\":\"isa-serial\",\"a\":[1]}", NULL), -1);
	ck_assert_int_eq(parse("-device", "{\"driver\":\"isa-serial\",\"a\":null}", NULL), -1);
	ck_assert_int_eq(parse("-device", "{not json", NULL), -1);
	ck_error("JSON");
	ck_assert_int_eq(parse("-device", "[1,2]", NULL), -1);
	ck_assert_int_eq(parse("-device", "{\"chardev\":\"x\"}", NULL), -1);
	ck_error("'driver'");
	ck_assert_int_eq(parse("-device", "e1000", NULL), -1);
	ck_error("'e1000' is not a valid device model name");
	ck_assert_int_eq(parse("-device", "isa-debug-exit,help", NULL), 1);
}
END_TEST

START_TEST(globals)
{
	struct kopts *d;

	ck_assert_int_eq(parse("-global", "isa-debug-exit.iobase=0x501", "-device",
			       "isa-debug-exit,iosize=1", "-device", "isa-debug-exit,iobase=0x600",
			       "-global", "kvm-pit.lost_tick_policy=delay", NULL), 0);
	d = cfg.devices->pdata[0];
	ck_assert_str_eq(kopts_get(d, "iobase"), "0x501");
	d = cfg.devices->pdata[1];
	/* The device's own value wins over the global. */
	ck_assert_str_eq(kopts_get(d, "iobase"), "0x600");
	ck_assert_int_eq(parse("-global", "driver=isa-debug-exit,property=iosize,value=2",
			       "-global", "isa-debug-exit.iosize=4", "-device", "isa-debug-exit",
			       NULL), 0);
	ck_assert_str_eq(kopts_get(cfg.devices->pdata[0], "iosize"), "4");
	ck_assert_int_eq(parse("-global", "nodot", NULL), -1);
	ck_assert_int_eq(parse("-global", "a.=1", NULL), -1);
}
END_TEST

START_TEST(libvirt_domain)
{
	/* The shape of what libvirt 9.0 passes for a minimal domain. */
	ck_assert_int_eq(
		parse("-name", "guest=lvtest,debug-threads=on", "-S", "-object",
		      "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\","
		      "\"file\":\"/var/lib/libvirt/qemu/domain-1-lvtest/master-key.aes\"}",
		      "-machine", "pc,usb=off,dump-guest-core=off,memory-backend=pc.ram",
		      "-accel", "kvm", "-cpu", "host,migratable=on", "-m", "size=262144k",
		      "-object",
		      "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":268435456}",
		      "-overcommit", "mem-lock=off", "-smp", "1,sockets=1,dies=1,cores=1,threads=1",
		      "-uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "-no-user-config",
		      "-nodefaults", "-chardev", "socket,id=charmonitor,fd=30,server=on,wait=off",
		      "-mon", "chardev=charmonitor,id=monitor,mode=control", "-rtc", "base=utc",
		      "-no-shutdown", "-boot", "strict=on", "-kernel", "/k", "-initrd", "/i",
		      "-append", "console=ttyS0", "-chardev", "pty,id=charserial0", "-device",
		      "{\"driver\":\"isa-serial\",\"chardev\":\"charserial0\",\"id\":\"serial0\","
		      "\"index\":0}",
		      "-audiodev", "{\"id\":\"audio1\",\"driver\":\"none\"}", "-sandbox",
		      "off", "-msg", "timestamp=on", NULL),
		0);
	ck_assert_str_eq(cfg.name, "lvtest");
	ck_assert(cfg.start_paused);
	ck_assert(opt_no_shutdown);
	ck_assert(cfg.nodefaults);
	ck_assert_uint_eq(cfg.ram_size, 256u << 20);
	ck_assert(cfg.uuid_set);
	ck_assert_uint_eq(cfg.uuid[0], 0x1b);
	ck_assert_uint_eq(cfg.uuid[15], 0x27);
	ck_assert_uint_eq(cfg.serials->len, 0);
	ck_assert_uint_eq(cfg.monitors->len, 1);
	ck_assert_uint_eq(cfg.devices->len, 1);

	/* The capability probe. */
	ck_assert_int_eq(parse("-S", "-no-user-config", "-nodefaults", "-nographic", "-machine",
			       "none,accel=kvm:tcg", "-qmp",
			       "unix:/tmp/qmp.monitor,server=on,wait=off", "-pidfile",
			       "/tmp/qmp.pid", "-daemonize", NULL), 0);
	ck_assert(cfg.daemonize);
	ck_assert_str_eq(cfg.pidfile, "/tmp/qmp.pid");
	ck_assert_str_eq(cfg.machine_type, "none");
}
END_TEST

START_TEST(harmless_and_refused)
{
	ck_assert_int_eq(parse("-display", "none", "-vga", "none", "-parallel", "none", "-net",
			       "none", "-nic", "none", "-no-hpet", "-realtime", "mlock=off",
			       "-boot", "order=c,menu=off", "-rtc", "base=utc,driftfix=slew",
			       "-msg", "timestamp=off", "-overcommit", "cpu-pm=off", NULL), 0);
	ck_assert_int_eq(parse("-display", "gtk", NULL), -1);
	ck_error("-display gtk:");
	ck_assert_int_eq(parse("-vga", "std", NULL), -1);
	ck_assert_int_eq(parse("-netdev", "socket,id=n0", NULL), -1);
	ck_error("-netdev: network backend 'socket' is not supported");
	ck_assert_int_eq(parse("-audiodev", "pa,id=a", NULL), -1);
	ck_assert_int_eq(parse("-sandbox", "on,obsolete=deny", NULL), -1);
	ck_error("seccomp");
	ck_assert_int_eq(parse("-rtc", "base=localtime", NULL), -1);
	ck_assert_int_eq(parse("-overcommit", "mem-lock=on", NULL), -1);
	ck_assert_int_eq(parse("-msg", "timestamp=maybe", NULL), -1);
	ck_assert_int_eq(parse("-boot", "strict=on,foo=1", NULL), -1);
	ck_error("'foo'");
	ck_assert_int_eq(parse("-frobnicate", NULL), -1);
	ck_error("-frobnicate: invalid option");
	ck_assert_int_eq(parse("disk.qcow2", NULL), -1);
	ck_error("'disk.qcow2'");
	ck_assert_int_eq(parse("-", NULL), -1);
	ck_assert_int_eq(parse("--", NULL), -1);
}
END_TEST

START_TEST(runstate_options)
{
	ck_assert_int_eq(parse("-no-reboot", "-no-shutdown", "-S", NULL), 0);
	ck_assert(opt_no_reboot && opt_no_shutdown && cfg.start_paused);
	ck_assert_int_eq(parse("-action", "reboot=shutdown,shutdown=pause", NULL), 0);
	ck_assert(opt_no_reboot && opt_no_shutdown);
	ck_assert_int_eq(parse("-action", "reboot=reset,shutdown=poweroff", NULL), 0);
	ck_assert(!opt_no_reboot && !opt_no_shutdown);
	ck_assert_int_eq(parse("-action", "panic=none", NULL), -1);
}
END_TEST

START_TEST(identity)
{
	ck_assert_int_eq(parse("-name", "vm1", "-uuid", "00000000-0000-0000-0000-0000000000ff",
			       NULL), 0);
	ck_assert_str_eq(cfg.name, "vm1");
	ck_assert_uint_eq(cfg.uuid[15], 0xff);
	ck_assert_int_eq(parse("-name", "guest=a,process=b,debug-threads=off", NULL), 0);
	ck_assert_int_eq(parse("-name", "a,debug-threads=perhaps", NULL), -1);
	ck_assert_int_eq(parse("-uuid", "1b4e28ba2fa111d2883f0016d3cca427", NULL), -1);
	ck_assert_int_eq(parse("-uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca42g", NULL), -1);
	ck_assert_int_eq(parse("-uuid", "1b4e28ba-2fa1-11d2-883f-0016d3cca4270", NULL), -1);
}
END_TEST

START_TEST(daemonize_rules)
{
	ck_assert_int_eq(parse("-daemonize", NULL), 0);
	ck_assert_str_eq(cfg.serials->pdata[0], "null");
	ck_assert_int_eq(parse("-daemonize", "-nographic", NULL), -1);
	ck_error("-nographic cannot be used with -daemonize");
	ck_assert_int_eq(parse("-daemonize", "-serial", "mon:stdio", NULL), -1);
	ck_error("stdio");
	ck_assert_int_eq(parse("-daemonize", "-nodefaults", "-qmp", "stdio", NULL), -1);
	ck_assert_int_eq(parse("-daemonize", "-nodefaults", "-chardev", "stdio,id=s", NULL), -1);
	ck_assert_int_eq(parse("-daemonize", "-nodefaults", "-nographic", NULL), 0);
}
END_TEST

/* Runs in its own process (CK_FORK): chardevs live in a process-wide registry. */
START_TEST(create_backends)
{
	char path[] = "/tmp/keel-test-cmdline-XXXXXX";
	int fd = mkstemp(path);
	g_autofree char *spec = g_strdup_printf("file:%s", path);
	GError *err = NULL;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(parse("-nodefaults", "-serial", "null", "-serial", spec, "-chardev",
			       "null,id=c1", "-serial", "chardev:c1", "-serial", "none", "-chardev",
			       "null,id=m,mux=on", "-mon", "chardev=m,mode=control", NULL), 0);
	ck_assert_int_eq(cmdline_create_backends(&cfg, &err), 0);
	ck_assert_str_eq(cfg.serials->pdata[0], "chardev:serial0");
	ck_assert_str_eq(cfg.serials->pdata[1], "chardev:serial1");
	ck_assert_str_eq(cfg.serials->pdata[2], "chardev:c1");
	ck_assert_str_eq(cfg.serials->pdata[3], "none");
	ck_assert_str_eq(chardev_filename(chardev_find("serial0")), "null");
	ck_assert_str_eq(chardev_filename(chardev_find("serial1")), spec);
	ck_assert_ptr_nonnull(chardev_find("c1"));
	ck_assert_ptr_nonnull(chardev_find("m-base"));
	ck_assert_ptr_null(chardev_find("serial2"));
	unlink(path);
}
END_TEST

START_TEST(create_backends_errors)
{
	GError *err = NULL;

	ck_assert_int_eq(parse("-nodefaults", "-serial", "file:/nonexistent-dir/x", NULL), 0);
	ck_assert_int_eq(cmdline_create_backends(&cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err->message, "-serial file:/nonexistent-dir/x: chardev "
						   "'serial0': could not open"));
	g_clear_error(&err);
}
END_TEST

START_TEST(create_backends_chardev_error)
{
	GError *err = NULL;

	ck_assert_int_eq(parse("-nodefaults", "-chardev", "file,id=f9", NULL), 0);
	ck_assert_int_eq(cmdline_create_backends(&cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err->message, "chardev 'f9'"));
	g_clear_error(&err);
}
END_TEST

START_TEST(help_and_version)
{
	ck_assert_int_eq(parse("-version", NULL), 1);
	ck_assert_int_eq(parse("--version", NULL), 1);
	ck_assert_int_eq(parse("-h", NULL), 1);
	ck_assert_int_eq(parse("--help", NULL), 1);
	ck_assert_int_eq(parse("-device", "help", NULL), 1);
	ck_assert_int_eq(parse("-machine", "help", NULL), 1);
	ck_assert_int_eq(parse("-cpu", "help", NULL), 1);
	ck_assert_int_eq(parse("-accel", "help", NULL), 1);
	ck_assert_int_eq(parse("-chardev", "help", NULL), 1);
	ck_assert_int_eq(parse("-display", "help", NULL), 1);
	ck_assert_int_eq(parse("-object", "help", NULL), 1);
	/* Help stops parsing: a later bad option is not reached. */
	ck_assert_int_eq(parse("-version", "-bogus", NULL), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("cmdline");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, nographic_default_is_mux);
	tcase_add_test(tc, nodefaults);
	tcase_add_test(tc, memory);
	tcase_add_test(tc, smp);
	tcase_add_test(tc, machine);
	tcase_add_test(tc, memory_backend);
	tcase_add_test(tc, accel_and_cpu);
	tcase_add_test(tc, boot_files);
	tcase_add_test(tc, serials);
	tcase_add_test(tc, chardevs_and_monitors);
	tcase_add_test(tc, devices);
	tcase_add_test(tc, globals);
	tcase_add_test(tc, libvirt_domain);
	tcase_add_test(tc, harmless_and_refused);
	tcase_add_test(tc, runstate_options);
	tcase_add_test(tc, identity);
	tcase_add_test(tc, daemonize_rules);
	tcase_add_test(tc, create_backends);
	tcase_add_test(tc, create_backends_errors);
	tcase_add_test(tc, create_backends_chardev_error);
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	/* Each test in its own process: backends and globals do not leak between them. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
