using System.Net.Http;
using System.Net.Sockets;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using WPAI.Abstractions.Contracts.Inference;
using WPAI.Silo.Gateway;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace WPAI.Grains.Tests.Gateway;

/// <summary>The inference gateway's rules: which failed requests go to another replica, gRPC model routing, the routes.</summary>
public sealed class GatewayRulesTests
{
    private static readonly Exception Refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused));
    private static readonly Exception Broken = new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely");

    [Theory]
    [InlineData(ForwarderError.Request, true, false, false, true)] // refused: nothing was sent, any request goes elsewhere
    [InlineData(ForwarderError.Request, false, true, false, true)] // broken, but the body can be sent again
    [InlineData(ForwarderError.Request, false, false, false, false)] // broken, and the body is gone
    [InlineData(ForwarderError.Request, true, false, true, false)] // the client saw part of an answer
    [InlineData(ForwarderError.RequestTimedOut, true, true, false, false)] // a slow replica is not retried
    [InlineData(ForwarderError.RequestCanceled, true, true, false, false)] // the client went away
    [InlineData(ForwarderError.RequestBodyClient, true, true, false, false)]
    public void ShouldRetry_OnlyWhenNothingReachedTheClient_AndTheRequestCanBeSentAgain(ForwarderError error, bool refused, bool replayable, bool started, bool retry) =>
        Assert.Equal(retry, ReplicaRetry.ShouldRetry(error, refused ? Refused : Broken, started, replayable));

    [Theory]
    [InlineData("POST", "/v2/models/resnet18/infer", 1000, true)]
    [InlineData("POST", "/services/resnet/v2/models/resnet18/versions/2/infer", 1000, true)]
    [InlineData("POST", ReplicaRetry.GrpcInferPath, 1000, true)]
    [InlineData("POST", "/v2/models/resnet18/infer", 2000, false)] // over the buffer limit
    [InlineData("POST", "/v2/repository/models/resnet18/load", 10, false)] // not repeated
    [InlineData("GET", "/v2/models/resnet18", 0, false)] // no body to buffer
    public void IsIdempotentInference_BuffersInferencesUpToTheLimit(string method, string path, long length, bool buffered)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.ContentLength = length;

        Assert.Equal(buffered, ReplicaRetry.IsIdempotentInference(context.Request, bufferLimit: 1500));
    }

    [Fact]
    public async Task ReadModelAsync_FindsFieldOne_OfTheFirstGrpcMessage()
    {
        var message = new MemoryStream();
        var output = new CodedOutputStream(message, leaveOpen: true);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteString("resnet18");
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteString("1");
        output.Flush();

        Assert.Equal("resnet18", await GrpcModelHeader.ReadModelAsync(Frame(message.ToArray(), compressed: false), CancellationToken.None));
        Assert.Null(await GrpcModelHeader.ReadModelAsync(Frame(message.ToArray(), compressed: true), CancellationToken.None)); // not read when compressed
        Assert.Null(await GrpcModelHeader.ReadModelAsync(Frame([], compressed: false), CancellationToken.None)); // ServerReady: no model
        Assert.Null(await GrpcModelHeader.ReadModelAsync(new MemoryStream([0, 0]), CancellationToken.None)); // a torn frame
    }

    [Fact]
    public void Build_RoutesRestAndGrpc_ToReadyReplicas_WithTheReplicaKey()
    {
        var ready = new ReplicaView("resnet/replica-0", "n1", DateTimeOffset.UnixEpoch, ReplicaPhase.Ready, "http://127.0.0.1:9000", GrpcUrl: "http://127.0.0.1:9001");
        var starting = new ReplicaView("resnet/replica-1", "n2", DateTimeOffset.UnixEpoch, ReplicaPhase.Starting, "http://127.0.0.1:9002", GrpcUrl: "http://127.0.0.1:9003");
        var options = new ServiceGatewayOptions { Port = 8080, GrpcPort = 8081, ReplicaApiKey = "k" };

        var (routes, clusters) = ServiceRoutes.Build([Service("resnet", ready, starting)], options);

        var rest = Assert.Single(clusters, c => c.ClusterId == "service-resnet");
        Assert.Equal("http://127.0.0.1:9000", Assert.Single(rest.Destinations!).Value.Address);
        var grpc = Assert.Single(clusters, c => c.ClusterId == "service-resnet-grpc");
        Assert.Equal("http://127.0.0.1:9001", Assert.Single(grpc.Destinations!).Value.Address);
        Assert.Equal(new Version(2, 0), grpc.HttpRequest!.Version);
        Assert.Equal(["service-resnet-grpc-model", "service-resnet-grpc-server", "service-resnet-grpc-service", "service-resnet-model", "service-resnet-prefix"], routes.Select(r => r.RouteId).Order(StringComparer.Ordinal));
        Assert.All(routes, r => Assert.Contains(r.Transforms!, t => t.TryGetValue("RequestHeader", out var h) && h == "Authorization" && t["Set"] == "Bearer k"));
        var fallback = routes.Single(r => r.RouteId == "service-resnet-grpc-server");
        Assert.Equal(HeaderMatchMode.NotExists, Assert.Single(fallback.Match.Headers!).Mode); // an unknown wpai-service gets no other service's answer
    }

    private static InferenceServiceView Service(string name, params ReplicaView[] replicas) => new(
        new InferenceServiceSpec(name, "resnet18", "T4", new Resources(1, 1000, 1024), 4, 1, 3,
            ImmutableDictionary<WPAI.Abstractions.Contracts.Inference.ScalingMetric, double>.Empty, TimeSpan.FromSeconds(1), 0.05, "/models"),
        replicas.Length, [.. replicas], 0, null, new ForecasterView(false, null, 0, null, null, null, "none"), [], 1);

    private static MemoryStream Frame(byte[] message, bool compressed)
    {
        var frame = new byte[5 + message.Length];
        frame[0] = compressed ? (byte)1 : (byte)0;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return new MemoryStream(frame);
    }
}
