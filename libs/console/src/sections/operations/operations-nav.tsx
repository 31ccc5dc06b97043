import type { ComponentChildren, VNode } from 'preact';

export const OPERATIONS = '/console/operations';

export type OperationsPageId = 'tenants' | 'views' | 'kafka' | 'dead-letters' | 'instances';

/** The section's pages, in the order the landing page and the tabs give them. */
export const OPERATIONS_PAGES: ReadonlyArray<{ id: OperationsPageId; href: string; label: string; about: string }> = [
  { id: 'tenants', href: `${OPERATIONS}/tenants`, label: 'Tenants', about: 'Every tenant of the platform: create one, suspend one (its tokens are refused), resume it.' },
  { id: 'views', href: `${OPERATIONS}/views`, label: 'Views', about: 'How far behind the log each view is, and how far an online rebuild has come.' },
  { id: 'kafka', href: `${OPERATIONS}/kafka`, label: 'Kafka', about: "The scale-out workers' consumer groups and their lag, partition by partition." },
  { id: 'dead-letters', href: `${OPERATIONS}/dead-letters`, label: 'Dead letters', about: 'Runs the workers gave up on, and putting them back to work.' },
  { id: 'instances', href: `${OPERATIONS}/instances`, label: 'Instances', about: 'The processes of the installation: running, stopped or gone silent, and whether each is ready.' },
];

/** The tabs above each operations page. */
export function OperationsNav({ current }: { current: OperationsPageId }): VNode {
  return (
    <nav class="ll-subnav" aria-label="Operations">
      <ul>
        {OPERATIONS_PAGES.map((entry) => (
          <li><a href={entry.href} aria-current={entry.id === current ? 'page' : undefined}>{entry.label}</a></li>
        ))}
      </ul>
    </nav>
  );
}

/** The top of an operations page: the tabs, the page's name, what it is for. */
export function OperationsHead({ current, children }: { current: OperationsPageId; children: ComponentChildren }): VNode {
  return (
    <>
      <OperationsNav current={current} />
      <h1>{OPERATIONS_PAGES.find((entry) => entry.id === current)!.label}</h1>
      <p class="ll-lede">{children}</p>
    </>
  );
}
