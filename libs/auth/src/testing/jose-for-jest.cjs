'use strict';
/**
 * jwks-rsa, a CommonJS package, requires `jose` 6, which is ESM only; Jest's require() of it fails
 * when a test also imports jose as ESM. Node itself loads the real `jose` at run time; under Jest
 * only, jwks-rsa's require resolves to this file (test/support/jose-for-jwks-rsa.resolver.cjs):
 * the four functions jwks-rsa calls, on node:crypto.
 */
const { createPrivateKey, createPublicKey } = require('node:crypto');

function part(token, index) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) throw new TypeError('Invalid JWT');
  const value = JSON.parse(Buffer.from(parts[index], 'base64url').toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new TypeError('Invalid JWT');
  return value;
}

module.exports = {
  decodeJwt: (token) => part(token, 1),
  decodeProtectedHeader: (token) => part(token, 0),
  importJWK: async (jwk) => (jwk.d === undefined ? createPublicKey({ key: jwk, format: 'jwk' }) : createPrivateKey({ key: jwk, format: 'jwk' })),
  exportSPKI: async (key) => key.export({ format: 'pem', type: 'spki' }),
};
