package dev.tgsession.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.ConnectionString;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import dev.tgsession.Sessions;
import dev.tgsession.spi.Capability;
import dev.tgsession.spi.SessionOption;
import dev.tgsession.spi.SessionUri;
import dev.tgsession.spi.SharedOptions;
import java.lang.reflect.Field;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("mongodb: URIs")
class MongoTargetTest {

  private static final MongoSessionProvider PROVIDER = new MongoSessionProvider();

  /** What the provider gets from {@code Sessions.open}: options checked, defaults filled in. */
  private static MongoTarget target(String uri) {
    return MongoTarget.of(
        SessionUri.parse(uri).withDeclaredOptions(PROVIDER.options(), PROVIDER::passesThrough));
  }

  @Test
  @DisplayName(
      "the provider serves mongodb and mongodb+srv, durable, named, shared, leased, encrypted and"
          + " listed")
  void providerIsRegistered() {
    assertThat(Sessions.schemes()).contains("mongodb", "mongodb+srv");
    assertThat(Sessions.capabilities("mongodb"))
        .containsExactlyInAnyOrder(
            Capability.DURABLE,
            Capability.NAMED,
            Capability.SHARED,
            Capability.LEASE,
            Capability.ENCRYPTION,
            Capability.DIRECTORY);
    assertThat(Sessions.capabilities("mongodb+srv")).isEqualTo(Sessions.capabilities("mongodb"));
  }

  @Test
  @DisplayName("session and collection-prefix are removed; every other byte goes to the driver")
  void ownOptionsAreRemoved() {
    MongoTarget target =
        target(
            "mongodb://u%40x:p%3Ass@h1:27017,h2:27018,[::1]:27019/telegram?replicaSet=rs0"
                + "&session=bot-42&w=majority&collection-prefix=tg_&readPreference=secondaryPreferred"
                + "&authSource=admin");
    assertThat(target.connectionString())
        .isEqualTo(
            "mongodb://u%40x:p%3Ass@h1:27017,h2:27018,[::1]:27019/telegram?replicaSet=rs0"
                + "&w=majority&readPreference=secondaryPreferred&authSource=admin");
    assertThat(target.session()).isEqualTo("bot-42");
    assertThat(target.database()).isEqualTo("telegram");
    assertThat(target.sessionsCollection()).isEqualTo("tg_sessions");
    assertThat(target.peersCollection()).isEqualTo("tg_peers");

    ConnectionString driver = new ConnectionString(target.connectionString());
    assertThat(driver.getHosts()).containsExactlyInAnyOrder("h1:27017", "h2:27018", "[::1]:27019");
    assertThat(driver.getRequiredReplicaSetName()).isEqualTo("rs0");
    assertThat(driver.getWriteConcern()).isEqualTo(WriteConcern.MAJORITY);
    assertThat(driver.getReadPreference()).isEqualTo(ReadPreference.secondaryPreferred());
    assertThat(driver.getCredential()).isNotNull();
    assertThat(driver.getCredential().getUserName()).isEqualTo("u@x");
    assertThat(driver.getCredential().getPassword()).containsExactly("p:ss".toCharArray());
    assertThat(driver.getCredential().getSource()).isEqualTo("admin");
    assertThat(driver.getDatabase()).isEqualTo("telegram");
  }

  @Test
  @DisplayName("session defaults to 'default' and the collections to tgsession_sessions/_peers")
  void defaults() {
    MongoTarget target = target("mongodb://localhost/db");
    assertThat(target.connectionString()).isEqualTo("mongodb://localhost/db");
    assertThat(target.session()).isEqualTo("default");
    assertThat(target.sessionsCollection()).isEqualTo("tgsession_sessions");
    assertThat(target.peersCollection()).isEqualTo("tgsession_peers");
    assertThat(target("mongodb://localhost/db?collection-prefix=").peersCollection())
        .isEqualTo("peers");
    assertThat(target("MongoDB://localhost/Db?session=s").connectionString())
        .isEqualTo("mongodb://localhost/Db");
  }

  @Test
  @DisplayName("mongodb+srv URIs keep their SRV name and options (resolved by the driver later)")
  void srv() {
    MongoTarget target =
        target("mongodb+srv://app:s3cret@cluster0.example.net/prod?retryWrites=true&session=b&w=1");
    assertThat(target.connectionString())
        .isEqualTo("mongodb+srv://app:s3cret@cluster0.example.net/prod?retryWrites=true&w=1");
    assertThat(target.hosts()).containsExactly("cluster0.example.net");
    assertThat(target.toString()).doesNotContain("s3cret");
  }

  @Test
  @DisplayName("a URI without a database is rejected, saying how to add one")
  void databaseRequired() {
    for (String uri :
        new String[] {
          "mongodb://u:hunter2@localhost",
          "mongodb://u:hunter2@localhost/",
          "mongodb://u:hunter2@h1,h2/?replicaSet=rs&session=x"
        }) {
      assertThatThrownBy(() -> target(uri))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected a database")
          .hasMessageNotContaining("hunter2");
    }
  }

