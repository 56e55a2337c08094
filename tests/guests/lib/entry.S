/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Common 32-bit entry: own GDT (the loader's may be anywhere), flat
 * segments, a stack, then guest_main(magic, info). Its return value goes to
 * isa-debug-exit.
 */
	.text
	.code32
	.globl guest_entry
guest_entry:			/* eax = magic, ebx = info */
	cli
	mov %eax, %edi
	lgdt gdt_desc
	ljmp $0x08, $1f
1:	mov $0x10, %ecx
	mov %ecx, %ds
	mov %ecx, %es
	mov %ecx, %fs
	mov %ecx, %gs
	mov %ecx, %ss
	mov $stack_top, %esp
	push %ebx
	push %edi
	call guest_main
	push %eax
	call debug_exit

	.data
	.align 8
	.globl gdt, gdt_desc
gdt:	.quad 0
	.quad 0x00cf9b000000ffff	/* 0x08: flat 32-bit code, accessed */
	.quad 0x00cf93000000ffff	/* 0x10: flat data, accessed */
gdt_end:
	.align 4
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.bss
	.align 16
	.skip 8192
stack_top:
