package dev.tgsession.postgres;

import dev.tgsession.tck.SessionTck;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;

/**
 * The whole TCK on a real PostgreSQL. Sessions take the kit's names as they are (unique per run),
 * so that the directory group's names are the stored ones; they are deleted when the JVM exits.
 */
@DisplayName("PostgreSQL: Session TCK")
class PostgresTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return PostgresTestServer.uriNamed(sessionName);
  }

  @Override
  protected Optional<String> storeUri() {
    return Optional.of(PostgresTestServer.uri());
  }

  @Override
  protected int listingPageSize() {
    return PostgresDirectory.PAGE;
  }

  @Override
  protected String unavailable() {
    return PostgresTestServer.unavailableReason();
  }

  /** Every live row of the session in every table: as text, and each bytea column's raw bytes. */
  @Override
  protected List<byte[]> rawStore(String sessionName) {
    String session = sessionName;
    List<byte[]> raw = new ArrayList<>();
    try (Connection connection = PostgresTestServer.connect()) {
      for (String table : PostgresTestServer.TABLES) {
        try (PreparedStatement statement =
            connection.prepareStatement(
                "SELECT t::text, t.* FROM " + table + " t WHERE session = ?")) {
          statement.setString(1, session);
          try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
              raw.add(rows.getString(1).getBytes(StandardCharsets.UTF_8));
              for (int column = 2; column <= rows.getMetaData().getColumnCount(); column++) {
                if ("bytea".equals(rows.getMetaData().getColumnTypeName(column))) {
                  byte[] bytes = rows.getBytes(column);
                  if (bytes != null) {
                    raw.add(bytes);
                  }
                }
              }
            }
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the raw rows of " + session, e);
    }
    return raw;
  }
}
