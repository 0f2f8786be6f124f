// The OpenAPI 3.1 document (@fastify/swagger), made from the routes' TypeBox schemas, with every
// catalog error each route can answer (src/openapi/route-errors.ts) as its documented responses;
// served at /openapi.json, with a reference page at /docs (@fastify/swagger-ui). Off with
// TOLLGATE_OPENAPI_ENABLED=false. Outside tenants: the same document for every host.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import { catalog, type ErrorKey } from '../src/errors.js'
import { ANY_PATH_ERRORS, ROUTE_ERRORS } from '../src/openapi/route-errors.js'

const description = (key: ErrorKey) => {
  const d = catalog[key].description
  return typeof d === 'function' ? d(new Proxy({}, { get: (_t, name) => `{${String(name)}}` })) : d
}

/** The catalog entries as responses: one per status, each entry an example of its exact body. */
export function errorResponses (keys: ErrorKey[]): Record<string, unknown> {
  const byStatus = new Map<number, ErrorKey[]>()
  for (const key of new Set(keys)) byStatus.set(catalog[key].status, [...(byStatus.get(catalog[key].status) ?? []), key])
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, entries]) => [status, {
    description: entries.map((k) => `\`${k}\``).join(', '),
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['error', 'error_description'],
          properties: { error: { type: 'string', enum: [...new Set(entries.map((k) => catalog[k].error))] }, error_description: { type: 'string' } },
        },
        examples: Object.fromEntries(entries.map((k) => [k, { value: { error: catalog[k].error, error_description: description(k) } }])),
      },
    },
  }]))
}

const openApi: FastifyPluginAsync = async (app) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tollgate', version: '0.1.0', description: "Self-hosted, Auth0-compatible authentication API. Every failure is `{error, error_description}` from the error catalog." },
      components: { responses: { NotFound: errorResponses(ANY_PATH_ERRORS)[404] as never } },
    },
    hideUntagged: false,
    transform: ({ schema, url, route }) => {
      const method = (Array.isArray(route.method) ? route.method[0] : route.method).toUpperCase()
      const errors = ROUTE_ERRORS[`${method} ${url}`]
      if (!errors) return { schema, url }
      const own = (schema?.response ?? {}) as Record<string, unknown>
      return { schema: { ...schema, response: { ...errorResponses(errors), ...own } }, url }
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

export default fp(openApi, { name: 'tollgate-openapi' })
