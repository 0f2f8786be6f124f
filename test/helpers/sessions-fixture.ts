// The fixture for sessions: the core fixture plus APIs, a client grant, a mobile client, an
// SPA with web origins, and a connection with a strict signup password policy.
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import { fixture } from './fixture.js'

export const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm'
export const MACHINE_SECRET = 'machine-secret-0123456789'
export const ORDERS_API = 'https://api.acme.test/orders'
export const REPORTS_API = 'https://api.acme.test/reports'
export const SPA_ORIGIN = 'https://app.acme.test'
export const OTHER_SPA_ORIGIN = 'https://admin.acme.test'

export function sessionsFixture (): ProvisioningDocument {
  const doc = fixture()
  const acme = doc.tenants[0]
  acme.apis = [
    { identifier: ORDERS_API, name: 'Orders', scopes: ['read:orders', 'write:orders'], token_lifetime: 3600, allow_offline_access: true },
    { identifier: REPORTS_API, name: 'Reports', scopes: ['read:reports'] },
  ]
  acme.clients.push(
    { client_id: 'mobile', name: 'Mobile app', type: 'native', grant_types: ['password', PASSWORD_REALM, 'refresh_token'] },
    { client_id: 'web', name: 'Web SPA', type: 'spa', grant_types: ['password', PASSWORD_REALM, 'refresh_token'], web_origins: [SPA_ORIGIN] },
    { client_id: 'admin-web', name: 'Admin SPA', type: 'spa', grant_types: ['password'], web_origins: [OTHER_SPA_ORIGIN] },
    { client_id: 'reporter', name: 'Reporter', type: 'machine', grant_types: ['client_credentials'], client_secret: MACHINE_SECRET },
  )
  acme.client_grants = [{ client_id: 'machine', audience: ORDERS_API, scope: ['read:orders'] }]
  acme.connections[0].enabled_clients.push('mobile', 'web', 'admin-web')
  acme.connections.push({
    name: 'strict-db',
    strategy: 'database',
    enabled_clients: ['spa', 'web'],
    options: { password_policy: { min_length: 10, character_classes: ['lower', 'upper', 'number', 'special'], min_character_classes: 3 } },
  })
  return doc
}
