// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The virt machine's device tree, built with libfdt's sequential writer.
 * Nothing here touches KVM, so the unit tests check the tree on any host.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "hw/arm/virt.h"
#include "system/error.h"

#define FDT_MAX (64 * 1024)

/* GIC interrupt specifier: type, number, flags. */
#define GIC_SPI 0
#define GIC_PPI 1
#define IRQ_LEVEL_HI 4

enum { PHANDLE_GIC = 1, PHANDLE_ITS, PHANDLE_CLK };

struct fdt_w {
	void *fdt;
	int err;
};

/* Every libfdt call goes through these so the first error sticks. */
#define W(w, call)                                                                                 \
	do {                                                                                       \
		if (!(w)->err) {                                                                   \
			int r_ = (call);                                                           \
			if (r_ < 0)                                                                \
				(w)->err = r_;                                                     \
		}                                                                                  \
	} while (0)

static void prop_cells(struct fdt_w *w, const char *name, const uint32_t *cells, unsigned n)
{
	fdt32_t be[16];

	g_assert(n <= G_N_ELEMENTS(be));
	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(cells[i]);
	W(w, fdt_property(w->fdt, name, be, n * sizeof(fdt32_t)));
}

/* reg = <addr size> with #address-cells = #size-cells = 2. */
static void prop_reg2(struct fdt_w *w, const uint64_t *pairs, unsigned npairs)
{
	uint32_t cells[16];

	for (unsigned i = 0; i < npairs * 2; i++)
		cells[i * 2] = pairs[i] >> 32, cells[i * 2 + 1] = (uint32_t)pairs[i];
	prop_cells(w, "reg", cells, npairs * 4);
}

static void prop_strings(struct fdt_w *w, const char *name, const char *const *s, unsigned n)
{
	GString *buf = g_string_new(NULL);

	for (unsigned i = 0; i < n; i++)
		g_string_append_len(buf, s[i], strlen(s[i]) + 1);
	W(w, fdt_property(w->fdt, name, buf->str, buf->len));
	g_string_free(buf, TRUE);
}

static void cpus_node(struct fdt_w *w, const struct virt_fdt_config *c)
{
	W(w, fdt_begin_node(w->fdt, "cpus"));
	W(w, fdt_property_u32(w->fdt, "#address-cells", 1));
	W(w, fdt_property_u32(w->fdt, "#size-cells", 0));
	for (unsigned i = 0; i < c->ncpus; i++) {
		/* Aff2.Aff1.Aff0: Aff3 is zero below 2^24 CPUs. */
		uint32_t reg = c->mpidr[i] & 0xffffff;
		char name[32];

		snprintf(name, sizeof(name), "cpu@%x", reg);
		W(w, fdt_begin_node(w->fdt, name));
		W(w, fdt_property_string(w->fdt, "device_type", "cpu"));
		W(w, fdt_property_string(w->fdt, "compatible", "arm,arm-v8"));
		W(w, fdt_property_u32(w->fdt, "reg", reg));
		if (c->ncpus > 1)
			W(w, fdt_property_string(w->fdt, "enable-method", "psci"));
		W(w, fdt_end_node(w->fdt));
	}
	W(w, fdt_end_node(w->fdt));
}

