// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fw_cfg, legacy I/O interface: the guest writes an item number to the
 * selector port and reads the item byte by byte from the data port. Items
 * are little-endian, except the file directory, which is big-endian.
 */
#include <string.h>

#include "hw/core/reset.h"
#include "hw/i386/fw_cfg.h"
#include "system/error.h"
#include "system/memory.h"

#define FW_CFG_MAX_FILES 32

struct fw_cfg_item {
	uint16_t key;
	GBytes *data;
};

static struct fw_cfg {
	GArray *items; /* struct fw_cfg_item */
	uint16_t selector;
	uint32_t offset;
	unsigned nfiles;
	uint8_t dir[4 + FW_CFG_MAX_FILES * 64];
} fw;

static struct fw_cfg_item *find_item(uint16_t key)
{
	if (!fw.items)
		return NULL;
	for (guint i = 0; i < fw.items->len; i++) {
		struct fw_cfg_item *it = &g_array_index(fw.items, struct fw_cfg_item, i);

		if (it->key == key)
			return it;
	}
	return NULL;
}

void fw_cfg_add_bytes(uint16_t key, const void *data, size_t len)
{
	struct fw_cfg_item *it = find_item(key);

	if (!fw.items)
		fw.items = g_array_new(FALSE, TRUE, sizeof(struct fw_cfg_item));
	if (it) {
		g_bytes_unref(it->data);
		it->data = g_bytes_new(data, len);
		return;
	}
	g_array_append_val(fw.items, ((struct fw_cfg_item){ key, g_bytes_new(data, len) }));
}

void fw_cfg_add_i16(uint16_t key, uint16_t v)
{
	uint8_t b[2] = { v, v >> 8 };

	fw_cfg_add_bytes(key, b, sizeof(b));
}

void fw_cfg_add_i32(uint16_t key, uint32_t v)
{
	uint8_t b[4];

	for (int i = 0; i < 4; i++)
		b[i] = v >> (8 * i);
	fw_cfg_add_bytes(key, b, sizeof(b));
}

void fw_cfg_add_i64(uint16_t key, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = v >> (8 * i);
	fw_cfg_add_bytes(key, b, sizeof(b));
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = v >> (8 * (n - 1 - i));
}

int fw_cfg_add_file(const char *name, const void *data, size_t len)
{
	uint16_t key;
	uint8_t *e;

	if (fw.nfiles >= FW_CFG_MAX_FILES || strlen(name) >= FW_CFG_MAX_FILE_PATH ||
	    len > UINT32_MAX)
		return -1;
	key = FW_CFG_FILE_FIRST + fw.nfiles;
	e = fw.dir + 4 + 64 * fw.nfiles++;
	put_be(e, len, 4);
	put_be(e + 4, key, 2);
	memcpy(e + 8, name, strlen(name));
	put_be(fw.dir, fw.nfiles, 4);
	fw_cfg_add_bytes(key, data, len);
	fw_cfg_add_bytes(FW_CFG_FILE_DIR, fw.dir, 4 + 64 * fw.nfiles);
	return key;
}

static uint8_t data_read_byte(void)
{
	/* The write channel bit does not change which item is read. */
	struct fw_cfg_item *it = find_item(fw.selector & ~FW_CFG_WRITE_CHANNEL);
	const uint8_t *p;
	gsize len;

	if (!it)
		return 0;
	p = g_bytes_get_data(it->data, &len);
	if (fw.offset >= len)
		return 0;
	return p[fw.offset++];
}

static uint64_t fw_cfg_read(void *opaque, uint64_t offset, unsigned size)
{
	uint64_t v = 0;

	if (offset == 0)
		return 0;	/* the selector is write-only */
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)data_read_byte() << (8 * i);
	return v;
}

static void fw_cfg_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
	/* Writes to the data port are ignored, as in QEMU since 2.4. */
	if (offset != 0)
		return;
	fw.selector = size == 1 ? (uint8_t)value : (uint16_t)value;
	fw.offset = 0;
}

static const struct io_ops fw_cfg_ops = {
	.read = fw_cfg_read,
	.write = fw_cfg_write,
};

static void fw_cfg_reset(void *opaque)
{
	fw.selector = 0;
	fw.offset = 0;
}

int fw_cfg_init(GError **err)
{
	int ret = io_region_add(IO_SPACE_PIO, FW_CFG_IO_BASE, 2, &fw_cfg_ops, &fw, "fw_cfg");

	if (ret < 0) {
		error_setg(err, "fw_cfg: I/O ports 0x%x-0x%x already in use", FW_CFG_IO_BASE,
			    FW_CFG_IO_BASE + 1);
		return ret;
	}
	fw_cfg_add_bytes(FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_i32(FW_CFG_ID, 1); /* traditional interface only, no DMA */
	fw_cfg_add_bytes(FW_CFG_FILE_DIR, fw.dir, 4);
	reset_register(RESET_ORDER_DEVICE, fw_cfg_reset, &fw, "fw_cfg");
	return 0;
}
