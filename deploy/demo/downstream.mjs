// A stand-in for a tenant's own system, for trying automations by hand: answers every POST/PUT
// with JSON { ok, id, path, received } and replays the first answer for a repeated
// Idempotency-Key, as payment APIs do. Logs each call (never the Authorization value).
// Usage: node deploy/demo/downstream.mjs [port=4000]
//
// On-behalf-of assertions (docs/automations.md#on-behalf-of-assertions): with DEMO_OBO_JWKS_URL
// (the platform's JWKS) or DEMO_OBO_JWKS_FILE (a JWKS as JSON) and DEMO_OBO_ISSUER, every call
// but GET /ready must carry a valid assertion in DEMO_OBO_HEADER (default Ledgerline-On-Behalf-Of;
// `Bearer <jwt>` when it is Authorization) for DEMO_OBO_AUDIENCE (default http://127.0.0.1:<port>,
// the origin a connector's base URL names): ES256, typ obo+jwt, signed by a key of the JWKS, not
// expired. Anything else is answered 401 with JSON { error, reason, message }; a verified call's
// answer says whom it acted for: onBehalfOf { sub, tenant_id, run_id }.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';

const port = Number(process.argv[2] ?? 4000);
const answered = new Map();
let nextId = 1;
const assertions = assertionCheck(process.env);

createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    const checked = assertions && req.url !== '/ready' ? await assertions.verify(req) : { ok: true };
    if (!checked.ok) {
      console.log(`${req.method} ${req.url} refused: ${checked.refusal.reason}`);
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify(checked.refusal));
      return;
    }
    const key = req.headers['idempotency-key'];
    const replay = key !== undefined && answered.has(`${req.url} ${key}`);
    const onBehalfOf = checked.onBehalfOf && { onBehalfOf: checked.onBehalfOf };
    const answer = replay ? answered.get(`${req.url} ${key}`) : JSON.stringify({ ok: true, id: `d-${nextId++}`, path: req.url, received: body ? JSON.parse(body) : null, ...onBehalfOf });
    if (key !== undefined) answered.set(`${req.url} ${key}`, answer);
    const actingFor = checked.onBehalfOf ? ` on-behalf-of=${checked.onBehalfOf.sub}` : '';
    console.log(`${req.method} ${req.url} idempotency-key=${key ?? '-'} authorization=${req.headers.authorization ? 'present' : 'absent'}${actingFor}${replay ? ' (replayed)' : ''}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  });
}).listen(port, '127.0.0.1', () => console.log(`demo downstream on http://127.0.0.1:${port}${assertions ? ` (on-behalf-of assertions required in ${assertions.header}, audience ${assertions.audience})` : ''}`));

/** The assertion check the environment asks for, or undefined when it names no JWKS. */
function assertionCheck(env) {
  const keys = env.DEMO_OBO_JWKS_URL ? createRemoteJWKSet(new URL(env.DEMO_OBO_JWKS_URL)) : env.DEMO_OBO_JWKS_FILE ? createLocalJWKSet(JSON.parse(readFileSync(env.DEMO_OBO_JWKS_FILE, 'utf8'))) : undefined;
  if (!keys) return undefined;
  if (!env.DEMO_OBO_ISSUER) throw new Error('DEMO_OBO_ISSUER must name the platform issuer the assertions come from');
  const header = env.DEMO_OBO_HEADER ?? 'Ledgerline-On-Behalf-Of';
  const audience = env.DEMO_OBO_AUDIENCE ?? `http://127.0.0.1:${port}`;
  const options = { issuer: env.DEMO_OBO_ISSUER, audience, typ: 'obo+jwt', algorithms: ['ES256'], requiredClaims: ['sub', 'jti', 'iat', 'exp', 'tenant_id', 'run_id'] };
  const refuse = (reason, message) => ({ ok: false, refusal: { error: 'invalid_assertion', reason, message } });
  return {
    header,
    audience,
    async verify(req) {
      const value = req.headers[header.toLowerCase()];
      const jwt = header.toLowerCase() === 'authorization' ? /^Bearer (\S+)$/i.exec(value ?? '')?.[1] : value;
      if (!jwt) return refuse('missing', `no assertion in ${header}`);
      try {
        const { payload } = await jwtVerify(jwt, keys, options);
        return { ok: true, onBehalfOf: { sub: payload.sub, tenant_id: payload.tenant_id, run_id: payload.run_id } };
      } catch (error) {
        // jose's codes say which check failed: ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ERR_JWT_CLAIM_VALIDATION_FAILED …
        return refuse(error.code ?? 'invalid', error.message);
      }
    },
  };
}
