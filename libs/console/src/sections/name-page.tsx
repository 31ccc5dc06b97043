import type { VNode } from 'preact';

/** The console's page size for lists the API answers whole (automations and connectors: tens, not thousands). */
export const NAME_PAGE_SIZE = 50;

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
