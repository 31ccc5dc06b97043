/** An automation that parks at an approval, then calls the connector `erp` with POST /orders/<ref>: a run with an approval to aim at. */
export const GATED_CALL = {
  name: 'gated_call', title: 'Gated call', description: 'Asks, then calls.',
  inputSchema: { type: 'object', properties: { ref: { type: 'string' } }, required: ['ref'] },
  steps: [
    { id: 'ask', type: 'approval', prompt: 'Call for {{input.ref}}?' },
    { id: 'call', type: 'call', connector: 'erp', request: { method: 'POST', path: '/orders/{{input.ref}}' } },
  ],
};
