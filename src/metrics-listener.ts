// The Prometheus listener (TOLLGATE_METRICS_HOST:TOLLGATE_METRICS_PORT): `GET /metrics` and nothing
// else, never on the public port. One process serves it: the app's own (one process), or the main
// process of several workers, which answers with every worker's metrics summed (src/metrics.ts).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { oauthError } from './errors.js'

/** What the listener answers with: a registry, or the workers' registries aggregated. */
export interface MetricsSource {
  metrics (): Promise<string>
  readonly contentType: string
}

export interface MetricsListener {
  /** host:port it listens on. */
  readonly address: string
  close (): Promise<void>
}

const notFound = oauthError('not_found')
const NOT_FOUND = JSON.stringify(notFound.body)

/** Listens on host:port; rejects (EADDRINUSE...) when it cannot. */
export async function openMetricsListener (host: string, port: number, source: MetricsSource, onError: (err: Error) => void): Promise<MetricsListener> {
  const listener = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(notFound.statusCode, { 'content-type': 'application/json' }).end(NOT_FOUND)
      return
    }
    source.metrics().then((text) => {
      res.writeHead(200, { 'content-type': source.contentType }).end(text)
    }, (err: Error) => {
      onError(err)
      res.writeHead(500).end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject)
    listener.listen({ host, port }, resolve)
  })
  const bound = listener.address() as AddressInfo
  return {
    address: `${bound.address.includes(':') ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: async () => {
      if (!listener.listening) return
      listener.closeAllConnections()
      await new Promise<void>((resolve) => listener.close(() => resolve()))
    },
  }
}
