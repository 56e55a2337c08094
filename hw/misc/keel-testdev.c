// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * keel-testdev: a test-only device for the run-loop, reset, pause and
 * memory-map tests (tests/functional/test_reset.py). Not for users.
 *
 * The same registers appear in port space (iobase, default 0x700) and MMIO
 * (mmio, default 0xfe000000). 32-bit registers:
 *   0x00 R  MODE          what the guest should do (enum tmode)
 *   0x04 R  TRIGGER       returns 0x5a5a5a5a; in reset-read modes a read
 *                         requests a system reset (every second read);
 *                         also at port 0x98
 *   0x08 W  BOOT          guest reports its boot count (kept in RAM)
 *   0x0c W  BADENTRY      guest reports wrong entry registers
 *   0x10 W  SEQ           (cpu << 24) | seq: per-CPU sequence numbers
 *   0x14 R  PLAIN         returns 0x12345678 (load)
 *   0x18 W  SWAPREQ / R SWAPS   remap mode: request/count RAM window swaps
 *   0x1c W  DONE          guest finished with a status
 *   0x20 W  PUTC          debug character to stderr
 *
 * Modes: reset-mmio, reset-pio (resets from inside reads), storm (host
 * resets), pause (host stop/cont), remap (RAM slot swaps), work (load only,
 * verdict printed at process exit), idle.
 *
 * Host-side storms run from main-loop timers: system resets, or stop/cont
 * cycles, at seeded random intervals. The verdict is printed on stderr as
 * one "keel-testdev: ..." line and becomes the exit status (0 = clean).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accel/kvm.h"
#include "hw/core/device.h"
#include "hw/core/reset.h"
#include "system/bql.h"
#include "system/cpus.h"
#include "system/error.h"
#include "system/log.h"
#include "system/memory.h"
#include "system/opts.h"
#include "system/runstate.h"

/* Guest-visible values: tests/guests/rom/resetguest.S branches on them. */
enum tmode { M_IDLE, M_RESET_MMIO, M_RESET_PIO, M_STORM, M_PAUSE, M_REMAP, M_WORK };

#define MAX_CPUS 16
#define SENT_GPA 0x7100 /* guest's per-CPU sent counters (u32 each) */
#define WINDOW_GPA 0xd0000000ULL
#define WINDOW_SIZE 0x10000ULL
#define WINDOW_PATTERN 0xa5a5a5a5u

struct testdev {
	enum tmode mode;
	uint64_t iobase, mmio;
	unsigned target; /* resets / cycles / swaps to do */
	GRand *rand;
	/* results */
	unsigned reads, resets, boots, bad_entry, seq_errors, writes;
	unsigned cycles, pause_violations, swaps, window_mmio_hits;
	uint32_t last_seq[MAX_CPUS];
	bool finished;
	bool booted_since_reset; /* a BOOT report arrived after the last reset */
	unsigned clobbers;
	unsigned stopped_writes; /* guest writes dispatched while the VM was stopped */
	struct ram_region *win[2];
	unsigned win_cur;
};

static struct testdev *td;

static bool counts_boots(void);

static void finish(const char *why)
{
	struct reset_stats st;
	bool ok;

	if (td->finished)
		return;
	td->finished = true;
	/* bql is held here; reset_stats_get takes it, so read the fields directly. */
	reset_stats_peek(&st);
	ok = td->bad_entry == 0 && td->clobbers == 0 && td->stopped_writes == 0 && runstate_get() != RUN_STATE_INTERNAL_ERROR && td->seq_errors == 0 && st.audit_mismatches == 0 &&
	     td->pause_violations == 0 && td->window_mmio_hits == 0;
	if (counts_boots())
		ok = ok && td->boots == td->resets + 1 && st.audits == st.resets + 1;
	fprintf(stderr,
		"keel-testdev: %s mode=%d clobbers=%u resets=%u boots=%u bad_entry=%u seq_errors=%u "
		"writes=%u stopped_writes=%u cycles=%u pause_violations=%u swaps=%u window_mmio_hits=%u "
		"audits=%lu audit_mismatches=%lu verdict=%s\n",
		why, td->mode, td->clobbers, td->resets, td->boots, td->bad_entry, td->seq_errors, td->writes,
		td->stopped_writes,		td->cycles, td->pause_violations, td->swaps, td->window_mmio_hits, st.audits,
		st.audit_mismatches, ok ? "clean" : "BROKEN");
	system_exit_request(ok ? 0 : 2);
}

static bool reset_mode(void)
{
	return td->mode == M_RESET_MMIO || td->mode == M_RESET_PIO;
}

static bool counts_boots(void)
{
	return reset_mode() || td->mode == M_STORM;
}

/* mode=work: the guest's vCPUs load the device; whoever drives the VM (QMP) ends it. */
static void verdict_at_exit(void)
{
	if (td && !td->finished)
		finish("exit");
}

/*
 * After a reset the guest must pass its entry code (BADENTRY/BOOT) before
 * anything else. Any other access means it resumed old code: the stale
 * completion of the read that requested the reset overwrote the reset state.
 */
static bool clobbered(uint64_t off, bool is_write)
{
	if (!reset_mode() || td->booted_since_reset || td->finished)
		return false;
	if (is_write && (off == 0x08 || off == 0x0c || off == 0x20))
		return false;
	td->clobbers++;
	finish("clobbered");
	return true;
}

static uint64_t td_read(void *opaque, uint64_t off, unsigned size)
{
	if (clobbered(off, false))
		return 0;
	switch (off) {
	case 0x00:
		return td->mode;
	case 0x04:
		if (reset_mode() && !td->finished && ++td->reads % 2 == 0) {
			if (td->resets >= td->target) {
				finish("done");
			} else {
				td->resets++;
				system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
			}
		}
		return 0x5a5a5a5a;
	case 0x14:
		return 0x12345678;
	case 0x18:
		return td->swaps;
	default:
		return 0;
	}
}

static void td_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	if (clobbered(off, true))
		return;
	switch (off) {
	case 0x08:
		td->boots++;
		td->booted_since_reset = true;
		/* The guest's RAM counter must match what we saw (when we drive the resets). */
		if (counts_boots() && v != td->boots)
			td->bad_entry++;
		break;
	case 0x0c:
		td->bad_entry++;
		break;
	case 0x10: {
		unsigned cpu = (v >> 24) & 0xff;
		uint32_t seq = v & 0xffffff;

		td->writes++;
		if (!runstate_is_running())
			td->stopped_writes++;
		if (cpu < MAX_CPUS) {
			if (seq != ((td->last_seq[cpu] + 1) & 0xffffff))
				td->seq_errors++;
			td->last_seq[cpu] = seq;
		}
		break;
	}
	case 0x1c:
		if (td->mode == M_REMAP)
			finish("done");
		break;
	case 0x20:
		fputc((int)v, stderr);
		break;
	}
}

static const struct io_ops td_ops = { .read = td_read, .write = td_write };

/*
 * TRIGGER again at a fixed port below 0x100, so the guest's loop can use
 * "in eax, imm8": after a clobbered reset the loop then keeps reading here
 * (its port does not depend on a register the reset changed).
 */
static uint64_t trig_read(void *opaque, uint64_t off, unsigned size)
{
	return td_read(opaque, 0x04, size);
}

static const struct io_ops trig_ops = { .read = trig_read };

/* An access to the RAM window that arrives here fell through a missing slot. */
static uint64_t win_read(void *opaque, uint64_t off, unsigned size)
{
	td->window_mmio_hits++;
	return 0;
}

static void win_write(void *opaque, uint64_t off, uint64_t v, unsigned size)
{
	td->window_mmio_hits++;
}

static const struct io_ops win_ops = { .read = win_read, .write = win_write };

static void td_reset(void *opaque)
{
	td->booted_since_reset = false;
	/* A clobbered reset may have left stale seq state; only the first boot counts. */
	memset(td->last_seq, 0, sizeof(td->last_seq));
}

