// SPDX-License-Identifier: GPL-2.0-or-later
/* -blockdev parsing: both forms, the node graph, the -drive options it maps to, errors. */
#include <check.h>
#include <string.h>

#include "block/block.h"
#include "system/machine.h"
#include "system/opts.h"

#define STORAGE "{\"driver\":\"file\",\"filename\":\"/x.img\",\"node-name\":\"libvirt-1-storage\"," \
		"\"auto-read-only\":true,\"discard\":\"unmap\"}"
#define FORMAT "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"raw\"," \
	       "\"file\":\"libvirt-1-storage\"}"

static void setup(void)
{
	memset(&machine_cfg, 0, sizeof(machine_cfg));
	machine_cfg.drives = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
	machine_cfg.blockdevs = g_ptr_array_new_with_free_func((GDestroyNotify)kopts_free);
}

static void teardown(void)
{
	g_ptr_array_free(machine_cfg.drives, TRUE);
	g_ptr_array_free(machine_cfg.blockdevs, TRUE);
	memset(&machine_cfg, 0, sizeof(machine_cfg));
}

static void add_ok(const char *opt)
{
	GError *err = NULL;

	if (blockdev_add(&machine_cfg, opt, &err) < 0)
		ck_abort_msg("-blockdev %s: %s", opt, err->message);
}

/* The -drive options node name maps to: "key=value,..." in a fixed order. */
static char *drive_of(const char *name)
{
	static const char *const keys[] = { "file", "readonly", "cache", "discard", "aio",
					    "file.locking", NULL };
	struct kopts *d = blockdev_drive_opts(name, NULL);
	GString *s = g_string_new("");

	ck_assert_ptr_nonnull(d);
	for (unsigned i = 0; keys[i]; i++)
		if (kopts_get(d, keys[i]))
			g_string_append_printf(s, "%s%s=%s", s->len ? "," : "", keys[i],
					       kopts_get(d, keys[i]));
	kopts_free(d);
	return g_string_free(s, FALSE);
}

static void check_drive(const char *name, const char *want)
{
	g_autofree char *got = drive_of(name);

	ck_assert_str_eq(got, want);
}

static void expect_error(const char *opt, const char *msg)
{
	GError *err = NULL;
	guint n = machine_cfg.blockdevs->len;

	ck_assert_int_eq(blockdev_add(&machine_cfg, opt, &err), -1);
	ck_assert_ptr_nonnull(err);
	if (!strstr(err->message, msg))
		ck_abort_msg("-blockdev %s: error '%s' lacks '%s'", opt, err->message, msg);
	g_error_free(err);
	/* A refused option leaves no node behind (nor an inline child). */
	ck_assert_uint_eq(machine_cfg.blockdevs->len, n);
}

START_TEST(libvirt_json_pair)
{
	struct blockdev_info bi;
	GError *err = NULL;

	add_ok(STORAGE);
	add_ok(FORMAT);
	ck_assert_uint_eq(machine_cfg.blockdevs->len, 2);
	/* Only the storage node passes discards: the format node (default ignore) stops them. */
	check_drive("libvirt-1-format", "file=/x.img,readonly=off,cache=writeback,discard=ignore");
	/* The storage node belongs to the format node: no device may take it. */
	ck_assert_ptr_null(blockdev_drive_opts("libvirt-1-storage", &err));
	ck_assert(strstr(err->message, "already the file of node 'libvirt-1-format'"));
	g_clear_error(&err);
	ck_assert(blockdev_info(0, &bi));
	ck_assert_str_eq(bi.node_name, "libvirt-1-storage");
	ck_assert_str_eq(bi.driver, "file");
	ck_assert(blockdev_info(1, &bi));
	ck_assert_str_eq(bi.node_name, "libvirt-1-format");
	ck_assert_str_eq(bi.driver, "raw");
	ck_assert_str_eq(bi.filename, "/x.img");
	ck_assert(!bi.ro);
	ck_assert(!blockdev_info(2, &bi));
}
END_TEST

