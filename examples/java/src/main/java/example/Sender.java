package example;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A downstream sender: reads what consent-gate lets through and "sends" each message once.
 *
 * <pre>
 *   java -cp target/consent-gate-examples.jar example.Sender --channels SMS,EMAIL \
 *       --group sms-sender --seen sent-message-ids.txt
 * </pre>
 *
 * <p>Reads messaging.outbound.&lt;channel&gt; (with --topic-prefix) with
 * isolation.level=read_committed (the Java client's default is read_uncommitted, which would also
 * hand out records of transactions a crashed worker left aborted), decodes OutboundMessage with
 * BinaryMessageDecoder, de-duplicates on message_id (kept in the --seen file, one id a line, so a
 * restart or an upstream retry does not send twice) and commits the offsets after sending. The
 * gate's own replies (opt-out confirmation, help) carry the header consent-gate-reply. "Sending"
 * prints one JSON line. Stops after --idle-s seconds without a record once it has its partitions
 * (0: runs until killed).
 */
public final class Sender {
  private Sender() {}

  public static void main(String[] argv) throws Exception {
    Schemas.main("sender", argv, Sender::run);
  }

  static void run(String[] argv) throws Exception {
    Map<String, String> o = Schemas.options(argv, new ArrayList<>());
    List<String> topics = new ArrayList<>();
    for (String channel : o.getOrDefault("channels", "SMS").split(",")) {
      if (!channel.isBlank()) {
        topics.add(o.getOrDefault("topic-prefix", "") + "messaging.outbound." + channel.strip().toLowerCase());
      }
    }
    BinaryMessageDecoder<GenericRecord> decoder = Schemas.decoder(Schemas.dir(o), "outbound_message");
    Path seenFile = Path.of(o.getOrDefault("seen", "sent-message-ids.txt"));
    Set<String> seen = new HashSet<>();
    if (Files.exists(seenFile)) {
      seen.addAll(Files.readAllLines(seenFile, StandardCharsets.UTF_8));
    }
    double idleS = Double.parseDouble(o.getOrDefault("idle-s", "0"));

    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, o.getOrDefault("bootstrap", "localhost:9092"));
    p.put(ConsumerConfig.GROUP_ID_CONFIG, o.getOrDefault("group", "consent-gate-example-sender"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      long[] last = {System.nanoTime()}; // the last record's time, or the assignment's
      boolean[] assigned = {false}; // the idle time counts from the assignment
      consumer.subscribe(topics, new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          assigned[0] = true;
          last[0] = System.nanoTime();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
      });
      while (idleS <= 0 || !assigned[0] || (System.nanoTime() - last[0]) / 1e9 < idleS) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> rec : records) {
          handle(rec, decoder, seen, seenFile);
        }
        if (!records.isEmpty()) {
          consumer.commitSync(); // after the batch was sent
          last[0] = System.nanoTime();
        }
      }
    }
  }

  static void handle(ConsumerRecord<byte[], byte[]> rec, BinaryMessageDecoder<GenericRecord> decoder,
      Set<String> seen, Path seenFile) throws IOException {
    GenericRecord message;
    try {
      message = decoder.decode(rec.value());
    } catch (IOException | RuntimeException e) { // not ours to send: say so, never guess
      System.err.printf("sender: skipped %s[%d]@%d: %s%n", rec.topic(), rec.partition(), rec.offset(), e);
      return;
    }
    String id = message.get("message_id").toString();
    if (seen.contains(id)) {
      System.err.println("sender: duplicate " + id + " skipped");
      return;
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    for (Header h : rec.headers()) {
      headers.put(h.key(), h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String field : List.of("message_id", "contact_id", "channel", "origin", "campaign_id",
        "message_type", "body")) {
      Object v = message.get(field);
      out.put(field, v == null ? null : v.toString());
    }
    out.put("reply", headers.get("consent-gate-reply"));
    out.put("headers", headers);
    System.out.println(Schemas.json(out)); // hand it to the provider
    System.out.flush();
    // after the provider took it (a crash in between sends it again: at least once)
    seen.add(id);
    Files.writeString(seenFile, id + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
