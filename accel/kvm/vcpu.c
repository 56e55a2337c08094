// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vCPU threads and the KVM_RUN loop.
 *
 * The one rule (docs/architecture.md): a vCPU leaves the run loop only
 * through a KVM_RUN that returned -EINTR, i.e. one entered with
 * immediate_exit set (or a pending kick signal on old kernels). The kernel
 * completes any MMIO/PIO/hypercall the previous exit left pending before it
 * returns, so a paused vCPU never holds a half-done operation that a later
 * KVM_RUN would write over freshly pushed reset state.
 *
 * A hypercall that blocks the vCPU (sPAPR H_CEDE, the stopped-CPU hold)
 * completes first: its handler calls vcpu_halt_current(), the loop re-enters
 * KVM_RUN once to complete it, and only then does the thread wait, outside
 * KVM_RUN, until the arch says the vCPU has work (an interrupt, a start).
 * A halted vCPU pauses, resets and quits like a running one.
 *
 * Locking: cpu->stop, cpu->stopped, cpu->work and cpu->exit_thread are
 * protected by the bql; cpu->halted belongs to the vCPU thread; exit_request
 * is an atomic set by kickers and cleared by the vCPU thread only. Only the vCPU thread touches its kvm_run (the
 * kick's signal handler runs on that thread).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kvm.h>

#include "system/error.h"
#include "accel/kvm.h"
#include "system/bql.h"
#include "system/cpus.h"
#include "system/log.h"
#include "system/memory.h"
#include "system/runstate.h"

#define SIG_KICK (SIGRTMIN + 1)
#define PAUSE_TIMEOUT_US (10 * G_TIME_SPAN_SECOND)
/* A halted vCPU re-checks its wake-up condition at least this often. */
#define HALT_RECHECK_US (10 * G_TIME_SPAN_SECOND)

struct vcpu {
	unsigned index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t tid;
	void *arch;

	int exit_request; /* atomic */
	bool stop;
	bool stopped;
	bool exit_thread;
	bool created;
	bool halted; /* waiting for arch_vcpu_halt_done() */
	void (*work)(struct vcpu *cpu, void *opaque);
	void *work_opaque;
};

bool kvm_test_skip_completion;

static GPtrArray *vcpus;
static struct kcond cpu_cond;   /* vCPU threads wait here while stopped */
static struct kcond pause_cond; /* the main loop waits here for stopped/work done */
static bool have_immediate_exit;
static __thread struct vcpu *current_vcpu;
static __thread struct kvm_run *current_run;

static void kick_handler(int sig)
{
	/* Runs on the vCPU thread itself: the only other writer of its kvm_run. */
	if (current_run && have_immediate_exit)
		current_run->immediate_exit = 1;
}

unsigned vcpu_count(void)
{
	return vcpus ? vcpus->len : 0;
}

struct vcpu *vcpu_get(unsigned index)
{
	return vcpus && index < vcpus->len ? vcpus->pdata[index] : NULL;
}

unsigned vcpu_index(const struct vcpu *cpu)
{
	return cpu->index;
}

int vcpu_fd(const struct vcpu *cpu)
{
	return cpu->fd;
}

void *vcpu_arch(struct vcpu *cpu)
{
	return cpu->arch;
}

void vcpu_set_arch(struct vcpu *cpu, void *arch)
{
	cpu->arch = arch;
}

struct vcpu *vcpu_create(unsigned index, GError **err)
{
	struct vcpu *cpu = g_new0(struct vcpu, 1);
	int sz;

	cpu->index = index;
	cpu->stop = true; /* run only once the VM is started */
	cpu->fd = ioctl(kvm_vm_fd(), KVM_CREATE_VCPU, index);
	if (cpu->fd < 0) {
		error_setg(err, "KVM_CREATE_VCPU %u: %s", index,
			    g_strerror(errno));
		g_free(cpu);
		return NULL;
	}
	sz = ioctl(kvm_dev_fd(), KVM_GET_VCPU_MMAP_SIZE, 0);
	cpu->run_size = sz;
	cpu->run = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, cpu->fd, 0);
	if (sz <= 0 || cpu->run == MAP_FAILED) {
		error_setg(err, "mmap kvm_run: %s",
			    g_strerror(errno));
		close(cpu->fd);
		g_free(cpu);
		return NULL;
	}
	if (!vcpus)
		vcpus = g_ptr_array_new();
	g_ptr_array_add(vcpus, cpu);
	if (arch_vcpu_init(cpu, err) < 0)
		return NULL;
	return cpu;
}

