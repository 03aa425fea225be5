import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exchangeRig } from './exchange-rig.ts';
import { startVm, vmImage } from './vm.ts';

test.serial('pppd in a VM dials through Dialtone and reaches pppd in a second VM (V.22bis)', async (t) => {
  const image = vmImage();
  if (typeof image === 'string') return t.fail(image);
  const sock = join(mkdtempSync(join(tmpdir(), 'dialtone-vm-')), 'server.sock');
  const rig0 = await exchangeRig(t, { open: false, numbers: { '5558000': { kind: 'modem', modulation: 'v22bis', host: { command: `socat - UNIX-CONNECT:${sock}` } } } });
  const server = startVm(image, 'server', {}, { kind: 'socket', path: sock });
  t.teardown(server.stop);
  await server.waitFor(/DT-SERVER ready/, 120_000);
  const client = startVm(image, 'client', { number: '5558000', init: '+MS=V22B', pings: 5, interval: 1, get: 'random.bin' }, { kind: 'tty', path: rig0.link });
  t.teardown(client.stop);
  try {
    const ipcp = await client.waitFor(/DT-IPCP local=(\S+) peer=(\S+)/, 240_000);
    t.is(ipcp[2], '10.0.0.1');
    const got = await client.waitFor(/DT-GET .*bytes=(\d+) sha256=(\w+)/, 600_000);
    t.is(got[1], '262144');
    t.is(got[2], image.sha256['random.bin']);
  } finally {
    console.log(client.console(), '\n----\n', server.console(), '\n----\n', rig0.log.join('\n'));
  }
});
