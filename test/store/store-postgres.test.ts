// The storage contract on the shared store: a real PostgreSQL (TOLLGATE_TEST_DATABASE_URL), a
// database of its own per test.
import t from 'tap'
import { openPostgresStore } from '../../src/store/postgres.js'
import { freshDatabase } from '../helpers/postgres.js'
import { storeContract } from './store-contract.js'

storeContract(t, async (t) => {
  const store = await openPostgresStore({ url: await freshDatabase(t), poolSize: 10 })
  t.teardown(() => store.close())
  return store
})
