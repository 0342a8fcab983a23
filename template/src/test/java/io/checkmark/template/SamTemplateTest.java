package io.checkmark.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;

class SamTemplateTest {

  private static final Path PROJECT_TEMPLATE = Path.of("..", "template.yaml");

  @Test
  void projectTemplateMapsEveryRouteToItsHandlerClass() {
    SamTemplate template = SamTemplate.load(PROJECT_TEMPLATE);
    Map<String, SamTemplate.LambdaFunction> functions = template.functions();

    assertThat(template.routeSelectionExpression()).isEqualTo("$request.body.action");
    assertThat(template.stageName()).isEqualTo("dev");
    assertThat(template.routes())
        .extracting(
            route ->
                route.routeKey() + " -> " + functions.get(route.functionLogicalId()).handlerClass())
        .contains(
            "$connect -> io.checkmark.handler.ConnectHandler",
            "$disconnect -> io.checkmark.handler.DisconnectHandler",
            "$default -> io.checkmark.handler.DefaultRouteHandler",
            "ping -> io.checkmark.handler.PingHandler",
            "requestLink -> io.checkmark.handler.RequestLinkHandler",
            "approveLink -> io.checkmark.handler.ApproveLinkHandler",
            "listDevices -> io.checkmark.handler.ListDevicesHandler",
            "unlinkDevice -> io.checkmark.handler.UnlinkDeviceHandler");
  }

  @Test
  void projectTemplateRunsTheFanOutFromTheGroupEventsStreamWithRetriesAndADeadLetterQueue() {
    SamTemplate template = SamTemplate.load(PROJECT_TEMPLATE);

    assertThat(template.streamSources())
        .filteredOn(source -> source.tableLogicalId().equals("GroupEventsTable"))
        .singleElement()
        .satisfies(
            source -> {
              assertThat(source.functionLogicalId()).isEqualTo("FanOutFunction");
              assertThat(source.tableLogicalId()).isEqualTo("GroupEventsTable");
              assertThat(source.batchSize()).isEqualTo(10);
              assertThat(source.maximumRetryAttempts()).isEqualTo(10);
              assertThat(source.bisectBatchOnFunctionError()).isTrue();
              assertThat(source.reportsBatchItemFailures()).isTrue();
              assertThat(source.filterPatterns()).containsExactly("{\"eventName\":[\"INSERT\"]}");
              assertThat(source.onFailureLogicalId()).isEqualTo("FanOutDeadLetterQueue");
            });
    assertThat(
            template.tables().stream()
                .filter(table -> table.logicalId().equals("GroupEventsTable"))
                .findFirst()
                .orElseThrow()
                .createTableRequest()
                .streamSpecification()
                .streamViewTypeAsString())
        .isEqualTo("NEW_IMAGE");
  }

  @Test
  void projectTemplateGivesRouteResponsesToActionsButNotToConnect() {
    SamTemplate template = SamTemplate.load(PROJECT_TEMPLATE);

    assertThat(template.routes())
        .filteredOn(SamTemplate.Route::twoWay)
        .extracting(SamTemplate.Route::routeKey)
        .contains("ping", "$default", "requestLink", "approveLink", "listDevices", "unlinkDevice")
        .doesNotContain("$connect", "$disconnect");
  }

  @Test
  void projectTemplateResolvesTableReferencesInFunctionEnvironments() {
    SamTemplate template = SamTemplate.load(PROJECT_TEMPLATE);

    assertThat(template.functions().get("ConnectFunction").environment())
        .containsEntry("CONNECTIONS_TABLE", "ConnectionsTable")
        .containsEntry("LINK_CODES_TABLE", "LinkCodesTable")
        .containsEntry("POWERTOOLS_LOG_LEVEL", "INFO");
    TableDefinition connections =
        template.tables().stream()
            .filter(table -> table.logicalId().equals("ConnectionsTable"))
            .findFirst()
            .orElseThrow();
    assertThat(connections.keySchema())
        .extracting(key -> key.attributeName() + ":" + key.keyTypeAsString())
        .containsExactly("id:HASH");
    assertThat(connections.timeToLiveAttribute()).contains("expiresAt");
  }

  @Test
  void noFunctionGetsTestNumbersInItsEnvironment() {
    SamTemplate template =
        SamTemplate.load(
            PROJECT_TEMPLATE,
            Map.of("TestNumbersParameterName", "/checkmark/test-numbers"),
            "us-east-1",
            "checkmark-local");

    template
        .functions()
        .values()
        .forEach(
            function ->
                assertThat(function.environment())
                    .as(function.logicalId())
                    .doesNotContainKey("TEST_NUMBERS"));
    assertThat(template.functions().get("RequestPinFunction").environment())
        .containsEntry("TEST_NUMBERS_PARAMETER", "/checkmark/test-numbers");
    assertThat(template.functions().get("VerifyPinFunction").environment())
        .doesNotContainKey("TEST_NUMBERS_PARAMETER");
  }

