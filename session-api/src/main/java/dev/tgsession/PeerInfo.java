package dev.tgsession;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the session knows about one peer. A {@code null} component means "not known": caching a peer
 * with a {@code null} component keeps what the session already had for it.
 *
 * <p>Usernames are stored lower-case without {@code @}; phone numbers as digits without {@code +}.
 * The constructors normalise and validate them.
 */
public sealed interface PeerInfo permits PeerInfo.User, PeerInfo.Chat, PeerInfo.Channel {

  /** The id this peer is addressed by. */
  PeerId peerId();

  /** The access hash; {@code null} when not known (always for a {@link Chat}, which has none). */
  @Nullable PeerAuth auth();

  /** The access hash, or {@link PeerAuth#AMBIENT} when none is known. */
  PeerAuth authOrAmbient();

  /** The usernames this peer carries, lower-case; {@code null} when not known. */
  @Nullable List<String> usernames();

  /**
   * A user or bot.
   *
   * @param id the bare user id
   * @param auth the access hash, null if not known
   * @param bot whether the user is a bot, null if not known
   * @param self whether the user is the logged-in account, null if not known
   * @param usernames the user's usernames, null if not known
   * @param phone the phone number (digits), null if not known
   */
  record User(
      long id,
      @Nullable PeerAuth auth,
      @Nullable Boolean bot,
      @Nullable Boolean self,
      @Nullable List<String> usernames,
      @Nullable String phone)
      implements PeerInfo {

    /**
     * Validates and normalises.
     *
     * @throws IllegalArgumentException on an id out of range, a malformed username or phone
     */
    public User {
      PeerId.user(id);
      usernames = normalizeUsernames(usernames);
      phone = phone == null ? null : normalizePhone(phone);
    }

    /** A user known only by id and access hash. */
    public static User of(long id, long accessHash) {
      return new User(id, new PeerAuth(accessHash), null, null, null, null);
    }

    @Override
    public PeerId peerId() {
      return PeerId.user(id);
    }

    @Override
    public PeerAuth authOrAmbient() {
      return auth == null ? PeerAuth.AMBIENT : auth;
    }

    /** Whether this user is known to be the logged-in account. */
    public boolean isSelf() {
      return Boolean.TRUE.equals(self);
    }

    /** This user with the {@code self} flag replaced. */
    public User withSelf(@Nullable Boolean self) {
      return new User(id, auth, bot, self, usernames, phone);
    }

    /** This user with the usernames replaced. */
    public User withUsernames(@Nullable List<String> usernames) {
      return new User(id, auth, bot, self, usernames, phone);
    }

    /** This user with the phone replaced. */
    public User withPhone(@Nullable String phone) {
      return new User(id, auth, bot, self, usernames, phone);
    }
  }

  /**
   * A small group chat; chats need no access hash.
   *
   * @param id the bare chat id
   */
  record Chat(long id) implements PeerInfo {

    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException if the id is out of range
     */
    public Chat {
      PeerId.chat(id);
    }

    @Override
    public PeerId peerId() {
      return PeerId.chat(id);
    }

    /** Always {@code null}: a basic group needs no access hash. */
    @Override
    public @Nullable PeerAuth auth() {
      return null;
    }

    @Override
    public PeerAuth authOrAmbient() {
      return PeerAuth.AMBIENT;
    }

    @Override
    public @Nullable List<String> usernames() {
      return null;
    }
  }

  /**
   * A broadcast channel, megagroup, gigagroup or monoforum.
   *
   * @param id the bare channel id
   * @param auth the access hash, null if not known
   * @param kind the channel's flavour, null if not known
   * @param usernames the channel's usernames, null if not known
   */
  record Channel(
      long id,
      @Nullable PeerAuth auth,
      @Nullable ChannelKind kind,
      @Nullable List<String> usernames)
      implements PeerInfo {

    /**
     * Validates and normalises.
     *
     * @throws IllegalArgumentException on an id out of range or a malformed username
     */
    public Channel {
      PeerId.channel(id);
      usernames = normalizeUsernames(usernames);
    }

    /** A channel known only by id and access hash. */
    public static Channel of(long id, long accessHash) {
      return new Channel(id, new PeerAuth(accessHash), null, null);
    }

    @Override
    public PeerId peerId() {
      return PeerId.channel(id);
    }

    @Override
    public PeerAuth authOrAmbient() {
      return auth == null ? PeerAuth.AMBIENT : auth;
    }

    /** This channel with the usernames replaced. */
    public Channel withUsernames(@Nullable List<String> usernames) {
      return new Channel(id, auth, kind, usernames);
    }
  }

  /**
   * Normalises a username: drops one leading {@code @}, lower-cases.
   *
   * @throws IllegalArgumentException unless the rest is 1 to 64 of {@code [A-Za-z0-9_]}
   */
  static String normalizeUsername(String username) {
    Objects.requireNonNull(username, "username");
    // A loop, not the regex: this runs on every lookup and every decoded peer.
    int start = !username.isEmpty() && username.charAt(0) == '@' ? 1 : 0;
    int length = username.length() - start;
    boolean valid = length >= 1 && length <= 64;
    boolean lower = true;
    for (int i = start; valid && i < username.length(); i++) {
      char c = username.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        lower = false;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
        valid = false;
      }
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "expected a username of 1 to 64 letters, digits or '_' (with an optional leading '@'),"
              + " found '"
              + dev.tgsession.support.QuotedValue.cut(username)
              + "'");
    }
    String bare = start == 0 ? username : username.substring(1);
    return lower ? bare : bare.toLowerCase(Locale.ROOT);
  }

  /**
   * Normalises a phone number: drops one leading {@code +}.
   *
   * @throws IllegalArgumentException unless the rest is 3 to 20 digits
   */
  static String normalizePhone(String phone) {
    Objects.requireNonNull(phone, "phone");
    int start = !phone.isEmpty() && phone.charAt(0) == '+' ? 1 : 0;
    int digits = phone.length() - start;
    boolean valid = digits >= 3 && digits <= 20;
    for (int i = start; valid && i < phone.length(); i++) {
      char c = phone.charAt(i);
      valid = c >= '0' && c <= '9';
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "expected a phone number of 3 to 20 digits (with an optional leading '+'), found '"
              + dev.tgsession.support.QuotedValue.cut(phone)
              + "'");
    }
    return start == 0 ? phone : phone.substring(1);
  }

  private static @Nullable List<String> normalizeUsernames(@Nullable List<String> usernames) {
    if (usernames == null) {
      return null;
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String username : usernames) {
      if (username == null) {
        throw new NullPointerException("usernames: expected usernames, found a null in the list");
      }
      unique.add(normalizeUsername(username));
    }
    return List.copyOf(new ArrayList<>(unique));
  }
}
