/*
 * lockstep.h: what Dialtone's C peers built on spandsp share (spandsp-modem.c, spandsp-v42.c, spandsp-v42bis.c).
 *
 * The lock-step contract: per 20 ms frame the peer reads 160 S16LE samples (8000 Hz, mono; what the far end sent)
 * from stdin and writes its own 160 to stdout, until stdin ends, its time limit, or its call is over. The TypeScript
 * side (test/interop/spandsp.ts, v42-peer.ts) joins two such programs, or one and Dialtone, frame by frame, so
 * the call runs as fast as the two can compute, not in real time.
 */
#if !defined(DIALTONE_LOCKSTEP_H)
#define DIALTONE_LOCKSTEP_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOCKSTEP_SAMPLE_RATE 8000
#define LOCKSTEP_FRAME 160 /* samples: 20 ms */
#define LOCKSTEP_FPS 50

/* lockstep_run's results besides a step's own (>= 0). */
#define LOCKSTEP_CONTINUE (-1)   /* a step's answer: send this frame and go on */
#define LOCKSTEP_END_OF_INPUT (-2) /* stdin ended: the far end closed the line */
#define LOCKSTEP_TIME_LIMIT (-3)
#define LOCKSTEP_GONE (-4)       /* stdout refused a frame: the far end has gone */

/* Reads exactly n bytes unless EOF comes first; returns the count read. */
static inline size_t lockstep_read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *) buf + got, n - got);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (size_t) r;
    }
    return got;
}

static inline int lockstep_write_full(int fd, const void *buf, size_t n)
{
    size_t put = 0;
    while (put < n) {
        ssize_t w = write(fd, (const char *) buf + put, n - put);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        put += (size_t) w;
    }
    return 0;
}

/* The whole of a stream, in a buffer from malloc (one spare byte after the end). */
static inline uint8_t *lockstep_read_stream(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0, r;
    uint8_t *buf = malloc(cap + 1);
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    if (!buf) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    *len = n;
    return buf;
}

/* The whole of a file; exits with a message when it cannot be read. */
static inline uint8_t *lockstep_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    uint8_t *buf = lockstep_read_stream(f, len);
    fclose(f);
    return buf;
}

/* One frame of a peer: rx is what arrived, tx what to send; LOCKSTEP_CONTINUE, or a status (>= 0) to stop with. */
typedef int (*lockstep_step_t)(void *user, const int16_t *rx, int16_t *tx);

/*
 * The frame loop: read a frame, step, write a frame, count it in *frame; until a step returns a status, stdin
 * ends, stdout is gone, or max_seconds of line time have passed (0: no limit).
 */
static inline int lockstep_run(lockstep_step_t step, void *user, long *frame, double max_seconds)
{
    int16_t rx[LOCKSTEP_FRAME], tx[LOCKSTEP_FRAME];
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        if (max_seconds > 0 && *frame >= (long) (max_seconds * LOCKSTEP_FPS))
            return LOCKSTEP_TIME_LIMIT;
        if (lockstep_read_full(0, rx, sizeof(rx)) < sizeof(rx))
            return LOCKSTEP_END_OF_INPUT;
        int status = step(user, rx, tx);
        if (status >= 0)
            return status;
        if (lockstep_write_full(1, tx, sizeof(tx)) < 0)
            return LOCKSTEP_GONE;
        (*frame)++;
    }
}

#endif
