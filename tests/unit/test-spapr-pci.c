// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pseries PHB without KVM: its device-tree node (read back with libfdt
 * as Linux's pseries PCI code reads it), the RTAS config-space calls with
 * big-endian argument buffers in guest RAM (and bad addresses, sizes and
 * BUIDs answered with RTAS errors), BARs decoded at the window's CPU
 * address, INTx on the XICS sources, MSI-X through RTAS ibm,change-msi and
 * ibm,query-interrupt-source-number (the table entries Keel writes, errors,
 * exhaustion), and the cold state after a system reset.
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "hw/pci/msix.h"
#include "hw/pci/pci.h"
#include "hw/ppc/spapr-pci.h"
#include "hw/ppc/spapr.h"
#include "hw/virtio/virtio-pci.h"
#include "system/memory.h"
#include "system/opts.h"

#define RAM_SIZE (32ULL << 20)
#define RTAS_BUF 0x8000ULL
#define FDT_SIZE (64 * 1024)

static uint8_t *ram_host;

static int create_device(const char *spec, GError **err)
{
	struct kopts *o = kopts_parse(spec, "driver", err);
	int ret;

	ck_assert_ptr_nonnull(o);
	ret = device_create(o, err);
	kopts_free(o);
	return ret;
}

/* RAM at 0, the PHB, a virtio-rng-pci at slot 5 and one at the first free slot (0). */
static void setup(void)
{
	struct ram_region *r = ram_region_new("test.ram", RAM_SIZE);
	GError *err = NULL;

	ck_assert_ptr_nonnull(r);
	memory_begin();
	memory_map_ram(r, 0);
	ck_assert_int_eq(memory_commit(), 0);
	ram_host = ram_region_host(r);
	ck_assert_int_eq(spapr_phb_init(&err), 0);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=5", &err), 0);
	ck_assert_int_eq(create_device("virtio-rng-pci", &err), 0);
}

/* One RTAS call through the guest's buffer: token, nargs, nret, args (big-endian). */
static void rtas(unsigned index, uint32_t nargs, uint32_t nret, const uint32_t *args,
		 uint32_t *rets)
{
	uint32_t w[3 + 16];

	memset(ram_host + RTAS_BUF, 0xee, sizeof(w));
	w[0] = GUINT32_TO_BE(spapr_rtas_token(index));
	w[1] = GUINT32_TO_BE(nargs);
	w[2] = GUINT32_TO_BE(nret);
	for (unsigned i = 0; i < nargs; i++)
		w[3 + i] = GUINT32_TO_BE(args[i]);
	memcpy(ram_host + RTAS_BUF, w, (3 + nargs) * 4);
	ck_assert_int_eq(spapr_rtas_call(0, RTAS_BUF), H_SUCCESS);
	memcpy(w, ram_host + RTAS_BUF + 12 + 4 * nargs, 4 * nret);
	for (unsigned i = 0; i < nret; i++)
		rets[i] = GUINT32_FROM_BE(w[i]);
}

static uint32_t cfg_addr(unsigned bus, unsigned slot, unsigned reg)
{
	return (reg & 0xf00) << 20 | bus << 16 | slot << 11 | (reg & 0xff);
}

/* ibm,read-pci-config on the PHB: status in *st, the value returned. */
static uint32_t ibm_read(uint32_t addr, uint32_t size, int32_t *st)
{
	uint32_t args[4] = { addr, SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID, size };
	uint32_t rets[2];

	rtas(RTAS_IBM_READ_PCI_CONFIG, 4, 2, args, rets);
	*st = (int32_t)rets[0];
	return rets[1];
}

static int32_t ibm_write(uint32_t addr, uint32_t size, uint32_t val)
{
	uint32_t args[5] = { addr, SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID, size, val };
	uint32_t rets[1];

	rtas(RTAS_IBM_WRITE_PCI_CONFIG, 5, 1, args, rets);
	return (int32_t)rets[0];
}

static uint32_t cfg_read_ok(unsigned slot, unsigned reg, unsigned size)
{
	int32_t st;
	uint32_t v = ibm_read(cfg_addr(0, slot, reg), size, &st);

	ck_assert_int_eq(st, RTAS_OUT_SUCCESS);
	return v;
}

