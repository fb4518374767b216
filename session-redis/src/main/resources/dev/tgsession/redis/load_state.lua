-- Reads the updates state and every channel's pts as one consistent view.
-- KEYS: state, channels.
return {redis.call('HMGET', KEYS[1], 'pts', 'qts', 'date', 'seq'), redis.call('HGETALL', KEYS[2])}