  @Test
  @DisplayName("a database.collection path and bad names are rejected")
  void badDatabase() {
    assertThatThrownBy(() -> target("mongodb://localhost/db.coll"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'db.coll'");
    assertThatThrownBy(() -> target("mongodb://localhost/a$b"))
        .isInstanceOf(IllegalArgumentException.class);
    String huge = "d".repeat(100_000) + ".c";
    assertThatThrownBy(() -> target("mongodb://u:hunter2@localhost/" + huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(100002 characters)")
        .hasMessageNotContaining("hunter2")
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(600));
  }

  @Test
  @DisplayName("an unknown option is rejected with the valid ones; driver options ignore case")
  void unknownOptions() {
    assertThatThrownBy(() -> target("mongodb://u:hunter2@localhost/db?sesion=bot"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[sesion]")
        .hasMessageContaining("session")
        .hasMessageContaining("collection-prefix")
        .hasMessageNotContaining("hunter2");
    assertThat(
            target("mongodb://localhost/db?REPLICASET=rs&ServerSelectionTimeoutMS=5")
                .connectionString())
        .endsWith("?REPLICASET=rs&ServerSelectionTimeoutMS=5");
  }

  @Test
  @DisplayName("session, peer-cache and lease options come declared once; the cache is off here")
  void declaredOptions() {
    assertThat(PROVIDER.options())
        .extracting(SessionOption::name)
        .containsExactlyInAnyOrder(
            "session",
            "collection-prefix",
            "peer-cache",
            "peer-cache-ttl",
            "lease",
            "owner",
            "encryption-key");
    assertThat(PROVIDER.options()).contains(SharedOptions.SESSION, SharedOptions.PEER_CACHE_TTL);
    SessionUri filled =
        SessionUri.parse("mongodb://localhost/db")
            .withDeclaredOptions(PROVIDER.options(), PROVIDER::passesThrough);
    assertThat(filled.option("session")).contains("default");
    assertThat(filled.option("peer-cache")).contains("0");
    assertThat(target("mongodb://localhost/db?peer-cache=50&lease=30&owner=me").connectionString())
        .isEqualTo("mongodb://localhost/db");
    assertThatThrownBy(() -> target("mongodb://localhost/db?lease=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'lease'");
  }

  @Test
  @DisplayName("bad values of our options are rejected")
  void badOwnOptions() {
    assertThatThrownBy(() -> target("mongodb://localhost/db?session="))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'session'");
    assertThatThrownBy(() -> target("mongodb://localhost/db?session=" + "s".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'session'")
        .hasMessageContaining("(201 characters)");
    assertThatThrownBy(() -> target("mongodb://localhost/db?collection-prefix=a.b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'collection-prefix'");
  }

  @Test
  @DisplayName("a URI without hosts is rejected")
  void hostsRequired() {
    assertThatThrownBy(() -> target("mongodb:db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mongodb://");
  }

  @Test
  @DisplayName("the options passed through are the driver's own list, read from the driver")
  void driverOptionsAreTheDriversOwn() throws ReflectiveOperationException {
    Field keys = ConnectionString.class.getDeclaredField("ALL_KEYS");
    keys.setAccessible(true);
    assertThat(DriverOptions.fromDriver()).isTrue();
    assertThat(DriverOptions.names()).isEqualTo((Set<?>) keys.get(null));
    assertThat(DriverOptions.names())
        .contains("replicaset", "w", "authmechanismproperties", "serverselectiontimeoutms");
    for (String name : DriverOptions.names()) {
      assertThat(PROVIDER.passesThrough(name)).isTrue();
      assertThat(PROVIDER.passesThrough(name.toUpperCase(java.util.Locale.ROOT))).isTrue();
    }
    assertThat(PROVIDER.passesThrough("sesion")).isFalse();
    assertThat(PROVIDER.passesThrough("session")).isFalse();
  }

  @Test
  @DisplayName("the password is masked in the target's description and scrubbed from messages")
  void passwordNeverShown() {
    MongoTarget target = target("mongodb://u:p%40ss@localhost/db");
    assertThat(target.toString()).doesNotContain("p%40ss").doesNotContain("p@ss");
    assertThat(target.scrub("auth failed for p@ss and p%40ss"))
        .isEqualTo("auth failed for **** and ****");
  }

  @Test
  @DisplayName(
      "credential options (AWS_SESSION_TOKEN in authMechanismProperties, proxyPassword) are masked"
          + " in the description and scrubbed from driver text, in any case and encoding")
  void credentialOptionsNeverShown() {
    MongoTarget target =
        target(
            "mongodb://AKIAEXAMPLEKEY:s3cr%2Bt@localhost/db?authMechanism=MONGODB-AWS"
                + "&AuthMechanismProperties=AWS_SESSION_TOKEN:FwoGZXIvYXdzEJr%2Ftoken"
                + "&proxyHost=p&proxyPassword=pr0xyPw&session=x");
    assertThat(target.toString())
        .doesNotContain("FwoGZXIvYXdzEJr")
        .doesNotContain("pr0xyPw")
        .doesNotContain("s3cr")
        .contains("authMechanism=MONGODB-AWS")
        .contains("AuthMechanismProperties=****")
        .contains("proxyPassword=****");
    assertThat(
            target.scrub(
                "failed: AWS_SESSION_TOKEN:FwoGZXIvYXdzEJr/token FwoGZXIvYXdzEJr%2Ftoken s3cr+t"
                    + " s3cr%2Bt pr0xyPw"))
        .doesNotContain("FwoGZXIvYXdzEJr")
        .doesNotContain("s3cr")
        .doesNotContain("pr0xyPw");
  }
}
