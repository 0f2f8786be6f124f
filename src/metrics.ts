// Prometheus metrics (prom-client): what an operator watches. Recording is a counter increment or a
// histogram observation on series created up front; with metrics off every call is a no-op.
// With several workers (TOLLGATE_WORKERS), each worker records its own series and the main process
// serves them summed (prom-client's AggregatorRegistry, over the cluster's IPC channel): counters and
// histograms add up, the default process metrics use prom-client's own aggregation (sum, average, first).
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { MetricsSource } from './metrics-listener.js'

export const LOGIN_OUTCOMES = ['success', 'wrong_password', 'unknown_user', 'blocked', 'too_many_attempts', 'too_many_logins', 'password_leaked', 'mfa_required'] as const
export type LoginOutcome = typeof LOGIN_OUTCOMES[number]
export const MFA_OUTCOMES = ['enrolment', 'success', 'failure', 'reset'] as const
export type MfaOutcome = typeof MFA_OUTCOMES[number]
export type ShedReason = 'hash_queue' | 'pressure'
export type RateLimit = 'ip' | 'account'
export type Backend = 'store' | 'redis'

export interface Metrics {
  /** Undefined when metrics are off. */
  readonly registry?: Registry
  loginOutcome (outcome: LoginOutcome): void
  /** Second-factor events: an enrolment, a right code, a wrong one (or too many), an administrator's reset. */
  mfaOutcome (outcome: MfaOutcome): void
  shed (reason: ShedReason): void
  rateLimited (limit: RateLimit): void
  refreshReuse (): void
  backendError (backend: Backend): void
  observeRequest (route: string, method: string, statusCode: number, seconds: number): void
  /** Reads the password-hash queue when scraped. */
  watchHashes (load: () => { running: number, waiting: number }): void
}

const nothing = () => {}
export const NO_METRICS: Metrics = {
  loginOutcome: nothing, mfaOutcome: nothing, shed: nothing, rateLimited: nothing, refreshReuse: nothing, backendError: nothing, observeRequest: nothing, watchHashes: nothing,
}

const byLabel = <L extends string>(counter: Counter<string>, values: readonly L[]) =>
  Object.fromEntries(values.map((v) => [v, counter.labels(v)])) as Record<L, ReturnType<Counter<string>['labels']>>

export function createMetrics (): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]

  const requests = new Histogram({
    name: 'tollgate_http_request_duration_seconds', help: 'Time to answer a request, by route, method and status.',
    labelNames: ['route', 'method', 'status_code'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers,
  })
  const logins = byLabel(new Counter({ name: 'tollgate_login_outcomes_total', help: 'Login attempts by outcome.', labelNames: ['outcome'], registers }), LOGIN_OUTCOMES)
  const mfa = byLabel(new Counter({ name: 'tollgate_mfa_outcomes_total', help: 'Second-factor events by outcome.', labelNames: ['outcome'], registers }), MFA_OUTCOMES)
  const shed = byLabel(new Counter({
    name: 'tollgate_load_shed_total', help: 'Requests answered 503 at once: a full password-hash queue, or the process under pressure.', labelNames: ['reason'], registers,
  }), ['hash_queue', 'pressure'] as const)
  const rateLimited = byLabel(new Counter({
    name: 'tollgate_rate_limit_refusals_total', help: 'Requests refused by a rate limit (per IP and endpoint, or per account).', labelNames: ['limit'], registers,
  }), ['ip', 'account'] as const)
  const reuse = new Counter({ name: 'tollgate_refresh_token_reuse_total', help: 'Consumed refresh tokens presented again (their family is revoked).', registers })
  const backend = byLabel(new Counter({ name: 'tollgate_backend_errors_total', help: 'Errors of the store and of Redis.', labelNames: ['backend'], registers }),
    ['store', 'redis'] as const)
  let hashLoad = () => ({ running: 0, waiting: 0 })
  new Gauge({ name: 'tollgate_hash_queue_depth', help: 'Password hashes waiting for a slot.', registers, collect () { this.set(hashLoad().waiting) } })
  new Gauge({ name: 'tollgate_hashes_in_flight', help: 'Password hashes being computed.', registers, collect () { this.set(hashLoad().running) } })

  return {
    registry,
    loginOutcome: (outcome) => { logins[outcome].inc() },
    mfaOutcome: (outcome) => { mfa[outcome].inc() },
    shed: (reason) => { shed[reason].inc() },
    rateLimited: (limit) => { rateLimited[limit].inc() },
    refreshReuse: () => { reuse.inc() },
    backendError: (name) => { backend[name].inc() },
    observeRequest: (route, method, statusCode, seconds) => { requests.observe({ route, method, status_code: statusCode }, seconds) },
    watchHashes: (load) => { hashLoad = load },
  }
}

/**
 * In a worker of several: answer the main process' requests for this worker's series (over the
 * cluster's IPC channel). Called as the worker starts, without a registry (it answers with no series
 * until its app is built, rather than leaving a scrape waiting), then with the app's registry.
 */
export function answerMainProcess (registry?: Registry): void {
  if (registry) AggregatorRegistry.setRegistries(registry)
  // Its constructor installs the worker's answer (once per process).
  void new AggregatorRegistry()
}

/** In the main process of several workers: every worker's series, aggregated, on each scrape. */
export function workersMetrics (): MetricsSource {
  const aggregator = new AggregatorRegistry()
  return { metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType }
}
