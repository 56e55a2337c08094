// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pseries device tree. There is no firmware: the kernel reads this
 * tree directly (GPR3 points to it at entry), so it must carry what
 * firmware would otherwise negotiate with client-architecture-support: the
 * MMU mode in /chosen/ibm,architecture-vec-5, the RTAS entry and tokens, and
 * the CPU feature bits.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>

#include "hw/ppc/spapr-xive.h"
#include "hw/ppc/spapr.h"
#include "system/error.h"

/* "ibm,pa-features" for ISA 3.00: 2 header bytes (length, type 0), then 66. */
static const uint8_t pa_features_300[] = {
	66, 0,
	0xf6, 0x1f, 0xc7, 0xc0, 0x80, 0xf0, /*  0- 5: MMU FPU SLB RUN DABR NX ... LE CFAR */
	0x80, 0x00, 0x00, 0x00, 0x00, 0x00, /*  6-11: DS207 */
	0x00, 0x00, 0x00, 0x00, 0x80, 0x00, /* 12-17: 16: vector */
	0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 18-23: VSX, vector XOR; no HTM */
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 24-29: large decrementer, 64-bit, PM */
	0x80, 0x00, 0x80, 0x00, 0xc0, 0x00, /* 30-35: MMR, LE atomics, EBB */
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 36-41: SPR SO, copy/paste, 40: radix */
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 42-47 */
	0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 48-53 */
	0x80, 0x00, 0x80, 0x00, 0x80, 0x00, /* 54-59 */
	0x80, 0x00, 0x80, 0x00, 0x00, 0x00, /* 60-65 */
};

/* Radix page sizes: AP field in the top 3 bits, shift in the low bits (4K, 64K, 2M, 1G). */
static const uint32_t radix_ap_encodings[] = { 0x0000000c, 0xa0000010, 0x20000015, 0x4000001e };

static const char hypertas[] = "hcall-term\0hcall-dabr\0hcall-interrupt\0hcall-splpar\0"
			       "hcall-set-mode\0hcall-sprg0";
/* Hash guests also get the page-table hypercalls (KVM handles them in the kernel). */
static const char hypertas_hash[] = "hcall-pft\0hcall-bulk";

/* Byte 40 of pa-features (after the 2-byte header): bit 0 says radix. */
#define PA_FEATURES_RADIX_BYTE (2 + 40)
#define PA_FEATURES_RADIX 0x80

/*
 * Option vector 5 as the kernel reads it: byte 0 is the length, byte N is
 * vector byte N (1-based), so index 24 is the MMU byte and 26 radix GTSE.
 */
#define OV5_LEN 27
#define OV5_MMU_BYTE 24
#define OV5_RADIX_ONLY 0x40
#define OV5_RADIX_GTSE_BYTE 26
#define OV5_RADIX_GTSE 0x40
#define OV5_XIVE_BYTE 23
#define OV5_XIVE_EXPLOIT 0x40

struct fdt_builder {
	void *fdt;
	int err;
};

/* Each helper records the first libfdt error; the build checks once at the end. */
static void chk(struct fdt_builder *b, int ret)
{
	if (ret < 0 && !b->err)
		b->err = ret;
}

static void begin(struct fdt_builder *b, const char *name)
{
	chk(b, fdt_begin_node(b->fdt, name));
}

static void end(struct fdt_builder *b)
{
	chk(b, fdt_end_node(b->fdt));
}

static void prop(struct fdt_builder *b, const char *name, const void *val, int len)
{
	chk(b, fdt_property(b->fdt, name, val, len));
}

static void prop_u32(struct fdt_builder *b, const char *name, uint32_t v)
{
	chk(b, fdt_property_u32(b->fdt, name, v));
}

static void prop_u64(struct fdt_builder *b, const char *name, uint64_t v)
{
	chk(b, fdt_property_u64(b->fdt, name, v));
}

static void prop_str(struct fdt_builder *b, const char *name, const char *s)
{
	chk(b, fdt_property_string(b->fdt, name, s));
}

static void prop_cells(struct fdt_builder *b, const char *name, const uint32_t *cells,
		       unsigned n)
{
	fdt32_t be[8];

	for (unsigned i = 0; i < n && i < G_N_ELEMENTS(be); i++)
		be[i] = cpu_to_fdt32(cells[i]);
	prop(b, name, be, n * sizeof(fdt32_t));
}

