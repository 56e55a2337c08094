/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Entry of the ppc64le test guests: Keel enters in 64-bit little-endian real
 * mode with r3 = device tree, r4 = load address, r5 = 0. Those are passed
 * on untouched to cmain(r3, r4, r5); nothing before it uses them.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	lis	%r2, .TOC.@ha
	addi	%r2, %r2, .TOC.@l
	lis	%r1, stack_top@ha
	addi	%r1, %r1, stack_top@l
	li	%r0, 0
	stdu	%r0, -32(%r1)
	bl	cmain
	nop
1:	b	1b

	.section .bss
	.balign 16
	.space 16384
stack_top:
