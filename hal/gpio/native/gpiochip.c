/* GPIO through the kernel's character device (/dev/gpiochipN), uAPI v2 (Linux 5.10 and later).
 * Why C: Node cannot issue ioctl(2), and edge events arrive on a line request's file descriptor that libuv must poll.
 * No libgpiod: its API changed incompatibly between 1.x (Debian 12) and 2.x (Debian 13), the kernel's uAPI did not.
 * Each requested line gets its own request fd; events are read in the loop thread when uv_poll says readable. */
#define _GNU_SOURCE
#include <node_api.h>
#include <uv.h>
#include <linux/gpio.h>
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[512];
  const char *code = strerrorname_np(errno); /* "EBUSY": the JS side maps it to advice */
  snprintf(msg, sizeof msg, "%.200s: %s", what, strerror(errno));
  napi_throw_error(env, code ? code : "EIO", msg);
  return NULL;
}

static int arg_int(napi_env env, napi_value v, int dflt) {
  int32_t out = dflt;
  if (napi_get_value_int32(env, v, &out) != napi_ok) return dflt;
  return out;
}

static void set_str(napi_env env, napi_value obj, const char *key, const char *s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, key, v);
}

static void set_num(napi_env env, napi_value obj, const char *key, double n) {
  napi_value v;
  napi_create_double(env, n, &v);
  napi_set_named_property(env, obj, key, v);
}

/* openChip(path) -> { fd, name, label, lines } */
static napi_value open_chip(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[256];
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len));
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, path);
  struct gpiochip_info ci;
  memset(&ci, 0, sizeof ci);
  if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &ci) < 0) {
    int e = errno;
    close(fd);
    errno = e;
    return throw_errno(env, "GPIO_GET_CHIPINFO_IOCTL");
  }
  napi_value out;
  CHECK(napi_create_object(env, &out));
  set_num(env, out, "fd", fd);
  set_str(env, out, "name", ci.name);
  set_str(env, out, "label", ci.label);
  set_num(env, out, "lines", ci.lines);
  return out;
}

/* lineInfo(chipFd, offset) -> { name, consumer, used } */
static napi_value line_info(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct gpio_v2_line_info li;
  memset(&li, 0, sizeof li);
  li.offset = (unsigned)arg_int(env, argv[1], 0);
  if (ioctl(arg_int(env, argv[0], -1), GPIO_V2_GET_LINEINFO_IOCTL, &li) < 0) return throw_errno(env, "GPIO_V2_GET_LINEINFO_IOCTL");
  napi_value out;
  CHECK(napi_create_object(env, &out));
  set_str(env, out, "name", li.name);
  set_str(env, out, "consumer", li.consumer);
  napi_value used;
  CHECK(napi_get_boolean(env, (li.flags & GPIO_V2_LINE_FLAG_USED) != 0, &used));
  CHECK(napi_set_named_property(env, out, "used", used));
  return out;
}

/* requestLine(chipFd, offset, flags, initial, debounceUs, consumer) -> line request fd.
 * flags: bit 0 output, bit 1 active low, bit 2 pull-up, bit 3 pull-down, bit 4 bias disabled. */
static napi_value request_line(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int chip = arg_int(env, argv[0], -1);
  int flags = arg_int(env, argv[2], 0);
  struct gpio_v2_line_request req;
  memset(&req, 0, sizeof req);
  req.offsets[0] = (unsigned)arg_int(env, argv[1], 0);
  req.num_lines = 1;
  size_t len;
  napi_get_value_string_utf8(env, argv[5], req.consumer, sizeof req.consumer, &len);
  __u64 f = (flags & 1) ? GPIO_V2_LINE_FLAG_OUTPUT : (GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING | GPIO_V2_LINE_FLAG_EDGE_FALLING);
  if (flags & 2) f |= GPIO_V2_LINE_FLAG_ACTIVE_LOW;
  if (flags & 4) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
  if (flags & 8) f |= GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN;
  if (flags & 16) f |= GPIO_V2_LINE_FLAG_BIAS_DISABLED;
  req.config.flags = f;
  unsigned n = 0;
  if (flags & 1) {
    req.config.attrs[n].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    req.config.attrs[n].attr.values = arg_int(env, argv[3], 0) ? 1 : 0;
    req.config.attrs[n].mask = 1;
    n++;
  } else if (arg_int(env, argv[4], 0) > 0) {
    /* The kernel debounces in hardware where it can and in software otherwise (gpiolib-cdev). */
    req.config.attrs[n].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
    req.config.attrs[n].attr.debounce_period_us = (unsigned)arg_int(env, argv[4], 0);
    req.config.attrs[n].mask = 1;
    n++;
  }
  req.config.num_attrs = n;
  if (ioctl(chip, GPIO_V2_GET_LINE_IOCTL, &req) < 0) return throw_errno(env, "GPIO_V2_GET_LINE_IOCTL");
  int fl = fcntl(req.fd, F_GETFL);
  fcntl(req.fd, F_SETFL, fl | O_NONBLOCK);
  napi_value out;
  CHECK(napi_create_int32(env, req.fd, &out));
  return out;
}

