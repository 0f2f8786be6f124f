// What `npm run bench` measures, and the baseline each figure is divided by.
import { API, BENCH_PASSWORD, JWT_BEARER, MACHINE_SECRET, robotAssertion, roLogin } from './data.js'

export type Baseline = 'bare' | 'argon2' | 'tollgate:client-credentials' | 'sign:id-token-exchange' | 'sign:assertion' | 'sign:refresh' | 'sign:client-credentials' | 'none'

/** What a scenario's load sends: a fixed body, or one per request. */
export interface Workload {
  body?: unknown
  nextBody?: (request: Record<string, unknown>) => unknown
  onResponse?: (status: number, body: string, request: Record<string, unknown>) => void
}

export interface Scenario {
  name: string
  /** Which server answers it. */
  server: 'tollgate' | 'bare'
  path: string
  method?: 'GET' | 'POST'
  /** The load: given, or prepared against the running server (logins done first, tokens minted...). */
  workload?: Workload | ((url: string) => Promise<Workload>)
  expectedStatus: number
  connections: number
  baseline: Baseline
  /** Settings of the Tollgate server for this scenario, over BENCH_ENV. */
  env?: Record<string, string>
  /** The bare server's signature work (see bare-server.ts). */
  bareEnv?: Record<string, string>
  /** The target the ratio is held to (reported, never enforced). */
  target?: number
  /** This scenario's throughput is the baseline of later ones. */
  recordsBaseline?: Baseline
}

/** Password logins in flight for the throughput scenarios: enough to keep the hashing busy. */
export const LOGIN_CONNECTIONS = 8
/** Ten times the logins the hash can serve at once (two cores). */
export const OVERLOAD_CONNECTIONS = 40
const FAST_CONNECTIONS = 50

/**
 * The load generator is one IP (loopback): without these, rate limits and brute-force protection
 * would answer most scenarios 429 within a second. Their checks still run on every request.
 */
export const BENCH_ENV = {
  // One process unless a scenario says otherwise (the targets are per process).
  TOLLGATE_WORKERS: '1',
  TOLLGATE_RATE_LIMIT_ALLOW_LIST: '127.0.0.1',
  TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST: '127.0.0.1',
  // Limits far beyond what a run reaches, should the allow lists not apply to a scenario.
  TOLLGATE_RATE_LIMIT_MAX: '1000000000',
  TOLLGATE_ACCOUNT_RATE_LIMIT_MAX: '1000000000',
  // Node answers 503 to every request past this many on one connection until the client closes it,
  // and autocannon keeps its connections open: with the default (1000), a fast scenario measured
  // mostly 503s. The peers and the bare route have no such limit.
  TOLLGATE_MAX_REQUESTS_PER_SOCKET: '1000000000',
}

async function post (url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() as Record<string, any> }
}

const bare = (name: string, signWork: Record<string, string>, baseline: Baseline): Scenario =>
  ({ name, server: 'bare', path: '/sign-work', workload: { body: roLogin() }, expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'none', bareEnv: { ...signWork, BENCH_BASELINE: baseline } })

/**
 * Refresh rotation's workload. Each token is single use: a queue of live tokens, each request taking
 * one and each answer putting its successor back. Logins (one hash each) fill it first, more than the
 * connections hold at once, since the warm-up's last tokens in flight are lost.
 */
export async function refreshRotation (url: string, connections: number): Promise<Workload> {
  const login = () => post(`${url}/oauth/token`, { grant_type: 'password', client_id: 'bench-spa', username: 'user@bench.test', password: BENCH_PASSWORD, scope: 'openid offline_access', device: 'bench' })
  const live: string[] = []
  for (let i = 0; i < 2 * connections + 10; i++) live.push((await login()).json.refresh_token)
  return {
    nextBody: (request) => {
      request.token = live.shift()
      return { grant_type: 'refresh_token', client_id: 'bench-spa', refresh_token: request.token, device: 'bench' }
    },
    onResponse: (status, body, request) => {
      if (status === 200) live.push(JSON.parse(body).refresh_token)
      // Shed (503) or rate limited before the grant ran: the token was not used, it goes back.
      else if ((status === 503 || status === 429) && typeof request.token === 'string') live.push(request.token)
    },
  }
}

