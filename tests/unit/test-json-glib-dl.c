// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-glib loaded on demand: the table resolves against the real library,
 * and a missing library or function is a clear error, never a crash.
 */
#include <check.h>
#include <string.h>

#include "monitor/json-glib-dl.h"

START_TEST(test_missing_library)
{
	struct json_glib_dl t;
	GError *err = NULL;

	ck_assert(!json_glib_load_from("libkeel-no-such-json-glib.so.0", &t, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->message, "QMP and JSON options need "
					   "libkeel-no-such-json-glib.so.0"), "%s", err->message);
	g_error_free(err);
}
END_TEST

/* GLib itself has no GObject or json-glib functions. */
START_TEST(test_missing_function)
{
	struct json_glib_dl t;
	GError *err = NULL;

	ck_assert(!json_glib_load_from("libglib-2.0.so.0", &t, &err));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err->message, "function ") && strstr(err->message, " is missing"),
		      "%s", err->message);
	g_error_free(err);
}
END_TEST

START_TEST(test_load_and_use)
{
	GError *err = NULL;
	JsonParser *p;
	JsonObject *o;

	ck_assert_msg(json_glib_load(&err), "%s", err ? err->message : "?");
	ck_assert(json_glib_load(NULL)); /* idempotent */
	p = json_parser_new_immutable();
	ck_assert(json_parser_load_from_data(p, "{\"a\": 7, \"b\": \"x\"}", -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	ck_assert_int_eq(json_object_get_int_member(o, "a"), 7);
	ck_assert_str_eq(json_object_get_string_member(o, "b"), "x");
	g_object_unref(p);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json-glib-dl");
	TCase *t = tcase_create("load");
	SRunner *r;
	int failed;

	tcase_add_test(t, test_missing_library);
	tcase_add_test(t, test_missing_function);
	tcase_add_test(t, test_load_and_use);
	suite_add_tcase(s, t);
	r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? 1 : 0;
}
