// The demo data `npm start` applies: one tenant for localhost, a database connection, a SPA client
// and a user, so a new user can log in with curl at once; and sms and email connections whose codes
// land in the development outbox (`tollgate outbox`). Applying it again changes nothing.
import type { ProvisioningDocument } from '../../schemas/provisioning.js'

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