/* Any thread. Makes the vCPU leave KVM_RUN once its pending exit is complete. */
void vcpu_kick(struct vcpu *cpu)
{
	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
	if (cpu->created && !pthread_equal(cpu->tid, pthread_self()))
		pthread_kill(cpu->tid, SIG_KICK);
}

void vcpu_request_exit(struct vcpu *cpu)
{
	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void vcpu_stop_current(void)
{
	struct vcpu *cpu = current_vcpu;

	if (!cpu)
		return;
	/* The requester parks until the main loop has acted (QEMU's cpu_stop_current). */
	__atomic_store_n(&cpu->stop, true, __ATOMIC_SEQ_CST);
	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void vcpu_halt_current(void)
{
	struct vcpu *cpu = current_vcpu;

	if (!cpu)
		return;
	cpu->halted = true;
	/* Leave the run loop through the completing KVM_RUN, then wait. */
	__atomic_store_n(&cpu->exit_request, 1, __ATOMIC_SEQ_CST);
}

void vcpu_halt_cancel(struct vcpu *cpu)
{
	cpu->halted = false;
}

void vcpu_wake(struct vcpu *cpu)
{
	/* The halted thread re-checks its condition under the bql we hold. */
	kcond_broadcast(&cpu_cond);
}

/*
 * A halted vCPU, bql held: true when it may run again, else one bounded wait
 * for a wake-up (vcpu_wake, a pause, work, the arch's deadline).
 */
static bool halt_over(struct vcpu *cpu)
{
	gint64 now = g_get_monotonic_time();
	gint64 deadline = now + HALT_RECHECK_US;

	if (arch_vcpu_halt_done(cpu, &deadline)) {
		cpu->halted = false;
		return true;
	}
	kcond_wait_until(&cpu_cond, bql_mutex(), MIN(deadline, now + HALT_RECHECK_US));
	return false;
}

/*
 * Enter KVM_RUN with the kernel told to return at once: it completes what the
 * last exit left pending and runs no guest instruction.
 */
static int complete_pending(struct vcpu *cpu)
{
	int ret;

	if (have_immediate_exit) {
		cpu->run->immediate_exit = 1;
		ret = ioctl(cpu->fd, KVM_RUN, 0);
		cpu->run->immediate_exit = 0;
	} else {
		/* Old kernels: a pending (blocked) kick signal makes KVM_RUN return -EINTR. */
		sigset_t set;
		siginfo_t info;
		struct timespec zero = { 0 };

		pthread_kill(pthread_self(), SIG_KICK);
		ret = ioctl(cpu->fd, KVM_RUN, 0);
		sigemptyset(&set);
		sigaddset(&set, SIG_KICK);
		while (sigtimedwait(&set, &info, &zero) > 0)
			;
	}
	if (ret < 0 && errno != EINTR && errno != EAGAIN)
		return -errno;
	return 0;
}

static void dump_and_fail(struct vcpu *cpu, const char *what)
{
	error_report("vCPU %u: %s", cpu->index, what);
	arch_vcpu_dump(cpu);
	vm_stop_request(RUN_STATE_INTERNAL_ERROR);
}

/* Returns 0 to continue. Runs without the bql; dispatch takes it. */
static int handle_exit(struct vcpu *cpu)
{
	struct kvm_run *run = cpu->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *p = (uint8_t *)run + run->io.data_offset;

		for (uint32_t i = 0; i < run->io.count; i++, p += run->io.size)
			io_dispatch(IO_SPACE_PIO, run->io.port, p, run->io.size,
				    run->io.direction == KVM_EXIT_IO_OUT);
		return 0;
	}
	case KVM_EXIT_MMIO:
		io_dispatch(IO_SPACE_MMIO, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			    run->mmio.is_write);
		return 0;
	case KVM_EXIT_INTR:
		return 0;
	case KVM_EXIT_SHUTDOWN:
		/* Triple fault: a guest reset, as on real hardware. */
		system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
		return 0;
	case KVM_EXIT_SYSTEM_EVENT:
		switch (run->system_event.type) {
		case KVM_SYSTEM_EVENT_RESET:
			system_reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
			return 0;
		case KVM_SYSTEM_EVENT_SHUTDOWN:
			system_shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN);
			return 0;
		case KVM_SYSTEM_EVENT_CRASH:
			vm_stop_request(RUN_STATE_GUEST_PANICKED);
			return 0;
		}
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		error_report("vCPU %u: KVM internal error, suberror %u", cpu->index,
			     run->internal.suberror);
		dump_and_fail(cpu, "emulation failure");
		return 0;
	case KVM_EXIT_FAIL_ENTRY:
		error_report("vCPU %u: KVM entry failed, hardware reason 0x%llx", cpu->index,
			     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		dump_and_fail(cpu, "entry failure");
		return 0;
	default:
		break;
	}
	if (arch_handle_exit(cpu, run) == 0)
		return 0;
	error_report("vCPU %u: unhandled exit reason %u", cpu->index, run->exit_reason);
	dump_and_fail(cpu, "unhandled exit");
	return 0;
}

