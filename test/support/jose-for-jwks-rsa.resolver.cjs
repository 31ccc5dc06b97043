'use strict';
/**
 * Under Jest only: jwks-rsa (CommonJS) gets libs/auth/src/testing/jose-for-jest.cjs when it
 * requires `jose`; everything else gets the real jose (ESM). Jest's require() of an ES module
 * fails ("in a cycle") when the same test also imports jose as ESM, as the connectors' assertion
 * signer does, so only jwks-rsa's require is redirected. Plain Node loads the real jose for both.
 */
const { join, sep } = require('node:path');

const SHIM = join(__dirname, '..', '..', 'libs', 'auth', 'src', 'testing', 'jose-for-jest.cjs');
const JWKS_RSA = `${sep}node_modules${sep}jwks-rsa${sep}`;

module.exports = (path, options) => (path === 'jose' && options.basedir.includes(JWKS_RSA) ? SHIM : options.defaultResolver(path, options));
