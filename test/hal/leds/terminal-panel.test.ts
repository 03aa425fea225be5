import test from 'ava';
import { allOff } from '../../../hal/leds/led-panel.ts';
import { TerminalLedPanel } from '../../../hal/leds/terminal-panel.ts';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { out, s: { isTTY, write: (t: string) => out.push(t) > 0 } };
}

test('not a terminal: no line per LED change (RD/SD blinking filled the log), one line per call state with the lamps', (t) => {
  const { out, s } = stream(false);
  const panel = new TerminalLedPanel(s);
  const l = allOff();
  l.MR = true;
  l.OH = true;
  for (let i = 0; i < 50; i++) {
    l.RD = i % 2 === 0;
    panel.show(l);
  }
  t.deepEqual(out, []);
  panel.callState('online');
  t.is(out.length, 1);
  t.regex(out[0], /^\d{4}-\d\d-\d\dT[\d:.]+Z leds .*\[OH\].*\[MR\] \(online\)\n$/);
  panel.close();
  t.is(out.length, 1);
});

test('a terminal: the status line is redrawn in place at each change, and call states add nothing', (t) => {
  const { out, s } = stream(true);
  const panel = new TerminalLedPanel(s);
  const l = allOff();
  panel.show(l);
  l.CD = true;
  panel.show(l);
  panel.show(l); // unchanged: not redrawn
  panel.callState('online');
  t.is(out.length, 2);
  t.true(out.every((x) => x.startsWith('\r\x1b[2K')));
  panel.close();
  t.is(out.at(-1), '\n');
});
