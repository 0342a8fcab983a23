package io.checkmark.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.checkmark.core.Metrics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;

/**
 * Metrics as CloudWatch embedded metric format lines on standard output, which Lambda ships to
 * CloudWatch Logs and CloudWatch turns into metrics: one line per metric, written with Jackson's
 * generator, so that nothing depends on flushing at the end of an invocation and concurrent
 * invocations in one process (the local stack) never mix their metrics. A line costs one small
 * string; Powertools' metrics library, which did the same, took about 60 ms to load at a cold
 * start.
 */
public final class EmfMetrics implements Metrics {

  private static final JsonFactory JSON = new JsonFactory();

  private final String namespace;
  private final String serviceName;
  private final Clock clock;

  public EmfMetrics(String namespace, String serviceName) {
    this(namespace, serviceName, Clock.systemUTC());
  }

  EmfMetrics(String namespace, String serviceName, Clock clock) {
    this.namespace = namespace;
    this.serviceName = serviceName;
    this.clock = clock;
  }

  @Override
  public void count(String name, int count) {
    emit(name, count, "Count", null, null);
  }

  @Override
  public void count(String name, int count, String dimension, String value) {
    emit(name, count, "Count", dimension, value);
  }

  @Override
  public void seconds(String name, double seconds) {
    emit(name, seconds, "Seconds", null, null);
  }

  private void emit(
      String name, double value, String unit, String dimension, String dimensionValue) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeObjectFieldStart("_aws");
      json.writeNumberField("Timestamp", clock.millis());
      json.writeArrayFieldStart("CloudWatchMetrics");
      json.writeStartObject();
      json.writeStringField("Namespace", namespace);
      json.writeArrayFieldStart("Dimensions");
      json.writeStartArray();
      json.writeString("service");
      if (dimension != null) {
        json.writeString(dimension);
      }
      json.writeEndArray();
      json.writeEndArray();
      json.writeArrayFieldStart("Metrics");
      json.writeStartObject();
      json.writeStringField("Name", name);
      json.writeStringField("Unit", unit);
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
      json.writeStringField("service", serviceName);
      if (dimension != null) {
        json.writeStringField(dimension, dimensionValue);
      }
      json.writeNumberField(name, value);
      json.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    // One print per line, so that concurrent invocations never interleave.
    System.out.print(out.append('\n').toString());
  }
}
