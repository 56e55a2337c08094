// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The QEMU-compatible command line. cmdline_parse() only reads and checks
 * argv into a struct machine_config (nothing is opened or created, so it is
 * safe before -daemonize and in unit tests); cmdline_create_backends() then
 * opens the chardevs, the serial backends and the monitors.
 *
 * Policy: an option Keel implements does what QEMU does; an option that is
 * harmless here is accepted exactly where QEMU accepts it (-no-user-config,
 * -msg, -boot, -rtc base=utc, ...); anything else is refused with one line
 * naming the option and the value, never silently ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"
#include "chardev/char.h"
#include "hw/core/device.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "hw/core/reset.h"
#include "system/cmdline.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/opts.h"
#include "system/runstate.h"

#ifndef KEEL_VERSION
#define KEEL_VERSION "unknown"
#endif
/* The QEMU release whose interface Keel follows (also what QMP reports). */
#define QEMU_COMPAT_VERSION "7.2.0"

#define MAX_SERIALS 4
#define MAX_SMP 4096
#define MIN_RAM (1ULL << 20)
#define MAX_RAM (4ULL << 40)

/* State of one parse that does not belong in machine_config. */
struct memory_backend {
	char *id;
	uint64_t size;
};

struct globalprop {
	char *driver, *prop, *value;
};

static struct {
	GPtrArray *chardevs; /* struct kopts *, in order */
	GPtrArray *backends; /* struct memory_backend * */
	GPtrArray *globals;  /* struct globalprop * */
	struct kopts *machine; /* merged -machine options */
	bool ram_given;
	bool display_none;
} cl;

struct ctx {
	struct machine_config *cfg;
	const char *opt; /* option name without dashes */
};

/* Weak default: architectures without a CPU model hook ignore -cpu. */
void __attribute__((weak)) arch_cmdline_cpu_model(const char *model)
{
}

static void mem_backend_free(gpointer p)
{
	struct memory_backend *b = p;

	g_free(b->id);
	g_free(b);
}

static void global_free(gpointer p)
{
	struct globalprop *g = p;

	g_free(g->driver);
	g_free(g->prop);
	g_free(g->value);
	g_free(g);
}

static void state_reset(void)
{
	if (cl.chardevs)
		g_ptr_array_free(cl.chardevs, TRUE);
	if (cl.backends)
		g_ptr_array_free(cl.backends, TRUE);
	if (cl.globals)
		g_ptr_array_free(cl.globals, TRUE);
	kopts_free(cl.machine);
	memset(&cl, 0, sizeof(cl));
	cl.chardevs = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	cl.backends = g_ptr_array_new_with_free_func(mem_backend_free);
	cl.globals = g_ptr_array_new_with_free_func(global_free);
	cl.machine = kopts_new();
}

/* ---- help ---- */

static const char usage_text[] =
	"Usage: keel [options]\n"
	"Keel is a KVM-only virtual machine monitor with a QEMU-compatible command line.\n"
	"\n"
	"Machine:\n"
	"  -machine, -M TYPE[,accel=kvm][,prop=value...]  machine type (-machine help)\n"
	"  -accel kvm                 the accelerator (KVM is the only one)\n"
	"  -enable-kvm                same as -accel kvm\n"
	"  -cpu host|max|MODEL        CPU model (the host's CPUID in every case)\n"
	"  -m [size=]N[K|M|G|T]       RAM size (plain numbers are MiB; default 128M)\n"
	"  -smp [cpus=]N[,maxcpus=N][,sockets=N][,dies=N][,cores=N][,threads=N]\n"
	"  -object memory-backend-ram,id=ID,size=N  RAM for -machine memory-backend=ID\n"
	"\n"
	"Boot:\n"
	"  -kernel FILE               bzImage, Multiboot or PVH ELF kernel\n"
	"  -initrd FILE               initial ramdisk (Multiboot: the module)\n"
	"  -append CMDLINE            kernel command line\n"
	"  -bios FILE                 raw firmware image, started at the reset vector\n"
	"\n"
	"Devices and character devices:\n"
	"  -device DRIVER[,prop=value...] | -device JSON   add a device (-device help)\n"
	"  -drive file=IMG[,format=raw][,if=virtio|none][,id=ID][,readonly=on]\n"
	"         [,cache=writeback|none|writethrough|directsync|unsafe][,aio=threads]\n"
	"                             a raw disk image (if=virtio adds a virtio-blk: virtio-blk-pci\n"
	"                             on a machine with a PCI bus, else virtio-blk-device)\n"
	"  -blockdev driver=raw,node-name=N,file.driver=file,file.filename=IMG | -blockdev JSON\n"
	"                             a block node (raw over file or host_device) for\n"
	"                             -device virtio-blk-*,drive=N\n"
	"  -netdev user|tap,id=ID[,...] | -netdev JSON   host network backend (-netdev help)\n"
	"  -nic user|tap|none[,model=virtio-net-device][,mac=M][,...]  a NIC and its backend\n"
	"  -global DRIVER.PROP=VALUE  default property for -device DRIVER\n"
	"  -serial stdio|null|none|pty|file:PATH|chardev:ID|mon:stdio|unix:..|tcp:..\n"
	"  -chardev stdio|null|pty|file|socket,id=ID[,...]\n"
	"  -nographic                 no display; serial on stdio with Ctrl-A escapes\n"
	"  -display none              no display (Keel has none)\n"
	"  -nodefaults                no default devices (no default serial port)\n"
	"\n"
	"Management:\n"
	"  -qmp SPEC                  QMP monitor, e.g. unix:PATH,server=on,wait=off\n"
	"  -mon chardev=ID,mode=control  QMP monitor on a -chardev\n"
	"  -S                         do not start the CPUs (QMP 'cont' starts them)\n"
	"  -no-reboot                 exit instead of rebooting\n"
	"  -no-shutdown               stop instead of exiting when the guest powers off\n"
	"  -name [guest=]NAME[,debug-threads=on|off]\n"
	"  -uuid UUID                 machine UUID\n"
	"  -pidfile FILE              write the process id to FILE\n"
	"  -daemonize                 run in the background once started\n"
	"  -no-user-config            accepted (Keel reads no configuration files)\n"
	"\n"
	"  -version                   print the version and exit\n"
	"  -h, -help, --help          print this help and exit\n"
	"\n"
	"Options may also be written with two dashes (--kernel). See keel(1).\n";

