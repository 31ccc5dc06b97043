import { NotFoundError, IllegalStateError } from '#core';

export class ConnectorNotFoundError extends NotFoundError {
  constructor(name: string) {
    super('connector.not_found', `no connector named ${name} in this tenant`, { connector: name });
  }
}

export class SecretVersionUnavailableError extends IllegalStateError {
  constructor(name: string, version: number) {
    super('connector.secret_unavailable', `secret version ${version} of connector ${name} is retired or was never set`, { connector: name, version });
  }
}