/* Run the guest until a kick. Leaves only after a completing KVM_RUN. */
static void run_until_kicked(struct vcpu *cpu)
{
	for (;;) {
		int ret;

		if (__atomic_load_n(&cpu->exit_request, __ATOMIC_SEQ_CST)) {
			if (kvm_test_skip_completion)
				break; /* negative control: leave with the exit still pending */
			if (complete_pending(cpu) < 0)
				dump_and_fail(cpu, "completion KVM_RUN failed");
			break;
		}
		ret = ioctl(cpu->fd, KVM_RUN, 0);
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				/* Nothing is pending after -EINTR: safe to leave if kicked. */
				cpu->run->immediate_exit = 0;
				if (__atomic_load_n(&cpu->exit_request, __ATOMIC_SEQ_CST))
					break;
				continue;
			}
			error_report("vCPU %u: KVM_RUN: %s", cpu->index, g_strerror(errno));
			dump_and_fail(cpu, "KVM_RUN failed");
			/* The request set exit_request; complete and leave. */
			continue;
		}
		handle_exit(cpu);
	}
	cpu->run->immediate_exit = 0;
	__atomic_store_n(&cpu->exit_request, 0, __ATOMIC_SEQ_CST);
}

static void *vcpu_thread(void *opaque)
{
	struct vcpu *cpu = opaque;
	sigset_t set;

	current_vcpu = cpu;
	current_run = cpu->run;
	if (!have_immediate_exit) {
		/* Kick signal blocked except inside KVM_RUN. */
		struct kvm_signal_mask *sm = g_malloc0(sizeof(*sm) + 8);
		sigset_t mask;

		sigemptyset(&set);
		sigaddset(&set, SIG_KICK);
		pthread_sigmask(SIG_BLOCK, &set, NULL);
		pthread_sigmask(SIG_BLOCK, NULL, &mask);
		sigdelset(&mask, SIG_KICK);
		sm->len = 8; /* the kernel's sigset size */
		memcpy(sm->sigset, &mask, 8);
		if (ioctl(cpu->fd, KVM_SET_SIGNAL_MASK, sm) < 0)
			error_report("vCPU %u: KVM_SET_SIGNAL_MASK: %s", cpu->index,
				     g_strerror(errno));
		g_free(sm);
	} else {
		sigemptyset(&set);
		sigaddset(&set, SIG_KICK);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}

	bql_lock();
	while (!cpu->exit_thread) {
		if (cpu->work) {
			cpu->work(cpu, cpu->work_opaque);
			cpu->work = NULL;
			kcond_broadcast(&pause_cond);
			continue;
		}
		if (__atomic_load_n(&cpu->stop, __ATOMIC_SEQ_CST)) {
			if (!cpu->stopped) {
				cpu->stopped = true;
				kcond_broadcast(&pause_cond);
			}
			kcond_wait_until(&cpu_cond, bql_mutex(),
					  g_get_monotonic_time() + G_TIME_SPAN_SECOND);
			continue;
		}
		if (cpu->halted && !halt_over(cpu))
			continue;
		cpu->stopped = false;
		bql_unlock();
		run_until_kicked(cpu);
		bql_lock();
	}
	cpu->stopped = true;
	kcond_broadcast(&pause_cond);
	bql_unlock();
	return NULL;
}

