// The MFA attempt bucket holds across instances: two apps on the same state, the SQL store or
// Redis, share one user's 10 attempts. (Redis: TOLLGATE_TEST_REDIS_URL, default redis://127.0.0.1:6379.)
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { buildApp, type App } from '../../src/app.js'
import type { Config } from '../../src/config.js'
import { TEST_REDIS_URL } from '../helpers/attack.js'
import { buildMfaApp, enrolOtp, MFA_OTP, mfaGrant, mfaToken, testClock, totpAt } from '../helpers/mfa.js'

async function twoInstances (t: Test, shared: Partial<Config>) {
  const clock = testClock()
  const { app: first } = await buildMfaApp(t, { clock, config: shared })
  let second: App
  try {
    second = await buildApp({ config: { ...first.tollgate.config }, now: clock.now })
  } catch (err) {
    throw new Error(`cannot build the second instance (${(err as Error).message}); for Redis set TOLLGATE_TEST_REDIS_URL to a running redis-server`)
  }
  t.teardown(() => second.close())
  return { first, second, clock }
}

for (const [name, shared] of [
  ['the SQL store', {}],
  ['Redis', { redisUrl: TEST_REDIS_URL, redisKeyPrefix: `tollgate-mfa-test-${randomUUID()}:` }],
] as Array<[string, Partial<Config>]>) {
  t.test(`${name}: 5 wrong codes on each instance use up the bucket on both`, async (t) => {
    const { first, second, clock } = await twoInstances(t, shared)
    const { secret } = await enrolOtp(first, clock)
    const right = await totpAt(secret, clock)
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0')
    for (const app of [first, second]) {
      const token = await mfaToken(app)
      for (let i = 0; i < 5; i++) t.equal((await mfaGrant(app, MFA_OTP, { mfa_token: token, otp: wrong })).statusCode, 403)
    }
    for (const app of [first, second]) {
      const res = await mfaGrant(app, MFA_OTP, { mfa_token: await mfaToken(app), otp: right })
      t.same([res.statusCode, res.json().error], [429, 'too_many_attempts'])
    }
  })
}
