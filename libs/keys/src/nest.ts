// Envelope encryption's Nest module (the process's master key, data keys and vaults as providers); everything else is in '#keys'.
export * from './keys.module.js';
