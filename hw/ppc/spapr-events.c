// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * RTAS events: EPOW (environmental and power warning), which is how a
 * pseries guest learns that the operator pressed the power button. QMP
 * system_powerdown queues a "system shutdown, normal" EPOW event and pulses
 * the XICS source named by /event-sources/epow-events; the guest's handler
 * (Linux: ras_epow_interrupt) fetches the event with RTAS check-exception
 * and runs its orderly poweroff, which ends with RTAS power-off.
 *
 * The event is a PAPR version 6 error log: an 8-byte header, the 16-byte
 * extended header (IBM event-log format), then sections, each with a 2-byte
 * ASCII id and a length: the private header (PH), the user header (UH) and
 * the EPOW section (EP). Everything is big-endian. bql held throughout.
 */
#include <string.h>
#include <time.h>

#include "hw/ppc/spapr.h"
#include "system/memory.h"

#define MAX_PENDING 8

#define LOG_HDR_LEN 8
#define EXT_HDR_LEN 16
#define PH_LEN 48
#define UH_LEN 24
#define EP_LEN 20

#define LOG_VERSION_6 6
#define SEVERITY_EVENT 1
#define DISPOSITION_NOT_RECOVERED 2
#define LOG_EXTENDED 0x04
#define RTAS_POWERMGM 5 /* initiator and target */
#define RTAS_TYPE_EPOW 0x40
#define EXT_VALID 0x80
#define EXT_NEW_LOG 0x04
#define EXT_BIG_ENDIAN 0x02
#define EXT_PPC_FORMAT 0x80
#define EXT_FORMAT_EVENT_LOG 14
#define COMPANY_IBM 0x49424d00u /* "IBM\0" */
#define CREATOR_HYPERVISOR 'H'
#define SUBSYSTEM_POWER 0x70

#define EPOW_SENSOR 9

static void (*raise_irq)(unsigned irq);
static unsigned pending;	/* queued EPOW events */
static uint32_t log_id;		/* platform log id of the next event */

void spapr_events_init(void (*raise)(unsigned irq))
{
	raise_irq = raise;
}

void spapr_irq_raise(unsigned irq)
{
	if (raise_irq)
		raise_irq(irq);
}

void spapr_events_reset(void)
{
	pending = 0;
}

unsigned spapr_events_pending(void)
{
	return pending;
}

void spapr_events_powerdown(void)
{
	/* A guest that ignores EPOW does not make the queue grow without bound. */
	if (pending < MAX_PENDING)
		pending++;
	spapr_irq_raise(SPAPR_IRQ_EPOW);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint8_t bcd(unsigned v)
{
	return (v / 10) << 4 | (v % 10);
}

static void section_hdr(uint8_t *p, const char id[2], uint16_t len, uint8_t version)
{
	p[0] = id[0];
	p[1] = id[1];
	put16(p + 2, len);
	p[4] = version;
	p[5] = 0; /* subtype */
	put16(p + 6, 0); /* creator component */
}

size_t spapr_epow_log(uint8_t *buf, size_t size, time_t now, uint32_t id)
{
	size_t ext_len = EXT_HDR_LEN + PH_LEN + UH_LEN + EP_LEN;
	uint8_t *ext = buf + LOG_HDR_LEN, *ph = ext + EXT_HDR_LEN, *uh = ph + PH_LEN;
	uint8_t *ep = uh + UH_LEN;
	struct tm tm;

	if (size < SPAPR_EPOW_LOG_LEN)
		return 0;
	memset(buf, 0, SPAPR_EPOW_LOG_LEN);
	buf[0] = LOG_VERSION_6;
	buf[1] = SEVERITY_EVENT << 5 | DISPOSITION_NOT_RECOVERED << 3 | LOG_EXTENDED;
	buf[2] = RTAS_POWERMGM << 4 | RTAS_POWERMGM;
	buf[3] = RTAS_TYPE_EPOW;
	put32(buf + 4, ext_len);

	ext[0] = EXT_VALID | EXT_NEW_LOG | EXT_BIG_ENDIAN;
	ext[2] = EXT_PPC_FORMAT | EXT_FORMAT_EVENT_LOG;
	put32(ext + 12, COMPANY_IBM);

	/* Private header: when, who, how many sections, which log. */
	gmtime_r(&now, &tm);
	section_hdr(ph, "PH", PH_LEN, 1);
	ph[8] = bcd((tm.tm_year + 1900) / 100);
	ph[9] = bcd((tm.tm_year + 1900) % 100);
	ph[10] = bcd(tm.tm_mon + 1);
	ph[11] = bcd(tm.tm_mday);
	ph[12] = bcd(tm.tm_hour);
	ph[13] = bcd(tm.tm_min);
	ph[14] = bcd(tm.tm_sec);
	ph[24] = CREATOR_HYPERVISOR;
	ph[27] = 3; /* PH, UH, EP */
	put32(ph + 40, id);

	/* User header: the power subsystem, an informational event. */
	section_hdr(uh, "UH", UH_LEN, 1);
	uh[8] = SUBSYSTEM_POWER;

	/* EPOW: action code in the low nibble of the sensor value. */
	section_hdr(ep, "EP", EP_LEN, 2);
	ep[8] = SPAPR_EPOW_SYSTEM_SHUTDOWN;
	ep[9] = SPAPR_EPOW_SHUTDOWN_NORMAL;
	return SPAPR_EPOW_LOG_LEN;
}

/*
 * check-exception (vector, info, event mask, critical, buffer, length
 * [, extended info]): the oldest queued event the mask asks for, truncated
 * to the buffer, or "no errors found". Another queued event pulses the
 * interrupt again, as the source is edge-triggered.
 */
int32_t spapr_check_exception(uint32_t nargs, const uint32_t *args)
{
	uint8_t log[SPAPR_EPOW_LOG_LEN];
	uint32_t mask, buf, len;

	if (nargs != 6 && nargs != 7)
		return RTAS_OUT_PARAM_ERROR;
	mask = args[2];
	buf = args[4];
	len = args[5];
	if (len < LOG_HDR_LEN)
		return RTAS_OUT_PARAM_ERROR;
	if (!(mask & RTAS_EVENT_EPOW_WARNING) || !pending)
		return RTAS_OUT_NO_ERRORS_FOUND;
	spapr_epow_log(log, sizeof(log), time(NULL), log_id);
	if (!guest_write(buf, log, MIN(len, (uint32_t)sizeof(log))))
		return RTAS_OUT_PARAM_ERROR; /* the event stays queued */
	log_id++;
	if (--pending)
		spapr_irq_raise(SPAPR_IRQ_EPOW);
	return RTAS_OUT_SUCCESS;
}

/* get-sensor-state (sensor, index) -> state: only the EPOW sensor exists. */
int32_t spapr_get_sensor_state(uint32_t sensor, uint32_t index, uint32_t *state)
{
	if (sensor != EPOW_SENSOR || index != 0)
		return RTAS_OUT_PARAM_ERROR;
	*state = pending ? SPAPR_EPOW_SYSTEM_SHUTDOWN : 0;
	return RTAS_OUT_SUCCESS;
}
