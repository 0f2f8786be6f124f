// The baselines' server: a bare Fastify app in the same process setup as Tollgate (one process,
// JSON body, loopback), with no store, no hashing and no tokens. Routes:
//   POST /bare        echoes a fixed JSON body: the cost of HTTP + JSON alone;
//   POST /sign-work   does the signature work of a JWT grant (verify one token, sign two), as
//                     BENCH_SIGN_VERIFY / BENCH_SIGN_SIGN name them.
import Fastify from 'fastify'
import { createSigner, createVerifier } from 'fast-jwt'
import { generateKeyPairSync } from 'node:crypto'

function key (alg: string) {
  const pair = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519')
  return {
    privatePem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: pair.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  }
}

const verifyAlg = process.env.BENCH_SIGN_VERIFY ?? 'RS256'
const signAlg = process.env.BENCH_SIGN_SIGN ?? 'RS256'
const verifyKey = key(verifyAlg)
const signKey = key(signAlg)
const sign = createSigner({ key: signKey.privatePem, algorithm: signAlg as any, kid: 'k' })
const presented = createSigner({ key: verifyKey.privatePem, algorithm: verifyAlg as any, expiresIn: 3600_000 })({ sub: 'user' })
const verify = createVerifier({ key: verifyKey.publicPem, algorithms: [verifyAlg as any], cache: false })

const app = Fastify({ logger: false })
app.post('/bare', async () => ({ ok: true }))
app.post('/sign-work', async () => {
  const claims = verify(presented) as { sub: string }
  return { id_token: sign({ sub: claims.sub, aud: 'a' }), access_token: sign({ sub: claims.sub, aud: 'b' }) }
})
app.listen({ host: '127.0.0.1', port: 0 }).then(() => {
  process.stdout.write(`listening on ${(app.server.address() as { port: number }).port}\n`)
})
