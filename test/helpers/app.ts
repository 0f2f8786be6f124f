// Builds the real app for a test: a fresh data directory with a real SQLite file, the fixture
// applied through the same code as `tollgate apply`, and argon2id with light parameters.
import type { Test } from 'tap'
import { buildApp, type AppOptions } from '../../src/app.js'
import { defaults, loadConfig, type Config } from '../../src/config.js'
import { applyDocument } from '../../src/provisioning/apply.js'
import { createArgon2Hasher, type PasswordHasher } from '../../src/security/password-hasher.js'
import { openStore } from '../../src/store/open.js'
import { fixture } from './fixture.js'

export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

// A test process blocks its own event loop (key generation while provisioning): event-loop pressure
// would refuse requests at random. It is measured by the benchmarks; tests use the heap threshold.
export const TEST_LOAD_SHEDDING: Config['loadShedding'] = { ...defaults.loadShedding, maxEventLoopDelayMs: 0 }

export const TEST_WRITE_THROUGH: Pick<Config, 'configMaxAgeMs' | 'audit'> = { configMaxAgeMs: 0, audit: { flushMs: 200, maxEvents: 1 } }

export function testConfig (t: Test, overrides: Partial<Config> = {}): Config {
  // t.testdir() empties the directory: called only when the test names none (a restart reuses its own).
  // Configuration read and audit events written at every request, as a test expects right after a change
  // made through another store; test/config-snapshot.test.ts covers the server's own settings.
  return loadConfig({}, { logLevel: 'silent', argon2: TEST_ARGON2, loadShedding: TEST_LOAD_SHEDDING, ...TEST_WRITE_THROUGH, ...overrides, dataDir: overrides.dataDir ?? t.testdir() })
}

export async function provision (config: Config, document: unknown): Promise<void> {
  const store = await openStore(config)
  try {
    await applyDocument(store, createArgon2Hasher(config.argon2), document)
  } finally {
    await store.close()
  }
}

export async function buildTestApp (t: Test, options: { document?: unknown, config?: Partial<Config> } & Omit<AppOptions, 'config'> = {}) {
  const { document = fixture(), config: overrides, ...appOptions } = options
  const config = testConfig(t, overrides)
  await provision(config, document)
  const app = await buildApp({ config, ...appOptions })
  t.teardown(() => app.close())
  await app.ready()
  return app
}

/** A real argon2id hasher that counts the verifies it performs. */
export function countingHasher (): PasswordHasher & { verifies: number } {
  const real = createArgon2Hasher(TEST_ARGON2)
  const counting = {
    verifies: 0,
    hash: real.hash,
    async verify (hash: string, password: string) {
      counting.verifies++
      return real.verify(hash, password)
    },
    async verifyNobody (password: string) {
      counting.verifies++
      return real.verifyNobody(password)
    },
  }
  return counting
}

/** A password-grant body for /oauth/ro with the fixture's defaults, overridable field by field. */
export function passwordBody (fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    grant_type: 'password',
    client_id: 'spa',
    connection: 'db',
    username: 'alice@acme.test',
    password: 'correct horse battery staple',
    scope: 'openid',
    ...fields,
  }
}
