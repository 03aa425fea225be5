/**
 * Canvas plots: the receiver's scatter (constellation or two-tone energies), the spectrum and the time series.
 * The constellation's scale is fixed (±4.5 point units across the canvas) so the same point always lands on the
 * same pixel: the test in test/app/panel-browser.test.ts reads them back.
 */
export const CONSTELLATION_RANGE = 4.5;
export const POINT_COLOUR = '#4cf';
const GRID = '#333';

function clear(c: HTMLCanvasElement): CanvasRenderingContext2D {
  const g = c.getContext('2d')!;
  g.clearRect(0, 0, c.width, c.height);
  return g;
}

/** Point units to pixels (constellation). */
export function toPixel(c: HTMLCanvasElement, x: number, y: number): [number, number] {
  const s = c.width / (2 * CONSTELLATION_RANGE);
  return [c.width / 2 + x * s, c.height / 2 - y * s];
}

/** Interleaved (I, Q) pairs in point units; the 16 ideal points of V.22bis as grid marks. */
export function drawConstellation(c: HTMLCanvasElement, points: readonly number[]): void {
  const g = clear(c);
  g.strokeStyle = GRID;
  g.beginPath();
  g.moveTo(c.width / 2, 0);
  g.lineTo(c.width / 2, c.height);
  g.moveTo(0, c.height / 2);
  g.lineTo(c.width, c.height / 2);
  g.stroke();
  g.fillStyle = POINT_COLOUR;
  for (let k = 0; k + 1 < points.length; k += 2) {
    const [x, y] = toPixel(c, points[k], points[k + 1]);
    g.fillRect(Math.round(x) - 1, Math.round(y) - 1, 2, 2);
  }
}

/** Mark against space energy (dB), scaled to what is shown. */
export function drawTones(c: HTMLCanvasElement, points: readonly number[]): void {
  const g = clear(c);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of points) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) return;
  const px = (v: number): number => 10 + ((v - lo) / (hi - lo)) * (c.width - 20);
  g.fillStyle = '#888';
  g.fillText('mark energy →', c.width - 90, c.height - 4);
  g.fillText('space ↑', 4, 12);
  g.fillStyle = POINT_COLOUR;
  for (let k = 0; k + 1 < points.length; k += 2) g.fillRect(px(points[k]) - 1, c.height - px(points[k + 1]) - 1, 2, 2);
}

export function drawSpectrum(c: HTMLCanvasElement, dbm0: readonly number[] | null): void {
  const g = clear(c);
  const top = 0;
  const bottom = -90;
  const y = (v: number): number => ((top - v) / (top - bottom)) * c.height;
  g.strokeStyle = GRID;
  g.fillStyle = '#777';
  for (let db = top; db >= bottom; db -= 20) {
    g.beginPath();
    g.moveTo(0, y(db));
    g.lineTo(c.width, y(db));
    g.stroke();
    g.fillText(`${db}`, 2, y(db) + 10);
  }
  for (let hz = 1000; hz < 4000; hz += 1000) g.fillText(`${hz / 1000} kHz`, (hz / 4000) * c.width - 12, c.height - 4);
  if (!dbm0) return;
  g.strokeStyle = '#fc4';
  g.beginPath();
  dbm0.forEach((v, k) => {
    const x = (k / (dbm0.length - 1)) * c.width;
    if (k === 0) g.moveTo(x, y(v));
    else g.lineTo(x, y(v));
  });
  g.stroke();
}

export function drawSeries(c: HTMLCanvasElement, values: readonly (number | null)[]): void {
  const g = clear(c);
  const shown = values.filter((v): v is number => v !== null);
  if (shown.length === 0) return;
  let lo = Math.min(...shown);
  let hi = Math.max(...shown);
  if (hi - lo < 1) {
    lo -= 0.5;
    hi += 0.5;
  }
  g.strokeStyle = '#6d6';
  g.beginPath();
  let started = false;
  values.forEach((v, k) => {
    if (v === null) return;
    const x = (k / Math.max(1, values.length - 1)) * c.width;
    const yy = c.height - 4 - ((v - lo) / (hi - lo)) * (c.height - 8);
    if (started) g.lineTo(x, yy);
    else g.moveTo(x, yy);
    started = true;
  });
  g.stroke();
  g.fillStyle = '#777';
  g.fillText(hi.toFixed(1), 2, 10);
  g.fillText(lo.toFixed(1), 2, c.height - 2);
}
