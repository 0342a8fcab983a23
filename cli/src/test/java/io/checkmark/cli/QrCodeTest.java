package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.DecodeHintType;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drawn code is read back as a camera would: blocks to modules, modules to pixels, decoded. */
class QrCodeTest {

  private static final int PIXELS_PER_MODULE = 4;

  @Test
  void aDrawnLinkCodeDecodesToTheCode() throws Exception {
    String code = "q3X_9-aVb0Lr2mT7sKc1Zw";

    String drawn = QrCode.render(code);

    assertThat(decode(drawn)).isEqualTo(code);
  }

  @Test
  void drawsTwoModuleRowsPerLineWithALightQuietZone() {
    List<String> lines = QrCode.render("some code").lines().toList();

    BitMatrix modules = parse(String.join("\n", lines));
    assertThat(lines).allSatisfy(line -> assertThat(line).hasSize(lines.get(0).length()));
    assertThat(lines).allSatisfy(line -> assertThat(line).matches("[█▀▄ ]+"));
    // The finder pattern's dark corner sits just inside the quiet zone.
    assertThat(modules.get(QrCode.QUIET_ZONE, QrCode.QUIET_ZONE)).isTrue();
    for (int i = 0; i < QrCode.QUIET_ZONE; i++) {
      assertThat(modules.get(i, QrCode.QUIET_ZONE)).as("left quiet zone").isFalse();
      assertThat(modules.get(QrCode.QUIET_ZONE, i)).as("top quiet zone").isFalse();
    }
    assertThat(lines.get(0)).as("the top line is all quiet zone").matches("█+");
  }

  /** The modules drawn, dark set: each character holds a top and a bottom module. */
  private static BitMatrix parse(String drawn) {
    List<String> lines = drawn.lines().toList();
    BitMatrix modules = new BitMatrix(lines.get(0).length(), lines.size() * 2);
    for (int line = 0; line < lines.size(); line++) {
      String text = lines.get(line);
      for (int x = 0; x < text.length(); x++) {
        char block = text.charAt(x);
        if (block == QrCode.BOTTOM_LIGHT || block == QrCode.BOTH_DARK) {
          modules.set(x, 2 * line);
        }
        if (block == QrCode.TOP_LIGHT || block == QrCode.BOTH_DARK) {
          modules.set(x, 2 * line + 1);
        }
      }
    }
    return modules;
  }

  private static String decode(String drawn) throws Exception {
    BitMatrix modules = parse(drawn);
    int width = modules.getWidth() * PIXELS_PER_MODULE;
    int height = modules.getHeight() * PIXELS_PER_MODULE;
    int[] pixels = new int[width * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        boolean dark = modules.get(x / PIXELS_PER_MODULE, y / PIXELS_PER_MODULE);
        pixels[y * width + x] = dark ? 0xFF000000 : 0xFFFFFFFF;
      }
    }
    BinaryBitmap image =
        new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(width, height, pixels)));
    return new QRCodeReader()
        .decode(image, Map.of(DecodeHintType.TRY_HARDER, Boolean.TRUE))
        .getText();
  }
}
