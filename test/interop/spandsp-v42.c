/*
 * spandsp-v42: spandsp 0.0.6's V.22bis modem (2400 bit/s) with spandsp's V.42 (LAPM, with the ODP/ADP detection
 * phase) and optionally spandsp's V.42bis on the I-frame data, as a peer on Dialtone's lock-step audio protocol:
 * each 20 ms frame, read 160 S16LE samples (what the far end sent) from stdin, write 160 samples to stdout, until
 * stdin ends or the call is over.
 *
 *   spandsp-v42 --role caller|answerer [--send FILE] [--recv FILE] [--expect N] [--v42bis P1 P2]
 *               [--max-seconds S] [--verbose]
 *
 * --send: bytes to send once V.42 is up (through V.42bis when --v42bis is given); --recv: where received bytes go;
 * --v42bis-mode dynamic|always|never: spandsp's encoder's mode choice (default dynamic).
 * --expect: after N bytes received and everything sent and acknowledged, wait 2 s and hang up (exit 0).
 * Answering, a 3 s 2100 Hz answer tone (V.25) comes first; spandsp's modem starts after it.
 * Log lines on stderr: CONNECT, V.42 status changes, the end. Exit status 0 when the payload went both ways.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>
#include <spandsp/expose.h> /* the V.42 context's logging state, for --debug */

#include "lockstep.h"

#define FRAME LOCKSTEP_FRAME
#define FPS LOCKSTEP_FPS
#define ANSWER_TONE_FRAMES 150

static int verbose;
static int debug;
#define LOG(...) do { if (verbose) fprintf(stderr, __VA_ARGS__); } while (0)

typedef struct {
    v22bis_state_t *modem;
    v42_state_t *v42;
    v42bis_state_t *bis;
    int caller, running, connected, v42_up;
    long frame;
    /* what to send */
    uint8_t *send;
    long send_len, send_pos;
    /* compressed octets waiting for I frames */
    uint8_t *cbuf;
    long clen, cpos, ccap;
    FILE *recv_file;
    long received, expect;
    double tone_phase, tone_amp;
    int finish; /* frames left before hanging up once all is done; -1 before */
} peer_t;

static double now(const peer_t *p) { return p->frame / (double) FPS; }

static void status(void *user_data, int st)
{
    peer_t *p = user_data;
    if (st == SIG_STATUS_TRAINING_SUCCEEDED && !p->connected) {
        p->connected = 1;
        LOG("%8.2f s  CONNECT %d\n", now(p), v22bis_get_current_bit_rate(p->modem));
        v42_restart(p->v42); /* the detection phase (and its timers) from the moment data can flow */
    } else {
        LOG("%8.2f s  status %d (%s)\n", now(p), st, signal_status_to_str(st));
    }
}

static void v42_status(void *user_data, int st)
{
    peer_t *p = user_data;
    LOG("%8.2f s  v42 status %d (%s)\n", now(p), st, lapm_status_to_str(st));
    if (st == SIG_STATUS_LINK_CONNECTED)
        p->v42_up = 1;
}

static int get_bit(void *user_data)
{
    peer_t *p = user_data;
    return p->connected ? v42_tx_bit(p->v42) : 1;
}

static void put_bit(void *user_data, int bit)
{
    peer_t *p = user_data;
    if (bit < 0) {
        status(p, bit);
        return;
    }
    v42_rx_bit(p->v42, bit);
}

/* V.42bis encoder output: octets for the I frames. */
static void encoded(void *user_data, const uint8_t *msg, int len)
{
    peer_t *p = user_data;
    if (p->clen + len > p->ccap) {
        p->ccap = (p->clen + len) * 2;
        p->cbuf = realloc(p->cbuf, p->ccap);
    }
    memcpy(p->cbuf + p->clen, msg, len);
    p->clen += len;
}

static void deliver(void *user_data, const uint8_t *msg, int len)
{
    peer_t *p = user_data;
    p->received += len;
    if (p->recv_file) {
        fwrite(msg, 1, len, p->recv_file);
        fflush(p->recv_file);
    }
}

/* LAPM asks for the next I frame's data. */
static int iframe_get(void *user_data, uint8_t *msg, int max_len)
{
    peer_t *p = user_data;
    if (!p->v42_up)
        return 0;
    if (p->bis) {
        /* Feed the encoder in small pieces so that its output stays a little ahead of the link. */
        while (p->clen - p->cpos < max_len && p->send_pos < p->send_len) {
            long n = p->send_len - p->send_pos;
            if (n > 64)
                n = 64;
            v42bis_compress(p->bis, p->send + p->send_pos, (int) n);
            p->send_pos += n;
            if (p->send_pos == p->send_len)
                v42bis_compress_flush(p->bis);
        }
        long n = p->clen - p->cpos;
        if (n > max_len)
            n = max_len;
        memcpy(msg, p->cbuf + p->cpos, n);
        p->cpos += n;
        return (int) n;
    }
    long n = p->send_len - p->send_pos;
    if (n > max_len)
        n = max_len;
    memcpy(msg, p->send + p->send_pos, n);
    p->send_pos += n;
    return (int) n;
}

static void iframe_put(void *user_data, const uint8_t *msg, int len)
{
    peer_t *p = user_data;
    if (len < 0) {
        v42_status(p, len);
        return;
    }
    if (p->bis) {
        v42bis_decompress(p->bis, msg, len);
        v42bis_decompress_flush(p->bis); /* hand on what this frame held, not only whole 1024-octet blocks */
    } else
        deliver(p, msg, len);
}

