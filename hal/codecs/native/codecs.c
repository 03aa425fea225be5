/* The reference speech codecs of a cellular call (issue 19) for the channel models in hal/codecs/:
 * opencore-amrnb (AMR-NB encoder and decoder), opencore-amrwb (AMR-WB decoder), vo-amrwbenc (AMR-WB encoder) and
 * libsbc (mSBC, the HFP 1.6 wideband SCO codec).
 *
 * Why dlopen(): `npm ci` must build on a machine without these libraries or their -dev headers (the Pi image, a
 * newcomer's laptop), and a missing library must be a clean error when a chain asks for that codec, not a failed
 * install or an addon that will not load. So nothing here links against them: each library is opened by its
 * soname when first asked for, and the few functions used are declared below with the prototypes of Debian
 * bookworm's headers (checked against opencore-amrnb/interf_{enc,dec}.h, opencore-amrwb/dec_if.h,
 * vo-amrwbenc/enc_if.h and sbc/sbc.h).
 *
 * Per frame nothing is allocated: the caller passes typed arrays for the samples and the coded frame, and the
 * functions write into them and return a small integer. */
#include <node_api.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define CHECK(call) do { if ((call) != napi_ok) return NULL; } while (0)

/* sbc/sbc.h: the public part of the codec state is a struct the caller owns; the layout must match libsbc.so.1. */
typedef struct {
  unsigned long flags;
  uint8_t frequency, blocks, subbands, mode, allocation, bitpool, endian;
  void *priv;
  void *priv_alloc_base;
} sbc_t;

/* The libraries, in the order the JS side numbers them (LIBRARY_* in hal/codecs/native-addon.ts). */
enum { LIB_AMRNB, LIB_AMRWB, LIB_AMRWBENC, LIB_SBC, LIB_COUNT };

static struct {
  void *(*enc_init)(int dtx);
  int (*enc_encode)(void *st, int mode, const short *speech, unsigned char *out, int force_speech);
  void (*enc_exit)(void *st);
  void *(*dec_init)(void);
  void (*dec_decode)(void *st, const unsigned char *in, short *out, int bfi);
  void (*dec_exit)(void *st);
} amrnb;

static struct {
  void *(*init)(void);
  void (*decode)(void *st, const unsigned char *in, short *out, int bfi);
  void (*exit)(void *st);
} amrwb;

static struct {
  void *(*init)(void);
  int (*encode)(void *st, int mode, const short *speech, unsigned char *out, int dtx);
  void (*exit)(void *st);
} amrwbenc;

static struct {
  int (*init_msbc)(sbc_t *sbc, unsigned long flags);
  ssize_t (*encode)(sbc_t *sbc, const void *in, size_t in_len, void *out, size_t out_len, ssize_t *written);
  ssize_t (*decode)(sbc_t *sbc, const void *in, size_t in_len, void *out, size_t out_len, size_t *written);
  void (*finish)(sbc_t *sbc);
} sbc;

static int loaded[LIB_COUNT];

static const char *const SYMBOLS[LIB_COUNT][7] = {
  { "Encoder_Interface_init", "Encoder_Interface_Encode", "Encoder_Interface_exit", "Decoder_Interface_init",
    "Decoder_Interface_Decode", "Decoder_Interface_exit", NULL },
  { "D_IF_init", "D_IF_decode", "D_IF_exit", NULL },
  { "E_IF_init", "E_IF_encode", "E_IF_exit", NULL },
  { "sbc_init_msbc", "sbc_encode", "sbc_decode", "sbc_finish", NULL },
};

static void **table(int lib) {
  switch (lib) {
    case LIB_AMRNB: return (void **)&amrnb;
    case LIB_AMRWB: return (void **)&amrwb;
    case LIB_AMRWBENC: return (void **)&amrwbenc;
    default: return (void **)&sbc;
  }
}

/* load(library, soname) -> true, or throws an error with code ECODECUNAVAILABLE and dlerror()'s text.
 * The function table is only replaced once every symbol resolved, so a failed load leaves a good one in place. */
