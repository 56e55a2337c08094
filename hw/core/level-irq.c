// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Level-triggered lines through an irqfd with a resample eventfd, or
 * KVM_IRQ_LINE (see include/hw/core/level-irq.h).
 *
 * "raised" tracks the kernel's side of the irqfd: set when we write the
 * irqfd, cleared when we read a resample signal (the kernel lowers the line
 * before it signals). So a line the kernel lowered after our last write
 * always has a signal waiting, and reading it re-checks the device.
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib-unix.h>

#include "accel/kvm.h"
#include "hw/core/irq.h"
#include "hw/core/level-irq.h"
#include "system/error.h"
#include "system/log.h"

struct level_irq {
	char *name;
	unsigned line;
	int gsi;
	int irqfd, resamplefd;	/* -1: KVM_IRQ_LINE */
	bool assigned;		/* KVM_IRQFD done */
	guint watch;
	bool level;		/* what the device last asked for */
	bool raised;		/* irqfd written, no resample read since */
	bool (*pending)(void *opaque);
	void *opaque;
	struct level_irq_stats stats;
};

static bool real_has_resample(void)
{
	return kvm_vm_fd() >= 0 && kvm_check_extension(KVM_CAP_IRQFD) > 0 &&
	       kvm_check_extension(KVM_CAP_IRQFD_RESAMPLE) > 0;
}

static int real_irq_line(unsigned line, bool level)
{
	if (kvm_vm_fd() < 0)
		return 0; /* unit tests without a VM */
	return kvm_irq_line(line, level);
}

static int real_irqfd(const struct kvm_irqfd *req)
{
	return ioctl(kvm_vm_fd(), KVM_IRQFD, req) < 0 ? -errno : 0;
}

static const struct level_irq_kvm real_kvm = {
	.has_resample = real_has_resample,
	.irq_line = real_irq_line,
	.irqfd = real_irqfd,
};
static const struct level_irq_kvm *kvm = &real_kvm;

void level_irq_set_kvm(const struct level_irq_kvm *k)
{
	kvm = k ? k : &real_kvm;
}

static void line_set(struct level_irq *l, bool level)
{
	int ret = kvm->irq_line(l->line, level);

	debug_log("%s: KVM_IRQ_LINE %u level %d", l->name, l->line, level);

	if (ret < 0)
		warn_report_once("KVM_IRQ_LINE %u: %s", l->line, g_strerror(-ret));
}

static int irqfd_assign(struct level_irq *l, bool assign)
{
	struct kvm_irqfd req = {
		.fd = l->irqfd,
		.gsi = l->gsi,
		.flags = assign ? KVM_IRQFD_FLAG_RESAMPLE : KVM_IRQFD_FLAG_DEASSIGN,
		.resamplefd = assign ? l->resamplefd : 0,
	};

	return kvm->irqfd(&req);
}

static void close_fds(struct level_irq *l)
{
	if (l->watch)
		g_source_remove(l->watch);
	l->watch = 0;
	if (l->irqfd >= 0)
		close(l->irqfd);
	if (l->resamplefd >= 0)
		close(l->resamplefd);
	l->irqfd = l->resamplefd = -1;
}

static void irqfd_write(struct level_irq *l)
{
	uint64_t one = 1;

	debug_log("%s: irqfd GSI %d raised", l->name, l->gsi);
	if (write(l->irqfd, &one, sizeof(one)) != sizeof(one))
		warn_report_once("%s: irqfd write: %s", l->name, g_strerror(errno));
	l->raised = true;
}

void level_irq_resample(struct level_irq *l)
{
	uint64_t n;

	if (l->resamplefd < 0 || read(l->resamplefd, &n, sizeof(n)) != sizeof(n))
		return;
	l->stats.resamples += n;
	debug_log("%s: resample, raised %d", l->name, l->raised);
	if (!l->raised)
		return; /* an EOI of a line already seen lowered, or left from a reset */
	l->raised = false;
	l->level = l->pending ? l->pending(l->opaque) : l->level;
	if (l->level) {
		l->stats.reasserts++;
		irqfd_write(l);
	} else {
		l->stats.deasserts++;
	}
}

static gboolean resample_ready(gint fd, GIOCondition cond, gpointer opaque)
{
	level_irq_resample(opaque);
	return G_SOURCE_CONTINUE;
}

