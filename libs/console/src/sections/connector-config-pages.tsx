import { ErrorSummary, Inset, type Problem } from '../pages/components.js';
import { formText, page, redirect, type ConsoleRoute, type PageContext, type PageResult } from '../pages/page.js';
import { hasScope } from '../session/console-session.js';
import { blankFields, bodyOf, configProblems, fieldsOf, type ConfigFields } from './connector-config.js';
import { ConfigForm } from './connector-config-form.js';
import { adminOnly, CONNECTORS_ADMIN, connectorHref, connectorOf, listConnectors, notFound } from './connector-lookup.js';
import { isFormRefusal } from './form-refusal.js';

interface RegisterResult {
  name: string;
  created: boolean;
  changed: boolean;
}

function registerPage(context: PageContext, name: string, fields: ConfigFields, problems: readonly Problem[] = []): PageResult {
  return page('Register a connector', (
    <>
      <ErrorSummary problems={problems} />
      <p><a href="/console/connectors">Back to connectors</a></p>
      <h1>Register a connector</h1>
      <p class="ll-lede">An HTTP service automations may call. Its secret, if it needs one, is set on the next page.</p>
      <ConfigForm csrf={context.session.csrf} action="/console/register-connector" fields={fields} problems={problems} name={{ value: name }} submit="Register the connector" cancel="/console/connectors" />
    </>
  ));
}

function replacePage(context: PageContext, name: string, fields: ConfigFields, problems: readonly Problem[] = []): PageResult {
  return page(`Replace the configuration of ${name}`, (
    <>
      <ErrorSummary problems={problems} />
      <p><a href={connectorHref(name)}>Back to {name}</a></p>
      <h1>Replace the configuration of {name}</h1>
      <Inset>The platform never shows a connector's configuration back, not to this console either: enter all of it. What you send replaces the whole configuration, for every call from then on. The secret stays as it is.</Inset>
      <ConfigForm csrf={context.session.csrf} action={`${connectorHref(name)}/configuration`} fields={fields} problems={problems} confirm={`Yes, replace the configuration of ${name}`} submit={`Replace the configuration of ${name}`} cancel={connectorHref(name)} />
    </>
  ));
}

/** PUT /v1/connectors/{name}: where it is refused, the page again with each problem at its field. */
async function put(context: PageContext, name: string, fields: ConfigFields, again: (problems: Problem[]) => PageResult, local: Problem[]): Promise<PageResult> {
  const { body, problems } = bodyOf(fields);
  if (local.length + problems.length > 0) return again([...local, ...problems]);
  let result: RegisterResult;
  try {
    result = await context.api.put<RegisterResult>(`/v1/connectors/${encodeURIComponent(name)}`, body);
  } catch (error) {
    if (isFormRefusal(error)) return again(configProblems(error));
    throw error;
  }
  const notice = result.created ? 'registered' : result.changed ? 'replaced' : 'unchanged';
  return redirect(`${connectorHref(result.name)}?notice=${notice}`);
}

export const configRoutes: readonly ConsoleRoute[] = [
  {
    method: 'GET',
    path: '/register-connector',
    async handle(context) {
      return hasScope(context.session, CONNECTORS_ADMIN) ? registerPage(context, '', blankFields()) : adminOnly();
    },
  },
  {
    method: 'POST',
    path: '/register-connector',
    async handle(context) {
      const name = formText(context.form, 'name');
      const fields = fieldsOf(context.form);
      const local: Problem[] = [];
      if (name === '') local.push({ field: 'name', message: 'Name: enter the name automations will call it by.' });
      // PUT registers or replaces: registering must not replace a connector by accident.
      else if ((await listConnectors(context)).some((connector) => connector.name === name)) {
        local.push({ field: 'name', message: `Name: a connector named ${name} exists already. To change it, replace its configuration on its page.` });
      }
      return put(context, name, fields, (problems) => registerPage(context, name, fields, problems), local);
    },
  },
  {
    method: 'GET',
    path: '/connectors/:name/configuration',
    async handle(context) {
      const connector = await connectorOf(context);
      if (!connector) return notFound();
      return hasScope(context.session, CONNECTORS_ADMIN) ? replacePage(context, connector.name, blankFields(connector.description)) : adminOnly();
    },
  },
  {
    method: 'POST',
    path: '/connectors/:name/configuration',
    async handle(context) {
      const connector = await connectorOf(context);
      if (!connector) return notFound();
      const fields = fieldsOf(context.form);
      const local: Problem[] = formText(context.form, 'confirm') === 'yes' ? [] : [{ field: 'confirm', message: `Tick the box to confirm that you replace the configuration of ${connector.name}.` }];
      return put(context, connector.name, fields, (problems) => replacePage(context, connector.name, fields, problems), local);
    },
  },
];
