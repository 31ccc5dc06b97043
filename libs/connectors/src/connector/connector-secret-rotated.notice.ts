/**
 * Told in process, after the rotation's event is appended, to whoever keeps old versions alive
 * (the runs): the log stays the record; this only saves waiting for the next run to end.
 */
export class ConnectorSecretRotatedNotice {
  constructor(
    readonly tenantId: string,
    readonly connector: string,
    readonly previousVersion: number,
    readonly correlationId: string,
  ) {}
}
