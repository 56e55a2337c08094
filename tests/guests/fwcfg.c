// SPDX-License-Identifier: GPL-2.0-or-later
/* Reads the legacy fw_cfg items a firmware would: signature, CPUs, RAM, command line. */
#include "guest.h"

uint32_t guest_main(uint32_t magic, uint32_t info)
{
	char sig[5] = { 0 }, cmdline[256];
	uint16_t ncpus = 0, maxcpus = 0;
	uint64_t ram = 0;
	uint32_t id = 0, clen = 0;

	fw_cfg_read(0x00, sig, 4);
	put_kv_str("fw_cfg.signature", sig);
	if (memcmp(sig, "QEMU", 4)) {
		puts("fwcfg: no fw_cfg\n");
		return 1;
	}
	fw_cfg_read(0x01, &id, sizeof(id));
	fw_cfg_read(0x05, &ncpus, sizeof(ncpus));
	fw_cfg_read(0x0f, &maxcpus, sizeof(maxcpus));
	fw_cfg_read(0x03, &ram, sizeof(ram));
	fw_cfg_read(0x14, &clen, sizeof(clen));
	put_kv_hex("fw_cfg.id", id);
	put_kv_dec("fw_cfg.nb_cpus", ncpus);
	put_kv_dec("fw_cfg.max_cpus", maxcpus);
	puts("fw_cfg.ram_size=");
	put_hex64(ram);
	serial_putc('\n');
	put_kv_dec("fw_cfg.cmdline_size", clen);
	if (clen >= sizeof(cmdline))
		clen = sizeof(cmdline) - 1;
	fw_cfg_read(0x15, cmdline, clen);
	cmdline[clen] = 0;
	put_kv_str("fw_cfg.cmdline", cmdline);
	puts("fwcfg: done\n");
	return 0;
}
