import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { anchorsOf, brokenLinks, relativeLinks, slugOf } from './support/markdown-links.js';

const ROOT = process.cwd();
const DOCS = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`);

describe('the links of README.md and docs/', () => {
  it('every relative link points at a file of the repository, and each #anchor at a heading of it', () => {
    expect(DOCS.length).toBeGreaterThan(10);
    expect(brokenLinks(ROOT, ['README.md', ...DOCS])).toEqual([]);
  });
});

describe('the link checker', () => {
  const root = mkdtempSync(join(tmpdir(), 'ledgerline-links-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (files: Record<string, string>): string[] => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return Object.keys(files).filter((path) => path.endsWith('.md'));
  };

  it('reports a missing file, a missing anchor and a link out of the repository, with their lines', () => {
    const files = write({
      'README.md': '# Title\n\nSee [the guide](docs/guide.md#setting-up) and [gone](docs/gone.md).\n\n[out](../shared/DESIGN.md)\n[bad anchor](docs/guide.md#nowhere) [self](#title) [self, bad](#nope)\n',
      'docs/guide.md': '# Guide\n\n## Setting up\n',
    });
    expect(brokenLinks(root, files).map(({ file, line, target }) => `${file}:${line} ${target}`)).toEqual([
      'README.md:3 docs/gone.md',
      'README.md:5 ../shared/DESIGN.md',
      'README.md:6 docs/guide.md#nowhere',
      'README.md:6 #nope',
    ]);
  });

  it('ignores URLs and links inside code, and follows reference definitions', () => {
    const links = relativeLinks('[web](https://example.com) [mail](mailto:a@b.c)\n```\n[code](missing.md)\n```\n`[span](missing.md)`\n[ref]: docs/x.md\n');
    expect(links).toEqual([{ line: 6, target: 'docs/x.md' }]);
  });

  it('names anchors as GitHub does: punctuation dropped, code kept, repeats numbered', () => {
    expect(slugOf('Shutdown, slow clients, lost dependencies')).toBe('shutdown-slow-clients-lost-dependencies');
    expect(slugOf('Traces (OpenTelemetry)')).toBe('traces-opentelemetry');
    expect(slugOf("The tenant's own `administration`")).toBe('the-tenants-own-administration');
    expect([...anchorsOf('# A\n## Tests\n```\n# not a heading\n```\n## Tests\n')]).toEqual(['a', 'tests', 'tests-1']);
  });
});
