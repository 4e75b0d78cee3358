import { type RedisCluster, hasRedisServer, startRedisCluster } from '@cookietin/testkit'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { RedisStore } from '../src/index.ts'
import { secrets, visit } from './helpers.ts'

describe.skipIf(!hasRedisServer())('RedisStore on a three-node Redis Cluster', () => {
  let cluster: RedisCluster
  let client: Cluster
  let store: RedisStore

  beforeAll(async () => {
    cluster = await startRedisCluster()
    client = new Cluster(cluster.startupNodes, { lazyConnect: true })
    client.on('error', () => undefined)
    await client.connect()
    store = new RedisStore(client)
  }, 30_000)
  afterAll(async () => {
    client.disconnect()
    await cluster.close()
  })

  test('sessions spread over every node, each in one slot; merged writes and revocation work', async () => {
    const options = { secrets, store, userKey: 'user' }
    const devices = await Promise.all(
      Array.from({ length: 30 }, () =>
        visit(options, undefined, (s) => s.session.set('user', 'frank')),
      ),
    )
    // Every node holds some of the 30 sessions: the keys really are spread over the cluster.
    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const direct = new Redis(node.port, '127.0.0.1')
        const keys = await direct.keys('cookietin:s:*')
        direct.disconnect()
        return keys.length
      }),
    )
    expect(perNode.every((count) => count > 0)).toBe(true)
    expect(perNode.reduce((a, b) => a + b)).toBe(30)

    const cookie = devices[0]?.cookie
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        visit(options, cookie, (s) => s.session.set(`k${i}`, i)),
      ),
    )
    const { scope } = await visit(options, cookie)
    expect(Object.keys(scope.session.data)).toHaveLength(51)

    expect(await store.listSessions('frank')).toHaveLength(30)
    expect(await store.revokeSessions('frank', { except: scope.session.id })).toBe(29)
    expect(await store.listSessions('frank')).toEqual([scope.session.id])
    await visit(options, devices[1]?.cookie, (s) => expect(s.session.isNew).toBe(true))
    await visit(options, cookie, (s) => expect(s.session.get('user')).toBe('frank'))
  })
})
