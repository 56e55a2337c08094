# shellcheck shell=sh
# Map a Keel cross target to Debian/GNU names. Sourced by the cross scripts.
# cross_arch ARCH sets CROSS_ARCH (meson cpu_family), CROSS_DEB_ARCH,
# CROSS_TRIPLET, CROSS_CPU and CROSS_ENDIAN; returns 1 for unknown names.
cross_arch() {
	case "$1" in
	aarch64 | arm64)
		CROSS_ARCH=aarch64 CROSS_DEB_ARCH=arm64 CROSS_TRIPLET=aarch64-linux-gnu
		CROSS_CPU=aarch64 CROSS_ENDIAN=little ;;
	ppc64le | ppc64el | ppc64)
		CROSS_ARCH=ppc64 CROSS_DEB_ARCH=ppc64el CROSS_TRIPLET=powerpc64le-linux-gnu
		CROSS_CPU=ppc64le CROSS_ENDIAN=little ;;
	*)
		echo "cross: unknown architecture '$1' (aarch64 | ppc64le)" >&2
		return 1 ;;
	esac
	export CROSS_ARCH CROSS_DEB_ARCH CROSS_TRIPLET CROSS_CPU CROSS_ENDIAN
}
