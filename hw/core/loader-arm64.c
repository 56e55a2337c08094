// SPDX-License-Identifier: GPL-2.0-or-later
/* arm64 Linux Image header and boot layout (booting.rst). */
#include <errno.h>
#include <string.h>

#include "hw/core/loader-arm64.h"
#include "system/error.h"

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define PAGE 0x1000ULL

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

bool arm64_image_is_image(const uint8_t *buf, size_t size)
{
	return size >= ARM64_IMAGE_HEADER_SIZE &&
	       (uint32_t)rd64(buf + 0x38) == ARM64_IMAGE_MAGIC;
}

int arm64_image_parse(const uint8_t *buf, size_t size, struct arm64_image_header *h,
		      GError **err)
{
	memset(h, 0, sizeof(*h));
	if (size < ARM64_IMAGE_HEADER_SIZE) {
		error_setg(err, "not an arm64 Image: %zu bytes is shorter than its header", size);
		return -EINVAL;
	}
	if (!arm64_image_is_image(buf, size)) {
		error_setg(err, "not an arm64 Image (no \"ARM\\x64\" magic at offset 0x38)");
		return -EINVAL;
	}
	h->text_offset = rd64(buf + 0x08);
	h->image_size = rd64(buf + 0x10);
	h->flags = rd64(buf + 0x18);
	if (!h->image_size) {
		/* Before 3.17 both fields were unreliable; booting.rst says assume 0x80000. */
		h->legacy = true;
		h->text_offset = 0x80000;
		h->flags = 0;
	}
	if (h->flags & ARM64_IMAGE_FLAG_BE) {
		error_setg(err, "big-endian arm64 Image is not supported");
		return -EINVAL;
	}
	if (h->text_offset >= ARM64_KERNEL_ALIGN || (h->text_offset & (PAGE - 1))) {
		error_setg(err, "arm64 Image text_offset 0x%llx is not a page offset below 2 MiB",
			   (unsigned long long)h->text_offset);
		return -EINVAL;
	}
	if (!h->legacy && h->image_size < size && size - h->image_size > PAGE) {
		/* image_size includes the BSS, so it is never much smaller than the file. */
		error_setg(err, "arm64 Image image_size 0x%llx is smaller than the file (%zu bytes)",
			   (unsigned long long)h->image_size, size);
		return -EINVAL;
	}
	return 0;
}

int arm64_boot_layout(const struct arm64_image_header *h, uint64_t kernel_file_size,
		      uint64_t initrd_size, uint64_t ram_base, uint64_t ram_size,
		      struct arm64_boot_layout *l, GError **err)
{
	uint64_t ram_end = ram_base + ram_size;
	uint64_t need;

	memset(l, 0, sizeof(*l));
	if (ram_end < ram_base) {
		error_setg(err, "RAM range overflows");
		return -EINVAL;
	}
	l->kernel = ALIGN_UP(ram_base, ARM64_KERNEL_ALIGN) + h->text_offset;
	/* Legacy kernels say nothing about BSS: leave them their file size, 2 MiB rounded. */
	need = h->legacy ? ALIGN_UP(kernel_file_size, ARM64_KERNEL_ALIGN) :
			   MAX(h->image_size, kernel_file_size);
	l->kernel_end = l->kernel + need;
	l->dtb = ALIGN_UP(l->kernel_end, ARM64_KERNEL_ALIGN);
	if (initrd_size) {
		l->initrd = l->dtb + ARM64_DTB_MAX;
		l->initrd_size = initrd_size;
	}
	if (l->kernel < ram_base || l->dtb + ARM64_DTB_MAX > ram_end ||
	    (initrd_size && (l->initrd + initrd_size < l->initrd ||
			     l->initrd + initrd_size > ram_end))) {
		error_setg(err, "kernel (%llu KiB), device tree and initrd (%llu KiB) do not fit "
			   "in %llu MiB of RAM", (unsigned long long)(need >> 10),
			   (unsigned long long)(initrd_size >> 10),
			   (unsigned long long)(ram_size >> 20));
		return -ENOSPC;
	}
	return 0;
}
