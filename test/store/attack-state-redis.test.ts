// The attack-state contract on a real redis-server (TOLLGATE_TEST_REDIS_URL; .ci/run starts one).
// Each test writes under its own key prefix, so tests never see each other's keys.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { RedisAttackState } from '../../src/store/redis-attack-state.js'
import { connectRedis } from '../../src/store/redis.js'
import { TEST_REDIS_URL } from '../helpers/attack.js'
import { attackStateContract } from './attack-state-contract.js'

attackStateContract(t, async (t) => {
  const redis = await connectRedis(TEST_REDIS_URL)
  const prefix = `tollgate-test:${randomUUID()}:`
  t.teardown(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })
  return { state: new RedisAttackState(redis, prefix), tenants: ['tenant-a', 'tenant-b'] }
})
