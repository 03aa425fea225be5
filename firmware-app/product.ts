/** ATIn answers. */
export const PRODUCT = 'Dialtone softmodem';
export const VERSION = '0.1.0';

export function productInfo(n: number, modem: { stats: { bytesToLine: number; bytesFromLine: number; calls: number } }): string[] | null {
  switch (n) {
    case 0:
      return ['2400'];
    case 1:
      return ['000'];
    case 2:
      return ['OK'];
    case 3:
      return [`${PRODUCT} ${VERSION}`];
    case 4:
      return ['V.21 Bell103 V.23 Bell202'];
    case 5:
      return ['fixed-point DSP, simulated line'];
    case 6:
      return [`calls ${modem.stats.calls}, bytes sent ${modem.stats.bytesToLine}, received ${modem.stats.bytesFromLine}`];
    case 7:
      return ['Dialtone'];
    default:
      return null;
  }
}
