// SPDX-License-Identifier: GPL-2.0-or-later
/* A polling virtio-blk-pci reader (see vpci-blk.h). */
#include "vpci-blk.h"
#include "pci.h"
#include "virtio.h"

#define SPINS 4000000u

static struct vio_queue q;
static struct {
	uint32_t type, ioprio;
	uint64_t sector;
} hdr;
static volatile uint8_t status;

int vpci_blk_find(void)
{
	for (unsigned s = 0; s < 32; s++) {
		uint32_t id = pci_cfg_read(s, 0);

		/* modern, or transitional (QEMU's default on a PCI bus) */
		if (id == (0x1042u << 16 | 0x1af4) || id == (0x1001u << 16 | 0x1af4))
			return s;
	}
	return -1;
}

/* Where BAR bar is: where a firmware or Keel put it, else at addr. */
static uint32_t bar_at(unsigned slot, unsigned bar, uint32_t addr)
{
	unsigned reg = 0x10 + 4 * bar;
	uint32_t v = pci_cfg_read(slot, reg);

	if ((v & 6) == 4 && pci_cfg_read(slot, reg + 4))
		return 0;	/* above 4 GiB: out of a 32-bit guest's reach */
	if (v & ~0xfu)
		return v & ~0xfu;
	pci_cfg_write(slot, reg, addr);
	return pci_cfg_read(slot, reg) & ~0xfu;
}

int vpci_blk_read(unsigned slot, uint32_t bar_addr, uint64_t sector, void *buf,
		  const char **why)
{
	uint32_t common = 0, notify = 0, isr = 0, mult = 0, len;
	unsigned n = 0;

	for (unsigned pos = pci_cfg_read8(slot, 0x34); pos && n++ < 16; pos = pci_cfg_read8(slot, pos + 1)) {
		uint32_t where;

		if (pci_cfg_read8(slot, pos) != 0x09 || pci_cfg_read8(slot, pos + 3) > 3)
			continue;
		where = bar_at(slot, pci_cfg_read8(slot, pos + 4), bar_addr);
		if (!where)
			continue;
		where += pci_cfg_read(slot, pos + 8);
		switch (pci_cfg_read8(slot, pos + 3)) {
		case 1:
			common = where;
			break;
		case 2:
			notify = where;
			mult = pci_cfg_read(slot, pos + 16);
			break;
		case 3:
			isr = where;
			break;
		}
	}
	*why = "virtio capabilities";
	if (!common || !notify || !isr)
		return -1;
	pci_cfg_write(slot, 4, pci_cfg_read(slot, 4) | 0x6);	/* memory decoding and bus mastering */
	mmio_write8(common + C_STATUS, 0);
	mmio_write8(common + C_STATUS, 3);	/* ACKNOWLEDGE, DRIVER */
	mmio_write32(common + C_GFSELECT, 0);
	mmio_write32(common + C_GF, 0);
	mmio_write32(common + C_GFSELECT, 1);
	mmio_write32(common + C_GF, 1);	/* VERSION_1 */
	mmio_write8(common + C_STATUS, 0xb);
	*why = "FEATURES_OK";
	if (mmio_read8(common + C_STATUS) != 0xb)
		return -1;
	memset(&q, 0, sizeof(q));
	mmio_write16(common + C_Q_SELECT, 0);
	*why = "queue 0";
	if (mmio_read16(common + C_Q_SIZE) < VQ_SIZE)
		return -1;
	mmio_write16(common + C_Q_SIZE, VQ_SIZE);
	mmio_write32(common + C_Q_DESC, (uint32_t)q.desc);
	mmio_write32(common + C_Q_DESC + 4, 0);
	mmio_write32(common + C_Q_AVAIL, (uint32_t)&q.avail);
	mmio_write32(common + C_Q_AVAIL + 4, 0);
	mmio_write32(common + C_Q_USED, (uint32_t)&q.used);
	mmio_write32(common + C_Q_USED + 4, 0);
	mmio_write16(common + C_Q_ENABLE, 1);
	mmio_write8(common + C_STATUS, 0xf);

	hdr.type = 0;	/* VIRTIO_BLK_T_IN */
	hdr.sector = sector;
	status = 0xff;
	q.desc[0] = (struct vio_desc){ (uint32_t)&hdr, sizeof(hdr), VIO_F_NEXT, 1 };
	q.desc[1] = (struct vio_desc){ (uint32_t)buf, 512, VIO_F_NEXT | VIO_F_WRITE, 2 };
	q.desc[2] = (struct vio_desc){ (uint32_t)&status, 1, VIO_F_WRITE, 0 };
	q.avail.ring[0] = 0;
	vio_barrier();
	q.avail.idx = 1;
	vio_barrier();
	mmio_write16(notify + mmio_read16(common + C_Q_NOFF) * mult, 0);
	*why = "read not completed";
	if (vio_wait_used(&q, SPINS, &len) != 0 || len != 513 || status != 0)
		return -1;
	mmio_read8(isr);	/* lowers INTx */
	return 0;
}
