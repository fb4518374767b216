package dev.tgsession.micrometer;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The Observation of a store operation and its keys: OpenTelemetry's database names where one
 * exists ({@code db.system.name}, {@code db.operation.name}, {@code error.type}, {@code
 * db.operation.batch.size}), {@code tgsession.*} for the rest.
 *
 * @since 0.3.0
 */
public enum SessionObservation implements ObservationDocumentation {

  /** One operation of a session on its store ({@code peer}, {@code cachePeers}, ...). */
  OPERATION {
    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>>
        getDefaultConvention() {
      return DefaultSessionObservationConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
      return LowCardinalityKeys.values();
    }

    @Override
    public KeyName[] getHighCardinalityKeyNames() {
      return HighCardinalityKeys.values();
    }
  };

  /** Keys with few values: tags of the timers. */
  public enum LowCardinalityKeys implements KeyName {
    /**
     * The kind of store, as OpenTelemetry names it: {@code sqlite}, {@code redis}, {@code mongodb},
     * {@code postgresql}; the URI scheme for other backends ({@code memory}).
     */
    DB_SYSTEM_NAME {
      @Override
      public String asString() {
        return "db.system.name";
      }
    },
    /** The {@link dev.tgsession.Session} method served: {@code peer}, {@code cachePeers}, ... */
    DB_OPERATION_NAME {
      @Override
      public String asString() {
        return "db.operation.name";
      }
    },
    /** The simple class name of the exception the operation ended with; {@code none} on success. */
    ERROR_TYPE {
      @Override
      public String asString() {
        return "error.type";
      }
    },
    /** The URI scheme of the backend: {@code sqlite}, {@code rediss}, {@code redis-cluster}, ... */
    BACKEND {
      @Override
      public String asString() {
        return "tgsession.backend";
      }
    }
  }

  /** Keys with many values: on spans, never on meters. */
  public enum HighCardinalityKeys implements KeyName {
    /** The session's name ({@code session=} of its URI; the file for sqlite). */
    SESSION {
      @Override
      public String asString() {
        return "tgsession.session";
      }
    },
    /** How many items the operation carried (peers of a batch); 0 for reads without a count. */
    BATCH_SIZE {
      @Override
      public String asString() {
        return "db.operation.batch.size";
      }
    }
  }
}
