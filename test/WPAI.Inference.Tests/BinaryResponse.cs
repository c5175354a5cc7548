using System.Text.Json.Nodes;

namespace WPAI.Inference.Tests;

/// <summary>A response read as bytes: status, the JSON part (all of it, or the first Inference-Header-Content-Length bytes) and the binary rest.</summary>
public sealed record BinaryResponse(int Status, string? ContentType, long? ContentLength, int? HeaderLength, byte[] Body, JsonNode? Json, byte[] Binary)
{
    public static async Task<BinaryResponse> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        int? headerLength = response.Headers.TryGetValues("Inference-Header-Content-Length", out var values) || response.Content.Headers.TryGetValues("Inference-Header-Content-Length", out values)
            ? int.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture)
            : null;
        var jsonLength = headerLength ?? body.Length;
        var json = jsonLength == 0 ? null : JsonNode.Parse(body.AsSpan(0, jsonLength));
        return new BinaryResponse((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentLength, headerLength, body, json, body[jsonLength..]);
    }
}
