import type { ComponentChildren, VNode } from 'preact';

/** A time shown in the person's zone by console.js; without script, in UTC (said so). */
export function Time({ at }: { at: string | number | null | undefined }): VNode {
  if (at === null || at === undefined || at === '') return <span class="ll-muted">–</span>;
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return <span>{String(at)}</span>;
  const iso = date.toISOString();
  return <time datetime={iso} data-local="">{`${iso.slice(0, 19).replace('T', ' ')} UTC`}</time>;
}

export interface Problem {
  /** The field's id on the page, when the problem is a field's. */
  field?: string | undefined;
  message: string;
}

/** GOV.UK's pattern: a summary at the top, each entry linking to its field; console.js focuses it. */
export function ErrorSummary({ problems }: { problems: readonly Problem[] }): VNode | null {
  if (problems.length === 0) return null;
  return (
    <div class="ll-error-summary" role="alert" tabindex={-1} autofocus data-focus="">
      <h2>There is a problem</h2>
      <ul>
        {problems.map((problem) => (
          <li>{problem.field ? <a href={`#${problem.field}`}>{problem.message}</a> : problem.message}</li>
        ))}
      </ul>
    </div>
  );
}

export function Notice({ text }: { text: string | undefined }): VNode | null {
  if (!text) return null;
  return <div class="ll-notice" role="status">{text}</div>;
}

export function FieldError({ id, problems }: { id: string; problems: readonly Problem[] }): VNode | null {
  const mine = problems.filter((problem) => problem.field === id);
  if (mine.length === 0) return null;
  return <p class="ll-field-error" id={`${id}-error`}>{mine.map((problem) => problem.message).join(' ')}</p>;
}

/** A wide table scrolls inside its own region on a narrow screen, never the page. */
export function TableRegion({ label, children }: { label: string; children: ComponentChildren }): VNode {
  return (
    <div class="ll-table" role="region" aria-label={label} tabindex={0}>
      {children}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }): VNode {
  return <p class="ll-empty">{children}</p>;
}

export function NextPage({ url, cursor, name = 'cursor' }: { url: URL; cursor: string | number | null | undefined; name?: string }): VNode | null {
  if (cursor === null || cursor === undefined) return null;
  const next = new URL(url);
  next.searchParams.set(name, String(cursor));
  next.searchParams.delete('notice');
  return <p><a class="ll-button ll-secondary" href={`${next.pathname}${next.search}`}>Next page</a></p>;
}

export function CsrfField({ token }: { token: string }): VNode {
  return <input type="hidden" name="csrf" value={token} />;
}

export function StatusTag({ status }: { status: string }): VNode {
  return <span class={`ll-status ll-status-${status.replace(/[^a-z_]/g, '')}`}>{status.replace('_', ' ')}</span>;
}

/** Every problem of one field, one a line when there are several (a definition can have dozens). */
export function FieldErrors({ id, problems }: { id: string; problems: readonly Problem[] }): VNode | null {
  const mine = problems.filter((problem) => problem.field === id);
  if (mine.length === 0) return null;
  if (mine.length === 1) return <p class="ll-field-error" id={`${id}-error`}>{mine[0]!.message}</p>;
  return <ul class="ll-field-error ll-field-errors" id={`${id}-error`}>{mine.map((problem) => <li>{problem.message}</li>)}</ul>;
}

/**
 * A labelled question (GOV.UK's form group): its label always visible, a hint, every problem of
 * it inline; the control gets the ids to name in aria-describedby.
 */
export function Field({ id, label, hint, problems, children }: { id: string; label: string; hint?: ComponentChildren; problems: readonly Problem[]; children: (describedBy: string | undefined) => VNode }): VNode {
  const invalid = problems.some((problem) => problem.field === id);
  const describedBy = [hint ? `${id}-hint` : '', invalid ? `${id}-error` : ''].filter((part) => part !== '').join(' ');
  return (
    <div class={`ll-field${invalid ? ' ll-field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && <p class="ll-hint" id={`${id}-hint`}>{hint}</p>}
      <FieldErrors id={id} problems={problems} />
      {children(describedBy === '' ? undefined : describedBy)}
    </div>
  );
}

/** GOV.UK's inset text: something to know about the page, neither an error nor a success. */
export function Inset({ children }: { children: ComponentChildren }): VNode {
  return <div class="ll-inset">{children}</div>;
}
