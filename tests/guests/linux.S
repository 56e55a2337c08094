/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A fake Linux bzImage: a real setup header (boot protocol 2.15) and a tiny
 * "kernel" that reports what the boot loader handed it. Built twice: with
 * XLF_KERNEL_64 (64-bit entry at +0x200, needs the loader's identity page
 * tables) and without it (32-bit entry at +0).
 */
#ifndef XLOADFLAGS
#define XLOADFLAGS 1
#endif

	.section .setup, "a"
	.org 0x1f1
	.byte 1			/* setup_sects */
	.word 0			/* root_flags */
	.long 0			/* syssize */
	.word 0, 0xffff, 0	/* ram_size, vid_mode, root_dev */
	.word 0xaa55		/* boot_flag */
	.byte 0xeb, 0x66	/* jump: the header ends at 0x268 */
	.ascii "HdrS"
	.word 0x020f		/* version */
	.long 0			/* realmode_swtch */
	.word 0, 0		/* start_sys_seg, kernel_version */
	.byte 0			/* type_of_loader */
	.byte 0x01		/* loadflags: LOADED_HIGH */
	.word 0			/* setup_move_size */
	.long 0x100000		/* code32_start */
	.long 0, 0		/* ramdisk_image, ramdisk_size */
	.long 0			/* bootsect_kludge */
	.word 0			/* heap_end_ptr */
	.byte 0, 0		/* ext_loader_ver, ext_loader_type */
	.long 0			/* cmd_line_ptr */
	.long 0x37ffffff	/* initrd_addr_max */
	.long 0x200000		/* kernel_alignment */
	.byte 0, 0		/* relocatable_kernel, min_alignment */
	.word XLOADFLAGS	/* xloadflags */
	.long 2047		/* cmdline_size */
	.long 0, 0		/* hardware_subarch, hardware_subarch_data */
	.long 0, 0		/* payload_offset, payload_length */
	.quad 0			/* setup_data */
	.quad 0x100000		/* pref_address */
	.long 0x40000		/* init_size: covers .bss */
	.long 0			/* handover_offset */
	.org 0x400, 0

	.section .text.entry, "ax"
	.code32
	.globl startup_32
startup_32:			/* esi = boot_params */
	mov $0x3f8, %dx
	mov $msg32, %ebx
1:	mov (%ebx), %al
	test %al, %al
	jz 2f
	out %al, %dx
	inc %ebx
	jmp 1b
2:	mov $0xf4, %dx
	mov $0x32, %eax
	outl %eax, %dx
3:	cli
	hlt
	jmp 3b
msg32:	.asciz "linux: 32-bit entry\n"

	.org 0x200
	.code64
	.globl startup_64
startup_64:			/* rsi = boot_params */
	lea stack_top(%rip), %rsp
	mov %rsi, %rdi
	call linux_main
	mov $0xf4, %dx
	outl %eax, %dx
4:	cli
	hlt
	jmp 4b

	.bss
	.align 16
	.skip 8192
stack_top:
