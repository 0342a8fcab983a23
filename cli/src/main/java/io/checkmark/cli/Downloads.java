package io.checkmark.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where {@code checkmark chat} saves the files it receives. A file's name comes from its sender, so
 * it is made safe before use (no path, no control characters, no name Windows reserves, at most 200
 * bytes), and a file is written whole to a temporary file in the folder first, then renamed to a
 * name no other file has: a failed or refused download leaves nothing behind, and a file never
 * replaces another. The same upload sent again is not fetched again.
 */
final class Downloads {

  static final int MAX_NAME_BYTES = 200;
  private static final int MAX_EXTENSION_CHARS = 16;
  private static final String FALLBACK = "file";
  private static final Set<String> WINDOWS_RESERVED =
      Set.of(
          "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
          "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

  private final Path folder;
  private final Map<String, Path> savedByMediaId = new ConcurrentHashMap<>();

  Downloads(Path folder) {
    this.folder = folder;
  }

  /** Where this session already saved the upload with this id. */
  Optional<Path> alreadySaved(String mediaId) {
    return Optional.ofNullable(savedByMediaId.get(mediaId));
  }

  /** Writes the content under a safe form of {@code name} no other file in the folder has. */
  synchronized Path save(String mediaId, String name, InputStream content) throws IOException {
    Files.createDirectories(folder);
    Path partial = Files.createTempFile(folder, ".checkmark-", ".part");
    try {
      Files.copy(content, partial, StandardCopyOption.REPLACE_EXISTING);
      String safe = safeName(name);
      for (int copy = 1; ; copy++) {
        Path target = folder.resolve(numbered(safe, copy));
        try {
          Files.move(partial, target);
          savedByMediaId.put(mediaId, target);
          return target;
        } catch (FileAlreadyExistsException taken) {
          // Another file has that name: the next number.
        }
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /**
   * The name's last path element with control characters, separators and the characters Windows
   * forbids removed, no leading or trailing dots or spaces, not a name Windows reserves, cut to
   * {@value #MAX_NAME_BYTES} bytes of UTF-8 with its extension kept; {@code file} when nothing is
   * left.
   */
  static String safeName(String name) {
    if (name == null) {
      return FALLBACK;
    }
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    StringBuilder kept = new StringBuilder();
    last.codePoints()
        .filter(c -> !Character.isISOControl(c) && ":*?\"<>|".indexOf(c) < 0)
        .filter(c -> Character.getType(c) != Character.FORMAT)
        .forEach(kept::appendCodePoint);
    String safe = kept.toString().replaceAll("^[. ]+|[. ]+$", "");
    if (safe.isEmpty()) {
      return FALLBACK;
    }
    int dot = safe.lastIndexOf('.');
    String base = dot > 0 ? safe.substring(0, dot) : safe;
    String extension = dot > 0 ? safe.substring(dot) : "";
    if (extension.length() > MAX_EXTENSION_CHARS) {
      base = safe;
      extension = "";
    }
    if (WINDOWS_RESERVED.contains(base.toUpperCase(Locale.ROOT))) {
      base = "_" + base;
    }
    int room = MAX_NAME_BYTES - extension.getBytes(StandardCharsets.UTF_8).length;
    while (base.getBytes(StandardCharsets.UTF_8).length > room) {
      base = base.substring(0, base.offsetByCodePoints(base.length(), -1));
    }
    return base.isEmpty() ? FALLBACK + extension : base + extension;
  }

  /** {@code name}, then {@code name (2).ext}, {@code name (3).ext}, ... */
  private static String numbered(String name, int copy) {
    if (copy == 1) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    return dot > 0
        ? name.substring(0, dot) + " (" + copy + ")" + name.substring(dot)
        : name + " (" + copy + ")";
  }
}
