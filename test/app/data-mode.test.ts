import test from 'ava';
import type { CallLeg } from '../../hal/line/phone-line.ts';
import { connectEcho, rig, sleep, until } from './rig.ts';

test.serial('DCD follows the carrier with &C1 and is always on with &C0; DSR per &S', async (t) => {
  const { term, port, modem } = await rig(t);
  const lines = port.lines;
  await term.write('AT&C1&S1\r');
  await term.waitFor('OK\r\n');
  t.false(lines.get('DCD'));
  t.false(lines.get('DSR'));
  await connectEcho(term);
  t.true(lines.get('DCD'));
  t.true(lines.get('DSR'));
  await term.write('ATH\r'); // in data mode: sent to the line, not a command
  await sleep(1200);
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  t.true(lines.get('DCD'), 'online command mode keeps DCD on');
  await term.write('ATH\r');
  await term.waitFor('OK\r\n');
  t.false(lines.get('DCD'));
  t.false(lines.get('DSR'));
  await term.write('AT&C0&S0\r');
  await term.waitFor('OK\r\n');
  t.true(lines.get('DCD'));
  t.true(lines.get('DSR'));
  t.is(modem.state, 'command');
});

test.serial('ATO returns to data mode; what arrived meanwhile is delivered then', async (t) => {
  const { term, modem } = await rig(t);
  await connectEcho(term);
  await sleep(1200);
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  t.is(modem.state, 'online-command');
  await term.write('ATO\r');
  await term.waitFor('CONNECT 300\r\n');
  t.is(modem.state, 'online');
  await term.write('still here');
  t.regex(await term.waitFor('still here', 30000), /still here$/);
});

test.serial('DTR drop: &D2 hangs up, &D1 goes to command mode, &D0 is ignored, &D3 also resets', async (t) => {
  const { term, port, modem } = await rig(t);
  const lines = port.lines;
  await connectEcho(term, '&D2');
  lines.setDte('DTR', false);
  await until(() => modem.state === 'command', 2000, 'hang-up on DTR');
  t.false(lines.get('DCD'));
  lines.setDte('DTR', true);
  t.regex(modem.lastCall!.result, /DTR/);

  await connectEcho(term, '&D1');
  lines.setDte('DTR', false);
  await term.waitFor('OK\r\n', 2000);
  t.is(modem.state, 'online-command');
  lines.setDte('DTR', true);
  await term.write('AT&D0O\r');
  await term.waitFor('CONNECT 300\r\n');
  lines.setDte('DTR', false);
  await sleep(200);
  t.is(modem.state, 'online', '&D0: DTR ignored');
  lines.setDte('DTR', true);
  await sleep(1200);
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATX2&D3O\r');
  await term.waitFor('CONNECT 300\r\n');
  lines.setDte('DTR', false);
  await until(() => modem.state === 'command', 2000, 'hang-up and reset on DTR');
  t.is(modem.at.opt.X, 4, '&D3 reloaded the stored profile');
  lines.setDte('DTR', true);
  // A dip shorter than S25 (1/100 s) is not a DTR drop.
  await term.write('ATS25=50&D2\r');
  await term.waitFor('OK\r\n');
  await connectEcho(term);
  lines.setDte('DTR', false);
  await sleep(100);
  lines.setDte('DTR', true);
  await sleep(600);
  t.is(modem.state, 'online');
});

test('RI pulses with the ring cadence, S1 counts the rings, S0 auto-answers', async (t) => {
  const { term, port, exchange, clock, modem } = await rig(t);
  port.lines.now = () => clock.lineMs;
  await term.write('ATS0=3\r');
  await term.waitFor('OK\r\n');
  let answered = false;
  const silent: CallLeg = {
    progress: 'answered',
    frame: async (_tx, rx) => {
      rx.fill(0);
      return true;
    },
    hangup: () => {},
  };
  exchange.ring({ from: '5550100', abandoned: false, answer: () => ((answered = true), silent), reject: () => {} });
  await term.waitFor('RING\r\n');
  await term.waitFor('RING\r\n');
  t.is(modem.at.s.get(1) >= 2, true);
  await term.waitFor('RING\r\n');
  await until(() => answered, 5000, 'auto-answer');
  t.is(modem.at.s.get(1), 3);
  const ri = port.lines.history.filter((e) => e.circuit === 'RI');
  t.is(ri.filter((e) => e.on).length, 3, 'three rings, three RI pulses');
  const ons = ri.filter((e) => e.on).map((e) => e.at);
  const offs = ri.filter((e) => !e.on).map((e) => e.at);
  t.is(ons[1] - ons[0], 6000, 'ring cycle 6 s');
  t.is(offs[0] - ons[0], 2000, 'RI on for the 2 s ring');
  t.false(port.lines.get('RI'), 'RI off once answered');
  t.is(modem.state, 'handshake');
  await term.waitFor('NO CARRIER\r\n', 60000); // the silent caller never sends a carrier: S7
});

test('S30 inactivity timer hangs up an idle call', async (t) => {
  const { term, modem } = await rig(t);
  await connectEcho(term, 'S30=1');
  await term.waitFor('NO CARRIER\r\n', 60000);
  // The banner arrives in the first 2 s online; S30=1 is 10 s of silence after it.
  t.true(modem.lastCall!.connectedMs >= 10000 && modem.lastCall!.connectedMs < 14000, `${modem.lastCall!.connectedMs} ms online`);
  t.is(modem.lastCall!.result, 'inactivity');
});

test('&K4: XOFF from the DTE holds received data until XON; XON/XOFF never reach the line', async (t) => {
  const { term, modem } = await rig(t);
  await connectEcho(term, '&K4');
  await term.write(Buffer.from([0x13]));
  await term.write('held back');
  await until(() => modem.flow.down.length >= 9, 30000, 'echo held in the modem');
  await sleep(50);
  t.false(term.buffer.includes('held back'));
  await term.write(Buffer.from([0x11]));
  t.regex(await term.waitFor('held back', 5000), /^held back$/);
  t.is(modem.stats.bytesToLine, 9, 'XON and XOFF stayed between DTE and modem');
});

test.serial('&K3: RTS off holds received data; a break from the DTE goes to the line; ATI6 reports the call', async (t) => {
  const { term, modem, port } = await rig(t);
  await connectEcho(term, '&K3');
  port.lines.setDte('RTS', false);
  await term.write('rts test');
  await until(() => modem.flow.down.length >= 8, 30000, 'echo held');
  t.false(term.buffer.includes('rts test'));
  port.lines.setDte('RTS', true);
  await term.waitFor('rts test', 5000);
  port.lines.sendBreak(250);
  await sleep(1200);
  await term.write('+++');
  await term.waitFor('OK\r\n', 5000);
  await term.write('ATH\r');
  await term.waitFor('OK\r\n');
  await term.write('ATI6\r');
  const page = await term.waitFor('OK\r\n');
  t.log(page);
  t.regex(page, /Chars sent +\d+ +Chars received +\d+/);
  t.regex(page, /Breaks sent +1/);
  t.regex(page, /Number +5551000/);
  t.regex(page, /Disconnect reason +hangup/);
});
