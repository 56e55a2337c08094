// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chardev/char-be.h"
#include "system/opts.h"
#include "system/runstate.h"

/*
 * A backend over one end of a socketpair; the test holds the other end
 * ("peer") and plays the outside world.
 */
static int peer = -1;

static void pair_close(struct chardev *c)
{
	int fd = GPOINTER_TO_INT(chardev_be_opaque(c));

	chardev_set_fds(c, -1, -1);
	close(fd);
}

static const struct chardev_ops pair_ops = {
	.close = pair_close,
};

static int pair_open(struct chardev *c, struct kopts *opts, GError **err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	peer = sv[1];
	chardev_set_ops(c, &pair_ops, GINT_TO_POINTER(sv[0]));
	chardev_set_fds(c, sv[0], sv[0]);
	chardev_set_connected(c, true);
	return 0;
}

static const struct chardev_backend pair_backend = {
	.name = "testpair",
	.open = pair_open,
};
CHARDEV_BACKEND_REGISTER(pair_backend)

/* A recording frontend. */
struct fe {
	GByteArray *in;
	size_t room;
	int opened, closed;
};

static size_t fe_can_read(void *opaque)
{
	struct fe *f = opaque;

	return f->room;
}

static void fe_read(void *opaque, const uint8_t *buf, size_t len)
{
	struct fe *f = opaque;

	ck_assert_uint_le(len, f->room);
	g_byte_array_append(f->in, buf, len);
	f->room -= len;
}

static void fe_event(void *opaque, enum chr_event ev)
{
	struct fe *f = opaque;

	if (ev == CHR_EVENT_OPENED)
		f->opened++;
	else
		f->closed++;
}

static const struct chr_frontend fe_ops = {
	.can_read = fe_can_read,
	.read = fe_read,
	.event = fe_event,
};

static void fe_init(struct fe *f, size_t room)
{
	memset(f, 0, sizeof(*f));
	f->in = g_byte_array_new();
	f->room = room;
}

static void fe_fini(struct fe *f)
{
	g_byte_array_unref(f->in);
}

/* Run the default context until nothing is ready (bounded). */
static void drain(void)
{
	for (int i = 0; i < 1000 && g_main_context_iteration(NULL, FALSE); i++)
		;
}

/* Iterate until cond or a bound; never sleeps without a source to wait for. */
#define iterate_until(cond)                                                                        \
	do {                                                                                       \
		for (int i_ = 0; i_ < 2000 && !(cond); i_++)                                       \
			g_main_context_iteration(NULL, TRUE);                                      \
		ck_assert(cond);                                                                   \
	} while (0)

static struct chardev *new_chardev(const char *spec, GError **err)
{
	struct kopts *o = kopts_parse(spec, "backend", NULL);
	struct chardev *c = chardev_new(o, err);

	kopts_free(o);
	return c;
}

static size_t peer_read(void *buf, size_t len)
{
	ssize_t n = recv(peer, buf, len, MSG_DONTWAIT);

	return n > 0 ? (size_t)n : 0;
}

START_TEST(null_backend)
{
	GError *err = NULL;
	struct chardev *c = new_chardev("null,id=n0", &err);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(chardev_find("n0"), c);
	ck_assert_str_eq(chardev_id(c), "n0");
	ck_assert_str_eq(chardev_filename(c), "null");
	ck_assert(chardev_is_connected(c));
	ck_assert_uint_eq(chardev_write(c, "abc", 3), 3);
	chardev_free(c);
	ck_assert_ptr_null(chardev_find("n0"));
}
END_TEST

START_TEST(ids_and_errors)
{
	GError *err = NULL;
	struct chardev *c = new_chardev("null,id=dup", NULL);

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(new_chardev("null,id=dup", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "Duplicate chardev ID 'dup'"));
	g_clear_error(&err);
	ck_assert_ptr_null(new_chardev("null,id=9bad", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "invalid id"));
	g_clear_error(&err);
	ck_assert_ptr_null(new_chardev("null", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "'id'"));
	g_clear_error(&err);
	ck_assert_ptr_null(new_chardev("nosuch,id=x", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "unsupported backend 'nosuch'"));
	g_clear_error(&err);
	ck_assert_ptr_null(new_chardev("null,id=x,bogus=1", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "'bogus'"));
	g_clear_error(&err);
	/* A failed open leaves no chardev behind. */
	ck_assert_ptr_null(chardev_find("x"));
	chardev_free(c);
}
END_TEST

