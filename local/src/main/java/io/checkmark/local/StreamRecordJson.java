package io.checkmark.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * A DynamoDB stream record in the JSON form Lambda gives it, both in a function's event and to its
 * filter patterns: images in DynamoDB's JSON ({@code {"S": "..."}}).
 */
final class StreamRecordJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamRecordJson() {}

  static ObjectNode of(Record record, String region, String streamArn) {
    ObjectNode json = JSON.createObjectNode();
    json.put("eventID", record.eventID())
        .put("eventName", record.eventNameAsString())
        .put("eventVersion", record.eventVersion())
        .put("eventSource", "aws:dynamodb")
        .put("awsRegion", region)
        .put("eventSourceARN", streamArn);
    ObjectNode dynamodb = json.putObject("dynamodb");
    var change = record.dynamodb();
    if (change.approximateCreationDateTime() != null) {
      dynamodb.put(
          "ApproximateCreationDateTime", change.approximateCreationDateTime().getEpochSecond());
    }
    dynamodb.set("Keys", image(change.keys()));
    if (change.hasNewImage()) {
      dynamodb.set("NewImage", image(change.newImage()));
    }
    if (change.hasOldImage()) {
      dynamodb.set("OldImage", image(change.oldImage()));
    }
    dynamodb
        .put("SequenceNumber", change.sequenceNumber())
        .put("SizeBytes", change.sizeBytes())
        .put("StreamViewType", change.streamViewTypeAsString());
    return json;
  }

  private static ObjectNode image(Map<String, AttributeValue> item) {
    ObjectNode json = JSON.createObjectNode();
    item.forEach((name, value) -> json.set(name, attribute(value)));
    return json;
  }

  /** One attribute in DynamoDB's JSON form ({@code {"S": "..."}}), as stream events carry it. */
  private static ObjectNode attribute(AttributeValue value) {
    ObjectNode json = JSON.createObjectNode();
    switch (value.type()) {
      case S -> json.put("S", value.s());
      case N -> json.put("N", value.n());
      case B -> json.put("B", base64(value.b()));
      case BOOL -> json.put("BOOL", value.bool());
      case NUL -> json.put("NULL", true);
      case SS -> value.ss().forEach(json.putArray("SS")::add);
      case NS -> value.ns().forEach(json.putArray("NS")::add);
      case BS -> {
        ArrayNode list = json.putArray("BS");
        value.bs().forEach(bytes -> list.add(base64(bytes)));
      }
      case L -> {
        ArrayNode list = json.putArray("L");
        value.l().forEach(element -> list.add(attribute(element)));
      }
      case M -> json.set("M", image(value.m()));
      default -> throw new IllegalArgumentException("unknown attribute type " + value.type());
    }
    return json;
  }

  private static String base64(SdkBytes bytes) {
    return Base64.getEncoder().encodeToString(bytes.asByteArray());
  }
}
