/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exit benchmark guest (PVH ELF, 32-bit protected mode, CPL0, no paging).
 *
 * Does ITER * 10 exits of one kind (-DOP_OUT, -DOP_IN, -DOP_MMIOW, -DOP_MMIOR;
 * none for the empty-loop baseline) against pc-testdev (port 0xe0, MMIO at
 * 0xff000000), timed by the guest's own TSC, so the figure does not depend on
 * how the VMM starts or stops. Prints "exitbench tsc=<hex> exits=<hex>" on
 * COM1 and leaves through isa-debug-exit at 0xf4 (status 1).
 *
 * The loop is unrolled: plain instructions at CPL0 are slow on nested KVM,
 * and the exits should dominate.
 */
#define PORT 0xe0
#define MMIO 0xff000000
#define COM1 0x3f8
#define UNROLL 10

	.section .note.Xen, "a", @note
	.align 4
	.long 4, 4, 18		/* namesz, descsz, XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long start

	.text
	.code32
	.globl start
start:
	cli
	movl $stack_top, %esp
	movl $MMIO, %ebx
	movl $ITER, %ecx
	rdtsc
	movl %eax, %esi
	movl %edx, %edi
	movl $PORT, %edx
	.p2align 4
1:
	.rept UNROLL
#if defined(OP_OUT)
	outl %eax, %dx
#elif defined(OP_IN)
	inl %dx, %eax
#elif defined(OP_MMIOW)
	movl %eax, (%ebx)
#elif defined(OP_MMIOR)
	movl (%ebx), %eax
#endif
	.endr
	decl %ecx
	jnz 1b
	rdtsc
	subl %esi, %eax
	sbbl %edi, %edx
	movl %eax, %esi
	movl %edx, %edi

	movl $msg_tsc, %eax
	call puts
	movl %edi, %eax
	call puthex
	movl %esi, %eax
	call puthex
	movl $msg_exits, %eax
	call puts
#if defined(OP_OUT) || defined(OP_IN) || defined(OP_MMIOW) || defined(OP_MMIOR)
	movl $ITER * UNROLL, %eax
#else
	xorl %eax, %eax
#endif
	call puthex
	movl $msg_nl, %eax
	call puts

	movw $0xf4, %dx
	xorl %eax, %eax
	outl %eax, %dx		/* isa-debug-exit: status 1 */
2:	hlt
	jmp 2b

/* Print the NUL-terminated string at %eax. */
puts:
	pushl %esi
	movl %eax, %esi
	movw $COM1, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	popl %esi
	ret

/* Print %eax as 8 hex digits. */
puthex:
	pushl %ecx
	pushl %ebx
	movl %eax, %ebx
	movl $8, %ecx
	movw $COM1, %dx
1:	roll $4, %ebx
	movl %ebx, %eax
	andl $15, %eax
	movb hexdigits(%eax), %al
	outb %al, %dx
	loop 1b
	popl %ebx
	popl %ecx
	ret

	.data
hexdigits:	.ascii "0123456789abcdef"
msg_tsc:	.asciz "exitbench tsc=0x"
msg_exits:	.asciz " exits=0x"
msg_nl:		.asciz "\n"

	.bss
	.p2align 4
	.skip 1024
stack_top:
