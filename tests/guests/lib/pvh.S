/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PVH entry: XEN_ELFNOTE_PHYS32_ENTRY note; ebx = hvm_start_info. */
	.section .note.Xen, "a", @note
	.align 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	mov (%ebx), %eax	/* start_info.magic */
	jmp guest_entry
