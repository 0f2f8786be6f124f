// The provisioning document most tests run against: two tenants, every kind of connection the
// password grant meets, and users in each state that matters.
import type { ProvisioningDocument } from '../../schemas/provisioning.js'

export const PASSWORD = 'correct horse battery staple'
export const BACKEND_SECRET = 'backend-secret-0123456789'

export function fixture (options: { loginUrl?: string } = {}): ProvisioningDocument {
  return {
    tenants: [
      {
        name: 'acme',
        hosts: ['acme.test'],
        default: true,
        default_connection: 'db',
        connections: [
          { name: 'db', strategy: 'database', enabled_clients: ['spa', 'strict-spa', 'machine', 'backend', 'basic-only'] },
          { name: 'disabled-db', strategy: 'database', enabled_clients: ['strict-spa'] },
          {
            name: 'legacy-db',
            strategy: 'custom-database',
            enabled_clients: ['spa'],
            ...(options.loginUrl ? { options: { login_url: options.loginUrl } } : {}),
          },
          { name: 'unconfigured-db', strategy: 'custom-database', enabled_clients: ['spa'] },
          { name: 'google', strategy: 'google-oauth2', enabled_clients: ['spa'] },
        ],
        clients: [
          { client_id: 'spa', name: 'SPA', type: 'spa', grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token'] },
          { client_id: 'backend', name: 'Backend', type: 'native', grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm'], client_secret: BACKEND_SECRET },
          { client_id: 'basic-only', name: 'Basic only', type: 'native', grant_types: ['password'], client_secret: BACKEND_SECRET, token_endpoint_auth_methods: ['client_secret_basic'] },
          { client_id: 'strict-spa', name: 'Strict SPA', type: 'spa', grant_types: ['password'], require_email_verified: true },
          { client_id: 'machine', name: 'Machine', type: 'machine', grant_types: ['client_credentials'], client_secret: 'machine-secret-0123456789' },
        ],
        users: [
          { connection: 'db', user_id: 'auth0|alice', email: 'alice@acme.test', username: 'alice', email_verified: true, password: PASSWORD, name: 'Alice Liddell', nickname: 'alice', picture: 'https://acme.test/alice.png' },
          { connection: 'db', email: 'bob@acme.test', email_verified: true, password: PASSWORD, blocked: true },
          { connection: 'db', email: 'carol@acme.test', email_verified: false, password: PASSWORD },
        ],
      },
      {
        name: 'other',
        hosts: ['other.test'],
        connections: [{ name: 'other-db', strategy: 'database', enabled_clients: ['other-app'] }],
        clients: [{ client_id: 'other-app', name: 'Other', type: 'spa', grant_types: ['password'] }],
        users: [{ connection: 'other-db', email: 'alice@acme.test', password: 'another password' }],
      },
    ],
  }
}