START_TEST(libvirt_cache_modes)
{
	/* cache='none': direct on both nodes; the child inherits what it does not set. */
	add_ok("{\"driver\":\"file\",\"filename\":\"/a\",\"node-name\":\"s1\",\"aio\":\"threads\","
	       "\"cache\":{\"direct\":true,\"no-flush\":false},\"discard\":\"unmap\"}");
	add_ok("{\"node-name\":\"f1\",\"read-only\":false,\"discard\":\"unmap\","
	       "\"cache\":{\"direct\":true,\"no-flush\":false},\"driver\":\"raw\",\"file\":\"s1\"}");
	check_drive("f1", "file=/a,readonly=off,cache=none,discard=unmap,aio=threads");
	/* cache='unsafe', read-only */
	add_ok("{\"driver\":\"file\",\"filename\":\"/b\",\"node-name\":\"s2\","
	       "\"cache\":{\"direct\":false,\"no-flush\":true},\"locking\":\"off\"}");
	add_ok("{\"node-name\":\"f2\",\"read-only\":true,"
	       "\"cache\":{\"direct\":false,\"no-flush\":true},\"driver\":\"raw\",\"file\":\"s2\"}");
	check_drive("f2", "file=/b,readonly=on,cache=unsafe,discard=ignore,file.locking=off");
	/* Inherited: direct set only on the format node. */
	add_ok("driver=file,node-name=s3,filename=/c");
	add_ok("driver=raw,node-name=f3,file=s3,cache.direct=on");
	check_drive("f3", "file=/c,readonly=off,cache=none,discard=ignore");
	/* The child's own setting wins. */
	add_ok("driver=file,node-name=s4,filename=/d,cache.direct=off");
	add_ok("driver=raw,node-name=f4,file=s4,cache.direct=on");
	check_drive("f4", "file=/d,readonly=off,cache=writeback,discard=ignore");
}
END_TEST

START_TEST(flat_form)
{
	struct blockdev_info bi;

	add_ok("driver=raw,node-name=d0,file.driver=file,file.filename=x.img,read-only=on,"
	       "file.aio=threads");
	ck_assert_uint_eq(machine_cfg.blockdevs->len, 2);
	ck_assert(blockdev_info(0, &bi));
	ck_assert(g_str_has_prefix(bi.node_name, "#block"));
	ck_assert_str_eq(bi.driver, "file");
	check_drive("d0", "file=x.img,readonly=on,cache=writeback,discard=ignore,aio=threads");
	/* The same nested in JSON, with the child's node-name given. */
	add_ok("{\"driver\":\"raw\",\"node-name\":\"d1\",\"file\":{\"driver\":\"host_device\","
	       "\"filename\":\"/dev/null\",\"node-name\":\"d1-file\"}}");
	ck_assert(blockdev_info(2, &bi));
	ck_assert_str_eq(bi.node_name, "d1-file");
	ck_assert_str_eq(bi.driver, "host_device");
	check_drive("d1", "file=/dev/null,readonly=off,cache=writeback,discard=ignore");
}
END_TEST

