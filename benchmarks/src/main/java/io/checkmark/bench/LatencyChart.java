package io.checkmark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * The latency distributions of a run as one SVG: latency (log scale) against percentile, spread the
 * way HdrHistogram plots are (each step right is ten times rarer), so tails are visible. Plain SVG
 * text, no fonts or AWT needed to draw it.
 */
final class LatencyChart {

  /** One line of the chart. */
  record Series(String name, Histogram histogram, String colour) {}

  private static final int WIDTH = 820;
  private static final int HEIGHT = 460;
  private static final int LEFT = 70;
  private static final int RIGHT = 200;
  private static final int TOP = 40;
  private static final int BOTTOM = 50;

  /** x from 0 (p0) to 4 (p99.99): x = log10(1 / (1 - p)). */
  private static final double MAX_NINES = 4;

  private static final double[] PERCENTILE_TICKS = {0, 90, 99, 99.9, 99.99};

  private final List<Series> series = new ArrayList<>();

  LatencyChart add(String name, Histogram histogram, String colour) {
    if (histogram.getTotalCount() > 0) {
      series.add(new Series(name, histogram, colour));
    }
    return this;
  }

  boolean isEmpty() {
    return series.isEmpty();
  }

  String svg(String title) {
    double lowest = Double.MAX_VALUE;
    double highest = 0;
    for (Series line : series) {
      lowest = Math.min(lowest, Math.max(0.01, line.histogram().getMinValue() / 1e6));
      highest = Math.max(highest, line.histogram().getMaxValue() / 1e6);
    }
    double minDecade = Math.floor(Math.log10(lowest));
    double maxDecade = Math.max(minDecade + 1, Math.ceil(Math.log10(highest)));
    int plotWidth = WIDTH - LEFT - RIGHT;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            HEIGHT,
            WIDTH,
            HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n",
            LEFT,
            escape(title)));
    for (double decade = minDecade; decade <= maxDecade; decade++) {
      double y = TOP + plotHeight * (1 - (decade - minDecade) / (maxDecade - minDecade));
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
              LEFT,
              y,
              LEFT + plotWidth,
              y));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s ms</text>%n",
              LEFT - 6,
              y + 4,
              Report.format(Math.pow(10, decade))));
    }
    for (double percentile : PERCENTILE_TICKS) {
      double x = LEFT + plotWidth * nines(percentile) / MAX_NINES;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>%n",
              x,
              TOP,
              x,
              TOP + plotHeight));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">p%s</text>%n",
              x,
              TOP + plotHeight + 18,
              Report.format(percentile)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
            LEFT + plotWidth / 2,
            HEIGHT - 10));
    int legendY = TOP + 10;
    for (Series line : series) {
      StringBuilder points = new StringBuilder();
      for (double x = 0; x <= MAX_NINES; x += 0.02) {
        double percentile = 100 * (1 - Math.pow(10, -x));
        double millis =
            Math.max(
                Math.pow(10, minDecade), line.histogram().getValueAtPercentile(percentile) / 1e6);
        double px = LEFT + plotWidth * x / MAX_NINES;
        double py =
            TOP + plotHeight * (1 - (Math.log10(millis) - minDecade) / (maxDecade - minDecade));
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
              line.colour(),
              points.toString().trim()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>%n",
              LEFT + plotWidth + 14,
              legendY - 4,
              line.colour()));
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\">%s</text>%n",
              LEFT + plotWidth + 34,
              legendY + 1,
              escape(line.name())));
      legendY += 20;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static double nines(double percentile) {
    return percentile >= 100
        ? MAX_NINES
        : Math.min(MAX_NINES, Math.log10(1 / (1 - percentile / 100)));
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
