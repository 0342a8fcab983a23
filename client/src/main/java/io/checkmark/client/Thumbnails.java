package io.checkmark.client;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Small JPEG previews of images, sent base64 inside the message so the recipient sees something
 * before the attachment downloads. Uses only headless image APIs.
 */
public final class Thumbnails {

  /** The most base64 text a thumbnail may take in a message. */
  public static final int MAX_THUMBNAIL_BASE64_CHARS = 16 * 1024;

  /** Longest sides tried, largest first, until the thumbnail fits. */
  private static final List<Integer> LONGER_SIDES = List.of(320, 240, 160, 96, 64);

  private static final List<Float> JPEG_QUALITIES = List.of(0.7f, 0.55f, 0.4f);

  private Thumbnails() {}

  /**
   * A base64 JPEG of the image, at most 320 px on its longer side (never enlarged) and at most
   * {@link #MAX_THUMBNAIL_BASE64_CHARS} characters; empty when the file is not an image the Java
   * runtime can decode (or cannot be read): the attachment then goes without a thumbnail.
   */
  public static Optional<String> jpegThumbnail(Path imageFile) {
    Optional<BufferedImage> image = decode(imageFile, LONGER_SIDES.get(0));
    if (image.isEmpty()) {
      return Optional.empty();
    }
    for (int longerSide : LONGER_SIDES) {
      BufferedImage scaled = fitWithin(image.get(), longerSide);
      for (float quality : JPEG_QUALITIES) {
        String base64 = Base64.getEncoder().encodeToString(jpeg(scaled, quality));
        if (base64.length() <= MAX_THUMBNAIL_BASE64_CHARS) {
          return Optional.of(base64);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Decodes the image, skipping pixels while it stays at least twice {@code longerSide}: a phone
   * photo would otherwise take some 50 MB of heap, and scaling down from twice the size still looks
   * smooth.
   */
  private static Optional<BufferedImage> decode(Path imageFile, int longerSide) {
    try (ImageInputStream input = ImageIO.createImageInputStream(imageFile.toFile())) {
      if (input == null) {
        return Optional.empty();
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        int sourceLongerSide = Math.max(reader.getWidth(0), reader.getHeight(0));
        int step = Math.max(1, sourceLongerSide / (2 * longerSide));
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(step, step, 0, 0);
        return Optional.of(reader.read(0, param));
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The image scaled to fit within {@code longerSide} on an opaque canvas, transparency shown
   * white. It is halved step by step first, as one bilinear step of more than half skips pixels.
   */
  private static BufferedImage fitWithin(BufferedImage image, int longerSide) {
    double scale = Math.min(1, (double) longerSide / Math.max(image.getWidth(), image.getHeight()));
    int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
    int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
    BufferedImage current = redraw(image, image.getWidth(), image.getHeight());
    while (current.getWidth() / 2 >= width && current.getHeight() / 2 >= height) {
      current = redraw(current, current.getWidth() / 2, current.getHeight() / 2);
    }
    return current.getWidth() == width && current.getHeight() == height
        ? current
        : redraw(current, width, height);
  }

  private static BufferedImage redraw(BufferedImage image, int width, int height) {
    BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = canvas.createGraphics();
    try {
      graphics.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      graphics.drawImage(image, 0, 0, width, height, Color.WHITE, null);
    } finally {
      graphics.dispose();
    }
    return canvas;
  }

  private static byte[] jpeg(BufferedImage image, float quality) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream output = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(output);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(image, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a JPEG to memory", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
