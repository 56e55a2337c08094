// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Architecture-neutral image parsing: files, boot plans, ELF, the Multiboot
 * header and the Linux setup header. Everything here works on byte buffers
 * and checks every offset against the buffer size, because the images come
 * from the user.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "hw/core/loader.h"

static GQuark loader_quark(void)
{
	return g_quark_from_static_string("keel-loader");
}

static uint16_t rd16(const uint8_t *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t rd32(const uint8_t *p)
{
	return rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

GBytes *loader_read_file(const char *path, uint64_t max, GError **err)
{
	struct stat st;
	GError *gerr = NULL;
	gchar *data;
	gsize len;

	if (stat(path, &st) < 0) {
		g_set_error(err, loader_quark(), errno, "'%s': %s", path, g_strerror(errno));
		return NULL;
	}
	if (S_ISDIR(st.st_mode)) {
		g_set_error(err, loader_quark(), EISDIR, "'%s': %s", path, g_strerror(EISDIR));
		return NULL;
	}
	if (max && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		g_set_error(err, loader_quark(), EFBIG, "'%s': file too large (%llu bytes, max %llu)",
			    path, (unsigned long long)st.st_size, (unsigned long long)max);
		return NULL;
	}
	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		g_set_error(err, loader_quark(), EIO, "%s", gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	if (max && len > max) {
		g_free(data);
		g_set_error(err, loader_quark(), EFBIG, "'%s': file too large", path);
		return NULL;
	}
	return g_bytes_new_take(data, len);
}

static void blob_free(gpointer p)
{
	struct boot_blob *b = p;

	if (b->data)
		g_bytes_unref(b->data);
	g_free(b->name);
	g_free(b);
}

struct boot_plan *boot_plan_new(void)
{
	struct boot_plan *p = g_new0(struct boot_plan, 1);

	p->blobs = g_ptr_array_new_with_free_func(blob_free);
	return p;
}

void boot_plan_free(struct boot_plan *p)
{
	if (!p)
		return;
	g_ptr_array_unref(p->blobs);
	g_free(p);
}

static uint64_t blob_len(const struct boot_blob *b)
{
	return (b->data ? g_bytes_get_size(b->data) : 0) + b->zero_len;
}

void boot_plan_add(struct boot_plan *p, const char *name, uint64_t gpa, GBytes *data,
		   uint64_t zero_len)
{
	struct boot_blob *b = g_new0(struct boot_blob, 1);

	b->gpa = gpa;
	b->data = data ? g_bytes_ref(data) : NULL;
	b->zero_len = zero_len;
	b->name = g_strdup(name);
	g_ptr_array_add(p->blobs, b);
	if (gpa + blob_len(b) > p->top)
		p->top = gpa + blob_len(b);
}

void boot_plan_add_copy(struct boot_plan *p, const char *name, uint64_t gpa, const void *buf,
			size_t len)
{
	GBytes *data = g_bytes_new(buf, len);

	boot_plan_add(p, name, gpa, data, 0);
	g_bytes_unref(data);
}

const struct boot_blob *boot_plan_find(const struct boot_plan *p, uint64_t gpa)
{
	for (guint i = 0; i < p->blobs->len; i++) {
		const struct boot_blob *b = p->blobs->pdata[i];

		if (gpa >= b->gpa && gpa - b->gpa < blob_len(b))
			return b;
	}
	return NULL;
}

const uint8_t *boot_plan_peek(const struct boot_plan *p, uint64_t gpa, size_t len)
{
	const struct boot_blob *b = boot_plan_find(p, gpa);
	size_t size;

	if (!b || !b->data)
		return NULL;
	size = g_bytes_get_size(b->data);
	if (gpa - b->gpa > size || len > size - (gpa - b->gpa))
		return NULL;
	return (const uint8_t *)g_bytes_get_data(b->data, NULL) + (gpa - b->gpa);
}

bool boot_plan_check_overlap(const struct boot_plan *p, GError **err)
{
	for (guint i = 0; i < p->blobs->len; i++) {
		const struct boot_blob *a = p->blobs->pdata[i];

		for (guint j = i + 1; j < p->blobs->len; j++) {
			const struct boot_blob *b = p->blobs->pdata[j];

			if (!blob_len(a) || !blob_len(b))
				continue;
			if (a->gpa < b->gpa + blob_len(b) && b->gpa < a->gpa + blob_len(a)) {
				g_set_error(err, loader_quark(), EINVAL,
					    "%s [0x%llx-0x%llx) overlaps %s [0x%llx-0x%llx)",
					    a->name, (unsigned long long)a->gpa,
					    (unsigned long long)(a->gpa + blob_len(a)), b->name,
					    (unsigned long long)b->gpa,
					    (unsigned long long)(b->gpa + blob_len(b)));
				return false;
			}
		}
	}
	return true;
}

/* ELF */

enum {
	EI_CLASS = 4, EI_DATA = 5,
	ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1,
	ET_EXEC = 2, ET_DYN = 3,
	PT_LOAD = 1, PT_NOTE = 4,
	XEN_ELFNOTE_PHYS32_ENTRY = 18,
};

bool elf_is_elf(const uint8_t *buf, size_t size)
{
	return size >= 4 && !memcmp(buf, "\177ELF", 4);
}

static bool range_ok(uint64_t off, uint64_t len, size_t size)
{
	return off <= size && len <= size - off;
}

static void elf_scan_notes(const uint8_t *buf, uint64_t off, uint64_t len, struct elf_info *info)
{
	uint64_t pos = 0;

	while (len - pos >= 12) {
		const uint8_t *n = buf + off + pos;
		uint32_t namesz = rd32(n), descsz = rd32(n + 4), type = rd32(n + 8);
		uint64_t name_al = ((uint64_t)namesz + 3) & ~3ULL;
		uint64_t desc_al = ((uint64_t)descsz + 3) & ~3ULL;
		const uint8_t *name = n + 12, *desc = name + name_al;

		if (name_al > len - pos - 12 || desc_al > len - pos - 12 - name_al)
			return;
		if (namesz == 4 && !memcmp(name, "Xen", 4) && type == XEN_ELFNOTE_PHYS32_ENTRY &&
		    descsz >= 4) {
			info->has_pvh_entry = true;
			info->pvh_entry = descsz >= 8 ? rd64(desc) : rd32(desc);
		}
		pos += 12 + name_al + desc_al;
	}
}

int elf_parse(const uint8_t *buf, size_t size, struct elf_info *info, GError **err)
{
	uint64_t phoff;
	unsigned phentsize, phnum, min_phent;
	uint16_t type;

	memset(info, 0, sizeof(*info));
	if (!elf_is_elf(buf, size) || size < 52) {
		g_set_error(err, loader_quark(), ENOEXEC, "not an ELF file");
		return -ENOEXEC;
	}
	if (buf[EI_DATA] != ELFDATA2LSB ||
	    (buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64)) {
		g_set_error(err, loader_quark(), ENOEXEC, "unsupported ELF class or byte order");
		return -ENOEXEC;
	}
	info->is64 = buf[EI_CLASS] == ELFCLASS64;
	if (info->is64 && size < 64) {
		g_set_error(err, loader_quark(), ENOEXEC, "truncated ELF header");
		return -ENOEXEC;
	}
	type = rd16(buf + 16);
	info->machine = rd16(buf + 18);
	if (type != ET_EXEC && type != ET_DYN) {
		g_set_error(err, loader_quark(), ENOEXEC, "ELF file is not an executable");
		return -ENOEXEC;
	}
	if (info->is64) {
		info->entry = rd64(buf + 24);
		phoff = rd64(buf + 32);
		phentsize = rd16(buf + 54);
		phnum = rd16(buf + 56);
		min_phent = 56;
	} else {
		info->entry = rd32(buf + 24);
		phoff = rd32(buf + 28);
		phentsize = rd16(buf + 42);
		phnum = rd16(buf + 44);
		min_phent = 32;
	}
	if (phentsize < min_phent || !phnum || !range_ok(phoff, (uint64_t)phentsize * phnum, size)) {
		g_set_error(err, loader_quark(), ENOEXEC, "bad ELF program headers");
		return -ENOEXEC;
	}
	info->paddr_low = UINT64_MAX;
	for (unsigned i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
		struct elf_segment s;
		uint32_t ptype = rd32(ph);

		if (info->is64) {
			s.offset = rd64(ph + 8);
			s.vaddr = rd64(ph + 16);
			s.paddr = rd64(ph + 24);
			s.filesz = rd64(ph + 32);
			s.memsz = rd64(ph + 40);
		} else {
			s.offset = rd32(ph + 4);
			s.vaddr = rd32(ph + 8);
			s.paddr = rd32(ph + 12);
			s.filesz = rd32(ph + 16);
			s.memsz = rd32(ph + 20);
		}
		if (ptype == PT_NOTE) {
			if (range_ok(s.offset, s.filesz, size))
				elf_scan_notes(buf, s.offset, s.filesz, info);
			continue;
		}
		if (ptype != PT_LOAD || !s.memsz)
			continue;
		if (s.filesz > s.memsz || !range_ok(s.offset, s.filesz, size) ||
		    s.paddr + s.memsz < s.paddr) {
			g_set_error(err, loader_quark(), ENOEXEC,
				    "bad ELF segment %u (offset 0x%llx, size 0x%llx)", i,
				    (unsigned long long)s.offset, (unsigned long long)s.filesz);
			return -ENOEXEC;
		}
		if (info->nsegs == ELF_MAX_SEGMENTS) {
			g_set_error(err, loader_quark(), ENOEXEC, "too many ELF segments");
			return -ENOEXEC;
		}
		info->segs[info->nsegs++] = s;
		if (s.paddr < info->paddr_low)
			info->paddr_low = s.paddr;
		if (s.paddr + s.memsz > info->paddr_high)
			info->paddr_high = s.paddr + s.memsz;
	}
	if (!info->nsegs) {
		g_set_error(err, loader_quark(), ENOEXEC, "ELF file has nothing to load");
		return -ENOEXEC;
	}
	return 0;
}

/* Multiboot v1 */

bool multiboot_find_header(const uint8_t *buf, size_t size, struct multiboot_header_info *h)
{
	size_t end = size < MULTIBOOT_SEARCH ? size : MULTIBOOT_SEARCH;

	for (size_t off = 0; off + 12 <= end; off += 4) {
		const uint8_t *p = buf + off;
		uint32_t magic = rd32(p), flags = rd32(p + 4), sum = rd32(p + 8);

		if (magic != MULTIBOOT_HEADER_MAGIC || (uint32_t)(magic + flags + sum))
			continue;
		memset(h, 0, sizeof(*h));
		h->offset = off;
		h->flags = flags;
		if ((flags & MULTIBOOT_AOUT_KLUDGE) && off + 32 <= size) {
			h->header_addr = rd32(p + 12);
			h->load_addr = rd32(p + 16);
			h->load_end_addr = rd32(p + 20);
			h->bss_end_addr = rd32(p + 24);
			h->entry_addr = rd32(p + 28);
		} else if (flags & MULTIBOOT_AOUT_KLUDGE) {
			continue;
		}
		return true;
	}
	return false;
}

/* Linux setup header */

bool bzimage_is_bzimage(const uint8_t *buf, size_t size)
{
	return size >= 0x204 && rd32(buf + 0x202) == BZIMAGE_HDRS_MAGIC;
}

int bzimage_parse(const uint8_t *buf, size_t size, struct bzimage_header *h, GError **err)
{
	memset(h, 0, sizeof(*h));
	if (!bzimage_is_bzimage(buf, size)) {
		g_set_error(err, loader_quark(), ENOEXEC, "not a Linux kernel image");
		return -ENOEXEC;
	}
	h->version = rd16(buf + 0x206);
	if (h->version < 0x0206) {
		/* The protected-mode entry with a 64-bit cmdline_size field needs 2.06. */
		g_set_error(err, loader_quark(), ENOEXEC,
			    "Linux boot protocol %u.%02u is too old (2.06 or later needed)",
			    h->version >> 8, h->version & 0xff);
		return -ENOEXEC;
	}
	h->header_end = 0x202 + buf[0x201];
	if (size < 0x268 || h->header_end > size || h->header_end > 0x1000) {
		g_set_error(err, loader_quark(), ENOEXEC, "truncated Linux setup header");
		return -ENOEXEC;
	}
	h->setup_sects = buf[0x1f1] ? buf[0x1f1] : 4;
	h->setup_size = (size_t)(h->setup_sects + 1) * 512;
	if (h->setup_size >= size) {
		g_set_error(err, loader_quark(), ENOEXEC, "Linux image has no protected-mode part");
		return -ENOEXEC;
	}
	h->kernel_size = size - h->setup_size;
	h->loadflags = buf[0x211];
	if (!(h->loadflags & 1)) {
		g_set_error(err, loader_quark(), ENOEXEC, "zImage kernels (not loaded high) are not supported");
		return -ENOEXEC;
	}
	h->initrd_addr_max = rd32(buf + 0x22c);
	h->kernel_alignment = rd32(buf + 0x230);
	h->relocatable = buf[0x234];
	h->xloadflags = h->version >= 0x020c ? rd16(buf + 0x236) : 0;
	h->cmdline_size = rd32(buf + 0x238);
	h->pref_address = h->version >= 0x020a ? rd64(buf + 0x258) : 0x100000;
	h->init_size = h->version >= 0x020a ? rd32(buf + 0x260) : 0;
	return 0;
}
