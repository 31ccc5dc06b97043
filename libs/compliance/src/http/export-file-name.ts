/** `<tenant>-<yyyymmddThhmmssZ>.ndjson.gz`: safe in a Content-Disposition header and on any file system. */
export function exportFileName(tenantId: string, at: Date): string {
  return `${tenantId}-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replaceAll(/[-:]/g, '')}.ndjson.gz`;
}
