/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reset latency guest: a 64 KiB real-mode image for -bios.
 *
 * The instruction at the reset vector writes 'R' to COM1 first, so the host
 * sees the guest's first instructions after a reset as that byte. The BSP
 * then starts the other CPUs (INIT, SIPI to vector 0xf0, i.e. image offset 0
 * through the ISA alias at 0xf0000); each writes 'a' and halts.
 * With -DBUSY every CPU instead loops on PIO writes to pc-testdev (port 0xe0)
 * after its byte, so resets arrive while exits are in flight.
 */
	.code16
	.text

#define COM1 0x3f8

/* Flat 4 GiB data segment in DS, back in real mode, to reach the LAPIC. */
.macro FLAT_DS
	lgdtl %cs:gdtr
	movl %cr0, %eax
	orb $1, %al
	movl %eax, %cr0
	movw $8, %bx
	movw %bx, %ds
	andb $0xfe, %al
	movl %eax, %cr0
	xorw %bx, %bx
	movw %bx, %ds
.endm

	.globl _start
_start:
ap_entry:
	cli
	movw $COM1, %dx
	movb $'a', %al
	outb %al, %dx
	jmp idle

bsp_main:
	cli
	FLAT_DS
	movl $0xfee00300, %ebx
	movl $0x000c4500, (%ebx)	/* INIT to all but self */
	movl $0x000c46f0, (%ebx)	/* SIPI, vector 0xf0 */
idle:
#ifdef BUSY
	movw $0xe0, %dx
1:	outl %eax, %dx
	jmp 1b
#else
1:	hlt
	jmp 1b
#endif

	.p2align 3
gdt:
	.quad 0
	.quad 0x00cf92000000ffff	/* flat 4 GiB data */
gdt_end:
gdtr:
	.word gdt_end - gdt - 1
	.long 0xffff0000 + gdt

	.org 0xfff0
reset_vector:
	movw $COM1, %dx
	movb $'R', %al
	outb %al, %dx
	jmp bsp_main
	.org 0x10000
