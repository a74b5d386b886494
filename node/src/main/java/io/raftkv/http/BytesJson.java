package io.raftkv.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Keys and values (bytes) in the JSON API, both ways, so that no byte is lost or replaced:
 * <ul>
 *   <li>out: a field {@code NAME} holds the bytes as a JSON string when they are valid UTF-8, otherwise the field
 *       {@code NAME_base64} holds them in base64 (RFC 4648, with padding) and {@code NAME} is absent;</li>
 *   <li>in: a JSON object whose fields are either {@code NAME} (text, stored as its UTF-8 bytes) or
 *       {@code NAME_base64}; unknown or repeated fields, non-string values, trailing data after the object and
 *       strings that are not valid Unicode (lone surrogates) are refused with a 400.</li>
 * </ul>
 */
final class BytesJson {

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String BASE64 = "_base64";

    private BytesJson() {
    }

    /** Puts {@code bytes} under {@code name} (text) or {@code name_base64} (when not valid UTF-8). */
    static void put(ObjectNode n, String name, ByteString bytes) {
        String text = utf8OrNull(bytes);
        if (text != null) {
            n.put(name, text);
        } else {
            n.put(name + BASE64, Base64.getEncoder().encodeToString(bytes.toByteArray()));
        }
    }

    /** The bytes as text, for a message: the text when valid UTF-8, else "base64:..." (never a U+FFFD). */
    static String describe(ByteString bytes) {
        String text = utf8OrNull(bytes);
        return text != null ? "'" + text + "'" : "base64:" + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static String utf8OrNull(ByteString bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.asReadOnlyByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /**
     * Parses a request body that must be one JSON object with exactly the given byte fields (each given as
     * {@code NAME} or {@code NAME_base64}, exactly once).
     *
     * @param shape the expected body, for error messages, e.g. {"key": ..., "value": ...}
     * @return the fields' bytes by name
     */
    static Map<String, ByteString> parseObject(byte[] body, Set<String> names, String shape) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("body must be a JSON object " + shape + ": " + describe(e));
        } catch (IOException e) {
            throw HttpError.badRequest("body must be a JSON object " + shape);
        }
        if (root == null || !root.isObject()) {
            throw HttpError.badRequest("body must be a JSON object " + shape);
        }
        Map<String, ByteString> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            boolean base64 = f.getKey().endsWith(BASE64);
            String name = base64 ? f.getKey().substring(0, f.getKey().length() - BASE64.length()) : f.getKey();
            if (!names.contains(name)) {
                throw HttpError.badRequest("unknown field '" + f.getKey() + "': the body is " + shape);
            }
            if (!f.getValue().isTextual()) {
                throw HttpError.badRequest("field '" + f.getKey() + "' must be a string");
            }
            if (out.put(name, base64 ? fromBase64(f.getKey(), f.getValue().textValue())
                    : fromText(f.getKey(), f.getValue().textValue())) != null) {
                throw HttpError.badRequest("give either '" + name + "' or '" + name + BASE64 + "', not both");
            }
        }
        for (String name : names) {
            if (!out.containsKey(name)) {
                throw HttpError.badRequest("missing field '" + name + "' (or '" + name + BASE64 + "'): the body is "
                        + shape);
            }
        }
        return out;
    }

    private static ByteString fromBase64(String field, String text) {
        try {
            return ByteString.copyFrom(Base64.getDecoder().decode(text));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("field '" + field + "' is not valid base64 (RFC 4648, standard alphabet)");
        }
    }

    private static ByteString fromText(String field, String text) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text));
            return ByteString.copyFrom(b);
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest("field '" + field + "' is not valid Unicode (a lone surrogate escape?); "
                    + "send binary data as '" + field + BASE64 + "'");
        }
    }

    /** Where the JSON went wrong, without the parser's internals (source dumps, class names). */
    private static String describe(JsonProcessingException e) {
        String what = e.getOriginalMessage();
        int cut = what == null ? -1 : what.indexOf('\n');
        what = what == null ? "invalid JSON" : cut < 0 ? what : what.substring(0, cut);
        if (what.startsWith("Duplicate field")) {
            what = what.replace("Duplicate field", "repeated field");
        }
        if (what.startsWith("Trailing token")) {
            what = "data after the JSON object";
        }
        var loc = e.getLocation();
        return loc == null ? what : what + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
