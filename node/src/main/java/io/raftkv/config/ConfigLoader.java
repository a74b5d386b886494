package io.raftkv.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
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
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    /** One value from a command-line flag; {@code source} names the flag in error messages ("flag --listen"). */
    public record Setting(String key, String value, String source) {
    }

    /**
     * Loads and validates a configuration; {@code overrides} are {@code --set key=value} flags.
     *
     * @throws ConfigException listing every problem
     */
    public static NodeConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        List<Setting> flags = new ArrayList<>();
        overrides.forEach((key, value) -> flags.add(new Setting(key, value, "flag --set " + key)));
        return load(file, env, flags);
    }

    /**
     * Loads and validates a configuration. Every problem of every source is collected before anything is
     * reported (unknown keys, values of the wrong type, invalid values), each naming the setting and where its
     * value came from: the YAML file, the environment variable, or the flag.
     *
     * @param file  the YAML file, or null for none
     * @param env   the environment (usually {@code System.getenv()}); only {@code RAFTKV_*} entries are read
     * @param flags highest precedence, in order
     * @throws ConfigException listing every problem
     */
    public static NodeConfig load(Path file, Map<String, String> env, List<Setting> flags) {
        List<String> problems = new ArrayList<>();
        ObjectNode tree = MAPPER.valueToTree(NodeConfig.defaults());
        Map<String, String> sources = new HashMap<>();
        if (file != null) {
            String source = "config file " + file;
            JsonNode fromFile = readFile(file, problems);
            if (fromFile != null) {
                mergeKnown(tree, fromFile, "", source, sources, problems);
            }
        }
        for (Map.Entry<String, String> e : envOverrides(env).entrySet()) {
            set(tree, e.getKey(), e.getValue(), "environment variable " + envName(e.getKey()), sources, problems);
        }
        for (Setting flag : flags) {
            set(tree, flag.key(), flag.value(), flag.source(), sources, problems);
        }
        convertEachValue(tree, sources, problems);
        NodeConfig config = null;
        try {
            config = MAPPER.treeToValue(tree, NodeConfig.class);
        } catch (JsonProcessingException e) {
            // not reached: every value was checked above
            problems.add((e instanceof JsonMappingException m ? pathOf(m) : "(top level)") + ": " + e.getOriginalMessage());
        }
        if (config != null) {
            for (String problem : config.validate()) {
                problems.add(problem + sourceSuffix(problem, sources));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
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

    /** The file's settings, or null (with the problem recorded) if it cannot be read or parsed. */
    private static JsonNode readFile(Path file, List<String> problems) {
        try {
            String text = Files.readString(file);
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return JsonNodeFactory.instance.objectNode();
            }
            if (!node.isObject()) {
                problems.add("config file " + file + ": must be a YAML mapping of settings");
                return null;
            }
            return node;
        } catch (NoSuchFileException e) {
            problems.add("config file " + file + ": does not exist");
        } catch (JsonProcessingException e) {
            problems.add("config file " + file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() : ""));
        } catch (IOException e) {
            problems.add("config file " + file + ": cannot be read: " + e.getMessage());
        }
        return null;
    }

    /**
     * Overlays the file's known settings onto {@code into}, recording where each came from; unknown keys and
     * groups that are not mappings are problems (and left out, so that the rest can still be checked).
     */
    private static void mergeKnown(ObjectNode into, JsonNode from, String prefix, String source,
                                   Map<String, String> sources, List<String> problems) {
        Iterator<Map.Entry<String, JsonNode>> it = from.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode value = e.getValue();
            boolean group = KEYS.stream().anyMatch(k -> k.startsWith(key + "."));
            if (KEYS.contains(key)) {
                into.set(e.getKey(), value);
                sources.put(key, source);
            } else if (group && value.isObject()) {
                JsonNode existing = into.get(e.getKey());
                ObjectNode child = existing instanceof ObjectNode obj ? obj : into.putObject(e.getKey());
                mergeKnown(child, value, key + ".", source, sources, problems);
            } else if (group && value.isNull()) {
                into.set(e.getKey(), value);
                sources.put(key, source);
            } else if (group) {
                problems.add(source + ": " + key + " must be a mapping of " + key + ".* settings");
            } else {
                problems.add(source + ": unknown setting '" + key + "' (known settings: " + String.join(", ", KEYS)
                        + ")");
            }
        }
    }

    /**
     * Converts every value to its setting's type one by one, so that every wrong type is reported (binding the
     * whole tree stops at the first); a wrong value is reported and replaced by the default.
     */
    private static void convertEachValue(ObjectNode tree, Map<String, String> sources, List<String> problems) {
        ObjectNode defaults = MAPPER.valueToTree(NodeConfig.defaults());
        for (String key : KEYS) {
            String[] parts = key.split("\\.");
            ObjectNode parent = tree;
            ObjectNode defaultParent = defaults;
            for (int i = 0; i < parts.length - 1 && parent != null; i++) {
                parent = parent.get(parts[i]) instanceof ObjectNode obj ? obj : null;
                defaultParent = defaultParent != null && defaultParent.get(parts[i]) instanceof ObjectNode obj
                        ? obj : null;
            }
            String name = parts[parts.length - 1];
            if (parent == null || !parent.has(name) || parent.get(name).isNull()) {
                continue;
            }
            JsonNode value = parent.get(name);
            JavaType type = typeOf(key);
            try {
                MAPPER.treeToValue(value, type);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                problems.add(key + ": " + typeProblem(value, type, e) + sourceSuffix(key + ":", sources));
                JsonNode fallback = defaultParent == null ? null : defaultParent.get(name);
                if (fallback == null || fallback.isNull()) {
                    parent.remove(name);
                } else {
                    parent.set(name, fallback);
                }
            }
        }
    }

    private static String typeProblem(JsonNode value, JavaType type, Exception e) {
        Class<?> raw = type.getRawClass();
        String shown = value.isValueNode() ? "'" + value.asText() + "'" : value.isArray() ? "a list" : "a mapping";
        if (raw == int.class || raw == long.class) {
            return shown + " is not a whole number" + (raw == int.class ? " (up to 2147483647)" : "");
        }
        if (raw == String.class) {
            return shown + " must be a single value";
        }
        String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return shown + " cannot be read: " + detail.lines().findFirst().orElse("");
    }

    /** The Java type of a setting, from the record components along its path. */
    private static JavaType typeOf(String key) {
        Class<?> type = NodeConfig.class;
        java.lang.reflect.Type generic = type;
        for (String part : key.split("\\.")) {
            RecordComponent found = null;
            for (RecordComponent c : type.getRecordComponents()) {
                if (kebab(c.getName()).equals(part)) {
                    found = c;
                }
            }
            if (found == null) {
                throw new IllegalStateException("no setting " + key);
            }
            type = found.getType();
            generic = found.getGenericType();
        }
        return MAPPER.getTypeFactory().constructType(generic);
    }

    /**
     * " (from SOURCE)" for a problem that starts with a setting's name ("raft.tick-ms: ...", "peers[1].id: ...",
     * "raft.heartbeat-ticks/election-ticks: ..."), naming where the values came from; "" for defaults.
     */
    static String sourceSuffix(String problem, Map<String, String> sources) {
        int colon = problem.indexOf(':');
        if (colon <= 0) {
            return "";
        }
        String[] named = problem.substring(0, colon).replaceAll("\\[.*$", "").split("/");
        String parent = named[0].contains(".") ? named[0].substring(0, named[0].lastIndexOf('.') + 1) : "";
        Set<String> from = new LinkedHashSet<>();
        for (int i = 0; i < named.length; i++) {
            String key = i == 0 ? named[0] : parent + named[i];
            for (String k = key; !k.isEmpty(); k = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "") {
                if (sources.containsKey(k)) {
                    from.add(sources.get(k));
                    break;
                }
            }
        }
        return from.isEmpty() ? "" : " (from " + String.join(" and ", from) + ")";
    }

    private static void set(ObjectNode tree, String key, String value, String source, Map<String, String> sources,
                            List<String> problems) {
        if (!KEYS.contains(key)) {
            problems.add(source + ": unknown setting '" + key + "' (known settings: " + String.join(", ", KEYS) + ")");
            return;
        }
        sources.put(key, source);
        if (key.equals("peers")) {
            try {
                tree.set("peers", parsePeers(value));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage() + " (from " + source + ")");
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
