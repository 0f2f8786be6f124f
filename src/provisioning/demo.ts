// The demo data `npm start` (`tollgate serve --demo`) applies: its own tenant, `demo`, for localhost,
// with a database connection, a SPA client and a user, so a new user can log in with curl at once; and sms and email connections whose codes
// land in the development outbox (`tollgate outbox`). Applying it again changes nothing.
import type { ProvisioningDocument } from '../../schemas/provisioning.js'
import type { Store } from '../store/port.js'

export const DEMO_CLIENT_ID = 'demo-spa'
export const DEMO_CONNECTION = 'Username-Password-Authentication'
export const DEMO_USER = { email: 'demo@example.com', password: 'tollgate-demo-password' }

export const demoDocument: ProvisioningDocument = {
  tenants: [{
    name: 'demo',
    hosts: ['localhost', '127.0.0.1'],
    default: true,
    default_connection: DEMO_CONNECTION,
    connections: [
      { name: DEMO_CONNECTION, strategy: 'database', enabled_clients: [DEMO_CLIENT_ID] },
      { name: 'sms', strategy: 'sms', enabled_clients: [DEMO_CLIENT_ID], options: { delivery: { provider: 'development' } } },
      { name: 'email', strategy: 'email', enabled_clients: [DEMO_CLIENT_ID], options: { delivery: { provider: 'development' } } },
    ],
    clients: [{
      client_id: DEMO_CLIENT_ID,
      name: 'Demo single-page app',
      type: 'spa',
      grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm', 'refresh_token',
        'urn:ietf:params:oauth:grant-type:jwt-bearer', 'http://auth0.com/oauth/grant-type/passwordless/otp'],
      web_origins: ['http://localhost:8080'],
      callbacks: ['http://localhost:8080/callback'],
    }],
    users: [{
      connection: DEMO_CONNECTION,
      email: DEMO_USER.email,
      email_verified: true,
      password: DEMO_USER.password,
      name: 'Demo User',
      nickname: 'demo',
    }],
  }],
}

/** The command that logs the demo user in, as printed at start and shown in the README. */
export function demoLoginCommand (baseUrl: string): string {
  const body = JSON.stringify({
    grant_type: 'password', client_id: DEMO_CLIENT_ID, connection: DEMO_CONNECTION,
    username: DEMO_USER.email, password: DEMO_USER.password, scope: 'openid profile email',
  })
  return `curl -s ${baseUrl}/oauth/ro -H 'content-type: application/json' -d '${body}'`
}

/**
 * The demo fitted around what the store already holds: it creates or updates its own tenant, `demo`,
 * and nothing else. It is the default tenant and serves localhost only when no other tenant does;
 * `notes` says what it left to the other tenants.
 */
export async function demoDocumentFor (store: Store): Promise<{ document: ProvisioningDocument, notes: string[] }> {
  const document = structuredClone(demoDocument)
  const demo = document.tenants[0]
  const notes: string[] = []
  const others = (await store.allTenants()).filter((t) => t.name !== demo.name)
  const otherDefault = others.find((t) => t.isDefault)
  if (otherDefault) {
    demo.default = false
    notes.push(`tenant ${otherDefault.name} stays the default tenant`)
  }
  const existing = await store.tenantByName(demo.name)
  const taken = await store.hostsOfOtherTenants(existing?.id ?? '', demo.hosts)
  if (taken.length > 0) {
    demo.hosts = demo.hosts.filter((h) => !taken.includes(h))
    notes.push(`hosts ${taken.join(', ')} stay with their tenants`)
  }
  return { document, notes }
}
