import { PLATFORM_TENANT, TENANT_ID } from '#tenants';
import type { Problem } from '../../pages/components.js';
import { FormHead, PostForm, TextField } from '../../pages/forms.js';
import { formText, page, redirect, type PageContext, type PageResult } from '../../pages/page.js';
import { isFormRefusal } from '../form-refusal.js';
import { TENANTS } from './tenants-list.js';

const NEW_TENANT = `${TENANTS}/new`;
const NAME_MAX = 200;
/** The API's refusals, each to the field it is about. */
const FIELD_OF_CODE: Record<string, string> = { 'tenant.exists': 'id', 'tenant.reserved_id': 'id', 'tenant.invalid_name': 'name' };

function createPage(context: PageContext, input: { id: string; name: string }, problems: readonly Problem[] = []): PageResult {
  return page('Create a tenant', (
    <>
      <FormHead problems={problems} back={{ href: TENANTS, label: 'Back to tenants' }} title="Create a tenant" />
      <PostForm action={NEW_TENANT} csrf={context.session.csrf}>
        <TextField id="id" label="Id" hint="What tokens and sign-ins name: 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit. It cannot be changed." problems={problems} value={input.id} maxLength={64} />
        <TextField id="name" label="Name" hint="Shown to people, like Acme Corporation." problems={problems} value={input.name} maxLength={NAME_MAX} />
        <div class="ll-actions">
          <button type="submit">Create the tenant</button>
          <a href={TENANTS}>Cancel</a>
        </div>
      </PostForm>
    </>
  ), problems.length > 0 ? 400 : undefined);
}

export async function newTenantPage(context: PageContext): Promise<PageResult> {
  return createPage(context, { id: '', name: '' });
}

function problemsOf(input: { id: string; name: string }): Problem[] {
  const problems: Problem[] = [];
  if (input.id === '') problems.push({ field: 'id', message: "Enter the tenant's id." });
  else if (!TENANT_ID.test(input.id)) problems.push({ field: 'id', message: 'The id must be 1 to 64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.' });
  else if (input.id === PLATFORM_TENANT) problems.push({ field: 'id', message: `${PLATFORM_TENANT} is reserved for the platform's own records: choose another id.` });
  if (input.name === '') problems.push({ field: 'name', message: "Enter the tenant's name." });
  else if (input.name.length > NAME_MAX) problems.push({ field: 'name', message: `The name must be ${NAME_MAX} characters or fewer.` });
  return problems;
}

export async function createTenant(context: PageContext): Promise<PageResult> {
  const input = { id: formText(context.form, 'id'), name: formText(context.form, 'name') };
  const problems = problemsOf(input);
  if (problems.length > 0) return createPage(context, input, problems);
  try {
    await context.api.post('/v1/tenants', input);
  } catch (error) {
    if (!isFormRefusal(error)) throw error;
    const message = error.code === 'tenant.exists' ? `A tenant with the id ${input.id} exists already: choose another id.` : error.message;
    return createPage(context, input, [{ field: FIELD_OF_CODE[error.code], message }]);
  }
  return redirect(`${TENANTS}?${new URLSearchParams({ tenant: input.id, notice: 'created' })}`);
}
