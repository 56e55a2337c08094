/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KEEL_MONITOR_JSON_GLIB_DL_H
#define KEEL_MONITOR_JSON_GLIB_DL_H

/*
 * json-glib, loaded at run time. It drags in gio, gobject and their
 * dependencies (~1.3 MiB of resident pages), which a VM without a monitor
 * or a JSON option never needs. The binary links without it; this header
 * turns every json-glib (and g_object_unref) call into a call through one
 * table that json_glib_load() fills with dlopen()/dlsym().
 *
 * Include this header instead of <json-glib/json-glib.h>. A json-glib
 * function missing from JSON_GLIB_DL_FUNCS is an undefined reference when
 * the keel binary links; add it there and to the redirections below (the
 * build checks that both lists match). g_autoptr() of json-glib types calls
 * the real g_object_unref/json_*_unref and fails the same way: free
 * explicitly instead.
 *
 * Call json_glib_load() before the first use (monitor creation and JSON
 * options do), then use the functions as usual.
 */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

#define JSON_GLIB_DL_FUNCS(X)                                                                      \
	X(g_object_unref)                                                                          \
	X(json_array_get_element)                                                                  \
	X(json_array_get_length)                                                                   \
	X(json_array_new)                                                                          \
	X(json_builder_add_boolean_value)                                                          \
	X(json_builder_add_double_value)                                                           \
	X(json_builder_add_int_value)                                                              \
	X(json_builder_add_null_value)                                                             \
	X(json_builder_add_string_value)                                                           \
	X(json_builder_add_value)                                                                  \
	X(json_builder_begin_array)                                                                \
	X(json_builder_begin_object)                                                               \
	X(json_builder_end_array)                                                                  \
	X(json_builder_end_object)                                                                 \
	X(json_builder_get_root)                                                                   \
	X(json_builder_new)                                                                        \
	X(json_builder_new_immutable)                                                              \
	X(json_builder_set_member_name)                                                            \
	X(json_node_alloc)                                                                         \
	X(json_node_get_array)                                                                     \
	X(json_node_get_boolean)                                                                   \
	X(json_node_get_double)                                                                    \
	X(json_node_get_int)                                                                       \
	X(json_node_get_node_type)                                                                 \
	X(json_node_get_object)                                                                    \
	X(json_node_get_string)                                                                    \
	X(json_node_get_value_type)                                                                \
	X(json_node_init_array)                                                                    \
	X(json_node_init_boolean)                                                                  \
	X(json_node_init_double)                                                                   \
	X(json_node_init_int)                                                                      \
	X(json_node_init_null)                                                                     \
	X(json_node_init_object)                                                                   \
	X(json_node_init_string)                                                                   \
	X(json_node_unref)                                                                         \
	X(json_object_get_array_member)                                                            \
	X(json_object_get_boolean_member_with_default)                                             \
	X(json_object_get_int_member)                                                              \
	X(json_object_get_member)                                                                  \
	X(json_object_get_object_member)                                                           \
	X(json_object_get_size)                                                                    \
	X(json_object_get_string_member)                                                           \
	X(json_object_get_string_member_with_default)                                              \
	X(json_object_has_member)                                                                  \
	X(json_object_iter_init)                                                                   \
	X(json_object_iter_init_ordered)                                                           \
	X(json_object_iter_next)                                                                   \
	X(json_object_iter_next_ordered)                                                           \
	X(json_object_new)                                                                         \
	X(json_object_set_member)                                                                  \
	X(json_object_unref)                                                                       \
	X(json_parser_get_root)                                                                    \
	X(json_parser_load_from_data)                                                              \
	X(json_parser_new)                                                                         \
	X(json_parser_new_immutable)

/* Declared before the redirections, so the types come from json-glib's prototypes. */
struct json_glib_dl {
#define JSON_GLIB_DL_MEMBER(fn) __typeof__(fn) *p_##fn;
	JSON_GLIB_DL_FUNCS(JSON_GLIB_DL_MEMBER)
#undef JSON_GLIB_DL_MEMBER
};

extern struct json_glib_dl json_glib_dl;

/* The library json_glib_load() opens. */
#define JSON_GLIB_SONAME "libjson-glib-1.0.so.0"

/*
 * Load json-glib and resolve the table, once; later calls return the first
 * result. Thread safe. false with *err set ("... needs libjson-glib-1.0.so.0:
 * <why>") if the library or a function is missing.
 */
bool json_glib_load(GError **err);
/* Same, from another file name (tests of the failure path); not cached. */
bool json_glib_load_from(const char *soname, struct json_glib_dl *table, GError **err);

