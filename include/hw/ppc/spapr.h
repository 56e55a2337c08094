/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_PPC_SPAPR_H
#define KEEL_HW_PPC_SPAPR_H

/*
 * The sPAPR (pseries) machine: hypercalls, RTAS, the device tree and the
 * VTY. The pieces here are free of KVM structures so that they build and
 * are unit tested on any host; target/ppc forwards KVM_EXIT_PAPR_HCALL to
 * spapr_hcall() and provides the CPU operations below.
 */

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct chardev;

#define SPAPR_MAX_CPUS 256
#define SPAPR_TIMEBASE_FREQ 512000000u
#define SPAPR_VTY_REG 0x71000000u
#define SPAPR_FDT_MAX_SIZE 0x100000u
#define SPAPR_RTAS_SIZE 0x1000u
/* Where the blob in the RTAS area ends and the stopped-CPU loop begins. */
#define SPAPR_HOLD_OFFSET 0x100u

/* Hypercall return codes (PAPR). */
#define H_SUCCESS 0
#define H_HARDWARE (-1)
#define H_FUNCTION (-2)
#define H_PRIVILEGE (-3)
#define H_PARAMETER (-4)
#define H_P2 (-55)
#define H_P3 (-56)
#define H_P4 (-57)
#define H_UNSUPPORTED_FLAG (-256)

/* Hypercall numbers. */
#define H_LOGICAL_CI_LOAD 0x3c
#define H_LOGICAL_CI_STORE 0x40
#define H_GET_TERM_CHAR 0x54
#define H_PUT_TERM_CHAR 0x58
#define H_CEDE 0xe0
#define H_CONFER 0xe4
#define H_PROD 0xe8
#define H_VIO_SIGNAL 0x104
#define H_SET_MODE 0x31c
#define H_REGISTER_PROC_TBL 0x37c
/* KVM's private range: RTAS calls from the guest's RTAS blob. */
#define H_RTAS 0xf000
/* Keel's private hypercall: a stopped CPU waits for RTAS start-cpu. */
#define KEEL_H_HOLD 0xf0f0

#define H_SET_MODE_RESOURCE_ADDR_TRANS_MODE 3
#define H_SET_MODE_RESOURCE_LE 4

/* H_REGISTER_PROC_TBL flags. */
#define PROC_TBL_GTSE 0x01
#define PROC_TBL_HASH_PT 0x02
#define PROC_TBL_RADIX 0x04
#define PROC_TBL_REGISTER 0x08
#define PROC_TBL_MODIFY 0x10
#define PATB_GR (1ULL << 63)

/* RTAS status codes. */
#define RTAS_OUT_SUCCESS 0
#define RTAS_OUT_NO_ERRORS_FOUND 1
#define RTAS_OUT_HW_ERROR (-1)
#define RTAS_OUT_PARAM_ERROR (-3)
#define RTAS_OUT_NOT_SUPPORTED (-3)

/* RTAS tokens: fixed so test guests can use them without parsing the tree. */
#define RTAS_TOKEN_BASE 0x2000u
enum spapr_rtas_index {
	RTAS_DISPLAY_CHARACTER,
	RTAS_GET_TIME_OF_DAY,
	RTAS_SET_TIME_OF_DAY,
	RTAS_POWER_OFF,
	RTAS_SYSTEM_REBOOT,
	RTAS_OS_TERM,
	RTAS_QUERY_CPU_STOPPED_STATE,
	RTAS_START_CPU,
	RTAS_STOP_SELF,
	RTAS_EVENT_SCAN,
	RTAS_GET_SYSTEM_PARAMETER,
	RTAS_SET_SYSTEM_PARAMETER,
	RTAS_CHECK_EXCEPTION,
	RTAS_GET_SENSOR_STATE,
	/* Served by the PHB (hw/ppc/spapr-pci.c, spapr-pci-msi.c) through spapr_rtas_register(). */
	RTAS_READ_PCI_CONFIG,
	RTAS_WRITE_PCI_CONFIG,
	RTAS_IBM_READ_PCI_CONFIG,
	RTAS_IBM_WRITE_PCI_CONFIG,
	RTAS_IBM_CHANGE_MSI,
	RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER,
	/* Handled inside KVM by its XICS emulation (KVM_PPC_RTAS_DEFINE_TOKEN). */
	RTAS_SET_XIVE,
	RTAS_GET_XIVE,
	RTAS_INT_OFF,
	RTAS_INT_ON,
	RTAS_COUNT,
};
#define RTAS_FIRST_KERNEL RTAS_SET_XIVE

