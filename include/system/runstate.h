/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_RUNSTATE_H
#define KEEL_SYSTEM_RUNSTATE_H

#include <stdbool.h>

/* QEMU's RunState names, so QMP clients see what they expect. */
enum run_state {
	RUN_STATE_DEBUG,
	RUN_STATE_INMIGRATE,
	RUN_STATE_INTERNAL_ERROR,
	RUN_STATE_IO_ERROR,
	RUN_STATE_PAUSED,
	RUN_STATE_POSTMIGRATE,
	RUN_STATE_PRELAUNCH,
	RUN_STATE_FINISH_MIGRATE,
	RUN_STATE_RESTORE_VM,
	RUN_STATE_RUNNING,
	RUN_STATE_SAVE_VM,
	RUN_STATE_SHUTDOWN,
	RUN_STATE_SUSPENDED,
	RUN_STATE_WATCHDOG,
	RUN_STATE_GUEST_PANICKED,
	RUN_STATE_COLO,
	RUN_STATE__MAX,
};

/* QEMU's ShutdownCause names. */
enum shutdown_cause {
	SHUTDOWN_CAUSE_NONE,
	SHUTDOWN_CAUSE_HOST_ERROR,
	SHUTDOWN_CAUSE_HOST_QMP_QUIT,
	SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET,
	SHUTDOWN_CAUSE_HOST_SIGNAL,
	SHUTDOWN_CAUSE_HOST_UI,
	SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
	SHUTDOWN_CAUSE_GUEST_RESET,
	SHUTDOWN_CAUSE_GUEST_PANIC,
	SHUTDOWN_CAUSE_SUBSYSTEM_RESET,
	SHUTDOWN_CAUSE_SNAPSHOT_LOAD,
	SHUTDOWN_CAUSE__MAX,
};

const char *run_state_name(enum run_state s);
const char *shutdown_cause_name(enum shutdown_cause c);
/* True for causes that came from the guest (the "guest" field of events). */
bool shutdown_cause_is_guest(enum shutdown_cause c);

enum run_state runstate_get(void);
bool runstate_is_running(void);
/* internal-error, shutdown, guest-panicked: only a reset leaves them (cont refused). */
bool runstate_needs_reset(void);
/* The machine's ACPI power button (x86) or equivalent. */
void system_powerdown_set_handler(void (*fn)(void));
/* Push every cold-reset state once at start-up (main thread, before vCPUs run). */
void system_cold_reset(void);

/* Requests: recorded with a cause, acted on by the main loop. Any thread. */
void system_reset_request(enum shutdown_cause cause);
void system_shutdown_request(enum shutdown_cause cause);
void system_powerdown_request(void);
/* A vCPU hit something it cannot continue from (internal-error, guest-panicked). */
void vm_stop_request(enum run_state state);

/*
 * Called in the main loop right after vm_stop() paused every vCPU
 * (running = false, state = the new state) and right before vm_start()
 * resumes them (running = true). Devices with in-kernel state that must be
 * flushed on stop (the arm64 ITS tables) use it.
 */
typedef void (*vm_change_handler)(bool running, enum run_state state, void *opaque);
void runstate_add_change_handler(vm_change_handler fn, void *opaque);

/* Main loop only: cont (resets a guest in the shutdown state first); -EPERM if a reset is needed. */
int vm_cont(void);

/* Main loop only (QMP stop/cont). Return 0 or -errno. */
int vm_stop(enum run_state state);
int vm_start(void);

/* Set by -no-reboot / -no-shutdown. */
extern bool opt_no_reboot;
extern bool opt_no_shutdown;

/*
 * Main-loop side: handle pending requests. Returns true when the process
 * should exit (exit status in *status).
 */
bool main_loop_handle_requests(int *status);
/* Wake the main loop (any thread). */
void main_loop_wakeup(void);
/* Request process exit with a status (e.g. isa-debug-exit). */
void system_exit_request(int status);

/* Statistics used by tests and the QMP test commands. */
struct reset_stats {
	unsigned long resets;
	unsigned long audits;
	unsigned long audit_mismatches;
};
void reset_stats_get(struct reset_stats *out);
/* Same, for callers that already hold the bql. */
void reset_stats_peek(struct reset_stats *out);
void reset_stats_audit(unsigned mismatches);

#endif