int vcpus_start(GError **err)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	kcond_init(&cpu_cond);
	kcond_init(&pause_cond);
	have_immediate_exit = kvm_check_extension(KVM_CAP_IMMEDIATE_EXIT) > 0 &&
			      !getenv("KEEL_TEST_NO_IMMEDIATE_EXIT");
	sigemptyset(&sa.sa_mask);
	sigaction(SIG_KICK, &sa, NULL);
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);
		char name[32];
		sigset_t set, old;
		int ret;

		/* The thread starts with the kick blocked; it unblocks it itself. */
		sigemptyset(&set);
		sigaddset(&set, SIG_KICK);
		pthread_sigmask(SIG_BLOCK, &set, &old);
		ret = pthread_create(&cpu->tid, NULL, vcpu_thread, cpu);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (ret) {
			error_setg(err, "cannot create vCPU thread: %s", g_strerror(ret));
			return -ret;
		}
		snprintf(name, sizeof(name), "CPU %u/KVM", i);
		pthread_setname_np(cpu->tid, name);
		cpu->created = true;
	}
	return 0;
}

static bool wait_for(bool (*cond)(void *), void *opaque)
{
	gint64 deadline = g_get_monotonic_time() + PAUSE_TIMEOUT_US;

	while (!cond(opaque)) {
		if (!kcond_wait_until(&pause_cond, bql_mutex(), deadline) && !cond(opaque))
			return false;
	}
	return true;
}

static bool all_stopped(void *opaque)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);

		if (cpu->created && !cpu->stopped)
			return false;
	}
	return true;
}

/* Main thread, bql held. */
bool vcpus_pause(void)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);

		__atomic_store_n(&cpu->stop, true, __ATOMIC_SEQ_CST);
		vcpu_kick(cpu);
	}
	kcond_broadcast(&cpu_cond); /* halted vCPUs wait there */
	if (!wait_for(all_stopped, NULL)) {
		error_report("pause: a vCPU did not stop within %lld s",
			     (long long)(PAUSE_TIMEOUT_US / G_TIME_SPAN_SECOND));
		return false;
	}
	return true;
}

void vcpus_resume(void)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);

		__atomic_store_n(&cpu->stop, false, __ATOMIC_SEQ_CST);
	}
	kcond_broadcast(&cpu_cond);
}

bool vcpus_all_paused(void)
{
	return all_stopped(NULL);
}

static bool work_done(void *opaque)
{
	return ((struct vcpu *)opaque)->work == NULL;
}

bool vcpu_run_on(struct vcpu *cpu, void (*fn)(struct vcpu *cpu, void *opaque), void *opaque)
{
	if (!cpu->created || pthread_equal(cpu->tid, pthread_self())) {
		fn(cpu, opaque);
		return true;
	}
	cpu->work = fn;
	cpu->work_opaque = opaque;
	kcond_broadcast(&cpu_cond);
	if (!wait_for(work_done, cpu)) {
		error_report("vCPU %u did not run its work item in time", cpu->index);
		return false;
	}
	return true;
}

void vcpus_destroy(void)
{
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);

		cpu->exit_thread = true;
		cpu->stop = true;
		vcpu_kick(cpu);
	}
	kcond_broadcast(&cpu_cond);
	if (!wait_for(all_stopped, NULL)) {
		error_report("exit: a vCPU thread did not finish");
		return;
	}
	for (unsigned i = 0; i < vcpu_count(); i++) {
		struct vcpu *cpu = vcpu_get(i);

		if (cpu->created) {
			/* The thread has left its loop; joining takes the bql-free path. */
			bql_unlock();
			pthread_join(cpu->tid, NULL);
			bql_lock();
			cpu->created = false;
		}
	}
}
