// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * -netdev and -nic: the registry of host network backends, the frame path
 * between a backend and its NIC, and QMP set_link. A netdev's options are
 * checked when the command line is read; the backend opens when its NIC is
 * created (netdev_claim), so a bad tap or fd fails start-up with its name.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor/qmp.h"
#include "net/net-be.h"
#include "system/error.h"
#include "system/log.h"
#include "system/machine.h"
#include "system/opts.h"

static GPtrArray *backends;	/* const struct netdev_backend * */
static GPtrArray *netdevs;	/* struct netdev * */

void netdev_backend_register(const struct netdev_backend *be)
{
	if (!backends)
		backends = g_ptr_array_new();
	g_ptr_array_add(backends, (gpointer)be);
}

static const struct netdev_backend *backend_find(const char *type)
{
	for (guint i = 0; backends && i < backends->len; i++) {
		const struct netdev_backend *be = backends->pdata[i];

		if (!strcmp(be->type, type))
			return be;
	}
	return NULL;
}

static struct netdev *netdev_find(const char *id)
{
	for (guint i = 0; netdevs && i < netdevs->len; i++) {
		struct netdev *nd = netdevs->pdata[i];

		if (!strcmp(nd->id, id))
			return nd;
	}
	return NULL;
}

static void netdev_free(struct netdev *nd)
{
	if (nd->be_opaque && nd->be->close)
		nd->be->close(nd);
	kopts_free(nd->opts);
	g_free(nd->nic_id);
	g_free(nd->id);
	g_free(nd);
}

void netdev_reset_all(void)
{
	if (netdevs)
		g_ptr_array_free(netdevs, TRUE);
	netdevs = NULL;
}

static char *backend_list(void)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; backends && i < backends->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       ((const struct netdev_backend *)backends->pdata[i])->type);
	return g_string_free(s, FALSE);
}

static bool valid_id(const char *id)
{
	if (!g_ascii_isalpha(*id))
		return false;
	for (; *id; id++)
		if (!g_ascii_isalnum(*id) && !strchr("-._", *id))
			return false;
	return true;
}