#define g_object_unref (json_glib_dl.p_g_object_unref)
#define json_array_get_element (json_glib_dl.p_json_array_get_element)
#define json_array_get_length (json_glib_dl.p_json_array_get_length)
#define json_array_new (json_glib_dl.p_json_array_new)
#define json_builder_add_boolean_value (json_glib_dl.p_json_builder_add_boolean_value)
#define json_builder_add_double_value (json_glib_dl.p_json_builder_add_double_value)
#define json_builder_add_int_value (json_glib_dl.p_json_builder_add_int_value)
#define json_builder_add_null_value (json_glib_dl.p_json_builder_add_null_value)
#define json_builder_add_string_value (json_glib_dl.p_json_builder_add_string_value)
#define json_builder_add_value (json_glib_dl.p_json_builder_add_value)
#define json_builder_begin_array (json_glib_dl.p_json_builder_begin_array)
#define json_builder_begin_object (json_glib_dl.p_json_builder_begin_object)
#define json_builder_end_array (json_glib_dl.p_json_builder_end_array)
#define json_builder_end_object (json_glib_dl.p_json_builder_end_object)
#define json_builder_get_root (json_glib_dl.p_json_builder_get_root)
#define json_builder_new (json_glib_dl.p_json_builder_new)
#define json_builder_new_immutable (json_glib_dl.p_json_builder_new_immutable)
#define json_builder_set_member_name (json_glib_dl.p_json_builder_set_member_name)
#define json_node_alloc (json_glib_dl.p_json_node_alloc)
#define json_node_get_array (json_glib_dl.p_json_node_get_array)
#define json_node_get_boolean (json_glib_dl.p_json_node_get_boolean)
#define json_node_get_double (json_glib_dl.p_json_node_get_double)
#define json_node_get_int (json_glib_dl.p_json_node_get_int)
#define json_node_get_node_type (json_glib_dl.p_json_node_get_node_type)
#define json_node_get_object (json_glib_dl.p_json_node_get_object)
#define json_node_get_string (json_glib_dl.p_json_node_get_string)
#define json_node_get_value_type (json_glib_dl.p_json_node_get_value_type)
#define json_node_init_array (json_glib_dl.p_json_node_init_array)
#define json_node_init_boolean (json_glib_dl.p_json_node_init_boolean)
#define json_node_init_double (json_glib_dl.p_json_node_init_double)
#define json_node_init_int (json_glib_dl.p_json_node_init_int)
#define json_node_init_null (json_glib_dl.p_json_node_init_null)
#define json_node_init_object (json_glib_dl.p_json_node_init_object)
#define json_node_init_string (json_glib_dl.p_json_node_init_string)
#define json_node_unref (json_glib_dl.p_json_node_unref)
#define json_object_get_array_member (json_glib_dl.p_json_object_get_array_member)
#define json_object_get_boolean_member_with_default                                                \
	(json_glib_dl.p_json_object_get_boolean_member_with_default)
#define json_object_get_int_member (json_glib_dl.p_json_object_get_int_member)
#define json_object_get_member (json_glib_dl.p_json_object_get_member)
#define json_object_get_object_member (json_glib_dl.p_json_object_get_object_member)
#define json_object_get_size (json_glib_dl.p_json_object_get_size)
#define json_object_get_string_member (json_glib_dl.p_json_object_get_string_member)
#define json_object_get_string_member_with_default                                                 \
	(json_glib_dl.p_json_object_get_string_member_with_default)
#define json_object_has_member (json_glib_dl.p_json_object_has_member)
#define json_object_iter_init (json_glib_dl.p_json_object_iter_init)
#define json_object_iter_init_ordered (json_glib_dl.p_json_object_iter_init_ordered)
#define json_object_iter_next (json_glib_dl.p_json_object_iter_next)
#define json_object_iter_next_ordered (json_glib_dl.p_json_object_iter_next_ordered)
#define json_object_new (json_glib_dl.p_json_object_new)
#define json_object_set_member (json_glib_dl.p_json_object_set_member)
#define json_object_unref (json_glib_dl.p_json_object_unref)
#define json_parser_get_root (json_glib_dl.p_json_parser_get_root)
#define json_parser_load_from_data (json_glib_dl.p_json_parser_load_from_data)
#define json_parser_new (json_glib_dl.p_json_parser_new)
#define json_parser_new_immutable (json_glib_dl.p_json_parser_new_immutable)

#endif
