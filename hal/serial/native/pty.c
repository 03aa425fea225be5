/* Opens a pseudo-terminal pair for the simulated DTE port, and the termios calls Node lacks.
 * Node has no openpty(); the master fd goes to the daemon (non-blocking, read through libuv),
 * the slave is set raw so that a terminal program that does not configure the line still sees
 * bytes unchanged. tcflow() and poll() on the master stand in for the modem lines a pty lacks:
 * CTS (suspendOutput) and DTR (hungUp: the terminal closed the port). */
#define _GNU_SOURCE
#include <node_api.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>

static napi_value throw_errno(napi_env env, const char *what) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(errno));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

/* openPty() -> { master: number, path: string } */
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
  /* Open the slave once to make it raw (the settings stay with the pair), then close it: the daemon holds no
   * slave fd, so the master reports POLLHUP (and read() EIO) whenever no terminal program has the port open,
   * which is how the daemon sees the terminal leave (its DTR drop). */
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
  close(slave);
  int flags = fcntl(master, F_GETFL);
  fcntl(master, F_SETFL, flags | O_NONBLOCK);

  napi_value out, v;
  napi_create_object(env, &out);
  napi_create_int32(env, master, &v);
  napi_set_named_property(env, out, "master", v);
  napi_create_string_utf8(env, path, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, out, "path", v);
  return out;
}

static int int_args(napi_env env, napi_callback_info info, size_t want, int32_t *out, const char *usage) {
  size_t argc = want;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  for (size_t i = 0; i < want; i++) {
    if (argc < want || napi_get_value_int32(env, argv[i], &out[i]) != napi_ok) {
      napi_throw_type_error(env, NULL, usage);
      return 0;
    }
  }
  return 1;
}

/* dup(fd) -> fd: the master for one reader stream (libuv closes its fd when the stream ends on EIO). */
static napi_value dup_fd(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_args(env, info, 1, &fd, "dup(fd: number)")) return NULL;
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return throw_errno(env, "dup");
  napi_value v;
  napi_create_int32(env, copy, &v);
  return v;
}

/* hungUp(masterFd) -> boolean: no process has the slave open (POLLHUP on the master). */
static napi_value hung_up(napi_env env, napi_callback_info info) {
  int32_t fd;
  if (!int_args(env, info, 1, &fd, "hungUp(fd: number)")) return NULL;
  struct pollfd p = { .fd = fd, .events = POLLIN };
  int n = poll(&p, 1, 0);
  napi_value v;
  napi_get_boolean(env, n > 0 && (p.revents & POLLHUP), &v);
  return v;
}

/* Open a terminal's device for one termios call, without becoming its controlling terminal or waiting for it. */
static int open_terminal(napi_env env, napi_value arg, char *path, size_t size) {
  size_t len;
  if (napi_get_value_string_utf8(env, arg, path, size, &len) != napi_ok || len == 0 || len >= size - 1) {
    napi_throw_type_error(env, NULL, "a terminal device path");
    return -1;
  }
  int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw_errno(env, path);
  return fd;
}

/* suspendOutput(path, stop): tcflow TCOOFF/TCOON on a terminal device. The terminal's writes then wait in the
 * kernel (write(2) blocks, or EAGAIN), whatever its own settings: what CTS off does to a UART's transmitter. */
static napi_value suspend_output(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  bool stop;
  char path[256];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_bool(env, argv[1], &stop) != napi_ok) {
    napi_throw_type_error(env, NULL, "suspendOutput(path: string, stop: boolean)");
    return NULL;
  }
  int fd = open_terminal(env, argv[0], path, sizeof path);
  if (fd < 0) return NULL;
  int rc = tcflow(fd, stop ? TCOOFF : TCOON);
  int err = errno;
  close(fd);
  errno = err;
  if (rc < 0) return throw_errno(env, "tcflow");
  return NULL;
}

/* discardInput(path): drop what a terminal device holds unread (tcflush TCIFLUSH), and restart its output. */
static napi_value discard_input(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[256];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "discardInput(path: string)");
    return NULL;
  }
  int fd = open_terminal(env, argv[0], path, sizeof path);
  if (fd < 0) return NULL;
  tcflush(fd, TCIFLUSH);
  tcflow(fd, TCOON);
  close(fd);
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

void register_cts_gate(napi_env env, napi_value exports); /* cts-gate.c */

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "openPty", NAPI_AUTO_LENGTH, open_pty, NULL, &fn);
  napi_set_named_property(env, exports, "openPty", fn);
  napi_create_function(env, "dup", NAPI_AUTO_LENGTH, dup_fd, NULL, &fn);
  napi_set_named_property(env, exports, "dup", fn);
  napi_create_function(env, "hungUp", NAPI_AUTO_LENGTH, hung_up, NULL, &fn);
  napi_set_named_property(env, exports, "hungUp", fn);
  napi_create_function(env, "suspendOutput", NAPI_AUTO_LENGTH, suspend_output, NULL, &fn);
  napi_set_named_property(env, exports, "suspendOutput", fn);
  napi_create_function(env, "discardInput", NAPI_AUTO_LENGTH, discard_input, NULL, &fn);
  napi_set_named_property(env, exports, "discardInput", fn);
  napi_create_function(env, "setSpeed", NAPI_AUTO_LENGTH, set_speed, NULL, &fn);
  napi_set_named_property(env, exports, "setSpeed", fn);
  register_cts_gate(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
