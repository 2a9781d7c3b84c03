import { defineScript } from '../script-runner.js';

/**
 * Applies one meta message's catalog change, once and in order.
 * KEYS: [1] applied position, [2] records hash (uid → json), [3] node indexes hash
 * ARGV: [1] seq, [2] prevSeq, [3] json [[uid, recordJson|""]...], [4] json [[nodeUid, stateJson]...]
 * Returns `already` (seq applied), `gap` (the position is not prevSeq) or `applied`.
 */
export const CATALOG_APPLY = defineScript(
  'catalog-apply',
  `
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local seq = tonumber(ARGV[1])
if cur >= seq then return 'already' end
if cur ~= tonumber(ARGV[2]) then return 'gap' end
for _, r in ipairs(cjson.decode(ARGV[3])) do
  if r[2] == '' then redis.call('HDEL', KEYS[2], r[1]) else redis.call('HSET', KEYS[2], r[1], r[2]) end
end
for _, n in ipairs(cjson.decode(ARGV[4])) do redis.call('HSET', KEYS[3], n[1], n[2]) end
redis.call('SET', KEYS[1], ARGV[1])
return 'applied'
`,
);
