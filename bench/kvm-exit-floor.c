// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kvm-exit-floor: the smallest VMM that runs the exit benchmark guest
 * (bench/guests/exitguest.S), to give the floor a real VMM can approach.
 *
 *   kvm-exit-floor [--irqchip] GUEST.elf
 *                                 run a PVH ELF guest; COM1 bytes go to stdout,
 *                                 a write of V to port 0xf4 exits with (V << 1) | 1
 *   kvm-exit-floor --tsc-hz       print the host TSC frequency (calibrated)
 *
 * One vCPU, 32-bit protected mode at the PVH entry point, RAM at
 * 0-4 MiB; every other access is an exit answered inline: port 0xe0 and the
 * MMIO page at 0xff000000 behave as scratch registers (as pc-testdev does).
 * --irqchip adds the in-kernel PIC/IOAPIC/LAPIC that Keel and QEMU use, so
 * the kernel's share of the exit path is the same as theirs.
 * Nothing here is shared with Keel on purpose.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include <linux/kvm.h>

#define MEM_SIZE (4u << 20)
#define PVH_NOTE 18
#define SCRATCH_PORT 0xe0
#define EXIT_PORT 0xf4
#define COM1 0x3f8

static void die(const char *what)
{
	perror(what);
	exit(3);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int tsc_hz(void)
{
	double t0 = now_s(), t1;
	uint64_t c0 = __rdtsc(), c1;

	do
		t1 = now_s();
	while (t1 - t0 < 0.2);
	c1 = __rdtsc();
	printf("%.0f\n", (c1 - c0) / (t1 - t0));
	return 0;
}

/* Copy the PT_LOAD segments into RAM; return the PVH entry point or 0. */
static uint32_t load_pvh(const char *path, uint8_t *mem)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *f;
	Elf32_Ehdr *eh;
	uint32_t entry = 0;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	if (st.st_size < (off_t)sizeof(*eh)) {
		fprintf(stderr, "%s: not an ELF file\n", path);
		exit(3);
	}
	f = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (f == MAP_FAILED)
		die("mmap guest");
	eh = (Elf32_Ehdr *)f;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > (uint64_t)st.st_size) {
		fprintf(stderr, "%s: not a 32-bit ELF file\n", path);
		exit(3);
	}
	for (int i = 0; i < eh->e_phnum; i++) {
		Elf32_Phdr *ph = (Elf32_Phdr *)(f + eh->e_phoff) + i;

		if ((uint64_t)ph->p_offset + ph->p_filesz > (uint64_t)st.st_size) {
			fprintf(stderr, "%s: truncated segment\n", path);
			exit(3);
		}
		if (ph->p_type == PT_LOAD) {
			if ((uint64_t)ph->p_paddr + ph->p_memsz > MEM_SIZE || ph->p_filesz > ph->p_memsz) {
				fprintf(stderr, "%s: segment outside RAM\n", path);
				exit(3);
			}
			memcpy(mem + ph->p_paddr, f + ph->p_offset, ph->p_filesz);
		} else if (ph->p_type == PT_NOTE) {
			uint32_t off = 0;

			while (off + 12 <= ph->p_filesz) {
				const uint32_t *n = (const uint32_t *)(f + ph->p_offset + off);
				uint32_t desc = off + 12 + ((n[0] + 3) & ~3u);

				if (n[2] == PVH_NOTE && n[1] >= 4 && desc + 4 <= ph->p_filesz)
					memcpy(&entry, f + ph->p_offset + desc, 4);
				off = desc + ((n[1] + 3) & ~3u);
			}
		}
	}
	munmap(f, st.st_size);
	close(fd);
	return entry;
}

static void set_flat32(int vcpu, uint32_t entry)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = entry, .rflags = 2 };
	struct kvm_segment cs = {
		.base = 0, .limit = 0xffffffff, .selector = 0x10, .type = 11,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
	struct kvm_segment ds = cs;

	if (ioctl(vcpu, KVM_GET_SREGS, &s) < 0)
		die("KVM_GET_SREGS");
	ds.selector = 0x18;
	ds.type = 3;
	s.cs = cs;
	s.ds = s.es = s.fs = s.gs = s.ss = ds;
	s.cr0 = 0x11; /* PE | ET */
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &s) < 0)
		die("KVM_SET_SREGS");
	if (ioctl(vcpu, KVM_SET_REGS, &r) < 0)
		die("KVM_SET_REGS");
}

int main(int argc, char **argv)
{
	uint32_t scratch = 0, entry;
	uint8_t mmio_page[4096] = { 0 };
	struct kvm_userspace_memory_region slot = { 0 };
	struct kvm_run *run;
	uint8_t *mem;
	int kvm, vm, vcpu, run_size;
	bool irqchip = false;
	const char *guest;

	if (argc == 2 && !strcmp(argv[1], "--tsc-hz"))
		return tsc_hz();
	if (argc == 3 && !strcmp(argv[1], "--irqchip"))
		irqchip = true;
	guest = argv[argc - 1];
	if (argc != 2 + irqchip || guest[0] == '-') {
		fprintf(stderr, "usage: kvm-exit-floor [--irqchip] GUEST.elf | --tsc-hz\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (mem == MAP_FAILED)
		die("mmap RAM");
	entry = load_pvh(guest, mem);
	if (!entry) {
		fprintf(stderr, "%s: no PVH entry note\n", guest);
		return 3;
	}
	slot.memory_size = MEM_SIZE;
	slot.userspace_addr = (uintptr_t)mem;
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &slot) < 0)
		die("KVM_SET_USER_MEMORY_REGION");
	if (irqchip && (ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000UL) < 0 ||
			ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0))
		die("KVM_CREATE_IRQCHIP");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("KVM_CREATE_VCPU");
	run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		die("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap kvm_run");
	set_flat32(vcpu, entry);

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			die("KVM_RUN");
		switch (run->exit_reason) {
		case KVM_EXIT_IO: {
			uint8_t *p = (uint8_t *)run + run->io.data_offset;
			uint32_t v = 0;

			if (run->io.direction == KVM_EXIT_IO_OUT) {
				memcpy(&v, p, run->io.size);
				if (run->io.port == COM1) {
					putchar(v & 0xff);
				} else if (run->io.port == EXIT_PORT) {
					fflush(stdout);
					return (int)((v << 1) | 1) & 0xff;
				} else if (run->io.port == SCRATCH_PORT) {
					scratch = v;
				}
			} else {
				v = run->io.port == SCRATCH_PORT ? scratch : 0;
				memcpy(p, &v, run->io.size);
			}
			break;
		}
		case KVM_EXIT_MMIO: {
			uint64_t off = run->mmio.phys_addr & 0xfff;
			uint32_t len = run->mmio.len;

			if (off + len > sizeof(mmio_page))
				len = off < sizeof(mmio_page) ? sizeof(mmio_page) - off : 0;
			if (run->mmio.is_write)
				memcpy(mmio_page + off, run->mmio.data, len);
			else
				memcpy(run->mmio.data, mmio_page + off, len);
			break;
		}
		case KVM_EXIT_HLT:
			fprintf(stderr, "kvm-exit-floor: guest halted\n");
			return 4;
		default:
			fprintf(stderr, "kvm-exit-floor: unexpected exit reason %u\n", run->exit_reason);
			return 4;
		}
	}
}
