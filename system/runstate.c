// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run states and requests. Requests are recorded with a cause by any
 * thread and acted on by the main loop (main_loop_handle_requests), never
 * inside a vCPU thread: that is where every vCPU can be paused first.
 */
#include <errno.h>
#include <glib.h>

#include "accel/kvm.h"
#include "hw/core/reset.h"
#include "monitor/monitor.h"
#include "system/bql.h"
#include "system/cpus.h"
#include "system/log.h"
#include "system/runstate.h"

bool opt_no_reboot;
bool opt_no_shutdown;

static enum run_state current_state = RUN_STATE_PRELAUNCH;

/* Pending requests; 0 = none, else cause + 1 or state + 1. Atomics. */
static int reset_req;
static int shutdown_req;
static int powerdown_req;
static int stop_req;
static int exit_req; /* status + 1 */

static struct reset_stats stats;
static void (*powerdown_handler)(void);

static const char *const state_names[RUN_STATE__MAX] = {
	[RUN_STATE_DEBUG] = "debug",
	[RUN_STATE_INMIGRATE] = "inmigrate",
	[RUN_STATE_INTERNAL_ERROR] = "internal-error",
	[RUN_STATE_IO_ERROR] = "io-error",
	[RUN_STATE_PAUSED] = "paused",
	[RUN_STATE_POSTMIGRATE] = "postmigrate",
	[RUN_STATE_PRELAUNCH] = "prelaunch",
	[RUN_STATE_FINISH_MIGRATE] = "finish-migrate",
	[RUN_STATE_RESTORE_VM] = "restore-vm",
	[RUN_STATE_RUNNING] = "running",
	[RUN_STATE_SAVE_VM] = "save-vm",
	[RUN_STATE_SHUTDOWN] = "shutdown",
	[RUN_STATE_SUSPENDED] = "suspended",
	[RUN_STATE_WATCHDOG] = "watchdog",
	[RUN_STATE_GUEST_PANICKED] = "guest-panicked",
	[RUN_STATE_COLO] = "colo",
};

static const char *const cause_names[SHUTDOWN_CAUSE__MAX] = {
	[SHUTDOWN_CAUSE_NONE] = "none",
	[SHUTDOWN_CAUSE_HOST_ERROR] = "host-error",
	[SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
	[SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
	[SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
	[SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
	[SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
	[SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
	[SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
	[SHUTDOWN_CAUSE_SUBSYSTEM_RESET] = "subsystem-reset",
	[SHUTDOWN_CAUSE_SNAPSHOT_LOAD] = "snapshot-load",
};

const char *run_state_name(enum run_state s)
{
	return (unsigned)s < RUN_STATE__MAX ? state_names[s] : "unknown";
}

const char *shutdown_cause_name(enum shutdown_cause c)
{
	return (unsigned)c < SHUTDOWN_CAUSE__MAX ? cause_names[c] : "none";
}

bool shutdown_cause_is_guest(enum shutdown_cause c)
{
	return c == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || c == SHUTDOWN_CAUSE_GUEST_RESET ||
	       c == SHUTDOWN_CAUSE_GUEST_PANIC;
}

enum run_state runstate_get(void)
{
	return __atomic_load_n(&current_state, __ATOMIC_ACQUIRE);
}

bool runstate_is_running(void)
{
	return runstate_get() == RUN_STATE_RUNNING;
}

bool runstate_needs_reset(void)
{
	enum run_state s = runstate_get();

	return s == RUN_STATE_INTERNAL_ERROR || s == RUN_STATE_SHUTDOWN ||
	       s == RUN_STATE_GUEST_PANICKED;
}

static void runstate_set(enum run_state s)
{
	__atomic_store_n(&current_state, s, __ATOMIC_RELEASE);
}

void system_powerdown_set_handler(void (*fn)(void))
{
	powerdown_handler = fn;
}

static void post(int *slot, int value)
{
	__atomic_store_n(slot, value, __ATOMIC_RELEASE);
	main_loop_wakeup();
}

void system_reset_request(enum shutdown_cause cause)
{
	/* -no-reboot: every reset but a subsystem reset becomes a shutdown (QEMU). */
	if (opt_no_reboot && cause != SHUTDOWN_CAUSE_SUBSYSTEM_RESET)
		post(&shutdown_req, cause + 1);
	else
		post(&reset_req, cause + 1);
	vcpu_stop_current();
}

void system_shutdown_request(enum shutdown_cause cause)
{
	post(&shutdown_req, cause + 1);
	vcpu_stop_current();
}

void system_powerdown_request(void)
{
	post(&powerdown_req, 1);
}

void vm_stop_request(enum run_state state)
{
	post(&stop_req, state + 1);
	vcpu_stop_current();
}

void system_exit_request(int status)
{
	post(&exit_req, status + 1);
	vcpu_stop_current();
}

struct change_handler {
	vm_change_handler fn;
	void *opaque;
};

static GArray *change_handlers;

void runstate_add_change_handler(vm_change_handler fn, void *opaque)
{
	struct change_handler h = { fn, opaque };

	if (!change_handlers)
		change_handlers = g_array_new(FALSE, FALSE, sizeof(h));
	g_array_append_val(change_handlers, h);
}

static void run_change_handlers(bool running, enum run_state state)
{
	for (guint i = 0; change_handlers && i < change_handlers->len; i++) {
		struct change_handler *h = &g_array_index(change_handlers, struct change_handler, i);

		h->fn(running, state, h->opaque);
	}
}

static void emit_cause_event(const char *name, enum shutdown_cause cause)
{
	char *data = g_strdup_printf("{\"guest\": %s, \"reason\": \"%s\"}",
				     shutdown_cause_is_guest(cause) ? "true" : "false",
				     shutdown_cause_name(cause));

	monitor_event(name, data);
	g_free(data);
}

int vm_stop(enum run_state state)
{
	if (!runstate_is_running())
		return 0;
	/* Paused first: "paused" is reported only once no vCPU can touch a device. */
	if (!pause_all_vcpus()) {
		runstate_set(RUN_STATE_INTERNAL_ERROR);
		return -ETIMEDOUT;
	}
	runstate_set(state);
	run_change_handlers(false, state);
	monitor_event("STOP", NULL);
	return 0;
}

int vm_start(void)
{
	if (runstate_is_running())
		return 0;
	if (runstate_needs_reset())
		return -EINVAL;
	runstate_set(RUN_STATE_RUNNING);
	run_change_handlers(true, RUN_STATE_RUNNING);
	monitor_event("RESUME", NULL);
	resume_all_vcpus();
	return 0;
}

void reset_stats_get(struct reset_stats *out)
{
	bql_lock();
	*out = stats;
	bql_unlock();
}

void reset_stats_peek(struct reset_stats *out)
{
	*out = stats;
}

void reset_stats_audit(unsigned mismatches)
{
	/* Called from the audit reset handler, bql held. */
	stats.audits++;
	stats.audit_mismatches += mismatches;
}

static void do_system_reset(enum shutdown_cause cause)
{
	if (!pause_all_vcpus()) {
		error_report("reset: vCPUs did not stop; VM is now in internal-error");
		runstate_set(RUN_STATE_INTERNAL_ERROR);
		return;
	}
	reset_run_all();
	stats.resets++;
	emit_cause_event("RESET", cause);
	if (runstate_is_running())
		resume_all_vcpus();
	else if (runstate_get() != RUN_STATE_INMIGRATE)
		runstate_set(RUN_STATE_PRELAUNCH);
}

/*
 * QMP/HMP cont. A guest that shut down under -no-shutdown is reset first and
 * then runs (libvirt's system_reset + cont in one step). After an internal
 * error or a panic the state is kept for inspection: -EPERM until a reset.
 */
int vm_cont(void)
{
	if (runstate_get() == RUN_STATE_SHUTDOWN)
		do_system_reset(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
	if (runstate_needs_reset())
		return -EPERM;
	return vm_start();
}

/* System reset at start-up: every handler pushes its cold state once. */
void system_cold_reset(void)
{
	reset_run_all();
}

bool main_loop_handle_requests(int *status)
{
	int v;

	if ((v = __atomic_exchange_n(&exit_req, 0, __ATOMIC_ACQ_REL))) {
		*status = v - 1;
		return true;
	}
	if ((v = __atomic_exchange_n(&stop_req, 0, __ATOMIC_ACQ_REL))) {
		enum run_state s = v - 1;

		if (runstate_is_running()) {
			vm_stop(s);
		} else if (s == RUN_STATE_INTERNAL_ERROR) {
			runstate_set(s);
		}
	}
	if ((v = __atomic_exchange_n(&shutdown_req, 0, __ATOMIC_ACQ_REL))) {
		enum shutdown_cause cause = v - 1;

		emit_cause_event("SHUTDOWN", cause);
		/* quit and signals end the process even with -no-shutdown (QEMU). */
		if (!opt_no_shutdown || cause == SHUTDOWN_CAUSE_HOST_QMP_QUIT ||
		    cause == SHUTDOWN_CAUSE_HOST_SIGNAL) {
			*status = 0;
			return true;
		}
		if (runstate_is_running())
			vm_stop(RUN_STATE_SHUTDOWN);
		else
			runstate_set(RUN_STATE_SHUTDOWN);
	}
	if ((v = __atomic_exchange_n(&reset_req, 0, __ATOMIC_ACQ_REL)))
		do_system_reset(v - 1);
	if (__atomic_exchange_n(&powerdown_req, 0, __ATOMIC_ACQ_REL)) {
		monitor_event("POWERDOWN", NULL);
		if (powerdown_handler)
			powerdown_handler();
	}
	return false;
}
