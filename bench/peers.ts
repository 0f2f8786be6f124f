// The side-by-side comparison: the same requests (form bodies, the same fields) to Tollgate,
// @node-oauth/oauth2-server and oidc-provider, each alone in its own process, one after another in
// the same run. Each peer does the same work per grant (bench/peers/*.mjs): the same argon2id
// parameters, the same number of RS256 signatures. The figure that matters is Tollgate's ratio to
// the faster peer.
import { API, BENCH_PASSWORD, MACHINE_SECRET } from './data.js'
import type { Workload } from './scenarios.js'

export type Target = 'tollgate' | 'oauth2-server' | 'oidc-provider'
export const TARGETS: Target[] = ['tollgate', 'oauth2-server', 'oidc-provider']

export interface Comparison {
  name: string
  connections: number
  /** Tollgate's ratio to the faster peer that is aimed at (reported, never enforced). */
  target: number
  /** `cutOff`: how many times the load will stop with requests in flight (whose answers nobody reads). */
  workload: (url: string, cutOff: number) => Promise<Workload & { expectedStatus: number }>
}

export const TOKEN_PATH = '/oauth/token'

async function postForm (url: string, body: Record<string, string>) {
  const res = await fetch(url + TOKEN_PATH, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) })
  return { status: res.status, json: await res.json() as Record<string, any> }
}

const password = (fields: Record<string, string> = {}) =>
  ({ grant_type: 'password', client_id: 'bench-spa', username: 'user@bench.test', password: BENCH_PASSWORD, scope: 'openid', ...fields })

/** A fixed body; the status it is answered with is asked once first (each server words its refusals its own way). */
const fixed = (body: Record<string, string>, expected?: (status: number) => boolean) => async (url: string) => {
  const probe = await postForm(url, body)
  if (expected ? !expected(probe.status) : probe.status !== 200) throw new Error(`${url}: unexpected ${probe.status} ${JSON.stringify(probe.json)}`)
  return { body, expectedStatus: probe.status }
}

export const comparisons: Comparison[] = [
  {
    name: 'client_credentials (1 RS256 signature)',
    connections: 16,
    target: 1.2,
    workload: fixed({ grant_type: 'client_credentials', client_id: 'bench-machine', client_secret: MACHINE_SECRET, audience: API }),
  },
  {
    name: 'refresh rotation (2 RS256 signatures)',
    connections: 16,
    target: 1.0,
    workload: async (url, cutOff = 1) => {
      // Single-use tokens: a queue, each answer putting its successor back (see scenarios.ts). Each
      // time the load stops, the tokens in flight are lost: one per connection.
      const live: string[] = []
      const login = async () => {
        const res = await postForm(url, password({ scope: 'openid offline_access' }))
        if (typeof res.json.refresh_token !== 'string') throw new Error(`${url}: login gave no refresh token: ${JSON.stringify(res.json)}`)
        live.push(res.json.refresh_token)
      }
      const needed = (cutOff + 1) * 16 + 10
      while (live.length < needed) await Promise.all(Array.from({ length: Math.min(8, needed - live.length) }, login))
      return {
        expectedStatus: 200,
        nextBody: (request) => {
          request.token = live.shift()
          return { grant_type: 'refresh_token', client_id: 'bench-spa', refresh_token: request.token as string }
        },
        onResponse: (status, body, request) => {
          if (status === 200) live.push(JSON.parse(body).refresh_token)
          else if ((status === 503 || status === 429) && typeof request.token === 'string') live.push(request.token)
        },
      }
    },
  },
  {
    name: 'unknown client (4xx)',
    connections: 16,
    target: 1.0,
    workload: fixed(password({ client_id: 'nobody' }), (status) => status >= 400 && status < 500),
  },
  {
    name: 'password grant (argon2id + 2 RS256 signatures)',
    connections: 8,
    target: 1.0,
    workload: fixed(password()),
  },
]
