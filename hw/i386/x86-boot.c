// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * x86 boot: turns -kernel/-initrd/-append into a boot plan (hw/core/loader-x86.c)
 * and maps -bios below 4 GiB. The plan is written into guest RAM now and
 * again on every reset, because the guest may have overwritten it and RAM is
 * not cleared on reset; the entry state is set again each time too.
 */
#include <errno.h>
#include <string.h>

#include "hw/core/loader.h"
#include "hw/core/reset.h"
#include "hw/i386/e820.h"
#include "hw/i386/x86-boot.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/memory.h"
#include "target/x86/cpu.h"

#define PAGE 4096ULL
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define FOUR_GIB (4ULL << 30)
/* Keep the firmware clear of the IOAPIC/LAPIC/pc-testdev MMIO below 0xff800000. */
#define BIOS_MAX (8ULL << 20)
#define ISA_BIOS_MAX (128ULL << 10)
#define KERNEL_MAX (1ULL << 30)
#define INITRD_MAX (3ULL << 30)
#define E820_MAX 256

struct x86_boot {
	struct boot_plan *plan;	 /* NULL without -kernel */
	struct x86_boot_entry entry;
	GBytes *bios;		 /* NULL without -bios */
	struct ram_region *bios_rom, *isa_bios;
	uint64_t isa_len;
};

static uint64_t rsdp_gpa;

void x86_set_rsdp_address(uint64_t gpa)
{
	rsdp_gpa = gpa;
}

uint64_t x86_rsdp_address(void)
{
	return rsdp_gpa;
}

static GQuark x86_boot_quark(void)
{
	return g_quark_from_static_string("keel-x86-boot");
}

static bool zero_guest(uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[4096];
	void *hva = gpa_to_hva(gpa, len);

	if (hva) {
		memset(hva, 0, len);
		return true;
	}
	while (len) {
		size_t n = MIN(len, sizeof(zeros));

		if (!guest_write(gpa, zeros, n))
			return false;
		gpa += n;
		len -= n;
	}
	return true;
}

static bool write_plan(const struct boot_plan *p, GError **err)
{
	for (guint i = 0; i < p->blobs->len; i++) {
		const struct boot_blob *b = p->blobs->pdata[i];
		gsize len = 0;
		const void *data = b->data ? g_bytes_get_data(b->data, &len) : NULL;

		if ((len && !guest_write(b->gpa, data, len)) ||
		    (b->zero_len && !zero_guest(b->gpa + len, b->zero_len))) {
			g_set_error(err, x86_boot_quark(), EFAULT,
				    "%s at 0x%llx (%llu bytes) is outside guest RAM", b->name,
				    (unsigned long long)b->gpa,
				    (unsigned long long)(len + b->zero_len));
			return false;
		}
	}
	return true;
}

static void write_bios(struct x86_boot *s)
{
	gsize size;
	const uint8_t *data = g_bytes_get_data(s->bios, &size);
	uint8_t *top = ram_region_host(s->bios_rom);
	uint64_t rsize = ram_region_size(s->bios_rom);

	/* The image ends at 4 GiB; anything below it in the region is zero. */
	memset(top, 0, rsize - size);
	memcpy(top + rsize - size, data, size);
	if (s->isa_bios) {
		uint8_t *low = ram_region_host(s->isa_bios);
		uint64_t lsize = ram_region_size(s->isa_bios);

		memset(low, 0, lsize - s->isa_len);
		memcpy(low + lsize - s->isa_len, data + size - s->isa_len, s->isa_len);
	} else if (s->isa_len) {
		guest_write(X86_HIMEM_START - s->isa_len, data + size - s->isa_len, s->isa_len);
	}
}

/*
 * The firmware goes at the top of 4 GiB, and its last 128 KiB also just
 * below 1 MiB where real-mode code expects to find it (QEMU's isa-bios).
 * If low RAM already covers that range, the copy goes into RAM instead of a
 * region of its own.
 */
