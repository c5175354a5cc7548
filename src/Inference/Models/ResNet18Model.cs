using System.Reflection;

namespace WPAI.Inference.Models;

/// <summary>
/// Finds ResNet18.onnx (CNTK export; input <c>Input247</c> [1,3,224,224] BGR pixels minus the mean image, output [1,512,1,1])
/// inside the restored NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1. The package path is baked in at build time
/// (<c>GeneratePathProperty</c>); the NuGet cache is the fallback. The model is never copied into the repository.
/// </summary>
public static class ResNet18Model
{
    public const string InputName = "Input247";
    public const string OutputName = "Pooling395_Output_0";
    private const string RelativePath = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";

    public static string Locate()
    {
        var candidates = new List<string>();
        var baked = typeof(ResNet18Model).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ResNet18PackagePath")?.Value;
        if (!string.IsNullOrEmpty(baked))
        {
            candidates.Add(Path.Combine(baked, RelativePath));
        }

        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(cache))
        {
            cache = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        }

        candidates.Add(Path.Combine(cache, "microsoft.ml.dnnimagefeaturizer.resnet18", "0.23.1", RelativePath));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"ResNet18.onnx was not found (looked in {string.Join(", ", candidates)}); run 'dotnet restore src/Inference' to restore Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1");
    }
}
