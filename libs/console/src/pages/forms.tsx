import type { ComponentChildren, VNode } from 'preact';
import { CsrfField, ErrorSummary, FieldError, type Problem } from './components.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Whole days, as people type them: digits only (no sign, no fraction, no exponent). */
const WHOLE = /^\d{1,9}$/;

export function invalid(problems: readonly Problem[], id: string): boolean {
  return problems.some((problem) => problem.field === id);
}

/** The ids an input is described by: its hint, and its error when it has one. */
function describedByOf(id: string, hint: boolean, problems: readonly Problem[]): string | undefined {
  const ids = [hint && `${id}-hint`, invalid(problems, id) && `${id}-error`].filter(Boolean);
  return ids.length === 0 ? undefined : ids.join(' ');
}

interface FieldProps {
  id: string;
  label: string;
  hint?: string;
  problems: readonly Problem[];
}

/** What ties an input to its hint and message, for screen readers. */
function aria(id: string, hint: string | undefined, problems: readonly Problem[]): { 'aria-invalid'?: 'true'; 'aria-describedby'?: string } {
  const describedBy = describedByOf(id, Boolean(hint), problems);
  return { ...(invalid(problems, id) && { 'aria-invalid': 'true' as const }), ...(describedBy && { 'aria-describedby': describedBy }) };
}

/** GOV.UK's form group: a visible label, an optional hint, the field's own message above the input. */
function Field({ id, label, hint, problems, children }: FieldProps & { children: ComponentChildren }): VNode {
  return (
    <div class={`ll-field${invalid(problems, id) ? ' ll-field-invalid' : ''}`}>
      <label for={id}>{label}</label>
      {hint && <p class="ll-hint" id={`${id}-hint`}>{hint}</p>}
      <FieldError id={id} problems={problems} />
      {children}
    </div>
  );
}

export function TextField({ value, maxLength, inputMode, ...field }: FieldProps & { value: string; maxLength?: number; inputMode?: 'numeric' | 'text' }): VNode {
  return (
    <Field {...field}>
      <input id={field.id} name={field.id} type="text" value={value} maxLength={maxLength} inputMode={inputMode} autocomplete="off" spellcheck={false} {...aria(field.id, field.hint, field.problems)} />
    </Field>
  );
}

/** A calendar date (the browser's date picker where it has one; typed as YYYY-MM-DD where not). */
export function DateField({ value, ...field }: FieldProps & { value: string }): VNode {
  return (
    <Field {...field}>
      <input id={field.id} name={field.id} type="date" value={value} {...aria(field.id, field.hint, field.problems)} />
    </Field>
  );
}

export function TextArea({ value, rows = 3, maxLength, ...field }: FieldProps & { value: string; rows?: number; maxLength?: number }): VNode {
  return (
    <Field {...field}>
      <textarea id={field.id} name={field.id} rows={rows} maxLength={maxLength} spellcheck={false} {...aria(field.id, field.hint, field.problems)}>{value}</textarea>
    </Field>
  );
}

export interface Choice {
  value: string;
  label: string;
  hint?: string;
}

/**
 * Radios or checkboxes in a fieldset whose legend is the question; the first input carries the
 * group's id, so the error summary's link lands on it.
 */
export function Choices({ id, label, hint, problems, name = id, type, choices, checked }: FieldProps & { name?: string; type: 'radio' | 'checkbox'; choices: readonly Choice[]; checked: readonly string[] }): VNode {
  return (
    <div class={`ll-field${invalid(problems, id) ? ' ll-field-invalid' : ''}`}>
      <fieldset class="ll-fieldset" aria-describedby={describedByOf(id, Boolean(hint), problems)}>
        <legend>{label}</legend>
        {hint && <p class="ll-hint" id={`${id}-hint`}>{hint}</p>}
        <FieldError id={id} problems={problems} />
        <div class={type === 'radio' ? 'll-radios' : 'll-checkboxes'}>
          {choices.map((choice, index) => {
            const inputId = index === 0 ? id : `${id}-${index + 1}`;
            return (
              <div class="ll-choice">
                <input type={type} id={inputId} name={name} value={choice.value} checked={checked.includes(choice.value)} aria-describedby={choice.hint ? `${inputId}-hint` : undefined} />
                <label for={inputId}>{choice.label}</label>
                {choice.hint && <p class="ll-hint" id={`${inputId}-hint`}>{choice.hint}</p>}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

/** A form that changes something: POST, the CSRF token, the browser's own checks off (the server's messages are the ones shown). */
export function PostForm({ action, csrf, children }: { action: string; csrf: string; children: ComponentChildren }): VNode {
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={csrf} />
      {children}
    </form>
  );
}

/** The top of a form page: the error summary, a way back, the question. */
export function FormHead({ problems, back, title }: { problems: readonly Problem[]; back: { href: string; label: string }; title: string }): VNode {
  return (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={back.href}>{back.label}</a></p>
      <h1>{title}</h1>
    </>
  );
}

/** A `YYYY-MM-DD` calendar date that exists. */
export function isCalendarDate(value: string): boolean {
  return DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The instant a UTC day begins. */
export function startOfUtcDay(value: string): string {
  return `${value}T00:00:00.000Z`;
}

/** The instant after a UTC day ends (an exclusive upper bound that includes the whole day). */
export function endOfUtcDay(value: string): string {
  return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString();
}

/** Whole days within [min, max], or the message that says what is wrong with the text. */
export function wholeDays(text: string, min: number, max: number): { days: number } | { problem: string } {
  if (text === '') return { problem: 'Enter the number of days.' };
  if (!WHOLE.test(text)) return { problem: `Enter the number of days as a whole number, like 365, not "${text.slice(0, 20)}".` };
  const days = Number(text);
  if (days < min || days > max) return { problem: `Enter a number of days from ${min} to ${max}.` };
  return { days };
}

/** Every value of a form field (checkboxes send one per ticked box). */
export function formValues(form: Readonly<Record<string, string | string[]>>, name: string): string[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((item) => item.trim()).filter((item) => item !== '');
}
