package io.checkmark.local;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * One request in SNS's query protocol ({@code Action=Publish&Message=...}, form-encoded, as the AWS
 * SDKs send it), its form read once by Jetty.
 */
final class SnsQuery {

  /** SNS takes ten message attributes at most: a few dozen fields make a request. */
  private static final int MAX_FIELDS = 1000;

  /** A 256 KB message, up to three bytes each once URL-encoded, and room for the rest. */
  private static final int MAX_FORM_BYTES = 1024 * 1024;

  private final Fields form;

  private SnsQuery(Fields form) {
    this.form = form;
  }

  static SnsQuery read(Request request) {
    return new SnsQuery(FormFields.getFields(request, MAX_FIELDS, MAX_FORM_BYTES));
  }

  String action() {
    return get("Action");
  }

  /** The parameter's value, or null when the request does not give it. */
  String get(String name) {
    return form.getValue(name);
  }

  /** {@code Attributes.entry.N.key} and {@code .value}, in order: an endpoint's attributes. */
  Map<String, String> attributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int n = 1; form.get("Attributes.entry." + n + ".key") != null; n++) {
      String prefix = "Attributes.entry." + n + ".";
      attributes.put(get(prefix + "key"), get(prefix + "value"));
    }
    return attributes;
  }

  /**
   * {@code MessageAttributes.entry.N.Name} with {@code .Value.DataType} and its value, as SNS's
   * JSON shows them: {@code {"Name": {"DataType": ..., "StringValue": ...}}}, with {@code
   * BinaryValue} (base64) for a binary one.
   */
  Map<String, Map<String, String>> messageAttributes() {
    Map<String, Map<String, String>> attributes = new TreeMap<>();
    for (int n = 1; form.get("MessageAttributes.entry." + n + ".Name") != null; n++) {
      String prefix = "MessageAttributes.entry." + n + ".";
      Map<String, String> value = new LinkedHashMap<>();
      value.put("DataType", get(prefix + "Value.DataType"));
      value.put("StringValue", get(prefix + "Value.StringValue"));
      String binary = get(prefix + "Value.BinaryValue");
      if (binary != null) {
        value.put("BinaryValue", binary);
      }
      attributes.put(get(prefix + "Name"), value);
    }
    return attributes;
  }
}