/* Eventfds now; the KVM_IRQFD itself at the first reset or use (see below). */
static void setup_irqfd(struct level_irq *l)
{
	l->gsi = irq_line_irqfd_gsi(l->line);
	if (l->gsi < 0 || !kvm->has_resample())
		return;
	l->irqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	l->resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (l->irqfd < 0 || l->resamplefd < 0) {
		warn_report("%s: no eventfd for an irqfd (%s); using KVM_IRQ_LINE", l->name,
			    g_strerror(errno));
		close_fds(l);
	}
}

/*
 * Assign the irqfd once the irqchip is complete: devices are created before
 * the vCPUs, and arm64 initialises the vGIC (and its default GSI routing)
 * only after them. The cold reset before the first run does it.
 */
static bool irqfd_ready(struct level_irq *l)
{
	int ret;

	if (l->irqfd < 0)
		return false;
	if (l->assigned)
		return true;
	ret = irqfd_assign(l, true);
	if (ret < 0) {
		warn_report("%s: no irqfd for GSI %d (%s); using KVM_IRQ_LINE", l->name, l->gsi,
			    g_strerror(-ret));
		close_fds(l);
		return false;
	}
	l->assigned = true;
	l->watch = g_unix_fd_add(l->resamplefd, G_IO_IN, resample_ready, l);
	return true;
}

struct level_irq *level_irq_new(const char *name, unsigned line, bool use_irqfd,
				bool (*pending)(void *opaque), void *opaque)
{
	struct level_irq *l = g_new0(struct level_irq, 1);

	l->name = g_strdup(name);
	l->line = line;
	l->gsi = -1;
	l->irqfd = l->resamplefd = -1;
	l->pending = pending;
	l->opaque = opaque;
	if (use_irqfd)
		setup_irqfd(l);
	return l;
}

void level_irq_free(struct level_irq *l)
{
	if (!l)
		return;
	if (l->assigned)
		irqfd_assign(l, false);
	close_fds(l);
	g_free(l->name);
	g_free(l);
}

void level_irq_set(struct level_irq *l, bool level)
{
	if (!irqfd_ready(l)) {
		if (level != l->level) {
			l->level = level;
			if (level)
				l->stats.asserts++;
			else
				l->stats.deasserts++;
			line_set(l, level);
		}
		return;
	}
	/*
	 * Lowering waits for the guest's EOI; the kernel does it then. Raising
	 * writes when the line is down and on every rising edge of the device's
	 * level: a write to a line that is still up changes nothing, and one
	 * the kernel lowered at an EOI whose signal is not read yet is raised
	 * again without waiting for the main loop.
	 */
	if (level && (!l->level || !l->raised))
		irqfd_write(l);
	if (level && !l->level)
		l->stats.asserts++;
	l->level = level;
}

void level_irq_reset(struct level_irq *l)
{
	int ret;

	l->level = false;
	if (!irqfd_ready(l)) {
		line_set(l, false);
		return;
	}
	level_irq_resample(l); /* an EOI the main loop has not seen yet */
	if (!l->raised)
		return;
	/*
	 * Only a deassign lowers what the irqfd raised (KVM_IRQ_LINE has its own
	 * source on x86): KVM lowers the line once the last irqfd of a resampler
	 * goes, and has finished any injection in flight when the ioctl returns.
	 */
	l->stats.reset_drops++;
	l->raised = false;
	ret = irqfd_assign(l, false);
	if (ret >= 0) {
		uint64_t n;

		/* An EOI between the read above and the deassign signalled: stale now. */
		if (read(l->resamplefd, &n, sizeof(n)) == sizeof(n))
			l->stats.resamples += n;
		ret = irqfd_assign(l, true);
	}
	if (ret < 0) {
		warn_report("%s: irqfd reassignment at reset failed (%s); using KVM_IRQ_LINE",
			    l->name, g_strerror(-ret));
		irqfd_assign(l, false);
		l->assigned = false;
		close_fds(l);
		line_set(l, false);
	}
}

enum level_irq_path level_irq_path(const struct level_irq *l)
{
	return l->irqfd >= 0 ? LEVEL_IRQ_IRQFD : LEVEL_IRQ_LINE;
}

const char *level_irq_path_name(const struct level_irq *l)
{
	return level_irq_path(l) == LEVEL_IRQ_IRQFD ? "irqfd" : "line";
}

struct level_irq_stats level_irq_stats(const struct level_irq *l)
{
	return l->stats;
}

bool level_irq_raised(const struct level_irq *l)
{
	return l->raised;
}
