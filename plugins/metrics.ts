// Prometheus metrics on their own listener (TOLLGATE_METRICS_HOST:TOLLGATE_METRICS_PORT), never on
// the public port: `GET /metrics` there, nothing else. It opens when the app is ready and closes
// with it. Each answered request is observed by route (its URL pattern), method and status.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

declare module 'fastify' {
  interface FastifyInstance {
    /** host:port of the metrics listener once it is open. */
    metricsAddress?: string
  }
}

const metricsPlugin: FastifyPluginAsync = async (app) => {
  const { metrics, config } = app.tollgate
  const registry = metrics.registry
  if (!registry) return

  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000)
    done()
  })

  const listener = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found","error_description":"The requested endpoint does not exist."}')
      return
    }
    registry.metrics().then((text) => {
      res.writeHead(200, { 'content-type': registry.contentType }).end(text)
    }, (err: Error) => {
      app.log.error({ err }, 'metrics failed')
      res.writeHead(500).end()
    })
  })
  app.decorate('metricsAddress', undefined)
  // On ready, not on listen: a port in use then stops the start (an onListen error would only be logged).
  app.addHook('onReady', async () => {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject)
      listener.listen({ host: config.metrics.host, port: config.metrics.port }, resolve)
    })
    const { address, port } = listener.address() as AddressInfo
    app.metricsAddress = `${address.includes(':') ? `[${address}]` : address}:${port}`
  })
  app.addHook('onClose', async () => {
    if (!listener.listening) return
    listener.closeAllConnections()
    await new Promise<void>((resolve) => listener.close(() => resolve()))
  })
}

export default fp(metricsPlugin, { name: 'tollgate-metrics' })
