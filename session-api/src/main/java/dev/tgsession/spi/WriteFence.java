package dev.tgsession.spi;

import dev.tgsession.SessionLease;
import dev.tgsession.SessionLeaseLostException;
import org.jspecify.annotations.Nullable;

/**
 * What a store write must be fenced with: handed to every write operation of {@link
 * AbstractSession}, checked once per write by the core before the store sees it.
 *
 * <p>When {@link #lease()} is not null, the backend checks {@link #token()} against the stored
 * token atomically with the write where the store can (in the write transaction, the same script,
 * the write's filter), and on a mismatch writes nothing and throws {@link #lost()}. Without a lease
 * there is nothing to check.
 *
 * @since 0.3.0
 */
public final class WriteFence {

  private final @Nullable SessionLease lease;
  private final LeaseHolder holder;
  private final String description;

  WriteFence(@Nullable SessionLease lease, LeaseHolder holder, String description) {
    this.lease = lease;
    this.holder = holder;
    this.description = description;
  }

  /** The lease this instance holds, or null when it writes without one. */
  public @Nullable SessionLease lease() {
    return lease;
  }

  /** Whether the write must be fenced (this instance holds a lease). */
  public boolean leased() {
    return lease != null;
  }

  /** The fencing token the store must still hold for the write to land; 0 without a lease. */
  public long token() {
    return lease == null ? 0 : lease.token();
  }

  /**
   * Marks the lease lost for good (this instance writes nothing from now on) and returns the
   * exception to throw: for a fenced write that found another token.
   */
  public SessionLeaseLostException lost() {
    return holder.lost(description);
  }

  @Override
  public String toString() {
    return lease == null ? "WriteFence[none]" : "WriteFence[token=" + lease.token() + "]";
  }
}
