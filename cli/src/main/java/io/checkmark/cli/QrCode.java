package io.checkmark.cli;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code drawn with Unicode half blocks, two modules high per line of text, for a phone's camera
 * to read off a terminal. Drawn for the usual dark terminal: a light module is a filled block and a
 * dark one the terminal's background, so the code shows dark on light, inside its light quiet zone.
 */
final class QrCode {

  /** The quiet zone the QR standard asks for, in modules, on every side. */
  static final int QUIET_ZONE = 4;

  static final char BOTH_LIGHT = '█';
  static final char TOP_LIGHT = '▀';
  static final char BOTTOM_LIGHT = '▄';
  static final char BOTH_DARK = ' ';

  private QrCode() {}

  /** The lines of text that draw {@code text} as a QR code, each ending with a line break. */
  static String render(String text) {
    BitMatrix modules = encode(text);
    StringBuilder drawn = new StringBuilder();
    for (int y = 0; y < modules.getHeight(); y += 2) {
      for (int x = 0; x < modules.getWidth(); x++) {
        boolean topLight = !modules.get(x, y);
        // An odd last row is drawn over a light row: more quiet zone.
        boolean bottomLight = y + 1 >= modules.getHeight() || !modules.get(x, y + 1);
        drawn.append(
            topLight
                ? (bottomLight ? BOTH_LIGHT : TOP_LIGHT)
                : (bottomLight ? BOTTOM_LIGHT : BOTH_DARK));
      }
      drawn.append('\n');
    }
    return drawn.toString();
  }

  /** One bit per module, dark set, with the quiet zone around it. */
  private static BitMatrix encode(String text) {
    try {
      // Level L keeps the code small; a screen shown to a camera is not a damaged print.
      return new QRCodeWriter()
          .encode(
              text,
              BarcodeFormat.QR_CODE,
              0,
              0,
              Map.of(
                  EncodeHintType.MARGIN,
                  QUIET_ZONE,
                  EncodeHintType.ERROR_CORRECTION,
                  ErrorCorrectionLevel.L,
                  EncodeHintType.CHARACTER_SET,
                  "UTF-8"));
    } catch (WriterException tooLong) {
      throw new IllegalArgumentException(
          "cannot draw a QR code of " + text.length() + " characters", tooLong);
    }
  }
}
