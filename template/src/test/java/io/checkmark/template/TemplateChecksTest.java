package io.checkmark.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's template passes the offline checks, and each check catches its mistake in a mutated copy. */
class TemplateChecksTest {

  private static final Path PROJECT_TEMPLATE = Path.of("..", "template.yaml");

  @TempDir
  Path directory;

  @Test
  void projectTemplatePasses() {
    assertThat(TemplateChecks.problems(PROJECT_TEMPLATE)).isEmpty();
  }

  @Test
  void referenceToAMissingResourceIsCaught() throws IOException {
    assertThat(problemsAfter("CONNECTIONS_TABLE: !Ref ConnectionsTable", "CONNECTIONS_TABLE: !Ref ConnectionTable"))
        .anyMatch(problem -> problem.contains("ConnectionTable"));
  }

  @Test
  void subVariableNamingNothingIsCaught() throws IOException {
    assertThat(problemsAfter("${PingFunction.Alias}", "${PingFunctin.Alias}"))
        .anyMatch(problem -> problem.contains("PingFunctin"));
  }

  @Test
  void getAttOfAMissingResourceIsCaught() throws IOException {
    assertThat(problemsAfter("DestinationArn: !GetAtt AccessLogGroup.Arn", "DestinationArn: !GetAtt AccessLogs.Arn"))
        .anyMatch(problem -> problem.contains("AccessLogs"));
  }

  @Test
  void routeWithoutIntegrationIsCaught() throws IOException {
    assertThat(problemsAfter("      Target: !Sub integrations/${PingIntegration}\n", ""))
        .anyMatch(problem -> problem.contains("PingRoute"));
  }

  @Test
  void keyAttributeNotDefinedIsCaught() throws IOException {
    String messagesTable = "        - AttributeName: queue\n          AttributeType: S\n";
    assertThat(problemsAfter(messagesTable, "")).anyMatch(problem -> problem.contains("queue"));
  }

  @Test
  void permissionWithoutSourceArnIsCaught() throws IOException {
    String sourceArn = "      SourceArn: !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/*/ping\n";
    assertThat(problemsAfter(sourceArn, "")).anyMatch(problem -> problem.contains("PingPermission"));
  }

  @Test
  void wildcardResourceWhereATableArnExistsIsCaught() throws IOException {
    String sendsWrite = "              Action: dynamodb:PutItem\n              Resource: !GetAtt MessagesTable.Arn";
    assertThat(problemsAfter(sendsWrite, "              Action: dynamodb:PutItem\n              Resource: '*'"))
        .anyMatch(problem -> problem.contains("dynamodb:PutItem") && problem.contains("'*'"));
  }

  @Test
  void wildcardActionIsCaught() throws IOException {
    String sendsWrite = "              Action: dynamodb:PutItem\n              Resource: !GetAtt MessagesTable.Arn";
    assertThat(problemsAfter(sendsWrite, "              Action: dynamodb:*\n              Resource: !GetAtt MessagesTable.Arn"))
        .anyMatch(problem -> problem.contains("dynamodb:*"));
  }

  private java.util.List<String> problemsAfter(String find, String replace) throws IOException {
    String text = Files.readString(PROJECT_TEMPLATE);
    assertThat(text).as("the mutation's target").contains(find);
    Path mutated = directory.resolve("template.yaml");
    Files.writeString(mutated, text.replaceFirst(java.util.regex.Pattern.quote(find), java.util.regex.Matcher.quoteReplacement(replace)));
    return TemplateChecks.problems(mutated);
  }
}
