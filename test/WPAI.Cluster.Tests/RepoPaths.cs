using System.Reflection;

namespace WPAI.Cluster.Tests;

/// <summary>Where the repository and the silo's build output are, for the configuration this test assembly was built in.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug: the configuration of this test build (the silo is built alongside it).</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string SiloDll
    {
        get
        {
            var path = Path.Combine(Root, "src", "Silo", "bin", Configuration, "net10.0", "WPAI.Silo.dll");
            if (!File.Exists(path))
            {
                Assert.Fail($"The silo is not built: {path} is missing. Build it with `dotnet build src/Silo -c {Configuration}` (./test.sh builds everything).");
            }

            return path;
        }
    }

    /// <summary>The benchmarks' build output (<c>bench/WPAI.Benchmarks</c>), which hosts a silo in-process.</summary>
    public static string BenchmarksDll
    {
        get
        {
            var path = Path.Combine(Root, "bench", "WPAI.Benchmarks", "bin", Configuration, "net10.0", "WPAI.Benchmarks.dll");
            if (!File.Exists(path))
            {
                Assert.Fail($"The benchmarks are not built: {path} is missing. Build them with `dotnet build bench/WPAI.Benchmarks -c {Configuration}` (./test.sh builds everything).");
            }

            return path;
        }
    }

    public static string PostgresScript => Path.Combine(Root, "scripts", "postgres.sh");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "WPAI.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"WPAI.sln not found above {AppContext.BaseDirectory}");
    }
}