static void print_machine(const struct machine_type *t, void *opaque)
{
	printf("%-20s %s%s\n", t->name, t->desc ? t->desc : "", t->is_default ? " (default)" : "");
	if (t->alias)
		printf("%-20s %s (alias of %s)\n", t->alias, t->desc ? t->desc : "", t->name);
}

static void print_device(const struct device_type *t, void *opaque)
{
	const char *only = opaque;

	if (!t->user_creatable || (only && strcmp(only, t->name)))
		return;
	printf("name \"%s\"", t->name);
	if (t->bus)
		printf(", bus %s", t->bus);
	if (t->desc)
		printf(", desc \"%s\"", t->desc);
	printf("\n");
}

static bool is_help(const char *s)
{
	return !strcmp(s, "help") || !strcmp(s, "?");
}

/* ---- small parsers ---- */

/* -device/-object/-audiodev values: "key=val,..." or a flat JSON object. */
static struct kopts *parse_kv(const char *arg, const char *implied, GError **err)
{
	if (arg[0] == '{')
		return kopts_parse_json(arg, err);
	return kopts_parse(arg, implied, err);
}

/* "-m 256" is MiB; "-m 256M", "-m 1G", "-m 1073741824B" carry their unit. */
static int parse_ram_size(const char *s, uint64_t *out, GError **err)
{
	size_t n = strlen(s);
	uint64_t v;

	if (parse_u64(s, &v, true) < 0)
		goto bad;
	if (n && g_ascii_isdigit(s[n - 1])) {
		if (v > (UINT64_MAX >> 20))
			goto bad;
		v <<= 20;
	}
	if (v < MIN_RAM) {
		error_setg(err, "RAM size '%s' is too small (at least 1M)", s);
		return -1;
	}
	if (v > MAX_RAM) {
		error_setg(err, "RAM size '%s' is too large (at most 4T)", s);
		return -1;
	}
	/* Rounded up to whole pages, as QEMU does. */
	*out = (v + 8191) & ~8191ULL;
	return 0;
bad:
	error_setg(err, "invalid RAM size '%s' (a number of MiB, or with a K/M/G/T suffix)", s);
	return -1;
}

static int parse_uuid(const char *s, uint8_t out[16])
{
	static const int dash[] = { 8, 13, 18, 23 };
	unsigned j = 0;

	if (strlen(s) != 36)
		return -1;
	for (unsigned i = 0, d = 0; i < 36; i++) {
		if (d < 4 && (int)i == dash[d]) {
			if (s[i] != '-')
				return -1;
			d++;
			continue;
		}
		if (!g_ascii_isxdigit(s[i]) || !g_ascii_isxdigit(s[i + 1]))
			return -1;
		out[j++] = g_ascii_xdigit_value(s[i]) << 4 | g_ascii_xdigit_value(s[i + 1]);
		i++;
	}
	return j == 16 ? 0 : -1;
}

/* Keys that take any value and mean nothing to Keel. */
static void consume(struct kopts *o, const char *const *keys)
{
	for (; *keys; keys++)
		kopts_get(o, *keys);
}

/* A key whose only accepted value is the one Keel implements. */
static int expect_value(struct kopts *o, const char *key, const char *const *ok, GError **err)
{
	const char *v = kopts_get(o, key);

	if (!v)
		return 0;
	for (; *ok; ok++)
		if (!strcmp(v, *ok))
			return 0;
	error_setg(err, "%s=%s is not supported", key, v);
	return -1;
}

static int expect_bool(struct kopts *o, const char *key, bool want, GError **err)
{
	bool v;

	if (kopts_get_bool(o, key, want, &v, err) < 0)
		return -1;
	if (v != want) {
		error_setg(err, "%s=%s is not supported", key, kopts_get(o, key));
		return -1;
	}
	return 0;
}

#define KEYS(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- option handlers: 0 = go on, 1 = exit 0 now, -1 = error ---- */

static int opt_machine(struct ctx *x, const char *arg, GError **err)
{
	struct kopts *o;

	if (is_help(arg)) {
		printf("Supported machines are:\n");
		machine_type_foreach(print_machine, NULL);
		return 1;
	}
	o = kopts_parse(arg, "type", err);
	if (!o)
		return -1;
	/* Repeated -machine options merge, later values winning. */
	for (unsigned i = 0; i < kopts_count(o); i++)
		kopts_set(cl.machine, kopts_key(o, i), kopts_value(o, i));
	kopts_free(o);
	return 0;
}

static int check_accel(const char *list, GError **err)
{
	g_auto(GStrv) v = g_strsplit(list, ":", -1);

	for (unsigned i = 0; v[i]; i++)
		if (!strcmp(v[i], "kvm"))
			return 0;
	error_setg(err, "accelerator '%s' is not supported (Keel supports only kvm)", list);
	return -1;
}

static int opt_accel(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = NULL;

	if (is_help(arg)) {
		printf("Accelerators supported in Keel:\nkvm\n");
		return 1;
	}
	o = kopts_parse(arg, "accel", err);
	if (!o)
		return -1;
	if (check_accel(kopts_get(o, "accel") ?: "", err) < 0)
		return -1;
	if (expect_value(o, "kernel-irqchip", KEYS("on"), err) < 0)
		return -1;
	if (kopts_get_bool(o, "reset-audit", true, &reset_audit_enabled, err) < 0)
		return -1;
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	return 0;
}

static int opt_enable_kvm(struct ctx *x, const char *arg, GError **err)
{
	return 0;
}

static int opt_cpu(struct ctx *x, const char *arg, GError **err)
{
	g_auto(GStrv) v = NULL;

	if (is_help(arg)) {
		printf("Available CPUs:\n"
		       "  host   the host CPU as KVM reports it (the default)\n"
		       "  max    same as host\n"
		       "Other model names are accepted with a warning and also give the host CPU.\n");
		return 1;
	}
	v = g_strsplit(arg, ",", -1);
	if (!v[0] || !*v[0]) {
		error_setg(err, "CPU model name is missing");
		return -1;
	}
	for (unsigned i = 1; v[i]; i++) {
		bool b;

		if (g_str_has_prefix(v[i], "migratable=") && parse_bool(v[i] + 11, &b) == 0)
			continue;
		if (*v[i])
			warn_report("-cpu %s: feature '%s' ignored (Keel gives the guest the "
				    "host's CPUID)", arg, v[i]);
	}
	g_free((char *)x->cfg->cpu_model);
	x->cfg->cpu_model = g_strdup(v[0]);
	return 0;
}

