/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_INTC_XIVE_H
#define KEEL_HW_INTC_XIVE_H

#include <glib.h>
#include <stdbool.h>

/*
 * XIVE exploitation mode in KVM (KVM_DEV_TYPE_XIVE): the guest's loads and
 * stores on its sources' ESB pages and on the TIMA go straight to the
 * hardware through memslots backed by the device's mmap; its H_INT_*
 * hypercalls reach hw/ppc/spapr-xive.c, which calls back in here. Order:
 * init, claim every source, map, then connect each vCPU.
 */
/* The host offers it: KVM_CAP_PPC_IRQ_XIVE and 64 KiB pages (one ESB page each). */
bool xive_kvm_available(void);
int xive_kvm_init(unsigned nr_servers, GError **err);
bool xive_kvm_present(void);
/* A source in KVM (masked); lsi: level-sensitive. */
int xive_kvm_claim(unsigned lisn, bool lsi, GError **err);
/* The ESB pages of every claimed source and the TIMA into the guest; reset handler. */
int xive_kvm_map(GError **err);
/* Connect a vCPU's presenter (after KVM_CREATE_VCPU, before it runs). */
int xive_kvm_connect_vcpu(int vcpu_fd, unsigned server, GError **err);
/* Cold thread context of one vCPU; vCPU thread. */
void xive_kvm_reset_vp(int vcpu_fd);
/* Read back: context, the server's queues (all disabled), and for index 0 every source. */
unsigned xive_kvm_audit_vp(int vcpu_fd, unsigned index);
/* An interrupt is pending for a vCPU halted outside KVM_RUN. */
bool xive_kvm_vp_pending(int vcpu_fd);

#endif
