package dev.tgsession.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * Lays an export out for people and line tools: the document's fields, and the entries of its
 * top-level arrays and objects, one per line; each peer, DC option and channel state on one line.
 */
final class ExportPrettyPrinter implements PrettyPrinter {

  /** Containers nested this deep or less put each entry on its own line. */
  private static final int MULTI_LINE_DEPTH = 2;

  private int depth;

  @Override
  public void writeRootValueSeparator(JsonGenerator out) throws IOException {
    out.writeRaw('\n');
  }

  @Override
  public void writeStartObject(JsonGenerator out) throws IOException {
    out.writeRaw('{');
    depth++;
  }

  @Override
  public void writeEndObject(JsonGenerator out, int entries) throws IOException {
    closing(out, entries);
    out.writeRaw('}');
  }

  @Override
  public void writeStartArray(JsonGenerator out) throws IOException {
    out.writeRaw('[');
    depth++;
  }

  @Override
  public void writeEndArray(JsonGenerator out, int values) throws IOException {
    closing(out, values);
    out.writeRaw(']');
  }

  @Override
  public void writeObjectEntrySeparator(JsonGenerator out) throws IOException {
    separator(out);
  }

  @Override
  public void writeArrayValueSeparator(JsonGenerator out) throws IOException {
    separator(out);
  }

  @Override
  public void writeObjectFieldValueSeparator(JsonGenerator out) throws IOException {
    out.writeRaw(": ");
  }

  @Override
  public void beforeArrayValues(JsonGenerator out) throws IOException {
    lineBreak(out, depth);
  }

  @Override
  public void beforeObjectEntries(JsonGenerator out) throws IOException {
    lineBreak(out, depth);
  }

  private void separator(JsonGenerator out) throws IOException {
    out.writeRaw(',');
    if (depth <= MULTI_LINE_DEPTH) {
      lineBreak(out, depth);
    } else {
      out.writeRaw(' ');
    }
  }

  private void closing(JsonGenerator out, int entries) throws IOException {
    depth--;
    if (entries > 0 && depth < MULTI_LINE_DEPTH) {
      lineBreak(out, depth);
    }
  }

  private void lineBreak(JsonGenerator out, int indent) throws IOException {
    if (indent <= MULTI_LINE_DEPTH) {
      out.writeRaw('\n');
      for (int i = 0; i < indent; i++) {
        out.writeRaw("  ");
      }
    }
  }
}
