/**
 * The Lua scripts the store runs: each touches keys of one hash slot only (a session's key, or one
 * user's keys), so it runs atomically on a Redis Cluster too.
 */

/**
 * Applies one commit to a session hash. KEYS[1] the session; ARGV: create ('1' or '0'), ttl seconds
 * ('' keeps the expiry), the number of fields to remove, those fields, then field/value pairs.
 * Returns the session's remaining lifetime in ms, or 0 when it no longer exists (and create is
 * '0').
 */
export const WRITE_SESSION = `
local key = KEYS[1]
if ARGV[1] == '1' then
  redis.call('DEL', key)
elseif redis.call('EXISTS', key) == 0 then
  return 0
end
local removed = tonumber(ARGV[3])
local first = 4
for i = first, first + removed - 1, 500 do
  redis.call('HDEL', key, unpack(ARGV, i, math.min(i + 499, first + removed - 1)))
end
first = first + removed
for i = first, #ARGV, 1000 do
  redis.call('HSET', key, unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
if ARGV[2] ~= '' then
  redis.call('EXPIRE', key, tonumber(ARGV[2]))
end
return redis.call('PTTL', key)
`

/**
 * Adds or removes a session in a user's index (a sorted set of ids scored by expiry, Unix ms),
 * dropping expired entries and keeping the index alive as long as its longest session.
 * KEYS[1] the index; ARGV: now, id, expiry ('' removes the id).
 */
export const INDEX_SESSION = `
local key = KEYS[1]
redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[1])
if ARGV[3] == '' then
  redis.call('ZREM', key, ARGV[2])
else
  redis.call('ZADD', key, ARGV[3], ARGV[2])
end
local last = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', key, last[2])
end
return 1
`

/**
 * Records a revocation of every session of a user and empties the index but for one id.
 * KEYS[1] the index, KEYS[2] the revocation; ARGV: now, the revocation's JSON, its ttl in seconds,
 * the id to keep ('' for none). Returns the revoked ids, for the caller to delete.
 */
export const REVOKE_USER = `
redis.call('SET', KEYS[2], ARGV[2], 'EX', tonumber(ARGV[3]))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local revoked = {}
for _, id in ipairs(ids) do
  if id ~= ARGV[4] then
    revoked[#revoked + 1] = id
    redis.call('ZREM', KEYS[1], id)
  end
end
return revoked
`

/** A user's session ids, expired entries dropped. KEYS[1] the index; ARGV: now. */
export const LIST_INDEX = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return redis.call('ZRANGE', KEYS[1], 0, -1)
`