/* setValue(lineFd, value) */
static napi_value set_value(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct gpio_v2_line_values v = { .bits = arg_int(env, argv[1], 0) ? 1 : 0, .mask = 1 };
  if (ioctl(arg_int(env, argv[0], -1), GPIO_V2_LINE_SET_VALUES_IOCTL, &v) < 0) return throw_errno(env, "GPIO_V2_LINE_SET_VALUES_IOCTL");
  return NULL;
}

/* getValue(lineFd) -> boolean (logical, after active-low) */
static napi_value get_value(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct gpio_v2_line_values v = { .bits = 0, .mask = 1 };
  if (ioctl(arg_int(env, argv[0], -1), GPIO_V2_LINE_GET_VALUES_IOCTL, &v) < 0) return throw_errno(env, "GPIO_V2_LINE_GET_VALUES_IOCTL");
  napi_value out;
  CHECK(napi_get_boolean(env, (v.bits & 1) != 0, &out));
  return out;
}

/* closeFd(fd) */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  close(arg_int(env, argv[0], -1));
  return NULL;
}

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
  int closing;
} watch_t;

static void on_closed(uv_handle_t *h) {
  free(h->data);
}

/* Each event: callback(rising, timestampNs). Called in the loop thread, inside a proper callback scope. */
static void on_readable(uv_poll_t *p, int status, int events) {
  watch_t *w = p->data;
  if (status < 0 || w->closing) return;
  struct gpio_v2_line_event ev[16];
  ssize_t got = read(w->fd, ev, sizeof ev);
  if (got <= 0) return;
  napi_handle_scope scope;
  napi_open_handle_scope(w->env, &scope);
  napi_value cb, recv;
  napi_get_reference_value(w->env, w->callback, &cb);
  napi_get_undefined(w->env, &recv);
  for (size_t i = 0; i < (size_t)got / sizeof ev[0]; i++) {
    napi_value args[2];
    napi_get_boolean(w->env, ev[i].id == GPIO_V2_LINE_EVENT_RISING_EDGE, &args[0]);
    napi_create_double(w->env, (double)ev[i].timestamp_ns, &args[1]);
    napi_make_callback(w->env, w->context, recv, cb, 2, args, NULL);
  }
  napi_close_handle_scope(w->env, scope);
}

/* watch(lineFd, callback) -> handle for unwatch() */
static napi_value watch(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  watch_t *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, "calloc");
  w->env = env;
  w->fd = arg_int(env, argv[0], -1);
  napi_value name;
  napi_create_string_utf8(env, "gpio-edge", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_async_init(env, NULL, name, &w->context);
  int rc = uv_poll_init(loop, &w->poll, w->fd);
  if (rc == 0) rc = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  if (rc != 0) {
    napi_delete_reference(env, w->callback);
    napi_async_destroy(env, w->context);
    free(w);
    napi_throw_error(env, NULL, uv_strerror(rc));
    return NULL;
  }
  w->poll.data = w;
  napi_value out;
  CHECK(napi_create_external(env, w, NULL, NULL, &out));
  return out;
}

/* unwatch(handle): stop polling; the memory goes when libuv has closed the handle. */
static napi_value unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  watch_t *w;
  CHECK(napi_get_value_external(env, argv[0], (void **)&w));
  if (!w || w->closing) return NULL;
  w->closing = 1;
  uv_poll_stop(&w->poll);
  napi_delete_reference(env, w->callback);
  napi_async_destroy(env, w->context);
  uv_close((uv_handle_t *)&w->poll, on_closed);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "openChip", NULL, open_chip, NULL, NULL, NULL, napi_default, NULL },
    { "lineInfo", NULL, line_info, NULL, NULL, NULL, napi_default, NULL },
    { "requestLine", NULL, request_line, NULL, NULL, NULL, napi_default, NULL },
    { "setValue", NULL, set_value, NULL, NULL, NULL, napi_default, NULL },
    { "getValue", NULL, get_value, NULL, NULL, NULL, napi_default, NULL },
    { "closeFd", NULL, close_fd, NULL, NULL, NULL, napi_default, NULL },
    { "watch", NULL, watch, NULL, NULL, NULL, napi_default, NULL },
    { "unwatch", NULL, unwatch, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
