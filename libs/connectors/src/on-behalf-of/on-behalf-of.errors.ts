import { IllegalStateError } from '#core';

/** The connector asks for an on-behalf-of assertion and this process cannot sign one: the call is not made. */
export class OnBehalfOfUnavailableError extends IllegalStateError {
  constructor(connector: string) {
    super('connector.on_behalf_of.unavailable', `connector ${connector} asks for an on-behalf-of assertion, and this platform has no assertion signer`, { connector });
  }
}

/** The call has nobody to act for (a run whose start recorded no client): the call is not made. */
export class OnBehalfOfSubjectMissingError extends IllegalStateError {
  constructor(connector: string) {
    super('connector.on_behalf_of.no_subject', `connector ${connector} asks for an on-behalf-of assertion, and the call acts for no recorded user and client`, { connector });
  }
}

/** The signing key the signer was given is not an ES256 private key with a kid. */
export class AssertionKeyInvalidError extends IllegalStateError {
  constructor(reason: string) {
    super('connector.on_behalf_of.invalid_key', `the assertion signing key cannot be used: ${reason}`, { reason });
  }
}

/** A call to a connector that asks for an assertion came without one: refused before any network activity. */
export class OnBehalfOfMissingError extends IllegalStateError {
  constructor(header: string) {
    super('connector.on_behalf_of.missing', `the connector asks for an on-behalf-of assertion in ${header}, and the call carries none`, { header });
  }
}
