/* Reference round trip through opencore-amrnb, opencore-amrwb and vo-amrwbenc, linked the ordinary way (not through
 * the addon's dlopen path), for the bit-exact tests of hal/codecs/. One pass per frame: encode in that frame's mode,
 * then decode, as lost if that frame's loss flag is set (bfi = 1, which opencore turns into frame type NO_DATA).
 *
 *   amr-ref nb|wb DTX SPEECH MODES LOST FRAMES OUT
 *
 * SPEECH: S16LE samples (8000 Hz for nb, 16000 Hz for wb), whole frames of 160 or 320; MODES and LOST: one byte per
 * frame (mode index 0–7 or 0–8; 0 or 1); FRAMES (written): each coded frame as one length byte then its bytes
 * (RFC 4867 storage format); OUT (written): the decoded S16LE samples. */
#include <opencore-amrnb/interf_dec.h>
#include <opencore-amrnb/interf_enc.h>
#include <opencore-amrwb/dec_if.h>
#include <vo-amrwbenc/enc_if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *open_or_die(const char *path, const char *how) {
  FILE *f = fopen(path, how);
  if (!f) {
    perror(path);
    exit(2);
  }
  return f;
}

int main(int argc, char **argv) {
  if (argc != 8 || (strcmp(argv[1], "nb") && strcmp(argv[1], "wb"))) {
    fprintf(stderr, "usage: amr-ref nb|wb DTX SPEECH MODES LOST FRAMES OUT\n");
    return 2;
  }
  int wide = !strcmp(argv[1], "wb");
  int dtx = atoi(argv[2]);
  int n = wide ? 320 : 160;
  FILE *speech = open_or_die(argv[3], "rb"), *modes = open_or_die(argv[4], "rb"), *lost = open_or_die(argv[5], "rb");
  FILE *frames = open_or_die(argv[6], "wb"), *out = open_or_die(argv[7], "wb");
  void *enc = wide ? E_IF_init() : Encoder_Interface_init(dtx);
  void *dec = wide ? D_IF_init() : Decoder_Interface_init();
  short in[320], pcm[320];
  unsigned char frame[64];
  memset(frame, 0, sizeof frame);
  int mode, bad;
  while (fread(in, 2, (size_t)n, speech) == (size_t)n && (mode = fgetc(modes)) != EOF && (bad = fgetc(lost)) != EOF) {
    int len = wide ? E_IF_encode(enc, mode, in, frame, dtx) : Encoder_Interface_Encode(enc, (enum Mode)mode, in, frame, 0);
    if (len < 0 || len > 61) {
      fprintf(stderr, "encoder returned %d\n", len);
      return 1;
    }
    fputc(len, frames);
    fwrite(frame, 1, (size_t)len, frames);
    if (wide)
      D_IF_decode(dec, frame, pcm, bad);
    else
      Decoder_Interface_Decode(dec, frame, pcm, bad);
    fwrite(pcm, 2, (size_t)n, out);
  }
  if (wide) {
    E_IF_exit(enc);
    D_IF_exit(dec);
  } else {
    Encoder_Interface_exit(enc);
    Decoder_Interface_exit(dec);
  }
  fclose(frames);
  fclose(out);
  return 0;
}
