import { Query } from '@nestjs/cqrs';

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
  status: 'active' | 'suspended';
  /** ISO-8601 UTC; null while active. */
  suspendedAt: string | null;
  reason: string | null;
}

export class ListTenantsQuery extends Query<TenantView[]> {}
