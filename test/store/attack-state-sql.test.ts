// The attack-state contract on the SQL store (a real SQLite file).
import t from 'tap'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { attackStateContract } from './attack-state-contract.js'

attackStateContract(t, async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  for (const name of ['a', 'b']) {
    await store.upsertTenant({ id: `tenant-${name}`, name, isDefault: false, publicUrl: null, signingAlg: 'RS256', defaultConnection: null }, [])
  }
  return { state: store, tenants: ['tenant-a', 'tenant-b'] }
})