/* One 20 ms frame of the call: spandsp's modem (or the answer tone before it) on what arrived. */
static int peer_frame(void *user, const int16_t *rx, int16_t *tx)
{
    peer_t *p = user;
    if (p->finish == 0) {
        LOG("%8.2f s  done: sent %ld, received %ld\n", now(p), p->send_pos, p->received);
        return 0;
    }
    if (p->running) {
        v22bis_rx(p->modem, rx, FRAME);
        int n = v22bis_tx(p->modem, tx, FRAME);
        if (n < FRAME)
            memset(tx + n, 0, (FRAME - n) * sizeof(tx[0]));
    } else {
        double step = 2.0 * M_PI * 2100.0 / LOCKSTEP_SAMPLE_RATE;
        for (int i = 0; i < FRAME; i++) {
            tx[i] = (int16_t) lrint(p->tone_amp * sin(p->tone_phase));
            p->tone_phase = fmod(p->tone_phase + step, 2.0 * M_PI);
        }
        if (p->frame + 1 >= ANSWER_TONE_FRAMES)
            p->running = 1;
    }
    int sent_all = p->send_pos >= p->send_len && (!p->bis || p->cpos >= p->clen);
    if (p->finish < 0 && p->v42_up && sent_all && p->expect >= 0 && p->received >= p->expect)
        p->finish = 100; /* 2 s more for the last acknowledgements */
    else if (p->finish > 0)
        p->finish--;
    return LOCKSTEP_CONTINUE;
}

int main(int argc, char **argv)
{
    peer_t p;
    memset(&p, 0, sizeof(p));
    p.expect = -1;
    const char *role = NULL, *send = NULL, *recv = NULL;
    int p1 = 0, p2 = 0, bis_mode = V42BIS_COMPRESSION_MODE_DYNAMIC;
    double max_seconds = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--role") && i + 1 < argc) role = argv[++i];
        else if (!strcmp(a, "--send") && i + 1 < argc) send = argv[++i];
        else if (!strcmp(a, "--recv") && i + 1 < argc) recv = argv[++i];
        else if (!strcmp(a, "--expect") && i + 1 < argc) p.expect = atol(argv[++i]);
        else if (!strcmp(a, "--max-seconds") && i + 1 < argc) max_seconds = atof(argv[++i]);
        else if (!strcmp(a, "--v42bis") && i + 2 < argc) {
            p1 = atoi(argv[++i]);
            p2 = atoi(argv[++i]);
        } else if (!strcmp(a, "--v42bis-mode") && i + 1 < argc) {
            const char *m = argv[++i];
            bis_mode = !strcmp(m, "always") ? V42BIS_COMPRESSION_MODE_ALWAYS : !strcmp(m, "never") ? V42BIS_COMPRESSION_MODE_NEVER : V42BIS_COMPRESSION_MODE_DYNAMIC;
        } else if (!strcmp(a, "--verbose")) verbose = 1;
        else if (!strcmp(a, "--debug")) verbose = debug = 1;
        else {
            fprintf(stderr, "usage: spandsp-v42 --role caller|answerer [--send F] [--recv F] [--expect N] [--v42bis P1 P2] [--max-seconds S] [--verbose]\n");
            return 2;
        }
    }
    if (!role || (strcmp(role, "caller") && strcmp(role, "answerer"))) {
        fprintf(stderr, "spandsp-v42: --role caller|answerer is required\n");
        return 2;
    }
    p.caller = !strcmp(role, "caller");
    if (send) {
        size_t n;
        p.send = lockstep_read_file(send, &n);
        p.send_len = (long) n;
    }
    if (recv) {
        p.recv_file = fopen(recv, "wb");
        if (!p.recv_file) {
            perror(recv);
            return 2;
        }
    }
    p.modem = v22bis_init(NULL, 2400, 0, p.caller, get_bit, &p, put_bit, &p);
    v22bis_set_modem_status_handler(p.modem, status, &p);
    p.v42 = v42_init(NULL, p.caller, 1, iframe_get, iframe_put, &p);
    v42_set_status_callback(p.v42, v42_status, &p);
    if (debug)
        span_log_set_level(&p.v42->logging, SPAN_LOG_DEBUG | SPAN_LOG_SHOW_TAG | SPAN_LOG_SHOW_PROTOCOL);
    if (p1 > 0) {
        /* spandsp's XID offers V.42bis from these (its default offer is one direction, 512, 6): offer both
           directions with our P1 and P2, and run its V.42bis with the same values. */
        p.v42->config.comp = 3;
        p.v42->config.comp_dict_size = p1;
        p.v42->config.comp_max_string = p2;
        p.bis = v42bis_init(NULL, 3, p1, p2, encoded, &p, 1024, deliver, &p, 1024);
        v42bis_compression_control(p.bis, bis_mode);
    }
    p.running = p.caller;
    p.finish = -1;
    p.tone_amp = 32767.0 * pow(10.0, (-14.0 - 3.14) / 20.0);
    int status = lockstep_run(peer_frame, &p, &p.frame, max_seconds);
    if (status == LOCKSTEP_TIME_LIMIT)
        LOG("%8.2f s  time limit\n", now(&p));
    fprintf(stderr, "spandsp-v42: %s sent %ld of %ld, received %ld, v42 %s\n", role, p.send_pos, p.send_len, p.received, p.v42_up ? "up" : "down");
    if (p.recv_file)
        fclose(p.recv_file);
    return status == 0 ? 0 : 1;
}
