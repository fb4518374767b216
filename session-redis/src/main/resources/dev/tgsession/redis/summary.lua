-- What the directory tells of one session, as one consistent view.
-- KEYS: dcs, peers, self, lease. Returns {home, peer count, self id, lease, its remaining
-- milliseconds, vault, layout}, false where absent.
return {redis.call('HGET', KEYS[1], 'home') or false, redis.call('HLEN', KEYS[2]),
  redis.call('GET', KEYS[3]) or false, redis.call('GET', KEYS[4]) or false,
  redis.call('PTTL', KEYS[4]), redis.call('HGET', KEYS[1], 'vault') or false,
  redis.call('HGET', KEYS[1], 'layout') or false}
