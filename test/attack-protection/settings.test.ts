// Attack-protection settings: read from the environment, checked at start.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { ConfigError, loadConfig } from '../../src/config.js'
import { testConfig } from '../helpers/app.js'

t.test('defaults are Auth0\'s', async (t) => {
  const { attackProtection, rateLimits, trustProxy } = loadConfig({})
  t.same(attackProtection.bruteForce, { enabled: true, threshold: 10, mode: 'per_ip', blockSeconds: 30 * 24 * 3600 })
  t.same(attackProtection.suspiciousIp, { enabled: true, maxFailures: 100, windowSeconds: 24 * 3600 })
  t.same(rateLimits.perAccount, { max: 20, windowSeconds: 60 })
  t.same(rateLimits.accountRoutes, ['/oauth/ro', '/oauth/token', '/passwordless/verify'])
  t.equal(trustProxy, false)
})

t.test('every setting comes from the environment', async (t) => {
  const config = loadConfig({
    TOLLGATE_TRUST_PROXY: '10.0.0.1, 10.0.0.2',
    TOLLGATE_BRUTE_FORCE_THRESHOLD: '5',
    TOLLGATE_BRUTE_FORCE_MODE: 'account_lockout',
    TOLLGATE_BRUTE_FORCE_BLOCK_SECONDS: '3600',
    TOLLGATE_SUSPICIOUS_IP_ENABLED: 'false',
    TOLLGATE_SUSPICIOUS_IP_MAX_FAILURES: '50',
    TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST: '10.0.0.0/8, 2001:db8::/32',
    TOLLGATE_BREACHED_PASSWORDS_MIN_COUNT: '3',
    TOLLGATE_RATE_LIMIT_ROUTES: '{"/oauth/token": {"max": 600, "windowSeconds": 60}}',
    TOLLGATE_ACCOUNT_RATE_LIMIT_MAX: '10',
    TOLLGATE_ACCOUNT_RATE_LIMIT_ROUTES: '/oauth/ro,/oauth/token',
    TOLLGATE_HASH_CONCURRENCY: '3',
    TOLLGATE_MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  t.equal(config.trustProxy, '10.0.0.1,10.0.0.2')
  t.same(config.attackProtection.bruteForce, { enabled: true, threshold: 5, mode: 'account_lockout', blockSeconds: 3600 })
  t.same(config.attackProtection.suspiciousIp, { enabled: false, maxFailures: 50, windowSeconds: 86400 })
  t.same(config.attackProtection.allowList, ['10.0.0.0/8', '2001:db8::/32'])
  t.equal(config.attackProtection.breachedPasswords.minCount, 3)
  t.same(config.rateLimits.routes, { '/oauth/token': { max: 600, windowSeconds: 60 } })
  t.equal(config.rateLimits.perAccount.max, 10)
  t.same(config.rateLimits.accountRoutes, ['/oauth/ro', '/oauth/token'])
  t.equal(config.loadShedding.hashConcurrency, 3)
  t.equal(config.loadShedding.maxEventLoopDelayMs, 0)
  t.equal(loadConfig({ TOLLGATE_TRUST_PROXY: 'true' }).trustProxy, true)
})

t.test('bad settings stop the start, naming the setting', async (t) => {
  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ TOLLGATE_BRUTE_FORCE_THRESHOLD: '101' }, /^invalid setting TOLLGATE_BRUTE_FORCE_THRESHOLD="101": allowed is an integer, 1 to 100$/],
    [{ TOLLGATE_BRUTE_FORCE_THRESHOLD: '0' }, /^invalid setting TOLLGATE_BRUTE_FORCE_THRESHOLD="0": allowed is an integer, 1 to 100$/],
    [{ TOLLGATE_BRUTE_FORCE_MODE: 'everywhere' }, /^invalid setting TOLLGATE_BRUTE_FORCE_MODE="everywhere": allowed is per_ip, account_lockout$/],
    [{ TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST: '10.0.0.0/33' }, /^invalid setting TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST="10.0.0.0\/33": allowed is IP addresses or CIDRs/],
    [{ TOLLGATE_RATE_LIMIT_ALLOW_LIST: 'localhost' }, /^invalid setting TOLLGATE_RATE_LIMIT_ALLOW_LIST="localhost"/],
    [{ TOLLGATE_RATE_LIMIT_ROUTES: '{"/oauth/ro": 5}' }, /^invalid setting TOLLGATE_RATE_LIMIT_ROUTES=/],
    [{ TOLLGATE_RATE_LIMIT_ROUTES: 'not json' }, /^invalid setting TOLLGATE_RATE_LIMIT_ROUTES="not json": allowed is a JSON object/],
    [{ TOLLGATE_REDIS_URL: 'localhost:6379' }, /^invalid setting TOLLGATE_REDIS_URL=\(hidden\): allowed is a redis:\/\/ or rediss:\/\/ URL$/],
    [{ TOLLGATE_HASH_CONCURRENCY: '0' }, /^invalid setting TOLLGATE_HASH_CONCURRENCY="0"/],
    [{ TOLLGATE_TRUST_PROXY: 'maybe' }, /^invalid setting TOLLGATE_TRUST_PROXY="maybe": allowed is true, false, or IP addresses or CIDRs, comma-separated$/],
  ]
  for (const [env, message] of bad) {
    const err = catching(() => loadConfig(env))
    t.ok(err instanceof ConfigError, `${Object.keys(env)[0]}: a ConfigError`)
    t.match(err?.message, message)
  }
})

function catching (work: () => unknown): Error | undefined {
  try {
    work()
  } catch (err) {
    return err as Error
  }
  return undefined
}

t.test('an unreachable Redis stops the start, without its password in the message', async (t) => {
  const err = await buildApp({ config: testConfig(t, { redisUrl: 'redis://:s3cret@127.0.0.1:1' }) }).then(() => undefined, (e: Error) => e)
  t.match(err?.message, /^cannot connect to Redis at 127\.0\.0\.1:1: /)
  t.notMatch(err?.message, /s3cret/)
})