static const fdt32_t *getprop(const void *fdt, const char *path, const char *name, int *len)
{
	int node = fdt_path_offset(fdt, path);
	const fdt32_t *p;

	ck_assert_msg(node >= 0, "no node %s", path);
	p = fdt_getprop(fdt, node, name, len);
	ck_assert_msg(p, "no %s in %s", name, path);
	return p;
}

static uint32_t cell(const void *fdt, const char *path, const char *name, int i)
{
	int len;
	const fdt32_t *p = getprop(fdt, path, name, &len);

	ck_assert_int_gt(len, 4 * i);
	return fdt32_to_cpu(p[i]);
}

static void *build_tree(void)
{
	struct spapr_fdt_config c = {
		.ram_size = RAM_SIZE,
		.smp_cpus = 1,
		.pvr = 0x004e1202,
		.radix = true,
		.rtas_addr = RAM_SIZE - SPAPR_RTAS_SIZE,
		.rtas_size = SPAPR_RTAS_SIZE,
		.vty = true,
		.nr_irqs = 32,
		.add_nodes = spapr_phb_build_fdt,
	};
	void *fdt = g_malloc0(FDT_SIZE);
	GError *err = NULL;

	ck_assert_int_gt(spapr_build_fdt(&c, fdt, FDT_SIZE, &err), 0);
	ck_assert_int_eq(fdt_check_header(fdt), 0);
	return fdt;
}

#define PHB "/pci@800000020000000"
#define RNG5 PHB "/pci1af4,1044@5"
#define RNG0 PHB "/pci1af4,1044@0"

