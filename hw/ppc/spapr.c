// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pseries machine on KVM-HV: RAM at 0, the in-kernel interrupt
 * controller (XIVE in exploitation mode where KVM offers it, else XICS;
 * -M pseries,ic-mode=), a VTY, RTAS,
 * a PCI host bridge (hw/ppc/spapr-pci.c) and the kernel entered directly
 * with the device tree in GPR3 (no firmware). Guests run radix where KVM
 * offers it: the VM starts with an empty process table and the guest
 * registers its own with H_REGISTER_PROC_TBL. Hash guests (mmu=hash, or
 * disable_radix on the kernel command line; bare-metal KVM-HV only) get an
 * HPT that KVM allocates, cleared again at every reset.
 *
 * Guest memory layout, top of the first GiB (RTAS runs in 32-bit real mode):
 *   rtas_addr = top - SPAPR_RTAS_SIZE: the RTAS blob, then the stopped-CPU loop
 *   fdt_addr = rtas_addr - SPAPR_FDT_MAX_SIZE: the device tree
 * and the kernel from 0 with the initrd above it.
 *
 * Every reset rewrites all of it and rebuilds the device tree, because the
 * guest may have scribbled over any of it and RAM is not cleared.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/kvm.h"
#include "chardev/char.h"
#include "hw/core/loader-ppc.h"
#include "hw/core/loader.h"
#include "hw/core/reset.h"
#include "hw/intc/xics.h"
#include "hw/intc/xive.h"
#include "hw/ppc/spapr-pci.h"
#include "hw/ppc/spapr-xive.h"
#include "hw/ppc/spapr.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/memory.h"
#include "system/opts.h"
#include "system/runstate.h"
#include "target/ppc/cpu.h"

#define SPAPR_MIN_RAM (16ULL << 20)
#define SPAPR_LOW_TOP (1ULL << 30)
#define SPAPR_NR_IRQS 32
#define KERNEL_MAX (1ULL << 30)

struct spapr_machine {
	struct boot_plan *plan;
	struct ppc_kernel_layout layout;
	struct spapr_fdt_config fdt_cfg;
	enum spapr_mmu_mode mmu;
	uint64_t fdt_addr;
	void *fdt_buf;
};

static bool zero_guest(uint64_t gpa, uint64_t len)
{
	void *hva = gpa_to_hva(gpa, len);

	if (!hva)
		return false;
	memset(hva, 0, len);
	return true;
}

static bool write_plan(const struct boot_plan *p, GError **err)
{
	for (guint i = 0; i < p->blobs->len; i++) {
		const struct boot_blob *b = p->blobs->pdata[i];
		gsize len = 0;
		const void *data = b->data ? g_bytes_get_data(b->data, &len) : NULL;

		if ((len && !guest_write(b->gpa, data, len)) ||
		    (b->zero_len && !zero_guest(b->gpa + len, b->zero_len))) {
			error_setg(err, "%s at 0x%llx (%llu bytes) is outside guest RAM", b->name,
				   (unsigned long long)b->gpa,
				   (unsigned long long)(len + b->zero_len));
			return false;
		}
	}
	return true;
}

static bool write_be_words(uint64_t gpa, const uint32_t *words, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint32_t be = GUINT32_TO_BE(words[i]);

		if (!guest_write(gpa + 4 * i, &be, 4))
			return false;
	}
	return true;
}

/* Images, RTAS, the device tree and the boot entry; runs before the CPU resets. */
static void spapr_boot_reset(void *opaque)
{
	struct spapr_machine *m = opaque;
	struct spapr_fdt_config *c = &m->fdt_cfg;
	struct ppc_boot_entry e = { 0 };
	GError *err = NULL;
	int size;

	if (!write_plan(m->plan, &err) ||
	    !write_be_words(c->rtas_addr, spapr_rtas_blob, G_N_ELEMENTS(spapr_rtas_blob)) ||
	    !write_be_words(c->rtas_addr + SPAPR_HOLD_OFFSET, spapr_hold_loop,
			    G_N_ELEMENTS(spapr_hold_loop))) {
		error_report("pseries reset: %s", err ? err->message : "RTAS area outside RAM");
		g_clear_error(&err);
	}
	c->pvr = ppc_kvm_pvr();
	size = spapr_build_fdt(c, m->fdt_buf, SPAPR_FDT_MAX_SIZE, &err);
	if (size < 0 || !guest_write(m->fdt_addr, m->fdt_buf, size)) {
		error_report("pseries reset: %s", err ? err->message : "cannot write the device tree");
		g_clear_error(&err);
	}
	c->reset_count++;
	spapr_rtas_reset();
	spapr_hcall_reset();
	spapr_events_reset();

	e.pc = m->layout.entry;
	e.msr = MSR_SF | MSR_ME | MSR_RI | MSR_LE;
	e.gpr3 = m->fdt_addr;
	e.gpr4 = 0; /* where the kernel was loaded */
	e.gpr5 = 0; /* no Open Firmware client interface */
	ppc_set_boot_entry(&e);
	ppc_set_hold_address(c->rtas_addr + SPAPR_HOLD_OFFSET);
}

