/**
 * Reference speech codecs as channel stages (issue 19): createCodecStage() turns a validated CodecSpec into a stage
 * that runs the Debian library of that codec through the addon in native/. See docs/codecs-notes.md.
 */
import { AmrNbStage } from './amr-nb.ts';
import { AmrWbStage } from './amr-wb.ts';
import { MsbcStage } from './msbc.ts';
import type { CodecSpec, CodecStage } from './codec-stage.ts';
import { CodecUnavailableError } from './codec-stage.ts';
import { openCodecLibraries } from './native-addon.ts';
import type { CodecLibrary, CodecLibraryPaths } from './native-addon.ts';
import { assertCodecSpec } from './validate.ts';

export * from './codec-stage.ts';
export { AmrNbCodec, AmrNbStage } from './amr-nb.ts';
export { AmrWbCodec, AmrWbStage } from './amr-wb.ts';
export { MsbcCodec, MsbcStage } from './msbc.ts';
export { FrameErasures } from './erasures.ts';
export { CODEC_LIBRARIES } from './native-addon.ts';
export type { CodecLibrary, CodecLibraryPaths } from './native-addon.ts';
export { assertCodecSpec, validateCodecSpec } from './validate.ts';

export interface CodecStageOptions {
  /** Library files to open instead of the default sonames (tests; a library installed elsewhere). */
  libraries?: CodecLibraryPaths;
}

/** The shared libraries each codec needs. */
export const LIBRARIES_OF: Readonly<Record<CodecSpec['codec'], readonly CodecLibrary[]>> = {
  'amr-nb': ['amrnb'],
  'amr-wb': ['amrwbenc', 'amrwb'],
  msbc: ['sbc'],
};

/**
 * The stage for `spec`. Throws an Error naming the key for a bad specification, and CodecUnavailableError naming
 * the library and its Debian package when the codec's library cannot be opened.
 */
export function createCodecStage(spec: CodecSpec, opts: CodecStageOptions = {}): CodecStage {
  assertCodecSpec(spec);
  const paths = opts.libraries ?? {};
  switch (spec.codec) {
    case 'amr-nb':
      return new AmrNbStage(spec, paths);
    case 'amr-wb':
      return new AmrWbStage(spec, paths);
    case 'msbc':
      return new MsbcStage(spec, paths);
  }
}

/**
 * Whether the libraries of `codec` can be opened, without making a stage: null if so, else the error to show
 * (for `dialtone config check` and start-up, which must refuse before a call rather than fail in one).
 */
export function probeCodecLibraries(codec: CodecSpec['codec'], opts: CodecStageOptions = {}): CodecUnavailableError | null {
  try {
    openCodecLibraries(LIBRARIES_OF[codec], opts.libraries);
    return null;
  } catch (err) {
    if (err instanceof CodecUnavailableError) return err;
    throw err;
  }
}
