using System.Text.Json;

namespace WPAI.Inference.Load;

/// <summary>
/// Writes each load snapshot as JSON to one file (<c>--load-report-file</c>), replaced atomically (written beside it,
/// then renamed), so the node agent that started this server reads a whole snapshot every time and passes it to the
/// inference service grain with the replica's readiness. Keeps the latest snapshot like the default reporter.
/// </summary>
public sealed class FileLoadReporter(string path) : ILoadReporter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public LoadSnapshot? Latest { get; private set; }

    public async Task ReportAsync(LoadSnapshot snapshot, CancellationToken cancellationToken)
    {
        Latest = snapshot;
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, snapshot, Json, cancellationToken);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads a snapshot written by <see cref="ReportAsync"/>; null when there is none (yet) or it is unreadable.</summary>
    public static LoadSnapshot? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<LoadSnapshot>(File.ReadAllText(path), Json) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
