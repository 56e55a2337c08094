/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A 64 KiB real-mode firmware image (-bios) for the reset, pause and
 * memory-map tests, driven by keel-testdev (iobase 0x700, MMIO 0xfe000000).
 *
 * Real mode on purpose: it never leaves the CPU mode it starts in, so a
 * stale MMIO/PIO completion written over the reset state shows up as a
 * missing boot instead of being absorbed by a mode change. "Unreal" data
 * segments (4 GiB limits) reach the MMIO registers and the LAPIC.
 *
 * Image offset 0 is the AP entry (SIPI vector 0xf0 -> 0xf0000, where the
 * last 64 KiB of the image also appear); offset 0xfff0 is the reset vector.
 */
	.code16
	.text

#define TD 0x700
#define TD_MMIO 0xfe000000
#define BOOTS 0x7000
#define SENT 0x7100
#define WINDOW 0xd0000000

/* Flat 4 GiB data segments in DS/ES, back in real mode; no stack needed. */
.macro UNREAL
	lgdtl %cs:gdtr
	movl %cr0, %eax
	orb $1, %al
	movl %eax, %cr0
	movw $8, %bx
	movw %bx, %ds
	movw %bx, %es
	andb $0xfe, %al
	movl %eax, %cr0
	xorw %bx, %bx
	movw %bx, %ds
	movw %bx, %es
.endm

	.globl _start
_start:
ap_entry:
	cli
	UNREAL
	jmp work

bsp_entry:
	cli
	movl %eax, %esi		/* entry EAX: must be 0 (no BIST failure) */
	movl %edx, %edi		/* entry EDX: must be the CPUID signature */
	UNREAL
	movl $1, %eax
	cpuid
	cmpl %eax, %edi
	jne bad_entry
	testl %esi, %esi
	jne bad_entry
	jmp entry_ok
bad_entry:
	movw $TD + 0x0c, %dx
	movl $1, %eax
	outl %eax, %dx
entry_ok:
	incl BOOTS
	movl BOOTS, %eax
	movw $TD + 0x08, %dx
	outl %eax, %dx

	movw $TD, %dx
	inl %dx, %eax
	cmpl $1, %eax
	je reset_mmio
	cmpl $2, %eax
	je reset_pio
	cmpl $5, %eax
	je remap
	cmpl $3, %eax
	jb idle

	/* storm / pause: wake the APs (INIT, then SIPI twice), then work too */
	movl $0xfee00300, %ebx
	movl $0x000c4500, (%ebx)
	movl $0x000c46f0, (%ebx)
	movl $0x000c46f0, (%ebx)
	jmp work

idle:
	hlt
	jmp idle

/* Reset requested by a read; the read must complete before the reset. */
/* Absolute addresses, so a loop resumed after a reset still hits the device. */
reset_mmio:
1:	addr32 movl TD_MMIO + 0x04, %eax
	jmp 1b

reset_pio:
1:	inl $0x98, %eax
	jmp 1b

/* Read the RAM window while the host swaps its slot; any wrong value is reported. */
remap:
	xorl %ecx, %ecx
1:	movl %ecx, %ebx
	andl $0xfffc, %ebx
	addl $WINDOW, %ebx
	movl (%ebx), %eax
	cmpl $0xa5a5a5a5, %eax
	je 2f
	movw $TD + 0x0c, %dx
	outl %eax, %dx
2:	addl $4, %ecx
	jmp 1b

/* Every CPU: sequence-numbered MMIO writes plus MMIO and PIO reads. */
work:
	movl $1, %eax
	cpuid
	shrl $24, %ebx			/* APIC id */
	movl %ebx, %ebp
	shll $2, %ebx
	addl $SENT, %ebx		/* &sent[id] */
	movl $0, (%ebx)
	movl %ebp, %edi
	shll $24, %edi			/* id << 24 */
	movl $TD_MMIO, %esi
1:	movl (%ebx), %ecx
	incl %ecx
	andl $0xffffff, %ecx
	movl %ecx, %eax
	orl %edi, %eax
	movl %eax, 0x10(%esi)		/* SEQ write */
	movl %ecx, (%ebx)		/* then count it as sent */
	movl 0x14(%esi), %eax		/* MMIO read */
	movw $TD + 0x14, %dx
	inl %dx, %eax			/* PIO read */
	jmp 1b

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
	jmp bsp_entry
	.org 0x10000
