/*
 * spandsp-v42bis: spandsp 0.0.6's V.42bis alone, on files, as the reference for Dialtone's encoder and decoder
 * (test/interop/spandsp-v42bis.test.ts). No modem and no LAPM: the octets are what would go into I frames.
 *
 *   spandsp-v42bis compress   P1 P2 dynamic|always|never CHUNK FLUSH_EVERY  < data        > octets
 *   spandsp-v42bis decompress P1 P2 CHUNK                                  < octets      > data
 *
 * compress: the data goes to v42bis_compress() CHUNK octets at a time, with v42bis_compress_flush() after every
 * FLUSH_EVERY octets (0: only at the end). decompress: the octets go to v42bis_decompress() CHUNK at a time, each
 * followed by v42bis_decompress_flush(), as an I frame would. On stderr: "error at octet N" for each chunk the
 * decoder refused (v42bis_decompress() returned nonzero), then a summary line. Exit status 0 unless refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "lockstep.h"

static long written;

static void put(void *user_data, const uint8_t *msg, int len)
{
    (void) user_data;
    fwrite(msg, 1, (size_t) len, stdout);
    written += len;
}

static int mode_of(const char *m)
{
    if (!strcmp(m, "always"))
        return V42BIS_COMPRESSION_MODE_ALWAYS;
    if (!strcmp(m, "never"))
        return V42BIS_COMPRESSION_MODE_NEVER;
    return V42BIS_COMPRESSION_MODE_DYNAMIC;
}

int main(int argc, char **argv)
{
    int compress = argc == 7 && !strcmp(argv[1], "compress");
    if (!compress && !(argc == 5 && !strcmp(argv[1], "decompress"))) {
        fprintf(stderr, "usage: spandsp-v42bis compress P1 P2 dynamic|always|never CHUNK FLUSH_EVERY | decompress P1 P2 CHUNK\n");
        return 2;
    }
    int p1 = atoi(argv[2]), p2 = atoi(argv[3]);
    long chunk = atol(argv[compress ? 5 : 4]);
    long flush_every = compress ? atol(argv[6]) : 0;
    size_t n;
    uint8_t *data = lockstep_read_stream(stdin, &n);
    v42bis_state_t *s = v42bis_init(NULL, 3, p1, p2, put, NULL, 1024, put, NULL, 1024);
    if (!s || chunk <= 0) {
        fprintf(stderr, "spandsp-v42bis: bad parameters\n");
        return 2;
    }
    if (compress)
        v42bis_compression_control(s, mode_of(argv[4]));
    int refused = 0;
    long since_flush = 0;
    for (size_t at = 0; at < n; at += (size_t) chunk) {
        int len = (int) (n - at < (size_t) chunk ? n - at : (size_t) chunk);
        if (compress) {
            v42bis_compress(s, data + at, len);
            since_flush += len;
            if (flush_every > 0 && since_flush >= flush_every) {
                v42bis_compress_flush(s);
                since_flush = 0;
            }
        } else {
            if (v42bis_decompress(s, data + at, len) != 0) {
                fprintf(stderr, "error at octet %zu\n", at);
                refused = 1;
            }
            v42bis_decompress_flush(s);
        }
    }
    if (compress)
        v42bis_compress_flush(s);
    fflush(stdout);
    fprintf(stderr, "spandsp-v42bis: %s %zu octets in, %ld out\n", argv[1], n, written);
    return refused;
}
