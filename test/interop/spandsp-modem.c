/*
 * spandsp-modem — an independent FSK peer for Dialtone's interop tests, built on spandsp 0.0.6.
 *
 * The modulators and demodulators are spandsp's (fsk_tx / fsk_rx); the call procedure around them
 * (answer tone, carrier detection, async 8N1 framing, half-duplex turn-taking, PRBS checking) is ours.
 *
 * Modes (see printUsage() below):
 *   lock-step peer   read 160 samples from stdin, write 160 samples to stdout, per 20 ms frame, until EOF
 *   --ber-tx/--ber-rx  O.150 2^15-1 PRBS through one FSK channel, for bit error rate measurement
 *   --throughput     a full-duplex pair in memory, timed with CLOCK_PROCESS_CPUTIME_ID
 *
 * Audio is S16LE, 8000 Hz, mono (the host is assumed little-endian: x86 and ARM Linux are).
 * Transmit level: spandsp's preset default for every channel, -14 dBm0; the answer tones use the same level.
 *
 * spandsp 0.0.6 preset_fsk_specs[] (space = bit 0, mark = bit 1), checked against the standards:
 *   FSK_V21CH1      space 1180, mark  980 Hz, 300 bit/s  ITU-T V.21 clause 2: channel 1, F0 1080 Hz +/-100
 *   FSK_V21CH2      space 1850, mark 1650 Hz, 300 bit/s  ITU-T V.21 clause 2: channel 2, F0 1750 Hz +/-100
 *   FSK_V23CH1      space 2100, mark 1300 Hz, 1200 bit/s ITU-T V.23 clause 2: mode 2 forward channel
 *   FSK_V23CH2      space  450, mark  390 Hz, 75 bit/s   ITU-T V.23 clause 3: backward channel
 *   FSK_BELL103CH1  space 2025, mark 2225 Hz, 300 bit/s  Bell 103 ANSWER channel
 *   FSK_BELL103CH2  space 1070, mark 1270 Hz, 300 bit/s  Bell 103 ORIGINATE channel
 *   FSK_BELL202     space 2200, mark 1200 Hz, 1200 bit/s Bell 202
 * Note that spandsp's Bell 103 "channel 1" is the answer channel, so a Bell 103 caller (originate)
 * transmits FSK_BELL103CH2 and the answerer FSK_BELL103CH1. The --ber specs bell103ch1/bell103ch2 follow
 * spandsp's names; bell103orig/bell103ans are unambiguous aliases.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <spandsp.h>

#include "lockstep.h"

#define SAMPLE_RATE 8000
#define FRAME LOCKSTEP_FRAME      /* 20 ms */
#define FRAMES_PER_SECOND LOCKSTEP_FPS
#define TX_LEVEL_DBM0 (-14.0)     /* spandsp preset default */
#define DETECT_LEVEL_DBM0 (-43.0) /* ITU-T V.21 clause 7 / V.23 clause 8: carrier "on" threshold */

static int verbose;

#define LOG(...) do { if (verbose) fprintf(stderr, __VA_ARGS__); } while (0)

/* ------------------------------------------------------------------------------------------------ */
/* Channels and modem families                                                                      */

typedef struct {
    const char *name;
    int preset;
} channel_name_t;

static const channel_name_t channel_names[] = {
    {"v21ch1", FSK_V21CH1},         {"v21ch2", FSK_V21CH2},         {"v23ch1", FSK_V23CH1},
    {"v23ch2", FSK_V23CH2},         {"bell103ch1", FSK_BELL103CH1}, {"bell103ch2", FSK_BELL103CH2},
    {"bell103ans", FSK_BELL103CH1}, {"bell103orig", FSK_BELL103CH2}, {"bell202", FSK_BELL202},
    {NULL, 0},
};

typedef struct {
    const char *name;
    int caller_tx;         /* preset the calling modem transmits */
    int answerer_tx;       /* preset the answering modem transmits */
    int half_duplex;
    double answer_tone_hz;
    int answer_tone_frames;
    int answer_silence_frames;
    int answer_tone_is_carrier; /* Bell 103: the answer tone is the answer channel's mark */
    int itu;
} family_t;

static const family_t families[] = {
    /* ITU-T V.25 clause 4: ANS 2100 Hz for 3.3 s, then 75 ms of silence before the answerer's carrier. */
    {"v21", FSK_V21CH1, FSK_V21CH2, 0, 2100.0, 165, 4, 0, 1},
    {"v23", FSK_V23CH2, FSK_V23CH1, 0, 2100.0, 165, 4, 0, 1},
    /* Bell: 2225 Hz answer tone for about 2 s. */
    {"bell103", FSK_BELL103CH2, FSK_BELL103CH1, 0, 2225.0, 100, 0, 1, 0},
    {"bell202", FSK_BELL202, FSK_BELL202, 1, 2225.0, 100, 0, 0, 0},
    {NULL, 0, 0, 0, 0.0, 0, 0, 0, 0},
};

