package io.checkmark.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class ErrorFrameTest {

  @Test
  void messageAndEchoedFieldsTogetherHoldAtMostTwoHundredCharactersAndKeepTheCode() {
    ClientRequest request =
        new ClientRequest(
            "a".repeat(5_000), "r", "i".repeat(64), JsonNodeFactory.instance.objectNode());

    ErrorFrame frame = ErrorFrame.of(ProtocolException.badRequest("m".repeat(5_000)), request);

    assertThat(frame.code()).isEqualTo("BAD_REQUEST");
    assertThat(frame.message().length() + frame.action().length() + frame.id().length())
        .isLessThanOrEqualTo(200);
    assertThat(frame.message()).startsWith("mmm").endsWith("…");
    assertThat(frame.action()).startsWith("aaa").endsWith("…");
  }

  @Test
  void shortMessageAndFieldsAreEchoedWhole() {
    ClientRequest request =
        new ClientRequest("teleport", null, "m-1", JsonNodeFactory.instance.objectNode());

    ErrorFrame frame =
        ErrorFrame.of(new ProtocolException(ErrorCode.UNKNOWN_ACTION, "no such action"), request);

    assertThat(frame)
        .isEqualTo(
            new ErrorFrame("UNKNOWN_ACTION", "no such action", "teleport", "m-1", null, null));
  }

  @Test
  void truncationNeverSplitsASurrogatePair() {
    String emoji = "\ud83d\ude00";

    ErrorFrame frame = ErrorFrame.of(ProtocolException.badRequest(emoji.repeat(500)), null);

    assertThat(frame.message().length()).isLessThanOrEqualTo(200);
    assertThat(frame.message().codePoints()).allMatch(c -> c == 0x1f600 || c == '…');
  }

  @Test
  void aLoneSurrogateQuotedInTheMessageIsSentAsTheReplacementCharacter() {
    ErrorFrame frame =
        ErrorFrame.of(
            ProtocolException.badRequest("malformed JSON: Unexpected character ('\udc00')"), null);

    assertThat(frame.message()).isEqualTo("malformed JSON: Unexpected character ('\ufffd')");
  }
}