static void build_chosen(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	uint8_t ov5[OV5_LEN] = { OV5_LEN - 1 };
	char path[64];

	begin(b, "chosen");
	prop_str(b, "bootargs", c->bootargs ? c->bootargs : "");
	if (c->initrd_end > c->initrd_start) {
		prop_u64(b, "linux,initrd-start", c->initrd_start);
		prop_u64(b, "linux,initrd-end", c->initrd_end);
	}
	if (c->vty) {
		snprintf(path, sizeof(path), "/vdevice/vty@%x", SPAPR_VTY_REG);
		prop_str(b, "stdout-path", path);
		prop_str(b, "linux,stdout-path", path);
	}
	/* Without firmware nobody ran CAS: the vector tells the guest the MMU mode (0: hash). */
	if (c->radix) {
		ov5[OV5_MMU_BYTE] = OV5_RADIX_ONLY;
		ov5[OV5_RADIX_GTSE_BYTE] = OV5_RADIX_GTSE;
	}
	/* The interrupt controller's mode (0: XICS only). */
	if (c->nr_irqs && c->xive)
		ov5[OV5_XIVE_BYTE] = OV5_XIVE_EXPLOIT;
	prop(b, "ibm,architecture-vec-5", ov5, sizeof(ov5));
	prop_u32(b, "keel,reset-count", c->reset_count);
	end(b);
}

static void build_rtas(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	begin(b, "rtas");
	prop_u32(b, "rtas-version", 1);
	prop_u32(b, "rtas-size", c->rtas_size);
	prop_u32(b, "linux,rtas-base", (uint32_t)c->rtas_addr);
	prop_u32(b, "linux,rtas-entry", (uint32_t)c->rtas_addr);
	prop_u32(b, "rtas-error-log-max", 2048);
	prop_u32(b, "rtas-event-scan-rate", 1);
	if (c->radix) {
		prop(b, "ibm,hypertas-functions", hypertas, sizeof(hypertas));
	} else {
		char both[sizeof(hypertas) + sizeof(hypertas_hash)];

		memcpy(both, hypertas, sizeof(hypertas));
		memcpy(both + sizeof(hypertas), hypertas_hash, sizeof(hypertas_hash));
		prop(b, "ibm,hypertas-functions", both, sizeof(both));
	}
	for (unsigned i = 0; i < RTAS_COUNT; i++) {
		if (i >= RTAS_FIRST_KERNEL && (!c->nr_irqs || c->xive))
			continue; /* no XICS: no XICS interrupt RTAS calls */
		prop_u32(b, spapr_rtas_name(i), spapr_rtas_token(i));
	}
	end(b);
}

/*
 * ibm,segment-page-sizes: for each segment base page size its shift, SLB
 * encoding and count, then (shift, HPTE encoding) for each actual page size.
 */
static void prop_segment_page_sizes(struct fdt_builder *b, const struct spapr_hash_mmu *h)
{
	fdt32_t cells[SPAPR_MAX_PAGE_SIZES * (3 + 2 * SPAPR_MAX_PAGE_SIZES)];
	unsigned n = 0;

	for (unsigned i = 0; i < h->nsps && i < SPAPR_MAX_PAGE_SIZES; i++) {
		const struct spapr_seg_page_size *s = &h->sps[i];
		unsigned nenc = MIN(s->nenc, SPAPR_MAX_PAGE_SIZES);

		cells[n++] = cpu_to_fdt32(s->page_shift);
		cells[n++] = cpu_to_fdt32(s->slb_enc);
		cells[n++] = cpu_to_fdt32(nenc);
		for (unsigned j = 0; j < nenc; j++) {
			cells[n++] = cpu_to_fdt32(s->enc[j].page_shift);
			cells[n++] = cpu_to_fdt32(s->enc[j].pte_enc);
		}
	}
	prop(b, "ibm,segment-page-sizes", cells, n * sizeof(fdt32_t));
}

/* What a hash guest reads from its CPU nodes: the HPT size, SLB and page sizes. */
static void build_cpu_hash(struct fdt_builder *b, const struct spapr_hash_mmu *h)
{
	uint32_t pft[2] = { 0, h->htab_shift };
	uint32_t segs[2] = { 28, 40 };

	prop_cells(b, "ibm,pft-size", pft, 2);
	prop_cells(b, "ibm,processor-segment-sizes", segs, h->seg_1t ? 2 : 1);
	prop_segment_page_sizes(b, h);
}

