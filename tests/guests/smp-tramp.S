/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * AP start-up. tramp_start..tramp_end is copied to 0x8000 (SIPI vector 8)
 * and runs in real mode with cs = 0x800; it switches to protected mode and
 * jumps into the image, where each AP takes its own stack.
 */
#define TRAMP_BASE 0x8000

	.text
	.code16
	.globl tramp_start, tramp_end
tramp_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	lgdtl tramp_gdt_desc - tramp_start
	mov %cr0, %eax
	or $1, %eax
	mov %eax, %cr0
	ljmpl $0x08, $ap_entry32
	.align 4
tramp_gdt_desc:
	.word 23
	.long gdt
tramp_end:

	.code32
ap_entry32:
	mov $0x10, %ecx
	mov %ecx, %ds
	mov %ecx, %es
	mov %ecx, %fs
	mov %ecx, %gs
	mov %ecx, %ss
	mov $1, %eax
	lock xadd %eax, ap_next
	and $15, %eax
	inc %eax
	shl $12, %eax
	lea ap_stacks(%eax), %esp
	call ap_main
1:	cli
	hlt
	jmp 1b

	.data
	.align 4
ap_next:
	.long 0

	.bss
	.align 4096
ap_stacks:
	.skip 16 * 4096