START_TEST(errors)
{
	add_ok("driver=file,node-name=s0,filename=/x");
	add_ok("driver=raw,node-name=r0,file=s0");
	add_ok("driver=file,node-name=ro,filename=/y,read-only=on");
	expect_error("driver=qcow2,node-name=q,file=s0", "Block driver 'qcow2' is not supported");
	expect_error("{\"driver\":\"vmdk\",\"node-name\":\"q\"}", "Block driver 'vmdk'");
	expect_error("node-name=a,filename=/x", "Parameter 'driver' is missing");
	expect_error("driver=file,filename=/x", "'node-name' must be specified for the root node");
	expect_error("driver=file,node-name=-a,filename=/x", "Invalid node-name: '-a'");
	expect_error("driver=file,node-name=a234567890123456789012345678901x,filename=/x",
		     "Node name too long");
	expect_error("driver=file,node-name=s0,filename=/x", "Duplicate nodes with node-name='s0'");
	expect_error("driver=file,node-name=a", "Parameter 'filename' is missing");
	expect_error("driver=file,node-name=a,filename=", "Parameter 'filename' is missing");
	expect_error("driver=raw,node-name=a", "Parameter 'file' is missing");
	expect_error("driver=raw,node-name=a,file=nope", "Cannot find node-name 'nope'");
	expect_error("driver=raw,node-name=a,file=s0", "node 's0' is already the file of node 'r0'");
	expect_error("driver=raw,node-name=a,file=r0", "raw over a 'raw' node is not supported");
	expect_error("driver=raw,node-name=a,file=ro", "Block node 'ro' is read-only");
	expect_error("driver=raw,node-name=a,file=s0,file.driver=file", "given both");
	expect_error("driver=raw,node-name=a,file.driver=qcow2", "Block driver 'qcow2'");
	expect_error("driver=raw,node-name=a,file.driver=file,file.filename=/x,file.nope=1",
		     "Parameter 'file.nope' is unexpected");
	expect_error("driver=raw,node-name=a,file.driver=file", "Parameter 'file.filename' is "
		     "missing");
	expect_error("driver=raw,node-name=a,offset=512,file=s0", "offset and size");
	expect_error("driver=file,node-name=a,filename=/x,aio=native", "aio=native is not supported");
	expect_error("driver=file,node-name=a,filename=/x,discard=maybe", "invalid discard option");
	expect_error("driver=file,node-name=a,filename=/x,locking=maybe", "invalid locking option");
	expect_error("driver=file,node-name=a,filename=/x,cache.direct=on,cache.no-flush=on",
		     "cache.direct=on with cache.no-flush=on");
	expect_error("driver=file,node-name=a,filename=/x,read-only=2", "read-only");
	expect_error("driver=file,node-name=a,filename=/x,detect-zeroes=on", "detect-zeroes=on");
	expect_error("driver=file,node-name=a,filename=/x,force-share=on", "force-share=on");
	expect_error("{\"driver\":\"file\",\"node-name\":\"a\",\"filename\":[\"/x\"]}",
		     "JSON member 'filename'");
	expect_error("{\"driver\":\"file\",\"node-name\":\"a\",\"filename\":\"/x\","
		     "\"cache\":{\"direct\":null}}", "JSON member 'cache.direct'");
	expect_error("{\"driver\":", "invalid JSON");
	/* A failed inline child is not left behind (checked in expect_error too). */
	expect_error("driver=raw,node-name=a,file.driver=file,file.filename=/z,bogus=1",
		     "Parameter 'bogus' is unexpected");
	ck_assert_uint_eq(machine_cfg.blockdevs->len, 3);
}
END_TEST

START_TEST(drive_id_conflicts)
{
	GError *err = NULL;

	add_ok("driver=file,node-name=n0,filename=/x");
	ck_assert_int_eq(drive_add(&machine_cfg, "file=/x,if=none,id=n0", &err), -1);
	ck_assert(strstr(err->message, "conflicts with an existing node name"));
	g_clear_error(&err);
	ck_assert_int_eq(drive_add(&machine_cfg, "file=/x,if=none,id=d9", &err), 0);
	expect_error("driver=file,node-name=d9,filename=/x", "conflicting with a device id");
	/* Not a node: blockdev_drive_opts() has nothing (drive_claim tries -drive first). */
	ck_assert_ptr_null(blockdev_drive_opts("d9", NULL));
}
END_TEST

START_TEST(json_nested_flattening)
{
	GError *err = NULL;
	struct kopts *o = kopts_parse_json_nested("{\"a\":{\"b\":{\"c\":1},\"d\":true},\"e\":\"x\"}",
						  &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(kopts_get(o, "a.b.c"), "1");
	ck_assert_str_eq(kopts_get(o, "a.d"), "on");
	ck_assert_str_eq(kopts_get(o, "e"), "x");
	ck_assert_uint_eq(kopts_count(o), 3);
	kopts_free(o);
	/* The dotted and the nested spelling of one key. */
	o = kopts_parse_json_nested("{\"a.b\":1,\"a\":{\"b\":2}}", &err);
	ck_assert_ptr_null(o);
	ck_assert(strstr(err->message, "'a.b' is given twice"));
	g_clear_error(&err);
	/* -device and friends still refuse nesting. */
	o = kopts_parse_json("{\"a\":{\"b\":1}}", &err);
	ck_assert_ptr_null(o);
	ck_assert(strstr(err->message, "JSON member 'a'"));
	g_clear_error(&err);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blockdev");
	TCase *tc = tcase_create("blockdev");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, libvirt_json_pair);
	tcase_add_test(tc, libvirt_cache_modes);
	tcase_add_test(tc, flat_form);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, drive_id_conflicts);
	tcase_add_test(tc, json_nested_flattening);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