START_TEST(phb_node)
{
	g_autofree void *fdt = build_tree();
	int len;
	const fdt32_t *p;
	uint64_t win_cpu;

	/* What find_and_init_phbs() and rtas_setup_phb() read. */
	ck_assert_str_eq(fdt_getprop(fdt, fdt_path_offset(fdt, PHB), "device_type", NULL), "pci");
	ck_assert_uint_eq(cell(fdt, PHB, "#address-cells", 0), 3);
	ck_assert_uint_eq(cell(fdt, PHB, "#size-cells", 0), 2);
	ck_assert_uint_eq(cell(fdt, PHB, "#interrupt-cells", 0), 1);
	/* reg: the BUID (root has 2 address cells), which ibm,*-pci-config names. */
	ck_assert_uint_eq((uint64_t)cell(fdt, PHB, "reg", 0) << 32 | cell(fdt, PHB, "reg", 1),
			  SPAPR_PHB_BUID);
	ck_assert_uint_eq(cell(fdt, PHB, "bus-range", 0), 0);
	ck_assert_uint_eq(cell(fdt, PHB, "bus-range", 1), 0);
	/* ranges: one 32-bit memory window, PCI 0x80000000 at CPU 1 << 45, 2 GiB. */
	p = getprop(fdt, PHB, "ranges", &len);
	ck_assert_int_eq(len, 7 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(p[0]), 0x02000000);
	ck_assert_uint_eq(fdt32_to_cpu(p[2]), 0x80000000u);
	win_cpu = (uint64_t)fdt32_to_cpu(p[3]) << 32 | fdt32_to_cpu(p[4]);
	ck_assert_uint_eq(win_cpu, SPAPR_PCI_MEM32_CPU);
	ck_assert_uint_eq(fdt32_to_cpu(p[6]), 0x80000000u);
	/* The default DMA window Linux 6.1 dereferences. */
	p = getprop(fdt, PHB, "ibm,dma-window", &len);
	ck_assert_int_eq(len, 5 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(p[0]), SPAPR_PHB_LIOBN);
	ck_assert_uint_eq(fdt32_to_cpu(p[4]), SPAPR_PHB_DMA_WINDOW);
	ck_assert_uint_eq(cell(fdt, PHB, "ibm,#dma-address-cells", 0), 2);
	ck_assert_uint_eq(cell(fdt, PHB, "ibm,#dma-size-cells", 0), 2);
	/* interrupt-map: slot/pin to XICS LSIs, swizzled; level sense. */
	ck_assert_uint_eq(cell(fdt, PHB, "interrupt-map-mask", 0), 0xf800);
	ck_assert_uint_eq(cell(fdt, PHB, "interrupt-map-mask", 3), 7);
	p = getprop(fdt, PHB, "interrupt-map", &len);
	ck_assert_int_eq(len, PCI_SLOTS * 4 * 7 * 4);
	for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
		for (unsigned pin = 0; pin < 4; pin++) {
			const fdt32_t *e = p + 7 * (4 * slot + pin);

			ck_assert_uint_eq(fdt32_to_cpu(e[0]), slot << 11);
			ck_assert_uint_eq(fdt32_to_cpu(e[3]), pin + 1);
			ck_assert_uint_eq(fdt32_to_cpu(e[4]), SPAPR_XICS_PHANDLE);
			ck_assert_uint_eq(fdt32_to_cpu(e[5]),
					  SPAPR_PHB_INTX_IRQ + (slot + pin) % 4);
			ck_assert_uint_eq(fdt32_to_cpu(e[6]), 1);
		}
	}
	/* The XICS node the map points at. */
	ck_assert_int_eq(fdt_node_offset_by_phandle(fdt, SPAPR_XICS_PHANDLE),
			 fdt_path_offset(fdt, "/interrupt-controller"));
	/* The RTAS tokens Linux looks up for config space. */
	ck_assert_uint_eq(cell(fdt, "/rtas", "ibm,read-pci-config", 0),
			  spapr_rtas_token(RTAS_IBM_READ_PCI_CONFIG));
	ck_assert_uint_eq(cell(fdt, "/rtas", "ibm,write-pci-config", 0),
			  spapr_rtas_token(RTAS_IBM_WRITE_PCI_CONFIG));
	ck_assert_uint_eq(cell(fdt, "/rtas", "read-pci-config", 0),
			  spapr_rtas_token(RTAS_READ_PCI_CONFIG));
	/* MSI: both calls, and the sources the PHB's functions share (Linux's MSI domain). */
	ck_assert_uint_eq(cell(fdt, "/rtas", "ibm,change-msi", 0),
			  spapr_rtas_token(RTAS_IBM_CHANGE_MSI));
	ck_assert_uint_eq(cell(fdt, "/rtas", "ibm,query-interrupt-source-number", 0),
			  spapr_rtas_token(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER));
	ck_assert_uint_eq(cell(fdt, PHB, "ibm,pe-total-#msi", 0), 26);
	ck_assert_uint_lt(spapr_rtas_token(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER),
			  spapr_rtas_token(RTAS_FIRST_KERNEL));
}
END_TEST

START_TEST(function_nodes)
{
	g_autofree void *fdt = build_tree();
	const struct pci_device *d = pci_bus_device(5);
	int len, node, n = 0;
	const fdt32_t *p;

	ck_assert_ptr_nonnull(d);
	/* What of_create_pci_dev() and pci_dn read. */
	ck_assert_uint_eq(cell(fdt, RNG5, "vendor-id", 0), 0x1af4);
	ck_assert_uint_eq(cell(fdt, RNG5, "device-id", 0), 0x1044);
	ck_assert_uint_eq(cell(fdt, RNG5, "subsystem-vendor-id", 0), 0x1af4);
	ck_assert_uint_eq(cell(fdt, RNG5, "subsystem-id", 0), 0x1100);
	ck_assert_uint_eq(cell(fdt, RNG5, "revision-id", 0), 1);
	ck_assert_uint_eq(cell(fdt, RNG5, "class-code", 0), 0xff0000);
	ck_assert_uint_eq(cell(fdt, RNG5, "interrupts", 0), 1);
	/* MSI-X: one vector for config changes, one for the queue. */
	ck_assert_uint_eq(cell(fdt, RNG5, "ibm,req#msi-x", 0), 2);
	/* reg: config space of 00:05.0, then BAR 0's size and the MSI-X BAR's. */
	p = getprop(fdt, RNG5, "reg", &len);
	ck_assert_int_eq(len, 3 * 5 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(p[0]), 5 << 11);
	ck_assert_uint_eq(fdt32_to_cpu(p[5]), 0x02000000 | 5 << 11 | PCI_BASE_ADDRESS_0);
	ck_assert_uint_eq(fdt32_to_cpu(p[9]), d->bars[0].size);
	/* assigned-addresses: where hw/pci placed BAR 0, in the PCI window. */
	p = getprop(fdt, RNG5, "assigned-addresses", &len);
	ck_assert_int_eq(len, 2 * 5 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(p[0]), 0x82000000u | 5 << 11 | PCI_BASE_ADDRESS_0);
	ck_assert_uint_eq(fdt32_to_cpu(p[2]), d->bars[0].cold_addr);
	ck_assert_uint_ge(fdt32_to_cpu(p[2]), SPAPR_PCI_MEM32_PCI);
	ck_assert_uint_eq(fdt32_to_cpu(p[4]), d->bars[0].size);
	/* Both functions, nothing else, under the PHB. */
	ck_assert_int_ge(fdt_path_offset(fdt, RNG0), 0);
	fdt_for_each_subnode(node, fdt, fdt_path_offset(fdt, PHB))
		n++;
	ck_assert_int_eq(n, 2);
}
END_TEST

