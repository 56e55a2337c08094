#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""fw_cfg as a guest sees it through the legacy ports."""

import keeltest
from keeltest import check_eq, exit_status


@keeltest.test
def fwcfg_items(env):
    r = env.run_guest('fwcfg.elf', append='fw=cfg test', extra=['-smp', '2', '-m', '128'])
    r.expect_status(exit_status(0))
    check_eq(r.value('fw_cfg.signature'), 'QEMU', 'signature')
    check_eq(r.value('fw_cfg.nb_cpus'), '2', 'nb_cpus')
    check_eq(int(r.value('fw_cfg.ram_size'), 16), 128 << 20, 'ram size')
    cmdline = r.value('fw_cfg.cmdline')
    keeltest.check(cmdline.endswith('fw=cfg test'), 'cmdline %r ends with -append' % cmdline)


if __name__ == '__main__':
    keeltest.main()
