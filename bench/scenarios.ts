// What `npm run bench` measures, and the baseline each figure is divided by.
import { benchDocument, BENCH_PASSWORD, roLogin } from './data.js'

export type Baseline = 'bare' | 'argon2' | 'sign-rs256' | 'none'

export interface Scenario {
  name: string
  /** Which server answers it. */
  server: 'tollgate' | 'bare'
  path: string
  method?: 'GET' | 'POST'
  body?: unknown
  expectedStatus: number
  connections: number
  baseline: Baseline
  /** Extra environment for the server (settings that this scenario needs). */
  env?: Record<string, string>
  /** Environment for the bare server (which signature work it does). */
  bareEnv?: Record<string, string>
  document?: unknown
  /** The target the ratio is held to (reported, never enforced). */
  target?: number
}

/** Password logins in flight for the throughput scenarios: enough to keep libuv's 4 threads busy. */
export const LOGIN_CONNECTIONS = 8
/** Ten times the hashes the thread pool runs at once. */
export const OVERLOAD_CONNECTIONS = 40
const REJECTION_CONNECTIONS = 50

export const scenarios: Scenario[] = [
  // Baselines measured by a server, with the same request body as a login.
  { name: 'baseline: bare Fastify JSON route', server: 'bare', path: '/bare', body: roLogin(), expectedStatus: 200, connections: REJECTION_CONNECTIONS, baseline: 'none' },
  { name: 'baseline: bare route, RS256 verify + 2 RS256 signs', server: 'bare', path: '/sign-work', body: roLogin(), expectedStatus: 200, connections: REJECTION_CONNECTIONS, baseline: 'none', bareEnv: { BENCH_SIGN_VERIFY: 'RS256', BENCH_SIGN_SIGN: 'RS256' } },

  // Password grant at the ceiling of the hash.
  { name: 'password grant /oauth/ro', server: 'tollgate', path: '/oauth/ro', body: roLogin(), expectedStatus: 200, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.9 },
  { name: 'password grant /oauth/token', server: 'tollgate', path: '/oauth/token', body: { grant_type: 'password', client_id: 'bench-spa', username: 'user@bench.test', password: BENCH_PASSWORD, scope: 'openid' }, expectedStatus: 200, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.9 },
  { name: 'wrong password', server: 'tollgate', path: '/oauth/ro', body: roLogin({ password: 'wrong' }), expectedStatus: 401, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.9 },
  { name: 'unknown user', server: 'tollgate', path: '/oauth/ro', body: roLogin({ username: 'nobody@bench.test' }), expectedStatus: 401, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.9 },

  // Rejections: no hash, close to a bare route.
  { name: 'rejection: validation error (400)', server: 'tollgate', path: '/oauth/ro', body: roLogin({ password: undefined as unknown as string }), expectedStatus: 400, connections: REJECTION_CONNECTIONS, baseline: 'bare', target: 0.5 },
  { name: 'rejection: unknown client (403)', server: 'tollgate', path: '/oauth/ro', body: roLogin({ client_id: 'nobody' }), expectedStatus: 403, connections: REJECTION_CONNECTIONS, baseline: 'bare', target: 0.5 },
  { name: 'rejection: blocked user (401)', server: 'tollgate', path: '/oauth/ro', body: roLogin({ username: 'blocked@bench.test' }), expectedStatus: 401, connections: REJECTION_CONNECTIONS, baseline: 'bare', target: 0.5 },
  { name: 'rejection: unknown path (404)', server: 'tollgate', path: '/nope', method: 'GET', expectedStatus: 404, connections: REJECTION_CONNECTIONS, baseline: 'bare', target: 0.5 },
]

/** Latency of one login at a time: wrong password on an existing user versus an unknown user. */
export const timingScenarios = {
  wrongPassword: { path: '/oauth/ro', body: roLogin({ password: 'wrong' }) },
  unknownUser: { path: '/oauth/ro', body: roLogin({ username: 'nobody@bench.test' }) },
}

export const overloadScenario: Scenario = {
  name: `overload: password grant at ${OVERLOAD_CONNECTIONS} concurrent logins`,
  server: 'tollgate',
  path: '/oauth/ro',
  body: roLogin(),
  expectedStatus: 200,
  connections: OVERLOAD_CONNECTIONS,
  baseline: 'argon2',
}

export { benchDocument }
