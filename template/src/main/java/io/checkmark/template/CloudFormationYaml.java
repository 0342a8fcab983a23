package io.checkmark.template;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Loads a CloudFormation/SAM YAML document, turning the short-form tags ({@code !Ref}, {@code
 * !GetAtt}, {@code !Sub}, ...) into their long JSON forms ({@code {"Ref": ...}}), so that one
 * evaluator handles both spellings.
 */
public final class CloudFormationYaml {

  private static final List<String> FUNCTION_TAGS =
      List.of(
          "Base64",
          "Cidr",
          "FindInMap",
          "GetAZs",
          "ImportValue",
          "Join",
          "Select",
          "Split",
          "Sub",
          "Transform",
          "And",
          "Equals",
          "If",
          "Not",
          "Or",
          "ToJsonString",
          "Length");

  private CloudFormationYaml() {}

  public static Map<String, Object> load(Path path) {
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return load(reader);
    } catch (IOException e) {
      throw new TemplateException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> load(Reader reader) {
    Object document = new Yaml(new TagConstructor()).load(reader);
    if (!(document instanceof Map)) {
      throw new TemplateException("a template must be a YAML mapping");
    }
    return (Map<String, Object>) document;
  }

  private static final class TagConstructor extends SafeConstructor {
    TagConstructor() {
      super(new LoaderOptions());
      yamlConstructors.put(new Tag("!Ref"), new LongForm("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new LongForm("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new GetAttLongForm());
      for (String function : FUNCTION_TAGS) {
        yamlConstructors.put(new Tag("!" + function), new LongForm("Fn::" + function));
      }
    }

    private Object constructAny(Node node) {
      if (node instanceof ScalarNode scalar) {
        return constructScalar(scalar);
      }
      if (node instanceof SequenceNode sequence) {
        return constructSequence(sequence);
      }
      return constructMapping((MappingNode) node);
    }

    private class LongForm extends AbstractConstruct {
      private final String key;

      LongForm(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        return Map.of(key, constructAny(node));
      }
    }

    /**
     * {@code !GetAtt Resource.Attribute} is the one tag whose scalar form differs from its long
     * form.
     */
    private class GetAttLongForm extends AbstractConstruct {
      @Override
      public Object construct(Node node) {
        Object value = constructAny(node);
        if (value instanceof String dotted) {
          int dot = dotted.indexOf('.');
          if (dot < 1) {
            throw new TemplateException("!GetAtt needs Resource.Attribute, got " + dotted);
          }
          value = Arrays.asList(dotted.substring(0, dot), dotted.substring(dot + 1));
        }
        return Map.of("Fn::GetAtt", value);
      }
    }
  }
}