START_TEST(specs)
{
	GError *err = NULL;
	struct chardev *c = chardev_from_spec("null", "s0", &err), *m;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_eq(chardev_from_spec("chardev:s0", "unused", NULL), c);
	ck_assert_ptr_null(chardev_from_spec("chardev:nope", "x", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "'nope'"));
	g_clear_error(&err);
	ck_assert_ptr_null(chardev_from_spec("vc", "x", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "'vc'"));
	g_clear_error(&err);
	ck_assert_ptr_null(chardev_from_spec("file:", "x", &err));
	g_clear_error(&err);
	ck_assert_ptr_null(chardev_from_spec("tcp:nohostport", "x", &err));
	g_clear_error(&err);
	ck_assert_ptr_null(chardev_from_spec("", "x", &err));
	g_clear_error(&err);
	m = chardev_from_spec("mon:null", "m0", &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(chardev_find("m0-base"));
	ck_assert_ptr_null(chardev_from_spec("mon:null", "m0", &err));
	g_clear_error(&err);
	chardev_free(m);
	chardev_free(chardev_find("m0-base"));
	chardev_free(c);
}
END_TEST

START_TEST(file_backend)
{
	char path[] = "/tmp/keel-test-chardev-XXXXXX";
	int fd = mkstemp(path);
	g_autofree char *spec = g_strdup_printf("file,id=f0,path=%s", path);
	g_autofree char *spec2 = g_strdup_printf("file,id=f1,path=%s,append=on", path);
	g_autofree char *data = NULL;
	struct chardev *c;
	GError *err = NULL;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "old", 3), 3);
	close(fd);
	c = new_chardev(spec, &err);
	ck_assert_ptr_nonnull(c);
	ck_assert(g_str_has_prefix(chardev_filename(c), "file:"));
	chardev_write(c, "hello\n", 6);
	chardev_free(c);
	ck_assert(g_file_get_contents(path, &data, NULL, NULL));
	ck_assert_str_eq(data, "hello\n"); /* truncated, like QEMU */
	g_clear_pointer(&data, g_free);
	c = new_chardev(spec2, &err);
	chardev_write(c, "more\n", 5);
	chardev_free(c);
	ck_assert(g_file_get_contents(path, &data, NULL, NULL));
	ck_assert_str_eq(data, "hello\nmore\n");
	unlink(path);
	ck_assert_ptr_null(new_chardev("file,id=f2,path=/nonexistent-dir/x", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "/nonexistent-dir/x"));
	g_clear_error(&err);
	ck_assert_ptr_null(new_chardev("file,id=f3", &err));
	ck_assert_ptr_nonnull(strstr(err->message, "path"));
	g_clear_error(&err);
}
END_TEST

START_TEST(input_flow_control)
{
	struct chardev *c = new_chardev("testpair,id=p0", NULL);
	struct fe f;
	GError *err = NULL;

	fe_init(&f, 3);
	ck_assert_int_eq(chardev_attach(c, &fe_ops, &f, NULL), 0);
	ck_assert_int_lt(chardev_attach(c, &fe_ops, &f, &err), 0);
	ck_assert_ptr_nonnull(strstr(err->message, "already in use"));
	g_clear_error(&err);
	/* OPENED arrives from the main loop, not inside attach. */
	ck_assert_int_eq(f.opened, 0);
	ck_assert_int_eq(write(peer, "abcdef", 6), 6);
	iterate_until(f.in->len == 3);
	drain();
	ck_assert_int_eq(f.opened, 1);
	ck_assert_uint_eq(f.in->len, 3);
	ck_assert(!memcmp(f.in->data, "abc", 3));
	/* The frontend is full: nothing more is read until it says so. */
	f.room = 10;
	drain();
	ck_assert_uint_eq(f.in->len, 3);
	chardev_accept_input(c);
	iterate_until(f.in->len == 6);
	ck_assert(!memcmp(f.in->data, "abcdef", 6));
	/* EOF: reading stops and the loop goes idle (no spinning on a dead fd). */
	shutdown(peer, SHUT_WR);
	drain();
	ck_assert(!g_main_context_pending(NULL));
	chardev_detach(c);
	chardev_free(c);
	close(peer);
	fe_fini(&f);
}
END_TEST