/*
 * Edge sources (RTAS events, the VTY, MSIs without an irqfd): one
 * KVM_IRQ_LINE delivers, the same for XICS and XIVE. The kernel wakes the
 * vCPUs it cedes; one halted in Keel re-checks its presenter.
 */
static void raise_event_irq(unsigned irq)
{
	int ret = kvm_irq_line(irq, true);

	if (ret < 0) {
		warn_report_once("interrupt source 0x%x: %s", irq, g_strerror(-ret));
		return;
	}
	for (unsigned i = 0; i < vcpu_count(); i++)
		vcpu_wake(vcpu_get(i));
}

/*
 * The VM-wide MMU state: radix with no process table, as at creation; or
 * hash with no process table and an HPT of the same size, zeroed (which
 * also makes KVM map the real-mode area again on the next entry).
 */
static int spapr_mmu_setup(struct spapr_machine *m)
{
	if (m->mmu == SPAPR_MMU_RADIX)
		return ppc_kvm_configure_mmu(true, true, PATB_GR);
	if (ppc_kvm_configure_mmu(false, false, 0) < 0)
		return -EINVAL;
	return ppc_kvm_alloc_htab(m->fdt_cfg.hash.htab_shift);
}

static void spapr_mmu_reset(void *opaque)
{
	spapr_mmu_setup(opaque);
}

/* What the guest's hash MMU may use: KVM's page sizes that RAM's backing pages allow. */
static int spapr_hash_init(struct spapr_machine *m, uint64_t ram_size, GError **err)
{
	struct spapr_hash_mmu *h = &m->fdt_cfg.hash;
	long page = sysconf(_SC_PAGESIZE);
	int ret = ppc_kvm_hash_info(h);

	if (ret < 0) {
		error_setg(err, "KVM_PPC_GET_SMMU_INFO: %s", g_strerror(-ret));
		return ret;
	}
	spapr_hash_filter_page_sizes(h, page > 0 ? g_bit_nth_msf(page, -1) : 12);
	if (!h->nsps) {
		error_setg(err, "no hash page size of this KVM fits RAM's %ld-byte pages", page);
		return -EINVAL;
	}
	h->htab_shift = spapr_hpt_shift(ram_size);
	return 0;
}

/* The PHB's TCE table in KVM, mapped here so a reset can empty it. */
static uint64_t *tce_table;
static size_t tce_table_size;

static void spapr_tce_reset(void *opaque)
{
	memset(tce_table, 0, tce_table_size);
}

/*
 * KVM serves H_PUT_TCE/H_STUFF_TCE/H_GET_TCE on this LIOBN in the kernel;
 * Linux clears the whole window at boot, which would otherwise be one exit
 * per entry. Without the capability those calls fail with H_FUNCTION and
 * Linux only complains.
 */
