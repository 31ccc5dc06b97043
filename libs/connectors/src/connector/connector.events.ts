import type { DomainEvent, JsonObject } from '#core';

/** A sealed secret as events carry it: ciphertext under the tenant's data key, never plaintext. */
export type SealedSecretData = JsonObject & { v: 1; keyId: string; iv: string; ciphertext: string; tag: string };

/** `config` is a ConnectorConfig (see ../http); kept as JSON here so an event stays plain data. */
export type ConnectorRegistered = DomainEvent<'ConnectorRegistered', { name: string; description: string; config: JsonObject }>;
export type ConnectorUpdated = DomainEvent<'ConnectorUpdated', { name: string; description: string; config: JsonObject }>;
export type ConnectorSecretRotated = DomainEvent<'ConnectorSecretRotated', { name: string; version: number; sealed: SealedSecretData }>;
/** An old secret version no run uses any more: it will never be opened again. */
export type ConnectorSecretRetired = DomainEvent<'ConnectorSecretRetired', { name: string; version: number }>;

export type ConnectorEvent = ConnectorRegistered | ConnectorUpdated | ConnectorSecretRotated | ConnectorSecretRetired;

/**
 * What any capability that calls a connector records about each call, so the connector's health
 * can be told from the log without knowing that capability's events: events whose data carries
 * `connectorCall` feed the connectors view.
 */
export interface ConnectorCallOutcome {
  connector: string;
  ok: boolean;
  status: number | null;
  errorClass: string | null;
}
