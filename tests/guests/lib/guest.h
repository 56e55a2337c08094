/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tiny freestanding guest library: port I/O, COM1, isa-debug-exit, Multiboot. */
#ifndef KEEL_GUEST_H
#define KEEL_GUEST_H

#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2badb002u
#define PVH_START_MAGIC 0x336ec578u
#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

/* Survives reset: the loader re-copies the image but leaves other RAM alone. */
#define GUEST_PERSIST_ADDR 0x70000u

struct multiboot_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __attribute__((packed));

struct multiboot_mod {
	uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct multiboot_mmap {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

static inline void outb(uint16_t port, uint8_t v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint8_t mmio_read8(uint32_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

static inline void mmio_write8(uint32_t addr, uint8_t v)
{
	*(volatile uint8_t *)(uintptr_t)addr = v;
}

static inline uint16_t mmio_read16(uint32_t addr)
{
	return *(volatile uint16_t *)(uintptr_t)addr;
}

static inline void mmio_write16(uint32_t addr, uint16_t v)
{
	*(volatile uint16_t *)(uintptr_t)addr = v;
}

static inline uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)(uintptr_t)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)addr = v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause" ::: "memory");
}

void serial_putc(char c);
void puts(const char *s);
void put_hex(uint32_t v);	/* 0x%08x */
void put_hex64(uint64_t v);	/* 0x%016llx */
void put_dec(uint32_t v);
void put_kv_hex(const char *key, uint32_t v); /* "key=0x...\n" */
void put_kv_dec(const char *key, uint32_t v);
void put_kv_str(const char *key, const char *s); /* "key=<s>\n" */
uint32_t fnv1a(const void *p, uint32_t n);	/* 32-bit FNV-1a, for data checksums */
__attribute__((noreturn)) void debug_exit(uint32_t value);
__attribute__((noreturn)) void halt_forever(void);

size_t strlen(const char *s);
void *memcpy(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
/* Value of "key=value" in a space separated command line, copied to buf. */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);
/* Numeric value of key (decimal or 0x hex), or def. */
uint32_t cmdline_get_uint(const char *cmdline, const char *key, uint32_t def);

/* Legacy fw_cfg (selector 0x510, data 0x511). */
void fw_cfg_read(uint16_t key, void *buf, size_t len);
int fw_cfg_present(void);

/* Command line from the boot protocol (Multiboot or PVH), or "". */
const char *boot_cmdline(uint32_t magic, uint32_t info);

/* Implemented by each guest; the return value goes to debug_exit. */
uint32_t guest_main(uint32_t magic, uint32_t info);

#endif
