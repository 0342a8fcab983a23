package io.checkmark.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalStackMainTest {

  @Test
  void optionsAndEnvironmentBecomeTheStacksOptions() {
    LocalStackOptions options = LocalStackMain.parse(new String[] {"--port", "0", "--template", "../template.yaml",
        "--idle-timeout", "30", "--parameter", "StageName=beta", "--region", "eu-west-1"},
        Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"));

    assertThat(options.port()).isZero();
    assertThat(options.template()).isEqualTo(Path.of("../template.yaml"));
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(options.parameterOverrides()).containsEntry("StageName", "beta");
    assertThat(options.region()).isEqualTo("eu-west-1");
    assertThat(options.externalEndpoint()).isEqualTo(URI.create("http://localhost:4566"));
  }

  @Test
  void defaultsAreApiGatewaysLimitsAndPort3001() {
    LocalStackOptions options = LocalStackMain.parse(new String[0], Map.of());

    assertThat(options.port()).isEqualTo(3001);
    assertThat(options.idleTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(options.maxConnectionDuration()).isEqualTo(Duration.ofHours(2));
    assertThat(options.externalEndpoint()).isNull();
  }

  @Test
  void badOptionsAreRefusedWithAReason() {
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port"}, Map.of())).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--port", "x"}, Map.of())).hasMessageContaining("whole number");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--template", "/no/such/file"}, Map.of()))
        .hasMessageContaining("no template");
    assertThatThrownBy(() -> LocalStackMain.parse(new String[] {"--bogus", "1"}, Map.of())).hasMessageContaining("unknown option");
  }
}
