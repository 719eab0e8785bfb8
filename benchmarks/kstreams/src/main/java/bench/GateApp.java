package bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The consent gate of consent-gate, written in Kafka Streams, for benchmarks/compare.py.
 *
 * <p>route: decode each input (Avro single-object: C3 01, CRC-64-AVRO fingerprint, body);
 * INBOX sends go straight to their channel topic, byte for byte; replies and CAMPAIGN sends are
 * re-keyed by contact id through a repartition topic. gate: a RocksDB key-value store
 * (CHANNEL/contact_id -> Avro ConsentState, changelogged) holds opt-outs; a reply that is exactly
 * an opt-out keyword (after normalising) opts its channel out and emits one ConsentEvent; a
 * CAMPAIGN send is forwarded untouched when subscribed, else a SuppressedMessage is produced.
 *
 * <p>Only what the benchmark's traffic exercises: no opt-in, clicks, commands or dead letters.
 * Arguments: key=value pairs (see {@link #main}).
 */
public final class GateApp {
  private GateApp() {}

  /** The single-object header: C3 01 + the writer schema's fingerprint, little-endian. */
  static byte[] header(Schema schema) {
    long fp = SchemaNormalization.parsingFingerprint64(schema);
    return ByteBuffer.allocate(10)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .put((byte) 0xC3)
        .put((byte) 0x01)
        .putLong(fp)
        .array();
  }

  /** The current (highest vN.avsc) schema of one record of the contract. */
  static Schema current(Path schemas, String record) throws IOException {
    Pattern name = Pattern.compile("v(\\d+)\\.avsc");
    Path best = null;
    int bestN = -1;
    try (Stream<Path> files = Files.list(schemas.resolve(record))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Matcher m = name.matcher(p.getFileName().toString());
        if (m.matches() && Integer.parseInt(m.group(1)) > bestN) {
          bestN = Integer.parseInt(m.group(1));
          best = p;
        }
      }
    }
    if (best == null) {
      throw new IOException("no schema for " + record + " in " + schemas);
    }
    return new Schema.Parser().parse(Files.readString(best));
  }

  /** Encoder and decoder of one record. */
  static final class Codec {
    final Schema schema;
    final byte[] header;
    final GenericDatumReader<GenericRecord> reader;
    final GenericDatumWriter<GenericRecord> writer;

    Codec(Schema schema) {
      this.schema = schema;
      this.header = header(schema);
      this.reader = new GenericDatumReader<>(schema);
      this.writer = new GenericDatumWriter<>(schema);
    }

    boolean matches(byte[] v) {
      if (v == null || v.length < 10) {
        return false;
      }
      for (int i = 0; i < 10; i++) {
        if (v[i] != header[i]) {
          return false;
        }
      }
      return true;
    }

    GenericRecord decode(byte[] v) {
      BinaryDecoder d = DecoderFactory.get().binaryDecoder(v, 10, v.length - 10, null);
      try {
        return reader.read(null, d);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    byte[] encode(GenericRecord r) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(128);
      out.writeBytes(header);
      BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
      try {
        writer.write(r, e);
        e.flush();
      } catch (IOException ex) {
        throw new UncheckedIOException(ex);
      }
      return out.toByteArray();
    }
  }

  /** A port of streams.core.keywords.normalise (toLowerCase for casefold, one pass). */
  static String normalise(String text) {
    boolean ascii = true;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        ascii = false;
        break;
      }
    }
    String s = text.toLowerCase(Locale.ROOT);
    if (!ascii) {
      s = Normalizer.normalize(Normalizer.normalize(text, Normalizer.Form.NFKC)
          .toLowerCase(Locale.ROOT), Normalizer.Form.NFKD);
    }
    StringBuilder sb = new StringBuilder(s.length());
    boolean space = true;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      int type = Character.getType(cp);
      if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
          || type == Character.COMBINING_SPACING_MARK) {
        continue;
      }
      boolean letterOrDigit = Character.isLetterOrDigit(cp)
          || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
      if (!letterOrDigit) {
        if (!space) {
          sb.append(' ');
          space = true;
        }
      } else {
        sb.appendCodePoint(cp);
        space = false;
      }
    }
    int n = sb.length();
    if (n > 0 && sb.charAt(n - 1) == ' ') {
      sb.setLength(n - 1);
    }
    return sb.toString();
  }

  /** What the router found in an input: its bytes and the fields it needs. */
  static final class Routed {
    final byte[] raw;
    final String contact;
    final String channel;
    final boolean inbox;

    Routed(byte[] raw, String contact, String channel, boolean inbox) {
      this.raw = raw;
      this.contact = contact;
      this.channel = channel;
      this.inbox = inbox;
    }
  }

  /** One record for the gate's outputs: the topic and the value bytes. */
  static final class Out {
    final String topic;
    final byte[] value;

    Out(String topic, byte[] value) {
      this.topic = topic;
      this.value = value;
    }
  }

  /** A serde that writes the bytes a value carries (never read back). */
  static <T> Serde<T> writeOnly(java.util.function.Function<T, byte[]> bytes) {
    Serializer<T> ser = (topic, v) -> v == null ? null : bytes.apply(v);
    return Serdes.serdeFrom(ser, (topic, data) -> {
      throw new UnsupportedOperationException("write-only serde");
    });
  }

  static final class Gate implements Processor<String, byte[], String, Out> {
    private final Codec reply;
    private final Codec outbound;
    private final Codec state;
    private final Codec suppressed;
    private final Codec event;
    private final Set<String> optOut;
    private final Map<String, String> channelTopics;
    private final String suppressedTopic;
    private final String eventsTopic;
    private ProcessorContext<String, Out> ctx;
    private KeyValueStore<String, byte[]> store;

    Gate(Map<String, Codec> codecs, Set<String> optOut, Map<String, String> channelTopics,
        String suppressedTopic, String eventsTopic) {
      this.reply = codecs.get("inbound_reply");
      this.outbound = codecs.get("outbound_message");
      this.state = codecs.get("consent_state");
      this.suppressed = codecs.get("suppressed_message");
      this.event = codecs.get("consent_event");
      this.optOut = optOut;
      this.channelTopics = channelTopics;
      this.suppressedTopic = suppressedTopic;
      this.eventsTopic = eventsTopic;
    }

    @Override
    public void init(ProcessorContext<String, Out> context) {
      this.ctx = context;
      this.store = context.getStateStore("consent");
    }

    @Override
    public void process(Record<String, byte[]> r) {
      byte[] v = r.value();
      if (outbound.matches(v)) {
        send(r, outbound.decode(v));
      } else if (reply.matches(v)) {
        reply(r, reply.decode(v));
      }
      // anything else: not ours (consent-gate would dead-letter it)
    }

    private void send(Record<String, byte[]> r, GenericRecord msg) {
      String channel = msg.get("channel").toString();
      String contact = msg.get("contact_id").toString();
      byte[] raw = store.get(channel + "/" + contact);
      GenericRecord st = raw == null ? null : state.decode(raw);
      boolean subscribed = st == null || (Boolean) st.get("subscribed");
      if (subscribed || "INBOX".equals(msg.get("origin").toString())) {
        ctx.forward(r.withValue(new Out(channelTopics.get(channel), r.value())));
        return;
      }
      GenericRecordBuilder s = new GenericRecordBuilder(suppressed.schema);
      s.set("message_id", msg.get("message_id"));
      s.set("contact_id", contact);
      s.set("channel", channel);
      s.set("campaign_id", msg.get("campaign_id"));
      s.set("message_type", msg.get("message_type"));
      s.set("reason", new GenericData.EnumSymbol(
          suppressed.schema.getField("reason").schema(), "OPTED_OUT"));
      s.set("opted_out_at_ms", st.get("changed_at_ms"));
      s.set("opt_out_source", st.get("source"));
      s.set("opt_out_event_id", st.get("event_id"));
      s.set("suppressed_at_ms", System.currentTimeMillis());
      s.set("original_value", ByteBuffer.wrap(r.value()));
      ctx.forward(r.withValue(new Out(suppressedTopic, suppressed.encode(s.build()))));
    }

    private void reply(Record<String, byte[]> r, GenericRecord rep) {
      String text = rep.get("text").toString();
      String keyword = normalise(text);
      if (!optOut.contains(keyword)) {
        return; // opt-in, help and contained keywords are not part of this benchmark
      }
      String channel = rep.get("channel").toString();
      String contact = rep.get("contact_id").toString();
      String key = channel + "/" + contact;
      byte[] raw = store.get(key);
      GenericRecord before = raw == null ? null : state.decode(raw);
      if (before != null && !(Boolean) before.get("subscribed")) {
        return; // a repeated opt-out is no change
      }
      long at = (Long) rep.get("received_at_ms");
      GenericRecordBuilder st = new GenericRecordBuilder(state.schema);
      st.set("subscribed", false);
      st.set("changed_at_ms", at);
      st.set("source", "KEYWORD");
      st.set("event_id", rep.get("event_id"));
      st.set("raw_text", text);
      st.set("changes", before == null ? 1 : (Integer) before.get("changes") + 1);
      store.put(key, state.encode(st.build()));
      GenericRecordBuilder ev = new GenericRecordBuilder(event.schema);
      ev.set("event_id", rep.get("event_id") + "/" + channel + "/OPTED_OUT");
      ev.set("contact_id", contact);
      ev.set("channel", channel);
      ev.set("type", new GenericData.EnumSymbol(event.schema.getField("type").schema(),
          "OPTED_OUT"));
      ev.set("subscribed", false);
      ev.set("previous_subscribed", true);
      ev.set("source", new GenericData.EnumSymbol(event.schema.getField("source").schema(),
          "KEYWORD"));
      ev.set("trigger_event_id", rep.get("event_id"));
      ev.set("occurred_at_ms", at);
      ev.set("recorded_at_ms", System.currentTimeMillis());
      ev.set("raw_text", text);
      ev.set("keyword", keyword);
      ev.set("language", "en");
      ctx.forward(r.withValue(new Out(eventsTopic, event.encode(ev.build()))));
    }
  }

  static Map<String, String> parseArgs(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("arguments are key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return a;
  }

  static String need(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return v;
  }

  /**
   * Arguments: bootstrap, app_id, state_dir, schemas (the repository's schemas/ folder),
   * replies, requests (input topics), channel_topics (SMS=topic,EMAIL=topic,...), suppressed,
   * events (output topics), opt_out (comma-separated normalised keywords), guarantee
   * (at_least_once | exactly_once_v2), threads (stream threads, default 1).
   */
  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parseArgs(argv);
    Path schemas = Path.of(need(a, "schemas"));
    Map<String, Codec> codecs = new HashMap<>();
    for (String rec : new String[] {"inbound_reply", "outbound_message", "consent_state",
        "suppressed_message", "consent_event"}) {
      codecs.put(rec, new Codec(current(schemas, rec)));
    }
    Set<String> optOut = new HashSet<>(Arrays.asList(need(a, "opt_out").split(",")));
    Map<String, String> channelTopics = new HashMap<>();
    for (String pair : need(a, "channel_topics").split(",")) {
      String[] kv = pair.split("=", 2);
      channelTopics.put(kv[0], kv[1]);
    }
    String suppressedTopic = need(a, "suppressed");
    String eventsTopic = need(a, "events");
    Codec reply = codecs.get("inbound_reply");
    Codec outbound = codecs.get("outbound_message");

    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore("consent"), Serdes.String(), Serdes.ByteArray()));
    Consumed<byte[], byte[]> raw = Consumed.with(Serdes.ByteArray(), Serdes.ByteArray());
    Serde<Routed> routedSerde = writeOnly(r -> r.raw);
    Serde<Out> outSerde = writeOnly(o -> o.value);

    // route
    KStream<byte[], Routed> requests = b.stream(need(a, "requests"), raw)
        .mapValues(v -> {
          GenericRecord m = outbound.decode(v);
          return new Routed(v, m.get("contact_id").toString(), m.get("channel").toString(),
              "INBOX".equals(m.get("origin").toString()));
        });
    KStream<byte[], Routed> replies = b.stream(need(a, "replies"), raw)
        .mapValues(v -> {
          GenericRecord m = reply.decode(v);
          return new Routed(v, m.get("contact_id").toString(), m.get("channel").toString(),
              false);
        });
    Map<String, KStream<byte[], Routed>> branches = requests.split(Named.as("send-"))
        .branch((k, v) -> v.inbox, Branched.as("inbox"))
        .defaultBranch(Branched.as("campaign"));
    branches.get("send-inbox").to((k, v, rc) -> channelTopics.get(v.channel),
        Produced.with(Serdes.ByteArray(), routedSerde));
    KStream<String, byte[]> byContact = branches.get("send-campaign").merge(replies)
        .map((k, v) -> KeyValue.pair(v.contact, v.raw))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName("by-contact"));

    // gate
    byContact
        .process(() -> new Gate(codecs, optOut, channelTopics, suppressedTopic, eventsTopic),
            "consent")
        .to((k, v, rc) -> v.topic, Produced.with(Serdes.String(), outSerde));

    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, need(a, "app_id"));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, need(a, "bootstrap"));
    p.put(StreamsConfig.STATE_DIR_CONFIG, need(a, "state_dir"));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, a.getOrDefault("guarantee", "at_least_once"));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, a.getOrDefault("threads", "1"));
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");

    KafkaStreams streams = new KafkaStreams(b.build(), p);
    CountDownLatch done = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      System.out.println("state " + before + " -> " + now);
      System.out.flush();
    });
    streams.setUncaughtExceptionHandler(e -> {
      e.printStackTrace();
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
          .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close();
      done.countDown();
    }));
    streams.start();
    done.await();
  }
}
