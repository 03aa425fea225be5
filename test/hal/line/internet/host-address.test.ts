import test from 'ava';
import { hostDial, parseDialString } from '../../../../firmware-app/at/dial-string.ts';
import { internetCommand } from '../../../../firmware-app/internet-commands.ts';
import { ByteLine } from '../../../../hal/line/internet/byte-line.ts';
import { formatHostAddress, parseHostAddress, validHost } from '../../../../hal/line/internet/host-address.ts';
import { isHostDial } from '../../../../hal/line/internet/routed-line.ts';

test('host:port, a bare host (port 23), quotes, [IPv6]:port; RFC 1123 names only, ports 1-65535', (t) => {
  t.deepEqual(parseHostAddress('bbs.example.org:2323'), { host: 'bbs.example.org', port: 2323 });
  t.deepEqual(parseHostAddress('bbs.example.org'), { host: 'bbs.example.org', port: 23 });
  t.deepEqual(parseHostAddress('"localhost:6400"'), { host: 'localhost', port: 6400 });
  t.deepEqual(parseHostAddress('[::1]:23'), { host: '::1', port: 23 });
  t.deepEqual(parseHostAddress('::1'), { host: '::1', port: 23 });
  t.is(formatHostAddress({ host: '::1', port: 23 }), '[::1]:23');
  for (const [bad, why] of [
    ['bbs.example.org:0', /port 0 is out of range/],
    ['bbs.example.org:65536', /out of range/],
    ['bbs.example.org:', /not a number/],
    ['-bbs.example.org', /not a host name/],
    [`${'a'.repeat(64)}.org`, /not a host name/],
    [`${'a.'.repeat(5000)}org`, /a host name of 10003 characters/],
    ['"bbs.example.org', /opening quote/],
    ['1:2:3', /neither host:port nor an IPv6 address/],
  ] as const) {
    const r = parseHostAddress(bad);
    t.true(r instanceof Error, bad);
    t.regex((r as Error).message, why, bad);
  }
  t.true(validHost('my_host.lan'));
  t.false(validHost(''));
});

test('ATD dial strings: a host needs a dot or a colon, or quotes; T/P is the dial method; digits and modifiers stay telephone numbers', (t) => {
  t.is(hostDial('Tbbs.example.org'), 'bbs.example.org');
  t.is(hostDial('T 127.0.0.1:2323'), '127.0.0.1:2323');
  t.is(hostDial('"localhost"'), '"localhost"');
  t.is(hostDial('T"tpw.example:23"'), '"tpw.example:23"', 'letters that are dial modifiers survive quoted');
  t.is(hostDial('T5551000'), undefined);
  t.is(hostDial('TR555'), undefined);
  t.is(hostDial('"bbs example"'), null);
  t.is(hostDial('"open'), null);
  t.deepEqual(parseDialString('Tbbs.example.org:23', 2)?.host, 'bbs.example.org:23');
  t.is(parseDialString('T5551000', 2)?.host, undefined);
  t.true(isHostDial('bbs.example.org') && isHostDial('"2130706433"'));
  t.false(isHostDial('5551000'));
});

test('AT#TELNET and AT#SPEED', (t) => {
  const s = { telnet: true, lineRate: null as number | null };
  const paced = () => s.lineRate;
  t.deepEqual(internetCommand('TELNET?', s, paced), ['1']);
  t.true(internetCommand('TELNET=0', s, paced));
  t.false(s.telnet);
  t.false(internetCommand('TELNET=2', s, paced));
  t.true(internetCommand('SPEED=1200', s, paced));
  t.deepEqual(internetCommand('SPEED?', s, paced), ['1200']);
  t.true(internetCommand('SPEED=0', s, paced));
  t.is(s.lineRate, null);
  t.false(internetCommand('SPEED=115201', s, paced));
  t.false(internetCommand('SPEED=299', s, paced));
  t.is(internetCommand('REC=1', s, paced), null, 'not ours');
});

test('ByteLine paces to the line rate: 10 bits a character, both ways, no burst after a stall', (t) => {
  const written: number[] = [];
  const line = new ByteLine('caller', { write: (d) => (written.push(...d), true), pause: () => {}, resume: () => {} }, 2400, 2400);
  const audio = new Int16Array(160);
  line.tx.queue.write(new Uint8Array(1000).fill(1));
  line.deliver(new Uint8Array(1000).fill(2));
  let received = 0;
  for (let f = 0; f < 50; f++) {
    line.process(audio, audio);
    received += line.rx.take().length;
  }
  // 50 frames of 20 ms at 2400 bit/s = 2400 bits = 240 characters each way.
  t.is(written.length, 240);
  t.is(received, 240);
  t.true(
    audio.every((s) => s === 0),
    'silence',
  );
  line.farEndGone();
  t.is(line.state, 'connected', 'the carrier stays until what arrived has been delivered');
  const unpaced = new ByteLine('caller', { write: () => true, pause: () => {}, resume: () => {} }, null, 115200);
  unpaced.deliver(new Uint8Array(10000));
  unpaced.process(audio, audio);
  t.is(unpaced.rx.length, 10000);
  unpaced.rx.take();
  unpaced.farEndGone();
  unpaced.process(audio, audio);
  t.is(unpaced.state, 'carrier-lost');
  t.false(unpaced.carrier);
});
