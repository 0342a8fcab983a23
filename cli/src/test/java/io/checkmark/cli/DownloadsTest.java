package io.checkmark.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Received files' names, as their senders choose them, and how they are written. */
class DownloadsTest {

  @TempDir Path folder;

  @ParameterizedTest
  @CsvSource(
      delimiter = '#',
      value = {
        "holiday.jpg#holiday.jpg",
        "../../etc/passwd#passwd",
        "C:\\\\Windows\\\\win.ini#win.ini",
        "/#file",
        "..#file",
        ".#file",
        ".bashrc#bashrc",
        "report. #report",
        "CON#_CON",
        "nul.txt#_nul.txt",
        "a:b*c?d\"e<f>g|h.txt#abcdefgh.txt",
      })
  void aSendersNameBecomesOneSafeFileName(String sent, String saved) {
    assertThat(Downloads.safeName(sent)).isEqualTo(saved);
  }

  @Test
  void controlAndFormattingCharactersAreRemoved() {
    assertThat(Downloads.safeName("evil\u001b[2J\nname\u0000\u202e.txt"))
        .isEqualTo("evil[2Jname.txt");
  }

  @Test
  void aLongNameIsCutTo200BytesKeepingItsExtension() {
    String cut = Downloads.safeName("é".repeat(300) + ".jpeg");

    assertThat(cut).endsWith(".jpeg");
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(200);
    assertThat(Downloads.safeName(null)).isEqualTo("file");
  }

  @Test
  void twoFilesOfOneNameAreBothKept() throws IOException {
    Downloads downloads = new Downloads(folder);

    Path first = downloads.save("m1", "a.txt", content("one"));
    Path second = downloads.save("m2", "a.txt", content("two"));

    assertThat(first.getFileName()).hasToString("a.txt");
    assertThat(second.getFileName()).hasToString("a (2).txt");
    assertThat(Files.readString(first)).isEqualTo("one");
    assertThat(Files.readString(second)).isEqualTo("two");
    assertThat(downloads.alreadySaved("m1")).contains(first);
  }

  @Test
  void aDownloadThatFailsHalfWayLeavesNothingBehind() throws IOException {
    Downloads downloads = new Downloads(folder);
    InputStream failing =
        new InputStream() {
          private int left = 100_000;

          @Override
          public int read() throws IOException {
            if (left == 0) {
              throw new IOException("the padding was wrong");
            }
            left--;
            return 'x';
          }
        };

    assertThatThrownBy(() -> downloads.save("m1", "half.txt", failing))
        .isInstanceOf(IOException.class);
    try (Stream<Path> left = Files.list(folder)) {
      assertThat(left).isEmpty();
    }
    assertThat(downloads.alreadySaved("m1")).isEmpty();
  }

  private static InputStream content(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }
}
