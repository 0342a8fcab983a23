package io.checkmark.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates the CloudFormation intrinsic functions a template uses to wire itself together ({@code
 * Ref}, {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code
 * Fn::Split}, {@code Fn::If} and the condition functions) against local values.
 */
final class Intrinsics {

  /** Marks a value removed by {@code AWS::NoValue}. */
  private static final Object NO_VALUE = new Object();

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

  private final Map<String, Object> pseudoAndParameters;
  private final Map<String, Object> conditions;
  private final Function<String, String> resourceRef;
  private final BiFunction<String, String, String> resourceAttribute;

  Intrinsics(
      Map<String, Object> pseudoAndParameters,
      Map<String, Object> conditions,
      Function<String, String> resourceRef,
      BiFunction<String, String, String> resourceAttribute) {
    this.pseudoAndParameters = pseudoAndParameters;
    this.conditions = conditions;
    this.resourceRef = resourceRef;
    this.resourceAttribute = resourceAttribute;
  }

  Object resolve(Object value) {
    Object resolved = evaluate(value);
    return resolved == NO_VALUE ? null : resolved;
  }

  String resolveString(Object value) {
    Object resolved = resolve(value);
    return resolved == null ? null : String.valueOf(resolved);
  }

  private Object evaluate(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.size() == 1) {
        String key = String.valueOf(map.keySet().iterator().next());
        Object argument = map.values().iterator().next();
        if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition")) {
          return function(key, argument);
        }
      }
      Map<String, Object> result = new LinkedHashMap<>();
      map.forEach(
          (k, v) -> {
            Object resolved = evaluate(v);
            if (resolved != NO_VALUE) {
              result.put(String.valueOf(k), resolved);
            }
          });
      return result;
    }
    if (value instanceof List<?> list) {
      List<Object> result = new ArrayList<>();
      for (Object item : list) {
        Object resolved = evaluate(item);
        if (resolved != NO_VALUE) {
          result.add(resolved);
        }
      }
      return result;
    }
    return value;
  }

  private Object function(String name, Object argument) {
    switch (name) {
      case "Ref":
        return ref(String.valueOf(argument));
      case "Fn::GetAtt":
        {
          List<?> parts = list(name, argument, 2);
          return resourceAttribute.apply(
              String.valueOf(parts.get(0)), String.valueOf(evaluate(parts.get(1))));
        }
      case "Fn::Sub":
        return sub(argument);
      case "Fn::Join":
        {
          List<?> parts = list(name, argument, 2);
          List<String> items = new ArrayList<>();
          for (Object item : list(name, evaluate(parts.get(1)), 0)) {
            items.add(String.valueOf(item));
          }
          return String.join(String.valueOf(parts.get(0)), items);
        }
      case "Fn::Select":
        {
          List<?> parts = list(name, argument, 2);
          int index = Integer.parseInt(String.valueOf(evaluate(parts.get(0))));
          return list(name, evaluate(parts.get(1)), 0).get(index);
        }
      case "Fn::Split":
        {
          List<?> parts = list(name, argument, 2);
          return List.of(
              String.valueOf(evaluate(parts.get(1)))
                  .split(Pattern.quote(String.valueOf(parts.get(0))), -1));
        }
      case "Fn::If":
        {
          List<?> parts = list(name, argument, 3);
          return evaluate(condition(String.valueOf(parts.get(0))) ? parts.get(1) : parts.get(2));
        }
      case "Fn::Equals":
        {
          List<?> parts = list(name, argument, 2);
          return Objects.equals(
              String.valueOf(evaluate(parts.get(0))), String.valueOf(evaluate(parts.get(1))));
        }
      case "Fn::Not":
        return !truth(list(name, argument, 1).get(0));
      case "Fn::And":
        return list(name, argument, 0).stream().allMatch(this::truth);
      case "Fn::Or":
        return list(name, argument, 0).stream().anyMatch(this::truth);
      case "Condition":
        return condition(String.valueOf(argument));
      default:
        throw new TemplateException(name + " is not supported by the local tools");
    }
  }

  private Object ref(String name) {
    if (name.equals("AWS::NoValue")) {
      return NO_VALUE;
    }
    if (pseudoAndParameters.containsKey(name)) {
      return pseudoAndParameters.get(name);
    }
    return resourceRef.apply(name);
  }

  boolean condition(String name) {
    if (!conditions.containsKey(name)) {
      throw new TemplateException("no condition named " + name);
    }
    return truth(conditions.get(name));
  }

  private boolean truth(Object expression) {
    return Boolean.parseBoolean(String.valueOf(evaluate(expression)));
  }

  private Object sub(Object argument) {
    String text;
    Map<?, ?> variables = Map.of();
    if (argument instanceof List<?> parts) {
      text = String.valueOf(parts.get(0));
      variables = (Map<?, ?>) parts.get(1);
    } else {
      text = String.valueOf(argument);
    }
    Matcher matcher = SUB_VARIABLE.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String variable = matcher.group(1);
      String replacement;
      if (variable.startsWith("!")) {
        replacement = "${" + variable.substring(1) + "}";
      } else if (variables.containsKey(variable)) {
        replacement = String.valueOf(evaluate(variables.get(variable)));
      } else if (variable.contains(".") && !variable.startsWith("AWS::")) {
        int dot = variable.indexOf('.');
        replacement =
            resourceAttribute.apply(variable.substring(0, dot), variable.substring(dot + 1));
      } else {
        replacement = String.valueOf(ref(variable));
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString();
  }

  private static List<?> list(String function, Object argument, int minimumSize) {
    if (!(argument instanceof List<?> list) || list.size() < minimumSize) {
      throw new TemplateException(
          function + " needs a list of at least " + minimumSize + " items, got " + argument);
    }
    return list;
  }
}
