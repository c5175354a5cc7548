namespace WPAI.Simulation.Tests;

/// <summary>Finds the shared real data: $WPAI_SHARED_DATA, else the first folder upwards that has shared/data.</summary>
internal static class SharedData
{
    public static string Root { get; } = Find();

    public static string Trace(string file) => Path.Combine(Root, "traces", file);

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("WPAI_SHARED_DATA");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/data not found: set WPAI_SHARED_DATA or run from a folder under the one holding shared/data.");
    }
}