static int opt_m(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = kopts_parse(arg, "size", err);
	const char *size;
	uint64_t slots = 0, maxmem = 0;

	if (!o)
		return -1;
	size = kopts_get(o, "size");
	if (kopts_get_u64(o, "slots", 0, &slots, err) < 0 ||
	    kopts_get_size(o, "maxmem", 0, &maxmem, err) < 0)
		return -1;
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	if (!size) {
		error_setg(err, "missing 'size'");
		return -1;
	}
	if (parse_ram_size(size, &x->cfg->ram_size, err) < 0)
		return -1;
	if (slots || (maxmem && maxmem != x->cfg->ram_size)) {
		error_setg(err, "memory hotplug (slots, maxmem) is not supported");
		return -1;
	}
	cl.ram_given = true;
	return 0;
}

static int smp_get(struct kopts *o, const char *key, uint64_t *v, GError **err)
{
	if (kopts_get_u64(o, key, 0, v, err) < 0)
		return -1;
	if (*v > MAX_SMP) {
		error_setg(err, "%s=%" G_GUINT64_FORMAT " is too large (at most %d)", key, *v,
			   MAX_SMP);
		return -1;
	}
	if (kopts_has(o, key) && !*v) {
		error_setg(err, "%s must be greater than 0", key);
		return -1;
	}
	return 0;
}

/* QEMU's rules: missing counts are derived, preferring cores over sockets. */
static int opt_smp(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = kopts_parse(arg, "cpus", err);
	uint64_t cpus, maxcpus, sockets, dies, clusters, cores, threads;
	struct machine_config *cfg = x->cfg;

	if (!o)
		return -1;
	if (smp_get(o, "cpus", &cpus, err) < 0 || smp_get(o, "maxcpus", &maxcpus, err) < 0 ||
	    smp_get(o, "sockets", &sockets, err) < 0 || smp_get(o, "dies", &dies, err) < 0 ||
	    smp_get(o, "clusters", &clusters, err) < 0 || smp_get(o, "cores", &cores, err) < 0 ||
	    smp_get(o, "threads", &threads, err) < 0)
		return -1;
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	if (clusters > 1) {
		error_setg(err, "clusters are not supported on this machine");
		return -1;
	}
	dies = dies ?: 1;
	if (!cpus && !maxcpus) {
		/* Only the topology: every missing level is 1. */
		sockets = sockets ?: 1;
		cores = cores ?: 1;
		threads = threads ?: 1;
	} else {
		/* Derive at most one missing level from maxcpus; cores before sockets. */
		maxcpus = maxcpus ?: cpus;
		if (!sockets && !cores) {
			sockets = 1;
			threads = threads ?: 1;
			cores = maxcpus / (dies * threads) ?: 1;
		} else if (!sockets) {
			threads = threads ?: 1;
			sockets = maxcpus / (dies * cores * threads) ?: 1;
		} else if (!cores) {
			threads = threads ?: 1;
			cores = maxcpus / (dies * sockets * threads) ?: 1;
		} else if (!threads) {
			threads = maxcpus / (dies * sockets * cores) ?: 1;
		}
	}
	maxcpus = maxcpus ?: sockets * dies * cores * threads;
	cpus = cpus ?: maxcpus;
	if (maxcpus > MAX_SMP) {
		error_setg(err, "%" G_GUINT64_FORMAT " CPUs are too many (at most %d)", maxcpus,
			   MAX_SMP);
		return -1;
	}
	if (sockets * dies * cores * threads != maxcpus) {
		error_setg(err, "Invalid CPU topology: product of the hierarchy must match "
				"maxcpus: sockets (%" G_GUINT64_FORMAT ") * dies (%" G_GUINT64_FORMAT
				") * cores (%" G_GUINT64_FORMAT ") * threads (%" G_GUINT64_FORMAT
				") != maxcpus (%" G_GUINT64_FORMAT ")",
			   sockets, dies, cores, threads, maxcpus);
		return -1;
	}
	if (cpus > maxcpus) {
		error_setg(err, "Invalid CPU topology: maxcpus must be equal to or greater "
				"than smp: %" G_GUINT64_FORMAT " < %" G_GUINT64_FORMAT,
			   maxcpus, cpus);
		return -1;
	}
	cfg->smp_cpus = cpus;
	cfg->max_cpus = maxcpus;
	cfg->sockets = sockets;
	cfg->dies = dies;
	cfg->cores = cores;
	cfg->threads = threads;
	return 0;
}

static int set_str(const char **field, const char *arg, GError **err)
{
	if (!*arg) {
		error_setg(err, "empty value");
		return -1;
	}
	g_free((char *)*field);
	*field = g_strdup(arg);
	return 0;
}

static int opt_kernel(struct ctx *x, const char *arg, GError **err)
{
	return set_str(&x->cfg->kernel, arg, err);
}

static int opt_initrd(struct ctx *x, const char *arg, GError **err)
{
	return set_str(&x->cfg->initrd, arg, err);
}

static int opt_append(struct ctx *x, const char *arg, GError **err)
{
	/* An empty command line is a valid command line. */
	g_free((char *)x->cfg->append);
	x->cfg->append = g_strdup(arg);
	return 0;
}

static int opt_bios(struct ctx *x, const char *arg, GError **err)
{
	return set_str(&x->cfg->bios, arg, err);
}

static bool spec_backend_ok(const char *s)
{
	return !strcmp(s, "stdio") || !strcmp(s, "null") || !strcmp(s, "pty") ||
	       (g_str_has_prefix(s, "file:") && s[5]) || g_str_has_prefix(s, "unix:") ||
	       g_str_has_prefix(s, "tcp:");
}

