/**
 * What the server tells a client's model about itself (`instructions` in `initialize` and
 * `server/discover`): what the tools are for, how their results and errors read, and the habits
 * that keep an agent's work safe. Short: it goes into the model's context on every connection.
 */
export const SERVER_INSTRUCTIONS = [
  'Ledgerline runs back-office work for one tenant on behalf of the signed-in person; the tools you see are exactly the ones their grant allows.',
  'Memory (memory_put, memory_get, memory_list, memory_delete) keeps facts per person; automations are tools named after published definitions: calling one starts a run.',
  'A run may wait for a human approval or a connector; follow it with run_get or run_list instead of starting it again. Approvals are decided by someone other than the requester.',
  'Every accepted call is recorded in the tenant audit trail. To retry a call safely, send the same key in params._meta["io.ledgerline/idempotency-key"]: a repeat returns the first outcome.',
  'Errors are tool results with isError and a JSON body { error: { code, kind, message, details } }; the code is stable, details name the argument at fault, and a rate-limited call says when to retry.',
].join('\n');
