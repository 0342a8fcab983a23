package io.checkmark.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import io.checkmark.handler.Composition;
import io.checkmark.handler.OutsideLambdaContext;
import io.checkmark.template.SamTemplate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One function of the template, run in this process the way the Lambda Java runtime runs it: the
 * handler class is instantiated once, and each invocation turns the event JSON into the handler's
 * input type and its output back into JSON with the runtime's own serializers.
 */
final class LocalLambdaFunction {

  private final SamTemplate.LambdaFunction definition;
  private final String arn;
  private final Invoker invoker;
  private final Faults faults;

  private LocalLambdaFunction(
      SamTemplate.LambdaFunction definition, String arn, Invoker invoker, Faults faults) {
    this.definition = definition;
    this.arn = arn;
    this.invoker = invoker;
    this.faults = faults;
  }

  /**
   * Loads and instantiates the handler with the function's environment; its invocations crash where
   * {@code faults} says.
   */
  static LocalLambdaFunction load(
      SamTemplate.LambdaFunction definition,
      Map<String, String> environment,
      String region,
      Faults faults) {
    String arn =
        "arn:aws:lambda:"
            + region
            + ":"
            + SamTemplate.LOCAL_ACCOUNT_ID
            + ":function:"
            + definition.logicalId();
    try {
      Class<?> handlerClass = Class.forName(definition.handlerClass());
      Object handler = instantiate(handlerClass, environment);
      return new LocalLambdaFunction(definition, arn, invokerFor(handler), faults);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(
          "function "
              + definition.logicalId()
              + ": handler class "
              + definition.handlerClass()
              + " is not on the classpath",
          e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "function "
              + definition.logicalId()
              + ": cannot instantiate "
              + definition.handlerClass()
              + ": "
              + e,
          e);
    }
  }

  String name() {
    return definition.logicalId();
  }

  /**
   * Invokes the handler with an event; returns the response JSON, or throws what the handler threw,
   * or an {@link InjectedCrash} where the fault plan crashed the invocation.
   */
  String invoke(String eventJson, Invocation.Trigger trigger) throws Exception {
    OutsideLambdaContext context =
        new OutsideLambdaContext(
            definition.logicalId(), arn, definition.memoryMegabytes(), definition.timeoutSeconds());
    return Invocation.run(
        definition.logicalId(), trigger, faults, () -> invoker.invoke(eventJson, context));
  }

  /**
   * Prefers the constructor the project's handlers offer for the local stack, taking the {@link
   * Composition} root built from the function's environment; else the no-argument one Lambda uses
   * (handlers that need nothing built, and other projects' handlers).
   */
  private static Object instantiate(Class<?> handlerClass, Map<String, String> environment)
      throws ReflectiveOperationException {
    try {
      Constructor<?> withRoot = handlerClass.getConstructor(Composition.class);
      return withRoot.newInstance(Composition.fromEnvironment(environment));
    } catch (NoSuchMethodException noRootConstructor) {
      return handlerClass.getConstructor().newInstance();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Invoker invokerFor(Object handler) {
    if (handler instanceof RequestStreamHandler streamHandler) {
      return (event, context) -> {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        streamHandler.handleRequest(
            new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), output, context);
        return output.toString(StandardCharsets.UTF_8);
      };
    }
    if (handler instanceof RequestHandler requestHandler) {
      Class<?>[] types = requestHandlerTypes(handler.getClass());
      PojoSerializer input = serializerFor(types[0]);
      PojoSerializer output = serializerFor(types[1]);
      return (event, context) -> {
        Object result = requestHandler.handleRequest(input.fromJson(event), context);
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        output.toJson(result, json);
        return json.toString(StandardCharsets.UTF_8);
      };
    }
    throw new IllegalStateException(
        handler.getClass().getName()
            + " implements neither RequestHandler nor RequestStreamHandler");
  }

  /**
   * The same choice the Lambda runtime makes: its event serializers for AWS events, plain Jackson
   * otherwise.
   */
  private static PojoSerializer<?> serializerFor(Class<?> type) {
    if (LambdaEventSerializers.isLambdaSupportedEvent(type.getName())) {
      return LambdaEventSerializers.serializerFor(type, type.getClassLoader());
    }
    return JacksonFactory.getInstance().getSerializer(type);
  }

  /**
   * The input and output classes of {@code handleRequest}, read from the handler's declared method.
   */
  private static Class<?>[] requestHandlerTypes(Class<?> handlerClass) {
    for (Class<?> type = handlerClass; type != null; type = type.getSuperclass()) {
      for (Type implemented : type.getGenericInterfaces()) {
        if (implemented instanceof ParameterizedType parameterized
            && parameterized.getRawType() == RequestHandler.class) {
          Type[] arguments = parameterized.getActualTypeArguments();
          if (arguments[0] instanceof Class<?> in && arguments[1] instanceof Class<?> out) {
            return new Class<?>[] {in, out};
          }
        }
      }
    }
    for (Method method : handlerClass.getMethods()) {
      if (method.getName().equals("handleRequest")
          && method.getParameterCount() == 2
          && !method.isBridge()) {
        return new Class<?>[] {method.getParameterTypes()[0], method.getReturnType()};
      }
    }
    throw new IllegalStateException("cannot tell the event type of " + handlerClass.getName());
  }

  @FunctionalInterface
  private interface Invoker {
    String invoke(String eventJson, OutsideLambdaContext context) throws IOException;
  }
}