static napi_value load(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t lib;
  char soname[256];
  size_t len;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &lib));
  CHECK(napi_get_value_string_utf8(env, argv[1], soname, sizeof soname, &len));
  if (lib < 0 || lib >= LIB_COUNT) {
    napi_throw_range_error(env, NULL, "no such codec library");
    return NULL;
  }
  char msg[640];
  void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(msg, sizeof msg, "%.600s", dlerror());
    napi_throw_error(env, "ECODECUNAVAILABLE", msg);
    return NULL;
  }
  void *fn[7];
  int n = 0;
  for (; SYMBOLS[lib][n]; n++) {
    dlerror();
    fn[n] = dlsym(h, SYMBOLS[lib][n]);
    if (!fn[n]) {
      snprintf(msg, sizeof msg, "%.200s has no %.100s", soname, SYMBOLS[lib][n]);
      dlclose(h);
      napi_throw_error(env, "ECODECUNAVAILABLE", msg);
      return NULL;
    }
  }
  memcpy(table(lib), fn, (size_t)n * sizeof(void *));
  loaded[lib] = 1; /* the handle stays open for the life of the process, as the codec states point into it */
  napi_value t;
  CHECK(napi_get_boolean(env, 1, &t));
  return t;
}

/* A codec instance behind an external: freed by close() or, if the caller forgot, by the garbage collector. */
enum { K_AMRNB_ENC, K_AMRNB_DEC, K_AMRWB_ENC, K_AMRWB_DEC, K_MSBC };

typedef struct {
  int kind;
  void *st;
  sbc_t sbc;
} codec_t;

static void release(codec_t *c) {
  if (!c->st) return;
  switch (c->kind) {
    case K_AMRNB_ENC: amrnb.enc_exit(c->st); break;
    case K_AMRNB_DEC: amrnb.dec_exit(c->st); break;
    case K_AMRWB_ENC: amrwbenc.exit(c->st); break;
    case K_AMRWB_DEC: amrwb.exit(c->st); break;
    case K_MSBC: sbc.finish(&c->sbc); break;
  }
  c->st = NULL;
}

static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release((codec_t *)data);
  free(data);
}

static codec_t *unwrap(napi_env env, napi_value v, int kind) {
  codec_t *c = NULL;
  if (napi_get_value_external(env, v, (void **)&c) != napi_ok || !c || c->kind != kind) {
    napi_throw_type_error(env, NULL, "not a codec handle of this kind");
    return NULL;
  }
  if (!c->st) {
    napi_throw_error(env, "ECODECCLOSED", "the codec was closed");
    return NULL;
  }
  return c;
}

static int required_lib(int kind) {
  switch (kind) {
    case K_AMRNB_ENC: case K_AMRNB_DEC: return LIB_AMRNB;
    case K_AMRWB_ENC: return LIB_AMRWBENC;
    case K_AMRWB_DEC: return LIB_AMRWB;
    default: return LIB_SBC;
  }
}

/* open(kind, dtx) -> handle */
static napi_value open_codec(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t kind, dtx = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(napi_get_value_int32(env, argv[0], &kind));
  if (argc > 1) napi_get_value_int32(env, argv[1], &dtx);
  if (kind < K_AMRNB_ENC || kind > K_MSBC) {
    napi_throw_range_error(env, NULL, "no such codec kind");
    return NULL;
  }
  if (!loaded[required_lib(kind)]) {
    napi_throw_error(env, "ECODECUNAVAILABLE", "library not loaded");
    return NULL;
  }
  codec_t *c = calloc(1, sizeof *c);
  if (!c) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  c->kind = kind;
  switch (kind) {
    case K_AMRNB_ENC: c->st = amrnb.enc_init(dtx); break;
    case K_AMRNB_DEC: c->st = amrnb.dec_init(); break;
    case K_AMRWB_ENC: c->st = amrwbenc.init(); break;
    case K_AMRWB_DEC: c->st = amrwb.init(); break;
    case K_MSBC:
      /* sbc_init_msbc fixes the HFP 1.6 parameters: 16 kHz mono, 15 blocks, 8 subbands, loudness, bitpool 26. */
      if (sbc.init_msbc(&c->sbc, 0) == 0) c->st = &c->sbc; /* samples in host byte order, libsbc's default */
      break;
  }
  if (!c->st) {
    free(c);
    napi_throw_error(env, "ECODECINIT", "the codec library could not create its state");
    return NULL;
  }
  napi_value out;
  if (napi_create_external(env, c, finalize, NULL, &out) != napi_ok) {
    release(c);
    free(c);
    return NULL;
  }
  return out;
}

