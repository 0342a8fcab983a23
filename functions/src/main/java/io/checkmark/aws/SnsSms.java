package io.checkmark.aws;

import io.checkmark.core.SmsSender;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** SMS through Amazon SNS's {@code Publish} to a phone number, as transactional messages. */
public final class SnsSms implements SmsSender {

  private final SnsClient sns;
  private final Map<String, MessageAttributeValue> attributes;

  /**
   * @param senderId the alphanumeric sender id shown where carriers allow it, or null
   */
  public SnsSms(SnsClient sns, String senderId) {
    this.sns = sns;
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    attributes.put("AWS.SNS.SMS.SMSType", text("Transactional"));
    if (senderId != null && !senderId.isBlank()) {
      attributes.put("AWS.SNS.SMS.SenderID", text(senderId));
    }
    this.attributes = Map.copyOf(attributes);
  }

  @Override
  public void send(String phone, String text) {
    sns.publish(r -> r.phoneNumber(phone).message(text).messageAttributes(attributes));
  }

  private static MessageAttributeValue text(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }
}
