// FluxGate from Java over OFREP, with the JDK only (java.net.http): exactly the HTTP exchange the
// OpenFeature Java SDK's OFREP provider (dev.openfeature.contrib.providers:ofrep) performs for a
// single-flag evaluation, plus the bulk evaluation with ETag revalidation that client-side OFREP
// providers use. See docs/JAVA.md for the provider itself and its Spring Boot wiring.
//
//   npm run dev    # FluxGate on :8787
//   java examples/java/OfrepExample.java [baseUrl] [clientSecret]
//
// Output: one line per exchange, `key=value` fields, values as JSON (parsed, then re-serialised).
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class OfrepExample {
    static final String[] FLAGS = {
        "BetaUsers", "checkout_button_text", "max_upload_mb", "homepage_layout",
        "new_checkout_flow", "dark_mode", "legacy_search",
    };
    static final String CONTEXT = "{\"context\":{\"targetingKey\":\"user-42\",\"role\":\"admin\",\"plan\":\"pro\"}}";

    public static void main(String[] args) throws Exception {
        String baseUrl = args.length > 0 ? args[0] : "http://127.0.0.1:8787";
        String secret = args.length > 1 ? args[1] : "fg_local_development_demo_secret";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        // Bulk evaluation (what client-side providers do), then a revalidation with If-None-Match.
        HttpResponse<String> bulk = http.send(post(baseUrl + "/ofrep/v1/evaluate/flags", secret, null), HttpResponse.BodyHandlers.ofString());
        String etag = bulk.headers().firstValue("ETag").orElse(null);
        Map<String, Object> bulkBody = asObject(Json.parse(bulk.body()));
        List<Object> flags = asList(bulkBody.get("flags"));
        System.out.println("bulk status=" + bulk.statusCode() + " etag=" + (etag != null ? "present" : "absent") + " flags=" + flags.size());
        for (Object flag : flags) System.out.println("bulk " + describe(asObject(flag)));
        HttpResponse<String> again = http.send(post(baseUrl + "/ofrep/v1/evaluate/flags", secret, etag), HttpResponse.BodyHandlers.ofString());
        System.out.println("bulk-revalidate status=" + again.statusCode());

        // Single-flag evaluation: the Java OFREP provider's request, one per getXxxValue call.
        for (String key : FLAGS) System.out.println("single " + single(http, baseUrl, secret, key));
        System.out.println("single " + single(http, baseUrl, secret, "no_such_flag"));

        // A wrong secret: the provider maps 401/403 to ErrorCode.GENERAL and returns the default.
        HttpResponse<String> refused = http.send(post(baseUrl + "/ofrep/v1/evaluate/flags/BetaUsers", "fg_wrong_secret", null), HttpResponse.BodyHandlers.ofString());
        System.out.println("unauthorized status=" + refused.statusCode());
    }

    /** The provider's request: POST, Content-Type application/json; charset=utf-8, the configured headers, {"context": {...}}. */
    static HttpRequest post(String url, String secret, String ifNoneMatch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json; charset=utf-8")
            .header("Authorization", "Bearer " + secret)
            .POST(HttpRequest.BodyPublishers.ofString(CONTEXT));
        if (ifNoneMatch != null) request.header("If-None-Match", ifNoneMatch);
        return request.build();
    }

    static String single(HttpClient http, String baseUrl, String secret, String key) throws Exception {
        HttpResponse<String> response = http.send(post(baseUrl + "/ofrep/v1/evaluate/flags/" + key, secret, null), HttpResponse.BodyHandlers.ofString());
        return describe(asObject(Json.parse(response.body()))) + " status=" + response.statusCode();
    }

    /** key, then value/variant/reason (success) or errorCode (failure), plus the Java type the provider would see. */
    static String describe(Map<String, Object> flag) {
        StringBuilder line = new StringBuilder().append(flag.get("key"));
        if (flag.containsKey("errorCode")) return line.append(" errorCode=").append(flag.get("errorCode")).toString();
        Object value = flag.get("value");
        line.append(" value=").append(Json.write(value));
        line.append(" type=").append(value == null ? "null" : value instanceof Map ? "Map" : value.getClass().getSimpleName());
        line.append(" variant=").append(flag.get("variant"));
        line.append(" reason=").append(flag.get("reason"));
        return line.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asObject(Object value) { return (Map<String, Object>) value; }

    @SuppressWarnings("unchecked")
    static List<Object> asList(Object value) { return (List<Object>) value; }

    /** A small JSON reader/writer (the JDK has none). Numbers: Integer when integral and in range (as Jackson does), else Double. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) { this.text = text; }

        static Object parse(String text) {
            Json json = new Json(text);
            Object value = json.value();
            json.space();
            if (json.at != text.length()) throw new IllegalArgumentException("trailing characters at " + json.at);
            return value;
        }

        private Object value() {
            space();
            char c = text.charAt(at);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
            if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
            if (text.startsWith("null", at)) { at += 4; return null; }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            space();
            if (text.charAt(at) == '}') { at++; return map; }
            while (true) {
                space();
                String key = string();
                space();
                expect(':');
                map.put(key, value());
                space();
                if (text.charAt(at) == ',') { at++; continue; }
                expect('}');
                return map;
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            space();
            if (text.charAt(at) == ']') { at++; return list; }
            while (true) {
                list.add(value());
                space();
                if (text.charAt(at) == ',') { at++; continue; }
                expect(']');
                return list;
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') return out.toString();
                if (c != '\\') { out.append(c); continue; }
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> { out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; }
                    default -> out.append(e);
                }
            }
        }

        private Object number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
            String digits = text.substring(start, at);
            if (digits.matches("-?\\d+")) {
                long whole = Long.parseLong(digits);
                if (whole >= Integer.MIN_VALUE && whole <= Integer.MAX_VALUE) return (int) whole;
                return whole;
            }
            return Double.parseDouble(digits);
        }

        private void expect(char c) {
            if (text.charAt(at) != c) throw new IllegalArgumentException("expected '" + c + "' at " + at);
            at++;
        }

        private void space() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        static String write(Object value) {
            if (value == null) return "null";
            if (value instanceof String s) {
                StringBuilder out = new StringBuilder("\"");
                for (char c : s.toCharArray()) {
                    if (c == '"' || c == '\\') out.append('\\').append(c);
                    else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
                return out.append('"').toString();
            }
            if (value instanceof Map<?, ?> map) {
                StringBuilder out = new StringBuilder("{");
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (out.length() > 1) out.append(',');
                    out.append(write(String.valueOf(entry.getKey()))).append(':').append(write(entry.getValue()));
                }
                return out.append('}').toString();
            }
            if (value instanceof List<?> list) {
                StringBuilder out = new StringBuilder("[");
                for (Object item : list) {
                    if (out.length() > 1) out.append(',');
                    out.append(write(item));
                }
                return out.append(']').toString();
            }
            return String.valueOf(value);
        }
    }
}
