package io.checkmark.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server message ids that sort as strings in acceptance order: the acceptance time in microseconds,
 * base 36, fixed width, then a random tail so that two Lambdas accepting in the same microsecond
 * still differ. A sender that waits for {@code accepted} before its next send has its next message
 * accepted at least a round trip later, far more than the clock skew between Lambdas.
 *
 * <p>After the prefix, a message id holds a MAC: 64 bits of HMAC-SHA256, keyed by the deployment's
 * secret, over the sender, the conversation (the recipient's phone) and the sortable prefix. So
 * {@code read} can tell, without a table read, that a reader received an id from that sender; the
 * fixed-width prefix still orders ids. It ends in the sender's phone (E.164, from its {@code +}),
 * so that an ack can address the {@code delivered} receipt without reading the item first: an id
 * names an item only if the server stored it under that very id, sender included. Ids minted before
 * the sender was appended end at the MAC. A group message's id has {@value #GROUP_MARK} before the
 * sender instead, its MAC taken over the group as conversation: its receipts name the group, which
 * the ack reads from the item. Receipt ids carry no MAC and end in {@value #RECEIPT_MARK}, so that
 * an ack can tell receipts (which set off nothing) from messages (which set off a receipt).
 */
public final class MessageIds {

  private static final int TIME_DIGITS = 11;
  private static final int TAIL_DIGITS = 6;
  private static final int PREFIX_DIGITS = TIME_DIGITS + TAIL_DIGITS;
  private static final int MAC_DIGITS = 13; // 36^13 > 2^64
  private static final long TAIL_RANGE = 2_176_782_336L; // 36^6
  private static final String RECEIPT_MARK = "-r";
  private static final String GROUP_MARK = "g";
  private static final String MAC_ALGORITHM = "HmacSHA256";
  private static final int MIN_KEY_BYTES = 32;

  private final Clock clock;
  private final SecureRandom random;
  private final Supplier<byte[]> keySource;
  private SecretKeySpec key;

  /**
   * @param keySource the MAC key, asked for once, when a message id is first minted or checked (a
   *     function that mints receipt ids only never asks)
   */
  public MessageIds(Clock clock, SecureRandom random, Supplier<byte[]> keySource) {
    this.clock = clock;
    this.random = random;
    this.keySource = keySource;
  }

  /** A new id for a message from {@code sender} in {@code conversation} (the recipient's phone). */
  public String next(String sender, String conversation) {
    String prefix = prefix();
    return prefix + mac(sender, conversation, prefix) + sender;
  }

  /** A new id for a message from {@code sender} in the group {@code groupId}. */
  public String nextInGroup(String sender, String groupId) {
    String prefix = prefix();
    return prefix + mac(sender, groupId, prefix) + GROUP_MARK + sender;
  }

  /** Whether an id is of a group message, as {@link #nextInGroup} makes them. */
  public static boolean isGroupMessage(String id) {
    int markAt = PREFIX_DIGITS + MAC_DIGITS;
    return id.length() > markAt + 1
        && id.startsWith(GROUP_MARK, markAt)
        && id.charAt(markAt + GROUP_MARK.length()) == '+';
  }

  /**
   * The sender a one-to-one message id names, if it names one (ids of receipts, of group messages
   * and older ids do not).
   */
  public static Optional<String> senderOf(String id) {
    int senderAt = PREFIX_DIGITS + MAC_DIGITS;
    return id.length() > senderAt + 1 && id.charAt(senderAt) == '+'
        ? Optional.of(id.substring(senderAt))
        : Optional.empty();
  }

  public String nextReceipt() {
    return prefix() + RECEIPT_MARK;
  }

  /**
   * Whether {@code id} is a message id this deployment minted for {@code sender} in {@code
   * conversation}.
   */
  public boolean isFrom(String id, String sender, String conversation) {
    int macEnd = PREFIX_DIGITS + MAC_DIGITS;
    if (id.length() < macEnd || (id.length() > macEnd && !id.substring(macEnd).equals(sender))) {
      return false;
    }
    return macMatches(id, sender, conversation);
  }

  /** Whether {@code id} is a message id this deployment minted for {@code sender} in the group. */
  public boolean isFromInGroup(String id, String sender, String groupId) {
    int macEnd = PREFIX_DIGITS + MAC_DIGITS;
    return id.equals(id.substring(0, Math.min(id.length(), macEnd)) + GROUP_MARK + sender)
        && macMatches(id, sender, groupId);
  }

  private boolean macMatches(String id, String sender, String conversation) {
    int macEnd = PREFIX_DIGITS + MAC_DIGITS;
    String expected = mac(sender, conversation, id.substring(0, PREFIX_DIGITS));
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        id.substring(PREFIX_DIGITS, macEnd).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Whether an id is a receipt's as {@link #nextReceipt()} makes them (ids from clients may be
   * anything).
   */
  public static boolean isReceipt(String id) {
    return id.length() == PREFIX_DIGITS + RECEIPT_MARK.length() && id.endsWith(RECEIPT_MARK);
  }

  /** The lowest id minted at or after {@code at}: ids sort as their acceptance times do. */
  public static String firstIdAt(Instant at) {
    return pad(Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, at), 36), TIME_DIGITS);
  }

  private String prefix() {
    Instant now = clock.instant();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    return pad(Long.toString(micros, 36), TIME_DIGITS)
        + pad(Long.toString((random.nextLong() & Long.MAX_VALUE) % TAIL_RANGE, 36), TAIL_DIGITS);
  }

  private synchronized SecretKeySpec key() {
    if (key == null) {
      byte[] bytes = keySource.get();
      if (bytes == null || bytes.length < MIN_KEY_BYTES) {
        throw new IllegalStateException(
            "a message id key needs at least " + MIN_KEY_BYTES + " bytes");
      }
      key = new SecretKeySpec(bytes, MAC_ALGORITHM);
    }
    return key;
  }

  private String mac(String sender, String conversation, String prefix) {
    try {
      Mac mac = Mac.getInstance(MAC_ALGORITHM);
      mac.init(key());
      // Phones hold no newline, so the three fields cannot be confused with one another.
      byte[] digest =
          mac.doFinal(
              (sender + "\n" + conversation + "\n" + prefix).getBytes(StandardCharsets.UTF_8));
      long truncated = 0;
      for (int i = 0; i < Long.BYTES; i++) {
        truncated = (truncated << 8) | (digest[i] & 0xff);
      }
      return pad(Long.toUnsignedString(truncated, 36), MAC_DIGITS);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is part of every JDK", e);
    }
  }

  private static String pad(String digits, int width) {
    return "0".repeat(Math.max(0, width - digits.length())) + digits;
  }
}