/* A VM that stopped on an internal error can make no more progress: report it. */
static gboolean watch_runstate(gpointer data)
{
	if (td->finished)
		return G_SOURCE_REMOVE;
	if (runstate_needs_reset()) {
		finish(run_state_name(runstate_get()));
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static unsigned next_delay_us(void)
{
	return g_rand_int_range(td->rand, 50, 3000);
}

static gboolean storm_tick(gpointer data)
{
	if (td->finished)
		return G_SOURCE_REMOVE;
	if (td->resets >= td->target && td->booted_since_reset) {
		finish("done");
		return G_SOURCE_REMOVE;
	}
	/* Next reset once the guest has booted, so every boot is accounted for. */
	if (runstate_is_running() && td->booted_since_reset) {
		td->resets++;
		system_reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
	}
	g_timeout_add(next_delay_us() / 1000, storm_tick, NULL);
	return G_SOURCE_REMOVE;
}

static void read_sent(uint32_t *out)
{
	for (unsigned i = 0; i < vcpu_count() && i < MAX_CPUS; i++)
		if (!guest_read(SENT_GPA + 4 * i, &out[i], 4))
			out[i] = 0;
}

static gboolean pause_tick(gpointer data)
{
	uint32_t a[MAX_CPUS] = { 0 }, b[MAX_CPUS] = { 0 };

	if (td->finished)
		return G_SOURCE_REMOVE;
	if (td->cycles >= td->target) {
		finish("done");
		return G_SOURCE_REMOVE;
	}
	if (vm_stop(RUN_STATE_PAUSED) < 0) {
		td->pause_violations++;
	} else {
		/*
		 * Paused: every vCPU quiescent. What the device received must match
		 * what the guest counted as sent (the write is done before the
		 * guest increments its counter, so sent may trail by one), and
		 * nothing may move until we resume.
		 */
		read_sent(a);
		for (unsigned i = 0; i < vcpu_count() && i < MAX_CPUS; i++) {
			uint32_t got = td->last_seq[i];

			if (got != (a[i] & 0xffffff) && got != ((a[i] + 1) & 0xffffff))
				td->seq_errors++;
		}
		g_usleep(200); /* give a wrongly running vCPU a chance to move */
		read_sent(b);
		if (memcmp(a, b, sizeof(a)))
			td->pause_violations++;
		vm_start();
	}
	td->cycles++;
	g_timeout_add(next_delay_us() / 1000, pause_tick, NULL);
	return G_SOURCE_REMOVE;
}

static gboolean remap_tick(gpointer data)
{
	if (td->finished)
		return G_SOURCE_REMOVE;
	if (td->swaps >= td->target) {
		finish("done");
		return G_SOURCE_REMOVE;
	}
	/* Replace the window by its twin: a slot deletion under a running guest. */
	memory_begin();
	memory_unmap_ram(td->win[td->win_cur]);
	td->win_cur ^= 1;
	memory_map_ram(td->win[td->win_cur], WINDOW_GPA);
	memory_commit();
	td->swaps++;
	return G_SOURCE_CONTINUE;
}

static int td_create(struct kopts *o, GError **err)
{
	const char *mode = kopts_get(o, "mode");
	uint64_t target, seed;

	if (td) {
		error_setg(err, "keel-testdev: only one instance");
		return -1;
	}
	td = g_new0(struct testdev, 1);
	if (kopts_get_u64(o, "iobase", 0x700, &td->iobase, err) < 0 ||
	    kopts_get_u64(o, "mmio", 0xfe000000, &td->mmio, err) < 0 ||
	    kopts_get_u64(o, "count", 1000, &target, err) < 0 ||
	    kopts_get_u64(o, "seed", 1, &seed, err) < 0)
		return -1;
	td->target = target;
	td->rand = g_rand_new_with_seed(seed);
	if (!mode || !strcmp(mode, "idle"))
		td->mode = M_IDLE;
	else if (!strcmp(mode, "reset-mmio"))
		td->mode = M_RESET_MMIO;
	else if (!strcmp(mode, "reset-pio"))
		td->mode = M_RESET_PIO;
	else if (!strcmp(mode, "storm"))
		td->mode = M_STORM;
	else if (!strcmp(mode, "pause"))
		td->mode = M_PAUSE;
	else if (!strcmp(mode, "remap"))
		td->mode = M_REMAP;
	else if (!strcmp(mode, "work"))
		td->mode = M_WORK;

	else {
		error_setg(err, "keel-testdev: unknown mode '%s'", mode);
		return -1;
	}
	if (kopts_check_unused(o, "keel-testdev", err) < 0)
		return -1;
	if (io_region_add(IO_SPACE_PIO, td->iobase, 0x24, &td_ops, td, "keel-testdev") < 0 ||
	    io_region_add(IO_SPACE_PIO, 0x98, 4, &trig_ops, td, "keel-testdev-trigger") < 0 ||
	    io_region_add(IO_SPACE_MMIO, td->mmio, 0x1000, &td_ops, td, "keel-testdev") < 0) {
		error_setg(err, "keel-testdev: address in use");
		return -1;
	}
	reset_register(RESET_ORDER_DEVICE, td_reset, td, "keel-testdev");
	/* Modes that end themselves also end on a VM that can no longer run. */
	if (td->mode >= M_RESET_MMIO && td->mode <= M_REMAP)
		g_timeout_add(50, watch_runstate, NULL);
	if (td->mode == M_WORK)
		atexit(verdict_at_exit);
	else if (td->mode == M_STORM)
		g_timeout_add(20, storm_tick, NULL);
	else if (td->mode == M_PAUSE)
		g_timeout_add(20, pause_tick, NULL);
	else if (td->mode == M_REMAP) {
		for (int i = 0; i < 2; i++) {
			uint32_t *p;

			td->win[i] = ram_region_new("keel-testdev-window", WINDOW_SIZE);
			if (!td->win[i]) {
				error_setg(err, "keel-testdev: no memory for the window");
				return -1;
			}
			p = ram_region_host(td->win[i]);
			for (size_t j = 0; j < WINDOW_SIZE / 4; j++)
				p[j] = WINDOW_PATTERN;
		}
		/* Behind the window: accesses that miss a slot are counted. */
		io_region_add(IO_SPACE_MMIO, WINDOW_GPA, WINDOW_SIZE, &win_ops, td,
			      "keel-testdev-window-miss");
		memory_begin();
		memory_map_ram(td->win[0], WINDOW_GPA);
		memory_commit();
		g_timeout_add(1, remap_tick, NULL);
	}
	return 0;
}

static const struct device_type keel_testdev = {
	.name = "keel-testdev",
	.desc = "test-only device for the reset/pause/memory tests",
	.bus = NULL,
	.user_creatable = true,
	.create = td_create,
};
DEVICE_TYPE_REGISTER(keel_testdev)