/* close(handle): releases the state at once (the external itself goes with the garbage collector). */
static napi_value close_codec(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  codec_t *c = NULL;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (napi_get_value_external(env, argv[0], (void **)&c) == napi_ok && c) release(c);
  return NULL;
}

/* A typed array's data and length in elements, checked against the element size and the least length needed. */
static void *typed(napi_env env, napi_value v, napi_typedarray_type want, size_t min, size_t *len) {
  napi_typedarray_type t;
  size_t n;
  void *data;
  if (napi_get_typedarray_info(env, v, &t, &n, &data, NULL, NULL) != napi_ok || t != want || n < min) {
    char msg[96];
    snprintf(msg, sizeof msg, "expected %s of at least %zu elements", want == napi_int16_array ? "an Int16Array" : "a Uint8Array", min);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (len) *len = n;
  return data;
}

static napi_value int_result(napi_env env, int32_t v) {
  napi_value out;
  CHECK(napi_create_int32(env, v, &out));
  return out;
}

#define ARGS(N)                                                 \
  size_t argc = N;                                              \
  napi_value argv[N];                                           \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL)); \
  if (argc < N) {                                               \
    napi_throw_type_error(env, NULL, "too few arguments");      \
    return NULL;                                                \
  }

/* amrNbEncode(enc, mode 0–7, speech Int16Array[160], frame Uint8Array[32], forceSpeech) -> bytes written.
 * The frame is in the storage format of RFC 4867 §5.3: a header octet (frame type, quality bit), then the bits. */
static napi_value amrnb_encode(napi_env env, napi_callback_info info) {
  ARGS(5);
  codec_t *c = unwrap(env, argv[0], K_AMRNB_ENC);
  int32_t mode, force = 0;
  if (!c) return NULL;
  CHECK(napi_get_value_int32(env, argv[1], &mode));
  napi_get_value_int32(env, argv[4], &force);
  short *pcm = typed(env, argv[2], napi_int16_array, 160, NULL);
  if (!pcm) return NULL;
  unsigned char *out = typed(env, argv[3], napi_uint8_array, 32, NULL);
  if (!out) return NULL;
  if (mode < 0 || mode > 7) {
    napi_throw_range_error(env, NULL, "AMR-NB mode index out of range");
    return NULL;
  }
  return int_result(env, amrnb.enc_encode(c->st, mode, pcm, out, force));
}

/* amrNbDecode(dec, frame Uint8Array, speech Int16Array[160], bfi): bfi makes opencore decode the frame as NO_DATA. */
static napi_value amrnb_decode(napi_env env, napi_callback_info info) {
  ARGS(4);
  codec_t *c = unwrap(env, argv[0], K_AMRNB_DEC);
  int32_t bfi = 0;
  if (!c) return NULL;
  napi_get_value_int32(env, argv[3], &bfi);
  unsigned char *in = typed(env, argv[1], napi_uint8_array, 32, NULL);
  if (!in) return NULL;
  short *pcm = typed(env, argv[2], napi_int16_array, 160, NULL);
  if (!pcm) return NULL;
  amrnb.dec_decode(c->st, in, pcm, bfi);
  return NULL;
}

/* amrWbEncode(enc, mode 0–8, speech Int16Array[320], frame Uint8Array[61], dtx) -> bytes written (RFC 4867 storage
 * format). vo-amrwbenc takes DTX per call. */