  @Test
  void onlyRequestPinMayReadTheTestNumbersParameterAndOnlyWhenOneIsNamed() {
    SamTemplate configured =
        SamTemplate.load(
            PROJECT_TEMPLATE,
            Map.of("TestNumbersParameterName", "/checkmark/test-numbers"),
            "us-east-1",
            "checkmark-local");
    SamTemplate unconfigured = SamTemplate.load(PROJECT_TEMPLATE);
    String parameterArn =
        "arn:aws:ssm:us-east-1:"
            + SamTemplate.LOCAL_ACCOUNT_ID
            + ":parameter/checkmark/test-numbers";

    for (String function : configured.functions().keySet()) {
      boolean readsTestNumbers = function.equals("RequestPinFunction");
      assertThat(configured.policyStatements(function))
          .as(function)
          .filteredOn(statement -> String.valueOf(statement.get("Action")).contains("ssm:"))
          .extracting(statement -> statement.get("Action") + " on " + statement.get("Resource"))
          .isEqualTo(
              readsTestNumbers
                  ? java.util.List.of("ssm:GetParameter on " + parameterArn)
                  : java.util.List.of());
      assertThat(unconfigured.policyStatements(function))
          .as(function)
          .noneMatch(statement -> String.valueOf(statement.get("Action")).contains("ssm:"));
    }
  }

  @Test
  void resolvesShortAndLongFormsConditionsAndGlobals() {
    SamTemplate template = SamTemplate.load(fixture(), Map.of(), "eu-west-1", "stack");

    SamTemplate.LambdaFunction echo = template.functions().get("EchoFunction");
    assertThat(echo.handlerClass()).isEqualTo("com.example.Echo");
    assertThat(echo.timeoutSeconds()).isEqualTo(7);
    assertThat(echo.memoryMegabytes()).isEqualTo(256);
    assertThat(echo.environment())
        .containsEntry("SHARED", "from-globals")
        .containsEntry("OVERRIDDEN", "from-function")
        .containsEntry("TABLE", "stack-indexed")
        .containsEntry("MODE", "production")
        .containsEntry("LITERAL", "keep ${Literal} for eu-west-1")
        .doesNotContainKey("DEBUG");
    assertThat(template.routes())
        .extracting(
            route -> route.routeKey() + ":" + route.functionLogicalId() + ":" + route.twoWay())
        .containsExactly("echo:EchoFunction:true", "quiet:EchoFunction:false");
  }

  @Test
  void parameterOverridesChangeConditions() {
    SamTemplate template =
        SamTemplate.load(fixture(), Map.of("Env", "dev", "StageName", "alpha"), "us-east-1", "s");

    assertThat(template.functions().get("EchoFunction").environment())
        .containsEntry("DEBUG", "yes")
        .doesNotContainKey("MODE");
    assertThat(template.stageName()).isEqualTo("alpha");
  }

  @Test
  void aResourceWhoseConditionIsFalseIsNotPartOfTheStack() {
    SamTemplate withoutSite = SamTemplate.load(fixture(), Map.of(), "us-east-1", "s");
    SamTemplate withSite = SamTemplate.load(fixture(), Map.of("Site", "true"), "us-east-1", "s");

    assertThat(withoutSite.buckets())
        .extracting(SamTemplate.Bucket::logicalId)
        .containsExactly("FilesBucket");
    assertThat(withSite.buckets())
        .extracting(SamTemplate.Bucket::logicalId)
        .containsExactly("FilesBucket", "SiteBucket");
    assertThat(withSite.buckets().get(0).corsRules())
        .singleElement()
        .satisfies(rule -> assertThat(rule.allowedMethods()).containsExactly("GET"));
  }

  @Test
  void projectTemplateHasTheWebClientsBucketOnlyWhenTheWebClientIsHosted() {
    SamTemplate byDefault = SamTemplate.load(PROJECT_TEMPLATE);
    SamTemplate hosted =
        SamTemplate.load(PROJECT_TEMPLATE, Map.of("WebClient", "true"), "us-east-1", "local");

    assertThat(byDefault.buckets())
        .extracting(SamTemplate.Bucket::logicalId)
        .containsExactly("MediaBucket");
    assertThat(hosted.buckets())
        .extracting(SamTemplate.Bucket::logicalId)
        .containsExactly("MediaBucket", "WebClientBucket");
    assertThat(hosted.buckets().get(1).corsRules()).as("same-origin: it needs none").isEmpty();
    assertThat(hosted.functions().keySet()).isEqualTo(byDefault.functions().keySet());
    assertThat(hosted.tables()).hasSameSizeAs(byDefault.tables());
  }

