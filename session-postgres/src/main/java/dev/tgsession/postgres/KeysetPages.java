package dev.tgsession.postgres;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A stream read page by page with keyset paging: each page is the next {@code size} rows after the
 * last key of the one before, so a long listing holds no cursor or transaction open between pages.
 */
final class KeysetPages {

  private KeysetPages() {}

  /**
   * Streams the rows {@code page} returns, from the one after {@code first} on.
   *
   * @param page reads the (at most {@code size}) rows after a key, in key order
   * @param key the key of a row
   */
  static <T, K> Stream<T> stream(Function<K, List<T>> page, K first, Function<T, K> key, int size) {
    Iterator<T> rows =
        new Iterator<>() {
          private List<T> current = List.of();
          private int index;
          private @Nullable K after = first;

          @Override
          public boolean hasNext() {
            if (index < current.size()) {
              return true;
            }
            K from = after;
            if (from == null) {
              return false;
            }
            current = page.apply(from);
            index = 0;
            after = current.size() < size ? null : key.apply(current.get(current.size() - 1));
            return !current.isEmpty();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return current.get(index++);
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(rows, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }
}
