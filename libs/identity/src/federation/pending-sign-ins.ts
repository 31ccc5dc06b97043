import { randomBytes } from 'node:crypto';
import { sameSecretText, sha256Url } from '#core';
import * as client from 'openid-client';
import type { ArtifactStore } from '../store/identity-store.port.js';
import type { UpstreamChecks } from './upstream-protocol.js';

/** The identity store's model for sign-ins sent upstream and not back yet. */
const MODEL = 'UpstreamSignIn';
/** As long as a person may take at the provider; the interaction itself lasts 15 minutes. */
export const PENDING_SECONDS = 10 * 60;

export interface PendingSignIn {
  interactionUid: string;
  providerId: string;
  checks: UpstreamChecks;
}

/** A cookie that ties the callback to the browser that was sent upstream. */
export interface BrowserBinding {
  name: string;
  value: string;
}

/**
 * Sign-ins on their way through a provider, in the identity store (so the callback may land on any
 * instance), keyed by a hash of their `state`. Each also names a cookie the starting browser gets:
 * the state travels through the provider and another browser could bring it back (an attacker
 * starting a sign-in and luring a victim through the provider would otherwise sign the victim in
 * to the attacker's interaction), so the callback is honoured only with that browser's cookie.
 */
export class PendingSignIns {
  constructor(private readonly artifacts: ArtifactStore, private readonly clock: () => number = Date.now) {}

  async begin(interactionUid: string, providerId: string, maxAgeSeconds?: number): Promise<{ checks: UpstreamChecks; binding: BrowserBinding }> {
    const checks: UpstreamChecks = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), ...(maxAgeSeconds !== undefined && { maxAgeSeconds }) };
    const binding = { name: bindingCookieName(checks.state), value: randomBytes(32).toString('base64url') };
    const record = { interactionUid, providerId, checks, binding: sha256Url(binding.value) };
    await this.artifacts.upsert(MODEL, sha256Url(checks.state), record, this.clock() + PENDING_SECONDS * 1000);
    return { checks, binding };
  }

  /**
   * The pending sign-in a state names, if this browser started it; it is used up at once, so a
   * callback replayed finds nothing. A state from another browser leaves it for its own.
   */
  async take(state: string, cookieOf: (name: string) => string | undefined): Promise<PendingSignIn | undefined> {
    const key = sha256Url(state);
    const stored = await this.artifacts.find(MODEL, key);
    if (!stored || stored.consumed) return undefined;
    const record = stored.payload as unknown as PendingSignIn & { binding: string };
    const presented = cookieOf(bindingCookieName(state));
    if (presented === undefined || !sameSecretText(sha256Url(presented), record.binding)) return undefined;
    await this.artifacts.destroy(MODEL, key);
    return { interactionUid: record.interactionUid, providerId: record.providerId, checks: record.checks };
  }
}

/** One cookie per pending sign-in, so that two going on in one browser do not overwrite each other. */
export function bindingCookieName(state: string): string {
  return `ll_upstream_${sha256Url(state).slice(0, 16)}`;
}