static int check_chr_spec(const char *spec, GError **err)
{
	if (g_str_has_prefix(spec, "chardev:") && spec[8])
		return 0;
	if (g_str_has_prefix(spec, "mon:") && spec_backend_ok(spec + 4))
		return 0;
	if (spec_backend_ok(spec))
		return 0;
	if (!strcmp(spec, "vc") || g_str_has_prefix(spec, "vc:"))
		error_setg(err, "'vc' needs a graphical display, which Keel does not have; "
				"use stdio, pty or file:PATH");
	else
		error_setg(err, "unsupported character device '%s' (use stdio, null, none, pty, "
				"file:PATH, chardev:ID, mon:stdio, unix:PATH, tcp:HOST:PORT)",
			   spec);
	return -1;
}

static int opt_serial(struct ctx *x, const char *arg, GError **err)
{
	GPtrArray *s = x->cfg->serials;

	if (strcmp(arg, "none") && check_chr_spec(arg, err) < 0)
		return -1;
	if (s->len == MAX_SERIALS) {
		error_setg(err, "too many serial ports (at most %d)", MAX_SERIALS);
		return -1;
	}
	g_ptr_array_add(s, g_strdup(arg));
	/* QEMU puts its monitor on mon:; Keel's monitor is QMP (Ctrl-A c reaches it). */
	if (g_str_has_prefix(arg, "mon:")) {
		struct kopts *m = kopts_new();
		g_autofree char *id = g_strdup_printf("serial%u", s->len - 1);

		kopts_set(m, "chardev", id);
		kopts_set(m, "mode", "control");
		g_ptr_array_add(x->cfg->monitors, m);
	}
	return 0;
}

static bool chardev_defined(const char *id)
{
	for (guint i = 0; i < cl.chardevs->len; i++) {
		const char *c = kopts_get(cl.chardevs->pdata[i], "id");

		if (c && !strcmp(c, id))
			return true;
	}
	return false;
}

