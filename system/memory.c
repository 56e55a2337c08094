// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest memory map: I/O regions (port and MMIO dispatch) and RAM
 * regions mapped into KVM memslots through transactions.
 *
 * A commit that deletes, moves or shrinks a slot backing RAM pauses every
 * vCPU (quiescent: nothing pending) first. Otherwise a vCPU could access the
 * address while the slot is briefly absent; KVM would turn that into an MMIO
 * exit and the guest would read all-ones instead of its RAM. Adding a slot
 * needs no pause. Commits run on the main thread with the bql held.
 *
 * Locks: io regions are protected by the bql. The RAM map is read by any
 * thread under ram_lock (read side) and changed under it (write side);
 * ram_lock nests inside the bql.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <glib.h>

#include "accel/kvm.h"
#include "system/bql.h"
#include "system/cpus.h"
#include "system/log.h"
#include "system/memory.h"

struct io_region {
	uint64_t base, len;
	const struct io_ops *ops;
	void *opaque;
	const char *name;
};

struct ram_region {
	char *name;
	uint64_t size;
	void *host;
	/* A device's pages (mmap of a KVM device fd): the guest maps them, Keel never reads them. */
	bool device;
	/* committed state */
	bool mapped;
	uint64_t gpa;
	int slot;
	/* pending state inside a transaction */
	bool want_mapped;
	uint64_t want_gpa;
};

bool memory_test_unsafe_commit;

static GArray *io_regions[2]; /* struct io_region, sorted by base */
static GPtrArray *ram_regions;
static pthread_rwlock_t ram_lock = PTHREAD_RWLOCK_INITIALIZER;
static unsigned long paused_commits;
static int txn_depth;

static GArray *space(enum io_space s)
{
	if (!io_regions[s])
		io_regions[s] = g_array_new(FALSE, TRUE, sizeof(struct io_region));
	return io_regions[s];
}

int io_region_add(enum io_space s, uint64_t base, uint64_t len, const struct io_ops *ops,
		  void *opaque, const char *name)
{
	GArray *a = space(s);
	struct io_region r = { base, len, ops, opaque, name };
	guint i;

	if (!len || base + len < base)
		return -EINVAL;
	for (i = 0; i < a->len; i++) {
		struct io_region *o = &g_array_index(a, struct io_region, i);

		if (base < o->base + o->len && o->base < base + len) {
			error_report("%s region %s at 0x%llx overlaps %s", s ? "MMIO" : "I/O",
				     name, (unsigned long long)base, o->name);
			return -EEXIST;
		}
		if (o->base > base)
			break;
	}
	g_array_insert_val(a, i, r);
	return 0;
}

int io_region_del(enum io_space s, uint64_t base)
{
	GArray *a = space(s);

	for (guint i = 0; i < a->len; i++) {
		if (g_array_index(a, struct io_region, i).base == base) {
			g_array_remove_index(a, i);
			return 0;
		}
	}
	return -ENOENT;
}

static struct io_region *io_find(enum io_space s, uint64_t addr)
{
	GArray *a = space(s);
	guint lo = 0, hi = a->len;

