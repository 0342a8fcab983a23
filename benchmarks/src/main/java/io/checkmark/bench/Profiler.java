package io.checkmark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Java Flight Recorder over one stretch of the run (JFR's "profile" settings: execution samples
 * every 10 ms per thread), summarized as where the CPU went: the hottest methods by samples on top
 * of the stack, and samples by the component whose code was running.
 */
final class Profiler implements AutoCloseable {

  /** Code in these packages is shown as a component; samples in none of them count as the JDK's. */
  private static final List<String[]> COMPONENTS =
      List.of(
          new String[] {"io.checkmark.client.", "client SDK"},
          new String[] {"io.checkmark.local.", "local stack (gateway)"},
          new String[] {"io.checkmark.", "Checkmark functions"},
          new String[] {"com.amazonaws.services.dynamodbv2.", "DynamoDB Local"},
          new String[] {"com.almworks.sqlite4java.", "DynamoDB Local (SQLite)"},
          new String[] {"software.amazon.awssdk.", "AWS SDK"},
          new String[] {"org.eclipse.jetty.", "Jetty"},
          new String[] {"jdk.internal.net.http.", "JDK HTTP/WebSocket client"},
          new String[] {"sun.net.", "JDK HttpURLConnection"},
          new String[] {"com.fasterxml.jackson.", "Jackson"},
          new String[] {"org.apache.logging.", "Log4j"},
          new String[] {"sun.nio.", "JDK NIO"});

  private final Recording recording;

  Profiler() throws IOException, ParseException {
    recording = new Recording(Configuration.getConfiguration("profile"));
    recording.start();
  }

  /** Stops recording and adds the summary to the report. */
  void summarize(Report report, int hottest) throws IOException {
    recording.stop();
    Path file = Files.createTempFile("checkmark-profile", ".jfr");
    try {
      recording.dump(file);
      Map<String, Integer> byMethod = new HashMap<>();
      Map<String, Integer> byComponent = new HashMap<>();
      int samples = 0;
      for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
        if (!event.getEventType().getName().equals("jdk.ExecutionSample")
            || event.getStackTrace() == null
            || event.getStackTrace().getFrames().isEmpty()) {
          continue;
        }
        samples++;
        RecordedFrame top = event.getStackTrace().getFrames().get(0);
        String type = top.getMethod().getType().getName();
        byMethod.merge(type + "." + top.getMethod().getName(), 1, Integer::sum);
        byComponent.merge(component(event.getStackTrace().getFrames()), 1, Integer::sum);
      }
      report.line(
          "JFR execution samples: %d. By component (the first frame from the top that belongs to a"
              + " known component):",
          samples);
      report.line("");
      report.line("| component | share of samples |");
      report.line("|---|---|");
      int total = Math.max(1, samples);
      byComponent.entrySet().stream()
          .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(
              entry ->
                  report.line(
                      "| %s | %.1f %% |", entry.getKey(), 100.0 * entry.getValue() / total));
      report.line("");
      report.line("Hottest methods (samples with the method on top of the stack):");
      report.line("");
      report.line("| method | share |");
      report.line("|---|---|");
      byMethod.entrySet().stream()
          .sorted(
              Map.Entry.<String, Integer>comparingByValue()
                  .reversed()
                  .thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
          .limit(hottest)
          .forEach(
              entry ->
                  report.line(
                      "| `%s` | %.1f %% |", entry.getKey(), 100.0 * entry.getValue() / total));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String component(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      for (String[] component : COMPONENTS) {
        if (type.startsWith(component[0])) {
          return component[1];
        }
      }
    }
    return "JDK";
  }

  @Override
  public void close() {
    recording.close();
  }
}
