// Unknown paths answer 404, known paths with another method 405 with an Allow header; both in the
// catalog's body shape.
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { oauthError } from '../src/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered: path to methods (the API document's test reads it too). */
    knownRoutes: ReadonlyMap<string, ReadonlySet<string>>
  }
}

const notFound: FastifyPluginAsync = async (app) => {
  const methodsByPath = new Map<string, Set<string>>()
  app.decorate('knownRoutes', methodsByPath)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const known = methodsByPath.get(route.url) ?? new Set<string>()
    for (const m of methods) known.add(m)
    methodsByPath.set(route.url, known)
  })
  app.setNotFoundHandler((request) => {
    const path = request.url.split('?')[0]
    const allowed = methodsByPath.get(path)
    if (allowed && !allowed.has(request.method)) {
      throw oauthError('method_not_allowed', { method: request.method, path }, { headers: { allow: [...allowed].join(', ') } })
    }
    throw oauthError('not_found')
  })
}

export default fp(notFound, { name: 'tollgate-not-found' })
