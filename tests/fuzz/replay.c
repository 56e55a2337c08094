// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Run a fuzz target over a fixed corpus (files or directories given as
 * arguments), once each, in sorted order: deterministic, for CI.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path, unsigned *count)
{
	g_autoptr(GError) err = NULL;
	gchar *buf;
	gsize len;

	if (!g_file_get_contents(path, &buf, &len, &err)) {
		fprintf(stderr, "replay: %s\n", err->message);
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	g_free(buf);
	(*count)++;
	return 0;
}

static int cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	unsigned count = 0;

	for (int i = 1; i < argc; i++) {
		GDir *dir = g_dir_open(argv[i], 0, NULL);
		GPtrArray *names;
		const char *n;

		if (!dir) {
			if (run_file(argv[i], &count) < 0)
				return 1;
			continue;
		}
		names = g_ptr_array_new_with_free_func(g_free);
		while ((n = g_dir_read_name(dir)))
			g_ptr_array_add(names, g_build_filename(argv[i], n, NULL));
		g_dir_close(dir);
		g_ptr_array_sort(names, cmp);
		for (guint k = 0; k < names->len; k++)
			if (run_file(names->pdata[k], &count) < 0)
				return 1;
		g_ptr_array_free(names, TRUE);
	}
	printf("replayed %u inputs\n", count);
	return count ? 0 : 1;
}
