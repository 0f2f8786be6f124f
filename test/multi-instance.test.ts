// Three real instances (`tollgate serve` processes on loopback) sharing one PostgreSQL and one
// Redis, requests spread across them: what must be decided once is decided once, whichever
// instance each request reaches; a change made through the CLI is served by all within a second;
// and one of them killed under load loses nothing the others need.
import { randomUUID } from 'node:crypto'
import t, { type Test } from 'tap'
import { loadConfig } from '../src/config.js'
import { openPostgresStore } from '../src/store/postgres.js'
import { provision, TEST_ARGON2 } from './helpers/app.js'
import { TEST_REDIS_URL } from './helpers/attack.js'
import { PASSWORD } from './helpers/fixture.js'
import { startInstance, type Instance, type Reply } from './helpers/instances.js'
import { API_IDENTIFIER, assertion, invalidClient, JWT_BEARER, jwtBearerFixture, keys } from './helpers/jwt-bearer.js'
import { PHONE, passwordlessFixture } from './helpers/passwordless.js'
import { freshDatabase } from './helpers/postgres.js'
import { CLI, exitWithin, start } from './helpers/process.js'

const THRESHOLD = 4
const START_LIMIT = 3
/** A change made through the CLI is served by every instance within this long after the command returned. */
const WITHIN_MS = 1000
const MACHINE_SECRET = 'machine-secret-0123456789'

/** The jwt-bearer fixture (stable keys) with the passwordless sms connection and its client. */
function document () {
  const doc = jwtBearerFixture()
  const passwordless = passwordlessFixture().tenants[0]
  doc.tenants[0].connections.push(passwordless.connections.find((c) => c.name === 'sms')!)
  doc.tenants[0].clients.push(passwordless.clients.find((c) => c.client_id === 'app')!)
  doc.tenants[0].client_grants!.push({ client_id: 'machine', audience: API_IDENTIFIER, scope: [] })
  return doc
}

const url = await freshDatabase(t)
await provision(loadConfig({}, { database: { url, poolSize: 2 }, argon2: TEST_ARGON2 }), document())
const env = {
  TOLLGATE_DATABASE_URL: url,
  TOLLGATE_DATABASE_POOL_SIZE: '4',
  TOLLGATE_REDIS_URL: TEST_REDIS_URL,
  TOLLGATE_REDIS_KEY_PREFIX: `tollgate-test:${randomUUID()}:`,
  TOLLGATE_BRUTE_FORCE_THRESHOLD: String(THRESHOLD),
  TOLLGATE_ACCOUNT_RATE_LIMIT_MAX: '1000',
  TOLLGATE_RATE_LIMIT_MAX: '10000',
  TOLLGATE_PASSWORDLESS_START_LIMIT_PER_RECIPIENT: String(START_LIMIT),
}
const instances: Instance[] = await Promise.all([1, 2, 3].map(() => startInstance(t, env)))
/** The i-th request goes to the i-th instance, round robin. */
const on = (i: number) => instances[i % instances.length]

const INVALID_GRANT = { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }

t.test('parallel wrong passwords across instances never pass the brute-force threshold', async (t) => {
  const replies = await Promise.all(Array.from({ length: 18 }, (_, i) => on(i).post('/oauth/ro', {
    grant_type: 'password', client_id: 'spa', connection: 'db', username: 'carol@acme.test', password: `wrong ${i}`, scope: 'openid',
  })))
  const statuses = replies.map((r) => r.status)
  t.equal(statuses.filter((s) => s === 401).length, THRESHOLD, 'exactly the threshold were verified')
  t.equal(statuses.filter((s) => s === 429).length, 18 - THRESHOLD, 'the rest were refused')
  const right = await on(1).post('/oauth/ro', { grant_type: 'password', client_id: 'spa', connection: 'db', username: 'carol@acme.test', password: PASSWORD, scope: 'openid' })
  t.equal(right.status, 429, 'blocked on every instance, even with the right password')
  t.same(right.json(), { error: 'too_many_attempts', error_description: 'Your account has been blocked after multiple consecutive login attempts.' })
})

