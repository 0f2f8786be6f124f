// The storage contract on the shared store: a real PostgreSQL (TOLLGATE_TEST_DATABASE_URL), a
// database of its own per test.
import t from 'tap'
import { openPostgresStore } from '../../src/store/postgres.js'
import { migrations } from '../../src/store/migrations.js'
import { freshDatabase, query } from '../helpers/postgres.js'
import { storeContract } from './store-contract.js'

storeContract(t, async (t) => {
  const store = await openPostgresStore({ url: await freshDatabase(t), poolSize: 10 })
  t.teardown(() => store.close())
  return store
})

t.test("a schema migrates on its own, whatever another schema of the database holds (another instance's tables, another Kysely application's)", async (t) => {
  const [first, second] = [await freshDatabase(t), await freshDatabase(t)]
  const neighbour = await openPostgresStore({ url: first, poolSize: 1 })
  t.teardown(() => neighbour.close())
  const store = await openPostgresStore({ url: second, poolSize: 1 })
  t.teardown(() => store.close())
  t.equal(await store.configVersion(), 0, 'its own tables, migrated')
  t.same(await query(second, 'select count(*)::int as n from kysely_migration'), [{ n: Object.keys(migrations).length }], 'every migration recorded in its own schema')
})