static void gic_node(struct fdt_w *w, const struct virt_fdt_config *c)
{
	uint64_t reg[] = { VIRT_GICD_BASE, VIRT_GICD_SIZE, VIRT_GICR_BASE,
			   VIRT_GICR_STRIDE * c->ncpus };
	uint32_t maint[] = { GIC_PPI, VIRT_GIC_MAINT_PPI, IRQ_LEVEL_HI };
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VIRT_GICD_BASE);
	W(w, fdt_begin_node(w->fdt, name));
	W(w, fdt_property_string(w->fdt, "compatible", "arm,gic-v3"));
	W(w, fdt_property_u32(w->fdt, "#interrupt-cells", 3));
	W(w, fdt_property(w->fdt, "interrupt-controller", NULL, 0));
	W(w, fdt_property_u32(w->fdt, "#address-cells", 2));
	W(w, fdt_property_u32(w->fdt, "#size-cells", 2));
	W(w, fdt_property(w->fdt, "ranges", NULL, 0));
	prop_reg2(w, reg, 2);
	W(w, fdt_property_u32(w->fdt, "#redistributor-regions", 1));
	prop_cells(w, "interrupts", maint, 3);
	W(w, fdt_property_u32(w->fdt, "phandle", PHANDLE_GIC));
	if (c->its) {
		uint64_t its_reg[] = { VIRT_ITS_BASE, VIRT_ITS_SIZE };

		snprintf(name, sizeof(name), "its@%llx", (unsigned long long)VIRT_ITS_BASE);
		W(w, fdt_begin_node(w->fdt, name));
		W(w, fdt_property_string(w->fdt, "compatible", "arm,gic-v3-its"));
		W(w, fdt_property(w->fdt, "msi-controller", NULL, 0));
		W(w, fdt_property_u32(w->fdt, "#msi-cells", 1));
		prop_reg2(w, its_reg, 1);
		W(w, fdt_property_u32(w->fdt, "phandle", PHANDLE_ITS));
		W(w, fdt_end_node(w->fdt));
	}
	W(w, fdt_end_node(w->fdt));
}

static void timer_node(struct fdt_w *w)
{
	static const char *const compat[] = { "arm,armv8-timer", "arm,armv7-timer" };
	uint32_t irqs[] = {
		GIC_PPI, VIRT_TIMER_PPI_SEC,  IRQ_LEVEL_HI, GIC_PPI, VIRT_TIMER_PPI_NS,	 IRQ_LEVEL_HI,
		GIC_PPI, VIRT_TIMER_PPI_VIRT, IRQ_LEVEL_HI, GIC_PPI, VIRT_TIMER_PPI_HYP, IRQ_LEVEL_HI,
	};

	W(w, fdt_begin_node(w->fdt, "timer"));
	prop_strings(w, "compatible", compat, 2);
	prop_cells(w, "interrupts", irqs, 12);
	W(w, fdt_property(w->fdt, "always-on", NULL, 0));
	W(w, fdt_end_node(w->fdt));
}

static void uart_nodes(struct fdt_w *w, char *path, size_t path_len)
{
	static const char *const compat[] = { "arm,pl011", "arm,primecell" };
	static const char *const clock_names[] = { "uartclk", "apb_pclk" };
	uint64_t reg[] = { VIRT_UART_BASE, VIRT_UART_SIZE };
	uint32_t irq[] = { GIC_SPI, VIRT_UART_SPI, IRQ_LEVEL_HI };
	uint32_t clocks[] = { PHANDLE_CLK, PHANDLE_CLK };

	W(w, fdt_begin_node(w->fdt, "apb-pclk"));
	W(w, fdt_property_string(w->fdt, "compatible", "fixed-clock"));
	W(w, fdt_property_u32(w->fdt, "#clock-cells", 0));
	W(w, fdt_property_u32(w->fdt, "clock-frequency", 24000000));
	W(w, fdt_property_string(w->fdt, "clock-output-names", "clk24mhz"));
	W(w, fdt_property_u32(w->fdt, "phandle", PHANDLE_CLK));
	W(w, fdt_end_node(w->fdt));

	snprintf(path, path_len, "pl011@%llx", (unsigned long long)VIRT_UART_BASE);
	W(w, fdt_begin_node(w->fdt, path));
	prop_strings(w, "compatible", compat, 2);
	prop_reg2(w, reg, 1);
	prop_cells(w, "interrupts", irq, 3);
	prop_cells(w, "clocks", clocks, 2);
	prop_strings(w, "clock-names", clock_names, 2);
	W(w, fdt_end_node(w->fdt));
}