t.test('a refresh token redeemed on several instances at once rotates once; its reuse revokes the family', async (t) => {
  const login = await on(0).post('/oauth/token', {
    grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access',
  })
  t.equal(login.status, 200)
  const shared = login.json().refresh_token
  const replies = await Promise.all(instances.flatMap((instance) => [1, 2].map(() =>
    instance.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: shared }))))
  const winners = replies.filter((r) => r.status === 200)
  t.equal(winners.length, 1, 'one rotation')
  for (const r of replies.filter((r) => r.status !== 200)) {
    t.equal(r.status, 403)
    t.same(r.json(), INVALID_GRANT)
  }
  // Whether a loser read the token before or after the winner's rotation is a matter of timing
  // (after it, the loser is a reuse and revokes the family): only "once" is certain.
  const login2 = await on(0).post('/oauth/token', {
    grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access',
  })
  const family = login2.json().refresh_token
  const rotated = (await on(1).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: family })).json().refresh_token
  t.equal((await on(2).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: family })).status, 403, 'reuse on a third instance')
  const descendant = await on(0).post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: rotated })
  t.equal(descendant.status, 403, 'the live descendant was revoked with its family')
  t.same(descendant.json(), INVALID_GRANT)
})

t.test('one assertion jti succeeds once across instances', async (t) => {
  const shared = await assertion('robot', keys.robotRsa)
  const replies = await Promise.all(instances.flatMap((instance) => [1, 2].map(() =>
    instance.post('/oauth/token', { grant_type: JWT_BEARER, audience: 'https://api.acme.test/', assertion: shared }))))
  t.equal(replies.filter((r) => r.status === 200).length, 1)
  t.equal(replies.filter((r) => r.status !== 200).length, 5, 'the others refused')
  t.match(replies.find((r) => r.status !== 200)!.json(), { error: 'invalid_grant' })
})

t.test('a passwordless code works once, and start limits count across instances', async (t) => {
  const start = (i: number) => on(i).post('/passwordless/start', { client_id: 'app', connection: 'sms', phone_number: PHONE, send: 'code' })
  t.equal((await start(0)).status, 200)
  const store = await openPostgresStore({ url, poolSize: 1 })
  t.teardown(() => store.close())
  const messages = (await store.latestOutboxMessages(100)).filter((m) => m.recipient === PHONE)
  const code = /code is: (\d{6})/.exec(messages.at(-1)!.text)![1]
  const replies = await Promise.all(instances.map((instance) => instance.post('/oauth/token', {
    grant_type: 'http://auth0.com/oauth/grant-type/passwordless/otp', client_id: 'app', realm: 'sms', username: PHONE, otp: code, scope: 'openid',
  })))
  t.equal(replies.filter((r) => r.status === 200).length, 1, 'the code logged in once')
  for (const r of replies.filter((r) => r.status !== 200)) t.equal(r.status, 403)

  t.equal((await start(1)).status, 200)
  t.equal((await start(2)).status, 200)
  const over = await start(0)
  t.equal(over.status, 429, `the recipient limit (${START_LIMIT}) counted starts on all three instances`)
  t.same(over.json(), { error: 'too_many_requests', error_description: 'Too many requests. Try again later.' })
})

/** Runs `tollgate ARGS` on the shared database, as an operator would from any machine. */
async function tollgate (t: Test, ...args: string[]): Promise<{ code: number | null, output: string }> {
  const run = start(t, process.execPath, [CLI, ...args], { TOLLGATE_DATABASE_URL: url })
  const { code } = await exitWithin(run)
  return { code, output: run.output() }
}

/**
 * Asks every instance until each has answered as `served` says, for at most WITHIN_MS from `since`;
 * returns each instance's last reply.
 */
