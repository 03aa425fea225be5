/* The CTS gate of the pseudo-terminal DTE port: a thread that suspends the terminal's output (tcflow TCOOFF on the
 * slave) as soon as more than `threshold` bytes it wrote wait unread on the master.
 *
 * Why a thread: a pty takes 20 KiB from a writer before write(2) blocks, and a program like sz writes a kilobyte
 * subpacket every few microseconds. The daemon's event loop reads the master and drops CTS a turn later (the frame
 * loop runs between turns), by when the writer has put kilobytes more into the kernel: a minute of line time at
 * 2400 bit/s, and sz then gives up waiting for acknowledgements. This thread only watches (poll, FIONREAD); it never
 * reads. The daemon restarts the terminal (CTS on) once its own buffer has drained, whoever stopped it.
 *
 *   gateOpen(masterFd, slavePath) -> id;  gateThreshold(id, bytes);  gateClose(id);
 *   gateHolds(id) -> 0: the gate has not stopped the terminal; 1: it has, and the bytes still wait unread (half the
 *   threshold or more); 2: it had, and they have been read: the gate lets go, the daemon may restart the terminal.
 */
#define _GNU_SOURCE
#include <node_api.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_GATES 16

struct gate {
  int master;
  char slave[256];
  atomic_int threshold; /* 0: disarmed */
  atomic_int tripped;
  atomic_int quit;
  pthread_t thread;
  int used;
};

static struct gate gates[MAX_GATES];
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;

static void pause_us(long us) {
  struct timespec ts = { 0, us * 1000 };
  nanosleep(&ts, NULL);
}

static void stop_terminal(struct gate *g) {
  int fd = open(g->slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  tcflow(fd, TCOOFF);
  close(fd);
}

static void *watch(void *arg) {
  struct gate *g = arg;
  int unread_at_stop = 0;
  while (!atomic_load(&g->quit)) {
    int threshold = atomic_load(&g->threshold);
    if (threshold <= 0) {
      pause_us(1000);
      continue;
    }
    struct pollfd p = { .fd = g->master, .events = POLLIN };
    if (poll(&p, 1, 5) <= 0) continue;
    if (p.revents & POLLHUP) { /* no terminal: the daemon notices on its own */
      pause_us(5000);
      continue;
    }
    int unread = 0;
    if (ioctl(g->master, FIONREAD, &unread) == 0) {
      if (!atomic_load(&g->tripped) && unread >= threshold) {
        stop_terminal(g);
        unread_at_stop = unread;
        atomic_store(&g->tripped, 1);
      } else if (atomic_load(&g->tripped) && unread > unread_at_stop + threshold) {
        /* Still writing after the stop: the program restarted its own output (sz does TCXONC TCOON). Again. */
        stop_terminal(g);
        unread_at_stop = unread;
      } else if (unread < unread_at_stop) {
        unread_at_stop = unread;
      }
    }
    pause_us(100); /* the data stays readable until the daemon reads it: do not spin on it */
  }
  return NULL;
}

static int get_id(napi_env env, napi_callback_info info, napi_value *rest) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t id;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1 || napi_get_value_int32(env, argv[0], &id) != napi_ok || id < 0 || id >= MAX_GATES || !gates[id].used) {
    napi_throw_type_error(env, NULL, "no such gate");
    return -1;
  }
  if (rest) *rest = argc > 1 ? argv[1] : NULL;
  return id;
}

static napi_value gate_open(napi_env env, napi_callback_info info) {
  size_t argc = 2, len;
  napi_value argv[2];
  int32_t master;
  char path[256];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &master) != napi_ok ||
      napi_get_value_string_utf8(env, argv[1], path, sizeof path, &len) != napi_ok || len == 0 || len >= sizeof path - 1) {
    napi_throw_type_error(env, NULL, "gateOpen(masterFd: number, slavePath: string)");
    return NULL;
  }
  pthread_mutex_lock(&table);
  int id = -1;
  for (int i = 0; i < MAX_GATES && id < 0; i++) if (!gates[i].used) id = i;
  if (id >= 0) {
    struct gate *g = &gates[id];
    g->master = master;
    strcpy(g->slave, path);
    atomic_store(&g->threshold, 0);
    atomic_store(&g->tripped, 0);
    atomic_store(&g->quit, 0);
    g->used = pthread_create(&g->thread, NULL, watch, g) == 0;
    if (!g->used) id = -2;
  }
  pthread_mutex_unlock(&table);
  if (id < 0) {
    napi_throw_error(env, NULL, id == -1 ? "too many CTS gates" : "cannot start the CTS gate thread");
    return NULL;
  }
  napi_value v;
  napi_create_int32(env, id, &v);
  return v;
}

static napi_value gate_threshold(napi_env env, napi_callback_info info) {
  napi_value arg;
  int id = get_id(env, info, &arg);
  int32_t n;
  if (id < 0) return NULL;
  if (!arg || napi_get_value_int32(env, arg, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "gateThreshold(id: number, bytes: number)");
    return NULL;
  }
  atomic_store(&gates[id].threshold, n);
  return NULL;
}

static napi_value gate_holds(napi_env env, napi_callback_info info) {
  int id = get_id(env, info, NULL);
  if (id < 0) return NULL;
  struct gate *g = &gates[id];
  int holds = 0;
  if (atomic_load(&g->tripped)) {
    int unread = 0;
    ioctl(g->master, FIONREAD, &unread);
    holds = unread > 0 && unread >= atomic_load(&g->threshold) / 2 ? 1 : 2;
    if (holds == 2) atomic_store(&g->tripped, 0);
  }
  napi_value v;
  napi_create_int32(env, holds, &v);
  return v;
}

static napi_value gate_close(napi_env env, napi_callback_info info) {
  int id = get_id(env, info, NULL);
  if (id < 0) return NULL;
  atomic_store(&gates[id].quit, 1);
  pthread_join(gates[id].thread, NULL);
  pthread_mutex_lock(&table);
  gates[id].used = 0;
  pthread_mutex_unlock(&table);
  return NULL;
}

void register_cts_gate(napi_env env, napi_value exports) {
  const struct { const char *name; napi_callback fn; } fns[] = {
    { "gateOpen", gate_open }, { "gateThreshold", gate_threshold }, { "gateHolds", gate_holds }, { "gateClose", gate_close },
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value fn;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &fn);
    napi_set_named_property(env, exports, fns[i].name, fn);
  }
}
