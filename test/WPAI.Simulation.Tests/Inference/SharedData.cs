namespace WPAI.Simulation.Tests.Inference;

/// <summary>Finds <c>shared/data</c>: <c>$WPAI_SHARED_DATA</c>, else the first ancestor folder that has it.</summary>
internal static class SharedData
{
    public static string Load(string file)
    {
        var env = Environment.GetEnvironmentVariable("WPAI_SHARED_DATA");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.Combine(env, "load", file);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(candidate, "load", file);
            }
        }

        throw new DirectoryNotFoundException("shared/data not found: set WPAI_SHARED_DATA or run from inside the workspace");
    }
}
