package dev.tgsession.cli;

import dev.tgsession.support.QuotedValue;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The formats {@code import} reads and {@code export} writes. */
enum SessionFormat {
  TELETHON_STRING("telethon-string", true),
  TELETHON_FILE("telethon-file", true),
  PYROGRAM_STRING("pyrogram-string", true),
  PYROGRAM_FILE("pyrogram-file", true),
  KURIGRAM_FILE("kurigram-file", true),
  GRAMJS_STRING("gramjs-string", true),
  JSON("json", true),
  MTCUTE_STRING("mtcute-string", true),
  TDATA("tdata", true),
  /** {@code import auto}: the kind is detected. */
  AUTO("auto", false);

  private final String label;
  private final boolean exportable;

  SessionFormat(String label, boolean exportable) {
    this.label = label;
    this.exportable = exportable;
  }

  /** The name on the command line. */
  String label() {
    return label;
  }

  /** Whether this is a one-line string session (the home DC's key and little else). */
  boolean isString() {
    return this == TELETHON_STRING
        || this == PYROGRAM_STRING
        || this == GRAMJS_STRING
        || this == MTCUTE_STRING;
  }

  /** Whether this is another library's SQLite session file. */
  boolean isSessionFile() {
    return this == TELETHON_FILE || this == PYROGRAM_FILE || this == KURIGRAM_FILE;
  }

  @Override
  public String toString() {
    return label;
  }

  static List<String> labels(boolean forExport) {
    List<String> labels = new ArrayList<>();
    for (SessionFormat format : values()) {
      if (!forExport || format.exportable) {
        labels.add(format.label);
      }
    }
    return labels;
  }

  private static SessionFormat parse(String text, boolean forExport) {
    for (SessionFormat format : values()) {
      if (format.label.equals(text)) {
        if (forExport && !format.exportable) {
          throw new TypeConversionException(
              "expected one of "
                  + labels(true)
                  + ", found '"
                  + text
                  + "': auto is for import only (export needs the format to write)");
        }
        return format;
      }
    }
    throw new TypeConversionException(
        "expected one of " + labels(forExport) + ", found '" + QuotedValue.cut(text) + "'");
  }

  /** Converts the FORMAT of {@code import}. */
  static final class ImportConverter implements ITypeConverter<SessionFormat> {
    @Override
    public SessionFormat convert(String value) {
      return parse(value, false);
    }
  }

  /** Converts the {@code --format} of {@code export}. */
  static final class ExportConverter implements ITypeConverter<SessionFormat> {
    @Override
    public SessionFormat convert(String value) {
      return parse(value, true);
    }
  }
}
