package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.checkmark.protocol.ReceiptFrame;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupReceiptsTest {

  private final GroupReceipts receipts = new GroupReceipts();

  @Test
  void countsEachMemberOnceAndAReadAsDeliveredToo() {
    receipts.record(receipt("delivered", "+14155550101", "g-1", "m-1", "m-2"));
    receipts.record(receipt("delivered", "+14155550101", "g-1", "m-1"));
    receipts.record(receipt("read", "+14155550102", "g-1", "m-1"));

    assertThat(receipts.deliveredTo("m-1"))
        .containsExactlyInAnyOrder("+14155550101", "+14155550102");
    assertThat(receipts.readBy("m-1")).containsExactly("+14155550102");
    assertThat(receipts.summary("m-1", 4)).isEqualTo("delivered to 2 of 4, read by 1");
    assertThat(receipts.summary("m-2", 4)).isEqualTo("delivered to 1 of 4");
    assertThat(receipts.summary("m-3", 4)).isEqualTo("delivered to none of 4");
  }

  @Test
  void ignoresReceiptsOfOneToOneMessages() {
    receipts.record(receipt("delivered", "+14155550101", null, "m-1"));

    assertThat(receipts.deliveredTo("m-1")).isEmpty();
  }

  private static ReceiptFrame receipt(String status, String by, String group, String... ids) {
    return new ReceiptFrame("r-" + status + by, status, by, 1, group, List.of(ids), 1);
  }
}
