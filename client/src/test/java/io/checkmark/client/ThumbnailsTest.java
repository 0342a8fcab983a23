package io.checkmark.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThumbnailsTest {

  @TempDir Path directory;

  @Test
  void aLargeNoisyPhotoGetsAThumbnailThatFitsTheLimitAndThe320PixelBox() throws IOException {
    Path photo = png(noise(4000, 3000), "noise.png");

    Optional<String> thumbnail = Thumbnails.jpegThumbnail(photo);

    assertThat(thumbnail).isPresent();
    assertThat(thumbnail.get().length()).isLessThanOrEqualTo(Thumbnails.MAX_THUMBNAIL_BASE64_CHARS);
    BufferedImage decoded = decodeBase64Jpeg(thumbnail.get());
    assertThat(Math.max(decoded.getWidth(), decoded.getHeight())).isLessThanOrEqualTo(320);
    assertThat(decoded.getWidth()).isGreaterThan(decoded.getHeight());
  }

  @Test
  void aSmallImageIsNotEnlarged() throws IOException {
    Path icon = png(noise(50, 20), "small.png");

    BufferedImage decoded = decodeBase64Jpeg(Thumbnails.jpegThumbnail(icon).orElseThrow());

    assertThat(decoded.getWidth()).isEqualTo(50);
    assertThat(decoded.getHeight()).isEqualTo(20);
  }

  @Test
  void aFileThatIsNotAnImageHasNoThumbnail() throws IOException {
    Path text = Files.writeString(directory.resolve("notes.txt"), "not an image, just words\n");

    assertThat(Thumbnails.jpegThumbnail(text)).isEmpty();
  }

  private static BufferedImage noise(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(3);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    return image;
  }

  private Path png(BufferedImage image, String name) throws IOException {
    Path file = directory.resolve(name);
    ImageIO.write(image, "png", file.toFile());
    return file;
  }

  private static BufferedImage decodeBase64Jpeg(String base64) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
  }
}
