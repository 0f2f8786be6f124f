// Prometheus metrics on their own listener (src/metrics-listener.ts), never on the public port. It
// opens when the app is ready and closes with it; in a worker of several, the main process serves it
// and this process only answers its requests. Each answered request is observed by route (its URL
// pattern), method and status.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import cluster from 'node:cluster'
import { answerMainProcess } from '../src/metrics.js'
import { openMetricsListener, type MetricsListener } from '../src/metrics-listener.js'

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

  app.decorate('metricsAddress', undefined)
  // A worker of several: the main process serves the listener and asks each worker for its series.
  if (cluster.isWorker) {
    answerMainProcess(registry)
    return
  }
  let listener: MetricsListener | undefined
  // On ready, not on listen: a port in use then stops the start (an onListen error would only be logged).
  app.addHook('onReady', async () => {
    listener = await openMetricsListener(config.metrics.host, config.metrics.port, registry, (err) => { app.log.error({ err }, 'metrics failed') })
    app.metricsAddress = listener.address
  })
  app.addHook('onClose', async () => { await listener?.close() })
}

export default fp(metricsPlugin, { name: 'tollgate-metrics' })
