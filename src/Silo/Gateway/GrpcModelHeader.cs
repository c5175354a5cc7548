using System.Buffers.Binary;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace WPAI.Silo.Gateway;

/// <summary>
/// Lets an unmodified gRPC client reach the service serving its model through one address: for a gRPC call without
/// <c>wpai-service</c> metadata, reads the model name from the call's first message (field 1 — <c>name</c> or
/// <c>model_name</c> in every model-scoped request of <c>inference.GRPCInferenceService</c>) with Google.Protobuf, and
/// sets it as the <c>wpai-model</c> header the routes match. The body is buffered and rewound, so it is forwarded whole.
/// </summary>
public static class GrpcModelHeader
{
    public const string Header = "wpai-model";

    /// <summary>The leading bytes of a message read to find field 1 (a model name is far shorter).</summary>
    private const int Peek = 1024;
    private const int InMemoryBodyBytes = 1 << 20;

    public static async Task InvokeAsync(HttpContext context, Func<Task> next, long bufferLimit)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var request = context.Request;
        if (request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
            && !request.Headers.ContainsKey(ServiceRoutes.ServiceHeader) && !request.Headers.ContainsKey(Header))
        {
            request.EnableBuffering(InMemoryBodyBytes, bufferLimit);
            var model = await ReadModelAsync(request.Body, context.RequestAborted);
            request.Body.Position = 0;
            if (model is { Length: > 0 })
            {
                request.Headers[Header] = model;
            }
        }

        await next();
    }

    /// <summary>Field 1 of the first gRPC message, when it is a string; null when there is none or it is compressed.</summary>
    public static async Task<string?> ReadModelAsync(Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var prefix = new byte[5];
        if (await ReadUpToAsync(body, prefix, cancellationToken) < prefix.Length || prefix[0] != 0)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1));
        var head = new byte[(int)Math.Min(length, Peek)];
        var read = await ReadUpToAsync(body, head, cancellationToken);
        try
        {
            var input = new CodedInputStream(head, 0, read);
            for (var tag = input.ReadTag(); tag != 0; tag = input.ReadTag())
            {
                if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                {
                    return input.ReadString();
                }

                input.SkipLastField();
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // field 1 lies beyond the bytes read, or the message is not protobuf: no model to route by
        }

        return null;
    }

    private static async Task<int> ReadUpToAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await body.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
