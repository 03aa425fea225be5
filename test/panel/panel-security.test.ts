/**
 * The panel's security lines of issue 11: a non-loopback bind without a password refuses to start with a clear
 * message; with a password every request without it is refused; changes are refused while the panel is read-only;
 * every response carries a Content-Security-Policy. (Markup in a caller ID: panel-browser.test.ts, in chromium.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { stringify } from 'yaml';
import { CSP } from '../../firmware-app/panel/server.ts';
import { MAIN_TS, REPO_ROOT, startDaemon } from '../helpers/daemon.ts';
import { panelUrl } from './browser.ts';

function tempDir(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-panel-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('panel: a non-loopback address without a password refuses to start, naming the key and why', (t) => {
  const dir = tempDir(t);
  const cfg = join(dir, 'open.yaml');
  writeFileSync(cfg, stringify({ leds: { backend: 'none' }, panel: { listen: '0.0.0.0', port: 0 } }));
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', MAIN_TS, '--clock', 'fast', '--link', join(dir, 'modem'), '--socket', join(dir, 'c.sock'), '--config', cfg],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 },
  );
  t.is(r.status, 1);
  t.notRegex(r.stdout, /Dialtone ready/, 'nothing started');
  t.regex(r.stderr, /open\.yaml:\d+:\d+: panel\.passwordFile: found null, expected a password file: the panel listens on 0\.0\.0\.0, which is not loopback/);
  const check = spawnSync(process.execPath, ['--import', 'tsx', MAIN_TS, 'config', 'check', cfg], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 30_000 });
  t.is(check.status, 1, '`dialtone config check` says the same');
  t.regex(check.stderr, /panel\.passwordFile/);
});

test('panel: with a password, requests without it (or with a wrong one) are refused; CSP on every response; read-only by default', async (t) => {
  const dir = tempDir(t);
  const secret = join(dir, 'panel-password');
  writeFileSync(secret, 'correct horse\n');
  chmodSync(secret, 0o600);
  const d = await startDaemon({ config: { panel: { listen: '0.0.0.0', port: 0, passwordFile: secret } } });
  t.teardown(d.stop);
  const url = (await panelUrl(d.stdout)).replace('0.0.0.0', '127.0.0.1');
  const basic = (pw: string): Record<string, string> => ({ Authorization: `Basic ${Buffer.from(`anyone:${pw}`).toString('base64')}` });
  for (const path of ['', 'app.js', 'api/status', 'api/calls', 'api/config', 'api/events', 'recordings/x.wav']) {
    const none = await fetch(url + path);
    t.is(none.status, 401, `/${path} without the password`);
    t.regex(none.headers.get('www-authenticate') ?? '', /^Basic /);
    t.is(none.headers.get('content-security-policy'), CSP);
    t.is((await fetch(url + path, { headers: basic('wrong') })).status, 401, `/${path} with a wrong password`);
  }
  for (const path of ['', 'app.js', 'style.css', 'api/status', 'api/calls', 'api/config', 'no-such-page']) {
    const ok = await fetch(url + path, { headers: basic('correct horse') });
    t.is(ok.status, path === 'no-such-page' ? 404 : 200, `/${path}`);
    t.is(ok.headers.get('content-security-policy'), CSP, `CSP on /${path}`);
    t.is(ok.headers.get('x-content-type-options'), 'nosniff');
  }
  t.is(CSP.includes("'unsafe-inline'"), false);
  const config = (await (await fetch(`${url}api/config`, { headers: basic('correct horse') })).json()) as {
    effective: { panel: Record<string, unknown> };
    messages: string[];
  };
  t.is(config.effective.panel.password, '(set)', 'the password itself is never shown');
  t.deepEqual(config.messages, []);
  const post = await fetch(`${url}api/recording`, {
    method: 'POST',
    headers: { ...basic('correct horse'), 'Content-Type': 'application/json' },
    body: '{"on":true}',
  });
  t.is(post.status, 403, 'read-only unless panel.allowChanges');
  const status = (await (await fetch(`${url}api/status`, { headers: basic('correct horse') })).json()) as { panel: { recording: boolean } };
  t.false(status.panel.recording);
});

test('panel: allowChanges lets the panel start recording, from its own origin only', async (t) => {
  const d = await startDaemon({ config: { panel: { port: 0, allowChanges: true } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  const cross = await fetch(`${url}api/recording`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: 'http://evil.example' },
    body: '{"on":true}',
  });
  t.is(cross.status, 403, 'another origin');
  const form = await fetch(`${url}api/recording`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'on=true' });
  t.is(form.status, 403, 'a form post');
  const ok = await fetch(`${url}api/recording`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"on":true}' });
  t.is(ok.status, 200);
  await d.term.write('AT#REC?\r');
  await d.term.waitFor(/\r\n1\r\n\r\nOK\r\n/, 5000);
});

/** One HTTP request with headers fetch() will not let a test set (Host), from a chosen local address. */
function request(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', headers: o.headers, localAddress: o.localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

test('panel: Host must name an address the panel serves (DNS rebinding is answered 421); Origin is checked on changes', async (t) => {
  const d = await startDaemon({ config: { panel: { port: 0, allowChanges: true } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  const port = new URL(url).port;
  for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
    const r = await request(`${url}api/calls`, { headers: { Host: host } });
    t.is(r.status, 200, `Host: ${host}`);
  }
  for (const host of [`evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, 'localhost', `attacker.localhost.example:${port}`, `127.0.0.1.nip.io:${port}`]) {
    for (const path of ['', 'api/calls', 'api/status', 'api/events', 'api/config']) {
      const r = await request(url + path, { headers: { Host: host } });
      t.is(r.status, 421, `Host: ${host} /${path}`);
      t.is(r.headers['content-security-policy'], CSP);
      t.notRegex(r.body, /5551000|"calls"|snapshot/);
    }
  }
  const post = (origin: string | null) =>
    request(`${url}api/recording`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(origin ? { Origin: origin } : {}) },
      body: '{"on":false}',
    });
  t.is((await post(`http://localhost:${port}`)).status, 200, 'the panel’s own origin under another of its names');
  t.is((await post(`http://127.0.0.1:${port}`)).status, 200);
  t.is((await post(null)).status, 200, 'not a browser page: no Origin');
  for (const origin of ['http://evil.example', `http://127.0.0.1:${Number(port) + 1}`, `https://127.0.0.1:${port}`, 'null', `http://127.0.0.1:${port}/x`]) {
    t.is((await post(origin)).status, 403, `Origin: ${origin}`);
  }
  const rebinding = await request(`${url}api/hangup`, {
    method: 'POST',
    headers: { Host: `evil.example:${port}`, 'Content-Type': 'application/json', Origin: `http://evil.example:${port}` },
    body: '{}',
  });
  t.is(rebinding.status, 421, 'a rebinding page cannot hang up either');
});

test('panel: failed passwords slow down per client address (429 with Retry-After); other clients and the right password are unaffected', async (t) => {
  const dir = tempDir(t);
  const secret = join(dir, 'panel-password');
  writeFileSync(secret, 'correct horse\n');
  chmodSync(secret, 0o600);
  const d = await startDaemon({ config: { panel: { listen: '0.0.0.0', port: 0, passwordFile: secret } } });
  t.teardown(d.stop);
  const url = (await panelUrl(d.stdout)).replace('0.0.0.0', '127.0.0.1');
  const auth = (pw: string) => ({ Authorization: `Basic ${Buffer.from(`x:${pw}`).toString('base64')}` });
  // 200 wrong passwords as fast as one client can send them: only the first few are looked at.
  const started = Date.now();
  const statuses: number[] = [];
  for (let i = 0; i < 200; i++) statuses.push((await request(`${url}api/calls`, { headers: auth(`guess${i}`) })).status);
  const elapsed = Date.now() - started;
  const checked = statuses.filter((s) => s === 401).length;
  t.log(`200 wrong passwords in ${elapsed} ms: ${checked} checked (401), ${statuses.filter((s) => s === 429).length} refused unchecked (429)`);
  t.true(
    statuses.slice(0, 10).every((s) => s === 401),
    'a person mistyping a few times is not held up',
  );
  t.is(statuses[10], 401);
  t.true(checked <= 12, `at most a dozen guesses looked at in ${elapsed} ms, not ${checked}`);
  const held = await request(`${url}api/calls`, { headers: auth('correct horse') });
  t.is(held.status, 429, 'even the right password waits its turn');
  t.regex(String(held.headers['retry-after']), /^\d+$/);
  const other = await request(`${url}api/calls`, { headers: auth('correct horse'), localAddress: '127.0.0.2' });
  t.is(other.status, 200, 'another client address is not held up');
  const none = await request(`${url}api/calls`);
  t.is(none.status, 429, 'while held, nothing from that client is looked at');
  await new Promise((r) => setTimeout(r, Number(held.headers['retry-after']) * 1000 + 200));
  t.is((await request(`${url}api/calls`, { headers: auth('correct horse') })).status, 200, 'after the wait the right password gets in');
  t.is((await request(`${url}api/calls`, { headers: auth('wrong') })).status, 401, 'and success starts the count again');
});

async function numbersShown(t: ExecutionContext, publishNumbers: boolean): Promise<void> {
  // Paced clock: a no-answer call lasts until the test ends it, so the panel can be asked during it.
  const d = await startDaemon({ clock: 'realtime', config: { panel: { port: 0 }, mqtt: { enabled: false, publishNumbers } } });
  t.teardown(d.stop);
  const url = await panelUrl(d.stdout);
  await d.term.write('ATDT5552000\r');
  await d.term.waitFor('BUSY', 30_000);
  const calls = (await (await fetch(`${url}api/calls`)).json()) as { number: string }[];
  t.is(calls.length, 1);
  t.is(calls[0].number, publishNumbers ? '5552000' : 'busy', '/api/calls');
  // During a call: the status, and the live feed's snapshots and call lists.
  const events = await fetch(`${url}api/events`);
  const reader = events.body!.getReader();
  await d.term.write('ATDT5553000\r');
  let feed = '';
  const deadline = Date.now() + 20_000;
  while (!/"call":\{[^}]*"number"/.test(feed) && Date.now() < deadline) feed += Buffer.from((await reader.read()).value ?? []).toString('utf8');
  const status = (await (await fetch(`${url}api/status`)).json()) as { panel: { call: { number: string } | null } };
  await d.term.write('\r');
  await d.term.waitFor('NO CARRIER', 20_000);
  const deadline2 = Date.now() + 10_000;
  while (!feed.includes('event: calls') && Date.now() < deadline2) feed += Buffer.from((await reader.read()).value ?? []).toString('utf8');
  await reader.cancel();
  t.is(status.panel.call?.number, publishNumbers ? '5553000' : 'no-answer', '/api/status during the call');
  t.regex(feed, /event: calls/);
  if (publishNumbers) t.regex(feed, /5553000/);
  else t.notRegex(feed, /555[23]000/, 'the live feed names no number');
}

test('panel: dialled numbers are hidden like on MQTT (mqtt.publishNumbers false, the default)', (t) => numbersShown(t, false));
test('panel: dialled numbers are shown with mqtt.publishNumbers true', (t) => numbersShown(t, true));

test('control socket: owner and group only (0660), even under umask 000', async (t) => {
  const d = await startDaemon({ umask: 0 });
  t.teardown(d.stop);
  const st = statSync(d.socket);
  t.true(st.isSocket());
  t.is(st.mode & 0o777, 0o660, `mode ${(st.mode & 0o777).toString(8)}`);
  // The daemon's other files did follow the umask (the test really ran under umask 000).
  t.is(statSync(join(d.dir, 'state')).mode & 0o777, 0o777);
});
