// The storage contract on the embedded store (a real SQLite file).
import t from 'tap'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { storeContract } from './store-contract.js'

storeContract(t, async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  return store
})