static int opt_chardev(struct ctx *x, const char *arg, GError **err)
{
	struct kopts *o;
	const char *id, *backend;

	if (is_help(arg)) {
		printf("Available chardev backend types:\n  stdio\n  null\n  file\n  pty\n"
		       "  socket\n");
		return 1;
	}
	o = kopts_parse(arg, "backend", err);
	if (!o)
		return -1;
	backend = kopts_get(o, "backend");
	id = kopts_get(o, "id");
	if (!id) {
		error_setg(err, "Parameter 'id' is missing");
		goto bad;
	}
	if (chardev_defined(id)) {
		error_setg(err, "Duplicate chardev ID '%s'", id);
		goto bad;
	}
	if (!backend || !g_strv_contains(KEYS("stdio", "null", "file", "pty", "socket"),
					 backend)) {
		error_setg(err, "unsupported chardev backend '%s' (use stdio, null, file, pty or "
				"socket)", backend ? backend : "");
		goto bad;
	}
	g_ptr_array_add(cl.chardevs, o);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

static int opt_mon(struct ctx *x, const char *arg, GError **err)
{
	struct kopts *o = kopts_parse(arg, "chardev", err);
	const char *mode;

	if (!o)
		return -1;
	mode = kopts_get(o, "mode");
	if (!kopts_get(o, "chardev")) {
		error_setg(err, "Parameter 'chardev' is missing");
		goto bad;
	}
	if (!mode || strcmp(mode, "control")) {
		error_setg(err, "mode '%s' is not supported (Keel has no human monitor; use "
				"mode=control)", mode ? mode : "readline");
		goto bad;
	}
	g_ptr_array_add(x->cfg->monitors, o);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

static int opt_qmp(struct ctx *x, const char *arg, GError **err)
{
	struct kopts *o;

	if (check_chr_spec(arg, err) < 0)
		return -1;
	o = kopts_new();
	kopts_set(o, "spec", arg);
	g_ptr_array_add(x->cfg->monitors, o);
	return 0;
}

static int opt_monitor(struct ctx *x, const char *arg, GError **err)
{
	if (!strcmp(arg, "none"))
		return 0;
	error_setg(err, "the human monitor is not supported; use -qmp");
	return -1;
}

static int opt_display(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = NULL;
	const char *type;

	if (is_help(arg)) {
		printf("Available display backend types:\nnone\n");
		return 1;
	}
	o = kopts_parse(arg, "type", err);
	if (!o)
		return -1;
	type = kopts_get(o, "type");
	if (!type || strcmp(type, "none")) {
		error_setg(err, "display '%s' is not supported (Keel has no display; use "
				"-display none)", type ? type : "");
		return -1;
	}
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	cl.display_none = true;
	return 0;
}

/* -vga, -parallel, -net, -nic: Keel has none of these; only "none" is meaningful. */
static int opt_only_none(struct ctx *x, const char *arg, GError **err)
{
	if (!strcmp(arg, "none"))
		return 0;
	error_setg(err, "not supported (Keel has no such device; only 'none' is accepted)");
	return -1;
}

static int opt_nographic(struct ctx *x, const char *arg, GError **err)
{
	x->cfg->nographic = true;
	return 0;
}

static int opt_nodefaults(struct ctx *x, const char *arg, GError **err)
{
	x->cfg->nodefaults = true;
	return 0;
}

static int opt_ignore_flag(struct ctx *x, const char *arg, GError **err)
{
	return 0;
}

static int opt_no_acpi(struct ctx *x, const char *arg, GError **err)
{
	kopts_set(cl.machine, "acpi", "off");
	return 0;
}

static int opt_no_reboot_fn(struct ctx *x, const char *arg, GError **err)
{
	opt_no_reboot = true;
	return 0;
}

static int opt_no_shutdown_fn(struct ctx *x, const char *arg, GError **err)
{
	opt_no_shutdown = true;
	return 0;
}

static int opt_action(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = kopts_parse(arg, NULL, err);
	const char *v;

	if (!o)
		return -1;
	v = kopts_get(o, "reboot");
	if (v && strcmp(v, "reset") && strcmp(v, "shutdown")) {
		error_setg(err, "reboot=%s is not supported (reset or shutdown)", v);
		return -1;
	}
	if (v)
		opt_no_reboot = !strcmp(v, "shutdown");
	v = kopts_get(o, "shutdown");
	if (v && strcmp(v, "poweroff") && strcmp(v, "pause")) {
		error_setg(err, "shutdown=%s is not supported (poweroff or pause)", v);
		return -1;
	}
	if (v)
		opt_no_shutdown = !strcmp(v, "pause");
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	return 0;
}

static int opt_S(struct ctx *x, const char *arg, GError **err)
{
	x->cfg->start_paused = true;
	return 0;
}

static int opt_name(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = kopts_parse(arg, "guest", err);
	const char *name;
	bool dt;

	if (!o)
		return -1;
	name = kopts_get(o, "guest");
	kopts_get(o, "process"); /* a thread/process name: cosmetic */
	if (kopts_get_bool(o, "debug-threads", false, &dt, err) < 0)
		return -1;
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	g_free((char *)x->cfg->name);
	x->cfg->name = g_strdup(name);
	return 0;
}

static int opt_uuid(struct ctx *x, const char *arg, GError **err)
{
	if (parse_uuid(arg, x->cfg->uuid) < 0) {
		error_setg(err, "invalid UUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
		return -1;
	}
	x->cfg->uuid_set = true;
	return 0;
}

static int opt_pidfile(struct ctx *x, const char *arg, GError **err)
{
	return set_str(&x->cfg->pidfile, arg, err);
}

static int opt_daemonize(struct ctx *x, const char *arg, GError **err)
{
	x->cfg->daemonize = true;
	return 0;
}

static int opt_device(struct ctx *x, const char *arg, GError **err)
{
	const struct device_type *t;
	struct kopts *o;
	const char *drv;

	if (is_help(arg)) {
		printf("Devices:\n");
		device_type_foreach(print_device, NULL);
		return 1;
	}
	o = parse_kv(arg, "driver", err);
	if (!o)
		return -1;
	drv = kopts_get(o, "driver");
	if (!drv) {
		error_setg(err, "Parameter 'driver' is missing");
		goto bad;
	}
	t = device_type_find(drv);
	if (!t || !t->user_creatable) {
		error_setg(err, "'%s' is not a valid device model name (see -device help)", drv);
		goto bad;
	}
	if (kopts_has(o, "help") || kopts_has(o, "?")) {
		device_type_foreach(print_device, (void *)drv);
		kopts_free(o);
		return 1;
	}
	g_ptr_array_add(x->cfg->devices, o);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

static int opt_drive(struct ctx *x, const char *arg, GError **err)
{
	return drive_add(x->cfg, arg, err);
}

static int opt_blockdev(struct ctx *x, const char *arg, GError **err)
{
	return blockdev_add(x->cfg, arg, err);
}

static int opt_global(struct ctx *x, const char *arg, GError **err)
{
	struct globalprop *g;
	const char *dot = strchr(arg, '.');
	const char *eq = strchr(arg, '=');

	if (dot && eq && dot < eq && dot > arg && eq > dot + 1) {
		g = g_new0(struct globalprop, 1);
		g->driver = g_strndup(arg, dot - arg);
		g->prop = g_strndup(dot + 1, eq - dot - 1);
		g->value = g_strdup(eq + 1);
	} else {
		struct kopts *o = kopts_parse(arg, NULL, err);
		const char *d, *p, *v;

		if (!o)
			return -1;
		d = kopts_get(o, "driver");
		p = kopts_get(o, "property");
		v = kopts_get(o, "value");
		if (!d || !p || !v || kopts_check_unused(o, NULL, NULL) < 0) {
			error_setg(err, "expected DRIVER.PROPERTY=VALUE or "
					"driver=D,property=P,value=V");
			kopts_free(o);
			return -1;
		}
		g = g_new0(struct globalprop, 1);
		g->driver = g_strdup(d);
		g->prop = g_strdup(p);
		g->value = g_strdup(v);
		kopts_free(o);
	}
	g_ptr_array_add(cl.globals, g);
	return 0;
}

static int opt_object(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = NULL;
	const char *type;

	if (is_help(arg)) {
		printf("List of user creatable objects:\n  memory-backend-ram\n  secret\n");
		return 1;
	}
	o = parse_kv(arg, "qom-type", err);
	if (!o)
		return -1;
	type = kopts_get(o, "qom-type");
	if (!type) {
		error_setg(err, "Parameter 'qom-type' is missing");
		return -1;
	}
	if (!kopts_get(o, "id")) {
		error_setg(err, "Parameter 'id' is missing");
		return -1;
	}
	if (!strcmp(type, "secret")) {
		/* Keel has nothing encrypted to unlock; the secret is never read. */
		consume(o, KEYS("data", "file", "format", "keyid", "iv"));
	} else if (!strcmp(type, "memory-backend-ram")) {
		struct memory_backend *b;
		uint64_t size;

		if (!kopts_has(o, "size")) {
			error_setg(err, "Parameter 'size' is missing");
			return -1;
		}
		if (kopts_get_size(o, "size", 0, &size, err) < 0)
			return -1;
		consume(o, KEYS("x-use-canonical-path-for-ramblock-id", "dump", "merge",
				"prealloc", "prealloc-threads"));
		if (expect_bool(o, "share", false, err) < 0 ||
		    expect_value(o, "policy", KEYS("default"), err) < 0)
			return -1;
		b = g_new0(struct memory_backend, 1);
		b->id = g_strdup(kopts_get(o, "id"));
		b->size = size;
		g_ptr_array_add(cl.backends, b);
	} else {
		error_setg(err, "object type '%s' is not supported (supported: "
				"memory-backend-ram, secret)", type);
		return -1;
	}
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	return 0;
}

static int opt_netdev(struct ctx *x, const char *arg, GError **err)
{
	return netdev_add(arg, err);
}

static int opt_nic(struct ctx *x, const char *arg, GError **err)
{
	return nic_add(x->cfg, arg, err);
}

static int opt_audiodev(struct ctx *x, const char *arg, GError **err)
{
	kopts_autofree struct kopts *o = parse_kv(arg, "driver", err);
	const char *drv;

	if (!o)
		return -1;
	drv = kopts_get(o, "driver");
	kopts_get(o, "id");
	if (!drv || strcmp(drv, "none")) {
		error_setg(err, "audio driver '%s' is not supported (Keel has no sound; only "
				"'none')", drv ? drv : "");
		return -1;
	}
	consume(o, KEYS("timer-period", "in.voices", "out.voices"));
	if (kopts_check_unused(o, NULL, err) < 0)
		return -1;
	return 0;
}

static int opt_simple_kv(const char *arg, const char *implied, int (*check)(struct kopts *o,
									      GError **err),
			 GError **err)
{
	kopts_autofree struct kopts *o = kopts_parse(arg, implied, err);

	if (!o)
		return -1;
	if (check(o, err) < 0 || kopts_check_unused(o, NULL, err) < 0)
		return -1;
	return 0;
}

static int check_rtc(struct kopts *o, GError **err)
{
	/* Keel has no RTC to offset; UTC is what a guest without one assumes. */
	if (expect_value(o, "base", KEYS("utc"), err) < 0 ||
	    expect_value(o, "clock", KEYS("host", "rt", "vm"), err) < 0 ||
	    expect_value(o, "driftfix", KEYS("none", "slew"), err) < 0)
		return -1;
	return 0;
}

static int opt_rtc(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, NULL, check_rtc, err);
}

static int check_boot(struct kopts *o, GError **err)
{
	/* Boot order and menus are firmware hints; Keel boots -kernel directly. */
	consume(o, KEYS("order", "once", "menu", "splash", "splash-time", "reboot-timeout",
			"strict"));
	return 0;
}

static int opt_boot(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, "order", check_boot, err);
}

static int check_overcommit(struct kopts *o, GError **err)
{
	if (expect_value(o, "mem-lock", KEYS("off"), err) < 0 ||
	    expect_bool(o, "cpu-pm", false, err) < 0)
		return -1;
	return 0;
}

static int opt_overcommit(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, NULL, check_overcommit, err);
}

static int check_msg(struct kopts *o, GError **err)
{
	bool b;

	if (kopts_get_bool(o, "timestamp", false, &b, err) < 0 ||
	    kopts_get_bool(o, "guest-name", false, &b, err) < 0)
		return -1;
	return 0;
}

static int opt_msg(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, NULL, check_msg, err);
}

