// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RTAS: the guest's RTAS blob turns every call into the H_RTAS hypercall
 * with the address of a big-endian argument buffer (token, nargs, nret,
 * then nargs arguments and nret return words). The calls that the kernel's
 * XICS emulation handles never get here when it is present.
 *
 * Reboot and power-off only *request* the action and return success: the
 * run loop re-enters KVM_RUN once so the kernel completes this hypercall
 * (writing GPR3) before the main loop resets the vCPU (DESIGN.md).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hw/ppc/spapr.h"
#include "system/log.h"
#include "system/memory.h"
#include "system/runstate.h"

#define RTAS_MAX_WORDS 16
#define OS_TERM_MAX 256

static const char *const rtas_names[RTAS_COUNT] = {
	[RTAS_DISPLAY_CHARACTER] = "display-character",
	[RTAS_GET_TIME_OF_DAY] = "get-time-of-day",
	[RTAS_SET_TIME_OF_DAY] = "set-time-of-day",
	[RTAS_POWER_OFF] = "power-off",
	[RTAS_SYSTEM_REBOOT] = "system-reboot",
	[RTAS_OS_TERM] = "ibm,os-term",
	[RTAS_QUERY_CPU_STOPPED_STATE] = "query-cpu-stopped-state",
	[RTAS_START_CPU] = "start-cpu",
	[RTAS_STOP_SELF] = "stop-self",
	[RTAS_EVENT_SCAN] = "event-scan",
	[RTAS_GET_SYSTEM_PARAMETER] = "ibm,get-system-parameter",
	[RTAS_SET_SYSTEM_PARAMETER] = "ibm,set-system-parameter",
	[RTAS_CHECK_EXCEPTION] = "check-exception",
	[RTAS_GET_SENSOR_STATE] = "get-sensor-state",
	[RTAS_READ_PCI_CONFIG] = "read-pci-config",
	[RTAS_WRITE_PCI_CONFIG] = "write-pci-config",
	[RTAS_IBM_READ_PCI_CONFIG] = "ibm,read-pci-config",
	[RTAS_IBM_WRITE_PCI_CONFIG] = "ibm,write-pci-config",
	[RTAS_IBM_CHANGE_MSI] = "ibm,change-msi",
	[RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER] = "ibm,query-interrupt-source-number",
	[RTAS_SET_XIVE] = "ibm,set-xive",
	[RTAS_GET_XIVE] = "ibm,get-xive",
	[RTAS_INT_OFF] = "ibm,int-off",
	[RTAS_INT_ON] = "ibm,int-on",
};

/* mr r4,r3; lis r3,H_RTAS@h; ori r3,r3,H_RTAS@l; sc 1; blr */
const uint32_t spapr_rtas_blob[5] = { 0x7c641b78, 0x3c600000, 0x6063f000, 0x44000022,
				      0x4e800020 };
/* li r3,0; ori r3,r3,KEEL_H_HOLD; sc 1; b .-8 */
const uint32_t spapr_hold_loop[4] = { 0x38600000, 0x60630000 | KEEL_H_HOLD, 0x44000022,
				      0x4bfffff8 };

/* Guest clock offset from set-time-of-day, in seconds. */
static int64_t rtc_offset;
/* Calls other parts of the machine serve (NULL: not supported). */
static spapr_rtas_fn handlers[RTAS_COUNT];

void spapr_rtas_register(unsigned index, spapr_rtas_fn fn)
{
	g_assert(index < RTAS_FIRST_KERNEL);
	handlers[index] = fn;
}

const char *spapr_rtas_name(unsigned index)
{
	return index < RTAS_COUNT ? rtas_names[index] : NULL;
}

void spapr_rtas_reset(void)
{
	rtc_offset = 0;
}

struct rtas_call {
	unsigned cpu;
	uint32_t nargs, nret;
	uint32_t args[RTAS_MAX_WORDS];
	uint32_t rets[RTAS_MAX_WORDS];
};

static void rtas_get_time(struct rtas_call *c)
{
	time_t now = time(NULL) + rtc_offset;
	struct tm tm;
	struct timespec ts;

	if (c->nargs != 0 || c->nret != 8) {
		c->rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&now, &tm);
	c->rets[0] = RTAS_OUT_SUCCESS;
	c->rets[1] = tm.tm_year + 1900;
	c->rets[2] = tm.tm_mon + 1;
	c->rets[3] = tm.tm_mday;
	c->rets[4] = tm.tm_hour;
	c->rets[5] = tm.tm_min;
	c->rets[6] = tm.tm_sec;
	c->rets[7] = ts.tv_nsec;
}

