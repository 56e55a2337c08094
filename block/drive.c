// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -drive: QEMU's legacy block option, for raw images only. The command
 * line keeps the checked options in machine_config.drives; a device opens
 * its drive by id when it is created (drive_claim).
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

/* Drives already opened by a device (ids), so a drive backs one device only. */
static GHashTable *claimed;

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
static int drive_check(struct kopts *o, GError **err)
{
	static const char *const ifs[] = { "virtio", "none", NULL };
	static const char *const aios[] = { "threads", NULL };
	static const char *const discards[] = { "ignore", "off", "unmap", "on", NULL };
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
		error_setg(err, "aio=%s is not supported (use aio=threads)", v);
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
	if (drive_check(o, err) < 0)
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
	if (!strcmp(iface, "virtio")) {
		struct kopts *dev = kopts_new();

		kopts_set(dev, "driver", "virtio-blk-device");
		kopts_set(dev, "drive", id);
		g_ptr_array_add(cfg->devices, dev);
	}
	g_ptr_array_add(cfg->drives, o);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

struct blk_backend *drive_claim(const char *id, const char **serial, GError **err)
{
	struct kopts *o = drive_find(&machine_cfg, id);
	struct blk_open_opts bo = { 0 };
	struct blk_backend *b;

	if (!o) {
		error_setg(err, "Property 'drive': drive '%s' not found (use -drive ...,id=%s)",
			   id, id);
		return NULL;
	}
	if (claimed && g_hash_table_contains(claimed, id)) {
		error_setg(err, "Property 'drive': drive '%s' is already in use by another "
			   "device", id);
		return NULL;
	}
	bo.path = kopts_get(o, "file");
	if (kopts_get_bool(o, "readonly", false, &bo.readonly, err) < 0)
		return NULL;
	if (kopts_get(o, "cache"))
		parse_cache(kopts_get(o, "cache"), &bo.cache);
	bo.discard = !g_strcmp0(kopts_get(o, "discard"), "unmap") ||
		     !g_strcmp0(kopts_get(o, "discard"), "on");
	b = blk_open(&bo, err);
	if (!b)
		return NULL;
	if (!claimed)
		claimed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	g_hash_table_add(claimed, g_strdup(id));
	*serial = kopts_get(o, "serial");
	return b;
}