static int map_bios(struct x86_boot *s, const char *path, GError **err)
{
	GError *lerr = NULL;
	gsize size;
	uint64_t rsize;
	bool need_isa;
	int ret;

	s->bios = loader_read_file(path, BIOS_MAX, &lerr);
	if (!s->bios) {
		g_set_error(err, x86_boot_quark(), lerr->code, "could not load bios %s",
			    lerr->message);
		g_error_free(lerr);
		return -EINVAL;
	}
	size = g_bytes_get_size(s->bios);
	if (!size) {
		g_set_error(err, x86_boot_quark(), EINVAL, "could not load bios '%s': empty file",
			    path);
		return -EINVAL;
	}
	rsize = ALIGN_UP(size, PAGE);
	s->bios_rom = ram_region_new("pc.bios", rsize);
	s->isa_len = MIN((uint64_t)size, ISA_BIOS_MAX);
	need_isa = !gpa_to_hva(X86_HIMEM_START - s->isa_len, s->isa_len);
	if (need_isa)
		s->isa_bios = ram_region_new("isa-bios", ALIGN_UP(s->isa_len, PAGE));
	if (!s->bios_rom || (need_isa && !s->isa_bios)) {
		g_set_error(err, x86_boot_quark(), ENOMEM, "could not allocate bios memory");
		return -ENOMEM;
	}
	memory_begin();
	memory_map_ram(s->bios_rom, FOUR_GIB - rsize);
	if (s->isa_bios)
		memory_map_ram(s->isa_bios, X86_HIMEM_START - ram_region_size(s->isa_bios));
	ret = memory_commit();
	if (ret < 0) {
		g_set_error(err, x86_boot_quark(), -ret, "could not map bios '%s': %s", path,
			    g_strerror(-ret));
		return ret;
	}
	write_bios(s);
	return 0;
}

static void x86_boot_reset(void *opaque)
{
	struct x86_boot *s = opaque;
	GError *err = NULL;

	if (s->bios)
		write_bios(s);
	if (s->plan && !write_plan(s->plan, &err)) {
		error_report("reloading the kernel on reset: %s", err->message);
		g_error_free(err);
	}
	x86_set_boot_entry(&s->entry);
}

static int load_kernel(struct x86_boot *s, struct machine_config *cfg, GError **err)
{
	struct e820_entry map[E820_MAX];
	struct x86_boot_env env = { .e820 = map, .rsdp = rsdp_gpa };
	GBytes *kernel, *initrd = NULL;
	GError *lerr = NULL;
	int ret = -EINVAL;

	env.e820_count = MIN(e820_get(map, E820_MAX), (unsigned)E820_MAX);
	kernel = loader_read_file(cfg->kernel, KERNEL_MAX, &lerr);
	if (!kernel) {
		g_set_error(err, x86_boot_quark(), lerr->code, "could not load kernel %s",
			    lerr->message);
		g_error_free(lerr);
		return -EINVAL;
	}
	if (cfg->initrd) {
		initrd = loader_read_file(cfg->initrd, INITRD_MAX, &lerr);
		if (!initrd) {
			g_set_error(err, x86_boot_quark(), lerr->code, "could not load initrd %s",
				    lerr->message);
			g_error_free(lerr);
			g_bytes_unref(kernel);
			return -EINVAL;
		}
	}
	s->plan = boot_plan_new();
	ret = x86_plan_kernel(s->plan, &s->entry, kernel, cfg->kernel, initrd, cfg->initrd,
			      cfg->append, &env, &lerr);
	if (!ret && !write_plan(s->plan, &lerr))
		ret = -EFAULT;
	g_bytes_unref(kernel);
	if (initrd)
		g_bytes_unref(initrd);
	if (!ret)
		return 0;
	boot_plan_free(s->plan);
	s->plan = NULL;
	g_set_error(err, x86_boot_quark(), EINVAL, "could not load kernel '%s': %s", cfg->kernel,
		    lerr->message);
	g_error_free(lerr);
	return ret;
}

int x86_boot_init(struct machine_config *cfg, GError **err)
{
	struct x86_boot *s;
	int ret;

	if (!cfg->kernel && cfg->initrd) {
		g_set_error(err, x86_boot_quark(), EINVAL, "-initrd only allowed with -kernel option");
		return -EINVAL;
	}
	if (!cfg->kernel && cfg->append) {
		g_set_error(err, x86_boot_quark(), EINVAL, "-append only allowed with -kernel option");
		return -EINVAL;
	}
	s = g_new0(struct x86_boot, 1);
	s->entry.mode = X86_BOOT_RESET_VECTOR;
	if (cfg->bios) {
		ret = map_bios(s, cfg->bios, err);
		if (ret)
			goto fail;
	}
	if (cfg->kernel) {
		ret = load_kernel(s, cfg, err);
		if (ret)
			goto fail;
	}
	x86_set_boot_entry(&s->entry);
	reset_register(RESET_ORDER_LOADER, x86_boot_reset, s, "x86-boot");
	return 0;
fail:
	if (s->bios)
		g_bytes_unref(s->bios);
	g_free(s);
	return ret;
}
