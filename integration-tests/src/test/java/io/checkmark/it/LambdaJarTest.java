package io.checkmark.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.checkmark.template.SamTemplate;
import io.checkmark.testsupport.ProjectStack;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** The deployable jar that template.yaml's CodeUri names. */
class LambdaJarTest {

  private static final Path TEMPLATE = ProjectStack.template();
  private static final Path JAR =
      TEMPLATE.resolveSibling("functions/target/checkmark-functions.jar");

  @Test
  void carriesTheUrlConnectionClientAndNoApacheOrNettyClient() throws Exception {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      List<String> entries =
          Collections.list(jar.entries()).stream().map(entry -> entry.getName()).toList();

      assertThat(entries)
          .contains("software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
      assertThat(entries)
          .noneMatch(
              name ->
                  name.startsWith("org/apache/http/")
                      || name.startsWith("org/apache/hc/")
                      || name.startsWith("io/netty/")
                      || name.startsWith("software/amazon/awssdk/http/apache")
                      || name.startsWith("software/amazon/awssdk/http/nio/netty"));
      assertThat(entries)
          .noneMatch(name -> name.startsWith("com/amazonaws/services/dynamodbv2/local/"));
    }
  }

  @Test
  void everyHandlerOfTheTemplateIsInTheJarAndIsALambdaHandler() throws Exception {
    try (URLClassLoader jar =
        new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> handlerInterface = jar.loadClass(RequestHandler.class.getName());
      for (SamTemplate.LambdaFunction function : SamTemplate.load(TEMPLATE).functions().values()) {
        Class<?> handler = jar.loadClass(function.handlerClass());

        assertThat(handlerInterface.isAssignableFrom(handler)).as(function.handler()).isTrue();
        assertThatCode(handler::getConstructor)
            .as("no-argument constructor of %s", handler)
            .doesNotThrowAnyException();
      }
    }
  }
}
