package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ParameterException;

class LocalStackMainTest {

  @Test
  void optionsAndEnvironmentBecomeTheStacksOptions() {
    LocalStackOptions options =
        LocalStackMain.parse(
            new String[] {
              "--port",
              "0",
              "--template",
              "../template.yaml",
              "--idle-timeout",
              "30",
              "--parameter",
              "StageName=beta",
              "--region",
              "eu-west-1"
            },
            Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"));

    assertThat(options.port()).isZero();
    assertThat(options.template()).isEqualTo(Path.of("../template.yaml"));
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.parameterOverrides()).containsEntry("StageName", "beta");
    assertThat(options.region()).isEqualTo("eu-west-1");
    assertThat(options.externalEndpoint()).isEqualTo(URI.create("http://localhost:4566"));
  }

  @Test
  void persistDirectoryAndSsmParameterValuesAreOptions() {
    LocalStackOptions options =
        LocalStackMain.parse(
            new String[] {
              "--template",
              "../template.yaml",
              "--persist",
              "build/local-data",
              "--ssm-parameter",
              "/checkmark/test-numbers=+14155550100=123456,+14155550101=654321",
              "--parameter",
              "TestNumbersParameterName=/checkmark/test-numbers"
            },
            Map.of());

    assertThat(options.persistDirectory()).isEqualTo(Path.of("build/local-data"));
    assertThat(options.ssmParameters())
        .containsExactly(
            Map.entry("/checkmark/test-numbers", "+14155550100=123456,+14155550101=654321"));
    assertThat(options.parameterOverrides())
        .containsEntry("TestNumbersParameterName", "/checkmark/test-numbers");
  }

  @Test
  void portHasAShortFormAndTakesAnEqualsSign() {
    String[] template = {"--template", "../template.yaml"};

    assertThat(LocalStackMain.parse(concat(template, "-p", "3002"), Map.of()).port())
        .isEqualTo(3002);
    assertThat(LocalStackMain.parse(concat(template, "--port=3003"), Map.of()).port())
        .isEqualTo(3003);
  }

  @Test
  void theS3PortIsTheNextAfterThePortUnlessGivenAndFreeWhenThePortIs() {
    String[] template = {"--template", "../template.yaml"};

    assertThat(LocalStackMain.parse(template, Map.of()).s3Port()).isEqualTo(3002);
    assertThat(LocalStackMain.parse(concat(template, "-p", "4000"), Map.of()).s3Port())
        .isEqualTo(4001);
    assertThat(LocalStackMain.parse(concat(template, "-p", "0"), Map.of()).s3Port()).isZero();
    assertThat(LocalStackMain.parse(concat(template, "--s3-port", "9000"), Map.of()).s3Port())
        .isEqualTo(9000);
    assertThatThrownBy(() -> LocalStackMain.parse(concat(template, "--s3-port", "70000"), Map.of()))
        .hasMessageContaining("--s3-port takes 0 to 65535, not 70000");
  }

  @Test
  void withoutATemplateInTheWorkingDirectoryTheErrorSaysWhereToRunFrom() {
    // The module's directory has no template.yaml of its own.
    assertThatThrownBy(() -> LocalStackMain.parse(new String[0], Map.of()))
        .hasMessageContaining("run from the project's root, or pass --template PATH");
  }

  @Test
  void defaultsAreApiGatewaysLimitsAndPort3001() {
    LocalStackOptions options =
        LocalStackMain.parse(new String[] {"--template", "../template.yaml"}, Map.of());

    assertThat(options.port()).isEqualTo(3001);
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.maxConnectionDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(options.externalEndpoint()).isNull();
    assertThat(options.persistDirectory()).as("in memory").isNull();
    assertThat(options.ssmParameters()).isEmpty();
  }

  @Test
  void badOptionsAreRefusedWithAReason() {
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port"}, Map.of()))
        .hasMessageContaining("Missing required parameter for option '--port'");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port", "x"}, Map.of()))
        .hasMessageContaining("'x' is not an int");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port", "-1"}, Map.of()))
        .hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--idle-timeout", "0"}, Map.of()))
        .hasMessageContaining("above 0");
    assertThatThrownBy(
            () -> LocalStackMain.parse(new String[] {"--template", "/no/such/file"}, Map.of()))
        .hasMessageContaining("no SAM template at /no/such/file")
        .hasMessageContaining("--template");
    assertThatThrownBy(
            () ->
                LocalStackMain.parse(
                    new String[] {"--template", "../template.yaml", "--parameter", "Stage=x"},
                    Map.of()))
        .hasMessageContaining("declares no such parameter")
        .hasMessageContaining("StageName");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--bogus", "1"}, Map.of()))
        .hasMessageContaining("Unknown options: '--bogus'");
    assertThatThrownBy(
            () -> LocalStackMain.parse(new String[] {"--ssm-parameter", "novalue"}, Map.of()))
        .hasMessageContaining("KEY=VALUE");
  }

  @Test
  void templateWithAnInvalidStreamFilterIsRefusedInOneLine(@TempDir Path directory)
      throws Exception {
    Path template = directory.resolve("template.yaml");
    Files.writeString(
        template,
        Files.readString(Path.of("src/test/resources/streams-template.yaml"))
            .replace("'{\"eventName\": [\"REMOVE\"]}'", "'{\"eventName\": \"REMOVE\"}'"));

    assertThatThrownBy(
            () -> LocalStackMain.parse(new String[] {"--template", template.toString()}, Map.of()))
        .isInstanceOf(ParameterException.class)
        .hasMessage(
            template
                + ": the stream filter pattern of FilteredFunction is not valid (\"eventName\" must"
                + " be an object or an array): {\"eventName\": \"REMOVE\"}");
  }

  private static String[] concat(String[] first, String... then) {
    return Stream.concat(Arrays.stream(first), Arrays.stream(then)).toArray(String[]::new);
  }
}
