// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * L2 guest program: a load pair from an IPA no memslot backs. The data
 * abort carries no valid syndrome (ISV=0), so KVM cannot describe the
 * access: with KVM_CAP_ARM_NISV_TO_USER keel gets KVM_EXIT_ARM_NISV and must
 * stop the VM with the fault address, not retry or die silently.
 * Build: aarch64-linux-gnu-gcc -static -O2 -o nisv nisv.c
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	unsigned long addr = argc > 1 ? strtoul(argv[1], NULL, 0) : 0x0c000000;
	volatile uint64_t *p;
	uint64_t a, b;
	int fd = open("/dev/mem", O_RDWR | O_SYNC);

	if (fd < 0) {
		perror("nisv: open /dev/mem");
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, addr);
	if (p == MAP_FAILED) {
		perror("nisv: mmap");
		return 1;
	}
	printf("nisv: load pair from 0x%lx\n", addr);
	fflush(stdout);
	__asm__ volatile("ldp %0, %1, [%2]" : "=r"(a), "=r"(b) : "r"(p) : "memory");
	printf("nisv: the access completed (0x%llx 0x%llx)\n", (unsigned long long)a,
	       (unsigned long long)b);
	return 2;
}