START_TEST(output_buffer_and_drop)
{
	struct chardev *c = new_chardev("testpair,id=p1", NULL);
	static uint8_t big[64 * 1024];
	uint8_t buf[4096];
	size_t sent = 0, got = 0, n;
	int sz = 4096;

	/* Small socket buffers make "the reader is slow" quick to reach. */
	setsockopt(peer, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	chardev_set_out_limit(c, 16 * 1024, true);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = i * 7;
	/* Never blocks; everything is accepted (sent, queued or dropped). */
	for (int i = 0; i < 8; i++)
		sent += chardev_write(c, big, sizeof(big));
	ck_assert_uint_eq(sent, 8 * sizeof(big));
	/* What was queued drains as the peer reads; bytes arrive in order. */
	for (int i = 0; i < 100000; i++) {
		while ((n = peer_read(buf, sizeof(buf))) > 0) {
			for (size_t j = 0; j < n; j++)
				ck_assert_uint_eq(buf[j], (uint8_t)((got + j) * 7));
			got += n;
		}
		if (!g_main_context_iteration(NULL, FALSE))
			break;
	}
	while ((n = peer_read(buf, sizeof(buf))) > 0)
		got += n;
	ck_assert_uint_gt(got, 16 * 1024);
	ck_assert_uint_lt(got, sent);
	chardev_free(c);
	close(peer);
}
END_TEST

START_TEST(output_peer_gone)
{
	struct chardev *c = new_chardev("testpair,id=p2", NULL);

	close(peer);
	/* EPIPE (SIGPIPE is ignored): dropped, no crash, no error to the guest. */
	ck_assert_uint_eq(chardev_write(c, "xyz", 3), 3);
	ck_assert_uint_eq(chardev_write(c, "xyz", 3), 3);
	drain();
	chardev_free(c);
}
END_TEST

START_TEST(connection_events)
{
	struct chardev *c = new_chardev("testpair,id=p3", NULL);
	struct fe f;

	fe_init(&f, 0);
	chardev_attach(c, &fe_ops, &f, NULL);
	/* Disconnected before the main loop ran: the frontend sees nothing. */
	chardev_set_connected(c, false);
	drain();
	ck_assert_int_eq(f.opened + f.closed, 0);
	chardev_set_connected(c, true);
	ck_assert_int_eq(f.opened, 1);
	chardev_set_connected(c, false);
	ck_assert_int_eq(f.closed, 1);
	chardev_free(c);
	close(peer);
	fe_fini(&f);
}
END_TEST

START_TEST(mux_focus_and_escapes)
{
	struct chardev *base = new_chardev("testpair,id=mb", NULL);
	struct chardev *m = chardev_mux_new("mx", base, NULL);
	struct fe mon, ser;
	g_autoptr(GString) out = g_string_new(NULL);
	int status = -1;

	ck_assert_ptr_nonnull(m);
	fe_init(&mon, 100);
	fe_init(&ser, 100);
	/* Monitors attach before the machine's serial port: the last one gets the focus. */
	ck_assert_int_eq(chardev_attach(m, &fe_ops, &mon, NULL), 0);
	ck_assert_int_eq(chardev_attach(m, &fe_ops, &ser, NULL), 0);
	ck_assert_int_eq(write(peer, "ab", 2), 2);
	iterate_until(ser.in->len == 2);
	drain();
	ck_assert_int_eq(ser.opened, 1);
	ck_assert_int_eq(mon.opened, 0);
	ck_assert_uint_eq(mon.in->len, 0);

	/* Ctrl-A Ctrl-A is a literal Ctrl-A; Ctrl-A c moves the focus. */
	ck_assert_int_eq(write(peer, "\x01\x01" "c\x01" "cxy", 7), 7);
	iterate_until(mon.in->len == 2);
	ck_assert(!memcmp(ser.in->data, "ab\x01" "c", 4));
	ck_assert(!memcmp(mon.in->data, "xy", 2));
	ck_assert_int_eq(ser.closed, 1);
	ck_assert_int_eq(mon.opened, 1);

	/* Output of every frontend goes through; Ctrl-A h prints help there. */
	chardev_write(m, "OUT", 3);
	ck_assert_int_eq(write(peer, "\x01h", 2), 2);
	for (int i = 0; i < 2000 && !strstr(out->str, "Ctrl-A x"); i++) {
		char buf[256];
		size_t n = peer_read(buf, sizeof(buf));

		g_string_append_len(out, buf, n);
		if (!n)
			g_main_context_iteration(NULL, TRUE);
	}
	ck_assert(g_str_has_prefix(out->str, "OUT"));
	ck_assert_ptr_nonnull(strstr(out->str, "Ctrl-A x"));

	/* Ctrl-A x asks the main loop to exit with status 0. */
	ck_assert(!main_loop_handle_requests(&status));
	ck_assert_int_eq(write(peer, "\x01x", 2), 2);
	{
		bool exiting = false;

		iterate_until(exiting || (exiting = main_loop_handle_requests(&status)));
	}
	ck_assert_int_eq(status, 0);

	chardev_free(m);
	chardev_free(base);
	close(peer);
	fe_fini(&mon);
	fe_fini(&ser);
}
END_TEST

START_TEST(mux_single_frontend_ignores_switch)
{
	struct chardev *base = new_chardev("testpair,id=sb", NULL);
	struct chardev *m = chardev_mux_new("sx", base, NULL);
	struct fe ser;

	fe_init(&ser, 100);
	chardev_attach(m, &fe_ops, &ser, NULL);
	ck_assert_int_eq(write(peer, "\x01" "cq", 3), 3);
	iterate_until(ser.in->len == 1);
	ck_assert_uint_eq(ser.in->data[0], 'q');
	ck_assert_int_eq(ser.closed, 0);
	chardev_free(m);
	chardev_free(base);
	close(peer);
	fe_fini(&ser);
}
END_TEST

START_TEST(mux_option)
{
	struct chardev *m = new_chardev("testpair,id=mo,mux=on", NULL);

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_eq(chardev_find("mo"), m);
	ck_assert_ptr_nonnull(chardev_find("mo-base"));
	chardev_free(m);
	chardev_free(chardev_find("mo-base"));
	close(peer);
}
END_TEST

START_TEST(pty_backend)
{
	GError *err = NULL;
	struct chardev *c = new_chardev("pty,id=pty0", &err);
	const char *fn;
	char buf[64];
	int fd;
	ssize_t n;

	ck_assert_ptr_nonnull(c);
	fn = chardev_filename(c);
	ck_assert(g_str_has_prefix(fn, "pty:/dev/pts/"));
	fd = open(fn + 4, O_RDWR | O_NOCTTY | O_NONBLOCK);
	ck_assert_int_ge(fd, 0);
	chardev_write(c, "ping", 4);
	drain();
	ck_assert_int_eq(poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 10000), 1);
	n = read(fd, buf, sizeof(buf));
	ck_assert_int_eq(n, 4);
	ck_assert(!memcmp(buf, "ping", 4));
	close(fd);
	/* Nobody connected: writes never block and never fail. */
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(chardev_write(c, buf, sizeof(buf)), sizeof(buf));
	chardev_free(c);
}
END_TEST

static void count_cb(struct chardev *c, void *opaque)
{
	(*(int *)opaque)++;
}

START_TEST(foreach_and_cleanup)
{
	struct chardev *a = new_chardev("null,id=fa", NULL);
	struct chardev *b = new_chardev("null,id=fb", NULL);
	int n = 0;

	chardev_foreach(count_cb, &n);
	ck_assert_int_ge(n, 2);
	chardev_cleanup_all();
	chardev_cleanup_all(); /* idempotent */
	chardev_free(a);
	chardev_free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("chardev");
	TCase *tc = tcase_create("chardev");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, null_backend);
	tcase_add_test(tc, ids_and_errors);
	tcase_add_test(tc, specs);
	tcase_add_test(tc, file_backend);
	tcase_add_test(tc, input_flow_control);
	tcase_add_test(tc, output_buffer_and_drop);
	tcase_add_test(tc, output_peer_gone);
	tcase_add_test(tc, connection_events);
	tcase_add_test(tc, mux_focus_and_escapes);
	tcase_add_test(tc, mux_single_frontend_ignores_switch);
	tcase_add_test(tc, mux_option);
	tcase_add_test(tc, pty_backend);
	tcase_add_test(tc, foreach_and_cleanup);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
