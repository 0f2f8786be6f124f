// The client a request names, looked up once per request and shared by whatever needs it (CORS,
// the token pipeline and its client authentication, a grant proving its own client).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Client } from '../src/store/port.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** A client of the request's tenant by id; the first lookup of an id is kept for the rest of the request. */
    findClient (clientId: string): Promise<Client | undefined>
    clientLookups: Map<string, Promise<Client | undefined>> | null
  }
}

const requestClient: FastifyPluginAsync = async (app) => {
  const { store } = app.tollgate
  app.decorateRequest('clientLookups', null)
  app.decorateRequest('findClient', function (this: FastifyRequest, clientId: string) {
    this.clientLookups ??= new Map()
    let lookup = this.clientLookups.get(clientId)
    if (!lookup) {
      lookup = store.clientById(this.tenant.id, clientId)
      this.clientLookups.set(clientId, lookup)
    }
    return lookup
  })
}

export default fp(requestClient, { name: 'tollgate-request-client', dependencies: ['tollgate-tenant'] })
