package dev.tgsession.sqlite;

/**
 * One SQL statement text, kept as a constant of an enum per concern ({@link PeerSql}, {@link
 * StateSql}, ...), so that a connection prepares each once and code names statements by type.
 */
interface Sql {

  /** The statement's text. */
  String text();
}
