import { Query } from '@nestjs/cqrs';

export interface TenantView {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
}

export class ListTenantsQuery extends Query<TenantView[]> {}
