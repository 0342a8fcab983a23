package io.checkmark.infra;

import io.checkmark.template.SamTemplate;
import java.nio.file.Path;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/** The CDK stack synthesized once per test JVM (synthesis starts a Node.js process). */
final class SynthesizedStack {

  static final Path FUNCTION_JAR =
      Path.of(System.getProperty("checkmark.template"))
          .resolveSibling("functions/target/checkmark-functions.jar");
  static final Template TEMPLATE = synthesize();

  private SynthesizedStack() {}

  static Map<String, Object> json() {
    return TEMPLATE.toJSON();
  }

  private static Template synthesize() {
    App app = new App();
    CheckmarkStack stack =
        new CheckmarkStack(
            app,
            "Checkmark",
            StackProps.builder().build(),
            FUNCTION_JAR.toString(),
            SamTemplate.load(Path.of(System.getProperty("checkmark.template"))));
    return Template.fromStack(stack);
  }
}