static int check_realtime(struct kopts *o, GError **err)
{
	return expect_bool(o, "mlock", false, err);
}

static int opt_realtime(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, NULL, check_realtime, err);
}

static int check_sandbox(struct kopts *o, GError **err)
{
	bool on;

	if (kopts_get_bool(o, "enable", false, &on, err) < 0)
		return -1;
	if (on) {
		error_setg(err, "seccomp sandboxing is not supported by Keel");
		return -1;
	}
	consume(o, KEYS("obsolete", "elevateprivileges", "spawn", "resourcecontrol"));
	return 0;
}

static int opt_sandbox(struct ctx *x, const char *arg, GError **err)
{
	return opt_simple_kv(arg, "enable", check_sandbox, err);
}

static int opt_version(struct ctx *x, const char *arg, GError **err)
{
	/* Tools match "QEMU emulator version X.Y.Z"; the package names Keel. */
	printf("QEMU emulator version %s (keel-%s)\n"
	       "Keel: a KVM virtual machine monitor with a QEMU-compatible interface\n",
	       QEMU_COMPAT_VERSION, KEEL_VERSION);
	return 1;
}

static int opt_help(struct ctx *x, const char *arg, GError **err)
{
	fputs(usage_text, stdout);
	return 1;
}

struct option {
	const char *name;
	bool has_arg;
	int (*fn)(struct ctx *x, const char *arg, GError **err);
};

static const struct option options[] = {
	{ "machine", true, opt_machine },
	{ "M", true, opt_machine },
	{ "accel", true, opt_accel },
	{ "enable-kvm", false, opt_enable_kvm },
	{ "cpu", true, opt_cpu },
	{ "m", true, opt_m },
	{ "smp", true, opt_smp },
	{ "kernel", true, opt_kernel },
	{ "initrd", true, opt_initrd },
	{ "append", true, opt_append },
	{ "bios", true, opt_bios },
	{ "serial", true, opt_serial },
	{ "chardev", true, opt_chardev },
	{ "mon", true, opt_mon },
	{ "qmp", true, opt_qmp },
	{ "monitor", true, opt_monitor },
	{ "nographic", false, opt_nographic },
	{ "display", true, opt_display },
	{ "vga", true, opt_only_none },
	{ "parallel", true, opt_only_none },
	{ "net", true, opt_only_none },
	{ "nic", true, opt_nic },
	{ "nodefaults", false, opt_nodefaults },
	{ "no-user-config", false, opt_ignore_flag },
	{ "no-hpet", false, opt_ignore_flag },
	{ "no-acpi", false, opt_no_acpi },
	{ "no-reboot", false, opt_no_reboot_fn },
	{ "no-shutdown", false, opt_no_shutdown_fn },
	{ "action", true, opt_action },
	{ "S", false, opt_S },
	{ "name", true, opt_name },
	{ "uuid", true, opt_uuid },
	{ "pidfile", true, opt_pidfile },
	{ "daemonize", false, opt_daemonize },
	{ "device", true, opt_device },
	{ "drive", true, opt_drive },
	{ "blockdev", true, opt_blockdev },
	{ "global", true, opt_global },
	{ "object", true, opt_object },
	{ "netdev", true, opt_netdev },
	{ "audiodev", true, opt_audiodev },
	{ "rtc", true, opt_rtc },
	{ "boot", true, opt_boot },
	{ "overcommit", true, opt_overcommit },
	{ "msg", true, opt_msg },
	{ "realtime", true, opt_realtime },
	{ "sandbox", true, opt_sandbox },
	{ "version", false, opt_version },
	{ "h", false, opt_help },
	{ "help", false, opt_help },
};

static const struct option *option_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(options); i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

/* ---- after all options: cross-checks and defaults ---- */

/* -machine properties passed on to the machine in cfg->machine_opts. */
static const char *const machine_keys[] = { "acpi", "mmu" /* pseries */, "ic-mode" /* pseries */,
					     NULL };

