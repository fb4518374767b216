package dev.tgsession.redis;

import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Walks the peers hash with HSCAN, one page per call and one HMGET of the page's info records,
 * skipping repeats HSCAN may return.
 */
final class RedisPeerScan implements Iterator<PeerInfo> {

  private static final int SCAN_COUNT = 1000;

  private final RedisCalls calls;
  private final RedisKeys keys;
  private final Runnable ensureOpen;

  RedisPeerScan(RedisCalls calls, RedisKeys keys, Runnable ensureOpen) {
    this.calls = calls;
    this.keys = keys;
    this.ensureOpen = ensureOpen;
  }

  private final ScanParams params = new ScanParams().count(SCAN_COUNT);
  private final Set<PeerId> seen = new HashSet<>();
  private byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
  private boolean done;
  private Iterator<PeerInfo> page = Collections.emptyIterator();
  private @Nullable PeerInfo next;

  @Override
  public boolean hasNext() {
    while (next == null) {
      if (page.hasNext()) {
        PeerInfo peer = page.next();
        if (seen.add(peer.peerId())) {
          next = peer;
        }
      } else if (done) {
        return false;
      } else {
        ensureOpen.run();
        byte[] from = cursor;
        ScanResult<Map.Entry<byte[], byte[]>> result =
            calls.read("list the peers", redis -> redis.hscan(keys.peers, from, params));
        cursor = result.getCursorAsBytes();
        done = result.isCompleteIteration();
        page = decodePage(result.getResult());
      }
    }
    return true;
  }

  private Iterator<PeerInfo> decodePage(List<Map.Entry<byte[], byte[]>> entries) {
    if (entries.isEmpty()) {
      return Collections.emptyIterator();
    }
    byte[][] ids = new byte[entries.size()][];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = entries.get(i).getKey();
    }
    List<byte[]> infos = calls.read("list the peers", redis -> redis.hmget(keys.info, ids));
    List<PeerInfo> peers = new ArrayList<>(ids.length);
    for (int i = 0; i < ids.length; i++) {
      PeerId id = PeerRedisCodec.id(ids[i]);
      peers.add(PeerRedisCodec.decode(id, entries.get(i).getValue(), infos.get(i)));
    }
    return peers.iterator();
  }

  @Override
  public PeerInfo next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    PeerInfo peer = next;
    next = null;
    return peer;
  }
}