static const family_t *find_family(const char *name)
{
    for (const family_t *f = families; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static int find_channel(const char *name)
{
    for (const channel_name_t *c = channel_names; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c->preset;
    return -1;
}

/* ------------------------------------------------------------------------------------------------ */
/* Frame analysis: Hann-windowed DFT bins (50 Hz apart) give in-band energy for carrier and tone     */
/* detection, independently of spandsp's wideband power meter.                                      */

static double hann[FRAME];
static double dft_cos[FRAME / 2 + 1][FRAME];
static double dft_sin[FRAME / 2 + 1][FRAME];
static double hann_sum_sq;

static void analysis_init(void)
{
    hann_sum_sq = 0.0;
    for (int n = 0; n < FRAME; n++) {
        hann[n] = 0.5 - 0.5 * cos(2.0 * M_PI * n / FRAME);
        hann_sum_sq += hann[n] * hann[n];
    }
    for (int k = 0; k <= FRAME / 2; k++)
        for (int n = 0; n < FRAME; n++) {
            dft_cos[k][n] = cos(2.0 * M_PI * k * n / FRAME);
            dft_sin[k][n] = sin(2.0 * M_PI * k * n / FRAME);
        }
}

typedef struct {
    double bin[FRAME / 2]; /* energy of DFT bins 1..79 (50 Hz apart), on the scale of total */
    double total;          /* sum of windowed samples squared */
} frame_analysis_t;

static void analyse_frame(frame_analysis_t *a, const int16_t *x)
{
    double xw[FRAME];
    a->total = 0.0;
    for (int n = 0; n < FRAME; n++) {
        xw[n] = hann[n] * x[n];
        a->total += xw[n] * xw[n];
    }
    for (int k = 1; k < FRAME / 2; k++) {
        double re = 0.0, im = 0.0;
        for (int n = 0; n < FRAME; n++) {
            re += xw[n] * dft_cos[k][n];
            im += xw[n] * dft_sin[k][n];
        }
        a->bin[k] = 2.0 * (re * re + im * im) / FRAME; /* Parseval, one-sided */
    }
}

typedef struct {
    int klo, khi; /* DFT bins, inclusive */
} band_t;

static band_t band_hz(double lo_hz, double hi_hz)
{
    band_t b = {(int) ceil(lo_hz / 50.0), (int) floor(hi_hz / 50.0)};
    if (b.klo < 1) b.klo = 1;
    if (b.khi > FRAME / 2 - 1) b.khi = FRAME / 2 - 1;
    return b;
}

static double band_energy(const frame_analysis_t *a, band_t b)
{
    double e = 0.0;
    for (int k = b.klo; k <= b.khi; k++)
        e += a->bin[k];
    return e;
}

/* Full scale sine is +3.14 dBm0 (G.711). */
static double energy_dbm0(double windowed_energy)
{
    double mean_square = windowed_energy / hann_sum_sq;
    return 10.0 * log10(mean_square / (32767.0 * 32767.0 / 2.0) + 1e-30) + 3.14;
}

/* The band a channel's signal occupies: its two tones, widened by half the bit rate (at least 150 Hz). */
static band_t channel_band(int preset)
{
    const fsk_spec_t *s = &preset_fsk_specs[preset];
    double lo = s->freq_zero < s->freq_one ? s->freq_zero : s->freq_one;
    double hi = s->freq_zero > s->freq_one ? s->freq_zero : s->freq_one;
    double margin = s->baud_rate / 200.0;
    if (margin < 150.0) margin = 150.0;
    return band_hz(lo - margin, hi + margin);
}

static int in_band(band_t b, int k)
{
    return k >= b.klo && k <= b.khi;
}

/*
 * Carrier: in-band level at least -43 dBm0, and an in-band energy density at least 6 dB above the density
 * in the reference bins (300-3400 Hz outside both channels of the family), so that white noise, however
 * loud, and the echo of our own channel are not taken for the other modem's carrier.
 */
typedef struct {
    band_t band;
    int ref[FRAME / 2];
    int nref;
} carrier_detector_t;

static void carrier_detector_init(carrier_detector_t *d, int rx_preset, int tx_preset)
{
    band_t rx = channel_band(rx_preset), tx = channel_band(tx_preset), voice = band_hz(300.0, 3400.0);
    d->band = rx;
    d->nref = 0;
    for (int k = voice.klo; k <= voice.khi; k++)
        if (!in_band(rx, k) && !in_band(tx, k))
            d->ref[d->nref++] = k;
}

static int carrier_present(const carrier_detector_t *d, const frame_analysis_t *a)
{
    double e = band_energy(a, d->band);
    if (energy_dbm0(e) < DETECT_LEVEL_DBM0)
        return 0;
    double ref = 0.0;
    for (int i = 0; i < d->nref; i++)
        ref += a->bin[d->ref[i]];
    int width = d->band.khi - d->band.klo + 1;
    return d->nref == 0 || e / width >= 4.0 * ref / d->nref;
}

static int tone_present(const frame_analysis_t *a, double hz)
{
    double e = band_energy(a, band_hz(hz - 100.0, hz + 100.0));
    return energy_dbm0(e) >= DETECT_LEVEL_DBM0 && e >= 0.6 * a->total;
}

/* spandsp's fsk_rx measures power after a first-difference high-pass filter, whose gain it corrects
 * only at the top of the band; correct it at the channel's centre, so that the carrier goes on at
 * -43 dBm0 and off at -48 dBm0 (ITU-T V.21 clause 7) on every channel, the 75 bit/s one included. */
static void fsk_rx_set_thresholds(fsk_rx_state_t *rx, const fsk_spec_t *spec)
{
    double centre = (spec->freq_zero + spec->freq_one) / 2.0;
    double hpf_db = 20.0 * log10(2.0 * sin(M_PI * centre / SAMPLE_RATE));
    fsk_rx_signal_cutoff(rx, (float) (DETECT_LEVEL_DBM0 - 2.5 + hpf_db));
}

/* ------------------------------------------------------------------------------------------------ */
/* Async 8N1 framing: start bit 0, 8 data bits LSB first, stop bit 1, mark (1) idle.                */

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    int enabled;  /* characters may start */
    int shreg;    /* bits of the character in progress, next bit in bit 0 */
    int nbits;    /* bits of it still to send */
    int drained;  /* the last stop bit has gone out */
} framer_t;

static int framer_get_bit(void *user_data)
{
    framer_t *f = user_data;
    if (f->nbits == 0) {
        if (!f->enabled || f->pos >= f->len) {
            if (f->pos >= f->len)
                f->drained = 1;
            return 1;
        }
        f->shreg = (f->data[f->pos++] << 1) | 0x200;
        f->nbits = 10;
    }
    int bit = f->shreg & 1;
    f->shreg >>= 1;
    f->nbits--;
    return bit;
}

enum { DEFRAME_WAIT_MARK, DEFRAME_HUNT, DEFRAME_DATA };

typedef struct {
    int state;
    int nbits;
    int shreg;
    void (*put_byte)(void *user_data, int byte);
    void *user_data;
} deframer_t;

static void deframer_reset(deframer_t *d)
{
    d->state = DEFRAME_WAIT_MARK;
}

static void deframer_put_bit(void *user_data, int bit)
{
    deframer_t *d = user_data;
    if (bit < 0) { /* a spandsp status value, not a bit */
        deframer_reset(d);
        return;
    }
    switch (d->state) {
    case DEFRAME_WAIT_MARK:
        if (bit) d->state = DEFRAME_HUNT;
        break;
    case DEFRAME_HUNT:
        if (!bit) {
            d->state = DEFRAME_DATA;
            d->nbits = 0;
            d->shreg = 0;
        }
        break;
    case DEFRAME_DATA:
        if (d->nbits < 8) {
            d->shreg |= bit << d->nbits++;
        } else if (bit) {
            d->put_byte(d->user_data, d->shreg);
            d->state = DEFRAME_HUNT;
        } else {
            d->state = DEFRAME_WAIT_MARK; /* framing error */
        }
        break;
    }
}

static void fsk_rx_status(void *user_data, int status)
{
    deframer_t *d = user_data;
    if (status == SIG_STATUS_CARRIER_UP || status == SIG_STATUS_CARRIER_DOWN)
        deframer_reset(d);
}


/* ------------------------------------------------------------------------------------------------ */
/* Lock-step peer: the call procedure                                                               */

typedef enum {
    ST_ANSWER_TONE,    /* answerer: answer tone */
    ST_ANSWER_SILENCE, /* answerer: V.25 clause 4 gap after ANS */
    ST_WAIT_TONE,      /* caller: silent, listening for the answer tone */
    ST_WAIT_TONE_END,  /* Bell 202 caller: tone heard, waiting for it to stop */
    ST_WAIT_CARRIER,   /* waiting for the other modem's carrier */
    ST_PREAMBLE,       /* caller: own carrier (mark) before data */
    ST_DATA,           /* connected */
    ST_FINISHING,      /* work done: carrier held a while longer */
    ST_HANGUP,         /* carrier dropped: silence, then exit */
} peer_state_t;

static const char *const state_names[] = {
    "ANSWER_TONE", "ANSWER_SILENCE", "WAIT_TONE", "WAIT_TONE_END", "WAIT_CARRIER",
    "PREAMBLE",    "DATA",           "FINISHING", "HANGUP",
};

/* Half-duplex (Bell 202) transmitter: a burst is preamble, payload, then a short mark tail. */
typedef enum { HD_IDLE, HD_PREAMBLE, HD_PAYLOAD, HD_TAIL } hd_phase_t;

#define CARRIER_DETECT_FRAMES 8   /* ~150 ms of continuous carrier */
#define ANSWER_TONE_MIN_FRAMES 25 /* 0.5 s */
#define PREAMBLE_FRAMES 10        /* 200 ms of mark before data */
#define MARK_TAIL_FRAMES 3        /* ~50 ms of mark after the last character */
#define TURNAROUND_FRAMES 5       /* Bell 202: 100 ms of quiet line before transmitting */
#define NO_CARRIER_FRAMES 50      /* 1 s */
#define FINISH_FRAMES 50          /* --expect: carrier held 1 s */
#define HANGUP_FRAMES 25          /* 0.5 s of silence before exit */

typedef struct {
    const family_t *fam;
    int caller;
    carrier_detector_t carrier;
    fsk_tx_state_t *tx;
    fsk_rx_state_t *rx;
    const fsk_spec_t *rx_spec;
    framer_t framer;
    deframer_t deframer;
    FILE *recv_file;
    uint8_t pending[16];
    int npending;
    int carrier_history; /* bit 0: the last frame had carrier; bit 1: the one before */
    long received;
    long expect; /* -1: not given */
    int hangup_after_send;
    double max_seconds; /* 0: no limit */
    peer_state_t state;
    int state_frames;
    int finish_frames;
    int tone_frames, tone_misses, carrier_frames, quiet_frames;
    int connected;
    hd_phase_t hd;
    int hd_frames;
    int hello_pending;
    double tone_phase, tone_amp;
    long frame;
} peer_t;

static void set_state(peer_t *p, peer_state_t s)
{
    LOG("%8.2f s  %s -> %s\n", p->frame / (double) FRAMES_PER_SECOND, state_names[p->state], state_names[s]);
    p->state = s;
    p->state_frames = 0;
}

static void peer_connect(peer_t *p, peer_state_t next)
{
    p->connected = 1;
    LOG("%8.2f s  CONNECT\n", p->frame / (double) FRAMES_PER_SECOND);
    set_state(p, next);
    if (next == ST_DATA && !p->fam->half_duplex)
        p->framer.enabled = 1;
}

/* Characters decoded in a frame are held until the next frame, and kept only if the carrier was there
 * in the frames before, during and after, so that the noise around a carrier never turns into characters. */
/* --raw-rx: a plain receiver's clamp: the characters of every frame in which the carrier was detected are kept,
 * without the rule below that their neighbour frames had it too (which hides what a carrier's end leaves). */
static int raw_rx = 0;

static void peer_put_byte(void *user_data, int byte)
{
    peer_t *p = user_data;
    if (p->npending < (int) sizeof(p->pending))
        p->pending[p->npending++] = (uint8_t) byte;
}

static void commit_pending(peer_t *p)
{
    if (p->connected && p->state != ST_HANGUP) {
        p->received += p->npending;
        if (p->recv_file && p->npending > 0) {
            fwrite(p->pending, 1, (size_t) p->npending, p->recv_file);
            fflush(p->recv_file);
        }
    }
    p->npending = 0;
}

static int half_duplex_transmitting(const peer_t *p)
{
    return p->fam->half_duplex && p->hd != HD_IDLE;
}

/* Updates the detectors from one received frame and feeds the demodulator. */
static void peer_listen(peer_t *p, const int16_t *rx)
{
    frame_analysis_t a;
    analyse_frame(&a, rx);
    int tone = tone_present(&a, p->fam->answer_tone_hz);
    int carrier = carrier_present(&p->carrier, &a);
    /* Before the call is up, V.25 ANS (2100 Hz) lies inside the V.23 forward band: it is not a carrier. */
    if (p->fam->itu && !p->connected && tone)
        carrier = 0;
    /* One missed frame is forgiven: a V.8 ANSam phase reversal can blur a frame. */
    p->tone_misses = tone ? 0 : p->tone_misses + 1;
    if (tone)
        p->tone_frames++;
    else if (p->tone_misses >= 2)
        p->tone_frames = 0;
    p->carrier_frames = carrier ? p->carrier_frames + 1 : 0;
    p->quiet_frames = carrier ? 0 : p->quiet_frames + 1;
    /* The characters held from the previous frame stand if it and its neighbours all had carrier. */
    if (raw_rx ? (p->carrier_history & 1) : (carrier && p->carrier_history == 3))
        commit_pending(p);
    p->npending = 0;
    p->carrier_history = ((p->carrier_history << 1) | carrier) & 3;
    /* A half-duplex modem does not listen while it talks. */
    if (!half_duplex_transmitting(p))
        fsk_rx(p->rx, rx, FRAME);
    if (!carrier)
        deframer_reset(&p->deframer);
}

static int payload_sent(const peer_t *p)
{
    const framer_t *f = &p->framer;
    return f->pos >= f->len && f->nbits == 0 && (f->drained || f->len == 0) && !p->hello_pending &&
           !half_duplex_transmitting(p);
}

static void half_duplex_step(peer_t *p)
{
    p->hd_frames++;
    switch (p->hd) {
    case HD_IDLE:
        if ((p->framer.pos < p->framer.len || p->hello_pending) && p->quiet_frames >= TURNAROUND_FRAMES) {
            LOG("%8.2f s  half duplex: carrier on\n", p->frame / (double) FRAMES_PER_SECOND);
            p->hd = HD_PREAMBLE;
            p->hd_frames = 0;
            p->hello_pending = 0;
            p->framer.drained = 0;
        }
        break;
    case HD_PREAMBLE:
        if (p->hd_frames >= PREAMBLE_FRAMES) {
            p->hd = HD_PAYLOAD;
            p->framer.enabled = 1;
        }
        break;
    case HD_PAYLOAD:
        if (p->framer.drained) {
            p->hd = HD_TAIL;
            p->hd_frames = 0;
        }
        break;
    case HD_TAIL:
        if (p->hd_frames >= MARK_TAIL_FRAMES) {
            LOG("%8.2f s  half duplex: carrier off\n", p->frame / (double) FRAMES_PER_SECOND);
            p->hd = HD_IDLE;
            p->framer.enabled = 0;
            fsk_rx_restart(p->rx, p->rx_spec, FSK_FRAME_MODE_ASYNC);
            fsk_rx_set_thresholds(p->rx, p->rx_spec);
            deframer_reset(&p->deframer);
        }
        break;
    }
}

/* Returns -1 to carry on, or the exit status. */
static int peer_data_step(peer_t *p)
{
    if (p->fam->half_duplex)
        half_duplex_step(p);
    else if (p->quiet_frames > NO_CARRIER_FRAMES) {
        LOG("%8.2f s  NO CARRIER\n", p->frame / (double) FRAMES_PER_SECOND);
        return 0;
    }
    if (!payload_sent(p))
        return -1;
    if (p->hangup_after_send) {
        p->finish_frames = p->fam->half_duplex ? 0 : MARK_TAIL_FRAMES;
        set_state(p, ST_FINISHING);
    } else if (p->expect >= 0 && p->received >= p->expect) {
        p->finish_frames = FINISH_FRAMES;
        set_state(p, ST_FINISHING);
    }
    return -1;
}

static int peer_step(peer_t *p)
{
    const family_t *f = p->fam;
    switch (p->state) {
    case ST_ANSWER_TONE:
        if (f->answer_tone_is_carrier && p->carrier_frames >= CARRIER_DETECT_FRAMES)
            peer_connect(p, ST_DATA);
        else if (p->state_frames >= f->answer_tone_frames)
            set_state(p, f->answer_silence_frames ? ST_ANSWER_SILENCE : ST_WAIT_CARRIER);
        break;
    case ST_ANSWER_SILENCE:
        if (p->state_frames >= f->answer_silence_frames)
            set_state(p, ST_WAIT_CARRIER);
        break;
    case ST_WAIT_TONE:
        if (p->tone_frames >= ANSWER_TONE_MIN_FRAMES) {
            /* Bell 103's answer tone is also its carrier: count the carrier afresh from here. */
            p->carrier_frames = 0;
            set_state(p, f->half_duplex ? ST_WAIT_TONE_END : ST_WAIT_CARRIER);
        }
        break;
    case ST_WAIT_TONE_END:
        if (p->tone_frames == 0 && p->quiet_frames >= 2) {
            p->hello_pending = 1;
            peer_connect(p, ST_DATA);
        }
        break;
    case ST_WAIT_CARRIER:
        if (p->carrier_frames >= CARRIER_DETECT_FRAMES)
            peer_connect(p, p->caller && !f->half_duplex ? ST_PREAMBLE : ST_DATA);
        break;
    case ST_PREAMBLE:
        if (p->state_frames >= PREAMBLE_FRAMES) {
            set_state(p, ST_DATA);
            p->framer.enabled = 1;
        }
        break;
    case ST_DATA:
        return peer_data_step(p);
    case ST_FINISHING:
        if (!f->half_duplex && p->quiet_frames > NO_CARRIER_FRAMES)
            return 0;
        if (p->state_frames >= p->finish_frames)
            set_state(p, ST_HANGUP);
        break;
    case ST_HANGUP:
        if (p->state_frames >= HANGUP_FRAMES)
            return 0;
        break;
    }
    return -1;
}

static void answer_tone_gen(peer_t *p, int16_t *out)
{
    double step = 2.0 * M_PI * p->fam->answer_tone_hz / SAMPLE_RATE;
    for (int i = 0; i < FRAME; i++) {
        out[i] = (int16_t) lrint(p->tone_amp * sin(p->tone_phase));
        p->tone_phase = fmod(p->tone_phase + step, 2.0 * M_PI);
    }
}

static void peer_transmit(peer_t *p, int16_t *out)
{
    int carrier;
    switch (p->state) {
    case ST_ANSWER_TONE:
        if (p->fam->answer_tone_is_carrier)
            fsk_tx(p->tx, out, FRAME);
        else
            answer_tone_gen(p, out);
        return;
    case ST_WAIT_CARRIER:
        carrier = !p->caller && !p->fam->half_duplex;
        break;
    case ST_PREAMBLE:
        carrier = 1;
        break;
    case ST_DATA:
    case ST_FINISHING:
        carrier = p->fam->half_duplex ? half_duplex_transmitting(p) : 1;
        break;
    default:
        carrier = 0;
        break;
    }
    if (carrier)
        fsk_tx(p->tx, out, FRAME);
    else
        memset(out, 0, FRAME * sizeof(out[0]));
}

static int peer_frame(void *user, const int16_t *rx, int16_t *tx)
{
    peer_t *p = user;
    peer_listen(p, rx);
    int status = peer_step(p);
    if (status >= 0)
        return status;
    peer_transmit(p, tx);
    p->state_frames++;
    return LOCKSTEP_CONTINUE;
}

static int run_peer(peer_t *p)
{
    int status = lockstep_run(peer_frame, p, &p->frame, p->max_seconds);
    if (status == LOCKSTEP_TIME_LIMIT) {
        LOG("%8.2f s  line time limit reached\n", p->frame / (double) FRAMES_PER_SECOND);
        return 2;
    }
    if (status == LOCKSTEP_END_OF_INPUT)
        LOG("%8.2f s  end of input: the line is closed\n", p->frame / (double) FRAMES_PER_SECOND);
    return status < 0 ? 0 : status;
}

static void peer_init(peer_t *p, const family_t *fam, int caller)
{
    memset(p, 0, sizeof(*p));
    p->fam = fam;
    p->caller = caller;
    p->expect = -1;
    int tx_preset = caller ? fam->caller_tx : fam->answerer_tx;
    int rx_preset = caller ? fam->answerer_tx : fam->caller_tx;
    p->rx_spec = &preset_fsk_specs[rx_preset];
    carrier_detector_init(&p->carrier, rx_preset, tx_preset);
    p->tx = fsk_tx_init(NULL, &preset_fsk_specs[tx_preset], framer_get_bit, &p->framer);
    p->deframer.put_byte = peer_put_byte;
    p->deframer.user_data = p;
    deframer_reset(&p->deframer);
    p->rx = fsk_rx_init(NULL, p->rx_spec, FSK_FRAME_MODE_ASYNC, deframer_put_bit, &p->deframer);
    fsk_rx_set_modem_status_handler(p->rx, fsk_rx_status, &p->deframer);
    fsk_rx_set_thresholds(p->rx, p->rx_spec);
    p->tone_amp = 32767.0 * pow(10.0, (TX_LEVEL_DBM0 - 3.14) / 20.0);
    p->state = caller ? ST_WAIT_TONE : ST_ANSWER_TONE;
}

/* ------------------------------------------------------------------------------------------------ */
/* Bit error rate: ITU-T O.150 clause 5.3 PRBS 2^15-1, x^15 + x^14 + 1, output inverted.            */

#define PRBS_SEED 0x7FFF

/* Register bit 0 holds the newest (uninverted) bit; stages 14 and 15 are bits 13 and 14. */
static int prbs_feedback(uint16_t reg)
{
    return ((reg >> 14) ^ (reg >> 13)) & 1;
}

static int prbs_next(uint16_t *reg)
{
    int fb = prbs_feedback(*reg);
    *reg = (uint16_t) (((*reg << 1) | fb) & 0x7FFF);
    return fb ^ 1;
}

/* How many bits a generator started from PRBS_SEED has produced when its register equals reg. */
static long prbs_position(uint16_t reg)
{
    uint16_t g = PRBS_SEED;
    for (long k = 0; k < 32767; k++) {
        if (g == reg)
            return k;
        prbs_next(&g);
    }
    return 0;
}

typedef struct {
    long bits_total; /* --bits */
    long pre_bits, post_bits;
    long index;
    uint16_t reg;
} ber_source_t;

static int ber_source_get_bit(void *user_data)
{
    ber_source_t *s = user_data;
    long i = s->index++;
    if (i < s->pre_bits || i >= s->pre_bits + s->bits_total)
        return 1;
    return prbs_next(&s->reg);
}

static int run_ber_tx(int preset, long bits)
{
    const fsk_spec_t *spec = &preset_fsk_specs[preset];
    double baud = spec->baud_rate / 100.0;
    ber_source_t src = {bits, lrint(0.2 * baud), lrint(0.2 * baud) + 8, 0, PRBS_SEED};
    long total_samples = (long) ceil((src.pre_bits + bits + src.post_bits) * SAMPLE_RATE / baud);
    fsk_tx_state_t *tx = fsk_tx_init(NULL, spec, ber_source_get_bit, &src);
    int16_t buf[FRAME];
    signal(SIGPIPE, SIG_IGN);
    for (long done = 0; done < total_samples; done += FRAME) {
        int n = total_samples - done < FRAME ? (int) (total_samples - done) : FRAME;
        fsk_tx(tx, buf, n);
        if (lockstep_write_full(1, buf, n * sizeof(buf[0])) < 0)
            return 1;
    }
    return 0;
}

enum { BER_SEARCH, BER_LOCKED };

#define BER_LOCK_RUN 32    /* consecutive correct self-synchronised predictions */
#define BER_WINDOW 128     /* slip detection: this many recent bits... */
#define BER_WINDOW_BAD 48  /* ...with this many errors means the lock is lost */

typedef struct {
    long bits_total;
    int state;
    uint16_t reg; /* self-synchronising register, fed with the received bits */
    uint16_t gen; /* free-running reference once locked */
    int loaded, run;
    int ever_locked;
    long position; /* PRBS bits sent up to the current one, once known */
    long first_position;
    long bits, errors, resyncs;
    uint8_t window[BER_WINDOW];
    int window_pos, window_errors;
} ber_checker_t;

static void ber_lock(ber_checker_t *c)
{
    c->state = BER_LOCKED;
    c->gen = c->reg;
    memset(c->window, 0, sizeof(c->window));
    c->window_errors = 0;
    if (!c->ever_locked) {
        c->ever_locked = 1;
        c->position = prbs_position(c->reg);
        c->first_position = c->position;
    }
}

static void ber_search_bit(ber_checker_t *c, int bit)
{
    int u = bit ^ 1;
    int predicted_ok = c->loaded >= 15 && c->reg != 0 && prbs_feedback(c->reg) == u;
    c->run = predicted_ok ? c->run + 1 : 0;
    c->reg = (uint16_t) (((c->reg << 1) | u) & 0x7FFF);
    c->loaded++;
    if (c->run >= BER_LOCK_RUN && c->reg != 0)
        ber_lock(c);
}

static void ber_checker_put_bit(void *user_data, int bit)
{
    ber_checker_t *c = user_data;
    if (bit < 0)
        return; /* carrier status */
    if (c->ever_locked && ++c->position > c->bits_total)
        return; /* the mark after the PRBS */
    if (c->state == BER_SEARCH) {
        ber_search_bit(c, bit);
        return;
    }
    int err = prbs_next(&c->gen) != bit;
    c->reg = (uint16_t) (((c->reg << 1) | (bit ^ 1)) & 0x7FFF);
    c->bits++;
    c->errors += err;
    c->window_errors += err - c->window[c->window_pos];
    c->window[c->window_pos] = (uint8_t) err;
    c->window_pos = (c->window_pos + 1) % BER_WINDOW;
    if (c->window_errors > BER_WINDOW_BAD) {
        c->state = BER_SEARCH;
        c->run = 0;
        c->resyncs++;
    }
}

static int run_ber_rx(int preset, long bits)
{
    ber_checker_t c;
    memset(&c, 0, sizeof(c));
    c.bits_total = bits;
    fsk_rx_state_t *rx = fsk_rx_init(NULL, &preset_fsk_specs[preset], FSK_FRAME_MODE_SYNC, ber_checker_put_bit, &c);
    fsk_rx_set_thresholds(rx, &preset_fsk_specs[preset]);
    int16_t buf[FRAME];
    size_t got;
    while ((got = lockstep_read_full(0, buf, sizeof(buf))) >= sizeof(buf[0]))
        fsk_rx(rx, buf, (int) (got / sizeof(buf[0])));
    long expected = c.ever_locked ? bits - c.first_position : bits;
    printf("{\"bits\":%ld,\"errors\":%ld,\"missing\":%ld,\"resyncs\":%ld}\n", c.bits, c.errors,
           expected - c.bits, c.resyncs);
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Throughput: both directions of a call in memory, random characters, CPU time measured.           */

typedef struct {
    const uint8_t *expected;
    long received, ok;
} char_counter_t;

static void count_byte(void *user_data, int byte)
{
    char_counter_t *c = user_data;
    if (c->expected[c->received++] == byte)
        c->ok++;
}

typedef struct {
    framer_t framer;
    fsk_tx_state_t *tx;
    fsk_rx_state_t *rx; /* receives the other side */
    deframer_t deframer;
    char_counter_t counter;
    uint8_t *data;
} bench_side_t;

static void bench_side_init(bench_side_t *s, int tx_preset, int rx_preset, size_t nbytes, uint32_t seed,
                            const uint8_t *other_data)
{
    memset(s, 0, sizeof(*s));
    s->data = malloc(nbytes);
    for (size_t i = 0; i < nbytes; i++) {
        seed = seed * 1664525u + 1013904223u;
        s->data[i] = (uint8_t) (seed >> 24);
    }
    s->framer.data = s->data;
    s->framer.len = nbytes;
    s->framer.enabled = 1;
    s->tx = fsk_tx_init(NULL, &preset_fsk_specs[tx_preset], framer_get_bit, &s->framer);
    s->counter.expected = other_data;
    s->deframer.put_byte = count_byte;
    s->deframer.user_data = &s->counter;
    deframer_reset(&s->deframer);
    s->rx = fsk_rx_init(NULL, &preset_fsk_specs[rx_preset], FSK_FRAME_MODE_ASYNC, deframer_put_bit, &s->deframer);
    fsk_rx_set_modem_status_handler(s->rx, fsk_rx_status, &s->deframer);
    fsk_rx_set_thresholds(s->rx, &preset_fsk_specs[rx_preset]);
}

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int run_throughput(const family_t *fam, double seconds)
{
    long frames = lrint(seconds * FRAMES_PER_SECOND);
    size_t nbytes = (size_t) (seconds * 160) + 16; /* more than 1200 bit/s can carry */
    bench_side_t caller, answerer;
    /* Data first, so each receiver can check against the other side's characters. */
    bench_side_init(&caller, fam->caller_tx, fam->answerer_tx, nbytes, 1u, NULL);
    bench_side_init(&answerer, fam->answerer_tx, fam->caller_tx, nbytes, 2u, caller.data);
    caller.counter.expected = answerer.data;
    int16_t from_caller[FRAME], from_answerer[FRAME];
    double t0 = cpu_seconds();
    for (long i = 0; i < frames; i++) {
        fsk_tx(caller.tx, from_caller, FRAME);
        fsk_tx(answerer.tx, from_answerer, FRAME);
        fsk_rx(answerer.rx, from_caller, FRAME);
        fsk_rx(caller.rx, from_answerer, FRAME);
    }
    double cpu = cpu_seconds() - t0;
    double line = frames / (double) FRAMES_PER_SECOND;
    printf("{\"seconds_line\":%g,\"seconds_cpu\":%.6f,\"x_realtime\":%.1f,\"chars_ok\":%ld,\"chars_sent\":%ld}\n",
           line, cpu, cpu > 0 ? line / cpu : 0.0, caller.counter.ok + answerer.counter.ok,
           (long) (caller.framer.pos + answerer.framer.pos));
    return 0;
}


/* ------------------------------------------------------------------------------------------------ */
/* V.22 / V.22bis: spandsp's v22bis modem (1200 or 2400 bit/s) with our call procedure around it.    */
/* spandsp's modem starts at the V.22bis handshake (answerer: 75 ms of silence, then unscrambled      */
/* ones); the V.25 answer tone before it (2100 Hz, 3 s) and the async 8N1 framing are ours. The       */
/* guard tone is none (spandsp's answerer option 0). --prbs N sends N bits of the O.150 PRBS once      */
/* connected instead of characters, and prints the receiver's count as "BER {json}" on stderr.       */

#define QAM_ANSWER_TONE_FRAMES 150 /* 3 s of 2100 Hz (V.25 clause 4: 3.3 +- 0.7 s) */
#define QAM_QUIET_DBM0 (-48.0)

typedef struct {
    v22bis_state_t *modem;
    int caller, bit_rate, guard;
    band_t rx_band;
    framer_t framer;
    deframer_t deframer;
    FILE *recv_file;
    long received, expect;
    int hangup_after_send;
    double max_seconds;
    int running; /* the spandsp modem has started (after our answer tone, answering) */
    int connected, reported_rate;
    int quiet_frames, heard;
    int finishing, finish_frames, hangup_frames;
    double tone_phase, tone_amp;
    long frame;
    long prbs_bits;
    ber_source_t prbs_src;
    ber_checker_t prbs_check;
} qam_peer_t;

static void qam_status(void *user_data, int status)
{
    qam_peer_t *p = user_data;
    switch (status) {
    case SIG_STATUS_TRAINING_SUCCEEDED:
        if (!p->connected) {
            p->connected = 1;
            p->reported_rate = v22bis_get_current_bit_rate(p->modem);
            p->framer.enabled = 1;
            LOG("%8.2f s  CONNECT %d\n", p->frame / (double) FRAMES_PER_SECOND, p->reported_rate);
        }
        break;
    case SIG_STATUS_TRAINING_FAILED:
        LOG("%8.2f s  training failed\n", p->frame / (double) FRAMES_PER_SECOND);
        break;
    case SIG_STATUS_CARRIER_DOWN:
    case SIG_STATUS_CARRIER_UP:
        deframer_reset(&p->deframer);
        break;
    default:
        break;
    }
}

static int qam_get_bit(void *user_data)
{
    qam_peer_t *p = user_data;
    if (!p->connected)
        return 1;
    if (p->prbs_bits > 0)
        return ber_source_get_bit(&p->prbs_src);
    return framer_get_bit(&p->framer);
}

static void qam_put_byte(void *user_data, int byte)
{
    qam_peer_t *p = user_data;
    p->received++;
    if (p->recv_file) {
        fputc(byte, p->recv_file);
        fflush(p->recv_file);
    }
}

static void qam_put_bit(void *user_data, int bit)
{
    qam_peer_t *p = user_data;
    if (bit < 0) {
        qam_status(p, bit);
        return;
    }
    /* No gate on our own CONNECT: spandsp reports training success when its transmitter has finished, but its
       receiver delivers data as soon as it has seen the far end's scrambled ones (V.22bis 6.3.1.1.1 f)). */
    if (p->prbs_bits > 0)
        ber_checker_put_bit(&p->prbs_check, bit);
    else
        deframer_put_bit(&p->deframer, bit);
}

static void qam_peer_init(qam_peer_t *p, int bit_rate, int caller)
{
    memset(p, 0, sizeof(*p));
    p->caller = caller;
    p->bit_rate = bit_rate;
    p->expect = -1;
    p->deframer.put_byte = qam_put_byte;
    p->deframer.user_data = p;
    deframer_reset(&p->deframer);
    /* The far channel: 2400 +- 600 Hz when calling, 1200 +- 600 Hz when answering. */
    p->rx_band = caller ? band_hz(1800.0, 3000.0) : band_hz(600.0, 1800.0);
    p->tone_amp = 32767.0 * pow(10.0, (TX_LEVEL_DBM0 - 3.14) / 20.0);
    p->modem = v22bis_init(NULL, bit_rate, 0, caller, qam_get_bit, p, qam_put_bit, p);
    v22bis_set_modem_status_handler(p->modem, qam_status, p);
    p->running = caller;
}

static int qam_payload_done(const qam_peer_t *p)
{
    if (p->prbs_bits > 0)
        return p->prbs_src.index >= p->prbs_bits + 64;
    return p->framer.pos >= p->framer.len && p->framer.nbits == 0;
}

/* Returns -1 to carry on, or the exit status. */
static int qam_step(qam_peer_t *p, const int16_t *rx, int16_t *tx)
{
    frame_analysis_t a;
    analyse_frame(&a, rx);
    int quiet = energy_dbm0(band_energy(&a, p->rx_band)) < QAM_QUIET_DBM0;
    p->quiet_frames = quiet ? p->quiet_frames + 1 : 0;
    if (!quiet)
        p->heard = 1;
    if (p->running)
        v22bis_rx(p->modem, rx, FRAME);
    if (p->connected && p->heard && p->quiet_frames > NO_CARRIER_FRAMES) {
        LOG("%8.2f s  NO CARRIER\n", p->frame / (double) FRAMES_PER_SECOND);
        return 0;
    }
    if (!p->running) {
        double step = 2.0 * M_PI * 2100.0 / SAMPLE_RATE;
        for (int i = 0; i < FRAME; i++) {
            tx[i] = (int16_t) lrint(p->tone_amp * sin(p->tone_phase));
            p->tone_phase = fmod(p->tone_phase + step, 2.0 * M_PI);
        }
        if (p->frame + 1 >= QAM_ANSWER_TONE_FRAMES)
            p->running = 1;
        return -1;
    }
    if (p->hangup_frames > 0) {
        memset(tx, 0, FRAME * sizeof(tx[0]));
        return --p->hangup_frames == 0 ? 0 : -1;
    }
    int n = v22bis_tx(p->modem, tx, FRAME);
    if (n < FRAME)
        memset(tx + n, 0, (FRAME - n) * sizeof(tx[0]));
    if (p->connected && qam_payload_done(p)) {
        if (p->finishing) {
            if (--p->finish_frames <= 0)
                p->hangup_frames = HANGUP_FRAMES;
        } else if (p->hangup_after_send || (p->expect >= 0 && p->received >= p->expect)) {
            p->finishing = 1;
            p->finish_frames = p->hangup_after_send ? MARK_TAIL_FRAMES : FINISH_FRAMES;
        }
    }
    return -1;
}

static int qam_frame(void *user, const int16_t *rx, int16_t *tx)
{
    int status = qam_step(user, rx, tx);
    return status >= 0 ? status : LOCKSTEP_CONTINUE;
}

static int run_qam_peer(qam_peer_t *p)
{
    int status = lockstep_run(qam_frame, p, &p->frame, p->max_seconds);
    if (status == LOCKSTEP_TIME_LIMIT)
        return 2;
    return status < 0 ? 0 : status;
}

static void qam_report(const qam_peer_t *p)
{
    fprintf(stderr, "RATE %d\n", p->reported_rate);
    if (p->prbs_bits > 0) {
        const ber_checker_t *c = &p->prbs_check;
        long expected = c->ever_locked ? p->prbs_bits - c->first_position : p->prbs_bits;
        fprintf(stderr, "BER {\"bits\":%ld,\"errors\":%ld,\"missing\":%ld,\"resyncs\":%ld}\n", c->bits, c->errors,
                expected - c->bits, c->resyncs);
    }
}

/* Throughput of a V.22bis pair in memory: handshake and random characters both ways, CPU time measured. */
static int run_qam_throughput(int bit_rate, double seconds)
{
    long frames = lrint(seconds * FRAMES_PER_SECOND);
    size_t nbytes = (size_t) (seconds * 300) + 16;
    static qam_peer_t c, a;
    qam_peer_init(&c, bit_rate, 1);
    qam_peer_init(&a, bit_rate, 0);
    a.running = 1;
    uint8_t *dc = malloc(nbytes), *da = malloc(nbytes);
    uint32_t seed = 1;
    for (size_t i = 0; i < nbytes; i++) {
        seed = seed * 1664525u + 1013904223u;
        dc[i] = (uint8_t) (seed >> 24);
        da[i] = (uint8_t) (seed >> 16);
    }
    c.framer.data = dc;
    c.framer.len = nbytes;
    a.framer.data = da;
    a.framer.len = nbytes;
    int16_t from_c[FRAME], from_a[FRAME];
    memset(from_c, 0, sizeof(from_c));
    memset(from_a, 0, sizeof(from_a));
    double t0 = cpu_seconds();
    for (long i = 0; i < frames; i++) {
        v22bis_rx(c.modem, from_a, FRAME);
        v22bis_rx(a.modem, from_c, FRAME);
        int n = v22bis_tx(c.modem, from_c, FRAME);
        if (n < FRAME) memset(from_c + n, 0, (FRAME - n) * sizeof(int16_t));
        n = v22bis_tx(a.modem, from_a, FRAME);
        if (n < FRAME) memset(from_a + n, 0, (FRAME - n) * sizeof(int16_t));
    }
    double cpu = cpu_seconds() - t0;
    double line = frames / (double) FRAMES_PER_SECOND;
    printf("{\"seconds_line\":%g,\"seconds_cpu\":%.6f,\"x_realtime\":%.1f,\"chars_ok\":%ld,\"chars_sent\":%ld,"
           "\"rate\":%d}\n",
           line, cpu, cpu > 0 ? line / cpu : 0.0, c.received + a.received, (long) (c.framer.pos + a.framer.pos),
           c.reported_rate);
    return 0;
}

/* ------------------------------------------------------------------------------------------------ */
/* Command line                                                                                     */

static void print_usage(void)
{
    fputs("usage:\n"
          "  spandsp-modem --modem v21|bell103|v23|bell202 --role caller|answerer\n"
          "                [--send FILE] [--recv FILE] [--expect N] [--hangup-after-send]\n"
          "                [--max-seconds S] [--verbose] [--raw-rx]\n"
          "      lock-step peer: per 20 ms frame, reads 160 S16LE samples (8000 Hz) from stdin,\n"
          "      writes 160 to stdout, until EOF. Exit 0: call ended; 2: --max-seconds exceeded.\n"
          "  spandsp-modem --ber-tx --modem SPEC --bits N    modulated O.150 PRBS to stdout\n"
          "  spandsp-modem --ber-rx --modem SPEC --bits N    JSON {bits, errors, missing, resyncs}\n"
          "      SPEC: v21ch1 v21ch2 bell103ch1 (answer, 2025/2225) bell103ch2 (originate, 1070/1270)\n"
          "            bell103ans bell103orig v23ch1 v23ch2 bell202\n"
          "  spandsp-modem --modem v22|v22bis --role caller|answerer [--send FILE] [--recv FILE]\n"
          "                [--expect N] [--hangup-after-send] [--prbs N] [--max-seconds S] [--verbose]\n"
          "      spandsp's V.22bis modem at 1200 (v22) or 2400 bit/s (v22bis), same lock-step contract;\n"
          "      stderr gets \"RATE r\" and, with --prbs, \"BER {json}\" at exit.\n"
          "  spandsp-modem --throughput --modem v21|bell103|v23|bell202|v22|v22bis --seconds S\n"
          "      JSON {seconds_line, seconds_cpu, x_realtime, chars_ok, chars_sent}\n",
          stderr);
}

typedef struct {
    const char *mode; /* "peer", "ber-tx", "ber-rx", "throughput" */
    const char *modem, *role, *send, *recv;
    long expect, bits, prbs;
    int hangup_after_send;
    double max_seconds, seconds;
} options_t;

static int parse_options(int argc, char **argv, options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = "peer";
    o->expect = -1;
    o->bits = 20000;
    o->seconds = 10.0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define TAKE(field, conv) do { if (!v) return -1; o->field = conv; i++; } while (0)
        if (strcmp(a, "--modem") == 0) TAKE(modem, v);
        else if (strcmp(a, "--role") == 0) TAKE(role, v);
        else if (strcmp(a, "--send") == 0) TAKE(send, v);
        else if (strcmp(a, "--recv") == 0) TAKE(recv, v);
        else if (strcmp(a, "--expect") == 0) TAKE(expect, atol(v));
        else if (strcmp(a, "--bits") == 0) TAKE(bits, atol(v));
        else if (strcmp(a, "--prbs") == 0) TAKE(prbs, atol(v));
        else if (strcmp(a, "--max-seconds") == 0) TAKE(max_seconds, atof(v));
        else if (strcmp(a, "--seconds") == 0) TAKE(seconds, atof(v));
        else if (strcmp(a, "--hangup-after-send") == 0) o->hangup_after_send = 1;
        else if (strcmp(a, "--verbose") == 0) verbose = 1;
        else if (strcmp(a, "--raw-rx") == 0) raw_rx = 1;
        else if (strcmp(a, "--ber-tx") == 0) o->mode = "ber-tx";
        else if (strcmp(a, "--ber-rx") == 0) o->mode = "ber-rx";
        else if (strcmp(a, "--throughput") == 0) o->mode = "throughput";
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return -1;
        else {
            fprintf(stderr, "spandsp-modem: unknown option %s\n", a);
            return -1;
        }
#undef TAKE
    }
    return o->modem ? 0 : -1;
}

static int usage_error(const char *msg)
{
    fprintf(stderr, "spandsp-modem: %s\n", msg);
    print_usage();
    return 1;
}

static int run_qam(const options_t *o, int bit_rate)
{
    if (strcmp(o->mode, "throughput") == 0)
        return run_qam_throughput(bit_rate, o->seconds);
    if (!o->role || (strcmp(o->role, "caller") != 0 && strcmp(o->role, "answerer") != 0))
        return usage_error("--role caller|answerer is required");
    analysis_init();
    static qam_peer_t peer;
    qam_peer_init(&peer, bit_rate, strcmp(o->role, "caller") == 0);
    static uint8_t empty = 0;
    peer.framer.data = o->send ? lockstep_read_file(o->send, &peer.framer.len) : &empty;
    peer.expect = o->expect;
    peer.hangup_after_send = o->hangup_after_send;
    peer.max_seconds = o->max_seconds;
    if (o->prbs > 0) {
        peer.prbs_bits = o->prbs;
        peer.prbs_src.bits_total = o->prbs;
        peer.prbs_src.pre_bits = 0;
        peer.prbs_src.reg = PRBS_SEED;
        peer.prbs_check.bits_total = o->prbs;
    }
    if (o->recv && !(peer.recv_file = fopen(o->recv, "wb"))) {
        fprintf(stderr, "spandsp-modem: cannot create %s: %s\n", o->recv, strerror(errno));
        return 1;
    }
    LOG("spandsp-modem: %s %s, sending %zu bytes\n", o->modem, o->role, peer.framer.len);
    int status = run_qam_peer(&peer);
    LOG("spandsp-modem: exit %d, received %ld bytes\n", status, peer.received);
    qam_report(&peer);
    if (peer.recv_file)
        fclose(peer.recv_file);
    return status;
}

int main(int argc, char **argv)
{
    options_t o;
    if (parse_options(argc, argv, &o) < 0)
        return usage_error("--modem is required");
    if (strncmp(o.mode, "ber-", 4) == 0) {
        int preset = find_channel(o.modem);
        if (preset < 0 || o.bits <= 0)
            return usage_error("unknown channel, or --bits not positive");
        return strcmp(o.mode, "ber-tx") == 0 ? run_ber_tx(preset, o.bits) : run_ber_rx(preset, o.bits);
    }
    int qam_rate = strcmp(o.modem, "v22") == 0 ? 1200 : strcmp(o.modem, "v22bis") == 0 ? 2400 : 0;
    if (qam_rate)
        return run_qam(&o, qam_rate);
    const family_t *fam = find_family(o.modem);
    if (!fam)
        return usage_error("unknown modem family");
    if (strcmp(o.mode, "throughput") == 0)
        return run_throughput(fam, o.seconds);
    if (!o.role || (strcmp(o.role, "caller") != 0 && strcmp(o.role, "answerer") != 0))
        return usage_error("--role caller|answerer is required");

    analysis_init();
    static peer_t peer;
    peer_init(&peer, fam, strcmp(o.role, "caller") == 0);
    uint8_t empty = 0;
    peer.framer.data = o.send ? lockstep_read_file(o.send, &peer.framer.len) : &empty;
    peer.expect = o.expect;
    peer.hangup_after_send = o.hangup_after_send;
    peer.max_seconds = o.max_seconds;
    if (o.recv && !(peer.recv_file = fopen(o.recv, "wb"))) {
        fprintf(stderr, "spandsp-modem: cannot create %s: %s\n", o.recv, strerror(errno));
        return 1;
    }
    LOG("spandsp-modem: %s %s, sending %zu bytes\n", fam->name, o.role, peer.framer.len);
    int status = run_peer(&peer);
    LOG("spandsp-modem: exit %d, received %ld bytes\n", status, peer.received);
    if (peer.recv_file)
        fclose(peer.recv_file);
    return status;
}