static void build_cpus(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	uint8_t pa_features[sizeof(pa_features_300)];
	char name[48];

	memcpy(pa_features, pa_features_300, sizeof(pa_features));
	if (!c->radix)
		pa_features[PA_FEATURES_RADIX_BYTE] &= ~PA_FEATURES_RADIX;

	begin(b, "cpus");
	prop_u32(b, "#address-cells", 1);
	prop_u32(b, "#size-cells", 0);
	for (unsigned i = 0; i < c->smp_cpus; i++) {
		snprintf(name, sizeof(name), "PowerPC,POWER9@%x", i);
		begin(b, name);
		prop_str(b, "device_type", "cpu");
		prop_u32(b, "reg", i);
		prop_u32(b, "ibm,ppc-interrupt-server#s", i);
		prop_u32(b, "cpu-version", c->pvr);
		prop_u32(b, "timebase-frequency", SPAPR_TIMEBASE_FREQ);
		prop_u32(b, "clock-frequency", 1000000000u);
		prop_u32(b, "d-cache-block-size", 128);
		prop_u32(b, "i-cache-block-size", 128);
		prop_u32(b, "d-cache-line-size", 128);
		prop_u32(b, "i-cache-line-size", 128);
		prop_u32(b, "d-cache-size", 0x8000);
		prop_u32(b, "i-cache-size", 0x8000);
		prop_u32(b, "ibm,slb-size", !c->radix && c->hash.slb_size ? c->hash.slb_size : 32);
		prop_u32(b, "ibm,vmx", 2);
		prop_u32(b, "ibm,dfp", 1);
		prop_u32(b, "ibm,purr", 1);
		prop_u32(b, "ibm,spurr", 1);
		prop_u32(b, "ibm,chip-id", 0);
		prop(b, "64-bit", NULL, 0);
		prop_str(b, "status", "okay");
		prop(b, "ibm,pa-features", pa_features, sizeof(pa_features));
		if (c->radix)
			prop_cells(b, "ibm,processor-radix-AP-encodings", radix_ap_encodings,
				   G_N_ELEMENTS(radix_ap_encodings));
		else
			build_cpu_hash(b, &c->hash);
		end(b);
	}
	end(b);
}

/* What makes a node the machine's interrupt controller, XICS or XIVE: the same phandle. */
static void intc_props(struct fdt_builder *b)
{
	prop(b, "interrupt-controller", NULL, 0);
	prop_u32(b, "#interrupt-cells", 2);
	prop_u32(b, "linux,phandle", SPAPR_XICS_PHANDLE);
	prop_u32(b, "phandle", SPAPR_XICS_PHANDLE);
}

static void build_xics(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	uint32_t ranges[2] = { 0, c->smp_cpus };

	begin(b, "interrupt-controller");
	prop_str(b, "device_type", "PowerPC-External-Interrupt-Presentation");
	prop_str(b, "compatible", "IBM,ppc-xicp");
	prop_cells(b, "ibm,interrupt-server-ranges", ranges, 2);
	intc_props(b);
	end(b);
}

/*
 * XIVE exploitation mode: the TIMA's user and OS pages (the guest uses
 * resource 1, the OS ring), the queue size KVM accepts (64 KiB, one host
 * page), the IPIs' LISNs, one per CPU from 0.
 */
static void build_xive(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	uint64_t tm_page = 1ULL << SPAPR_XIVE_TM_SHIFT;
	fdt64_t reg[4] = {
		cpu_to_fdt64(SPAPR_XIVE_TM_BASE + SPAPR_XIVE_TM_USER_PAGE * tm_page),
		cpu_to_fdt64(tm_page),
		cpu_to_fdt64(SPAPR_XIVE_TM_BASE + SPAPR_XIVE_TM_OS_PAGE * tm_page),
		cpu_to_fdt64(tm_page),
	};
	uint32_t lisns[2] = { 0, c->smp_cpus };
	uint32_t eq_sizes[1] = { 16 };
	char name[48];

	snprintf(name, sizeof(name), "interrupt-controller@%llx",
		 (unsigned long long)(SPAPR_XIVE_TM_BASE + SPAPR_XIVE_TM_USER_PAGE * tm_page));
	begin(b, name);
	prop_str(b, "device_type", "power-ivpe");
	prop_str(b, "compatible", "ibm,power-ivpe");
	prop(b, "reg", reg, sizeof(reg));
	prop_cells(b, "ibm,xive-eq-sizes", eq_sizes, 1);
	prop_cells(b, "ibm,xive-lisn-ranges", lisns, 2);
	intc_props(b);
	end(b);
}