/* Takes o. The type is already read (key "type"). */
static int netdev_register(struct kopts *o, const char *type, const char *id, bool user_id,
			   GError **err)
{
	const struct netdev_backend *be = backend_find(type);
	struct netdev *nd;

	if (!be) {
		g_autofree char *list = backend_list();

		error_setg(err, "-netdev: network backend '%s' is not supported (supported: %s)",
			   type, list);
		goto bad;
	}
	if (!id || (user_id && !valid_id(id))) {
		error_setg(err, id ? "-netdev: invalid id '%s' (a letter, then letters, digits, "
			   "'-', '.', '_')" : "-netdev: Parameter 'id' is missing", id);
		goto bad;
	}
	if (netdev_find(id)) {
		error_setg(err, "Duplicate ID '%s' for netdev", id);
		goto bad;
	}
	if (be->check(o, err) < 0 || kopts_check_unused(o, NULL, err) < 0) {
		g_prefix_error(err, "-netdev %s,id=%s: ", type, id);
		goto bad;
	}
	nd = g_new0(struct netdev, 1);
	nd->id = g_strdup(id);
	nd->opts = o;
	nd->be = be;
	if (!netdevs)
		netdevs = g_ptr_array_new_with_free_func((GDestroyNotify)netdev_free);
	g_ptr_array_add(netdevs, nd);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

static struct kopts *parse(const char *optstr, GError **err)
{
	if (optstr[0] == '{')
		return kopts_parse_json(optstr, err);
	return kopts_parse(optstr, "type", err);
}

int netdev_add(const char *optstr, GError **err)
{
	struct kopts *o;
	const char *type;

	if (!strcmp(optstr, "help") || !strcmp(optstr, "?")) {
		g_autofree char *list = backend_list();

		printf("Available netdev backend types:\n%s\n", list);
		return 1;
	}
	o = parse(optstr, err);
	if (!o)
		return -1;
	type = kopts_get(o, "type");
	if (!type) {
		error_setg(err, "-netdev: Parameter 'type' is missing");
		kopts_free(o);
		return -1;
	}
	return netdev_register(o, type, kopts_get(o, "id"), true, err);
}

static bool nic_model_ok(const char *m)
{
	return !strcmp(m, "virtio-net-device") || !strcmp(m, "virtio") ||
	       !strcmp(m, "virtio-net");
}

int nic_add(struct machine_config *cfg, const char *optstr, GError **err)
{
	g_autofree char *auto_id = NULL, *id = NULL;
	const char *type, *model, *mac;
	struct kopts *o, *dev;

	o = parse(optstr, err);
	if (!o)
		return -1;
	type = kopts_get(o, "type");
	if (!type) {
		error_setg(err, "-nic: the backend type is missing (user, tap or none)");
		goto bad;
	}
	model = kopts_get(o, "model");
	mac = kopts_get(o, "mac");
	if (model && (!strcmp(model, "help") || !strcmp(model, "?"))) {
		printf("Available NIC models:\nvirtio-net-device\n");
		kopts_free(o);
		return 1;
	}
	if (!strcmp(type, "none")) {
		int ret = kopts_check_unused(o, "-nic none", err);

		kopts_free(o);
		return ret;
	}
	if (model && !nic_model_ok(model)) {
		error_setg(err, "-nic: unsupported NIC model '%s' (Keel has virtio-net-device)",
			   model);
		goto bad;
	}
	dev = kopts_new();
	kopts_set(dev, "driver", "virtio-net-device");
	if (mac)
		kopts_set(dev, "mac", mac);
	/* Copied: o is replaced below. */
	id = g_strdup(kopts_get(o, "id"));
	if (!id) {
		for (unsigned n = 0; !auto_id; n++) {
			auto_id = g_strdup_printf("__nic%u", n);
			if (netdev_find(auto_id))
				g_clear_pointer(&auto_id, g_free);
		}
		id = g_strdup(auto_id);
	}
	kopts_set(dev, "netdev", id);
	/* The NIC's keys are not the backend's: drop them from its options. */
	{
		struct kopts *be = kopts_new();

		for (unsigned i = 0; i < kopts_count(o); i++) {
			const char *k = kopts_key(o, i);

			if (strcmp(k, "model") && strcmp(k, "mac") && strcmp(k, "id"))
				kopts_set(be, k, kopts_value(o, i));
		}
		kopts_free(o);
		o = be;
		type = kopts_get(o, "type");
	}
	if (netdev_register(o, type, id, !auto_id, err) < 0) {
		kopts_free(dev);
		return -1;
	}
	g_ptr_array_add(cfg->devices, dev);
	return 0;
bad:
	kopts_free(o);
	return -1;
}

struct netdev *netdev_claim(const char *id, const char *nic_id,
			    const struct net_frontend *fe, void *opaque, GError **err)
{
	struct netdev *nd = netdev_find(id);

	if (!nd) {
		error_setg(err, "Property 'netdev': netdev '%s' not found (use -netdev ...,id=%s)",
			   id, id);
		return NULL;
	}
	if (nd->fe) {
		error_setg(err, "Property 'netdev': netdev '%s' is already in use by another NIC",
			   id);
		return NULL;
	}
	nd->fe = fe;
	nd->fe_opaque = opaque;
	nd->nic_id = g_strdup(nic_id);
	if (nd->be->open(nd, nd->opts, err) < 0) {
		g_prefix_error(err, "netdev '%s': ", id);
		nd->fe = NULL;
		return NULL;
	}
	return nd;
}

bool netdev_send(struct netdev *nd, const struct iovec *iov, unsigned n)
{
	if (nd->link_down)
		return false;
	return nd->be->send(nd, iov, n);
}

void netdev_rx_ready(struct netdev *nd)
{
	if (nd->be->rx_ready)
		nd->be->rx_ready(nd);
}

bool netdev_deliver(struct netdev *nd, const uint8_t *buf, size_t len)
{
	if (nd->link_down || !nd->fe)
		return true;
	if (!nd->fe->can_receive(nd->fe_opaque))
		return false;
	return nd->fe->receive(nd->fe_opaque, buf, len);
}

bool netdev_link_up(const struct netdev *nd)
{
	return !nd->link_down;
}

const char *netdev_id(const struct netdev *nd)
{
	return nd->id;
}

/* set_link: name is the NIC's id or the netdev's, as in QEMU. */
static JsonNode *qmp_set_link(struct qmp_session *s, JsonObject *args, GError **err)
{
	const char *name = json_object_get_string_member(args, "name");
	bool up = json_node_get_boolean(json_object_get_member(args, "up"));
	struct netdev *nd = NULL;

	for (guint i = 0; netdevs && i < netdevs->len && !nd; i++) {
		struct netdev *c = netdevs->pdata[i];

		if (!strcmp(c->id, name) || !g_strcmp0(c->nic_id, name))
			nd = c;
	}
	if (!nd) {
		g_set_error(err, QMP_ERROR, QMP_ERROR_DEVICE_NOT_FOUND,
			    "Device '%s' not found", name);
		return NULL;
	}
	if (nd->link_down == !up)
		return NULL;
	nd->link_down = !up;
	if (nd->fe && nd->fe->link_changed)
		nd->fe->link_changed(nd->fe_opaque, up);
	if (up && nd->be_opaque)
		netdev_rx_ready(nd);
	return NULL;
}

static const struct qmp_arg set_link_args[] = {
	{ "name", QMP_ARG_STR },
	{ "up", QMP_ARG_BOOL },
	{ NULL },
};

static const struct qmp_command set_link_cmd = {
	.name = "set_link",
	.args = set_link_args,
	.handler = qmp_set_link,
};
QMP_COMMAND_REGISTER(set_link_cmd)
