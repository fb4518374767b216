package dev.tgsession.tck;

import dev.tgsession.Session;
import dev.tgsession.spi.Capability;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** What every group of the kit shares: the kit it runs in (its store, its session names). */
abstract class TckGroup {

  private final SessionTck kit;

  TckGroup(SessionTck kit) {
    this.kit = kit;
  }

  final Session open() {
    return kit.open();
  }

  final Session open(String sessionName) {
    return kit.open(sessionName);
  }

  final Session openUri(String sessionName, String uri) {
    return kit.openUri(sessionName, uri);
  }

  final String uri(String sessionName) {
    return kit.uri(sessionName);
  }

  /** This test's session URI with an option added. */
  final String uriWith(String sessionName, String option) {
    String uri = kit.uri(sessionName);
    return uri + (uri.contains("?") ? "&" : "?") + option;
  }

  final String sessionName() {
    return kit.sessionName();
  }

  final void remember(String sessionName) {
    kit.remember(sessionName);
  }

  final Set<Capability> capabilities() {
    return kit.capabilities();
  }

  final void assumeCapability(Capability capability) {
    kit.assumeCapability(capability);
  }

  final Optional<String> storeUri() {
    return kit.storeUri();
  }

  final int listingPageSize() {
    return kit.listingPageSize();
  }

  final @Nullable List<byte[]> rawStore(String sessionName) {
    return kit.rawStore(sessionName);
  }

  /** The scheme of the store under test. */
  final String scheme() {
    return dev.tgsession.spi.SessionUri.parse(kit.uri(kit.sessionName())).scheme();
  }
}
