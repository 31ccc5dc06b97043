import type { ConnectorSummary } from '#connectors/nest';
import { CsrfField, ErrorSummary, Field, type Problem } from '../pages/components.js';
import { formText, page, redirect, type ConsoleRoute, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { ConfirmBox } from './connector-config-form.js';
import { adminOnly, CONNECTORS_ADMIN, connectorHref, connectorOf, notFound } from './connector-lookup.js';
import { formRaw, isFormRefusal } from './form-refusal.js';

const MAX_SECRET_BYTES = 8192;

/**
 * The secret's form. It is write-only: the field is never filled in, and a refusal shows the
 * form empty again, so the secret is never in a page, whatever happens.
 */
function secretPage(context: PageContext, connector: ConnectorSummary, problems: readonly Problem[] = []): PageResult {
  const { name, hasSecret } = connector;
  const verb = hasSecret ? 'Replace' : 'Set';
  return page(`${verb} the secret of ${name}`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={connectorHref(name)}>Back to {name}</a></p>
      <h1>{verb} the secret of {name}</h1>
      <p class="ll-lede">
        {hasSecret
          ? 'Calls use the new secret from the moment it is saved; runs already going keep the one they started with, which is retired once none holds it. The current secret cannot be shown or brought back.'
          : 'The credential the service expects, put into each call where the configuration says. It is stored sealed and never shown again.'}
      </p>
      <form method="post" action={`${connectorHref(name)}/secret`} novalidate autocomplete="off">
        <CsrfField token={context.session.csrf} />
        <Field id="secret" label={hasSecret ? 'New secret' : 'Secret'} hint="On one line, up to 8192 bytes. Paste it from where it was issued." problems={problems}>
          {(describedBy) => <input type="password" id="secret" name="secret" autocomplete="new-password" spellcheck={false} aria-describedby={describedBy} />}
        </Field>
        {hasSecret && <ConfirmBox label={`Yes, replace the secret of ${name}`} problems={problems} />}
        <div class="ll-actions">
          <button type="submit" class={hasSecret ? 'll-warning' : undefined}>{verb} the secret of {name}</button>
          <a href={connectorHref(name)}>Cancel</a>
        </div>
      </form>
    </>
  ));
}

function secretProblems(secret: string, connector: ConnectorSummary, confirmed: boolean): Problem[] {
  const problems: Problem[] = [];
  if (secret === '') problems.push({ field: 'secret', message: 'Enter the secret.' });
  else if (/[\r\n]/.test(secret)) problems.push({ field: 'secret', message: 'The secret must be on one line: it had a line break. Enter it again.' });
  else if (Buffer.byteLength(secret) > MAX_SECRET_BYTES) problems.push({ field: 'secret', message: `The secret must be ${MAX_SECRET_BYTES} bytes or fewer. Enter it again.` });
  if (connector.hasSecret && !confirmed) problems.push({ field: 'confirm', message: `Tick the box to confirm that you replace the secret of ${connector.name}.` });
  return problems;
}

export const secretRoutes: readonly ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/connectors/:name/secret',
    async handle(context) {
      const connector = await connectorOf(context);
      if (!connector) return notFound();
      return hasScope(context.session, CONNECTORS_ADMIN) ? secretPage(context, connector) : adminOnly();
    },
  },
  {
    method: 'POST',
    path: '/connectors/:name/secret',
    async handle(context) {
      const connector = await connectorOf(context);
      if (!connector) return notFound();
      const secret = formRaw(context.form, 'secret');
      const problems = secretProblems(secret, connector, formText(context.form, 'confirm') === 'yes');
      if (problems.length > 0) return secretPage(context, connector, problems);
      try {
        await context.api.put(`/v1/connectors/${encodeURIComponent(connector.name)}/secret`, { secret });
      } catch (error) {
        if (!isFormRefusal(error)) throw error;
        // The API never echoes a secret; should a message ever hold it, it is not shown either.
        const message = secret.length >= 4 && error.message.includes(secret) ? 'The platform refused the secret.' : error.message;
        return secretPage(context, connector, [{ field: 'secret', message: `${message} Enter it again.` }]);
      }
      return redirect(`${connectorHref(connector.name)}?notice=${connector.hasSecret ? 'secret-replaced' : 'secret-set'}`);
    },
  },
];