	while (lo < hi) {
		guint mid = (lo + hi) / 2;
		struct io_region *r = &g_array_index(a, struct io_region, mid);

		if (addr < r->base)
			hi = mid;
		else if (addr >= r->base + r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

bool io_dispatch(enum io_space s, uint64_t addr, void *data, unsigned size, bool is_write)
{
	struct io_region *r;
	bool locked = bql_locked();
	bool found = false;

	if (!locked)
		bql_lock();
	r = io_find(s, addr);
	if (r) {
		found = true;
		if (is_write) {
			uint64_t v = 0;

			memcpy(&v, data, size > 8 ? 8 : size);
			if (r->ops->write)
				r->ops->write(r->opaque, addr - r->base, v, size);
		} else {
			uint64_t v = r->ops->read ? r->ops->read(r->opaque, addr - r->base, size)
						  : ~0ULL;

			memcpy(data, &v, size > 8 ? 8 : size);
		}
	} else if (!is_write) {
		memset(data, 0xff, size);
	}
	if (!locked)
		bql_unlock();
	if (!found)
		debug_log("unassigned %s %s 0x%llx size %u", s ? "MMIO" : "I/O",
			  is_write ? "write" : "read", (unsigned long long)addr, size);
	return found;
}

/* A new region, not yet mapped, in the list the commits walk. */
static struct ram_region *region_add(struct ram_region *r, const char *name, uint64_t size)
{
	r->name = g_strdup(name);
	r->size = size;
	r->slot = -1;
	if (!ram_regions)
		ram_regions = g_ptr_array_new();
	g_ptr_array_add(ram_regions, r);
	return r;
}

struct ram_region *ram_region_new(const char *name, uint64_t size)
{
	struct ram_region *r = g_new0(struct ram_region, 1);

	r->host = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r->host == MAP_FAILED) {
		error_report("cannot allocate %llu bytes of guest RAM (%s): %s",
			     (unsigned long long)size, name, g_strerror(errno));
		g_free(r);
		return NULL;
	}
	/*
	 * Guest RAM is not worth a core dump. Transparent huge pages make big
	 * guests faster, but each first touch then zeroes 2 MiB: small guests
	 * (tests, micro-VMs) stay on 4 KiB pages.
	 */
	madvise(r->host, size, MADV_DONTDUMP);
	if (size >= (256ULL << 20))
		madvise(r->host, size, MADV_HUGEPAGE);
	return region_add(r, name, size);
}

struct ram_region *ram_region_new_device(const char *name, void *host, uint64_t size)
{
	struct ram_region *r = g_new0(struct ram_region, 1);

	r->host = host;
	r->device = true;
	return region_add(r, name, size);
}

void *ram_region_host(struct ram_region *r)
{
	return r->host;
}

uint64_t ram_region_size(const struct ram_region *r)
{
	return r->size;
}

void memory_begin(void)
{
	txn_depth++;
}

void memory_map_ram(struct ram_region *r, uint64_t gpa)
{
	r->want_mapped = true;
	r->want_gpa = gpa;
}

void memory_unmap_ram(struct ram_region *r)
{
	r->want_mapped = false;
}

static int alloc_slot(void)
{
	for (unsigned s = 0; s < kvm_max_memslots(); s++) {
		bool used = false;

		for (guint i = 0; i < ram_regions->len; i++) {
			struct ram_region *r = ram_regions->pdata[i];

			if (r->mapped && r->slot == (int)s)
				used = true;
		}
		if (!used)
			return s;
	}
	return -ENOSPC;
}

static bool region_changes(struct ram_region *r, bool *removes)
{
	if (r->mapped && (!r->want_mapped || r->want_gpa != r->gpa)) {
		*removes = true;
		return true;
	}
	return !r->mapped && r->want_mapped;
}

int memory_commit(void)
{
	bool removes = false, any = false, paused = false;
	int ret = 0;

	if (--txn_depth > 0 || !ram_regions)
		return 0;
	for (guint i = 0; i < ram_regions->len; i++)
		any |= region_changes(ram_regions->pdata[i], &removes);
	if (!any)
		return 0;
	if (removes && vcpu_count() && !all_vcpus_paused() && !memory_test_unsafe_commit) {
		if (!pause_all_vcpus())
			return -ETIMEDOUT;
		paused = true;
		paused_commits++;
	}
	pthread_rwlock_wrlock(&ram_lock);
	/* Deletions first, so a moved region can take its new place. */
	for (guint i = 0; i < ram_regions->len; i++) {
		struct ram_region *r = ram_regions->pdata[i];

		if (r->mapped && (!r->want_mapped || r->want_gpa != r->gpa)) {
			if (kvm_available())
				kvm_set_memslot(r->slot, r->gpa, 0, r->host, 0);
			r->mapped = false;
			r->slot = -1;
		}
	}
	for (guint i = 0; i < ram_regions->len; i++) {
		struct ram_region *r = ram_regions->pdata[i];
		int slot, err;

		if (r->mapped || !r->want_mapped)
			continue;
		slot = kvm_available() ? alloc_slot() : (int)i;
		if (slot < 0) {
			ret = slot;
			break;
		}
		if (kvm_available()) {
			err = kvm_set_memslot(slot, r->want_gpa, r->size, r->host, 0);
			if (err < 0) {
				error_report("memslot for %s at 0x%llx: %s", r->name,
					     (unsigned long long)r->want_gpa, g_strerror(-err));
				ret = err;
				continue;
			}
		}
		r->slot = slot;
		r->gpa = r->want_gpa;
		r->mapped = true;
	}
	pthread_rwlock_unlock(&ram_lock);
	if (paused)
		resume_all_vcpus();
	return ret;
}

unsigned long memory_paused_commits(void)
{
	return paused_commits;
}

void *gpa_to_hva(uint64_t gpa, uint64_t len)
{
	void *p = NULL;

	if (!ram_regions)
		return NULL;
	pthread_rwlock_rdlock(&ram_lock);
	for (guint i = 0; i < ram_regions->len; i++) {
		struct ram_region *r = ram_regions->pdata[i];

		if (r->mapped && !r->device && gpa >= r->gpa && gpa - r->gpa <= r->size &&
		    len <= r->size - (gpa - r->gpa)) {
			p = (uint8_t *)r->host + (gpa - r->gpa);
			break;
		}
	}
	pthread_rwlock_unlock(&ram_lock);
	return p;
}

bool guest_write(uint64_t gpa, const void *buf, size_t len)
{
	void *p = gpa_to_hva(gpa, len);

	if (!p)
		return false;
	memcpy(p, buf, len);
	return true;
}

bool guest_read(uint64_t gpa, void *buf, size_t len)
{
	void *p = gpa_to_hva(gpa, len);

	if (!p)
		return false;
	memcpy(buf, p, len);
	return true;
}