/* The tree lists what is plugged when it is built (at every reset). */
START_TEST(tree_follows_the_bus)
{
	GError *err = NULL;
	g_autofree void *before = build_tree();
	g_autofree void *after = NULL;

	ck_assert_int_lt(fdt_path_offset(before, PHB "/pci1af4,1044@7"), 0);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=7", &err), 0);
	after = build_tree();
	ck_assert_int_ge(fdt_path_offset(after, PHB "/pci1af4,1044@7"), 0);
	ck_assert_uint_eq(cell(after, PHB "/pci1af4,1044@7", "assigned-addresses", 2),
			  pci_bus_device(7)->bars[0].cold_addr);
}
END_TEST

START_TEST(rtas_config_reads_and_writes)
{
	uint32_t bar = pci_bus_device(5)->bars[0].cold_addr, args[3], rets[2];
	int32_t st;

	/* Big-endian buffers, little-endian config space: values as numbers. */
	ck_assert_uint_eq(cfg_read_ok(5, 0, 4), 0x10441af4);
	ck_assert_uint_eq(cfg_read_ok(5, 2, 2), 0x1044);
	ck_assert_uint_eq(cfg_read_ok(5, 1, 1), 0x1a);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_BASE_ADDRESS_0, 4), bar);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_INTERRUPT_PIN, 1), 1);
	/* The capability list: virtio's vendor caps and one MSI-X (2 vectors). */
	for (unsigned pos = cfg_read_ok(5, PCI_CAPABILITY_LIST, 1), n = 0; pos;
	     pos = cfg_read_ok(5, pos + 1, 1)) {
		if (cfg_read_ok(5, pos, 1) == PCI_CAP_ID_MSIX) {
			ck_assert_uint_eq(++n, 1);
			ck_assert_uint_eq(cfg_read_ok(5, pos + PCI_MSIX_FLAGS, 2), 1);
		} else {
			ck_assert_uint_eq(cfg_read_ok(5, pos, 1), PCI_CAP_ID_VNDR);
		}
	}
	/* A write goes through the write masks. */
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_COMMAND), 2, 0xffff), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_COMMAND, 2), PCI_COMMAND_IO | PCI_COMMAND_MEMORY |
			  PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_VENDOR_ID), 2, 0), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_VENDOR_ID, 2), 0x1af4);
	/* read-pci-config / write-pci-config: the same bus without a BUID. */
	args[0] = cfg_addr(0, 0, PCI_DEVICE_ID);
	args[1] = 2;
	rtas(RTAS_READ_PCI_CONFIG, 2, 2, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(rets[1], 0x1044);
	args[0] = cfg_addr(0, 0, PCI_INTERRUPT_LINE);
	args[1] = 1;
	args[2] = 0x5a;
	rtas(RTAS_WRITE_PCI_CONFIG, 3, 1, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(cfg_read_ok(0, PCI_INTERRUPT_LINE, 1), 0x5a);
	/* Master aborts keep their all-ones value and say so. */
	ck_assert_uint_eq(ibm_read(cfg_addr(0, 9, 0), 4, &st), ~0u);
	ck_assert_int_eq(st, RTAS_OUT_HW_ERROR);
}
END_TEST

START_TEST(rtas_config_errors)
{
	uint32_t args[5], rets[2];
	int32_t st;

	/* Empty slot, another bus, function 1, extended config space: HW error, all ones. */
	ck_assert_uint_eq(ibm_read(cfg_addr(0, 3, 0), 2, &st), 0xffff);
	ck_assert_int_eq(st, RTAS_OUT_HW_ERROR);
	ck_assert_uint_eq(ibm_read(cfg_addr(1, 5, 0), 4, &st), ~0u);
	ck_assert_int_eq(st, RTAS_OUT_HW_ERROR);
	ck_assert_uint_eq(ibm_read(cfg_addr(0, 5, 0) | 1 << 8, 1, &st), 0xff);
	ck_assert_int_eq(st, RTAS_OUT_HW_ERROR);
	ck_assert_uint_eq(ibm_read(cfg_addr(0, 5, 0x100), 4, &st), ~0u);
	ck_assert_int_eq(st, RTAS_OUT_HW_ERROR);
	ck_assert_int_eq(ibm_write(cfg_addr(0, 3, PCI_COMMAND), 2, 2), RTAS_OUT_HW_ERROR);
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, 0xffc), 4, 2), RTAS_OUT_HW_ERROR);
	/* Bad size or alignment: parameter error, nothing written. */
	ibm_read(cfg_addr(0, 5, 0), 3, &st);
	ck_assert_int_eq(st, RTAS_OUT_PARAM_ERROR);
	ibm_read(cfg_addr(0, 5, 2), 4, &st);
	ck_assert_int_eq(st, RTAS_OUT_PARAM_ERROR);
	ibm_read(cfg_addr(0, 5, 0), 0, &st);
	ck_assert_int_eq(st, RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_COMMAND + 1), 2, 0xffff),
			 RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_COMMAND), 8, 0xffff),
			 RTAS_OUT_PARAM_ERROR);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_COMMAND, 2), 0);
	/* Another PHB's BUID. */
	args[0] = cfg_addr(0, 5, 0);
	args[1] = 0;
	args[2] = 1;
	args[3] = 4;
	rtas(RTAS_IBM_READ_PCI_CONFIG, 4, 2, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	ck_assert_uint_eq(rets[1], ~0u);
	args[4] = 0xffff;
	args[0] = cfg_addr(0, 5, PCI_COMMAND);
	args[3] = 2;
	rtas(RTAS_IBM_WRITE_PCI_CONFIG, 5, 1, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_COMMAND, 2), 0);
	/* Wrong argument or return counts. */
	args[1] = SPAPR_PHB_BUID >> 32;
	args[2] = (uint32_t)SPAPR_PHB_BUID;
	rtas(RTAS_IBM_READ_PCI_CONFIG, 3, 2, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_IBM_READ_PCI_CONFIG, 4, 1, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_IBM_WRITE_PCI_CONFIG, 4, 1, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_READ_PCI_CONFIG, 1, 2, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_WRITE_PCI_CONFIG, 2, 1, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	/* A buffer outside RAM is the hypercall's error, not a crash. */
	ck_assert_int_eq(spapr_rtas_call(0, RAM_SIZE - 8), H_PARAMETER);
}
END_TEST

