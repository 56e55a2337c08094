// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hypercalls that KVM-HV passes to userspace. Each handler decodes its
 * arguments, does the work (or requests it from the main loop) and returns
 * at once: the run loop puts the result in papr_hcall.ret and the kernel
 * completes the call on the next KVM_RUN. Nothing here blocks: a hypercall
 * that waits (H_CEDE, H_CONFER to itself) asks the CPU side to halt the
 * vCPU after the completion (DESIGN.md), so a pause or reset never finds
 * it half done.
 */
#include <string.h>

#include "hw/ppc/spapr.h"
#include "hw/ppc/spapr-xive.h"
#include "system/bql.h"
#include "system/log.h"
#include "system/memory.h"

static const struct spapr_cpu_ops *cpu_ops;
/* H_PROD to a CPU that was not ceded: its next cede returns at once. bql. */
static bool prodded[SPAPR_MAX_CPUS];
static enum spapr_mmu_mode mmu_mode;

void spapr_hcall_set_mmu(enum spapr_mmu_mode mode)
{
	mmu_mode = mode;
}

void spapr_set_cpu_ops(const struct spapr_cpu_ops *ops)
{
	cpu_ops = ops;
}

const struct spapr_cpu_ops *spapr_cpu_ops_get(void)
{
	return cpu_ops;
}

/* Term characters travel in two registers, first byte most significant. */
static int64_t h_put_term_char(struct spapr_hcall *h)
{
	uint8_t buf[16];
	uint64_t len = h->args[1];

	if (!spapr_vty_exists(h->args[0]))
		return H_PARAMETER;
	if (len > sizeof(buf))
		return H_PARAMETER;
	for (unsigned i = 0; i < len; i++)
		buf[i] = h->args[2 + i / 8] >> (56 - 8 * (i % 8));
	spapr_vty_put(h->args[0], buf, len);
	return H_SUCCESS;
}

static int64_t h_get_term_char(struct spapr_hcall *h)
{
	uint8_t buf[16] = { 0 };
	size_t n;

	if (!spapr_vty_exists(h->args[0]))
		return H_PARAMETER;
	n = spapr_vty_get(h->args[0], buf, sizeof(buf));
	h->args[0] = n;
	h->args[1] = h->args[2] = 0;
	for (unsigned i = 0; i < n; i++)
		h->args[1 + i / 8] |= (uint64_t)buf[i] << (56 - 8 * (i % 8));
	return H_SUCCESS;
}

static int64_t h_set_mode(struct spapr_hcall *h)
{
	uint64_t mflags = h->args[0], resource = h->args[1];

	switch (resource) {
	case H_SET_MODE_RESOURCE_LE:
		if (h->args[2])
			return H_P3;
		if (h->args[3])
			return H_P4;
		if (mflags > 1)
			return H_UNSUPPORTED_FLAG;
		if (!cpu_ops || cpu_ops->set_ile(h->cpu, mflags == 1) < 0)
			return H_HARDWARE;
		return H_SUCCESS;
	case H_SET_MODE_RESOURCE_ADDR_TRANS_MODE:
		if (h->args[2])
			return H_P3;
		if (h->args[3])
			return H_P4;
		/* AIL 0 is the reset state; relocation-on interrupts are not offered. */
		return mflags == 0 ? H_SUCCESS : H_UNSUPPORTED_FLAG;
	default:
		return H_P2;
	}
}

/*
 * The mode was chosen before the kernel started (the device tree told it);
 * a registration for the other mode is refused rather than switching the
 * VM under the other vCPUs.
 */
static int64_t h_register_proc_tbl(struct spapr_hcall *h)
{
	uint64_t flags = h->args[0], base = h->args[1], page_size = h->args[2];
	uint64_t table_size = h->args[3];
	bool radix = flags & PROC_TBL_RADIX, gtse = flags & PROC_TBL_GTSE;
	bool hash = mmu_mode == SPAPR_MMU_HASH;
	uint64_t patb;

	if (flags & ~0x1fULL)
		return H_PARAMETER;
	if (!(flags & PROC_TBL_REGISTER)) {
		/* Deregistration: back to the reset state (an empty radix table, or none). */
		patb = hash ? 0 : PATB_GR;
		radix = !hash;
		gtse = !hash;
	} else if (radix != !hash) {
		return H_PARAMETER;
	} else if (radix) {
		if ((base & 0xfff) || (base >> 60))
			return H_P2;
		if (page_size)
			return H_P3;
		if (table_size > 24)
			return H_P4;
		patb = PATB_GR | base | table_size;
	} else {
		/* Hash with the SLB; hash with a segment table is not offered. */
		if (flags & PROC_TBL_HASH_PT)
			return H_PARAMETER;
		patb = 0;
		gtse = false;
	}
	if (!cpu_ops || cpu_ops->configure_mmu(radix, gtse, patb) < 0)
		return H_HARDWARE;
	return H_SUCCESS;
}

