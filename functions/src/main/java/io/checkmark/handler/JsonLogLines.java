package io.checkmark.handler;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The Lambda jar's SLF4J backend: every event is one JSON line on standard output ({@code
 * timestamp}, {@code level}, {@code logger}, {@code message}, the MDC's keys, {@code error}), the
 * shape Lambda reads a level and a timestamp from, so that a function's {@code ApplicationLogLevel}
 * filters these lines too. Checkmark's own loggers log at {@code AWS_LAMBDA_LOG_LEVEL} (Lambda sets
 * it from {@code ApplicationLogLevel}), else at the template's {@code POWERTOOLS_LOG_LEVEL}, else
 * at INFO; the libraries' only from WARN. It replaces Log4j 2 with Powertools' JSON layout, whose
 * start-up alone took a third of a cold start (docs/benchmarks.md). Only the Lambda jar names it as
 * its provider; the local stack and the tests log through Log4j 2.
 */
public final class JsonLogLines implements SLF4JServiceProvider, ILoggerFactory {

  private static final JsonFactory JSON = new JsonFactory();

  private final Level checkmarkLevel;
  private final Clock clock;
  private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new BasicMDCAdapter();

  /** As SLF4J finds it in the Lambda jar: the level from the environment. */
  public JsonLogLines() {
    this(levelOf(System.getenv()), Clock.systemUTC());
  }

  JsonLogLines(Level checkmarkLevel, Clock clock) {
    this.checkmarkLevel = checkmarkLevel;
    this.clock = clock;
  }

  static Level levelOf(Map<String, String> environment) {
    for (String name : new String[] {"AWS_LAMBDA_LOG_LEVEL", "POWERTOOLS_LOG_LEVEL"}) {
      String value = environment.get(name);
      if (value != null && !value.isBlank()) {
        String level = value.trim().toUpperCase(Locale.ROOT);
        // Lambda's FATAL has no SLF4J level: only errors then.
        if (level.equals("FATAL")) {
          return Level.ERROR;
        }
        for (Level known : Level.values()) {
          if (known.name().equals(level)) {
            return known;
          }
        }
        return Level.INFO;
      }
    }
    return Level.INFO;
  }

  @Override
  public Logger getLogger(String name) {
    return loggers.computeIfAbsent(
        name,
        logger ->
            new LineLogger(
                logger, logger.startsWith("io.checkmark") ? checkmarkLevel : Level.WARN));
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return this;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    // Nothing to read or build: the level came with the constructor.
  }

  /** The JSON line of one event. */
  String line(String logger, Level level, String pattern, Object[] arguments, Throwable thrown) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("timestamp", clock.instant().toString());
      json.writeStringField("level", level.name());
      json.writeStringField("logger", logger);
      json.writeStringField("message", MessageFormatter.basicArrayFormat(pattern, arguments));
      Map<String, String> context = mdc.getCopyOfContextMap();
      if (context != null) {
        for (Map.Entry<String, String> entry : context.entrySet()) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
      }
      if (thrown != null) {
        StringWriter stack = new StringWriter();
        thrown.printStackTrace(new PrintWriter(stack));
        json.writeObjectFieldStart("error");
        json.writeStringField("type", thrown.getClass().getName());
        json.writeStringField("message", thrown.getMessage());
        json.writeStringField("stack", stack.toString());
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return out.toString();
  }

  private final class LineLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;
    private final int threshold;

    LineLogger(String name, Level threshold) {
      this.name = name;
      this.threshold = threshold.toInt();
    }

    @Override
    public boolean isTraceEnabled() {
      return Level.TRACE.toInt() >= threshold;
    }

    @Override
    public boolean isDebugEnabled() {
      return Level.DEBUG.toInt() >= threshold;
    }

    @Override
    public boolean isInfoEnabled() {
      return Level.INFO.toInt() >= threshold;
    }

    @Override
    public boolean isWarnEnabled() {
      return Level.WARN.toInt() >= threshold;
    }

    @Override
    public boolean isErrorEnabled() {
      return Level.ERROR.toInt() >= threshold;
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(
        Level level, Marker marker, String pattern, Object[] arguments, Throwable thrown) {
      // One print per line, so that concurrent invocations (the local stack) never interleave.
      System.out.print(line(name, level, pattern, arguments, thrown) + "\n");
    }
  }
}
