// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <errno.h>
#include <string.h>

#include "system/opts.h"

START_TEST(parse_basic)
{
	GError *err = NULL;
	struct kopts *o = kopts_parse("virtio-blk,drive=d0,num-queues=4", "driver", &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(kopts_count(o), 3);
	ck_assert_str_eq(kopts_get(o, "driver"), "virtio-blk");
	ck_assert_str_eq(kopts_get(o, "drive"), "d0");
	ck_assert_str_eq(kopts_key(o, 2), "num-queues");
	ck_assert_str_eq(kopts_value(o, 2), "4");
	ck_assert(kopts_has(o, "drive"));
	ck_assert(!kopts_has(o, "nope"));
	ck_assert_ptr_null(kopts_get(o, "nope"));
	kopts_free(o);
}
END_TEST

START_TEST(parse_escape_and_flags)
{
	struct kopts *o = kopts_parse("file:a,,b,path=x,,y,,,server,wait=off", "spec", NULL);

	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(kopts_get(o, "spec"), "file:a,b");
	ck_assert_str_eq(kopts_get(o, "path"), "x,y,");
	/* A bare key after the first is key=on. */
	ck_assert_str_eq(kopts_get(o, "server"), "on");
	ck_assert_str_eq(kopts_get(o, "wait"), "off");
	kopts_free(o);
}
END_TEST

START_TEST(parse_no_implied)
{
	struct kopts *o = kopts_parse("base=utc,driftfix=slew", NULL, NULL);

	ck_assert_str_eq(kopts_get(o, "base"), "utc");
	kopts_free(o);
	/* Without an implied key a leading bare word is a flag. */
	o = kopts_parse("on", NULL, NULL);
	ck_assert_str_eq(kopts_get(o, "on"), "on");
	kopts_free(o);
}
END_TEST

START_TEST(parse_empty)
{
	struct kopts *o = kopts_parse("", "driver", NULL);

	ck_assert_uint_eq(kopts_count(o), 0);
	kopts_free(o);
	o = kopts_parse(NULL, "driver", NULL);
	ck_assert_uint_eq(kopts_count(o), 0);
	kopts_free(o);
	o = kopts_parse("a=1,", NULL, NULL);
	ck_assert_uint_eq(kopts_count(o), 1);
	kopts_free(o);
}
END_TEST

START_TEST(parse_empty_key)
{
	GError *err = NULL;
	struct kopts *o = kopts_parse("x,=3", "driver", &err);

	ck_assert_ptr_null(o);
	ck_assert_ptr_nonnull(err);
	ck_assert_ptr_nonnull(strstr(err->message, "Invalid parameter"));
	g_error_free(err);
}
END_TEST

START_TEST(last_wins)
{
	struct kopts *o = kopts_parse("a=1,b=2,a=3", NULL, NULL);

	ck_assert_str_eq(kopts_get(o, "a"), "3");
	ck_assert_int_eq(kopts_check_unused(o, "x", NULL), -EINVAL); /* b unread */
	kopts_get(o, "b");
	/* Reading a key marks every duplicate used. */
	ck_assert_int_eq(kopts_check_unused(o, "x", NULL), 0);
	kopts_free(o);
}
END_TEST

START_TEST(get_bool)
{
	struct kopts *o = kopts_parse("a=on,b=off,c=yes,d=no,e=true,f=false,g=maybe", NULL, NULL);
	GError *err = NULL;
	bool v;

	ck_assert_int_eq(kopts_get_bool(o, "a", false, &v, NULL), 0);
	ck_assert(v);
	ck_assert_int_eq(kopts_get_bool(o, "b", true, &v, NULL), 0);
	ck_assert(!v);
	kopts_get_bool(o, "c", false, &v, NULL);
	ck_assert(v);
	kopts_get_bool(o, "d", true, &v, NULL);
	ck_assert(!v);
	kopts_get_bool(o, "e", false, &v, NULL);
	ck_assert(v);
	kopts_get_bool(o, "f", true, &v, NULL);
	ck_assert(!v);
	ck_assert_int_eq(kopts_get_bool(o, "missing", true, &v, NULL), 0);
	ck_assert(v);
	ck_assert_int_eq(kopts_get_bool(o, "g", false, &v, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err->message, "'g'"));
	g_error_free(err);
	kopts_free(o);
}
END_TEST

START_TEST(get_numbers)
{
	struct kopts *o = kopts_parse("n=42,h=0x10,s=2M,t=1G,k=4k,b=512B,bad=12x,neg=-1", NULL,
				      NULL);
	GError *err = NULL;
	uint64_t v;

	ck_assert_int_eq(kopts_get_u64(o, "n", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(kopts_get_u64(o, "h", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(kopts_get_size(o, "s", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 2u << 20);
	ck_assert_int_eq(kopts_get_size(o, "t", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 1u << 30);
	ck_assert_int_eq(kopts_get_size(o, "k", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(kopts_get_size(o, "b", 0, &v, NULL), 0);
	ck_assert_uint_eq(v, 512);
	ck_assert_int_eq(kopts_get_u64(o, "missing", 7, &v, NULL), 0);
	ck_assert_uint_eq(v, 7);
	/* Suffixes only where sizes are expected. */
	ck_assert_int_eq(kopts_get_u64(o, "s", 0, &v, &err), -EINVAL);
	g_clear_error(&err);
	ck_assert_int_eq(kopts_get_size(o, "bad", 0, &v, &err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err->message, "'bad'"));
	g_clear_error(&err);
	ck_assert_int_eq(kopts_get_u64(o, "neg", 0, &v, &err), -EINVAL);
	g_clear_error(&err);
	kopts_free(o);
}
END_TEST

START_TEST(parse_u64_edges)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64("18446744073709551615", &v, false), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_lt(parse_u64("18446744073709551616", &v, false), 0);
	ck_assert_int_lt(parse_u64("17179869184G", &v, true), 0); /* 2^34 G overflows */
	ck_assert_int_lt(parse_u64("", &v, true), 0);
	ck_assert_int_lt(parse_u64(NULL, &v, true), 0);
	ck_assert_int_lt(parse_u64(" 1", &v, true), 0);
	ck_assert_int_lt(parse_u64("1MB", &v, true), 0);
	ck_assert_int_lt(parse_u64("1M", &v, false), 0);
}
END_TEST

START_TEST(check_unused)
{
	struct kopts *o = kopts_parse("a=1,zz=2", NULL, NULL);
	GError *err = NULL;

	kopts_get(o, "a");
	ck_assert(kopts_used(o, 0));
	ck_assert(!kopts_used(o, 1));
	ck_assert_int_eq(kopts_check_unused(o, "-device foo", &err), -EINVAL);
	ck_assert_str_eq(err->message, "-device foo: Parameter 'zz' is unexpected");
	g_clear_error(&err);
	ck_assert_int_eq(kopts_check_unused(o, NULL, &err), -EINVAL);
	ck_assert_str_eq(err->message, "Parameter 'zz' is unexpected");
	g_clear_error(&err);
	kopts_free(o);
}
END_TEST

START_TEST(parse_json)
{
	GError *err = NULL;
	struct kopts *o = kopts_parse_json("{\"driver\": \"isa-serial\", \"index\": 0, "
					   "\"big\": -12345678901, \"on\": true, \"off\": false, "
					   "\"d\": 0.1, \"s\": \"a,b\"}",
					   &err);

	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(kopts_count(o), 7);
	ck_assert_str_eq(kopts_key(o, 0), "driver");
	ck_assert_str_eq(kopts_get(o, "driver"), "isa-serial");
	ck_assert_str_eq(kopts_get(o, "index"), "0");
	ck_assert_str_eq(kopts_get(o, "big"), "-12345678901");
	ck_assert_str_eq(kopts_get(o, "on"), "on");
	ck_assert_str_eq(kopts_get(o, "off"), "off");
	ck_assert_str_eq(kopts_get(o, "d"), "0.1");
	ck_assert_str_eq(kopts_get(o, "s"), "a,b"); /* no comma escaping in JSON */
	kopts_free(o);
	o = kopts_parse_json("{}", NULL);
	ck_assert_uint_eq(kopts_count(o), 0);
	kopts_free(o);
	static const char *const bad[] = { "{\"a\": {\"b\": 1}}", "{\"a\": [1]}",
					   "{\"a\": null}", "[1]", "\"str\"", "{", "", "{\"a\":1}x" };
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		ck_assert_ptr_null(kopts_parse_json(bad[i], &err));
		ck_assert_ptr_nonnull(err);
		ck_assert_ptr_null(strchr(err->message, '\n'));
		g_clear_error(&err);
	}
}
END_TEST

START_TEST(set_and_new)
{
	struct kopts *o = kopts_new();

	kopts_set(o, "k", "v");
	kopts_set(o, "k", "w");
	ck_assert_uint_eq(kopts_count(o), 2);
	ck_assert_str_eq(kopts_get(o, "k"), "w");
	kopts_free(o);
	kopts_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("opts");
	TCase *tc = tcase_create("opts");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, parse_basic);
	tcase_add_test(tc, parse_escape_and_flags);
	tcase_add_test(tc, parse_no_implied);
	tcase_add_test(tc, parse_empty);
	tcase_add_test(tc, parse_empty_key);
	tcase_add_test(tc, last_wins);
	tcase_add_test(tc, get_bool);
	tcase_add_test(tc, get_numbers);
	tcase_add_test(tc, parse_u64_edges);
	tcase_add_test(tc, check_unused);
	tcase_add_test(tc, parse_json);
	tcase_add_test(tc, set_and_new);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
