package io.checkmark.infra;

import io.checkmark.template.SamTemplate;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * {@code cdk deploy} from infra/: the Checkmark stack, with the Lambda jar that {@code mvn package}
 * built.
 */
public final class CheckmarkApp {

  private CheckmarkApp() {}

  public static void main(String[] args) {
    App app = new App();
    new CheckmarkStack(
        app,
        "Checkmark",
        StackProps.builder().description(CheckmarkStack.DESCRIPTION).build(),
        CheckmarkStack.DEFAULT_FUNCTION_JAR,
        SamTemplate.load(Path.of(CheckmarkStack.DEFAULT_TEMPLATE)));
    app.synth();
  }
}
