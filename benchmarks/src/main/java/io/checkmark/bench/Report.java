package io.checkmark.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's findings: each benchmark adds its figures as Markdown lines and its targets with
 * whether they were met. Everything is echoed to the console as it is added.
 */
public final class Report {

  /** One target: the measured value against its limit. */
  public record Target(
      String what, double measured, double limit, boolean higherIsBetter, String unit) {

    public boolean met() {
      return higherIsBetter ? measured >= limit : measured <= limit;
    }

    String line() {
      return String.format(
          Locale.ROOT,
          "%s: %s %s (target %s %s %s) %s",
          what,
          format(measured),
          unit,
          higherIsBetter ? ">=" : "<=",
          format(limit),
          unit,
          met() ? "MET" : "MISSED");
    }
  }

  private final PrintStream console;
  private final List<String> markdown = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();

  public Report(PrintStream console) {
    this.console = console;
  }

  public void section(String title) {
    markdown.add("");
    markdown.add("### " + title);
    markdown.add("");
    console.println();
    console.println("== " + title);
  }

  public void line(String format, Object... arguments) {
    String text = String.format(Locale.ROOT, format, arguments);
    markdown.add(text);
    console.println(text);
  }

  public Target target(
      String what, double measured, double limit, boolean higherIsBetter, String unit) {
    Target target = new Target(what, measured, limit, higherIsBetter, unit);
    targets.add(target);
    markdown.add("- **" + target.line() + "**");
    console.println("TARGET " + target.line());
    return target;
  }

  public List<Target> targets() {
    return List.copyOf(targets);
  }

  public String markdown() {
    return String.join("\n", markdown) + "\n";
  }

  static String format(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e9) {
      return String.format(Locale.ROOT, "%,d", (long) value);
    }
    return String.format(
        Locale.ROOT,
        Math.abs(value) >= 100 ? "%,.0f" : Math.abs(value) >= 10 ? "%.1f" : "%.2f",
        value);
  }
}