static int finish_machine(struct machine_config *cfg, GError **err)
{
	struct kopts *o = cl.machine;
	const char *type = kopts_get(o, "type");
	const char *accel = kopts_get(o, "accel");
	const char *backend = kopts_get(o, "memory-backend");

	if (type) {
		if (!*type) {
			error_setg(err, "-machine: machine type is missing");
			return -1;
		}
		if (!machine_type_find(type)) {
			error_setg(err, "-machine %s: unsupported machine type (use -machine help "
					"to list them)", type);
			return -1;
		}
		g_free((char *)cfg->machine_type);
		cfg->machine_type = g_strdup(type);
	}
	if (accel && check_accel(accel, err) < 0) {
		g_prefix_error(err, "-machine: ");
		return -1;
	}
	/* Properties that are true of Keel whatever their value. */
	consume(o, KEYS("dump-guest-core", "mem-merge", "suppress-vmdesc", "graphics"));
	if (expect_bool(o, "usb", false, err) < 0 || expect_bool(o, "vmport", false, err) < 0 ||
	    expect_bool(o, "hpet", false, err) < 0 || expect_bool(o, "smm", false, err) < 0 ||
	    expect_value(o, "kernel-irqchip", KEYS("on"), err) < 0 ||
	    expect_value(o, "kernel_irqchip", KEYS("on"), err) < 0) {
		g_prefix_error(err, "-machine: ");
		return -1;
	}
	if (backend) {
		struct memory_backend *mb = NULL;

		for (guint i = 0; i < cl.backends->len; i++) {
			struct memory_backend *c = cl.backends->pdata[i];

			if (!strcmp(c->id, backend))
				mb = c;
		}
		if (!mb) {
			error_setg(err, "-machine memory-backend=%s: no -object "
					"memory-backend-ram with that id", backend);
			return -1;
		}
		if (cl.ram_given && mb->size != cfg->ram_size) {
			error_setg(err, "-machine memory-backend=%s: its size (%" G_GUINT64_FORMAT
					") does not match -m (%" G_GUINT64_FORMAT ")",
				   backend, mb->size, cfg->ram_size);
			return -1;
		}
		if (mb->size < MIN_RAM || mb->size > MAX_RAM) {
			error_setg(err, "-object %s: size %" G_GUINT64_FORMAT " is out of range",
				   backend, mb->size);
			return -1;
		}
		cfg->ram_size = mb->size;
	}
	/* What is left goes to the machine, which knows only these keys. */
	kopts_free(cfg->machine_opts);
	cfg->machine_opts = kopts_new();
	for (unsigned i = 0; i < kopts_count(o); i++) {
		const char *k = kopts_key(o, i);

		if (kopts_used(o, i))
			continue;
		if (!g_strv_contains(machine_keys, k)) {
			error_setg(err, "-machine: unsupported property '%s'", k);
			return -1;
		}
		kopts_set(cfg->machine_opts, k, kopts_value(o, i));
	}
	return 0;
}

static bool uses_stdio(const char *spec)
{
	return !strcmp(spec, "stdio") || !strcmp(spec, "mon:stdio");
}

/* The chardev a -serial SPEC gets (serialN), which a mon: monitor refers to. */
static bool serial_chardev(struct machine_config *cfg, const char *id)
{
	for (guint i = 0; i < cfg->serials->len; i++) {
		g_autofree char *sid = g_strdup_printf("serial%u", i);
		const char *spec = cfg->serials->pdata[i];

		if (!strcmp(sid, id) && strcmp(spec, "none") && !g_str_has_prefix(spec, "chardev:"))
			return true;
	}
	return false;
}

static int finish_chardevs(struct machine_config *cfg, GError **err)
{
	bool stdio = false;

	for (guint i = 0; i < cfg->serials->len; i++) {
		const char *s = cfg->serials->pdata[i];

		stdio |= uses_stdio(s);
		if (g_str_has_prefix(s, "chardev:") && !chardev_defined(s + 8)) {
			error_setg(err, "-serial %s: no -chardev with id '%s'", s, s + 8);
			return -1;
		}
	}
	for (guint i = 0; i < cfg->monitors->len; i++) {
		struct kopts *m = cfg->monitors->pdata[i];
		const char *spec = kopts_get(m, "spec");
		const char *id = kopts_get(m, "chardev");

		if (spec) {
			stdio |= uses_stdio(spec);
			if (g_str_has_prefix(spec, "chardev:") && !chardev_defined(spec + 8)) {
				error_setg(err, "-qmp %s: no -chardev with id '%s'", spec, spec + 8);
				return -1;
			}
		} else if (id && !serial_chardev(cfg, id) && !chardev_defined(id)) {
			error_setg(err, "-mon chardev=%s: no -chardev with id '%s'", id, id);
			return -1;
		}
	}
	for (guint i = 0; i < cl.chardevs->len; i++)
		stdio |= !strcmp(kopts_get(cl.chardevs->pdata[i], "backend"), "stdio");
	if (cfg->daemonize && stdio) {
		error_setg(err, "-daemonize: stdio cannot be used with -daemonize");
		return -1;
	}
	return 0;
}

/* Without -nodefaults and -serial the console is the terminal (Keel has no display). */
static int default_serial(struct machine_config *cfg, GError **err)
{
	if (cfg->nodefaults || cfg->serials->len)
		return 0;
	if (cfg->daemonize) {
		if (cfg->nographic) {
			error_setg(err, "-nographic cannot be used with -daemonize");
			return -1;
		}
		g_ptr_array_add(cfg->serials, g_strdup("null"));
		return 0;
	}
	return opt_serial(&(struct ctx){ .cfg = cfg }, cfg->nographic ? "mon:stdio" : "stdio",
			  err);
}

static const char *device_driver(struct kopts *dev)
{
	const char *drv = NULL;

	for (unsigned i = 0; i < kopts_count(dev); i++)
		if (!strcmp(kopts_key(dev, i), "driver"))
			drv = kopts_value(dev, i);
	return drv;
}

/* An alias's concrete type is known only when it is created: no warning then. */
static bool has_alias_device(struct machine_config *cfg)
{
	for (guint d = 0; d < cfg->devices->len; d++) {
		const char *drv = device_driver(cfg->devices->pdata[d]);
		const struct device_type *t = drv ? device_type_find(drv) : NULL;

		if (t && t->resolve)
			return true;
	}
	return false;
}

