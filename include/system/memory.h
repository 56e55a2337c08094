/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_SYSTEM_MEMORY_H
#define KEEL_SYSTEM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Device access callbacks. They run with the bql held, on a vCPU thread
 * (guest access) or the main loop. offset is relative to the region base;
 * size is 1, 2, 4 or 8.
 */
struct io_ops {
	uint64_t (*read)(void *opaque, uint64_t offset, unsigned size);
	void (*write)(void *opaque, uint64_t offset, uint64_t value, unsigned size);
};

enum io_space { IO_SPACE_PIO, IO_SPACE_MMIO };

/* Register a port or MMIO range. Returns 0 or -EEXIST on overlap. */
int io_region_add(enum io_space space, uint64_t base, uint64_t len, const struct io_ops *ops,
		  void *opaque, const char *name);
int io_region_del(enum io_space space, uint64_t base);

/*
 * Dispatch one guest access (called by the accelerator on a vCPU thread,
 * takes the bql). Reads from unclaimed space return all ones; writes there
 * are dropped. Returns false if nothing claimed the address.
 */
bool io_dispatch(enum io_space space, uint64_t addr, void *data, unsigned size, bool is_write);

/*
 * Guest RAM. Regions are added to the guest physical address space inside a
 * transaction; memory_commit() turns the difference into memslot changes.
 * A commit that deletes, moves or shrinks a RAM slot pauses all vCPUs for its
 * duration (see docs/architecture.md); adding slots needs no pause.
 */
struct ram_region;

struct ram_region *ram_region_new(const char *name, uint64_t size);
/*
 * Pages a KVM device lets the guest access directly (host is its mmap):
 * mapped like RAM, but gpa_to_hva() and guest_read/write never touch them,
 * since a load there has side effects (an interrupt controller's EOI).
 */
struct ram_region *ram_region_new_device(const char *name, void *host, uint64_t size);
void *ram_region_host(struct ram_region *r);
uint64_t ram_region_size(const struct ram_region *r);

void memory_begin(void);
/* Map (or move, when already mapped) r at gpa. */
void memory_map_ram(struct ram_region *r, uint64_t gpa);
void memory_unmap_ram(struct ram_region *r);
/* Returns 0, or -errno when the accelerator refused a slot change. */
int memory_commit(void);

/* Host pointer for [gpa, gpa+len) if it lies entirely in one RAM region. */
void *gpa_to_hva(uint64_t gpa, uint64_t len);
/* Copy helpers; return false if the range is not all RAM. */
bool guest_write(uint64_t gpa, const void *buf, size_t len);
bool guest_read(uint64_t gpa, void *buf, size_t len);

/* Statistics for tests: number of commits that paused the vCPUs. */
unsigned long memory_paused_commits(void);

/* Test-only (KEEL_TEST_UNSAFE_MEMSLOT=1): commit without pausing. */
extern bool memory_test_unsafe_commit;

#endif
