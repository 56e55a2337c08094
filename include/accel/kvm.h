/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_ACCEL_KVM_H
#define KEEL_ACCEL_KVM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

struct kvm_run;
struct vcpu;

int kvm_init(GError **err);
bool kvm_available(void);
int kvm_dev_fd(void);
int kvm_vm_fd(void);
int kvm_check_extension(long cap);
/* Memslots: returns 0 or -errno. size 0 deletes. */
int kvm_set_memslot(unsigned slot, uint64_t gpa, uint64_t size, void *hva, uint32_t flags);
unsigned kvm_max_memslots(void);
int kvm_irq_line(unsigned gsi, bool level);

/* vCPUs */
struct vcpu *vcpu_create(unsigned index, GError **err);
unsigned vcpu_count(void);
struct vcpu *vcpu_get(unsigned index);
unsigned vcpu_index(const struct vcpu *cpu);
int vcpu_fd(const struct vcpu *cpu);
void *vcpu_arch(struct vcpu *cpu); /* per-arch state owned by target/ */
void vcpu_set_arch(struct vcpu *cpu, void *arch);
/* Start every vCPU thread (they begin paused unless the VM is running). */
int vcpus_start(GError **err);
/* Stop and join every vCPU thread (main thread, bql held). */
void vcpus_destroy(void);
/* Used by system/cpus.c; main thread, bql held. */
bool vcpus_pause(void);
void vcpus_resume(void);
bool vcpus_all_paused(void);
/*
 * Run fn on the vCPU's own thread and wait for it (bounded). The vCPU must be
 * paused (out of KVM_RUN); returns false on timeout.
 */
bool vcpu_run_on(struct vcpu *cpu, void (*fn)(struct vcpu *cpu, void *opaque), void *opaque);
/* Make the vCPU leave KVM_RUN after completing what is pending. Any thread. */
void vcpu_kick(struct vcpu *cpu);
/* If called on a vCPU thread: that vCPU stops after completing its exit (request paths). */
void vcpu_stop_current(void);
/* Called from an exit handler on the vCPU thread: stop this vCPU (halted by the guest). */
void vcpu_request_exit(struct vcpu *cpu);
/*
 * From an exit handler on the vCPU thread (a blocking hypercall): the exit
 * completes (KVM_RUN re-entered once), then the vCPU waits outside KVM_RUN
 * until arch_vcpu_halt_done() says it has work. Pause, reset and quit work
 * while it waits.
 */
void vcpu_halt_current(void);
/* vCPU thread (reset): forget a halt. */
void vcpu_halt_cancel(struct vcpu *cpu);
/* bql held, any thread: a halted vCPU re-checks arch_vcpu_halt_done(). */
void vcpu_wake(struct vcpu *cpu);

/* Test-only (KEEL_TEST_SKIP_COMPLETION=1): leave KVM_RUN without the completion re-entry. */
extern bool kvm_test_skip_completion;

/* Per-arch hooks, implemented in target/<arch>/. */
int arch_kvm_init(GError **err);
int arch_vcpu_init(struct vcpu *cpu, GError **err);
/* Push the cold-reset state (plus boot entry state for the boot CPU). vCPU thread. */
void arch_vcpu_reset(struct vcpu *cpu);
/* Read back and compare with the template; returns the number of mismatching fields. */
unsigned arch_vcpu_audit(struct vcpu *cpu);
/* Arch exits; return 0 to continue, <0 for an unhandled exit. vCPU thread. */
int arch_handle_exit(struct vcpu *cpu, struct kvm_run *run);
/*
 * A halted vCPU (vcpu_halt_current), its thread, bql held: true when it may
 * run again (the hook may set registers first). Otherwise it waits until
 * vcpu_wake() or *deadline_us (monotonic, may be lowered by the hook).
 */
bool arch_vcpu_halt_done(struct vcpu *cpu, int64_t *deadline_us);
/* Register dump for internal-error. */
void arch_vcpu_dump(struct vcpu *cpu);

#endif
