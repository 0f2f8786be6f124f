// The provisioning file declares what passwordless needs: client callbacks and each connection's
// delivery provider; both are stored, applying again changes nothing, and nonsense is refused.
import t from 'tap'
import { applyDocument, checkDocument } from '../src/provisioning/apply.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import { TEST_ARGON2 } from './helpers/app.js'
import { createArgon2Hasher } from '../src/security/password-hasher.js'
import { APP_CALLBACK, WEB_CALLBACK, passwordlessFixture } from './helpers/passwordless.js'

t.test('callbacks and delivery options are stored; a second apply changes nothing', async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  const hasher = createArgon2Hasher(TEST_ARGON2)
  const doc = passwordlessFixture({ gatewayUrl: 'https://gateway.acme.test/sms', gatewayTimeoutMs: 2500 })
  await applyDocument(store, hasher, doc)
  const again = await applyDocument(store, hasher, doc)
  t.equal(again.created + again.updated, 0, 'idempotent')

  const tenant = (await store.tenantByName('acme'))!
  t.same((await store.clientById(tenant.id, 'app'))!.callbacks, [APP_CALLBACK, WEB_CALLBACK])
  t.same((await store.clientById(tenant.id, 'spa'))!.callbacks, [], 'none by default')
  t.same((await store.connectionByName(tenant.id, 'sms-gateway'))!.options,
    { delivery: { provider: 'http', url: 'https://gateway.acme.test/sms', timeout_ms: 2500 } })
  t.same((await store.connectionByName(tenant.id, 'sms'))!.options, {}, 'development by default')
})

const thrown = (work: () => unknown): unknown => {
  try {
    work()
  } catch (err) {
    return err
  }
  return undefined
}

t.test('a delivery provider only on sms and email connections; gateways over http(s)', async (t) => {
  const onDatabase = passwordlessFixture()
  onDatabase.tenants[0].connections[0].options = { delivery: { provider: 'development' } }
  t.match(thrown(() => checkDocument(onDatabase)), { path: '/tenants/0/connections/0/options/delivery', message: /only sms and email connections deliver codes/ })

  const ftp = passwordlessFixture({ gatewayUrl: 'ftp://gateway.acme.test/' })
  t.match(thrown(() => checkDocument(ftp)), { path: '/tenants/0/connections/8/options/delivery' })
  const badCallback = passwordlessFixture()
  badCallback.tenants[0].clients.at(-1)!.callbacks = ['not a url']
  t.match(thrown(() => checkDocument(badCallback)), { path: '/tenants/0/clients/5/callbacks/0' })
})
