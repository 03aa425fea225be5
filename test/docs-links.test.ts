import test from 'ava';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * Every relative link, image and anchor in README.md and docs/*.md resolves: the file exists, and a `#anchor` names
 * a heading of the target page by GitHub's rules. Web and mail links are not followed.
 */

const REPO = join(import.meta.dirname, '..');

/** A page's text with fenced code blocks and code spans blanked, so their brackets and `#` lines are not markup. */
function prose(text: string): string {
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  let fence: string | null = null;
  const unfenced = text.split('\n').map((line) => {
    const mark = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === null && mark) fence = mark;
    else if (fence !== null && mark?.[0] === fence[0] && mark.length >= fence.length && line.trim() === mark) fence = null;
    else if (fence === null) return line;
    return blank(line);
  });
  // A code span may wrap onto the next line of its paragraph, never across a blank line.
  return unfenced.join('\n').replace(/(`+)(?:(?!\n[ \t]*\n)[\s\S])+?\1/g, blank);
}

/** GitHub's heading anchor: markup dropped, lower case, punctuation but `-` and `_` removed, each space a hyphen. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/<[^>]+>/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a page offers, duplicates numbered -1, -2 as GitHub numbers them. */
export function anchors(text: string): Set<string> {
  const source = text.split('\n');
  const seen = new Map<string, number>();
  const out = new Set<string>();
  prose(text)
    .split('\n')
    .forEach((line, i) => {
      if (!/^ {0,3}#{1,6}(\s|$)/.test(line)) return;
      const base = slug(source[i].replace(/^ {0,3}#{1,6}\s*/, '').replace(/\s+#+\s*$/, ''));
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n === 0 ? base : `${base}-${n}`);
    });
  return out;
}

export type Link = { line: number; target: string };

/** Inline links and images (`[text](target)`, `![alt](target)`) and reference definitions, with their line. */
export function links(text: string): Link[] {
  const p = prose(text);
  const lineOf = (at: number): number => p.slice(0, at).split('\n').length;
  const out: Link[] = [];
  for (const m of p.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line: lineOf(m.index + m[0].indexOf('](')), target: m[1] });
  for (const m of p.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) out.push({ line: lineOf(m.index), target: m[1] });
  return out;
}

export type Pages = { exists(path: string): boolean; read(path: string): string };

/** Broken links in the given pages (paths relative to the repository), as `file:line: target: why`. */
export function brokenLinks(files: readonly string[], pages: Pages): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const { line, target } of links(pages.read(file))) {
      if (/^(https?:|mailto:)/i.test(target)) continue;
      const at = `${file}:${line}: ${target}`;
      if (target === '') {
        problems.push(`${at}: empty link`);
        continue;
      }
      const hash = target.indexOf('#');
      const path = hash < 0 ? target : target.slice(0, hash);
      const anchor = hash < 0 ? null : decodeURIComponent(target.slice(hash + 1));
      const dest = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
      if (dest.startsWith('..')) problems.push(`${at}: points outside the repository`);
      else if (!pages.exists(dest)) problems.push(`${at}: ${dest} does not exist`);
      else if (anchor !== null && !/\.md$/i.test(dest)) problems.push(`${at}: an anchor into ${dest}, which has no headings`);
      else if (anchor !== null && !anchors(pages.read(dest)).has(anchor)) problems.push(`${at}: ${dest} has no heading #${anchor}`);
    }
  }
  return problems;
}

const onDisk: Pages = {
  exists: (path) => existsSync(join(REPO, path)),
  read: (path) => readFileSync(join(REPO, path), 'utf8'),
};

function documentation(): string[] {
  const docs = join(REPO, 'docs');
  const pages = readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .map((f) => relative(REPO, join(docs, f)));
  return ['README.md', ...pages.sort()];
}

test('every relative link, image and anchor in README.md and docs/ resolves', (t) => {
  const files = documentation();
  t.true(files.length > 5, `the pages: ${files.join(', ')}`);
  const all = files.flatMap((f) => links(onDisk.read(f)));
  t.true(
    all.some((l) => l.target === 'docs/panel.png'),
    'the README shows the panel picture',
  );
  t.true(
    all.some((l) => l.target.includes('#')),
    'anchors are among the links checked',
  );
  const problems = brokenLinks(files, onDisk);
  t.deepEqual(problems, [], `broken links:\n${problems.join('\n')}`);
});

test("GitHub's anchors: punctuation dropped, spaces to hyphens, code and links reduced to their text, duplicates numbered", (t) => {
  t.is(slug('Error correction and compression (V.42 LAPM, V.42bis)'), 'error-correction-and-compression-v42-lapm-v42bis');
  t.is(slug('The SD-card image (`image-build/`)'), 'the-sd-card-image-image-build');
  t.is(slug('`dialtone doctor`'), 'dialtone-doctor');
  t.is(slug('sd_notify'), 'sd_notify');
  t.is(slug("The web panel's cost — [now](x.md)"), 'the-web-panels-cost--now');
  t.is(slug('Überblick über Stränge'), 'überblick-über-stränge');
  t.deepEqual([...anchors('# A\n\n## Tests\n\n```sh\n# Tests\n```\n\n### Tests\n## Tests #\n')], ['a', 'tests', 'tests-1', 'tests-2']);
});

test('a broken file, a broken anchor and an image that is not there are each reported with file and line', (t) => {
  const pages: Record<string, string> = {
    'README.md': [
      '# Title',
      '',
      'See [the guide](docs/guide.md#setting-up) and [nothing](docs/missing.md).',
      '![a picture](docs/gone.png) and [the web](https://example.com/x#y), [mail](mailto:a@b.c).',
      '`[in code](docs/not-a-link.md)` is not a link.',
      '',
      '```',
      '[in a fence](docs/not-a-link-either.md)',
      '```',
      'A link over two lines: [the',
      'guide](docs/guide.md#no-such-heading), [self](#title), [bad self](#titel).',
      '[ref]: docs/also-missing.md',
    ].join('\n'),
    'docs/guide.md': '# Guide\n\n## Setting up\n\nBack to [the top](../README.md#title) and [out](../../etc/passwd).\n',
  };
  const fake: Pages = { exists: (p) => p in pages, read: (p) => pages[p] };
  t.deepEqual(brokenLinks(['README.md', 'docs/guide.md'], fake), [
    'README.md:3: docs/missing.md: docs/missing.md does not exist',
    'README.md:4: docs/gone.png: docs/gone.png does not exist',
    'README.md:11: docs/guide.md#no-such-heading: docs/guide.md has no heading #no-such-heading',
    'README.md:11: #titel: README.md has no heading #titel',
    'README.md:12: docs/also-missing.md: docs/also-missing.md does not exist',
    'docs/guide.md:5: ../../etc/passwd: points outside the repository',
  ]);
});