  @Test
  void tableDefinitionBecomesACreateTableRequestWithIndexes() {
    TableDefinition table = SamTemplate.load(fixture(), Map.of(), "us-east-1", "s").tables().get(0);

    CreateTableRequest request = table.createTableRequest();
    assertThat(request.tableName()).isEqualTo("s-indexed");
    assertThat(request.keySchema())
        .extracting(key -> key.attributeName())
        .containsExactly("pk", "sk");
    assertThat(request.globalSecondaryIndexes())
        .singleElement()
        .satisfies(
            index -> {
              assertThat(index.indexName()).isEqualTo("byPhone");
              assertThat(index.projection().projectionType()).isEqualTo(ProjectionType.INCLUDE);
              assertThat(index.projection().nonKeyAttributes()).containsExactly("sk");
            });
    assertThat(table.timeToLiveAttribute()).contains("expiresAt");
  }

  @Test
  void streamFilterPatternsAreKeptInOrderAsCompactJson() {
    SamTemplate template = SamTemplate.load(fixture(), Map.of(), "us-east-1", "s");

    assertThat(template.streamSources())
        .singleElement()
        .satisfies(
            source -> {
              assertThat(source.functionLogicalId()).isEqualTo("FilteredFunction");
              assertThat(source.tableName()).isEqualTo("s-indexed");
              assertThat(source.filterPatterns())
                  .containsExactly(
                      "{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"NewImage\":{\"k\":{\"S\":[\"m\",\"u\"]}}}}",
                      "{\"eventName\":[\"REMOVE\"]}");
            });
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'{\"eventName\": \"INSERT\"}'|\"eventName\" must be an object or an array",
        "'{\"eventName\": [\"INSERT\"]'|Unexpected end-of-input",
        "'{\"eventName\": [\"INSERT\"]} trailing'|Unrecognized token 'trailing'",
        "'{}'|Empty objects are not allowed",
        "''|it is empty"
      })
  void invalidStreamFilterPatternFailsTheLoadWithOneLineNamingTheFunction(
      String pattern, String problem, @TempDir Path directory) throws IOException {
    Path broken =
        copyOfFixture(
            directory,
            "- Pattern: '{\"eventName\": [\"INSERT\"], \"dynamodb\": {\"NewImage\": {\"k\": {\"S\":"
                + " [\"m\", \"u\"]}}}}'",
            "- Pattern: '" + pattern + "'");

    assertThatThrownBy(() -> SamTemplate.load(broken))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("the stream filter pattern of FilteredFunction is not valid (")
        .hasMessageContaining(problem)
        .hasMessageNotContaining("\n");
  }

  @Test
  void streamFilterPatternWrittenOnSeveralLinesIsShownOnOneInItsError(@TempDir Path directory)
      throws IOException {
    Path broken =
        copyOfFixture(directory, "\"eventName\": [\"REMOVE\"]", "\"eventName\": \"REMOVE\"");

    assertThatThrownBy(() -> SamTemplate.load(broken))
        .isInstanceOf(TemplateException.class)
        .hasMessage(
            "the stream filter pattern of FilteredFunction is not valid (\"eventName\" must be an"
                + " object or an array): { \"eventName\": \"REMOVE\" }");
  }

  @Test
  void keyAttributeMissingFromDefinitionsIsRefused(@TempDir Path directory) throws IOException {
    Path broken = copyOfFixture(directory, "- {AttributeName: phone, AttributeType: S}", "");

    assertThatThrownBy(() -> SamTemplate.load(broken).tables())
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("phone");
  }

  @Test
  void routeWithoutIntegrationIsRefused(@TempDir Path directory) throws IOException {
    Path broken =
        copyOfFixture(directory, "Target: !Join ['/', [integrations, !Ref EchoIntegration]]", "");

    assertThatThrownBy(() -> SamTemplate.load(broken).routes())
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("EchoRoute");
  }

  @Test
  void referenceToMissingResourceIsRefused(@TempDir Path directory) throws IOException {
    Path broken = copyOfFixture(directory, "TABLE: !Ref IndexedTable", "TABLE: !Ref NoSuchTable");

    assertThatThrownBy(() -> SamTemplate.load(broken).functions())
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("NoSuchTable");
  }

  private static Path fixture() {
    try {
      return Path.of(SamTemplateTest.class.getResource("/fixture-template.yaml").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Path copyOfFixture(Path directory, String find, String replace)
      throws IOException {
    String text = Files.readString(fixture());
    assertThat(text).contains(find);
    Path copy = directory.resolve("template.yaml");
    Files.writeString(copy, text.replace(find, replace));
    return copy;
  }
}
