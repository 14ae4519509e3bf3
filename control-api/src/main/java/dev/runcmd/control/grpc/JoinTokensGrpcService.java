package dev.runcmd.control.grpc;

import dev.runcmd.control.jointoken.JoinTokenScope;
import dev.runcmd.control.jointoken.JoinTokenService;
import dev.runcmd.proto.v1.CreateJoinTokenRequest;
import dev.runcmd.proto.v1.CreateJoinTokenResponse;
import dev.runcmd.proto.v1.DeleteJoinTokenRequest;
import dev.runcmd.proto.v1.DeleteJoinTokenResponse;
import dev.runcmd.proto.v1.JoinTokens;
import dev.runcmd.proto.v1.ListJoinTokensRequest;
import dev.runcmd.proto.v1.ListJoinTokensResponse;
import io.grpc.Status;
import dev.runcmd.control.auth.Access;
import dev.runcmd.control.auth.Actions;
import dev.runcmd.control.auth.GrpcCall;
import dev.runcmd.control.auth.GrpcCallers;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

/**
 * The public {@code runcmd.v1.JoinTokens} service over the same service as the REST join token resource:
 * INVALID_ARGUMENT where REST answers 400 (the description names the field), NOT_FOUND where it answers 204 to a
 * DELETE.
 */
@GrpcService
public class JoinTokensGrpcService implements JoinTokens {

    private final JoinTokenService service;

    private final Access access;

    JoinTokensGrpcService(JoinTokenService service, Access access) {
        this.service = service;
        this.access = access;
    }

    /** The ARM id of a group's join tokens collection, what join token actions are authorized on. */
    private static String collection(JoinTokenScope scope) {
        return "/subscriptions/" + scope.subscriptionId() + "/resourceGroups/" + scope.resourceGroup()
                + "/providers/" + JoinTokenScope.TYPE;
    }

    /** Creates a token; the answer is the only time its text is shown. */
    @Override
    public Uni<CreateJoinTokenResponse> createJoinToken(CreateJoinTokenRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .flatMap(r -> {
                    JoinTokenScope scope = GrpcRequests.joinTokenScope(r.getSubscriptionId(), r.getResourceGroup());
                    var spec = JoinTokenRequests.toSpec(r);
                    return access.require(call, Actions.JOIN_TOKEN_WRITE, collection(scope))
                            .chain(() -> service.create(scope, spec));
                })
                .map(created -> CreateJoinTokenResponse.newBuilder()
                        .setToken(created.token())
                        .setJoinToken(ProtoViews.joinToken(created.row()))
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    /** The group's tokens, oldest first, without their secrets. */
    @Override
    public Uni<ListJoinTokensResponse> listJoinTokens(ListJoinTokensRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .flatMap(r -> {
                    JoinTokenScope scope = GrpcRequests.joinTokenScope(r.getSubscriptionId(), r.getResourceGroup());
                    return access.require(call, Actions.JOIN_TOKEN_READ, collection(scope))
                            .chain(() -> service.list(scope));
                })
                .map(rows -> ListJoinTokensResponse.newBuilder()
                        .addAllJoinTokens(rows.stream().map(ProtoViews::joinToken).toList())
                        .build())
                .onFailure().transform(GrpcErrors::toStatus);
    }

    /** Deletes a token at once; NOT_FOUND when the group has none with this id. */
    @Override
    public Uni<DeleteJoinTokenResponse> deleteJoinToken(DeleteJoinTokenRequest request) {
        GrpcCall call = GrpcCallers.current();
        return Uni.createFrom().item(request)
                .flatMap(r -> {
                    JoinTokenScope scope = GrpcRequests.joinTokenScope(r.getSubscriptionId(), r.getResourceGroup());
                    String id = GrpcRequests.joinTokenId(r.getName());
                    return access.require(call, Actions.JOIN_TOKEN_DELETE, collection(scope))
                            .chain(() -> service.delete(scope, id)).map(deleted -> {
                        if (!deleted) {
                            throw Status.NOT_FOUND.withDescription("The join token '" + id + "' under resource group '"
                                    + scope.resourceGroup() + "' was not found.").asRuntimeException();
                        }
                        return DeleteJoinTokenResponse.getDefaultInstance();
                    });
                })
                .onFailure().transform(GrpcErrors::toStatus);
    }
}