START_TEST(bars_intx_and_reset)
{
	struct pci_device *d = pci_bus_device(5);
	uint32_t pci_addr = d->bars[0].cold_addr, moved = 0xa0000000u, v = 0;
	uint64_t cpu = SPAPR_PCI_MEM32_CPU + (pci_addr - SPAPR_PCI_MEM32_PCI);

	/* Decoded only with COMMAND.MEMORY, at the CPU side of the window. */
	ck_assert(!io_dispatch(IO_SPACE_MMIO, cpu, &v, 4, false));
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_COMMAND), 2, PCI_COMMAND_MEMORY),
			 RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(d->bars[0].mapped, cpu);
	ck_assert(io_dispatch(IO_SPACE_MMIO, cpu, &v, 4, false));
	ck_assert(!io_dispatch(IO_SPACE_MMIO, pci_addr, &v, 4, false));
	/* The guest may move it; the CPU address follows. */
	ck_assert_int_eq(ibm_write(cfg_addr(0, 5, PCI_BASE_ADDRESS_0), 4, moved), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(d->bars[0].mapped, SPAPR_PCI_MEM32_CPU + (moved - SPAPR_PCI_MEM32_PCI));
	/* INTA of slot s is XICS source 0x101c + s % 4; pin swizzling as in the map. */
	ck_assert_uint_eq(pci_slot_gsi(5), SPAPR_PHB_INTX_IRQ + 1);
	ck_assert_uint_eq(pci_slot_gsi(0), SPAPR_PHB_INTX_IRQ);
	pci_set_irq(d, true);
	ck_assert(d->intx_asserted);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
			  PCI_STATUS_INTERRUPT);
	/* System reset: the cold state, BAR back where the tree says, line low. */
	reset_run_all();
	ck_assert_uint_eq(cfg_read_ok(5, PCI_COMMAND, 2), 0);
	ck_assert_uint_eq(cfg_read_ok(5, PCI_BASE_ADDRESS_0, 4), pci_addr);
	ck_assert_uint_eq(d->bars[0].mapped, PCI_BAR_UNMAPPED);
	ck_assert(!d->intx_asserted);
	ck_assert(!io_dispatch(IO_SPACE_MMIO, cpu, &v, 4, false));
}
END_TEST

