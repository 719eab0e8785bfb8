package example;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publish consent-gate's inputs: a reply, a link click, a send request (an upstream publisher).
 *
 * <pre>
 *   java -cp target/consent-gate-examples.jar example.Publish reply +15550100001 SMS STOP
 *   java -cp ... example.Publish click +15550100002 EMAIL --kind UNSUBSCRIBE --message-id msg-41
 *   java -cp ... example.Publish send +15550100002 SMS --campaign spring --type promotion
 * </pre>
 *
 * <p>Options: --bootstrap (localhost:9092), --topic-prefix (CONSENT_GATE_TOPIC_PREFIX), --schemas
 * (the schemas/ folder), --campaign, --type, --at (the event's time, epoch ms), --header K=V
 * (repeatable); reply: --event-id, --in-reply-to; click: --event-id, --kind, --method, --prefetch,
 * --url, --message-id, --reason; send: --message-id, --origin (CAMPAIGN, INBOX), --recipient,
 * --body.
 *
 * <p>The key is the contact id; the value is single-object encoded (BinaryMessageEncoder); the
 * record carries no explicit timestamp, so the producer stamps CreateTime (now), the event time
 * the gate orders each contact's inputs by. The event's own time goes in its field. Prints what
 * it published as one JSON line. An example for integrators: kafka-clients and Avro only.
 */
public final class Publish {
  private Publish() {}

  public static void main(String[] argv) throws Exception {
    Schemas.main("publish", argv, Publish::run);
  }

  static void run(String[] argv) throws Exception {
    List<String> args = new ArrayList<>();
    Map<String, String> o = Schemas.options(argv, args, "prefetch");
    if (args.size() < 3 || (args.get(0).equals("reply") && args.size() < 4)) {
      System.err.println("usage: Publish reply|click|send CONTACT CHANNEL [TEXT] [--options]");
      System.exit(2);
    }
    String what = args.get(0);
    String contact = args.get(1);
    String channel = args.get(2);
    long at = o.containsKey("at") ? Long.parseLong(o.get("at")) : System.currentTimeMillis();
    String topic;
    String record;
    switch (what) {
      case "reply" -> { topic = "messaging.inbound.replies"; record = "inbound_reply"; }
      case "click" -> { topic = "messaging.link.clicks"; record = "link_click"; }
      case "send" -> { topic = "messaging.outbound.requests"; record = "outbound_message"; }
      default -> throw new IllegalArgumentException("reply, click or send, not " + what);
    }
    topic = o.getOrDefault("topic-prefix", "") + topic;
    Path schemas = Schemas.dir(o);
    Schema schema = Schemas.current(schemas, record);
    GenericRecord r = new GenericData.Record(schema);
    Map<String, Object> printed = new LinkedHashMap<>();
    printed.put("topic", topic);
    switch (what) {
      case "reply" -> {
        r.put("event_id", o.getOrDefault("event-id", "reply-" + UUID.randomUUID()));
        r.put("contact_id", contact);
        r.put("channel", channel);
        r.put("text", args.get(3));
        r.put("received_at_ms", at);
        r.put("in_reply_to_message_id", o.get("in-reply-to"));
        r.put("campaign_id", o.get("campaign"));
        r.put("message_type", o.get("type"));
      }
      case "click" -> {
        r.put("event_id", o.getOrDefault("event-id", "click-" + UUID.randomUUID()));
        r.put("contact_id", contact);
        r.put("channel", channel);
        Schema kind = schema.getField("kind").schema();
        r.put("kind", new GenericData.EnumSymbol(kind, o.getOrDefault("kind", "UNSUBSCRIBE")));
        r.put("http_method", o.getOrDefault("method", "GET"));
        r.put("prefetch", o.containsKey("prefetch"));
        r.put("url", o.get("url"));
        r.put("message_id", o.get("message-id"));
        r.put("campaign_id", o.get("campaign"));
        r.put("message_type", o.get("type"));
        r.put("feedback_reason", o.get("reason"));
        r.put("clicked_at_ms", at);
      }
      default -> {
        r.put("message_id", o.getOrDefault("message-id", "msg-" + UUID.randomUUID()));
        r.put("contact_id", contact);
        r.put("channel", channel);
        Schema origin = schema.getField("origin").schema();
        r.put("origin", new GenericData.EnumSymbol(origin, o.getOrDefault("origin", "CAMPAIGN")));
        r.put("campaign_id", o.get("campaign"));
        r.put("message_type", o.get("type"));
        r.put("recipient", o.get("recipient"));
        r.put("template_id", null);
        r.put("body", o.get("body"));
        r.put("requested_at_ms", at);
        r.put("attributes", Map.of());
      }
    }
    ByteBuffer encoded = Schemas.encoder(schema).encode(r); // C3 01, fingerprint, body
    byte[] value = new byte[encoded.remaining()];
    encoded.get(value);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, o.getOrDefault("bootstrap", "localhost:9092"));
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true); // retries never duplicate (acks=all)
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      // no timestamp: the producer stamps CreateTime (now)
      ProducerRecord<byte[], byte[]> out =
          new ProducerRecord<>(topic, contact.getBytes(StandardCharsets.UTF_8), value);
      if (o.containsKey("header")) {
        for (String h : o.get("header").split("\n")) {
          int eq = h.indexOf('=');
          out.headers().add(new RecordHeader(h.substring(0, eq),
              h.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
        }
      }
      producer.send(out).get(); // fails loudly if Kafka refuses it
    }
    for (Schema.Field f : schema.getFields()) {
      Object v = r.get(f.name());
      printed.put(f.name(), v instanceof GenericData.EnumSymbol || v instanceof CharSequence ? v.toString() : v);
    }
    System.out.println(Schemas.json(printed));
  }
}