const char *spapr_rtas_name(unsigned index);
static inline uint32_t spapr_rtas_token(unsigned index)
{
	return RTAS_TOKEN_BASE + index;
}

/*
 * An RTAS call served outside spapr-rtas.c: nargs arguments in, nret return
 * words out (rets[0] is the status, preset to success; nret >= 1).
 */
typedef void (*spapr_rtas_fn)(uint32_t nargs, const uint32_t *args, uint32_t nret,
			      uint32_t *rets);
void spapr_rtas_register(unsigned index, spapr_rtas_fn fn);

/* Guest-visible RTAS code: BE words, 32-bit real mode ("sc 1" with H_RTAS). */
extern const uint32_t spapr_rtas_blob[5];
/* The stopped-CPU loop (BE words): KEEL_H_HOLD hypercall forever. */
extern const uint32_t spapr_hold_loop[4];

/* -M pseries,mmu=: what the guest runs. */
enum spapr_mmu_mode { SPAPR_MMU_RADIX, SPAPR_MMU_HASH };

/* CPU operations the hypercalls and RTAS need; target/ppc provides them. */
struct spapr_cpu_ops {
	/* RTAS start-cpu: a stopped vCPU starts at pc (MSR SF|ME) with r3. */
	int (*start_cpu)(unsigned index, uint64_t pc, uint64_t r3);
	/* 0 stopped, 2 running, -1 no such CPU (query-cpu-stopped-state). */
	int (*cpu_state)(unsigned index);
	/* RTAS stop-self, on the calling vCPU's thread. */
	void (*stop_self)(unsigned index);
	/* H_SET_MODE LE (caller's thread): interrupts in little-endian mode. */
	int (*set_ile)(unsigned caller, bool le);
	/* H_REGISTER_PROC_TBL: returns 0 or -errno. */
	int (*configure_mmu)(bool radix, bool gtse, uint64_t process_table);
	/*
	 * H_CEDE (caller's thread, inside the hypercall): MSR[EE] on, and the
	 * vCPU waits once the call has completed, until an interrupt, a prod or
	 * a kick.
	 */
	void (*cede)(unsigned caller);
	/* H_PROD: 1 if the CPU was ceded (now woken), 0 if not, -1 no such CPU. */
	int (*prod)(unsigned index);
};
void spapr_set_cpu_ops(const struct spapr_cpu_ops *ops);
/* The VM's MMU mode, for H_REGISTER_PROC_TBL (radix until set). */
void spapr_hcall_set_mmu(enum spapr_mmu_mode mode);
const struct spapr_cpu_ops *spapr_cpu_ops_get(void);

/*
 * One hypercall. args are r4..r12 on entry; KVM writes them back into
 * r4..r12 when it completes the call, so outputs go there. Returns r3.
 * vCPU thread, without the bql (taken where needed).
 */
struct spapr_hcall {
	unsigned cpu;
	uint64_t nr;
	uint64_t args[9];
};
int64_t spapr_hcall(struct spapr_hcall *h);
/* Forget remembered prods (machine reset). */
void spapr_hcall_reset(void);

/* RTAS call whose argument buffer (big-endian) is at args_gpa. */
int64_t spapr_rtas_call(unsigned cpu, uint64_t args_gpa);
/* Seconds added to the host clock by set-time-of-day (reset to 0 on cold reset). */
void spapr_rtas_reset(void);

/*
 * RTAS events (spapr-events.c): EPOW for system_powerdown. raise pulses a
 * XICS source (the machine passes the in-kernel XICS; tests a fake).
 */
#define RTAS_EVENT_EPOW_WARNING 0x40000000u /* check-exception event mask */
#define SPAPR_EPOW_SYSTEM_SHUTDOWN 3	     /* EPOW action code */
#define SPAPR_EPOW_SHUTDOWN_NORMAL 1	     /* its modifier */
#define SPAPR_EPOW_LOG_LEN 116		     /* 8 + 16 + PH 48 + UH 24 + EP 20 */
void spapr_events_init(void (*raise)(unsigned irq));
/* Pulse an edge-triggered XICS source through that hook (no-op without one). */
void spapr_irq_raise(unsigned irq);
void spapr_events_reset(void);
/* Queue a "shut down normally" EPOW event and raise its interrupt. */
void spapr_events_powerdown(void);
unsigned spapr_events_pending(void);
/* The EPOW error log as check-exception returns it; 0 if size is too small. */
size_t spapr_epow_log(uint8_t *buf, size_t size, time_t now, uint32_t id);
/* RTAS calls; return the RTAS status. args are the call's input words. */
int32_t spapr_check_exception(uint32_t nargs, const uint32_t *args);
int32_t spapr_get_sensor_state(uint32_t sensor, uint32_t index, uint32_t *state);