START_TEST(device_options)
{
	GError *err = NULL;

	g_autofree void *fdt = NULL;

	/* vectors=N as on the PC; vectors=0: INTx only, no ibm,req#msi-x. */
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=6,vectors=3", &err), 0);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=7,vectors=0", &err), 0);
	ck_assert_ptr_nonnull(pci_bus_device(7));
	fdt = build_tree();
	ck_assert_uint_eq(cell(fdt, PHB "/pci1af4,1044@6", "ibm,req#msi-x", 0), 3);
	ck_assert_ptr_null(fdt_getprop(fdt, fdt_path_offset(fdt, PHB "/pci1af4,1044@7"),
				       "ibm,req#msi-x", NULL));
	ck_assert_uint_eq(cell(fdt, PHB "/pci1af4,1044@7", "interrupts", 0), 1);
	/* Slot errors as on the PC; a second PHB is refused. */
	ck_assert_int_lt(create_device("virtio-rng-pci,addr=5", &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(spapr_phb_init(&err), 0);
	g_clear_error(&err);
}
END_TEST

/* ibm,change-msi on slot's function: status; *got and *seq from the return words. */
static int32_t change_msi(unsigned slot, uint32_t func, uint32_t req, uint32_t *got,
			  uint32_t *type)
{
	uint32_t args[6] = { cfg_addr(0, slot, 0), SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID,
			     func, req, 7 };
	uint32_t rets[4] = { 0 };

	rtas(RTAS_IBM_CHANGE_MSI, 6, 4, args, rets);
	if ((int32_t)rets[0] == RTAS_OUT_SUCCESS) {
		ck_assert_uint_eq(rets[2], 8); /* the next sequence number */
		*got = rets[1];
		*type = rets[3];
	}
	return (int32_t)rets[0];
}

/* ibm,query-interrupt-source-number: status, *src; edge is checked. */
static int32_t query_irq(unsigned slot, uint32_t vector, uint32_t *src)
{
	uint32_t args[4] = { cfg_addr(0, slot, 0), SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID,
			     vector };
	uint32_t rets[3] = { 0 };

	rtas(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, 4, 3, args, rets);
	if ((int32_t)rets[0] == RTAS_OUT_SUCCESS) {
		ck_assert_uint_eq(rets[2], 1);
		*src = rets[1];
	}
	return (int32_t)rets[0];
}

/* Vector v of slot's MSI-X table, read through its BAR as the guest would. */
static void table_entry(unsigned slot, unsigned v, uint64_t *addr, uint32_t *data)
{
	struct pci_device *d = pci_bus_device(slot);
	const struct pci_bar *b = &d->bars[VIRTIO_PCI_MSIX_BAR];

	*addr = b->ops->read(b->opaque, v * 16, 4) | b->ops->read(b->opaque, v * 16 + 4, 4) << 32;
	*data = b->ops->read(b->opaque, v * 16 + 8, 4);
}

START_TEST(msi_change_and_query)
{
	uint32_t got = 0, type = 0, src[2], s;
	uint64_t addr;
	uint32_t data;

	/* As Linux does first: "no MSIs" succeeds with none. */
	ck_assert_int_eq(change_msi(5, 3, 0, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(got, 0);
	ck_assert_int_eq(query_irq(5, 0, &s), RTAS_OUT_PARAM_ERROR);
	/* Two MSI-X vectors: two distinct MSI sources, edge, written into the table. */
	ck_assert_int_eq(change_msi(5, 4, 2, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(got, 2);
	ck_assert_uint_eq(type, 2);
	ck_assert_uint_eq(spapr_phb_msi_allocated(5), 2);
	for (unsigned v = 0; v < 2; v++) {
		ck_assert_int_eq(query_irq(5, v, &src[v]), RTAS_OUT_SUCCESS);
		ck_assert_uint_ge(src[v], SPAPR_MSI_FIRST);
		ck_assert_uint_lt(src[v], SPAPR_PHB_INTX_IRQ);
		ck_assert_uint_ne(src[v], SPAPR_IRQ_EPOW);
		ck_assert_uint_ne(src[v], SPAPR_IRQ_VTY);
		table_entry(5, v, &addr, &data);
		ck_assert_uint_eq(addr, SPAPR_MSI_WINDOW);
		ck_assert_uint_eq(data, src[v]);
	}
	ck_assert_uint_ne(src[0], src[1]);
	ck_assert_int_eq(query_irq(5, 2, &s), RTAS_OUT_PARAM_ERROR);
	/* The other function gets other sources; function 1 of slot 0 does not exist. */
	ck_assert_int_eq(change_msi(0, 1, 1, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(query_irq(0, 0, &s), RTAS_OUT_SUCCESS);
	ck_assert(s != src[0] && s != src[1]);
	/* Freeing clears the table and the sources. */
	ck_assert_int_eq(change_msi(5, 4, 0, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(got, 0);
	ck_assert_uint_eq(spapr_phb_msi_allocated(5), 0);
	table_entry(5, 0, &addr, &data);
	ck_assert_uint_eq(addr, 0);
	ck_assert_uint_eq(data, 0);
	ck_assert_int_eq(query_irq(5, 0, &s), RTAS_OUT_PARAM_ERROR);
	/* A system reset frees everything: the next kernel asks again. */
	reset_run_all();
	ck_assert_uint_eq(spapr_phb_msi_allocated(0), 0);
	ck_assert_int_eq(query_irq(0, 0, &s), RTAS_OUT_PARAM_ERROR);
}
END_TEST

START_TEST(msi_errors)
{
	uint32_t got = 0, type = 0, s;
	uint32_t args[6] = { cfg_addr(0, 5, 0), SPAPR_PHB_BUID >> 32, (uint32_t)SPAPR_PHB_BUID + 1,
			     4, 1, 1 };
	uint32_t rets[4];
	GError *err = NULL;

	/* Wrong BUID, argument counts, empty slots, other functions, unknown func codes. */
	rtas(RTAS_IBM_CHANGE_MSI, 6, 4, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	args[2] = (uint32_t)SPAPR_PHB_BUID;
	rtas(RTAS_IBM_CHANGE_MSI, 5, 4, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_IBM_CHANGE_MSI, 6, 2, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	rtas(RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER, 3, 3, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(9, 4, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	args[0] = cfg_addr(0, 5, 0) | 1 << 8;
	rtas(RTAS_IBM_CHANGE_MSI, 6, 4, args, rets);
	ck_assert_int_eq((int32_t)rets[0], RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(5, 0, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(5, 2, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(5, 99, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	/* No 32-bit MSI here; more vectors than the table has; INTx-only functions. */
	ck_assert_int_eq(change_msi(5, 5, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(5, 4, 3, &got, &type), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=7,vectors=0", &err), 0);
	ck_assert_int_eq(change_msi(7, 1, 1, &got, &type), RTAS_OUT_PARAM_ERROR);
	ck_assert_int_eq(change_msi(7, 1, 0, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_uint_eq(spapr_phb_msi_allocated(5), 0);
	/* 26 sources: 13 functions of 2 vectors take them all, the next is refused. */
	for (unsigned slot = 8; slot < 8 + 11; slot++) {
		char spec[40];

		snprintf(spec, sizeof(spec), "virtio-rng-pci,addr=%x", slot);
		ck_assert_int_eq(create_device(spec, &err), 0);
	}
	for (unsigned slot = 8; slot < 8 + 11; slot++)
		ck_assert_int_eq(change_msi(slot, 4, 2, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(change_msi(5, 4, 2, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(change_msi(0, 4, 2, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(create_device("virtio-rng-pci,addr=14", &err), 0);
	ck_assert_int_eq(change_msi(0x14, 4, 1, &got, &type), RTAS_OUT_HW_ERROR);
	ck_assert_int_eq(query_irq(0x14, 0, &s), RTAS_OUT_PARAM_ERROR);
	/* A new request of a function replaces its old one. */
	ck_assert_int_eq(change_msi(5, 4, 1, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(change_msi(0x14, 4, 1, &got, &type), RTAS_OUT_SUCCESS);
	ck_assert_int_eq(query_irq(0x14, 0, &s), RTAS_OUT_SUCCESS);
	/* No handler (a machine without the PHB's calls) answers -3, not a crash. */
	spapr_rtas_register(RTAS_IBM_CHANGE_MSI, NULL);
	ck_assert_int_eq(change_msi(5, 4, 1, &got, &type), RTAS_OUT_NOT_SUPPORTED);
}
END_TEST

#ifdef __powerpc64__
/*
 * Delivery (hw/ppc/spapr-msi.c, linked only on ppc64 hosts, where x86's
 * routes do not exist): a message Keel wrote names its source, which is the
 * KVM GSI of that source (ppc's default routing).
 */
START_TEST(msi_routes)
{
	GError *err = NULL;

	ck_assert_int_eq(pci_msi_route_add(SPAPR_MSI_WINDOW, SPAPR_MSI_FIRST + 3, &err),
			 SPAPR_MSI_FIRST + 3);
	ck_assert_int_eq(pci_msi_route_update(SPAPR_MSI_FIRST + 3, SPAPR_MSI_WINDOW,
					      SPAPR_MSI_FIRST + 3, &err), 0);
	ck_assert_int_lt(pci_msi_route_update(SPAPR_MSI_FIRST + 3, SPAPR_MSI_WINDOW,
					      SPAPR_MSI_FIRST + 4, &err), 0);
	g_clear_error(&err);
	/* Not Keel's window, or not an MSI source (EPOW, INTx): refused, never raised. */
	ck_assert_int_lt(pci_msi_route_add(0xfee00000, SPAPR_MSI_FIRST, &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(pci_msi_route_add(SPAPR_MSI_WINDOW, SPAPR_IRQ_EPOW, &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(pci_msi_route_add(SPAPR_MSI_WINDOW, SPAPR_PHB_INTX_IRQ, &err), 0);
	g_clear_error(&err);
	ck_assert_int_lt(pci_msi_signal(0, 0), 0);
}
END_TEST
#endif

int main(void)
{
	Suite *s = suite_create("spapr-pci");
	TCase *tc = tcase_create("phb");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, phb_node);
	tcase_add_test(tc, function_nodes);
	tcase_add_test(tc, tree_follows_the_bus);
	tcase_add_test(tc, rtas_config_reads_and_writes);
	tcase_add_test(tc, rtas_config_errors);
	tcase_add_test(tc, bars_intx_and_reset);
	tcase_add_test(tc, device_options);
	tcase_add_test(tc, msi_change_and_query);
	tcase_add_test(tc, msi_errors);
#ifdef __powerpc64__
	tcase_add_test(tc, msi_routes);
#endif
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
