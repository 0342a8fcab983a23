package io.checkmark.handler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Takes every event of every logger at the most verbose level: message, context data and exception
 * alike.
 */
final class CapturedLogs extends AbstractAppender {
  final List<String> lines = new CopyOnWriteArrayList<>();
  private Level rootLevel;

  CapturedLogs() {
    super("captured", null, null, true, Property.EMPTY_ARRAY);
  }

  @Override
  public void append(LogEvent event) {
    lines.add(
        event.getLoggerName()
            + " "
            + event.getMessage().getFormattedMessage()
            + " "
            + event.getContextData()
            + " "
            + (event.getThrown() == null ? "" : event.getThrown().toString()));
  }

  void attach() {
    start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = context.getConfiguration().getRootLogger();
    rootLevel = root.getLevel();
    root.addAppender(this, Level.ALL, null);
    root.setLevel(Level.ALL);
    context.updateLoggers();
  }

  void detach() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration configuration = context.getConfiguration();
    configuration.getRootLogger().removeAppender(getName());
    configuration.getRootLogger().setLevel(rootLevel);
    context.updateLoggers();
    stop();
  }
}