static void virtio_nodes(struct fdt_w *w, unsigned n)
{
	/*
	 * Ascending, in command-line order: Linux probes the nodes in tree
	 * order, so the first -drive is vda and transport n is virtio<n>, as
	 * on x86 (Debian's 6.1 kernel showed the reverse with the nodes
	 * written backwards).
	 */
	for (unsigned i = 0; i < n; i++) {
		uint64_t reg[] = { VIRT_MMIO_BASE + i * VIRT_MMIO_STRIDE, VIRT_MMIO_STRIDE };
		uint32_t irq[] = { GIC_SPI, VIRT_MMIO_SPI + i, IRQ_LEVEL_HI };
		char name[40];

		snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)reg[0]);
		W(w, fdt_begin_node(w->fdt, name));
		W(w, fdt_property_string(w->fdt, "compatible", "virtio,mmio"));
		prop_reg2(w, reg, 1);
		prop_cells(w, "interrupts", irq, 3);
		W(w, fdt_property(w->fdt, "dma-coherent", NULL, 0));
		W(w, fdt_end_node(w->fdt));
	}
}

void *virt_fdt_build(const struct virt_fdt_config *c, size_t *size, GError **err)
{
	static const char *const psci_compat[] = { "arm,psci-0.2", "arm,psci" };
	struct fdt_w w = { .fdt = g_malloc0(FDT_MAX) };
	uint64_t mem[] = { c->ram_base, c->ram_size };
	char uart[32], node[32], stdout_path[40];

	if (!c->ncpus || !c->mpidr || !c->ram_size) {
		error_setg(err, "device tree: no CPUs or no RAM");
		g_free(w.fdt);
		return NULL;
	}
	W(&w, fdt_create(w.fdt, FDT_MAX));
	W(&w, fdt_finish_reservemap(w.fdt));
	W(&w, fdt_begin_node(w.fdt, ""));
	W(&w, fdt_property_string(w.fdt, "compatible", "linux,dummy-virt"));
	W(&w, fdt_property_string(w.fdt, "model", "Keel virt (KVM)"));
	W(&w, fdt_property_u32(w.fdt, "#address-cells", 2));
	W(&w, fdt_property_u32(w.fdt, "#size-cells", 2));
	W(&w, fdt_property_u32(w.fdt, "interrupt-parent", PHANDLE_GIC));

	W(&w, fdt_begin_node(w.fdt, "psci"));
	prop_strings(&w, "compatible", psci_compat, 2);
	W(&w, fdt_property_string(w.fdt, "method", "hvc"));
	W(&w, fdt_end_node(w.fdt));

	cpus_node(&w, c);

	snprintf(node, sizeof(node), "memory@%llx", (unsigned long long)c->ram_base);
	W(&w, fdt_begin_node(w.fdt, node));
	W(&w, fdt_property_string(w.fdt, "device_type", "memory"));
	prop_reg2(&w, mem, 1);
	W(&w, fdt_end_node(w.fdt));

	gic_node(&w, c);
	timer_node(&w);
	uart_nodes(&w, uart, sizeof(uart));
	virtio_nodes(&w, MIN(c->virtio_mmio_slots, VIRT_MMIO_SLOTS));

	W(&w, fdt_begin_node(w.fdt, "chosen"));
	snprintf(stdout_path, sizeof(stdout_path), "/%s", uart);
	W(&w, fdt_property_string(w.fdt, "stdout-path", stdout_path));
	if (c->bootargs)
		W(&w, fdt_property_string(w.fdt, "bootargs", c->bootargs));
	if (c->initrd_end > c->initrd_start) {
		W(&w, fdt_property_u64(w.fdt, "linux,initrd-start", c->initrd_start));
		W(&w, fdt_property_u64(w.fdt, "linux,initrd-end", c->initrd_end));
	}
	W(&w, fdt_end_node(w.fdt));

	W(&w, fdt_end_node(w.fdt));
	W(&w, fdt_finish(w.fdt));
	W(&w, fdt_pack(w.fdt));
	if (w.err) {
		error_setg(err, "device tree: %s", fdt_strerror(w.err));
		g_free(w.fdt);
		return NULL;
	}
	*size = fdt_totalsize(w.fdt);
	return w.fdt;
}
