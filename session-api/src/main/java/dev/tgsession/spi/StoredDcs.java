package dev.tgsession.spi;

import dev.tgsession.DcOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * The datacenter part of a session as a store holds it, loaded once when a session opens.
 *
 * @param homeDcId the stored home DC, or 0 when none was stored
 * @param options the stored DC options by id (only those ever set)
 */
public record StoredDcs(int homeDcId, Map<Integer, DcOption> options) {

  /** Nothing stored. */
  public static final StoredDcs NONE = new StoredDcs(0, Map.of());

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException on a negative home DC or a key that is not its option's id
   */
  public StoredDcs {
    if (homeDcId < 0) {
      throw new IllegalArgumentException("expected a home DC id >= 0, found " + homeDcId);
    }
    Map<Integer, DcOption> copy = new TreeMap<>();
    options.forEach(
        (id, option) -> {
          if (id != option.id()) {
            throw new IllegalArgumentException(
                "expected DC option " + id + " under key " + id + ", found DC " + option.id());
          }
          copy.put(id, option);
        });
    options = Map.copyOf(copy);
  }
}
