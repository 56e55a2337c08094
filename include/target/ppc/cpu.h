/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_TARGET_PPC_CPU_H
#define KEEL_TARGET_PPC_CPU_H

#include <stdbool.h>
#include <stdint.h>

struct spapr_cpu_ops;
struct spapr_hash_mmu;

#define MSR_SF (1ULL << 63)
#define MSR_EE (1ULL << 15)
#define MSR_ME (1ULL << 12)
#define MSR_RI (1ULL << 1)
#define MSR_LE (1ULL << 0)
#define LPCR_ILE (1ULL << 25)
#define LPCR_AIL (3ULL << 23)

/*
 * Entry state of the boot CPU after a cold reset, set by the machine's
 * loader reset handler (which runs before the CPU reset handlers).
 */
struct ppc_boot_entry {
	uint64_t pc, msr;
	uint64_t gpr3, gpr4, gpr5;
};
void ppc_set_boot_entry(const struct ppc_boot_entry *e);
void ppc_get_boot_entry(struct ppc_boot_entry *e);
/* Guest address of the stopped-CPU loop (spapr_hold_loop). */
void ppc_set_hold_address(uint64_t gpa);

/* KVM facts the machine needs (valid after kvm_init). */
bool ppc_kvm_has_radix(void);
/* A hash MMU for ISA 3.00 guests (KVM_CAP_PPC_MMU_HASH_V3; not on a nested KVM-HV). */
bool ppc_kvm_has_hash(void);
/* Segment/page sizes and SLB size from KVM_PPC_GET_SMMU_INFO. 0 or -errno. */
int ppc_kvm_hash_info(struct spapr_hash_mmu *h);
/* KVM_PPC_ALLOCATE_HTAB: a zeroed HPT of 1 << shift bytes (the VM becomes hash). */
int ppc_kvm_alloc_htab(uint32_t shift);
/* Host PVR as KVM reports it for vCPU 0 (0 before the first vCPU exists). */
uint32_t ppc_kvm_pvr(void);
/* VM-wide MMU mode and process table (KVM_PPC_CONFIGURE_V3_MMU). 0 or -errno. */
int ppc_kvm_configure_mmu(bool radix, bool gtse, uint64_t process_table);

/* The CPU side of hypercalls and RTAS, for spapr_set_cpu_ops(). */
extern const struct spapr_cpu_ops ppc_spapr_cpu_ops;

#endif
