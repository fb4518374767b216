package dev.tgsession.sqlite;

import dev.tgsession.PeerAuth;
import dev.tgsession.PeerId;
import dev.tgsession.PeerInfo;
import dev.tgsession.spi.PeerMerge;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes a batch reduced by {@link dev.tgsession.spi.PeerBatch#reduce}. Each statement runs as one
 * JDBC batch, in an order that is correct because the batch claims no username, phone or self flag
 * twice: first the claims are taken from other peers, then usernames are rewritten, then our rows
 * are merged (reading grammers' rows as they were), then grammers' rows. Plain records (see {@link
 * PeerSqliteCodec#plain}) take the raw upserts, which leave {@code subtype} and our tables alone.
 */
final class PeerWrites {

  /** The order in which the statements of a batch run. */
  private static final List<PeerSql> ORDER =
      List.of(
          PeerSql.UNSET_OTHER_SELF_EXTRA,
          PeerSql.UNSET_OTHER_SELF,
          PeerSql.RELEASE_PHONE,
          PeerSql.DELETE_LOST_USERNAMES,
          PeerSql.CLAIM_USERNAME,
          PeerSql.UPSERT_USER_EXTRA,
          PeerSql.UPSERT_CHANNEL_EXTRA,
          PeerSql.UPSERT_PEER_INFO,
          PeerSql.UPSERT_HASH,
          PeerSql.INSERT_ID,
          PeerSql.UPSERT_CHAT);

  private final SqliteConnection connection;
  private final Map<PeerSql, PreparedStatement> batched = new EnumMap<>(PeerSql.class);

  /** The {@code "id":hash} members of {@link PeerSql#UPSERT_HASHES}, a JSON object being built. */
  private final StringBuilder hashes = new StringBuilder();

  private PeerWrites(SqliteConnection connection) {
    this.connection = connection;
  }

  /** Whether caching this one peer is a single statement (autocommit is then atomic enough). */
  static boolean singleStatement(List<PeerInfo> reducedBatch) {
    return reducedBatch.size() == 1 && PeerSqliteCodec.onlyPeerInfo(reducedBatch.get(0));
  }

  /**
   * Writes one peer for which {@link #singleStatement} holds, in autocommit: its cached-at time
   * first, so a prune that runs between the two statements finds it fresh and keeps it.
   */
  static int writeOne(SqliteConnection connection, PeerInfo peer, long cachedAtMillis)
      throws SQLException {
    PreparedStatement touch = connection.prepare(PeerSql.TOUCH_ONE);
    touch.setLong(1, peer.peerId().botApiDialogId());
    touch.setLong(2, cachedAtMillis);
    touch.executeUpdate();
    PeerSql plain = PeerSqliteCodec.plain(peer);
    if (plain != null) {
      PreparedStatement upsert = connection.prepare(plain);
      PeerSqliteCodec.bindPlain(upsert, plain, peer);
      return upsert.executeUpdate();
    }
    PreparedStatement upsert = connection.prepare(PeerSql.UPSERT_PEER_INFO);
    PeerSqliteCodec.bindPeerInfo(upsert, peer, false);
    return upsert.executeUpdate();
  }

  /**
   * Writes the batch inside the caller's transaction, and records every peer of it as cached at
   * {@code cachedAtMillis} (also those whose rows hold nothing new); returns the rows changed.
   */
  static int write(
      SqliteConnection connection,
      List<PeerInfo> batch,
      long cachedAtMillis,
      @Nullable StoredPeers remembered)
      throws SQLException {
    PeerWrites writes = new PeerWrites(connection);
    try {
      if (batch.size() == 1) {
        PreparedStatement touch = connection.prepare(PeerSql.TOUCH_ONE);
        touch.setLong(1, batch.get(0).peerId().botApiDialogId());
        touch.setLong(2, cachedAtMillis);
        touch.executeUpdate();
      } else {
        PreparedStatement touch = connection.prepare(PeerSql.TOUCH_MANY);
        touch.setString(1, ids(batch));
        touch.setLong(2, cachedAtMillis);
        touch.executeUpdate();
      }
      Map<PeerId, PeerInfo> stored = stored(connection, batch, remembered);
      boolean claims = false;
      for (PeerInfo peer : batch) {
        if (PeerSqliteCodec.plain(peer) != null) {
          // its raw statement whatever is stored: it claims nothing and merges nothing in SQL
          writes.add(peer);
          if (remembered != null) {
            remembered.forget(peer.peerId()); // its row after the raw statement is not decoded here
          }
          continue;
        }
        PeerInfo before = stored.get(peer.peerId());
        if (before == null) {
          writes.add(peer);
          claims = true;
          continue;
        }
        PeerInfo merged = PeerMerge.merge(before, peer);
        if (merged.equals(before)) {
          continue; // it holds nothing new: no row to write, no claim on another peer
        }
        PeerAuth auth = merged.auth();
        if (auth != null && !auth.isAmbient() && sameExceptAuth(merged, before)) {
          // only a new access hash: the raw upsert (its names, phone and flags are stored already)
          writes.hash(merged);
          if (remembered != null) {
            remembered.put(merged); // what its row decodes to after the upsert
          }
          continue;
        }
        writes.add(peer);
        claims = true;
      }
      int changed = writes.execute();
      if (claims && remembered != null) {
        // our rows merge in SQL, and a claim may change another peer's row: not known exactly now
        remembered.clear();
      }
      return changed;
    } catch (SQLException | RuntimeException e) {
      // the statements are reused: leave no queued rows behind for the next batch
      for (PreparedStatement statement : writes.batched.values()) {
        try {
          statement.clearBatch();
        } catch (SQLException clearing) {
          e.addSuppressed(clearing);
        }
      }
      throw e;
    }
  }

  /**
   * What the batch's peers that are not plain records hold now, read in the caller's write
   * transaction, so that a peer that brings nothing new is skipped and one that brings only an
   * access hash takes the raw upsert.
   */
  private static Map<PeerId, PeerInfo> stored(
      SqliteConnection connection, List<PeerInfo> batch, @Nullable StoredPeers remembered)
      throws SQLException {
    Map<PeerId, PeerInfo> stored = new HashMap<>();
    List<PeerInfo> unknown = new ArrayList<>(batch.size());
    for (PeerInfo peer : batch) {
      if (PeerSqliteCodec.plain(peer) != null) {
        continue;
      }
      PeerInfo known = remembered == null ? null : remembered.get(peer.peerId());
      if (known != null) {
        stored.put(known.peerId(), known);
      } else {
        unknown.add(peer);
      }
    }
    if (unknown.isEmpty()) {
      return stored;
    }
    PreparedStatement select;
    if (unknown.size() == 1) {
      select = connection.prepare(PeerSql.BY_ID);
      select.setLong(1, unknown.get(0).peerId().botApiDialogId());
    } else {
      select = connection.prepare(PeerSql.BY_IDS);
      select.setString(1, ids(unknown));
    }
    try (ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        PeerInfo peer = PeerSqliteCodec.decode(rows);
        stored.put(peer.peerId(), peer);
        if (remembered != null) {
          remembered.put(peer);
        }
      }
    }
    return stored;
  }

  /** The peers' ids as a JSON array. */
  private static String ids(List<PeerInfo> peers) {
    StringBuilder ids = new StringBuilder(peers.size() * 12).append('[');
    for (PeerInfo peer : peers) {
      ids.append(ids.length() == 1 ? "" : ",").append(peer.peerId().botApiDialogId());
    }
    return ids.append(']').toString();
  }

  private static boolean sameExceptAuth(PeerInfo merged, PeerInfo before) {
    if (merged instanceof PeerInfo.User user && before instanceof PeerInfo.User old) {
      return Objects.equals(user.bot(), old.bot())
          && Objects.equals(user.self(), old.self())
          && Objects.equals(user.usernames(), old.usernames())
          && Objects.equals(user.phone(), old.phone());
    }
    if (merged instanceof PeerInfo.Channel channel && before instanceof PeerInfo.Channel old) {
      return channel.kind() == old.kind() && Objects.equals(channel.usernames(), old.usernames());
    }
    return false;
  }

  private PreparedStatement statement(PeerSql sql) throws SQLException {
    PreparedStatement statement = batched.get(sql);
    if (statement == null) {
      statement = connection.prepare(sql);
      batched.put(sql, statement);
    }
    return statement;
  }

  /** Queues the raw upsert of {@code peer}'s access hash (see {@link PeerSql#UPSERT_HASHES}). */
  private void hash(PeerInfo peer) {
    hashes
        .append(hashes.length() == 0 ? "{\"" : ",\"")
        .append(peer.peerId().botApiDialogId())
        .append("\":")
        .append(Objects.requireNonNull(peer.auth()).accessHash());
  }

  private void add(PeerInfo peer) throws SQLException {
    PeerSql plain = PeerSqliteCodec.plain(peer);
    if (plain == PeerSql.UPSERT_HASH) {
      hash(peer);
      return;
    }
    if (plain != null) {
      PreparedStatement statement = statement(plain);
      PeerSqliteCodec.bindPlain(statement, plain, peer);
      statement.addBatch();
      return;
    }
    long id = peer.peerId().botApiDialogId();
    boolean extra = !PeerSqliteCodec.onlyPeerInfo(peer);
    if (peer instanceof PeerInfo.User user) {
      if (user.isSelf()) {
        PreparedStatement unsetExtra = statement(PeerSql.UNSET_OTHER_SELF_EXTRA);
        unsetExtra.setLong(1, id);
        unsetExtra.addBatch();
        PreparedStatement unset = statement(PeerSql.UNSET_OTHER_SELF);
        unset.setLong(1, id);
        unset.addBatch();
      }
      if (user.phone() != null) {
        PreparedStatement release = statement(PeerSql.RELEASE_PHONE);
        release.setString(1, user.phone());
        release.setLong(2, id);
        release.addBatch();
      }
      if (extra) {
        PreparedStatement userExtra = statement(PeerSql.UPSERT_USER_EXTRA);
        PeerSqliteCodec.bindUserExtra(userExtra, user);
        userExtra.addBatch();
      }
    } else if (peer instanceof PeerInfo.Channel channel && extra) {
      PreparedStatement channelExtra = statement(PeerSql.UPSERT_CHANNEL_EXTRA);
      PeerSqliteCodec.bindChannelExtra(channelExtra, channel);
      channelExtra.addBatch();
    }
    List<String> usernames = peer.usernames();
    if (usernames != null) {
      PreparedStatement delete = statement(PeerSql.DELETE_LOST_USERNAMES);
      delete.setLong(1, id);
      delete.setString(2, String.join(" ", usernames));
      delete.addBatch();
      for (int i = 0; i < usernames.size(); i++) {
        PreparedStatement claim = statement(PeerSql.CLAIM_USERNAME);
        claim.setString(1, usernames.get(i));
        claim.setLong(2, id);
        claim.setInt(3, i);
        claim.addBatch();
      }
    }
    PreparedStatement peerInfo = statement(PeerSql.UPSERT_PEER_INFO);
    PeerSqliteCodec.bindPeerInfo(peerInfo, peer, extra && peer instanceof PeerInfo.User);
    peerInfo.addBatch();
  }

  private int execute() throws SQLException {
    int changed = 0;
    for (PeerSql sql : ORDER) {
      if (sql == PeerSql.UPSERT_HASH && hashes.length() > 0) {
        PreparedStatement upsert = connection.prepare(PeerSql.UPSERT_HASHES);
        upsert.setString(1, hashes.append('}').toString());
        changed += upsert.executeUpdate();
        continue;
      }
      PreparedStatement statement = batched.get(sql);
      if (statement != null) {
        for (int count : statement.executeBatch()) {
          changed += Math.max(count, 0);
        }
      }
    }
    return changed;
  }
}
