package dev.tgsession.tck;

/** The memory backend passes the whole kit. */
class MemoryTckTest extends SessionTck {

  @Override
  protected String uri(String sessionName) {
    return "memory:?session=" + sessionName;
  }
}
