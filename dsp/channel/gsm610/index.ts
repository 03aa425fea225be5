/** GSM 06.10 full-rate speech codec (ETSI EN 300 961): encoder, decoder, 33-byte frames, channel stage. */
export { Gsm610Encoder } from './encoder.ts';
export { Gsm610Decoder } from './decoder.ts';
export { FRAME_BYTES, packFrame, unpackFrame } from './frame.ts';
export { Gsm610RoundTrip } from './round-trip.ts';
export { FRAME, PARAMS_PER_FRAME, PARAM_BITS } from './tables.ts';
