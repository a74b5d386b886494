package io.raftkv.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Builds a {@link NodeConfig} from, in increasing precedence: the defaults, a YAML file, environment
 * variables, and {@code key=value} overrides (from command-line flags). Keys are the YAML paths in kebab case
 * ({@code snapshot.threshold-entries}); the environment variable of a key is {@code RAFTKV_} followed by the key
 * in upper case with '.' and '-' turned into '_' ({@code RAFTKV_SNAPSHOT_THRESHOLD_ENTRIES}). The peer list is
 * written {@code 1=host:port,2=host:port} in a variable or override.
 */
public final class ConfigLoader {

    public static final String ENV_PREFIX = "RAFTKV_";

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** Every settable key ({@code a.b-c}), in declaration order, computed from the record structure. */
    public static final List<String> KEYS = keysOf(NodeConfig.class, "");

    private ConfigLoader() {
    }

    /**
     * Loads and validates a configuration.
     *
     * @param file      the YAML file, or null for none
     * @param env       the environment (usually {@code System.getenv()}); only {@code RAFTKV_*} entries are read
     * @param overrides key to value, highest precedence
     * @throws ConfigException listing every problem
     */
    public static NodeConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        ObjectNode tree = MAPPER.valueToTree(NodeConfig.defaults());
        String source = "defaults";
        if (file != null) {
            source = "config file " + file;
            merge(tree, readFile(file), "");
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> e : envOverrides(env).entrySet()) {
            set(tree, e.getKey(), e.getValue(), "environment variable " + envName(e.getKey()), problems);
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            set(tree, e.getKey(), e.getValue(), "flag --set " + e.getKey(), problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        NodeConfig config;
        try {
            config = MAPPER.treeToValue(tree, NodeConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(source + ": unknown setting '" + pathOf(e) + "' (known settings: "
                    + String.join(", ", KEYS) + ")");
        } catch (JsonMappingException e) {
            throw new ConfigException(pathOf(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": " + e.getOriginalMessage());
        }
        return config.requireValid();
    }

    /** The environment variable name for a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> envOverrides(Map<String, String> env) {
        Map<String, String> byName = new LinkedHashMap<>();
        for (String key : KEYS) {
            String value = env.get(envName(key));
            if (value != null) {
                byName.put(key, value);
            }
        }
        return byName;
    }

    private static JsonNode readFile(Path file) {
        try {
            String text = Files.readString(file);
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                throw new ConfigException("config file " + file + ": must be a YAML mapping of settings");
            }
            return node;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + ": does not exist");
        } catch (JsonProcessingException e) {
            throw new ConfigException("config file " + file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot be read: " + e);
        }
    }

    /** Overlays {@code from} onto {@code into}: objects merge key by key, anything else replaces. */
    private static void merge(ObjectNode into, JsonNode from, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing instanceof ObjectNode obj && e.getValue().isObject()) {
                merge(obj, e.getValue(), prefix + e.getKey() + ".");
            } else {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    private static void set(ObjectNode tree, String key, String value, String source, List<String> problems) {
        if (!KEYS.contains(key)) {
            problems.add(source + ": unknown setting '" + key + "' (known settings: " + String.join(", ", KEYS) + ")");
            return;
        }
        if (key.equals("peers")) {
            try {
                tree.set("peers", parsePeers(value));
            } catch (IllegalArgumentException e) {
                problems.add(source + ": " + e.getMessage());
            }
            return;
        }
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(parts[i]);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], TextNode.valueOf(value));
    }

    /** Parses "1=host:port,2=host:port". */
    static ArrayNode parsePeers(String text) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        if (text.isBlank()) {
            return array;
        }
        for (String item : text.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("peers: '" + item.trim() + "' is not id=host:port");
            }
            ObjectNode peer = array.addObject();
            try {
                peer.put("id", Long.parseLong(item.substring(0, eq).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("peers: '" + item.trim() + "' has an id that is not a number");
            }
            peer.put("address", item.substring(eq + 1).trim());
        }
        return array;
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(top level)" : sb.toString();
    }

    private static List<String> keysOf(Class<?> type, String prefix) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + kebab(c.getName());
            Class<?> t = c.getType();
            if (t.isRecord()) {
                keys.addAll(keysOf(t, name + "."));
            } else if (List.class.isAssignableFrom(t) && c.getGenericType() instanceof ParameterizedType) {
                keys.add(name); // lists are set whole
            } else {
                keys.add(name);
            }
        }
        return List.copyOf(keys);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The known keys, sorted, for help texts. */
    public static String describeKeys() {
        return String.join("\n", new TreeSet<>(KEYS));
    }
}