void cmdline_apply_globals_to(const char *type, struct kopts *props)
{
	for (guint g = cl.globals ? cl.globals->len : 0; g-- > 0;) {
		struct globalprop *gp = cl.globals->pdata[g];

		if (!strcmp(gp->driver, type) && !kopts_has(props, gp->prop))
			kopts_set(props, gp->prop, gp->value);
	}
}

/*
 * -global DRIVER.PROP=V becomes the first value of PROP on every -device
 * DRIVER, so the device's own value still wins. As in QEMU, a global for a
 * driver nobody instantiates does nothing.
 */
static void apply_globals(struct machine_config *cfg)
{
	/* Backwards, so that of two globals for one property the later wins. */
	for (guint g = cl.globals->len; g-- > 0;) {
		struct globalprop *gp = cl.globals->pdata[g];
		bool applied = false;

		for (guint d = 0; d < cfg->devices->len; d++) {
			struct kopts *dev = cfg->devices->pdata[d];
			const char *drv = device_driver(dev);
			struct kopts *merged;

			if (!drv || strcmp(gp->driver, drv))
				continue;
			merged = kopts_new();
			kopts_set(merged, gp->prop, gp->value);
			for (unsigned i = 0; i < kopts_count(dev); i++)
				kopts_set(merged, kopts_key(dev, i), kopts_value(dev, i));
			kopts_free(dev);
			cfg->devices->pdata[d] = merged;
			applied = true;
		}
		if (!applied && device_type_find(gp->driver) && !has_alias_device(cfg))
			warn_report("-global %s.%s=%s: only applies to -device %s, and there is none",
				    gp->driver, gp->prop, gp->value, gp->driver);
	}
}

static void config_init(struct machine_config *cfg)
{
	cmdline_config_free(cfg);
	netdev_reset_all();
	cfg->ram_size = 128ULL << 20;
	cfg->smp_cpus = cfg->max_cpus = 1;
	cfg->sockets = cfg->dies = cfg->cores = cfg->threads = 1;
	cfg->devices = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	cfg->serials = g_ptr_array_new_with_free_func(g_free);
	cfg->monitors = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	cfg->drives = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	cfg->blockdevs = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
}

void cmdline_config_free(struct machine_config *cfg)
{
	g_free((char *)cfg->machine_type);
	kopts_free(cfg->machine_opts);
	g_free((char *)cfg->cpu_model);
	g_free((char *)cfg->kernel);
	g_free((char *)cfg->initrd);
	g_free((char *)cfg->append);
	g_free((char *)cfg->bios);
	g_free((char *)cfg->name);
	g_free((char *)cfg->pidfile);
	if (cfg->devices)
		g_ptr_array_free(cfg->devices, TRUE);
	if (cfg->serials)
		g_ptr_array_free(cfg->serials, TRUE);
	if (cfg->monitors)
		g_ptr_array_free(cfg->monitors, TRUE);
	if (cfg->drives)
		g_ptr_array_free(cfg->drives, TRUE);
	if (cfg->blockdevs)
		g_ptr_array_free(cfg->blockdevs, TRUE);
	memset(cfg, 0, sizeof(*cfg));
}

int cmdline_parse(int argc, char **argv, struct machine_config *cfg, GError **err)
{
	struct ctx x = { .cfg = cfg };

	state_reset();
	config_init(cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name = a + 1, *arg = NULL;
		const struct option *opt;
		int ret;

		if (a[0] != '-' || !a[1]) {
			error_setg(err, "'%s': unexpected argument (Keel takes no disk image; "
					"see -help)", a);
			return -1;
		}
		if (name[0] == '-' && name[1])
			name++; /* --kernel is -kernel */
		opt = option_find(name);
		if (!opt) {
			error_setg(err, "%s: invalid option", a);
			return -1;
		}
		if (opt->has_arg) {
			if (i + 1 >= argc) {
				error_setg(err, "%s: requires an argument", a);
				return -1;
			}
			arg = argv[++i];
		}
		x.opt = opt->name;
		ret = opt->fn(&x, arg, err);
		if (ret < 0) {
			if (arg)
				g_prefix_error(err, "%s %s: ", a, arg);
			else
				g_prefix_error(err, "%s: ", a);
			return -1;
		}
		if (ret > 0)
			return 1;
	}
	if (finish_machine(cfg, err) < 0 || default_serial(cfg, err) < 0 ||
	    finish_chardevs(cfg, err) < 0)
		return -1;
	apply_globals(cfg);
	if (cfg->initrd && !cfg->kernel) {
		error_setg(err, "-initrd only works together with -kernel");
		return -1;
	}
	if (cfg->append && !cfg->kernel) {
		error_setg(err, "-append only works together with -kernel");
		return -1;
	}
	arch_cmdline_cpu_model(cfg->cpu_model);
	return 0;
}

/* ---- creating what was parsed ---- */

int cmdline_create_backends(struct machine_config *cfg, GError **err)
{
	for (guint i = 0; i < cl.chardevs->len; i++) {
		if (!chardev_new(cl.chardevs->pdata[i], err))
			return -1;
	}
	/* Serial backends get QEMU's labels (serial0...), which query-chardev shows. */
	for (guint i = 0; i < cfg->serials->len; i++) {
		const char *spec = cfg->serials->pdata[i];
		g_autofree char *id = g_strdup_printf("serial%u", i);

		if (!strcmp(spec, "none") || g_str_has_prefix(spec, "chardev:"))
			continue;
		if (!chardev_from_spec(spec, id, err)) {
			g_prefix_error(err, "-serial %s: ", spec);
			return -1;
		}
		g_free(cfg->serials->pdata[i]);
		cfg->serials->pdata[i] = g_strdup_printf("chardev:%s", id);
	}
	for (guint i = 0; i < cfg->monitors->len; i++) {
		struct kopts *m = cfg->monitors->pdata[i];
		const char *spec = kopts_get(m, "spec");
		int ret = spec ? monitor_add_qmp_spec(spec, err) : monitor_add_mon(m, err);

		if (ret < 0) {
			if (spec)
				g_prefix_error(err, "-qmp %s: ", spec);
			return -1;
		}
	}
	return 0;
}
