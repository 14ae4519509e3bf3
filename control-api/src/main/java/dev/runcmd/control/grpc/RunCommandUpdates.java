package dev.runcmd.control.grpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runcmd.proto.v1.RunCommandDefinition;
import dev.runcmd.proto.v1.UpdateRunCommandRequest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Turns an UpdateRunCommand request into the edit of the stored definition (a PUT body) that it stands for: the
 * fields named in the update mask take the request's values, every other member stays, and the result is checked
 * by the REST parser as a whole, as after a REST PATCH. The mask is checked here, before anything is read, with
 * INVALID_ARGUMENT naming the path.
 *
 * <p>Why a field mask rather than REST's merge patch: proto3 cannot tell an unset string from an empty one, so the
 * mask is what says "remove the run-as user" or "no timeout" apart from "leave it".
 */
final class RunCommandUpdates {

    private RunCommandUpdates() {
    }

    /** The edit; INVALID_ARGUMENT for a mask path that names no field. */
    static UnaryOperator<ObjectNode> edit(UpdateRunCommandRequest request) {
        RunCommandDefinition definition = request.getRunCommand();
        Set<String> paths = paths(request);
        return stored -> {
            editSource(stored, paths, definition);
            for (String path : paths) {
                if (path.startsWith(RunCommandFields.TAG_PREFIX)) {
                    RunCommandFields.applyTag(stored, path.substring(RunCommandFields.TAG_PREFIX.length()),
                            definition);
                } else if (!RunCommandFields.isSource(path)) {
                    RunCommandFields.apply(stored, path, definition);
                }
            }
            return stored;
        };
    }

    /** The mask's paths, checked; with an empty mask, every field the request sets. */
    static Set<String> paths(UpdateRunCommandRequest request) {
        if (request.getUpdateMask().getPathsCount() == 0) {
            Set<String> implicit = new LinkedHashSet<>();
            RunCommandFields.NAMES.stream().filter(name -> RunCommandFields.isSet(request.getRunCommand(), name))
                    .forEach(implicit::add);
            return implicit;
        }
        Set<String> paths = new LinkedHashSet<>();
        for (String path : request.getUpdateMask().getPathsList()) {
            boolean tag = path.startsWith(RunCommandFields.TAG_PREFIX)
                    && path.length() > RunCommandFields.TAG_PREFIX.length();
            if (!tag && !RunCommandFields.NAMES.contains(path)) {
                throw GrpcErrors.invalidArgument("update_mask: '" + path + "' is not a field of RunCommandDefinition"
                        + "; the paths are " + String.join(", ", RunCommandFields.NAMES) + " and tags.<key>");
            }
            paths.add(path);
        }
        return paths;
    }

    /**
     * Naming a source field with a value (an inline script counts even when empty) replaces the stored source with
     * the named ones (more than one is refused by the parser, as in REST); naming only empty script_uri or
     * command_id removes them, which leaves no source if the stored one was of that kind.
     */
    private static void editSource(ObjectNode stored, Set<String> paths, RunCommandDefinition definition) {
        List<String> named = new ArrayList<>();
        List<String> given = new ArrayList<>();
        for (String field : RunCommandRequests.SOURCE_FIELDS) {
            if (paths.contains(field)) {
                named.add(field);
                if (field.equals("script") || RunCommandFields.isSet(definition, field)) {
                    given.add(field);
                }
            }
        }
        if (named.isEmpty()) {
            return;
        }
        ObjectNode properties = stored.get("properties") instanceof ObjectNode p ? p : stored.putObject("properties");
        ObjectNode source = properties.get("source") instanceof ObjectNode s ? s : properties.putObject("source");
        if (!given.isEmpty()) {
            source.removeAll();
        }
        for (String field : named) {
            String member = RunCommandFields.sourceMember(field);
            if (given.contains(field)) {
                source.put(member, (String) definition.getField(RunCommandFields.descriptor(field)));
            } else {
                source.remove(member);
            }
        }
    }
}
