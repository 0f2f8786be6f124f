// `tollgate apply` and keys: importing an operator's existing private key (PEM or JWK, with the kid
// it used) so tokens it signed elsewhere stay valid; rotating when signing_alg changes; checking
// the public keys machine clients register. Bad keys are refused by path, without quoting them.
import { generateKeyPairSync } from 'node:crypto'
import path from 'node:path'
import t from 'tap'
import { applyDocument, ProvisioningError } from '../src/provisioning/apply.js'
import { createArgon2Hasher } from '../src/security/password-hasher.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import type { ProvisioningDocument } from '../schemas/provisioning.js'
import { buildTestApp, TEST_ARGON2 } from './helpers/app.js'
import { idToken, JWT_BEARER, jwtBearerFixture, keys, verifyServed } from './helpers/jwt-bearer.js'

const hasher = createArgon2Hasher(TEST_ARGON2)
const tenant = (extra: Partial<ProvisioningDocument['tenants'][number]> = {}): ProvisioningDocument =>
  ({ tenants: [{ name: 'acme', hosts: ['acme.test'], connections: [], clients: [], users: [], ...extra }] })
const machine = (extra: Record<string, unknown>) =>
  ({ client_id: 'robot', name: 'Robot', type: 'machine', grant_types: [JWT_BEARER], ...extra }) as any

t.test('an imported key keeps the tokens it signed elsewhere valid', async (t) => {
  const app = await buildTestApp(t, { document: jwtBearerFixture() })
  const jwks = async (host: string) => (await app.inject({ method: 'GET', url: '/.well-known/jwks.json', headers: { host } })).json().keys
  t.match(await jwks('acme.test'), [{ kid: 'acme-legacy-1', alg: 'RS256', kty: 'RSA', n: keys.acme.publicJwk.n, use: 'sig' }], 'PEM import, kid kept')
  t.match(await jwks('other.test'), [{ kid: 'other-legacy-1', alg: 'ES256', kty: 'EC', x: keys.other.publicJwk.x }], 'JWK import, kid and alg kept')
  // A token "the old server" signed verifies against the JWKS Tollgate now serves.
  const old = await idToken({ iat: 1, exp: Math.floor(Date.now() / 1000) + 600 })
  t.equal((await verifyServed(app, old, { audience: 'spa', algorithms: ['RS256'] })).sub, 'auth0|alice')
})

t.test('apply and signing keys', async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  const acmeKeys = async () => {
    const { id } = (await store.tenantByName('acme'))!
    return (await store.allSigningKeys(id)).map((k) => ({ kid: k.kid, alg: k.alg, status: k.status, retiring: k.retireAfter !== null }))
  }

  await applyDocument(store, hasher, tenant())
  const [generated] = await acmeKeys()
  t.match(generated, { alg: 'RS256', status: 'current', retiring: false }, 'a tenant gets a generated key')

  await applyDocument(store, hasher, tenant({ signing_key: { pem: keys.acme.privatePem, kid: 'acme-legacy-1' } }))
  t.same(await acmeKeys(), [{ kid: 'acme-legacy-1', alg: 'RS256', status: 'current', retiring: false }, { ...generated, status: 'previous', retiring: true }],
    'the imported key becomes current; the generated one stays published until its tokens expire')

  const again = await applyDocument(store, hasher, tenant({ signing_key: { pem: keys.acme.privatePem, kid: 'acme-legacy-1' } }))
  t.same(again, { created: 0, updated: 0, unchanged: 1 }, 'applying the same file again changes nothing')
  t.equal((await acmeKeys()).length, 2)

  const rotated = await applyDocument(store, hasher, tenant({ signing_alg: 'EdDSA' }))
  t.same(rotated, { created: 0, updated: 2, unchanged: 0 }, 'the tenant and its key change')
  const afterRotation = await acmeKeys()
  t.match(afterRotation[0], { alg: 'EdDSA', status: 'current' }, 'a signing_alg the current key does not match rotates')
  t.same(afterRotation.slice(1).map((k) => k.kid).sort(), ['acme-legacy-1', generated.kid].sort())
  t.ok(afterRotation.slice(1).every((k) => k.status === 'previous' && k.retiring))
  t.same(await applyDocument(store, hasher, tenant({ signing_alg: 'EdDSA' })), { created: 0, updated: 0, unchanged: 1 })
  t.same(await applyDocument(store, hasher, tenant()), { created: 0, updated: 0, unchanged: 1 },
    'a file that names no signing_alg keeps the one in use')
})

