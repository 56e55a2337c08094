// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-glib on demand: see include/monitor/json-glib-dl.h. The handle is
 * never closed: JSON values may outlive any user, and a VMM loads it once.
 */
#include <dlfcn.h>
#include <pthread.h>

#include "monitor/json-glib-dl.h"
#include "system/error.h"

struct json_glib_dl json_glib_dl;

/* Every table entry must be redirected by the header, or calls would bypass it. */
#define JG_STR(x) #x
#define JG_EXPANDED(x) JG_STR(x)
#define JG_CHECK_REDIRECT(fn)                                                                      \
	_Static_assert(sizeof(JG_EXPANDED(fn)) != sizeof(#fn), #fn " is not redirected");
JSON_GLIB_DL_FUNCS(JG_CHECK_REDIRECT)

bool json_glib_load_from(const char *soname, struct json_glib_dl *table, GError **err)
{
	struct json_glib_dl t;
	void *handle;
	void *sym;

	dlerror();
	handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!handle) {
		error_setg(err, "QMP and JSON options need %s (package libjson-glib-1.0-0): %s",
			   soname, dlerror());
		return false;
	}
#define JG_RESOLVE(fn)                                                                             \
	sym = dlsym(handle, #fn);                                                                  \
	if (!sym) {                                                                                \
		error_setg(err, "QMP and JSON options need %s: function %s is missing",           \
			   soname, #fn);                                                           \
		dlclose(handle);                                                                   \
		return false;                                                                      \
	}                                                                                          \
	t.p_##fn = (__typeof__(t.p_##fn))sym;
	JSON_GLIB_DL_FUNCS(JG_RESOLVE)
#undef JG_RESOLVE
	*table = t;
	return true;
}

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char *load_error; /* set once by do_load, NULL on success */

static void do_load(void)
{
	GError *err = NULL;

	if (!json_glib_load_from(JSON_GLIB_SONAME, &json_glib_dl, &err)) {
		load_error = g_strdup(err->message);
		g_error_free(err);
	}
}

bool json_glib_load(GError **err)
{
	pthread_once(&load_once, do_load);
	if (load_error) {
		error_setg(err, "%s", load_error);
		return false;
	}
	return true;
}
