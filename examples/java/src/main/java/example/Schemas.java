package example;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * consent-gate's contract: the .avsc files of the repository's schemas/ folder
 * (schemas/&lt;record&gt;/vN.avsc, the highest N current), copied into your service.
 *
 * <p>Every value on every consent-gate topic is Avro single-object encoded (C3 01, the 8-byte
 * CRC-64-AVRO fingerprint of the writer schema, the binary body): exactly what Apache Avro's
 * BinaryMessageEncoder writes and BinaryMessageDecoder reads. Write with the current version; read
 * with the current version after registering every older one, so a record written with any
 * version is resolved to it.
 */
final class Schemas {
  private Schemas() {}

  /** A program's body. */
  interface Body {
    void run(String[] argv) throws Exception;
  }

  /** Runs a program: a bad option or a missing folder is one sentence on stderr and exit code 2. */
  static void main(String program, String[] argv, Body body) throws Exception {
    try {
      body.run(argv);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println(program + ": " + e.getMessage());
      System.exit(2);
    }
  }

  /** Every version of one record, oldest first. */
  static List<Schema> versions(Path schemaDir, String record) throws IOException {
    Path dir = schemaDir.resolve(record);
    if (!Files.isDirectory(dir)) {
      throw new IOException("no folder " + dir + ": give the schemas/ folder with --schemas");
    }
    Map<Integer, Schema> byVersion = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.matches("v\\d+\\.avsc")) {
          int version = Integer.parseInt(name.substring(1, name.length() - 5));
          byVersion.put(version, new Schema.Parser().parse(file.toFile()));
        }
      }
    }
    if (byVersion.isEmpty()) {
      throw new IOException("no " + record + "/vN.avsc under " + schemaDir);
    }
    return new ArrayList<>(byVersion.values());
  }

  static Schema current(Path schemaDir, String record) throws IOException {
    List<Schema> all = versions(schemaDir, record);
    return all.get(all.size() - 1);
  }

  static BinaryMessageEncoder<GenericRecord> encoder(Schema current) {
    return new BinaryMessageEncoder<>(GenericData.get(), current);
  }

  static BinaryMessageDecoder<GenericRecord> decoder(Path schemaDir, String record) throws IOException {
    List<Schema> all = versions(schemaDir, record);
    BinaryMessageDecoder<GenericRecord> decoder =
        new BinaryMessageDecoder<>(GenericData.get(), all.get(all.size() - 1));
    for (Schema older : all) {
      decoder.addSchema(older); // a writer's version, found by its fingerprint
    }
    return decoder;
  }

  /** The schemas/ folder: --schemas, else ../../schemas from the working directory. */
  static Path dir(Map<String, String> options) {
    String given = options.get("schemas");
    return given != null ? Path.of(given) : Path.of("..", "..", "schemas");
  }

  /** "--name value" pairs and "--flag" switches into a map; the rest, in order, into args. */
  static Map<String, String> options(String[] argv, List<String> args, String... flags) {
    Map<String, String> options = new TreeMap<>();
    List<String> switches = List.of(flags);
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].startsWith("--")) {
        String name = argv[i].substring(2);
        if (switches.contains(name)) {
          options.put(name, "true");
        } else if (i + 1 < argv.length) {
          String previous = options.get(name);
          options.put(name, previous == null ? argv[++i] : previous + "\n" + argv[++i]);
        } else {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
      } else {
        args.add(argv[i]);
      }
    }
    return options;
  }

  static String json(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Map<?, ?> map) {
      StringBuilder out = new StringBuilder("{");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (out.length() > 1) {
          out.append(", ");
        }
        out.append(json(String.valueOf(e.getKey()))).append(": ").append(json(e.getValue()));
      }
      return out.append('}').toString();
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value.toString();
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toString().toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
