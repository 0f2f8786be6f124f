// The provisioning file's APIs and client grants, and the settings sessions add: what is refused
// before anything is written, and that applying the same file twice changes nothing.
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.js'
import { applyDocument, ProvisioningError } from '../src/provisioning/apply.js'
import { createArgon2Hasher } from '../src/security/password-hasher.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import { TEST_ARGON2 } from './helpers/app.js'
import { ORDERS_API, sessionsFixture } from './helpers/sessions-fixture.js'

t.test('provisioning APIs and client grants', async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  const hasher = createArgon2Hasher(TEST_ARGON2)
  const refused = async (change: (doc: ReturnType<typeof sessionsFixture>) => void, message: string) => {
    const doc = sessionsFixture()
    change(doc)
    const err = await applyDocument(store, hasher, doc).then(() => undefined, (e: unknown) => e)
    t.ok(err instanceof ProvisioningError, message)
    t.equal((err as Error).message, message)
  }
  await refused((d) => { d.tenants[0].apis!.push({ ...d.tenants[0].apis![0] }) }, `/tenants/0/apis/2/identifier: API ${ORDERS_API} is declared twice`)
  await refused((d) => { d.tenants[0].apis![0].scopes.push('openid') }, '/tenants/0/apis/0/scopes: openid is an OpenID Connect scope, not an API scope')
  await refused((d) => { d.tenants[0].client_grants!.push({ client_id: 'nobody', audience: ORDERS_API, scope: [] }) }, '/tenants/0/client_grants/1/client_id: no client nobody in this tenant')
  await refused((d) => { d.tenants[0].client_grants![0].audience = 'https://nowhere.test/' }, '/tenants/0/client_grants/0/audience: no API https://nowhere.test/ in this tenant')
  await refused((d) => { d.tenants[0].client_grants![0].scope.push('delete:orders') }, `/tenants/0/client_grants/0/scope: the API ${ORDERS_API} does not define delete:orders`)
  await refused((d) => { d.tenants[0].clients[0].grant_types.push('client_credentials') }, '/tenants/0/clients/0/grant_types: client_credentials needs a client that authenticates (a secret or private_key_jwt)')
  await refused((d) => { d.tenants[0].clients[0].token_endpoint_ip_header_trusted = true },
    '/tenants/0/clients/0/token_endpoint_ip_header_trusted: only a client that authenticates (a secret or private_key_jwt) may be trusted to forward IPs')
  t.equal(await store.tenantByName('acme'), undefined, 'a refused file wrote nothing')

  const first = await applyDocument(store, hasher, sessionsFixture())
  t.ok(first.created > 0)
  const again = await applyDocument(store, hasher, sessionsFixture())
  t.same({ created: again.created, updated: again.updated }, { created: 0, updated: 0 }, 'applying the same file again changes nothing')
  const tenant = (await store.tenantByName('acme'))!
  t.match(await store.resourceServerByIdentifier(tenant.id, ORDERS_API), { identifier: ORDERS_API, scopes: ['read:orders', 'write:orders'], tokenLifetime: 3600, allowOfflineAccess: true })
  t.same(await store.clientGrant(tenant.id, 'machine', ORDERS_API), { tenantId: tenant.id, clientId: 'machine', audience: ORDERS_API, scopes: ['read:orders'], actForUsers: false })
})

t.test('settings: refresh token lifetimes and HTTPS files', async (t) => {
  const config = loadConfig({ TOLLGATE_REFRESH_TOKEN_IDLE_LIFETIME: '3600', TOLLGATE_TLS_CERT_FILE: '/etc/tollgate/cert.pem', TOLLGATE_TLS_KEY_FILE: '/etc/tollgate/key.pem' })
  t.equal(config.tokens.refreshTokenIdleLifetime, 3600)
  t.same(config.tls, { certFile: '/etc/tollgate/cert.pem', keyFile: '/etc/tollgate/key.pem' })
  t.equal(loadConfig({}).tls, undefined, 'plain HTTP by default')
  t.same([loadConfig({}).tokens.refreshTokenLifetime, loadConfig({}).tokens.refreshTokenIdleLifetime], [2592000, 1296000], "Auth0's defaults")
  t.throws(() => loadConfig({ TOLLGATE_TLS_CERT_FILE: '/etc/tollgate/cert.pem' }), new ConfigError('invalid setting: TOLLGATE_TLS_CERT_FILE and TOLLGATE_TLS_KEY_FILE go together; set both or neither'))
})
