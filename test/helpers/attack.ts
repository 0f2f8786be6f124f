// Helpers for the attack-protection tests: settings over the defaults, the sample breached-password
// file, a hasher the test opens and closes, and the Redis the tests run against.
import path from 'node:path'
import { defaults, type Config } from '../../src/config.js'
import type { PasswordHasher } from '../../src/security/password-hasher.js'
import { createArgon2Hasher } from '../../src/security/password-hasher.js'
import { passwordBody as passwordBodyOf, TEST_ARGON2, TEST_LOAD_SHEDDING } from './app.js'

/** The sample Pwned Passwords file: 1024 sorted lines, with 123456, password, P@ssw0rd, hunter2 (count 1)... */
export const BREACHED_FILE = path.join(import.meta.dirname, '..', 'fixtures', 'breached-passwords.txt')

/** Where the tests find a real redis-server (.ci/run starts one). */
export const TEST_REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface ProtectionSettings {
  bruteForce?: Partial<Config['attackProtection']['bruteForce']>
  suspiciousIp?: Partial<Config['attackProtection']['suspiciousIp']>
  breachedPasswords?: Partial<Config['attackProtection']['breachedPasswords']>
  allowList?: string[]
  rateLimits?: Partial<Config['rateLimits']>
  loadShedding?: Partial<Config['loadShedding']>
}

/** Config overrides that change only the named settings of attack protection, rate limits and load shedding. */
export function protection (settings: ProtectionSettings): Partial<Config> {
  const d = defaults
  return {
    attackProtection: {
      bruteForce: { ...d.attackProtection.bruteForce, ...settings.bruteForce },
      suspiciousIp: { ...d.attackProtection.suspiciousIp, ...settings.suspiciousIp },
      breachedPasswords: { ...d.attackProtection.breachedPasswords, ...settings.breachedPasswords },
      allowList: settings.allowList ?? d.attackProtection.allowList,
    },
    rateLimits: { ...d.rateLimits, ...settings.rateLimits },
    loadShedding: { ...TEST_LOAD_SHEDDING, ...settings.loadShedding },
  }
}

/**
 * A real hasher the test can hold: after hold(), verifies wait until open(). `entered` resolves when
 * the first held verify arrives; `verifies` counts the verifies asked for since hold().
 */
export function gatedHasher (): PasswordHasher & { verifies: number, entered: Promise<void>, hold (): void, open (): void } {
  const real = createArgon2Hasher(TEST_ARGON2)
  let gate: Promise<void> = Promise.resolve()
  let open = () => {}
  let enter = () => {}
  const held = async () => {
    hasher.verifies++
    enter()
    await gate
  }
  const hasher = {
    verifies: 0,
    entered: Promise.resolve(),
    hold () {
      hasher.verifies = 0
      gate = new Promise<void>((resolve) => { open = resolve })
      hasher.entered = new Promise<void>((resolve) => { enter = resolve })
    },
    open: () => open(),
    hash: real.hash,
    async verify (hash: string, password: string) {
      await held()
      return real.verify(hash, password)
    },
    async verifyNobody (password: string) {
      await held()
      return real.verifyNobody(password)
    },
  }
  return hasher
}

/** POST /oauth/ro with the password grant, from `ip` (the connecting address). */
export function login (app: { inject: (o: any) => Promise<any> }, fields: Record<string, unknown> = {},
  options: { ip?: string, headers?: Record<string, string> } = {}) {
  return app.inject({
    method: 'POST',
    url: '/oauth/ro',
    remoteAddress: options.ip ?? '203.0.113.5',
    headers: { host: 'acme.test', ...options.headers },
    payload: passwordBodyOf(fields),
  })
}
