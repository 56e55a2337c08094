// SPDX-License-Identifier: GPL-2.0-or-later
/* A polling virtio-blk-pci reader (see vpci-blk.h). */
#include "vpci-blk.h"
#include "virtio.h"

#define CONFIG_ADDR 0xcf8
#define CONFIG_DATA 0xcfc
#define SPINS 4000000u

/* virtio-pci common configuration offsets */
#define C_DFSELECT 0x00
#define C_DF 0x04
#define C_GFSELECT 0x08
#define C_GF 0x0c
#define C_STATUS 0x14
#define C_Q_SELECT 0x16
#define C_Q_SIZE 0x18
#define C_Q_ENABLE 0x1c
#define C_Q_NOFF 0x1e
#define C_Q_DESC 0x20
#define C_Q_AVAIL 0x28
#define C_Q_USED 0x30

static struct vio_queue q;
static struct {
	uint32_t type, ioprio;
	uint64_t sector;
} hdr;
static volatile uint8_t status;

static uint32_t cfg_rd(unsigned slot, unsigned reg)
{
	uint32_t v;

	outl(CONFIG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	asm volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)CONFIG_DATA));
	return v;
}

static void cfg_wr(unsigned slot, unsigned reg, uint32_t v)
{
	outl(CONFIG_ADDR, 0x80000000u | slot << 11 | (reg & 0xfc));
	outl(CONFIG_DATA, v);
}

static uint8_t cfg_rd8(unsigned slot, unsigned reg)
{
	return cfg_rd(slot, reg) >> (8 * (reg & 3));
}

static void wr8(uint32_t a, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)a = v;
}

static uint8_t rd8(uint32_t a)
{
	return *(volatile uint8_t *)(uintptr_t)a;
}

static void wr16(uint32_t a, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)a = v;
}

static uint16_t rd16(uint32_t a)
{
	return *(volatile uint16_t *)(uintptr_t)a;
}

uint32_t fnv1a(const void *p, uint32_t n)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

int vpci_blk_find(void)
{
	for (unsigned s = 0; s < 32; s++) {
		uint32_t id = cfg_rd(s, 0);

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
	uint32_t v = cfg_rd(slot, reg);

	if ((v & 6) == 4 && cfg_rd(slot, reg + 4))
		return 0;	/* above 4 GiB: out of a 32-bit guest's reach */
	if (v & ~0xfu)
		return v & ~0xfu;
	cfg_wr(slot, reg, addr);
	return cfg_rd(slot, reg) & ~0xfu;
}

int vpci_blk_read(unsigned slot, uint32_t bar_addr, uint64_t sector, void *buf,
		  const char **why)
{
	uint32_t common = 0, notify = 0, isr = 0, mult = 0, len;
	unsigned n = 0;

	for (unsigned pos = cfg_rd8(slot, 0x34); pos && n++ < 16; pos = cfg_rd8(slot, pos + 1)) {
		uint32_t where;

		if (cfg_rd8(slot, pos) != 0x09 || cfg_rd8(slot, pos + 3) > 3)
			continue;
		where = bar_at(slot, cfg_rd8(slot, pos + 4), bar_addr);
		if (!where)
			continue;
		where += cfg_rd(slot, pos + 8);
		switch (cfg_rd8(slot, pos + 3)) {
		case 1:
			common = where;
			break;
		case 2:
			notify = where;
			mult = cfg_rd(slot, pos + 16);
			break;
		case 3:
			isr = where;
			break;
		}
	}
	*why = "virtio capabilities";
	if (!common || !notify || !isr)
		return -1;
	cfg_wr(slot, 4, cfg_rd(slot, 4) | 0x6);	/* memory decoding and bus mastering */
	wr8(common + C_STATUS, 0);
	wr8(common + C_STATUS, 3);	/* ACKNOWLEDGE, DRIVER */
	mmio_write32(common + C_GFSELECT, 0);
	mmio_write32(common + C_GF, 0);
	mmio_write32(common + C_GFSELECT, 1);
	mmio_write32(common + C_GF, 1);	/* VERSION_1 */
	wr8(common + C_STATUS, 0xb);
	*why = "FEATURES_OK";
	if (rd8(common + C_STATUS) != 0xb)
		return -1;
	memset(&q, 0, sizeof(q));
	wr16(common + C_Q_SELECT, 0);
	*why = "queue 0";
	if (rd16(common + C_Q_SIZE) < VQ_SIZE)
		return -1;
	wr16(common + C_Q_SIZE, VQ_SIZE);
	mmio_write32(common + C_Q_DESC, (uint32_t)q.desc);
	mmio_write32(common + C_Q_DESC + 4, 0);
	mmio_write32(common + C_Q_AVAIL, (uint32_t)&q.avail);
	mmio_write32(common + C_Q_AVAIL + 4, 0);
	mmio_write32(common + C_Q_USED, (uint32_t)&q.used);
	mmio_write32(common + C_Q_USED + 4, 0);
	wr16(common + C_Q_ENABLE, 1);
	wr8(common + C_STATUS, 0xf);

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
	wr16(notify + rd16(common + C_Q_NOFF) * mult, 0);
	*why = "read not completed";
	if (vio_wait_used(&q, SPINS, &len) != 0 || len != 513 || status != 0)
		return -1;
	rd8(isr);	/* lowers INTx */
	return 0;
}
