"""The Redis store's Lua scripts: every multi-key change runs as one of them, atomically.

Key and argument layouts are those of alerts/store/redis.py (its module doc lists the keys).
"""


# The cross-room index of one alert write: keys ids, ix:all, ix:open, ix:ver and the Lua
# expressions of id, room, started_at, version, is_open. Order-safe: an entry is only
# replaced by the same or a newer version, so two writers' index calls may arrive in any
# order.
def _index_alert(keys: list[str], id: str, room: str, at: str, version: str, is_open: str) -> str:
    ids, ix_all, ix_open, ix_ver = keys
    return f"""
if tonumber(redis.call('HGET', {ix_ver}, {id}) or '0') <= tonumber({version}) then
  redis.call('HSET', {ix_ver}, {id}, {version})
  redis.call('HSET', {ids}, {id}, {room})
  redis.call('ZADD', {ix_all}, {at}, {id})
  if {is_open} == '1' then
    redis.call('ZADD', {ix_open}, {at}, {id})
  else
    redis.call('ZREM', {ix_open}, {id})
  end
end
"""


# KEYS: alert, room_all, room_open, fp_open, fp_latest, comments, versions (the room's
#       slot), then on one Redis also ids, ix:all, ix:open, ix:ver (see INDEX_ALERT; on a
#       cluster the store runs INDEX_ALERT after this script instead)
# ARGV: id, header JSON, started_at, fingerprint, is_open, expected version ('' = any),
#       version, comment mode (keep | append | replace), comments to keep, room,
#       comment JSON...
# Returns {1, version} when written, {0, stored version} on a compare-and-set miss.
PUT_ALERT = (
    """
local found = redis.call('HGET', KEYS[7], ARGV[1])
if not found then
  local legacy = redis.call('GET', KEYS[1])
  found = legacy and tostring(cjson.decode(legacy).version or 1) or '0'
end
if ARGV[6] ~= '' and found ~= ARGV[6] then
  return {0, found}
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[7], ARGV[1], ARGV[7])
local mode = ARGV[8]
if mode == 'replace' then
  redis.call('DEL', KEYS[6])
end
if mode ~= 'keep' then
  if #ARGV > 10 then
    redis.call('RPUSH', KEYS[6], unpack(ARGV, 11))
  end
  local keep = tonumber(ARGV[9])
  if keep > 0 then
    redis.call('LTRIM', KEYS[6], -keep, -1)
  else
    redis.call('DEL', KEYS[6])  -- LTRIM -0 is refused: "-0" is not an integer to Redis
  end
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[4], ARGV[1])
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[3], ARGV[1])
  if redis.call('HGET', KEYS[4], ARGV[4]) == ARGV[1] then
    redis.call('HDEL', KEYS[4], ARGV[4])
  end
end
if #KEYS > 7 then"""
    + _index_alert(
        ["KEYS[8]", "KEYS[9]", "KEYS[10]", "KEYS[11]"],
        *("ARGV[1]", "ARGV[10]", "ARGV[3]", "ARGV[7]", "ARGV[5]"),
    )
    + """end
return {1, ARGV[7]}
"""
)

# KEYS: ids, ix:all, ix:open, ix:ver (the {alerts} slot).
# ARGV: id, room, started_at, version, is_open.  Returns nothing useful.
INDEX_ALERT = (
    _index_alert(
        ["KEYS[1]", "KEYS[2]", "KEYS[3]", "KEYS[4]"],
        *("ARGV[1]", "ARGV[2]", "ARGV[3]", "ARGV[4]", "ARGV[5]"),
    )
    + "return 1\n"
)

# KEYS: alert, comments, versions.  ARGV: id, the version the caller holds ('' = none).
# Returns {} when there is no such alert, {version} when the caller's copy is current,
# else {version, header JSON, comment JSON list}.
GET_ALERT = """
local v = redis.call('HGET', KEYS[3], ARGV[1])
if v and v == ARGV[2] then
  return {v}
end
local header = redis.call('GET', KEYS[1])
if not header then
  return {}
end
return {v or '', header, redis.call('LRANGE', KEYS[2], 0, -1)}
"""

# KEYS: fingerprint index, versions (the room's).  ARGV: fingerprint, the room's key
# prefix, the id and version the caller holds for it ('' = none).  One round trip for the
# grouping path: returns {} when no alert is indexed, {id, version} when the caller's copy
# is current, else {id, version, header JSON, comment JSON list}.  The alert's keys are
# derived from the id under the room's prefix, so they share the room's slot.
FIND_ALERT = """
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then
  return {}
end
local v = redis.call('HGET', KEYS[2], id)
if v and id == ARGV[3] and v == ARGV[4] then
  return {id, v}
end
local header = redis.call('GET', ARGV[2] .. ':alert:' .. id)
if not header then
  return {}
end
return {id, v or '', header, redis.call('LRANGE', ARGV[2] .. ':alert:' .. id .. ':comments', 0, -1)}
"""

# KEYS: seq, log, and on one Redis the room's log (on a cluster the store adds the item
# to the room's log with a second call, on the room's slot).
# ARGV: capacity, the item JSON after its opening brace, the highest seq the caller has
# seen (the counter never hands out one at or below it, see RAISE_FEED_SEQ).
# The seq is spliced in here so the one inside the item is the one INCR returned.
APPEND_FEED = """
local seq = redis.call('INCR', KEYS[1])
local seen = tonumber(ARGV[3] or '0')
if seq <= seen then
  seq = seen + 1
  redis.call('SET', KEYS[1], seq)
end
local item = '{"seq":' .. seq .. ',' .. ARGV[2]
redis.call('ZADD', KEYS[2], seq, item)
if KEYS[3] then
  redis.call('ZADD', KEYS[3], seq, item)
end
local cap = tonumber(ARGV[1])
if redis.call('ZCARD', KEYS[2]) > cap then
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(cap + 1))
  local floor = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if floor[2] and KEYS[3] then
    redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. floor[2])
  end
end
return seq
"""

# KEYS: seq.  ARGV: the highest seq this instance has seen.  Run first on every new
# connection: after a failover (or a restart) lost the newest INCRs, seqs already shown on
# consoles are not handed out again.
RAISE_FEED_SEQ = """
local seen = tonumber(ARGV[1])
if tonumber(redis.call('GET', KEYS[1]) or '0') < seen then
  redis.call('SET', KEYS[1], seen)
  return 1
end
return 0
"""

# KEYS: list.  ARGV: json, max_len
APPEND_RECORD = """
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return 1
"""

# KEYS: claim, then the item hashes.  ARGV: px, then per item: its hash's index into KEYS,
# field, JSON.  The claim and the items are written together or not at all, so a step
# claimed is a step whose sends are queued.  Returns 1 when claimed, 0 when taken.
CLAIM_WITH_ITEMS = """
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then
  return 0
end
for i = 2, #ARGV, 3 do
  redis.call('HSET', KEYS[tonumber(ARGV[i])], ARGV[i + 1], ARGV[i + 2])
end
return 1
"""
