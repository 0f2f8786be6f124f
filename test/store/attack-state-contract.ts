// The contract every attack-protection state adapter keeps (src/store/port.ts AttackStateStore).
// attack-state-sql.test.ts runs it on the SQL store, attack-state-redis.test.ts on a real Redis.
import type { Test } from 'tap'
import type { AttackStateStore, AttemptKey } from '../../src/store/port.js'

export interface ContractSetup {
  state: AttackStateStore
  /** Two tenants the adapter accepts (the SQL store needs them to exist). */
  tenants: [string, string]
}

const DAY = 24 * 3600 * 1000

export function attackStateContract (t: Test, open: (t: Test) => Promise<ContractSetup>): void {
  const now = Date.now()

  t.test('counts attempts per tenant, account and IP, and returns the new count', async (t) => {
    const { state, tenants: [a, b] } = await open(t)
    const key: AttemptKey = { tenantId: a, subject: 'user:alice', ip: '203.0.113.5' }
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 1)
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 2)
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 3)
    t.equal(await state.countAttempt({ ...key, ip: '203.0.113.6' }, 'fp', now, now + DAY), 1, 'another IP')
    t.equal(await state.countAttempt({ ...key, ip: '*' }, 'fp', now, now + DAY), 1, 'every IP is its own counter')
    t.equal(await state.countAttempt({ ...key, subject: 'user:bob' }, 'fp', now, now + DAY), 1, 'another account')
    t.equal(await state.countAttempt({ ...key, tenantId: b }, 'fp', now, now + DAY), 1, 'another tenant')
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 4, 'the first counter went on')
  })

  t.test('counts parallel attempts atomically: each gets its own place', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const key: AttemptKey = { tenantId: a, subject: 'user:alice', ip: '203.0.113.5' }
    const counts = await Promise.all(Array.from({ length: 50 }, () => state.countAttempt(key, 'fp', now, now + DAY)))
    t.same(counts.sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i + 1))
  })

  t.test('starts over when the counter expired', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const key: AttemptKey = { tenantId: a, subject: 'user:alice', ip: '203.0.113.5' }
    await state.countAttempt(key, 'fp', now, now + 1000)
    t.equal(await state.countAttempt(key, 'fp', now + 999, now + 1999), 2, 'still alive a moment before; the expiry moves on')
    t.equal(await state.countAttempt(key, 'fp', now + 1999, now + 2999), 1, 'expired at its expiry time')
  })

  t.test('starts over when the fingerprint changed (the password did)', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const key: AttemptKey = { tenantId: a, subject: 'user:alice', ip: '203.0.113.5' }
    await state.countAttempt(key, 'old', now, now + DAY)
    await state.countAttempt(key, 'old', now, now + DAY)
    t.equal(await state.countAttempt(key, 'new', now, now + DAY), 1)
    t.equal(await state.countAttempt(key, 'new', now, now + DAY), 2)
  })

  t.test('takes back an attempt, never below zero', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const key: AttemptKey = { tenantId: a, subject: 'user:alice', ip: '203.0.113.5' }
    await state.uncountAttempt(key)
    await state.countAttempt(key, 'fp', now, now + DAY)
    await state.countAttempt(key, 'fp', now, now + DAY)
    await state.uncountAttempt(key)
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 2)
    await state.uncountAttempt(key)
    await state.uncountAttempt(key)
    await state.uncountAttempt(key)
    t.equal(await state.countAttempt(key, 'fp', now, now + DAY), 1)
  })

  t.test('clears one counter on success, and every counter of an account on unblock', async (t) => {
    const { state, tenants: [a, b] } = await open(t)
    const alice = (ip: string): AttemptKey => ({ tenantId: a, subject: 'user:alice', ip })
    for (const ip of ['203.0.113.5', '203.0.113.6', '*']) await state.countAttempt(alice(ip), 'fp', now, now + DAY)
    await state.countAttempt({ tenantId: a, subject: 'user:bob', ip: '203.0.113.5' }, 'fp', now, now + DAY)
    await state.countAttempt({ tenantId: b, subject: 'user:alice', ip: '203.0.113.5' }, 'fp', now, now + DAY)

    await state.clearAttempts(alice('203.0.113.5'))
    t.equal(await state.countAttempt(alice('203.0.113.5'), 'fp', now, now + DAY), 1, 'cleared')
    t.equal(await state.countAttempt(alice('203.0.113.6'), 'fp', now, now + DAY), 2, 'another IP kept its count')

    t.equal(await state.clearSubject(a, 'user:alice'), 3, 'three counters of alice')
    t.equal(await state.clearSubject(a, 'user:alice'), 0, 'none left')
    t.equal(await state.countAttempt(alice('*'), 'fp', now, now + DAY), 1)
    t.equal(await state.countAttempt({ tenantId: a, subject: 'user:bob', ip: '203.0.113.5' }, 'fp', now, now + DAY), 2, 'bob kept his')
    t.equal(await state.countAttempt({ tenantId: b, subject: 'user:alice', ip: '203.0.113.5' }, 'fp', now, now + DAY), 2, 'the other tenant kept its')
  })

  t.test('an IP allowance allows `limit` failures, then refills one per interval', async (t) => {
    const { state, tenants: [a, b] } = await open(t)
    const budget = { limit: 3, windowMs: 3000 }
    const take = (at: number, tenant = a) => state.takeIpAllowance(tenant, '203.0.113.5', budget, at)
    t.same(await take(now), { allowed: true, remaining: 2, retryAfterMs: 0 })
    t.same(await take(now), { allowed: true, remaining: 1, retryAfterMs: 0 })
    t.same(await take(now), { allowed: true, remaining: 0, retryAfterMs: 0 })
    t.same(await take(now), { allowed: false, remaining: 0, retryAfterMs: 1000 })
    t.same(await take(now + 400), { allowed: false, remaining: 0, retryAfterMs: 600 }, 'a refused take does not push it back')
    t.same(await take(now + 1000), { allowed: true, remaining: 0, retryAfterMs: 0 }, 'one refilled after one interval')
    t.same(await take(now + 1000), { allowed: false, remaining: 0, retryAfterMs: 1000 })
    t.same(await take(now, b), { allowed: true, remaining: 2, retryAfterMs: 0 }, 'tenants have their own')
    t.same(await state.takeIpAllowance(a, '203.0.113.6', budget, now), { allowed: true, remaining: 2, retryAfterMs: 0 }, 'IPs have their own')
    t.same(await take(now + 10_000), { allowed: true, remaining: 2, retryAfterMs: 0 }, 'full again after a window')
  })

  t.test('gives a failure back, and refills at once on unthrottle', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const budget = { limit: 2, windowMs: 2000 }
    await state.returnIpAllowance(a, '203.0.113.5', budget, now)
    t.same(await state.takeIpAllowance(a, '203.0.113.5', budget, now), { allowed: true, remaining: 1, retryAfterMs: 0 }, 'nothing to give back is harmless')
    await state.takeIpAllowance(a, '203.0.113.5', budget, now)
    await state.returnIpAllowance(a, '203.0.113.5', budget, now)
    t.same(await state.takeIpAllowance(a, '203.0.113.5', budget, now), { allowed: true, remaining: 0, retryAfterMs: 0 })
    t.equal((await state.takeIpAllowance(a, '203.0.113.5', budget, now)).allowed, false)
    t.equal(await state.clearIp(a, '203.0.113.5', now), true)
    t.equal(await state.clearIp(a, '203.0.113.5', now), false)
    t.same(await state.takeIpAllowance(a, '203.0.113.5', budget, now), { allowed: true, remaining: 1, retryAfterMs: 0 })
    await state.returnIpAllowance(a, '203.0.113.5', budget, now)
    t.equal(await state.clearIp(a, '203.0.113.5', now), false, 'a failure given back leaves nothing to clear')
    await state.takeIpAllowance(a, '203.0.113.5', budget, now)
    t.equal(await state.clearIp(a, '203.0.113.5', now + 1000), false, 'nor does a failure refilled since')
  })

  t.test('parallel takes never allow more than the limit', async (t) => {
    const { state, tenants: [a] } = await open(t)
    const results = await Promise.all(Array.from({ length: 30 }, () =>
      state.takeIpAllowance(a, '203.0.113.5', { limit: 7, windowMs: 7000 }, now)))
    t.equal(results.filter((r) => r.allowed).length, 7)
    t.same(results.filter((r) => r.allowed).map((r) => r.remaining).sort(), [0, 1, 2, 3, 4, 5, 6])
  })
}
