/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Multiboot v1 header (ELF: no address fields) and entry. */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00000003	/* page-aligned modules, memory info */

	.section .multiboot, "a"
	.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

	.text
	.code32
	.globl _start
_start:
	jmp guest_entry
