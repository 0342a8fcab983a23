package io.checkmark.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.protocol.ServerFrame;
import io.checkmark.protocol.WireJson;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web client's protocol types (src/protocol.ts) follow the server's frames: every permitted
 * subclass of {@link ServerFrame} has an interface there whose {@code type} literal is the frame's
 * wire type and whose fields are the record's components, and each record a frame nests (such as
 * {@code Media}) has an interface of its own name with its components. A protocol change the web
 * client does not follow fails the build here.
 */
class ProtocolTypesTest {

  private static final Path PROTOCOL_TS = Path.of("src", "protocol.ts");
  // A flat interface: nested records are interfaces of their own, so no braces inside.
  private static final Pattern INTERFACE =
      Pattern.compile("export interface (\\w+)(?: extends [\\w, ]+)? \\{([^{}]*)}");
  private static final Pattern FIELD = Pattern.compile("(?m)^\\s*(\\w+)\\??:\\s*(.+?);\\s*$");
  private static final Pattern TYPE_LITERAL = Pattern.compile("^\"(\\w+)\"$");
  private static final Pattern UNION = Pattern.compile("export type ServerFrame =([^;]+);");

  private static Map<String, Map<String, String>> interfaces;
  private static String source;

  @BeforeAll
  static void readProtocolTs() throws IOException {
    source = Files.readString(PROTOCOL_TS);
    interfaces = new LinkedHashMap<>();
    Matcher declaration = INTERFACE.matcher(source);
    while (declaration.find()) {
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher field = FIELD.matcher(declaration.group(2));
      while (field.find()) {
        fields.put(field.group(1), field.group(2));
      }
      interfaces.put(declaration.group(1), fields);
    }
  }

  @Test
  void everyServerFrameIsDeclaredWithItsWireTypeAndFields() throws Exception {
    List<Class<?>> frames = frames(ServerFrame.class);
    assertThat(frames).hasSizeGreaterThan(20);
    for (Class<?> frame : frames) {
      String type = wireType(frame);
      String declared = interfaceOfType(type);
      assertThat(declared)
          .as("protocol.ts declares no interface with type \"%s\" (%s)", type, frame.getName())
          .isNotNull();
      Set<String> expected = new LinkedHashSet<>(componentNames(frame));
      expected.add("type");
      assertThat(interfaces.get(declared).keySet())
          .as("fields of %s in protocol.ts against %s", declared, frame.getName())
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(unionMembers())
          .as("the ServerFrame union of protocol.ts names %s", declared)
          .contains(declared);
    }
  }

  @Test
  void everyRecordAFrameCarriesIsDeclaredUnderItsNameWithItsFields() {
    Set<Class<?>> nested = new LinkedHashSet<>();
    for (Class<?> frame : frames(ServerFrame.class)) {
      collectNestedRecords(frame, nested);
    }
    assertThat(nested).extracting(Class::getSimpleName).contains("Media", "Device");
    for (Class<?> record : nested) {
      assertThat(interfaces)
          .as("protocol.ts declares interface %s (%s)", record.getSimpleName(), record.getName())
          .containsKey(record.getSimpleName());
      assertThat(interfaces.get(record.getSimpleName()).keySet())
          .as("fields of %s in protocol.ts against %s", record.getSimpleName(), record.getName())
          .containsExactlyInAnyOrderElementsOf(componentNames(record));
    }
  }

  @Test
  void protocolTsDeclaresNoFrameTheServerDoesNotSend() throws Exception {
    Set<String> wireTypes = new LinkedHashSet<>();
    for (Class<?> frame : frames(ServerFrame.class)) {
      wireTypes.add(wireType(frame));
    }
    Set<String> declaredTypes =
        interfaces.values().stream()
            .map(fields -> fields.get("type"))
            .filter(type -> type != null && TYPE_LITERAL.matcher(type).matches())
            .map(type -> type.substring(1, type.length() - 1))
            .collect(Collectors.toCollection(LinkedHashSet::new));
    assertThat(declaredTypes).containsExactlyInAnyOrderElementsOf(wireTypes);
  }

  /** The permitted subclasses of a sealed type, those of nested sealed types included. */
  private static List<Class<?>> frames(Class<?> sealed) {
    List<Class<?>> frames = new ArrayList<>();
    for (Class<?> permitted : sealed.getPermittedSubclasses()) {
      if (permitted.isSealed()) {
        frames.addAll(frames(permitted));
      } else {
        frames.add(permitted);
      }
    }
    return frames;
  }

  /**
   * The frame's {@code type} as the server writes it: an instance with empty components, written by
   * the protocol's own {@link WireJson}, so the test follows however it names types.
   */
  private static String wireType(Class<?> frame) throws Exception {
    RecordComponent[] components = frame.getRecordComponents();
    Class<?>[] types =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new);
    Object[] values = Arrays.stream(types).map(ProtocolTypesTest::emptyValue).toArray();
    ServerFrame instance = (ServerFrame) frame.getDeclaredConstructor(types).newInstance(values);
    return WireJson.readTree(WireJson.write(instance)).get("type").asText();
  }

  private static Object emptyValue(Class<?> type) {
    if (type == int.class) {
      return 0;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == boolean.class) {
      return false;
    }
    return null;
  }

  private static List<String> componentNames(Class<?> record) {
    return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static String interfaceOfType(String type) {
    return interfaces.entrySet().stream()
        .filter(entry -> ("\"" + type + "\"").equals(entry.getValue().get("type")))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  private static Set<String> unionMembers() {
    Matcher union = UNION.matcher(source);
    assertThat(union.find()).as("protocol.ts declares the ServerFrame union").isTrue();
    return Arrays.stream(union.group(1).split("\\|"))
        .map(String::trim)
        .filter(name -> !name.isEmpty())
        .collect(Collectors.toSet());
  }

  /** Records among a record's component types, and the element types of its lists. */
  private static void collectNestedRecords(Class<?> record, Set<Class<?>> found) {
    for (RecordComponent component : record.getRecordComponents()) {
      for (Class<?> type : typesIn(component.getGenericType())) {
        if (type.isRecord() && found.add(type)) {
          collectNestedRecords(type, found);
        }
      }
    }
  }

  private static List<Class<?>> typesIn(Type type) {
    if (type instanceof Class<?> plain) {
      return List.of(plain);
    }
    if (type instanceof ParameterizedType parameterized) {
      List<Class<?>> types = new ArrayList<>();
      for (Type argument : parameterized.getActualTypeArguments()) {
        types.addAll(typesIn(argument));
      }
      return types;
    }
    return List.of();
  }
}
