import { readFileSync } from 'node:fs';

/** English prose for the compression tests: the GPL text every Debian system carries (35 KiB). */
export const ENGLISH: Uint8Array = readFileSync('/usr/share/common-licenses/GPL-3');
