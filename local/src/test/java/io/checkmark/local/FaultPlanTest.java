package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.checkmark.local.FaultPlan.CrashPoint;
import io.checkmark.local.FaultPlan.DynamoDbError;
import io.checkmark.template.SamTemplate;
import io.checkmark.template.TableDefinition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

/**
 * The fault plan: its JSON read strictly, written back the same and refused in one line; checked
 * against a template; its seed replaying its schedule.
 */
class FaultPlanTest {

  /** The plan docs/faults.md shows, every section in it. */
  static final String EVERY_SECTION =
      """
      {
        "seed": 42,
        "dynamodb": [
          {"operation": "TransactWriteItems", "table": "MessagesTable",
           "error": "ProvisionedThroughputExceededException", "rate": 0.1},
          {"operation": "*", "table": "*", "error": "ThrottlingException", "rate": 0.02},
          {"operation": "*", "table": "*", "error": "InternalServerError", "rate": 0.02},
          {"operation": "Query", "table": "*", "error": "timeout", "rate": 0.01},
          {"operation": "*", "table": "*", "latencyMs": 20, "rate": 1.0}
        ],
        "managementApi": [{"status": 410, "rate": 0.05}, {"status": 429, "rate": 0.05},
                          {"status": 500, "rate": 0.05}],
        "crashes": [
          {"function": "SendFunction", "point": "afterWriteBeforePush", "rate": 0.05},
          {"function": "*", "point": "afterPushBeforeReply", "rate": 0.05},
          {"function": "FanOutFunction", "point": "midFanOutBatch", "rate": 0.2}
        ],
        "disconnects": {"dropRate": 0.1},
        "connections": {"idleTimeoutSeconds": 30, "maxAgeSeconds": 120},
        "sns": {"smsFailureRate": 0.1, "pushFailureRate": 0.1}
      }
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everySectionIsReadAndWrittenBackAsItWas() throws Exception {
    FaultPlan plan = FaultPlan.fromJson(EVERY_SECTION);

    assertThat(plan.seed()).isEqualTo(42L);
    assertThat(plan.dynamodb()).hasSize(5);
    assertThat(plan.dynamodb().get(0).error())
        .isEqualTo(DynamoDbError.PROVISIONED_THROUGHPUT_EXCEEDED);
    assertThat(plan.dynamodb().get(3).error()).isEqualTo(DynamoDbError.TIMEOUT);
    assertThat(plan.dynamodb().get(4).latencyMs()).isEqualTo(20);
    assertThat(plan.managementApi())
        .extracting(FaultPlan.ManagementApiFault::status)
        .containsExactly(410, 429, 500);
    assertThat(plan.crashes().get(2).point()).isEqualTo(CrashPoint.MID_FAN_OUT_BATCH);
    assertThat(plan.disconnects().dropRate()).isEqualTo(0.1);
    assertThat(plan.connections().maxAgeSeconds()).isEqualTo(120);
    assertThat(plan.sns().pushFailureRate()).isEqualTo(0.1);
    assertThat(JSON.readTree(plan.toJson())).isEqualTo(JSON.readTree(EVERY_SECTION));
    assertThat(FaultPlan.fromJson(plan.toJson())).isEqualTo(plan);
  }

  @Test
  void theDocumentedPlanNamesTablesAndFunctionsOfTheProjectsTemplate() {
    SamTemplate template = SamTemplate.load(Path.of("../template.yaml"));
    Faults faults =
        new Faults(
            template.tables().stream().map(TableDefinition::logicalId).collect(Collectors.toSet()),
            template.functions().keySet(),
            Duration.ofMinutes(10),
            Duration.ofHours(2),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(faults.install(FaultPlan.fromJson(EVERY_SECTION)))
        .isEqualTo(FaultPlan.fromJson(EVERY_SECTION));
    assertThat(faults.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(faults.maxConnectionAge()).isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void aPlanWithoutASeedGetsOneThatReplaysIt() {
    Faults faults =
        new Faults(
            Set.of(),
            Set.of(),
            Duration.ofMinutes(10),
            Duration.ofHours(2),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    FaultPlan inForce = faults.set(FaultPlan.fromJson("{\"disconnects\": {\"dropRate\": 0.5}}"));
    List<Boolean> drops = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      drops.add(faults.dropsDisconnect());
    }
    faults.set(inForce);
    List<Boolean> replayed = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      replayed.add(faults.dropsDisconnect());
    }

    assertThat(inForce.seed()).isNotNull();
    assertThat(replayed).isEqualTo(drops).contains(true, false);
    faults.set(FaultPlan.NONE);
    assertThat(faults.plan()).isEqualTo(FaultPlan.NONE);
    assertThat(faults.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theConsoleLineSaysWhatIsInForce() {
    assertThat(FaultPlan.fromJson(EVERY_SECTION).describe())
        .isEqualTo(
            "seed 42; DynamoDB TransactWriteItems on MessagesTable:"
                + " ProvisionedThroughputExceededException 10%; DynamoDB * on *: ThrottlingException"
                + " 2%; DynamoDB * on *: InternalServerError 2%; DynamoDB Query on *: timeout 1%;"
                + " DynamoDB * on *: +20 ms 100%; management API 410 5%; management API 429 5%;"
                + " management API 500 5%; crash SendFunction afterWriteBeforePush 5%; crash *"
                + " afterPushBeforeReply 5%; crash FanOutFunction midFanOutBatch 20%; $disconnect"
                + " dropped 10%; connections idle 30 s, at most 120 s; SNS failures: SMS 10%,"
                + " push 10%");
    assertThat(FaultPlan.NONE.describe()).isEqualTo("no faults");
  }

  @Test
  void everySectionIsOptionalAndOperationAndTableDefaultToEverything() {
    assertThat(FaultPlan.fromJson("{}")).isEqualTo(FaultPlan.NONE);
    assertThat(FaultPlan.fromJson("{}").isEmpty()).isTrue();

    FaultPlan.DynamoDbFault rule =
        FaultPlan.fromJson("{\"dynamodb\": [{\"error\": \"timeout\", \"rate\": 1}]}")
            .dynamodb()
            .get(0);

    assertThat(rule.operation()).isEqualTo("*");
    assertThat(rule.table()).isEqualTo("*");
  }

  @Test
  void aBadPlanIsRefusedInOneLineSayingWhere() {
    assertRefused("{\"seed\": 1, \"dynamo\": []}", "unknown field \"dynamo\" in the fault plan");
    assertRefused(
        "{\"dynamodb\": [{\"error\": \"timeout\", \"rate\": 1, \"tabel\": \"X\"}]}",
        "unknown field \"tabel\" in dynamodb[0]");
    assertRefused(
        "{\"dynamodb\": [{\"error\": \"Throttled\", \"rate\": 1}]}",
        "dynamodb[0].error: \"Throttled\" is not one of ProvisionedThroughputExceededException,"
            + " ThrottlingException, InternalServerError, timeout");
    assertRefused(
        "{\"dynamodb\": [{\"operation\": \"TransactWriteItem\", \"error\": \"timeout\","
            + " \"rate\": 1}]}",
        "dynamodb[0]: operation TransactWriteItem is not a DynamoDB operation");
    assertRefused(
        "{\"dynamodb\": [{\"rate\": 1}]}",
        "dynamodb[0]: a DynamoDB rule needs an error, a latencyMs or both");
    assertRefused(
        "{\"managementApi\": [{\"status\": 410, \"rate\": 1.5}]}",
        "managementApi[0]: rate must be from 0 to 1, not 1.5");
    assertRefused(
        "{\"managementApi\": [{\"status\": 404, \"rate\": 1}]}",
        "managementApi[0]: status must be 410, 429 or 500, not 404");
    assertRefused("{\"disconnects\": {}}", "disconnects: dropRate is missing");
    assertRefused(
        "{\"connections\": {}}", "connections: give idleTimeoutSeconds, maxAgeSeconds or both");
    assertRefused(
        "{\"connections\": {\"maxAgeSeconds\": 0}}",
        "connections: maxAgeSeconds must be 1 or more, not 0");
    assertRefused(
        "{\"crashes\": [{\"function\": \"*\", \"point\": \"beforeWrite\", \"rate\": 1}]}",
        "crashes[0].point: \"beforeWrite\" is not one of afterWriteBeforePush,"
            + " afterPushBeforeReply, midFanOutBatch");
    assertRefused("{\"sns\": {\"smsFailureRate\": \"0.1\"}}", "sns.smsFailureRate:");
    assertRefused("{\"seed\": 1,}", "the fault plan is not JSON:");
    assertRefused("", "the fault plan is empty; give at least {}");
    assertRefused("{\"seed\": 1} {}", "the fault plan");
  }

  @Test
  void theCommandLineTakesAPlanFileAndRefusesABadOneInOneLine(@TempDir Path directory)
      throws Exception {
    Path good = Files.writeString(directory.resolve("faults.json"), EVERY_SECTION);
    Path bad = Files.writeString(directory.resolve("bad.json"), "{\"disconnects\": {\"drop\": 1}}");

    LocalStackOptions options =
        LocalStackMain.parse(
            new String[] {"--template", "../template.yaml", "--faults", good.toString()}, Map.of());

    assertThat(options.faults()).isEqualTo(FaultPlan.fromJson(EVERY_SECTION));
    assertThat(
            LocalStackMain.parse(new String[] {"--template", "../template.yaml"}, Map.of())
                .faults())
        .isEqualTo(FaultPlan.NONE);
    assertThatThrownBy(
            () ->
                LocalStackMain.parse(
                    new String[] {"--template", "../template.yaml", "--faults", bad.toString()},
                    Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessage("--faults " + bad + ": unknown field \"drop\" in disconnects; known: dropRate")
        .extracting(Throwable::getMessage)
        .asString()
        .doesNotContain("\n");
    assertThatThrownBy(
            () ->
                LocalStackMain.parse(
                    new String[] {
                      "--template", "../template.yaml", "--faults", directory + "/none.json"
                    },
                    Map.of()))
        .hasMessageStartingWith("--faults no fault plan at ");
  }

  private static void assertRefused(String json, String reasonStart) {
    assertThatThrownBy(() -> FaultPlan.fromJson(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(reasonStart)
        .extracting(Throwable::getMessage)
        .asString()
        .doesNotContain("\n");
  }
}
