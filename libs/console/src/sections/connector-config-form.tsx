import type { VNode } from 'preact';
import { CsrfField, Field, FieldErrors, type Problem } from '../pages/components.js';
import { AUTH_PLACEMENTS, CONFIG_LABELS as LABEL, type ConfigFields } from './connector-config.js';

interface ConfigFormProps {
  csrf: string;
  action: string;
  fields: ConfigFields;
  problems: readonly Problem[];
  /** The name question, when registering (a registered connector's name is its address). */
  name?: { value: string } | undefined;
  /** The box to tick before a replacement, naming what is replaced. */
  confirm?: string | undefined;
  submit: string;
  cancel: string;
}

const PLACEMENT_LABELS: Record<(typeof AUTH_PLACEMENTS)[number], string> = { header: 'In a request header', query: 'In a query parameter', none: 'Nowhere: the service needs no secret' };

/** The connector's definition as questions: every field the platform's config schema has. */
export function ConfigForm({ csrf, action, fields, problems, name, confirm, submit, cancel }: ConfigFormProps): VNode {
  const text = (id: keyof ConfigFields, hint: string, extra: Record<string, unknown> = {}): VNode => (
    <Field id={id} label={LABEL[id]} hint={hint} problems={problems}>
      {(describedBy) => <input id={id} name={id} value={fields[id]} autocomplete="off" spellcheck={false} aria-describedby={describedBy} {...extra} />}
    </Field>
  );
  const lines = (id: 'allowedHosts' | 'headers', hint: string): VNode => (
    <Field id={id} label={LABEL[id]} hint={hint} problems={problems}>
      {(describedBy) => <textarea id={id} name={id} rows={3} class="ll-code" spellcheck={false} autocomplete="off" aria-describedby={describedBy}>{fields[id]}</textarea>}
    </Field>
  );
  const onBehalfOfOpen = fields.obHeader !== '' || fields.obAudience !== '' || problems.some((problem) => problem.field === 'obHeader' || problem.field === 'obAudience');
  return (
    <form method="post" action={action} novalidate>
      <CsrfField token={csrf} />
      {name && (
        <Field id="name" label="Name" hint="1 to 63 of a-z, 0-9, _ and -, starting with a letter. Automations call the connector by this name; it cannot change." problems={problems}>
          {(describedBy) => <input id="name" name="name" value={name.value} maxLength={63} autocomplete="off" spellcheck={false} aria-describedby={describedBy} />}
        </Field>
      )}
      {text('description', 'What the service is, for the people who read this list (optional).', { maxLength: 500, class: 'll-wide' })}
      {text('baseUrl', 'Where calls go, e.g. https://billing.example.com/api (no query string, fragment or user:password).', { type: 'url', maxLength: 2048, class: 'll-wide' })}
      {lines('allowedHosts', "The hosts calls may reach, one a line: host or host:port, lowercase. Include the base URL's host.")}
      <fieldset class="ll-fieldset">
        <legend>The secret in each call</legend>
        <Field id="authPlacement" label={LABEL.authPlacement} problems={problems}>
          {(describedBy) => (
            <select id="authPlacement" name="authPlacement" aria-describedby={describedBy}>
              {AUTH_PLACEMENTS.map((placement) => <option value={placement} selected={fields.authPlacement === placement}>{PLACEMENT_LABELS[placement]}</option>)}
            </select>
          )}
        </Field>
        {text('authName', 'e.g. Authorization, X-Api-Key, or the query parameter api_key.', { maxLength: 256 })}
        {text('authTemplate', 'The value sent, with {{secret}} exactly once where the secret goes, e.g. Bearer {{secret}}.', { maxLength: 4096, class: 'll-wide' })}
      </fieldset>
      <fieldset class="ll-fieldset">
        <legend>Limits</legend>
        {text('timeoutMs', 'How long a call may take: 100 to 120000. Empty: 10000.', { inputmode: 'numeric', maxLength: 9 })}
        {text('ratePerSecond', 'Calls a second across every run of this tenant. Empty: 10.', { inputmode: 'decimal', maxLength: 13 })}
        {text('rateBurst', 'Calls at once above that rate. Empty: the rate, rounded up.', { inputmode: 'numeric', maxLength: 9 })}
      </fieldset>
      {lines('headers', 'Sent with every call, one a line as Name: value (optional). Not for the secret.')}
      <details open={onBehalfOfOpen}>
        <summary>Acting for a person (optional)</summary>
        {text('obHeader', 'The header that carries a platform-signed assertion of the person each call acts for.', { maxLength: 256 })}
        {text('obAudience', "Who the assertion is for. Empty: the base URL's origin.", { maxLength: 1024, class: 'll-wide' })}
      </details>
      {confirm && <ConfirmBox label={confirm} problems={problems} />}
      <div class="ll-actions">
        <button type="submit" class={confirm ? 'll-warning' : undefined}>{submit}</button>
        <a href={cancel}>Cancel</a>
      </div>
    </form>
  );
}

/** The tick a replacement needs: unticked, nothing is sent. */
export function ConfirmBox({ label, problems }: { label: string; problems: readonly Problem[] }): VNode {
  const invalid = problems.some((problem) => problem.field === 'confirm');
  return (
    <div class={`ll-field ll-check${invalid ? ' ll-field-invalid' : ''}`}>
      <FieldErrors id="confirm" problems={problems} />
      <input type="checkbox" id="confirm" name="confirm" value="yes" aria-describedby={invalid ? 'confirm-error' : undefined} />
      <label for="confirm">{label}</label>
    </div>
  );
}
