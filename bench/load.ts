// One load run with autocannon, and what the tables report of it: throughput, latency percentiles
// (of all responses, and of the responses with the expected status), and every response whose
// status was not the expected one, plus connection errors and timeouts.
import autocannon from 'autocannon'
import type { EventEmitter } from 'node:events'

export interface LoadOptions {
  url: string
  method?: 'GET' | 'POST'
  body?: unknown
  headers?: Record<string, string>
  /** Send bodies as application/x-www-form-urlencoded (what every peer's token endpoint takes) instead of JSON. */
  form?: boolean
  connections: number
  seconds: number
  warmupSeconds: number
  expectedStatus: number
  /** A body per request, for requests that cannot repeat (single-use assertions, rotating tokens). */
  nextBody?: (request: Record<string, unknown>) => unknown
  /** Sees each response with what nextBody noted for its request (e.g. to keep the next refresh token). */
  onResponse?: (status: number, body: string, request: Record<string, unknown>) => void
}

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  /** p50 / p99 of the responses with the expected status only (e.g. accepted logins under overload). */
  expectedP50: number
  expectedP99: number
  statuses: Record<string, number>
  errors: number
  timeouts: number
  /** Set when too many responses were not the expected status for the figure to mean anything. */
  invalid?: string
}

/** Beyond this share of responses with another status than expected, a run measures something else. */
export const INVALID_SHARE = 0.05

const percentile = (sorted: number[], q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]

/** What one autocannon run saw: every latency, by status. */
export interface Sample {
  all: number[]
  expected: number[]
  statuses: Record<string, number>
  connectionErrors: number
  timeouts: number
  duration: number
}

async function run (options: LoadOptions, seconds: number, record: boolean): Promise<Sample> {
  const all: number[] = []
  const expected: number[] = []
  const statuses: Record<string, number> = {}
  const encode = (body: unknown) => options.form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body)
  const instance = autocannon({
    url: options.url,
    method: options.method ?? 'POST',
    headers: { 'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json', ...options.headers },
    body: options.body === undefined ? undefined : encode(options.body),
    ...(options.nextBody || options.onResponse ? {
      requests: [{
        method: options.method ?? 'POST',
        // autocannon's context lives for one pass over `requests`: here, one request and its response.
        setupRequest: (req: any, context: any) => (options.nextBody ? { ...req, body: encode(options.nextBody(context)) } : req),
        onResponse: (status: number, body: string, context: any) => options.onResponse?.(status, body, context),
      }],
    } : {}),
    connections: options.connections,
    duration: seconds,
    timeout: 10,
    // autocannon returns its running instance, which is also a promise of the result.
  }) as unknown as EventEmitter & Promise<autocannon.Result>
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (!record) return
    all.push(ms)
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status === options.expectedStatus) expected.push(ms)
  })
  const result = await instance
  return { all, expected, statuses, connectionErrors: result.errors, timeouts: result.timeouts, duration: result.duration }
}

/** The figures of one or more runs against the same server, as one. */
export function summarise (samples: Sample[], expectedStatus: number): LoadResult {
  const all = samples.flatMap((s) => s.all).sort((a, b) => a - b)
  const expected = samples.flatMap((s) => s.expected).sort((a, b) => a - b)
  const statuses: Record<string, number> = {}
  for (const sample of samples) for (const [status, n] of Object.entries(sample.statuses)) statuses[status] = (statuses[status] ?? 0) + n
  const connectionErrors = samples.reduce((n, s) => n + s.connectionErrors, 0)
  const duration = samples.reduce((n, s) => n + s.duration, 0)
  const unexpected = Object.entries(statuses).filter(([s]) => Number(s) !== expectedStatus).reduce((n, [, c]) => n + c, 0)
  const answered = all.length + connectionErrors
  const share = answered === 0 ? 1 : (unexpected + connectionErrors) / answered
  const invalid = share > INVALID_SHARE
    ? `invalid: ${unexpected + connectionErrors} of ${answered} responses not ${expectedStatus} (${Object.entries(statuses).map(([s, n]) => `${s}: ${n}`).join(', ')}${connectionErrors ? `, connection errors: ${connectionErrors}` : ''})`
    : undefined
  return {
    invalid,
    rps: all.length / duration,
    p50: percentile(all, 0.5),
    p99: percentile(all, 0.99),
    expectedP50: percentile(expected, 0.5),
    expectedP99: percentile(expected, 0.99),
    statuses,
    errors: unexpected + connectionErrors,
    timeouts: samples.reduce((n, s) => n + s.timeouts, 0),
  }
}

/** A warm-up, then no measurement: for servers measured later in slices (see `slice`). */
export async function warmUp (options: Omit<LoadOptions, 'seconds'>): Promise<void> {
  if (options.warmupSeconds <= 0) return
  await run({ ...options, seconds: 0 }, options.warmupSeconds, false)
  // The warm-up's last requests are abandoned, not finished: let the server finish them (hashes
  // queued for logins nobody waits for) before the measured run adds its own.
  await new Promise((resolve) => setTimeout(resolve, 1000))
}

/** One measured run of `seconds`, without a warm-up, kept raw to be summarised with others. */
export function slice (options: Omit<LoadOptions, 'warmupSeconds'>): Promise<Sample> {
  return run({ ...options, warmupSeconds: 0 }, options.seconds, true)
}

export async function load (options: LoadOptions): Promise<LoadResult> {
  await warmUp(options)
  return summarise([await run(options, options.seconds, true)], options.expectedStatus)
}