t.test('bad keys are refused, by path, without quoting the key', async (t) => {
  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const smallRsaPem = rsa1024.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' })
  const ec = keys.robotEc.publicJwk
  const cases: Array<[string, ProvisioningDocument, string]> = [
    ['private material in a client key', tenant({ clients: [machine({ jwks: { keys: [{ ...ec, d: keys.robotEc.privateJwk.d }] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: the key holds private material: register the public key only'],
    ['jwks and jwks_uri', tenant({ clients: [machine({ jwks: { keys: [ec] }, jwks_uri: 'https://robot.test/jwks' })] }),
      '/tenants/0/clients/0/jwks_uri: give jwks or jwks_uri, not both'],
    ['private_key_jwt without keys', tenant({ clients: [machine({ token_endpoint_auth_methods: ['private_key_jwt'] })] }),
      '/tenants/0/clients/0/jwks: the client authenticates with private_key_jwt but has no jwks or jwks_uri'],
    ['RSA under 2048 bits', tenant({ clients: [machine({ jwks: { keys: [rsa1024.publicKey.export({ format: 'jwk' })] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: RSA keys must have at least 2048 bits'],
    ['alg the key cannot do', tenant({ clients: [machine({ jwks: { keys: [{ ...keys.robotRsa.publicJwk, alg: 'ES256' }] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: alg ES256 is not allowed for this key (allowed: RS256, RS384, RS512, PS256, PS384, PS512)'],
    ['HMAC alg on an RSA key', tenant({ clients: [machine({ jwks: { keys: [{ ...keys.robotRsa.publicJwk, alg: 'HS256' }] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: alg HS256 is not allowed for this key (allowed: RS256, RS384, RS512, PS256, PS384, PS512)'],
    ['encryption key', tenant({ clients: [machine({ jwks: { keys: [{ ...ec, use: 'enc' }] } })] }),
      "/tenants/0/clients/0/jwks/keys/0/use: Expected 'sig'"],
    ['unreadable key', tenant({ clients: [machine({ jwks: { keys: [{ ...ec, x: 'AAAA' }] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: the key cannot be read'],
    ['several keys without kid', tenant({ clients: [machine({ jwks: { keys: [{ ...ec, kid: undefined }, { ...p384 }] } })] }),
      '/tenants/0/clients/0/jwks/keys/0: with several keys, each needs a kid'],
    ['kid given twice', tenant({ clients: [machine({ jwks: { keys: [ec, { ...p384, kid: ec.kid }] } })] }),
      '/tenants/0/clients/0/jwks/keys/1/kid: kid robot-ec is given twice'],
    ['signing key that is not a key', tenant({ signing_key: { pem: '-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n' } }),
      '/tenants/0/signing_key: the private key cannot be read (an unencrypted PKCS#8, PKCS#1 or SEC1 PEM, or a private JWK)'],
    ['a public key as signing key', tenant({ signing_key: { jwk: keys.acme.publicJwk as Record<string, unknown> } }),
      '/tenants/0/signing_key: the private key cannot be read (an unencrypted PKCS#8, PKCS#1 or SEC1 PEM, or a private JWK)'],
    ['small RSA signing key', tenant({ signing_key: { pem: smallRsaPem } }), '/tenants/0/signing_key: RSA keys must have at least 2048 bits'],
    ['signing key of another algorithm than signing_alg', tenant({ signing_alg: 'EdDSA', signing_key: { pem: keys.acme.privatePem } }),
      '/tenants/0/signing_key: the key signs RS256, but signing_alg is EdDSA'],
  ]
  // A data directory per case, made once: t.testdir() empties its one directory on every call, and
  // emptying it right after a store closed there failed once in CI (ENOTEMPTY from the removal).
  const dir = t.testdir()
  for (const [i, [name, document, message]] of cases.entries()) {
    const store = await openSqliteStore(path.join(dir, `case-${i}`))
    const err = await applyDocument(store, hasher, document).catch((e: unknown) => e)
    await store.close()
    t.type(err, ProvisioningError, name)
    t.equal((err as Error).message, message, name)
    t.notMatch((err as Error).message, /BEGIN|c2VjcmV0/, `${name}: the key is not quoted`)
  }

  await t.test('a kid another tenant already uses', async (t) => {
    const store = await openSqliteStore(t.testdir())
    t.teardown(() => store.close())
    await applyDocument(store, hasher, tenant({ signing_key: { pem: keys.acme.privatePem, kid: 'shared' } }))
    const doc: ProvisioningDocument = { tenants: [{ ...tenant().tenants[0], name: 'beta', hosts: ['beta.test'], signing_key: { jwk: { ...keys.other.privateJwk, kid: 'shared' } } }] }
    const err = await applyDocument(store, hasher, doc).catch((e: unknown) => e)
    t.equal((err as Error).message, '/tenants/0/signing_key: kid shared is already used by another tenant')
    t.equal(await store.tenantByName('beta'), undefined, 'nothing was written')
  })
})
