/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 64 KiB flat real-mode firmware for -bios. The CPU starts at
 * 0xfffffff0 (offset 0xfff0 here); the far jump continues in the copy below
 * 1 MiB (0xf0000), so both mappings are exercised. Prints a greeting on COM1
 * and writes 0x12 to isa-debug-exit.
 */
	.code16
	.text
	.globl bios_start
bios_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	mov $0x3f8, %dx
	mov $msg, %si
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	mov $0xf4, %dx
	mov $0x12, %eax
	outl %eax, %dx
3:	hlt
	jmp 3b
msg:	.asciz "Hello from keel bios\n"

	.org 0xfff0
reset_vector:
	ljmp $0xf000, $bios_start
	.org 0x10000, 0
