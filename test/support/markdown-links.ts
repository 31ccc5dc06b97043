import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** A relative link of a Markdown file, as written, with the line it is on. */
export interface MarkdownLink {
  line: number;
  target: string;
}

/** A link that does not lead where it says, and why. */
export interface BrokenLink extends MarkdownLink {
  file: string;
  problem: string;
}

const FENCE = /^\s*(```|~~~)/;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** Lines of prose: fenced code blocks blanked, inline code spans removed. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').map((line) => {
    if (FENCE.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/(`+)[\s\S]*?\1/g, '');
  });
}

/** Every link to a file or an anchor of this repository (not URLs with a scheme), outside code. */
export function relativeLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  proseLines(markdown).forEach((text, index) => {
    const targets = [...text.matchAll(INLINE_LINK)].map((match) => match[1]!);
    const definition = REFERENCE_DEFINITION.exec(text)?.[1];
    if (definition !== undefined) targets.push(definition);
    for (const target of targets) if (!SCHEME.test(target)) links.push({ line: index + 1, target });
  });
  return links;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors a Markdown file has: its headings' (repeats get -1, -2, …) and explicit ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = slugOf(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

/**
 * The links of `files` (paths relative to `root`) that point at no file of the repository, outside
 * it, or at an anchor their target does not have.
 */
export function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const source = join(root, file);
    const markdown = readFileSync(source, 'utf8');
    for (const link of relativeLinks(markdown)) {
      const report = (problem: string): void => void broken.push({ file, ...link, problem });
      const hash = link.target.indexOf('#');
      const path = decodeURIComponent(hash === -1 ? link.target : link.target.slice(0, hash));
      const anchor = hash === -1 ? undefined : decodeURIComponent(link.target.slice(hash + 1));
      const target = path === '' ? source : resolve(dirname(source), path);
      const inside = relative(root, target);
      if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) {
        report('points outside the repository');
        continue;
      }
      if (!existsSync(target)) {
        report(`${inside} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!target.endsWith('.md') || statSync(target).isDirectory()) report(`#${anchor}: anchors are checked in Markdown files only`);
      else if (!anchorsOf(readFileSync(target, 'utf8')).has(anchor)) report(`${inside} has no heading for #${anchor}`);
    }
  }
  return broken;
}
