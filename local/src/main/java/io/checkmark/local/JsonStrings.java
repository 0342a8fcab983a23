package io.checkmark.local;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** Quoting for the few JSON strings written by hand. */
final class JsonStrings {

  private JsonStrings() {
  }

  static String quote(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }
}
