import { defineScript } from '../script-runner.js';

/**
 * Writes one task record and moves its index entries in the same step, guarded by the record's
 * previous value (compare-and-swap), so indexes always agree with the records.
 * KEYS: [1] task record, [2 .. 1+nrem] index sets to remove the uid from, then index sets to add it to
 * ARGV: [1] 'create' | 'replace' | 'delete', [2] expected json (replace/delete), [3] new json,
 *       [4] uid (index member), [5] nrem, [6 ..] one score per added index
 * Returns 1 when applied, 0 when the record was not in the expected state.
 */
export const TASK_WRITE = defineScript(
  'task-write',
  `
local cur = redis.call('GET', KEYS[1])
if ARGV[1] == 'create' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
local nrem = tonumber(ARGV[5])
for i = 2, 1 + nrem do redis.call('ZREM', KEYS[i], ARGV[4]) end
if ARGV[1] == 'delete' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3])
end
for i = 2 + nrem, #KEYS do redis.call('ZADD', KEYS[i], ARGV[6 + i - 2 - nrem], ARGV[4]) end
return 1
`,
);

/**
 * GET /tasks in one step: intersect the filters' index sets, count, page, read the records.
 * KEYS: [1] all tasks (score = uid), then the keys the plan refers to by position, then scratch
 *       keys (deleted before returning)
 * ARGV: [1] plan json: {groups: [[keyPos…]…] (union within a group, intersection across),
 *         uids: string[] | null, ranges: [[keyPos, min, max]…] (score ranges of time sets),
 *         scratch: first scratch key position, from: string | null, limit (-1 = all), reverse},
 *       [2] task record key prefix
 * Returns {total, uid1, json1, uid2, json2, …}: up to limit+1 uids (the extra one is `next`);
 * the extra uid comes with an empty json.
 */
export const TASK_LIST = defineScript(
  'task-list',
  `
local plan = cjson.decode(ARGV[1])
local scratch = plan.scratch
local used = {}
local function tmp()
  local k = KEYS[scratch]
  scratch = scratch + 1
  table.insert(used, k)
  return k
end
local sets, weights = {KEYS[1]}, {1}
for _, g in ipairs(plan.groups) do
  if #g == 1 then
    table.insert(sets, KEYS[g[1]])
  else
    local t = tmp()
    local args = {t, #g}
    for _, pos in ipairs(g) do table.insert(args, KEYS[pos]) end
    redis.call('ZUNIONSTORE', unpack(args))
    table.insert(sets, t)
  end
  table.insert(weights, 1)
end
local empty = false
if type(plan.uids) == 'table' then
  local t = tmp()
  if #plan.uids == 0 then empty = true end
  for i = 1, #plan.uids, 500 do
    local args = {}
    for j = i, math.min(i + 499, #plan.uids) do
      table.insert(args, plan.uids[j]); table.insert(args, plan.uids[j])
    end
    redis.call('ZADD', t, unpack(args))
  end
  table.insert(sets, t); table.insert(weights, 1)
end
for _, r in ipairs(plan.ranges) do
  local t = tmp()
  redis.call('ZRANGESTORE', t, KEYS[r[1]], r[2], r[3], 'BYSCORE')
  table.insert(sets, t); table.insert(weights, 0)
end
local src = KEYS[1]
if #sets > 1 then
  src = tmp()
  local args = {src, #sets}
  for _, s in ipairs(sets) do table.insert(args, s) end
  table.insert(args, 'WEIGHTS')
  for _, w in ipairs(weights) do table.insert(args, w) end
  table.insert(args, 'AGGREGATE'); table.insert(args, 'MAX')
  redis.call('ZINTERSTORE', unpack(args))
end
local out = {0}
if not empty then
  out[1] = redis.call('ZCARD', src)
  local ids
  local lim = {}
  if plan.limit >= 0 then lim = {'LIMIT', 0, plan.limit + 1} end
  if plan.reverse then
    local min = '-inf'
    if type(plan.from) == 'string' then min = plan.from end
    ids = redis.call('ZRANGEBYSCORE', src, min, '+inf', unpack(lim))
  else
    local max = '+inf'
    if type(plan.from) == 'string' then max = plan.from end
    ids = redis.call('ZREVRANGEBYSCORE', src, max, '-inf', unpack(lim))
  end
  for i, id in ipairs(ids) do
    table.insert(out, id)
    if plan.limit >= 0 and i > plan.limit then
      table.insert(out, '')
    else
      table.insert(out, redis.call('GET', ARGV[2] .. id) or '')
    end
  end
end
if #used > 0 then redis.call('DEL', unpack(used)) end
return out
`,
);

/** KEYS: [1] settled position   ARGV: [1] seq. Moves forward only. */
export const SETTLED_THROUGH = defineScript(
  'settled-through',
  `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`,
);
