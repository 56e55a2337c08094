/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Boot benchmark guest (PVH ELF): prints a marker on COM1 as its first
 * action, then leaves through isa-debug-exit at 0xf4 (status 1).
 */
	.section .note.Xen, "a", @note
	.align 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long start

	.text
	.code32
	.globl start
start:
	movw $0x3f8, %dx
	movl $msg, %esi
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	movw $0xf4, %dx
	xorl %eax, %eax
	outl %eax, %dx
3:	hlt
	jmp 3b

	.data
msg:	.asciz "BOOTBENCH-READY\n"
