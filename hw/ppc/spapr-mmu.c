// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest's MMU mode. There is no firmware and so no
 * client-architecture-support negotiation: Keel decides before the kernel
 * starts, from -M pseries,mmu= and the kernel command line, and the device
 * tree then tells the kernel (ibm,architecture-vec-5). Radix is the default
 * where KVM offers it; hash needs a bare-metal KVM-HV (a nested one offers
 * radix only).
 */
#include <errno.h>
#include <string.h>

#include "hw/ppc/spapr.h"
#include "system/error.h"

/* The kernel's kstrtobool(): y/Y/1, n/N/0, on/off. */
static bool parse_bool(const char *v, size_t len, bool *out)
{
	if (!len)
		return false;
	switch (v[0]) {
	case 'y': case 'Y': case '1':
		*out = true;
		return true;
	case 'n': case 'N': case '0':
		*out = false;
		return true;
	case 'o': case 'O':
		if (len > 1 && (v[1] == 'n' || v[1] == 'N')) {
			*out = true;
			return true;
		}
		if (len > 1 && (v[1] == 'f' || v[1] == 'F')) {
			*out = false;
			return true;
		}
		return false;
	default:
		return false;
	}
}

/* The last disable_radix on the line wins, as with the kernel's early parameters. */
bool spapr_cmdline_disables_radix(const char *bootargs)
{
	static const char key[] = "disable_radix";
	const char *p = bootargs;
	bool off = false;

	while (p && *p) {
		size_t len;

		p += strspn(p, " \t\n");
		len = strcspn(p, " \t\n");
		if (len >= sizeof(key) - 1 && !memcmp(p, key, sizeof(key) - 1)) {
			const char *rest = p + sizeof(key) - 1;
			size_t rlen = len - (sizeof(key) - 1);
			bool v = true;

			if (!rlen)
				off = true;
			else if (rest[0] == '=' && parse_bool(rest + 1, rlen - 1, &v))
				off = v;
		}
		p += len;
	}
	return off;
}

int spapr_mmu_select(const char *opt, const char *bootargs, bool host_radix, bool host_hash,
		     enum spapr_mmu_mode *mode, GError **err)
{
	bool no_radix = spapr_cmdline_disables_radix(bootargs);

	if (opt && !strcmp(opt, "radix")) {
		if (!host_radix) {
			error_setg(err, "mmu=radix: this KVM offers no radix MMU "
					"(KVM_CAP_PPC_MMU_RADIX); try mmu=hash");
			return -EINVAL;
		}
		if (no_radix) {
			error_setg(err, "mmu=radix, but the kernel command line has disable_radix");
			return -EINVAL;
		}
		*mode = SPAPR_MMU_RADIX;
		return 0;
	}
	if (opt && !strcmp(opt, "hash")) {
		if (!host_hash) {
			error_setg(err, "mmu=hash: this KVM offers no hash MMU for POWER9 guests "
					"(KVM_CAP_PPC_MMU_HASH_V3; a nested KVM-HV offers radix only)");
			return -EINVAL;
		}
		*mode = SPAPR_MMU_HASH;
		return 0;
	}
	if (opt && strcmp(opt, "auto")) {
		error_setg(err, "mmu=%s: expected radix, hash or auto", opt);
		return -EINVAL;
	}
	if (no_radix && !host_hash) {
		error_setg(err, "the kernel command line has disable_radix, but this KVM offers "
				"no hash MMU (KVM_CAP_PPC_MMU_HASH_V3; a nested KVM-HV offers "
				"radix only)");
		return -EINVAL;
	}
	if (!no_radix && host_radix) {
		*mode = SPAPR_MMU_RADIX;
		return 0;
	}
	if (!host_hash) {
		error_setg(err, "this KVM offers neither a radix nor a hash MMU for POWER9 "
				"guests (KVM_CAP_PPC_MMU_RADIX, KVM_CAP_PPC_MMU_HASH_V3)");
		return -EINVAL;
	}
	*mode = SPAPR_MMU_HASH;
	return 0;
}

#define HPT_MIN_SHIFT 18
#define HPT_MAX_SHIFT 46

uint32_t spapr_hpt_shift(uint64_t ram_size)
{
	uint32_t shift = 0;

	while (shift < 63 && (1ULL << shift) < ram_size)
		shift++;
	shift = shift > 7 ? shift - 7 : 0;
	return MIN(MAX(shift, HPT_MIN_SHIFT), HPT_MAX_SHIFT);
}

void spapr_hash_filter_page_sizes(struct spapr_hash_mmu *h, unsigned backing_shift)
{
	unsigned n = 0;

	for (unsigned i = 0; i < h->nsps && i < SPAPR_MAX_PAGE_SIZES; i++) {
		struct spapr_seg_page_size s = h->sps[i];
		unsigned m = 0;

		if (!s.page_shift || s.page_shift > backing_shift)
			continue;
		for (unsigned j = 0; j < s.nenc && j < SPAPR_MAX_PAGE_SIZES; j++)
			if (s.enc[j].page_shift && s.enc[j].page_shift <= backing_shift)
				s.enc[m++] = s.enc[j];
		if (!m)
			continue;
		s.nenc = m;
		memset(&s.enc[m], 0, (SPAPR_MAX_PAGE_SIZES - m) * sizeof(s.enc[0]));
		h->sps[n++] = s;
	}
	memset(&h->sps[n], 0, (SPAPR_MAX_PAGE_SIZES - n) * sizeof(h->sps[0]));
	h->nsps = n;
}
