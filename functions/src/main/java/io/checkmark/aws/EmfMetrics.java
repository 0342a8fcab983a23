package io.checkmark.aws;

import io.checkmark.core.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Metrics as CloudWatch embedded metric format lines, through Powertools. Each is flushed on its
 * own, so nothing depends on flushing at the end of an invocation (no AspectJ) and concurrent
 * invocations in one process (the local stack) never mix their metrics.
 */
public final class EmfMetrics implements Metrics {

  private final software.amazon.lambda.powertools.metrics.Metrics powertools =
      MetricsFactory.getMetricsInstance();
  private final String namespace;
  private final String serviceName;
  private final DimensionSet service;

  public EmfMetrics(String namespace, String serviceName) {
    this.namespace = namespace;
    this.serviceName = serviceName;
    this.service = DimensionSet.of("service", serviceName);
  }

  @Override
  public void count(String name, int count) {
    powertools.flushSingleMetric(name, count, MetricUnit.COUNT, namespace, service);
  }

  @Override
  public void count(String name, int count, String dimension, String value) {
    powertools.flushSingleMetric(
        name,
        count,
        MetricUnit.COUNT,
        namespace,
        DimensionSet.of("service", serviceName, dimension, value));
  }

  @Override
  public void seconds(String name, double seconds) {
    powertools.flushSingleMetric(name, seconds, MetricUnit.SECONDS, namespace, service);
  }
}