void spapr_hcall_reset(void)
{
	memset(prodded, 0, sizeof(prodded));
}

static bool cpu_exists(uint64_t index)
{
	return index < SPAPR_MAX_CPUS && cpu_ops && cpu_ops->cpu_state(index) >= 0;
}

/* Completes with H_SUCCESS either way; a wake-up without a cause is allowed. */
static int64_t h_cede(struct spapr_hcall *h)
{
	if (h->cpu < SPAPR_MAX_CPUS && prodded[h->cpu]) {
		prodded[h->cpu] = false;
		return H_SUCCESS;
	}
	if (cpu_ops && cpu_ops->cede)
		cpu_ops->cede(h->cpu);
	return H_SUCCESS;
}

static int64_t h_prod(struct spapr_hcall *h)
{
	uint64_t target = h->args[0];
	int woken;

	if (!cpu_exists(target) || !cpu_ops->prod)
		return H_PARAMETER;
	woken = cpu_ops->prod(target);
	if (woken < 0)
		return H_PARAMETER;
	if (!woken)
		prodded[target] = true;
	return H_SUCCESS;
}

/*
 * Conferring to another CPU (or to all, -1) is a hint that KVM's scheduler
 * already acts on; conferring to itself waits for a prod, as a cede does.
 */
static int64_t h_confer(struct spapr_hcall *h)
{
	int64_t target = (int64_t)h->args[0];

	if (target == -1)
		return H_SUCCESS;
	if (target < 0 || !cpu_exists(target))
		return H_PARAMETER;
	if ((uint64_t)target == h->cpu)
		return h_cede(h);
	return H_SUCCESS;
}

static bool size_ok(uint64_t size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Cache-inhibited accesses are big-endian, as the guest's real-mode loads are on pseries. */
static int64_t h_logical_ci_load(struct spapr_hcall *h)
{
	uint64_t size = h->args[0], addr = h->args[1], v = 0;
	uint8_t buf[8];

	if (!size_ok(size))
		return H_PARAMETER;
	if (!guest_read(addr, buf, size))
		io_dispatch(IO_SPACE_MMIO, addr, buf, size, false);
	for (unsigned i = 0; i < size; i++)
		v = v << 8 | buf[i];
	h->args[0] = v;
	return H_SUCCESS;
}

static int64_t h_logical_ci_store(struct spapr_hcall *h)
{
	uint64_t size = h->args[0], addr = h->args[1], v = h->args[2];
	uint8_t buf[8];

	if (!size_ok(size))
		return H_PARAMETER;
	for (unsigned i = 0; i < size; i++)
		buf[i] = v >> (8 * (size - 1 - i));
	if (!guest_write(addr, buf, size))
		io_dispatch(IO_SPACE_MMIO, addr, buf, size, true);
	return H_SUCCESS;
}

int64_t spapr_hcall(struct spapr_hcall *h)
{
	int64_t ret;

	/* MMIO dispatch takes the bql itself. */
	switch (h->nr) {
	case H_LOGICAL_CI_LOAD:
		return h_logical_ci_load(h);
	case H_LOGICAL_CI_STORE:
		return h_logical_ci_store(h);
	default:
		break;
	}
	bql_lock();
	switch (h->nr) {
	case H_PUT_TERM_CHAR:
		ret = h_put_term_char(h);
		break;
	case H_GET_TERM_CHAR:
		ret = h_get_term_char(h);
		break;
	case H_SET_MODE:
		ret = h_set_mode(h);
		break;
	case H_REGISTER_PROC_TBL:
		ret = h_register_proc_tbl(h);
		break;
	case H_RTAS:
		ret = spapr_rtas_call(h->cpu, h->args[0]);
		break;
	case H_CEDE:
		/* KVM-HV cedes in the kernel; this runs only when it passes one up. */
		ret = h_cede(h);
		break;
	case H_PROD:
		ret = h_prod(h);
		break;
	case H_CONFER:
		ret = h_confer(h);
		break;
	case H_VIO_SIGNAL:
		ret = spapr_vty_exists(h->args[0]) ? H_SUCCESS : H_PARAMETER;
		break;
	case H_INT_GET_SOURCE_INFO:
	case H_INT_SET_SOURCE_CONFIG:
	case H_INT_GET_SOURCE_CONFIG:
	case H_INT_GET_QUEUE_INFO:
	case H_INT_SET_QUEUE_CONFIG:
	case H_INT_GET_QUEUE_CONFIG:
	case H_INT_SET_OS_REPORTING_LINE:
	case H_INT_GET_OS_REPORTING_LINE:
	case H_INT_ESB:
	case H_INT_SYNC:
	case H_INT_RESET:
		ret = spapr_xive_hcall(h);
		break;
	default:
		debug_log("vCPU %u: unimplemented hypercall 0x%llx", h->cpu,
			  (unsigned long long)h->nr);
		ret = H_FUNCTION;
		break;
	}
	bql_unlock();
	return ret;
}
