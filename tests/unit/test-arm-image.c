// SPDX-License-Identifier: GPL-2.0-or-later
/* arm64 Image header parsing and boot layout. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/core/loader-arm64.h"

#define MiB (1ULL << 20)
#define RAM 0x40000000ULL

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* A header as Linux writes it, followed by size - 64 bytes of "code". */
static uint8_t *image(size_t size, uint64_t text_offset, uint64_t image_size, uint64_t flags)
{
	uint8_t *b = g_malloc0(size);

	b[0] = 0x4d, b[1] = 0x5a; /* "MZ" (EFI stub) */
	put64(b + 0x08, text_offset);
	put64(b + 0x10, image_size);
	put64(b + 0x18, flags);
	memcpy(b + 0x38, "ARM\x64", 4);
	return b;
}

START_TEST(test_parse_modern)
{
	g_autofree uint8_t *b = image(4096, 0, 0x2010000, 0xa);
	struct arm64_image_header h;
	GError *err = NULL;

	ck_assert(arm64_image_is_image(b, 4096));
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), 0);
	ck_assert_ptr_null(err);
	ck_assert_uint_eq(h.text_offset, 0);
	ck_assert_uint_eq(h.image_size, 0x2010000);
	ck_assert_uint_eq(h.flags, 0xa);
	ck_assert(!h.legacy);
}
END_TEST

START_TEST(test_parse_legacy)
{
	g_autofree uint8_t *b = image(4096, 0x1234, 0, 0);
	struct arm64_image_header h;
	GError *err = NULL;

	/* image_size 0: pre-3.17, text_offset assumed 0x80000 whatever the field says. */
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), 0);
	ck_assert(h.legacy);
	ck_assert_uint_eq(h.text_offset, 0x80000);
}
END_TEST

START_TEST(test_parse_rejects)
{
	struct arm64_image_header h;
	GError *err = NULL;
	g_autofree uint8_t *b = image(4096, 0, 8 * MiB, 0);

	/* Truncated header. */
	ck_assert_int_eq(arm64_image_parse(b, 63, &h, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err->message, "shorter"));
	g_clear_error(&err);
	ck_assert_int_eq(arm64_image_parse(b, 0, &h, &err), -EINVAL);
	g_clear_error(&err);

	/* Bad magic (an ELF vmlinux, a gzip'd Image). */
	b[0x38] = 0x7f;
	ck_assert(!arm64_image_is_image(b, 4096));
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err->message, "magic"));
	g_clear_error(&err);
	b[0x38] = 'A';

	/* Big-endian kernel. */
	put64(b + 0x18, 1);
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err->message, "big-endian"));
	g_clear_error(&err);
	put64(b + 0x18, 0);

	/* text_offset not page aligned, or not below 2 MiB. */
	put64(b + 0x08, 0x80010);
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), -EINVAL);
	g_clear_error(&err);
	put64(b + 0x08, 2 * MiB);
	ck_assert_int_eq(arm64_image_parse(b, 4096, &h, &err), -EINVAL);
	g_clear_error(&err);
	put64(b + 0x08, 0);

	/* image_size much smaller than the file. */
	put64(b + 0x10, 4096);
	{
		g_autofree uint8_t *big = image(64 * 1024, 0, 4096, 0);

		ck_assert_int_eq(arm64_image_parse(big, 64 * 1024, &h, &err), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err->message, "image_size"));
		g_clear_error(&err);
	}
}
END_TEST

START_TEST(test_layout)
{
	struct arm64_image_header h = { .text_offset = 0, .image_size = 0x2010000 };
	struct arm64_boot_layout l;
	GError *err = NULL;

	ck_assert_int_eq(arm64_boot_layout(&h, 32 * MiB, 5 * MiB, RAM, 512 * MiB, &l, &err), 0);
	ck_assert_uint_eq(l.kernel, RAM);
	ck_assert_uint_eq(l.kernel_end, RAM + 0x2010000);
	/* DTB in the next 2 MiB slot after image_size (BSS included), 8-byte aligned. */
	ck_assert_uint_eq(l.dtb, RAM + 0x2200000);
	ck_assert_uint_eq(l.dtb % ARM64_KERNEL_ALIGN, 0);
	ck_assert_uint_eq(l.initrd, l.dtb + ARM64_DTB_MAX);
	ck_assert_uint_eq(l.initrd_size, 5 * MiB);

	/* text_offset is honoured from the 2 MiB-aligned base. */
	h.text_offset = 0x80000;
	ck_assert_int_eq(arm64_boot_layout(&h, 32 * MiB, 0, RAM, 512 * MiB, &l, &err), 0);
	ck_assert_uint_eq(l.kernel, RAM + 0x80000);
	ck_assert_uint_eq(l.initrd, 0);

	/* Legacy kernels get their file size rounded to 2 MiB. */
	h.legacy = true;
	h.image_size = 0;
	ck_assert_int_eq(arm64_boot_layout(&h, 3 * MiB, 0, RAM, 512 * MiB, &l, &err), 0);
	ck_assert_uint_eq(l.kernel_end, RAM + 0x80000 + 4 * MiB);
}
END_TEST

START_TEST(test_layout_too_small)
{
	struct arm64_image_header h = { .image_size = 60 * MiB };
	struct arm64_boot_layout l;
	GError *err = NULL;

	ck_assert_int_eq(arm64_boot_layout(&h, 30 * MiB, 0, RAM, 61 * MiB, &l, &err), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(err->message, "do not fit"));
	g_clear_error(&err);
	/* Fits without initrd, not with it. */
	ck_assert_int_eq(arm64_boot_layout(&h, 30 * MiB, 0, RAM, 62 * MiB, &l, &err), 0);
	ck_assert_int_eq(arm64_boot_layout(&h, 30 * MiB, 1, RAM, 62 * MiB, &l, &err), -ENOSPC);
	g_clear_error(&err);
	/* A huge initrd must not wrap around. */
	ck_assert_int_eq(arm64_boot_layout(&h, 30 * MiB, UINT64_MAX - 8 * MiB, RAM, 512 * MiB, &l,
					   &err), -ENOSPC);
	g_clear_error(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("arm-image");
	TCase *tc = tcase_create("image");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_parse_modern);
	tcase_add_test(tc, test_parse_legacy);
	tcase_add_test(tc, test_parse_rejects);
	tcase_add_test(tc, test_layout);
	tcase_add_test(tc, test_layout_too_small);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
