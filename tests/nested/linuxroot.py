# SPDX-License-Identifier: GPL-2.0-or-later
"""A Linux guest whose root file system is on a virtio-blk disk, shared by
the nested tiers (tests/nested/run-x86-linux, tests/nested/arm64/run).

The guest boots an initramfs that loads modules from Debian's kernel
package (busybox insmod: listed in load order, dependencies first), mounts
root= as ext4 and switches root to it, where /sbin/vtest is PID 1. The root
is an ext4 image made from a busybox tree with `mkfs.ext4 -d`. The network
side (a busybox httpd on the emulated host's loopback, reached through
slirp's gateway 10.0.2.2) uses the udhcpc script and CGI below.
"""

import os
import shutil
import subprocess

# The initramfs /init: modules, then the real root.
SWITCH_ROOT_INIT = r'''#!/bin/sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /mods/order); do
	insmod "/mods/$m.ko" || echo "vtest: insmod $m failed"
done
root=$(sed -n 's/.*root=\([^ ]*\).*/\1/p' /proc/cmdline)
n=0
while [ ! -b "$root" ] && [ $n -lt 200 ]; do n=$((n + 1)); sleep 0.1; done
mkdir -p /newroot
mount -t ext4 "$root" /newroot || { echo "vtest: cannot mount $root"; poweroff -f; }
mount --move /dev /newroot/dev
umount /proc /sys
exec switch_root /newroot /sbin/vtest
'''

# udhcpc's event script: configure the lease and record it in /tmp/lease.
UDHCPC_SCRIPT = r'''#!/bin/sh
case "$1" in
bound|renew)
	ifconfig "$interface" "$ip" netmask "$subnet"
	route add default gw "$router" dev "$interface"
	echo "$ip $subnet $router $dns" >/tmp/lease ;;
esac
'''

# httpd CGI: the MD5 of what was posted.
UPLOAD_CGI = r'''#!/bin/sh
echo "Content-Type: text/plain"
echo
head -c "$CONTENT_LENGTH" | md5sum | cut -d' ' -f1
'''

ROOT_DIRS = ('bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'data')


def write_exec(path, text):
    path.write_text(text)
    path.chmod(0o755)


def pattern_md5(word, n):
    """MD5 of `yes word | head -c n`, the data both sides generate."""
    out = subprocess.run(['sh', '-c', 'yes %s | head -c %d | md5sum' % (word, n)],
                         capture_output=True, text=True, check=True).stdout
    return out.split()[0]


def extract_modules(kdeb, modules, dest):
    """Copy modules (paths below kernel/, no .ko) from kdeb to dest/mods
    with dest/mods/order, one name a line in the given load order."""
    with_ko = ['*/kernel/%s.ko' % m for m in modules]
    kroot = dest / '.kernel'
    kroot.mkdir(parents=True)
    tar = subprocess.Popen(['dpkg-deb', '--fsys-tarfile', str(kdeb)], stdout=subprocess.PIPE)
    subprocess.run(['tar', '-x', '-C', str(kroot), '--wildcards'] + with_ko, stdin=tar.stdout,
                   check=True)
    tar.stdout.close()
    if tar.wait():
        raise RuntimeError('cannot unpack %s' % kdeb.name)
    (dest / 'mods').mkdir(exist_ok=True)
    for m in modules:
        found = list(kroot.glob('lib/modules/*/kernel/%s.ko' % m))
        if not found:
            raise RuntimeError('module %s not in %s' % (m, kdeb.name))
        shutil.copy(found[0], dest / 'mods')
    (dest / 'mods' / 'order').write_text('\n'.join(m.split('/')[-1] for m in modules) + '\n')
    shutil.rmtree(kroot)


def busybox_tree(busybox, root, applets=None):
    """A root tree with busybox: applets (busybox --list-full output) become
    symbolic links; None leaves them to `busybox --install -s` at boot (a
    foreign-architecture busybox cannot list them here)."""
    for d in ROOT_DIRS:
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy(busybox, root / 'bin' / 'busybox')
    os.symlink('busybox', root / 'bin' / 'sh')
    for a in applets or ():
        link = root / a
        if not os.path.lexists(link):
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink('/bin/busybox', link)


def make_ext4(tree, image, mib, label='keelroot'):
    subprocess.run(['mkfs.ext4', '-q', '-F', '-L', label, '-d', str(tree), str(image),
                    '%dM' % mib], stdout=subprocess.DEVNULL, check=True)


def pack_cpio(tree, out, level=6):
    """A gzipped newc initramfs of tree, every file owned by root."""
    with open(out, 'wb') as f:
        pack = subprocess.Popen(['sh', '-c', 'find . | cpio -o -H newc --quiet -R 0:0 | gzip -%d'
                                 % level], cwd=tree, stdout=f)
        if pack.wait():
            raise RuntimeError('cannot pack %s' % tree)


def switch_root_initramfs(base, kdeb, modules, out):
    """base: a busybox tree; adds the modules and SWITCH_ROOT_INIT, packs to out."""
    extract_modules(kdeb, modules, base)
    write_exec(base / 'init', SWITCH_ROOT_INIT)
    pack_cpio(base, out)


def http_root(www, blob):
    """httpd's document root: /blob (blob = (word, length)) and /cgi-bin/up."""
    (www / 'cgi-bin').mkdir(parents=True, exist_ok=True)
    with open(www / 'blob', 'wb') as f:
        subprocess.run(['sh', '-c', 'yes %s | head -c %d' % blob], stdout=f, check=True)
    write_exec(www / 'cgi-bin' / 'up', UPLOAD_CGI)

