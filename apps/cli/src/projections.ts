import { auditEntriesProjection } from '#audit';
import { automationsProjection, runsProjection, shadowReportsProjection } from '#automation';
import { eventRetentionProjection } from '#compliance';
import { connectorsProjection } from '#connectors';
import { memoryItemsProjection } from '#memory';
import { policyEvaluationsProjection } from '#policies';
import type { Projection } from '#projections';
import { tenantsProjection } from '#tenants';

/** Every view the platform builds; the ops commands (replay, export --with-views) work on these. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  tenantsProjection,
  memoryItemsProjection,
  auditEntriesProjection,
  connectorsProjection,
  automationsProjection,
  runsProjection,
  shadowReportsProjection,
  eventRetentionProjection,
  policyEvaluationsProjection,
];
