// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -drive: QEMU's legacy block option, for raw images only. The command
 * line keeps the checked options in machine_config.drives; a device opens
 * its drive by id when it is created (drive_claim). -blockdev nodes
 * (block/blockdev.c) are checked and opened through the same code, as -drive
 * options.
 */
#include <errno.h>
#include <string.h>

#include "block/block.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/opts.h"

static const char *const cache_names[] = {
	[BLK_CACHE_WRITEBACK] = "writeback",
	[BLK_CACHE_NONE] = "none",
	[BLK_CACHE_WRITETHROUGH] = "writethrough",
	[BLK_CACHE_DIRECTSYNC] = "directsync",
	[BLK_CACHE_UNSAFE] = "unsafe",
};

/* A drive opened by a device. */
struct claim {
	char *dev_id;		/* NULL without id= */
	struct blk_stats stats;
};

/* Drives already opened by a device: name -> struct claim. */
static GHashTable *claimed;

static void claim_free(gpointer p)
{
	struct claim *c = p;

	g_free(c->dev_id);
	g_free(c);
}

static int parse_cache(const char *v, enum blk_cache_mode *out)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(cache_names); i++) {
		if (!strcmp(v, cache_names[i])) {
			*out = i;
			return 0;
		}
	}
	return -1;
}

static bool one_of(const char *v, const char *const *ok)
{
	for (; *ok; ok++)
		if (!strcmp(v, *ok))
			return true;
	return false;
}

/* Check everything that can be checked without opening the file. */
int drive_opts_check(struct kopts *o, GError **err)
{
	static const char *const ifs[] = { "virtio", "none", NULL };
	static const char *const aios[] = { "threads", "io_uring", NULL };
	static const char *const discards[] = { "ignore", "off", "unmap", "on", NULL };
	static const char *const lockings[] = { "auto", "on", "off", NULL };
	const char *v;
	enum blk_cache_mode cache;
	bool ro;

	if (!kopts_get(o, "file") || !*kopts_get(o, "file")) {
		error_setg(err, "Parameter 'file' is missing");
		return -1;
	}
	v = kopts_get(o, "format");
	if (v && strcmp(v, "raw")) {
		error_setg(err, "format '%s' is not supported (only raw)", v);
		return -1;
	}
	v = kopts_get(o, "if");
	if (v && !one_of(v, ifs)) {
		error_setg(err, "if=%s is not supported (use if=virtio or if=none)", v);
		return -1;
	}
	v = kopts_get(o, "cache");
	if (v && parse_cache(v, &cache) < 0) {
		error_setg(err, "invalid cache option '%s' (writeback, none, "
			   "writethrough, directsync or unsafe)", v);
		return -1;
	}
	v = kopts_get(o, "aio");
	if (v && !one_of(v, aios)) {
		error_setg(err, "aio=%s is not supported (use aio=threads or aio=io_uring)", v);
		return -1;
	}
	if (v && !strcmp(v, "io_uring") && !blk_io_uring_built()) {
		error_setg(err, "aio=io_uring is not supported: Keel was built without liburing");
		return -1;
	}
	v = kopts_get(o, "media");
	if (v && strcmp(v, "disk")) {
		error_setg(err, "media=%s is not supported (only disk)", v);
		return -1;
	}
	v = kopts_get(o, "discard");
	if (v && !one_of(v, discards)) {
		error_setg(err, "invalid discard option '%s'", v);
		return -1;
	}
	v = kopts_get(o, "file.locking");
	if (v && !one_of(v, lockings)) {
		error_setg(err, "invalid locking option '%s' (auto, on or off)", v);
		return -1;
	}
	if (kopts_get_bool(o, "readonly", false, &ro, err) < 0)
		return -1;
	v = kopts_get(o, "id");
	if (v && (!*v || strchr(v, ','))) {
		error_setg(err, "invalid id '%s'", v);
		return -1;
	}
	kopts_get(o, "serial");
	return kopts_check_unused(o, NULL, err);
}

static struct kopts *drive_find(struct machine_config *cfg, const char *id)
{
	for (guint i = 0; cfg->drives && i < cfg->drives->len; i++) {
		struct kopts *o = cfg->drives->pdata[i];

		if (!g_strcmp0(kopts_get(o, "id"), id))
			return o;
	}
	return NULL;
}

