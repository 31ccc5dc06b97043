/** Read and cancel one's own runs. */
export const RUNS_SCOPE = 'runs:read';
export const RUNS_CANCEL_SCOPE = 'runs:cancel';
/** Read and cancel every run of the tenant, not only one's own. */
export const RUNS_ADMIN_SCOPE = 'runs:admin';
/** See the tenant's pending approvals and decide them (never for one's own runs). */
export const APPROVALS_DECIDE_SCOPE = 'approvals:decide';
