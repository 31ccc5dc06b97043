import type { VNode } from 'preact';
import { Empty, NextPage, TableRegion } from '../pages/components.js';
import { notFoundBody } from '../pages/error.page.js';
import { page, type PageContext, type PageResult } from '../pages/page.js';

/** The console's page size for lists the API answers whole (automations and connectors: tens, not thousands). */
export const NAME_PAGE_SIZE = 50;

/** The tenant's item named by the address (`:name`), or undefined: another tenant's name is simply not in its list. */
export async function namedInList<T extends { name: string }>(context: PageContext, list: (context: PageContext) => Promise<T[]>): Promise<T | undefined> {
  const name = context.params.name ?? '';
  return (await list(context)).find((item) => item.name === name);
}

export const notFound = (): PageResult => page('Not found', notFoundBody(), 404);

export interface NamePage<T> {
  items: T[];
  /** The last name shown, when more follow: the next page's `after`. */
  after: string | null;
  /** The part of a name the list is narrowed to ('' for all). */
  filter: string;
}

/**
 * One page of a list sorted by name, narrowed to names containing `name` from the URL and
 * starting after its `after`: the page is the URL's, so it can be shared and reloaded.
 */
export function pageByName<T extends { name: string }>(all: readonly T[], query: URLSearchParams, size = NAME_PAGE_SIZE): NamePage<T> {
  const filter = (query.get('name') ?? '').trim().toLowerCase();
  const after = query.get('after') ?? '';
  const matching = [...all]
    .filter((item) => (filter === '' || item.name.includes(filter)) && item.name > after)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const items = matching.slice(0, size);
  return { items, after: matching.length > size ? items[items.length - 1]!.name : null, filter };
}

/** The GET form narrowing a list by name: the filter goes in the URL. */
export function NameFilter({ action, label, filter }: { action: string; label: string; filter: string }): VNode {
  return (
    <form method="get" action={action} class="ll-filters" role="search" aria-label={`Filter ${label}`}>
      <div class="ll-field">
        <label for="name">Name contains</label>
        <input id="name" name="name" value={filter} maxLength={64} autocomplete="off" spellcheck={false} />
      </div>
      <div class="ll-actions"><button type="submit">Filter</button> <a href={action}>Clear</a></div>
    </form>
  );
}

interface NameListProps<T> {
  page: NamePage<T>;
  url: URL;
  /** The list's own address (the filter form's action). */
  action: string;
  /** What the items are, plural and lowercase: "connectors". */
  label: string;
  caption: string;
  head: VNode;
  row: (item: T) => VNode;
}

/** A list by name: its filter, its page of rows (or why there are none) and the link to the next page. */
export function NameList<T extends { name: string }>({ page, url, action, label, caption, head, row }: NameListProps<T>): VNode {
  return (
    <>
      <NameFilter action={action} label={label} filter={page.filter} />
      {page.items.length === 0 ? (
        <Empty>{page.filter === '' ? `No ${label} yet.` : `No ${label} with a name containing “${page.filter}”.`}</Empty>
      ) : (
        <TableRegion label={label[0]!.toUpperCase() + label.slice(1)}>
          <table>
            <caption class="ll-visually-hidden">{caption}</caption>
            <thead>{head}</thead>
            <tbody>{page.items.map(row)}</tbody>
          </table>
        </TableRegion>
      )}
      <NextPage url={url} cursor={page.after} name="after" />
    </>
  );
}
