/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_I386_FW_CFG_H
#define KEEL_HW_I386_FW_CFG_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

/* QEMU's legacy fw_cfg I/O interface and item numbers. */
#define FW_CFG_IO_BASE 0x510	/* selector (16 bit); data port at +1 */

enum {
	FW_CFG_SIGNATURE = 0x00,
	FW_CFG_ID = 0x01,
	FW_CFG_UUID = 0x02,
	FW_CFG_RAM_SIZE = 0x03,
	FW_CFG_NOGRAPHIC = 0x04,
	FW_CFG_NB_CPUS = 0x05,
	FW_CFG_MACHINE_ID = 0x06,
	FW_CFG_BOOT_MENU = 0x0e,
	FW_CFG_MAX_CPUS = 0x0f,
	FW_CFG_CMDLINE_SIZE = 0x14,
	FW_CFG_CMDLINE_DATA = 0x15,
	FW_CFG_FILE_DIR = 0x19,
	FW_CFG_FILE_FIRST = 0x20,
	FW_CFG_WRITE_CHANNEL = 0x4000,
	FW_CFG_ARCH_LOCAL = 0x8000,
	FW_CFG_E820_TABLE = FW_CFG_ARCH_LOCAL + 3,
};
#define FW_CFG_MAX_FILE_PATH 56

/* Register the ports and the reset handler, with the signature and ID items. */
int fw_cfg_init(GError **err);
/* Add or replace an item (data is copied). */
void fw_cfg_add_bytes(uint16_t key, const void *data, size_t len);
void fw_cfg_add_i16(uint16_t key, uint16_t v);
void fw_cfg_add_i32(uint16_t key, uint32_t v);
void fw_cfg_add_i64(uint16_t key, uint64_t v);
/* Add a named file; listed in FW_CFG_FILE_DIR. Returns its key, or -1 if full. */
int fw_cfg_add_file(const char *name, const void *data, size_t len);

#endif