static void spapr_tce_init(void)
{
	struct kvm_create_spapr_tce_64 t = {
		.liobn = SPAPR_PHB_LIOBN,
		.page_shift = SPAPR_TCE_PAGE_SHIFT,
		.size = SPAPR_PHB_DMA_WINDOW >> SPAPR_TCE_PAGE_SHIFT,
	};
	size_t page = getpagesize();
	int fd;

	if (kvm_check_extension(KVM_CAP_SPAPR_TCE_64) <= 0) {
		warn_report("pseries: no KVM_CAP_SPAPR_TCE_64; the guest's TCE calls will fail");
		return;
	}
	fd = ioctl(kvm_vm_fd(), KVM_CREATE_SPAPR_TCE_64, &t);
	if (fd < 0) {
		warn_report("pseries: KVM_CREATE_SPAPR_TCE_64: %s", g_strerror(errno));
		return;
	}
	tce_table_size = (t.size * sizeof(uint64_t) + page - 1) & ~(page - 1);
	tce_table = mmap(NULL, tce_table_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (tce_table == MAP_FAILED) {
		warn_report("pseries: cannot map the TCE table: %s", g_strerror(errno));
		tce_table = NULL;
		return;
	}
	reset_register(RESET_ORDER_DEVICE, spapr_tce_reset, NULL, "spapr-tce");
}

/*
 * -M pseries,ic-mode=: auto (and QEMU's dual) takes XIVE where KVM offers
 * it. There is no firmware to negotiate it at client-architecture-support
 * time: the tree Keel writes tells the kernel which one it has.
 */
static int spapr_ic_select(const char *opt, bool *xive, GError **err)
{
	bool avail = xive_kvm_available();

	if (!opt || !strcmp(opt, "auto") || !strcmp(opt, "dual")) {
		*xive = avail;
		return 0;
	}
	if (!strcmp(opt, "xics")) {
		*xive = false;
		return 0;
	}
	if (!strcmp(opt, "xive")) {
		if (!avail) {
			error_setg(err, "ic-mode=xive: this host's KVM offers no XIVE exploitation "
					"mode (KVM_CAP_PPC_IRQ_XIVE, 64 KiB pages); use ic-mode=xics");
			return -EINVAL;
		}
		*xive = true;
		return 0;
	}
	error_setg(err, "-M pseries,ic-mode=%s: expected xics, xive, dual or auto", opt);
	return -EINVAL;
}

/* The last four device sources are the PHB's INTx, level-sensitive. */
static bool is_intx(unsigned i)
{
	return SPAPR_IRQ_BASE + i >= SPAPR_PHB_INTX_IRQ && SPAPR_IRQ_BASE + i < SPAPR_PHB_INTX_IRQ + 4;
}

static int spapr_irq_init(bool xive, unsigned smp, GError **err)
{
	if (!xive) {
		if (xics_kvm_init(SPAPR_IRQ_BASE, SPAPR_NR_IRQS, err) < 0)
			return -EINVAL;
		for (unsigned i = 0; i < SPAPR_NR_IRQS; i++)
			if (is_intx(i) && xics_kvm_set_lsi(SPAPR_IRQ_BASE + i, err) < 0)
				return -EINVAL;
		return 0;
	}
	if (xive_kvm_init(smp, err) < 0)
		return -EINVAL;
	/* One IPI per CPU (ibm,xive-lisn-ranges), then the devices' sources. */
	for (unsigned i = 0; i < smp; i++)
		if (xive_kvm_claim(i, false, err) < 0)
			return -EINVAL;
	for (unsigned i = 0; i < SPAPR_NR_IRQS; i++)
		if (xive_kvm_claim(SPAPR_IRQ_BASE + i, is_intx(i), err) < 0)
			return -EINVAL;
	return xive_kvm_map(err) < 0 ? -EINVAL : 0;
}

static struct chardev *vty_backend(struct machine_config *cfg, GError **err)
{
	const char *spec;
	struct chardev *chr;

	if (!cfg->serials || !cfg->serials->len)
		return NULL;
	spec = g_ptr_array_index(cfg->serials, 0);
	if (!strcmp(spec, "none"))
		return NULL;
	if (g_str_has_prefix(spec, "chardev:")) {
		chr = chardev_find(spec + 8);
		if (!chr)
			error_setg(err, "-serial %s: no chardev with id '%s'", spec, spec + 8);
		return chr;
	}
	return chardev_from_spec(spec, "serial0", err);
}

static int load_images(struct spapr_machine *m, struct machine_config *cfg, GError **err)
{
	g_autoptr(GBytes) kernel = NULL;
	g_autoptr(GBytes) initrd = NULL;
	GError *lerr = NULL;

	kernel = loader_read_file(cfg->kernel, KERNEL_MAX, &lerr);
	if (!kernel) {
		error_setg(err, "could not load kernel %s", lerr->message);
		g_error_free(lerr);
		return -EINVAL;
	}
	if (cfg->initrd) {
		initrd = loader_read_file(cfg->initrd, KERNEL_MAX, &lerr);
		if (!initrd) {
			error_setg(err, "could not load initrd %s", lerr->message);
			g_error_free(lerr);
			return -EINVAL;
		}
	}
	m->plan = boot_plan_new();
	if (ppc_plan_kernel(m->plan, kernel, initrd, m->fdt_addr, &m->layout, &lerr) < 0) {
		error_setg(err, "%s: %s", cfg->kernel, lerr->message);
		g_error_free(lerr);
		return -EINVAL;
	}
	return 0;
}

static int spapr_init(struct machine_config *cfg, GError **err)
{
	struct spapr_machine *m;
	struct ram_region *ram;
	struct chardev *chr;
	unsigned smp = MAX(cfg->smp_cpus, 1u);
	const char *mmu_opt = cfg->machine_opts ? kopts_get(cfg->machine_opts, "mmu") : NULL;
	const char *ic_opt = cfg->machine_opts ? kopts_get(cfg->machine_opts, "ic-mode") : NULL;
	enum spapr_mmu_mode mmu;
	bool xive;
	uint64_t top;
	int ret;

	if (cfg->machine_opts && kopts_check_unused(cfg->machine_opts, "-machine", err) < 0)
		return -EINVAL;
	if (cfg->ram_size < SPAPR_MIN_RAM) {
		error_setg(err, "pseries needs at least %llu MiB of RAM",
			   (unsigned long long)(SPAPR_MIN_RAM >> 20));
		return -EINVAL;
	}
	if (!cfg->kernel) {
		error_setg(err, "pseries needs -kernel: Keel boots the kernel directly, "
				"there is no firmware");
		return -EINVAL;
	}
	if (spapr_mmu_select(mmu_opt, cfg->append, ppc_kvm_has_radix(), ppc_kvm_has_hash(), &mmu,
			     err) < 0)
		return -EINVAL;
	if (spapr_ic_select(ic_opt, &xive, err) < 0)
		return -EINVAL;

	ram = ram_region_new("ppc_spapr.ram", cfg->ram_size);
	if (!ram) {
		error_setg(err, "cannot allocate %llu MiB of guest RAM",
			   (unsigned long long)(cfg->ram_size >> 20));
		return -ENOMEM;
	}
	memory_begin();
	memory_map_ram(ram, 0);
	ret = memory_commit();
	if (ret < 0) {
		error_setg(err, "cannot map guest RAM: %s", g_strerror(-ret));
		return ret;
	}
	m = g_new0(struct spapr_machine, 1);
	m->mmu = mmu;
	if (mmu == SPAPR_MMU_HASH && spapr_hash_init(m, cfg->ram_size, err) < 0)
		return -EINVAL;
	/* Before the vCPUs exist, as KVM wants it. */
	if (spapr_mmu_setup(m) < 0) {
		error_setg(err, "cannot put the VM in %s mode",
			   mmu == SPAPR_MMU_RADIX ? "radix" : "hash");
		return -EINVAL;
	}
	spapr_hcall_set_mmu(mmu);
	/* Before the PHB and any -device: PCI INTx are level-sensitive sources. */
	if (spapr_irq_init(xive, smp, err) < 0)
		return -EINVAL;
	if (spapr_phb_init(err) < 0)
		return -EINVAL;
	spapr_tce_init();

	top = MIN(cfg->ram_size, SPAPR_LOW_TOP);
	m->fdt_cfg.rtas_addr = top - SPAPR_RTAS_SIZE;
	m->fdt_cfg.rtas_size = SPAPR_RTAS_SIZE;
	m->fdt_addr = m->fdt_cfg.rtas_addr - SPAPR_FDT_MAX_SIZE;
	m->fdt_buf = g_malloc0(SPAPR_FDT_MAX_SIZE);
	if (load_images(m, cfg, err) < 0)
		return -EINVAL;

	chr = vty_backend(cfg, err);
	if (!chr && err && *err)
		return -EINVAL;
	if (spapr_vty_init(chr, err) < 0)
		return -EINVAL;

	m->fdt_cfg.ram_size = cfg->ram_size;
	m->fdt_cfg.smp_cpus = smp;
	m->fdt_cfg.radix = mmu == SPAPR_MMU_RADIX;
	m->fdt_cfg.bootargs = cfg->append ? cfg->append : "";
	m->fdt_cfg.initrd_start = m->layout.initrd_start;
	m->fdt_cfg.initrd_end = m->layout.initrd_end;
	m->fdt_cfg.vty = true;
	m->fdt_cfg.nr_irqs = SPAPR_NR_IRQS;
	m->fdt_cfg.xive = xive;
	m->fdt_cfg.add_nodes = spapr_phb_build_fdt;

	/* system_powerdown: an EPOW event, as the power button of a real LPAR. */
	spapr_events_init(raise_event_irq);
	system_powerdown_set_handler(spapr_events_powerdown);

	reset_register(RESET_ORDER_MACHINE, spapr_mmu_reset, m, "spapr-mmu");
	reset_register(RESET_ORDER_LOADER, spapr_boot_reset, m, "spapr-boot");
	return 0;
}

static const struct machine_type pseries_machine = {
	.name = "pseries",
	.desc = "pSeries Logical Partition (PAPR compliant)",
	.is_default = true,
	.max_cpus = SPAPR_MAX_CPUS,
	.init = spapr_init,
};
MACHINE_TYPE_REGISTER(pseries_machine)
