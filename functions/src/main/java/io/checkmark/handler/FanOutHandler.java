package io.checkmark.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.transformers.v2.dynamodb.DynamodbAttributeValueTransformer;
import io.checkmark.aws.GroupEventsTable;
import io.checkmark.core.GroupFanOut;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GroupEvents table's stream: each new event (a group message or change) is copied into every
 * recipient device's queue. Records are taken in order; the first that fails is reported, with
 * those after it, as the batch's failure (partial batch response), so the event source mapping
 * retries from it and nothing before it runs twice. A run that a crash cut short is simply run
 * again: the fan-out goes on from its progress marker.
 */
public final class FanOutHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

  private static final Logger LOG = LoggerFactory.getLogger(FanOutHandler.class);
  private static final String INSERT = "INSERT";

  private final GroupFanOut fanOut;

  public FanOutHandler() {
    this(Composition.lambda(true));
  }

  public FanOutHandler(Composition root) {
    this.fanOut = root.groupFanOut();
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
      // Events are only ever inserted; their expiry (a REMOVE) sets off nothing.
      if (!INSERT.equals(record.getEventName())) {
        continue;
      }
      try {
        fanOut.deliver(
            GroupEventsTable.eventOf(
                DynamodbAttributeValueTransformer.toAttributeValueMapV2(
                    record.getDynamodb().getNewImage())));
      } catch (RuntimeException failure) {
        String sequenceNumber = record.getDynamodb().getSequenceNumber();
        LOG.error(
            "fan-out of stream record {} failed; it will be retried", sequenceNumber, failure);
        return new StreamsEventResponse(
            List.of(new StreamsEventResponse.BatchItemFailure(sequenceNumber)));
      }
    }
    return new StreamsEventResponse(List.of());
  }
}
