// Attack protection: the 429s of seed 003's /oauth/ro table (too_many_attempts, too_many_logins),
// the request rate limit, breached passwords and load shedding. Each app is set up so that the
// protection is already engaged when its case runs.
import type { App } from '../../src/app.js'
import { BREACHED_FILE, protection } from '../helpers/attack.js'
import { buildTestApp, passwordBody } from '../helpers/app.js'
import type { CatalogGroup } from './types.js'

const login = (app: App, fields: Record<string, unknown> = {}) =>
  app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody(fields) })

export const group: CatalogGroup = {
  async setup (t) {
    const bruteForce = await buildTestApp(t, { config: protection({ bruteForce: { threshold: 1 } }) })
    await login(bruteForce, { password: 'wrong' })

    const throttled = await buildTestApp(t, { config: protection({ bruteForce: { enabled: false }, suspiciousIp: { maxFailures: 1 } }) })
    await login(throttled, { password: 'wrong' })

    const accountLimited = await buildTestApp(t, { config: protection({ rateLimits: { perAccount: { max: 1, windowSeconds: 60 } } }) })
    await login(accountLimited)

    const rateLimited = await buildTestApp(t, { config: protection({ rateLimits: { routes: { '/oauth/ro': { max: 1, windowSeconds: 60 } } } }) })
    await login(rateLimited)

    const breached = await buildTestApp(t, { config: protection({ breachedPasswords: { file: BREACHED_FILE } }) })

    // Any heap is over one byte: the process is "under pressure" from its first sample on.
    const busy = await buildTestApp(t, { config: protection({ loadShedding: { maxHeapUsedBytes: 1, sampleIntervalMs: 10 } }) })
    while (!busy.isUnderPressure()) await new Promise((resolve) => setTimeout(resolve, 10))

    return { bruteForce, throttled, accountLimited, rateLimited, breached, busy }
  },
  cases: [
    {
      key: 'account_blocked', app: 'bruteForce', name: 'account blocked after consecutive failures (right password)',
      request: { body: passwordBody() }, status: 429,
      body: { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' },
    },
    {
      key: 'ip_throttled', app: 'throttled', name: 'IP throttled after failures across accounts',
      request: { body: passwordBody({ username: 'carol@acme.test' }) }, status: 429,
      body: { error: 'too_many_logins', error_description: 'We have detected suspicious login behavior and further attempts will be blocked. Please contact the administrator.' },
    },
    {
      key: 'account_rate_limited', app: 'accountLimited', name: 'attempts per IP and account over the limit',
      request: { body: passwordBody() }, status: 429,
      body: { error: 'too_many_attempts', error_description: 'Too many login attempts for this account. Try again later.' },
      headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' },
    },
    {
      key: 'rate_limited', app: 'rateLimited', name: 'requests per IP over the endpoint limit',
      request: { body: passwordBody() }, status: 429,
      body: { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' },
      headers: { 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' },
    },
    {
      key: 'password_leaked', app: 'breached', name: 'password known from a breach',
      request: { body: passwordBody({ password: 'P@ssw0rd' }) }, status: 401,
      body: { error: 'password_leaked', error_description: 'This login has been blocked because your password has been leaked in another website. We’ve sent you an email with instructions on how to unblock it.' },
    },
    {
      key: 'server_busy', app: 'busy', name: 'event loop under pressure',
      request: { body: passwordBody() }, status: 503,
      body: { error: 'temporarily_unavailable', error_description: 'The server is busy. Try again shortly.' },
      headers: { 'retry-after': '1' },
    },
  ],
}
