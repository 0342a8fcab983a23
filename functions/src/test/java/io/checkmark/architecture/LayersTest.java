package io.checkmark.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of docs/architecture.md, on the functions' compiled classes: the handler
 * edge depends on the core and wires the adapters; the adapters depend on the core; the core
 * depends on neither, nor on AWS, nor on the wire. A class that breaks a rule fails the build.
 */
class LayersTest {

  private static final JavaClasses FUNCTIONS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.checkmark.core", "io.checkmark.aws", "io.checkmark.handler");

  @Test
  void coreImportsNoAwsSdkNoWireTypesAndNoOuterLayer() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.checkmark.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                "software.amazon..",
                "com.amazonaws..",
                "io.checkmark.protocol..",
                "com.fasterxml.jackson..",
                "io.checkmark.aws..",
                "io.checkmark.handler..")
            .because(
                "the domain speaks domain: adapters and the handler edge translate to AWS and to the wire");
    rule.check(FUNCTIONS);
  }

  @Test
  void adaptersDoNotReachIntoTheHandlerEdge() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("io.checkmark.aws..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.checkmark.handler..", "io.checkmark.protocol..")
            .because(
                "adapters implement the core's ports; mapping to frames is the handler edge's job");
    rule.check(FUNCTIONS);
  }

  @Test
  void onlyTheHandlerEdgeUsesTheLambdaRuntime() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAnyPackage("io.checkmark.core..", "io.checkmark.aws..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("com.amazonaws.services.lambda..")
            .because(
                "Lambda events and contexts are the edge's input, not the domain's or the adapters'");
    rule.check(FUNCTIONS);
  }
}
