/**
 * The codec addon (hal/codecs/native/codecs.c) and the shared libraries it opens at run time. The addon links
 * against none of them, so `npm ci` builds it anywhere; a library is opened by its soname the first time a stage
 * needs it, and a missing one becomes a CodecUnavailableError naming the library and the Debian package.
 */
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodecUnavailableError } from './codec-stage.ts';

/** An opaque native codec state (a napi external). */
export type CodecHandle = { readonly __codecHandle: unique symbol };

export interface CodecAddon {
  load(library: number, soname: string): boolean;
  open(kind: number, dtx?: number): CodecHandle;
  close(handle: CodecHandle): void;
  amrNbEncode(enc: CodecHandle, mode: number, speech: Int16Array, frame: Uint8Array, forceSpeech: number): number;
  amrNbDecode(dec: CodecHandle, frame: Uint8Array, speech: Int16Array, bfi: number): void;
  amrWbEncode(enc: CodecHandle, mode: number, speech: Int16Array, frame: Uint8Array, dtx: number): number;
  amrWbDecode(dec: CodecHandle, frame: Uint8Array, speech: Int16Array, bfi: number): void;
  msbcEncode(codec: CodecHandle, speech: Int16Array, frame: Uint8Array): number;
  msbcDecode(codec: CodecHandle, frame: Uint8Array, speech: Int16Array): number;
}

/** The codec states the addon can open (K_* in codecs.c). */
export const CODEC_KIND = { amrNbEncoder: 0, amrNbDecoder: 1, amrWbEncoder: 2, amrWbDecoder: 3, msbc: 4 } as const;

export type CodecLibrary = 'amrnb' | 'amrwb' | 'amrwbenc' | 'sbc';

/** Each library's index in codecs.c, its soname in Debian bookworm (and trixie), and the package that ships it. */
export const CODEC_LIBRARIES: Readonly<Record<CodecLibrary, { index: number; soname: string; debianPackage: string; env: string }>> = {
  amrnb: { index: 0, soname: 'libopencore-amrnb.so.0', debianPackage: 'libopencore-amrnb0', env: 'DIALTONE_AMRNB_LIBRARY' },
  amrwb: { index: 1, soname: 'libopencore-amrwb.so.0', debianPackage: 'libopencore-amrwb0', env: 'DIALTONE_AMRWB_LIBRARY' },
  amrwbenc: { index: 2, soname: 'libvo-amrwbenc.so.0', debianPackage: 'libvo-amrwbenc0', env: 'DIALTONE_AMRWBENC_LIBRARY' },
  sbc: { index: 3, soname: 'libsbc.so.1', debianPackage: 'libsbc1', env: 'DIALTONE_SBC_LIBRARY' },
};

/** Which library (or file) to open instead of a default soname: for tests, and for a library installed elsewhere. */
export type CodecLibraryPaths = Partial<Record<CodecLibrary, string>>;

let addon: CodecAddon | undefined;
const opened = new Set<string>(); // "library soname" pairs already opened: dlopen() once each

function loadAddon(): CodecAddon {
  if (addon) return addon;
  const path = resolve(dirname(fileURLToPath(import.meta.url)), '../../build/Release/codecs.node');
  try {
    addon = createRequire(import.meta.url)(path) as CodecAddon;
  } catch (err) {
    throw new CodecUnavailableError('the codec addon (build/Release/codecs.node)', 'build-essential', `not built, run "npm ci": ${(err as Error).message}`);
  }
  return addon;
}

/**
 * The addon with `libraries` opened: each by the path in `paths`, else by the environment variable of that library
 * (DIALTONE_AMRNB_LIBRARY, …), else by its soname. Throws CodecUnavailableError for the first that cannot be opened.
 */
export function openCodecLibraries(libraries: readonly CodecLibrary[], paths: CodecLibraryPaths = {}): CodecAddon {
  const a = loadAddon();
  for (const lib of libraries) {
    const info = CODEC_LIBRARIES[lib];
    const soname = paths[lib] ?? process.env[info.env] ?? info.soname;
    if (opened.has(`${lib} ${soname}`)) continue;
    try {
      a.load(info.index, soname);
      opened.add(`${lib} ${soname}`);
    } catch (err) {
      throw new CodecUnavailableError(soname, info.debianPackage, (err as Error).message);
    }
  }
  return a;
}