static napi_value amrwb_encode(napi_env env, napi_callback_info info) {
  ARGS(5);
  codec_t *c = unwrap(env, argv[0], K_AMRWB_ENC);
  int32_t mode, dtx = 0;
  if (!c) return NULL;
  CHECK(napi_get_value_int32(env, argv[1], &mode));
  napi_get_value_int32(env, argv[4], &dtx);
  short *pcm = typed(env, argv[2], napi_int16_array, 320, NULL);
  if (!pcm) return NULL;
  unsigned char *out = typed(env, argv[3], napi_uint8_array, 61, NULL);
  if (!out) return NULL;
  if (mode < 0 || mode > 8) {
    napi_throw_range_error(env, NULL, "AMR-WB mode index out of range");
    return NULL;
  }
  return int_result(env, amrwbenc.encode(c->st, mode, pcm, out, dtx));
}

/* amrWbDecode(dec, frame Uint8Array[61], speech Int16Array[320], bfi): bfi makes opencore decode it as NO_DATA. */
static napi_value amrwb_decode(napi_env env, napi_callback_info info) {
  ARGS(4);
  codec_t *c = unwrap(env, argv[0], K_AMRWB_DEC);
  int32_t bfi = 0;
  if (!c) return NULL;
  napi_get_value_int32(env, argv[3], &bfi);
  unsigned char *in = typed(env, argv[1], napi_uint8_array, 61, NULL);
  if (!in) return NULL;
  short *pcm = typed(env, argv[2], napi_int16_array, 320, NULL);
  if (!pcm) return NULL;
  amrwb.decode(c->st, in, pcm, bfi);
  return NULL;
}

/* msbcEncode(codec, speech Int16Array[120], frame Uint8Array[57]) -> bytes written (57), or a negative errno. */
static napi_value msbc_encode(napi_env env, napi_callback_info info) {
  ARGS(3);
  codec_t *c = unwrap(env, argv[0], K_MSBC);
  size_t olen;
  if (!c) return NULL;
  short *pcm = typed(env, argv[1], napi_int16_array, 120, NULL);
  if (!pcm) return NULL;
  unsigned char *out = typed(env, argv[2], napi_uint8_array, 57, &olen);
  if (!out) return NULL;
  ssize_t written = 0;
  ssize_t used = sbc.encode(&c->sbc, pcm, 240, out, olen, &written);
  return int_result(env, used < 0 ? (int32_t)used : (int32_t)written);
}

/* msbcDecode(codec, frame Uint8Array[57], speech Int16Array[120]) -> samples written (120), or a negative errno. */
static napi_value msbc_decode(napi_env env, napi_callback_info info) {
  ARGS(3);
  codec_t *c = unwrap(env, argv[0], K_MSBC);
  size_t ilen;
  if (!c) return NULL;
  unsigned char *in = typed(env, argv[1], napi_uint8_array, 57, &ilen);
  if (!in) return NULL;
  short *pcm = typed(env, argv[2], napi_int16_array, 120, NULL);
  if (!pcm) return NULL;
  size_t written = 0;
  ssize_t used = sbc.decode(&c->sbc, in, 57, pcm, 240, &written);
  return int_result(env, used < 0 ? (int32_t)used : (int32_t)(written / 2));
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    { "load", NULL, load, NULL, NULL, NULL, napi_default, NULL },
    { "open", NULL, open_codec, NULL, NULL, NULL, napi_default, NULL },
    { "close", NULL, close_codec, NULL, NULL, NULL, napi_default, NULL },
    { "amrNbEncode", NULL, amrnb_encode, NULL, NULL, NULL, napi_default, NULL },
    { "amrNbDecode", NULL, amrnb_decode, NULL, NULL, NULL, napi_default, NULL },
    { "amrWbEncode", NULL, amrwb_encode, NULL, NULL, NULL, napi_default, NULL },
    { "amrWbDecode", NULL, amrwb_decode, NULL, NULL, NULL, napi_default, NULL },
    { "msbcEncode", NULL, msbc_encode, NULL, NULL, NULL, napi_default, NULL },
    { "msbcDecode", NULL, msbc_decode, NULL, NULL, NULL, napi_default, NULL },
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
