using System.Text.Json;
using WPAI.Domain.Common;

namespace WPAI.Agent.Runs;

/// <summary>
/// The agent's local state file (<c>agent-state.json</c> in its state directory): its runs and the keys of runs that
/// finished (so an order seen again is never started again). Written whole to a temporary file and renamed, so a crash
/// leaves the old or the new file, never half of one.
/// </summary>
public sealed class AgentStateFile(string directory)
{
    private const int MaxFinished = 10_000;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Path { get; } = System.IO.Path.Combine(directory, "agent-state.json");

    public sealed class Content
    {
        public List<LocalRun> Runs { get; set; } = [];

        public List<string> Finished { get; set; } = [];
    }

    public Content Load()
    {
        if (!File.Exists(Path))
        {
            return new Content();
        }

        return JsonSerializer.Deserialize<Content>(File.ReadAllText(Path), Json) ?? new Content();
    }

    public void Save(Content content)
    {
        ArgumentNullException.ThrowIfNull(content);
        BoundedList.TrimOldestFirst(content.Finished, MaxFinished);

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = Path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(stream, content, Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, Path, overwrite: true);
    }
}
