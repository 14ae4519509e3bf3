package dev.runcmd.cli.command;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --targets} of {@code run-command invoke}: {@code machine:a,b} names machines, {@code tag:env=prod}
 * (or {@code tag:env=prod,role=db}) selects the machines having every tag given; the job runs on the union, each
 * machine once.
 */
final class JobTargets {

    private final Set<String> machines = new LinkedHashSet<>();
    private final Map<String, String> tags = new LinkedHashMap<>();

    /** Parses every {@code --targets} value; IllegalArgumentException on a malformed one. */
    static JobTargets parse(List<String> specs) {
        JobTargets targets = new JobTargets();
        for (String spec : specs) {
            if (spec.startsWith("machine:")) {
                for (String name : spec.substring("machine:".length()).split(",")) {
                    if (name.isBlank()) {
                        throw new IllegalArgumentException("'" + spec + "': an empty machine name");
                    }
                    targets.machines.add(name.strip());
                }
            } else if (spec.startsWith("tag:")) {
                for (String pair : spec.substring("tag:".length()).split(",")) {
                    Tag tag = Tag.assignment(pair);
                    String before = targets.tags.put(tag.name(), tag.value());
                    if (before != null && !before.equals(tag.value())) {
                        throw new IllegalArgumentException("the tag '" + tag.name() + "' is given twice, as '"
                                + before + "' and '" + tag.value() + "'; a machine has one value");
                    }
                }
            } else {
                throw new IllegalArgumentException("'" + spec + "' is not a target: use machine:NAME[,NAME...] or "
                        + "tag:NAME=VALUE[,NAME=VALUE...]");
            }
        }
        return targets;
    }

    /** The job body's {@code properties.targets}. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        new ArrayList<>(machines).forEach(json.putArray("machines")::add);
        ObjectNode tagNode = json.putObject("tags");
        tags.forEach(tagNode::put);
        return json;
    }
}
