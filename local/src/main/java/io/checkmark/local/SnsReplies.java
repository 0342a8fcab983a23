package io.checkmark.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlProperty;
import com.fasterxml.jackson.dataformat.xml.annotation.JacksonXmlRootElement;
import java.util.UUID;

/** SNS's query-protocol replies, in the XML the AWS SDKs read, written by Jackson. */
final class SnsReplies {

  static final String NAMESPACE = "http://sns.amazonaws.com/doc/2010-03-31/";
  private static final XmlMapper XML = new XmlMapper();

  private SnsReplies() {}

  static String published(String messageId) {
    return write(
        new PublishResponse(
            new PublishResult(messageId), new ResponseMetadata(UUID.randomUUID().toString())));
  }

  static String error(String code, String message) {
    return write(
        new ErrorResponse(new Error("Sender", code, message), UUID.randomUUID().toString()));
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