/*
 * RTAS event sources: Linux's pseries RAS code requests the interrupts of
 * /event-sources/epow-events and calls check-exception when one fires. The
 * node is its own interrupt controller, as /vdevice is: XICS serves both.
 */
static void build_event_sources(struct fdt_builder *b)
{
	uint32_t ranges[2] = { SPAPR_IRQ_EPOW, 1 };
	uint32_t irq[2] = { SPAPR_IRQ_EPOW, 0 }; /* edge */

	begin(b, "event-sources");
	prop(b, "interrupt-controller", NULL, 0);
	prop_u32(b, "#interrupt-cells", 2);
	prop_cells(b, "interrupt-ranges", ranges, 2);
	begin(b, "epow-events");
	prop_cells(b, "interrupts", irq, 2);
	end(b);
	end(b);
}

static void build_vdevice(struct fdt_builder *b, const struct spapr_fdt_config *c)
{
	char name[32];

	begin(b, "vdevice");
	prop_str(b, "device_type", "vdevice");
	prop_str(b, "compatible", "IBM,vdevice");
	prop_u32(b, "#address-cells", 1);
	prop_u32(b, "#size-cells", 0);
	prop_u32(b, "#interrupt-cells", 2);
	prop(b, "interrupt-controller", NULL, 0);
	if (c->vty) {
		uint32_t irq[2] = { SPAPR_IRQ_VTY, 0 }; /* edge */

		snprintf(name, sizeof(name), "vty@%x", SPAPR_VTY_REG);
		begin(b, name);
		prop_u32(b, "reg", SPAPR_VTY_REG);
		/* Without XICS the hvc driver polls. */
		if (c->nr_irqs)
			prop_cells(b, "interrupts", irq, 2);
		prop_str(b, "device_type", "serial");
		prop_str(b, "compatible", "hvterm1");
		end(b);
	}
	end(b);
}

int spapr_build_fdt(const struct spapr_fdt_config *c, void *buf, size_t size, GError **err)
{
	struct fdt_builder b = { .fdt = buf };
	uint32_t mem[4];
	char name[32];

	if (!c->smp_cpus || c->smp_cpus > SPAPR_MAX_CPUS || !c->ram_size) {
		error_setg(err, "device tree: bad machine configuration (%u CPUs, %llu bytes RAM)",
			   c->smp_cpus, (unsigned long long)c->ram_size);
		return -EINVAL;
	}
	chk(&b, fdt_create(buf, size));
	if (c->rtas_size)
		chk(&b, fdt_add_reservemap_entry(buf, c->rtas_addr, c->rtas_size));
	chk(&b, fdt_finish_reservemap(buf));
	begin(&b, "");
	prop_u32(&b, "#address-cells", 2);
	prop_u32(&b, "#size-cells", 2);
	prop_str(&b, "device_type", "chrp");
	prop_str(&b, "model", "IBM pSeries (keel)");
	prop_str(&b, "compatible", "qemu,pseries");
	if (c->nr_irqs && c->xive) {
		/* Priority 7 and up are the hypervisor's. */
		uint32_t reserved[2] = { SPAPR_XIVE_PRIO_MAX + 1, 0xf8 };

		prop_cells(&b, "ibm,plat-res-int-priorities", reserved, 2);
	}

	build_chosen(&b, c);
	build_rtas(&b, c);
	build_cpus(&b, c);

	snprintf(name, sizeof(name), "memory@0");
	begin(&b, name);
	prop_str(&b, "device_type", "memory");
	mem[0] = 0;
	mem[1] = 0;
	mem[2] = c->ram_size >> 32;
	mem[3] = (uint32_t)c->ram_size;
	prop_cells(&b, "reg", mem, 4);
	end(&b);

	if (c->nr_irqs) {
		if (c->xive)
			build_xive(&b, c);
		else
			build_xics(&b, c);
		build_event_sources(&b);
	}
	build_vdevice(&b, c);
	if (c->add_nodes)
		chk(&b, c->add_nodes(buf));
	end(&b);
	chk(&b, fdt_finish(buf));
	if (b.err) {
		error_setg(err, "device tree: %s", fdt_strerror(b.err));
		return b.err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
	}
	return fdt_totalsize(buf);
}