static void rtas_set_time(struct rtas_call *c)
{
	struct tm tm = { 0 };
	time_t t;

	if (c->nargs != 7 || c->nret != 1) {
		c->rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	tm.tm_year = (int)c->args[0] - 1900;
	tm.tm_mon = (int)c->args[1] - 1;
	tm.tm_mday = c->args[2];
	tm.tm_hour = c->args[3];
	tm.tm_min = c->args[4];
	tm.tm_sec = c->args[5];
	if (c->args[1] < 1 || c->args[1] > 12 || c->args[2] < 1 || c->args[2] > 31 ||
	    c->args[3] > 23 || c->args[4] > 59 || c->args[5] > 60) {
		c->rets[0] = RTAS_OUT_PARAM_ERROR;
		return;
	}
	t = timegm(&tm);
	rtc_offset = (int64_t)t - (int64_t)time(NULL);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_os_term(struct rtas_call *c)
{
	char msg[OS_TERM_MAX + 1] = "";

	if (c->nargs == 1) {
		for (unsigned i = 0; i < OS_TERM_MAX; i++) {
			if (!guest_read(c->args[0] + i, &msg[i], 1) || !msg[i])
				break;
		}
		msg[OS_TERM_MAX] = 0;
	}
	error_report("guest: ibm,os-term: %s", msg);
	system_shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC);
	c->rets[0] = RTAS_OUT_SUCCESS;
}

static void rtas_dispatch(uint32_t token, struct rtas_call *c)
{
	const struct spapr_cpu_ops *ops = spapr_cpu_ops_get();
	unsigned idx = token - RTAS_TOKEN_BASE;
	int st;

	if (!c->nret)
		return; /* nowhere to put a status */
	c->rets[0] = RTAS_OUT_SUCCESS;
	switch (token < RTAS_TOKEN_BASE ? RTAS_COUNT : idx) {
	case RTAS_DISPLAY_CHARACTER: {
		uint8_t ch = c->nargs ? c->args[0] : 0;

		if (c->nargs != 1 || !spapr_vty_put(SPAPR_VTY_REG, &ch, 1))
			c->rets[0] = RTAS_OUT_HW_ERROR;
		break;
	}
	case RTAS_GET_TIME_OF_DAY:
		rtas_get_time(c);
		break;
	case RTAS_SET_TIME_OF_DAY:
		rtas_set_time(c);
		break;
	case RTAS_POWER_OFF:
		if (c->nargs != 2) {
			c->rets[0] = RTAS_OUT_PARAM_ERROR;
			break;
		}
		system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
		break;
	case RTAS_SYSTEM_REBOOT:
		if (c->nargs != 0) {
			c->rets[0] = RTAS_OUT_PARAM_ERROR;
			break;
		}
		system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
		break;
	case RTAS_OS_TERM:
		rtas_os_term(c);
		break;
	case RTAS_QUERY_CPU_STOPPED_STATE:
		st = c->nargs == 1 && c->nret >= 2 && ops ? ops->cpu_state(c->args[0]) : -1;
		if (st < 0) {
			c->rets[0] = RTAS_OUT_PARAM_ERROR;
			break;
		}
		c->rets[1] = st;
		break;
	case RTAS_START_CPU:
		if (c->nargs != 3 || !ops ||
		    ops->start_cpu(c->args[0], c->args[1], c->args[2]) < 0)
			c->rets[0] = RTAS_OUT_PARAM_ERROR;
		break;
	case RTAS_STOP_SELF:
		if (ops)
			ops->stop_self(c->cpu);
		break;
	case RTAS_EVENT_SCAN:
		/* EPOW is reported through its interrupt and check-exception only. */
		c->rets[0] = RTAS_OUT_NO_ERRORS_FOUND;
		break;
	case RTAS_CHECK_EXCEPTION:
		c->rets[0] = spapr_check_exception(c->nargs, c->args);
		break;
	case RTAS_GET_SENSOR_STATE:
		if (c->nargs != 2 || c->nret != 2) {
			c->rets[0] = RTAS_OUT_PARAM_ERROR;
			break;
		}
		c->rets[0] = spapr_get_sensor_state(c->args[0], c->args[1], &c->rets[1]);
		break;
	case RTAS_READ_PCI_CONFIG:
	case RTAS_WRITE_PCI_CONFIG:
	case RTAS_IBM_READ_PCI_CONFIG:
	case RTAS_IBM_WRITE_PCI_CONFIG:
	case RTAS_IBM_CHANGE_MSI:
	case RTAS_IBM_QUERY_INTERRUPT_SOURCE_NUMBER:
		if (handlers[idx])
			handlers[idx](c->nargs, c->args, c->nret, c->rets);
		else
			c->rets[0] = RTAS_OUT_NOT_SUPPORTED;
		break;
	case RTAS_GET_SYSTEM_PARAMETER:
	case RTAS_SET_SYSTEM_PARAMETER:
	default:
		/* Interrupt calls land here only without the in-kernel XICS. */
		c->rets[0] = RTAS_OUT_NOT_SUPPORTED;
		break;
	}
}

int64_t spapr_rtas_call(unsigned cpu, uint64_t args_gpa)
{
	uint32_t hdr[3], words[RTAS_MAX_WORDS];
	struct rtas_call c = { .cpu = cpu };

	if (!guest_read(args_gpa, hdr, sizeof(hdr)))
		return H_PARAMETER;
	c.nargs = GUINT32_FROM_BE(hdr[1]);
	c.nret = GUINT32_FROM_BE(hdr[2]);
	/* args and rets share the 16 words after the header. */
	if (c.nargs > RTAS_MAX_WORDS || c.nret > RTAS_MAX_WORDS - c.nargs)
		return H_PARAMETER;
	if (c.nargs && !guest_read(args_gpa + 12, words, c.nargs * 4))
		return H_PARAMETER;
	for (unsigned i = 0; i < c.nargs; i++)
		c.args[i] = GUINT32_FROM_BE(words[i]);
	rtas_dispatch(GUINT32_FROM_BE(hdr[0]), &c);
	for (unsigned i = 0; i < c.nret; i++)
		words[i] = GUINT32_TO_BE(c.rets[i]);
	if (c.nret && !guest_write(args_gpa + 12 + c.nargs * 4, words, c.nret * 4))
		return H_PARAMETER;
	return H_SUCCESS;
}
