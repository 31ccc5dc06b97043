// Ops and compliance: verifiable per-tenant export, offline verification, purge and retention.
export {};
