import { assertTenantId } from '#event-store';

export function isTenantId(value: unknown): value is string {
  try {
    assertTenantId(value);
    return true;
  } catch {
    return false;
  }
}