export const scenarios: Scenario[] = [
  // Baselines measured by a server, with the same request body as a login.
  { name: 'baseline: bare Fastify JSON route', server: 'bare', path: '/bare', workload: { body: roLogin() }, expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'none' },
  bare('baseline: bare route, RS256 verify + 2 RS256 signs', { BENCH_SIGN_VERIFY: 'RS256', BENCH_SIGN_COUNT: '2' }, 'sign:id-token-exchange'),
  bare('baseline: bare route, ES256 verify + 1 RS256 sign', { BENCH_SIGN_VERIFY: 'ES256', BENCH_SIGN_COUNT: '1' }, 'sign:assertion'),
  bare('baseline: bare route, 2 RS256 signs', { BENCH_SIGN_VERIFY: 'none', BENCH_SIGN_COUNT: '2' }, 'sign:refresh'),
  bare('baseline: bare route, 1 RS256 sign', { BENCH_SIGN_VERIFY: 'none', BENCH_SIGN_COUNT: '1' }, 'sign:client-credentials'),

  // Password grant at the ceiling of the hash.
  { name: 'password grant /oauth/ro', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin() }, expectedStatus: 200, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.95 },
  { name: 'password grant /oauth/token', server: 'tollgate', path: '/oauth/token', workload: { body: { grant_type: 'password', client_id: 'bench-spa', username: 'user@bench.test', password: BENCH_PASSWORD, scope: 'openid' } }, expectedStatus: 200, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.95 },
  { name: 'wrong password', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin({ password: 'wrong' }) }, expectedStatus: 401, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.95 },
  { name: 'unknown user', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin({ username: 'nobody@bench.test' }) }, expectedStatus: 401, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.95 },

  // JWT grants: the signature work of their own bare route.
  {
    name: 'jwt-bearer: id_token exchange /oauth/ro', server: 'tollgate', path: '/oauth/ro', expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'sign:id-token-exchange', target: 0.8,
    workload: async (url) => {
      const login = await post(`${url}/oauth/ro`, roLogin({ scope: 'openid' }))
      return { body: { grant_type: JWT_BEARER, client_id: 'bench-spa', id_token: login.json.id_token, device: 'bench', scope: 'openid' } }
    },
  },
  {
    name: 'jwt-bearer: RFC 7523 assertion /oauth/token', server: 'tollgate', path: '/oauth/token', expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'sign:assertion', target: 0.8,
    workload: async (url) => {
      // Each assertion is single use: enough are signed before the run (by the load generator, not timed).
      const assertions = await Promise.all(Array.from({ length: 60000 }, () => robotAssertion(`${url}/`)))
      return { nextBody: () => ({ grant_type: JWT_BEARER, audience: API, scope: 'read:things', assertion: assertions.pop() }) }
    },
  },
  {
    name: 'refresh grant (rotation) /oauth/token', server: 'tollgate', path: '/oauth/token', expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'sign:refresh', target: 0.8,
    workload: (url) => refreshRotation(url, FAST_CONNECTIONS),
  },
  { name: 'client credentials /oauth/token', server: 'tollgate', path: '/oauth/token', workload: { body: { grant_type: 'client_credentials', client_id: 'bench-machine', client_secret: MACHINE_SECRET, audience: API } }, expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'sign:client-credentials', target: 0.8, recordsBaseline: 'tollgate:client-credentials' },
  { name: 'client credentials, 2 workers (TOLLGATE_WORKERS=2)', server: 'tollgate', path: '/oauth/token', workload: { body: { grant_type: 'client_credentials', client_id: 'bench-machine', client_secret: MACHINE_SECRET, audience: API } }, expectedStatus: 200, connections: FAST_CONNECTIONS, baseline: 'tollgate:client-credentials', target: 1.7, env: { TOLLGATE_WORKERS: '2' } },

  // Rejections: no hash, close to a bare route.
  { name: 'rejection: validation error (400)', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin({ password: undefined }) }, expectedStatus: 400, connections: FAST_CONNECTIONS, baseline: 'bare', target: 0.7 },
  { name: 'rejection: unknown client (403)', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin({ client_id: 'nobody' }) }, expectedStatus: 403, connections: FAST_CONNECTIONS, baseline: 'bare', target: 0.7 },
  // A blocked user is told so only after the right password: one argon2id verify, as any login.
  { name: 'blocked user (401, after the password)', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin({ username: 'blocked@bench.test' }) }, expectedStatus: 401, connections: LOGIN_CONNECTIONS, baseline: 'argon2', target: 0.9 },
  {
    name: 'rejection: account blocked by brute force (429)', server: 'tollgate', path: '/oauth/ro', expectedStatus: 429, connections: FAST_CONNECTIONS, baseline: 'bare', target: 0.7,
    env: { TOLLGATE_ATTACK_PROTECTION_ALLOW_LIST: '' },
    workload: async (url) => {
      for (let i = 0; i < 10; i++) await post(`${url}/oauth/ro`, roLogin({ username: 'target@bench.test', password: 'wrong' }))
      return { body: roLogin({ username: 'target@bench.test' }) }
    },
  },
  { name: 'rejection: rate limited (429)', server: 'tollgate', path: '/oauth/ro', workload: { body: roLogin() }, expectedStatus: 429, connections: FAST_CONNECTIONS, baseline: 'bare', target: 0.7, env: { TOLLGATE_RATE_LIMIT_ALLOW_LIST: '', TOLLGATE_RATE_LIMIT_MAX: '1' } },
  { name: 'rejection: unknown path (404)', server: 'tollgate', path: '/nope', method: 'GET', expectedStatus: 404, connections: FAST_CONNECTIONS, baseline: 'bare', target: 0.7 },
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
  workload: { body: roLogin() },
  expectedStatus: 200,
  connections: OVERLOAD_CONNECTIONS,
  baseline: 'argon2',
}
