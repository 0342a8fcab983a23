package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import io.checkmark.aws.MessagesTable;
import io.checkmark.core.DeviceRef;
import io.checkmark.core.PushNotifications;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Messages table's stream (new messages and group updates only, by the event source's filter):
 * wakes the devices they were stored for that are offline, by push. It runs after the store, so a
 * sender's {@code accepted} never waits for a push. A batch that fails is retried whole: pushes
 * already sent in it are within their collapse window, so the retry does not send them again.
 */
public final class NotifyHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(NotifyHandler.class);

  private final PushNotifications pushes;

  public NotifyHandler() {
    this(Composition.lambda(true));
  }

  public NotifyHandler(Composition root) {
    this.pushes = root.pushNotifications();
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    List<DeviceRef> owners = new ArrayList<>();
    for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
      if (record.getDynamodb().getNewImage() != null) {
        MessagesTable.wakingOwner(
                DynamodbAttributeValueTransformer.toAttributeValueMapV2(
                    record.getDynamodb().getNewImage()))
            .ifPresent(owners::add);
      }
    }
    try {
      pushes.wake(owners);
    } catch (RuntimeException failure) {
      LOG.error("waking {} devices failed; the batch will be retried", owners.size(), failure);
      String first = event.getRecords().get(0).getDynamodb().getSequenceNumber();
      return new StreamsEventResponse(List.of(new StreamsEventResponse.BatchItemFailure(first)));
    }
    return new StreamsEventResponse(List.of());
  }
}
