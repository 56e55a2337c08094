/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_INTC_XICS_H
#define KEEL_HW_INTC_XICS_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * The XICS interrupt controller emulated inside KVM (KVM_DEV_TYPE_XICS):
 * one ICS with nr_irqs sources numbered from first_irq, one ICP per vCPU.
 * Its RTAS calls (ibm,set-xive ...) are handled in the kernel too.
 */
int xics_kvm_init(unsigned first_irq, unsigned nr_irqs, GError **err);
bool xics_kvm_present(void);
/* Make a source level-sensitive (an LSI, e.g. PCI INTx), now and after every reset. */
int xics_kvm_set_lsi(unsigned irq, GError **err);
/* Connect a vCPU's ICP (after KVM_CREATE_VCPU, before it runs). */
int xics_kvm_connect_vcpu(int vcpu_fd, unsigned server, GError **err);
/* Cold state of one vCPU's ICP; vCPU thread. Returns mismatches for the audit variant. */
void xics_kvm_reset_icp(int vcpu_fd);
unsigned xics_kvm_audit_icp(int vcpu_fd, unsigned index);

#endif
