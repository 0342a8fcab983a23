package io.checkmark.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WireJsonTest {

  record Fields(String phone, Integer limit) {}

  @Test
  void frameTypeIsTheRecordNameWithoutFrameSuffix() {
    assertThat(WireJson.typeName(ErrorFrame.class)).isEqualTo("error");
    assertThat(WireJson.typeName(Pong.class)).isEqualTo("pong");
  }

  @Test
  void errorFrameWritesTypeFirstAndLeavesAbsentFieldsOut() {
    ErrorFrame frame = new ErrorFrame("BAD_REQUEST", "no", null, null, null, 3);

    assertThat(WireJson.write(frame, "r"))
        .isEqualTo(
            "{\"type\":\"error\",\"code\":\"BAD_REQUEST\",\"message\":\"no\",\"attemptsLeft\":3,\"ref\":\"r\"}");
  }

  @Test
  void parsesEnvelopeFields() {
    ClientRequest request =
        WireJson.parseRequest("{\"action\":\"send\",\"ref\":\"a\",\"id\":\"m-1\",\"to\":\"+1\"}");

    assertThat(request.action()).isEqualTo("send");
    assertThat(request.ref()).isEqualTo("a");
    assertThat(request.id()).isEqualTo("m-1");
  }

  @Test
  void readsActionFieldsWithoutCoercingTypes() {
    ClientRequest good =
        WireJson.parseRequest("{\"action\":\"x\",\"phone\":\"+15551234567\",\"limit\":5}");
    assertThat(WireJson.fields(good, Fields.class)).isEqualTo(new Fields("+15551234567", 5));

    ClientRequest numberAsPhone = WireJson.parseRequest("{\"action\":\"x\",\"phone\":15551234567}");
    assertThatThrownBy(() -> WireJson.fields(numberAsPhone, Fields.class))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));

    ClientRequest stringAsLimit = WireJson.parseRequest("{\"action\":\"x\",\"limit\":\"5\"}");
    assertThatThrownBy(() -> WireJson.fields(stringAsLimit, Fields.class))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));

    ClientRequest fractionAsLimit = WireJson.parseRequest("{\"action\":\"x\",\"limit\":5.5}");
    assertThatThrownBy(() -> WireJson.fields(fractionAsLimit, Fields.class))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void duplicateKeysAreRefused() {
    assertThatThrownBy(() -> WireJson.parseRequest("{\"action\":\"a\",\"action\":\"b\"}"))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(
      strings = {
        "{\"action\":\"send\",\"body\":\"\\ud800\"}",
        "{\"action\":\"send\",\"body\":\"\\udc00\"}",
        "{\"action\":\"send\",\"body\":\"a\\ud800b\"}",
        "{\"action\":\"send\",\"body\":\"\\ude00\\ud83d\"}",
        "{\"action\":\"send\",\"x\\ud800\":1}",
        "{\"action\":\"send\",\"media\":{\"list\":[1,{\"deep\":\"\\udbff\"}]}}",
        "{\"action\":\"send\",\"body\":\"raw \ud800 surrogate\"}"
      })
  void aLoneSurrogateAnywhereInTheFrameIsBadRequest(String frame) {
    assertThatThrownBy(() -> WireJson.parseRequest(frame))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
  }

  @Test
  void surrogatePairsAreText() {
    ClientRequest request =
        WireJson.parseRequest("{\"action\":\"send\",\"body\":\"\\ud83d\\ude00 \ud83d\ude00\"}");

    assertThat(request.fields().get("body").textValue()).isEqualTo("\ud83d\ude00 \ud83d\ude00");
  }

  @Test
  void everyServerFrameReadsBackAsTheRecordItWasWrittenFrom() {
    ServerFrame[] frames = {
      new Accepted("c-1", "m-1", "+14155550100", null, 5),
      new Accepted("c-9", "m-9", null, "g-1", 9),
      new GroupCreated(
          "g-1", "Friends", java.util.List.of("+14155550100"), java.util.List.of("+14155550100")),
      new GroupUpdated(
          "g-1", "Family", java.util.List.of("+14155550100"), java.util.List.of("+14155550100")),
      new GroupFrame(
          "g-1", "Family", java.util.List.of("+14155550100"), java.util.List.of("+14155550100")),
      new GroupLeft("g-1"),
      new MessageFrame(
          "m-1",
          "+14155550101",
          2,
          null,
          null,
          "c-1",
          "hi \"there\"",
          5,
          new Media("https://x/y", "image/png", "AAEC")),
      new MessageFrame("m-2", "+14155550100", 1, "+14155550101", null, "c-2", "sent", 6, null),
      new MessageFrame("m-3", "+14155550100", 1, null, "g-1", "c-3", "to all", 7, null),
      new ReceiptFrame(
          "r-1", "delivered", "+14155550100", 1, null, java.util.List.of("m-1", "m-2"), 6),
      new ReceiptFrame("r-2", "read", "+14155550101", 1, "g-1", java.util.List.of("m-3"), 8),
      new GroupUpdateFrame(
          "u-1",
          "g-1",
          "created",
          "+14155550100",
          "Friends",
          java.util.List.of("+14155550100", "+14155550101"),
          java.util.List.of("+14155550100"),
          9),
      new LinkCode("bGlua2NvZGU", 300),
      new Linked("+14155550100", 2, "key"),
      new DeviceLinked(2, "Firefox on Linux"),
      new DeviceUnlinked(2),
      new Devices(
          java.util.List.of(
              new Devices.Device(1, null, 1, 5L), new Devices.Device(2, "laptop", 3, null))),
      new LoggedIn("+14155550100", 2),
      new ErrorFrame("RATE_LIMITED", "slow down", "send", "c-2", 3, null),
      new Synced(2, true),
      new TypingFrame("+14155550101", null, "typing"),
      new TypingFrame("+14155550101", "g-1", "paused"),
      new Presence("+14155550101", true, 1_700_000_040_000L),
      new Presence("+14155550101", false, null),
      new PrivacySet(),
      new Blocked("+14155550101"),
      new Unblocked("+14155550101"),
      new BlockList(java.util.List.of("+14155550101", "+14155550102")),
    };
    for (ServerFrame frame : frames) {
      WireJson.Received received =
          WireJson.parseFrame(WireJson.write(frame, "ref-1")).orElseThrow();

      assertThat(received.frame()).isEqualTo(frame);
      assertThat(received.ref()).isEqualTo("ref-1");
    }
  }

  @Test
  void aHiddenLastSeenIsWrittenAsNullNotLeftOut() {
    assertThat(WireJson.write(new Presence("+14155550101", false, null)))
        .isEqualTo(
            "{\"type\":\"presence\",\"phone\":\"+14155550101\",\"online\":false,"
                + "\"lastSeen\":null}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"type\":\"poll\",\"from\":\"+14155550100\"}",
        "{\"messageId\":\"m-1\"}",
        "[1,2]",
        "not json",
        "{\"type\":\"synced\",\"count\":\"2\"}",
      })
  void frameOfAnUnknownTypeOrUnreadableIsSkippedNotThrown(String frame) {
    assertThat(WireJson.parseFrame(frame)).isEmpty();
  }

  @Test
  void framesAreReadUnderTheSameNestingLimitAsRequests() {
    String deep =
        "{\"type\":\"synced\",\"count\":1,\"more\":false,\"x\":"
            + "[".repeat(WireJson.MAX_NESTING_DEPTH + 1)
            + "]".repeat(WireJson.MAX_NESTING_DEPTH + 1)
            + "}";

    assertThat(WireJson.parseFrame(deep)).isEmpty();
  }
}
