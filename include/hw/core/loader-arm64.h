/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_HW_CORE_LOADER_ARM64_H
#define KEEL_HW_CORE_LOADER_ARM64_H
/*
 * The arm64 Linux Image (Documentation/arch/arm64/booting.rst): header
 * parsing and the boot layout in RAM. Pure functions over buffers, so they
 * are tested on any host.
 */
#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at offset 0x38 */
#define ARM64_IMAGE_HEADER_SIZE 64
#define ARM64_KERNEL_ALIGN 0x200000ULL	/* the Image base is 2 MiB aligned */
#define ARM64_DTB_MAX 0x200000ULL	/* booting.rst: the DTB may not exceed 2 MiB */
#define ARM64_IMAGE_FLAG_BE (1ULL << 0)
#define ARM64_IMAGE_FLAG_ANYWHERE (1ULL << 3)

struct arm64_image_header {
	uint64_t text_offset;
	uint64_t image_size; /* memory the kernel needs from its base, BSS included */
	uint64_t flags;
	bool legacy;	     /* image_size 0: pre-3.17 kernel, text_offset 0x80000 assumed */
};

bool arm64_image_is_image(const uint8_t *buf, size_t size);
/* Rejects short files, a bad magic and big-endian kernels with a clear error. */
int arm64_image_parse(const uint8_t *buf, size_t size, struct arm64_image_header *h,
		      GError **err);

/*
 * Where things go in RAM: the kernel at the first 2 MiB boundary plus
 * text_offset, the DTB in the next 2 MiB-aligned slot after image_size, the
 * initrd after the DTB slot, page aligned.
 */
struct arm64_boot_layout {
	uint64_t kernel, kernel_end;
	uint64_t dtb;
	uint64_t initrd, initrd_size; /* initrd 0: none */
};

int arm64_boot_layout(const struct arm64_image_header *h, uint64_t kernel_file_size,
		      uint64_t initrd_size, uint64_t ram_base, uint64_t ram_size,
		      struct arm64_boot_layout *l, GError **err);

#endif
