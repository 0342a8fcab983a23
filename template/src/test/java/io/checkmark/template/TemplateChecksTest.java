package io.checkmark.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The project's template passes the offline checks, and each check catches its mistake in a mutated
 * copy.
 */
class TemplateChecksTest {

  private static final Path PROJECT_TEMPLATE = Path.of("..", "template.yaml");
  private static final String SENDS_WRITE =
      "              Action: dynamodb:PutItem\n              Resource: !GetAtt MessagesTable.Arn";

  /** The first throttles metric of the first throttles alarm. */
  private static final String FIRST_THROTTLES_METRIC = "        - Id: t0\n";

  /** A metric (ConnectFunction's errors) that an alarm could fetch alongside its throttles. */
  private static final String ERRORS_METRIC =
      """
              - Id: e0
                ReturnData: false
                MetricStat:
                  Metric:
                    Namespace: AWS/Lambda
                    MetricName: Errors
                    Dimensions:
                      - Name: FunctionName
                        Value: !Ref ConnectFunction
                  Period: 60
                  Stat: Sum
      """;

  @TempDir Path directory;

  @Test
  void projectTemplatePasses() {
    assertThat(TemplateChecks.problems(PROJECT_TEMPLATE)).isEmpty();
  }

  static List<Arguments> mistakes() {
    return List.of(
        Arguments.of(
            "a Ref to a missing resource",
            "CONNECTIONS_TABLE: !Ref ConnectionsTable",
            "CONNECTIONS_TABLE: !Ref ConnectionTable",
            "ConnectionTable"),
        Arguments.of(
            "a Sub variable naming nothing",
            "${PingFunction.Alias}",
            "${PingFunctin.Alias}",
            "PingFunctin"),
        Arguments.of(
            "a GetAtt of a missing resource",
            "DestinationArn: !GetAtt AccessLogGroup.Arn",
            "DestinationArn: !GetAtt AccessLogs.Arn",
            "AccessLogs"),
        Arguments.of(
            "a route without an integration",
            "      Target: !Sub integrations/${PingIntegration}\n",
            "",
            "PingRoute"),
        Arguments.of(
            "a key attribute not defined",
            "        - AttributeName: queue\n          AttributeType: S\n",
            "",
            "queue"),
        Arguments.of(
            "a permission without SourceArn",
            "      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/ping\n",
            "",
            "PingPermission"),
        Arguments.of(
            "a wildcard resource where a table ARN exists",
            SENDS_WRITE,
            "              Action: dynamodb:PutItem\n              Resource: '*'",
            "dynamodb:PutItem on Resource '*'"),
        Arguments.of(
            "a condition that is not defined",
            "Condition: HasAlarmEmail\n    Properties:",
            "Condition: HasAlarmMail\n    Properties:",
            "HasAlarmMail"),
        Arguments.of(
            "a function without its own log group",
            "      LoggingConfig:\n        LogGroup: !Ref PingFunctionLogGroup\n",
            "",
            "PingFunction"),
        Arguments.of(
            "a log group without a retention",
            "      LogGroupName: !Sub /aws/lambda/${AWS::StackName}/PingFunction\n      RetentionInDays: !Ref LogRetentionDays\n",
            "      LogGroupName: !Sub /aws/lambda/${AWS::StackName}/PingFunction\n",
            "PingFunction"),
        Arguments.of(
            "a wildcard action",
            SENDS_WRITE,
            "              Action: dynamodb:*\n              Resource: !GetAtt MessagesTable.Arn",
            "dynamodb:*"),
        Arguments.of(
            "a metric-math alarm over CloudWatch's 10 metrics",
            FIRST_THROTTLES_METRIC,
            ERRORS_METRIC + FIRST_THROTTLES_METRIC,
            "at most 10 metrics"),
        Arguments.of(
            "a function whose throttles no alarm watches",
            "                  Value: !Ref FanOutFunction\n",
            "                  Value: !Ref GetGroupFunction\n",
            "FanOutFunction: no alarm watches its Lambda Throttles"),
        Arguments.of(
            "a function whose throttles two metrics watch",
            "                  Value: !Ref FanOutFunction\n",
            "                  Value: !Ref GetGroupFunction\n",
            "GetGroupFunction: its Lambda Throttles are watched 2 times"),
        Arguments.of(
            "a throttles metric the alarm's expression leaves out",
            "SUM([t0,t1,",
            "SUM([t1,",
            "metric t0 is fetched but neither returned nor used"));
  }

  @Test
  void everyMetricMathAlarmOfTheProjectTemplateFitsCloudWatchsLimit() {
    Map<String, Object> document = CloudFormationYaml.load(PROJECT_TEMPLATE);
    Map<String, Long> metricsByAlarm = new TreeMap<>();
    SamTemplate.mapOrEmpty(document.get("Resources"))
        .forEach(
            (id, resource) -> {
              Map<String, Object> alarm = SamTemplate.mapOrEmpty(resource);
              Object queries = SamTemplate.mapOrEmpty(alarm.get("Properties")).get("Metrics");
              if ("AWS::CloudWatch::Alarm".equals(alarm.get("Type"))
                  && queries instanceof List<?> list) {
                metricsByAlarm.put(
                    id,
                    list.stream()
                        .filter(query -> SamTemplate.mapOrEmpty(query).containsKey("MetricStat"))
                        .count());
              }
            });

    assertThat(metricsByAlarm)
        .as("MetricStat entries of each metric-math alarm")
        .isNotEmpty()
        .allSatisfy(
            (id, metrics) ->
                assertThat(metrics).as(id).isLessThanOrEqualTo(TemplateChecks.MAX_ALARM_METRICS));
    assertThat(TemplateChecks.alarmProblems(document)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void mistakeInACopyIsCaught(String mistake, String find, String replace, String named)
      throws IOException {
    String text = Files.readString(PROJECT_TEMPLATE);
    assertThat(text).as("the mutation's target").contains(find);
    Path mutated = directory.resolve("template.yaml");
    Files.writeString(
        mutated, text.replaceFirst(Pattern.quote(find), Matcher.quoteReplacement(replace)));

    assertThat(TemplateChecks.problems(mutated)).anyMatch(problem -> problem.contains(named));
  }
}