async function servedByAll (t: Test, what: string, since: number, ask: (instance: Instance) => Promise<Reply>, served: (reply: Reply) => boolean): Promise<Reply[]> {
  const last = new Map<Instance, Reply>()
  let pending = instances
  for (;;) {
    const replies = await Promise.all(pending.map(async (instance) => [instance, await ask(instance)] as const))
    for (const [instance, reply] of replies) last.set(instance, reply)
    pending = replies.filter(([, reply]) => !served(reply)).map(([instance]) => instance)
    const elapsed = Date.now() - since
    if (pending.length === 0) {
      t.ok(elapsed <= WITHIN_MS, `${what}: served by every instance ${elapsed} ms after the command returned`)
      break
    }
    if (elapsed > WITHIN_MS) {
      t.fail(`${what}: instances on ports ${pending.map((i) => i.port).join(', ')} still not serving it ${WITHIN_MS} ms after the command returned`)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return instances.map((instance) => last.get(instance)!)
}

const kidOf = (jwt: string): string => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString()).kid

t.test('a client deleted through the CLI is refused by every instance within 1 s', async (t) => {
  const clientCredentials = { grant_type: 'client_credentials', client_id: 'machine', client_secret: MACHINE_SECRET, audience: API_IDENTIFIER }
  for (const instance of instances) t.equal((await instance.post('/oauth/token', clientCredentials)).status, 200, `served on port ${instance.port} before`)
  const deleted = await tollgate(t, 'clients', 'delete', 'machine', '--tenant', 'acme')
  const since = Date.now()
  t.same(deleted, { code: 0, output: 'deleted client machine of tenant acme, with its client grants\n' })
  const replies = await servedByAll(t, 'the client gone', since, (i) => i.post('/oauth/token', clientCredentials), (r) => r.status !== 200)
  for (const reply of replies) {
    t.equal(reply.status, 401)
    t.same(reply.json(), invalidClient)
  }
})

t.test('a key rotated through the CLI is published by every instance within 1 s; tokens it signed verify on all', async (t) => {
  const login = (instance: Instance) => instance.post('/oauth/token', {
    grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid',
  })
  const kids = async (instance: Instance): Promise<string[]> => (await instance.request('GET', '/.well-known/jwks.json')).json().keys.map((k: { kid: string }) => k.kid)
  const userinfo = (instance: Instance, token: string) => instance.request('GET', '/userinfo', undefined, { authorization: `Bearer ${token}` })
  const before = (await login(on(0))).json().access_token as string

  const rotated = await tollgate(t, 'keys', 'rotate', '--tenant', 'acme')
  const since = Date.now()
  t.equal(rotated.code, 0, rotated.output)
  const newKid = /new current key (\S+)/.exec(rotated.output)?.[1] ?? ''
  t.ok(newKid, 'the command names the new key')
  await servedByAll(t, 'the new key in the JWKS', since, (i) => i.request('GET', '/.well-known/jwks.json'),
    (r) => r.json().keys.some((k: { kid: string }) => k.kid === newKid))
  for (const instance of instances) t.same((await kids(instance)).sort(), [kidOf(before), newKid].sort(), `port ${instance.port}: the new key and the one it replaces`)

  for (const signer of instances) {
    const token = (await login(signer)).json().access_token as string
    t.equal(kidOf(token), newKid, `port ${signer.port} signs with the new key`)
    for (const verifier of instances) {
      const res = await userinfo(verifier, token)
      t.equal(res.status, 200, `signed on port ${signer.port}, verified on port ${verifier.port}`)
      t.equal(res.json().sub, 'auth0|alice')
    }
  }
  for (const verifier of instances) t.equal((await userinfo(verifier, before)).status, 200, `a token of the replaced key still verifies on port ${verifier.port}`)
})

// Last: it kills one of the three instances.
t.test('kill -9 of one instance under load loses no refresh family; the others keep answering', async (t) => {
  const FAMILIES = 8
  /** Rotations answered (all instances together) before the kill, while every family is rotating. */
  const KILL_AFTER = 24
  /** Rotations each family makes after the kill, on the surviving instances. */
  const AFTER_KILL = 3
  const DEADLINE_MS = 60_000
  const victim = instances[2]
  const deadline = Date.now() + DEADLINE_MS

  interface Family { token: string, rotations: number, afterKill: number, lostAnswer: boolean, revoked: boolean }
  // One login after the other: parallel logins of one account beyond the brute-force threshold
  // would be held back (each reserves its place in the counters before its verify).
  const families: Family[] = []
  for (let f = 0; f < FAMILIES; f++) {
    const login = await on(f).post('/oauth/token', {
      grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, scope: 'openid offline_access',
    })
    t.equal(login.status, 200, `family ${f}: logged in on port ${on(f).port}`)
    families.push({ token: login.json().refresh_token, rotations: 0, afterKill: 0, lostAnswer: false, revoked: false })
  }

  let killed = false
  let answered = 0
  /** Anything but a 200, or a connection error from an instance still alive: none is expected. */
  const unexpected: string[] = []
  const refresh = (instance: Instance, token: string) => instance.post('/oauth/token', { grant_type: 'refresh_token', client_id: 'spa', refresh_token: token })

  async function rotateUntilDone (family: Family, first: number): Promise<void> {
    for (let next = first; family.afterKill < AFTER_KILL && !family.revoked; next++) {
      if (Date.now() > deadline) { unexpected.push(`family ${first}: not done within ${DEADLINE_MS} ms`); return }
      const instance = on(next)
      let reply: Reply
      try {
        reply = await refresh(instance, family.token)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message
        if (instance !== victim || !killed) { unexpected.push(`family ${first}: ${code} from port ${instance.port}`); return }
        // Refused: the request never reached the dead instance, the token is still good. Anything
        // else: the request may have been handled and its answer lost with the process.
        if (code !== 'ECONNREFUSED') await settleLostAnswer(family, first)
        continue
      }
      if (reply.status !== 200) { unexpected.push(`family ${first}: ${reply.status} ${JSON.stringify(reply.json())} from port ${instance.port}`); return }
      family.token = reply.json().refresh_token
      family.rotations++
      if (killed) family.afterKill++
      if (++answered === KILL_AFTER) {
        killed = true
        victim.child.kill('SIGKILL')
      }
    }
  }

  /**
   * A rotation whose answer died with the instance: if it was committed, the token the client still
   * holds is consumed, and presenting it is a reuse that revokes the family, as it must (the client
   * never saw the successor, so nothing it holds was lost). If it was not, the family goes on.
   */
  async function settleLostAnswer (family: Family, first: number): Promise<void> {
    family.lostAnswer = true
    const reply = await refresh(on(0), family.token)
    if (reply.status === 200) {
      family.token = reply.json().refresh_token
      family.afterKill++
    } else if (reply.status === 403 && JSON.stringify(reply.json()) === JSON.stringify(INVALID_GRANT)) {
      family.revoked = true
    } else {
      unexpected.push(`family ${first}, after a lost answer: ${reply.status} ${JSON.stringify(reply.json())}`)
    }
  }

  const exited = new Promise<string | null>((resolve) => victim.child.once('exit', (_code, signal) => resolve(signal)))
  await Promise.all(families.map((family, f) => rotateUntilDone(family, f)))
  t.same(unexpected, [], 'every request to a live instance answered 200; only the killed one failed to connect')
  t.ok(killed, `the instance was killed after ${KILL_AFTER} rotations, with ${FAMILIES} families rotating`)
  let timer: NodeJS.Timeout | undefined
  t.equal(await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(() => resolve('still running'), 10_000) })]), 'SIGKILL', 'it died of SIGKILL')
  clearTimeout(timer)

  for (const survivor of instances.slice(0, 2)) t.same((await survivor.request('GET', '/health/ready')).json(), { status: 'ready' }, `port ${survivor.port} still ready`)

  const settled = families.filter((f) => !f.revoked)
  for (const family of settled) t.equal(family.afterKill, AFTER_KILL, 'rotated on the survivors with the last token it received')
  t.comment(`${families.filter((f) => f.lostAnswer).length} answers died with the instance; ${FAMILIES - settled.length} of those had rotated their family`)
  // Each family's last token still works on both survivors' shared store.
  for (const [f, family] of settled.entries()) {
    const reply = await refresh(on(f % 2), family.token)
    t.equal(reply.status, 200, `family ${f} continues on port ${on(f % 2).port}`)
  }
})
