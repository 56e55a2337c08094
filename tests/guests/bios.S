/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 64 KiB flat real-mode firmware for -bios. The CPU starts at
 * 0xfffffff0 (offset 0xfff0 here); the far jump continues in the copy below
 * 1 MiB (0xf0000), so both mappings are exercised. It counts boots at
 * 0x70000 (RAM the loader leaves alone), prints "Hello from keel bios
 * (boot N)" on COM1, resets through the i8042 after the first boot and
 * writes 0x12 to isa-debug-exit after the second.
 */
#define MAGIC 0x6b65656c

	.code16
	.text
	.globl bios_start
bios_start:
	cli
	mov %cs, %ax
	mov %ax, %ds
	mov $0x7000, %ax
	mov %ax, %es
	cmpl $MAGIC, %es:0
	je 1f
	movl $MAGIC, %es:0
	movl $0, %es:4
1:	incl %es:4
	mov $msg, %si
	call print
	mov %es:4, %al
	add $'0', %al
	mov $0x3f8, %dx
	out %al, %dx
	mov $msg_end, %si
	call print
	cmpl $2, %es:4
	jae 2f
	mov $0xfe, %al
	out %al, $0x64		/* reset; the main loop stops this CPU */
	jmp 3f
2:	movl $0, %es:0
	mov $0xf4, %dx
	mov $0x12, %eax
	outl %eax, %dx
3:	hlt
	jmp 3b

print:
	mov $0x3f8, %dx
1:	lodsb
	test %al, %al
	jz 2f
	out %al, %dx
	jmp 1b
2:	ret

msg:	.asciz "Hello from keel bios (boot "
msg_end: .asciz ")\n"

	.org 0xfff0
reset_vector:
	ljmp $0xf000, $bios_start
	.org 0x10000, 0
