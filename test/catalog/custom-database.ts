// A custom-database connection's user store answering a profile that clashes with another user.
import { buildTestApp, passwordBody } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'
import { startProfileStore } from '../helpers/profile-store-server.js'
import type { CatalogGroup } from './types.js'

export const group: CatalogGroup = {
  setup: async (t) => {
    const url = await startProfileStore(t, {
      'first@store.test': { user_id: 'ext-2', email: 'shared@store.test' },
      'second@store.test': { user_id: 'ext-3', email: 'shared@store.test' },
    })
    const app = await buildTestApp(t, { document: fixture({ loginUrl: url }) })
    // The first login saves the email the second's profile then names.
    await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ connection: 'legacy-db', username: 'first@store.test' }) })
    return app
  },
  cases: [
    {
      key: 'user_store_profile_conflict', name: 'profile naming another user\'s email',
      request: { body: passwordBody({ connection: 'legacy-db', username: 'second@store.test' }) },
      status: 409,
      body: { error: 'user_exists', error_description: 'The user store returned a profile whose email, username or phone number belongs to another user of this connection.' },
    },
  ],
}
