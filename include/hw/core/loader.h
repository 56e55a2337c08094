/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_LOADER_H
#define KEEL_HW_CORE_LOADER_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Image loaders. Parsing and layout are pure functions over byte buffers, so
 * unit tests can check them without a VM: a loader turns files into a boot
 * plan (blobs at guest physical addresses plus the entry state), and the
 * machine's boot code writes the plan into guest RAM at start-up and again on
 * every reset.
 */

/* Whole file into memory; error names the path. max = 0: no limit. */
GBytes *loader_read_file(const char *path, uint64_t max, GError **err);

/* One piece of guest memory to (re)write: data, then zero_len zero bytes. */
struct boot_blob {
	uint64_t gpa;
	GBytes *data;	   /* may be NULL (zero fill only) */
	uint64_t zero_len;
	char *name;
};

struct boot_plan {
	GPtrArray *blobs; /* struct boot_blob * */
	/* Highest guest address used by the plan (exclusive). */
	uint64_t top;
};

struct boot_plan *boot_plan_new(void);
void boot_plan_free(struct boot_plan *p);
/* Adds a reference to data (no copy). */
void boot_plan_add(struct boot_plan *p, const char *name, uint64_t gpa, GBytes *data,
		   uint64_t zero_len);
/* Copies buf. */
void boot_plan_add_copy(struct boot_plan *p, const char *name, uint64_t gpa, const void *buf,
			size_t len);
/* Blob covering gpa, or NULL. */
const struct boot_blob *boot_plan_find(const struct boot_plan *p, uint64_t gpa);
/* Byte view of [gpa, gpa+len) if one blob's data covers it. For tests. */
const uint8_t *boot_plan_peek(const struct boot_plan *p, uint64_t gpa, size_t len);
/* Two blobs overlapping: returns false and names them in *err. */
bool boot_plan_check_overlap(const struct boot_plan *p, GError **err);

/* ELF (32 and 64-bit little endian, executables). */
#define ELF_MAX_SEGMENTS 32

struct elf_segment {
	uint64_t paddr, vaddr;
	uint64_t offset, filesz, memsz;
};

struct elf_info {
	bool is64;
	uint16_t machine; /* EM_386 = 3, EM_X86_64 = 62, ... */
	uint64_t entry;
	unsigned nsegs; /* PT_LOAD segments with memsz > 0 */
	struct elf_segment segs[ELF_MAX_SEGMENTS];
	uint64_t paddr_low, paddr_high; /* extent of the PT_LOAD segments (high exclusive) */
	bool has_pvh_entry;
	uint64_t pvh_entry; /* XEN_ELFNOTE_PHYS32_ENTRY */
};

bool elf_is_elf(const uint8_t *buf, size_t size);
/* Validates headers, every PT_LOAD range and notes; never reads out of bounds. */
int elf_parse(const uint8_t *buf, size_t size, struct elf_info *info, GError **err);

/* Multiboot v1 header (in the first 8 KiB, 4-byte aligned). */
#define MULTIBOOT_HEADER_MAGIC 0x1badb002u
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define MULTIBOOT_SEARCH 8192
#define MULTIBOOT_AOUT_KLUDGE (1u << 16)

struct multiboot_header_info {
	size_t offset; /* of the header in the file */
	uint32_t flags;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* Returns true if a header with a valid checksum is found. */
bool multiboot_find_header(const uint8_t *buf, size_t size, struct multiboot_header_info *h);

/* Linux x86 boot protocol setup header. */
#define BZIMAGE_HDRS_MAGIC 0x53726448u /* "HdrS" at 0x202 */
#define BZIMAGE_XLF_KERNEL_64 (1u << 0)

struct bzimage_header {
	uint16_t version;
	unsigned setup_sects;
	size_t setup_size;  /* bytes of real-mode code incl. boot sector */
	size_t kernel_size; /* protected-mode part */
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size; /* max length without the NUL */
	uint32_t kernel_alignment;
	bool relocatable;
	uint64_t pref_address;
	uint32_t init_size;
	size_t header_end; /* end of the setup header in the file (0x202 + jump byte) */
};

bool bzimage_is_bzimage(const uint8_t *buf, size_t size);
int bzimage_parse(const uint8_t *buf, size_t size, struct bzimage_header *h, GError **err);

/*
 * x86 boot plans (hw/core/loader-x86.c, built for x86 only).
 *
 * Fixed low-memory layout used by the x86 loaders; guests may use the rest of
 * low RAM (tests/guests use 0x8000 for an AP trampoline and 0x70000 for data
 * that survives reset):
 *   0x1000  GDT
 *   0x2000  zero page / Multiboot info / PVH start_info
 *   0x3000  e820 / mmap / memmap table, module list
 *   0x9000  page tables for the 64-bit Linux entry (PML4, PDPT, 4 PDs)
 *   0x20000 command line (up to 64 KiB)
 *   0x100000 kernel; Multiboot modules follow it, the initrd goes high
 */
#define X86_BOOT_GDT 0x1000ULL
#define X86_BOOT_INFO 0x2000ULL
#define X86_BOOT_TABLES 0x3000ULL
#define X86_BOOT_PGTABLE 0x9000ULL
#define X86_BOOT_CMDLINE 0x20000ULL
#define X86_BOOT_CMDLINE_MAX 0x10000ULL
#define X86_BOOT_KERNEL 0x100000ULL

#define PVH_START_MAGIC 0x336ec578u

struct e820_entry;
struct x86_boot_entry;

/* What the x86 loaders need to know about the machine. */
struct x86_boot_env {
	const struct e820_entry *e820;
	unsigned e820_count;
	uint64_t rsdp; /* 0: none */
};

/* Linux bzImage, 64-bit entry (or the 32-bit one for kernels without XLF_KERNEL_64). */
int x86_plan_bzimage(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		     GBytes *initrd, const char *cmdline, const struct x86_boot_env *env,
		     GError **err);
/* Multiboot v1 (ELF or a.out kludge). kernel_name is the start of the command line. */
int x86_plan_multiboot(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		       const char *kernel_name, GBytes *initrd, const char *initrd_name,
		       const char *cmdline, const struct x86_boot_env *env, GError **err);
/* ELF with a XEN_ELFNOTE_PHYS32_ENTRY note. */
int x86_plan_pvh(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		 GBytes *initrd, const char *cmdline, const struct x86_boot_env *env,
		 GError **err);
/* Picks the protocol: bzImage, else Multiboot, else PVH ELF. */
int x86_plan_kernel(struct boot_plan *p, struct x86_boot_entry *entry, GBytes *kernel,
		    const char *kernel_name, GBytes *initrd, const char *initrd_name,
		    const char *cmdline, const struct x86_boot_env *env, GError **err);

/* Highest suitable initrd address (page aligned) or 0 if it does not fit. */
uint64_t x86_initrd_place(const struct x86_boot_env *env, uint64_t size, uint64_t low,
			  uint64_t max_end);
/* True if [gpa, gpa+len) lies within E820_RAM entries. */
bool x86_e820_is_ram(const struct x86_boot_env *env, uint64_t gpa, uint64_t len);

#endif