/*
 * The VTY (hvterm1) at SPAPR_VTY_REG; chr may be NULL (output dropped).
 * Input pulses SPAPR_IRQ_VTY, which the tree gives its node.
 */
int spapr_vty_init(struct chardev *chr, GError **err);
size_t spapr_vty_put(uint32_t reg, const uint8_t *buf, size_t len);
size_t spapr_vty_get(uint32_t reg, uint8_t *buf, size_t max);
bool spapr_vty_exists(uint32_t reg);
/* Drop any buffered input/state (tests and machine teardown). */
void spapr_vty_fini(void);

/*
 * The hash MMU as KVM offers it (KVM_PPC_GET_SMMU_INFO), kept free of KVM
 * structures: segment base page sizes with their SLB encodings, and for
 * each the actual page sizes with their HPTE encodings.
 */
#define SPAPR_MAX_PAGE_SIZES 8
struct spapr_page_enc {
	uint32_t page_shift, pte_enc;
};
struct spapr_seg_page_size {
	uint32_t page_shift, slb_enc;
	unsigned nenc;
	struct spapr_page_enc enc[SPAPR_MAX_PAGE_SIZES];
};
struct spapr_hash_mmu {
	unsigned nsps;
	struct spapr_seg_page_size sps[SPAPR_MAX_PAGE_SIZES];
	uint32_t slb_size;
	bool seg_1t;	     /* 1 TiB segments */
	uint32_t htab_shift; /* log2 of the hash page table's size */
};

/*
 * Choose the MMU mode from the machine option (NULL or "auto": radix where
 * offered, hash when the kernel command line has disable_radix or the host
 * has no radix) and what the host offers. Returns 0 or -EINVAL with err set.
 */
int spapr_mmu_select(const char *opt, const char *bootargs, bool host_radix, bool host_hash,
		     enum spapr_mmu_mode *mode, GError **err);
/* Whether a kernel command line turns radix off (Linux's disable_radix[=bool]). */
bool spapr_cmdline_disables_radix(const char *bootargs);
/* Hash page table size for a RAM size: 1/128 of RAM, at least 256 KiB. */
uint32_t spapr_hpt_shift(uint64_t ram_size);
/*
 * Keep the page sizes the guest can map with RAM backed by pages of
 * 1 << backing_shift: KVM refuses an HPTE larger than the backing page.
 */
void spapr_hash_filter_page_sizes(struct spapr_hash_mmu *h, unsigned backing_shift);

/* Everything the device tree describes. */
struct spapr_fdt_config {
	uint64_t ram_size;
	unsigned smp_cpus;
	uint32_t pvr;
	bool radix;	  /* guest runs radix (else hash) */
	struct spapr_hash_mmu hash; /* when !radix */
	const char *bootargs;
	uint64_t initrd_start, initrd_end; /* end == start: none */
	uint64_t rtas_addr;
	uint32_t rtas_size;
	bool vty;
	unsigned nr_irqs;   /* interrupt sources from SPAPR_IRQ_BASE (0: no controller) */
	bool xive;	    /* XIVE exploitation mode (else XICS) */
	uint32_t reset_count; /* /chosen/keel,reset-count: proves a fresh tree */
	/* More nodes under the root (the PHB); returns 0 or a libfdt error. */
	int (*add_nodes)(void *fdt);
};
#define SPAPR_IRQ_BASE 0x1000u
/* Fixed XICS sources (edge-triggered). */
#define SPAPR_IRQ_EPOW (SPAPR_IRQ_BASE + 0)
#define SPAPR_IRQ_VTY (SPAPR_IRQ_BASE + 1)
/* The interrupt controller's phandle, XICS or XIVE. */
#define SPAPR_XICS_PHANDLE 0x1111u

/* Build the flattened device tree into buf. Returns its size or -errno. */
int spapr_build_fdt(const struct spapr_fdt_config *c, void *buf, size_t size, GError **err);

#endif
