/* Opens a pseudo-terminal pair for the simulated DTE port.
 * Node has no openpty(); this is the one thing we need from C. The master fd goes to
 * the daemon (non-blocking, read through libuv), the slave is set raw so that a
 * terminal program that does not configure the line still sees bytes unchanged. */
#define _GNU_SOURCE
#include <node_api.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <errno.h>
#include <stdio.h>

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* openPty() -> { master: number, slave: number, path: string } */
static napi_value open_pty(napi_env env, napi_callback_info info) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return throw_errno(env, "posix_openpt");
  if (grantpt(master) < 0 || unlockpt(master) < 0) {
    close(master);
    return throw_errno(env, "grantpt/unlockpt");
  }
  char path[128];
  if (ptsname_r(master, path, sizeof path) != 0) {
    close(master);
    return throw_errno(env, "ptsname_r");
  }
  /* Keep one slave fd open in the daemon: without it the master reads EIO whenever
   * no terminal program has the port open, and libuv would tear the stream down. */
  int slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    close(master);
    return throw_errno(env, "open slave");
  }
  struct termios t;
  if (tcgetattr(slave, &t) == 0) {
    cfmakeraw(&t);
    cfsetispeed(&t, B115200);
    cfsetospeed(&t, B115200);
    tcsetattr(slave, TCSANOW, &t);
  }
  int flags = fcntl(master, F_GETFL);
  fcntl(master, F_SETFL, flags | O_NONBLOCK);

  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_int32(env, master, &v);
  napi_set_named_property(env, out, "master", v);
  napi_create_int32(env, slave, &v);
  napi_set_named_property(env, out, "slave", v);
  napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "path", v);
  return out;
}

/* flushInput(fd): discard what a departed terminal left unread, so the next one starts clean. */
static napi_value flush_input(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "flushInput(fd: number)");
    return NULL;
  }
  tcflush(fd, TCIFLUSH);
  return NULL;
}

/* setSpeed(fd, bps): the termios speed of a serial port, now, without flushing (serialport's update() discards
 * both queues, which would lose the result code of AT+IPR still on its way out). The caller drains first. */
static napi_value set_speed(napi_env env, napi_callback_info info) {
  static const struct { int bps; speed_t code; } SPEEDS[] = {
    { 300, B300 }, { 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
    { 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 }, { 115200, B115200 },
  };
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, bps;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &bps) != napi_ok) {
    napi_throw_type_error(env, NULL, "setSpeed(fd: number, bps: number)");
    return NULL;
  }
  speed_t code = 0;
  for (size_t i = 0; i < sizeof SPEEDS / sizeof SPEEDS[0]; i++) if (SPEEDS[i].bps == bps) code = SPEEDS[i].code;
  if (!code) {
    napi_throw_range_error(env, NULL, "unsupported speed");
    return NULL;
  }
  struct termios t;
  if (tcgetattr(fd, &t) < 0) return throw_errno(env, "tcgetattr");
  cfsetispeed(&t, code);
  cfsetospeed(&t, code);
  if (tcsetattr(fd, TCSANOW, &t) < 0) return throw_errno(env, "tcsetattr");
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "openPty", NAPI_AUTO_LENGTH, open_pty, NULL, &fn);
  napi_set_named_property(env, exports, "openPty", fn);
  napi_create_function(env, "flushInput", NAPI_AUTO_LENGTH, flush_input, NULL, &fn);
  napi_set_named_property(env, exports, "flushInput", fn);
  napi_create_function(env, "setSpeed", NAPI_AUTO_LENGTH, set_speed, NULL, &fn);
  napi_set_named_property(env, exports, "setSpeed", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