int drive_add(struct machine_config *cfg, const char *optstr, GError **err)
{
	struct kopts *o = kopts_parse(optstr, NULL, err);
	const char *iface, *id;
	g_autofree char *auto_id = NULL;

	if (!o)
		return -1;
	if (drive_opts_check(o, err) < 0)
		goto bad;
	iface = kopts_get(o, "if") ?: "virtio";
	id = kopts_get(o, "id");
	if (!id) {
		if (!strcmp(iface, "none")) {
			error_setg(err, "if=none needs an id");
			goto bad;
		}
		/* QEMU-like automatic name: virtio0, virtio1, ... */
		for (unsigned n = 0; !auto_id; n++) {
			auto_id = g_strdup_printf("virtio%u", n);
			if (drive_find(cfg, auto_id))
				g_clear_pointer(&auto_id, g_free);
		}
		kopts_set(o, "id", auto_id);
		id = auto_id;
		kopts_get(o, "id");
	}
	if (drive_find(cfg, id)) {
		error_setg(err, "Duplicate ID '%s' for drive", id);
		goto bad;
	}
	for (unsigned i = 0; cfg->blockdevs && i < cfg->blockdevs->len; i++) {
		if (!g_strcmp0(kopts_get(cfg->blockdevs->pdata[i], "node-name"), id)) {
			error_setg(err, "Device name '%s' conflicts with an existing node name", id);
			goto bad;
		}
	}
	if (!strcmp(iface, "virtio")) {
		struct kopts *dev = kopts_new();

		/* virtio-blk-pci on a machine with a PCI bus, as in QEMU */
		kopts_set(dev, "driver", "virtio-blk");
		kopts_set(dev, "drive", id);
		g_ptr_array_add(cfg->devices, dev);
	}
	g_ptr_array_add(cfg->drives, o);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

struct blk_backend *drive_opts_open(struct kopts *o, int write_cache, GError **err)
{
	struct blk_open_opts bo = { 0 };

	bo.path = kopts_get(o, "file");
	if (kopts_get_bool(o, "readonly", false, &bo.readonly, err) < 0)
		return NULL;
	if (kopts_get(o, "cache"))
		parse_cache(kopts_get(o, "cache"), &bo.cache);
	/* The device's write-cache= overrides the drive's (QEMU's blkconf). */
	if (write_cache == 1 && bo.cache == BLK_CACHE_WRITETHROUGH)
		bo.cache = BLK_CACHE_WRITEBACK;
	else if (write_cache == 1 && bo.cache == BLK_CACHE_DIRECTSYNC)
		bo.cache = BLK_CACHE_NONE;
	else if (write_cache == 0 && bo.cache == BLK_CACHE_WRITEBACK)
		bo.cache = BLK_CACHE_WRITETHROUGH;
	else if (write_cache == 0 && bo.cache == BLK_CACHE_NONE)
		bo.cache = BLK_CACHE_DIRECTSYNC;
	bo.discard = !g_strcmp0(kopts_get(o, "discard"), "unmap") ||
		     !g_strcmp0(kopts_get(o, "discard"), "on");
	bo.no_lock = !g_strcmp0(kopts_get(o, "file.locking"), "off");
	if (!g_strcmp0(kopts_get(o, "aio"), "io_uring"))
		bo.aio = BLK_AIO_IO_URING;
	return blk_open(&bo, err);
}

struct blk_backend *drive_claim(const char *name, const struct drive_user *u,
				const char **serial, GError **err)
{
	struct kopts *o = drive_find(&machine_cfg, name);
	g_autoptr(GError) nerr = NULL;
	struct kopts *node = NULL;
	struct blk_backend *b;
	struct claim *c;
	bool uring;

	if (!o) {
		node = blockdev_drive_opts(name, &nerr);
		if (!node && nerr) {
			g_propagate_error(err, g_steal_pointer(&nerr));
			return NULL;
		}
		if (!node) {
			error_setg(err, "Property 'drive': drive '%s' not found (use -drive ...,"
				   "id=%s or -blockdev ...,node-name=%s)", name, name, name);
			return NULL;
		}
		o = node;
	}
	if (claimed && g_hash_table_contains(claimed, name)) {
		error_setg(err, "Property 'drive': drive '%s' is already in use by another "
			   "device", name);
		kopts_free(node);
		return NULL;
	}
	uring = !g_strcmp0(kopts_get(o, "aio"), "io_uring");
	b = drive_opts_open(o, u->write_cache, err);
	*serial = node ? NULL : kopts_get(o, "serial");
	kopts_free(node);
	if (!b) {
		/* Like QEMU: no silent fall back to threads, and say which drive. */
		if (uring)
			g_prefix_error(err, "drive '%s': ", name);
		return NULL;
	}
	if (!claimed)
		claimed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, claim_free);
	c = g_new0(struct claim, 1);
	c->dev_id = g_strdup(u->id);
	g_hash_table_insert(claimed, g_strdup(name), c);
	return b;
}

bool drive_claimed(const char *name, const char **dev_id)
{
	struct claim *c = claimed ? g_hash_table_lookup(claimed, name) : NULL;

	if (!c)
		return false;
	*dev_id = c->dev_id;
	return true;
}

struct blk_stats *drive_stats(const char *name)
{
	struct claim *c = claimed ? g_hash_table_lookup(claimed, name) : NULL;

	return c ? &c->stats : NULL;
}

void blk_account(struct blk_stats *s, enum blk_acct_type t, uint64_t offset, uint64_t bytes,
		 uint64_t ns, bool failed)
{
	if (failed) {
		s->failed[t]++;
		return;
	}
	s->ops[t]++;
	s->bytes[t] += bytes;
	s->total_ns[t] += ns;
	if (t == BLK_ACCT_WRITE && offset + bytes > s->wr_highest_offset)
		s->wr_highest_offset = offset + bytes;
}
