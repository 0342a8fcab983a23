package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlElementWrapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** SNS's query-protocol replies, in the XML the AWS SDKs read, written by Jackson. */
final class SnsReplies {

  static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
  private static final XmlMapper XML = new XmlMapper();

  private SnsReplies() {}

  static String published(String messageId) {
    return write(new PublishResponse(new PublishResult(messageId), newMetadata()));
  }

  static String endpointCreated(String endpointArn) {
    return write(
        new CreatePlatformEndpointResponse(
            new CreatePlatformEndpointResult(endpointArn), newMetadata()));
  }

  static String endpointAttributes(Map<String, String> attributes) {
    List<Entry> entries =
        attributes.entrySet().stream()
            .map(attribute -> new Entry(attribute.getKey(), attribute.getValue()))
            .toList();
    return write(
        new GetEndpointAttributesResponse(new GetEndpointAttributesResult(entries), newMetadata()));
  }

  static String endpointAttributesSet() {
    return write(new SetEndpointAttributesResponse(newMetadata()));
  }

  static String endpointDeleted() {
    return write(new DeleteEndpointResponse(newMetadata()));
  }

  /** An error reply: the sender's fault below status 500, SNS's own ({@code Receiver}) from it. */
  static String error(int status, String code, String message) {
    return write(
        new ErrorResponse(
            new Error(status >= 500 ? "Receiver" : "Sender", code, message),
            UUID.randomUUID().toString()));
  }

  private static ResponseMetadata newMetadata() {
    return new ResponseMetadata(UUID.randomUUID().toString());
  }

  private static String write(Object reply) {
    try {
      return XML.writeValueAsString(reply);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + reply, e);
    }
  }

  @JacksonXmlRootElement(localName = "PublishResponse", namespace = NAMESPACE)
  record PublishResponse(
      @JacksonXmlProperty(localName = "PublishResult", namespace = NAMESPACE) PublishResult result,
      @JacksonXmlProperty(localName = "ResponseMetadata", namespace = NAMESPACE)
          ResponseMetadata metadata) {}

  record PublishResult(
      @JacksonXmlProperty(localName = "MessageId", namespace = NAMESPACE) String messageId) {}

  @JacksonXmlRootElement(localName = "CreatePlatformEndpointResponse", namespace = NAMESPACE)
  record CreatePlatformEndpointResponse(
      @JacksonXmlProperty(localName = "CreatePlatformEndpointResult", namespace = NAMESPACE)
          CreatePlatformEndpointResult result,
      @JacksonXmlProperty(localName = "ResponseMetadata", namespace = NAMESPACE)
          ResponseMetadata metadata) {}

  record CreatePlatformEndpointResult(
      @JacksonXmlProperty(localName = "EndpointArn", namespace = NAMESPACE) String endpointArn) {}

  @JacksonXmlRootElement(localName = "GetEndpointAttributesResponse", namespace = NAMESPACE)
  record GetEndpointAttributesResponse(
      @JacksonXmlProperty(localName = "GetEndpointAttributesResult", namespace = NAMESPACE)
          GetEndpointAttributesResult result,
      @JacksonXmlProperty(localName = "ResponseMetadata", namespace = NAMESPACE)
          ResponseMetadata metadata) {}

  /** {@code <Attributes><entry><key>..</key><value>..</value></entry>...</Attributes>}. */
  record GetEndpointAttributesResult(
      @JacksonXmlElementWrapper(localName = "Attributes", namespace = NAMESPACE)
          @JacksonXmlProperty(localName = "entry", namespace = NAMESPACE)
          List<Entry> attributes) {}

  record Entry(
      @JacksonXmlProperty(localName = "key", namespace = NAMESPACE) String key,
      @JacksonXmlProperty(localName = "value", namespace = NAMESPACE) String value) {}

  @JacksonXmlRootElement(localName = "SetEndpointAttributesResponse", namespace = NAMESPACE)
  record SetEndpointAttributesResponse(
      @JacksonXmlProperty(localName = "ResponseMetadata", namespace = NAMESPACE)
          ResponseMetadata metadata) {}

  @JacksonXmlRootElement(localName = "DeleteEndpointResponse", namespace = NAMESPACE)
  record DeleteEndpointResponse(
      @JacksonXmlProperty(localName = "ResponseMetadata", namespace = NAMESPACE)
          ResponseMetadata metadata) {}

  record ResponseMetadata(
      @JacksonXmlProperty(localName = "RequestId", namespace = NAMESPACE) String requestId) {}

  @JacksonXmlRootElement(localName = "ErrorResponse", namespace = NAMESPACE)
  record ErrorResponse(
      @JacksonXmlProperty(localName = "Error", namespace = NAMESPACE) Error error,
      @JacksonXmlProperty(localName = "RequestId", namespace = NAMESPACE) String requestId) {}

  record Error(
      @JacksonXmlProperty(localName = "Type", namespace = NAMESPACE) String type,
      @JacksonXmlProperty(localName = "Code", namespace = NAMESPACE) String code,
      @JacksonXmlProperty(localName = "Message", namespace = NAMESPACE) String message) {}
}
