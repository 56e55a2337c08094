// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sPAPR virtual terminal (hvterm1): H_PUT_TERM_CHAR writes to the
 * chardev, H_GET_TERM_CHAR takes up to 16 bytes from an input buffer the
 * chardev fills. Input pulses the VTY's XICS source, so the guest's hvc
 * driver reads on the interrupt instead of polling. bql held.
 */
#include <string.h>

#include "chardev/char.h"
#include "hw/ppc/spapr.h"
#include "system/error.h"

#define VTY_IN_SIZE 1024

struct spapr_vty {
	struct chardev *chr;
	uint8_t in[VTY_IN_SIZE];
	size_t head, len;
	bool throttled; /* the backend was told we are full */
};

static struct spapr_vty *vty;

static size_t vty_can_read(void *opaque)
{
	struct spapr_vty *v = opaque;
	size_t room = VTY_IN_SIZE - v->len;

	if (!room)
		v->throttled = true;
	return room;
}

static void vty_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct spapr_vty *v = opaque;
	size_t before = v->len;

	for (size_t i = 0; i < len && v->len < VTY_IN_SIZE; i++) {
		v->in[(v->head + v->len) % VTY_IN_SIZE] = buf[i];
		v->len++;
	}
	/*
	 * Edge-triggered: pulse on every arrival, not only when the buffer was
	 * empty, so input is never stranded behind a partial read (a spurious
	 * interrupt just finds nothing to read).
	 */
	if (v->len > before)
		spapr_irq_raise(SPAPR_IRQ_VTY);
}

static const struct chr_frontend vty_frontend = {
	.can_read = vty_can_read,
	.read = vty_read,
};

int spapr_vty_init(struct chardev *chr, GError **err)
{
	if (vty) {
		error_setg(err, "only one spapr-vty is supported");
		return -1;
	}
	vty = g_new0(struct spapr_vty, 1);
	vty->chr = chr;
	if (chr && chardev_attach(chr, &vty_frontend, vty, err) < 0) {
		g_free(vty);
		vty = NULL;
		return -1;
	}
	return 0;
}

void spapr_vty_fini(void)
{
	if (!vty)
		return;
	if (vty->chr)
		chardev_detach(vty->chr);
	g_free(vty);
	vty = NULL;
}

bool spapr_vty_exists(uint32_t reg)
{
	return vty && reg == SPAPR_VTY_REG;
}

size_t spapr_vty_put(uint32_t reg, const uint8_t *buf, size_t len)
{
	if (!spapr_vty_exists(reg))
		return 0;
	if (vty->chr && len)
		chardev_write(vty->chr, buf, len);
	return len; /* output without a backend is dropped, as on a real console */
}

size_t spapr_vty_get(uint32_t reg, uint8_t *buf, size_t max)
{
	size_t n = 0;

	if (!spapr_vty_exists(reg))
		return 0;
	while (n < max && vty->len) {
		buf[n++] = vty->in[vty->head];
		vty->head = (vty->head + 1) % VTY_IN_SIZE;
		vty->len--;
	}
	if (n && vty->throttled && vty->chr) {
		vty->throttled = false;
		chardev_accept_input(vty->chr);
	}
	return n;
}
