/**
 * The panel's security lines of issue 11: a non-loopback bind without a password refuses to start with a clear
 * message; with a password every request without it is refused; changes are refused while the panel is read-only;
 * every response carries a Content-Security-Policy. (Markup in a caller ID: panel-browser.test.ts, in chromium.)
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
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
